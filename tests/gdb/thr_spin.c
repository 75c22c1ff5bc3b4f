/* A worker thread spins on a counter while the main thread sleeps and
 * calls tick() three times (gdb threads-allstop test). Exit status 5. */
#include <pthread.h>
#include <unistd.h>

volatile long counter, stop;

__attribute__((noinline)) void tick(int i) { __asm__ volatile("" ::"r"(i)); }

static void *worker(void *a) {
    (void)a;
    while (!stop)
        counter++;
    return 0;
}

int main(void) {
    pthread_t t;
    if (pthread_create(&t, 0, worker, 0) != 0) return 1;
    for (int i = 0; i < 3; i++) {
        usleep(100000);
        tick(i);
    }
    usleep(1500000);
    stop = 1;
    pthread_join(t, 0);
    return 5;
}
