# The guest's own signal is reported before delivery: gdb stops with
# SIGUSR1 (inside the kernel's delivery path), `continue` passes it (the
# handler runs), `signal 0` discards the second one.
set pagination off
source @DIR@/check.py
target remote :@PORT@
python
stops = []
gdb.events.stop.connect(lambda ev: stops.append(getattr(ev, "stop_signal", None)))
gdb.execute("continue")
check_eq("stopped by SIGUSR1", stops[-1:], ["SIGUSR1"])
check_eq("the handler has not run yet", int(gdb.parse_and_eval("handled")), 0)
gdb.execute("continue")
check_eq("stopped by the second SIGUSR1", stops[-1:], ["SIGUSR1"])
check_eq("the first one was delivered", int(gdb.parse_and_eval("handled")), 1)
gdb.execute("signal 0")
check_eq("exit code: one handler run (5 + handled)", int(gdb.parse_and_eval("$_exitcode")), 6)
done()
end
