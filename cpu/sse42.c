/* SSE4.2: the string comparisons PCMPESTRI PCMPESTRM PCMPISTRI PCMPISTRM
 * and CRC32 (CRC-32C on r/m8/16/32/64).
 *
 * PCMPxSTRx (SDM vol. 1 §4.1 and vol. 2 "PCMPESTRI"): imm8[1:0] is the
 * element format (unsigned/signed bytes/words), imm8[3:2] the aggregation
 * (equal any, ranges, equal each, equal ordered), imm8[5:4] the polarity,
 * imm8[6] the output selection (least/most significant index; bit mask or
 * element mask). Lengths are explicit (|EAX| and |EDX|, or RAX/RDX with
 * REX.W, saturated to 16 or 8) or implicit (up to the first zero element).
 * Every pair (xmm1[i], xmm2[j]) is compared, invalid elements forced as the
 * SDM's table says; the result is IntRes2, one bit per element of xmm2.
 * Flags: CF = IntRes2 != 0, ZF = xmm2 shorter than the register, SF = xmm1
 * shorter, OF = IntRes2[0], AF = PF = 0. The index goes to ECX (a 32-bit
 * write), the mask to XMM0. The memory operand has no alignment rule.
 *
 * The comparisons are SSE2 vector compares (baseline on x86-64), one row
 * per element of xmm1. Handlers are generated per aggregation and element
 * width; the rest of imm8 is read at run time (cheap, predictable). */
#include <stdlib.h>

#include "sse.h"

#define ALWAYS static inline __attribute__((always_inline))

enum { AGG_ANY, AGG_RANGES, AGG_EACH, AGG_ORDERED };

/* Bit k = element k of the compare result v (all-ones or zero lanes). */
ALWAYS unsigned lane_mask(__m128i v, int W) {
    if (W) v = _mm_packs_epi16(v, _mm_setzero_si128());
    return (unsigned)_mm_movemask_epi8(v);
}
ALWAYS __m128i lane_eq(__m128i a, __m128i b, int W) {
    return W ? _mm_cmpeq_epi16(a, b) : _mm_cmpeq_epi8(a, b);
}
ALWAYS __m128i lane_gt(__m128i a, __m128i b, int W) { /* signed */
    return W ? _mm_cmpgt_epi16(a, b) : _mm_cmpgt_epi8(a, b);
}
/* Element k of v in every lane. */
ALWAYS __m128i lane_bcast(const uint8_t *v, unsigned k, int W) {
    if (W) {
        uint16_t e;
        memcpy(&e, v + 2 * k, 2);
        return _mm_set1_epi16((short)e);
    }
    return _mm_set1_epi8((char)v[k]);
}

/* Implicit length: index of the first zero element, or the element count. */
ALWAYS unsigned str_len(__m128i v, int W) {
    const unsigned ub = W ? 8 : 16;
    return (unsigned)__builtin_ctz(lane_mask(lane_eq(v, _mm_setzero_si128(), W), W) | (1u << ub));
}
/* Explicit length: |reg| saturated to the element count. */
ALWAYS unsigned reg_len(Cpu *c, unsigned reg, int LEN8, int W) {
    const uint64_t ub = W ? 8 : 16;
    int64_t v = LEN8 ? (int64_t)c->gpr[reg] : (int64_t)(int32_t)c->gpr[reg];
    uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    return (unsigned)(m > ub ? ub : m);
}

/* IntRes2 of the comparison of a (xmm1, la valid elements) with b (xmm2 or
 * m128, lb valid elements) under imm8; sets the flags. */
