/* Signals: dispositions (rt_sigaction), masks, pending sets, sending,
 * waiting (pause, rt_sigsuspend, rt_sigtimedwait) and the host mirror.
 *
 * Host dispositions and the host thread mask follow the guest's (see
 * sig_internal.h): a guest handler is ringside's catcher, which records the
 * host siginfo on the thread's SigTask and raises the Cpu's irq; blocked
 * signals stay pending in the host kernel, so rt_sigpending, sigtimedwait
 * and signalfd are the host's. Delivery (frames, restart, default actions)
 * is sigdeliver.c; frames are sigframe.c. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "compat32.h"
#include "sig_internal.h"

/* Linux clears sa_flags bits it does not know (so programs can probe for
 * them); these are the ones a 64-bit sigaction keeps. */
#define SA_KNOWN                                                                                   \
    (0x1ull /* NOCLDSTOP */ | 0x2 /* NOCLDWAIT */ | 0x4 /* SIGINFO */ | 0x800 /* EXPOSE_TAGBITS */ \
     | 0x04000000 /* RESTORER */ | 0x08000000 /* ONSTACK */ | 0x10000000      /* RESTART */        \
     | 0x40000000 /* NODEFER */ | 0x80000000ull /* RESETHAND */)

/* Waiting drops the kernel lock (thread.c) so other guest threads run. */
static Task *block_begin(Proc *p) { return sys_block_begin(p); }
static void block_end(Proc *p, Task *t) { sys_block_end(p, t); }

/* ---- the per-thread record and the host catcher ----------------------------------- */

static _Thread_local Task *tls_task;
static Task *main_task_fallback;

SigTask *sig_task(Task *t) {
    if (!t->sig || t->sig->tid != t->tid) {
        t->sig = calloc(1, sizeof *t->sig);
        if (!t->sig) {
            fprintf(stderr, "ringside: out of memory (signal state)\n");
            abort();
        }
        t->sig->tid = t->tid;
    }
    return t->sig;
}

static void block_all(sigset_t *old) {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, old);
}
static void unblock_all(const sigset_t *old) { pthread_sigmask(SIG_SETMASK, old, NULL); }

/* Append (the caller has host signals blocked, or is the catcher). */
static void queue_locked(Task *t, int sig, const void *info) {
    SigTask *s = t->sig;
    if (!s) return;
    if (sig < 32)
        for (int i = 0; i < s->n; i++)
            if (s->q[i].sig == sig) return; /* standard signals coalesce */
    if (s->n >= SIG_QMAX) return;           /* Linux: RLIMIT_SIGPENDING, dropped */
    s->q[s->n].sig = sig;
    memcpy(s->q[s->n].info, info, 128);
    s->n++;
    if (t->cpu) t->cpu->irq = 1;
}

static void catcher(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    Task *t = tls_task ? tls_task : main_task_fallback;
    if (!t || !t->sig) return;
    queue_locked(t, sig, si);
}

/* SIGTRAP is ringside's on the host (HOST_OWNED): one that ringside sends
 * itself is the debugger's kick (thread.c), there only to end a blocking host
 * call; one from elsewhere (kill -TRAP) is the guest's. */
static void trap_catcher(int sig, siginfo_t *si, void *uc) {
    if (si->si_code == SI_TKILL && si->si_pid == getpid()) return;
    catcher(sig, si, uc);
}

void sig_queue(Task *t, int sig, const void *info128) {
    sigset_t old;
    sig_task(t);
    block_all(&old);
    queue_locked(t, sig, info128);
    unblock_all(&old);
}

void sig_info_user(uint8_t info[128], int sig, int code) {
    memset(info, 0, 128);
    int32_t h[3] = {sig, 0, code};
    memcpy(info, h, 12);
    int32_t pid = getpid(), uid = (int32_t)getuid();
    memcpy(info + 16, &pid, 4);
    memcpy(info + 20, &uid, 4);
}

/* ---- mirroring --------------------------------------------------------------------- */

void sig_sync_host_mask(Task *t) {
    sigset_t set;
    sigemptyset(&set);
    uint64_t m = t->sigmask & ~(HOST_OWNED | KERNEL_ONLY);
    for (int s = 1; s <= PROC_MAX_SIG; s++)
        if (m & SIG_BIT(s)) sigaddset(&set, s);
    pthread_sigmask(SIG_SETMASK, &set, NULL);
}

