/* gdb_packets: bytes -> the gdb stub's remote-protocol parser and command
 * dispatch (libFuzzer harness; README.md here).
 *
 * Byte 0 picks the set-up (bit 0: the AMD model, bit 1: a 4096-entry
 * history, so that bs/bc replay); the rest is what "gdb" sends, byte for
 * byte (packets, acks, Ctrl-C, garbage), over one end of a socketpair that
 * ui/gdb serves (gdb_open_fd) against a real tiny guest: a static x86-64
 * program that makes 3000 getpid calls, writing a counter into its data
 * page, then exit_group(7). The guest may run (c, s, vCont, D) but at most
 * MAX_INSNS instructions, then it is ended; the connection closing ends
 * it too. Registers and memory are gdb's to write, so the guest can make
 * any system call: each input runs in a child process inside user, pid,
 * mount, network, IPC and UTS namespaces, chrooted into an empty scratch
 * directory, with a 1 MiB file-size limit, ended after BLOCK_MS (a guest
 * that gdb made block in a system call), as the syscalls harness does. A child that dies of
 * SIGSEGV/SIGBUS/SIGILL/ SIGFPE/SIGABRT (sanitizer reports abort) is the failure; where the
 * namespaces cannot be made the harness refuses to run (exit 77). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "cpu/mem.h"
#include "loader/loader.h"
#include "syscall/kernel.h"
#include "syscall/proc.h"
#include "ui/gdb/gdb.h"

enum {
    CODE_VA = 0x400000, /* r-x: ELF header + code */
    DATA_VA = 0x600000, /* rw- */
    PAGE = 4096,
    CODE_OFF = 0x200,
    BLOCK_MS = 2000,
    MAX_INSNS = 300000,
};

static char scratch[64];
#define PROG "/prog"
static int run_amd, run_hist;
static const uint8_t *run_data;
static size_t run_size;

/* mov ecx,3000; 1: mov eax,39; push rcx; syscall; pop rcx; mov [DATA_VA],ecx;
 * dec ecx; jnz 1b; mov eax,231; mov edi,7; syscall */
static const uint8_t code[] = {0xb9, 0xb8, 0x0b, 0x00, 0x00, 0xb8, 0x27, 0x00, 0x00, 0x00,
                               0x51, 0x0f, 0x05, 0x59, 0x89, 0x0c, 0x25, 0x00, 0x00, 0x60,
                               0x00, 0xff, 0xc9, 0x75, 0xec, 0xb8, 0xe7, 0x00, 0x00, 0x00,
                               0xbf, 0x07, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xf4};

/* A static ELF64 of two PT_LOAD pages: code, data. */
static void build_elf(uint8_t *f) {
    memset(f, 0, 2 * PAGE);
    static const uint8_t ident[] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    memcpy(f, ident, sizeof ident);
    uint16_t h16[] = {2, 62}; /* ET_EXEC, EM_X86_64 */
    uint32_t ver = 1;
    uint64_t entry = CODE_VA + CODE_OFF, phoff = 64;
    memcpy(f + 16, h16, 4), memcpy(f + 20, &ver, 4), memcpy(f + 24, &entry, 8);
    memcpy(f + 32, &phoff, 8);
    uint16_t h[] = {64, 56, 2};
    memcpy(f + 52, h, 6);
    struct {
        uint64_t va, off;
        uint32_t flags;
    } seg[2] = {{CODE_VA, 0, 5}, {DATA_VA, PAGE, 6}};
    for (int k = 0; k < 2; k++) {
        uint8_t *ph = f + 64 + 56 * k;
        uint32_t type = 1, flags = seg[k].flags;
        uint64_t q[6] = {seg[k].off, seg[k].va, seg[k].va, PAGE, PAGE, PAGE};
        memcpy(ph, &type, 4), memcpy(ph + 4, &flags, 4), memcpy(ph + 8, q, sizeof q);
    }
    memcpy(f + CODE_OFF, code, sizeof code);
}

/* --- the sandbox (as syscalls.c) ----------------------------------------- */

