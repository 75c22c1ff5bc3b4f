/* --compare: the native CPU and kernel as the oracle for a whole program.
 *
 * The program runs twice from the same arguments, environment and standard
 * input: natively under ptrace (which records its system calls) and under
 * ringside (whose dispatcher reports each call through Proc.on_syscall).
 * Both sides render each call as one normalised line — pointers become "P",
 * process ids and times are masked, strings are shown — so the two sequences
 * compare directly. Then stdout, stderr and the exit status are compared.
 * The first divergence is printed with its context. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#undef PAGE_SIZE /* <sys/user.h>'s; cpu/mem.h has the guest's */
#undef PAGE_MASK

#include "ui.h"

#define LINE_MAX_LEN 512

/* ---- normalised system-call lines ---- */

typedef int (*ReadStr)(void *ctx, uint64_t addr, char *buf, size_t max);

static int is_pid_result(const char *name) {
    /* results that are pids (or times, or a register the handler's frame held):
     * they differ between any two runs */
    static const char *const n[] = {
        "getpid",  "getppid", "gettid",       "set_tid_address", "getpgrp", "getsid",
        "getpgid", "time",    "fork",         "vfork",           "clone",   "clone3",
        "wait4",   "waitpid", "rt_sigreturn", "sigreturn",       NULL};
    for (int k = 0; n[k]; k++)
        if (!strcmp(n[k], name)) return 1;
    return 0;
}

/* Calls whose first argument names a process (a positive pid). */
static int takes_pid(const char *name) {
    static const char *const n[] = {
        "wait4",           "waitpid",           "kill",   "tkill",      "tgkill",
        "setpgid",         "getpgid",           "getsid", "pidfd_open", "prlimit64",
        "rt_sigqueueinfo", "rt_tgsigqueueinfo", NULL};
    for (int k = 0; n[k]; k++)
        if (!strcmp(n[k], name)) return 1;
    return 0;
}

/* Calls the native side makes through the vDSO (no system call at all)
 * are left out of both sequences. */
static int vdso_call(SysAbi abi, uint64_t nr) {
    if (abi == ABI_I386)
        return nr == 78 /* gettimeofday */ || nr == 13 /* time */ ||
               nr == 265 /* clock_gettime */ || nr == 266 /* clock_getres */ ||
               nr == 403 /* clock_gettime64 */ || nr == 406 /* clock_getres_time64 */;
    return nr == 96 /* gettimeofday */ || nr == 201 /* time */ || nr == 228 /* clock_gettime */ ||
           nr == 229 /* clock_getres */ || nr == 309 /* getcpu */;
}

static void render(char *out, size_t outlen, SysAbi abi, uint64_t nr, const uint64_t a[6],
                   int64_t ret, int returned, ReadStr rd, void *ctx) {
    const SysDef *d = sys_lookup(abi, nr);
    size_t n = 0;
#define PUT(...)                                                                                   \
    do {                                                                                           \
        if (n < outlen) n += (size_t)snprintf(out + n, outlen - n, __VA_ARGS__);                   \
    } while (0)
    if (!d) {
        PUT("syscall_%llu(...)", (unsigned long long)nr);
    } else {
        PUT("%s(", d->name);
        const char *f = d->args ? d->args : "";
        for (int k = 0; f[k] && k < 6; k++) {
            if (k) PUT(", ");
            char ch = f[k];
            if (strchr("sz", ch)) {
                char s[128];
                if (a[k] && rd(ctx, a[k], s, sizeof s) == 0)
                    PUT("\"%s\"", s);
                else
                    PUT(a[k] ? "P" : "NULL");
            } else if (k == 0 && takes_pid(d->name) && (int)a[k] > 1) {
                PUT("PID"); /* another process: its pid differs between runs */
            } else if (strchr("dlumacfCPMteSAFIwkgRXKDNiEn1", ch)) {
                PUT("%lld", (long long)a[k]); /* integers, flags, fds, sizes */
            } else {
                PUT(a[k] ? "P" : "NULL"); /* addresses and structures */
            }
        }
        PUT(")");
    }
    if (!returned || (d && d->ret == '?')) {
        PUT(" = ?");
    } else if (ret < 0 && ret >= -4095) {
        PUT(" = -1 %s", errno_name((int)-ret));
    } else if ((d && d->ret == 'x') || (d && is_pid_result(d->name))) {
        PUT(" = N");
    } else {
        PUT(" = %lld", (long long)ret);
    }
#undef PUT
}

