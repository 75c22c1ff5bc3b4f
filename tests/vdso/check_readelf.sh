#!/bin/sh
# The embedded 32-bit vDSO as binutils' readelf sees it.
#   check_readelf.sh TEST_VDSO32 WORKDIR
# Expected facts are Linux's vdso32 ABI: an ELF32 i386 DSO "linux-gate.so.1"
# with no relocations, one R+X PT_LOAD, and these symbols and versions.
t=$1
dir=$2
command -v readelf >/dev/null 2>&1 || { echo "SKIP: readelf (binutils) not installed"; exit 77; }
so=$dir/vdso32-embedded.so
"$t" --dump "$so" || { echo "FAIL: cannot dump the embedded image"; exit 1; }

fail=0
bad() { echo "FAIL: $*"; fail=1; }
has() { grep -Eq "$2" "$1" || bad "$3"; }
hasnt() { ! grep -Eq "$2" "$1" || bad "$3"; }

readelf -W -h "$so" > "$dir/h.txt" 2>&1 || bad "readelf -h failed: $(cat "$dir/h.txt")"
readelf -W -l "$so" > "$dir/l.txt" 2>&1 || bad "readelf -l failed"
readelf -W -d "$so" > "$dir/d.txt" 2>&1 || bad "readelf -d failed"
readelf -W --dyn-syms -V "$so" > "$dir/s.txt" 2>&1 || bad "readelf --dyn-syms -V failed"
readelf -W --debug-dump=frames "$so" > "$dir/f.txt" 2>&1 || bad "readelf --debug-dump=frames failed"
if grep -q -i -E "warning|error" "$dir"/[hldsf].txt; then
    bad "readelf complains: $(grep -h -i -E 'warning|error' "$dir"/[hldsf].txt | head -3)"
fi

has "$dir/h.txt" 'Class:[[:space:]]+ELF32' "not ELF32"
has "$dir/h.txt" 'Machine:[[:space:]]+Intel 80386' "not i386"
has "$dir/h.txt" 'Type:[[:space:]]+DYN' "not a shared object"
has "$dir/d.txt" '\(SONAME\)[[:space:]]+Library soname: \[linux-gate\.so\.1\]' "soname is not linux-gate.so.1"
hasnt "$dir/d.txt" '\((REL|RELA|TEXTREL|NEEDED|JMPREL|RELR)\)' "has relocations or dependencies"
has "$dir/d.txt" '\(HASH\)' "no DT_HASH (--hash-style=both)"
has "$dir/d.txt" '\(GNU_HASH\)' "no DT_GNU_HASH (--hash-style=both)"
has "$dir/d.txt" '\(VERSYM\)' "no DT_VERSYM"
has "$dir/d.txt" '\(VERDEF\)' "no DT_VERDEF"
[ "$(grep -c -E '^[[:space:]]+LOAD[[:space:]]' "$dir/l.txt")" = 1 ] || bad "not exactly one PT_LOAD"
has "$dir/l.txt" '^[[:space:]]+LOAD[[:space:]].* R E[[:space:]]+0x1000$' "PT_LOAD is not R+X, 4 KiB aligned"
has "$dir/l.txt" '^[[:space:]]+GNU_EH_FRAME[[:space:]]' "no PT_GNU_EH_FRAME"
hasnt "$dir/l.txt" '^[[:space:]]+INTERP[[:space:]]' "has PT_INTERP"

for sv in __kernel_vsyscall@LINUX_2.5 __kernel_sigreturn@LINUX_2.5 \
          __kernel_rt_sigreturn@LINUX_2.5 __vdso_clock_gettime@LINUX_2.6 \
          __vdso_gettimeofday@LINUX_2.6 __vdso_time@LINUX_2.6 \
          __vdso_clock_getres@LINUX_2.6 __vdso_clock_gettime64@LINUX_2.6 \
          __vdso_getcpu@LINUX_2.6; do
    n=${sv%@*}
    v=${sv#*@}
    has "$dir/s.txt" "FUNC[[:space:]]+GLOBAL[[:space:]]+DEFAULT[[:space:]]+[0-9]+ $n@@?$v\$" \
        "$n is not a global function of version $v"
done
[ "$(grep -c -E 'FUNC[[:space:]]+GLOBAL' "$dir/s.txt")" = 9 ] || bad "not exactly 9 exported functions"
has "$dir/s.txt" 'Flags: BASE[[:space:]]+Index: 1[[:space:]]+Cnt: 1[[:space:]]+Name: linux-gate\.so\.1' "base version is not linux-gate.so.1"
has "$dir/s.txt" 'Index: 2[[:space:]]+Cnt: 1[[:space:]]+Name: LINUX_2\.6' "LINUX_2.6 is not version 2"
has "$dir/s.txt" 'Index: 3[[:space:]]+Cnt: 1[[:space:]]+Name: LINUX_2\.5' "LINUX_2.5 is not version 3"
hasnt "$dir/s.txt" 'Version needs' "needs versions from elsewhere"

# The entry point is __kernel_vsyscall (Linux's e_entry).
entry=$(sed -n 's/.*Entry point address:[[:space:]]*0x\([0-9a-f]*\).*/\1/p' "$dir/h.txt")
vs=$(sed -n 's/.*: \([0-9a-f]*\)[[:space:]].*FUNC.* __kernel_vsyscall@.*/\1/p' "$dir/s.txt")
[ -n "$entry" ] && [ "$((0x$entry))" = "$((0x${vs:-0}))" ] || bad "e_entry 0x$entry is not __kernel_vsyscall (0x$vs)"

# Unwind info: a signal-frame CIE and an FDE starting one byte before each trampoline.
has "$dir/f.txt" 'Augmentation:[[:space:]]+"zRS"' "no signal-frame CIE"
for n in __kernel_sigreturn __kernel_rt_sigreturn __kernel_vsyscall; do
    a=$(sed -n "s/.*: \([0-9a-f]*\)[[:space:]].*FUNC.* $n@.*/\1/p" "$dir/s.txt")
    [ -n "$a" ] || continue
    want=$((0x$a))
    [ $n = __kernel_vsyscall ] || want=$((want - 1))
    has "$dir/f.txt" "$(printf 'FDE cie=[0-9a-f]+ pc=0*%x[.][.]' "$want")" "no FDE for $n"
done

[ $fail = 0 ] && echo "ok: the embedded vDSO is linux-gate.so.1 with Linux's symbols and versions"
exit $fail
