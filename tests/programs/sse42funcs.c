/* sse42funcs: the SSE4.2 string functions glibc selects, and CRC32, AES-NI,
 * PCLMULQDQ and BMI2 in inline assembly.
 *
 * With SSE4.2 in CPUID, static glibc's strcspn, strspn and strpbrk (and
 * some strstr/strcasestr variants) are the PCMPISTRI ones: they are run over
 * many lengths, alignments, set sizes (1..20: 16 is where PCMPISTRI's
 * register fills) and strings that end right before an inaccessible page,
 * each result checked against a plain loop written here. The instruction
 * tests compare each instruction's result with a portable reference (CRC-32C
 * table, FIPS-197 AES with the standard's test vector, shift-and-xor
 * carry-less multiply, bit loops); when CPUID lacks a feature the reference
 * result is used instead, so the output is the same on every correct CPU.
 * Per group a count, a mismatch count and a checksum are printed. */
#define _GNU_SOURCE
#include <cpuid.h>
#include <emmintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096

static uint32_t rng = 4242;
static uint32_t next(void) { return rng = rng * 1103515245u + 12345u; }
static uint64_t next64(void) { return (uint64_t)next() << 32 ^ next() ^ (uint64_t)next() << 16; }

static uint64_t sum = 0xcbf29ce484222325ull;
static long cases, bad;
static void mix(uint64_t v) { sum = (sum ^ v) * 0x100000001b3ull; }
static void check(int ok, const char *what, long a, long b) {
    cases++;
    if (!ok && bad++ < 10) printf("MISMATCH %s (%ld, %ld)\n", what, a, b);
}
static void report(const char *name) {
    printf("%-10s cases=%ld bad=%ld sum=%016llx\n", name, cases, bad, (unsigned long long)sum);
    cases = bad = 0;
    sum = 0xcbf29ce484222325ull;
}

/* ---- string functions ---- */

static unsigned char *page; /* PAGE bytes, then a PROT_NONE page */

static size_t ref_cspn(const char *s, const char *set, int accept) {
    size_t n = 0;
    for (; s[n]; n++)
        if ((strchr(set, s[n]) != NULL) == !accept) break;
    return n;
}
static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; } /* the C locale */
static const char *ref_str(const char *h, const char *n, int icase) {
    size_t ln = strlen(n);
    for (;; h++) {
        size_t k = 0;
        while (k < ln && h[k] && (icase ? lower(h[k]) == lower(n[k]) : h[k] == n[k]))
            k++;
        if (k == ln) return h;
        if (!*h) return NULL;
    }
}
/* Letters from a small alphabet (so sets and needles match), some others. */
static char letter(void) {
    unsigned r = next() % 16;
    if (r < 10) return (char)('a' + r % 6);
    if (r < 12) return (char)('A' + r % 6);
    return (char)(1 + next() % 255);
}

static void test_spans(void) {
    char set[32];
    for (unsigned setlen = 0; setlen <= 20; setlen++)
        for (unsigned len = 0; len < 80; len += 1 + len / 16)
            for (unsigned al = 0; al < 16; al += 3)
                for (int at_end = 0; at_end < 2; at_end++) {
                    for (unsigned k = 0; k < setlen; k++)
                        set[k] = letter();
                    set[setlen] = 0;
                    char *s = at_end ? (char *)page + PAGE - len - 1 : (char *)page + 64 + al;
                    for (unsigned k = 0; k < len; k++)
                        s[k] = letter();
                    s[len] = 0;
                    size_t c = strcspn(s, set), p = strspn(s, set);
                    const char *b = strpbrk(s, set);
                    check(c == ref_cspn(s, set, 0), "strcspn", len, setlen);
                    check(p == ref_cspn(s, set, 1), "strspn", len, setlen);
                    check(b == (s[c] ? s + c : NULL), "strpbrk", len, setlen);
                    mix(c);
                    mix(p * 131);
                }
    report("spans");
}

