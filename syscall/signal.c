/* Signals, recorded: dispositions (rt_sigaction), the blocked mask, the
 * alternate stack. Delivery to a handler is not modelled yet. What can be
 * decided without it is: a signal a process sends itself whose action is
 * the default termination ends it (with core flag like Linux when the core
 * limit allows), an ignored one is discarded, a blocked one stays pending
 * until unblocked; anything that would need a handler to run is reported
 * once and fails with -ENOSYS rather than silently doing nothing. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys_internal.h"

#define SIG_BIT(s)  (1ull << ((s)-1))
#define KERNEL_ONLY (SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))

/* Linux clears sa_flags bits it does not know (so programs can probe for
 * them); these are the ones a 64-bit sigaction keeps. */
#define SA_KNOWN                                                                                   \
    (0x1ull /* NOCLDSTOP */ | 0x2 /* NOCLDWAIT */ | 0x4 /* SIGINFO */ | 0x800 /* EXPOSE_TAGBITS */ \
     | 0x04000000 /* RESTORER */ | 0x08000000 /* ONSTACK */ | 0x10000000      /* RESTART */        \
     | 0x40000000 /* NODEFER */ | 0x80000000ull /* RESETHAND */)

/* Standard signals sent to ourselves while blocked stay pending (once
 * each, as Linux keeps standard signals) until unblocked. Kept here
 * because Proc has no field for it yet. */
static uint64_t sig_pending;
static int is_ignored(Proc *p, int sig);
static void sig_flush_pending(Proc *p);

int64_t sys_rt_sigaction(Proc *p, const uint64_t a[6]) {
    int sig = (int)a[0];
    uint64_t act[4], old[4]; /* handler, flags, restorer, mask */
    if (a[3] != 8) return -EINVAL;
    if (a[1] && copy_from_user(p, act, a[1], sizeof act)) return -EFAULT;
    if (sig < 1 || sig > PROC_MAX_SIG || (a[1] && (SIG_BIT(sig) & KERNEL_ONLY))) return -EINVAL;
    old[0] = p->sigact[sig].handler;
    old[1] = p->sigact[sig].flags;
    old[2] = p->sigact[sig].restorer;
    old[3] = p->sigact[sig].mask;
    if (a[1]) {
        p->sigact[sig].handler = act[0];
        p->sigact[sig].flags = act[1] & SA_KNOWN;
        p->sigact[sig].restorer = act[2];
        p->sigact[sig].mask = act[3] & ~KERNEL_ONLY;
        if (is_ignored(p, sig)) sig_pending &= ~SIG_BIT(sig); /* POSIX: discarded */
    }
    /* The new action stays installed even when writing the old one faults. */
    if (a[2] && copy_to_user(p, a[2], old, sizeof old)) return -EFAULT;
    return 0;
}

int64_t sys_rt_sigprocmask(Proc *p, const uint64_t a[6]) {
    int how = (int)a[0];
    uint64_t set, old = p->task->sigmask;
    if (a[3] != 8) return -EINVAL;
    if (a[1]) {
        if (copy_from_user(p, &set, a[1], 8)) return -EFAULT;
        set &= ~KERNEL_ONLY;
        switch (how) {
        case SIG_BLOCK: p->task->sigmask |= set; break;
        case SIG_UNBLOCK: p->task->sigmask &= ~set; break;
        case SIG_SETMASK: p->task->sigmask = set; break;
        default: return -EINVAL;
        }
    }
    if (a[2] && copy_to_user(p, a[2], &old, 8)) return -EFAULT;
    sig_flush_pending(p);
    return 0;
}

int64_t sys_rt_sigpending(Proc *p, const uint64_t a[6]) {
    uint64_t set = sig_pending & p->task->sigmask;
    if (a[1] > 8) return -EINVAL;
    return copy_to_user(p, a[0], &set, (size_t)a[1]) ? -EFAULT : 0;
}

/* ---- alternate signal stack ----------------------------------------------------- */

#define SS_ONSTACK_    1
#define SS_DISABLE_    2
#define SS_AUTODISARM_ (1u << 31)
#define MINSIGSTKSZ_   2048

static int on_altstack(Proc *p, uint64_t sp) {
    if (p->task->altstack_flags & (int)SS_AUTODISARM_) return 0;
    return sp > p->task->altstack_sp && sp - p->task->altstack_sp <= p->task->altstack_size;
}

int64_t sys_sigaltstack(Proc *p, const uint64_t a[6]) {
    struct {
        uint64_t sp;
        int32_t flags, pad;
        uint64_t size;
    } ss, old = {0, 0, 0, 0};
    uint64_t usp = sys_cur_regs ? sys_cur_regs->sp : 0;
    if (a[0] && copy_from_user(p, &ss, a[0], sizeof ss)) return -EFAULT;
    old.sp = p->task->altstack_sp;
    old.size = p->task->altstack_size;
    old.flags = (p->task->altstack_size ? (on_altstack(p, usp) ? SS_ONSTACK_ : 0) : SS_DISABLE_) |
                (p->task->altstack_flags & (int)SS_AUTODISARM_);
    if (a[0]) {
        int mode = ss.flags & ~(int)SS_AUTODISARM_;
        if (on_altstack(p, usp)) return -EPERM;
        if (mode != SS_DISABLE_ && mode != SS_ONSTACK_ && mode != 0) return -EINVAL;
        if (mode == SS_DISABLE_) {
            ss.sp = 0;
            ss.size = 0;
        } else if (ss.size < MINSIGSTKSZ_) {
            return -ENOMEM;
        }
        p->task->altstack_sp = ss.sp;
        p->task->altstack_size = ss.size;
        p->task->altstack_flags = ss.flags;
    }
    if (a[1] && copy_to_user(p, a[1], &old, sizeof old)) return -EFAULT;
    return 0;
}

