#!/bin/sh
# Run ringside's 32-bit vDSO code natively on the host kernel (the oracle):
# the mapped image for the host CPU's entry variant, then the int $0x80 one.
#   native_vdso32.sh TEST_VDSO32 CC SRCDIR WORKDIR
# Skips (77) when a -m32 -static program cannot be built or run here.
t=$1
cc=$2
src=$3
dir=$4
prog=$dir/native_vdso32
if ! "$cc" -m32 -static -no-pie -O1 -I"$src" -o "$prog" "$src/native_vdso32.c" >"$dir/native-cc.log" 2>&1; then
    echo "SKIP: cannot build a -m32 -static program: $(head -3 "$dir/native-cc.log")"
    exit 77
fi
"$prog" >/dev/null 2>&1
rc=$?
if [ $rc = 126 ] || [ $rc = 127 ]; then
    echo "SKIP: cannot run 32-bit programs here"
    exit 77
fi
fail=0
for kind in host int80; do
    img=$dir/vdso32-$kind.img
    k=$("$t" --dump-mapped $kind "$img") || { echo "FAIL: --dump-mapped $kind"; exit 1; }
    echo "== variant $kind ($k)"
    "$prog" "$img" || fail=1
done
exit $fail
