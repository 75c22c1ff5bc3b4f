/* Two guest threads for the gdb threads test: the main thread starts a
 * worker and joins it; the worker calls worker_break(41). Exit status 23. */
#include <pthread.h>
#include <stdio.h>

volatile long seen;

__attribute__((noinline)) long worker_break(long x) {
    seen = x;
    return x * 3;
}

static void *worker(void *arg) { return (void *)worker_break((long)arg); }

int main(void) {
    pthread_t t;
    void *r = NULL;
    if (pthread_create(&t, NULL, worker, (void *)41) != 0) return 1;
    pthread_join(t, &r);
    printf("worker returned %ld\n", (long)r);
    return (int)(long)r - 100;
}
