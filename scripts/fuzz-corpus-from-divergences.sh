#!/bin/sh
# Rebuild tests/fuzz/corpus/amd-1ah-{64,32}.txt.gz: the AMD Zen 5 (family 1Ah)
# divergence reports in ../shared/amd-host/ turned into recorded-corpus cases
# (see tests/fuzz/README.md, "Recorded corpora").
#
#   scripts/fuzz-corpus-from-divergences.sh [REPORT_DIR [WORKTREE]]
#
# REPORT_DIR holds fuzz-mode{64,32}-seed*.txt (default ../shared/amd-host next
# to the checkout). The reports were printed by fuzz_insn at commit 1655fc2 on
# the Zen 5 host; they show only the fields where native differed from
# ringside, so the other fields are ringside's outcome at 1655fc2. This
# script checks out 1655fc2 in WORKTREE (default /work/tmp/rs-1655fc2; a
# `git worktree`, main's working tree is not touched), makes its unit
# harness model AMD whatever this host is (1655fc2 modelled the host's
# vendor), builds it, builds scripts/fuzz_corpus_from_divergences.c against
# it, and converts. The output is deterministic (gzip -n).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPORTS=${1:-$ROOT/../shared/amd-host}
WT=${2:-/work/tmp/rs-1655fc2}
COMMIT=1655fc2
OUT=$ROOT/tests/fuzz/corpus

if [ ! -e "$WT/.git" ]; then
    git -C "$ROOT" worktree add --detach "$WT" "$COMMIT"
fi
head=$(git -C "$WT" rev-parse --short=7 HEAD)
[ "$head" = "$COMMIT" ] || { echo "$WT is at $head, not $COMMIT" >&2; exit 1; }

# 1655fc2's harness: cpu_new(g_mem, <host vendor>) -> always the AMD model
H=$WT/tests/unit/harness.c
sed -i 's|g_cpu = cpu_new(g_mem, vb == 0x68747541 /\* "Auth" \*/ ? CPU_AMD : CPU_INTEL);|g_cpu = cpu_new(g_mem, CPU_AMD); /* fuzz-corpus-from-divergences.sh */ (void)vb;|' "$H"
grep -q 'g_cpu = cpu_new(g_mem, CPU_AMD);' "$H" || { echo "cannot force the AMD model in $H" >&2; exit 1; }

B=$WT/build
cmake -S "$WT" -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$B" -j2 --target fuzz_insn >/dev/null
F=$B/tests/fuzz/CMakeFiles/fuzz_insn.dir
TOOL=$B/fuzz_corpus_from_divergences
${CC:-cc} -std=gnu17 -O1 -g -Wall -I"$WT/tests/fuzz" -I"$WT/tests/unit" -I"$WT" \
    -o "$TOOL" "$ROOT/scripts/fuzz_corpus_from_divergences.c" \
    "$F/oracle.c.o" "$F/regress.c.o" "$F/undef.c.o" "$F/probe.c.o" \
    "$B/tests/unit/librs_unit_harness.a" "$B/librs_cpu.a" -lZydis -lZycore -lm

mkdir -p "$OUT"
HDR="vendor=amd family=1a model=2 cpu=AMD_EPYC_Zen_5_(family_1Ah_model_2,_KVM_guest,_Linux_6.18)"
for m in 64 32; do
    "$TOOL" --mode $m --label "" --header "$HDR" "$REPORTS"/fuzz-mode$m-seed*.txt >"$B/amd-1ah-$m.txt"
    gzip -9n <"$B/amd-1ah-$m.txt" >"$OUT/amd-1ah-$m.txt.gz"
    echo "wrote $OUT/amd-1ah-$m.txt.gz"
done
