/* Integer workload: PRNG, hashing, a sieve and an insertion/merge sort mix.
 * Exercises ALU, shifts, multiplies, compares, branches and byte/dword loads and stores.
 * usage: int [SCALE]   (work grows linearly with SCALE; prints a checksum) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t xorshift64(void) {
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

/* FNV-1a over a byte buffer, then a murmur-style finaliser. */
static uint64_t hash_bytes(const uint8_t *p, size_t n) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

static uint64_t sieve(uint8_t *comp, uint32_t n) {
    memset(comp, 0, n);
    uint64_t sum = 0;
    for (uint32_t i = 2; i < n; i++) {
        if (comp[i]) continue;
        sum += i;
        for (uint64_t j = (uint64_t)i * i; j < n; j += i)
            comp[j] = 1;
    }
    return sum;
}

static void merge_sort(uint32_t *a, uint32_t *tmp, size_t n) {
    if (n <= 16) { /* insertion sort for short runs */
        for (size_t i = 1; i < n; i++) {
            uint32_t v = a[i];
            size_t j = i;
            while (j > 0 && a[j - 1] > v) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = v;
        }
        return;
    }
    size_t h = n / 2;
    merge_sort(a, tmp, h);
    merge_sort(a + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
    while (i < h)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

/* Integer division and modulo with variable divisors (DIV/IDIV). */
static uint64_t divmix(uint32_t n) {
    uint64_t acc = 1;
    int64_t s = 0;
    for (uint32_t i = 1; i <= n; i++) {
        uint64_t r = xorshift64();
        acc += r / (i | 1) + r % (i + 7);
        s += (int64_t)r / -(int64_t)(i + 3);
    }
    return acc ^ (uint64_t)s;
}

int main(int argc, char **argv) {
    long scale = argc > 1 ? atol(argv[1]) : 10;
    if (scale < 1) scale = 1;
    enum { NSORT = 1 << 15, NSIEVE = 1 << 18, NHASH = 1 << 14 };
    uint32_t *a = malloc(NSORT * sizeof *a), *tmp = malloc(NSORT * sizeof *tmp);
    uint8_t *buf = malloc(NSIEVE);
    if (!a || !tmp || !buf) return 1;
    uint64_t ck = 0;
    for (long round = 0; round < scale; round++) {
        for (size_t i = 0; i < NSORT; i++)
            a[i] = (uint32_t)xorshift64();
        merge_sort(a, tmp, NSORT);
        for (size_t i = 1; i < NSORT; i++)
            if (a[i - 1] > a[i]) {
                puts("int: sort failed");
                return 1;
            }
        ck = ck * 31 + a[NSORT / 2] + a[NSORT / 3];
        ck ^= sieve(buf, NSIEVE);
        for (size_t i = 0; i < NHASH; i++)
            buf[i] = (uint8_t)xorshift64();
        for (int k = 0; k < 8; k++)
            ck += hash_bytes(buf + k * 7, NHASH - 64);
        ck ^= divmix(4096);
    }
    printf("int: scale %ld checksum %016llx\n", scale, (unsigned long long)ck);
    free(a);
    free(tmp);
    free(buf);
    return 0;
}
