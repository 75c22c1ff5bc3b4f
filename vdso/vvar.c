/* The host side of the clock page (vdso/vvar.h): the guest's vDSO computes
 * time from its own RDTSC (which is the host's TSC) and the base times and
 * rate written here, so clock_gettime runs guest code only.
 *
 * Calibration: the TSC rate is measured against the host's CLOCK_MONOTONIC_RAW
 * from ringside's start, so its error shrinks as the process runs (a 200 us
 * first interval, then the whole run). Each rewrite of the page takes every
 * served clock's true time at one TSC value; a clock never steps backwards
 * across a rewrite (if the extrapolation ran ahead, the page keeps the
 * extrapolated value and a slightly slower rate until truth catches up),
 * except for a real step of the host clock (settimeofday), which the guest
 * sees as natively. The page is rewritten at system-call boundaries once it
 * is a millisecond old, and whenever the guest falls back to the system
 * call. Without a usable TSC (constant_tsc and nonstop_tsc), valid stays 0
 * and the vDSO makes system calls: correct, only slower. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include "vdso.h"
#include "vvar.h"

static struct {
    int state;           /* 0 not yet, 1 calibrated, -1 no usable TSC */
    uint64_t tsc0, raw0; /* the calibration origin */
    uint64_t mult;       /* ns per tick, 32.32 */
    uint64_t hz;         /* ticks per second (estimate) */
    uint32_t res[RS_NCLOCKS];
    uint32_t coarse;
    uint64_t lag_seen; /* the most the host's coarse clock trailed its fine one */
    unsigned nseen;
    int32_t tz_west, tz_dst;
} cal;

static const int served[] = {RS_CLOCK_REALTIME,
                             RS_CLOCK_MONOTONIC,
                             RS_CLOCK_MONOTONIC_RAW,
                             RS_CLOCK_REALTIME_COARSE,
                             RS_CLOCK_MONOTONIC_COARSE,
                             RS_CLOCK_BOOTTIME,
                             RS_CLOCK_TAI};

static uint64_t ts_ns(const struct timespec *t) {
    return (uint64_t)t->tv_sec * 1000000000ull + (uint64_t)t->tv_nsec;
}

/* A host clock's time and the TSC at the same moment (the midpoint of the
 * tightest of a few TSC brackets around the read). */
static void sample(clockid_t id, uint64_t *tsc, uint64_t *ns) {
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < 4; i++) {
        struct timespec t;
        _mm_lfence();
        uint64_t a = __rdtsc();
        clock_gettime(id, &t);
        _mm_lfence();
        uint64_t b = __rdtsc();
        if (b - a < best) {
            best = b - a;
            *tsc = a + (b - a) / 2;
            *ns = ts_ns(&t);
        }
    }
}

/* The kernel's own verdict on its TSC: constant rate across P-states and
 * not stopped in deep C-states. */
static int tsc_usable(void) {
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return 0;
    char line[4096];
    int ok = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "flags", 5) != 0) continue;
        ok = strstr(line, " constant_tsc") && strstr(line, " nonstop_tsc");
        break;
    }
    fclose(f);
    return ok;
}

static uint64_t rate(uint64_t dtsc, uint64_t dns) {
    return dtsc ? (uint64_t)(((unsigned __int128)dns << 32) / dtsc) : 0;
}

static void calibrate(void) {
    if (cal.state) return;
    cal.state = -1;
    const char *off = getenv("RINGSIDE_NO_VVAR"); /* debugging: always the system call */
    if (off && *off && strcmp(off, "0") != 0) return;
    if (!tsc_usable()) return;
    uint64_t t1, n1;
    sample(CLOCK_MONOTONIC_RAW, &cal.tsc0, &cal.raw0);
    do
        sample(CLOCK_MONOTONIC_RAW, &t1, &n1);
    while (n1 - cal.raw0 < 200000);
    cal.mult = rate(t1 - cal.tsc0, n1 - cal.raw0);
    cal.hz = cal.mult ? (uint64_t)((1ull << 32) * 1000000000.0 / (double)cal.mult) : 0;
    /* a TSC outside 100 MHz..20 GHz is not one to trust */
    if (cal.hz < 100000000ull || cal.hz > 20000000000ull) return;
    for (size_t i = 0; i < sizeof served / sizeof served[0]; i++) {
        struct timespec r = {0, 1};
        clock_getres(served[i], &r);
        cal.res[served[i]] = r.tv_sec ? 999999999u : (uint32_t)r.tv_nsec;
    }
    cal.coarse = cal.res[RS_CLOCK_REALTIME_COARSE];
    struct {
        int32_t west, dst;
    } tz = {0, 0};
    syscall(SYS_gettimeofday, NULL, &tz);
    cal.tz_west = tz.west;
    cal.tz_dst = tz.dst;
    cal.state = 1;
}

/* What the guest reads for clock c at TSC value now from page v, in ns (the
 * vDSO's arithmetic, with the extrapolation capped at max_delta). */
