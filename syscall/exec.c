/* execve and execveat for both ABIs.
 *
 * A new program image continues under ringside in the same host process:
 * ringside re-executes itself (its own host binary, recorded at start-up
 * by exec_set_runner) with the user's options, the program passed as an
 * open descriptor (--exec-fd, closed again before the guest starts), the
 * guest's AT_EXECFN (--execfn) and the guest's argv and envp unchanged.
 * The host exec does the rest as Linux does: O_CLOEXEC descriptors close,
 * caught signals return to the default, ignored ones and the mask stay,
 * the pid stays.
 *
 * Everything Linux checks before the point of no return is checked here
 * first, in Linux's order, so a failing execve returns its errno to the
 * old image: the path (ENOENT, ENOTDIR, ELOOP, EACCES for a directory, a
 * file without execute permission or on a noexec mount), the argument and
 * environment vectors (EFAULT, E2BIG against the stack limit), then the
 * format: ELF for this kernel (ENOEXEC otherwise, and its PT_INTERP must
 * open), or a "#!" script, whose interpreter is examined the same way
 * (binfmt_script's argv: interpreter, optional argument, script path,
 * argv[1...]; more than five nested interpreters: ELOOP). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "compat32.h"
#include "sys_internal.h"

#define MAX_ARG_STRLEN   (32 * 4096)
#define ARG_MAX_         (32 * 4096)
#define STK_LIM          (8 * 1024 * 1024)
#define BINPRM_BUF_SIZE  256
#define AT_EMPTY_PATH_   0x1000
#define AT_SYMLINK_NOF_  0x100
#define MAX_INTERP_DEPTH 5

static char self_path[PATH_MAX] = "/proc/self/exe"; /* until exec_set_runner */
static char **runner_opts;
static int runner_nopts;

void exec_set_runner(const char *self, int nopts, char *const opts[]) {
    snprintf(self_path, sizeof self_path, "%s", self && *self ? self : "/proc/self/exe");
    runner_opts = calloc((size_t)nopts + 1, sizeof *runner_opts);
    if (!runner_opts) return;
    for (int i = 0; i < nopts; i++)
        if ((runner_opts[i] = strdup(opts[i]))) runner_nopts++;
}

/* ---- the argument and environment vectors ----------------------------------- */

typedef struct StrVec {
    char **v;
    size_t n;
} StrVec;

static void vec_free(StrVec *s) {
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

static int vec_push(StrVec *s, const char *str) {
    char **v = realloc(s->v, (s->n + 2) * sizeof *v);
    if (!v) return -ENOMEM;
    s->v = v;
    if (!(v[s->n] = strdup(str))) return -ENOMEM;
    v[++s->n] = NULL;
    return 0;
}

/* count(): the pointers up to the NULL; -EFAULT, or -E2BIG past max. */
static int64_t count_ptrs(Proc *p, uint64_t uvec, int compat, uint64_t max) {
    if (!uvec) return 0;
    for (uint64_t i = 0;; i++) {
        uint64_t ptr = 0;
        if (i >= max) return -E2BIG;
        if (copy_from_user(p, &ptr, uvec + i * (compat ? 4 : 8), compat ? 4 : 8)) return -EFAULT;
        if (!ptr) return (int64_t)i;
    }
}

/* copy_strings(): each string, charged against *room (the stack limit). */
static int64_t get_strings(Proc *p, uint64_t uvec, int compat, uint64_t n, StrVec *out,
                           uint64_t *room) {
    char *buf = malloc(MAX_ARG_STRLEN);
    if (!buf) return -ENOMEM;
    int64_t e = 0;
    for (uint64_t i = 0; i < n && !e; i++) {
        uint64_t ptr = 0;
        if (copy_from_user(p, &ptr, uvec + i * (compat ? 4 : 8), compat ? 4 : 8)) {
            e = -EFAULT;
            break;
        }
        long len = strncpy_from_user(p, buf, ptr, MAX_ARG_STRLEN);
        if (len == -ENAMETOOLONG)
            e = -E2BIG;
        else if (len < 0)
            e = -EFAULT;
        else if ((uint64_t)len + 1 > *room)
            e = -E2BIG;
        else {
            *room -= (uint64_t)len + 1;
            e = vec_push(out, buf);
        }
    }
    free(buf);
    return e;
}

/* bprm_stack_limits(): room for strings once the pointers are charged. */
static int64_t stack_room(uint64_t argc, uint64_t envc, uint64_t *room) {
    struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
    uint64_t limit = STK_LIM / 4 * 3;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur / 4 < limit) limit = rl.rlim_cur / 4;
    if (limit < ARG_MAX_) limit = ARG_MAX_;
    uint64_t ptrs = ((argc ? argc : 1) + envc) * sizeof(void *);
    if (limit <= ptrs) return -E2BIG;
    *room = limit - ptrs;
    /* the strings are copied onto the new stack, which may grow only to
     * RLIMIT_STACK (whole pages), below its top word */
    if (rl.rlim_cur != RLIM_INFINITY) {
        uint64_t vma = rl.rlim_cur & ~(uint64_t)4095, fit = vma > 8 ? vma - 8 : 0;
        if (fit < *room) *room = fit;
    }
    return 0;
}

