/* ringside [options] PROGRAM [ARGS...]: option parsing and the main job. */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../loader/loader.h"
#include "../syscall/kernel.h"
#include "../vdso/vdso.h"
#include "gdb/gdb.h"
#include "viewer/viewer.h"
#include "trace.h"
#include "ui.h"

#define EXIT_USAGE 125

/* The signal that ended the program (ui_run), for ui_main's death. */
static int ui_killed_by;

/* Die of the guest's signal, as its default action would end it natively:
 * WIFSIGNALED/WTERMSIG as native. RLIMIT_CORE 0 first, so ringside never
 * leaves a core file of its own (the wait status then has no core flag). */
static void ui_die_of_signal(int sig) {
    fflush(NULL);
    struct rlimit rl = {0, 0};
    setrlimit(RLIMIT_CORE, &rl);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    /* a stop signal, or one that cannot kill: the status says which */
}

/* --sysroot for ui_run() (kept out of RunConfig, which ui/compare.c also fills) */
static const char *run_sysroot;
/* --max-memory: the guest's RLIMIT_AS ceiling in bytes (0: the host's limit) */
static uint64_t run_max_memory;
static const char *max_memory_opt;

/* SIZE[K|M|G|T] (binary units) -> bytes; 0 on a malformed or zero size. */
static uint64_t parse_size(const char *s) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s) return 0;
    int shift = 0;
    switch (*end) {
    case 'k': case 'K': shift = 10, end++; break;
    case 'm': case 'M': shift = 20, end++; break;
    case 'g': case 'G': shift = 30, end++; break;
    case 't': case 'T': shift = 40, end++; break;
    default: break;
    }
    if (*end == 'i' && end[1] == 'B') end += 2; /* MiB, GiB ... */
    else if (*end == 'B' && shift) end++;
    if (*end || v > (~0ull >> shift)) return 0;
    return (uint64_t)v << shift;
}

static int parse_max_memory(const char *s) {
    run_max_memory = parse_size(s);
    if (!run_max_memory) {
        fprintf(stderr, "ringside: --max-memory '%s': expected a size such as 512M or 4G\n", s);
        return -1;
    }
    max_memory_opt = s;
    return 0;
}
/* execve's re-execution of ringside (syscall/exec.c): the program on an open
 * descriptor, the guest's AT_EXECFN, the trace stream inherited (-1: none) */
static int run_exec_fd = -1, run_trace_fd = -1;
static const char *run_rlimits; /* "AS_CUR:AS_MAX:DATA_CUR:DATA_MAX" (hex) */
static const char *run_execfn;
static const char *cpu_opt; /* the --cpu / RINGSIDE_CPU value last given */

typedef struct Options {
    int compare;
    const char *compare_list;
    int strace;
    int trace;
    const char *trace_file;
    int vendor; /* -1 host */
    unsigned family;
    int stats;
    int kernel32;
    const char *sysroot; /* realpath'ed, or NULL */
} Options;

/* --gdb=PORT|unix:PATH and --history[=N] for ui_run() (ui/gdb/) */
static const char *run_gdb;
static uint64_t run_history;
/* --view, --view-keys=KEYS, --view-shot=FILE.png (ui/viewer/) */
static int run_view;
static const char *run_view_keys, *run_view_shot;
#define HISTORY_DEFAULT 100000 /* instructions: at most 94 MiB of history (ui/debug/history.c) */

static int parse_history(const char *s) {
    char *end;
    unsigned long long n = strtoull(s, &end, 10);
    if (!*s || *end || n > 100000000ull) {
        fprintf(stderr, "ringside: --history=%s: a number of instructions (0-100000000)\n", s);
        return -1;
    }
    run_history = n;
    return 0;
}

