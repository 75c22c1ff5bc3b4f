/* MMX, and the MMX-register forms of SSE/SSE2 instructions:
 *   MOVD MOVQ (mm <-> r/m32, r/m64, mm/m64), MOVNTQ, MOVQ2DQ, MOVDQ2Q,
 *   PADD/PSUB (B W D Q, saturating SB SW USB USW), PMULLW PMULHW PMULHUW
 *   PMULUDQ PMADDWD, PAND PANDN POR PXOR, PCMPEQ/PCMPGT (B W D),
 *   PSLL/PSRL (W D Q) and PSRA (W D) by mm/m64 or imm8, PACKSSWB PACKSSDW
 *   PACKUSWB, PUNPCKL/H (BW WD DQ), PAVGB PAVGW PMINUB PMAXUB PMINSW PMAXSW
 *   PSADBW PMOVMSKB PSHUFW PINSRW PEXTRW MASKMOVQ, CVTPI2PS CVTPS2PI
 *   CVTTPS2PI CVTPI2PD CVTPD2PI CVTTPD2PI, EMMS; SSSE3 PABSB/W/D PSIGNB/W/D
 *   PMADDUBSW PMULHRSW PHADDW/D/SW PHSUBW/D/SW PSHUFB PALIGNR.
 * Mnemonics shared with SSE (MOVD, PADDB, ...) are registered by the SSE
 * family files, whose selectors hand forms with an MMX operand to
 * mmx_select; this file registers the MMX-only ones.
 *
 * State (cpu.h): MMn is the significand (bytes 0-7) of PHYSICAL x87
 * register Rn, c->st[n]. Writing MMn sets its sign/exponent bytes to
 * 0xffff. Every MMX instruction first raises #UD (CR0.EM), #NM (CR0.TS) or
 * #MF (pending unmasked x87 exception, FSW.ES), then sets TOP = 0 and all
 * tags valid; EMMS sets all tags empty (and TOP = 0, as the host does).
 * Where the transition happens relative to a fault is the host's (checked
 * by hand with the signal frame): loads fault before it; stores (MOVD/MOVQ
 * m, MOVNTQ) set TOP = 0 before the store and the tags after it; MASKMOVQ
 * transitions fully before its store; the conversions transition before a
 * SIMD FP exception (#XM). CVTPI2PS and CVTPI2PD with a memory source do
 * not touch the x87 state at all (no #MF, no transition), as on the host.
 *
 * Lane arithmetic runs in the low half of host XMM registers (SSE2
 * intrinsics): never on host MMX registers, which would put the host's own
 * x87 into MMX state. Conversions run the host's SSE conversion (inline
 * asm) through the #XM guard of sse.h. */
#include "sse.h"

#define CR0_EM  (1u << 2)
#define CR0_TS  (1u << 3)
#define FSW_ES  0x0080u
#define FSW_TOP 0x3800u

/* --- state ------------------------------------------------------------------ */
static inline uint64_t mm_get(const Cpu *c, unsigned n) {
    uint64_t v;
    memcpy(&v, c->st[n], 8);
    return v;
}
static inline void mm_put(Cpu *c, unsigned n, uint64_t v) {
    memcpy(c->st[n], &v, 8);
    c->st[n][8] = 0xff;
    c->st[n][9] = 0xff;
}

static _Noreturn __attribute__((noinline, cold)) void mmx_fault(Cpu *c) {
    if (c->cr0 & CR0_EM) UD(c);
    if (c->cr0 & CR0_TS) cpu_fault_noerr(c, EXC_NM);
    cpu_fault_noerr(c, EXC_MF);
}
/* #UD / #NM / #MF before anything else happens. */
static inline void mmx_check(Cpu *c) {
    if (unlikely((c->cr0 & (CR0_EM | CR0_TS)) | (c->fsw & FSW_ES))) mmx_fault(c);
}
/* x87 -> MMX: TOP = 0, all tags valid. */
static inline void mmx_enter(Cpu *c) {
    c->fsw &= (uint16_t)~FSW_TOP;
    c->ftw = 0;
}

