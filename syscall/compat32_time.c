/* i386 time calls: the time32 forms (32-bit seconds in old_timespec32,
 * old_timeval32, old_itimerval32) and the *_time64 forms (64-bit
 * timespecs whose tv_nsec upper half Linux ignores for a 32-bit caller),
 * for clocks, sleeps, interval timers, timerfd, select/pselect/ppoll,
 * futex waits and sched_rr_get_interval. Clocks and sleeps pass through to
 * the host as time.c does; only the layouts change here. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "compat32.h"

#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

/* ---- timestamps in user memory ------------------------------------------------------ */

int c32_get_ts(Proc *p, uint64_t addr, TsKind k, int64_t *sec, int64_t *nsec) {
    if (k == TS32) {
        int32_t t[2];
        if (copy_from_user(p, t, addr, sizeof t)) return -EFAULT;
        *sec = t[0];
        *nsec = t[1];
    } else {
        int64_t t[2];
        if (copy_from_user(p, t, addr, sizeof t)) return -EFAULT;
        *sec = t[0];
        *nsec = (uint32_t)t[1]; /* get_timespec64: compat callers' padding is ignored */
    }
    return 0;
}

int c32_put_ts(Proc *p, uint64_t addr, TsKind k, int64_t sec, int64_t nsec) {
    if (k == TS32) {
        const int32_t t[2] = {(int32_t)sec, (int32_t)nsec};
        return copy_to_user(p, addr, t, sizeof t) ? -EFAULT : 0;
    }
    const int64_t t[2] = {sec, nsec};
    return copy_to_user(p, addr, t, sizeof t) ? -EFAULT : 0;
}

static int get_hts(Proc *p, uint64_t addr, TsKind k, struct timespec *ts) {
    int64_t s, n;
    if (c32_get_ts(p, addr, k, &s, &n)) return -EFAULT;
    ts->tv_sec = s;
    ts->tv_nsec = n;
    return 0;
}

static int put_hts(Proc *p, uint64_t addr, TsKind k, const struct timespec *ts) {
    return c32_put_ts(p, addr, k, ts->tv_sec, ts->tv_nsec);
}

/* ---- clocks ----------------------------------------------------------------------------- */

/* time32: the result and *tloc are 32-bit seconds. */
int64_t c32_time(Proc *p, const uint64_t a[6]) {
    int32_t t = (int32_t)time(NULL);
    if (a[0] && put_user_u32(p, a[0], (uint32_t)t)) return -EFAULT;
    return t;
}

int64_t c32_gettimeofday(Proc *p, const uint64_t a[6]) {
    struct timeval tv;
    struct timezone tz;
    if (syscall(SYS_gettimeofday, &tv, &tz) < 0) return -errno;
    const int32_t t[2] = {(int32_t)tv.tv_sec, (int32_t)tv.tv_usec};
    if (a[0] && copy_to_user(p, a[0], t, sizeof t)) return -EFAULT;
    if (a[1] && copy_to_user(p, a[1], &tz, sizeof tz)) return -EFAULT;
    return 0;
}

int64_t c32_clock_gettime(Proc *p, const uint64_t a[6]) {
    struct timespec ts;
    if (syscall(SYS_clock_gettime, (int)a[0], &ts) < 0) return -errno;
    return put_hts(p, a[1], TS32, &ts);
}

int64_t c32_clock_getres(Proc *p, const uint64_t a[6]) {
    struct timespec ts;
    if (syscall(SYS_clock_getres, (int)a[0], &ts) < 0) return -errno;
    return a[1] ? put_hts(p, a[1], TS32, &ts) : 0;
}

/* struct compat_tms: four 32-bit clock_t; the result (ticks) is one too. */
int64_t c32_times(Proc *p, const uint64_t a[6]) {
    struct tms t;
    long r = syscall(SYS_times, &t);
    if (a[0]) {
        const int32_t c[4] = {(int32_t)t.tms_utime, (int32_t)t.tms_stime, (int32_t)t.tms_cutime,
                              (int32_t)t.tms_cstime};
        if (copy_to_user(p, a[0], c, sizeof c)) return -EFAULT;
    }
    return (int32_t)r;
}

int64_t c32_sched_rr_get_interval(Proc *p, const uint64_t a[6]) {
    struct timespec ts;
    if (syscall(SYS_sched_rr_get_interval, (int)a[0], &ts) < 0) return -errno;
    return put_hts(p, a[1], TS32, &ts);
}

int64_t c32_sched_rr_get_interval_time64(Proc *p, const uint64_t a[6]) {
    struct timespec ts;
    if (syscall(SYS_sched_rr_get_interval, (int)a[0], &ts) < 0) return -errno;
    return put_hts(p, a[1], TS64, &ts);
}

