#!/bin/sh
# Compare ringside's 32-bit vDSO with the host kernel's own (the oracle).
#   host_compare.sh TEST_VDSO32 CC SRCDIR WORKDIR
# Builds host_vdso32_dump.c with CC -m32 -static and runs it; skips (77) when
# that cannot be built or run here, or the host maps no 32-bit vDSO.
t=$1
cc=$2
src=$3
dir=$4
dump=$dir/host_vdso32_dump
if ! "$cc" -m32 -static -O1 -I"$src" -o "$dump" "$src/host_vdso32_dump.c" >"$dir/cc.log" 2>&1; then
    echo "SKIP: cannot build a -m32 -static program: $(head -3 "$dir/cc.log")"
    exit 77
fi
"$dump" > "$dir/host.txt" 2>&1
rc=$?
if [ $rc = 77 ] || [ $rc = 126 ] || [ $rc = 127 ]; then
    echo "SKIP: cannot read the host's 32-bit vDSO (status $rc): $(head -1 "$dir/host.txt")"
    exit 77
fi
[ $rc = 0 ] || { echo "FAIL: host_vdso32_dump: $(cat "$dir/host.txt")"; exit 1; }
exec "$t" --compare-host "$dir/host.txt"