/* 64-bit lanes in the low half of a host vector. */
static inline __m128i V(uint64_t x) { return _mm_cvtsi64_si128((long long)x); }
static inline uint64_t Q(__m128i v) { return (uint64_t)_mm_cvtsi128_si64(v); }

/* --- "mm = fn(mm, mm/mem)" handlers ---------------------------------------- */
static inline uint64_t rd64(Cpu *c, uint64_t a) { return mem_rd64(c, a); }
static inline uint64_t rd32(Cpu *c, uint64_t a) { return mem_rd32(c, a); }

#define MMX_BIN(name, fn, RD)                                                                      \
    static void name##_rr(Cpu *c, const Insn *i) {                                                 \
        mmx_check(c);                                                                              \
        uint64_t r = fn(mm_get(c, i->r[0]), mm_get(c, i->r[1]));                                   \
        mmx_enter(c);                                                                              \
        mm_put(c, i->r[0], r);                                                                     \
    }                                                                                              \
    static void name##_rm(Cpu *c, const Insn *i) {                                                 \
        mmx_check(c);                                                                              \
        uint64_t b = RD(c, insn_ea(c, i));                                                         \
        uint64_t r = fn(mm_get(c, i->r[0]), b);                                                    \
        mmx_enter(c);                                                                              \
        mm_put(c, i->r[0], r);                                                                     \
    }

/* Lane-wise operations: the low 64 bits of the 128-bit operation. */
/* clang-format off */
#define LANE_OPS(X) SSE_INT_LANE_OPS(X) /* the same operations on the low 64 bits */
/* Packs: destination's elements into the low half, the source's into the
 * high half. */
#define PACK_OPS(X)                                                                         \
    X(packsswb, PACKSSWB, _mm_packs_epi16) X(packssdw, PACKSSDW, _mm_packs_epi32)           \
    X(packuswb, PACKUSWB, _mm_packus_epi16)
/* Unpacks: the low halves interleaved (PUNPCKL*, m32 source), or the high
 * halves, which are the upper 64 bits of the same interleave. */
#define UNPACK_OPS(X)                                                                       \
    X(bw, BW, _mm_unpacklo_epi8) X(wd, WD, _mm_unpacklo_epi16) X(dq, DQ, _mm_unpacklo_epi32)
/* Shifts by a 64-bit count (mm/m64) or imm8; counts past the element
 * width give zero (or the sign) as the SSE2 forms do. */
#define SHIFT_OPS(X)                                                                        \
    X(psllw, PSLLW, _mm_sll_epi16) X(pslld, PSLLD, _mm_sll_epi32)                           \
    X(psllq, PSLLQ, _mm_sll_epi64) X(psrlw, PSRLW, _mm_srl_epi16)                           \
    X(psrld, PSRLD, _mm_srl_epi32) X(psrlq, PSRLQ, _mm_srl_epi64)                           \
    X(psraw, PSRAW, _mm_sra_epi16) X(psrad, PSRAD, _mm_sra_epi32)
/* clang-format on */

