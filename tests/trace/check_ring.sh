#!/usr/bin/env bash
# check_ring.sh RINGSIDE GETPPID-PROGRAM [--trace-file]
#
# Runs tests/programs/getppid.S under `ringside --trace=ring` and checks the
# SYSCALL/SYSRETQ lines field by field against facts that do not come from
# ringside: the program's own symbols (nm: rs_sysN = the SYSCALL, rs_retN =
# the next instruction, rs_flagsN = RFLAGS in force at that SYSCALL), the
# x86-64 Linux selectors (user CS 0x33 / SS 0x2b, kernel CS 0x10 / SS 0x18),
# the SDM's SYSCALL/SYSRET semantics, and the real parent pid (this shell: getppid() of a child it starts).
# With --trace-file the trace goes to a file and stderr must stay clean.
# Exit 0 pass, 1 fail, 77 skip (ringside or nm missing).
set -u
ringside=$1 prog=$2 use_file=${3:-}

[ -x "$ringside" ] || { echo "SKIP: ringside not built at $ringside"; exit 77; }
command -v nm >/dev/null || { echo "SKIP: nm (binutils) not installed"; exit 77; }
[ -x "$prog" ] || { echo "FAIL: $prog not built"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rs-ring.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

declare -A sym
while read -r name _ value _; do sym[$name]=$((16#$value)); done < <(nm -P "$prog" | grep '^rs_')
for s in rs_sys1 rs_ret1 rs_sys2 rs_ret2 rs_sys3 rs_ret3 rs_sys4 rs_flags1 rs_flags2 rs_flags3 rs_flags4; do
    [ -n "${sym[$s]:-}" ] || { echo "FAIL: symbol $s missing from $prog"; exit 1; }
done
for i in 1 2 3; do # SYSCALL is 0f 05: the program's own labels must agree
    [ $((sym[rs_ret$i] - sym[rs_sys$i])) -eq 2 ] || { echo "FAIL: rs_ret$i != rs_sys$i + 2"; exit 1; }
done

fails=0
check() { # check DESCRIPTION GOT WANT (numbers compared numerically)
    if [ -n "$2" ] && [ -n "$3" ] && [ $(($2)) -eq $(($3)) ]; then
        printf '  ok    %-46s %s\n' "$1" "$2"
    else
        printf '  FAIL  %-46s got %s, want %s\n' "$1" "${2:-(missing)}" "${3:-(unknown)}"
        fails=$((fails + 1))
    fi
}
hex() { printf '0x%x' "$1"; }

# Native first: the program prints ppid=<its parent>. Run directly from this
# shell (no subshell, no $(...)) so that parent is $$.
"$prog" >"$tmp/native.out" 2>"$tmp/native.err"
nrc=$?
echo "native: status $nrc, stdout: $(cat "$tmp/native.out")"
check "native exit status" "$nrc" 0
if [ "$(cat "$tmp/native.out")" != "ppid=$$" ]; then
    echo "  FAIL  native run printed '$(cat "$tmp/native.out")', expected ppid=$$ (harness problem)"
    exit 1
fi

if [ -n "$use_file" ]; then
    "$ringside" --trace=ring --trace-file="$tmp/trace" "$prog" >"$tmp/rs.out" 2>"$tmp/rs.err"
    rrc=$?
    trace=$tmp/trace
    [ -f "$trace" ] || : >"$trace"
else
    "$ringside" --trace=ring "$prog" >"$tmp/rs.out" 2>"$tmp/rs.err"
    rrc=$?
    trace=$tmp/rs.err
fi
echo "ringside: status $rrc, stdout: $(head -c 200 "$tmp/rs.out")"
check "ringside exit status" "$rrc" 0
if [ "$(cat "$tmp/rs.out")" = "ppid=$$" ]; then
    echo "  ok    guest stdout is ppid=$$ (the real parent)"
else
    echo "  FAIL  guest stdout '$(head -c 200 "$tmp/rs.out")', want ppid=$$"
    fails=$((fails + 1))
fi
if [ -n "$use_file" ]; then
    if grep -q '^ring ' "$tmp/rs.err"; then
        echo "  FAIL  ring lines on stderr although --trace-file was given"
        fails=$((fails + 1))
    else
        echo "  ok    stderr free of ring lines with --trace-file"
    fi
fi

mapfile -t lines < <(grep -E '^ring [0-3]->[0-3] +(syscall|sysretq?) ' "$trace")
echo "trace: ${#lines[@]} syscall/sysret lines of $(grep -c '^ring ' "$trace") ring lines"
printf '    %s\n' "${lines[@]:0:12}"
if [ ${#lines[@]} -ne 7 ]; then
    echo "  FAIL  expected 7 lines (4 syscall, 3 sysretq; exit_group does not return)"
    echo "--- whole trace (first 40 lines):"
    head -n 40 "$trace"
    exit 1
fi

X='(0x[0-9a-fA-F]+)'
parse() { # parse LINE: sets F_* variables, empty when a field is absent
    local l=$1
    F_FROM= F_TO= F_NAME= F_RIP0= F_RIP1= F_SRC= F_CS0= F_CS1= F_SS0= F_SS1=
    F_RSP0= F_RSP1= F_RCX= F_R11= F_FL0= F_FL1= F_RAX= F_RSP0_TSS=
    [[ $l =~ ^ring\ ([0-3])-\>([0-3])\ +([a-z0-9]+) ]] &&
        F_FROM=${BASH_REMATCH[1]} F_TO=${BASH_REMATCH[2]} F_NAME=${BASH_REMATCH[3]}
    [[ $l =~ \ rip\ $X\ -\>\ $X ]] && F_RIP0=${BASH_REMATCH[1]} F_RIP1=${BASH_REMATCH[2]}
    [[ $l =~ \ rip\ $X\ -\>\ $X\ \(([^\)]*)\) ]] && F_SRC=${BASH_REMATCH[3]}
    [[ $l =~ \ cs\ $X-\>$X ]] && F_CS0=${BASH_REMATCH[1]} F_CS1=${BASH_REMATCH[2]}
    [[ $l =~ \ ss\ $X-\>$X ]] && F_SS0=${BASH_REMATCH[1]} F_SS1=${BASH_REMATCH[2]}
    [[ $l =~ \ rsp\ $X-\>$X ]] && F_RSP0=${BASH_REMATCH[1]} F_RSP1=${BASH_REMATCH[2]}
    [[ $l =~ \ rcx=$X ]] && F_RCX=${BASH_REMATCH[1]}
    [[ $l =~ \ r11=$X ]] && F_R11=${BASH_REMATCH[1]}
    [[ $l =~ \ rflags\ $X-\>$X ]] && F_FL0=${BASH_REMATCH[1]} F_FL1=${BASH_REMATCH[2]}
    [[ $l =~ \ rax=$X ]] && F_RAX=${BASH_REMATCH[1]}
    [[ $l =~ \ tss\.rsp0=$X ]] && F_RSP0_TSS=${BASH_REMATCH[1]}
    return 0
}

lstar= kstack=
for i in 1 2 3 4; do
    parse "${lines[$(((i - 1) * 2))]}"
    echo "syscall #$i:"
    [ "$F_NAME" = syscall ] || { echo "  FAIL  line is '$F_NAME', expected syscall"; fails=$((fails + 1)); }
    check "CPL before (3)" "$F_FROM" 3
    check "CPL after (0)" "$F_TO" 0
    check "rip before = the SYSCALL (rs_sys$i)" "$F_RIP0" "$(hex ${sym[rs_sys$i]})"
    [ "$F_SRC" = LSTAR ] && echo "  ok    entry source                                   LSTAR" ||
        { echo "  FAIL  entry source '$F_SRC', want LSTAR"; fails=$((fails + 1)); }
    [ -z "$lstar" ] && lstar=$F_RIP1
    check "rip after = LSTAR, same on every syscall" "$F_RIP1" "$lstar"
    check "cs 0x33 -> 0x10: before" "$F_CS0" 0x33
    check "cs 0x33 -> 0x10: after" "$F_CS1" 0x10
    check "ss 0x2b -> 0x18: before" "$F_SS0" 0x2b
    check "ss 0x2b -> 0x18: after" "$F_SS1" 0x18
    check "rcx = next instruction (rs_sys$i + 2)" "$F_RCX" "$(hex $((sym[rs_sys$i] + 2)))"
    check "rflags before = value set by popfq (rs_flags$i)" "$F_FL0" "$(hex ${sym[rs_flags$i]})"
    check "r11 = rflags before" "$F_R11" "$(hex ${sym[rs_flags$i]})"
    if [ -n "$F_FL1" ]; then
        check "IF, TF, DF clear in kernel (SFMASK)" "$(hex $((F_FL1 & 0x700)))" 0
    else
        check "rflags after present" "" 0
    fi
    # SYSCALL neither saves nor loads RSP (SDM Vol. 2B, SYSCALL): the kernel
    # switches stacks in software, from the TSS's RSP0 or a per-CPU slot.
    check "rsp unchanged by SYSCALL" "$F_RSP1" "$F_RSP0"
    if [ -n "$F_RSP0_TSS" ]; then
        [ -z "$kstack" ] && kstack=$F_RSP0_TSS
        check "tss.rsp0 (kernel stack), same on every entry" "$F_RSP0_TSS" "$kstack"
        if [ $(((F_RSP0_TSS >> 47) & 0x1ffff)) -eq $((0x1ffff)) ]; then
            echo "  ok    tss.rsp0 in the upper canonical half"
        else
            echo "  FAIL  tss.rsp0 '$F_RSP0_TSS' not in the kernel half"
            fails=$((fails + 1))
        fi
    fi
    user_rsp[$i]=$F_RSP0
    [ "$i" = 4 ] && break

    parse "${lines[$(((i - 1) * 2 + 1))]}"
    echo "sysretq #$i:"
    [[ $F_NAME == sysret* ]] || { echo "  FAIL  line is '$F_NAME', expected sysretq"; fails=$((fails + 1)); }
    check "CPL before (0)" "$F_FROM" 0
    check "CPL after (3)" "$F_TO" 3
    if [ -n "$F_RIP0" ] && [ $(((F_RIP0 >> 47) & 0x1ffff)) -eq $((0x1ffff)) ]; then
        echo "  ok    rip before in the kernel half                  $F_RIP0"
    else
        echo "  FAIL  rip before '$F_RIP0' not in the kernel half"
        fails=$((fails + 1))
    fi
    check "rip after = rs_ret$i" "$F_RIP1" "$(hex ${sym[rs_ret$i]})"
    check "cs 0x10 -> 0x33: before" "$F_CS0" 0x10
    check "cs 0x10 -> 0x33: after" "$F_CS1" 0x33
    check "ss 0x18 -> 0x2b: before" "$F_SS0" 0x18
    check "ss 0x18 -> 0x2b: after" "$F_SS1" 0x2b
    check "rsp after = user rsp at the syscall" "$F_RSP1" "${user_rsp[$i]}"
    check "rflags after = r11 = rs_flags$i" "$F_FL1" "$(hex ${sym[rs_flags$i]})"
    if [ "$i" = 3 ]; then
        check "rax = bytes written" "$F_RAX" "$(stat -c %s "$tmp/native.out")"
    else
        check "rax = getppid() = \$\$" "$F_RAX" "$$"
    fi
done

if [ "$fails" -ne 0 ]; then
    echo "FAILED: $fails check(s)"
    exit 1
fi
echo "PASSED"
