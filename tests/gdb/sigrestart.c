/* A blocking read interrupted by a signal that gdb discards (`signal 0`) is
 * restarted, as under ptrace: SIGALRM has a handler without SA_RESTART (a
 * delivered one would make the read fail with EINTR), alarm(1) fires while
 * the read waits, gdb discards it, and the read goes on to get the byte a
 * child writes two seconds later. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int handled;

static void on_alarm(int sig) {
    (void)sig;
    handled++;
}

int main(void) {
    int fd[2];
    if (pipe(fd) != 0) return 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    pid_t pid = fork();
    if (pid == 0) {
        sleep(2);
        if (write(fd[1], "x", 1) != 1) _exit(1);
        _exit(0);
    }
    alarm(1);
    char c = 0;
    ssize_t n = read(fd[0], &c, 1);
    printf("read %zd %s handled %d\n", n, n < 0 ? strerror(errno) : "ok", handled);
    waitpid(pid, NULL, 0);
    return n == 1 && !handled ? 3 : 4;
}
