/* intarith: integer arithmetic of every width and its flags-visible results.
 *
 * Division and remainder (8/16/32/64-bit, signed and unsigned), 128-bit
 * multiply/divide via __int128, overflow-checking builtins (ADD/SUB/IMUL with
 * JO/JC), variable shifts and rotates, popcount/clz/ctz/bswap builtins,
 * add-with-carry chains. Inputs come from an LCG through volatile so nothing
 * is folded at compile time; a few results are printed literally and every
 * group ends with a checksum line. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

static uint64_t state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}
/* Interesting operands: random, small, and the boundaries. */
static uint64_t operand(int i) {
    static const uint64_t edge[] = {0, 1, 2, 3, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
                                    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
                                    0x7fffffffffffffffull, 0x8000000000000000ull,
                                    0xffffffffffffffffull, 0xfffffffffffffffeull};
    int n = (int)(sizeof edge / sizeof edge[0]);
    if (i < n) return edge[i];
    uint64_t r = rnd();
    switch (i % 4) {
    case 0: return r;
    case 1: return r >> (r & 63);
    case 2: return (uint64_t)(int64_t)(int8_t)r;
    default: return r & 0xffff;
    }
}

static uint64_t h = 0xcbf29ce484222325ull;
static void mix(uint64_t v) { h = (h ^ v) * 0x100000001b3ull; }
static void group(const char *name) {
    printf("%-10s %016" PRIx64 "\n", name, h);
    h = 0xcbf29ce484222325ull;
}

#define N 400
static volatile uint64_t va[N], vb[N];

