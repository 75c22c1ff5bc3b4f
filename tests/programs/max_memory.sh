#!/bin/sh
# --max-memory=SIZE against its native twin: the same program under
# `prlimit --as=SIZE` natively and under `ringside --max-memory=SIZE` must
# print the same (its RLIMIT_AS, and a malloc loop that ends in ENOMEM).
rs=$1 prog=$2
command -v prlimit >/dev/null || { echo "skip: prlimit (util-linux) not installed"; exit 77; }
[ -x "$rs" ] || { echo "skip: no ringside binary $rs"; exit 77; }
size=$((512 * 1024 * 1024))
native=$(prlimit --as=$size "$prog" runaway 2>&1; echo "status $?")
emu=$("$rs" --max-memory=512M "$prog" runaway 2>&1; echo "status $?")
if [ "$native" = "$emu" ]; then echo "same:"; echo "$native"; exit 0; fi
echo "native:"; echo "$native"; echo "ringside:"; echo "$emu"; exit 1
