/* strfuncs: libc string and memory functions over many alignments and
 * lengths, also ending right at a page followed by an inaccessible one.
 *
 * Static glibc chooses among SSE2, SSSE3, SSE4.1/4.2, AVX2 and EVEX variants
 * of these from CPUID at startup; under ringside (no AVX) that is the SSSE3
 * and SSE4.1 code (PALIGNR, PSHUFB, PMINUB, PTEST, PCMPEQQ ...) and the SSE2
 * fallbacks. Every result is checked against a byte-at-a-time reference
 * written here, and per function a count and a checksum of the results
 * (offsets, signs of comparisons, copied bytes) is printed: deterministic,
 * independent of addresses, the same on every correct CPU. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wchar.h>

#define MAXLEN 260
#define PAGE   4096

static unsigned char *page; /* PAGE bytes, then a PROT_NONE page */
static unsigned char *pend; /* = page + PAGE */
static unsigned char a[1024], b[1024], c[1024];
static uint32_t rng = 2024;
static uint32_t next(void) { return rng = rng * 1103515245u + 12345u; }

static uint64_t sum = 0xcbf29ce484222325ull;
static long cases, bad;
static void mix(uint64_t v) { sum = (sum ^ v) * 0x100000001b3ull; }
static void check(int ok, const char *what, size_t len, size_t al) {
    cases++;
    mix((uint64_t)ok);
    if (!ok && bad++ < 10) printf("MISMATCH %s len=%zu align=%zu\n", what, len, al);
}
static void report(const char *name) {
    printf("%-12s cases=%ld bad=%ld sum=%016llx\n", name, cases, bad, (unsigned long long)sum);
    cases = bad = 0;
    sum = 0xcbf29ce484222325ull;
}
/* Random bytes without NULs from a small alphabet (so searches hit). */
static void fill(unsigned char *p, size_t n, unsigned alpha) {
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)('a' + next() % alpha);
}
static int sign(int x) { return (x > 0) - (x < 0); }
static int ref_cmp(const unsigned char *x, const unsigned char *y, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}
static int lower(int ch) { return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch; }

/* A string of len bytes placed either at offset al of `a` or ending right
 * before the inaccessible page (its NUL is the last accessible byte). */
static unsigned char *place(int at_end, size_t al, size_t len, unsigned alpha) {
    unsigned char *s = at_end ? pend - len - 1 : a + al;
    fill(s, len, alpha);
    s[len] = 0;
    return s;
}

static void t_strlen(void) {
    for (int e = 0; e < 2; e++)
        for (size_t len = 0; len <= MAXLEN; len++)
            for (size_t al = 0; al < 64; al += e ? 64 : 3) {
                unsigned char *s = place(e, al, len, 26);
                size_t n = strlen((char *)s), m = strnlen((char *)s, len / 2 + 1);
                check(n == len && m == (len < len / 2 + 1 ? len : len / 2 + 1), "strlen", len, al);
                mix(n * 7 + m);
            }
    report("strlen");
}

static void t_strchr(void) {
    for (int e = 0; e < 2; e++)
        for (size_t len = 1; len <= MAXLEN; len += len < 80 ? 1 : 3)
            for (size_t al = 0; al < 32; al += e ? 32 : 5) {
                unsigned char *s = place(e, al, len, 20);
                int ch = 'a' + (int)(next() % 24); /* sometimes absent */
                size_t first = len, last = len;
                for (size_t i = 0; i < len; i++)
                    if (s[i] == ch) {
                        if (first == len) first = i;
                        last = i;
                    }
                char *r1 = strchr((char *)s, ch), *r2 = strrchr((char *)s, ch);
                char *r3 = strchrnul((char *)s, ch), *r4 = strchr((char *)s, 0);
                void *r5 = memchr(s, ch, len), *r6 = memrchr(s, ch, len);
                int ok = (first == len ? r1 == NULL && r2 == NULL && r5 == NULL && r6 == NULL
                                       : r1 == (char *)s + first && r2 == (char *)s + last &&
                                             r5 == s + first && r6 == s + last) &&
                         r3 == (char *)s + first && r4 == (char *)s + len;
                check(ok, "strchr", len, al);
                mix(first * 1000 + last);
            }
    report("strchr");
}

