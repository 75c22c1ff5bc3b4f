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
#   cpu-intel    --cpu=intel PROGRAM(cpuid_vendor) prints GenuineIntel, family 0x6
#   cpu-amd      --cpu=amd   PROGRAM(cpuid_vendor) prints AuthenticAMD, family 0x1a
#   cpu-amd-17h  --cpu=amd-17h: AuthenticAMD, family 0x17 (Zen 1/2)
#   cpu-amd-19h  --cpu=amd-19h: AuthenticAMD, family 0x19 (Zen 3/4)
#                (the vendor strings and families are the ones the Intel SDM and
#                AMD's processor guides define)
#   cpu-host     --cpu=host: vendor and family as PROGRAM prints them natively
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
bad-kernel)
    run "$rs" --kernel=arm "$prog"
    want_rc 125
    [ -s "$tmp/out" ] && fail "the program ran (stdout not empty)"
    ;;
kernel32-64bit)
    # a 64-bit program cannot run on the 32-bit kernel model: refused like a bad ELF
    run "$rs" --kernel=i386 "$prog"
    want_rc 126
    [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q '^ringside: .*64-bit program' "$tmp/err" ||
        fail "expected one 'ringside: ... 64-bit program ...' line"
    ;;
trace-insn)
    # --trace=insn,user on raw_hello: the CPL 3 lines must be the program's
    # instructions as objdump(1) decodes them (address and bytes, in order,
    # from _start to the exit syscall), with the registers they change.
    [ -x "$prog" ] || fail "$prog not built"
    command -v objdump >/dev/null || { echo "skip: objdump (binutils) missing"; exit 77; }
    run "$rs" --trace=insn,user --trace-file="$tmp/trace" "$prog"
    want_rc 0
    objdump -d --no-show-raw-insn "$prog" >/dev/null 2>&1 || fail "objdump failed"
    objdump -d "$prog" | awk -F'\t' '/^ +[0-9a-f]+:\t/ { a=$1; gsub(/[ :]/, "", a); b=$2; gsub(/ /, "", b); print a, b }' |
        head -n 10 >"$tmp/want"
    grep '^3 ' "$tmp/trace" | awk '{ print $2, $3 }' | sed 's/^0*//' | head -n 10 >"$tmp/got"
    [ "$(wc -l <"$tmp/want")" = 10 ] || fail "objdump gave fewer than 10 instructions"
    cmp -s "$tmp/want" "$tmp/got" || { diff "$tmp/want" "$tmp/got"; fail "traced instructions differ from objdump"; }
    grep '^0 ' "$tmp/trace" && fail "--trace=insn,user showed CPL 0 lines"
    msg=$(nm "$prog" | awk '$3 == "msg" { print $1 }')
    grep -Eq "lea .* rsi=0x0*${msg#"${msg%%[!0]*}"}\b" "$tmp/trace" || fail "lea does not show rsi = &msg (0x$msg)"
    grep -Eq "syscall .* rcx=0x[0-9a-f]+ r11=0x[0-9a-f]+ .*cs=0x10 ss=0x18" "$tmp/trace" ||
        fail "syscall line does not show RCX/R11 and the kernel CS/SS"
    # without ,user the kernel's entry code appears too, at CPL 0
    run "$rs" --trace=insn --trace-file="$tmp/trace0" "$prog"
    grep -Eq '^0 ffffffff8[0-9a-f]+ +[0-9a-f]+ +swapgs' "$tmp/trace0" || fail "no CPL 0 swapgs in the full trace"
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
cpu-intel | cpu-amd | cpu-amd-17h | cpu-amd-19h | cpu-host)
    [ -x "$prog" ] || fail "$prog not built"
    model=${what#cpu-}
    case $model in
    intel) want=$'GenuineIntel\nfamily 0x6' ;;
    amd) want=$'AuthenticAMD\nfamily 0x1a' ;;
    amd-17h) want=$'AuthenticAMD\nfamily 0x17' ;;
    amd-19h) want=$'AuthenticAMD\nfamily 0x19' ;;
    host) want=$("$prog") || fail "$prog failed natively" ;;
    esac
    run "$rs" --cpu="$model" "$prog"
    want_rc 0
    [ "$(cat "$tmp/out")" = "$want" ] || fail "CPUID '$(cat "$tmp/out")', expected '$want'"
    ;;
*)
    echo "check_cli: unknown check $what"
    exit 1
    ;;
esac
echo PASSED
