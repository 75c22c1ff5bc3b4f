/* Process system calls, natively and under ringside: fork/vfork/clone/
 * clone3 + exec + wait with pipes, posix_spawn, exec errors, #! scripts,
 * exit statuses and terminating signals, waitid variants, sessions and
 * process groups. Prints nothing that differs between two native runs
 * (no pids, no times). Usage: procs MODE [OTHER-PROGRAM]
 *   basic     fork/exec/pipe/wait, vfork, posix_spawn, statuses
 *   clone     raw clone/clone3: exit signals, SETTID, PIDFD, stacks
 *   wait      wait4/waitid: WNOHANG, WNOWAIT, P_PGID, P_PIDFD, stop/continue
 *   exec      execve/execveat errors and #! scripts (files made by the test's setup)
 *   cross     exec OTHER-PROGRAM (the 32-bit build from the 64-bit one, or back)
 *   pgrp      setsid/setpgid/getpgid/getsid
 *   selfsig   a child that kills itself / faults: WTERMSIG (needs signals)
 *   kill      signals to a process group, to pid 1, to -1 and to a pid that
 *             does not exist: run it only in its own pid namespace
 *   sigexec   dispositions and the mask across execve (ignored stays
 *             ignored, handled becomes default, the mask is kept)
 *   show      print argv, AT_EXECFN, /proc/self/exe's base name, exit 3 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void status(const char *what, int st) {
    if (WIFEXITED(st))
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("%s: killed by signal %d%s\n", what, WTERMSIG(st), WCOREDUMP(st) ? " (core)" : "");
    else if (WIFSTOPPED(st))
        printf("%s: stopped by %d\n", what, WSTOPSIG(st));
    else if (WIFCONTINUED(st))
        printf("%s: continued\n", what);
    else
        printf("%s: status %#x\n", what, st);
    fflush(stdout);
}

static void reap(const char *what, pid_t pid) {
    int st = 0;
    pid_t w = waitpid(pid, &st, 0);
    if (w != pid) printf("%s: waitpid returned %s\n", what, w < 0 ? strerror(errno) : "another");
    status(what, st);
}

static int show(int argc, char **argv) {
    char exe[4096] = {0};
    if (readlink("/proc/self/exe", exe, sizeof exe - 1) < 0) strcpy(exe, "?");
    const char *base = strrchr(exe, '/');
    const char *fn = (const char *)getauxval(AT_EXECFN);
    const char *fnb = fn ? strrchr(fn, '/') : NULL;
    printf("show: argc %d exe %s execfn %s\n", argc, base ? base + 1 : exe,
           fnb  ? fnb + 1
           : fn ? fn
                : "(none)");
    for (int i = 0; i < argc; i++) {
        if (strlen(argv[i]) > 100)
            printf("  argv[%d] = %zu bytes\n", i, strlen(argv[i]));
        else
            printf("  argv[%d] = '%s'\n", i,
                   i == 0 && strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[i]);
    }
    return 3;
}

static void basic(const char *self) {
    /* fork + exec + a pipe */
    int fd[2];
    if (pipe(fd)) return;
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        dup2(fd[1], 1);
        execl("/bin/echo", "echo", "hello through a pipe", (char *)0);
        _exit(99);
    }
    close(fd[1]);
    char buf[128] = {0};
    ssize_t n, got = 0;
    while ((n = read(fd[0], buf + got, sizeof buf - 1 - (size_t)got)) > 0)
        got += n;
    close(fd[0]);
    printf("pipe read %zd: %s", got, buf);
    reap("fork+exec echo", pid);

    /* a child's exit status, its memory private */
    static int shared_var = 1;
    pid = fork();
    if (pid == 0) {
        shared_var = 2;
        _exit(42);
    }
    reap("fork exit 42", pid);
    printf("after fork child: var %d\n", shared_var);

    /* vfork: the parent waits; the child's writes show (shared memory) */
    volatile int vvar = 1;
    pid = vfork();
    if (pid == 0) {
        vvar = 7;
        _exit(5);
    }
    printf("vfork parent resumed: var %d\n", vvar);
    reap("vfork exit 5", pid);
    pid = vfork();
    if (pid == 0) {
        execl(self, "procs", "show", "from-vfork", (char *)0);
        _exit(111);
    }
    reap("vfork+exec show", pid);

    /* posix_spawn: success and a missing file (the error comes back) */
    char *av[] = {"echo", "spawned", NULL};
    int r = posix_spawn(&pid, "/bin/echo", NULL, NULL, av, environ);
    if (!r) reap("posix_spawn echo", pid); /* (its output and ours would race) */
    printf("posix_spawn /bin/echo: %s\n", r ? strerror(r) : "ok");
    r = posix_spawn(&pid, "/nonexistent/prog", NULL, NULL, av, environ);
    printf("posix_spawn missing: %s\n", r ? strerror(r) : "ok (wrong)");
    if (!r) reap("posix_spawn missing", pid);
    r = posix_spawnp(&pid, "no-such-command-here", NULL, NULL, av, environ);
    printf("posix_spawnp missing: %s\n", r ? strerror(r) : "ok (wrong)");
    if (!r) reap("posix_spawnp missing", pid);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    r = posix_spawnp(&pid, "echo", &fa, NULL, av, environ);
    printf("posix_spawnp echo >/dev/null: %s\n", r ? strerror(r) : "ok");
    if (!r) reap("posix_spawnp echo", pid);
    posix_spawn_file_actions_destroy(&fa);

    /* a child killed by its parent; a child exiting with 255 */
    int go[2];
    if (pipe(go)) return;
    pid = fork();
    if (pid == 0) {
        close(go[0]);
        close(go[1]);
        for (;;)
            sleep(100);
    }
    close(go[1]);
    kill(pid, SIGTERM);
    reap("child sent SIGTERM", pid);
    close(go[0]);
    pid = fork();
    if (pid == 0) {
        for (;;)
            sleep(100);
    }
    kill(pid, SIGKILL);
    reap("child sent SIGKILL", pid);
    pid = fork();
    if (pid == 0) exit(255);
    reap("exit 255", pid);

    /* many children, reaped in any order */
    int sum = 0;
    for (int i = 0; i < 8; i++)
        if (fork() == 0) _exit(i);
    for (int i = 0; i < 8; i++) {
        int st;
        if (wait(&st) > 0 && WIFEXITED(st)) sum += WEXITSTATUS(st);
    }
    printf("8 children, statuses sum %d, then wait: %s\n", sum,
           wait(NULL) < 0 ? strerror(errno) : "a child (wrong)");
}

