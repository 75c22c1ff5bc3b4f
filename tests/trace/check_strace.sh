#!/usr/bin/env bash
# check_strace.sh RINGSIDE PROGRAM [ARGS...]
#
# `ringside --strace` must print, on stderr, the same system-call lines the
# real strace(1) prints for the same program (strace is the oracle). Lines
# are compared after squeezing the column padding strace puts before " = ";
# strace's own execve line and its "+++ exited" trailer are not compared.
# Use with programs whose calls and results do not vary between runs.
# Exit 0 pass, 1 fail, 77 skip (ringside or strace missing, or ptrace not
# permitted here).
set -u
ringside=$1
shift

[ -x "$ringside" ] || { echo "SKIP: ringside not built at $ringside"; exit 77; }
command -v strace >/dev/null || { echo "SKIP: strace not installed"; exit 77; }
[ -x "$1" ] || { echo "FAIL: $1 not built"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rs-strace.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

norm() { sed -E 's/\) +=/) =/; s/ +$//' "$1"; }

if ! strace -qq -o "$tmp/native.raw" "$@" >"$tmp/native.out" 2>/dev/null; then
    if ! [ -s "$tmp/native.raw" ]; then
        echo "SKIP: strace cannot trace here (ptrace not permitted?)"
        exit 77
    fi
fi
grep -v -E '^(execve\(|\+\+\+ |--- )' "$tmp/native.raw" | norm /dev/stdin >"$tmp/native"

"$ringside" --strace "$@" >"$tmp/rs.out" 2>"$tmp/rs.err"
rrc=$?
norm "$tmp/rs.err" >"$tmp/rs.all"

echo "native strace lines:"
sed 's/^/    /' "$tmp/native"
fails=0
cmp -s "$tmp/native.out" "$tmp/rs.out" || { echo "FAIL: guest stdout differs from native"; fails=1; }
# Every native line must appear, in order, among ringside's stderr lines.
i=0
mapfile -t want <"$tmp/native"
while IFS= read -r l; do
    [ $i -lt ${#want[@]} ] && [ "$l" = "${want[$i]}" ] && i=$((i + 1))
done <"$tmp/rs.all"
if [ $i -ne ${#want[@]} ]; then
    echo "FAIL: ringside --strace is missing this line (or has it out of order):"
    echo "    ${want[$i]}"
    echo "ringside stderr (status $rrc), first 30 lines:"
    head -n 30 "$tmp/rs.err" | sed 's/^/    /'
    fails=1
fi
[ $fails -eq 0 ] && echo "PASSED: all ${#want[@]} lines present, in order"
exit $fails
