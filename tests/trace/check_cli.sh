#!/usr/bin/env bash
# check_cli.sh RINGSIDE CHECK [PROGRAM]: ringside's command-line contract.
#   version      --version: status 0, one non-empty line on stdout
#   help         --help: status 0, usage on stdout naming --trace and --strace
#   bad-option   an unknown option: status 125, nothing run, message on stderr
#   no-program   no PROGRAM at all: status 125
#   bad-cpu      --cpu=via: status 125
#   stats        --stats PROGRAM: the guest's stdout/stderr/status as native,
#                then "ringside: ..." lines, one "ringside: N instructions retired"
#                with N at least the user-mode instructions PROGRAM must run
#   cpu-intel    --cpu=intel PROGRAM(cpuid_vendor) prints GenuineIntel
#   cpu-amd      --cpu=amd   PROGRAM(cpuid_vendor) prints AuthenticAMD
#                (the vendor strings are the ones the Intel SDM and AMD APM define)
# Exit 0 pass, 1 fail, 77 skip (ringside missing).
set -u
rs=$1 what=$2 prog=${3:-}
[ -x "$rs" ] || { echo "SKIP: ringside not built at $rs"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rs-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

run() { # run ARGS...: status in $rc, output in $tmp/out, $tmp/err
    { (ulimit -c 0; exec timeout -k 5 60 "$@") </dev/null >"$tmp/out" 2>"$tmp/err"; } 2>/dev/null
    rc=$?
    echo "\$ $* -> status $rc"
    sed 's/^/  stdout: /' "$tmp/out" | head -n 8
    sed 's/^/  stderr: /' "$tmp/err" | head -n 8
}
fail() { echo "FAIL: $*"; exit 1; }
want_rc() { [ "$rc" = "$1" ] || fail "status $rc, expected $1"; }

case $what in
version)
    run "$rs" --version
    want_rc 0
    [ "$(wc -l <"$tmp/out")" = 1 ] && [ -n "$(tr -d ' \n' <"$tmp/out")" ] ||
        fail "expected one non-empty line on stdout"
    ;;
help)
    run "$rs" --help
    want_rc 0
    grep -q -- '--trace' "$tmp/out" && grep -q -- '--strace' "$tmp/out" ||
        fail "--help output on stdout does not mention --trace and --strace"
    ;;
bad-option)
    run "$rs" --definitely-not-an-option "$prog"
    want_rc 125
    [ -s "$tmp/err" ] || fail "no message on stderr"
    [ -s "$tmp/out" ] && fail "the program ran (stdout not empty)"
    ;;
no-program)
    run "$rs"
    want_rc 125
    [ -s "$tmp/err" ] || fail "no message on stderr"
    ;;
bad-cpu)
    run "$rs" --cpu=via "$prog"
    want_rc 125
    [ -s "$tmp/out" ] && fail "the program ran (stdout not empty)"
    ;;
stats)
    [ -x "$prog" ] || fail "$prog not built"
    "$prog" </dev/null >"$tmp/native.out" 2>"$tmp/native.err"
    nrc=$?
    run "$rs" --stats "$prog"
    want_rc "$nrc"
    cmp -s "$tmp/out" "$tmp/native.out" || fail "stdout differs from the native run"
    # stderr = the guest's stderr, then ringside's own "ringside: ..." lines,
    # one of them "ringside: N instructions retired".
    nlen=$(stat -c %s "$tmp/native.err")
    head -c "$nlen" "$tmp/err" | cmp -s - "$tmp/native.err" ||
        fail "stderr before the stats lines differs from the native stderr"
    tail -c +$((nlen + 1)) "$tmp/err" >"$tmp/stats"
    grep -qv '^ringside: ' "$tmp/stats" && fail "a stats line does not start with 'ringside: '"
    line=$(grep -E '^ringside: [0-9]+ instructions retired$' "$tmp/stats")
    [[ $line =~ ^ringside:\ ([0-9]+)\ instructions\ retired$ ]] ||
        fail "no 'ringside: N instructions retired' line after the guest's stderr"
    # raw_hello runs exactly 10 user-mode instructions on its success path.
    min=1
    [ "$(basename "$prog")" = raw_hello ] && min=10
    [ "${BASH_REMATCH[1]}" -ge "$min" ] || fail "N=${BASH_REMATCH[1]}, expected at least $min"
    ;;
cpu-intel | cpu-amd)
    [ -x "$prog" ] || fail "$prog not built"
    vendor=${what#cpu-}
    want=GenuineIntel
    [ "$vendor" = amd ] && want=AuthenticAMD
    run "$rs" --cpu="$vendor" "$prog"
    want_rc 0
    [ "$(cat "$tmp/out")" = "$want" ] || fail "CPUID vendor '$(cat "$tmp/out")', expected $want"
    ;;
*)
    echo "check_cli: unknown check $what"
    exit 1
    ;;
esac
echo PASSED