static pid_t raw_clone(unsigned long flags, void *stack, int *ptid, int *ctid, unsigned long tls) {
#ifdef __x86_64__
    return (pid_t)syscall(SYS_clone, flags, stack, ptid, ctid, tls);
#else
    return (pid_t)syscall(SYS_clone, flags, stack, ptid, tls, ctid);
#endif
}

struct clone_args_ {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

/* clone3 whose child runs on [lo, hi): it exits at once (in assembly: it
 * has no frame to return to) with 21 when its stack pointer is in there,
 * else 22. Returns the pid or -errno. */
static long clone3_on_stack(struct clone_args_ *ca, char *lo, char *hi) {
    long ret;
#ifdef __x86_64__
    __asm__ volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "mov $22, %%edi\n\t"
                     "cmp %[lo], %%rsp\n\t"
                     "jb 2f\n\t"
                     "cmp %[hi], %%rsp\n\t"
                     "ja 2f\n\t"
                     "mov $21, %%edi\n\t"
                     "2: mov $231, %%eax\n\t"
                     "syscall\n\t"
                     "1:"
                     : "=a"(ret)
                     : "a"(435L), "D"(ca), "S"(sizeof *ca), [lo] "r"(lo), [hi] "r"(hi)
                     : "rcx", "r11", "memory");
#else
    __asm__ volatile("push %%ebx\n\t"
                     "mov %[ca], %%ebx\n\t"
                     "int $0x80\n\t"
                     "test %%eax, %%eax\n\t"
                     "jnz 1f\n\t"
                     "mov $22, %%ebx\n\t"
                     "cmp %[lo], %%esp\n\t"
                     "jb 2f\n\t"
                     "cmp %[hi], %%esp\n\t"
                     "ja 2f\n\t"
                     "mov $21, %%ebx\n\t"
                     "2: mov $252, %%eax\n\t"
                     "int $0x80\n\t"
                     "1: pop %%ebx"
                     : "=a"(ret)
                     : "a"(435L), [ca] "D"(ca), "c"(sizeof *ca), [lo] "S"(lo), [hi] "d"(hi)
                     : "memory");
#endif
    return ret;
}

