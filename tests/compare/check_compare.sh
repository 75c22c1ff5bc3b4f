#!/usr/bin/env bash
# ringside --compare / --compare-list: the native run is the oracle, so the
# checks here are about the comparison itself: agreement is reported as
# "same" with status 0, and a real difference (the process id a program
# prints, which differs between any two runs) is found and reported with its
# stream and line, with status 1.
#   check_compare.sh RINGSIDE CASE DATA_DIR PRIV_PROGRAM
set -u
rs=$1 case=$2 data=$3 priv=$4
[ -x "$rs" ] || { echo "ringside missing: $rs"; exit 77; }
[ -x /bin/busybox ] || { echo "skip: /bin/busybox (busybox-static) not installed"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"; exit 1; }

case $case in
same)
    "$rs" --compare /bin/busybox ls -l "$data" >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ $rc = 0 ] || fail "status $rc, expected 0"
    [ "$(cat "$tmp/out")" = same ] || fail "expected 'same' on stdout"
    ;;
fork)
    # a program forks, execs and waits (busybox xargs: no SIGCHLD handler,
    # whose timing would differ from run to run as it does natively): pids
    # in results and arguments differ between the runs and must not count
    printf 'a b\nc\n' >"$tmp/in"
    "$rs" --compare /bin/busybox xargs -n1 /bin/echo <"$tmp/in" >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ $rc = 0 ] && [ "$(cat "$tmp/out")" = same ] || fail "status $rc: fork/wait4 pids must be normalised"
    ;;
stdin)
    "$rs" --compare /bin/busybox wc <"$data/input.txt" >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ $rc = 0 ] && [ "$(cat "$tmp/out")" = same ] || fail "status $rc: both runs must get the same stdin"
    ;;
fault)
    # natively killed by SIGSEGV; ringside exits 139 with its report line:
    # the comparison must treat these as the same ending
    "$rs" --compare "$priv" cli >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ $rc = 0 ] && [ "$(cat "$tmp/out")" = same ] || fail "status $rc: a fault must compare equal to native"
    ;;
differ)
    "$rs" --compare /bin/busybox sh -c 'echo first; echo $$' >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ $rc = 1 ] || fail "status $rc, expected 1 (the pid differs)"
    grep -q "stdout differs at line 2" "$tmp/err" || fail "divergence not located at stdout line 2"
    grep -q "same" "$tmp/out" && fail "'same' printed for a divergence"
    ;;
same-program)
    # any program given as the 5th argument (e.g. a 32-bit one)
    prog=${5:?program}
    [ -x "$prog" ] || { echo "skip: $prog not built"; exit 77; }
    "$rs" --compare "$prog" >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ $rc = 0 ] && [ "$(cat "$tmp/out")" = same ] || fail "status $rc for $prog"
    ;;
list)
    printf '%s\n' "/bin/busybox echo one" "# a comment" "" "/bin/busybox sh -c 'echo \$\$'" \
        "/bin/busybox cat $data/input.txt" >"$tmp/list"
    "$rs" --compare-list="$tmp/list" >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ $rc = 1 ] || fail "status $rc, expected 1 (one line differs)"
    [ "$(tail -n 1 "$tmp/out")" = "2 passed, 1 failed" ] || fail "wrong summary line"
    ;;
*) echo "unknown case $case"; exit 2 ;;
esac
echo "ok: $case"
