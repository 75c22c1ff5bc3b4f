# xargs -P2 running sh per item (output to files: the order is the scheduler's)
seq 1 6 | xargs -P2 -n1 sh -c 'echo "item $0" > item.$0'
echo "xargs status $?"
cat item.*
printf 'a\nb\n' | xargs -P2 -I{} sh -c 'exit 4'
echo "xargs with failing commands: status $?"