/* ---- sleeps ----------------------------------------------------------------------------- */

int64_t c32_nanosleep(Proc *p, const uint64_t a[6]) {
    struct timespec req, rem;
    if (get_hts(p, a[0], TS32, &req)) return -EFAULT;
    long r;
    SYS_BLOCKING(p, r = syscall(SYS_nanosleep, &req, &rem));
    if (r == 0) return 0;
    int e = errno;
    if (e == EINTR && a[1] && put_hts(p, a[1], TS32, &rem)) return -EFAULT;
    return -e;
}

/* The clock is checked before the request is read (EINVAL before EFAULT):
 * an unreadable request goes to the host as NULL, which decides. */
static int64_t do_clock_nanosleep(Proc *p, const uint64_t a[6], TsKind k) {
    struct timespec req, rem;
    int clk = (int)a[0], flags = (int)a[1];
    if (get_hts(p, a[2], k, &req))
        return host_ret(syscall(SYS_clock_nanosleep, clk, flags, NULL, NULL));
    long r;
    SYS_BLOCKING(p, r = syscall(SYS_clock_nanosleep, clk, flags, &req, &rem));
    if (r == 0) return 0;
    int e = errno;
    if (e == EINTR && !(flags & TIMER_ABSTIME) && a[3] && put_hts(p, a[3], k, &rem)) return -EFAULT;
    return -e;
}

int64_t c32_clock_nanosleep(Proc *p, const uint64_t a[6]) { return do_clock_nanosleep(p, a, TS32); }

int64_t c32_clock_nanosleep_time64(Proc *p, const uint64_t a[6]) {
    return do_clock_nanosleep(p, a, TS64);
}

/* ---- interval timers --------------------------------------------------------------------- */

/* time.c keeps the interval timers (process-wide state of its own) and
 * takes struct itimerval only from user memory. The 64-bit form is staged
 * in 64 bytes below the user stack pointer -- memory a signal frame may
 * overwrite at any moment, so no program keeps data there -- and what was
 * there is put back afterwards. (A host-pointer entry point in time.c
 * would make this unnecessary.) */
static int64_t itimer_call(Proc *p, int which, const int64_t nv[4], int64_t ov[4]) {
    uint64_t sp = sys_cur_regs ? (uint32_t)sys_cur_regs->sp : 0;
    uint64_t scratch = (sp - 192) & ~15ull;
    uint8_t saved[64];
    if (sp < 256 || copy_from_user(p, saved, scratch, sizeof saved) ||
        copy_to_user(p, scratch, saved, sizeof saved)) {
        sys_report("itimer32", 0,
                   "i386 get/setitimer: no writable stack below ESP to stage "
                   "the timer value (ENOSYS)");
        return -ENOSYS;
    }
    int64_t r;
    if (nv) {
        copy_to_user(p, scratch, nv, 32);
        const uint64_t w[6] = {(uint64_t)which, scratch, ov ? scratch + 32 : 0, 0, 0, 0};
        r = sys_setitimer(p, w);
    } else {
        const uint64_t w[6] = {(uint64_t)which, scratch + 32, 0, 0, 0, 0};
        r = sys_getitimer(p, w);
    }
    if (r == 0 && ov) copy_from_user(p, ov, scratch + 32, 32);
    copy_to_user(p, scratch, saved, sizeof saved);
    return r;
}

/* struct old_itimerval32: interval then value, each {s32 sec, s32 usec}. */
static int64_t put_itv32(Proc *p, uint64_t addr, const int64_t v[4]) {
    const int32_t t[4] = {(int32_t)v[0], (int32_t)v[1], (int32_t)v[2], (int32_t)v[3]};
    return copy_to_user(p, addr, t, sizeof t) ? -EFAULT : 0;
}

int64_t c32_getitimer(Proc *p, const uint64_t a[6]) {
    int64_t v[4];
    if ((int)a[0] < 0 || (int)a[0] > 2) return -EINVAL;
    int64_t r = itimer_call(p, (int)a[0], NULL, v);
    return r ? r : put_itv32(p, a[1], v);
}

int64_t c32_setitimer(Proc *p, const uint64_t a[6]) {
    int64_t nv[4] = {0, 0, 0, 0}, ov[4];
    if (a[1]) {
        int32_t t[4];
        if (copy_from_user(p, t, a[1], sizeof t)) return -EFAULT;
        for (int i = 0; i < 4; i++)
            nv[i] = t[i];
    }
    int64_t r = itimer_call(p, (int)a[0], nv, a[2] ? ov : NULL);
    if (r || !a[2]) return r;
    return put_itv32(p, a[2], ov);
}

/* ---- timerfd ----------------------------------------------------------------------------- */

