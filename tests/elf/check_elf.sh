#!/usr/bin/env bash
# check_elf.sh RINGSIDE MKELF PROBE CASE NATIVE RINGSIDE-STATUS
#
# Makes test case CASE with mkelf, then:
#  1. native baseline: execve_probe must report the kernel's verdict of class
#     NATIVE: "refused" (execve failed), "killed" (died at exec or on its
#     first instruction), "runs" (exited 42, only the valid base), or "any"
#     (kernel accepts a file ringside must refuse; the verdict is printed).
#  2. ringside must exit with RINGSIDE-STATUS (126 malformed ELF or not executable, 127 cannot
#     open/execute, "126|127" either, 42 for the valid base), never die of a
#     signal, print nothing on stdout, and for 126/127 print exactly one line
#     on stderr starting "ringside:".
# Exit 0 pass, 1 fail, 77 skip (ringside missing).
set -u
ringside=$1 mkelf=$2 probe=$3 case=$4 native_want=$5 rs_want=$6

[ -x "$ringside" ] || { echo "SKIP: ringside not built at $ringside"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rs-elf.XXXXXX")
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
file=$tmp/$case
"$mkelf" "$case" "$file" || { echo "FAIL: mkelf $case failed"; exit 1; }

fails=0
verdict=$("$probe" "$file")
echo "native kernel: $verdict"
case $native_want in
refused | killed) [[ $verdict == "$native_want "* ]] ;;
runs) [ "$verdict" = "exited 42" ] ;;
any) true ;;
*) echo "check_elf: bad NATIVE class $native_want"; exit 1 ;;
esac || {
    echo "FAIL: the kernel's verdict is not '$native_want': this case does not test what it claims"
    fails=1
}

{ (ulimit -c 0; exec timeout -k 5 60 "$ringside" "$file") </dev/null >"$tmp/out" 2>"$tmp/err"; } 2>/dev/null
rc=$?
echo "ringside: status $rc"
sed 's/^/  stderr: /' "$tmp/err" | head -n 5
if [ "$rc" -ge 128 ] && [ "$rc" != 124 ]; then
    echo "FAIL: ringside died of signal $((rc - 128)) (it must never crash on bad input)"
    fails=1
elif [ "$rc" = 124 ]; then
    echo "FAIL: ringside hung (timed out)"
    fails=1
elif ! [[ "|$rs_want|" == *"|$rc|"* ]]; then
    echo "FAIL: exit status $rc, expected $rs_want"
    fails=1
fi
if [ -s "$tmp/out" ]; then
    echo "FAIL: ringside wrote to stdout:"
    head -c 300 "$tmp/out"
    fails=1
fi
if [ "$rc" = 126 ] || [ "$rc" = 127 ]; then
    nl=$(wc -l <"$tmp/err")
    if [ "$nl" != 1 ] || [ "$(tail -c 1 "$tmp/err" | od -An -c | tr -d ' ')" != '\n' ]; then
        echo "FAIL: expected exactly one line on stderr, got $nl"
        fails=1
    elif ! grep -q '^ringside:' "$tmp/err"; then
        echo "FAIL: the stderr line does not start with 'ringside:'"
        fails=1
    fi
elif [ "$rc" = 42 ] && [ -s "$tmp/err" ]; then
    echo "FAIL: the valid program ran but ringside printed on stderr"
    fails=1
fi
[ $fails = 0 ] && echo "PASSED"
exit $fails
