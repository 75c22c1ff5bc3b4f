/* Time system calls: clocks and sleeps pass through to the host; interval
 * timers (alarm, setitimer) are recorded here rather than armed on the host
 * (a host SIGALRM would hit ringside, not the guest). Their signals are
 * raised at system-call boundaries by time_poll(): enough for the default
 * action (termination) and SIG_IGN; a handler needs signal delivery, which
 * signal.c reports as missing. A program spinning without system calls is
 * not interrupted. ITIMER_VIRTUAL and ITIMER_PROF count the host process's
 * CPU time. Timer state is process-wide (Proc has no field for it). */
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
    if (syscall(SYS_nanosleep, &req, &rem) == 0) return 0;
    int e = errno;
    if (e == EINTR && a[1] && copy_to_user(p, a[1], &rem, sizeof rem)) return -EFAULT;
    return -e;
}

int64_t sys_clock_nanosleep(Proc *p, const uint64_t a[6]) {
    struct timespec req, rem;
    int flags = (int)a[1];
    if (copy_from_user(p, &req, a[2], sizeof req)) return -EFAULT;
    if (syscall(SYS_clock_nanosleep, (clockid_t)a[0], flags, &req, &rem) == 0) return 0;
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

static struct {
    int armed;
    int64_t deadline, interval; /* ns on the timer's clock */
} itimer[3];
int time_armed;

static const clockid_t itimer_clock[3] = {CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                          CLOCK_PROCESS_CPUTIME_ID};
static const int itimer_signal[3] = {SIGALRM, SIGVTALRM, SIGPROF};

static int64_t now_ns(clockid_t c) {
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec * NSEC + ts.tv_nsec;
}

static void update_armed(void) { time_armed = itimer[0].armed | itimer[1].armed | itimer[2].armed; }

/* Time left (ns) on a timer, 0 when disarmed. */
static int64_t itimer_left(int which) {
    if (!itimer[which].armed) return 0;
    int64_t left = itimer[which].deadline - now_ns(itimer_clock[which]);
    return left > 0 ? left : 1; /* due: Linux never shows 0 for an armed timer */
}

static void itimer_set(int which, int64_t value, int64_t interval) {
    itimer[which].armed = value > 0;
    itimer[which].deadline = now_ns(itimer_clock[which]) + value; /* value <= INT64_MAX/2 */
    itimer[which].interval = interval;
    update_armed();
}

int time_poll(Proc *p) {
    int undelivered = 0;
    for (int w = 0; w < 3 && !p->exited; w++) {
        if (!itimer[w].armed) continue;
        int64_t now = now_ns(itimer_clock[w]);
        if (now < itimer[w].deadline) continue;
        if (itimer[w].interval > 0) {
            int64_t late = now - itimer[w].deadline;
            itimer[w].deadline = now + itimer[w].interval - late % itimer[w].interval;
        } else {
            itimer[w].armed = 0;
        }
        update_armed();
        if (sig_self(p, itimer_signal[w]) < 0) undelivered++;
    }
    return undelivered;
}

int time_wait_timer(Proc *p) {
    if (!time_armed) return -1;
    /* The earliest real-time deadline, or poll CPU-time ones as they pass
     * (sleeping uses no CPU time, so those only fire while running). */
    if (itimer[0].armed) {
        struct timespec ts = {itimer[0].deadline / NSEC, itimer[0].deadline % NSEC};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
        }
    } else {
        return -1;
    }
    return time_poll(p);
}

/* A timeval in ns, saturating like Linux's ktime conversion. */
static int64_t tv_ns(int64_t sec, int64_t usec) {
    if (sec >= INT64_MAX / NSEC - 1) return INT64_MAX / 2;
    return sec * NSEC + usec * 1000;
}

/* struct itimerval: interval then value, each a timeval. */
static void to_itimerval(int which, int64_t tv[4]) {
    int64_t left = itimer_left(which), iv = itimer[which].armed ? itimer[which].interval : 0;
    tv[0] = iv / NSEC;
    tv[1] = (iv % NSEC + 999) / 1000;
    tv[2] = left / NSEC;
    tv[3] = (left % NSEC + 999) / 1000; /* round up: never 0 while armed */
    if (tv[3] == 1000000) tv[2]++, tv[3] = 0;
    if (tv[1] == 1000000) tv[0]++, tv[1] = 0;
}

int64_t sys_getitimer(Proc *p, const uint64_t a[6]) {
    int which = (int)a[0];
    if (which < 0 || which > 2) return -EINVAL;
    int64_t tv[4];
    to_itimerval(which, tv);
    return copy_to_user(p, a[1], tv, sizeof tv) ? -EFAULT : 0;
}

int64_t sys_setitimer(Proc *p, const uint64_t a[6]) {
    int which = (int)a[0];
    int64_t nv[4] = {0, 0, 0, 0}, ov[4];
    /* A NULL new value disarms (Linux accepts it, with a warning). */
    if (a[1] && copy_from_user(p, nv, a[1], sizeof nv)) return -EFAULT;
    if (which < 0 || which > 2) return -EINVAL;
    for (int i = 0; i < 4; i += 2)
        if (nv[i] < 0 || nv[i + 1] < 0 || nv[i + 1] >= 1000000) return -EINVAL;
    to_itimerval(which, ov);
    itimer_set(which, tv_ns(nv[2], nv[3]), tv_ns(nv[0], nv[1]));
    if (a[2] && copy_to_user(p, a[2], ov, sizeof ov)) return -EFAULT;
    return 0;
}

int64_t sys_alarm(Proc *p, const uint64_t a[6]) {
    int64_t left = itimer_left(0);
    unsigned secs = (unsigned)a[0];
    itimer_set(0, (int64_t)secs * NSEC, 0);
    /* Whole seconds, rounded to nearest, and never 0 for a pending alarm. */
    int64_t old = left / NSEC;
    if ((left % NSEC) >= NSEC / 2 || (old == 0 && left > 0)) old++;
    return old;
}
