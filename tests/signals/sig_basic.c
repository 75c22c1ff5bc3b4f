/* Signal basics, natively vs under ringside: handlers for kill/raise/
 * sigqueue, masks and pending sets, SA_RESETHAND, SA_NODEFER, RT signals
 * queued in order with their values, standard ones coalesced, sigsuspend,
 * sigtimedwait, signalfd, SIGPIPE, pidfd_send_signal, alarm interrupting pause and
 * a busy loop. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

static const char *ename(int e) {
    return e == EINTR ? "EINTR" : e == EAGAIN ? "EAGAIN" : e == 0 ? "0" : "other";
}

static volatile int got, depth, maxdepth, order[16], norder, nraised;

static void h_info(int s, siginfo_t *si, void *uc) {
    (void)uc;
    got = s;
    printf("  handler sig=%d code=%d self=%d value=%d\n", s, si->si_code, si->si_pid == getpid(),
           si->si_code == SI_QUEUE ? si->si_value.sival_int : -1);
}

static void h_rt(int s, siginfo_t *si, void *uc) {
    (void)uc;
    if (norder < 16) order[norder++] = s * 100 + si->si_value.sival_int;
}

static void h_nest(int s) {
    depth++;
    if (depth > maxdepth) maxdepth = depth;
    if (++nraised < 3) raise(s);
    depth--;
}

static void h_plain(int s) { got = s; }

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    install(SIGUSR1, h_info, 0);
    puts("kill self");
    kill(getpid(), SIGUSR1);
    puts("raise");
    raise(SIGUSR1);
    puts("sigqueue");
    sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 77});

    puts("blocked + pending");
    sigset_t m, pend, old;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigaddset(&m, SIGUSR2);
    sigprocmask(SIG_BLOCK, &m, &old);
    got = 0;
    raise(SIGUSR1);
    raise(SIGUSR1);
    sigpending(&pend);
    printf("  got=%d pending USR1=%d USR2=%d\n", got, sigismember(&pend, SIGUSR1),
           sigismember(&pend, SIGUSR2));
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("  after unblock got=%d\n", got);

    puts("RT signals queue in order, standard ones coalesce");
    install(SIGRTMIN + 1, h_rt, 0);
    install(SIGRTMIN + 2, h_rt, 0);
    sigemptyset(&m);
    sigaddset(&m, SIGRTMIN + 1);
    sigaddset(&m, SIGRTMIN + 2);
    sigprocmask(SIG_BLOCK, &m, &old);
    for (int i = 0; i < 3; i++) {
        sigqueue(getpid(), SIGRTMIN + 2, (union sigval){.sival_int = i});
        sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = i});
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("  delivered %d:", norder);
    for (int i = 0; i < norder; i++)
        printf(" %d", order[i] - SIGRTMIN * 100);
    putchar('\n');

    puts("SA_NODEFER nests, default defers");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h_nest;
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    printf("  nodefer maxdepth=%d\n", maxdepth);
    sa.sa_flags = 0;
    maxdepth = 0;
    nraised = 0;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    printf("  deferred maxdepth=%d\n", maxdepth);

    puts("SA_RESETHAND");
    sa.sa_handler = h_plain;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGWINCH, &sa, NULL);
    raise(SIGWINCH);
    struct sigaction cur;
    sigaction(SIGWINCH, NULL, &cur);
    printf("  got=%d now default=%d\n", got, cur.sa_handler == SIG_DFL);

    puts("ignored signal is discarded");
    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    sigpending(&pend);
    printf("  pending USR2=%d\n", sigismember(&pend, SIGUSR2));

    puts("sigsuspend");
    signal(SIGALRM, h_plain);
    sigemptyset(&m);
    sigaddset(&m, SIGALRM);
    sigprocmask(SIG_BLOCK, &m, &old);
    got = 0;
    alarm(1);
    sigset_t wait;
    sigemptyset(&wait);
    int r = sigsuspend(&wait);
    sigprocmask(SIG_SETMASK, NULL, &cur.sa_mask);
    printf("  r=%d errno=%s got=%d ALRM still blocked=%d\n", r, ename(errno), got,
           sigismember(&cur.sa_mask, SIGALRM));
    sigprocmask(SIG_SETMASK, &old, NULL);

    puts("sigtimedwait");
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigprocmask(SIG_BLOCK, &m, &old);
    sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 5});
    siginfo_t si;
    struct timespec ts = {0, 10000000};
    r = sigtimedwait(&m, &si, &ts);
    printf("  r=%d code=%d value=%d\n", r, si.si_code, si.si_value.sival_int);
    r = sigtimedwait(&m, &si, &ts);
    printf("  again r=%d errno=%s\n", r, ename(errno));

    puts("signalfd");
    int fd = signalfd(-1, &m, SFD_CLOEXEC);
    kill(getpid(), SIGUSR1);
    struct signalfd_siginfo fi;
    ssize_t n = read(fd, &fi, sizeof fi);
    printf("  read=%zd signo=%u code=%d self=%d\n", n, fi.ssi_signo, fi.ssi_code,
           fi.ssi_pid == (unsigned)getpid());
    close(fd);
    sigprocmask(SIG_SETMASK, &old, NULL);

    puts("SIGPIPE from a write to a pipe without reader");
    signal(SIGPIPE, h_plain);
    int pp[2];
    if (pipe(pp) == 0) {
        close(pp[0]);
        got = 0;
        errno = 0;
        ssize_t w = write(pp[1], "x", 1);
        printf("  w=%zd epipe=%d got=%d\n", w, errno == EPIPE, got);
        close(pp[1]);
    }
    signal(SIGPIPE, SIG_DFL);

    puts("pidfd_send_signal to ourselves");
#if defined(SYS_pidfd_open) && defined(SYS_pidfd_send_signal)
    got = 0;
    int pfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
    long pr = syscall(SYS_pidfd_send_signal, pfd, SIGUSR1, NULL, 0);
    printf("  fd ok=%d r=%ld got=%d\n", pfd >= 0, pr, got);
    close(pfd);
#endif

    puts("alarm interrupts pause");
    got = 0;
    alarm(1);
    r = pause();
    printf("  r=%d errno=%s got=%d\n", r, ename(errno), got);

    puts("setitimer interrupts a busy loop");
    got = 0;
    struct itimerval it = {{0, 0}, {0, 200000}};
    setitimer(ITIMER_REAL, &it, NULL);
    volatile unsigned long spins = 0;
    while (!got)
        spins++;
    printf("  got=%d\n", got);
    return 0;
}
