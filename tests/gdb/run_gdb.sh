#!/bin/sh
# run_gdb.sh RINGSIDE PROGRAM SCRIPT [RINGSIDE-OPTIONS...] [-- PROGRAM-ARGS...]
#
# Starts `RINGSIDE --gdb=0 OPTIONS PROGRAM ARGS` (any free port; ringside names it
# on stderr), runs Debian's gdb in batch mode on SCRIPT (@PORT@ replaced by
# the port, @PPID@ by this shell's pid: the parent ringside's getppid must
# report, the native fact the scripts check results against), and passes
# when gdb printed "RESULT: PASS" and no "RESULT: FAIL". Every check is in
# the script (gdb's Python); the script's expectations come from the
# architecture and the program's own symbols, never from ringside output.
# RS_EXPECT_NATIVE=1: ringside's stdout and exit status must also equal the
# native run's (detach). Exit 77 (skip) without gdb or the program.
rs=$1 prog=$2 script=$3
shift 3
opts=
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    opts="$opts $1"
    shift
done
[ "$1" = "--" ] && shift
command -v gdb >/dev/null 2>&1 || { echo "skip: no gdb"; exit 77; }
[ -x "$rs" ] || { echo "skip: no ringside at $rs"; exit 77; }
[ -e "$prog" ] || { echo "skip: no test program $prog"; exit 77; }
gdb -nx -batch -ex 'python print("py-ok")' 2>/dev/null | grep -q py-ok || { echo "skip: gdb without Python"; exit 77; }
t=$(mktemp -d) || exit 1
rspid=
cleanup() {
    [ -n "$rspid" ] && kill "$rspid" 2>/dev/null
    rm -rf "$t"
}
trap cleanup EXIT
# shellcheck disable=SC2086 # options are single words
"$rs" --gdb=0 $opts "$prog" "$@" >"$t/out" 2>"$t/err" &
rspid=$!
port=
for i in $(seq 1 400); do
    port=$(sed -n 's/^ringside: waiting for gdb on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$t/err" 2>/dev/null | head -1)
    [ -n "$port" ] && break
    sleep 0.05
done
if [ -z "$port" ]; then
    echo "FAIL: ringside did not start listening"; cat "$t/err"; exit 1
fi
sed -e "s/@PORT@/$port/g" -e "s/@PPID@/$$/g" -e "s|@DIR@|$(cd "$(dirname "$0")" && pwd)|g" "$script" >"$t/script.gdb"
timeout 120 gdb -nx -batch -x "$t/script.gdb" "$prog" >"$t/gdb.out" 2>&1
grc=$?
# ringside ends when gdb kills, detaches from or finishes the program
for i in $(seq 1 100); do
    kill -0 "$rspid" 2>/dev/null || break
    sleep 0.05
done
if kill -0 "$rspid" 2>/dev/null; then
    echo "ringside still running after gdb left"; kill "$rspid"
fi
wait "$rspid" 2>/dev/null
rsrc=$?
rspid=
echo "--- gdb (exit $grc)"; cat "$t/gdb.out"
echo "--- ringside stdout"; cat "$t/out"
echo "--- ringside stderr (exit $rsrc)"; cat "$t/err"
if [ -n "$RS_EXPECT_NATIVE" ]; then
    # the program's own output and status must be the native run's
    "$prog" "$@" >"$t/native.out" 2>/dev/null
    nrc=$?
    if [ "$nrc" != "$rsrc" ] || ! cmp -s "$t/native.out" "$t/out"; then
        echo "RESULT: FAIL ringside exit $rsrc / native $nrc, or stdout differs" >>"$t/gdb.out"
        echo "FAIL: ringside exit $rsrc vs native $nrc"; diff "$t/native.out" "$t/out"
    fi
fi
if grep -q '^RESULT: FAIL' "$t/gdb.out" || ! grep -q '^RESULT: PASS' "$t/gdb.out"; then
    echo "FAIL"
    exit 1
fi
echo "PASS"
exit 0