void sig_sync_host_action(Proc *p, int sig) {
    if (sig < 1 || sig > PROC_MAX_SIG || (SIG_BIT(sig) & (KERNEL_ONLY | HOST_OWNED))) return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    uint64_t h = p->sigact[sig].handler;
    if (h == (uint64_t)(uintptr_t)SIG_IGN) {
        sa.sa_handler = SIG_IGN;
    } else if (h == (uint64_t)(uintptr_t)SIG_DFL && !sig_default_core(sig)) {
        sa.sa_handler = SIG_DFL;
    } else {
        /* no SA_RESTART: blocking host calls return EINTR, and delivery
         * applies the guest's SA_RESTART */
        sa.sa_sigaction = catcher;
        sa.sa_flags = SA_SIGINFO;
        sigfillset(&sa.sa_mask);
    }
    if (sig == SIGCHLD) sa.sa_flags |= (int)(p->sigact[sig].flags & (SA_NOCLDSTOP | SA_NOCLDWAIT));
    sigaction(sig, &sa, NULL);
}

void signal_thread_init(Proc *p, Task *t) {
    if (!t->tid) t->tid = (int)syscall(SYS_gettid);
    sig_task(t);
    tls_task = t;
    if (!main_task_fallback) main_task_fallback = &p->main_task;
}

/* In a fork() child: no pending signals are inherited (the host's were
 * cleared by the host fork); the caught-but-undelivered ones are the
 * parent's. The child's Task has its new tid. */
void signal_fork_child(Proc *p) {
    sigset_t old;
    block_all(&old);
    Task *t = p->task;
    SigTask *s = t->sig;
    if (s) {
        s->n = 0;
        s->saved_valid = 0;
        s->force_iret = 0;
        s->tid = t->tid;
    } else {
        sig_task(t);
    }
    tls_task = t;
    main_task_fallback = &p->main_task;
    if (t->cpu) t->cpu->irq = 0;
    unblock_all(&old);
}