static int get_its(Proc *p, uint64_t addr, TsKind k, struct itimerspec *its) {
    uint64_t step = k == TS32 ? 8 : 16;
    if (get_hts(p, addr, k, &its->it_interval) || get_hts(p, addr + step, k, &its->it_value))
        return -EFAULT;
    return 0;
}

static int put_its(Proc *p, uint64_t addr, TsKind k, const struct itimerspec *its) {
    uint64_t step = k == TS32 ? 8 : 16;
    if (put_hts(p, addr, k, &its->it_interval) || put_hts(p, addr + step, k, &its->it_value))
        return -EFAULT;
    return 0;
}

static int64_t do_timerfd_settime(Proc *p, const uint64_t a[6], TsKind k) {
    struct itimerspec nv, ov;
    if (get_its(p, a[2], k, &nv)) return -EFAULT;
    long r = syscall(SYS_timerfd_settime, (int)a[0], (int)a[1], &nv, a[3] ? &ov : NULL);
    if (r < 0) return -errno;
    return a[3] && put_its(p, a[3], k, &ov) ? -EFAULT : 0;
}

int64_t c32_timerfd_settime(Proc *p, const uint64_t a[6]) { return do_timerfd_settime(p, a, TS32); }

int64_t c32_timerfd_settime64(Proc *p, const uint64_t a[6]) {
    return do_timerfd_settime(p, a, TS64);
}

int64_t c32_timerfd_gettime(Proc *p, const uint64_t a[6]) {
    struct itimerspec cv;
    if (syscall(SYS_timerfd_gettime, (int)a[0], &cv) < 0) return -errno;
    return put_its(p, a[1], TS32, &cv);
}

/* ---- select, pselect6, ppoll ---------------------------------------------------------------- */

#define SELECT_MAX_FDS 65536

typedef enum { TV32, TSK32, TSK64 } TimeoutKind;

/* A timeout from user memory as a host timespec (timeval in usec). */
static int get_timeout(Proc *p, uint64_t addr, TimeoutKind k, struct timespec *ts) {
    if (k == TSK64) return get_hts(p, addr, TS64, ts);
    return get_hts(p, addr, TS32, ts); /* a timeval32 has the same shape */
}

/* Linux writes the time left back (errors ignored: the call happened),
 * except for a zero timeout. */
static void put_timeout(Proc *p, uint64_t addr, TimeoutKind k, const struct timespec *left,
                        const struct timespec *orig) {
    if (!orig->tv_sec && !orig->tv_nsec) return;
    put_hts(p, addr, k == TSK64 ? TS64 : TS32, left);
}

/* fd_sets are arrays of 32-bit words: (n + 31) / 32 of them are read and
 * written, never the 64-bit words' tail. */
static int64_t do_select32(Proc *p, int n, const uint64_t sets[3], uint64_t utime, TimeoutKind k,
                           int pselect) {
    static _Thread_local uint64_t buf[3][SELECT_MAX_FDS / 64];
    struct timespec ts, orig = {0, 0}, *tsp = NULL;
    if (utime) {
        if (get_timeout(p, utime, k, &ts)) return -EFAULT;
        if (k == TV32) { /* normalised as Linux does, then checked */
            int64_t usec = ts.tv_nsec;
            ts.tv_sec += usec / 1000000;
            ts.tv_nsec = (usec % 1000000) * 1000;
        }
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) return -EINVAL;
        orig = ts;
        tsp = &ts;
    }
    if (n < 0) return -EINVAL;
    if (n > SELECT_MAX_FDS) n = SELECT_MAX_FDS;
    size_t bytes = (size_t)(n + 31) / 32 * 4;
    void *hs[3] = {NULL, NULL, NULL};
    for (int i = 0; i < 3; i++) {
        if (!sets[i]) continue;
        memset(buf[i], 0, (bytes + 7) & ~(size_t)7);
        if (copy_from_user(p, buf[i], sets[i], bytes)) return -EFAULT;
        hs[i] = buf[i];
    }
    long r;
    if (pselect || !tsp) {
        r = syscall(SYS_pselect6, n, hs[0], hs[1], hs[2], tsp, NULL);
    } else {
        struct timeval tv = {ts.tv_sec, ts.tv_nsec / 1000};
        r = syscall(SYS_select, n, hs[0], hs[1], hs[2], &tv);
        ts.tv_sec = tv.tv_sec;
        ts.tv_nsec = tv.tv_usec; /* written back as a timeval32 */
        orig.tv_nsec /= 1000;
    }
    int e = errno;
    if (tsp) put_timeout(p, utime, k, &ts, &orig);
    if (r < 0) return -e;
    for (int i = 0; i < 3; i++)
        if (sets[i] && copy_to_user(p, sets[i], buf[i], bytes)) return -EFAULT;
    return r;
}