static void test_strstr(void) {
    char needle[40];
    for (unsigned nl = 0; nl <= 20; nl++)
        for (unsigned len = 0; len < 90; len += 1 + len / 12)
            for (int at_end = 0; at_end < 2; at_end++)
                for (int icase = 0; icase < 2; icase++) {
                    if (icase && nl == 0) continue; /* musl: NULL for an empty haystack */
                    char *h =
                        at_end ? (char *)page + PAGE - len - 1 : (char *)page + 200 + next() % 16;
                    for (unsigned k = 0; k < len; k++)
                        h[k] = (char)('a' + next() % 3);
                    h[len] = 0;
                    if (len && nl && next() % 2) { /* a needle from the haystack */
                        unsigned from = next() % len, n = nl;
                        if (from + n > len) n = len - from;
                        memcpy(needle, h + from, n);
                        needle[n] = 0;
                        if (icase && n) needle[next() % n] ^= 0x20;
                    } else {
                        for (unsigned k = 0; k < nl; k++)
                            needle[k] = (char)('a' + next() % 3);
                        needle[nl] = 0;
                    }
                    const char *r = icase ? strcasestr(h, needle) : strstr(h, needle);
                    check(r == ref_str(h, needle, icase), icase ? "strcasestr" : "strstr", len, nl);
                    mix(r ? (uint64_t)(r - h) : ~0ull);
                }
    report("strstr");
}

/* ---- CRC32 ---- */

static int have_sse42, have_aes, have_pclmul, have_bmi2;
static uint32_t crc_tab[256];

static uint32_t ref_crc(uint32_t crc, const unsigned char *p, size_t n) {
    while (n--)
        crc = crc_tab[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return crc;
}
/* The buffer in the widest pieces alignment allows, as checksum code does. */
static uint32_t hw_crc(uint32_t crc, const unsigned char *p, size_t n) {
    uint64_t c = crc;
    while (n && ((uintptr_t)p & 7)) {
        if (n >= 2 && !((uintptr_t)p & 1) && ((uintptr_t)p & 3)) {
            uint16_t w;
            memcpy(&w, p, 2);
            __asm__("crc32w %1, %k0" : "+r"(c) : "rm"(w));
            p += 2, n -= 2;
        } else if (n >= 4 && !((uintptr_t)p & 3)) {
            uint32_t d;
            memcpy(&d, p, 4);
            __asm__("crc32l %1, %k0" : "+r"(c) : "rm"(d));
            p += 4, n -= 4;
        } else {
            __asm__("crc32b %1, %k0" : "+r"(c) : "rm"(*p));
            p++, n--;
        }
    }
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t q;
        memcpy(&q, p, 8);
        __asm__("crc32q %1, %0" : "+r"(c) : "rm"(q));
    }
    for (; n; p++, n--)
        __asm__("crc32b %1, %k0" : "+r"(c) : "rm"(*p));
    return (uint32_t)c;
}

static void test_crc(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t v = n;
        for (int k = 0; k < 8; k++)
            v = (v >> 1) ^ (v & 1 ? 0x82f63b78u : 0);
        crc_tab[n] = v;
    }
    unsigned char buf[600];
    for (unsigned k = 0; k < sizeof buf; k++)
        buf[k] = (unsigned char)next();
    /* the standard check value: CRC-32C("123456789") = e3069283 */
    uint32_t want = ~ref_crc(~0u, (const unsigned char *)"123456789", 9);
    check(want == 0xe3069283u, "crc32c check value", 0, 0);
    for (unsigned len = 0; len < 520; len += 1 + len / 40)
        for (unsigned al = 0; al < 8; al++) {
            uint32_t seed = next(), r = ref_crc(seed, buf + al, len);
            uint32_t h = have_sse42 ? hw_crc(seed, buf + al, len) : r;
            check(h == r, "crc32", len, al);
            mix(h);
        }
    report("crc32");
}

/* ---- AES ---- */

