# Ctrl-C of a running guest: gdb's SIGINT becomes the 0x03 byte, the stub
# stops the program (SIGINT) wherever it is; it can be continued afterwards.
set pagination off
source @DIR@/check.py
target remote :@PORT@
break main
continue
delete
python
import os, signal, threading, time
t0 = time.time()
threading.Timer(1.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
gdb.execute("continue")
check("stopped by the interrupt (after %.1fs)" % (time.time() - t0), time.time() - t0 >= 1.4)
sig = gdb.execute("info program", to_string=True)
check("reported as SIGINT", "SIGINT" in sig, sig)
c1 = int(gdb.parse_and_eval("counter"))
check("the loop was running (counter %d)" % c1, c1 > 0)
threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
gdb.execute("continue")
c2 = int(gdb.parse_and_eval("counter"))
check("continued after the interrupt (counter %d)" % c2, c2 > c1)
gdb.execute("kill")
done()
end