static void clones(void) {
    /* exit signal SIGURG (ignored by default): waited for with __WCLONE */
    pid_t pid = raw_clone(SIGURG, NULL, NULL, NULL, 0);
    if (pid == 0) syscall(SYS_exit_group, 9);
    int st;
    printf("clone(SIGURG) plain waitpid: %s\n",
           waitpid(pid, &st, WNOHANG) < 0 ? strerror(errno) : "found (wrong)");
    if (waitpid(pid, &st, __WCLONE) == pid) status("clone(SIGURG) __WCLONE", st);

    /* exit signal 0 */
    pid = raw_clone(0, NULL, NULL, NULL, 0);
    if (pid == 0) syscall(SYS_exit_group, 4);
    if (waitpid(pid, &st, __WALL) == pid) status("clone(0) __WALL", st);

    /* PARENT_SETTID / CHILD_SETTID */
    static int ptid, ctid;
    int pipefd[2];
    if (pipe(pipefd)) return;
    pid = raw_clone(SIGCHLD | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID, NULL, &ptid, &ctid, 0);
    if (pid == 0) {
        char ok = ctid == (int)syscall(SYS_gettid) ? 'y' : 'n';
        if (write(pipefd[1], &ok, 1) != 1) syscall(SYS_exit_group, 1);
        syscall(SYS_exit_group, 0);
    }
    char ok = '?';
    if (read(pipefd[0], &ok, 1) != 1) ok = '!';
    printf("PARENT_SETTID matches: %s, CHILD_SETTID in child: %c\n", ptid == pid ? "yes" : "no",
           ok);
    reap("clone SETTID", pid);

    /* clone3 with a new stack for a fork-like child, and CLONE_PIDFD */
    size_t sz = 64 * 1024;
    char *stk = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct clone_args_ ca = {0};
    int pidfd = -1;
    ca.flags = CLONE_PIDFD;
    ca.pidfd = (uintptr_t)&pidfd;
    ca.exit_signal = SIGCHLD;
    ca.stack = (uintptr_t)stk;
    ca.stack_size = sz;
    pid = (pid_t)clone3_on_stack(&ca, stk, stk + sz);
    if (pid < 0) {
        printf("clone3: %s\n", strerror(-pid));
    } else {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        int r = waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED);
        printf("clone3 stack+PIDFD: pidfd %s, waitid(P_PIDFD) %d, code %d status %d pid ok %d\n",
               pidfd >= 0 ? "valid" : "missing", r, si.si_code, si.si_status, si.si_pid == pid);
        close(pidfd);
    }
    /* clone3 argument checks */
    ca = (struct clone_args_){0};
    ca.exit_signal = SIGCHLD;
    errno = 0;
    long r = syscall(SYS_clone3, &ca, 32);
    printf("clone3 size 32: %ld %s\n", r, strerror(errno));
    ca.flags = CLONE_THREAD;
    errno = 0;
    r = syscall(SYS_clone3, &ca, sizeof ca);
    printf("clone3 CLONE_THREAD without SIGHAND: %ld %s\n", r, strerror(errno));
    ca.flags = CLONE_SIGHAND;
    errno = 0;
    r = syscall(SYS_clone3, &ca, sizeof ca);
    printf("clone3 CLONE_SIGHAND without VM: %ld %s\n", r, strerror(errno));
    ca.flags = 0;
    ca.stack_size = 4096;
    errno = 0;
    r = syscall(SYS_clone3, &ca, sizeof ca);
    printf("clone3 stack_size without stack: %ld %s\n", r, strerror(errno));
    errno = 0;
    r = syscall(SYS_clone3, (void *)8, sizeof ca);
    printf("clone3 bad pointer: %ld %s\n", r, strerror(errno));
    char big[128] = {0};
    memcpy(big, &ca, sizeof ca);
    ((struct clone_args_ *)big)->stack_size = 0;
    big[100] = 1;
    errno = 0;
    r = syscall(SYS_clone3, big, sizeof big);
    printf("clone3 nonzero tail: %ld %s\n", r, strerror(errno));
}

