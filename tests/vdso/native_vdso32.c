/* Built with `cc -m32 -static` by native_vdso32.sh: runs ringside's 32-bit
 * vDSO code natively on the host kernel (the oracle) from a file written by
 * `test_vdso32 --dump-mapped`, mapped R+X anywhere in this process.
 *   native_vdso32 IMAGE
 * - __kernel_vsyscall: getpid and a 6-argument mmap2 give what the host's
 *   system calls give, and every register but %eax survives the call;
 * - the __vdso_* time functions agree with the system calls, errors included;
 * - a signal handler registered with SA_RESTORER = our __kernel_rt_sigreturn /
 *   __kernel_sigreturn returns to the interrupted code, and libgcc's unwinder
 *   walks from the handler through our trampoline to the same frames as it
 *   does through the host vDSO's own trampoline (no SA_RESTORER).
 * The fast entries return to the host vDSO's landing pad, whose pops match
 * ours; the int80 variant exercises our own. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <unwind.h>

#include "elf32_vsym.h"

static int failures;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            printf("FAIL line %d: ", __LINE__);                                                    \
            printf(__VA_ARGS__);                                                                   \
            putchar('\n');                                                                         \
        }                                                                                          \
    } while (0)

/* vcall(fn, nr, a1..a6): loads the i386 system call registers, calls fn
 * (__kernel_vsyscall) and records %ebx %ecx %edx %esi %edi %ebp after it. */
extern int vcall(void *fn, int nr, int a1, int a2, int a3, int a4, int a5, int a6);
unsigned vregs[6];
__asm__(".text\n"
        ".globl vcall\n"
        "vcall:\n"
        "    push %ebp\n"
        "    push %ebx\n"
        "    push %esi\n"
        "    push %edi\n"
        "    mov 24(%esp), %eax\n"
        "    mov 28(%esp), %ebx\n"
        "    mov 32(%esp), %ecx\n"
        "    mov 36(%esp), %edx\n"
        "    mov 40(%esp), %esi\n"
        "    mov 44(%esp), %edi\n"
        "    mov 48(%esp), %ebp\n"
        "    call *20(%esp)\n"
        "    mov %ebx, vregs\n"
        "    mov %ecx, vregs+4\n"
        "    mov %edx, vregs+8\n"
        "    mov %esi, vregs+12\n"
        "    mov %edi, vregs+16\n"
        "    mov %ebp, vregs+20\n"
        "    pop %edi\n"
        "    pop %esi\n"
        "    pop %ebx\n"
        "    pop %ebp\n"
        "    ret\n");

static void regs_kept(const char *what, int a1, int a2, int a3, int a4, int a5, int a6) {
    unsigned want[6] = {a1, a2, a3, a4, a5, a6};
    CHECK(!memcmp(vregs, want, sizeof want),
          "%s: registers after __kernel_vsyscall %x %x %x %x %x %x, want %x %x %x %x %x %x", what,
          vregs[0], vregs[1], vregs[2], vregs[3], vregs[4], vregs[5], want[0], want[1], want[2],
          want[3], want[4], want[5]);
}

static void test_vsyscall(void *fn) {
    int r = vcall(fn, SYS_getpid, 0x11111111, 0x22222222, 0x33333333, 0x44444444, 0x55555555,
                  0x66666666);
    CHECK(r == (int)syscall(SYS_getpid), "getpid via __kernel_vsyscall: %d", r);
    regs_kept("getpid", 0x11111111, 0x22222222, 0x33333333, 0x44444444, 0x55555555, 0x66666666);

    /* Six arguments: the page offset (arg 6, %ebp) must reach the kernel. */
    char path[] = "/tmp/native_vdso32_XXXXXX";
    int fd = mkstemp(path);
    static char pages[2][4096];
    memset(pages[0], 'a', 4096);
    memset(pages[1], 'b', 4096);
    CHECK(fd >= 0 && write(fd, pages, sizeof pages) == sizeof pages, "temp file");
    unlink(path);
    r = vcall(fn, SYS_mmap2, 0, 4096, PROT_READ, MAP_PRIVATE, fd, 1);
    if ((unsigned)r < 0xfffff001u) {
        CHECK(((const char *)r)[0] == 'b', "mmap2 via __kernel_vsyscall ignored arg 6");
        munmap((void *)r, 4096);
    } else {
        CHECK(0, "mmap2 via __kernel_vsyscall failed: %d", r);
    }
    regs_kept("mmap2", 0, 4096, PROT_READ, MAP_PRIVATE, fd, 1);
    r = vcall(fn, SYS_close, 12345, 0, 0, 0, 0, 0);
    CHECK(r == -9, "close(12345) via __kernel_vsyscall: %d, want -EBADF", r);
    close(fd);
}

