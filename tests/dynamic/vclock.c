/* vclock: the vDSO's time functions against the kernel's system calls, in
 * the same process. Prints relations only (never times), so the native run
 * and the ringside run print the same thing when both hold:
 *   - the vDSO exports __vdso_clock_gettime & co. (looked up by name and
 *     LINUX_2.6 version through its own dynamic section, as libc does);
 *   - each served clock read through the vDSO lies between two system-call
 *     reads around it (coarse clocks: within their resolution);
 *   - a clock never goes backwards over many reads mixing vDSO and system
 *     calls, and advances at the rate the system call sees;
 *   - clock_getres, gettimeofday, time and getcpu agree with their calls;
 *   - unknown clocks, CPU-time clocks and bad pointers give what the kernel
 *     gives (EINVAL / a value / EFAULT through the fallback).
 * Run with "count" it loops clock_gettime (for the --strace check). */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#if UINTPTR_MAX == 0xffffffffu
typedef Elf32_Ehdr Ehdr;
typedef Elf32_Phdr Phdr;
typedef Elf32_Dyn Dyn;
typedef Elf32_Sym Sym;
typedef Elf32_Verdef Verdef;
typedef Elf32_Verdaux Verdaux;
#define IS32 1
#else
typedef Elf64_Ehdr Ehdr;
typedef Elf64_Phdr Phdr;
typedef Elf64_Dyn Dyn;
typedef Elf64_Sym Sym;
typedef Elf64_Verdef Verdef;
typedef Elf64_Verdaux Verdaux;
#define IS32 0
#endif

/* Find a versioned symbol in the vDSO through its program headers. */
static void *vdso_sym(const char *name, const char *version) {
    uintptr_t base = getauxval(AT_SYSINFO_EHDR);
    if (!base) return NULL;
    const Ehdr *eh = (const Ehdr *)base;
    const Phdr *ph = (const Phdr *)(base + eh->e_phoff);
    uintptr_t load = 0;
    const Dyn *dyn = NULL;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && !load) load = base + ph[i].p_offset - ph[i].p_vaddr;
        if (ph[i].p_type == PT_DYNAMIC) dyn = (const Dyn *)(base + ph[i].p_offset);
    }
    if (!dyn) return NULL;
    const char *str = NULL;
    const Sym *sym = NULL;
    const uint32_t *hash = NULL;
    const uint16_t *versym = NULL;
    const Verdef *vd = NULL;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        uintptr_t p = load + dyn->d_un.d_ptr;
        switch (dyn->d_tag) {
        case DT_STRTAB: str = (const char *)p; break;
        case DT_SYMTAB: sym = (const Sym *)p; break;
        case DT_HASH: hash = (const uint32_t *)p; break;
        case DT_VERSYM: versym = (const uint16_t *)p; break;
        case DT_VERDEF: vd = (const Verdef *)p; break;
        }
    }
    if (!str || !sym || !hash || !versym || !vd) return NULL;
    for (uint32_t i = 0; i < hash[1]; i++) {
        if (strcmp(str + sym[i].st_name, name) != 0 || sym[i].st_shndx == SHN_UNDEF) continue;
        uint16_t ver = versym[i] & 0x7fff;
        for (const Verdef *d = vd;; d = (const Verdef *)((const char *)d + d->vd_next)) {
            const Verdaux *a = (const Verdaux *)((const char *)d + d->vd_aux);
            if (d->vd_ndx == ver && strcmp(str + a->vda_name, version) == 0)
                return (void *)(load + sym[i].st_value);
            if (!d->vd_next) break;
        }
    }
    return NULL;
}