static void waits(void) {
    int st;
    siginfo_t si;
    printf("wait with no children: %s\n", wait(&st) < 0 ? strerror(errno) : "?");
    printf("waitpid(INT_MIN): %s\n", waitpid(-2147483647 - 1, &st, 0) < 0 ? strerror(errno) : "?");
    printf("waitpid bad options: %s\n", waitpid(-1, &st, 0x40000) < 0 ? strerror(errno) : "?");
    printf("waitid no flags: %s\n", waitid(P_ALL, 0, &si, 0) < 0 ? strerror(errno) : "?");
    printf("waitid bad idtype: %s\n", waitid(7, 0, &si, WEXITED) < 0 ? strerror(errno) : "?");

    int go[2];
    if (pipe(go)) return;
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(go[1]);
        ssize_t n = read(go[0], &c, 1);
        _exit(n == 0 ? 17 : 18);
    }
    close(go[0]);
    memset(&si, 0x5a, sizeof si);
    int r = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG);
    printf("waitid WNOHANG running: %d signo %d pid %d code %d status %d\n", r, si.si_signo,
           si.si_pid, si.si_code, si.si_status);
    printf("wait4 WNOHANG running: %d\n", (int)wait4(pid, &st, WNOHANG, NULL));
    close(go[1]);
    memset(&si, 0, sizeof si);
    r = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT);
    printf("waitid WNOWAIT: %d signo %d code %d status %d pid ok %d\n", r, si.si_signo, si.si_code,
           si.si_status, si.si_pid == pid);
    struct rusage ru;
    memset(&ru, 0xff, sizeof ru);
    pid_t w = wait4(pid, &st, 0, &ru);
    printf("wait4 after WNOWAIT: pid ok %d, rusage filled %d\n", w == pid,
           ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000 && ru.ru_maxrss > 0);
    status("wait4", st);

    /* stopped and continued children */
    pid = fork();
    if (pid == 0) {
        for (;;)
            sleep(100);
    }
    kill(pid, SIGSTOP);
    if (waitpid(pid, &st, WUNTRACED) == pid) status("WUNTRACED", st);
    kill(pid, SIGCONT);
    if (waitpid(pid, &st, WCONTINUED) == pid) status("WCONTINUED", st);
    kill(pid, SIGSTOP);
    memset(&si, 0, sizeof si);
    r = waitid(P_PID, (id_t)pid, &si, WSTOPPED);
    printf("waitid WSTOPPED: %d code %d status %d\n", r, si.si_code, si.si_status);
    kill(pid, SIGKILL);
    memset(&si, 0, sizeof si);
    r = waitid(P_ALL, 0, &si, WEXITED);
    printf("waitid P_ALL killed: %d code %d status %d\n", r, si.si_code, si.si_status);

    /* P_PGID */
    pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        _exit(6);
    }
    setpgid(pid, pid);
    memset(&si, 0, sizeof si);
    r = waitid(P_PGID, (id_t)pid, &si, WEXITED);
    printf("waitid P_PGID: %d code %d status %d\n", r, si.si_code, si.si_status);
    /* a bad siginfo pointer: the child is reaped, EFAULT */
    pid = fork();
    if (pid == 0) _exit(1);
    r = (int)syscall(SYS_waitid, P_PID, pid, (void *)8, WEXITED, NULL);
    int e = errno;
    w = waitpid(pid, &st, WNOHANG);
    printf("waitid bad infop: %d %s, then: %s\n", r, strerror(e),
           w < 0 ? strerror(errno) : "still there");
}

