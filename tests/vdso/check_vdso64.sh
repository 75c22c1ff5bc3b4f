#!/bin/sh
# The 64-bit vDSO image (linux-vdso.so.1) as binutils' readelf sees it, with
# the host kernel's own 64-bit vDSO as the oracle for what is exported:
#   check_vdso64.sh IMAGE CC SRCDIR WORKDIR
# IMAGE: the embedded (stripped) image from the build. The host's is dumped
# by a small program; every name@version the host exports must be exported
# here too, except __vdso_getrandom/getrandom (Linux 6.11+, used by glibc
# 2.41+ only: not modelled, this system's glibc never looks it up).
img=$1
cc=$2
src=$3
dir=$4
fail=0
bad() { echo "FAIL: $*"; fail=1; }
command -v readelf >/dev/null || { echo "SKIP: readelf missing"; exit 77; }
[ -f "$img" ] || { echo "FAIL: $img not built"; exit 1; }
readelf -hW "$img" >"$dir/h64.txt" && readelf -lW "$img" >"$dir/l64.txt" &&
    readelf -dW "$img" >"$dir/d64.txt" && readelf -W --dyn-syms "$img" >"$dir/s64.txt" ||
    { echo "FAIL: readelf cannot read $img"; exit 1; }
grep -q 'Class:[[:space:]]*ELF64' "$dir/h64.txt" || bad "not ELF64"
grep -q 'Type:[[:space:]]*DYN' "$dir/h64.txt" || bad "not a shared object"
grep -q 'Machine:[[:space:]]*Advanced Micro Devices X86-64' "$dir/h64.txt" || bad "not x86-64"
grep -q 'Library soname: \[linux-vdso.so.1\]' "$dir/d64.txt" || bad "soname is not linux-vdso.so.1"
grep -qE '\((REL|RELA|TEXTREL|NEEDED|JMPREL|RELR)\)' "$dir/d64.txt" && bad "has relocations or dependencies"
[ "$(grep -cE '^[[:space:]]+LOAD[[:space:]]' "$dir/l64.txt")" = 1 ] || bad "not exactly one PT_LOAD"
grep -qE '^[[:space:]]+LOAD[[:space:]].* R E[[:space:]]+0x1000$' "$dir/l64.txt" || bad "PT_LOAD is not R+X"
grep -qE '^[[:space:]]+GNU_EH_FRAME[[:space:]]' "$dir/l64.txt" || bad "no PT_GNU_EH_FRAME"
syms() { awk '$4 == "FUNC" { print $5, $8 }' "$1" | sort; }
syms "$dir/s64.txt" >"$dir/own.txt"
if "$cc" -O1 -o "$dir/dump_host_vdso" "$src/dump_host_vdso.c" 2>"$dir/dump-cc.log" &&
    "$dir/dump_host_vdso" "$dir/host64.so"; then
    readelf -W --dyn-syms "$dir/host64.so" >"$dir/hs64.txt"
    syms "$dir/hs64.txt" | grep -v 'getrandom@' >"$dir/host.txt"
    if ! cmp -s "$dir/host.txt" "$dir/own.txt"; then
        bad "exports differ from the host's vDSO (binding name@version):"
        diff "$dir/host.txt" "$dir/own.txt"
    else
        echo "ok: exports as the host's: $(tr '\n' ' ' <"$dir/own.txt")"
    fi
else
    bad "cannot dump the host's vDSO: $(head -3 "$dir/dump-cc.log")"
fi
exit $fail