static uint8_t sbox[256], inv_sbox[256];
static uint8_t xt(uint8_t b) { return (uint8_t)((b << 1) ^ (b & 0x80 ? 0x1b : 0)); }
static uint8_t gm(uint8_t a, uint8_t b) {
    uint8_t r = 0;
    for (; b; b >>= 1, a = xt(a))
        if (b & 1) r ^= a;
    return r;
}
static void aes_init(void) {
    for (unsigned x = 0; x < 256; x++) {
        uint8_t inv = 0;
        for (unsigned y = 1; x && y < 256; y++)
            if (gm((uint8_t)x, (uint8_t)y) == 1) inv = (uint8_t)y;
        uint8_t s = 0x63;
        for (int k = 0; k < 5; k++)
            s ^= (uint8_t)((inv << k) | (inv >> ((8 - k) & 7)));
        sbox[x] = s;
        inv_sbox[s] = (uint8_t)x;
    }
}
/* FIPS-197 AES-128: key expansion, encryption, inverse cipher. */
static void ref_expand(const uint8_t key[16], uint8_t w[176]) {
    uint8_t rc = 1;
    memcpy(w, key, 16);
    for (int i = 16; i < 176; i += 4) {
        uint8_t t[4] = {w[i - 4], w[i - 3], w[i - 2], w[i - 1]};
        if (i % 16 == 0) {
            uint8_t t0 = t[0];
            t[0] = sbox[t[1]] ^ rc, t[1] = sbox[t[2]], t[2] = sbox[t[3]], t[3] = sbox[t0];
            rc = xt(rc);
        }
        for (int k = 0; k < 4; k++)
            w[i + k] = w[i - 16 + k] ^ t[k];
    }
}
static void ref_encrypt(const uint8_t w[176], uint8_t s[16]) {
    for (int k = 0; k < 16; k++)
        s[k] ^= w[k];
    for (int r = 1; r <= 10; r++) {
        uint8_t t[16];
        for (int c = 0; c < 4; c++)
            for (int row = 0; row < 4; row++)
                t[4 * c + row] = sbox[s[4 * ((c + row) & 3) + row]];
        for (int c = 0; c < 4 && r < 10; c++) {
            uint8_t *p = t + 4 * c, a0 = p[0], a1 = p[1], a2 = p[2], a3 = p[3];
            p[0] = gm(a0, 2) ^ gm(a1, 3) ^ a2 ^ a3;
            p[1] = a0 ^ gm(a1, 2) ^ gm(a2, 3) ^ a3;
            p[2] = a0 ^ a1 ^ gm(a2, 2) ^ gm(a3, 3);
            p[3] = gm(a0, 3) ^ a1 ^ a2 ^ gm(a3, 2);
        }
        for (int k = 0; k < 16; k++)
            s[k] = t[k] ^ w[16 * r + k];
    }
}
static void ref_decrypt(const uint8_t w[176], uint8_t s[16]) {
    for (int k = 0; k < 16; k++)
        s[k] ^= w[160 + k];
    for (int r = 9; r >= 0; r--) {
        uint8_t t[16];
        for (int c = 0; c < 4; c++)
            for (int row = 0; row < 4; row++)
                t[4 * c + row] = inv_sbox[s[4 * ((c - row) & 3) + row]];
        for (int k = 0; k < 16; k++)
            t[k] ^= w[16 * r + k];
        for (int c = 0; c < 4 && r > 0; c++) {
            uint8_t *p = t + 4 * c, a0 = p[0], a1 = p[1], a2 = p[2], a3 = p[3];
            p[0] = gm(a0, 14) ^ gm(a1, 11) ^ gm(a2, 13) ^ gm(a3, 9);
            p[1] = gm(a0, 9) ^ gm(a1, 14) ^ gm(a2, 11) ^ gm(a3, 13);
            p[2] = gm(a0, 13) ^ gm(a1, 9) ^ gm(a2, 14) ^ gm(a3, 11);
            p[3] = gm(a0, 11) ^ gm(a1, 13) ^ gm(a2, 9) ^ gm(a3, 14);
        }
        memcpy(s, t, 16);
    }
}

/* AES-NI: round keys with AESKEYGENASSIST, decryption keys with AESIMC. */
static __m128i expand_step(__m128i k, __m128i g) {
    g = _mm_shuffle_epi32(g, 0xff);
    k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
    k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
    k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
    return _mm_xor_si128(k, g);
}
#define KEYGEN(k, rcon)                                                                            \
    ({                                                                                             \
        __m128i g_;                                                                                \
        __asm__("aeskeygenassist %2, %1, %0" : "=x"(g_) : "x"(k), "i"(rcon));                      \
        expand_step(k, g_);                                                                        \
    })
