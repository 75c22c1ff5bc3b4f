/* The per-input sandbox of the guest-running harnesses (sandbox.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Sanitizer reports end the child with SIGABRT: a guest's own exit status
 * can then never look like a report. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "abort_on_error=1:detect_leaks=0"; }
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void) {
    return "halt_on_error=1:abort_on_error=1:print_stacktrace=1";
}

/* Coverage counters (libFuzzer builds): the grandchild's are copied to a
 * shared page, then into this section, which libFuzzer reads as counters
 * of its own after every input (and clears before). */
extern uint8_t __start___sancov_cntrs[] __attribute__((weak));
extern uint8_t __stop___sancov_cntrs[] __attribute__((weak));
extern uint8_t extra_counters[1 << 18];
uint8_t extra_counters[1 << 18] __attribute__((used, section("__libfuzzer_extra_counters")));
static uint8_t *cov_shared;
static size_t cov_len;

static char scratch[64];

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *f) {
    (void)st, (void)f;
    chmod(path, 0700); /* the guest may have left it without permissions */
    return (type == FTW_DP ? rmdir(path) : unlink(path)), 0;
}

static void scratch_remove(void) {
    if (scratch[0] && getpid() != 1) nftw(scratch, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *sandbox_scratch(void) {
    if (scratch[0]) return scratch;
    snprintf(scratch, sizeof scratch, "/tmp/ringside-fuzz.XXXXXX");
    if (!mkdtemp(scratch)) {
        perror("fuzz harness: mkdtemp");
        exit(2);
    }
    atexit(scratch_remove);
    return scratch;
}

void sandbox_write(const char *name, const void *buf, size_t n) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", sandbox_scratch(), name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    if (fd < 0 || write(fd, buf, n) != (ssize_t)n) {
        perror("fuzz harness: writing into the scratch dir");
        abort();
    }
    close(fd);
}

static int write_file(const char *path, const char *s) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, s, strlen(s));
    close(fd);
    return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* In the input's child (single-threaded whatever the fuzzer's process
 * runs): the namespaces. 0, or -1 when the host allows none. */
static int enter_namespaces(void) {
    uid_t uid = getuid();
    gid_t gid = getgid();
    int flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWPID;
    if (unshare(CLONE_NEWUSER | flags) == 0) {
        char map[64];
        write_file("/proc/self/setgroups", "deny");
        snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
        if (write_file("/proc/self/uid_map", map) < 0) return -1;
        snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
        if (write_file("/proc/self/gid_map", map) < 0) return -1;
        return 0;
    }
    return geteuid() == 0 && unshare(flags) == 0 ? 0 : -1;
}

static _Noreturn void grandchild(void (*body)(FILE *quiet)) {
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* the parent killed because the guest blocked */
    close_range(3, ~0u, 0);           /* nothing that leads outside the chroot */
    FILE *quiet = fopen("/dev/null", "w");
    if (chroot(scratch) != 0 || chdir("/") != 0) _exit(3);
    struct rlimit fs = {1 << 20, 1 << 20};
    setrlimit(RLIMIT_FSIZE, &fs);
    signal(SIGXFSZ, SIG_IGN);
    body(quiet);
    if (cov_shared) memcpy(cov_shared, __start___sancov_cntrs, cov_len);
    _exit(0);
}

void sandbox_run(const char *who, void (*body)(FILE *quiet), int block_ms) {
    sandbox_scratch();
    cov_len = (size_t)(__stop___sancov_cntrs - __start___sancov_cntrs);
    if (__start___sancov_cntrs && cov_len && !cov_shared) {
        cov_shared = mmap(NULL, cov_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (cov_shared == MAP_FAILED) abort();
    }
    if (cov_shared) memset(cov_shared, 0, cov_len);
    fflush(stdout), fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fuzz harness: fork");
        abort();
    }
    if (pid == 0) {
        /* the guest runs as pid 1 of the new pid namespace, in a grandchild */
        if (enter_namespaces() < 0) _exit(5);
        pid_t g = fork();
        if (g < 0) _exit(3);
        if (g == 0) grandchild(body);
        int gs = 0;
        while (waitpid(g, &gs, 0) < 0 && errno == EINTR) {
        }
        _exit(WIFEXITED(gs) ? WEXITSTATUS(gs) : 128 + WTERMSIG(gs));
    }
    int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    struct pollfd pl = {pfd, POLLIN, 0};
    if (pfd >= 0 && poll(&pl, 1, block_ms) == 0) kill(pid, SIGKILL); /* the guest blocked */
    if (pfd >= 0) close(pfd);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    /* a crash of ringside (or a sanitizer report, which aborts); a guest
     * killed by SIGPIPE, SIGXFSZ ... or ended because it blocked is not */
    int crashed = 0, sig = 0;
    if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL) sig = WTERMSIG(st);
    if (WIFEXITED(st) && WEXITSTATUS(st) > 128) sig = WEXITSTATUS(st) - 128;
    if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGABRT ||
        sig == SIGTRAP || sig == SIGSYS)
        crashed = sig;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 5) {
        fprintf(stderr,
                "%s harness: cannot make its namespaces (unprivileged user namespaces "
                "disabled and not root): refusing to run a guest outside a sandbox\n",
                who);
        exit(77);
    }
    if (WIFEXITED(st) && (WEXITSTATUS(st) == 3 || WEXITSTATUS(st) == 4))
        crashed = -WEXITSTATUS(st); /* the harness could not set the guest up */
    if (cov_shared)
        memcpy(extra_counters, cov_shared,
               cov_len < sizeof extra_counters ? cov_len : sizeof extra_counters);
    if (crashed) {
        fprintf(stderr, "%s harness: ringside %s %d on this input\n", who,
                crashed > 0 ? "died of signal" : "exited with status",
                crashed > 0 ? crashed : -crashed);
        abort();
    }
}
