/* The host half of the modelled kernel: maps the ring-0 image, boots the CPU
 * through it, and services its VMCALLs (system calls and exceptions). */
#include "kernel.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel.h"
#include "kernel32/kernel32.h"

extern const uint8_t ringside_kernel_image[];
extern const uint8_t ringside_kernel_image_end[];
extern const uint8_t ringside_kernel32_image[];
extern const uint8_t ringside_kernel32_image_end[];

/* i386 Linux's struct pt_regs (the --kernel=i386 model's frame). */
typedef struct PtRegs32 {
    uint32_t bx, cx, dx, si, di, bp, ax, ds, es, fs, gs, orig_ax, ip, cs, flags, sp, ss;
} PtRegs32;

static uint32_t k32hdr(unsigned off) {
    uint32_t v;
    memcpy(&v, ringside_kernel32_image + off, 4);
    return v;
}

int kernel32_map(Mem *m) {
    size_t size = (size_t)(ringside_kernel32_image_end - ringside_kernel32_image);
    if (k32hdr(K32_MAGIC) != KERNEL32_MAGIC) return -1;
    uint64_t base = KERNEL32_BASE, data = k32hdr(K32_DATA_START), end = k32hdr(K32_END);
    if (data <= base || end < data || data - base > size) return -1;
    if (mem_map(m, base, data - base, MEM_R | MEM_X, "[kernel text]") < 0) return -1;
    if (mem_map(m, data, end - data, MEM_R | MEM_W, "[kernel data]") < 0) return -1;
    if (mem_write(m, base, ringside_kernel32_image, size, 0) < 0) return -1;
    return 0;
}

uint64_t kernel32_gdt(void) { return k32hdr(K32_GDT); }

void kernel32_boot(Proc *p, uint64_t entry, uint64_t user_sp) {
    Cpu *c = p->cpu;
    /* Legacy protected mode with paging, CPL 0, a flat 32-bit code segment
     * whose selector matches the GDT the kernel loads. */
    c->efer = 0;
    c->cr0 = 0x80050033;
    cpu_load_seg_raw(c, SEG_CS, __KERNEL_CS32, 0, 0xffffffff, 0x9b | SEGA_DB | SEGA_G);
    cpu_load_seg_raw(c, SEG_SS, __KERNEL_DS32, 0, 0xffffffff, 0x93 | SEGA_DB | SEGA_G);
    for (int s = 0; s < 6; s++)
        if (s != SEG_CS && s != SEG_SS)
            cpu_load_seg_raw(c, s, __USER_DS32, 0, 0xffffffff, 0xf3 | SEGA_DB | SEGA_G);
    c->idtr.limit = 0;
    cpu_update_mode(c);
    memset(c->gpr, 0, sizeof c->gpr);
    c->gpr[RDI] = entry;
    c->gpr[RSI] = user_sp;
    c->gpr[RSP] = k32hdr(K32_STACK_TOP);
    cpu_set_rflags(c, 2);
    c->rip = k32hdr(K32_BOOT);
    p->kernel32 = 1;
}

static void regs_from32(PtRegs *r, const PtRegs32 *q) {
    memset(r, 0, sizeof *r);
    r->bx = q->bx, r->cx = q->cx, r->dx = q->dx, r->si = q->si, r->di = q->di, r->bp = q->bp;
    r->ax = (uint64_t)(int64_t)(int32_t)q->ax;
    r->orig_ax = (uint64_t)(int64_t)(int32_t)q->orig_ax;
    r->ip = q->ip, r->cs = q->cs, r->flags = q->flags, r->sp = q->sp, r->ss = q->ss;
}
static void regs_to32(PtRegs32 *q, const PtRegs *r) {
    q->bx = (uint32_t)r->bx, q->cx = (uint32_t)r->cx, q->dx = (uint32_t)r->dx;
    q->si = (uint32_t)r->si, q->di = (uint32_t)r->di, q->bp = (uint32_t)r->bp;
    q->ax = (uint32_t)r->ax, q->ip = (uint32_t)r->ip, q->cs = (uint32_t)r->cs;
    q->flags = (uint32_t)r->flags, q->sp = (uint32_t)r->sp, q->ss = (uint32_t)r->ss;
}

