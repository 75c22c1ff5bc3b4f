/* execve_probe: what does the host kernel do with PATH?
 *
 *   execve_probe PATH     prints exactly one line on stdout:
 *     refused ERRNAME     execve(2) itself failed (ENOEXEC, EACCES, ...)
 *     killed SIGNAME      execve succeeded past its point of no return, then
 *                         the process died of a signal (bad mapping, bad entry)
 *     exited N            the program ran and exited with status N
 *
 * This is the native baseline of the ELF suite: it shows a case is really
 * malformed (the kernel refuses or kills it) rather than merely unusual.
 * The child reports a failed execve through a close-on-exec pipe, so a
 * program that exits 127 on its own is not mistaken for a refusal. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *errname(int e) {
    switch (e) {
    case ENOEXEC: return "ENOEXEC";
    case EACCES: return "EACCES";
    case ENOENT: return "ENOENT";
    case EINVAL: return "EINVAL";
    case EIO: return "EIO";
    case ENOMEM: return "ENOMEM";
    case EFAULT: return "EFAULT";
    case EISDIR: return "EISDIR";
    case ELIBBAD: return "ELIBBAD";
    case ENOTDIR: return "ENOTDIR";
    case EPERM: return "EPERM";
    case E2BIG: return "E2BIG";
    default: return NULL;
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: execve_probe PATH\n");
        return 2;
    }
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) < 0) return perror("pipe2"), 2;
    pid_t pid = fork();
    if (pid < 0) return perror("fork"), 2;
    if (pid == 0) {
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core); /* a killed case must not leave a core file */
        close(pfd[0]);
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) { /* the case's own output is not part of the verdict */
            dup2(devnull, 0);
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        char *args[] = {argv[1], NULL};
        char *env[] = {"PATH=/usr/bin:/bin", NULL};
        execve(argv[1], args, env);
        int e = errno;
        if (write(pfd[1], &e, sizeof e) != sizeof e) _exit(126);
        _exit(127);
    }
    close(pfd[1]);
    int e = 0;
    ssize_t n = read(pfd[0], &e, sizeof e);
    int st;
    if (waitpid(pid, &st, 0) < 0) return perror("waitpid"), 2;
    if (n == (ssize_t)sizeof e) {
        const char *name = errname(e);
        if (name) printf("refused %s\n", name);
        else printf("refused errno%d\n", e);
    } else if (WIFSIGNALED(st)) {
        const char *s = sigabbrev_np(WTERMSIG(st));
        if (s) printf("killed SIG%s\n", s);
        else printf("killed signal%d\n", WTERMSIG(st));
    } else {
        printf("exited %d\n", WEXITSTATUS(st));
    }
    return 0;
}
