/* stack: the stack VMA as Linux leaves it and grows it. Prints the
 * [stack] (and, 64-bit, [vsyscall]) lines of /proc/self/maps after
 * recursing through N pages (argv[1]), so that the initial size
 * (setup_arg_pages: the strings' page + 128 KiB) and the growth on demand
 * are compared with native; then calls the vsyscall page's time(),
 * gettimeofday() and getcpu() (64-bit: Linux emulates calls into it).
 * time() reads the coarse clock, which trails gettimeofday() by up to a
 * tick, so a second boundary may fall between them: allow +-1 s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static int deep(int n) {
    volatile char buf[4096];
    memset((char *)buf, n, sizeof buf);
    return n ? deep(n - 1) + buf[100] : 0;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 0;
    printf("depth %d: %d\n", n, deep(n));
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f))
        if (strstr(line, "[stack]") || strstr(line, "[vsyscall]")) fputs(line, stdout);
    if (f) fclose(f);
#ifdef __x86_64__
    time_t (*vtime)(time_t *) = (time_t(*)(time_t *))0xffffffffff600400ul;
    time_t arg = 0, t1 = vtime(&arg), t2 = time(NULL);
    printf("vsyscall time(): %s\n", arg == t1 && t2 - t1 <= 1 && t1 - t2 <= 1 ? "ok" : "wrong");
    int (*vgtod)(struct timeval *, void *) =
        (int (*)(struct timeval *, void *))0xffffffffff600000ul;
    struct timeval tv;
    int r = vgtod(&tv, NULL);
    time_t t3 = time(NULL);
    printf("vsyscall gettimeofday(): %s\n",
           r == 0 && t3 - tv.tv_sec <= 1 && tv.tv_sec - t3 <= 1 && tv.tv_usec < 1000000 ? "ok"
                                                                                    : "wrong");
    long (*vgetcpu)(unsigned *, unsigned *, void *) =
        (long (*)(unsigned *, unsigned *, void *))0xffffffffff600800ul;
    unsigned cpu = 9999, node = 9999;
    long g = vgetcpu(&cpu, &node, NULL);
    printf("vsyscall getcpu(): %s\n", g == 0 && cpu < 4096 && node < 256 ? "ok" : "wrong");
#endif
    return 0;
}