static uint64_t khdr(unsigned off) {
    uint64_t v;
    memcpy(&v, ringside_kernel_image + off, 8);
    return v;
}

uint64_t kernel_symbol(KernelSym s) {
    switch (s) {
    case KSYM_SYSCALL64: return khdr(KHDR_SYSCALL64);
    case KSYM_PERCPU: return khdr(KHDR_PERCPU);
    case KSYM_STACK_TOP: return khdr(KHDR_STACK_TOP);
    case KSYM_TSS: return khdr(KHDR_TSS);
    case KSYM_GDT: return khdr(KHDR_GDT);
    case KSYM_IDT: return khdr(KHDR_IDT);
    }
    return 0;
}

int kernel_map(Mem *m) {
    size_t size = (size_t)(ringside_kernel_image_end - ringside_kernel_image);
    if (khdr(KHDR_MAGIC) != KERNEL_MAGIC) return -1;
    uint64_t base = KERNEL_BASE, data = khdr(KHDR_DATA_START), end = khdr(KHDR_END);
    if (data <= base || end < data || data - base > size) return -1;
    /* text+rodata: supervisor read/execute; data+bss: supervisor read/write */
    if (mem_map(m, base, data - base, MEM_R | MEM_X, "[kernel text]") < 0) return -1;
    if (mem_map(m, data, end - data, MEM_R | MEM_W, "[kernel data]") < 0) return -1;
    if (mem_write(m, base, ringside_kernel_image, size, 0) < 0) return -1;
    return 0;
}

void kernel_boot(Proc *p, uint64_t entry, uint64_t user_sp, int compat32) {
    Cpu *c = p->cpu;
    /* The state a boot loader leaves: long mode, paging on, CPL 0 in a flat
     * 64-bit code segment whose selector matches the GDT the kernel loads. */
    c->efer = EFER_LME | EFER_LMA | EFER_NXE;
    cpu_load_seg_raw(c, SEG_CS, 0x10, 0, 0xffffffff, 0x9b | SEGA_L | SEGA_G);
    cpu_load_seg_raw(c, SEG_SS, 0x18, 0, 0xffffffff, 0x93 | SEGA_DB | SEGA_G);
    for (int s = 0; s < 6; s++)
        if (s != SEG_CS && s != SEG_SS) cpu_load_seg_raw(c, s, 0, 0, 0, 0);
    c->idtr.limit = 0;
    cpu_update_mode(c);
    memset(c->gpr, 0, sizeof c->gpr);
    c->gpr[RDI] = entry;
    c->gpr[RSI] = user_sp;
    c->gpr[RDX] = (uint64_t)compat32;
    c->gpr[RSP] = khdr(KHDR_STACK_TOP);
    cpu_set_rflags(c, 2);
    c->rip = khdr(KHDR_BOOT);
}

/* Linux's signal for each exception vector (arch/x86/kernel/traps.c). */
int kernel_exc_signal(int vector) {
    switch (vector) {
    case EXC_DE: return SIGFPE;
    case EXC_DB: return SIGTRAP;
    case EXC_BP: return SIGTRAP;
    case EXC_OF: return SIGSEGV;
    case EXC_BR: return SIGSEGV;
    case EXC_UD: return SIGILL;
    case EXC_NM: return SIGSEGV;
    case EXC_NP: return SIGBUS;
    case EXC_SS: return SIGBUS;
    case EXC_GP: return SIGSEGV;
    case EXC_PF: return SIGSEGV;
    case EXC_MF: return SIGFPE;
    case EXC_AC: return SIGBUS;
    case EXC_XM: return SIGFPE;
    default: return SIGSEGV;
    }
}

/* The signal a fault raises, with Linux's si_code and si_addr: a page
 * fault on a file mapping's page past the end of the file is SIGBUS
 * (BUS_ADRERR) as do_sigbus() sends it; other faults by vector. */
int kernel_fault_signal(Proc *p, int vector, uint64_t err, uint64_t cr2, int *code,
                        uint64_t *addr);