/* ---- sending signals ---------------------------------------------------------------- */

static int default_ignored(int sig) {
    return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

static int default_stops(int sig) {
    return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static int default_core(int sig) {
    switch (sig) {
    case SIGQUIT:
    case SIGILL:
    case SIGTRAP:
    case SIGABRT:
    case SIGBUS:
    case SIGFPE:
    case SIGSEGV:
    case SIGXCPU:
    case SIGXFSZ:
    case SIGSYS: return 1;
    default: return 0;
    }
}

static int is_ignored(Proc *p, int sig) {
    uint64_t h = p->sigact[sig].handler;
    return h == (uint64_t)SIG_IGN || (h == (uint64_t)SIG_DFL && default_ignored(sig));
}

/* Act on a signal that is not blocked. */
static int64_t sig_act(Proc *p, int sig) {
    uint64_t h = p->sigact[sig].handler;
    if (is_ignored(p, sig)) return 0;
    if (h != (uint64_t)SIG_DFL || default_stops(sig)) {
        sys_report("signal", (uint64_t)sig,
                   "signal %d to self needs %s, not implemented yet "
                   "(ENOSYS)",
                   sig, h != (uint64_t)SIG_DFL ? "handler delivery" : "job control");
        return -ENOSYS;
    }
    int core = 0;
    if (default_core(sig)) {
        /* Linux sets the flag only when it wrote a core; the core limit is
         * what decides that for an ordinary core_pattern. */
        struct rlimit rl;
        core = getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur > 0;
    }
    proc_exit(p, sig | (core ? 0x80 : 0));
    return 0;
}

int64_t sig_self(Proc *p, int sig) {
    if (sig == 0) return 0;
    if (sig == SIGKILL) {
        proc_exit(p, SIGKILL);
        return 0;
    }
    /* Blocked signals are never ignored at generation: the action may
     * change before they are unblocked. */
    if (p->task->sigmask & SIG_BIT(sig)) {
        sig_pending |= SIG_BIT(sig);
        return 0;
    }
    return sig_act(p, sig);
}

/* After the mask or an action changed: pending signals that are now
 * unblocked are acted on, lowest number first, as Linux delivers them. */
static void sig_flush_pending(Proc *p) {
    while (!p->exited) {
        uint64_t ready = sig_pending & ~p->task->sigmask;
        if (!ready) return;
        int sig = __builtin_ctzll(ready) + 1;
        sig_pending &= ~SIG_BIT(sig);
        sig_act(p, sig);
    }
}

int64_t sys_kill(Proc *p, const uint64_t a[6]) {
    int pid = (int)a[0], sig = (int)a[1];
    if (sig < 0 || sig > PROC_MAX_SIG) return -EINVAL;
    if (pid == getpid()) return sig_self(p, sig);
    if (pid > 0) return host_ret(kill(pid, sig)); /* another host process */
    /* Process groups: those containing ringside need delivery to both. */
    if (pid == 0 || pid == -1 || -pid == getpgrp()) {
        if (sig == 0) return host_ret(kill(pid, 0));
        sys_report("kill-group", (uint64_t)sig,
                   "kill(%d, %d) to a group including the guest "
                   "not implemented (ENOSYS)",
                   pid, sig);
        return -ENOSYS;
    }
    return host_ret(kill(pid, sig));
}

static int64_t thread_kill(Proc *p, int tgid, int tid, int sig) {
    if (tid == (int)syscall(SYS_gettid) && (tgid < 0 || tgid == getpid())) {
        if (sig < 0 || sig > PROC_MAX_SIG) return -EINVAL;
        return sig_self(p, sig);
    }
    if (tgid < 0) return host_ret(syscall(SYS_tkill, tid, sig));
    return host_ret(syscall(SYS_tgkill, tgid, tid, sig));
}

int64_t sys_tgkill(Proc *p, const uint64_t a[6]) {
    int tgid = (int)a[0], tid = (int)a[1];
    if (tid <= 0 || tgid <= 0) return -EINVAL;
    return thread_kill(p, tgid, tid, (int)a[2]);
}

int64_t sys_tkill(Proc *p, const uint64_t a[6]) {
    int tid = (int)a[0];
    if (tid <= 0) return -EINVAL;
    return thread_kill(p, -1, tid, (int)a[1]);
}

/* ---- waiting for a signal ------------------------------------------------------------- */

/* Only a recorded interval timer can send one: wait for it. Otherwise
 * nothing ever will, and the process sleeps for good, as natively. */
static int64_t wait_for_signal(Proc *p) {
    while (!p->exited) {
        int r = time_wait_timer(p);
        if (r > 0) break; /* it came, but its handler cannot run (reported) */
        if (r < 0) {
            sys_report("pause", 0, "waiting for a signal that nothing will send: blocking");
            pause();
            break;
        }
    }
    return -EINTR;
}

int64_t sys_pause(Proc *p, const uint64_t a[6]) { return wait_for_signal(p); }

int64_t sys_rt_sigsuspend(Proc *p, const uint64_t a[6]) {
    uint64_t mask, saved = p->task->sigmask;
    if (a[1] != 8) return -EINVAL;
    if (copy_from_user(p, &mask, a[0], 8)) return -EFAULT;
    p->task->sigmask = mask & ~KERNEL_ONLY;
    sig_flush_pending(p); /* one the new mask unblocks ends the wait at once */
    int64_t r = p->exited ? -EINTR : wait_for_signal(p);
    p->task->sigmask = saved;
    sig_flush_pending(p);
    return r;
}