static void usage(FILE *f) {
    fprintf(
        f,
        "usage: ringside [options] PROGRAM [ARGS...]\n"
        "Run an x86-64 or i386 Linux program on ringside's modelled CPU and kernel.\n"
        "The exit status is the program's; when signal N ended it, ringside dies of\n"
        "signal N too (no core file of its own; 128+N if the signal cannot kill it).\n"
        "\n"
        "options (each has an environment twin, shown in brackets):\n"
        "  --compare             run PROGRAM natively (recording its system calls with\n"
        "                        ptrace) and under ringside; compare stdout, stderr, exit\n"
        "                        status and the system-call sequence; print \"same\" or\n"
        "                        the first divergence; exit 0 only when they agree\n"
        "  --compare-list=FILE   --compare for each command line in FILE (one per line,\n"
        "                        run in parallel), then \"N passed, N failed\"\n"
        "  --strace              print each system call, strace-style  [RINGSIDE_STRACE=1]\n"
        "                        (default: off)\n"
        "  --trace=LIST          comma-separated trace categories  [RINGSIDE_TRACE]\n"
        "                          ring  one line per ring transition (syscall, sysret,\n"
        "                                int, iret, fault) with CPL, CS:RIP, SS:RSP, RCX/R11,\n"
        "                                RFLAGS and the MSR or gate the target came from\n"
        "                          insn  every instruction: address, bytes, text, and the\n"
        "                                registers it changed (slow)\n"
        "                          user  with insn: only CPL 3 instructions\n"
        "                        (default: none)\n"
        "  --trace-file=PATH     write --strace and --trace output to PATH  [RINGSIDE_TRACE_FILE]\n"
        "                        (default: standard error)\n"
        "  --cpu=MODEL           the modelled CPU: intel, amd (= amd-1ah, Zen 5), amd-17h\n"
        "                        (Zen 1/2), amd-19h (Zen 3/4) or host (the host's vendor\n"
        "                        and family); decides CPUID, which fast system-call\n"
        "                        instructions are legal and every vendor difference in\n"
        "                        docs/vendors.md  [RINGSIDE_CPU] (default: host)\n"
        "  --kernel=x86_64|i386  the modelled kernel: a 64-bit kernel running 32-bit\n"
        "                        programs in compatibility mode (int $0x80, SYSCALL via\n"
        "                        CSTAR, SYSENTER; returns with SYSRET/IRET), or a 32-bit\n"
        "                        kernel in legacy protected mode (int $0x80 and IRET,\n"
        "                        SYSENTER and SYSEXIT); i386 only runs 32-bit programs\n"
        "                        [RINGSIDE_KERNEL] (default: x86_64)\n"
        "  --sysroot=DIR         look absolute paths the program opens (its interpreter,\n"
        "                        libraries, /etc/ld.so.cache ...) up under DIR first, as\n"
        "                        qemu-user's -L does; /proc, /dev and /sys never\n"
        "                        [RINGSIDE_SYSROOT] (default: none)\n"
        "  --max-memory=SIZE     the most address space the program may map (its\n"
        "                        RLIMIT_AS, e.g. 512M, 4G): beyond it mmap, brk and\n"
        "                        mremap fail with ENOMEM, as Linux fails them\n"
        "                        [RINGSIDE_MAX_MEMORY] (default: the limit ringside was\n"
        "                        started with, usually none)\n"
        "  --stats               print retired guest instructions, decode-cache figures\n"
        "                        and MIPS at exit  [RINGSIDE_STATS=1] (default: off)\n"
        "  --gdb=PORT|unix:PATH  stop before the first instruction and wait for gdb on\n"
        "                        127.0.0.1:PORT or the Unix socket PATH (gdb -ex 'target\n"
        "                        remote :PORT' PROGRAM); stepi goes into the kernel\n"
        "                        [RINGSIDE_GDB] (default: no debugger)\n"
        "  --history[=N]         with --gdb: record the last N instructions for reverse-\n"
        "                        stepi/-continue (N default 100000: at most 94 MiB)\n"
        "                        [RINGSIDE_HISTORY=N] (default: off)\n"
        "  --view                open the SDL2 viewer: registers, flags, segments, MSRs,\n"
        "                        disassembly, stack, memory and history panes; keys s n c\n"
        "                        r, Left/Right through the history, ? help  [RINGSIDE_VIEW=1]\n"
        "                        (default: off); with --gdb both drive the same CPU\n"
        "  --view-keys=KEYS      with --view: press KEYS (e.g. \"ssr<Left>q\") instead of\n"
        "                        reading the keyboard; the program runs on after them\n"
        "  --view-shot=FILE.png  with --view-keys: write the window as PNG when KEYS end\n"
        "                        (with --gdb: when the gdb session ends)\n"
        "  --help                this text\n"
        "  --version             version\n"
        "\n"
        "ringside's own exit statuses: 125 bad usage, 126 the program cannot be loaded\n"
        "(malformed or unsupported ELF, or not executable), 127 the program cannot be found or "
        "opened.\n");
}

