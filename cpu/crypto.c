/* Cryptographic instructions: PCLMULQDQ (carry-less 64x64 -> 128 multiply,
 * imm8[0] picks the quadword of xmm1, imm8[4] that of xmm2/m128) and AES-NI
 * (AESENC AESENCLAST AESDEC AESDECLAST AESIMC AESKEYGENASSIST).
 *
 * Each has a portable C version (FIPS-197 S-box built at start-up from the
 * GF(2^8) inverse and the affine map; MixColumns by xtime; a shift-and-xor
 * carry-less multiply) and, when the host has AES-NI / PCLMULQDQ, a version
 * that runs the host instruction (compiled with target attributes, chosen
 * by the selector at decode time). The AES state is the xmm register in
 * FIPS-197 column order: byte 4c+r is row r of column c.
 *
 * Legacy-encoded: m128 operands must be 16-byte aligned (#GP(0)). */
#include <wmmintrin.h>

#include <stdlib.h>

#include "sse.h"

#define ALWAYS static inline __attribute__((always_inline))
/* The host instruction when the host has it, unless RINGSIDE_SOFT_CRYPTO is
 * set (to run and test the portable code on any host); read at decode time. */
#define HOST_HAS(feat) (__builtin_cpu_supports(feat) && !getenv("RINGSIDE_SOFT_CRYPTO"))
#define HOST_AES       __attribute__((target("aes,sse2")))
#define HOST_PCLMUL    __attribute__((target("pclmul,sse2")))

/* ---- portable AES ---- */

static uint8_t aes_sbox[256], aes_inv_sbox[256];

static uint8_t xtime(uint8_t b) { return (uint8_t)((b << 1) ^ (b & 0x80 ? 0x1b : 0)); }
static uint8_t gmul(uint8_t a, uint8_t b) {
    uint8_t r = 0;
    for (; b; b >>= 1, a = xtime(a))
        if (b & 1) r ^= a;
    return r;
}
static uint8_t rotl8(uint8_t b, unsigned n) { return (uint8_t)((b << n) | (b >> (8 - n))); }

__attribute__((constructor)) static void aes_tables_init(void) {
    for (unsigned x = 0; x < 256; x++) {
        uint8_t inv = 0; /* multiplicative inverse in GF(2^8); 0 maps to 0 */
        for (unsigned y = 1; y < 256 && x; y++)
            if (gmul((uint8_t)x, (uint8_t)y) == 1) {
                inv = (uint8_t)y;
                break;
            }
        uint8_t s = inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^ rotl8(inv, 4) ^ 0x63;
        aes_sbox[x] = s;
        aes_inv_sbox[s] = (uint8_t)x;
    }
}

static void mix_columns(uint8_t s[16]) {
    for (int c = 0; c < 4; c++) {
        uint8_t *p = s + 4 * c, a0 = p[0], a1 = p[1], a2 = p[2], a3 = p[3];
        uint8_t t = a0 ^ a1 ^ a2 ^ a3;
        p[0] = a0 ^ t ^ xtime(a0 ^ a1);
        p[1] = a1 ^ t ^ xtime(a1 ^ a2);
        p[2] = a2 ^ t ^ xtime(a2 ^ a3);
        p[3] = a3 ^ t ^ xtime(a3 ^ a0);
    }
}
static void inv_mix_columns(uint8_t s[16]) {
    for (int c = 0; c < 4; c++) {
        uint8_t *p = s + 4 * c, a[4] = {p[0], p[1], p[2], p[3]};
        for (int r = 0; r < 4; r++)
            p[r] = gmul(a[r], 14) ^ gmul(a[(r + 1) & 3], 11) ^ gmul(a[(r + 2) & 3], 13) ^
                   gmul(a[(r + 3) & 3], 9);
    }
}

enum { A_ENC, A_ENCLAST, A_DEC, A_DECLAST, A_IMC };

/* One AES-NI operation on state s with round key k. */
static __m128i aes_soft(int op, __m128i state, __m128i key) {
    uint8_t s[16], t[16], k[16];
    _mm_storeu_si128((__m128i *)s, state);
    _mm_storeu_si128((__m128i *)k, key);
    if (op == A_IMC) {
        inv_mix_columns(s);
        return _mm_loadu_si128((const __m128i *)s);
    }
    for (int c = 0; c < 4; c++)
        for (int r = 0; r < 4; r++) {
            if (op <= A_ENCLAST) /* ShiftRows + SubBytes */
                t[4 * c + r] = aes_sbox[s[4 * ((c + r) & 3) + r]];
            else /* InvShiftRows + InvSubBytes */
                t[4 * c + r] = aes_inv_sbox[s[4 * ((c - r) & 3) + r]];
        }
    if (op == A_ENC) mix_columns(t);
    if (op == A_DEC) inv_mix_columns(t);
    for (int b = 0; b < 16; b++)
        t[b] ^= k[b];
    return _mm_loadu_si128((const __m128i *)t);
}

