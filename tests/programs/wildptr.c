/* wildptr: every pointer-taking system call handed wild pointers — NULL, a
 * low address, a PROT_NONE page, an unmapped page, the kernel half, a
 * non-canonical address (64-bit), a buffer that runs off the end of its
 * mapping, and a read-only page where the kernel must write. The program
 * prints (call, pointer kind, return value, errno) for each; run natively
 * and under ringside the lists must be identical: the guest gets exactly
 * the errno Linux gives, and ringside never touches its own memory. Calls
 * go through syscall(2) so no libc wrapper checks anything first.
 * Usage: wildptr DIR (a scratch directory). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *ename(int e) {
    static const struct {
        int e;
        const char *n;
    } t[] = {{EFAULT, "EFAULT"},
             {EINVAL, "EINVAL"},
             {ENOENT, "ENOENT"},
             {EBADF, "EBADF"},
             {ENOTDIR, "ENOTDIR"},
             {EACCES, "EACCES"},
             {EPERM, "EPERM"},
             {ENOSYS, "ENOSYS"},
             {ENAMETOOLONG, "ENAMETOOLONG"},
             {ECHILD, "ECHILD"},
             {EAGAIN, "EAGAIN"},
             {ENOTSOCK, "ENOTSOCK"},
             {ENOMEM, "ENOMEM"},
             {ERANGE, "ERANGE"},
             {EEXIST, "EEXIST"},
             {ENOTCONN, "ENOTCONN"},
             {EDESTADDRREQ, "EDESTADDRREQ"},
             {EISCONN, "EISCONN"},
             {ENODATA, "ENODATA"},
             {EOPNOTSUPP, "EOPNOTSUPP"},
             {EMSGSIZE, "EMSGSIZE"},
             {EAFNOSUPPORT, "EAFNOSUPPORT"}};
    static char buf[16];
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++)
        if (t[k].e == e) return t[k].n;
    snprintf(buf, sizeof buf, "errno%d", e);
    return buf;
}

enum { P_NULL, P_LOW, P_NONE, P_UNMAPPED, P_KERNEL, P_NONCANON, P_STRADDLE, P_RDONLY, NPTR };
static const char *const pname[NPTR] = {"null",   "low",      "prot_none", "unmapped",
                                        "kernel", "noncanon", "straddle",  "rdonly"};
static long ptr[NPTR];
static int have[NPTR];

static void show(const char *call, int kind, long r) {
    if (r < 0)
        printf("%-22s %-9s -1 %s\n", call, pname[kind], ename(errno));
    else
        printf("%-22s %-9s %ld\n", call, pname[kind], r);
    fflush(stdout);
}

/* The call once per kind of wild pointer, P standing for it. */
#define TRY(name, ...)                                                                             \
    for (int k = 0; k < NPTR; k++) {                                                               \
        if (!have[k]) continue;                                                                    \
        long P = ptr[k];                                                                           \
        errno = 0;                                                                                 \
        show(name, k, syscall(__VA_ARGS__));                                                       \
    }

int main(int argc, char **argv) {
    if (argc < 2 || chdir(argv[1]) != 0) {
        fprintf(stderr, "usage: wildptr SCRATCH_DIR\n");
        return 2;
    }
    long pg = sysconf(_SC_PAGESIZE);
    char *area = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED || ro == MAP_FAILED) return 3;
    /* page 0: read/write, page 1: unmapped (the straddling buffer runs into it), page 2: none */
    munmap(area + pg, pg);
    mprotect(area + 2 * pg, pg, PROT_NONE);
    for (int k = 0; k < NPTR; k++)
        have[k] = 1;
    ptr[P_NULL] = 0;
    ptr[P_LOW] = 1; /* below mmap_min_addr: never mapped */
    ptr[P_NONE] = (long)(area + 2 * pg);
    ptr[P_UNMAPPED] = (long)(area + pg);
    ptr[P_STRADDLE] = (long)(area + pg - 3); /* 3 good bytes, then the hole */
    ptr[P_RDONLY] = (long)ro;
#if defined(__x86_64__)
    ptr[P_KERNEL] = (long)0xffffffff81000000ul;
    ptr[P_NONCANON] = (long)0x8000000000001000ul;
#else
    ptr[P_KERNEL] = (long)0xfffff000ul; /* above a 32-bit process's TASK_SIZE */
    have[P_NONCANON] = 0;               /* no such thing in 32-bit */