static void try_exec(const char *path, char *const av[]) {
    errno = 0;
    int r = execve(path, av, environ);
    int e = errno;
    printf("execve(\"%s\") = %d %s\n", path, r, strerror(e));
}

static void execs(const char *self) {
    char *av[] = {"x", NULL};
    try_exec("/nonexistent", av);
    try_exec("/", av);
    try_exec("/dev/null", av);
    try_exec("./plain.txt", av);
    try_exec("./noperm.sh", av);
    try_exec("./garbage", av);
    try_exec("./short", av);
    try_exec("./badinterp.sh", av);
    try_exec("./emptyinterp.sh", av);
    try_exec("./loop1.sh", av);
    try_exec("./notdir/x", av);
    try_exec("", av);
    char *bad[] = {(char *)8, NULL};
    try_exec(self, bad);
    char **volatile badvec = (char **)8;
    try_exec(self, badvec);
    errno = 0;
    long r = syscall(SYS_execve, (char *)8, av, environ);
    printf("execve(bad path) = %ld %s\n", r, strerror(errno));
    errno = 0;
    r = syscall(SYS_execveat, AT_FDCWD, "", av, environ, 0);
    printf("execveat(\"\", 0) = %ld %s\n", r, strerror(errno));
    errno = 0;
    r = syscall(SYS_execveat, AT_FDCWD, "", av, environ, AT_EMPTY_PATH);
    printf("execveat(AT_FDCWD, \"\", AT_EMPTY_PATH) = %ld %s\n", r, strerror(errno));
    errno = 0;
    r = syscall(SYS_execveat, AT_FDCWD, self, av, environ, 0x8000);
    printf("execveat(bad flags) = %ld %s\n", r, strerror(errno));
    errno = 0;
    r = syscall(SYS_execveat, AT_FDCWD, "./link", av, environ, AT_SYMLINK_NOFOLLOW);
    printf("execveat(symlink, NOFOLLOW) = %ld %s\n", r, strerror(errno));
    fflush(stdout);

    /* successful ones, each in a child: ELF, scripts, execveat forms */
    const char *progs[] = {self, "./script.sh", "./nested.sh", "./noarg.sh", "./link"};
    for (unsigned i = 0; i < sizeof progs / sizeof progs[0]; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            char *sv[] = {"ARGV0", "show", "two words", NULL};
            execve(progs[i], sv, environ);
            _exit(100 + errno);
        }
        reap(progs[i], pid);
    }
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(self, O_RDONLY | O_CLOEXEC);
        char *sv[] = {"FEXECVE", "show", NULL};
        fexecve(fd, sv, environ);
        _exit(100 + errno);
    }
    reap("fexecve", pid);
    pid = fork();
    if (pid == 0) {
        int dfd = open(".", O_RDONLY | O_DIRECTORY);
        char *sv[] = {"AT", "show", NULL};
        syscall(SYS_execveat, dfd, "script.sh", sv, environ, 0);
        _exit(100 + errno);
    }
    reap("execveat(dirfd, script)", pid);
    pid = fork();
    if (pid == 0) {
        char *sv[] = {NULL};
        execve(self, sv, environ); /* argc 0: Linux supplies "" */
        _exit(100 + errno);
    }
    reap("execve argc 0", pid);
    /* close-on-exec: fd 5 open without, fd 6 with */
    pid = fork();
    if (pid == 0) {
        dup2(open("/dev/null", O_RDONLY), 5);
        int c = open("/dev/null", O_RDONLY | O_CLOEXEC);
        dup2(c, 6);
        fcntl(6, F_SETFD, FD_CLOEXEC);
        execl("/bin/sh", "sh", "-c", "ls /proc/self/fd/5 /proc/self/fd/6 2>&1 | sed 's/:.*//'",
              (char *)0);
        _exit(127);
    }
    reap("exec cloexec", pid);
    /* E2BIG: one string longer than MAX_ARG_STRLEN */
    char *huge = malloc(200000);
    memset(huge, 'a', 199999);
    huge[199999] = 0;
    char *hv[] = {"x", huge, NULL};
    try_exec(self, hv);
    /* under a 400000-byte stack limit the strings may take ARG_MAX
     * (131072 bytes with their pointers): two 60000-byte ones fit, three
     * do not */
    huge[60000] = 0;
    for (int n = 2; n <= 3; n++) {
        pid_t c = fork();
        if (c == 0) {
            struct rlimit rl = {400000, RLIM_INFINITY};
            setrlimit(RLIMIT_STACK, &rl);
            char *sv[] = {"x", "show", huge, huge, n == 3 ? huge : NULL, NULL};
            char *ev[] = {NULL};
            execve(self, sv, ev);
            printf("%d strings of 60000 bytes: %s\n", n, strerror(errno));
            _exit(1);
        }
        reap(n == 2 ? "two 60000-byte strings" : "three 60000-byte strings", c);
    }
    free(huge);
}

