# bash under ringside: pipelines, subshells, command substitution, traps,
# here-documents, background jobs and wait, exit statuses and signals.
# Prints nothing that differs between runs (no pids, no times).
set -u
trap 'echo "trap EXIT: status $?"' EXIT
echo "pipeline: $(printf 'b\na\nc\n' | sort | tr a-z A-Z | paste -sd,)"
(echo "subshell"; exit 7)
echo "subshell status $?"
x=$( (echo inner; false) ; echo "inner status $?")
echo "command substitution: $x"
if ! grep -q nothing /dev/null; then echo "grep status $?"; fi
set -o pipefail
false | true
echo "pipefail status $?"
set +o pipefail
count=0
while read -r line; do count=$((count + 1)); done < <(seq 1 50)
echo "process substitution: $count lines"
cat <<HERE | wc -l
one
two
HERE
sleep 0.1 &
bgpid=$!
wait "$bgpid"
echo "background job status $?"
sh -c 'kill -TERM $$'
echo "child killed: status $?"
bash -c 'exit 300'
echo "exit 300: status $?"
/nonexistent/command 2>/dev/null
echo "missing command: status $?"
printf '#!/bin/sh\necho script says "$@"\n' >s.sh && chmod +x s.sh && ./s.sh a "b c"
trap 'echo "trap USR1"' USR1
kill -USR1 $$
echo "after USR1"
f() { local v; v=$(echo fn); echo "function $v"; return 3; }
f
echo "function status $?"
echo "nested: $(echo "$(echo "$(echo deep)")")"
exit 4