#define X(n, M, intr)                                                                              \
    static inline uint64_t f_##n(uint64_t a, uint64_t b) { return Q(intr(V(a), V(b))); }           \
    MMX_BIN(op_##n, f_##n, rd64)
LANE_OPS(X)
#undef X

#define X(n, M, intr)                                                                              \
    static inline uint64_t f_##n(uint64_t a, uint64_t b) {                                         \
        __m128i v = _mm_unpacklo_epi64(V(a), V(b));                                                \
        return Q(intr(v, v));                                                                      \
    }                                                                                              \
    MMX_BIN(op_##n, f_##n, rd64)
PACK_OPS(X)
#undef X

#define X(n, M, intr)                                                                              \
    static inline uint64_t f_punpckl##n(uint64_t a, uint64_t b) { return Q(intr(V(a), V(b))); }    \
    static inline uint64_t f_punpckh##n(uint64_t a, uint64_t b) {                                  \
        return Q(_mm_srli_si128(intr(V(a), V(b)), 8));                                             \
    }                                                                                              \
    MMX_BIN(op_punpckl##n, f_punpckl##n, rd32)                                                     \
    MMX_BIN(op_punpckh##n, f_punpckh##n, rd64)
UNPACK_OPS(X)
#undef X

#define X(n, M, intr)                                                                              \
    static inline uint64_t f_##n(uint64_t a, uint64_t b) { return Q(intr(V(a), V(b))); }           \
    MMX_BIN(op_##n, f_##n, rd64)                                                                   \
    static void op_##n##_ri(Cpu *c, const Insn *i) {                                               \
        mmx_check(c);                                                                              \
        uint64_t r = f_##n(mm_get(c, i->r[0]), i->imm & 0xff);                                     \
        mmx_enter(c);                                                                              \
        mm_put(c, i->r[0], r);                                                                     \
    }
SHIFT_OPS(X)
#undef X

/* SSSE3 (cpu/sse3.c has the XMM forms): the host instruction on the low
 * halves of host XMM registers. */
#define X(n, M)                                                                                    \
    SSE_ASM_BIN(x_##n, #n)                                                                         \
    static inline uint64_t f_##n(uint64_t a, uint64_t b) { return Q(x_##n(V(a), V(b))); }          \
    MMX_BIN(op_##n, f_##n, rd64)
SSE_SSSE3_LANE_OPS(X)
#undef X
#define X(n, M)                                                                                    \
    SSE_ASM_BIN(x_##n, #n)                                                                         \
    static inline uint64_t f_##n(uint64_t a, uint64_t b) {                                         \
        __m128i v = _mm_unpacklo_epi64(V(a), V(b));                                                \
        return Q(x_##n(v, v));                                                                     \
    }                                                                                              \
    MMX_BIN(op_##n, f_##n, rd64)
SSE_SSSE3_HORIZ_OPS(X)
#undef X
/* PSHUFB mm: index bits 2:0 select (bit 7 zeroes); bit 3 is ignored, so it
 * is cleared before the 16-byte shuffle of the zero-extended operand. */
SSE_ASM_BIN(x_pshufb, "pshufb")
static inline uint64_t f_pshufb(uint64_t a, uint64_t b) {
    return Q(x_pshufb(V(a), V(b & 0x8787878787878787ull)));
}
MMX_BIN(op_pshufb, f_pshufb, rd64)
/* PALIGNR mm, mm/m64, imm8: bytes imm8.. of dst:src (16 bytes), zeros past
 * the end. */
static inline uint64_t palignr(uint64_t a, uint64_t b, unsigned n) {
    if (n >= 16) return 0;
    if (n >= 8) return a >> (8 * (n - 8));
    return n ? b >> (8 * n) | a << (64 - 8 * n) : b;
}
static void op_palignr_rr(Cpu *c, const Insn *i) {
    mmx_check(c);
    uint64_t r = palignr(mm_get(c, i->r[0]), mm_get(c, i->r[1]), i->imm & 0xff);
    mmx_enter(c);
    mm_put(c, i->r[0], r);
}
static void op_palignr_rm(Cpu *c, const Insn *i) {
    mmx_check(c);
    uint64_t b = mem_rd64(c, insn_ea(c, i));
    uint64_t r = palignr(mm_get(c, i->r[0]), b, i->imm & 0xff);
    mmx_enter(c);
    mm_put(c, i->r[0], r);
}

typedef struct MmxForm {
    uint16_t mnem;
    Handler rr, rm, ri;
} MmxForm;

static const MmxForm bin_forms[] = {
#define X(n, M, intr) {ZYDIS_MNEMONIC_##M, op_##n##_rr, op_##n##_rm, NULL},
    LANE_OPS(X) PACK_OPS(X)
#undef X
#define X(n, M, intr)                                                                              \
    {ZYDIS_MNEMONIC_PUNPCKL##M, op_punpckl##n##_rr, op_punpckl##n##_rm, NULL},                     \
        {ZYDIS_MNEMONIC_PUNPCKH##M, op_punpckh##n##_rr, op_punpckh##n##_rm, NULL},
        UNPACK_OPS(X)
#undef X
#define X(n, M, intr) {ZYDIS_MNEMONIC_##M, op_##n##_rr, op_##n##_rm, op_##n##_ri},
            SHIFT_OPS(X)
#undef X
#define X(n, M) {ZYDIS_MNEMONIC_##M, op_##n##_rr, op_##n##_rm, NULL},
                SSE_SSSE3_LANE_OPS(X) SSE_SSSE3_HORIZ_OPS(X) X(pshufb, PSHUFB)
#undef X
};

/* --- PSHUFW mm, mm/m64, imm8 ------------------------------------------------ */
static inline uint64_t f_pshufw(uint64_t b, unsigned m) {
    uint64_t r = 0;
    for (unsigned k = 0; k < 4; k++)
        r |= ((b >> (16 * ((m >> (2 * k)) & 3))) & 0xffff) << (16 * k);
    return r;
}
static void op_pshufw_rr(Cpu *c, const Insn *i) {
    mmx_check(c);
    uint64_t r = f_pshufw(mm_get(c, i->r[1]), (unsigned)i->imm);
    mmx_enter(c);
    mm_put(c, i->r[0], r);
}
static void op_pshufw_rm(Cpu *c, const Insn *i) {
    mmx_check(c);
    uint64_t r = f_pshufw(mem_rd64(c, insn_ea(c, i)), (unsigned)i->imm);
    mmx_enter(c);
    mm_put(c, i->r[0], r);
}

/* --- MOVD / MOVQ / MOVNTQ ---------------------------------------------------- */
static void op_movq_mm_mm(Cpu *c, const Insn *i) {
    mmx_check(c);
    uint64_t v = mm_get(c, i->r[1]);
    mmx_enter(c);
    mm_put(c, i->r[0], v);
}
static void op_movd_mm_r(Cpu *c, const Insn *i) {
    mmx_check(c);
    mmx_enter(c);
    mm_put(c, i->r[0], reg_get(c, i->r[1], 4));
}
static void op_movq_mm_r(Cpu *c, const Insn *i) {
    mmx_check(c);
    mmx_enter(c);
    mm_put(c, i->r[0], c->gpr[i->r[1] / 8]);
}
static void op_movd_mm_m(Cpu *c, const Insn *i) {
    mmx_check(c);
    uint64_t v = mem_rd32(c, insn_ea(c, i));
    mmx_enter(c);
    mm_put(c, i->r[0], v);
}
static void op_movq_mm_m(Cpu *c, const Insn *i) {
    mmx_check(c);
    uint64_t v = mem_rd64(c, insn_ea(c, i));
    mmx_enter(c);
    mm_put(c, i->r[0], v);
}
static void op_movd_r_mm(Cpu *c, const Insn *i) {
    mmx_check(c);
    mmx_enter(c);
    reg_set(c, i->r[0], 4, mm_get(c, i->r[1]));
}
static void op_movq_r_mm(Cpu *c, const Insn *i) {
    mmx_check(c);
    mmx_enter(c);
    c->gpr[i->r[0] / 8] = mm_get(c, i->r[1]);
}
/* Stores: TOP = 0 before the store, tags after (what a faulting store
 * leaves on the host). */
static void op_movd_m_mm(Cpu *c, const Insn *i) {
    mmx_check(c);
    c->fsw &= (uint16_t)~FSW_TOP;
    mem_wr32(c, insn_ea(c, i), (uint32_t)mm_get(c, i->r[1]));
    c->ftw = 0;
}
static void op_movq_m_mm(Cpu *c, const Insn *i) {
    mmx_check(c);
    c->fsw &= (uint16_t)~FSW_TOP;
    mem_wr64(c, insn_ea(c, i), mm_get(c, i->r[1]));
    c->ftw = 0;
}

static int mmx_op(const DecodeCtx *d, const Insn *i, int j) {
    return j < d->nexp && i->k[j] == K_REG && d->zo[j].type == ZYDIS_OPERAND_TYPE_REGISTER &&
           ZydisRegisterGetClass(d->zo[j].reg.value) == ZYDIS_REGCLASS_MMX;
}

static int sel_movdq(const DecodeCtx *d, Insn *i) {
    if (d->nexp != 2) return 0;
    if (mmx_op(d, i, 0)) {
        unsigned sz = sse_op_size(d, 1);
        if (mmx_op(d, i, 1))
            i->fn = op_movq_mm_mm;
        else if (sse_op_gpr(d, i, 1))
            i->fn = sz == 8 ? op_movq_mm_r : op_movd_mm_r;
        else if (sse_op_mem(d, i, 1))
            i->fn = sz == 8 ? op_movq_mm_m : op_movd_mm_m;
        else
            return 0;
    } else if (mmx_op(d, i, 1)) {
        unsigned sz = sse_op_size(d, 0);
        if (sse_op_gpr(d, i, 0))
            i->fn = sz == 8 ? op_movq_r_mm : op_movd_r_mm;
        else if (sse_op_mem(d, i, 0))
            i->fn = sz == 8 ? op_movq_m_mm : op_movd_m_mm;
        else
            return 0;
    } else {
        return 0;
    }
    return 1;
}
static int sel_movntq(const DecodeCtx *d, Insn *i) {
    if (d->nexp != 2 || !sse_op_mem(d, i, 0) || !mmx_op(d, i, 1)) return 0;
    i->fn = op_movq_m_mm;
    return 1;
}

/* --- MOVQ2DQ xmm, mm ; MOVDQ2Q mm, xmm ---------------------------------------- */
static void op_movq2dq(Cpu *c, const Insn *i) {
    mmx_check(c);
    mmx_enter(c);
    xst(XMM(c, i->r[0]), V(mm_get(c, i->r[1])));
}
static void op_movdq2q(Cpu *c, const Insn *i) {
    mmx_check(c);
    mmx_enter(c);
    mm_put(c, i->r[0], XMM(c, i->r[1])->q[0]);
}
static int sel_movq2dq(const DecodeCtx *d, Insn *i) {
    if (d->nexp != 2) return 0;
    if (i->mnem == ZYDIS_MNEMONIC_MOVQ2DQ && sse_op_xmm(d, i, 0) && mmx_op(d, i, 1))
        i->fn = op_movq2dq;
    else if (i->mnem == ZYDIS_MNEMONIC_MOVDQ2Q && mmx_op(d, i, 0) && sse_op_xmm(d, i, 1))
        i->fn = op_movdq2q;
    else
        return 0;
    return 1;
}

/* --- PMOVMSKB r32/r64, mm ; PEXTRW r32/r64, mm, imm8 ; PINSRW mm, r32/m16, imm8 */
static void op_pmovmskb(Cpu *c, const Insn *i) {
    mmx_check(c);
    mmx_enter(c);
    c->gpr[i->r[0] / 8] = (uint32_t)_mm_movemask_epi8(V(mm_get(c, i->r[1])));
}
static void op_pextrw(Cpu *c, const Insn *i) {
    mmx_check(c);
    mmx_enter(c);
    c->gpr[i->r[0] / 8] = (mm_get(c, i->r[1]) >> (16 * (i->imm & 3))) & 0xffff;
}
static inline uint64_t insw(uint64_t a, uint16_t w, unsigned k) {
    unsigned sh = 16 * (k & 3);
    return (a & ~(0xffffull << sh)) | (uint64_t)w << sh;
}
static void op_pinsrw_r(Cpu *c, const Insn *i) {
    mmx_check(c);
    uint64_t r = insw(mm_get(c, i->r[0]), (uint16_t)reg_get(c, i->r[1], 2), (unsigned)i->imm);
    mmx_enter(c);
    mm_put(c, i->r[0], r);
}
static void op_pinsrw_m(Cpu *c, const Insn *i) {
    mmx_check(c);
    uint16_t w = mem_rd16(c, insn_ea(c, i));
    uint64_t r = insw(mm_get(c, i->r[0]), w, (unsigned)i->imm);
    mmx_enter(c);
    mm_put(c, i->r[0], r);
}

/* --- MASKMOVQ mm1, mm2: bytes of mm1 whose mm2 byte has its top bit set go
 * to [seg:rDI]. The whole 8-byte span is checked first, even for an empty
 * mask, and the transition happens before any fault, as on the host. ----- */
static void op_maskmovq(Cpu *c, const Insn *i) {
    mmx_check(c);
    mmx_enter(c);
    uint64_t v = mm_get(c, i->r[0]);
    unsigned m = (unsigned)_mm_movemask_epi8(V(mm_get(c, i->r[1])));
    cpu_probe_w(c, insn_ea(c, i), 8);
    for (unsigned k = 0; k < 8; k++)
        if (m >> k & 1) mem_wr8(c, insn_ea_plus(c, i, k), (uint8_t)(v >> (8 * k)));
}
static int sel_maskmovq(const DecodeCtx *d, Insn *i) {
    if (d->nexp != 2 || !mmx_op(d, i, 0) || !mmx_op(d, i, 1)) return 0;
    /* The destination is a hidden operand: build the memory fields from it. */
    const ZydisDecodedOperand *m = NULL;
    for (int j = 0; j < d->zi->operand_count; j++)
        if (d->zo[j].type == ZYDIS_OPERAND_TYPE_MEMORY) m = &d->zo[j];
    if (!m) return 0;
    decode_mem_operand(d->mode, i->rip + i->len, m, i);
    i->fn = op_maskmovq;
    return 1;
}

/* --- conversions -------------------------------------------------------------- */
#define ASM_CVT(name, insn)                                                                        \
    static inline __m128i f_##name(__m128i a, __m128i b) {                                         \
        __m128i r;                                                                                 \
        __asm__(insn " %1, %0" : "=x"(r) : "x"(b));                                                \
        return r;                                                                                  \
    }
ASM_CVT(cvtdq2ps, "cvtdq2ps")
ASM_CVT(cvtdq2pd, "cvtdq2pd")
ASM_CVT(cvtps2dq, "cvtps2dq")
ASM_CVT(cvttps2dq, "cvttps2dq")
ASM_CVT(cvtpd2dq, "cvtpd2dq")
ASM_CVT(cvttpd2dq, "cvttpd2dq")
#undef ASM_CVT

/* CVTPI2PS: two int32 (upper source lanes zero: exact, no flags) to the
 * low two floats; the destination's upper half is kept. */
static inline __m128i f_cvtpi2ps(__m128i a, __m128i b) {
    return IPD(_mm_move_sd(PD(a), PD(f_cvtdq2ps(a, b))));
}
static void op_cvtpi2ps_rr(Cpu *c, const Insn *i) {
    mmx_check(c);
    mmx_enter(c);
    Xmm *d = XMM(c, i->r[0]);
    __m128i a = xld(d), b = V(mm_get(c, i->r[1]));
    xst(d, SSE_FP_EVAL(c, f_cvtpi2ps, a, b));
}
static void op_cvtpi2ps_rm(Cpu *c, const Insn *i) { /* no x87 state change */
    __m128i b = V(mem_rd64(c, insn_ea(c, i)));
    Xmm *d = XMM(c, i->r[0]);
    __m128i a = xld(d);
    xst(d, SSE_FP_EVAL(c, f_cvtpi2ps, a, b));
}
/* CVTPI2PD: exact, writes the whole destination. */
static void op_cvtpi2pd_rr(Cpu *c, const Insn *i) {
    mmx_check(c);
    mmx_enter(c);
    __m128i b = V(mm_get(c, i->r[1]));
    xst(XMM(c, i->r[0]), f_cvtdq2pd(b, b));
}
static void op_cvtpi2pd_rm(Cpu *c, const Insn *i) { /* no x87 state change */
    __m128i b = V(mem_rd64(c, insn_ea(c, i)));
    xst(XMM(c, i->r[0]), f_cvtdq2pd(b, b));
}

/* mm <- two floats (xmm low half or m64; the upper lanes are zeroed so they
 * raise nothing) or two doubles (xmm or aligned m128). */
#define CVT2PI(name, fn, LOAD_R, LOAD_M)                                                           \
    static void op_##name##_rr(Cpu *c, const Insn *i) {                                            \
        mmx_check(c);                                                                              \
        mmx_enter(c);                                                                              \
        __m128i b = LOAD_R(xld(XMM(c, i->r[1])));                                                  \
        mm_put(c, i->r[0], Q(SSE_FP_EVAL(c, fn, b, b)));                                           \
    }                                                                                              \
    static void op_##name##_rm(Cpu *c, const Insn *i) {                                            \
        mmx_check(c);                                                                              \
        __m128i b = LOAD_M(c, i);                                                                  \
        mmx_enter(c);                                                                              \
        mm_put(c, i->r[0], Q(SSE_FP_EVAL(c, fn, b, b)));                                           \
    }
#define KEEP(v) (v)
CVT2PI(cvtps2pi, f_cvtps2dq, _mm_move_epi64, sse_ld_M64)
CVT2PI(cvttps2pi, f_cvttps2dq, _mm_move_epi64, sse_ld_M64)
CVT2PI(cvtpd2pi, f_cvtpd2dq, KEEP, sse_ld_M128A)
CVT2PI(cvttpd2pi, f_cvttpd2dq, KEEP, sse_ld_M128A)
#undef KEEP
#undef CVT2PI

static int sel_cvt(const DecodeCtx *d, Insn *i) {
    if (d->nexp != 2) return 0;
    int to_xmm = i->mnem == ZYDIS_MNEMONIC_CVTPI2PS || i->mnem == ZYDIS_MNEMONIC_CVTPI2PD;
    int src_reg;
    if (to_xmm) {
        if (!sse_op_xmm(d, i, 0)) return 0;
        if (mmx_op(d, i, 1))
            src_reg = 1;
        else if (sse_op_mem(d, i, 1))
            src_reg = 0;
        else
            return 0;
    } else {
        if (!mmx_op(d, i, 0)) return 0;
        if (sse_op_xmm(d, i, 1))
            src_reg = 1;
        else if (sse_op_mem(d, i, 1))
            src_reg = 0;
        else
            return 0;
    }
    switch (i->mnem) {
    case ZYDIS_MNEMONIC_CVTPI2PS: i->fn = src_reg ? op_cvtpi2ps_rr : op_cvtpi2ps_rm; break;
    case ZYDIS_MNEMONIC_CVTPI2PD: i->fn = src_reg ? op_cvtpi2pd_rr : op_cvtpi2pd_rm; break;
    case ZYDIS_MNEMONIC_CVTPS2PI: i->fn = src_reg ? op_cvtps2pi_rr : op_cvtps2pi_rm; break;
    case ZYDIS_MNEMONIC_CVTTPS2PI: i->fn = src_reg ? op_cvttps2pi_rr : op_cvttps2pi_rm; break;
    case ZYDIS_MNEMONIC_CVTPD2PI: i->fn = src_reg ? op_cvtpd2pi_rr : op_cvtpd2pi_rm; break;
    case ZYDIS_MNEMONIC_CVTTPD2PI: i->fn = src_reg ? op_cvttpd2pi_rr : op_cvttpd2pi_rm; break;
    default: return 0;
    }
    return 1;
}

/* --- EMMS: all tags empty (TOP = 0 as well, as the host does) --------------- */
static void op_emms(Cpu *c, const Insn *i) {
    mmx_check(c);
    c->fsw &= (uint16_t)~FSW_TOP;
    c->ftw = 0xffff;
}
static int sel_emms(const DecodeCtx *d, Insn *i) {
    i->fn = op_emms;
    return 1;
}

/* --- entry points for the SSE selectors --------------------------------------- */
/* Some explicit operand is an MMX register. */
int mmx_operand(const DecodeCtx *d) {
    for (int j = 0; j < d->nexp && j < ZYDIS_MAX_OPERAND_COUNT; j++)
        if (d->zo[j].type == ZYDIS_OPERAND_TYPE_REGISTER &&
            ZydisRegisterGetClass(d->zo[j].reg.value) == ZYDIS_REGCLASS_MMX)
            return 1;
    return 0;
}

/* The MMX form of an SSE mnemonic (an operand is an MMX register): the
 * selector for it, or 0 for a form MMX does not have. */
int mmx_select(const DecodeCtx *d, Insn *i) {
    switch (i->mnem) {
    case ZYDIS_MNEMONIC_MOVD:
    case ZYDIS_MNEMONIC_MOVQ: return sel_movdq(d, i);
    case ZYDIS_MNEMONIC_PMOVMSKB:
        if (d->nexp != 2 || !sse_op_gpr(d, i, 0) || !mmx_op(d, i, 1)) return 0;
        i->fn = op_pmovmskb;
        return 1;
    case ZYDIS_MNEMONIC_PEXTRW:
        if (d->nexp != 3 || !sse_op_gpr(d, i, 0) || !mmx_op(d, i, 1) || i->k[2] != K_IMM) return 0;
        i->fn = op_pextrw;
        return 1;
    case ZYDIS_MNEMONIC_PINSRW:
        if (d->nexp != 3 || !mmx_op(d, i, 0) || i->k[2] != K_IMM) return 0;
        if (sse_op_gpr(d, i, 1))
            i->fn = op_pinsrw_r;
        else if (sse_op_mem(d, i, 1))
            i->fn = op_pinsrw_m;
        else
            return 0;
        return 1;
    case ZYDIS_MNEMONIC_PALIGNR:
        if (d->nexp != 3 || !mmx_op(d, i, 0) || i->k[2] != K_IMM) return 0;
        if (mmx_op(d, i, 1))
            i->fn = op_palignr_rr;
        else if (sse_op_mem(d, i, 1))
            i->fn = op_palignr_rm;
        else
            return 0;
        return 1;
    default: break;
    }
    /* mm, mm/m64 (m32 for PUNPCKL*) [or imm8 for the shifts] */
    for (size_t k = 0; k < SSE_ALEN(bin_forms); k++) {
        const MmxForm *f = &bin_forms[k];
        if (f->mnem != i->mnem) continue;
        if (d->nexp != 2 || !mmx_op(d, i, 0)) return 0;
        if (mmx_op(d, i, 1))
            i->fn = f->rr;
        else if (sse_op_mem(d, i, 1))
            i->fn = f->rm;
        else if (i->k[1] == K_IMM)
            i->fn = f->ri;
        else
            return 0;
        return i->fn != NULL;
    }
    return 0;
}

/* MMX-only mnemonics. */
static int sel_mmx(const DecodeCtx *d, Insn *i) {
    switch (i->mnem) {
    case ZYDIS_MNEMONIC_PSHUFW:
        if (d->nexp != 3 || !mmx_op(d, i, 0) || i->k[2] != K_IMM) return 0;
        if (mmx_op(d, i, 1))
            i->fn = op_pshufw_rr;
        else if (sse_op_mem(d, i, 1))
            i->fn = op_pshufw_rm;
        else
            return 0;
        return 1;
    case ZYDIS_MNEMONIC_MOVNTQ: return sel_movntq(d, i);
    case ZYDIS_MNEMONIC_MOVQ2DQ:
    case ZYDIS_MNEMONIC_MOVDQ2Q: return sel_movq2dq(d, i);
    case ZYDIS_MNEMONIC_MASKMOVQ: return sel_maskmovq(d, i);
    default: return sel_cvt(d, i);
    }
}

FAMILY_TABLE(mmx_ops) = {
    {ZYDIS_MNEMONIC_EMMS, 0, sel_emms, "mmx"},
    {ZYDIS_MNEMONIC_PSHUFW, 0, sel_mmx, "mmx"},
    {ZYDIS_MNEMONIC_MOVNTQ, 0, sel_mmx, "mmx"},
    {ZYDIS_MNEMONIC_MOVQ2DQ, 0, sel_mmx, "mmx"},
    {ZYDIS_MNEMONIC_MOVDQ2Q, 0, sel_mmx, "mmx"},
    {ZYDIS_MNEMONIC_MASKMOVQ, 0, sel_mmx, "mmx"},
    {ZYDIS_MNEMONIC_CVTPI2PS, 0, sel_mmx, "mmx"},
    {ZYDIS_MNEMONIC_CVTPI2PD, 0, sel_mmx, "mmx"},
    {ZYDIS_MNEMONIC_CVTPS2PI, 0, sel_mmx, "mmx"},
    {ZYDIS_MNEMONIC_CVTTPS2PI, 0, sel_mmx, "mmx"},
    {ZYDIS_MNEMONIC_CVTPD2PI, 0, sel_mmx, "mmx"},
    {ZYDIS_MNEMONIC_CVTTPD2PI, 0, sel_mmx, "mmx"},
    {0},
};
