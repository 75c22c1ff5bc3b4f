/* Signal delivery on the way back to user mode (Linux's
 * arch_do_signal_or_restart and get_signal): picks the queued signals the
 * mask lets through (synchronous ones first, then the lowest number),
 * carries out default actions, applies the system-call restart rules, and
 * has sigframe.c build a frame for each handler. Faults become synchronous
 * signals here (force_sig_fault: a blocked or ignored one is unblocked and
 * reset to the default action, so it kills). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "kernel/kernel.h"
#include "sig_internal.h"

#define ERESTART_NONE 0

/* System calls Linux never restarts after a handler ran (-ERESTARTNOHAND,
 * -ERESTART_RESTARTBLOCK, or plain -EINTR): poll/select/epoll, sleeps,
 * sigsuspend/pause/sigtimedwait. Everything else that was interrupted
 * (-ERESTARTSYS) restarts when the handler has SA_RESTART. */
static int never_restarts(SysAbi abi, uint64_t nr) {
    static const uint16_t x64[] = {7,   23,  34,  35,  128, 130, 230, 232,
                                   270, 271, 281, 441, 220, 65,  208};
    static const uint16_t x32[] = {29,  72,  82,  142, 162, 168, 177, 179, 256,
                                   267, 308, 309, 319, 407, 413, 414, 421, 441};
    const uint16_t *t = abi == ABI_I386 ? x32 : x64;
    size_t n = abi == ABI_I386 ? sizeof x32 / 2 : sizeof x64 / 2;
    for (size_t i = 0; i < n; i++)
        if (t[i] == nr) return 1;
    return 0;
}

/* Index of the next deliverable entry, or -1 (host signals blocked). */
static int pick(const SigTask *s, uint64_t mask) {
    int best = -1, bsync = 0;
    for (int i = 0; i < s->n; i++) {
        int sig = s->q[i].sig;
        if (mask & SIG_BIT(sig)) continue;
        int sync = (SYNC_MASK & SIG_BIT(sig)) != 0;
        if (best < 0 || (sync && !bsync) || (sync == bsync && sig < s->q[best].sig)) {
            best = i;
            bsync = sync;
        }
    }
    return best;
}

