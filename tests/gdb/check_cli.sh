#!/bin/sh
# check_cli.sh RINGSIDE PROGRAM: the --gdb / --history command line (bad
# values end with 125 and one "ringside:" line, nothing run), and the
# RINGSIDE_GDB twin with a Unix socket: gdb connects by path, finds the
# program at its entry point, continues to an end identical to the native
# run's (stdout, status), and the socket is removed afterwards.
rs=$1 prog=$2
[ -x "$rs" ] || { echo "skip: no ringside at $rs"; exit 77; }
fail=0
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
expect125() {
    "$rs" "$@" "$prog" >"$t/o" 2>"$t/err"
    rc=$?
    if [ $rc -ne 125 ] || ! grep -q '^ringside: ' "$t/err" || [ -s "$t/o" ]; then
        echo "FAIL: $* -> status $rc"; cat "$t/err"; fail=1
    else
        echo "ok $* -> 125: $(head -1 "$t/err")"
    fi
}
expect125 --gdb=notaport
expect125 --gdb=70000
expect125 "--gdb=unix:$t/no-such-dir/sock"
expect125 --history=lots
expect125 --history=-1
command -v gdb >/dev/null 2>&1 || { echo "skip: no gdb"; exit 77; }
RINGSIDE_GDB="unix:$t/sock" "$rs" "$prog" >"$t/out" 2>"$t/rserr" &
pid=$!
for i in $(seq 1 100); do
    [ -S "$t/sock" ] && break
    sleep 0.05
done
timeout 60 gdb -nx -batch -ex "target remote $t/sock" -ex 'p/x $pc' -ex 'p/x &_start' \
    -ex continue "$prog" >"$t/gdb" 2>&1
wait $pid
rc=$?
"$prog" >"$t/native"
nrc=$?
pc=$(sed -n 's/^\$1 = //p' "$t/gdb")
start=$(sed -n 's/^\$2 = //p' "$t/gdb")
if [ -z "$pc" ] || [ "$pc" != "$start" ]; then
    echo "FAIL: first stop $pc, _start $start"; cat "$t/gdb"; fail=1
else
    echo "ok first stop at _start ($pc) over the Unix socket"
fi
if [ $rc -ne $nrc ] || ! cmp -s "$t/out" "$t/native"; then
    echo "FAIL: status $rc (native $nrc) or stdout differs"; fail=1
else
    echo "ok status $rc and stdout as native"
fi
if [ -e "$t/sock" ]; then
    echo "FAIL: the socket was left behind"; fail=1
fi
[ $fail -eq 0 ] && echo PASS
exit $fail