static void cross(const char *other) {
    pid_t pid = fork();
    if (pid == 0) {
        char *sv[] = {"CROSS", "show", "arg", NULL};
        execve(other, sv, environ);
        _exit(100 + errno);
    }
    reap("exec other ABI", pid);
}

static void pgrp(void) {
    pid_t me = getpid();
    printf("getpgid(0)==getpgrp: %d, getsid(0)==getsid(me): %d\n", getpgid(0) == getpgrp(),
           getsid(0) == getsid(me));
    printf("getpgid(bad): %s\n", getpgid(-5) < 0 ? strerror(errno) : "?");
    int p2[2];
    if (pipe(p2)) return;
    pid_t pid = fork();
    if (pid == 0) {
        int ok1 = setpgid(0, 0) == 0 && getpgrp() == getpid();
        pid_t s = setsid(); /* a group leader cannot: EPERM */
        int e = errno;
        char out[128];
        int n = snprintf(out, sizeof out, "child: setpgid own %d, setsid as leader %s\n", ok1,
                         s < 0 ? strerror(e) : "ok (wrong)");
        if (write(p2[1], out, (size_t)n) != n) _exit(1);
        pid_t g = fork();
        if (g == 0) {
            pid_t sid = setsid();
            n = snprintf(out, sizeof out, "grandchild: setsid %d sid==pid %d pgid==pid %d\n",
                         sid == getpid(), getsid(0) == getpid(), getpgrp() == getpid());
            if (write(p2[1], out, (size_t)n) != n) _exit(1);
            _exit(0);
        }
        waitpid(g, NULL, 0);
        _exit(0);
    }
    close(p2[1]);
    char buf[512] = {0};
    ssize_t n, got = 0;
    while ((n = read(p2[0], buf + got, sizeof buf - 1 - (size_t)got)) > 0)
        got += n;
    fputs(buf, stdout);
    reap("pgrp child", pid);
    printf("setpgid of a non-child: %s\n", setpgid(1, 1) < 0 ? strerror(errno) : "ok (wrong)");
}

