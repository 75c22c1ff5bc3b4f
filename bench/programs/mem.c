/* Memory/string workload: memcpy, memmove, memset, memcmp, strlen, memchr and strchr over
 * buffers from 7 bytes to 256 KiB, at varied alignments. These go through glibc's
 * SSE2/AVX2 (ifunc-selected) string routines, so it measures vector loads/stores, PCMPEQB,
 * PMOVMSKB, BSF/TZCNT and REP MOVS/STOS paths.
 * usage: mem [SCALE]   (prints a checksum) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIG (256 * 1024)

/* Keep the compiler from inlining or eliding the calls: go through volatile pointers. */
static void *(*volatile p_memcpy)(void *, const void *, size_t) = memcpy;
static void *(*volatile p_memmove)(void *, const void *, size_t) = memmove;
static void *(*volatile p_memset)(void *, int, size_t) = memset;
static int (*volatile p_memcmp)(const void *, const void *, size_t) = memcmp;
static size_t (*volatile p_strlen)(const char *) = strlen;
static void *(*volatile p_memchr)(const void *, int, size_t) = memchr;
static char *(*volatile p_strchr)(const char *, int) = strchr;

int main(int argc, char **argv) {
    long scale = argc > 1 ? atol(argv[1]) : 10;
    if (scale < 1) scale = 1;
    static const size_t sizes[] = {7, 16, 33, 64, 100, 256, 1000, 4096, 16384, 65536, BIG - 64};
    enum { NSIZES = sizeof sizes / sizeof sizes[0] };
    unsigned char *src = malloc(BIG + 64), *dst = malloc(BIG + 64);
    if (!src || !dst) return 1;
    uint32_t x = 12345;
    for (size_t i = 0; i < BIG + 64; i++) {
        x = x * 1103515245u + 12345u;
        src[i] = (unsigned char)(1 + (x >> 16) % 255); /* no NULs */
    }
    uint64_t ck = 0;
    for (long round = 0; round < scale; round++) {
        for (int s = 0; s < NSIZES; s++) {
            size_t n = sizes[s];
            /* Fewer repetitions for the big sizes so each size gets similar work. */
            long reps = (long)(2000000 / (n + 64)) + 1;
            for (long r = 0; r < reps; r++) {
                size_t so = (size_t)(r * 3 + s) & 15, d = (size_t)(r * 5) & 15;
                p_memcpy(dst + d, src + so, n);
                ck += dst[d + n / 2];
                p_memset(dst + d + n / 3, (int)(r & 0x7f) | 1, n / 2);
                /* Only the sign of memcmp is defined (glibc variants differ in magnitude). */
                int cmp = p_memcmp(dst + d, src + so, n);
                ck += (unsigned)((cmp > 0) - (cmp < 0)) & 3;
                dst[d + n - 1] = 0;
                ck += p_strlen((const char *)dst + d);
                dst[d + n - 1] = 1;
                unsigned char *hit = p_memchr(src + so, 0x80 ^ (int)(r & 0x7f), n);
                ck += hit ? (size_t)(hit - src) : 7;
                p_memmove(dst + 1, dst, n);
                ck = ck * 3 + dst[n];
            }
        }
        /* strchr over a long NUL-terminated string. */
        src[BIG - 1] = 0;
        for (int k = 0; k < 64; k++) {
            char *h = p_strchr((const char *)src + k, 0);
            ck += (size_t)(h - (char *)src);
        }
        src[BIG - 1] = 1;
    }
    printf("mem: scale %ld checksum %016llx\n", scale, (unsigned long long)ck);
    free(src);
    free(dst);
    return 0;
}
