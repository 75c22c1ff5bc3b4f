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

size_t kernel_regs_size(const Proc *p) { return p->kernel32 ? sizeof(PtRegs32) : sizeof(PtRegs); }

int kernel_put_regs(Proc *p, uint64_t addr, const PtRegs *r) {
    if (p->kernel32) {
        PtRegs32 q;
        if (mem_read(p->mem, &q, (uint32_t)addr, sizeof q, MEM_R) < 0) return -1;
        regs_to32(&q, r);
        return mem_write(p->mem, (uint32_t)addr, &q, sizeof q, MEM_W);
    }
    return mem_write(p->mem, addr, r, sizeof *r, MEM_W);
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
static _Thread_local Proc *running; /* per host thread: each guest thread has one */

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

/* A handler in another code segment than the interrupted code (a 64-bit
 * handler while 32-bit code ran, or the reverse): load Linux's flat user
 * CS/SS as IRET would (descriptors as the GDT holds them). */
static void load_user_segs(Proc *p, const PtRegs *r) {
    Cpu *c = p->cpu;
    uint16_t cs = (uint16_t)r->cs, ss = (uint16_t)r->ss;
    int is64 = !p->kernel32 && cs == __USER_CS;
    cpu_load_seg_raw(c, SEG_CS, cs, 0, 0xffffffff,
                     0xfb | SEGA_G | (is64 ? SEGA_L : SEGA_DB)); /* code, DPL 3, accessed */
    cpu_load_seg_raw(c, SEG_SS, ss, 0, 0xffffffff, 0xf3 | SEGA_DB | SEGA_G);
    cpu_update_mode(c);
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
        /* the landing point is set before the call, as Linux does: what
         * sigreturn restores or a signal frame sets stays */
        if (p->vdso_landing) {
            r.ip = p->vdso_landing;
        } else {
            static int said;
            if (!said++)
                fprintf(stderr, "ringside: fast 32-bit system call without a vDSO landing point\n");
            r.ip = (uint32_t)r.cx; /* SYSCALL: back after the instruction */
        }
        if (copy_from_user(p, &bp, (uint32_t)r.sp, 4) < 0) {
            r.ax = (uint64_t)-EFAULT;
        } else {
            r.bp = bp;
            sys_dispatch(p, &r);
        }
        break;
    }
    case HC_EXCEPTION: {
        int vector = (int)(uint32_t)c->gpr[RDX];
        uint64_t cr2 = p->kernel32 ? (uint32_t)c->gpr[RCX] : c->gpr[RCX];
        if (kernel_fixup_user_fault(p, &r, vector, cr2)) break; /* grown stack, vsyscall */
        /* a synchronous signal on the faulting task (sigdeliver.c); one that
         * kills is reported in one line */
        if ((r.cs & 3) == 3 && !signal_fault(p, &r, vector, r.orig_ax, cr2)) break;
        int code;
        uint64_t fault_addr;
        int sig = kernel_fault_signal(p, vector, r.orig_ax, cr2, &code, &fault_addr);
        /* a debugger hears of the fatal signal first (Proc.on_signal); one
         * that discards it re-runs the faulting instruction, as under ptrace */
        if ((r.cs & 3) == 3 && p->on_signal && !p->on_signal(p, sig, p->on_signal_ud) && !p->exited)
            break;
        report_fault(p, &r, vector, cr2, sig, code);
        proc_exit(p, sig);
        return 1;
    }
    default:
        fprintf(stderr, "ringside: internal error: unknown hypercall %u\n", reason);
        proc_exit(p, SIGSEGV);
        return 1;
    }
    thread_after_syscall(p, &r); /* a new thread's frame is the parent's (before signals) */
    if (p->exited) return 1;
    /* pending signals: frames built, pt_regs rewritten; the compat fast
     * paths may use SYSRETL/SYSEXIT only when nothing changed (Linux's
     * do_fast_syscall_32 result, in EAX for the entry code) */
    int changed = reason == HC_EXCEPTION ? signal_deliver(p, &r) : signal_deliver_syscall(p, &r);
    if (p->exited) return 1;
    if (reason == HC_SYSCALL32 || reason == HC_SYSENTER32)
        c->gpr[RAX] = !changed && (!p->vdso_landing || r.ip == p->vdso_landing);
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

