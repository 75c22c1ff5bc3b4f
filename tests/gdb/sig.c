/* A guest signal under gdb: SIGUSR1 to a handler, raised once (gdb passes
 * it: the handler runs) and once more (gdb discards it with `signal 0`:
 * the handler does not run). */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile int handled;

static void on_usr1(int sig) {
    handled++;
    write(1, "handled\n", 8);
}

int main(void) {
    signal(SIGUSR1, on_usr1);
    raise(SIGUSR1);
    printf("after the first: %d\n", handled);
    fflush(stdout);
    raise(SIGUSR1);
    printf("after the second: %d\n", handled);
    return 5 + handled; /* 7 natively; 6 when gdb discards the second */
}