ALWAYS unsigned pcmp_core(Cpu *c, __m128i a, __m128i b, unsigned la, unsigned lb, unsigned imm,
                          int AGG, int W) {
    const unsigned ub = W ? 8 : 16, full = (1u << ub) - 1;
    const unsigned va = (1u << la) - 1, vb = (1u << lb) - 1;
    uint8_t av[16];
    unsigned r;
    switch (AGG) {
    case AGG_ANY:
        _mm_storeu_si128((__m128i *)av, a);
        r = 0;
        for (unsigned k = 0; k < la; k++)
            r |= lane_mask(lane_eq(lane_bcast(av, k, W), b, W), W);
        r &= vb;
        break;
    case AGG_RANGES: {
        if (!(imm & 2)) { /* unsigned: flip the sign bits, compare signed */
            __m128i s = W ? _mm_set1_epi16((short)0x8000) : _mm_set1_epi8((char)0x80);
            a = _mm_xor_si128(a, s);
            b = _mm_xor_si128(b, s);
        }
        _mm_storeu_si128((__m128i *)av, a);
        r = 0;
        /* pairs (lower bound, upper bound); a pair with an invalid bound is false */
        for (unsigned k = 0; k + 1 < la; k += 2) {
            __m128i lo = lane_bcast(av, k, W), hi = lane_bcast(av, k + 1, W);
            unsigned below = lane_mask(lane_gt(lo, b, W), W),
                     above = lane_mask(lane_gt(b, hi, W), W);
            r |= ~(below | above);
        }
        r &= vb;
        break;
    }
    case AGG_EACH: /* both invalid: true; one invalid: false */
        r = (lane_mask(lane_eq(a, b, W), W) & va & vb) | (~(va | vb) & full);
        break;
    default: /* AGG_ORDERED: xmm1 (the needle) at every offset of xmm2 */
        _mm_storeu_si128((__m128i *)av, a);
        r = full;
        for (unsigned k = 0; k < la; k++) {
            unsigned m = lane_mask(lane_eq(lane_bcast(av, k, W), b, W), W) & vb;
            /* offsets whose needle element k would lie past the register: not compared */
            r &= (m >> k) | (~0u << (ub - k));
        }
        r &= full;
        break;
    }
    switch ((imm >> 4) & 3) {
    case 1: r ^= full; break;
    case 3: r ^= vb; break;
    default: break;
    }
    uint64_t fl = (r ? F_CF : 0) | (lb < ub ? F_ZF : 0) | (la < ub ? F_SF : 0) | (r & 1 ? F_OF : 0);
    c->rflags = (c->rflags & ~(uint64_t)F_ARITH) | fl;
    c->lf.op = LF_NONE;
    return r;
}

ALWAYS void pcmp_index(Cpu *c, unsigned r, unsigned imm, int W) {
    unsigned idx = !r             ? (W ? 8u : 16u)
                   : (imm & 0x40) ? 31u - (unsigned)__builtin_clz(r)
                                  : (unsigned)__builtin_ctz(r);
    c->gpr[RCX] = idx;
}
ALWAYS void pcmp_mask(Cpu *c, unsigned r, unsigned imm, int W) {
    Xmm *x = XMM(c, 0);
    if (!(imm & 0x40)) {
        x->q[0] = r;
        x->q[1] = 0;
        return;
    }
    uint8_t out[16];
    for (unsigned k = 0; k < 16; k++)
        out[k] = (r >> (W ? k / 2 : k)) & 1 ? 0xff : 0;
    memcpy(x, out, 16);
}

/* MODE: 0 implicit index, 1 implicit mask, 2/3 explicit index/mask with
 * 32-bit lengths, 4/5 with 64-bit lengths. */
ALWAYS void pcmp_run(Cpu *c, const Insn *i, __m128i b, int MODE, int AGG, int W) {
    const unsigned imm = (uint8_t)i->imm;
    __m128i a = xld(XMM(c, i->r[0]));
    unsigned la, lb;
    if (MODE < 2) {
        la = str_len(a, W);
        lb = str_len(b, W);
    } else {
        la = reg_len(c, RAX, MODE >= 4, W);
        lb = reg_len(c, RDX, MODE >= 4, W);
    }
    unsigned r = pcmp_core(c, a, b, la, lb, imm, AGG, W);
    if (MODE & 1)
        pcmp_mask(c, r, imm, W);
    else
        pcmp_index(c, r, imm, W);
}

#define PCMP_MODE(NAME, MODE, AGG, W)                                                              \
    static void NAME##_rr(Cpu *c, const Insn *i) {                                                 \
        pcmp_run(c, i, xld(XMM(c, i->r[1])), MODE, AGG, W);                                        \
    }                                                                                              \
    static void NAME##_rm(Cpu *c, const Insn *i) {                                                 \
        pcmp_run(c, i, sse_ld_M128U(c, i), MODE, AGG, W);                                          \
    }
