#!/usr/bin/env bash
# The 32-bit entry paths (entry32.c), natively and under ringside:
#   check_entry32.sh RINGSIDE ENTRY32 MODE [RINGSIDE-OPTIONS...]
# 1. Without options the modelled CPU is the host's: stdout and exit status
#    must equal the native run's (including SIGILL where the host's vendor
#    makes the instruction illegal in compatibility mode).
# 2. The ring trace must show the path: the instruction, the MSR or gate it
#    entered through, and the instruction that returned.
set -u
rs=$1 prog=$2 mode=$3; shift 3
opts=("$@")
[ -x "$rs" ] || { echo "ringside missing: $rs"; exit 77; }
[ -x "$prog" ] || { echo "skip: $prog not built (gcc -m32 missing?)"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$rs" "${opts[@]}" --trace=ring --trace-file="$tmp/trace" "$prog" "$mode" >"$tmp/rs.out" 2>"$tmp/rs.err"
rrc=$?
vendor=$(grep -m1 -o 'GenuineIntel\|AuthenticAMD' /proc/cpuinfo)
for o in "${opts[@]}"; do
    case $o in --cpu=intel) vendor=GenuineIntel ;; --cpu=amd) vendor=AuthenticAMD ;; esac
done
kernel32=0
for o in "${opts[@]}"; do [ "$o" = --kernel=i386 ] && kernel32=1; done

if [ ${#opts[@]} = 0 ]; then
    "$prog" "$mode" >"$tmp/n.out" 2>/dev/null
    nrc=$?
    [ $nrc = $rrc ] || fail "exit status: native $nrc, ringside $rrc"
    cmp -s "$tmp/n.out" "$tmp/rs.out" || { diff "$tmp/n.out" "$tmp/rs.out"; fail "stdout differs from native"; }
fi

# What the trace must show for this mode on this CPU/kernel.
expect_in="" expect_out="" illegal=0
case $mode in
int80) expect_in='int +rip .*\(IDT\[0x80\]\)'; [ $kernel32 = 1 ] && expect_out='iretd' || expect_out='iretq' ;;
vsyscall | sysenter | syscall)
    path=$mode
    if [ $mode = vsyscall ]; then
        # __kernel_vsyscall enters the way Linux patches it
        if [ $kernel32 = 1 ] || [ $vendor = GenuineIntel ]; then path=sysenter; else path=syscall; fi
    fi
    if [ $path = sysenter ]; then
        if [ $kernel32 = 0 ] && [ $vendor = AuthenticAMD ]; then illegal=1; fi
        expect_in='sysenter +rip .*\(SYSENTER_EIP\)'
        [ $kernel32 = 1 ] && expect_out='sysexit' || expect_out='sysretl'
    else
        if [ $kernel32 = 1 ] || [ $vendor = GenuineIntel ]; then illegal=1; fi
        expect_in='syscall +rip .*\(CSTAR\)'
        expect_out='sysretl'
    fi
    ;;
*) fail "unknown mode $mode" ;;
esac

if [ $illegal = 1 ]; then
    [ $rrc = 132 ] || fail "expected SIGILL (132) for $mode here, got $rrc"
    grep -q 'vec 6 (invalid opcode)' "$tmp/trace" || fail "no #UD in the ring trace"
    echo "ok: $mode is #UD on $vendor (kernel32=$kernel32)"
    exit 0
fi
[ $rrc = 0 ] || { cat "$tmp/rs.err"; fail "ringside exit status $rrc"; }
grep -q "entry path ok" "$tmp/rs.out" || fail "the write through the entry path did not arrive"
grep -q "getppid_matches=1 efault=-14" "$tmp/rs.out" || fail "wrong results: $(cat "$tmp/rs.out")"
grep -Eq "^ring 3->0  $expect_in" "$tmp/trace" || { head -5 "$tmp/trace"; fail "no entry line matching '$expect_in'"; }
grep -Eq "^ring 0->3  $expect_out " "$tmp/trace" || fail "no return line '$expect_out'"
echo "ok: $mode via $expect_in / $expect_out"
