/* c32_proc: i386 process, signal and time calls whose layouts differ from
 * x86-64, called directly (syscall()):
 *   the 16-bit uid calls against the 32-bit ones, getgroups16, uname /
 *   olduname / oldolduname, getrlimit (old), ugetrlimit, setrlimit,
 *   prlimit64, getrusage, times, sysinfo, nice, sched_getaffinity /
 *   setaffinity with 4-byte lengths, set/get_robust_list (12-byte head),
 *   rt_sigaction (compat layout), sigaction (old), signal, sigprocmask
 *   (old), sgetmask/ssetmask, sigpending, sigaltstack (compat stack_t),
 *   kill of an ignored signal, time, gettimeofday, clock_gettime /
 *   clock_getres (+_time64), nanosleep, clock_nanosleep (+_time64),
 *   get/setitimer, select / _newselect / pselect6 / ppoll / poll on a
 *   pipe, futex waits and wakes (+_time64), sched_rr_get_interval,
 *   timerfd, arch_prctl, waitpid, and the EFAULT/EINVAL paths.
 * Time values are printed as relations, ids as comparisons. Built -m32. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#ifndef __i386__
#error "an i386 program: build with -m32"
#endif

static long sc_r;
#define SC(...)           (errno = 0, sc_r = syscall(__VA_ARGS__), sc_r < 0 ? -errno : sc_r)
#define SHOW(label, expr) printf("%-32s %ld\n", label, (long)(expr))

static uint16_t low16(uint32_t id) { return id > 0xffff ? 65534 : (uint16_t)id; }

static void id_checks(void) {
    long u32 = syscall(SYS_getuid32), g32 = syscall(SYS_getgid32);
    printf("getuid16 == low16(getuid32): %d\n", syscall(SYS_getuid) == low16((uint32_t)u32));
    printf("geteuid16 == low16(geteuid32): %d\n",
           syscall(SYS_geteuid) == low16((uint32_t)syscall(SYS_geteuid32)));
    printf("getgid16 == low16(getgid32): %d\n", syscall(SYS_getgid) == low16((uint32_t)g32));
    printf("getegid16 == low16(getegid32): %d\n",
           syscall(SYS_getegid) == low16((uint32_t)syscall(SYS_getegid32)));
    uint16_t r[3] = {1, 1, 1};
    SHOW("getresuid16", SC(SYS_getresuid, &r[0], &r[1], &r[2]));
    printf("getresuid16 == uid: %d %d %d\n", r[0] == low16((uint32_t)u32),
           r[1] == low16((uint32_t)u32), r[2] == low16((uint32_t)u32));
    SHOW("getresgid16 EFAULT", SC(SYS_getresgid, &r[0], (void *)16, &r[2]));
    SHOW("setuid16(-1 as u16)", SC(SYS_setuid, 0xffff));
    SHOW("setreuid16(-1, -1)", SC(SYS_setreuid, 0xffff, 0xffff));
    SHOW("setresgid16(-1, -1, -1)", SC(SYS_setresgid, 0xffff, 0xffff, 0xffff));
    SHOW("setfsuid16(-1) == low16(uid)", SC(SYS_setfsuid, 0xffff) == low16((uint32_t)u32));
    long n = SC(SYS_getgroups, 0, NULL);
    uint16_t g[256];
    uint32_t g4[256];
    SHOW("getgroups16 count == getgroups32", n == syscall(SYS_getgroups32, 0, NULL));
    if (n > 0 && n < 256) {
        long m = syscall(SYS_getgroups32, n, g4);
        SHOW("getgroups16 all", SC(SYS_getgroups, n, g) == m);
        int same = 1;
        for (long i = 0; i < m; i++)
            same &= g[i] == low16(g4[i]);
        printf("getgroups16 entries match: %d\n", same);
        if (n > 1) SHOW("getgroups16 too small", SC(SYS_getgroups, 1, g));
    }
    SHOW("getgroups16 negative", SC(SYS_getgroups, -1, g));
    SHOW("lchown16(-1,-1) missing", SC(SYS_lchown, "/nonexistent/x", 0xffff, 0xffff));
    SHOW("chown32(-1,-1) /", SC(SYS_chown32, "/", -1, -1) == 0 || errno == EPERM);
}

static void uname_checks(void) {
    char u[6][65], o[5][9];
    memset(u, 0x5a, sizeof u);
    SHOW("uname", SC(SYS_uname, u));
    printf("uname sysname=%s machine=%s\n", u[0], u[4]);
    memset(u, 0x5a, sizeof u);
    SHOW("olduname(109)", SC(SYS_olduname, u));
    printf("olduname sysname=%s machine=%s, 6th field untouched: %d\n", u[0], u[4],
           (unsigned char)u[5][0] == 0x5a);
    memset(o, 0x5a, sizeof o);
    SHOW("oldolduname(59)", SC(SYS_oldolduname, o));
    printf("oldolduname sysname=%.9s machine=%.9s terminated=%d\n", o[0], o[4], o[4][8] == 0);
    SHOW("uname EFAULT", SC(SYS_uname, (void *)16));
    SHOW("oldolduname NULL", SC(SYS_oldolduname, NULL));
}

static void limit_checks(void) {
    uint32_t l[2];
    uint64_t l64[2];
    SHOW("ugetrlimit STACK", SC(SYS_ugetrlimit, RLIMIT_STACK, l));
    prlimit(0, RLIMIT_STACK, NULL, (struct rlimit *)l64); /* glibc: prlimit64 */
    SHOW("prlimit64 STACK", SC(SYS_prlimit64, 0, RLIMIT_STACK, NULL, l64));
    printf("ugetrlimit cur==prlimit64 (capped at 0xffffffff): %d\n",
           l[0] == (l64[0] > 0xffffffffu ? 0xffffffffu : (uint32_t)l64[0]));
    printf("ugetrlimit max==prlimit64: %d (max %#x)\n",
           l[1] == (l64[1] > 0xffffffffu ? 0xffffffffu : (uint32_t)l64[1]), l[1]);
    SHOW("old getrlimit(76) STACK", SC(SYS_getrlimit, RLIMIT_STACK, l));
    printf("old getrlimit max capped at 0x7fffffff: %#x\n", l[1] > 0x7fffffffu ? 0 : l[1]);
    SHOW("ugetrlimit NOFILE", SC(SYS_ugetrlimit, RLIMIT_NOFILE, l));
    uint32_t lower[2] = {l[0] > 64 ? 64 : l[0], l[1]};
    SHOW("setrlimit NOFILE lower", SC(SYS_setrlimit, RLIMIT_NOFILE, lower));
    SHOW("ugetrlimit NOFILE again", SC(SYS_ugetrlimit, RLIMIT_NOFILE, l));
    printf("NOFILE cur now %u\n", l[0]);
    uint32_t inf[2] = {0xffffffffu, 0xffffffffu};
    SHOW("setrlimit CORE inf (may EPERM)",
         SC(SYS_setrlimit, RLIMIT_CORE, inf) == 0 || errno == EPERM);
    SHOW("ugetrlimit bad resource", SC(SYS_ugetrlimit, 99, l));
    SHOW("ugetrlimit EFAULT", SC(SYS_ugetrlimit, RLIMIT_STACK, (void *)16));
    SHOW("setrlimit EFAULT", SC(SYS_setrlimit, RLIMIT_STACK, (void *)16));
    uint32_t ru[18];
    memset(ru, 0xff, sizeof ru);
    SHOW("getrusage SELF", SC(SYS_getrusage, RUSAGE_SELF, ru));
    printf("getrusage usec fields < 1e6: %d, maxrss > 0: %d\n",
           ru[1] < 1000000 && ru[3]<1000000, (int32_t)ru[4]> 0);
    SHOW("getrusage bad who", SC(SYS_getrusage, 5, ru));
    int32_t t[4] = {-1, -1, -1, -1};
    long ticks = SC(SYS_times, t);
    printf("times: ticks!=0 %d, utime>=0 %d, cutime==0 %d\n", ticks != 0, t[0] >= 0, t[2] == 0);
    SHOW("times NULL ok", SC(SYS_times, NULL) != 0);
    SHOW("times EFAULT", SC(SYS_times, (void *)16));
    uint32_t si[16];
    memset(si, 0xff, sizeof si);
    SHOW("sysinfo", SC(SYS_sysinfo, si));
    uint32_t unit = si[13];
    printf("sysinfo mem_unit=%u totalram>=freeram %d procs>0 %d padding-zero %d\n", unit,
           si[4] >= si[5], (si[10] & 0xffff) > 0, si[14] == 0 && si[15] == 0);
    SHOW("sysinfo EFAULT", SC(SYS_sysinfo, (void *)16));
    SHOW("nice(0)", SC(SYS_nice, 0));
    SHOW("nice(-1) unprivileged is EPERM or 0", SC(SYS_nice, -1) == 0 || sc_r == -1);
    uint32_t mask[64];
    memset(mask, 0, sizeof mask);
    long got = SC(SYS_sched_getaffinity, 0, 4, mask);
    printf("sched_getaffinity len 4: %ld, cpu0 set %d\n", got, (int)(mask[0] & 1));
    long big = SC(SYS_sched_getaffinity, 0, sizeof mask, mask);
    printf("sched_getaffinity big == 64-bit's: %d\n",
           big == syscall(SYS_sched_getaffinity, 0, sizeof mask, mask));
    SHOW("sched_getaffinity len 6", SC(SYS_sched_getaffinity, 0, 6, mask));
    SHOW("sched_setaffinity same mask", SC(SYS_sched_setaffinity, 0, 4, mask));
    SHOW("sched_getaffinity EFAULT", SC(SYS_sched_getaffinity, 0, 4, (void *)16));
    uint32_t head[3] = {0, 0, 0}, hp = 1, hl = 1;
    SHOW("set_robust_list 12", SC(SYS_set_robust_list, head, 12));
    SHOW("set_robust_list 24", SC(SYS_set_robust_list, head, 24));
    SHOW("get_robust_list", SC(SYS_get_robust_list, 0, &hp, &hl));
    printf("get_robust_list head==&head %d len %u\n", hp == (uint32_t)(uintptr_t)head, hl);
    SHOW("get_robust_list EFAULT", SC(SYS_get_robust_list, 0, (void *)16, &hl));
    SHOW("arch_prctl ARCH_SET_FS (64-bit only)", SC(SYS_arch_prctl, 0x1002, 0));
    SHOW("arch_prctl ARCH_GET_CPUID", SC(SYS_arch_prctl, 0x1011, 0));
    SHOW("waitpid(-1) no children", SC(SYS_waitpid, -1, NULL, 0));
    SHOW("waitpid bad options", SC(SYS_waitpid, -1, NULL, 0x40000));
}

