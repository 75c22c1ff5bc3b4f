/* strings: libc string functions over many lengths and alignments.
 *
 * Static glibc picks SSE2/AVX2/EVEX variants of these at startup from CPUID,
 * so this walks the emulator through its vector loads, compares, PMOVMSKB,
 * BSF/TZCNT and the page-crossing tails. Every result is checked against a
 * byte-at-a-time reference written here, and a checksum of all results is
 * printed per function. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAXLEN 300
#define BUF    (MAXLEN + 64 + 64)

static unsigned char a[BUF], b[BUF], c[BUF];
static uint32_t rng = 12345;
static uint32_t next(void) { return rng = rng * 1103515245u + 12345u; }

static uint64_t sum;
static long cases, bad;
static void mix(uint64_t v) { sum = (sum ^ v) * 0x100000001b3ull; }
static void check(int ok, const char *what, size_t len, size_t al) {
    cases++;
    if (!ok && bad++ < 10) printf("MISMATCH %s len=%zu align=%zu\n", what, len, al);
}
static void report(const char *name) {
    printf("%-8s cases=%ld bad=%ld sum=%016llx\n", name, cases, bad, (unsigned long long)sum);
    cases = bad = 0;
    sum = 0xcbf29ce484222325ull;
}
static void fill(unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++) p[i] = 1 + next() % 255; /* no NULs */
}
static int sign(int x) { return (x > 0) - (x < 0); }

int main(void) {
    sum = 0xcbf29ce484222325ull;
    for (size_t len = 0; len <= MAXLEN; len += (len < 70 ? 1 : 7))
        for (size_t sa = 0; sa < 16; sa++)
            for (size_t da = 0; da < 16; da += 5) {
                fill(a, BUF);
                memset(b, 0xee, BUF);
                memcpy(b + da, a + sa, len);
                int ok = b[da + len] == 0xee && (da == 0 || b[da - 1] == 0xee);
                for (size_t i = 0; i < len; i++) ok &= b[da + i] == a[sa + i];
                check(ok, "memcpy", len, sa * 16 + da);
                for (size_t i = 0; i < len; i++) mix(b[da + i]);
            }
    report("memcpy");

    for (size_t len = 0; len <= MAXLEN; len += (len < 70 ? 1 : 5))
        for (int shift = -33; shift <= 33; shift += 3) {
            fill(a, BUF);
            memcpy(c, a, BUF);
            size_t src = 64, dst = (size_t)(64 + shift);
            memmove(a + dst, a + src, len);
            int ok = 1;
            for (size_t i = 0; i < BUF; i++) {
                unsigned char want = (i >= dst && i < dst + len) ? c[src + i - dst] : c[i];
                ok &= a[i] == want;
            }
            check(ok, "memmove", len, (size_t)(shift + 64));
            mix(a[dst] + len);
        }
    report("memmove");

    for (size_t len = 0; len <= MAXLEN; len++)
        for (size_t al = 0; al < 16; al += 3) {
            memset(a, 0x11, BUF);
            int v = (int)(len * 7 + al);
            memset(a + al, v, len);
            int ok = a[al + len] == 0x11 && (al == 0 || a[al - 1] == 0x11);
            for (size_t i = 0; i < len; i++) ok &= a[al + i] == (unsigned char)v;
            check(ok, "memset", len, al);
            mix((uint64_t)v * len);
        }
    report("memset");

    for (size_t len = 0; len <= MAXLEN; len++)
        for (size_t al = 0; al < 32; al += 1) {
            fill(a, BUF);
            a[al + len] = 0;
            size_t n = strlen((char *)a + al);
            check(n == len, "strlen", len, al);
            mix(n);
        }
    report("strlen");

    for (size_t len = 1; len <= MAXLEN; len += (len < 80 ? 1 : 3))
        for (size_t al = 0; al < 16; al += 3) {
            fill(a, BUF);
            a[al + len] = 0;
            size_t pos = next() % len;
            int ch = a[al + pos];
            size_t first = 0;
            while (a[al + first] != ch) first++;
            size_t last = len - 1;
            while (a[al + last] != ch) last--;
            char *r1 = strchr((char *)a + al, ch), *r2 = strrchr((char *)a + al, ch);
            char *r3 = strchr((char *)a + al, 0); /* finds the terminator */
            void *r4 = memchr(a + al, ch, len);
            char *r5 = strchr((char *)a + al, 0x100 + ch); /* converted to char */
            check(r1 == (char *)a + al + first && r2 == (char *)a + al + last &&
                      r3 == (char *)a + al + len && r4 == a + al + first && r5 == r1,
                  "strchr", len, al);
            mix(first * 1000 + last);
        }
    report("strchr");

    for (size_t len = 0; len <= MAXLEN; len += (len < 70 ? 1 : 9))
        for (size_t al = 0; al < 16; al += 5) {
            fill(a, BUF);
            a[al + len] = 0;
            memcpy(b + 16 - al % 16, a + al, len + 1);
            const char *s1 = (char *)a + al, *s2 = (char *)b + 16 - al % 16;
            int eq = strcmp(s1, s2) == 0 && strncmp(s1, s2, len + 5) == 0 &&
                     memcmp(s1, s2, len) == 0;
            check(eq, "strcmp-eq", len, al);
            if (len == 0) continue;
            size_t d = next() % len;
            unsigned char old = b[16 - al % 16 + d];
            unsigned char nv = (unsigned char)(old + 1 + next() % 200);
            if (nv == 0) nv = 1;
            b[16 - al % 16 + d] = nv;
            int want = sign((int)(unsigned char)s1[d] - (int)nv);
            int r1 = sign(strcmp(s1, s2)), r2 = sign(memcmp(s1, s2, len));
            int r3 = sign(strncmp(s1, s2, d)), r4 = sign(strncmp(s1, s2, d + 1));
            check(r1 == want && r2 == want && r3 == 0 && r4 == want, "strcmp-ne", len, al);
            mix((uint64_t)(r1 + 2) * 7 + (uint64_t)d);
        }
    report("strcmp");

    for (size_t len = 0; len <= 200; len++) {
        fill(a, BUF);
        a[len] = 0;
        strcpy((char *)b, "prefix:");
        strcat((char *)b, (char *)a);
        int ok = strlen((char *)b) == len + 7 && memcmp(b + 7, a, len + 1) == 0;
        char *p = stpcpy((char *)c, (char *)a);
        ok &= p == (char *)c + len;
        check(ok, "strcpy", len, 0);
        mix(len);
    }
    report("strcpy");

    static const char hay[] = "the quick brown fox jumps over the lazy dog; the end";
    const char *needles[] = {"the", "fox", "dog;", "end", "cat", "", "the lazy", "e e", "d"};
    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++) {
        const char *r = strstr(hay, needles[i]);
        printf("strstr(\"%s\") = %ld\n", needles[i], r ? (long)(r - hay) : -1L);
    }
    printf("strspn=%zu strcspn=%zu\n", strspn(hay, "teh qu"), strcspn(hay, ";"));
    char tok[] = "a,b,,c;d";
    char *save = NULL;
    for (char *t = strtok_r(tok, ",;", &save); t; t = strtok_r(NULL, ",;", &save))
        printf("token \"%s\"\n", t);
    return 0;
}