/* CPU_EV_INTERRUPT: a host signal for the guest arrived while user code
 * ran; deliver it at this instruction boundary, straight on the CPU's user
 * state (no kernel entry: the frame is what Linux builds on the interrupt's
 * return to user mode). */
static void interrupt_user(Proc *p) {
    Cpu *c = p->cpu;
    PtRegs r;
    memset(&r, 0, sizeof r);
    r.r15 = c->gpr[R15], r.r14 = c->gpr[R14], r.r13 = c->gpr[R13], r.r12 = c->gpr[R12];
    r.bp = c->gpr[RBP], r.bx = c->gpr[RBX], r.r11 = c->gpr[R11], r.r10 = c->gpr[R10];
    r.r9 = c->gpr[R9], r.r8 = c->gpr[R8], r.ax = c->gpr[RAX], r.cx = c->gpr[RCX];
    r.dx = c->gpr[RDX], r.si = c->gpr[RSI], r.di = c->gpr[RDI], r.sp = c->gpr[RSP];
    r.orig_ax = (uint64_t)-1;
    r.ip = c->rip;
    r.flags = cpu_get_rflags(c);
    r.cs = c->seg[SEG_CS].sel;
    r.ss = c->seg[SEG_SS].sel;
    if (!signal_deliver(p, &r) || p->exited) return;
    if (r.cs != c->seg[SEG_CS].sel || r.ss != c->seg[SEG_SS].sel) load_user_segs(p, &r);
    c->gpr[R15] = r.r15, c->gpr[R14] = r.r14, c->gpr[R13] = r.r13, c->gpr[R12] = r.r12;
    c->gpr[RBP] = r.bp, c->gpr[RBX] = r.bx, c->gpr[R11] = r.r11, c->gpr[R10] = r.r10;
    c->gpr[R9] = r.r9, c->gpr[R8] = r.r8, c->gpr[RAX] = r.ax, c->gpr[RCX] = r.cx;
    c->gpr[RDX] = r.dx, c->gpr[RSI] = r.si, c->gpr[RDI] = r.di, c->gpr[RSP] = r.sp;
    c->rip = r.ip;
    cpu_set_rflags(c, r.flags);
}

int kernel_run(Proc *p) { return kernel_run_budget(p, 0); }

int kernel_run_budget(Proc *p, uint64_t max_insns) {
    Cpu *c = p->cpu;
    mem_on_host_fault(p->mem, host_fault, p);
    signal_init(p); /* once: the host mirror of dispositions and mask */
    uint64_t start = c->icount;
    for (;;) {
        uint64_t left = 0;
        if (max_insns) {
            uint64_t done = c->icount - start;
            if (done >= max_insns) return 1; /* the budget ended at a hypercall */
            left = max_insns - done;
        }
        /* several guest threads: run in time slices, handing the CPU over
         * between them at CPL 3 (syscall/thread.c) */
        uint64_t slice = thread_slice(), run = left;
        if (slice && (!run || run > slice)) run = slice;
        running = p;
        CpuEvent ev = cpu_run(c, run);
        running = NULL;
        if (ev == CPU_EV_LIMIT && run != left) {
            thread_yield(p);
            continue;
        }
        switch (ev) {
        case CPU_EV_HYPERCALL:
            if (hypercall(p)) return 0;
            if (thread_exit_pending(p)) return 0; /* only a thread's exit(): 1 when the last */
            if (p->debug_stop) { /* a debugger stopped at a signal (Proc.on_signal) */
                p->debug_stop = 0;
                return 1;
            }
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
        case CPU_EV_INTERRUPT:
            interrupt_user(p);
            if (p->exited) return 0;
            break;
        case CPU_EV_BREAKPOINT:
        case CPU_EV_LIMIT: return 1; /* the embedder's turn (debugger, stepping) */
        default: break;
        }
    }
}