static void signal_checks(void) {
    struct { /* compat struct sigaction: handler, flags, restorer, mask[2] */
        uint32_t handler, flags, restorer, mask[2];
    } act = {(uint32_t)(uintptr_t)SIG_IGN,
             0x10000000 /* SA_RESTART */ | 0x00000200 /* unknown */,
             0,
             {1u << (SIGUSR2 - 1), 1u << 2}},
      old;
    memset(&old, 0x77, sizeof old);
    SHOW("rt_sigaction SIGUSR1", SC(SYS_rt_sigaction, SIGUSR1, &act, &old, 8));
    printf("old: handler=%u flags=%#x mask=%#x %#x\n", old.handler, old.flags, old.mask[0],
           old.mask[1]);
    SHOW("rt_sigaction read back", SC(SYS_rt_sigaction, SIGUSR1, NULL, &old, 8));
    printf("now: handler=%u flags=%#x mask=%#x %#x\n", old.handler, old.flags, old.mask[0],
           old.mask[1]);
    SHOW("rt_sigaction sigsetsize 4", SC(SYS_rt_sigaction, SIGUSR1, NULL, &old, 4));
    SHOW("rt_sigaction SIGKILL", SC(SYS_rt_sigaction, SIGKILL, &act, NULL, 8));
    SHOW("rt_sigaction 65", SC(SYS_rt_sigaction, 65, NULL, &old, 8));
    SHOW("rt_sigaction EFAULT act", SC(SYS_rt_sigaction, SIGUSR1, (void *)16, NULL, 8));
    SHOW("kill self SIGUSR1 (ignored)", SC(SYS_kill, getpid(), SIGUSR1));
    struct { /* compat old_sigaction: handler, mask, flags, restorer */
        uint32_t handler, mask, flags, restorer;
    } oa = {(uint32_t)(uintptr_t)SIG_IGN, 0x10, 0x04000000, 0x1234}, oo;
    memset(&oo, 0x77, sizeof oo);
    SHOW("sigaction(67) SIGUSR2", SC(SYS_sigaction, SIGUSR2, &oa, &oo));
    SHOW("sigaction(67) read back", SC(SYS_sigaction, SIGUSR2, NULL, &oo));
    printf("old-style now: handler=%u mask=%#x flags=%#x restorer=%#x\n", oo.handler, oo.mask,
           oo.flags, oo.restorer);
    memset(&old, 0, sizeof old);
    SHOW("rt view of it", SC(SYS_rt_sigaction, SIGUSR2, NULL, &old, 8));
    printf("rt view: flags=%#x restorer=%#x mask=%#x %#x\n", old.flags, old.restorer, old.mask[0],
           old.mask[1]);
    long prev = SC(SYS_signal, SIGUSR2, (long)SIG_DFL);
    printf("signal() returned the old handler (SIG_IGN): %d\n", prev == (long)SIG_IGN);
    SHOW("rt view after signal()", SC(SYS_rt_sigaction, SIGUSR2, NULL, &old, 8));
    printf("flags after signal(): %#x\n", old.flags);
    SHOW("signal(SIGSTOP)", SC(SYS_signal, SIGSTOP, (long)SIG_IGN));
    /* masks */
    uint32_t set = 1u << (SIGUSR1 - 1), oset = 7;
    SHOW("sigprocmask(126) BLOCK USR1", SC(SYS_sigprocmask, SIG_BLOCK, &set, &oset));
    printf("old mask %#x\n", oset);
    SHOW("sgetmask", SC(SYS_sgetmask));
    uint64_t rt = 0;
    SHOW("rt_sigprocmask get", SC(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &rt, 8));
    printf("rt mask %#llx\n", (unsigned long long)rt);
    rt = 1ull << 40; /* a real-time signal: above the old 32-bit set */
    SHOW("rt_sigprocmask BLOCK RT", SC(SYS_rt_sigprocmask, SIG_BLOCK, &rt, NULL, 8));
    set = 0;
    SHOW("sigprocmask(126) SETMASK 0", SC(SYS_sigprocmask, SIG_SETMASK, &set, &oset));
    SHOW("rt_sigprocmask get", SC(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &rt, 8));
    printf("rt mask after old SETMASK 0 keeps the upper half: %#llx\n", (unsigned long long)rt);
    SHOW("ssetmask(-1) returns old", SC(SYS_ssetmask, -1));
    SHOW("rt_sigprocmask get", SC(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &rt, 8));
    printf("after ssetmask(-1): %#llx\n", (unsigned long long)rt);
    SHOW("ssetmask(0)", SC(SYS_ssetmask, 0));
    SHOW("sigprocmask bad how", SC(SYS_sigprocmask, 7, &set, NULL));
    set = 1u << (SIGUSR2 - 1);
    SHOW("block USR2", SC(SYS_sigprocmask, SIG_BLOCK, &set, NULL));
    SHOW("signal(USR2, SIG_DFL) again", SC(SYS_signal, SIGUSR2, (long)SIG_DFL) == 0);
    SHOW("raise USR2 while blocked", SC(SYS_kill, getpid(), SIGUSR2));
    uint32_t pend = 0;
    SHOW("sigpending(73)", SC(SYS_sigpending, &pend));
    printf("pending %#x\n", pend);
    oa.handler = (uint32_t)(uintptr_t)SIG_IGN;
    SHOW("ignore USR2 (discards it)", SC(SYS_sigaction, SIGUSR2, &oa, NULL));
    SHOW("unblock USR2", SC(SYS_sigprocmask, SIG_UNBLOCK, &set, NULL));
    printf("still alive\n");
    /* alternate stack */
    static char stk[8192];
    struct {
        uint32_t sp;
        int32_t flags;
        uint32_t size;
    } ss = {(uint32_t)(uintptr_t)stk, 0, sizeof stk}, oss = {1, 1, 1};
    SHOW("sigaltstack set", SC(SYS_sigaltstack, &ss, &oss));
    printf("old: sp=%u flags=%d size=%u\n", oss.sp, oss.flags, oss.size);
    SHOW("sigaltstack get", SC(SYS_sigaltstack, NULL, &oss));
    printf("now: sp==stk %d flags=%d size=%u\n", oss.sp == (uint32_t)(uintptr_t)stk, oss.flags,
           oss.size);
    ss.size = 100;
    SHOW("sigaltstack too small", SC(SYS_sigaltstack, &ss, NULL));
    ss.flags = 4;
    SHOW("sigaltstack bad flags", SC(SYS_sigaltstack, &ss, NULL));
    ss.flags = 2; /* SS_DISABLE */
    SHOW("sigaltstack disable", SC(SYS_sigaltstack, &ss, &oss));
    SHOW("sigaltstack get", SC(SYS_sigaltstack, NULL, &oss));
    printf("disabled: sp=%u flags=%d size=%u\n", oss.sp, oss.flags, oss.size);
    SHOW("sigaltstack EFAULT", SC(SYS_sigaltstack, (void *)16, NULL));
}