static int parse_trace(const char *s, Options *o) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (!strcmp(tok, "ring"))
            o->trace |= TRACE_RING;
        else if (!strcmp(tok, "insn"))
            o->trace |= TRACE_INSN;
        else if (!strcmp(tok, "user"))
            o->trace |= TRACE_USER_ONLY;
        else if (!strcmp(tok, "none"))
            ;
        else {
            fprintf(stderr, "ringside: unknown trace category '%s' (ring, insn, user)\n", tok);
            return -1;
        }
    }
    return 0;
}

static int parse_cpu(const char *s, Options *o) {
    CpuVendor v;
    unsigned fam;
    if (!strcmp(s, "host")) {
        o->vendor = -1;
        cpu_opt = NULL;
    } else if (cpu_parse_model(s, &v, &fam) == 0) {
        o->vendor = (int)v;
        o->family = fam;
        cpu_opt = s;
    } else {
        fprintf(stderr,
                "ringside: unknown --cpu '%s' (intel, amd, amd-17h, amd-19h, amd-1ah, host)\n", s);
        return -1;
    }
    return 0;
}

/* --sysroot=DIR: kept absolute and resolved, so guest paths map onto it
 * whatever the guest's working directory becomes. */
static int parse_sysroot(const char *s, Options *o) {
    static char buf[PATH_MAX];
    struct stat st;
    if (!*s) {
        o->sysroot = NULL; /* an empty value: none */
        return 0;
    }
    if (!realpath(s, buf) || stat(buf, &st) < 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "ringside: --sysroot '%s': not a directory (see --help)\n", s);
        return -1;
    }
    o->sysroot = strcmp(buf, "/") ? buf : NULL; /* "/" is the host root: no redirection */
    return 0;
}

static int parse_kernel(const char *s, Options *o) {
    if (!strcmp(s, "i386"))
        o->kernel32 = 1;
    else if (!strcmp(s, "x86_64"))
        o->kernel32 = 0;
    else {
        fprintf(stderr, "ringside: unknown --kernel '%s' (x86_64, i386)\n", s);
        return -1;
    }
    return 0;
}

/* PROGRAM without a slash is looked up in PATH, as a shell would. */
static int find_program(const char *name, char *out, size_t outlen) {
    if (strchr(name, '/')) {
        snprintf(out, outlen, "%s", name);
        return 0;
    }
    const char *path = getenv("PATH");
    if (!path) path = "/usr/local/bin:/usr/bin:/bin";
    char buf[PATH_MAX];
    while (*path) {
        const char *e = strchr(path, ':');
        size_t n = e ? (size_t)(e - path) : strlen(path);
        snprintf(buf, sizeof buf, "%.*s/%s", (int)n, path, name);
        struct stat st;
        if (stat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
            snprintf(out, outlen, "%s", buf);
            return 0;
        }
        path += n + (e ? 1 : 0);
    }
    return -1;
}

/* What execve passes on to the ringside that runs the new program: the
 * options in effect now (environment twins included, so a guest that
 * changes its environment changes nothing), in canonical form. */
static void record_runner(const Options *o) {
    char self[PATH_MAX], trace[32] = "--trace=", cpu[64], sysroot[PATH_MAX + 16];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = 0;
    char *opts[8];
    int k = 0;
    if (o->strace) opts[k++] = "--strace";
    if (o->trace) {
        if (o->trace & TRACE_RING) strcat(trace, "ring,");
        if (o->trace & TRACE_INSN) strcat(trace, "insn,");
        if (o->trace & TRACE_USER_ONLY) strcat(trace, "user,");
        trace[strlen(trace) - 1] = 0;
        opts[k++] = trace;
    }
    if (cpu_opt && o->vendor >= 0) {
        snprintf(cpu, sizeof cpu, "--cpu=%s", cpu_opt);
        opts[k++] = cpu;
    }
    if (o->kernel32) opts[k++] = "--kernel=i386";
    if (o->sysroot) {
        snprintf(sysroot, sizeof sysroot, "--sysroot=%s", o->sysroot);
        opts[k++] = sysroot;
    }
    if (o->stats) opts[k++] = "--stats";
    char maxmem[64];
    if (max_memory_opt) {
        snprintf(maxmem, sizeof maxmem, "--max-memory=%s", max_memory_opt);
        opts[k++] = maxmem;
    }
    exec_set_runner(self, k, opts);
}

