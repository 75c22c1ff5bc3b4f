# Ctrl-C while the guest blocks in read() (no instruction runs to notice the
# 0x03 byte): the stub's watcher ends the wait, the stop is SIGINT, and
# continuing restarts the read, which gets the byte the child writes at 3 s.
set pagination off
source @DIR@/check.py
target remote :@PORT@
break main
continue
delete
python
import os, signal, threading, time
user_only = os.environ.get("RS_CTRLC_USER") == "1"
if user_only:
    gdb.execute("monitor kernel-steps off")
t0 = time.time()
threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
gdb.execute("continue")
dt = time.time() - t0
check("stopped by the interrupt while read() waits (after %.1fs)" % dt, 0.9 <= dt < 2.5)
sig = gdb.execute("info program", to_string=True)
check("reported as SIGINT", "SIGINT" in sig, sig)
where = gdb.execute("info symbol $pc", to_string=True)
if user_only:
    check("kernel-steps off: stopped in user code", "ringside-kernel" not in where, where)
gdb.execute("continue")
code = gdb.parse_and_eval("$_exitcode")
check("the program ran on to its end (read restarted)", str(code) == "0", str(code))
done()
end