int kernel_fault_signal(Proc *p, int vector, uint64_t err, uint64_t cr2, int *code,
                        uint64_t *addr) {
    int sig = kernel_exc_signal(vector);
    *code = SI_KERNEL;
    *addr = 0;
    if (vector == EXC_PF) {
        *addr = cr2;
        if (mem_bus_fault(p->mem, cr2)) {
            *code = BUS_ADRERR;
            return SIGBUS;
        }
        *code = (err & PFERR_P) ? SEGV_ACCERR : SEGV_MAPERR;
    }
    return sig;
}

/* The host's SIGBUS on a file page the guest was accessing (the file
 * shrank after the page was first used): while this process's code runs,
 * it becomes the guest's page fault at that address, delivered through the
 * IDT as any other (the signal handler leaves through cpu_fault's longjmp);
 * outside guest execution mem.c reports it. */
static Proc *running;

/* cpu/insn.h's: unwinds to the run loop, which delivers the exception */
_Noreturn void cpu_fault(Cpu *c, int vector, uint32_t error);

static void host_fault(void *ud, uint64_t addr, int write) {
    Proc *p = ud;
    if (running != p) return;
    Cpu *c = p->cpu;
    c->cr2 = addr;
    cpu_fault(c, EXC_PF, PFERR_P | (write ? PFERR_W : 0) | (c->cpl == 3 ? PFERR_U : 0));
}

static void report_fault(Proc *p, const PtRegs *r, int vector, uint64_t cr2, int sig, int code) {
    char text[128];
    /* decoded as the faulting program runs, not as the kernel that reports it */
    int mode = p->kernel32                             ? MODE_PROT32
               : (r->cs & ~3ull) == (__USER32_CS & ~3) ? MODE_COMPAT32
                                                       : MODE_64;
    cpu_disasm_mode(p->cpu, mode, r->ip, text, sizeof text, NULL, NULL);
    const char *signame = sigabbrev_np(sig);
    fprintf(stderr, "ringside: SIG%s (%s) at 0x%llx: %s", signame ? signame : "?",
            cpu_exc_name(vector), (unsigned long long)r->ip, text);
    if (vector == EXC_PF)
        fprintf(stderr, " (address 0x%llx, %s%s)", (unsigned long long)cr2,
                (r->orig_ax & PFERR_W)   ? "write"
                : (r->orig_ax & PFERR_I) ? "fetch"
                                         : "read",
                sig == SIGBUS && code == BUS_ADRERR ? ", past the end of the mapped file" : "");
    fputc('\n', stderr);
}