static int write_file(const char *path, const char *s) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, s, strlen(s));
    close(fd);
    return n == (ssize_t)strlen(s) ? 0 : -1;
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *f) {
    (void)st, (void)f;
    chmod(path, 0700);
    return (type == FTW_DP ? rmdir(path) : unlink(path)), 0;
}
static void scratch_remove(void) {
    if (scratch[0] && getpid() != 1) nftw(scratch, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void scratch_once(void) {
    if (scratch[0]) return;
    snprintf(scratch, sizeof scratch, "/tmp/ringside-fuzz-gdb.XXXXXX");
    if (!mkdtemp(scratch)) {
        perror("gdb_packets harness: mkdtemp");
        exit(2);
    }
    atexit(scratch_remove);
    static uint8_t elf[2 * PAGE];
    build_elf(elf);
    char prog[128];
    snprintf(prog, sizeof prog, "%s%s", scratch, PROG);
    int fd = open(prog, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    if (fd < 0 || write(fd, elf, sizeof elf) != (ssize_t)sizeof elf) {
        perror("gdb_packets harness: writing the program");
        abort();
    }
    close(fd);
}

static int enter_sandbox(void) {
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

extern uint8_t __start___sancov_cntrs[] __attribute__((weak));
extern uint8_t __stop___sancov_cntrs[] __attribute__((weak));

const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "abort_on_error=1:detect_leaks=0"; }
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void) {
    return "halt_on_error=1:abort_on_error=1:print_stacktrace=1";
}

static uint8_t *cov_shared;
extern uint8_t extra_counters[1 << 18];
uint8_t extra_counters[1 << 18] __attribute__((used, section("__libfuzzer_extra_counters")));
static size_t cov_len;

/* gdb's side: whatever the stub sends is read and dropped. */
static void *drain(void *arg) {
    int fd = *(int *)arg;
    char b[4096];
    while (read(fd, b, sizeof b) > 0) {
    }
    return NULL;
}

static void run_guest(void) {
    close_range(3, ~0u, 0);
    FILE *quiet = fopen("/dev/null", "w");
    int quiet_fd = open("/dev/null", O_WRONLY);
    if (chroot(scratch) != 0 || chdir("/") != 0) _exit(3);
    struct rlimit fs = {1 << 20, 1 << 20};
    setrlimit(RLIMIT_FSIZE, &fs);
    signal(SIGXFSZ, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    /* the stub's and the guest's messages (fd 2) go nowhere */
    if (quiet_fd >= 0) dup2(quiet_fd, 0), dup2(quiet_fd, 1), dup2(quiet_fd, 2);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) _exit(3);
    /* the whole input is queued before the stub reads (socket buffers
     * hold far more than the longest input), then gdb's side stops writing */
    int big = 1 << 20;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    for (size_t off = 0; off < run_size;) {
        ssize_t k = write(sv[0], run_data + off, run_size - off);
        if (k <= 0) _exit(3);
        off += (size_t)k;
    }
    shutdown(sv[0], SHUT_WR);
    pthread_t dt;
    if (pthread_create(&dt, NULL, drain, &sv[0]) != 0) _exit(3);

    Mem *m = mem_new();
    Cpu *c = m ? cpu_new(m, run_amd ? CPU_AMD : CPU_INTEL) : NULL;
    Proc *p = calloc(1, sizeof *p);
    if (!m || !c || !p) _exit(3);
    if (quiet) c->diag = quiet;
    proc_init(p, c, m);
    if (kernel_map(m) < 0) _exit(3);
    char *argv[] = {PROG, NULL};
    char *envp[] = {"A=1", NULL};
    LoadInfo li;
    uint64_t sp = 0;
    if (exec_image(p, PROG, 1, argv, envp, PROG, &li, &sp) < 0) _exit(4);
    GdbStub *s = gdb_open_fd(sv[1], MAX_INSNS);
    if (!s) _exit(3);
    kernel_boot(p, li.start, sp, li.is32);
    if (gdb_serve(s, p, run_hist ? 4096 : 0, 0) < 0) _exit(3);
    if (!p->exited) _exit(3); /* gdb_serve returns with the process ended */
    if (cov_shared) memcpy(cov_shared, __start___sancov_cntrs, cov_len);
    _exit(0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    scratch_once();
    uint8_t head = size ? data[0] : 0;
    run_amd = head & 1;
    run_hist = (head >> 1) & 1;
    run_data = size ? data + 1 : data;
    run_size = size ? size - 1 : 0;

    cov_len = (size_t)(__stop___sancov_cntrs - __start___sancov_cntrs);
    if (__start___sancov_cntrs && cov_len && !cov_shared) {
        cov_shared = mmap(NULL, cov_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (cov_shared == MAP_FAILED) abort();
    }
    if (cov_shared) memset(cov_shared, 0, cov_len);
    fflush(stdout), fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        perror("gdb_packets harness: fork");
        abort();
    }
    if (pid == 0) {
        if (enter_sandbox() < 0) _exit(5);
        pid_t g = fork();
        if (g < 0) _exit(3);
        if (g == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            run_guest();
        }
        int gs = 0;
        while (waitpid(g, &gs, 0) < 0 && errno == EINTR) {
        }
        _exit(WIFEXITED(gs) ? WEXITSTATUS(gs) : 128 + WTERMSIG(gs));
    }
    int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    struct pollfd pl = {pfd, POLLIN, 0};
    int hung = pfd >= 0 && poll(&pl, 1, BLOCK_MS) == 0;
    if (hung) kill(pid, SIGKILL);
    if (pfd >= 0) close(pfd);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    int crashed = 0, sig = 0;
    if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL) sig = WTERMSIG(st);
    if (WIFEXITED(st) && WEXITSTATUS(st) > 128) sig = WEXITSTATUS(st) - 128;
    if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGABRT ||
        sig == SIGTRAP || sig == SIGSYS)
        crashed = sig;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 5) {
        fprintf(stderr, "gdb_packets harness: cannot make its namespaces (unprivileged user "
                        "namespaces disabled and not root): refusing to run a gdb-driven guest "
                        "outside a sandbox\n");
        exit(77);
    }
    if (WIFEXITED(st) && (WEXITSTATUS(st) == 3 || WEXITSTATUS(st) == 4)) crashed = -WEXITSTATUS(st);
    if (cov_shared)
        memcpy(extra_counters, cov_shared,
               cov_len < sizeof extra_counters ? cov_len : sizeof extra_counters);
    (void)hung; /* a guest gdb made block in a system call, not a failure */
    if (crashed) {
        fprintf(stderr, "gdb_packets harness: ringside %s %d on this input\n",
                crashed > 0 ? "died of signal" : "exited with status",
                crashed > 0 ? crashed : -crashed);
        abort();
    }
    return 0;
}
