# A signal gdb discards while the guest is blocked in read(): the call is
# restarted (not EINTR), the handler does not run, the read gets its byte.
# (gdb passes SIGALRM silently by default: make it stop.)
set pagination off
source @DIR@/check.py
target remote :@PORT@
handle SIGALRM stop print
python
stops = []
gdb.events.stop.connect(lambda ev: stops.append(getattr(ev, "stop_signal", None)))
gdb.execute("continue")
check_eq("stopped by SIGALRM during the read", stops[-1:], ["SIGALRM"])
gdb.execute("signal 0")
check_eq("exit code: the read was restarted, no handler ran", int(gdb.parse_and_eval("$_exitcode")), 3)
done()
end
