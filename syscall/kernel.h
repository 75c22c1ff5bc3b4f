/* The host half of the modelled kernel (see kernel.c). */
#ifndef RINGSIDE_SYSCALL_KERNEL_H
#define RINGSIDE_SYSCALL_KERNEL_H

#include "proc.h"

typedef enum {
    KSYM_SYSCALL64,
    KSYM_PERCPU,
    KSYM_STACK_TOP,
    KSYM_TSS,
    KSYM_GDT,
    KSYM_IDT,
} KernelSym;

/* Map the ring-0 image (supervisor-only) into the guest address space. */
int kernel_map(Mem *m);
/* Point the CPU at the image's boot code, which will enter `entry` at CPL 3
 * with the stack at user_sp. */
void kernel_boot(Proc *p, uint64_t entry, uint64_t user_sp, int compat32);
/* Run until the process exits (0) or the CPU stops for the embedder (1:
 * breakpoint or instruction budget). */
int kernel_run(Proc *p);
/* The same, stopping (1) after at most max_insns retired instructions
 * (0: no limit); a hypercall is serviced before the count is checked. */
int kernel_run_budget(Proc *p, uint64_t max_insns);
/* A debugger's interrupt (gdb's Ctrl-C) for guest threads that wait in
 * blocking host calls: from any host thread, no lock needed. The waits end;
 * each such call is restarted as under a ptrace stop and the run returns to
 * the debugger (kernel_run_budget: 1). Returns how many threads it reached. */
int kernel_debug_kick(void);
uint64_t kernel_symbol(KernelSym s);
/* pt_regs as the modelled kernel lays them out at addr (its kernel stack):
 * the size, and writing r there (the i386 frame keeps its segment fields). */
size_t kernel_regs_size(const Proc *p);
int kernel_put_regs(Proc *p, uint64_t addr, const PtRegs *r);

/* The --kernel=i386 model: a 32-bit kernel in legacy protected mode that
 * enters with SYSENTER or int $0x80 and leaves with SYSEXIT or IRET. */
int kernel32_map(Mem *m);
void kernel32_boot(Proc *p, uint64_t entry, uint64_t user_sp);
uint64_t kernel32_gdt(void); /* its GDT (TLS entries 6-8) */
int kernel_exc_signal(int vector);

/* A user page fault the kernel resolves (fault.c): stack growth, a call into
 * the vsyscall page. 1: handled, resume at r->ip; 0: signal it. */
int kernel_fixup_user_fault(Proc *p, PtRegs *r, int vector, uint64_t addr);

#endif