static uint32_t sub_word(uint32_t w) {
    return (uint32_t)aes_sbox[w & 0xff] | (uint32_t)aes_sbox[(w >> 8) & 0xff] << 8 |
           (uint32_t)aes_sbox[(w >> 16) & 0xff] << 16 | (uint32_t)aes_sbox[w >> 24] << 24;
}
/* AESKEYGENASSIST: SubWord of dwords 1 and 3, and RotWord(SubWord) ^ RCON. */
static __m128i keygen(__m128i src, uint32_t rcon) {
    uint32_t x[4], r[4];
    _mm_storeu_si128((__m128i *)x, src);
    uint32_t s1 = sub_word(x[1]), s3 = sub_word(x[3]);
    r[0] = s1;
    r[1] = ((s1 >> 8) | (s1 << 24)) ^ rcon;
    r[2] = s3;
    r[3] = ((s3 >> 8) | (s3 << 24)) ^ rcon;
    return _mm_loadu_si128((const __m128i *)r);
}

/* ---- host AES-NI ---- */

HOST_AES static __m128i aes_host(int op, __m128i s, __m128i k) {
    switch (op) {
    case A_ENC: return _mm_aesenc_si128(s, k);
    case A_ENCLAST: return _mm_aesenclast_si128(s, k);
    case A_DEC: return _mm_aesdec_si128(s, k);
    case A_DECLAST: return _mm_aesdeclast_si128(s, k);
    default: return _mm_aesimc_si128(k);
    }
}

/* AESIMC xmm1, xmm2/m128 writes xmm1 from the source alone; the others
 * combine the state xmm1 with the round key xmm2/m128. */
#define AES_OP(NAME, OP)                                                                           \
    static void NAME##_soft_rr(Cpu *c, const Insn *i) {                                            \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        __m128i k = xld(XMM(c, i->r[1]));                                                          \
        xst(d, OP == A_IMC ? aes_soft(OP, k, k) : aes_soft(OP, xld(d), k));                        \
    }                                                                                              \
    static void NAME##_soft_rm(Cpu *c, const Insn *i) {                                            \
        __m128i k = sse_ld_M128A(c, i);                                                            \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        xst(d, OP == A_IMC ? aes_soft(OP, k, k) : aes_soft(OP, xld(d), k));                        \
    }                                                                                              \
    HOST_AES static void NAME##_host_rr(Cpu *c, const Insn *i) {                                   \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        xst(d, aes_host(OP, xld(d), xld(XMM(c, i->r[1]))));                                        \
    }                                                                                              \
    HOST_AES static void NAME##_host_rm(Cpu *c, const Insn *i) {                                   \
        __m128i k = sse_ld_M128A(c, i);                                                            \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        xst(d, aes_host(OP, xld(d), k));                                                           \
    }
AES_OP(aesenc, A_ENC)
AES_OP(aesenclast, A_ENCLAST)
AES_OP(aesdec, A_DEC)
AES_OP(aesdeclast, A_DECLAST)
AES_OP(aesimc, A_IMC)

static void keygen_rr(Cpu *c, const Insn *i) {
    xst(XMM(c, i->r[0]), keygen(xld(XMM(c, i->r[1])), (uint8_t)i->imm));
}
static void keygen_rm(Cpu *c, const Insn *i) {
    __m128i s = sse_ld_M128A(c, i);
    xst(XMM(c, i->r[0]), keygen(s, (uint8_t)i->imm));
}