/* A growing list of lines. */
typedef struct Lines {
    char **v;
    size_t n, cap;
    uint64_t *icount;  /* ringside side: guest instructions at each call */
    size_t *out_bytes; /* stdout bytes written before the call */
} Lines;

static void lines_add(Lines *l, const char *s, uint64_t ic, size_t ob) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        l->icount = realloc(l->icount, l->cap * sizeof *l->icount);
        l->out_bytes = realloc(l->out_bytes, l->cap * sizeof *l->out_bytes);
        if (!l->v || !l->icount || !l->out_bytes) abort();
    }
    l->v[l->n] = strdup(s);
    l->icount[l->n] = ic;
    l->out_bytes[l->n] = ob;
    l->n++;
}

static void lines_free(Lines *l) {
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    free(l->icount);
    free(l->out_bytes);
    *l = (Lines){0};
}

/* ---- the ringside side ---- */

typedef struct RsLog {
    FILE *f;
    uint64_t out_bytes[3]; /* bytes the guest wrote to fds 1 and 2 so far */
} RsLog;

/* Bytes a successful call wrote to fd 1 or 2 (0 when it is not a write). */
static int written_fd(SysAbi abi, uint64_t nr, const uint64_t a[6]) {
    int w = abi == ABI_I386 ? (nr == 4 || nr == 146 || nr == 181 || nr == 187)
                            : (nr == 1 || nr == 20 || nr == 18 || nr == 40);
    return w && (a[0] == 1 || a[0] == 2) ? (int)a[0] : 0;
}

static int rs_read_str(void *ctx, uint64_t addr, char *buf, size_t max) {
    return strncpy_from_user(ctx, buf, addr, max) < 0 ? -1 : 0;
}

static void rs_on_syscall(Proc *p, uint64_t nr, const uint64_t a[6], int64_t ret) {
    RsLog *lg = p->on_syscall_ud;
    char line[LINE_MAX_LEN];
    if (vdso_call(p->abi, nr)) return;
    const SysDef *d = sys_lookup(p->abi, nr);
    int returns = !(d && d->ret == '?');
    render(line, sizeof line, p->abi, nr, a, ret, returns, rs_read_str, p);
    int fd = written_fd(p->abi, nr, a);
    if (fd && ret > 0) lg->out_bytes[fd] += (uint64_t)ret;
    /* icount, stdout and stderr bytes written after the call, the call */
    fprintf(lg->f, "%llu\t%llu\t%llu\t%s\n", (unsigned long long)p->cpu->icount,
            (unsigned long long)lg->out_bytes[1], (unsigned long long)lg->out_bytes[2], line);
    fflush(lg->f);
}

/* ---- the native side (ptrace) ---- */

typedef struct NatCtx {
    pid_t pid;
} NatCtx;

static int nat_read_str(void *ctx, uint64_t addr, char *buf, size_t max) {
    NatCtx *n = ctx;
    size_t got = 0;
    while (got < max - 1) {
        char chunk[64];
        struct iovec l = {chunk, sizeof chunk}, r = {(void *)(uintptr_t)(addr + got), sizeof chunk};
        ssize_t k = process_vm_readv(n->pid, &l, 1, &r, 1, 0);
        if (k <= 0) {
            /* the chunk may cross into an unmapped page: retry bytewise */
            r.iov_len = l.iov_len = 1;
            k = process_vm_readv(n->pid, &l, 1, &r, 1, 0);
            if (k <= 0) return got ? 0 : -1;
        }
        for (ssize_t i = 0; i < k && got < max - 1; i++) {
            buf[got++] = chunk[i];
            if (!chunk[i]) return 0;
        }
    }
    buf[max - 1] = 0;
    return 0;
}