static int dequeue(Task *t, SigTask *s, uint64_t mask, SigEntry *out) {
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int i = pick(s, mask);
    if (i >= 0) {
        *out = s->q[i];
        memmove(&s->q[i], &s->q[i + 1], (size_t)(s->n - i - 1) * sizeof s->q[0]);
        s->n--;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    (void)t;
    return i >= 0;
}

/* The process ends as the default action of sig would end it. A signal
 * whose default action dumps core (abort()'s SIGABRT, SIGQUIT, a SIGSEGV
 * sent with kill ...) is a crash: one line says which signal and where the
 * program was, as a fault's report does (a fault reports itself). */
static void die_of(Proc *p, const PtRegs *r, int sig, int from_syscall) {
    if (sig_default_core(sig)) {
        char text[128] = "?";
        int mode = p->kernel32                             ? MODE_PROT32
                   : (r->cs & ~3ull) == (__USER32_CS & ~3) ? MODE_COMPAT32
                                                           : MODE_64;
        /* after a system call ip is past its 2-byte instruction */
        uint64_t ip = from_syscall ? r->ip - 2 : r->ip;
        cpu_disasm_mode(p->cpu, mode, ip, text, sizeof text, NULL, NULL);
        const char *name = sigabbrev_np(sig);
        fprintf(stderr, "ringside: SIG%s (%s, not handled) at 0x%llx: %s\n", name ? name : "?",
                strsignal(sig), (unsigned long long)ip, text);
    }
    proc_exit(p, sig);
}

static int deliver(Proc *p, PtRegs *r, int from_syscall) {
    Task *t = p->task;
    Cpu *c = p->cpu;
    c->irq = 0; /* the catcher sets it again for anything that arrives from here on */
    SigTask *s = t->sig;
    int kicked = t->dbg_kicked; /* a debugger's interrupt ended the call's wait (thread.c) */
    t->dbg_kicked = 0;
    if (kicked) p->debug_stop = 1; /* the run goes back to the debugger after this call */
    if (!s || (!s->n && !s->saved_valid)) {
        if (kicked && from_syscall && (int64_t)r->ax == -EINTR && (int64_t)r->orig_ax >= 0) {
            r->ax = r->orig_ax; /* restarted, as after a ptrace stop (see below) */
            r->ip -= 2;
            return 1;
        }
        return 0;
    }
    int changed = 0, restart_done = !from_syscall, discarded = kicked;
    SigEntry e;
    while (!p->exited && dequeue(t, s, t->sigmask, &e)) {
        int sig = e.sig;
        /* a debugger sees it first and may discard it (0) or pass another */
        if (p->on_signal && !(sig = p->on_signal(p, sig, p->on_signal_ud))) {
            discarded = 1;
            continue;
        }
        uint64_t h = p->sigact[sig].handler;
        if (h == (uint64_t)(uintptr_t)SIG_IGN) continue;
        if (h == (uint64_t)(uintptr_t)SIG_DFL) {
            if (sig_default_ignored(sig)) continue;
            if (sig_default_stops(sig)) {
                kill(getpid(), SIGSTOP); /* job control: the host stops us */
                continue;
            }
            die_of(p, r, sig, from_syscall);
            return 1;
        }
        uint32_t flags = (uint32_t)p->sigact[sig].flags;
        if (!restart_done) {
            restart_done = 1;
            if ((int64_t)r->ax == -EINTR && (int64_t)r->orig_ax >= 0 &&
                !never_restarts(p->abi, r->orig_ax) && (flags & SA_RESTART_)) {
                r->ax = r->orig_ax;
                r->ip -= 2;
            }
        }
        uint64_t oldmask = s->saved_valid ? s->saved_mask : t->sigmask;
        if (sigframe_setup(p, r, sig, e.info, oldmask) < 0) {
            /* force_sigsegv: a frame that cannot be written kills */
            s->saved_valid = 0;
            t->sigmask = oldmask;
            if (sig == SIGSEGV) p->sigact[SIGSEGV].handler = (uint64_t)(uintptr_t)SIG_DFL;
            uint8_t info[128];
            sig_info_user(info, SIGSEGV, 0x80 /* SI_KERNEL */);
            memset(info + 16, 0, 8);
            t->sigmask &= ~SIG_BIT(SIGSEGV);
            sig_queue(t, SIGSEGV, info);
            changed = 1;
            continue;
        }
        if (flags & SA_RESETHAND_) { /* SA_ONESHOT */
            p->sigact[sig].handler = (uint64_t)(uintptr_t)SIG_DFL;
            sig_sync_host_action(p, sig);
        }
        s->saved_valid = 0;
        t->sigmask = (oldmask | p->sigact[sig].mask | ((flags & SA_NODEFER_) ? 0 : SIG_BIT(sig))) &
                     ~KERNEL_ONLY;
        sig_sync_host_mask(t);
        changed = 1;
    }
    if (discarded && !restart_done && (int64_t)r->ax == -EINTR && (int64_t)r->orig_ax >= 0) {
        /* The debugger discarded the signal that interrupted the call, or its
         * interrupt did, and no handler ran: as under ptrace, the call is
         * restarted (-ERESTARTSYS and -ERESTARTNOHAND both restart when no
         * handler is invoked). */
        r->ax = r->orig_ax;
        r->ip -= 2;
        changed = 1;
    }
    if (s->saved_valid) { /* restore_saved_sigmask: no handler ran */
        s->saved_valid = 0;
        t->sigmask = s->saved_mask;
        sig_sync_host_mask(t);
    }
    return changed;
}

int signal_deliver(Proc *p, PtRegs *r) { return deliver(p, r, 0); }

int signal_deliver_syscall(Proc *p, PtRegs *r) {
    SigTask *s = p->task->sig;
    int forced = s && s->force_iret;
    if (forced) s->force_iret = 0;
    return deliver(p, r, 1) | forced;
}

/* ---- faults ------------------------------------------------------------------------- */

int kernel_fault_signal(Proc *p, int vector, uint64_t err, uint64_t cr2, int *code, uint64_t *addr);

/* fpu__exception_code(): the si_code of an x87 (#MF) or SIMD (#XM) fault. */
static int fpe_code(Cpu *c, int vector) {
    unsigned e;
    if (vector == EXC_MF) {
        e = c->fsw & ~c->fcw;
    } else {
        e = ~(c->mxcsr >> 7) & c->mxcsr;
    }
    if (e & 0x001) return 7; /* FPE_FLTINV */
    if (e & 0x004) return 3; /* FPE_FLTDIV */
    if (e & 0x008) return 4; /* FPE_FLTOVF */
    if (e & 0x012) return 5; /* FPE_FLTUND */
    if (e & 0x020) return 6; /* FPE_FLTRES */
    return 0;
}

int signal_fault(Proc *p, PtRegs *r, int vector, uint64_t err, uint64_t cr2) {
    Task *t = p->task;
    SigTask *s = sig_task(t);
    int code;
    uint64_t addr;
    int sig = kernel_fault_signal(p, vector, err, cr2, &code, &addr);
    uint64_t errcode = (int64_t)err < 0 ? 0 : err; /* vectors without one pushed -1 */
    switch (vector) {
    case EXC_DE:
        code = 1; /* FPE_INTDIV */
        addr = r->ip;
        break;
    case EXC_UD:
        code = 2; /* ILL_ILLOPN */
        addr = r->ip;
        break;
    case EXC_DB:
        code = 2; /* TRAP_TRACE (single step) */
        addr = r->ip;
        break;
    case EXC_AC:
        code = 1; /* BUS_ADRALN */
        addr = 0;
        break;
    case EXC_MF:
    case EXC_XM:
        code = fpe_code(p->cpu, vector);
        addr = r->ip;
        errcode = 0;
        if (!code) return 0; /* spurious: Linux retries the instruction */
        break;
    case EXC_PF: {
        uint64_t top = p->kernel32 ? 0xc0000000ull : USER_TOP; /* TASK_SIZE_MAX */
        errcode = err | 4;                                     /* X86_PF_USER */
        if (cr2 >= top) errcode |= 1; /* X86_PF_PROT: kernel addresses read as protection faults */
        s->cr2 = cr2;
        break;
    }
    default: break;
    }
    s->trap_nr = (uint64_t)vector;
    s->error_code = errcode;
    /* force_sig_fault: a blocked or ignored fault signal kills */
    int blocked = (t->sigmask & SIG_BIT(sig)) != 0;
    if (blocked || p->sigact[sig].handler == (uint64_t)(uintptr_t)SIG_IGN) {
        p->sigact[sig].handler = (uint64_t)(uintptr_t)SIG_DFL;
        t->sigmask &= ~SIG_BIT(sig);
        sig_sync_host_mask(t);
    }
    if (p->sigact[sig].handler == (uint64_t)(uintptr_t)SIG_DFL) return sig; /* fatal */
    uint8_t info[128];
    memset(info, 0, sizeof info);
    int32_t hd[3] = {sig, 0, code};
    memcpy(info, hd, 12);
    memcpy(info + 16, &addr, 8);
    sig_queue(t, sig, info);
    return 0;
}