void signal_init(Proc *p) {
    static Proc *done;
    if (done == p) return;
    done = p;
    signal_thread_init(p, p->task);
    /* exec keeps ignored signals ignored and the blocked mask */
    sigset_t cur;
    pthread_sigmask(SIG_SETMASK, NULL, &cur);
    for (int s = 1; s <= PROC_MAX_SIG; s++) {
        if (SIG_BIT(s) & (KERNEL_ONLY | HOST_OWNED)) continue;
        struct sigaction sa;
        if (sigaction(s, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN && !p->sigact[s].handler)
            p->sigact[s].handler = (uint64_t)(uintptr_t)SIG_IGN;
        if (sigismember(&cur, s)) p->task->sigmask |= SIG_BIT(s);
        sig_sync_host_action(p, s);
    }
    sig_sync_host_mask(p->task);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = trap_catcher;
    sa.sa_flags = SA_SIGINFO; /* no SA_RESTART: the kick must end the call */
    sigfillset(&sa.sa_mask);
    sigaction(SIGTRAP, &sa, NULL);
}

/* ---- default actions ---------------------------------------------------------------- */

int sig_default_ignored(int sig) {
    return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

int sig_default_stops(int sig) {
    return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

int sig_default_core(int sig) {
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
    return h == (uint64_t)(uintptr_t)SIG_IGN ||
           (h == (uint64_t)(uintptr_t)SIG_DFL && sig_default_ignored(sig));
}

/* Queued entries of an ignored signal are discarded (POSIX). */
static void drop_queued(Task *t, int sig) {
    SigTask *s = sig_task(t);
    sigset_t old;
    block_all(&old);
    int k = 0;
    for (int i = 0; i < s->n; i++)
        if (s->q[i].sig != sig) s->q[k++] = s->q[i];
    s->n = k;
    unblock_all(&old);
}

void sig_action_changed(Proc *p, int sig) {
    sig_sync_host_action(p, sig);
    if (is_ignored(p, sig)) drop_queued(p->task, sig);
}

/* ---- rt_sigaction / rt_sigprocmask / rt_sigpending --------------------------------- */

int64_t sys_rt_sigaction(Proc *p, const uint64_t a[6]) {
    int sig = (int)a[0];
    uint64_t act[4], old[4]; /* handler, flags, restorer, mask */
    if (a[3] != 8) return -EINVAL;
    if (a[1] && copy_from_user(p, act, a[1], sizeof act)) return -EFAULT;
    if (sig < 1 || sig > PROC_MAX_SIG || (a[1] && (SIG_BIT(sig) & KERNEL_ONLY))) return -EINVAL;
    old[0] = p->sigact[sig].handler;
    old[1] = p->sigact[sig].flags & ~(uint64_t)SA_IA32_ABI_;
    old[2] = p->sigact[sig].restorer;
    old[3] = p->sigact[sig].mask;
    if (a[1]) {
        p->sigact[sig].handler = act[0];
        p->sigact[sig].flags = act[1] & SA_KNOWN;
        p->sigact[sig].restorer = act[2];
        p->sigact[sig].mask = act[3] & ~KERNEL_ONLY;
        sig_action_changed(p, sig);
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
    /* now-unblocked host-pending signals reach the catcher right here */
    sig_sync_host_mask(p->task);
    return 0;
}

/* Blocked signals pending for this thread: the host's and the guest-side ones. */
static uint64_t pending_set(Proc *p) {
    sigset_t hs;
    uint64_t set = 0;
    if (sigpending(&hs) == 0)
        for (int s = 1; s <= PROC_MAX_SIG; s++)
            if (sigismember(&hs, s) == 1) set |= SIG_BIT(s);
    SigTask *st = sig_task(p->task);
    sigset_t old;
    block_all(&old);
    for (int i = 0; i < st->n; i++)
        set |= SIG_BIT(st->q[i].sig);
    unblock_all(&old);
    return set & p->task->sigmask;
}

int64_t sys_rt_sigpending(Proc *p, const uint64_t a[6]) {
    uint64_t set = pending_set(p);
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
        if (ss.sp == p->task->altstack_sp && ss.size == p->task->altstack_size &&
            ss.flags == p->task->altstack_flags) {
            /* no change: Linux returns before the size check */
        } else if (mode == SS_DISABLE_) {
            p->task->altstack_sp = p->task->altstack_size = 0;
            p->task->altstack_flags = ss.flags;
        } else if (ss.size < MINSIGSTKSZ_) {
            return -ENOMEM;
        } else {
            p->task->altstack_sp = ss.sp;
            p->task->altstack_size = ss.size;
            p->task->altstack_flags = ss.flags;
        }
    }
    if (a[1] && copy_to_user(p, a[1], &old, sizeof old)) return -EFAULT;
    return 0;
}

/* ---- sending signals ---------------------------------------------------------------- */

/* A signal this process sends itself: through the host (the catcher or the
 * host's default action takes it) except for the ones ringside keeps
 * guest-side, which are queued here. */
static int64_t send_self(Proc *p, int sig, int tid, const uint8_t *info) {
    if (sig == 0) return 0;
    if (SIG_BIT(sig) & HOST_OWNED) {
        uint8_t ki[128];
        if (!info) {
            sig_info_user(ki, sig, tid ? -6 /* SI_TKILL */ : 0 /* SI_USER */);
            info = ki;
        }
        if (!is_ignored(p, sig)) sig_queue(p->task, sig, info);
        return 0;
    }
    if (info) {
        if (tid) return host_ret(syscall(SYS_rt_tgsigqueueinfo, getpid(), tid, sig, info));
        return host_ret(syscall(SYS_rt_sigqueueinfo, getpid(), sig, info));
    }
    if (tid) return host_ret(syscall(SYS_tgkill, getpid(), tid, sig));
    return host_ret(kill(getpid(), sig));
}

int64_t sig_self(Proc *p, int sig) { return send_self(p, sig, 0, NULL); }

int64_t sys_kill(Proc *p, const uint64_t a[6]) {
    int pid = (int)a[0], sig = (int)a[1];
    if (sig < 0 || sig > PROC_MAX_SIG) return -EINVAL;
    if (pid == getpid()) return send_self(p, sig, 0, NULL);
    /* groups (0, -1, -pgrp) include ringside: the host delivers to it too */
    return host_ret(kill(pid, sig));
}

static int64_t thread_kill(Proc *p, int tgid, int tid, int sig) {
    if (sig < 0 || sig > PROC_MAX_SIG) return -EINVAL;
    if (tid == p->task->tid && (tgid < 0 || tgid == getpid())) return send_self(p, sig, tid, NULL);
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

static int64_t queueinfo(Proc *p, int tgid, int tid, int sig, const uint8_t info[128]) {
    if (sig < 0 || sig > PROC_MAX_SIG) return -EINVAL;
    int32_t code;
    memcpy(&code, info + 8, 4);
    int self = tgid == getpid() && (tid < 0 || tid == p->task->tid);
    /* Linux: only negative si_code from others (and never SI_TKILL) */
    if ((code >= 0 || code == -6) && !self) return -EPERM;
    if (self && (SIG_BIT(sig) & HOST_OWNED)) return send_self(p, sig, tid > 0 ? tid : 0, info);
    if (tid < 0) return host_ret(syscall(SYS_rt_sigqueueinfo, tgid, sig, info));
    return host_ret(syscall(SYS_rt_tgsigqueueinfo, tgid, tid, sig, info));
}

int64_t sys_rt_sigqueueinfo(Proc *p, const uint64_t a[6]) {
    uint8_t info[128];
    if (copy_from_user(p, info, a[2], sizeof info)) return -EFAULT;
    return queueinfo(p, (int)a[0], -1, (int)a[1], info);
}

int64_t sys_rt_tgsigqueueinfo(Proc *p, const uint64_t a[6]) {
    uint8_t info[128];
    if (copy_from_user(p, info, a[3], sizeof info)) return -EFAULT;
    if ((int)a[0] <= 0 || (int)a[1] <= 0) return -EINVAL;
    return queueinfo(p, (int)a[0], (int)a[1], (int)a[2], info);
}

int64_t c32_rt_sigqueueinfo(Proc *p, const uint64_t a[6]) {
    uint8_t ci[128], info[128];
    if (copy_from_user(p, ci, a[2], sizeof ci)) return -EFAULT;
    sig_info_from_compat(info, ci);
    return queueinfo(p, (int)a[0], -1, (int)a[1], info);
}

int64_t c32_rt_tgsigqueueinfo(Proc *p, const uint64_t a[6]) {
    uint8_t ci[128], info[128];
    if (copy_from_user(p, ci, a[3], sizeof ci)) return -EFAULT;
    if ((int)a[0] <= 0 || (int)a[1] <= 0) return -EINVAL;
    sig_info_from_compat(info, ci);
    return queueinfo(p, (int)a[0], (int)a[1], (int)a[2], info);
}

/* pidfd_open: guest pids are host pids, guest fds host fds. */
int64_t sys_pidfd_open(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_pidfd_open, (int)a[0], (unsigned)a[1]));
}

/* pidfd_send_signal: pidfds are host fds; the host sends (to ourselves too:
 * the catcher takes it). Signals kept guest-side cannot be routed through a
 * pidfd of our own (reported). */
static int64_t pidfd_send(Proc *p, int fd, int sig, const uint8_t *info, uint64_t flags) {
    if (sig > 0 && sig <= PROC_MAX_SIG && (SIG_BIT(sig) & HOST_OWNED))
        sys_report("pidfd-owned", (uint64_t)sig,
                   "pidfd_send_signal of signal %d: delivered by the host, a pidfd of ringside "
                   "itself bypasses the guest's handler",
                   sig);
    return host_ret(syscall(SYS_pidfd_send_signal, fd, sig, info, (unsigned)flags));
}

int64_t sys_pidfd_send_signal(Proc *p, const uint64_t a[6]) {
    uint8_t info[128];
    if (a[2] && copy_from_user(p, info, a[2], sizeof info)) return -EFAULT;
    return pidfd_send(p, (int)a[0], (int)a[1], a[2] ? info : NULL, a[3]);
}

int64_t c32_pidfd_send_signal(Proc *p, const uint64_t a[6]) {
    uint8_t ci[128], info[128];
    if (a[2]) {
        if (copy_from_user(p, ci, a[2], sizeof ci)) return -EFAULT;
        sig_info_from_compat(info, ci);
    }
    return pidfd_send(p, (int)a[0], (int)a[1], a[2] ? info : NULL, a[3]);
}

/* ---- waiting for a signal ------------------------------------------------------------- */

/* A queued entry the mask lets through (delivery will take it). */
static int deliverable_queued(Task *t, uint64_t mask) {
    SigTask *s = sig_task(t);
    sigset_t old;
    block_all(&old);
    int any = 0;
    for (int i = 0; i < s->n && !any; i++)
        any = !(mask & SIG_BIT(s->q[i].sig));
    unblock_all(&old);
    return any;
}

int64_t sys_pause(Proc *p, const uint64_t a[6]) {
    while (!deliverable_queued(p->task, p->task->sigmask) && !p->task->dbg_kicked) {
        Task *t = block_begin(p);
        pause();
        block_end(p, t);
    }
    return -EINTR; /* -ERESTARTNOHAND */
}

/* sigsuspend(mask): the mask is in force until a handler has run; the
 * frame records the previous one (delivery restores it). */
int64_t sig_suspend(Proc *p, uint64_t mask) {
    Task *t = p->task;
    SigTask *s = sig_task(t);
    s->saved_mask = t->sigmask;
    s->saved_valid = 1;
    t->sigmask = mask & ~KERNEL_ONLY;
    sigset_t hs;
    sigemptyset(&hs);
    for (int n = 1; n <= PROC_MAX_SIG; n++)
        if ((t->sigmask & ~(HOST_OWNED | KERNEL_ONLY)) & SIG_BIT(n)) sigaddset(&hs, n);
    while (!deliverable_queued(t, t->sigmask) && !t->dbg_kicked) {
        Task *bt = block_begin(p);
        sigsuspend(&hs); /* afterwards the host mask is the old mask's mirror again */
        block_end(p, bt);
    }
    return -EINTR; /* -ERESTARTNOHAND */
}

int64_t sys_rt_sigsuspend(Proc *p, const uint64_t a[6]) {
    uint64_t mask;
    if (a[1] != 8) return -EINVAL;
    if (copy_from_user(p, &mask, a[0], 8)) return -EFAULT;
    return sig_suspend(p, mask);
}

/* rt_sigtimedwait: a guest-side queued signal of the set first, then the
 * host's wait on the set. `compat`: the i386 siginfo layout. */
static int64_t timedwait(Proc *p, uint64_t set, uint64_t uinfo, const struct timespec *ts,
                         int compat) {
    set &= ~KERNEL_ONLY;
    SigTask *s = sig_task(p->task);
    uint8_t info[128];
    int sig = 0;
    sigset_t old;
    block_all(&old);
    for (int i = 0; i < s->n; i++)
        if (set & SIG_BIT(s->q[i].sig)) {
            sig = s->q[i].sig;
            memcpy(info, s->q[i].info, 128);
            memmove(&s->q[i], &s->q[i + 1], (size_t)(s->n - i - 1) * sizeof s->q[0]);
            s->n--;
            break;
        }
    unblock_all(&old);
    if (!sig) {
        sigset_t hs;
        sigemptyset(&hs);
        for (int n = 1; n <= PROC_MAX_SIG; n++)
            if ((set & ~HOST_OWNED) & SIG_BIT(n)) sigaddset(&hs, n);
        siginfo_t si;
        Task *bt = block_begin(p);
        long r = syscall(SYS_rt_sigtimedwait, &hs, &si, ts, 8);
        block_end(p, bt);
        if (r < 0) return -errno;
        sig = (int)r;
        memcpy(info, &si, 128);
    }
    if (uinfo) {
        uint8_t out[128];
        if (compat) {
            sig_info_to_compat(out, info);
        } else {
            memcpy(out, info, 128);
        }
        if (copy_to_user(p, uinfo, out, 128)) return -EFAULT;
    }
    return sig;
}

int64_t sys_rt_sigtimedwait(Proc *p, const uint64_t a[6]) {
    uint64_t set;
    struct timespec ts;
    if (a[3] != 8) return -EINVAL;
    if (copy_from_user(p, &set, a[0], 8)) return -EFAULT;
    if (a[2]) {
        int64_t t[2];
        if (copy_from_user(p, t, a[2], sizeof t)) return -EFAULT;
        ts.tv_sec = t[0];
        ts.tv_nsec = t[1];
    }
    return timedwait(p, set, a[1], a[2] ? &ts : NULL, 0);
}

static int64_t c32_timedwait(Proc *p, const uint64_t a[6], int time64) {
    uint64_t set;
    struct timespec ts;
    if (a[3] != 8) return -EINVAL;
    if (copy_from_user(p, &set, a[0], 8)) return -EFAULT;
    if (a[2]) {
        if (time64) {
            int64_t t[2];
            if (copy_from_user(p, t, a[2], sizeof t)) return -EFAULT;
            ts.tv_sec = t[0];
            ts.tv_nsec = t[1];
        } else {
            int32_t t[2];
            if (copy_from_user(p, t, a[2], sizeof t)) return -EFAULT;
            ts.tv_sec = t[0];
            ts.tv_nsec = t[1];
        }
    }
    return timedwait(p, set, a[1], a[2] ? &ts : NULL, 1);
}

int64_t c32_rt_sigtimedwait(Proc *p, const uint64_t a[6]) { return c32_timedwait(p, a, 0); }
int64_t c32_rt_sigtimedwait_time64(Proc *p, const uint64_t a[6]) { return c32_timedwait(p, a, 1); }
