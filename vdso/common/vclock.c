/* The vDSO's time functions (guest code): clock_gettime, gettimeofday, time,
 * clock_getres and getcpu, answered from the [vvar] page ringside keeps
 * current (vdso/vvar.h) without entering the kernel, as Linux's vDSO does.
 * Built twice: -m64 for linux-vdso.so.1 and -m32 for linux-gate.so.1.
 *
 * Freestanding: no libc, no libgcc (so no 64-bit division on i386: the
 * nanosecond carry is a loop bounded by max_delta, and the 64x64 multiply is
 * split into 32-bit halves), no GOT (the vvar page is reached PC-relative),
 * no writable data. Anything the page cannot answer (an unknown clock, a
 * stale or invalid page, a NULL result the kernel must reject) makes the
 * real system call and returns its raw result (-errno), which is what
 * glibc and musl expect from a vDSO function. */
#include <stdint.h>

#include "../vvar.h"

#define HIDDEN    __attribute__((visibility("hidden")))
#define barrier() __asm__ volatile("" ::: "memory")

/* Defined by the linker script: the first page of [vvar], below the image. */
extern const volatile RsVvar rs_vvar HIDDEN;

static inline const volatile RsVvar *vvar(void) {
#ifdef __x86_64__
    return &rs_vvar; /* RIP-relative: hidden and link-time constant */
#else
    const volatile RsVvar *v;
    __asm__("call 1f\n1:\tpopl %0\n\taddl $rs_vvar - 1b, %0" : "=r"(v));
    return v;
#endif
}

/* ---- system calls (the fallback) ---------------------------------------- */

#ifdef __x86_64__
#define NR_gettimeofday  96
#define NR_time          201
#define NR_clock_gettime 228
#define NR_clock_getres  229
#define NR_getcpu        309
static inline long sys3(long nr, long a, long b, long c) {
    long r;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "0"(nr), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return r;
}
#else
#define NR_time            13
#define NR_gettimeofday    78
#define NR_clock_gettime   265
#define NR_clock_getres    266
#define NR_getcpu          318
#define NR_clock_gettime64 403
static inline long sys3(long nr, long a, long b, long c) {
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "0"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}
#endif

/* ---- reading the page ----------------------------------------------------- */