static double tsd(int64_t s, int64_t ns) { return (double)s + (double)ns * 1e-9; }

static void time_checks(void) {
    int32_t t32 = 0;
    long r = SC(SYS_time, &t32);
    printf("time: result==*tloc %d, plausible %d\n", r == t32, t32 > 1600000000);
    SHOW("time EFAULT", SC(SYS_time, (void *)16));
    int32_t tv[2] = {0, -1}, tz[2] = {-1, -1};
    SHOW("gettimeofday", SC(SYS_gettimeofday, tv, tz));
    printf("gettimeofday near time(): %d usec<1e6 %d\n", tv[0] - t32 >= 0 && tv[0] - t32 < 100,
           tv[1] >= 0 && tv[1] < 1000000);
    SHOW("gettimeofday EFAULT tz", SC(SYS_gettimeofday, tv, (void *)16));
    int32_t ts[2], ts2[2];
    int64_t t64[2];
    SHOW("clock_gettime MONOTONIC", SC(SYS_clock_gettime, CLOCK_MONOTONIC, ts));
    SHOW("clock_gettime64 MONOTONIC", SC(SYS_clock_gettime64, CLOCK_MONOTONIC, t64));
    SHOW("clock_gettime MONOTONIC again", SC(SYS_clock_gettime, CLOCK_MONOTONIC, ts2));
    printf("monotonic order: %d %d\n", tsd(ts[0], ts[1]) <= tsd(t64[0], t64[1]),
           tsd(t64[0], t64[1]) <= tsd(ts2[0], ts2[1]));
    SHOW("clock_gettime bad clock", SC(SYS_clock_gettime, 99, ts));
    SHOW("clock_gettime EFAULT", SC(SYS_clock_gettime, CLOCK_REALTIME, (void *)16));
    SHOW("clock_gettime bad clock+EFAULT", SC(SYS_clock_gettime, 99, (void *)16));
    SHOW("clock_getres MONOTONIC", SC(SYS_clock_getres, CLOCK_MONOTONIC, ts));
    printf("res: %d.%09d\n", ts[0], ts[1]);
    SHOW("clock_getres NULL", SC(SYS_clock_getres, CLOCK_MONOTONIC, NULL));
    SHOW("clock_getres_time64", SC(SYS_clock_getres_time64, CLOCK_REALTIME, t64));
    printf("res64: %lld.%09lld\n", (long long)t64[0], (long long)t64[1]);
    int32_t req[2] = {0, 2000000}, rem[2];
    SHOW("nanosleep 2ms", SC(SYS_nanosleep, req, rem));
    req[1] = 1000000000;
    SHOW("nanosleep nsec 1e9", SC(SYS_nanosleep, req, rem));
    req[0] = -1, req[1] = 0;
    SHOW("nanosleep negative", SC(SYS_nanosleep, req, rem));
    SHOW("nanosleep EFAULT", SC(SYS_nanosleep, (void *)16, rem));
    req[0] = 0, req[1] = 1000000;
    SHOW("clock_nanosleep 1ms", SC(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, req, rem));
    SHOW("clock_nanosleep bad clock", SC(SYS_clock_nanosleep, 99, 0, req, rem));
    SHOW("clock_nanosleep bad clock+EFAULT", SC(SYS_clock_nanosleep, 99, 0, (void *)16, rem));
    SHOW("clock_nanosleep EFAULT", SC(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, (void *)16, rem));
    int64_t r64[2] = {0, 1000000 | (0x1234ll << 32) /* padding ignored */};
    SHOW("clock_nanosleep_time64 1ms", SC(SYS_clock_nanosleep_time64, CLOCK_MONOTONIC, 0, r64, 0));
    r64[1] = -1;
    SHOW("clock_nanosleep_time64 nsec -1",
         SC(SYS_clock_nanosleep_time64, CLOCK_MONOTONIC, 0, r64, 0));
    int64_t now[2];
    syscall(SYS_clock_gettime64, CLOCK_MONOTONIC, now);
    int64_t abs64[2] = {now[0], now[1]};
    SHOW("clock_nanosleep_time64 ABSTIME past",
         SC(SYS_clock_nanosleep_time64, CLOCK_MONOTONIC, TIMER_ABSTIME, abs64, 0));
    int32_t iv[2];
    SHOW("sched_rr_get_interval", SC(SYS_sched_rr_get_interval, 0, iv));
    SHOW("sched_rr_get_interval EFAULT", SC(SYS_sched_rr_get_interval, 0, (void *)16));
    SHOW("sched_rr_get_interval_time64", SC(SYS_sched_rr_get_interval_time64, 0, t64));
    /* interval timers: values in old_itimerval32 */
    int32_t it[4] = {0, 0, 100, 0}, oit[4] = {-1, -1, -1, -1};
    SHOW("setitimer REAL 100s", SC(SYS_setitimer, ITIMER_REAL, it, oit));
    printf("old: %d %d %d %d\n", oit[0], oit[1], oit[2], oit[3]);
    SHOW("getitimer REAL", SC(SYS_getitimer, ITIMER_REAL, oit));
    printf("left: interval %d.%06d, value in (99,100]: %d\n", oit[0], oit[1],
           tsd(oit[2], oit[3] * 1000ll) > 99 && tsd(oit[2], oit[3] * 1000ll) <= 100);
    it[2] = 0;
    SHOW("setitimer disarm", SC(SYS_setitimer, ITIMER_REAL, it, oit));
    printf("old value in (99,100]: %d\n", tsd(oit[2], oit[3] * 1000ll) > 99);
    SHOW("getitimer REAL disarmed", SC(SYS_getitimer, ITIMER_REAL, oit));
    printf("now: %d %d %d %d\n", oit[0], oit[1], oit[2], oit[3]);
    it[3] = 1000000;
    SHOW("setitimer usec 1e6", SC(SYS_setitimer, ITIMER_REAL, it, NULL));
    SHOW("getitimer bad which", SC(SYS_getitimer, 5, oit));
    SHOW("getitimer EFAULT", SC(SYS_getitimer, ITIMER_REAL, (void *)16));
    SHOW("setitimer EFAULT", SC(SYS_setitimer, ITIMER_REAL, (void *)16, NULL));
    /* timerfd with time32 and time64 itimerspecs */
    int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
    int32_t its[4] = {0, 0, 50, 0}, oits[4];
    SHOW("timerfd_settime 50s", SC(SYS_timerfd_settime, tfd, 0, its, NULL));
    SHOW("timerfd_gettime", SC(SYS_timerfd_gettime, tfd, oits));
    printf("timerfd left in (49,50]: %d\n",
           tsd(oits[2], oits[3]) > 49 && tsd(oits[2], oits[3]) <= 50);
    int64_t its64[4] = {0, 0, 0, 0}, oits64[4];
    SHOW("timerfd_settime64 disarm", SC(SYS_timerfd_settime64, tfd, 0, its64, oits64));
    printf("old value in (49,50]: %d\n", tsd(oits64[2], oits64[3]) > 49);
    SHOW("timerfd_gettime64", SC(SYS_timerfd_gettime64, tfd, oits64));
    printf("disarmed: %lld %lld\n", (long long)oits64[2], (long long)oits64[3]);
    its[3] = -5;
    SHOW("timerfd_settime bad nsec", SC(SYS_timerfd_settime, tfd, 0, its, NULL));
    close(tfd);
}

