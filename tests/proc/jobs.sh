# Job control on a terminal (run under script(1), which gives it a pty):
# set -m puts each job in its own process group and hands the terminal
# over with tcsetpgrp; fg, a stopped job (SIGTSTP) and bg, wait.
set -m
sleep 0.2 &
fg >/dev/null
echo "fg status $?"
sh -c 'kill -STOP $$; echo resumed; exit 6' &
sleep 0.3
jobs -l | sed 's/[0-9][0-9]* Stopped/N Stopped/; s/ [0-9][0-9]* / N /' | tr -s ' '
bg >/dev/null
wait
echo "bg then wait status $?"
(exit 7) &
wait $!
echo "wait status $?"
echo "own group leader: $(cut -d" " -f5 /proc/$$/stat) $$" | awk '{print ($4 == $5) ? "yes" : "no"}'