/* ---- the file ----------------------------------------------------------------- */

/* open_exec(): a regular file we may execute, opened for reading (ringside
 * reads what the host kernel would only execute). fd or -errno. */
/* Linux's exec needs no descriptor, ringside's does: at the guest's
 * RLIMIT_NOFILE, a little room for a moment (restored by the caller). */
static int nofile_room(struct rlimit *saved) {
    if (getrlimit(RLIMIT_NOFILE, saved) < 0 || saved->rlim_cur == RLIM_INFINITY) return 0;
    struct rlimit r = {saved->rlim_cur + 4, saved->rlim_max};
    if (r.rlim_max != RLIM_INFINITY && r.rlim_max < r.rlim_cur) r.rlim_max = r.rlim_cur;
    return setrlimit(RLIMIT_NOFILE, &r) == 0;
}

static int open_exec(Proc *p, int dirfd, const char *gpath, int flags) {
    struct rlimit saved;
    int room = 0;
    char hbuf[SYS_PATH_MAX];
    const char *path = sys_follow_path(p, gpath);
    if (path == gpath) path = proc_host_path(p, gpath, hbuf, sizeof hbuf);
    int o = O_PATH | O_CLOEXEC | ((flags & AT_SYMLINK_NOF_) ? O_NOFOLLOW : 0);
    int pf;
    if (!*path && (flags & AT_EMPTY_PATH_)) {
        char fdp[64];
        snprintf(fdp, sizeof fdp, "/proc/self/fd/%d", dirfd);
        pf = open(dirfd == AT_FDCWD ? "." : fdp, O_PATH | O_CLOEXEC);
        if (pf < 0 && fcntl(dirfd, F_GETFD) < 0) return -EBADF;
    } else {
        pf = openat(dirfd, path, o);
        if (pf < 0 && errno == EMFILE) {
            if ((room = nofile_room(&saved))) {
                pf = openat(dirfd, path, o);
            } else {
                /* no descriptor at all: Linux's errors from the path alone */
                struct stat st;
                if (fstatat(dirfd, path, &st, (flags & AT_SYMLINK_NOF_) ? AT_SYMLINK_NOFOLLOW : 0))
                    return -errno;
                if (S_ISLNK(st.st_mode)) return -ELOOP;
                if (!S_ISREG(st.st_mode)) return -EACCES;
                if (faccessat(dirfd, path, X_OK, AT_EACCESS)) return -errno;
                sys_report("execve", 3, "execve: no descriptor left to read %s (EMFILE)", gpath);
                return -EMFILE;
            }
        }
    }
    if (pf < 0) {
        int e = -errno;
        if (room) setrlimit(RLIMIT_NOFILE, &saved);
        return e;
    }
    struct stat st;
    struct statvfs vf;
    int e = 0;
    if (fstat(pf, &st) < 0)
        e = -errno;
    else if (S_ISLNK(st.st_mode))
        e = -ELOOP; /* AT_SYMLINK_NOFOLLOW on a symlink */
    else if (!S_ISREG(st.st_mode))
        e = -EACCES;
    else if (faccessat(pf, "", X_OK, AT_EACCESS | AT_EMPTY_PATH) < 0)
        e = -errno;
    else if (fstatvfs(pf, &vf) == 0 && (vf.f_flag & ST_NOEXEC))
        e = -EACCES;
    if (e) {
        close(pf);
        if (room) setrlimit(RLIMIT_NOFILE, &saved);
        return e;
    }
    char fdp[64];
    snprintf(fdp, sizeof fdp, "/proc/self/fd/%d", pf);
    int fd = open(fdp, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == EMFILE && !room && (room = nofile_room(&saved)))
        fd = open(fdp, O_RDONLY | O_CLOEXEC);
    e = errno;
    close(pf);
    if (room) setrlimit(RLIMIT_NOFILE, &saved);
    if (fd < 0) {
        sys_report("execve", 1, "execve: cannot read %s to run it (%s)", gpath, strerror(e));
        return -e;
    }
    return fd;
}

