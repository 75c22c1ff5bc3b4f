#!/usr/bin/env bash
# fuzz.sh HARNESS [HOURS]   run one coverage-guided harness (libFuzzer, ASan +
#                           UBSan) for HOURS (default 1; fractions allowed)
# fuzz.sh --short [RUNS]    every harness for RUNS executions (default 20000):
#                           the short run scripts/test.sh does
# Harnesses: tests/fuzz/harness/*.c (README.md there). Builds them with clang
# into ./build-fuzz. Corpora live in tests/fuzz/corpus/HARNESS/ (new inputs
# libFuzzer finds are added there); a crash is written to
# tests/fuzz/corpus/HARNESS-crashes/ and the run fails: keep the reproducer,
# fix the bug, and move the file into the corpus as its regression test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
harnesses=(insn_stream elf_loader syscalls gdb_packets)
# per harness: the longest input, and seed folders beside the corpus (built test programs)
declare -A max_len=([insn_stream]=4200 [elf_loader]=65536 [syscalls]=6000 [gdb_packets]=8192)
# the short run's executions per harness when fewer than RUNS (syscalls: one
# sandboxed child process per input: 7-20 a second; gdb_packets likewise, ~10 a second under ASan)
declare -A short_cap=([syscalls]=300 [gdb_packets]=200)
# extra libFuzzer options (syscalls: one call is 56 bytes, so inputs should not
# start tiny and grow slowly)
declare -A extra=([syscalls]="-len_control=0")
declare -A seeds=([elf_loader]="build/tests/programs/bin build/tests/programs32/bin")

if ! command -v clang >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then sudo=(); else sudo=(sudo); fi
    echo "fuzz: installing clang and libclang-rt-dev (libFuzzer)"
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends clang libclang-rt-dev >/dev/null
fi
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRINGSIDE_LIBFUZZER=ON >/dev/null
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run() { # HARNESS NEW_INPUTS_DIR libFuzzer-options...
    local h=$1 out=$2
    shift 2
    cmake --build build-fuzz -j2 --target "$h" >/dev/null
    local bin
    bin=$(find build-fuzz -name "$h" -type f -perm -u+x | head -1)
    mkdir -p "$out" "tests/fuzz/corpus/$h" "tests/fuzz/corpus/$h-crashes"
    local dirs=("$out")
    [ "$out" -ef "tests/fuzz/corpus/$h" ] || dirs+=("tests/fuzz/corpus/$h")
    for d in ${seeds[$h]:-}; do [ -d "$d" ] && dirs+=("$d"); done
    # shellcheck disable=SC2086
    "$bin" -artifact_prefix="tests/fuzz/corpus/$h-crashes/" -print_final_stats=1 ${extra[$h]:-} \
        "$@" "${dirs[@]}" 2>"build-fuzz/$h.log" || {
        echo "fuzz: $h FAILED (crash reproducer in tests/fuzz/corpus/$h-crashes/):"
        tail -40 "build-fuzz/$h.log"
        return 1
    }
    rmdir "tests/fuzz/corpus/$h-crashes" 2>/dev/null || true
    echo "fuzz: $h: $(grep -m1 'stat::number_of_executed_units' "build-fuzz/$h.log" | awk '{print $2}') executions, no crash"
}

case ${1:-} in
--short)
    runs=${2:-20000}
    # new inputs go to a scratch folder: a short run leaves the corpus as it is
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    for h in "${harnesses[@]}"; do
        n=$runs
        if [ -n "${short_cap[$h]:-}" ] && [ "${short_cap[$h]}" -lt "$n" ]; then n=${short_cap[$h]}; fi
        run "$h" "$scratch/$h" -runs="$n" -max_len="${max_len[$h]}"
    done ;;
"" | -h | --help) sed -n '2,11p' "$0" ;;
*)
    h=$1 hours=${2:-1}
    secs=$(awk -v h="$hours" 'BEGIN { printf "%d", h * 3600 }')
    run "$h" "tests/fuzz/corpus/$h" -max_total_time="$secs" -max_len="${max_len[$h]}"
    # keep the corpus small: only the inputs that add coverage
    bin=$(find build-fuzz -name "$h" -type f -perm -u+x | head -1)
    min=$(mktemp -d)
    "$bin" -merge=1 "$min" "tests/fuzz/corpus/$h" 2>/dev/null >&2
    rm -rf "tests/fuzz/corpus/$h" && mv "$min" "tests/fuzz/corpus/$h"
    echo "fuzz: corpus tests/fuzz/corpus/$h: $(ls "tests/fuzz/corpus/$h" | wc -l) inputs" ;;
esac
