/* Private to the signal files (signal.c, sigdeliver.c, sigframe.c,
 * signalfd.c): the per-thread signal record and the helpers they share.
 *
 * Design: host dispositions and the host thread mask MIRROR the guest's
 * (a guest handler -> ringside's catcher, SIG_IGN -> SIG_IGN, SIG_DFL ->
 * SIG_DFL, except core-dumping signals, which the catcher takes so ringside
 * dies of them without leaving a core of its own). Signals the guest blocks
 * stay pending in the host kernel; the catcher records an unblocked one on
 * the thread's SigTask and raises the Cpu's irq; delivery builds the Linux
 * frame at the next return to user mode. */
#ifndef RINGSIDE_SIG_INTERNAL_H
#define RINGSIDE_SIG_INTERNAL_H

#include <signal.h>

#include "sys_internal.h"

#define SIG_BIT(s)  (1ull << ((s)-1))
#define KERNEL_ONLY (SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))
/* Signals ringside needs for itself on the host (faults of its own, mem.c's
 * SIGBUS, sse_xm.c's SIGFPE) and glibc's internal 32/33: the guest's
 * dispositions and mask bits for these are kept guest-side only. */
#define HOST_OWNED                                                                                 \
    (SIG_BIT(SIGSEGV) | SIG_BIT(SIGBUS) | SIG_BIT(SIGILL) | SIG_BIT(SIGFPE) | SIG_BIT(SIGTRAP) |   \
     SIG_BIT(32) | SIG_BIT(33))
/* Linux's SYNCHRONOUS_MASK: dequeued before any other. */
#define SYNC_MASK                                                                                  \
    (SIG_BIT(SIGSEGV) | SIG_BIT(SIGBUS) | SIG_BIT(SIGILL) | SIG_BIT(SIGTRAP) | SIG_BIT(SIGFPE) |   \
     SIG_BIT(SIGSYS))

#define SA_SIGINFO_   0x4u
#define SA_RESTORER_  0x04000000u
#define SA_ONSTACK_   0x08000000u
#define SA_RESTART_   0x10000000u
#define SA_NODEFER_   0x40000000u
#define SA_RESETHAND_ 0x80000000u
/* Linux's kernel-internal flag: installed through the i386 ABI (ia32 frames) */
#define SA_IA32_ABI_ 0x02000000u

#define SIG_QMAX 64

/* One signal waiting for delivery: its number and Linux's 64-bit siginfo. */
typedef struct SigEntry {
    int sig;
    uint8_t info[128];
} SigEntry;

typedef struct SigTask {
    int tid;              /* the Task this belongs to (a copied Task gets its own) */
    volatile int n;       /* entries in q[] */
    SigEntry q[SIG_QMAX]; /* caught (or guest-generated) signals, oldest first */
    int saved_valid;      /* rt_sigsuspend/pselect: mask to restore after delivery */
    uint64_t saved_mask;
    uint64_t trap_nr, error_code, cr2; /* thread.trap_nr etc.: what sigcontext shows */
    int force_iret;                    /* sigreturn rewrote pt_regs: leave through IRET */
} SigTask;

SigTask *sig_task(Task *t);
/* Queue a signal on t (guest side); coalesces standard signals. Sets irq. */
void sig_queue(Task *t, int sig, const void *info128);
/* Make the host mask follow t->sigmask (the calling thread is t's). */
void sig_sync_host_mask(Task *t);
/* Make the host disposition of sig follow p->sigact[sig]. */
void sig_sync_host_action(Proc *p, int sig);
/* A siginfo for kill()-style sending by this process. */
void sig_info_user(uint8_t info[128], int sig, int code);

/* sigframe.c: build the frame for sig (handler in act) and point r at the
 * handler; 0, or -1 when the frame could not be written. */
int sigframe_setup(Proc *p, PtRegs *r, int sig, const uint8_t info[128], uint64_t oldmask);
/* 64-bit siginfo -> compat_siginfo (128 bytes). */
void sig_info_to_compat(uint8_t out[128], const uint8_t in[128]);
void sig_info_from_compat(uint8_t out[128], const uint8_t in[128]);

/* Linux's default actions. */
int sig_default_ignored(int sig);
int sig_default_stops(int sig);
int sig_default_core(int sig);

#endif
