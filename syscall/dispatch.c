/* System-call dispatch: pt_regs -> table row -> handler -> RAX.
 *
 * The kernel image (syscall/kernel/) has already built pt_regs on its stack;
 * syscall/kernel.c hands it here. Like Linux's do_syscall_64 the number is
 * the low 32 bits of orig_ax taken as unsigned; numbers with no handler
 * return -ENOSYS, and those Linux has (named in the table) are reported once
 * because a program that calls them is not being run faithfully. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sys_internal.h"
#include "vdso/vdso.h"

static const SysDef table_x86_64[] = {
#define SYSCALL(nr, name, fn, argfmt, retfmt) [nr] = {#name, fn, argfmt, retfmt},
#include "table_x86_64.def"
#undef SYSCALL
};
#define TABLE_LEN (sizeof table_x86_64 / sizeof table_x86_64[0])

_Thread_local PtRegs *sys_cur_regs;

/* The i386 table and its dispatcher (compat32.c). */
const SysDef *sys_lookup_i386(uint64_t nr);
void sys_dispatch_i386(Proc *p, PtRegs *regs);

const SysDef *sys_lookup(SysAbi abi, uint64_t nr) {
    if (abi == ABI_I386) return sys_lookup_i386(nr);
    if (abi != ABI_X86_64 || nr >= TABLE_LEN || !table_x86_64[nr].name) return NULL;
    return &table_x86_64[nr];
}

void sys_dispatch(Proc *p, PtRegs *regs) {
    if (p->abi == ABI_I386) {
        sys_dispatch_i386(p, regs);
        return;
    }
    uint64_t nr = (uint32_t)regs->orig_ax;
    const uint64_t a[6] = {regs->di, regs->si, regs->dx, regs->r10, regs->r8, regs->r9};
    const SysDef *d = sys_lookup(p->abi, nr);
    PtRegs *outer = sys_cur_regs;
    sys_cur_regs = regs;

    if (time_armed) time_poll(p); /* an interval timer's signal may be due */
    if (p->vvar_base) vvar_refresh(p->mem, p->vvar_base, 0); /* the vDSO's clock page */
    sys_track_cpu(p);
    if (p->exited) {
        sys_cur_regs = outer;
        return;
    }
    if (p->strace) strace_enter(p, nr, d, a);
    int64_t ret;
    if (d && d->fn) {
        ret = d->fn(p, a);
    } else {
        ret = -ENOSYS;
        /* Numbers Linux does not have get -ENOSYS from Linux too: not a gap. */
        if (d && nr < sizeof p->reported_nosys * 8 &&
            !(p->reported_nosys[nr / 8] & (1u << (nr % 8)))) {
            p->reported_nosys[nr / 8] |= (uint8_t)(1u << (nr % 8));
            fprintf(stderr, "ringside: unimplemented syscall %llu (%s)\n", (unsigned long long)nr,
                    d->name);
        }
    }
    regs->ax = (uint64_t)ret;
    if (p->on_syscall) p->on_syscall(p, nr, a, ret);
    if (p->strace) strace_exit(p, nr, d, a, ret);
    sys_cur_regs = outer;
}

/* One-time reports of things ringside does not model (ioctls, prctl
 * options...). A small fixed set: once it is full, further kinds are
 * reported every time rather than never. */
void sys_report(const char *kind, uint64_t key, const char *fmt, ...) {
    static struct {
        const char *kind;
        uint64_t key;
    } seen[256];
    static unsigned nseen;
    for (unsigned i = 0; i < nseen; i++)
        if (seen[i].key == key && strcmp(seen[i].kind, kind) == 0) return;
    if (nseen < sizeof seen / sizeof seen[0]) {
        seen[nseen].kind = kind;
        seen[nseen].key = key;
        nseen++;
    }
    va_list ap;
    va_start(ap, fmt);
    fputs("ringside: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}