static inline uint64_t rdtsc_ordered(void) {
    uint32_t lo, hi;
    /* LFENCE keeps RDTSC from running ahead of the seq read (Linux's
     * rdtsc_ordered). */
    __asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

/* (d * mult) >> 32 without a 128-bit type on i386; d <= max_delta keeps the
 * true result well inside 64 bits. */
static inline uint64_t mul_shift32(uint64_t d, uint64_t mult) {
#ifdef __x86_64__
    return (uint64_t)(((unsigned __int128)d * mult) >> 32);
#else
    uint32_t dl = (uint32_t)d, dh = (uint32_t)(d >> 32);
    uint32_t ml = (uint32_t)mult, mh = (uint32_t)(mult >> 32);
    uint64_t lo = (uint64_t)dl * ml, m1 = (uint64_t)dl * mh, m2 = (uint64_t)dh * ml;
    uint64_t hi = (uint64_t)dh * mh;
    return (hi << 32) + m1 + m2 + (lo >> 32);
#endif
}

/* The time of a fine clock (not coarse), or 0 when the page cannot say. */
static int read_fine(const volatile RsVvar *v, unsigned clk, uint64_t *sec, uint32_t *nsec) {
    uint64_t s, ns;
    for (;;) {
        uint32_t seq = v->seq;
        barrier();
        if (seq & 1) {
            __asm__ volatile("pause");
            continue;
        }
        if (!v->valid) return 0;
        uint64_t d = rdtsc_ordered() - v->tsc_base;
        if ((int64_t)d < 0) d = 0; /* a TSC read just before the page's */
        if (d > v->max_delta) return 0;
        ns = v->base[clk].nsec + mul_shift32(d, v->mult);
        s = v->base[clk].sec;
        barrier();
        if (v->seq == seq) break;
    }
    /* max_delta bounds this loop to a few rounds */
    while (ns >= 1000000000u)
        ns -= 1000000000u, s++;
    *sec = s;
    *nsec = (uint32_t)ns;
    return 1;
}

/* A coarse clock advances in whole ticks (coarse_nsec) from the host's
 * coarse reading stored in its base: the fine clock's progress since then,
 * rounded down to a tick. */
static int read_coarse(const volatile RsVvar *v, unsigned clk, unsigned fine, uint64_t *sec,
                       uint32_t *nsec) {
    uint64_t s, fs, bs;
    uint32_t fns, bns, step, lag;
    for (;;) {
        uint32_t seq = v->seq;
        barrier();
        if (seq & 1) {
            __asm__ volatile("pause");
            continue;
        }
        if (!read_fine(v, fine, &fs, &fns)) return 0;
        bs = v->base[clk].sec;
        bns = (uint32_t)v->base[clk].nsec;
        step = v->coarse_nsec;
        lag = v->coarse_lag;
        barrier();
        if (v->seq == seq) break;
    }
    /* fine - base in ns: under 2^32 while the page is fresh (max_delta) */
    uint64_t d = 0;
    if (fs > bs || (fs == bs && fns > bns)) d = (fs - bs) * 1000000000u + fns - bns;
    if (d >> 32) return 0;
    uint32_t d32 = (uint32_t)d;
    d32 = d32 > lag ? d32 - lag : 0;
    if (step) d32 -= d32 % step;
    s = bs;
    uint64_t ns = (uint64_t)bns + d32;
    while (ns >= 1000000000u)
        ns -= 1000000000u, s++;
    *sec = s;
    *nsec = (uint32_t)ns;
    return 1;
}

static int read_clock(unsigned clk, uint64_t *sec, uint32_t *nsec) {
    const volatile RsVvar *v = vvar();
    if (clk == RS_CLOCK_REALTIME_COARSE) return read_coarse(v, clk, RS_CLOCK_REALTIME, sec, nsec);
    if (clk == RS_CLOCK_MONOTONIC_COARSE) return read_coarse(v, clk, RS_CLOCK_MONOTONIC, sec, nsec);
    return read_fine(v, clk, sec, nsec);
}

static inline int served(long clk) {
    return clk >= 0 && clk < RS_NCLOCKS && (RS_CLOCK_MASK & (1u << clk));
}

/* ---- the exported functions ------------------------------------------------ */

#ifdef __x86_64__
struct rs_timespec {
    int64_t tv_sec, tv_nsec;
};
struct rs_timeval {
    int64_t tv_sec, tv_usec;
};
typedef int64_t rs_time_t;
#else
struct rs_timespec { /* old_timespec32 */
    int32_t tv_sec, tv_nsec;
};
struct rs_timeval {
    int32_t tv_sec, tv_usec;
};
typedef int32_t rs_time_t;
struct rs_timespec64 { /* __kernel_timespec */
    int64_t tv_sec, tv_nsec;
};
#endif
struct rs_timezone {
    int32_t tz_minuteswest, tz_dsttime;
};

int __vdso_clock_gettime(long clk, struct rs_timespec *ts) {
    uint64_t s;
    uint32_t ns;
    if (!served(clk) || !read_clock((unsigned)clk, &s, &ns))
        return (int)sys3(NR_clock_gettime, clk, (long)ts, 0);
    ts->tv_sec = (rs_time_t)s;
    ts->tv_nsec = ns;
    return 0;
}

#ifndef __x86_64__
int __vdso_clock_gettime64(long clk, struct rs_timespec64 *ts) {
    uint64_t s;
    uint32_t ns;
    if (!served(clk) || !read_clock((unsigned)clk, &s, &ns))
        return (int)sys3(NR_clock_gettime64, clk, (long)ts, 0);
    ts->tv_sec = (int64_t)s;
    ts->tv_nsec = ns;
    return 0;
}
#endif

int __vdso_gettimeofday(struct rs_timeval *tv, struct rs_timezone *tz) {
    if (tv) {
        uint64_t s;
        uint32_t ns;
        if (!read_clock(RS_CLOCK_REALTIME, &s, &ns))
            return (int)sys3(NR_gettimeofday, (long)tv, (long)tz, 0);
        tv->tv_sec = (rs_time_t)s;
        tv->tv_usec = (int32_t)(ns / 1000u);
    }
    if (tz) {
        const volatile RsVvar *v = vvar();
        tz->tz_minuteswest = v->tz_minuteswest;
        tz->tz_dsttime = v->tz_dsttime;
    }
    return 0;
}

/* Linux answers time() from the coarse realtime clock. */
rs_time_t __vdso_time(rs_time_t *t) {
    uint64_t s;
    uint32_t ns;
    if (!read_clock(RS_CLOCK_REALTIME_COARSE, &s, &ns))
        return (rs_time_t)sys3(NR_time, (long)t, 0, 0);
    if (t) *t = (rs_time_t)s;
    return (rs_time_t)s;
}

int __vdso_clock_getres(long clk, struct rs_timespec *res) {
    const volatile RsVvar *v = vvar();
    if (!served(clk) || !v->valid) return (int)sys3(NR_clock_getres, clk, (long)res, 0);
    if (res) {
        res->tv_sec = 0;
        res->tv_nsec = (int32_t)v->res_nsec[clk];
    }
    return 0;
}

/* The CPU and node, (node << 12) | cpu as Linux encodes them: the 64-bit
 * vDSO reads the per-CPU segment's limit (Linux's vdso_read_cpunode without
 * RDPID); the 32-bit one reads TSC_AUX with RDTSCP, as Linux's vDSO once did,
 * since the selector differs between the 64-bit kernel's GDT and a 32-bit
 * kernel's. ringside keeps both current (syscall/task.c sys_track_cpu). */
long __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused) {
    (void)unused;
    unsigned p = 0;
#ifdef __x86_64__
    __asm__ volatile("lsl %1, %0" : "+r"(p) : "r"(0x7bu) : "cc"); /* unchanged if invalid */
#else
    __asm__ volatile("rdtscp" : "=c"(p) : : "eax", "edx");
#endif
    if (cpu) *cpu = p & 0xfff;
    if (node) *node = p >> 12;
    return 0;
}

#ifdef __x86_64__
/* The unprefixed names Linux's 64-bit vDSO also exports (weak). */
int clock_gettime(long, struct rs_timespec *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct rs_timeval *, struct rs_timezone *)
    __attribute__((weak, alias("__vdso_gettimeofday")));
rs_time_t time(rs_time_t *) __attribute__((weak, alias("__vdso_time")));
int clock_getres(long, struct rs_timespec *) __attribute__((weak, alias("__vdso_clock_getres")));
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
#endif
