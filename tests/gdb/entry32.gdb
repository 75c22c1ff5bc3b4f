# 32-bit: stepi through int $0x80 (the IDT) and through the vDSO's
# __kernel_vsyscall (SYSENTER on the Intel model, SYSCALL on AMD; the i386
# kernel model returns with SYSEXIT/IRET) into ring 0 and back.
# RS_VENDOR (intel|amd) and RS_KERNEL (x86_64|i386) say what was modelled.
set pagination off
source @DIR@/check.py
target remote :@PORT@
python
import os
vendor = os.environ.get("RS_VENDOR", "intel")
k32 = os.environ.get("RS_KERNEL", "x86_64") == "i386"
M = 0xffffffff
check_eq("first stop at CPL 3", reg("cpl"), 3)
user_cs = reg("cs")
check_eq("user CS RPL 3", user_cs & 3, 3)
def ksym(*names):
    for n in names:
        try:
            return sym(n)
        except gdb.error:
            pass
    return -1
end
break int80_insn
continue
python
b_esp, b_fl = reg("esp"), reg("eflags")
gdb.execute("stepi")
check_eq("int80: CPL 0", reg("cpl"), 0)
check_eq("int80: rip = the int 0x80 gate's entry", reg("pc"), ksym("entry_INT80_compat", "entry_INT80_32"))
check("int80: kernel CS (RPL 0)", reg("cs") & 3 == 0 and reg("cs") != user_cs)
check("int80: stack switched to the kernel's", reg("esp") != b_esp)
check("int80: IF cleared by the interrupt gate", reg("eflags") & 0x200 == 0)
r = mon("ring")
check("monitor ring: int through IDT[0x80]", "IDT[0x80]" in r and "%#x" % sym("int80_insn") in r, r)
seen, pcs = [], []
def user():
    seen.append(insn())
    pcs.append(reg("pc"))
    return reg("cpl") == 3
stepi_until(user)
check("int80: returned with iret", is_iret(pcs[-2]), seen[-2:])
check_eq("int80: back after the int", reg("pc"), sym("int80_after"))
check_eq("int80: user CS", reg("cs"), user_cs)
check_eq("int80: user esp", reg("esp"), b_esp)
check_eq("int80: eax = getppid (the native parent)", reg("eax"), @PPID@)
check_eq("int80: eflags", reg("eflags"), b_fl)
end
break vsys_call
continue
python
b_esp = reg("esp")
seen = []
def kernel():
    seen.append(insn())
    return reg("cpl") == 0
stepi_until(kernel, 100)
entry = seen[-2]
if k32 or vendor == "intel":
    check("vsyscall: entered with sysenter", "sysenter" in entry, entry)
    check_eq("vsyscall: rip = SYSENTER_EIP", reg("pc"), msr("SYSENTER_EIP") & M)
    check_eq("vsyscall: esp = SYSENTER_ESP", reg("esp"), msr("SYSENTER_ESP") & M)
    check_eq("vsyscall: cs = SYSENTER_CS", reg("cs"), msr("SYSENTER_CS") & 0xfffc)
else:
    check("vsyscall: entered with syscall", "syscall" in entry, entry)
    check_eq("vsyscall: rip = CSTAR", reg("pc"), msr("CSTAR") & M)
    check_eq("vsyscall: cs = STAR[47:32]", reg("cs"), (msr("STAR") >> 32) & 0xfffc)
check("vsyscall: a named kernel entry", "entry_" in gdb.execute("info symbol $pc", to_string=True))
seen, pcs = [], []
stepi_until(user)
check("vsyscall: left with sysexit/sysret/iret", is_iret(pcs[-2]) or any(x in seen[-2] for x in ("sysexit", "sysret")), seen[-2:])
stepi_until(lambda: reg("pc") == sym("vsys_after"), 100)
check_eq("vsyscall: back after the call", reg("pc"), sym("vsys_after"))
check_eq("vsyscall: esp", reg("esp"), b_esp)
check_eq("vsyscall: eax = getppid", reg("eax"), @PPID@)
end
delete
continue
python
check_eq("exit code", int(gdb.parse_and_eval("$_exitcode")), 0)
done()
end