#define PCMP_AGG(AGG, W)                                                                           \
    PCMP_MODE(pcmp0_##AGG##_##W, 0, AGG, W)                                                        \
    PCMP_MODE(pcmp1_##AGG##_##W, 1, AGG, W)                                                        \
    PCMP_MODE(pcmp2_##AGG##_##W, 2, AGG, W)                                                        \
    PCMP_MODE(pcmp3_##AGG##_##W, 3, AGG, W)                                                        \
    PCMP_MODE(pcmp4_##AGG##_##W, 4, AGG, W)                                                        \
    PCMP_MODE(pcmp5_##AGG##_##W, 5, AGG, W)
#define PCMP_W(W) PCMP_AGG(0, W) PCMP_AGG(1, W) PCMP_AGG(2, W) PCMP_AGG(3, W)
PCMP_W(0)
PCMP_W(1)

#define PCMP_ENT(M, AGG, W)                                                                        \
    { pcmp##M##_##AGG##_##W##_rr, pcmp##M##_##AGG##_##W##_rm }
#define PCMP_ROW(M, W)                                                                             \
    { PCMP_ENT(M, 0, W), PCMP_ENT(M, 1, W), PCMP_ENT(M, 2, W), PCMP_ENT(M, 3, W) }
#define PCMP_MODES(W)                                                                              \
    {                                                                                              \
        PCMP_ROW(0, W), PCMP_ROW(1, W), PCMP_ROW(2, W), PCMP_ROW(3, W), PCMP_ROW(4, W),            \
            PCMP_ROW(5, W)                                                                         \
    }
/* [word][mode][aggregation][memory] */
static const Handler pcmp_tab[2][6][4][2] = {PCMP_MODES(0), PCMP_MODES(1)};

static int sel_pcmp(const DecodeCtx *d, Insn *i) {
    int mode;
    switch (i->mnem) {
    case ZYDIS_MNEMONIC_PCMPISTRI: mode = 0; break;
    case ZYDIS_MNEMONIC_PCMPISTRM: mode = 1; break;
    case ZYDIS_MNEMONIC_PCMPESTRI: mode = 2; break;
    case ZYDIS_MNEMONIC_PCMPESTRM: mode = 3; break;
    default: return 0;
    }
    if (d->zi->encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY || d->nexp != 3) return 0;
    if (!sse_op_xmm(d, i, 0) || i->k[2] != K_IMM) return 0;
    int mem = sse_op_mem(d, i, 1);
    if (!mem && !sse_op_xmm(d, i, 1)) return 0;
    if (mode >= 2) {
        /* the implicit length registers: EAX/EDX, RAX/RDX with REX.W */
        const ZydisDecodedOperand *len = &d->zo[d->nexp];
        if (d->zi->operand_count <= d->nexp || len->type != ZYDIS_OPERAND_TYPE_REGISTER) return 0;
        if (len->size == 64) mode += 2;
    }
    unsigned imm = (uint8_t)i->imm;
    i->fn = pcmp_tab[imm & 1][mode][(imm >> 2) & 3][mem];
    return 1;
}

/* ---- CRC32 ---- */

/* CRC-32C (Castagnoli), bit-reflected, polynomial 0x11EDC6F41: the SDM's
 * BIT_REFLECT formulation is the usual reflected table update without the
 * initial and final inversions. */
static uint32_t crc32c_tab[256];

__attribute__((constructor)) static void crc32c_init(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t v = n;
        for (int k = 0; k < 8; k++)
            v = (v >> 1) ^ (v & 1 ? 0x82f63b78u : 0);
        crc32c_tab[n] = v;
    }
}

ALWAYS uint32_t crc32c_soft(uint32_t crc, uint64_t v, unsigned n) {
    for (unsigned k = 0; k < n; k++, v >>= 8)
        crc = crc32c_tab[(crc ^ v) & 0xff] ^ (crc >> 8);
    return crc;
}

/* The host instruction when the host has it, unless RINGSIDE_SOFT_CRYPTO is
 * set (to run and test the portable code on any host); read at decode time. */
#define HOST_HAS(feat) (__builtin_cpu_supports(feat) && !getenv("RINGSIDE_SOFT_CRYPTO"))
#define HOST_SSE42     __attribute__((target("sse4.2")))
HOST_SSE42 static inline uint32_t crc32c_host(uint32_t crc, uint64_t v, unsigned n) {
    switch (n) {
    case 1: return __builtin_ia32_crc32qi(crc, (unsigned char)v);
    case 2: return __builtin_ia32_crc32hi(crc, (unsigned short)v);
    case 4: return __builtin_ia32_crc32si(crc, (unsigned)v);
    default: return (uint32_t)__builtin_ia32_crc32di(crc, v);
    }
}

/* The destination's low 32 bits are the running CRC; the result is written
 * zero-extended to 64 bits for both r32 and r64 destinations. */
#define CRC_SIZE(N)                                                                                \
    static void crc_soft_rr##N(Cpu *c, const Insn *i) {                                            \
        uint32_t crc = (uint32_t)c->gpr[i->r[0] / 8];                                              \
        c->gpr[i->r[0] / 8] = crc32c_soft(crc, reg_get(c, i->r[1], N), N);                         \
    }                                                                                              \
    static void crc_soft_rm##N(Cpu *c, const Insn *i) {                                            \
        uint64_t v = mem_rd(c, insn_ea(c, i), N);                                                  \
        uint32_t crc = (uint32_t)c->gpr[i->r[0] / 8];                                              \
        c->gpr[i->r[0] / 8] = crc32c_soft(crc, v, N);                                              \
    }                                                                                              \
    HOST_SSE42 static void crc_host_rr##N(Cpu *c, const Insn *i) {                                 \
        uint32_t crc = (uint32_t)c->gpr[i->r[0] / 8];                                              \
        c->gpr[i->r[0] / 8] = crc32c_host(crc, reg_get(c, i->r[1], N), N);                         \
    }                                                                                              \
    HOST_SSE42 static void crc_host_rm##N(Cpu *c, const Insn *i) {                                 \
        uint64_t v = mem_rd(c, insn_ea(c, i), N);                                                  \
        uint32_t crc = (uint32_t)c->gpr[i->r[0] / 8];                                              \
        c->gpr[i->r[0] / 8] = crc32c_host(crc, v, N);                                              \
    }
CRC_SIZE(1)
CRC_SIZE(2)
CRC_SIZE(4)
CRC_SIZE(8)

/* [host][size index][memory] */
static const Handler crc_tab[2][4][2] = {
    {{crc_soft_rr1, crc_soft_rm1},
     {crc_soft_rr2, crc_soft_rm2},
     {crc_soft_rr4, crc_soft_rm4},
     {crc_soft_rr8, crc_soft_rm8}},
    {{crc_host_rr1, crc_host_rm1},
     {crc_host_rr2, crc_host_rm2},
     {crc_host_rr4, crc_host_rm4},
     {crc_host_rr8, crc_host_rm8}},
};

static int sel_crc32(const DecodeCtx *d, Insn *i) {
    if (d->zi->encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY || d->nexp != 2) return 0;
    if (i->k[0] != K_REG || !zreg_is_gpr(d->zo[0].reg.value) || (i->r[0] & 7)) return 0;
    unsigned dsz = d->zo[0].size / 8, ssz = d->zo[1].size / 8;
    if (dsz != 4 && dsz != 8) return 0;
    if (ssz != 1 && ssz != 2 && ssz != 4 && ssz != 8) return 0;
    int mem = i->k[1] == K_MEM;
    if (!mem && (i->k[1] != K_REG || !zreg_is_gpr(d->zo[1].reg.value))) return 0;
    if (i->flags & I_LOCK) return 0;
    i->fn = crc_tab[HOST_HAS("sse4.2")][size_idx(ssz)][mem];
    return 1;
}

FAMILY_TABLE(sse42_ops) = {
    {ZYDIS_MNEMONIC_PCMPESTRI, 0, sel_pcmp, "sse42"},
    {ZYDIS_MNEMONIC_PCMPESTRM, 0, sel_pcmp, "sse42"},
    {ZYDIS_MNEMONIC_PCMPISTRI, 0, sel_pcmp, "sse42"},
    {ZYDIS_MNEMONIC_PCMPISTRM, 0, sel_pcmp, "sse42"},
    {ZYDIS_MNEMONIC_CRC32, 0, sel_crc32, "sse42"},
    {0},
};