int ui_main(int argc, char **argv, char **envp) {
    Options o = {0};
    o.vendor = -1;
    const char *env;
    /* re-executed by execve: the options are all on the command line (the
     * RINGSIDE_* variables are the guest's environment now) */
    int reexec = argc > 1 && !strncmp(argv[1], "--exec-fd=", 10);
    for (int i = 1; i < argc && !reexec && argv[i][0] == '-' && strcmp(argv[i], "--"); i++)
        reexec = !strncmp(argv[i], "--exec-fd=", 10);
    if (reexec) goto options;
    if ((env = getenv("RINGSIDE_STRACE")) && *env && strcmp(env, "0")) o.strace = 1;
    if ((env = getenv("RINGSIDE_STATS")) && *env && strcmp(env, "0")) o.stats = 1;
    if ((env = getenv("RINGSIDE_TRACE")) && parse_trace(env, &o) < 0) return EXIT_USAGE;
    if ((env = getenv("RINGSIDE_TRACE_FILE")) && *env) o.trace_file = env;
    if ((env = getenv("RINGSIDE_CPU")) && *env && parse_cpu(env, &o) < 0) return EXIT_USAGE;
    if ((env = getenv("RINGSIDE_KERNEL")) && *env && parse_kernel(env, &o) < 0) return EXIT_USAGE;
    if ((env = getenv("RINGSIDE_SYSROOT")) && parse_sysroot(env, &o) < 0) return EXIT_USAGE;
    if ((env = getenv("RINGSIDE_MAX_MEMORY")) && *env && parse_max_memory(env) < 0)
        return EXIT_USAGE;
    if ((env = getenv("RINGSIDE_GDB")) && *env) run_gdb = env;
    if ((env = getenv("RINGSIDE_VIEW")) && *env && strcmp(env, "0")) run_view = 1;
    if ((env = getenv("RINGSIDE_HISTORY")) && *env && parse_history(env) < 0) return EXIT_USAGE;

options:;
    int k = 1;
    for (; k < argc && argv[k][0] == '-'; k++) {
        const char *a = argv[k];
        if (!strcmp(a, "--")) {
            k++;
            break;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--version")) {
            printf("ringside %s\n", RINGSIDE_VERSION);
            return 0;
        } else if (!strcmp(a, "--compare")) {
            o.compare = 1;
        } else if (!strncmp(a, "--compare-list=", 15)) {
            o.compare = 1;
            o.compare_list = a + 15;
        } else if (!strcmp(a, "--strace")) {
            o.strace = 1;
        } else if (!strcmp(a, "--stats")) {
            o.stats = 1;
        } else if (!strncmp(a, "--trace=", 8)) {
            if (parse_trace(a + 8, &o) < 0) return EXIT_USAGE;
        } else if (!strncmp(a, "--trace-file=", 13)) {
            o.trace_file = a + 13;
        } else if (!strncmp(a, "--kernel=", 9)) {
            if (parse_kernel(a + 9, &o) < 0) return EXIT_USAGE;
        } else if (!strncmp(a, "--sysroot=", 10)) {
            if (parse_sysroot(a + 10, &o) < 0) return EXIT_USAGE;
        } else if (!strncmp(a, "--max-memory=", 13)) {
            if (parse_max_memory(a + 13) < 0) return EXIT_USAGE;
        } else if (!strncmp(a, "--gdb=", 6)) {
            run_gdb = a[6] ? a + 6 : NULL;
        } else if (!strcmp(a, "--view")) {
            run_view = 1;
        } else if (!strncmp(a, "--view-keys=", 12)) {
            run_view_keys = a + 12;
        } else if (!strncmp(a, "--view-shot=", 12)) {
            run_view_shot = a + 12;
        } else if (!strcmp(a, "--history")) {
            run_history = HISTORY_DEFAULT;
        } else if (!strncmp(a, "--history=", 10)) {
            if (parse_history(a + 10) < 0) return EXIT_USAGE;
        } else if (!strncmp(a, "--cpu=", 6)) {
            if (parse_cpu(a + 6, &o) < 0) return EXIT_USAGE;
        } else if (!strncmp(a, "--exec-fd=", 10)) {
            run_exec_fd = atoi(a + 10); /* internal: execve (syscall/exec.c) */
        } else if (!strncmp(a, "--execfn=", 9)) {
            run_execfn = a + 9;
        } else if (!strncmp(a, "--trace-fd=", 11)) {
            run_trace_fd = atoi(a + 11);
        } else if (!strncmp(a, "--rlimits=", 10)) {
            run_rlimits = a + 10; /* internal: the guest's RLIMIT_AS/DATA across execve */
        } else {
            fprintf(stderr, "ringside: unknown option '%s' (see --help)\n", a);
            return EXIT_USAGE;
        }
    }
    if (o.compare_list) return compare_list_main(o.compare_list, envp);
    if ((run_view_keys || run_view_shot) && !run_view) {
        fprintf(stderr, "ringside: --view-keys and --view-shot need --view\n");
        return EXIT_USAGE;
    }
    if (run_view_shot && !run_view_keys && !run_gdb) {
        fprintf(stderr, "ringside: --view-shot needs --view-keys (it is written when they end)\n");
        return EXIT_USAGE;
    }
    if (run_view_keys && run_gdb) {
        fprintf(stderr, "ringside: --view-keys with --gdb: press keys from gdb with `monitor "
                        "view-keys KEYS`\n");
        return EXIT_USAGE;
    }
    if (k >= argc) {
        fprintf(stderr, "ringside: no program given (see --help)\n");
        return EXIT_USAGE;
    }

    record_runner(&o);
    char path[PATH_MAX];
    if (run_exec_fd >= 0) {
        snprintf(path, sizeof path, "/proc/self/fd/%d", run_exec_fd);
    } else if (find_program(argv[k], path, sizeof path) < 0) {
        fprintf(stderr, "ringside: %s: command not found\n", argv[k]);
        return 127;
    }
    if (o.compare) return compare_main(path, argc - k, argv + k, envp, o.compare_list);
    RunConfig rc = {0};
    rc.path = path;
    rc.argc = argc - k;
    rc.argv = argv + k;
    rc.envp = envp;
    rc.strace = o.strace;
    rc.trace = o.trace;
    rc.trace_file = o.trace_file;
    rc.vendor = o.vendor;
    rc.family = o.family;
    rc.stats = o.stats;
    rc.kernel32 = o.kernel32;
    run_sysroot = o.sysroot;
    int status = ui_run(&rc);
    if (ui_killed_by) ui_die_of_signal(ui_killed_by);
    return status;
}

