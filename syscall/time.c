/* Time system calls: clocks, sleeps and interval timers (alarm,
 * setitimer) pass through to the host; a timer's host signal reaches the
 * guest through signal.c's mirror of its dispositions. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "sys_internal.h"

#define NSEC 1000000000ll

int64_t sys_clock_gettime(Proc *p, const uint64_t a[6]) {
    struct timespec ts;
    if (clock_gettime((clockid_t)a[0], &ts) < 0) return -errno;
    return copy_to_user(p, a[1], &ts, sizeof ts) ? -EFAULT : 0;
}

int64_t sys_clock_getres(Proc *p, const uint64_t a[6]) {
    struct timespec ts;
    if (clock_getres((clockid_t)a[0], &ts) < 0) return -errno;
    if (a[1] && copy_to_user(p, a[1], &ts, sizeof ts)) return -EFAULT;
    return 0;
}

int64_t sys_gettimeofday(Proc *p, const uint64_t a[6]) {
    struct timeval tv;
    struct timezone tz;
    if (syscall(SYS_gettimeofday, &tv, &tz) < 0) return -errno;
    if (a[0] && copy_to_user(p, a[0], &tv, sizeof tv)) return -EFAULT;
    if (a[1] && copy_to_user(p, a[1], &tz, sizeof tz)) return -EFAULT;
    return 0;
}

int64_t sys_time(Proc *p, const uint64_t a[6]) {
    int64_t t = (int64_t)time(NULL);
    if (a[0] && put_user_u64(p, a[0], (uint64_t)t)) return -EFAULT;
    return t;
}

/* Sleeps: the time left is written back when interrupted (and, for
 * relative clock_nanosleep, only then), as Linux does. */
int64_t sys_nanosleep(Proc *p, const uint64_t a[6]) {
    struct timespec req, rem;
    if (copy_from_user(p, &req, a[0], sizeof req)) return -EFAULT;
    long r;
    SYS_BLOCKING(p, r = syscall(SYS_nanosleep, &req, &rem));
    if (r == 0) return 0;
    int e = errno;
    if (e == EINTR && a[1] && copy_to_user(p, a[1], &rem, sizeof rem)) return -EFAULT;
    return -e;
}

int64_t sys_clock_nanosleep(Proc *p, const uint64_t a[6]) {
    struct timespec req, rem;
    int flags = (int)a[1];
    if (copy_from_user(p, &req, a[2], sizeof req)) return -EFAULT;
    long r;
    SYS_BLOCKING(p, r = syscall(SYS_clock_nanosleep, (clockid_t)a[0], flags, &req, &rem));
    if (r == 0) return 0;
    int e = errno;
    if (e == EINTR && !(flags & TIMER_ABSTIME) && a[3] && copy_to_user(p, a[3], &rem, sizeof rem))
        return -EFAULT;
    return -e;
}

int64_t sys_times(Proc *p, const uint64_t a[6]) {
    struct tms t;
    long r = syscall(SYS_times, &t);
    if (a[0] && copy_to_user(p, a[0], &t, sizeof t)) return -EFAULT;
    return r;
}

int64_t sys_getrusage(Proc *p, const uint64_t a[6]) {
    struct rusage ru; /* 144 bytes, the kernel's layout */
    if (syscall(SYS_getrusage, (int)a[0], &ru) < 0) return -errno;
    return copy_to_user(p, a[1], &ru, sizeof ru) ? -EFAULT : 0;
}

/* ---- interval timers ------------------------------------------------------ */

/* Armed on the host: the host's SIGALRM/SIGVTALRM/SIGPROF reach the guest
 * through signal.c's mirror (its catcher, or the host default action),
 * delivered at the next instruction boundary. ITIMER_VIRTUAL and
 * ITIMER_PROF count ringside's CPU time (the guest's, emulated). */
int time_armed; /* nothing is recorded any more: time_poll has nothing to do */

int time_poll(Proc *p) { return 0; }
int time_wait_timer(Proc *p) { return -1; }

int64_t sys_getitimer(Proc *p, const uint64_t a[6]) {
    struct itimerval v;
    if (syscall(SYS_getitimer, (int)a[0], &v) < 0) return -errno;
    return copy_to_user(p, a[1], &v, sizeof v) ? -EFAULT : 0;
}

int64_t sys_setitimer(Proc *p, const uint64_t a[6]) {
    struct itimerval nv, ov;
    if (a[1] && copy_from_user(p, &nv, a[1], sizeof nv)) return -EFAULT;
    if (syscall(SYS_setitimer, (int)a[0], a[1] ? &nv : NULL, &ov) < 0) return -errno;
    if (a[2] && copy_to_user(p, a[2], &ov, sizeof ov)) return -EFAULT;
    return 0;
}

int64_t sys_alarm(Proc *p, const uint64_t a[6]) { return (int64_t)alarm((unsigned)a[0]); }