static int64_t ns_of(const struct timespec *t) {
    return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static int sys_gettime(clockid_t c, struct timespec *t) {
#if IS32 && defined(SYS_clock_gettime64)
    struct {
        int64_t s, ns;
    } k;
    long r = syscall(SYS_clock_gettime64, c, &k);
    t->tv_sec = (time_t)k.s;
    t->tv_nsec = (long)k.ns;
    return (int)r;
#else
    return (int)syscall(SYS_clock_gettime, c, t);
#endif
}

typedef int (*cgt_fn)(clockid_t, struct timespec *);
static cgt_fn vdso_cgt;
static int fails;

static void check(const char *what, int ok) {
    printf("%-52s %s\n", what, ok ? "ok" : "FAIL");
    if (!ok) fails++;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "count") == 0) {
        /* many clock_gettime calls, for ringside --strace to count */
        struct timespec t;
        int64_t last = 0, back = 0;
        for (int i = 0; i < 20000; i++) {
            clock_gettime(CLOCK_MONOTONIC, &t);
            if (ns_of(&t) < last) back++;
            last = ns_of(&t);
        }
        printf("monotonic steps back: %lld\n", (long long)back);
        return 0;
    }
    /* getcpu is compared pinned to the first CPU we may run on */
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        for (int i = 0; i < CPU_SETSIZE; i++)
            if (CPU_ISSET(i, &set)) {
                CPU_ZERO(&set);
                CPU_SET(i, &set);
                sched_setaffinity(0, sizeof set, &set);
                break;
            }
    }
    const char *names[] = {"__vdso_clock_gettime", "__vdso_gettimeofday", "__vdso_time",
                           "__vdso_clock_getres", "__vdso_getcpu"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char what[80];
        snprintf(what, sizeof what, "vDSO exports %s@LINUX_2.6", names[i]);
        check(what, vdso_sym(names[i], "LINUX_2.6") != NULL);
    }
#if IS32
    check("vDSO exports __vdso_clock_gettime64@LINUX_2.6",
          vdso_sym("__vdso_clock_gettime64", "LINUX_2.6") != NULL);
    /* the 64-bit-time entry takes struct timespec with 64-bit fields */
    vdso_cgt = (cgt_fn)vdso_sym("__vdso_clock_gettime64", "LINUX_2.6");
    if (sizeof(time_t) != 8) vdso_cgt = NULL; /* built without _TIME_BITS=64 */
#else
    vdso_cgt = (cgt_fn)vdso_sym("__vdso_clock_gettime", "LINUX_2.6");
