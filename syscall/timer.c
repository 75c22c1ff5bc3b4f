/* POSIX per-process timers (timer_create and friends) for both ABIs.
 * The host keeps the timers: a guest timer is a host timer of the ringside
 * process, so its expiry is a real host signal (or, for SIGEV_THREAD_ID,
 * one aimed at that host thread, which is the guest thread of the same
 * tid) and reaches the guest as every host signal does (signal.c). Only the
 * layouts differ: x86-64's struct sigevent and itimerspec are the host's;
 * i386's compat_sigevent carries a 32-bit sigval and its itimerspec 32- or
 * 64-bit timespecs. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "compat32.h"
#include "sys_internal.h"

#define SIGEVENT_SIZE 64 /* both ABIs: the union pads the struct to 64 bytes */

static int64_t timer_create_host(Proc *p, uint64_t clock, const void *sev, uint64_t uid) {
    int id;
    if (syscall(SYS_timer_create, (clockid_t)clock, sev, &id) < 0) return -errno;
    if (put_user_u32(p, uid, (uint32_t)id)) {
        syscall(SYS_timer_delete, id); /* Linux: the timer is not created */
        return -EFAULT;
    }
    return 0;
}

int64_t sys_timer_create(Proc *p, const uint64_t a[6]) {
    uint8_t sev[SIGEVENT_SIZE];
    if (a[1] && copy_from_user(p, sev, a[1], sizeof sev)) return -EFAULT;
    return timer_create_host(p, a[0], a[1] ? sev : NULL, a[2]);
}

int64_t sys_timer_settime(Proc *p, const uint64_t a[6]) {
    struct itimerspec nv, ov;
    if (copy_from_user(p, &nv, a[2], sizeof nv)) return -EFAULT;
    if (syscall(SYS_timer_settime, (int)a[0], (int)a[1], &nv, a[3] ? &ov : NULL) < 0) return -errno;
    return a[3] && copy_to_user(p, a[3], &ov, sizeof ov) ? -EFAULT : 0;
}

int64_t sys_timer_gettime(Proc *p, const uint64_t a[6]) {
    struct itimerspec cv;
    if (syscall(SYS_timer_gettime, (int)a[0], &cv) < 0) return -errno;
    return copy_to_user(p, a[1], &cv, sizeof cv) ? -EFAULT : 0;
}

int64_t sys_timer_getoverrun(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_timer_getoverrun, (int)a[0]));
}

int64_t sys_timer_delete(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_timer_delete, (int)a[0]));
}

/* ---- i386 --------------------------------------------------------------------------------- */

/* compat_sigevent: sigval (4), signo, notify, then the union (tid first). */
int64_t c32_timer_create(Proc *p, const uint64_t a[6]) {
    if (!a[1]) return timer_create_host(p, a[0], NULL, a[2]);
    uint8_t c[SIGEVENT_SIZE];
    if (copy_from_user(p, c, a[1], sizeof c)) return -EFAULT;
    uint32_t val;
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    memcpy(&val, c, 4);
    sev.sigev_value.sival_ptr = (void *)(uintptr_t)val;
    memcpy(&sev.sigev_signo, c + 4, 4);
    memcpy(&sev.sigev_notify, c + 8, 4);
    memcpy((uint8_t *)&sev + offsetof(struct sigevent, _sigev_un), c + 12, sizeof c - 12 - 4);
    return timer_create_host(p, a[0], &sev, a[2]);
}

static int get_its(Proc *p, uint64_t addr, TsKind k, struct itimerspec *its) {
    uint64_t step = k == TS32 ? 8 : 16;
    int64_t s, ns;
    if (c32_get_ts(p, addr, k, &s, &ns)) return -1;
    its->it_interval.tv_sec = s, its->it_interval.tv_nsec = ns;
    if (c32_get_ts(p, addr + step, k, &s, &ns)) return -1;
    its->it_value.tv_sec = s, its->it_value.tv_nsec = ns;
    return 0;
}

static int put_its(Proc *p, uint64_t addr, TsKind k, const struct itimerspec *its) {
    uint64_t step = k == TS32 ? 8 : 16;
    if (c32_put_ts(p, addr, k, its->it_interval.tv_sec, its->it_interval.tv_nsec) ||
        c32_put_ts(p, addr + step, k, its->it_value.tv_sec, its->it_value.tv_nsec))
        return -1;
    return 0;
}

static int64_t settime32(Proc *p, const uint64_t a[6], TsKind k) {
    struct itimerspec nv, ov;
    if (get_its(p, a[2], k, &nv)) return -EFAULT;
    if (syscall(SYS_timer_settime, (int)a[0], (int)a[1], &nv, a[3] ? &ov : NULL) < 0) return -errno;
    return a[3] && put_its(p, a[3], k, &ov) ? -EFAULT : 0;
}

static int64_t gettime32(Proc *p, const uint64_t a[6], TsKind k) {
    struct itimerspec cv;
    if (syscall(SYS_timer_gettime, (int)a[0], &cv) < 0) return -errno;
    return put_its(p, a[1], k, &cv) ? -EFAULT : 0;
}

int64_t c32_timer_settime(Proc *p, const uint64_t a[6]) { return settime32(p, a, TS32); }
int64_t c32_timer_settime64(Proc *p, const uint64_t a[6]) { return settime32(p, a, TS64); }
int64_t c32_timer_gettime(Proc *p, const uint64_t a[6]) { return gettime32(p, a, TS32); }
int64_t c32_timer_gettime64(Proc *p, const uint64_t a[6]) { return gettime32(p, a, TS64); }