/* An ELF this kernel runs: ENOEXEC otherwise; its interpreter must open. */
static int64_t check_elf(Proc *p, int fd, const uint8_t *buf, ssize_t n) {
    if (n < (ssize_t)sizeof(Elf32_Ehdr)) return -ENOEXEC;
    int cls = buf[EI_CLASS];
    uint16_t type, machine, phentsize, phnum;
    uint64_t phoff;
    if (cls == ELFCLASS64 && n >= (ssize_t)sizeof(Elf64_Ehdr)) {
        const Elf64_Ehdr *h = (const void *)buf;
        type = h->e_type, machine = h->e_machine, phentsize = h->e_phentsize;
        phnum = h->e_phnum, phoff = h->e_phoff;
        if (machine != EM_X86_64 || phentsize != sizeof(Elf64_Phdr) || p->kernel32) return -ENOEXEC;
    } else if (cls == ELFCLASS32) {
        const Elf32_Ehdr *h = (const void *)buf;
        type = h->e_type, machine = h->e_machine, phentsize = h->e_phentsize;
        phnum = h->e_phnum, phoff = h->e_phoff;
        if (machine != EM_386 || phentsize != sizeof(Elf32_Phdr)) return -ENOEXEC;
    } else {
        return -ENOEXEC;
    }
    if (type != ET_EXEC && type != ET_DYN) return -ENOEXEC;
    if (phnum < 1 || (uint64_t)phnum * phentsize > 65536) return -ENOEXEC;
    for (unsigned i = 0; i < phnum; i++) {
        uint64_t ptype, off, sz;
        if (cls == ELFCLASS64) {
            Elf64_Phdr ph;
            if (pread(fd, &ph, sizeof ph, (off_t)(phoff + i * sizeof ph)) != sizeof ph) return -EIO;
            ptype = ph.p_type, off = ph.p_offset, sz = ph.p_filesz;
        } else {
            Elf32_Phdr ph;
            if (pread(fd, &ph, sizeof ph, (off_t)(phoff + i * sizeof ph)) != sizeof ph) return -EIO;
            ptype = ph.p_type, off = ph.p_offset, sz = ph.p_filesz;
        }
        if (ptype != PT_INTERP) continue;
        char ip[PATH_MAX];
        if (sz < 2 || sz > PATH_MAX) return -ENOEXEC;
        if (pread(fd, ip, sz, (off_t)off) != (ssize_t)sz) return -EIO;
        if (ip[sz - 1]) return -ENOEXEC;
        int ifd = open_exec(p, AT_FDCWD, ip, 0);
        if (ifd < 0) return ifd;
        close(ifd);
        break;
    }
    return 0;
}

/* binfmt_script: "#!interp [arg]". 1 with *interp and *arg set, 0 when not a
 * script, -ENOEXEC for an empty interpreter. */
