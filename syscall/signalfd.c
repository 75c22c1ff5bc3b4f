/* signalfd / signalfd4: the host's signalfd on the mirrored mask. Signals
 * the guest blocks stay pending in the host kernel (signal.c's mirror), so
 * a host signalfd sees exactly them, and read() returns the host's struct
 * signalfd_siginfo, which has Linux's layout for both ABIs. Signals ringside
 * keeps guest-side (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, 32, 33) are not
 * visible through it (reported once). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/signalfd.h>

#include "sig_internal.h"

static int64_t do_signalfd(Proc *p, int fd, uint64_t umask, uint64_t size, uint64_t flags) {
    if (flags & ~(uint64_t)(SFD_CLOEXEC | SFD_NONBLOCK)) return -EINVAL;
    if (size != 8) return -EINVAL;
    uint64_t mask;
    if (copy_from_user(p, &mask, umask, 8)) return -EFAULT;
    if (mask & HOST_OWNED & ~KERNEL_ONLY)
        sys_report("signalfd-owned", 0,
                   "signalfd: SIGSEGV/SIGBUS/SIGILL/SIGFPE/SIGTRAP/32/33 in the mask are not "
                   "delivered through the signalfd (kept guest-side by ringside)");
    sigset_t set;
    sigemptyset(&set);
    for (int s = 1; s <= PROC_MAX_SIG; s++)
        if ((mask & ~(HOST_OWNED | KERNEL_ONLY)) & SIG_BIT(s)) sigaddset(&set, s);
    return host_ret(signalfd(fd, &set, (int)flags));
}

int64_t sys_signalfd(Proc *p, const uint64_t a[6]) {
    return do_signalfd(p, (int)a[0], a[1], a[2], 0);
}

int64_t sys_signalfd4(Proc *p, const uint64_t a[6]) {
    return do_signalfd(p, (int)a[0], a[1], a[2], a[3]);
}