static void hw_aes(const uint8_t key[16], uint8_t enc[16], uint8_t dec[16], uint8_t w[176]) {
    __m128i rk[11], s, ks = _mm_loadu_si128((const __m128i *)key);
    rk[0] = ks;
    rk[1] = KEYGEN(rk[0], 0x01);
    rk[2] = KEYGEN(rk[1], 0x02);
    rk[3] = KEYGEN(rk[2], 0x04);
    rk[4] = KEYGEN(rk[3], 0x08);
    rk[5] = KEYGEN(rk[4], 0x10);
    rk[6] = KEYGEN(rk[5], 0x20);
    rk[7] = KEYGEN(rk[6], 0x40);
    rk[8] = KEYGEN(rk[7], 0x80);
    rk[9] = KEYGEN(rk[8], 0x1b);
    rk[10] = KEYGEN(rk[9], 0x36);
    for (int r = 0; r < 11; r++)
        _mm_storeu_si128((__m128i *)(w + 16 * r), rk[r]);
    s = _mm_xor_si128(_mm_loadu_si128((const __m128i *)enc), rk[0]);
    for (int r = 1; r < 10; r++)
        __asm__("aesenc %1, %0" : "+x"(s) : "x"(rk[r]));
    __asm__("aesenclast %1, %0" : "+x"(s) : "x"(rk[10]));
    _mm_storeu_si128((__m128i *)enc, s);
    s = _mm_xor_si128(_mm_loadu_si128((const __m128i *)dec), rk[10]);
    for (int r = 9; r >= 1; r--) {
        __m128i d;
        __asm__("aesimc %1, %0" : "=x"(d) : "x"(rk[r]));
        __asm__("aesdec %1, %0" : "+x"(s) : "x"(d));
    }
    __asm__("aesdeclast %1, %0" : "+x"(s) : "x"(rk[0]));
    _mm_storeu_si128((__m128i *)dec, s);
}

static void test_aes(void) {
    aes_init();
    /* FIPS-197 appendix C.1 */
    uint8_t key[16], pt[16], w[176], hw_w[176];
    static const uint8_t ct_c1[16] = {0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30,
                                      0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a};
    for (int k = 0; k < 16; k++)
        key[k] = (uint8_t)k, pt[k] = (uint8_t)(k * 0x11);
    for (int it = 0; it < 300; it++) {
        if (it) {
            for (int k = 0; k < 16; k++)
                key[k] = (uint8_t)next(), pt[k] = (uint8_t)next();
        }
        uint8_t enc[16], dec[16], henc[16], hdec[16];
        ref_expand(key, w);
        memcpy(enc, pt, 16);
        ref_encrypt(w, enc);
        memcpy(dec, enc, 16);
        ref_decrypt(w, dec);
        if (it == 0) check(!memcmp(enc, ct_c1, 16), "aes fips-197 c.1", 0, 0);
        check(!memcmp(dec, pt, 16), "aes reference round trip", it, 0);
        memcpy(henc, pt, 16);
        memcpy(hdec, enc, 16);
        if (have_aes)
            hw_aes(key, henc, hdec, hw_w);
        else
            memcpy(henc, enc, 16), memcpy(hdec, dec, 16), memcpy(hw_w, w, 176);
        check(!memcmp(henc, enc, 16) && !memcmp(hdec, dec, 16) && !memcmp(hw_w, w, 176), "aes", it,
              0);
        for (int k = 0; k < 16; k++)
            mix(henc[k] | (uint64_t)hdec[k] << 8 | (uint64_t)hw_w[160 + k] << 16);
    }
    report("aes");
}

/* ---- PCLMULQDQ ---- */

static void ref_clmul(uint64_t a, uint64_t b, uint64_t r[2]) {
    r[0] = r[1] = 0;
    for (int k = 0; k < 64; k++)
        if (b >> k & 1) {
            r[0] ^= a << k;
            if (k) r[1] ^= a >> (64 - k);
        }
}
#define CLMUL(x, y, imm)                                                                           \
    ({                                                                                             \
        __m128i x_ = (x);                                                                          \
        __asm__("pclmulqdq %2, %1, %0" : "+x"(x_) : "x"(y), "i"(imm));                             \
        x_;                                                                                        \
    })

