/* User page faults the kernel resolves instead of signalling: growing the
 * stack (Linux's expand_stack from do_user_addr_fault) and calls into the
 * legacy vsyscall page (emulate_vsyscall, vsyscall=xonly, the default).
 * Called from the exception hypercall (kernel.c) with the faulting frame;
 * 1 means handled (resume at regs->ip), 0 means deliver the signal. */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "kernel.h"
#include "sys_internal.h"

/* Linux's stack_guard_gap: 256 pages kept free below a growing stack. */
#define STACK_GUARD_GAP (256ull * PAGE_SIZE)

/* The stack's limit: RLIMIT_STACK, which the guest's setrlimit/prlimit set
 * on the host process itself. */
static uint64_t stack_limit(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_STACK, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 1ull << 32;
    return rl.rlim_cur;
}

static int grow_stack(Proc *p, uint64_t addr) {
    if (!p->stack_top || addr >= p->stack_top) return 0;
    const MemRegion *st = mem_region(p->mem, p->stack_top - 1), *q;
    if (!st) return 0;
    /* earlier growth left pieces below the first: find the lowest */
    while (st->start && (q = mem_region(p->mem, st->start - 1)) != NULL && q->end == st->start &&
           strcmp(q->name, st->name) == 0)
        st = q;
    if (addr >= st->start) return 0; /* inside the stack: a real fault */
    uint64_t start = addr & PAGE_MASK;
    if (p->stack_top - start > stack_limit()) return 0;
    /* the gap below must be free of other mappings (the guard gap) */
    uint64_t floor = start > STACK_GUARD_GAP ? start - STACK_GUARD_GAP : 0;
    for (size_t i = 0;; i++) {
        const MemRegion *r = mem_region_at(p->mem, i);
        if (!r || r->start >= st->start) break;
        if (r->end > floor) return 0;
    }
    char name[sizeof st->name];
    memcpy(name, st->name, sizeof name);
    uint64_t old = st->start;
    return mem_map(p->mem, start, old - start, st->prot & ~MEM_CODE, name) == 0;
}

/* The three entry points of the vsyscall page and their system calls. */
static int vsyscall_nr(uint64_t ip) {
    switch (ip - VSYSCALL_ADDR) {
    case 0x000: return 96;  /* gettimeofday */
    case 0x400: return 201; /* time */
    case 0x800: return 309; /* getcpu */
    default: return -1;
    }
}

static int emulate_vsyscall(Proc *p, PtRegs *r, uint64_t addr) {
    if (p->abi != ABI_X86_64 || r->cs != 0x33 || addr != r->ip ||
        (addr & PAGE_MASK) != VSYSCALL_ADDR)
        return 0;
    int nr = vsyscall_nr(addr);
    if (nr < 0) {
        sys_report("vsyscall", addr, "misaligned vsyscall call to %#llx (SIGSEGV)",
                   (unsigned long long)addr);
        return 0;
    }
    uint64_t ret;
    if (copy_from_user(p, &ret, r->sp, 8)) return 0; /* Linux: SIGSEGV */
    PtRegs s = *r;
    s.orig_ax = (uint64_t)nr;
    sys_dispatch(p, &s);
    if ((int64_t)s.ax == -EFAULT) return 0; /* Linux: SIGSEGV at the bad pointer */
    r->ax = s.ax;
    r->ip = ret;
    r->sp += 8;
    return 1;
}

int kernel_fixup_user_fault(Proc *p, PtRegs *r, int vector, uint64_t addr) {
    if (vector != EXC_PF || (r->cs & 3) != 3) return 0;
    return emulate_vsyscall(p, r, addr) || grow_stack(p, addr);
}