#endif
    if (!vdso_cgt) vdso_cgt = clock_gettime;

    static const struct {
        clockid_t id;
        const char *name;
        int coarse;
    } clocks[] = {{CLOCK_REALTIME, "REALTIME", 0},
                  {CLOCK_MONOTONIC, "MONOTONIC", 0},
                  {CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW", 0},
                  {CLOCK_REALTIME_COARSE, "REALTIME_COARSE", 1},
                  {CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE", 1},
                  {CLOCK_BOOTTIME, "BOOTTIME", 0},
                  {CLOCK_TAI, "TAI", 0}};
    for (size_t k = 0; k < sizeof clocks / sizeof clocks[0]; k++) {
        clockid_t c = clocks[k].id;
        struct timespec res, sres, a, v, b;
        clock_getres(c, &res);
        syscall(SYS_clock_getres, c, &sres);
        char what[96];
        snprintf(what, sizeof what, "%s: getres as the system call", clocks[k].name);
        check(what, res.tv_sec == sres.tv_sec && res.tv_nsec == sres.tv_nsec);
        int between = 1, mono = 1, nsec_ok = 1;
        int64_t last = 0, slack = clocks[k].coarse ? ns_of(&res) : 0;
        for (int i = 0; i < 2000; i++) {
            sys_gettime(c, &a);
            vdso_cgt(c, &v);
            sys_gettime(c, &b);
            /* Realtime may be stepped by the host while we run: then only
             * the bracket would fail; retry those instead of failing. */
            if (ns_of(&v) < ns_of(&a) - slack || ns_of(&v) > ns_of(&b) + slack) between = 0;
            if (v.tv_nsec < 0 || v.tv_nsec >= 1000000000) nsec_ok = 0;
            if (ns_of(&a) < last || ns_of(&v) < ns_of(&a) - slack) mono = 0;
            last = ns_of(&b);
        }
        snprintf(what, sizeof what, "%s: vDSO between system calls", clocks[k].name);
        check(what, between);
        snprintf(what, sizeof what, "%s: never backwards, nsec in range", clocks[k].name);
        check(what, mono && nsec_ok);
    }
    /* the rate over ~50 ms of busy work: vDSO and system call agree to 0.1%.
     * Each vDSO read is bracketed by two system-call reads, so a preemption
     * between them widens the allowed interval instead of failing the test. */
    struct timespec s0a, v0, s0b, s1a, v1, s1b;
    sys_gettime(CLOCK_MONOTONIC, &s0a);
    vdso_cgt(CLOCK_MONOTONIC, &v0);
    sys_gettime(CLOCK_MONOTONIC, &s0b);
    volatile unsigned long spin = 0;
    do {
        for (int i = 0; i < 10000; i++)
            spin += (unsigned long)i;
        sys_gettime(CLOCK_MONOTONIC, &s1a);
    } while (ns_of(&s1a) - ns_of(&s0b) < 50000000);
    vdso_cgt(CLOCK_MONOTONIC, &v1);
    sys_gettime(CLOCK_MONOTONIC, &s1b);
    int64_t dv = ns_of(&v1) - ns_of(&v0);
    int64_t lo = ns_of(&s1a) - ns_of(&s0b), hi = ns_of(&s1b) - ns_of(&s0a);
    check("MONOTONIC: vDSO rate within 0.1% of the system call's",
          dv >= lo - lo / 1000 && dv <= hi + hi / 1000);

    struct timeval tv;
    struct timespec r0, r1;
    sys_gettime(CLOCK_REALTIME, &r0);
    gettimeofday(&tv, NULL);
    sys_gettime(CLOCK_REALTIME, &r1);
    int64_t tvns = (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000;
    check("gettimeofday between realtime reads (to the usec)",
          tvns >= ns_of(&r0) - 1000 && tvns <= ns_of(&r1) && tv.tv_usec >= 0 &&
              tv.tv_usec < 1000000);
    struct timezone tz = {12345, 678}, stz = {54321, 876};
    gettimeofday(&tv, &tz);
    syscall(SYS_gettimeofday, NULL, &stz);
    check("gettimeofday timezone as the system call",
          tz.tz_minuteswest == stz.tz_minuteswest && tz.tz_dsttime == stz.tz_dsttime);
    time_t t0 = (time_t)syscall(SYS_time, NULL), tt, t1;
    time_t tr = time(&tt);
    t1 = (time_t)syscall(SYS_time, NULL);
    /* the coarse clock may trail the kernel's by under a millisecond */
    check("time() between time system calls, result == *arg",
          tr == tt && tr + 1 >= t0 && tr <= t1);

    unsigned cpu = 99, node = 99, scpu = 98, snode = 98;
    typedef long (*getcpu_fn)(unsigned *, unsigned *, void *);
    getcpu_fn vg = (getcpu_fn)vdso_sym("__vdso_getcpu", "LINUX_2.6");
    long gr = vg ? vg(&cpu, &node, NULL) : -1;
    syscall(SYS_getcpu, &scpu, &snode, NULL);
    check("getcpu: vDSO as the system call", gr == 0 && cpu == scpu && node == snode);
    check("sched_getcpu as the system call", sched_getcpu() == (int)scpu);

    struct timespec x;
    errno = 0;
    check("clock_gettime(unknown clock) = EINVAL",
          clock_gettime(1000, &x) == -1 && errno == EINVAL);
    errno = 0;
    check("clock_getres(unknown clock) = EINVAL", clock_getres(1000, &x) == -1 && errno == EINVAL);
    struct timespec p0, p1;
    check("clock_gettime(PROCESS_CPUTIME) works",
          clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p0) == 0 &&
              clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p1) == 0 && ns_of(&p1) >= ns_of(&p0));
    check("clock_gettime(THREAD_CPUTIME) works", clock_gettime(CLOCK_THREAD_CPUTIME_ID, &p0) == 0);
    check("clock_getres(MONOTONIC, NULL) = 0", clock_getres(CLOCK_MONOTONIC, NULL) == 0);
    printf("%s\n", fails ? "FAILED" : "all ok");
    return fails != 0;
}
