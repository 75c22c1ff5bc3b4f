/* ringside [options] PROGRAM [ARGS...]: option parsing and the main job. */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../loader/loader.h"
#include "../syscall/kernel.h"
#include "../vdso/vdso.h"
#include "trace.h"
#include "ui.h"

#define EXIT_USAGE 125

/* --sysroot for ui_run() (kept out of RunConfig, which ui/compare.c also fills) */
static const char *run_sysroot;

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

static void usage(FILE *f) {
    fprintf(
        f,
        "usage: ringside [options] PROGRAM [ARGS...]\n"
        "Run an x86-64 or i386 Linux program on ringside's modelled CPU and kernel.\n"
        "The exit status is the program's (128+N when signal N ended it).\n"
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
        "  --stats               print retired guest instructions, decode-cache figures\n"
        "                        and MIPS at exit  [RINGSIDE_STATS=1] (default: off)\n"
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
    } else if (cpu_parse_model(s, &v, &fam) == 0) {
        o->vendor = (int)v;
        o->family = fam;
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

int ui_main(int argc, char **argv, char **envp) {
    Options o = {0};
    o.vendor = -1;
    const char *env;
    if ((env = getenv("RINGSIDE_STRACE")) && *env && strcmp(env, "0")) o.strace = 1;
    if ((env = getenv("RINGSIDE_STATS")) && *env && strcmp(env, "0")) o.stats = 1;
    if ((env = getenv("RINGSIDE_TRACE")) && parse_trace(env, &o) < 0) return EXIT_USAGE;
    if ((env = getenv("RINGSIDE_TRACE_FILE")) && *env) o.trace_file = env;
    if ((env = getenv("RINGSIDE_CPU")) && *env && parse_cpu(env, &o) < 0) return EXIT_USAGE;
    if ((env = getenv("RINGSIDE_KERNEL")) && *env && parse_kernel(env, &o) < 0) return EXIT_USAGE;
    if ((env = getenv("RINGSIDE_SYSROOT")) && parse_sysroot(env, &o) < 0) return EXIT_USAGE;

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
        } else if (!strncmp(a, "--cpu=", 6)) {
            if (parse_cpu(a + 6, &o) < 0) return EXIT_USAGE;
        } else {
            fprintf(stderr, "ringside: unknown option '%s' (see --help)\n", a);
            return EXIT_USAGE;
        }
    }
    if (o.compare_list) return compare_list_main(o.compare_list, envp);
    if (k >= argc) {
        fprintf(stderr, "ringside: no program given (see --help)\n");
        return EXIT_USAGE;
    }

    char path[PATH_MAX];
    if (find_program(argv[k], path, sizeof path) < 0) {
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
    return ui_run(&rc);
}

int ui_run(const RunConfig *o) {
    const char *path = o->path;
    FILE *tracef = stderr;
    if (o->trace_file) {
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
    if (exec_image(p, path, o->argc, o->argv, o->envp, path, &li, &sp) < 0) {
        fprintf(stderr, "ringside: %s\n", li.err);
        return li.exit_status;
    }

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
    while (kernel_run(p) != 0) {
        /* stopped for an embedder event without a debugger attached: go on */
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fflush(stdout);
    if (o->stats) {
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        ui_print_stats(stderr, c, secs);
    }
    if (tracef != stderr) fclose(tracef);
    int st = p->exit_status;
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    return WEXITSTATUS(st);
}