static void selfsig(void) {
    pid_t pid = fork();
    if (pid == 0) {
        kill(getpid(), SIGTERM);
        _exit(1);
    }
    reap("child kill(self, SIGTERM)", pid);
    pid = fork();
    if (pid == 0) {
        raise(SIGKILL);
        _exit(1);
    }
    reap("child raise(SIGKILL)", pid);
    pid = fork();
    if (pid == 0) {
        struct rlimit rl = {0, 0};
        setrlimit(RLIMIT_CORE, &rl);
        volatile int *volatile nowhere = (int *)8;
        *nowhere = 1;
        _exit(1);
    }
    reap("child SIGSEGV", pid);
    pid = fork();
    if (pid == 0) {
        struct rlimit rl = {0, 0};
        setrlimit(RLIMIT_CORE, &rl);
        abort();
    }
    reap("child abort", pid);
}

static void on_usr2(int sig) { (void)sig; }

static int showsig(void) {
    struct sigaction sa;
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    int sigs[] = {SIGUSR1, SIGUSR2, SIGINT, SIGHUP};
    for (int i = 0; i < 4; i++) {
        sigaction(sigs[i], NULL, &sa);
        printf("after exec: signal %d %s, %s\n", sigs[i],
               sa.sa_handler == SIG_IGN   ? "ignored"
               : sa.sa_handler == SIG_DFL ? "default"
                                          : "handled (wrong)",
               sigismember(&cur, sigs[i]) ? "blocked" : "not blocked");
    }
    return 0;
}

static void sigexec(const char *self) {
    struct sigaction sa = {0};
    sa.sa_handler = SIG_IGN;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_usr2;
    sigaction(SIGUSR2, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execl(self, "procs", "showsig", (char *)0);
        _exit(111);
    }
    reap("exec showsig", pid);
}

static void kills(void) {
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        for (;;)
            sleep(100);
    }
    setpgid(pid, pid);
    printf("kill(-group, SIGTERM): %d\n", kill(-pid, SIGTERM));
    reap("group member", pid);
    errno = 0;
    int r = kill(99999, 0);
    printf("kill(99999, 0): %d %s\n", r, strerror(errno));
    errno = 0;
    r = kill(-99999, SIGTERM);
    printf("kill(-99999, SIGTERM): %d %s\n", r, strerror(errno));
    printf("kill(1, 0): %d\n", kill(1, 0));
    printf("kill(-1, 0): %d\n", kill(-1, 0));
    errno = 0;
    r = kill(1, 65);
    printf("kill(1, 65): %d %s\n", r, strerror(errno));
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "show")) return show(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "showsig")) return showsig();
    if (argc < 1) {
        printf("argc %d\n", argc);
        return 4;
    }
    const char *mode = argc > 1 ? argv[1] : "none";
    const char *self = "/proc/self/exe";
    char selfbuf[4096];
    ssize_t n = readlink("/proc/self/exe", selfbuf, sizeof selfbuf - 1);
    if (n > 0) {
        selfbuf[n] = 0;
        self = selfbuf;
    }
    if (!strcmp(mode, "basic"))
        basic(self);
    else if (!strcmp(mode, "clone"))
        clones();
    else if (!strcmp(mode, "wait"))
        waits();
    else if (!strcmp(mode, "exec"))
        execs(self);
    else if (!strcmp(mode, "cross") && argc > 2)
        cross(argv[2]);
    else if (!strcmp(mode, "pgrp"))
        pgrp();
    else if (!strcmp(mode, "selfsig"))
        selfsig();
    else if (!strcmp(mode, "kill"))
        kills();
    else if (!strcmp(mode, "sigexec"))
        sigexec(self);
    else {
        fprintf(stderr,
                "usage: procs basic|clone|wait|exec|cross OTHER|pgrp|selfsig|kill|sigexec\n");
        return 2;
    }
    return 0;
}