int64_t c32_select(Proc *p, const uint64_t a[6]) {
    const uint64_t sets[3] = {a[1], a[2], a[3]};
    return do_select32(p, (int)a[0], sets, a[4], TV32, 0);
}

/* select(struct sel_arg_struct *): n, inp, outp, exp, tvp as 32-bit words. */
int64_t c32_old_select(Proc *p, const uint64_t a[6]) {
    uint32_t s[5];
    if (copy_from_user(p, s, a[0], sizeof s)) return -EFAULT;
    const uint64_t sets[3] = {s[1], s[2], s[3]};
    return do_select32(p, (int)s[0], sets, s[4], TV32, 0);
}

/* The signal mask (validated, then not applied: no signal is ever
 * delivered during the wait, as in the x86-64 calls). */
static int64_t check_sigmask(Proc *p, uint64_t umask, uint64_t size) {
    uint64_t m;
    if (!umask) return 0;
    if (size != 8) return -EINVAL;
    return copy_from_user(p, &m, umask, 8) ? -EFAULT : 0;
}

/* pselect6's sixth argument: struct {u32 sigset pointer; u32 size}. */
static int64_t do_pselect32(Proc *p, const uint64_t a[6], TimeoutKind k) {
    uint32_t pack[2] = {0, 0};
    if (a[5] && copy_from_user(p, pack, a[5], sizeof pack)) return -EFAULT;
    if (a[4]) { /* the timeout is checked before the mask */
        struct timespec ts;
        if (get_timeout(p, a[4], k, &ts)) return -EFAULT;
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) return -EINVAL;
    }
    int64_t e = check_sigmask(p, pack[0], pack[1]);
    if (e) return e;
    const uint64_t sets[3] = {a[1], a[2], a[3]};
    return do_select32(p, (int)a[0], sets, a[4], k, 1);
}

int64_t c32_pselect6(Proc *p, const uint64_t a[6]) { return do_pselect32(p, a, TSK32); }
int64_t c32_pselect6_time64(Proc *p, const uint64_t a[6]) { return do_pselect32(p, a, TSK64); }

#define POLL_STACK 1024

static int64_t do_ppoll32(Proc *p, const uint64_t a[6], TimeoutKind k) {
    uint64_t ufds = a[0], nfds = (uint32_t)a[1];
    struct timespec ts, orig = {0, 0}, *tsp = NULL;
    if (a[2]) {
        if (get_timeout(p, a[2], k, &ts)) return -EFAULT;
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) return -EINVAL;
        orig = ts;
        tsp = &ts;
    }
    int64_t r = check_sigmask(p, a[3], a[4]);
    if (r) return r;
    struct rlimit rl;
    if ((getrlimit(RLIMIT_NOFILE, &rl) == 0 && nfds > rl.rlim_cur) || nfds > (1u << 20))
        return -EINVAL;
    struct pollfd small[POLL_STACK], *fds = small;
    if (nfds > POLL_STACK && !(fds = malloc(nfds * sizeof *fds))) return -ENOMEM;
    if (copy_from_user(p, fds, ufds, nfds * sizeof *fds)) {
        r = -EFAULT;
    } else {
        r = host_ret(syscall(SYS_ppoll, fds, nfds, tsp, NULL, 8));
        if (tsp) put_timeout(p, a[2], k, &ts, &orig);
        /* struct pollfd is the same 8 bytes for both ABIs */
        if (r >= 0 && copy_to_user(p, ufds, fds, nfds * sizeof *fds)) r = -EFAULT;
    }
    if (fds != small) free(fds);
    return r;
}

int64_t c32_ppoll(Proc *p, const uint64_t a[6]) { return do_ppoll32(p, a, TSK32); }
int64_t c32_ppoll_time64(Proc *p, const uint64_t a[6]) { return do_ppoll32(p, a, TSK64); }

/* ---- futex -------------------------------------------------------------------------------- */

/* The operations with a timeout read it in the caller's layout first (as
 * Linux reads it); everything else is futex.c's. */
static int64_t do_futex32(Proc *p, const uint64_t a[6], TsKind k) {
    int op = (int)a[1], cmd = op & 127 /* FUTEX_CMD_MASK */;
    struct timespec ts, *tp = NULL;
    if (a[3] && futex_has_timeout(cmd)) {
        if (get_hts(p, a[3], k, &ts)) return -EFAULT;
        tp = &ts;
    }
    return futex_op(p, (uint32_t)a[0], op, (uint32_t)a[2], tp, (uint32_t)a[3], (uint32_t)a[4],
                    (uint32_t)a[5]);
}

int64_t c32_futex(Proc *p, const uint64_t a[6]) { return do_futex32(p, a, TS32); }
int64_t c32_futex_time64(Proc *p, const uint64_t a[6]) { return do_futex32(p, a, TS64); }
