/* How a signal ends the process, natively vs under ringside (exit status
 * and, for faults, ringside's one report line): sig_death MODE. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void segv_handler(int s) {
    printf("in handler %d, faulting again\n", s);
    fflush(stdout);
    *(volatile int *)0 = 1; /* SIGSEGV is blocked here: the kernel forces the default */
}

static void exit_handler(int s) { _exit(40 + s); }

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *m = argc > 1 ? argv[1] : "";
    puts(m);
    if (!strcmp(m, "term")) kill(getpid(), SIGTERM);
    if (!strcmp(m, "abort")) abort();
    if (!strcmp(m, "usr1")) raise(SIGUSR1);
    if (!strcmp(m, "quit")) raise(SIGQUIT);
    if (!strcmp(m, "sigkill")) kill(getpid(), SIGKILL);
    if (!strcmp(m, "ignored")) {
        signal(SIGUSR1, SIG_IGN);
        raise(SIGUSR1);
        puts("survived an ignored SIGUSR1");
        return 0;
    }
    if (!strcmp(m, "alarm")) {
        alarm(1);
        pause();
    }
    if (!strcmp(m, "handler-exit")) {
        signal(SIGUSR2, exit_handler);
        raise(SIGUSR2);
    }
    if (!strcmp(m, "segv-blocked")) {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGSEGV);
        sigprocmask(SIG_BLOCK, &s, NULL);
        *(volatile int *)0 = 1;
    }
    if (!strcmp(m, "segv-ignored")) {
        signal(SIGSEGV, SIG_IGN);
        *(volatile int *)0 = 1;
    }
    if (!strcmp(m, "segv-in-handler")) {
        signal(SIGSEGV, segv_handler);
        *(volatile int *)0 = 1;
    }
    if (!strcmp(m, "pipe")) {
        int pp[2];
        if (pipe(pp) == 0 && close(pp[0]) == 0) (void)!write(pp[1], "x", 1);
    }
    if (!strcmp(m, "trap")) __asm__ volatile("int3");
    /* SIGTRAP sent by another process: to a handler, and with the default action */
    if (!strcmp(m, "trap-from-child") || !strcmp(m, "trap-from-child-handler")) {
        if (m[15]) signal(SIGTRAP, exit_handler);
        if (fork() == 0) {
            kill(getppid(), SIGTRAP);
            _exit(0);
        }
        for (;;)
            pause();
    }
    puts("still alive");
    return 1;
}
