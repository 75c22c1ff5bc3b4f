/* gdb's Ctrl-C while the guest blocks in a system call: read() on a pipe
 * that a child writes to only after three seconds. Interrupted by gdb
 * (SIGINT, not passed on) the read is restarted, as under ptrace, and still
 * gets its byte: the output and status are those of a run without gdb. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    int fd[2];
    if (pipe(fd) != 0) return 1;
    pid_t pid = fork();
    if (pid == 0) {
        sleep(3);
        if (write(fd[1], "x", 1) != 1) _exit(1);
        _exit(0);
    }
    char c = 0;
    ssize_t n = read(fd[0], &c, 1);
    printf("read %zd %s %c\n", n, n < 0 ? strerror(errno) : "ok", n == 1 ? c : '-');
    int st = 0;
    waitpid(pid, &st, 0);
    return n == 1 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}