static void t_cmp(void) {
    for (size_t len = 0; len <= MAXLEN; len += len < 70 ? 1 : 7)
        for (size_t al = 0; al < 16; al += 3)
            for (size_t bl = 0; bl < 16; bl += 5) {
                unsigned char *x = a + al, *y = b + bl;
                fill(x, len, 4);
                memcpy(y, x, len);
                x[len] = y[len] = 0;
                size_t d = len ? next() % (len + len / 2 + 1) : 0; /* maybe no difference */
                if (d < len) y[d] = (unsigned char)(y[d] + (next() & 1 ? 1 : 0x7f));
                int want = ref_cmp(x, y, len);
                int r1 = sign(memcmp(x, y, len)), r2 = sign(strcmp((char *)x, (char *)y));
                size_t n = len ? next() % (len + 2) : 0;
                int wn = ref_cmp(x, y, n < len ? n : len);
                int r3 = sign(strncmp((char *)x, (char *)y, n)),
                    r4 = sign(memcmp(x, y, n < len ? n : len));
                int r5 = bcmp(x, y, len) != 0;
                check(r1 == want && r2 == want && r3 == wn && r4 == wn && r5 == (want != 0), "cmp",
                      len, al * 16 + bl);
                mix((uint64_t)(r1 + 1) * 9 + (uint64_t)(r3 + 1) * 3 + (uint64_t)d);
            }
    /* against the inaccessible page: equal strings ending there */
    for (size_t len = 0; len <= MAXLEN; len++) {
        unsigned char *x = place(1, 0, len, 3);
        memcpy(b + (len & 15), x, len + 1);
        int ok = strcmp((char *)x, (char *)b + (len & 15)) == 0 &&
                 memcmp(x, b + (len & 15), len) == 0 &&
                 strncmp((char *)b + (len & 15), (char *)x, len + 100) == 0;
        check(ok, "cmp-end", len, 0);
    }
    report("cmp");
}

static void t_casecmp(void) {
    for (size_t len = 0; len <= MAXLEN; len += len < 70 ? 1 : 11)
        for (size_t al = 0; al < 16; al += 5) {
            unsigned char *x = a + al, *y = b + 15 - al;
            fill(x, len, 5);
            for (size_t i = 0; i < len; i++)
                y[i] = (unsigned char)(next() & 1 ? x[i] - 32 : x[i]); /* other case */
            x[len] = y[len] = 0;
            if (len && next() % 2) y[next() % len] = (unsigned char)('A' + next() % 5);
            int want = 0;
            for (size_t i = 0; i < len && !want; i++)
                if (lower(x[i]) != lower(y[i])) want = lower(x[i]) < lower(y[i]) ? -1 : 1;
            int r1 = sign(strcasecmp((char *)x, (char *)y));
            int r2 = sign(strncasecmp((char *)x, (char *)y, len + 3));
            check(r1 == want && r2 == want, "casecmp", len, al);
            mix((uint64_t)(r1 + 1) + len);
        }
    report("casecmp");
}

static void t_strstr(void) {
    for (size_t len = 0; len <= MAXLEN; len += len < 40 ? 1 : 9)
        for (size_t nl = 0; nl <= 12; nl++)
            for (size_t al = 0; al < 16; al += 7) {
                unsigned char *h = a + al, *nd = b + 40;
                fill(h, len, 3);
                h[len] = 0;
                if (nl <= len && next() % 2) /* a needle that occurs */
                    memcpy(nd, h + next() % (len - nl + 1), nl);
                else
                    fill(nd, nl, 3);
                nd[nl] = 0;
                size_t want = len + 1;
                for (size_t i = 0; i + nl <= len && want > len; i++)
                    if (memcmp(h + i, nd, nl) == 0) want = i;
                char *r1 = strstr((char *)h, (char *)nd);
                void *r2 = memmem(h, len, nd, nl);
                int ok = want > len ? r1 == NULL && r2 == NULL
                                    : r1 == (char *)h + want && r2 == h + want;
                check(ok, "strstr", len, nl * 16 + al);
                mix(want);
            }
    report("strstr");
}

static void t_span(void) {
    for (size_t len = 0; len <= MAXLEN; len += len < 60 ? 1 : 7)
        for (size_t sl = 1; sl <= 20; sl += 3) {
            unsigned char *s = a + (len & 15), *set = b + (sl & 7);
            fill(s, len, 12);
            s[len] = 0;
            fill(set, sl, 12);
            set[sl] = 0;
            size_t in = 0, out = 0;
            while (in < len && memchr(set, s[in], sl))
                in++;
            while (out < len && !memchr(set, s[out], sl))
                out++;
            size_t r1 = strspn((char *)s, (char *)set), r2 = strcspn((char *)s, (char *)set);
            char *r3 = strpbrk((char *)s, (char *)set);
            check(r1 == in && r2 == out && r3 == (out < len ? (char *)s + out : NULL), "span", len,
                  sl);
            mix(in * 1000 + out);
        }
    report("span");
}

