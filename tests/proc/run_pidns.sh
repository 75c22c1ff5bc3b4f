#!/bin/sh
# run_pidns.sh CMD...: run CMD in a new pid namespace (and its own /proc),
# so a test that signals arbitrary pids can only reach its own processes
# (ringside is not a sandbox: the guest's pids are real host pids).
if ! unshare --pid --fork --mount-proc true 2>/dev/null; then
    echo "SKIP: cannot make a pid namespace here (unshare --pid --fork --mount-proc needs root or user namespaces)"
    exit 77
fi
exec unshare --pid --fork --mount-proc "$@"