/* Run natively under ptrace; returns the wait status, fills `log`. */
static int run_native(const char *path, char **argv, char **envp, int in_fd, int out_fd, int err_fd,
                      Lines *log) {
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        dup2(in_fd, 0);
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        execve(path, argv, envp);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    ptrace(PTRACE_SETOPTIONS, pid, 0,
           PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC);
    NatCtx ctx = {pid};
    int in_call = 0, execd = 0, sig = 0, seen_exec_exit = 0;
    uint64_t nr = 0, a[6] = {0};
    SysAbi abi = ABI_X86_64;
    for (;;) {
        if (ptrace(PTRACE_SYSCALL, pid, 0, sig) < 0) break;
        sig = 0;
        if (waitpid(pid, &st, 0) < 0) break;
        if (WIFEXITED(st) || WIFSIGNALED(st)) {
            if (in_call && execd) {
                char line[LINE_MAX_LEN];
                render(line, sizeof line, abi, nr, a, 0, 0, nat_read_str, &ctx);
                lines_add(log, line, 0, 0);
            }
            return st;
        }
        if (!WIFSTOPPED(st)) continue;
        int s = WSTOPSIG(st);
        if (s == (SIGTRAP | 0x80)) {
            struct user_regs_struct r;
            ptrace(PTRACE_GETREGS, pid, 0, &r);
            if (!in_call) {
                /* a 32-bit process (CS 0x23) makes i386 calls: number and
                 * arguments as the i386 ABI passes them */
                abi = r.cs == 0x23 ? ABI_I386 : ABI_X86_64;
                if (abi == ABI_I386) {
                    nr = (uint32_t)r.orig_rax;
                    a[0] = (uint32_t)r.rbx, a[1] = (uint32_t)r.rcx, a[2] = (uint32_t)r.rdx;
                    a[3] = (uint32_t)r.rsi, a[4] = (uint32_t)r.rdi, a[5] = (uint32_t)r.rbp;
                } else {
                    nr = r.orig_rax;
                    a[0] = r.rdi, a[1] = r.rsi, a[2] = r.rdx, a[3] = r.r10, a[4] = r.r8,
                    a[5] = r.r9;
                }
                in_call = 1;
            } else {
                in_call = 0;
                if (vdso_call(abi, nr)) continue;
                /* the execve that started the program is not the program's */
                if (!execd || (nr == 59 && !log->n && !seen_exec_exit++)) continue;
                char line[LINE_MAX_LEN];
                int64_t ret = abi == ABI_I386 ? (int64_t)(int32_t)r.rax : (int64_t)r.rax;
                render(line, sizeof line, abi, nr, a, ret, 1, nat_read_str, &ctx);
                lines_add(log, line, 0, 0);
            }
        } else if (s == SIGTRAP && (st >> 16) == PTRACE_EVENT_EXEC) {
            execd = 1;
        } else if (s != SIGTRAP) {
            sig = s; /* pass real signals through */
        }
    }
    return st;
}

/* ---- driver ---- */

static int tmpfile_fd(const char *tag) {
    char name[] = "/tmp/ringside-compare-XXXXXX";
    int fd = mkstemp(name);
    if (fd >= 0) unlink(name);
    (void)tag;
    return fd;
}

static char *slurp(int fd, size_t *len) {
    struct stat st;
    fstat(fd, &st);
    size_t n = (size_t)st.st_size;
    char *b = malloc(n + 1);
    if (!b) abort();
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(fd, b + got, n - got, (off_t)got);
        if (k <= 0) break;
        got += (size_t)k;
    }
    b[got] = 0;
    *len = got;
    return b;
}

/* stderr lines that are ringside's own reports are not the program's. */
static char *strip_ringside_lines(char *s, size_t *len) {
    char *out = malloc(*len + 1), *w = out;
    if (!out) abort();
    for (char *l = s; *l;) {
        char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l + 1) : strlen(l);
        if (strncmp(l, "ringside: ", 10) != 0) {
            memcpy(w, l, n);
            w += n;
        }
        l += n;
    }
    *w = 0;
    *len = (size_t)(w - out);
    return out;
}

/* Line number (1-based) and text of the first difference. */
static int first_diff(const char *a, size_t na, const char *b, size_t nb, size_t *off) {
    size_t k = 0;
    while (k < na && k < nb && a[k] == b[k])
        k++;
    *off = k;
    if (k == na && k == nb) return 0;
    int line = 1;
    for (size_t j = 0; j < k; j++)
        if (a[j] == '\n') line++;
    return line;
}

static void show_line(const char *tag, const char *s, size_t n, size_t off) {
    size_t st = off;
    while (st > 0 && s[st - 1] != '\n')
        st--;
    size_t e = st;
    while (e < n && s[e] != '\n')
        e++;
    fprintf(stderr, "  %s: %.*s%s\n", tag, (int)(e - st > 200 ? 200 : e - st), s + st,
            e == st && st >= n ? "(end of output)" : "");
}

static int exit_desc(int st, char *buf, size_t n) {
    if (WIFSIGNALED(st)) return snprintf(buf, n, "killed by signal %d", WTERMSIG(st));
    return snprintf(buf, n, "exit status %d", WEXITSTATUS(st));
}

