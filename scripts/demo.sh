#!/usr/bin/env bash
# demo.sh [PROGRAM ARGS...]: set up and build (scripts/setup.sh), then run
# busybox's echo under ringside with the ring-transition trace on stderr:
# every SYSCALL into the guest kernel image and every SYSRETQ back, with the
# registers that change. Give a static PROGRAM to trace that instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh build >/dev/null
if [ $# -eq 0 ]; then
    set -- /bin/busybox echo hello
fi
exec build/ringside --trace=ring "$@"