struct ts32 {
    long sec, nsec;
};
struct ts64 {
    long long sec, nsec;
};

static long long ns32(struct ts32 t) { return t.sec * 1000000000ll + t.nsec; }

static void test_time(const Elf32View *v, uintptr_t base) {
#define FN(name)                                                                                   \
    (e32_lookup(v, name, "LINUX_2.6") ? base + e32_lookup(v, name, "LINUX_2.6")->st_value : 0)
    int (*cgt)(int, struct ts32 *) = (void *)FN("__vdso_clock_gettime");
    int (*cgt64)(int, struct ts64 *) = (void *)FN("__vdso_clock_gettime64");
    int (*gtod)(struct ts32 *, void *) = (void *)FN("__vdso_gettimeofday");
    long (*tm)(long *) = (void *)FN("__vdso_time");
    int (*getres)(int, struct ts32 *) = (void *)FN("__vdso_clock_getres");
    CHECK(cgt && cgt64 && gtod && tm && getres, "time functions missing");
    if (!(cgt && cgt64 && gtod && tm && getres)) return;

    struct ts32 a, b, c;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
    CHECK(cgt(CLOCK_MONOTONIC, &b) == 0, "__vdso_clock_gettime");
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &c);
    CHECK(ns32(a) <= ns32(b) && ns32(b) <= ns32(c), "__vdso_clock_gettime out of order");
    CHECK(cgt(12345, &b) == -22, "__vdso_clock_gettime(bad clock) is not -EINVAL");

    struct ts64 d;
    CHECK(cgt64(CLOCK_MONOTONIC, &d) == 0 && d.sec * 1000000000ll + d.nsec >= ns32(c),
          "__vdso_clock_gettime64");
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
    CHECK(d.sec * 1000000000ll + d.nsec <= ns32(a), "__vdso_clock_gettime64 from the future");

    struct ts32 r1, r2;
    syscall(SYS_clock_getres, CLOCK_MONOTONIC, &r1);
    CHECK(getres(CLOCK_MONOTONIC, &r2) == 0 && r1.sec == r2.sec && r1.nsec == r2.nsec,
          "__vdso_clock_getres");
    CHECK(getres(12345, &r2) == -22, "__vdso_clock_getres(bad clock)");

    struct ts32 tv; /* struct timeval has the same shape */
    long t0 = syscall(SYS_time, NULL);
    CHECK(gtod(&tv, NULL) == 0 && tv.sec >= t0 && tv.sec <= t0 + 2 && tv.nsec < 1000000,
          "__vdso_gettimeofday");
    long t1 = -1, t2 = tm(&t1);
    CHECK(t2 == t1 && t2 >= t0 && t2 <= t0 + 2, "__vdso_time: %ld %ld (%ld)", t2, t1, t0);
    CHECK(tm(NULL) >= t0, "__vdso_time(NULL)");
}

/* ---- signals ---------------------------------------------------------- */

#define SA_RESTORER_ 0x04000000
struct k_sigaction {
    void *handler;
    unsigned long flags;
    void *restorer;
    unsigned mask[2];
};

#define MAXF 16
static uintptr_t frames[4][MAXF];
static int nframes[4], mode, handled[4];

static _Unwind_Reason_Code collect(struct _Unwind_Context *ctx, void *arg) {
    int ip_before = 0;
    uintptr_t ip = _Unwind_GetIPInfo(ctx, &ip_before);
    if (nframes[mode] < MAXF) frames[mode][nframes[mode]++] = ip;
    return _URC_NO_REASON;
}

static void handler(int sig) {
    handled[mode]++;
    _Unwind_Backtrace(collect, NULL);
}

static void handler_info(int sig, siginfo_t *si, void *uc) { handler(sig); }

/* Raise the signal with int $0x80 here, so the interrupted PC is in this
 * function whatever the trampoline. */
__attribute__((noinline)) static int do_raise(void) {
    int r, pid = getpid();
    __asm__ volatile("int $0x80" : "=a"(r) : "0"(SYS_kill), "b"(pid), "c"(SIGUSR1) : "memory");
    return r;
}

static int set_handler(int rt, void *restorer) {
    struct k_sigaction ka = {0};
    ka.handler = rt ? (void *)handler_info : (void *)handler;
    ka.flags = (rt ? SA_SIGINFO : 0) | (restorer ? SA_RESTORER_ : 0);
    ka.restorer = restorer;
    return (int)syscall(SYS_rt_sigaction, SIGUSR1, &ka, NULL, 8);
}

