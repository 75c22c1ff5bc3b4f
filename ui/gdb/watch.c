/* The socket watcher: gdb's Ctrl-C while every guest thread waits in a
 * blocking system call. The run's own poll (ui/debug/run.c) only looks at
 * the socket between instructions, and a guest blocked in read() or
 * waitpid() runs none. While some host thread runs the guest under the
 * debugger and none serves gdb, this thread polls the connection; when bytes
 * wait there it kicks the blocked threads (kernel_debug_kick: their calls end
 * and are restarted as after a ptrace stop), and the run that comes back
 * reads the 0x03 itself and stops with SIGINT. It never reads the socket. */
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "../../syscall/kernel.h"
#include "gdb.h"

#define RECHECK_MS 50 /* a kick can land just before the wait starts: repeat it */

static _Thread_local int my_state; /* WATCH_* of this host thread */

static void *watcher(void *arg) {
    Watch *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->quit && !(w->running > 0 && w->serving == 0))
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->quit) break;
        int fd = w->fd ? *w->fd : -1;
        pthread_mutex_unlock(&w->mu);
        struct pollfd pf = {fd, POLLIN, 0};
        int ready = fd >= 0 && poll(&pf, 1, 100) > 0;
        pthread_mutex_lock(&w->mu);
        if (!ready || w->quit || !(w->running > 0 && w->serving == 0)) continue;
        kernel_debug_kick();
        /* the bytes stay for the run's poll; look again a little later */
        pthread_mutex_unlock(&w->mu);
        nanosleep(&(struct timespec){0, RECHECK_MS * 1000000L}, NULL);
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

void watch_init(Watch *w, const int *fd) {
    *w = (Watch){.fd = fd};
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
}

int watch_state(Watch *w, int state) {
    int prev = my_state;
    if (prev == state) return prev;
    my_state = state;
    /* a fork()ed child: the watcher stayed in the parent, and the mutex may
     * have been copied locked */
    if (w->started && w->owner != getpid()) return prev;
    pthread_mutex_lock(&w->mu);
    if (!w->started && state == WATCH_RUNNING) {
        /* started with the first run, with every signal blocked: guest
         * signals must go to the guest's threads */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        if (pthread_create(&w->th, NULL, watcher, w) == 0) {
            w->started = 1;
            w->owner = getpid();
        }
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    w->running += (state == WATCH_RUNNING) - (prev == WATCH_RUNNING);
    w->serving += (state == WATCH_SERVING) - (prev == WATCH_SERVING);
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return prev;
}

void watch_stop(Watch *w) {
    if (!w->started) return;
    if (w->owner != getpid()) return; /* a fork()ed child: the thread stayed in the parent */
    pthread_mutex_lock(&w->mu);
    w->quit = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->th, NULL);
    w->started = 0;
}
