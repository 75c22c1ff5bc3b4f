# A fatal fault's signal is reported to gdb before it kills: `signal 0`
# discards it, the faulting instruction runs again and faults again (as
# under ptrace); `continue` passes it and the program dies of the signal
# the native run dies of.
set pagination off
source @DIR@/check.py
target remote :@PORT@
python
import subprocess
stops = []
gdb.events.stop.connect(lambda ev: stops.append(getattr(ev, "stop_signal", None)))
gdb.execute("continue")
check_eq("reported before delivery", stops, ["SIGSEGV"])
gdb.execute("signal 0")
check_eq("discarded: the instruction faults again", stops, ["SIGSEGV", "SIGSEGV"])
gdb.execute("continue")
nat = subprocess.run([gdb.current_progspace().filename]).returncode
check_eq("passed: ended by the native run's signal", int(gdb.parse_and_eval("$_exitsignal")), -nat)
done()
end
