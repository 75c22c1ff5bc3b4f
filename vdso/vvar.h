/* The clock data page ringside keeps current for the vDSO (the first page of
 * [vvar]): its layout is shared by the guest-side code (vdso/vclock.c, built
 * -m64 and -m32) and the host-side writer (vdso/vvar.c), so every field has
 * the same offset in both ABIs (64-bit fields on 8-byte offsets; checked by
 * the asserts below).
 *
 * The layout is ringside's own, not Linux's vdso_data: only this vDSO reads
 * it. The mapping follows Linux 6.18's: [vvar] (4 pages), [vvar_vclock]
 * (2 pages, the paravirtual clock pages, left zero here) and [vdso], each
 * directly above the previous one.
 *
 * A clock reads as
 *     ns = base[clock] + ((tsc - tsc_base) * mult) >> 32
 * with tsc the guest's RDTSC (which is the host's), valid while
 * tsc - tsc_base <= max_delta; otherwise, and whenever `valid` is 0, the
 * vDSO makes the real system call. seq is odd while ringside rewrites the
 * page (a seqcount, as Linux's vdso_data.seq).
 *
 * A coarse clock's base is the host's coarse reading (its last tick); the
 * vDSO advances it by whole ticks of coarse_nsec as the fine clock passes
 * them, each coarse_lag late: the host's tick interrupt lands a little after
 * the tick is due, and a coarse clock must not run ahead of the host's. */
#ifndef RINGSIDE_VVAR_H
#define RINGSIDE_VVAR_H

#include <stdint.h>

#define RS_VVAR_PAGES   4 /* [vvar] */
#define RS_VCLOCK_PAGES 2 /* [vvar_vclock] */

/* Clocks the vDSO serves (Linux's clock ids); others make the system call. */
#define RS_CLOCK_REALTIME         0
#define RS_CLOCK_MONOTONIC        1
#define RS_CLOCK_MONOTONIC_RAW    4
#define RS_CLOCK_REALTIME_COARSE  5
#define RS_CLOCK_MONOTONIC_COARSE 6
#define RS_CLOCK_BOOTTIME         7
#define RS_CLOCK_TAI              11
#define RS_NCLOCKS                12
#define RS_CLOCK_MASK                                                                              \
    ((1u << RS_CLOCK_REALTIME) | (1u << RS_CLOCK_MONOTONIC) | (1u << RS_CLOCK_MONOTONIC_RAW) |     \
     (1u << RS_CLOCK_REALTIME_COARSE) | (1u << RS_CLOCK_MONOTONIC_COARSE) |                        \
     (1u << RS_CLOCK_BOOTTIME) | (1u << RS_CLOCK_TAI))

typedef struct RsVvarTime {
    uint64_t sec;  /* base time at tsc_base */
    uint64_t nsec; /* < 1e9 */
} RsVvarTime;

typedef struct RsVvar {
    uint32_t seq;   /* odd while being written */
    uint32_t valid; /* 0: every call makes the system call */
    uint64_t tsc_base;
    uint64_t max_delta; /* TSC ticks the extrapolation may span */
    uint64_t mult;      /* ns per tick, 32.32 fixed point */
    RsVvarTime base[RS_NCLOCKS];
    uint32_t res_nsec[RS_NCLOCKS]; /* clock_getres (all under a second) */
    uint32_t coarse_nsec;          /* coarse clocks round down to this */
    int32_t tz_minuteswest;        /* gettimeofday's struct timezone */
    int32_t tz_dsttime;
    uint32_t coarse_lag; /* a tick counts this long after it is due */
} RsVvar;

_Static_assert(sizeof(RsVvarTime) == 16, "RsVvarTime layout");
_Static_assert(__builtin_offsetof(RsVvar, base) == 32, "RsVvar layout");
_Static_assert(sizeof(RsVvar) == 32 + 16 * RS_NCLOCKS + 4 * RS_NCLOCKS + 16, "RsVvar layout");

#endif