#define AES_ROW(N)                                                                                 \
    {                                                                                              \
        {N##_soft_rr, N##_soft_rm}, { N##_host_rr, N##_host_rm }                                   \
    }
/* [operation][host][memory] */
static const Handler aes_tab[5][2][2] = {AES_ROW(aesenc), AES_ROW(aesenclast), AES_ROW(aesdec),
                                         AES_ROW(aesdeclast), AES_ROW(aesimc)};

/* xmm, xmm/m128 [, imm8], legacy encoding; returns the memory flag or -1. */
static int xmm_form(const DecodeCtx *d, const Insn *i, int nimm) {
    if (d->zi->encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY || d->nexp != 2 + nimm) return -1;
    if (!sse_op_xmm(d, i, 0) || (nimm && i->k[2] != K_IMM)) return -1;
    if (sse_op_mem(d, i, 1)) return 1;
    return sse_op_xmm(d, i, 1) ? 0 : -1;
}

static int sel_aes(const DecodeCtx *d, Insn *i) {
    int op;
    switch (i->mnem) {
    case ZYDIS_MNEMONIC_AESENC: op = A_ENC; break;
    case ZYDIS_MNEMONIC_AESENCLAST: op = A_ENCLAST; break;
    case ZYDIS_MNEMONIC_AESDEC: op = A_DEC; break;
    case ZYDIS_MNEMONIC_AESDECLAST: op = A_DECLAST; break;
    case ZYDIS_MNEMONIC_AESIMC: op = A_IMC; break;
    case ZYDIS_MNEMONIC_AESKEYGENASSIST: {
        int mem = xmm_form(d, i, 1);
        if (mem < 0) return 0;
        i->fn = mem ? keygen_rm : keygen_rr;
        return 1;
    }
    default: return 0;
    }
    int mem = xmm_form(d, i, 0);
    if (mem < 0) return 0;
    i->fn = aes_tab[op][HOST_HAS("aes")][mem];
    return 1;
}

/* ---- PCLMULQDQ ---- */

static __m128i clmul_soft(uint64_t a, uint64_t b) {
    uint64_t lo = 0, hi = 0;
    for (unsigned k = 0; k < 64; k++) {
        uint64_t m = 0 - ((b >> k) & 1);
        lo ^= (a << k) & m;
        hi ^= (k ? a >> (64 - k) : 0) & m;
    }
    return _mm_set_epi64x((long long)hi, (long long)lo);
}

/* SEL = imm8 & 0x11 (bits 0 and 4). */
#define CLMUL_SEL(SEL)                                                                             \
    static void clmul_soft_rr##SEL(Cpu *c, const Insn *i) {                                        \
        Xmm *d = XMM(c, i->r[0]), *s = XMM(c, i->r[1]);                                            \
        xst(d, clmul_soft(d->q[(SEL)&1], s->q[(SEL) >> 4]));                                       \
    }                                                                                              \
    static void clmul_soft_rm##SEL(Cpu *c, const Insn *i) {                                        \
        Xmm s, *d = XMM(c, i->r[0]);                                                               \
        xst(&s, sse_ld_M128A(c, i));                                                               \
        xst(d, clmul_soft(d->q[(SEL)&1], s.q[(SEL) >> 4]));                                        \
    }                                                                                              \
    HOST_PCLMUL static void clmul_host_rr##SEL(Cpu *c, const Insn *i) {                            \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        xst(d, _mm_clmulepi64_si128(xld(d), xld(XMM(c, i->r[1])), SEL));                           \
    }                                                                                              \
    HOST_PCLMUL static void clmul_host_rm##SEL(Cpu *c, const Insn *i) {                            \
        __m128i s = sse_ld_M128A(c, i);                                                            \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        xst(d, _mm_clmulepi64_si128(xld(d), s, SEL));                                              \
    }
CLMUL_SEL(0x00)
CLMUL_SEL(0x01)
CLMUL_SEL(0x10)
CLMUL_SEL(0x11)

#define CLMUL_ROW(H)                                                                               \
    {                                                                                              \
        {clmul_##H##_rr0x00, clmul_##H##_rm0x00}, {clmul_##H##_rr0x01, clmul_##H##_rm0x01},        \
            {clmul_##H##_rr0x10, clmul_##H##_rm0x10}, {                                            \
            clmul_##H##_rr0x11, clmul_##H##_rm0x11                                                 \
        }                                                                                          \
    }
/* [host][imm8 bit 0 | bit 4 << 1][memory] */
static const Handler clmul_tab[2][4][2] = {CLMUL_ROW(soft), CLMUL_ROW(host)};

static int sel_pclmul(const DecodeCtx *d, Insn *i) {
    int mem = xmm_form(d, i, 1);
    if (mem < 0) return 0;
    unsigned imm = (uint8_t)i->imm, sel = (imm & 1) | ((imm >> 3) & 2);
    i->fn = clmul_tab[HOST_HAS("pclmul")][sel][mem];
    return 1;
}

FAMILY_TABLE(crypto_ops) = {
    {ZYDIS_MNEMONIC_PCLMULQDQ, 0, sel_pclmul, "crypto"},
    {ZYDIS_MNEMONIC_AESENC, 0, sel_aes, "crypto"},
    {ZYDIS_MNEMONIC_AESENCLAST, 0, sel_aes, "crypto"},
    {ZYDIS_MNEMONIC_AESDEC, 0, sel_aes, "crypto"},
    {ZYDIS_MNEMONIC_AESDECLAST, 0, sel_aes, "crypto"},
    {ZYDIS_MNEMONIC_AESIMC, 0, sel_aes, "crypto"},
    {ZYDIS_MNEMONIC_AESKEYGENASSIST, 0, sel_aes, "crypto"},
    {0},
};
