#!/usr/bin/env bash
# check_fault.sh RINGSIDE FAULT_INFO-PROGRAM MODE
#
# The native run of fault_info MODE reports, from its signal handler, what
# the CPU said about the fault (trap number, error code, CR2, RIP). Under
# `ringside --trace=ring` the same fault must appear as a ring 3->0 line with
# the same vector, error code, CR2 (for #PF) and faulting RIP; then the
# signal is delivered to the same handler, whose line (signal, trapno, err,
# cr2, rip from the ucontext) must equal the native one, and the program
# exits 0 as natively. Exit 0 pass, 1 fail, 77 skip (ringside missing).
set -u
ringside=$1 prog=$2 mode=$3

[ -x "$ringside" ] || { echo "SKIP: ringside not built at $ringside"; exit 77; }
[ -x "$prog" ] || { echo "FAIL: $prog not built"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rs-fault.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fails=0
check() {
    if [ -n "$2" ] && [ -n "$3" ] && [ $(($2)) -eq $(($3)) ]; then
        printf '  ok    %-34s %s\n' "$1" "$2"
    else
        printf '  FAIL  %-34s got %s, want %s\n' "$1" "${2:-(missing)}" "${3:-(unknown)}"
        fails=$((fails + 1))
    fi
}

{ (ulimit -c 0; exec "$prog" "$mode") >"$tmp/native.out" 2>"$tmp/native.err"; } 2>/dev/null
nrc=$?
native=$(grep '^signo=' "$tmp/native.out")
re='^signo=([0-9]+) trapno=([0-9]+) err=(0x[0-9a-f]+|0) cr2=(0x[0-9a-f]+|0) rip=(0x[0-9a-f]+|0)$'
if [ "$nrc" != 0 ] || ! [[ $native =~ $re ]]; then
    echo "FAIL: native run of '$prog $mode' did not report a fault (status $nrc):"
    cat "$tmp/native.out" "$tmp/native.err"
    exit 1
fi
n_sig=${BASH_REMATCH[1]} n_vec=${BASH_REMATCH[2]} n_err=${BASH_REMATCH[3]}
n_cr2=${BASH_REMATCH[4]} n_rip=${BASH_REMATCH[5]}
echo "native:   $native"

{ (ulimit -c 0; exec "$ringside" --trace=ring "$prog" "$mode") >"$tmp/rs.out" 2>"$tmp/rs.err"; } 2>/dev/null
rrc=$?
line=$(grep -m 1 -E '^ring 3->0 .* vec ' "$tmp/rs.err")
echo "ringside: status $rrc"
echo "          $line"
check "exit status (the handler's _exit)" "$rrc" "$nrc"
if [ -z "$line" ]; then
    echo "  FAIL  no 'ring 3->0 ... vec N' line in the trace; stderr was:"
    head -n 30 "$tmp/rs.err"
    exit 1
fi
X='(0x[0-9a-fA-F]+|[0-9]+)'
vec= err= cr2= rip=
[[ $line =~ \ vec\ $X ]] && vec=${BASH_REMATCH[1]}
[[ $line =~ \ err\ $X ]] && err=${BASH_REMATCH[1]}
[[ $line =~ \ cr2\ $X ]] && cr2=${BASH_REMATCH[1]}
[[ $line =~ \ rip\ $X\ -\> ]] && rip=${BASH_REMATCH[1]}
check "vector = trapno" "$vec" "$n_vec"
# No error code (#UD, #DE): Linux reports 0, so an absent field counts as 0.
[ -z "$err" ] && [ $((n_err)) -eq 0 ] && err=0
# Linux sets P in what it reports for user accesses to kernel addresses, so
# as not to reveal the kernel's page tables; compare like for like.
if [ "$n_vec" = 14 ] && [ -n "$err" ] && [ -n "$cr2" ] && [ $((cr2 >> 47)) -ne 0 ]; then
    err=$((err | 1))
fi
check "error code" "$err" "$n_err"
[ "$n_vec" = 14 ] && check "cr2" "$cr2" "$n_cr2"
check "faulting rip" "$rip" "$n_rip"

# Delivery through a 64-bit interrupt gate from CPL 3 (SDM Vol. 3A 6.14):
# CS becomes the gate's kernel CS, SS is loaded with a NULL selector, and the
# CPU pushes SS, RSP, RFLAGS, CS, RIP (+ error code) on the 16-byte aligned
# RSP0 stack. Linux's gates for these vectors use no IST and CS 0x10.
[[ $line =~ \ cs\ $X-\>$X ]] && { check "cs before (user 0x33)" "${BASH_REMATCH[1]}" 0x33
    check "cs after (kernel 0x10)" "${BASH_REMATCH[2]}" 0x10; } ||
    { echo "  FAIL  no cs field"; fails=$((fails + 1)); }
[[ $line =~ \ ss\ $X-\>$X ]] && { check "ss before (user 0x2b)" "${BASH_REMATCH[1]}" 0x2b
    check "ss after (NULL selector)" "${BASH_REMATCH[2]}" 0; } ||
    { echo "  FAIL  no ss field"; fails=$((fails + 1)); }
rsp0=$(grep -m 1 -oE 'tss\.rsp0=0x[0-9a-fA-F]+' "$tmp/rs.err" | cut -d= -f2)
if [ -n "$rsp0" ] && [[ $line =~ \ rsp\ $X-\>$X ]]; then
    words=5
    case $n_vec in 8 | 10 | 11 | 12 | 13 | 14 | 17 | 21) words=6 ;; esac
    check "rsp after = RSP0 - $words quadwords" "${BASH_REMATCH[2]}" $(((rsp0 & ~15) - 8 * words))
else
    echo "  note  no tss.rsp0 in the trace: exception frame position not checked"
fi

rs_line=$(grep '^signo=' "$tmp/rs.out")
if [ "$rs_line" = "$native" ]; then
    printf '  ok    %-34s %s\n' "handler's ucontext line" "$rs_line"
else
    echo "  FAIL  handler's ucontext line: got '${rs_line:-(none)}', want '$native'"
    fails=$((fails + 1))
fi

if [ "$fails" -ne 0 ]; then
    echo "FAILED: $fails check(s)"
    exit 1
fi
echo "PASSED"
