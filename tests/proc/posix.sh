# A POSIX shell script (busybox sh, dash, bash): pipelines, subshells,
# command substitution, traps, background jobs.
trap 'echo "trap EXIT"' EXIT
echo "pipeline: $(printf 'b\na\nc\n' | sort | tr a-z A-Z | tr '\n' ' ')"
(echo subshell; exit 7)
echo "subshell status $?"
v=$(echo sub; echo stitution)
echo "command substitution:" $v
i=0
while [ $i -lt 5 ]; do i=$((i + 1)); done
echo "loop $i"
for w in one two three; do echo "$w"; done | wc -l
sleep 0.1 &
wait $!
echo "background status $?"
sh -c 'exit 9'
echo "child status $?"
( sh -c 'kill -9 $$' )
echo "killed child status $?"
exit 2
