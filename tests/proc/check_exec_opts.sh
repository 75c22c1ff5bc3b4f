#!/bin/bash
# check_exec_opts.sh RINGSIDE: the options in effect carry over execve. A
# shell runs echo in a child and then execs echo itself, under --strace
# with --trace-file: the output is right, and the one trace file holds
# every image's calls: two successful execve lines, the second echo's
# write after the second execve, two "+++ exited" lines (the forked echo
# and the exec'd one: the shell itself never exits, it becomes echo).
set -u
rs=$1
[ -x "$rs" ] || { echo "SKIP: no ringside at $rs"; exit 77; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/rs-execopt.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
out=$("$rs" --strace --trace-file="$dir/t" /bin/sh -c '/bin/echo one; exec /bin/echo two' 2>"$dir/err")
fail=0
[ "$out" = "$(printf 'one\ntwo')" ] || { echo "stdout: '$out'"; fail=1; }
[ -s "$dir/err" ] && { echo "stderr:"; cat "$dir/err"; fail=1; }
n=$(grep -c '^execve("/bin/echo", .* = 0$' "$dir/t")
[ "$n" = 2 ] || { echo "execve lines: $n, want 2"; fail=1; }
n=$(grep -c '^+++ exited with 0 +++$' "$dir/t")
[ "$n" = 2 ] || { echo "'+++ exited' lines: $n, want 2"; fail=1; }
second=$(grep -n '^execve(' "$dir/t" | sed -n 2p | cut -d: -f1)
w=$(grep -n '^write(1, "two\\n", 4) *= 4$' "$dir/t" | cut -d: -f1)
if [ -z "$second" ] || [ -z "$w" ] || [ "$w" -lt "$second" ]; then
    echo "the exec'd echo's write is not after the second execve (execve at ${second:-?}, write at ${w:-?})"
    fail=1
fi
if [ $fail = 0 ]; then
    echo "ok: options and the trace stream carried over execve"
else
    echo "--- trace:"; grep -n 'execve\|+++\|write(1' "$dir/t"
fi
exit $fail