/* Service one VMCALL. Returns 0 to continue, 1 when the process ended. */
static int hypercall(Proc *p) {
    Cpu *c = p->cpu;
    uint64_t regs_addr = c->gpr[RDI];
    unsigned reason = (unsigned)c->gpr[RSI];
    PtRegs r;
    PtRegs32 r32;
    uint8_t *host_regs = NULL;
    int bad;
    if (p->kernel32) {
        regs_addr = (uint32_t)regs_addr;
        bad = mem_read(p->mem, &r32, regs_addr, sizeof r32, MEM_R) < 0;
        if (!bad) regs_from32(&r, &r32);
    } else if ((regs_addr & (PAGE_SIZE - 1)) <= PAGE_SIZE - sizeof r &&
               (mem_page_prot(p->mem, regs_addr) & (MEM_R | MEM_W)) == (MEM_R | MEM_W) &&
               (host_regs = mem_page(p->mem, regs_addr)) != NULL) {
        /* the common case: pt_regs within one kernel-stack page */
        host_regs += regs_addr & (PAGE_SIZE - 1);
        memcpy(&r, host_regs, sizeof r);
        bad = 0;
    } else {
        bad = mem_read(p->mem, &r, regs_addr, sizeof r, MEM_R) < 0;
    }
    if (c->cpl != 0 || bad) {
        fprintf(stderr, "ringside: internal error: bad pt_regs at 0x%llx\n",
                (unsigned long long)regs_addr);
        proc_exit(p, SIGSEGV);
        return 1;
    }
    switch (reason) {
    case HC_SYSCALL64:
        p->abi = ABI_X86_64;
        sys_dispatch(p, &r);
        break;
    case HC_INT80:
        /* do_int80_syscall_32: the i386 table, from 32-bit code or from a
         * 64-bit process alike (arguments truncated to 32 bits there). */
        p->abi = ABI_I386;
        sys_dispatch(p, &r);
        p->abi = r.cs == 0x33 ? ABI_X86_64 : ABI_I386;
        break;
    case HC_SYSCALL32:
    case HC_SYSENTER32: {
        /* do_fast_syscall_32: the sixth argument (EBP) was pushed by
         * __kernel_vsyscall and sits at the top of the user stack; the
         * return goes to the vDSO's landing point whatever address the
         * program executed the instruction from. */
        uint32_t bp;
        p->abi = ABI_I386;
        if (copy_from_user(p, &bp, (uint32_t)r.sp, 4) < 0) {
            r.ax = (uint64_t)-EFAULT;
        } else {
            r.bp = bp;
            sys_dispatch(p, &r);
        }
        if (p->vdso_landing) {
            r.ip = p->vdso_landing;
        } else {
            static int said;
            if (!said++)
                fprintf(stderr, "ringside: fast 32-bit system call without a vDSO landing point\n");
            r.ip = (uint32_t)r.cx; /* SYSCALL: back after the instruction */
        }
        break;
    }
    case HC_EXCEPTION: {
        int vector = (int)(uint32_t)c->gpr[RDX];
        uint64_t cr2 = p->kernel32 ? (uint32_t)c->gpr[RCX] : c->gpr[RCX];
        if (kernel_fixup_user_fault(p, &r, vector, cr2)) break; /* grown stack, vsyscall */
        int code;
        uint64_t fault_addr;
        int sig = kernel_fault_signal(p, vector, r.orig_ax, cr2, &code, &fault_addr);
        /* No signal delivery yet: the default action of every one of these
         * signals ends the process (with a core dump). */
        report_fault(p, &r, vector, cr2, sig, code);
        proc_exit(p, sig);
        return 1;
    }
    default:
        fprintf(stderr, "ringside: internal error: unknown hypercall %u\n", reason);
        proc_exit(p, SIGSEGV);
        return 1;
    }
    if (p->exited) return 1;
    if (host_regs) {
        memcpy(host_regs, &r, sizeof r);
        return 0;
    }
    if (p->kernel32) regs_to32(&r32, &r);
    if (p->kernel32 ? mem_write(p->mem, regs_addr, &r32, sizeof r32, MEM_W) < 0
                    : mem_write(p->mem, regs_addr, &r, sizeof r, MEM_W) < 0) {
        fprintf(stderr, "ringside: internal error: pt_regs write-back failed\n");
        proc_exit(p, SIGSEGV);
        return 1;
    }
    return 0;
}

int kernel_run(Proc *p) {
    Cpu *c = p->cpu;
    mem_on_host_fault(p->mem, host_fault, p);
    for (;;) {
        running = p;
        CpuEvent ev = cpu_run(c, 0);
        running = NULL;
        switch (ev) {
        case CPU_EV_HYPERCALL:
            if (hypercall(p)) return 0;
            break;
        case CPU_EV_SHUTDOWN:
            fprintf(stderr,
                    "ringside: triple fault (vector %d, %s) at 0x%llx: the modelled kernel could "
                    "not handle an exception\n",
                    c->exc_vector, cpu_exc_name(c->exc_vector), (unsigned long long)c->rip);
            proc_exit(p, SIGSEGV);
            return 0;
        case CPU_EV_EXCEPTION:
            fprintf(stderr, "ringside: exception %d (%s) at 0x%llx before the IDT was loaded\n",
                    c->exc_vector, cpu_exc_name(c->exc_vector), (unsigned long long)c->rip);
            proc_exit(p, SIGSEGV);
            return 0;
        case CPU_EV_HALT:
            fprintf(stderr, "ringside: the modelled kernel halted at 0x%llx\n",
                    (unsigned long long)c->rip);
            proc_exit(p, SIGSEGV);
            return 0;
        case CPU_EV_BREAKPOINT:
        case CPU_EV_LIMIT: return 1; /* the embedder's turn (debugger, stepping) */
        default: break;
        }
    }
}
