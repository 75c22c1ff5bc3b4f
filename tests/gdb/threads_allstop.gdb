# All-stop with a running thread: while gdb holds a stop of the main thread
# the spinning worker does not run (its counter stays), it runs again on
# continue; Ctrl-C stops the process in whichever thread runs (SIGINT);
# the program then runs to its native exit code.
set pagination off
source @DIR@/check.py
target remote :@PORT@
break tick
continue
python
import os, signal, threading, time
check_eq("main stopped at tick", reg("pc"), sym("tick"))
check_eq("in the main thread", gdb.selected_thread().num, 1)
c1 = int(gdb.parse_and_eval("counter"))
time.sleep(0.3)
c2 = int(gdb.parse_and_eval("counter"))
check("the worker is stopped too (counter %d, then %d)" % (c1, c2), c1 == c2)
gdb.execute("continue")
c3 = int(gdb.parse_and_eval("counter"))
check("the worker ran between the stops (counter %d)" % c3, c3 > c2)
gdb.execute("continue")
gdb.execute("delete")
threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
gdb.execute("continue")
sig = gdb.execute("info program", to_string=True)
check("Ctrl-C reported as SIGINT", "SIGINT" in sig, sig)
check_eq("two threads", len(gdb.selected_inferior().threads()), 2)
gdb.execute("continue")
check_eq("the program's exit code", int(gdb.parse_and_eval("$_exitcode")), 5)
done()
end
