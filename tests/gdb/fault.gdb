# #PF from user mode (reached through a hardware breakpoint): stepi lands on asm_exc_page_fault at CPL 0 with the
# hardware frame (error code, RIP, CS, RFLAGS, RSP, SS) on the kernel stack;
# continuing ends the program with the signal the native run got.
set pagination off
source @DIR@/check.py
target remote :@PORT@
hbreak fault_insn
continue
python
import subprocess
check_eq("a hardware breakpoint (Z1) stops at the faulting instruction", reg("pc"), sym("fault_insn"))
check("gdb lists it as a hw breakpoint", "hw breakpoint" in gdb.execute("info breakpoints", to_string=True))
b_rsp, b_fl = reg("rsp"), reg("eflags")
gdb.execute("stepi")
check_eq("#PF: rip = asm_exc_page_fault", reg("pc"), sym("asm_exc_page_fault"))
check_eq("#PF: CPL 0", reg("cpl"), 0)
fr = [int(gdb.parse_and_eval("((unsigned long *)$rsp)[%d]" % k)) & 0xffffffffffffffff for k in range(6)]
check_eq("#PF: error code = user read of a not-present page", fr[0], 4)
check_eq("#PF: frame RIP = the faulting instruction", fr[1], sym("fault_insn"))
check_eq("#PF: frame CS", fr[2], 0x33)
check_eq("#PF: frame RFLAGS", fr[3], b_fl)
check_eq("#PF: frame RSP", fr[4], b_rsp)
check_eq("#PF: frame SS", fr[5], 0x2b)
r = mon("ring")
check("monitor ring: exception, page fault", "exception" in r and "page fault" in r, r)
end
delete
python
# gdb is told of the SIGSEGV before delivery (a stop) when signal delivery
# reports signals to the stub; continuing passes it and the program ends
stops = []
gdb.events.stop.connect(lambda ev: stops.append(getattr(ev, "stop_signal", None)))
for _ in range(3):
    if not gdb.selected_inferior().pid:
        break
    gdb.execute("continue")
check("any stop before the end was the SIGSEGV", all(x == "SIGSEGV" for x in stops), stops)
nat = subprocess.run([gdb.current_progspace().filename]).returncode
check_eq("ended by the native run's signal", int(gdb.parse_and_eval("$_exitsignal")), -nat)
done()
end