static void test_clmul(void) {
    for (int it = 0; it < 2000; it++) {
        uint64_t q[4] = {next64(), next64(), next64(), next64()};
        if (it % 7 == 0) q[next() % 4] = ~0ull;
        __m128i x = _mm_set_epi64x((long long)q[1], (long long)q[0]);
        __m128i y = _mm_set_epi64x((long long)q[3], (long long)q[2]);
        for (int sel = 0; sel < 4; sel++) {
            uint64_t want[2], got[2];
            ref_clmul(q[sel & 1], q[2 + (sel >> 1)], want);
            if (have_pclmul) {
                __m128i r = sel == 0   ? CLMUL(x, y, 0x00)
                            : sel == 1 ? CLMUL(x, y, 0x01)
                            : sel == 2 ? CLMUL(x, y, 0x10)
                                       : CLMUL(x, y, 0x11);
                _mm_storeu_si128((__m128i *)got, r);
            } else {
                memcpy(got, want, 16);
            }
            check(got[0] == want[0] && got[1] == want[1], "pclmulqdq", it, sel);
            mix(got[0] ^ got[1] * 3);
        }
    }
    report("pclmulqdq");
}

/* ---- BMI2 ---- */

static uint64_t ref_pdep(uint64_t s, uint64_t m) {
    uint64_t r = 0;
    for (int k = 0, j = 0; k < 64; k++)
        if (m >> k & 1) r |= (s >> j++ & 1) << k;
    return r;
}
static uint64_t ref_pext(uint64_t s, uint64_t m) {
    uint64_t r = 0;
    for (int k = 0, j = 0; k < 64; k++)
        if (m >> k & 1) r |= (s >> k & 1) << j++;
    return r;
}

static void test_bmi2(void) {
    for (int it = 0; it < 3000; it++) {
        uint64_t a = next64(), b = next64(), n = next() % 72;
        if (it % 5 == 0) b &= next64();
        uint64_t want[9], got[9];
        want[0] = ref_pdep(a, b);
        want[1] = ref_pext(a, b);
        want[2] = n >= 64 ? a : a & ((1ull << n) - 1);
        unsigned __int128 p = (unsigned __int128)a * b;
        want[3] = (uint64_t)p;
        want[4] = (uint64_t)(p >> 64);
        want[5] = (a >> 13) | (a << 51);
        want[6] = (uint64_t)((int64_t)a >> (n & 63));
        want[7] = a << (n & 63);
        want[8] = (uint32_t)ref_pdep((uint32_t)a, (uint32_t)b) ^ (uint64_t)(uint32_t)a >> (n & 31);
        if (have_bmi2) {
            uint64_t lo, hi, d32, s32;
            __asm__("pdep %2, %1, %0" : "=r"(got[0]) : "r"(a), "rm"(b));
            __asm__("pext %2, %1, %0" : "=r"(got[1]) : "r"(a), "rm"(b));
            __asm__("bzhi %2, %1, %0" : "=r"(got[2]) : "rm"(a), "r"(n) : "cc");
            __asm__("mulx %3, %0, %1" : "=r"(lo), "=r"(hi) : "d"(a), "rm"(b));
            got[3] = lo, got[4] = hi;
            __asm__("rorx $13, %1, %0" : "=r"(got[5]) : "rm"(a));
            __asm__("sarx %2, %1, %0" : "=r"(got[6]) : "rm"(a), "r"(n));
            __asm__("shlx %2, %1, %0" : "=r"(got[7]) : "rm"(a), "r"(n));
            __asm__("pdep %k2, %k1, %k0" : "=r"(d32) : "r"(a), "r"(b));
            __asm__("shrx %k2, %k1, %k0" : "=r"(s32) : "r"(a), "r"(n));
            got[8] = d32 ^ s32;
        } else {
            memcpy(got, want, sizeof got);
        }
        for (int k = 0; k < 9; k++) {
            check(got[k] == want[k], "bmi2", it, k);
            mix(got[k]);
        }
    }
    report("bmi2");
}

int main(void) {
    unsigned a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        have_sse42 = c >> 20 & 1;
        have_aes = c >> 25 & 1;
        have_pclmul = c >> 1 & 1;
    }
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) have_bmi2 = b >> 8 & 1;
    page = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED || mprotect(page + PAGE, PAGE, PROT_NONE)) {
        perror("mmap");
        return 1;
    }
    test_spans();
    test_strstr();
    test_crc();
    test_aes();
    test_clmul();
    test_bmi2();
    return 0;
}
