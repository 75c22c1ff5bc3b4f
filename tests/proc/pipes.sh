# Pipelines, subshells, command substitution and an EXIT trap, for any
# POSIX shell (bash, busybox sh) without waiting on background jobs.
trap 'echo "trap EXIT"' EXIT
echo "pipeline: $(printf 'b\na\nc\n' | sort | tr a-z A-Z | tr '\n' ' ')"
(cd / && pwd)
(exit 3)
echo "subshell status $?"
v=$(echo sub; echo stitution)
echo "command substitution:" $v
false | true
echo "pipeline status $?"
sh -c 'exit 9'
echo "child status $?"
/nonexistent/cmd 2>/dev/null
echo "missing status $?"
printf '#!/bin/sh\necho "script args:" "$@"\n' >s.sh && chmod +x s.sh && ./s.sh a "b c"
./s.sh | cat -n
exit 2
