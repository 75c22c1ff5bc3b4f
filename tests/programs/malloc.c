/* malloc: heap stress: many small blocks freed in random order, realloc
 * growing and shrinking with the contents checked, calloc zeroing, aligned
 * allocation, and blocks big enough to be served by mmap rather than brk.
 * No addresses are printed, only checks and alignment facts.
 * `malloc huge` instead asks for 64 TiB, which must fail cleanly. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng = 88172645u;
static uint32_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

#define SLOTS 2000
static unsigned char *slot[SLOTS];
static size_t slotlen[SLOTS];

static int check(const unsigned char *p, size_t n, unsigned char tag) {
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(tag + i)) return 0;
    return 1;
}
static void fillp(unsigned char *p, size_t n, unsigned char tag) {
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(tag + i);
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "huge")) {
        /* 64 TiB, far beyond RAM + swap: Linux's overcommit check refuses it
         * (ENOMEM from mmap, then brk), so malloc returns NULL. */
        /* (32-bit builds ask for the largest size_t, refused all the same) */
        unsigned long long want = 1ULL << 46;
        volatile size_t n = want > SIZE_MAX ? SIZE_MAX : (size_t)want;
        void *huge = malloc(n);
        printf("64TiB malloc: %s\n", huge ? "succeeded?!" : "NULL");
        free(huge);
        return 0;
    }
    long bad = 0, misaligned = 0, ops = 0;
    for (int round = 0; round < 40000; round++) {
        int s = (int)(next() % SLOTS);
        ops++;
        if (slot[s]) {
            if (!check(slot[s], slotlen[s], (unsigned char)s)) bad++;
            if (next() % 3 == 0) {
                size_t nl = next() % 3000;
                unsigned char *np = realloc(slot[s], nl ? nl : 1);
                if (!np) { bad++; continue; }
                size_t keep = nl < slotlen[s] ? nl : slotlen[s];
                if (!check(np, keep, (unsigned char)s)) bad++;
                slot[s] = np;
                slotlen[s] = nl;
                fillp(np, nl, (unsigned char)s);
            } else {
                free(slot[s]);
                slot[s] = NULL;
            }
        } else {
            size_t n = (next() % 8 == 0) ? next() % 70000 : next() % 256;
            slot[s] = malloc(n);
            if (!slot[s]) { bad++; continue; }
            if ((uintptr_t)slot[s] % 16) misaligned++;
            slotlen[s] = n;
            fillp(slot[s], n, (unsigned char)s);
        }
    }
    for (int s = 0; s < SLOTS; s++) {
        if (slot[s] && !check(slot[s], slotlen[s], (unsigned char)s)) bad++;
        free(slot[s]);
    }
    printf("small/medium: ops=%ld bad=%ld misaligned16=%ld\n", ops, bad, misaligned);

    /* Large blocks (mmap-sized), touched at every page. */
    static const size_t big[] = {128 * 1024, 1 << 20, 5 << 20, 16 << 20, 3 << 20};
    bad = 0;
    unsigned char *bp[5];
    for (int i = 0; i < 5; i++) {
        bp[i] = malloc(big[i]);
        if (!bp[i]) { bad++; continue; }
        for (size_t off = 0; off < big[i]; off += 4096) bp[i][off] = (unsigned char)(off >> 12);
        bp[i][big[i] - 1] = 0x5a;
    }
    for (int i = 0; i < 5; i++) {
        if (!bp[i]) continue;
        for (size_t off = 0; off < big[i]; off += 4096)
            if (bp[i][off] != (unsigned char)(off >> 12)) bad++;
        if (bp[i][big[i] - 1] != 0x5a) bad++;
    }
    /* Grow a large block through realloc (mremap or copy), keep contents. */
    unsigned char *g = realloc(bp[1], 40 << 20);
    if (!g) bad++;
    else {
        for (size_t off = 0; off < (1u << 20); off += 4096)
            if (g[off] != (unsigned char)(off >> 12)) bad++;
        g[(40 << 20) - 1] = 1;
        bp[1] = realloc(g, 8192); /* and shrink it back down */
        if (!bp[1] || bp[1][4096] != 1) bad++;
    }
    for (int i = 0; i < 5; i++) free(bp[i]);
    printf("large: bad=%ld\n", bad);

    bad = 0;
    for (int i = 0; i < 200; i++) {
        size_t n = 1 + next() % 200000;
        unsigned char *z = calloc(n, 1);
        if (!z) { bad++; continue; }
        for (size_t k = 0; k < n; k += 97) bad += z[k] != 0;
        bad += z[n - 1] != 0;
        memset(z, 0xff, n);
        free(z);
    }
    printf("calloc zeroed: bad=%ld\n", bad);

    bad = 0;
    for (size_t al = 16; al <= 65536; al *= 4) {
        void *p = NULL;
        if (posix_memalign(&p, al, 1000) != 0 || (uintptr_t)p % al) bad++;
        free(p);
        void *q = aligned_alloc(al, al * 3);
        if (!q || (uintptr_t)q % al) bad++;
        free(q);
    }
    printf("aligned: bad=%ld\n", bad);
    return 0;
}