static void wait_checks(void) {
    int p[2];
    pipe(p);
    uint32_t rd[32], wr[32];
    memset(rd, 0, sizeof rd), memset(wr, 0, sizeof wr);
    rd[0] = 1u << p[0];
    wr[0] = 1u << p[1];
    int32_t tv[2] = {0, 0};
    long r = SC(SYS__newselect, p[1] + 1, rd, wr, NULL, tv);
    printf("_newselect: %ld rd=%#x wr=%#x\n", r, rd[0], wr[0]);
    write(p[1], "x", 1);
    rd[0] = 1u << p[0];
    tv[0] = 5;
    r = SC(SYS__newselect, p[0] + 1, rd, NULL, NULL, tv);
    printf("_newselect readable: %ld rd=%#x, time left in (4,5]: %d\n", r, rd[0],
           tsd(tv[0], tv[1] * 1000ll) > 4 && tsd(tv[0], tv[1] * 1000ll) <= 5);
    /* a 4-byte set just before an unmapped page must be enough for n=32 */
    rd[0] = 1u << p[0];
    struct {
        uint32_t n, in, out, ex, tvp;
    } args = {(uint32_t)p[0] + 1, (uint32_t)(uintptr_t)rd, 0, 0, 0};
    tv[0] = tv[1] = 0;
    args.tvp = (uint32_t)(uintptr_t)tv;
    r = SC(SYS_select, &args);
    printf("old select: %ld rd=%#x\n", r, rd[0]);
    tv[1] = -1;
    SHOW("_newselect bad usec", SC(SYS__newselect, 1, NULL, NULL, NULL, tv));
    SHOW("_newselect n<0", SC(SYS__newselect, -1, NULL, NULL, NULL, NULL));
    SHOW("_newselect EFAULT set", SC(SYS__newselect, 1, (void *)16, NULL, NULL, NULL));
    SHOW("old select EFAULT", SC(SYS_select, (void *)16));
    rd[0] = 1u << p[0];
    int32_t ts[2] = {1, 0};
    uint64_t mask = 0;
    struct {
        uint32_t set, size;
    } pack = {(uint32_t)(uintptr_t)&mask, 8};
    r = SC(SYS_pselect6, p[0] + 1, rd, NULL, NULL, ts, &pack);
    printf("pselect6: %ld rd=%#x left>0 %d\n", r, rd[0], ts[0] + ts[1] > 0);
    pack.size = 4;
    SHOW("pselect6 sigset size 4", SC(SYS_pselect6, p[0] + 1, rd, NULL, NULL, ts, &pack));
    SHOW("pselect6 EFAULT pack", SC(SYS_pselect6, p[0] + 1, rd, NULL, NULL, ts, (void *)16));
    int64_t ts64[2] = {0, 0};
    rd[0] = 1u << p[0];
    SHOW("pselect6_time64", SC(SYS_pselect6_time64, p[0] + 1, rd, NULL, NULL, ts64, NULL));
    struct {
        int fd;
        short ev, rev;
    } pfd[2] = {{p[0], POLLIN, -1}, {p[1], POLLOUT, -1}};
    r = SC(SYS_poll, pfd, 2, 0);
    printf("poll: %ld revents %#x %#x\n", r, pfd[0].rev, pfd[1].rev);
    ts[0] = 0, ts[1] = 0;
    r = SC(SYS_ppoll, pfd, 2, ts, NULL, 8);
    printf("ppoll: %ld revents %#x %#x\n", r, pfd[0].rev, pfd[1].rev);
    ts[1] = 2000000000;
    SHOW("ppoll bad nsec", SC(SYS_ppoll, pfd, 2, ts, NULL, 8));
    SHOW("ppoll sigsetsize 4", SC(SYS_ppoll, pfd, 2, NULL, &mask, 4));
    ts64[0] = 0, ts64[1] = 5 | (1ll << 40); /* the upper half is padding */
    r = SC(SYS_ppoll_time64, pfd, 2, ts64, NULL, 8);
    printf("ppoll_time64: %ld revents %#x\n", r, pfd[0].rev);
    SHOW("ppoll EFAULT fds", SC(SYS_ppoll, (void *)16, 2, NULL, NULL, 8));
    close(p[0]), close(p[1]);
    /* futexes: no other thread, so waits time out or fail at once */
    static uint32_t word = 5;
    int32_t to[2] = {0, 3000000};
    SHOW("futex WAIT wrong value", SC(SYS_futex, &word, FUTEX_WAIT, 4, to, NULL, 0));
    SHOW("futex WAIT 3ms", SC(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 5, to, NULL, 0));
    to[1] = -1;
    SHOW("futex WAIT bad timeout", SC(SYS_futex, &word, FUTEX_WAIT, 5, to, NULL, 0));
    SHOW("futex WAIT EFAULT timeout", SC(SYS_futex, &word, FUTEX_WAIT, 5, (void *)16, NULL, 0));
    SHOW("futex WAIT unaligned", SC(SYS_futex, (char *)&word + 1, FUTEX_WAIT, 5, NULL, NULL, 0));
    SHOW("futex WAKE", SC(SYS_futex, &word, FUTEX_WAKE, 1, NULL, NULL, 0));
    int64_t now[2];
    syscall(SYS_clock_gettime64, CLOCK_MONOTONIC, now);
    int32_t abs32[2] = {(int32_t)now[0], (int32_t)now[1]};
    SHOW("futex WAIT_BITSET abs past",
         SC(SYS_futex, &word, FUTEX_WAIT_BITSET, 5, abs32, NULL, ~0u));
    SHOW("futex WAIT_BITSET bitset 0", SC(SYS_futex, &word, FUTEX_WAIT_BITSET, 5, abs32, NULL, 0));
    int64_t to64[2] = {0, 2000000 | (7ll << 32)};
    SHOW("futex_time64 WAIT 2ms", SC(SYS_futex_time64, &word, FUTEX_WAIT, 5, to64, NULL, 0));
    static uint32_t w2 = 3;
    SHOW("futex WAKE_OP", SC(SYS_futex, &word, FUTEX_WAKE_OP, 1, 1, &w2,
                             FUTEX_OP(FUTEX_OP_ADD, 4, FUTEX_OP_CMP_EQ, 0)));
    printf("after WAKE_OP: %u\n", w2);
    SHOW("futex CMP_REQUEUE mismatch", SC(SYS_futex, &word, FUTEX_CMP_REQUEUE, 1, 1, &w2, 9));
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    id_checks();
    uname_checks();
    limit_checks();
    signal_checks();
    time_checks();
    wait_checks();
    return 0;
}
