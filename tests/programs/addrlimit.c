/* addrlimit: RLIMIT_AS and RLIMIT_DATA bound the guest's own address space,
 * as Linux bounds a process's (mmap/brk/mremap fail with ENOMEM), while
 * getrlimit reads back what was set. Modes:
 *   (none)  the program sets the limits itself and probes mmap, brk, mremap
 *   after-exec  prints the limits (the first mode execs it: they survive execve)
 *   runaway  with whatever RLIMIT_AS it was started under (prlimit --as natively,
 *            ringside --max-memory): a malloc loop ends in ENOMEM, never a crash
 * Amounts are far from the edges, so layout differences of a few pages
 * between native and ringside cannot change an answer. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#define MiB (1024ul * 1024)

static void map(const char *what, size_t len, int prot, int flags) {
    void *p = mmap(NULL, len, prot, flags, -1, 0);
    printf("%-36s %s\n", what, p == MAP_FAILED ? strerror(errno) : "ok");
    if (p != MAP_FAILED) munmap(p, len);
}

static void limits(void) {
    struct rlimit as, data;
    getrlimit(RLIMIT_AS, &as);
    getrlimit(RLIMIT_DATA, &data);
    printf("RLIMIT_AS %llx/%llx RLIMIT_DATA %llx/%llx\n", (unsigned long long)as.rlim_cur,
           (unsigned long long)as.rlim_max, (unsigned long long)data.rlim_cur,
           (unsigned long long)data.rlim_max);
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "after-exec")) { /* the limits survive execve */
        limits();
        return 0;
    }
    if (argc > 1 && !strcmp(argv[1], "runaway")) {
        limits();
        int n = 0;
        for (;;) {
            char *b = malloc(16 * MiB);
            if (!b) break;
            b[0] = 1;
            b[16 * MiB - 1] = 1;
            if (++n > 100000) break;
        }
        printf("malloc loop ended with ENOMEM: %s, after more than 4 blocks: %s\n",
               errno == ENOMEM ? "yes" : "no", n > 4 ? "yes" : "no");
        return 0;
    }
    limits();
    struct rlimit r = {1024 * MiB, RLIM_INFINITY};
    printf("setrlimit(AS, 1 GiB): %d\n", setrlimit(RLIMIT_AS, &r));
    limits();
    int rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
    map("mmap 2 GiB rw", 2048 * MiB, rw, anon);
    map("mmap 2 GiB PROT_NONE", 2048 * MiB, PROT_NONE, anon);
    map("mmap 2 GiB MAP_NORESERVE", 2048 * MiB, rw, anon | MAP_NORESERVE);
    map("mmap 512 MiB rw", 512 * MiB, rw, anon);
    void *keep = mmap(NULL, 600 * MiB, rw, anon, -1, 0);
    printf("mmap 600 MiB kept: %s\n", keep == MAP_FAILED ? strerror(errno) : "ok");
    map("mmap 512 MiB more", 512 * MiB, rw, anon);
    void *grown = mremap(keep, 600 * MiB, 1200 * MiB, MREMAP_MAYMOVE);
    printf("mremap to 1200 MiB: %s\n", grown == MAP_FAILED ? strerror(errno) : "ok");
    void *shrunk = mremap(keep, 600 * MiB, 100 * MiB, 0);
    printf("mremap to 100 MiB: %s\n", shrunk == MAP_FAILED ? strerror(errno) : "ok");
    map("mmap 512 MiB after shrinking", 512 * MiB, rw, anon);
    void *fixed = mmap(keep, 100 * MiB, rw, anon | MAP_FIXED, -1, 0);
    printf("MAP_FIXED over the kept 100 MiB: %s\n", fixed == MAP_FAILED ? strerror(errno) : "ok");
    munmap(keep, 100 * MiB);
    void *cur = sbrk(0);
    printf("sbrk(1200 MiB): %s\n", sbrk(1200 * MiB) == (void *)-1 ? strerror(errno) : "ok");
    printf("sbrk(16 MiB): %s\n", sbrk(16 * MiB) == (void *)-1 ? strerror(errno) : "ok");
    if (brk(cur) != 0) printf("brk back failed\n");

    r.rlim_cur = r.rlim_max = RLIM_INFINITY;
    printf("setrlimit(AS, inf): %d\n", setrlimit(RLIMIT_AS, &r));
    struct rlimit d = {64 * MiB, RLIM_INFINITY};
    printf("setrlimit(DATA, 64 MiB): %d\n", setrlimit(RLIMIT_DATA, &d));
    map("mmap 128 MiB private rw (data)", 128 * MiB, rw, anon);
    map("mmap 128 MiB private read-only", 128 * MiB, PROT_READ, anon);
    map("mmap 128 MiB shared rw", 128 * MiB, rw, MAP_SHARED | MAP_ANONYMOUS);
    map("mmap 32 MiB private rw", 32 * MiB, rw, anon);
    d.rlim_cur = 128 * MiB, d.rlim_max = 64 * MiB;
    errno = 0;
    int bad = setrlimit(RLIMIT_DATA, &d);
    printf("setrlimit(DATA, cur > max): %d %s\n", bad, strerror(errno));
    d.rlim_cur = d.rlim_max = 256 * MiB;
    printf("setrlimit(DATA, lower max): %d\n", setrlimit(RLIMIT_DATA, &d));
    d.rlim_max = RLIM_INFINITY;
    errno = 0;
    int rr = setrlimit(RLIMIT_DATA, &d);
    printf("setrlimit(DATA, raise max): %s\n", rr == 0 ? "ok" : strerror(errno));
    limits();
    struct rlimit as3 = {3072 * MiB, 4096 * MiB};
    setrlimit(RLIMIT_AS, &as3);
    fflush(stdout);
    execl("/proc/self/exe", argv[0], "after-exec", (char *)NULL);
    perror("execl");
    return 1;
}