static void t_copy(void) {
    for (size_t len = 0; len <= MAXLEN + 200; len += len < 80 ? 1 : 13)
        for (size_t sa = 0; sa < 16; sa++)
            for (size_t da = 0; da < 16; da += 3) {
                fill(a, sizeof a, 255);
                memset(b, 0xee, sizeof b);
                memcpy(b + da, a + sa, len);
                int ok = b[da + len] == 0xee && (da == 0 || b[da - 1] == 0xee) &&
                         memcmp(b + da, a + sa, len) == 0;
                unsigned char *q = mempcpy(c + da, a + sa, len);
                ok &= q == c + da + len;
                check(ok, "memcpy", len, sa * 16 + da);
                for (size_t i = 0; i < len; i += 17)
                    mix(b[da + i]);
            }
    /* copies ending right at the inaccessible page */
    for (size_t len = 0; len <= MAXLEN + 200; len += 7) {
        fill(a, sizeof a, 255);
        memcpy(pend - len, a + (len & 15), len);
        check(memcmp(pend - len, a + (len & 15), len) == 0, "memcpy-end", len, 0);
        memcpy(b, pend - len, len);
        check(memcmp(b, a + (len & 15), len) == 0, "memcpy-from-end", len, 0);
    }
    report("memcpy");

    for (size_t len = 0; len <= MAXLEN + 200; len += len < 80 ? 1 : 11)
        for (int shift = -40; shift <= 40; shift += 3) {
            fill(a, sizeof a, 255);
            memcpy(c, a, sizeof a);
            size_t src = 100 + (len & 7), dst = (size_t)((int)src + shift);
            memmove(a + dst, a + src, len);
            int ok = 1;
            for (size_t i = 0; i < sizeof a; i++) {
                unsigned char want = (i >= dst && i < dst + len) ? c[src + i - dst] : c[i];
                ok &= a[i] == want;
            }
            check(ok, "memmove", len, (size_t)(shift + 64));
            mix(a[dst] + len);
        }
    report("memmove");

    for (size_t len = 0; len <= MAXLEN + 200; len++)
        for (size_t al = 0; al < 16; al += 5) {
            memset(a, 0x11, sizeof a);
            int v = (int)(len * 7 + al);
            memset(a + al, v, len);
            int ok = a[al + len] == 0x11 && (al == 0 || a[al - 1] == 0x11);
            for (size_t i = 0; i < len; i++)
                ok &= a[al + i] == (unsigned char)v;
            check(ok, "memset", len, al);
            mix((uint64_t)v * len);
        }
    for (size_t len = 0; len <= MAXLEN; len += 3) {
        memset(pend - len, (int)len, len);
        int ok = 1;
        for (size_t i = 0; i < len; i++)
            ok &= pend[-1 - (long)i] == (unsigned char)len;
        check(ok, "memset-end", len, 0);
    }
    report("memset");

    for (size_t len = 0; len <= MAXLEN; len += len < 70 ? 1 : 5)
        for (size_t sa = 0; sa < 16; sa += 3)
            for (size_t da = 0; da < 16; da += 7) {
                unsigned char *s = place(sa == 15, sa, len, 26);
                memset(b, 0xee, sizeof b);
                char *r1 = strcpy((char *)b + da, (char *)s);
                int ok = r1 == (char *)b + da && memcmp(b + da, s, len + 1) == 0 &&
                         b[da + len + 1] == 0xee;
                char *r2 = stpcpy((char *)c + da, (char *)s);
                ok &= r2 == (char *)c + da + len;
                memset(c, 0xee, sizeof c);
                size_t n = next() % (len + 20);
                strncpy((char *)c + da, (char *)s, n);
                for (size_t i = 0; i < n; i++)
                    ok &= c[da + i] == (i < len ? s[i] : 0);
                ok &= c[da + n] == 0xee;
                memcpy(c, "xy", 3);
                strcat((char *)c, (char *)s);
                ok &= strlen((char *)c) == len + 2 && memcmp(c + 2, s, len) == 0;
                check(ok, "strcpy", len, sa * 16 + da);
                mix(len * 31 + n);
            }
    report("strcpy");
}

static void t_wide(void) {
    static wchar_t w[300], v[300];
    for (size_t len = 0; len < 260; len++)
        for (size_t al = 0; al < 4; al++) {
            for (size_t i = 0; i < len; i++)
                w[al + i] = (wchar_t)(1 + next() % 5);
            w[al + len] = 0;
            wmemcpy(v + (3 - al), w + al, len + 1);
            wchar_t ch = (wchar_t)(1 + next() % 6);
            size_t first = len;
            for (size_t i = 0; i < len && first == len; i++)
                if (w[al + i] == ch) first = i;
            wchar_t *r1 = wcschr(w + al, ch), *r2 = wmemchr(w + al, ch, len);
            int ok = wcslen(w + al) == len && wcsnlen(w + al, len / 2) == len / 2 &&
                     wcscmp(w + al, v + (3 - al)) == 0 && wmemcmp(w + al, v + (3 - al), len) == 0 &&
                     (first == len ? r1 == NULL && r2 == NULL
                                   : r1 == w + al + first && r2 == w + al + first);
            check(ok, "wide", len, al);
            mix(first);
        }
    report("wide");
}

int main(void) {
    void *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED || mprotect((char *)m + PAGE, PAGE, PROT_NONE) != 0) {
        perror("mmap");
        return 1;
    }
    page = m;
    pend = page + PAGE;
    t_strlen();
    t_strchr();
    t_cmp();
    t_casecmp();
    t_strstr();
    t_span();
    t_copy();
    t_wide();
    return 0;
}