int compare_main(const char *path, int argc, char **argv, char **envp, const char *unused) {
    (void)unused;
    (void)argc;
    /* standard input: read once, give both runs the same bytes */
    int in_fd = tmpfile_fd("in");
    if (!isatty(0)) {
        char buf[65536];
        ssize_t k;
        while ((k = read(0, buf, sizeof buf)) > 0)
            if (write(in_fd, buf, (size_t)k) != k) break;
    }
    int nout = tmpfile_fd("nout"), nerr = tmpfile_fd("nerr");
    int rout = tmpfile_fd("rout"), rerr = tmpfile_fd("rerr"), rlog = tmpfile_fd("rlog");
    if (in_fd < 0 || nout < 0 || nerr < 0 || rout < 0 || rerr < 0 || rlog < 0) {
        fprintf(stderr, "ringside: --compare: cannot create temporary files: %s\n",
                strerror(errno));
        return 125;
    }
    fflush(NULL);

    Lines native = {0}, emu = {0};
    static size_t emu_err[65536]; /* stderr bytes after each emulated call */
    lseek(in_fd, 0, SEEK_SET);
    int nst = run_native(path, argv, envp, in_fd, nout, nerr, &native);

    pid_t pid = fork();
    if (pid == 0) {
        lseek(in_fd, 0, SEEK_SET);
        dup2(in_fd, 0);
        dup2(rout, 1);
        dup2(rerr, 2);
        RsLog lg = {fdopen(rlog, "w")};
        RunConfig rc = {0};
        rc.path = path;
        rc.argc = argc;
        rc.argv = argv;
        rc.envp = envp;
        rc.vendor = -1;
        rc.on_syscall = rs_on_syscall;
        rc.on_syscall_ud = &lg;
        int status = ui_run(&rc);
        fflush(NULL);
        _exit(status);
    }
    int rst = 0;
    waitpid(pid, &rst, 0);
    /* ringside reports a guest killed by signal N as exit status 128+N */
    int remu = rst;
    if (WIFEXITED(rst) && WEXITSTATUS(rst) > 128 && WEXITSTATUS(rst) < 128 + 65)
        remu = WEXITSTATUS(rst) - 128; /* as a wait status: killed by that signal */

    /* read the emulated side's syscall log */
    size_t loglen;
    char *logtxt = slurp(rlog, &loglen);
    for (char *l = logtxt; *l;) {
        char *e = strchr(l, '\n');
        if (e) *e = 0;
        char *tab = strchr(l, '\t');
        if (tab) {
            char *t2 = strchr(tab + 1, '\t'), *t3 = t2 ? strchr(t2 + 1, '\t') : NULL;
            if (t3) {
                lines_add(&emu, t3 + 1, strtoull(l, NULL, 10), 0);
                emu.out_bytes[emu.n - 1] = (size_t)strtoull(tab + 1, NULL, 10);
                emu_err[emu.n - 1 < 65536 ? emu.n - 1 : 65535] = (size_t)strtoull(t2 + 1, NULL, 10);
            }
        }
        if (!e) break;
        l = e + 1;
    }

    size_t no, ne, ro, re;
    char *nos = slurp(nout, &no), *nes = slurp(nerr, &ne);
    char *ros = slurp(rout, &ro), *res0 = slurp(rerr, &re);
    char *res = strip_ringside_lines(res0, &re);

    int same = 1;
    /* 1. the system-call sequence */
    size_t k = 0;
    while (k < native.n && k < emu.n && !strcmp(native.v[k], emu.v[k]))
        k++;
    if (k < native.n || k < emu.n) {
        same = 0;
        fprintf(stderr, "ringside: --compare: system calls differ at call %zu", k + 1);
        if (k < emu.n)
            fprintf(stderr, " (guest instruction %llu)", (unsigned long long)emu.icount[k]);
        fprintf(stderr, ":\n");
        if (k > 0) fprintf(stderr, "  before:   %s\n", native.v[k - 1]);
        fprintf(stderr, "  native:   %s\n", k < native.n ? native.v[k] : "(no more calls)");
        fprintf(stderr, "  ringside: %s\n", k < emu.n ? emu.v[k] : "(no more calls)");
    }
    /* 2. the streams */
    const char *names[2] = {"stdout", "stderr"};
    const char *A[2] = {nos, nes}, *B[2] = {ros, res};
    size_t NA[2] = {no, ne}, NB[2] = {ro, re};
    for (int s = 0; s < 2; s++) {
        size_t off;
        int line = first_diff(A[s], NA[s], B[s], NB[s], &off);
        if (!line) continue;
        if (same) { /* only the first divergence gets the full story */
            fprintf(stderr, "ringside: --compare: %s differs at line %d (byte %zu):\n", names[s],
                    line, off);
            show_line("native  ", A[s], NA[s], off);
            show_line("ringside", B[s], NB[s], off);
            /* the guest's call that wrote that byte, and the one before it */
            for (size_t k = 0; k < emu.n && k < 65536; k++) {
                size_t upto = s == 0 ? emu.out_bytes[k] : emu_err[k];
                if (upto > off) {
                    fprintf(stderr, "  written by: %s (guest instruction %llu)\n", emu.v[k],
                            (unsigned long long)emu.icount[k]);
                    if (k > 0) fprintf(stderr, "  call before: %s\n", emu.v[k - 1]);
                    break;
                }
            }
        } else {
            fprintf(stderr, "ringside: --compare: %s differs too (line %d)\n", names[s], line);
        }
        same = 0;
    }
    /* 3. how it ended */
    int nend = WIFSIGNALED(nst) ? WTERMSIG(nst) + 1000 : WEXITSTATUS(nst);
    int rend = (WIFEXITED(rst) && remu != rst) ? remu + 1000
               : WIFEXITED(rst)                ? WEXITSTATUS(rst)
                                               : -1;
    if (nend != rend) {
        char a[64], b[64];
        exit_desc(nst, a, sizeof a);
        if (remu != rst)
            snprintf(b, sizeof b, "killed by signal %d", remu);
        else
            exit_desc(rst, b, sizeof b);
        fprintf(stderr, "ringside: --compare: native %s, ringside %s\n", a, b);
        same = 0;
    }
    if (same) printf("same\n");
    fflush(stdout);
    free(nos), free(nes), free(ros), free(res0), free(res), free(logtxt);
    lines_free(&native);
    lines_free(&emu);
    return same ? 0 : 1;
}