int main(void) {
    for (int i = 0; i < N; i++) {
        va[i] = operand(i);
        vb[i] = operand((i * 7 + 3) % N);
    }

    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j += 13) {
            uint64_t a = va[i], b = va[j];
            if (b) mix(a / b), mix(a % b);
            if ((uint32_t)b) mix((uint32_t)a / (uint32_t)b), mix((uint32_t)a % (uint32_t)b);
            if ((uint16_t)b) mix((uint16_t)a / (uint16_t)b), mix((uint16_t)a % (uint16_t)b);
            if ((uint8_t)b) mix((uint8_t)a / (uint8_t)b), mix((uint8_t)a % (uint8_t)b);
            int64_t sa = (int64_t)a, sb = (int64_t)b;
            if (sb && !(sa == INT64_MIN && sb == -1)) mix((uint64_t)(sa / sb)), mix((uint64_t)(sa % sb));
            int32_t s32a = (int32_t)a, s32b = (int32_t)b;
            if (s32b && !(s32a == INT32_MIN && s32b == -1))
                mix((uint64_t)(s32a / s32b)), mix((uint64_t)(s32a % s32b));
            int16_t s16a = (int16_t)a, s16b = (int16_t)b;
            if (s16b) mix((uint64_t)(s16a / s16b)), mix((uint64_t)(s16a % s16b));
            int8_t s8a = (int8_t)a, s8b = (int8_t)b;
            if (s8b) mix((uint64_t)(s8a / s8b)), mix((uint64_t)(s8a % s8b));
        }
    printf("div: 100/7=%d -100/7=%d -100%%7=%d 100%%-7=%d\n", (int)va[0] + 100 / 7,
           -100 / (int)(va[1] * 7), -100 % (int)(va[1] * 7), 100 % -(int)(va[1] * 7));
    group("divmod");

    for (int i = 0; i < N; i++) {
        unsigned __int128 a = ((unsigned __int128)va[i] << 64) | vb[i];
        unsigned __int128 b = ((unsigned __int128)vb[(i + 1) % N] << (i % 64)) | va[(i + 5) % N];
        unsigned __int128 p = a * b;
        mix((uint64_t)p), mix((uint64_t)(p >> 64));
        if (b) {
            unsigned __int128 q = a / b, r = a % b;
            mix((uint64_t)q), mix((uint64_t)(q >> 64)), mix((uint64_t)r), mix((uint64_t)(r >> 64));
        }
        __int128 sa = (__int128)a, sb = (__int128)(int64_t)vb[i];
        if (sb) {
            __int128 q = sa / sb;
            mix((uint64_t)q), mix((uint64_t)((unsigned __int128)q >> 64));
        }
        unsigned __int128 wide = (unsigned __int128)va[i] * vb[i]; /* MUL r64: RDX:RAX */
        __int128 swide = (__int128)(int64_t)va[i] * (int64_t)vb[i]; /* IMUL r64 one-operand */
        mix((uint64_t)(wide >> 64)), mix((uint64_t)((unsigned __int128)swide >> 64));
    }
    unsigned __int128 big = (unsigned __int128)va[16] * va[16]; /* (2^64-1)^2 */
    printf("u128: (2^64-1)^2 = %016" PRIx64 "%016" PRIx64 "\n", (uint64_t)(big >> 64),
           (uint64_t)big);
    group("int128");

    int ovf_count = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j += 11) {
            int64_t r64;
            int32_t r32;
            uint64_t u64;
            uint32_t u32;
            int o = 0;
            o |= __builtin_add_overflow((int64_t)va[i], (int64_t)va[j], &r64) << 0;
            mix((uint64_t)r64);
            o |= __builtin_sub_overflow((int64_t)va[i], (int64_t)va[j], &r64) << 1;
            mix((uint64_t)r64);
            o |= __builtin_mul_overflow((int64_t)va[i], (int64_t)va[j], &r64) << 2;
            mix((uint64_t)r64);
            o |= __builtin_mul_overflow((int32_t)va[i], (int32_t)va[j], &r32) << 3;
            mix((uint32_t)r32);
            o |= __builtin_add_overflow(va[i], va[j], &u64) << 4;
            mix(u64);
            o |= __builtin_sub_overflow((uint32_t)va[i], (uint32_t)va[j], &u32) << 5;
            mix(u32);
            o |= __builtin_mul_overflow(va[i], va[j], &u64) << 6;
            mix(u64);
            mix((uint64_t)o);
            ovf_count += __builtin_popcount((unsigned)o);
        }
    printf("overflow flags raised: %d\n", ovf_count);
    group("overflow");

    for (int i = 0; i < N; i++) {
        uint64_t a = va[i];
        unsigned s = (unsigned)vb[i] & 63;
        unsigned s32 = (unsigned)vb[i] & 31;
        mix(a << s), mix(a >> s), mix((uint64_t)((int64_t)a >> s));
        mix((uint32_t)a << s32), mix((uint32_t)a >> s32), mix((uint64_t)((int32_t)a >> s32));
        mix((uint64_t)((uint16_t)a << (s & 15))), mix((uint64_t)((int16_t)a >> (s & 15)));
        mix((a << s) | (a >> ((64 - s) & 63)));                       /* ROL */
        mix((a >> s) | (a << ((64 - s) & 63)));                       /* ROR */
        mix(((uint32_t)a << s32) | ((uint32_t)a >> ((32 - s32) & 31))); /* ROL r32 */
        uint8_t b8 = (uint8_t)a;
        mix((uint8_t)((b8 << (s & 7)) | (b8 >> ((8 - (s & 7)) & 7))));
        mix((uint64_t)__builtin_popcountll(a));
        mix(a ? (uint64_t)__builtin_clzll(a) : 99), mix(a ? (uint64_t)__builtin_ctzll(a) : 99);
        mix((uint32_t)a ? (uint64_t)__builtin_clz((uint32_t)a) : 99);
        mix((uint64_t)__builtin_ffsll((long long)a)), mix((uint64_t)__builtin_parityll(a));
        mix(__builtin_bswap64(a)), mix(__builtin_bswap32((uint32_t)a));
        mix(__builtin_bswap16((uint16_t)a));
        mix((uint64_t)__builtin_clrsbll((long long)a));
    }
    printf("bits: popcount(0xf0f0)=%d clz(1)=%d ctz(0x80)=%d bswap64=%016" PRIx64 "\n",
           __builtin_popcount((unsigned)va[9] & 0xf0f0), __builtin_clzll(va[1]),
           __builtin_ctzll(va[5]), __builtin_bswap64(va[14] + 0x0102030405060708ull));
    group("bits");

    /* Multi-word add/sub: carries propagate through ADC/SBB. */
    uint64_t acc[4] = {0, 0, 0, 0};
    for (int i = 0; i < N; i++) {
        unsigned long long c = 0, t;
        for (int k = 0; k < 4; k++) {
            unsigned long long add = va[(i + k) % N];
            c = __builtin_add_overflow(acc[k], add, &t) + __builtin_add_overflow(t, c, &t);
            acc[k] = t;
        }
        unsigned long long bw = 0;
        for (int k = 0; k < 4; k++) {
            unsigned long long sub = vb[(i + k) % N] >> 3;
            bw = __builtin_sub_overflow(acc[k], sub, &t) + __builtin_sub_overflow(t, bw, &t);
            acc[k] = t;
        }
    }
    printf("bignum: %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %016" PRIx64 "\n", acc[3],
           acc[2], acc[1], acc[0]);

    /* Sign/zero extension and narrowing conversions. */
    for (int i = 0; i < N; i++) {
        uint64_t a = va[i];
        mix((uint64_t)(int64_t)(int8_t)a), mix((uint64_t)(int64_t)(int16_t)a);
        mix((uint64_t)(int64_t)(int32_t)a), mix((uint64_t)(uint8_t)a);
        mix((uint64_t)(a > vb[i])), mix((uint64_t)((int64_t)a > (int64_t)vb[i]));
        mix((uint64_t)((int32_t)a < (int32_t)vb[i])), mix((uint64_t)((uint8_t)a <= (uint8_t)vb[i]));
        int64_t sa = (int64_t)a;
        mix((uint64_t)(sa < 0 ? -sa : sa)), mix(a & -a), mix(a & (a - 1));
        mix((uint64_t)(a * 0x9e3779b97f4a7c15ull)), mix((uint64_t)((int32_t)a * 1000003));
        mix((uint64_t)(uint16_t)((uint16_t)a * (uint16_t)vb[i]));
    }
    group("extend");
    return 0;
}
