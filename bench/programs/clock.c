/* clock_gettime loop through glibc, which takes the vDSO: guest code only,
 * no system call (Linux's and ringside's vDSO alike).
 * usage: clock [ITERATIONS]   (default 2000000; prints whether time ran forward) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 2000000, back = 0;
    struct timespec t, last = {0, 0};
    for (long i = 0; i < n; i++) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (t.tv_sec < last.tv_sec || (t.tv_sec == last.tv_sec && t.tv_nsec < last.tv_nsec)) back++;
        last = t;
    }
    /* times differ between runs: print only whether the clock went backwards */
    printf("clock: %ld clock_gettime calls, %ld steps back\n", n, back);
    return back != 0;
}