/* ---- --compare-list ---- */

/* Split a command line on blanks, honouring '...' and "..." quotes. */
static int split_line(char *s, char **argv, int max) {
    int n = 0;
    while (*s && n < max - 1) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s || *s == '#') break;
        char *w = s, *o = s;
        while (*s && *s != ' ' && *s != '\t') {
            if (*s == '\'' || *s == '"') {
                char q = *s++;
                while (*s && *s != q)
                    *o++ = *s++;
                if (*s) s++;
            } else {
                *o++ = *s++;
            }
        }
        if (*s) s++;
        *o = 0;
        argv[n++] = w;
    }
    argv[n] = NULL;
    return n;
}

int compare_list_main(const char *file, char **envp) {
    FILE *f = fopen(file, "r");
    if (!f) {
        fprintf(stderr, "ringside: %s: %s\n", file, strerror(errno));
        return 125;
    }
    char *cmds[4096];
    int ncmd = 0;
    char line[4096];
    while (ncmd < 4096 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s", line);
        char *av[2];
        if (split_line(tmp, av, 2) == 0) continue;
        cmds[ncmd++] = strdup(line);
    }
    fclose(f);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (ncpu < 1) ncpu = 1;
    char self[4096];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl < 0) {
        for (int k = 0; k < ncmd; k++)
            free(cmds[k]);
        return 125;
    }
    self[sl] = 0;
    int passed = 0, failed = 0, running = 0, next = 0;
    pid_t pids[4096];
    while (next < ncmd || running) {
        while (running < ncpu && next < ncmd) {
            int idx = next++;
            pid_t pid = fork();
            if (pid == 0) {
                /* each comparison is its own ringside --compare process, with
                 * its diagnostics prefixed by the command line */
                char buf[4096];
                snprintf(buf, sizeof buf, "%s", cmds[idx]);
                char *av[256];
                av[0] = self;
                av[1] = "--compare";
                int n = split_line(buf, av + 2, 250);
                (void)n;
                int devnull = open("/dev/null", O_RDONLY);
                dup2(devnull, 0);
                int out = open("/dev/null", O_WRONLY);
                dup2(out, 1);
                execve(self, av, envp);
                _exit(125);
            }
            pids[idx] = pid;
            running++;
        }
        int st;
        pid_t done = wait(&st);
        if (done < 0) break;
        running--;
        for (int k = 0; k < next; k++)
            if (pids[k] == done) {
                int ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
                printf("%s  %s\n", ok ? "same" : "DIFF", cmds[k]);
                fflush(stdout);
                if (ok)
                    passed++;
                else
                    failed++;
            }
    }
    printf("%d passed, %d failed\n", passed, failed);
    for (int k = 0; k < ncmd; k++)
        free(cmds[k]);
    return failed ? 1 : 0;
}
