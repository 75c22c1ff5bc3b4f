/* timers: POSIX per-process timers (timer_create/settime/gettime/
 * getoverrun/delete) delivering SIGEV_SIGNAL with a sigval, a periodic
 * timer's overrun count while blocked, SIGEV_NONE polled with gettime, and
 * the errors for a bad clock, a bad timer id and a bad sigevent pointer. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got, code;

static void handler(int sig, siginfo_t *si, void *uc) {
    (void)sig, (void)uc;
    got = si->si_value.sival_int;
    code = si->si_code;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);

    timer_t t;
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR1;
    ev.sigev_value.sival_int = 77;
    if (timer_create(CLOCK_MONOTONIC, &ev, &t) != 0) {
        perror("timer_create");
        return 1;
    }
    struct itimerspec its = {{0, 0}, {0, 20 * 1000 * 1000}}, cur;
    printf("settime: %d\n", timer_settime(t, 0, &its, NULL));
    timer_gettime(t, &cur);
    printf("armed: %s\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 ? "yes" : "no");
    while (!got)
        pause();
    printf("signal: sival %d si_code %s\n", (int)got, code == SI_TIMER ? "SI_TIMER" : "other");
    timer_gettime(t, &cur);
    printf("disarmed after one shot: %s\n",
           cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0 ? "yes" : "no");

    /* periodic, blocked for a while: the expiries pile up as an overrun */
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    got = 0;
    struct itimerspec per = {{0, 2 * 1000 * 1000}, {0, 2 * 1000 * 1000}};
    timer_settime(t, 0, &per, NULL);
    struct timespec nap = {0, 60 * 1000 * 1000};
    nanosleep(&nap, NULL);
    siginfo_t si;
    int s = sigwaitinfo(&set, &si);
    printf("sigwaitinfo: %s, overrun in siginfo > 5: %s\n", s == SIGUSR1 ? "SIGUSR1" : "?",
           si.si_overrun > 5 ? "yes" : "no");
    struct itimerspec off = {{0, 0}, {0, 0}}, prev;
    timer_settime(t, 0, &off, &prev);
    printf("old interval kept: %ld ns\n", prev.it_interval.tv_nsec);
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("delete: %d\n", timer_delete(t));

    /* SIGEV_NONE: nothing is delivered, the time still runs down */
    ev.sigev_notify = SIGEV_NONE;
    timer_t n;
    timer_create(CLOCK_REALTIME, &ev, &n);
    struct itimerspec ten = {{0, 0}, {10, 0}};
    timer_settime(n, 0, &ten, NULL);
    timer_gettime(n, &cur);
    printf("SIGEV_NONE running: %s\n", cur.it_value.tv_sec >= 9 ? "yes" : "no");
    timer_delete(n);

    errno = 0;
    printf("bad clock: %d %s\n", timer_create(12345, &ev, &n), strerror(errno));
    errno = 0;
    int id; /* raw: glibc's wrapper reads the sigevent itself */
    long r = syscall(SYS_timer_create, CLOCK_MONOTONIC, (void *)16, &id);
    printf("bad sigevent: %ld %s\n", r, strerror(errno));
    errno = 0;
    printf("deleted id: %d %s\n", timer_delete(t), strerror(errno));
    return 0;
}