#endif

    int pfd[2], sv[2];
    if (pipe(pfd) != 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 3;
    int zero = open("/dev/zero", O_RDONLY);
    int dirfd = open(".", O_RDONLY | O_DIRECTORY);
    int f = open("file", O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (zero < 0 || dirfd < 0 || f < 0 || write(f, "0123456789", 10) != 10) return 3;
    int ep = epoll_create1(0);

    /* output buffers: the kernel writes */
    TRY("read(zero)", SYS_read, zero, P, 16L);
    for (int k = 0; k < NPTR; k++) { /* one byte waiting each time: never blocks */
        if (!have[k]) continue;
        if (write(pfd[1], "d", 1) != 1) return 3;
        errno = 0;
        show("read(pipe)", k, syscall(SYS_read, pfd[0], ptr[k], 1L));
        char c;
        if (syscall(SYS_read, pfd[0], &c, 0L) < 0) return 3;
    }
    TRY("pread64", SYS_pread64, f, P, 8L, 0L, 0L);
    TRY("getcwd", SYS_getcwd, P, 256L);
    TRY("readlinkat(buf)", SYS_readlinkat, AT_FDCWD, "/proc/self/exe", P, 64L);
    TRY("fstat", SYS_fstat, f, P);
    TRY("uname", SYS_uname, P);
    TRY("sysinfo", SYS_sysinfo, P);
    TRY("getrlimit", SYS_getrlimit, (long)RLIMIT_NOFILE, P);
    TRY("getrusage", SYS_getrusage, 0L, P);
    TRY("clock_getres", SYS_clock_getres, 0L, P);
    TRY("clock_gettime", SYS_clock_gettime, 0L, P);
    TRY("gettimeofday", SYS_gettimeofday, P, 0L);
    TRY("pipe2", SYS_pipe2, P, 0L);
    TRY("socketpair", SYS_socketpair, (long)AF_UNIX, (long)SOCK_STREAM, 0L, P);
    TRY("getrandom", SYS_getrandom, P, 16L, 0L);
    TRY("getdents64", SYS_getdents64, dirfd, P, 512L);
    TRY("sched_getaffinity", SYS_sched_getaffinity, 0L, 128L, P);
    TRY("getresuid", SYS_getresuid, P, P, P);
    TRY("rt_sigprocmask(old)", SYS_rt_sigprocmask, (long)SIG_BLOCK, 0L, P, 8L);
    TRY("rt_sigaction(old)", SYS_rt_sigaction, (long)SIGUSR1, 0L, P, 8L);
    TRY("sigaltstack(old)", SYS_sigaltstack, 0L, P);
    TRY("getsockname", SYS_getsockname, sv[0], P, P);
    TRY("statfs(buf)", SYS_statfs, ".", P);
    TRY("mincore(vec)", SYS_mincore, (long)area, pg, P);

    /* input buffers and strings: the kernel reads */
    TRY("write(pipe)", SYS_write, pfd[1], P, 16L);
    while (read(pfd[0], area, 64) == 64) { /* drain what got through */
    }
    TRY("pwrite64", SYS_pwrite64, f, P, 8L, 0L, 0L);
    TRY("writev(iov)", SYS_writev, pfd[1], P, 1L);
    TRY("openat(path)", SYS_openat, AT_FDCWD, P, (long)O_RDONLY);
    TRY("faccessat(path)", SYS_faccessat, AT_FDCWD, P, (long)F_OK);
    TRY("mkdirat(path)", SYS_mkdirat, AT_FDCWD, P, 0755L);
    TRY("unlinkat(path)", SYS_unlinkat, AT_FDCWD, P, 0L);
    TRY("renameat(old)", SYS_renameat, AT_FDCWD, P, AT_FDCWD, "x");
    TRY("renameat(new)", SYS_renameat, AT_FDCWD, "nonexistent", AT_FDCWD, P);
    TRY("symlinkat(target)", SYS_symlinkat, P, AT_FDCWD, "lnk");
    TRY("chdir(path)", SYS_chdir, P);
    TRY("truncate(path)", SYS_truncate, P, 0L);
    TRY("utimensat(times)", SYS_utimensat, AT_FDCWD, "file", P, 0L);
    TRY("setrlimit", SYS_setrlimit, (long)RLIMIT_NOFILE, P);
    TRY("nanosleep(req)", SYS_nanosleep, P, 0L);
    TRY("rt_sigaction(act)", SYS_rt_sigaction, (long)SIGUSR1, P, 0L, 8L);
    TRY("rt_sigprocmask(set)", SYS_rt_sigprocmask, (long)SIG_BLOCK, P, 0L, 8L);
    TRY("sigaltstack(new)", SYS_sigaltstack, P, 0L);
    TRY("poll(fds)", SYS_poll, P, 1L, 0L);
    TRY("epoll_ctl(event)", SYS_epoll_ctl, ep, (long)EPOLL_CTL_ADD, pfd[0], P);
    TRY("sendto(buf)", SYS_sendto, sv[0], P, 8L, (long)MSG_DONTWAIT, 0L, 0L);
    TRY("sendmsg(msg)", SYS_sendmsg, sv[0], P, 0L);
    TRY("recvmsg(msg)", SYS_recvmsg, sv[1], P, (long)MSG_DONTWAIT);
    TRY("bind(addr)", SYS_bind, sv[0], P, 16L);
    TRY("execve(path)", SYS_execve, P, 0L, 0L);
    TRY("memfd_create(name)", SYS_memfd_create, P, 0L);
    TRY("futex(uaddr)", SYS_futex, P, 1L /* FUTEX_WAKE */, 1L, 0L, 0L, 0L);
    TRY("wait4(status)", SYS_wait4, -1L, P, (long)WNOHANG, 0L);
    return 0;
}