static int parse_script(char *buf, ssize_t n, char **interp, char **arg) {
    if (n < 2 || buf[0] != '#' || buf[1] != '!') return 0;
    buf[n < BINPRM_BUF_SIZE ? n : BINPRM_BUF_SIZE - 1] = 0;
    char *end = strchr(buf, '\n');
    if (!end) {
        /* no newline in the buffer: the interpreter must end inside it */
        char *q = buf + 2;
        while (*q == ' ' || *q == '\t')
            q++;
        while (*q && *q != ' ' && *q != '\t')
            q++;
        if (!*q) return -ENOEXEC;
        end = buf + strlen(buf);
    }
    *end = 0;
    while (end > buf + 2 && (end[-1] == ' ' || end[-1] == '\t'))
        *--end = 0;
    char *s = buf + 2;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s) return -ENOEXEC;
    *interp = s;
    while (*s && *s != ' ' && *s != '\t')
        s++;
    *arg = NULL;
    if (*s) {
        *s++ = 0;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s) *arg = s;
    }
    return 1;
}

/* ---- execve ---------------------------------------------------------------- */

static int64_t do_exec(Proc *p, int dirfd, uint64_t upath, uint64_t uargv, uint64_t uenvp,
                       int flags, int compat, uint64_t nr, const uint64_t a[6]) {
    char gpath[SYS_PATH_MAX];
    if (flags & ~(AT_EMPTY_PATH_ | AT_SYMLINK_NOF_)) return -EINVAL;
    long pl = strncpy_from_user(p, gpath, upath, sizeof gpath);
    if (pl < 0) return pl == -ENAMETOOLONG ? -ENAMETOOLONG : -EFAULT;
    if (!pl && !(flags & AT_EMPTY_PATH_)) return -ENOENT;
    int fd = open_exec(p, dirfd, gpath, flags);
    if (fd < 0) return fd;

    /* bprm->filename: what AT_EXECFN and a script's argv show */
    char fname[SYS_PATH_MAX + 32];
    if (dirfd == AT_FDCWD || gpath[0] == '/')
        snprintf(fname, sizeof fname, "%s", gpath);
    else if (!pl)
        snprintf(fname, sizeof fname, "/dev/fd/%d", dirfd);
    else
        snprintf(fname, sizeof fname, "/dev/fd/%d/%s", dirfd, gpath);

    StrVec argv = {0}, envp = {0}, nargv = {0};
    uint64_t room = 0;
    int64_t e, argc = count_ptrs(p, uargv, compat, 0x7fffffff), envc;
    if (argc < 0)
        e = argc;
    else if ((envc = count_ptrs(p, uenvp, compat, 0x7fffffff)) < 0)
        e = envc;
    else if (!(e = stack_room((uint64_t)argc, (uint64_t)envc, &room))) {
        if (strlen(fname) + 1 > room)
            e = -E2BIG;
        else
            room -= strlen(fname) + 1;
        if (!e) e = get_strings(p, uenvp, compat, (uint64_t)envc, &envp, &room);
        if (!e) e = get_strings(p, uargv, compat, (uint64_t)argc, &argv, &room);
        if (!e && !argv.n) e = vec_push(&argv, ""); /* Linux's argv[0] for argc 0 */
    }

    /* the format, following #! interpreters */
    char *interp_argv[2 * (MAX_INTERP_DEPTH + 1)];
    int ninterp = 0;
    for (int depth = 0; !e; depth++) {
        if (depth > MAX_INTERP_DEPTH) {
            e = -ELOOP;
            break;
        }
        char buf[BINPRM_BUF_SIZE + 1];
        ssize_t n = pread(fd, buf, BINPRM_BUF_SIZE, 0);
        if (n < 0) {
            e = -errno;
            break;
        }
        if (n >= 4 && !memcmp(buf, ELFMAG, SELFMAG)) {
            e = check_elf(p, fd, (const uint8_t *)buf, n);
            break;
        }
        char *interp, *arg;
        int s = parse_script(buf, n, &interp, &arg);
        if (s <= 0) {
            e = s < 0 ? s : -ENOEXEC;
            break;
        }
        /* argv becomes: interp [arg] filename argv[1...]; scripts nest */
        interp_argv[ninterp++] = strdup(interp);
        interp_argv[ninterp++] = arg ? strdup(arg) : NULL;
        close(fd);
        fd = open_exec(p, AT_FDCWD, interp, 0);
        if (fd < 0) {
            e = fd;
            break;
        }
    }
    if (!e) {
        /* innermost interpreter and its argument first, then each outer
         * one (the file the next one in interprets), then the script */
        for (int i = ninterp - 2; i >= 0 && !e; i -= 2) {
            e = vec_push(&nargv, interp_argv[i]);
            if (!e && interp_argv[i + 1]) e = vec_push(&nargv, interp_argv[i + 1]);
        }
        if (!e && ninterp) e = vec_push(&nargv, fname);
        for (size_t i = ninterp ? 1 : 0; i < argv.n && !e; i++)
            e = vec_push(&nargv, argv.v[i]);
    }
    for (int i = 0; i < ninterp; i++)
        free(interp_argv[i]);

    if (!e) {
        /* ringside [options] --exec-fd=N --execfn=F [--trace-fd=T] -- ARGV... */
        StrVec hv = {0};
        char opt[SYS_PATH_MAX + 64];
        int tfd = p->tracef && p->tracef != stderr ? fileno(p->tracef) : -1;
        e = vec_push(&hv, self_path);
        for (int i = 0; i < runner_nopts && !e; i++)
            e = vec_push(&hv, runner_opts[i]);
        snprintf(opt, sizeof opt, "--exec-fd=%d", fd);
        if (!e) e = vec_push(&hv, opt);
        snprintf(opt, sizeof opt, "--execfn=%s", fname);
        if (!e) e = vec_push(&hv, opt);
        snprintf(opt, sizeof opt, "--trace-fd=%d", tfd);
        if (!e && tfd >= 0) e = vec_push(&hv, opt);
        /* the guest's address-space limits are ringside's to keep (rlimit.c) */
        snprintf(opt, sizeof opt, "--rlimits=%llx:%llx:%llx:%llx",
                 (unsigned long long)p->rlim_as[0], (unsigned long long)p->rlim_as[1],
                 (unsigned long long)p->rlim_data[0], (unsigned long long)p->rlim_data[1]);
        if (!e) e = vec_push(&hv, opt);
        if (!e) e = vec_push(&hv, "--");
        for (size_t i = 0; i < nargv.n && !e; i++)
            e = vec_push(&hv, nargv.v[i]);
        if (!e) {
            /* --strace: the call's line, as strace shows a successful execve */
            if (p->strace) strace_exit(p, nr, sys_lookup(p->abi, nr), a, 0);
            fflush(NULL);
            proc_vfork_release(p); /* a vfork parent runs on from here */
            fcntl(fd, F_SETFD, 0);
            if (tfd >= 0) fcntl(tfd, F_SETFD, 0);
            execve(self_path, hv.v, envp.v ? envp.v : (char *[]){NULL});
            e = -errno;
            if (tfd >= 0) fcntl(tfd, F_SETFD, FD_CLOEXEC);
            sys_report("execve", 2, "execve: re-executing ringside (%s) failed: %s", self_path,
                       strerror((int)-e));
        }
        vec_free(&hv);
    }
    vec_free(&argv);
    vec_free(&envp);
    vec_free(&nargv);
    if (fd >= 0) close(fd);
    return e;
}

int64_t sys_execve(Proc *p, const uint64_t a[6]) {
    return do_exec(p, AT_FDCWD, a[0], a[1], a[2], 0, 0, 59, a);
}

int64_t sys_execveat(Proc *p, const uint64_t a[6]) {
    return do_exec(p, (int)a[0], a[1], a[2], a[3], (int)a[4], 0, 322, a);
}

/* i386: argv and envp are arrays of 32-bit pointers. */
int64_t c32_execve(Proc *p, const uint64_t a[6]) {
    return do_exec(p, AT_FDCWD, a[0], a[1], a[2], 0, 1, 11, a);
}

int64_t c32_execveat(Proc *p, const uint64_t a[6]) {
    return do_exec(p, (int)a[0], a[1], a[2], a[3], (int)a[4], 1, 358, a);
}
