# monitor gdt/idt/tss/msr/segs/cpu against facts from the kernel image's own
# symbols, Linux's selector layout and the host's CPUID vendor.
set pagination off
source @DIR@/check.py
target remote :@PORT@
python
import re
check_eq("LSTAR = entry_SYSCALL_64", msr("LSTAR"), sym("entry_SYSCALL_64"))
check_eq("CSTAR = entry_SYSCALL_compat", msr("CSTAR"), sym("entry_SYSCALL_compat"))
check_eq("SYSENTER_EIP = entry_SYSENTER_compat", msr("SYSENTER_EIP"), sym("entry_SYSENTER_compat"))
check("EFER has SCE LME LMA", all(f in mon("msr EFER") for f in ("SCE", "LME", "LMA")))
check("unknown MSR refused", "unknown MSR" in mon("msr NOSUCH"))
g = mon("gdt")
def gdt_line(sel):
    for l in g.splitlines():
        if "sel %#04x " % sel in l or "sel 0x%02x " % sel in l:
            return l
    return ""
check("GDT: 0x10 kernel 64-bit code", "DPL 0" in gdt_line(0x10) and "code" in gdt_line(0x10) and " L" in gdt_line(0x10), gdt_line(0x10))
check("GDT: 0x33 user 64-bit code", "DPL 3" in gdt_line(0x30) and " L" in gdt_line(0x30), gdt_line(0x30))
check("GDT: 0x23 user 32-bit code", "DPL 3" in gdt_line(0x20) and "D/B" in gdt_line(0x20), gdt_line(0x20))
check("GDT: a TSS", "TSS" in g, g)
i14 = mon("idt 14")
check("IDT[14] -> asm_exc_page_fault", ("%#x" % sym("asm_exc_page_fault")) in i14, i14)
i80 = mon("idt 0x80")
check("IDT[0x80] -> entry_INT80_compat, DPL 3", ("%#x" % sym("entry_INT80_compat")) in i80 and "DPL 3" in i80, i80)
check("bad vector refused", "bad vector" in mon("idt 300"))
check("IDT lists the page fault gate", "page fault" in mon("idt").lower() or ("%#x" % sym("asm_exc_page_fault")) in mon("idt"))
t = mon("tss")
rsp0 = int(re.search(r"rsp0 (0x[0-9a-f]+)", t).group(1), 16)
check_eq("TSS rsp0 = the kernel stack top", rsp0, sym("task_stack_top"))
s = mon("segs")
cs = [l for l in s.splitlines() if l.startswith("cs ")][0]
check("segs: cs 0x33 DPL 3 L", "0x0033" in cs and "DPL 3" in cs and " L" in cs, cs)
vendor = [l.split(":")[1].strip() for l in open("/proc/cpuinfo") if l.startswith("vendor_id")][0]
c = mon("cpu")
check("cpu: the host's vendor by default (%s)" % vendor, vendor in c, c)
check("cpu amd|intel is read-only", "read-only" in mon("cpu amd"))
r = mon("ring")
check("ring at the start: CPL 3", "CPL 3" in r, r)
check("help lists kernel-steps", "kernel-steps" in mon("help"))
check("unknown command", "unknown monitor command" in mon("frobnicate"))
check("kernel-symbols names the image", "ringside-kernel.elf" in mon("kernel-symbols"))
gdb.execute("kill")
done()
end
