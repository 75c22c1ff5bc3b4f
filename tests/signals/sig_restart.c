/* SA_RESTART, natively vs under ringside: a read from an empty pipe is
 * interrupted by a timer signal whose handler writes one byte into the
 * pipe. With SA_RESTART the read is restarted and returns that byte;
 * without it the read fails with EINTR (the byte stays in the pipe).
 * Calls Linux never restarts (nanosleep, poll, sigsuspend) give EINTR
 * either way. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int pfd[2];
static volatile int hits;

static void on_alarm(int s) {
    (void)s;
    hits++;
    if (write(pfd[1], "x", 1) != 1) _exit(3);
}

static void arm(int restart) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = restart ? SA_RESTART : 0;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 0}, {0, 100000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static const char *ename(int e) { return e == EINTR ? "EINTR" : e ? "other" : "0"; }

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (pipe(pfd)) return 2;
    char c = 0;
    for (int restart = 1; restart >= 0; restart--) {
        hits = 0;
        arm(restart);
        errno = 0;
        ssize_t n = read(pfd[0], &c, 1);
        printf("read, SA_RESTART=%d: n=%zd errno=%s hits=%d\n", restart, n, ename(errno), hits);
        if (n < 0 && read(pfd[0], &c, 1) != 1) return 4; /* drain the handler's byte */
    }
    for (int restart = 1; restart >= 0; restart--) {
        arm(restart);
        struct timespec ts = {5, 0};
        errno = 0;
        int r = nanosleep(&ts, &ts);
        printf("nanosleep, SA_RESTART=%d: r=%d errno=%s\n", restart, r, ename(errno));
        (void)!read(pfd[0], &c, 1);
        arm(restart);
        struct pollfd pf = {pfd[0], POLLOUT == 0 ? 0 : 0, 0};
        pf.events = 0;
        errno = 0;
        r = poll(&pf, 1, 5000);
        printf("poll, SA_RESTART=%d: r=%d errno=%s\n", restart, r, ename(errno));
        (void)!read(pfd[0], &c, 1);
    }
    return 0;
}
