# 64-bit: stepi into entry_SYSCALL_64 and back out through SYSRETQ, field by
# field; kernel symbols; monitor ring/msr; a write and a read watchpoint; the
# exit code.
set pagination off
source @DIR@/check.py
target remote :@PORT@
python
check_eq("first stop is the program's entry", reg("pc"), sym("_start"))
check_eq("first stop at CPL 3", reg("cpl"), 3)
check_eq("user CS", reg("cs"), 0x33)
end
break sc_insn
continue
python
check_eq("breakpoint at the syscall", reg("pc"), sym("sc_insn"))
b_rsp, b_fl = reg("rsp"), reg("eflags")
gdb.execute("stepi")
# SYSCALL: RIP from LSTAR, CS from STAR[47:32], SS = CS + 8, RCX = next
# instruction, R11 = RFLAGS, RFLAGS &= ~SFMASK, RSP untouched, CPL 0
check_eq("rip = LSTAR", reg("pc"), msr("LSTAR"))
check_eq("rip = entry_SYSCALL_64", reg("pc"), sym("entry_SYSCALL_64"))
check_eq("cpl 0", reg("cpl"), 0)
check_eq("cs = STAR[47:32]", reg("cs"), (msr("STAR") >> 32) & 0xfffc)
check_eq("ss = cs + 8", reg("ss"), ((msr("STAR") >> 32) & 0xfffc) + 8)
check_eq("rsp unchanged", reg("rsp"), b_rsp)
check_eq("rcx = next instruction", reg("rcx"), sym("after_sc"))
check_eq("r11 = rflags", reg("r11"), b_fl)
check_eq("rflags masked by SFMASK", reg("eflags"), b_fl & ~msr("SFMASK") & 0xffffffff | 2)
check("info symbol names entry_SYSCALL_64", "entry_SYSCALL_64" in gdb.execute("info symbol $pc", to_string=True))
check("x/i shows swapgs", "swapgs" in insn())
r = mon("ring")
check("monitor ring: CPL 0 via SYSCALL/LSTAR", "CPL 0" in r and "SYSCALL" in r and "LSTAR" in r and "%#x" % sym("sc_insn") in r, r)
seen = []
def back_in_user():
    seen.append(insn())
    return reg("cpl") == 3
n = stepi_until(back_in_user)
check("left the kernel with sysretq", "sysret" in seen[-2], seen[-2:])
check("kernel path stepped (%d instructions)" % n, 5 < n < 2000)
check_eq("back at the instruction after syscall", reg("pc"), sym("after_sc"))
check_eq("user cs again", reg("cs"), 0x33)
check_eq("user ss again", reg("ss"), 0x2b)
check_eq("user rsp again", reg("rsp"), b_rsp)
check_eq("rax = getppid (the native parent)", reg("rax"), @PPID@)
check_eq("rflags restored from r11", reg("eflags"), b_fl)
end
watch *(long *)&watched
continue
python
check_eq("watchpoint stops after the store", reg("pc"), sym("after_store"))
check_eq("watched value", int(gdb.parse_and_eval("*(long*)&watched")), 0x1234)
end
delete
rwatch *(long *)&loops
continue
python
# Z3: a read of the watched word stops after the reading instruction
check_eq("read watchpoint stops after the load", reg("pc"), sym("spin"))
check_eq("the load happened", reg("rcx"), int(gdb.parse_and_eval("*(long*)&loops")))
end
delete
break spin
continue
python
# (the read watchpoint left us at spin already: the first hit is one iteration on)
check_eq("loop breakpoint: first pass", reg("rcx"), int(gdb.parse_and_eval("*(long*)&loops")) - 1)
r1 = reg("rcx")
gdb.execute("continue")
check_eq("loop breakpoint hit again one iteration later", reg("rcx"), r1 - 1)
gdb.execute("continue")
check_eq("and again", reg("rcx"), r1 - 2)
end
delete
continue
python
check_eq("exit code", int(gdb.parse_and_eval("$_exitcode")), 7)
done()
end