static uint64_t estimate(const RsVvar *v, int c, uint64_t now) {
    uint64_t d = now - v->tsc_base;
    if ((int64_t)d < 0) d = 0;
    if (d > v->max_delta) d = v->max_delta;
    if (c != RS_CLOCK_REALTIME_COARSE && c != RS_CLOCK_MONOTONIC_COARSE)
        return v->base[c].sec * 1000000000ull + v->base[c].nsec +
               (uint64_t)(((unsigned __int128)d * v->mult) >> 32);
    int fine = c == RS_CLOCK_REALTIME_COARSE ? RS_CLOCK_REALTIME : RS_CLOCK_MONOTONIC;
    uint64_t base = v->base[c].sec * 1000000000ull + v->base[c].nsec;
    uint64_t f = estimate(v, fine, now);
    uint64_t step = v->coarse_nsec ? v->coarse_nsec : 1;
    return f > base + v->coarse_lag ? base + (f - base - v->coarse_lag) / step * step : base;
}

void vvar_refresh(Mem *m, uint64_t vvar, int force) {
    uint8_t *pg = mem_page(m, vvar);
    if (!pg) return;
    RsVvar *v = (RsVvar *)pg;
    if (!cal.state) calibrate();
    if (cal.state < 0) {
        v->valid = 0;
        return;
    }
    uint64_t now = __rdtsc();
    if (!force && v->valid && now - v->tsc_base < cal.hz / 1000) return;

    uint64_t t, raw;
    sample(CLOCK_MONOTONIC_RAW, &t, &raw);
    if (t - cal.tsc0 > cal.hz / 10) cal.mult = rate(t - cal.tsc0, raw - cal.raw0);
    uint64_t mult = cal.mult;
    now = t;

    RsVvar nv = *v;
    int ahead = 0;
    uint64_t truth[RS_NCLOCKS] = {0};
    for (size_t i = 0; i < sizeof served / sizeof served[0]; i++) {
        int c = served[i];
        int coarse = c == RS_CLOCK_REALTIME_COARSE || c == RS_CLOCK_MONOTONIC_COARSE;
        uint64_t ts, ns;
        sample((clockid_t)c, &ts, &ns);
        /* a fine clock's truth at `now`; a coarse one is a step function:
         * its last tick stands */
        if (!coarse) {
            if (ts >= now)
                ns -= (uint64_t)(((unsigned __int128)(ts - now) * mult) >> 32);
            else
                ns += (uint64_t)(((unsigned __int128)(now - ts) * mult) >> 32);
        }
        truth[c] = ns;
        if (c == RS_CLOCK_MONOTONIC_COARSE && truth[RS_CLOCK_MONOTONIC] > ns) {
            uint64_t trail = truth[RS_CLOCK_MONOTONIC] - ns;
            if (trail < 1000000000ull && trail > cal.lag_seen) cal.lag_seen = trail;
            cal.nseen++;
        }
        if (v->valid) {
            uint64_t est = estimate(v, c, now);
            /* ahead by less than the slack: drift (or tick jitter), hold
             * the line; more: the host clock was stepped back, follow it */
            uint64_t slack = coarse ? 2ull * cal.coarse : 1000000;
            if (est > ns && est - ns < slack) {
                ns = est;
                ahead |= !coarse;
            }
        }
        nv.base[c].sec = ns / 1000000000ull;
        nv.base[c].nsec = ns % 1000000000ull;
        nv.res_nsec[c] = cal.res[c];
    }
    nv.tsc_base = now;
    nv.mult = ahead ? mult - (mult >> 12) : mult; /* 244 ppm slow while ahead */
    nv.max_delta = cal.hz * 3; /* the vDSO's carry loop and coarse delta: <= 3 s */
    nv.coarse_nsec = cal.coarse;
    /* Until enough refreshes have shown how far the host's coarse clock
     * trails (a tick's worth plus the tick interrupt's latency: 3 ms more
     * on a KVM guest seen), assume a whole extra tick; then the most seen
     * and a millisecond of margin, so the guest's coarse clock may trail
     * the host's by up to that much but never leads it. */
    uint64_t lag = cal.coarse;
    if (cal.nseen >= 16)
        lag = (cal.lag_seen > cal.coarse ? cal.lag_seen - cal.coarse : 0) + 1000000;
    nv.coarse_lag = (uint32_t)(lag < 1000000000ull ? lag : 999999999u);
    nv.tz_minuteswest = cal.tz_west;
    nv.tz_dsttime = cal.tz_dst;
    nv.valid = 1;

    /* seqcount write side: odd while the fields change */
    uint32_t seq = v->seq;
    __atomic_store_n(&v->seq, seq + 1, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    nv.seq = seq + 1;
    memcpy(v, &nv, sizeof nv);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    __atomic_store_n(&v->seq, seq + 2, __ATOMIC_RELEASE);
}