/* End of the host vDSO's image (its highest PT_LOAD), 0 without one. */
static uintptr_t host_vdso_end(uintptr_t hbase) {
    if (!hbase) return 0;
    const Elf32_Ehdr *eh = (const Elf32_Ehdr *)hbase;
    const Elf32_Phdr *ph = (const Elf32_Phdr *)(hbase + eh->e_phoff);
    uintptr_t end = hbase;
    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD && hbase + ph[i].p_vaddr + ph[i].p_memsz > end)
            end = hbase + ph[i].p_vaddr + ph[i].p_memsz;
    return end;
}

static void test_signals(uintptr_t sr, uintptr_t rt) {
    uintptr_t hbase = getauxval(AT_SYSINFO_EHDR), hend = host_vdso_end(hbase);
    /* modes: 0 host rt, 1 ours rt, 2 host non-rt, 3 ours non-rt */
    for (mode = 0; mode < 4; mode++) {
        int ours = mode & 1, isrt = mode < 2;
        if (!ours && !hbase) continue;
        CHECK(set_handler(isrt, ours ? (void *)(isrt ? rt : sr) : NULL) == 0, "rt_sigaction");
        CHECK(do_raise() == 0 && handled[mode] == 1, "mode %d: handler ran %d times", mode,
              handled[mode]);
    }
    signal(SIGUSR1, SIG_DFL);
    for (int m = 1; m < 4; m += 2) {
        const char *what = m == 1 ? "__kernel_rt_sigreturn" : "__kernel_sigreturn";
        uintptr_t tramp = m == 1 ? rt : sr;
        int t = -1;
        for (int i = 0; i < nframes[m]; i++)
            if (frames[m][i] == tramp) t = i;
        CHECK(t >= 0, "%s: the unwinder did not reach our trampoline", what);
        CHECK(t >= 0 && nframes[m] >= t + 3, "%s: the unwinder stopped at the trampoline", what);
        if (!hbase || t < 0) continue;
        int h = -1;
        for (int i = 0; i < nframes[m - 1]; i++)
            if (frames[m - 1][i] >= hbase && frames[m - 1][i] < hend) h = i;
        if (h < 0) {
            printf("note: the unwinder did not pass the host vDSO's trampoline; not compared\n");
            continue;
        }
        /* Beyond the trampoline: the interrupted frames, identical in both. */
        int same = nframes[m] - t == nframes[m - 1] - h &&
                   !memcmp(&frames[m][t + 1], &frames[m - 1][h + 1],
                           (size_t)(nframes[m] - t - 1) * sizeof(uintptr_t));
        CHECK(same, "%s: frames past the trampoline differ from the host vDSO's", what);
        if (same)
            printf("ok   %s: handler returned; unwound through it to %d frames, as through the "
                   "host's\n",
                   what, nframes[m] - t - 1);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    int fd = open(argv[1], O_RDONLY);
    off_t len = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;
    /* The image reads its clock page 6 pages below itself ([vvar] and
     * [vvar_vclock], vdso/vvar.h): zero pages there leave it invalid, so the
     * time functions take their system-call path, run natively here. */
    size_t below = 6 * 4096;
    char *res = len > 0
                    ? mmap(NULL, below + (size_t)len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                    : MAP_FAILED;
    void *p = res != MAP_FAILED ? mmap(res + below, (size_t)len, PROT_READ | PROT_EXEC,
                                       MAP_PRIVATE | MAP_FIXED, fd, 0)
                                : MAP_FAILED;
    if (p == MAP_FAILED) {
        perror(argv[1]);
        return 1;
    }
    Elf32View v;
    if (e32_open(&v, p, len)) {
        printf("FAIL: %s is not a usable DSO\n", argv[1]);
        return 1;
    }
    uintptr_t base = (uintptr_t)p;
    const Elf32_Sym *vs = e32_lookup(&v, "__kernel_vsyscall", "LINUX_2.5");
    const Elf32_Sym *sr = e32_lookup(&v, "__kernel_sigreturn", "LINUX_2.5");
    const Elf32_Sym *rt = e32_lookup(&v, "__kernel_rt_sigreturn", "LINUX_2.5");
    if (!vs || !sr || !rt) {
        printf("FAIL: LINUX_2.5 symbols missing\n");
        return 1;
    }
    test_vsyscall((void *)(base + vs->st_value));
    test_time(&v, base);
    test_signals(base + sr->st_value, base + rt->st_value);
    printf("%s (%d failures)\n", failures ? "FAILED" : "ok: ran natively", failures);
    return failures ? 1 : 0;
}
