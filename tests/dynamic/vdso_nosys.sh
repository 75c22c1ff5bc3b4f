#!/usr/bin/env bash
# vdso_nosys.sh: the time calls of PROGRAM go through the vDSO, not the
# kernel, as natively. PROGRAM (run with "count") loops clock_gettime; the
# number of clock system calls it makes is counted natively with strace(1)
# and under ringside with --strace: both must be 0, and the program's output
# (steps backwards: 0) the same.
#   vdso_nosys.sh RINGSIDE PROGRAM
# Exit: 0 pass, 1 fail, 77 skipped.
set -u
rs=$1
prog=$2
[ -x "$rs" ] || { echo "SKIP: ringside not built at $rs"; exit 77; }
[ -x "$prog" ] || { echo "FAIL: $prog not built"; exit 1; }
re='^(clock_gettime|clock_gettime64|gettimeofday|time)\('
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rs-vnosys.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
if command -v strace >/dev/null; then
    strace -o "$tmp/n.trace" "$prog" count >"$tmp/n.out" 2>&1
    n=$(grep -cE "$re" "$tmp/n.trace")
else
    echo "note: strace(1) missing: the native count is not checked"
    "$prog" count >"$tmp/n.out" 2>&1
    n=0
fi
"$rs" --strace "$prog" count >"$tmp/r.out" 2>"$tmp/r.trace"
r=$(grep -cE "$re" "$tmp/r.trace")
echo "clock system calls: native $n, ringside $r"
[ "$n" = 0 ] || { echo "FAIL: natively the program made clock system calls (no vDSO?)"; fail=1; }
[ "$r" = 0 ] || { echo "FAIL: under ringside it made clock system calls:"; grep -E "$re" "$tmp/r.trace" | head -5; fail=1; }
if ! cmp -s "$tmp/n.out" "$tmp/r.out"; then
    echo "FAIL: output differs:"; diff "$tmp/n.out" "$tmp/r.out" | head; fail=1
fi
# RINGSIDE_NO_VVAR=1 leaves the clock page invalid: the same program must
# then take the vDSO's system-call fallback, with the same output.
RINGSIDE_NO_VVAR=1 "$rs" --strace "$prog" count >"$tmp/f.out" 2>"$tmp/f.trace"
f=$(grep -cE "$re" "$tmp/f.trace")
echo "with RINGSIDE_NO_VVAR=1: $f clock system calls (the fallback)"
[ "$f" -gt 0 ] || { echo "FAIL: RINGSIDE_NO_VVAR=1 made no clock system calls"; fail=1; }
cmp -s "$tmp/n.out" "$tmp/f.out" || { echo "FAIL: fallback output differs:"; diff "$tmp/n.out" "$tmp/f.out" | head; fail=1; }
[ $fail = 0 ] && echo "ok: $(cat "$tmp/r.out")"
exit $fail
