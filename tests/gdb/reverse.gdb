# History (--history): reverse-stepi from the instruction after a syscall
# walks back through SYSRETQ into the kernel with every register as it was
# at each step going forward; reverse-continue to a watchpoint (memory
# undone) and to a breakpoint; forward again to the end.
set pagination off
source @DIR@/check.py
target remote :@PORT@
break sc_insn
continue
python
def state():
    return gdb.execute("info registers", to_string=True) + "cpl %d" % reg("cpl")
fwd = [state()]
while reg("cpl") == 3:
    gdb.execute("stepi", to_string=True)
    fwd.append(state())
while reg("cpl") != 3:
    gdb.execute("stepi", to_string=True)
    fwd.append(state())
check_eq("forward: back after the syscall", reg("pc"), sym("after_sc"))
import re
hm = re.search(r"(\d+) instructions", mon("history"))
# the stepped instructions plus the one continue ran from _start to the breakpoint
check_eq("monitor history counts every recorded instruction", int(hm.group(1)) if hm else -1, len(fwd) - 1 + 1)
gdb.execute("reverse-stepi", to_string=True)
check_eq("reverse-stepi: back in the kernel (CPL 0)", reg("cpl"), 0)
check("reverse-stepi: at the sysret", "sysret" in insn(), insn())
check("reverse-stepi: registers as before the sysretq", state() == fwd[-2])
bad = 0
for k in range(len(fwd) - 3, -1, -1):
    gdb.execute("reverse-stepi", to_string=True)
    if state() != fwd[k]:
        bad += 1
        if bad == 1:
            print("first difference at step %d:\n%s\n--- want\n%s" % (k, state(), fwd[k]))
check("every step back matches going forward (%d steps)" % (len(fwd) - 1), bad == 0)
check_eq("reverse: at the syscall instruction again", reg("pc"), sym("sc_insn"))
check_eq("reverse: CPL 3", reg("cpl"), 3)
end
delete
watch *(long *)&watched
continue
python
check_eq("watch forward: after the store", reg("pc"), sym("after_store"))
gdb.execute("reverse-continue")
check_eq("reverse watch: at the store", reg("pc"), sym("store_insn"))
check_eq("reverse watch: memory undone", int(gdb.parse_and_eval("*(long*)&watched")), 0)
end
delete
break _start
reverse-continue
python
check_eq("reverse-continue to a breakpoint: _start", reg("pc"), sym("_start"))
end
delete
continue
python
check_eq("forward to the end: exit code", int(gdb.parse_and_eval("$_exitcode")), 7)
done()
end