int ui_run(const RunConfig *o) {
    const char *path = o->path;
    GdbStub *gdb = NULL; /* listening before anything else: a bad --gdb costs nothing */
    if (run_gdb && !(gdb = gdb_open(run_gdb))) return EXIT_USAGE;
    FILE *tracef = stderr;
    if (run_trace_fd >= 0) { /* execve's: the stream the old image wrote */
        tracef = fdopen(run_trace_fd, "a");
        if (tracef) fcntl(run_trace_fd, F_SETFD, FD_CLOEXEC);
        else tracef = stderr;
    } else if (o->trace_file) {
        tracef = fopen(o->trace_file, "w");
        if (tracef) {
            /* keep ringside's own descriptor out of the guest's way: the
             * guest's next open() must get the number it gets natively */
            int hi = fcntl(fileno(tracef), F_DUPFD_CLOEXEC, 1000);
            FILE *f2 = hi >= 0 ? fdopen(hi, "w") : NULL;
            if (f2) {
                fclose(tracef);
                tracef = f2;
            }
        }
        if (!tracef) {
            fprintf(stderr, "ringside: %s: %s\n", o->trace_file, strerror(errno));
            return EXIT_USAGE;
        }
    }

    Mem *m = mem_new();
    CpuVendor vendor = (CpuVendor)o->vendor;
    unsigned family = o->family;
    if (o->vendor < 0) cpu_host_model(&vendor, &family);
    Cpu *c = m ? cpu_new(m, vendor) : NULL;
    if (c) c->family = (uint16_t)family;
    Proc *p = calloc(1, sizeof *p);
    if (!m || !c || !p) {
        fprintf(stderr, "ringside: out of memory\n");
        return EXIT_USAGE;
    }
    proc_init(p, c, m);
    if (run_max_memory) rlimit_init(p, run_max_memory);
    unsigned long long lim[4];
    if (run_rlimits && sscanf(run_rlimits, "%llx:%llx:%llx:%llx", &lim[0], &lim[1], &lim[2],
                              &lim[3]) == 4) {
        p->rlim_as[0] = lim[0], p->rlim_as[1] = lim[1];
        p->rlim_data[0] = lim[2], p->rlim_data[1] = lim[3];
    }
    p->strace = o->strace;
    p->tracef = tracef;
    p->kernel32 = o->kernel32;
    if (run_sysroot) snprintf(p->sysroot, sizeof p->sysroot, "%s", run_sysroot);
    if (o->kernel32 ? kernel32_map(m) < 0 : kernel_map(m) < 0) {
        fprintf(stderr, "ringside: internal error: cannot map the kernel image\n");
        return EXIT_USAGE;
    }
    LoadInfo li;
    uint64_t sp;
    const char *execfn = run_execfn ? run_execfn : path;
    int rc_load = exec_image(p, path, o->argc, o->argv, o->envp, execfn, &li, &sp);
    if (run_exec_fd >= 0) {
        /* /proc/self/exe: the file the descriptor names (a memfd's name too) */
        char fdp[64], target[sizeof p->exe_path];
        snprintf(fdp, sizeof fdp, "/proc/self/fd/%d", run_exec_fd);
        ssize_t n = readlink(fdp, target, sizeof target - 1);
        if (n > 0) {
            target[n] = 0;
            memcpy(p->exe_path, target, (size_t)n + 1);
        }
        close(run_exec_fd);
    }
    if (rc_load < 0) {
        fprintf(stderr, "ringside: %s\n", li.err);
        gdb_close(gdb);
        return li.exit_status;
    }
    /* The host task's name is the program's, as Linux sets it at exec (the
     * base name it was executed by): ps, pgrep and /proc/PID/comm show it. */
    const char *base = strrchr(execfn, '/');
    prctl(PR_SET_NAME, base ? base + 1 : execfn, 0, 0, 0);

    Trace t = {o->trace, tracef};
    p->on_syscall = o->on_syscall;
    p->on_syscall_ud = o->on_syscall_ud;
    if (o->trace) trace_attach(&t, c);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (o->kernel32)
        kernel32_boot(p, li.start, sp);
    else
        kernel_boot(p, li.start, sp, li.is32);
    if (run_view && gdb) {
#ifdef RINGSIDE_HAVE_VIEWER
        /* both drive the same CPU: the stub serves gdb, the window is its companion */
        ViewOpts vo = {NULL, run_view_shot, run_history, li.is32, li.load_bias};
        GdbCompanion comp;
        void *view = viewer_gdb_open(p, &vo, &comp);
        if (!view) return EXIT_USAGE;
        gdb_set_companion(gdb, &comp);
        int grc = gdb_serve(gdb, p, run_history, li.is32);
        if (viewer_gdb_close(view) < 0 || grc < 0) return EXIT_USAGE;
#else
        fprintf(stderr, "ringside: --view: this ringside was built without the viewer (SDL2 and "
                        "SDL2_ttf were not found at build time)\n");
        return EXIT_USAGE;
#endif
    } else if (run_view) {
#ifdef RINGSIDE_HAVE_VIEWER
        ViewOpts vo = {run_view_keys, run_view_shot, run_history, li.is32, li.load_bias};
        if (viewer_run(p, &vo) < 0) return EXIT_USAGE;
#else
        fprintf(stderr, "ringside: --view: this ringside was built without the viewer (SDL2 and "
                        "SDL2_ttf were not found at build time)\n");
        return EXIT_USAGE;
#endif
    } else if (gdb) {
        /* the debugger drives the run (ui/gdb/); it returns once the program ended */
        if (gdb_serve(gdb, p, run_history, li.is32) < 0) return EXIT_USAGE;
    } else {
        while (kernel_run(p) != 0) {
            /* stopped for an embedder event without a debugger attached: go on */
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fflush(stdout);
    if (o->stats) {
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        ui_print_stats(stderr, c, secs);
    }
    if (tracef != stderr) fclose(tracef);
    int st = p->exit_status;
    if (WIFSIGNALED(st)) {
        ui_killed_by = WTERMSIG(st);
        return 128 + WTERMSIG(st);
    }
    return WEXITSTATUS(st);
}
