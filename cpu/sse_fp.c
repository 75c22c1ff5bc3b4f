/* SSE/SSE2 floating-point arithmetic: ADD SUB MUL DIV MIN MAX SQRT (PS SS
 * PD SD), RCP/RSQRT (PS SS), the bitwise AND ANDN OR XOR (PS PD), CMPPS
 * CMPSS CMPPD CMPSD with predicates 0-7, and COMISS COMISD UCOMISS UCOMISD.
 *
 * Every operation is the host instruction itself (intrinsics or, for the
 * COMI family, inline asm), so results, NaN propagation, RCP/RSQRT
 * approximations and the sticky MXCSR flags match the host bit for bit.
 * Guest MXCSR rounding/DAZ/FTZ are live on the host while guest code runs;
 * unmasked exceptions go through sse_fp_checked (sse.h). */
#include "sse.h"

/* --- the operations: fn(dst, src) -> new dst ------------------------------ */
/* Each is the host instruction in inline asm with the guest's operand order:
 * C vector operators or intrinsics would let the compiler commute ADD/MUL
 * operands, which changes which NaN propagates. For the scalar and unary
 * forms the instruction's own merge semantics (upper bits from dst) apply. */
#define ASM_OP(name, insn)                                                                         \
    static inline __m128i f_##name(__m128i a, __m128i b) {                                         \
        __asm__(insn " %1, %0" : "+x"(a) : "x"(b));                                                \
        return a;                                                                                  \
    }
ASM_OP(addps, "addps")
ASM_OP(subps, "subps")
ASM_OP(mulps, "mulps")
ASM_OP(divps, "divps")
ASM_OP(minps, "minps")
ASM_OP(maxps, "maxps")
ASM_OP(addss, "addss")
ASM_OP(subss, "subss")
ASM_OP(mulss, "mulss")
ASM_OP(divss, "divss")
ASM_OP(minss, "minss")
ASM_OP(maxss, "maxss")
ASM_OP(addpd, "addpd")
ASM_OP(subpd, "subpd")
ASM_OP(mulpd, "mulpd")
ASM_OP(divpd, "divpd")
ASM_OP(minpd, "minpd")
ASM_OP(maxpd, "maxpd")
ASM_OP(addsd, "addsd")
ASM_OP(subsd, "subsd")
ASM_OP(mulsd, "mulsd")
ASM_OP(divsd, "divsd")
ASM_OP(minsd, "minsd")
ASM_OP(maxsd, "maxsd")
ASM_OP(sqrtps, "sqrtps")
ASM_OP(sqrtss, "sqrtss")
ASM_OP(sqrtpd, "sqrtpd")
ASM_OP(sqrtsd, "sqrtsd")
ASM_OP(rcpps, "rcpps")
ASM_OP(rcpss, "rcpss")
ASM_OP(rsqrtps, "rsqrtps")
ASM_OP(rsqrtss, "rsqrtss")

/* Bitwise: no FP exceptions, any lane type. ANDN is ~dst & src. */
static inline __m128i f_and(__m128i a, __m128i b) { return _mm_and_si128(a, b); }
static inline __m128i f_andn(__m128i a, __m128i b) { return _mm_andnot_si128(a, b); }
static inline __m128i f_or(__m128i a, __m128i b) { return _mm_or_si128(a, b); }
static inline __m128i f_xor(__m128i a, __m128i b) { return _mm_xor_si128(a, b); }

/* name, Zydis mnemonic, memory operand kind */
/* clang-format off */
#define FP_ARITH(X)                                                                         \
    X(addps, ADDPS, M128A) X(subps, SUBPS, M128A) X(mulps, MULPS, M128A)                    \
    X(divps, DIVPS, M128A) X(minps, MINPS, M128A) X(maxps, MAXPS, M128A)                    \
    X(addss, ADDSS, M32) X(subss, SUBSS, M32) X(mulss, MULSS, M32) X(divss, DIVSS, M32)     \
    X(minss, MINSS, M32) X(maxss, MAXSS, M32)                                               \
    X(addpd, ADDPD, M128A) X(subpd, SUBPD, M128A) X(mulpd, MULPD, M128A)                    \
    X(divpd, DIVPD, M128A) X(minpd, MINPD, M128A) X(maxpd, MAXPD, M128A)                    \
    X(addsd, ADDSD, M64) X(subsd, SUBSD, M64) X(mulsd, MULSD, M64) X(divsd, DIVSD, M64)     \
    X(minsd, MINSD, M64) X(maxsd, MAXSD, M64)                                               \
    X(sqrtps, SQRTPS, M128A) X(sqrtss, SQRTSS, M32) X(sqrtpd, SQRTPD, M128A)                \
    X(sqrtsd, SQRTSD, M64) X(rcpps, RCPPS, M128A) X(rcpss, RCPSS, M32)                      \
    X(rsqrtps, RSQRTPS, M128A) X(rsqrtss, RSQRTSS, M32)
/* clang-format on */

/* clang-format off */
#define FP_LOGIC(X)                                                                         \
    X(andps, ANDPS, and) X(andnps, ANDNPS, andn) X(orps, ORPS, or) X(xorps, XORPS, xor)    \
    X(andpd, ANDPD, and) X(andnpd, ANDNPD, andn) X(orpd, ORPD, or) X(xorpd, XORPD, xor)
/* clang-format on */

#define X(n, M, L) SSE_FP_HANDLERS(op_##n, f_##n, L)
FP_ARITH(X)
#undef X
#define X(n, M, f) SSE_INT_HANDLERS(op_##n, f_##f, M128A)
FP_LOGIC(X)
#undef X

static const SseForm fp_forms[] = {
#define X(n, M, L) {ZYDIS_MNEMONIC_##M, op_##n##_rr, op_##n##_rm},
    FP_ARITH(X) FP_LOGIC(X)
#undef X
};
static int sel_fp(const DecodeCtx *d, Insn *i) {
    return sse_sel_forms(d, i, fp_forms, SSE_ALEN(fp_forms));
}

/* --- CMPPS/CMPSS/CMPPD/CMPSD: one handler per predicate ------------------- */
/* Predicates 0-7 in encoding order. */
/* clang-format off */
#define CMP_PREDS(X, t)                                                                     \
    X(t, 0, cmpeq) X(t, 1, cmplt) X(t, 2, cmple) X(t, 3, cmpunord) X(t, 4, cmpneq)          \
    X(t, 5, cmpnlt) X(t, 6, cmpnle) X(t, 7, cmpord)
/* clang-format on */

#define DEF_CMP(t, k, p)                                                                           \
    static inline __m128i f_##p##t(__m128i a, __m128i b) {                                         \
        __asm__("cmp" #t " $" #k ", %1, %0" : "+x"(a) : "x"(b));                                   \
        return a;                                                                                  \
    }
CMP_PREDS(DEF_CMP, ps)
CMP_PREDS(DEF_CMP, ss)
CMP_PREDS(DEF_CMP, pd)
CMP_PREDS(DEF_CMP, sd)
#undef DEF_CMP

#define CMP_MEM_ps M128A
#define CMP_MEM_pd M128A
#define CMP_MEM_ss M32
#define CMP_MEM_sd M64
/* SSE_FP_HANDLERS pastes its LOAD argument: expand CMP_MEM_t first. */
#define SSE_FP_HANDLERS_X(name, fn, L) SSE_FP_HANDLERS(name, fn, L)
#define DEF_CMP_H(t, k, p)             SSE_FP_HANDLERS_X(op_##p##t, f_##p##t, CMP_MEM_##t)
CMP_PREDS(DEF_CMP_H, ps)
CMP_PREDS(DEF_CMP_H, ss)
CMP_PREDS(DEF_CMP_H, pd)
CMP_PREDS(DEF_CMP_H, sd)
#undef DEF_CMP_H

#define CMP_ROW(t, k, p) {op_##p##t##_rr, op_##p##t##_rm},
static const Handler cmp_handlers[4][8][2] = {
    {CMP_PREDS(CMP_ROW, ps)},
    {CMP_PREDS(CMP_ROW, ss)},
    {CMP_PREDS(CMP_ROW, pd)},
    {CMP_PREDS(CMP_ROW, sd)},
};
#undef CMP_ROW

static int sel_cmp(const DecodeCtx *d, Insn *i) {
    if (i->mnem == ZYDIS_MNEMONIC_CMPSD && sse_is_string_form(d)) return sse_delegate_string(d, i);
    int t;
    switch (i->mnem) {
    case ZYDIS_MNEMONIC_CMPPS: t = 0; break;
    case ZYDIS_MNEMONIC_CMPSS: t = 1; break;
    case ZYDIS_MNEMONIC_CMPPD: t = 2; break;
    default: t = 3; break; /* CMPSD */
    }
    if (d->nexp != 3 || !sse_op_xmm(d, i, 0) || i->k[2] != K_IMM) return 0;
    /* Legacy encodings use imm8[2:0]; bits 7:3 are ignored. */
    const Handler *h = cmp_handlers[t][i->imm & 7];
    if (sse_op_xmm(d, i, 1))
        i->fn = h[0];
    else if (sse_op_mem(d, i, 1))
        i->fn = h[1];
    else
        return 0;
    return 1;
}

/* --- COMISS/UCOMISS/COMISD/UCOMISD: ZF PF CF from the host; OF SF AF = 0 -- */
#define DEF_COMI(name, insn)                                                                       \
    static inline __m128i f_##name(__m128i a, __m128i b) {                                         \
        uint8_t zf, pf, cf;                                                                        \
        __asm__(insn " %[b], %[a]"                                                                 \
                : "=@ccz"(zf), "=@ccp"(pf), "=@ccc"(cf)                                            \
                : [a] "x"(a), [b] "x"(b));                                                         \
        return _mm_cvtsi32_si128((zf ? F_ZF : 0) | (pf ? F_PF : 0) | (cf ? F_CF : 0));             \
    }
DEF_COMI(comiss, "comiss")
DEF_COMI(ucomiss, "ucomiss")
DEF_COMI(comisd, "comisd")
DEF_COMI(ucomisd, "ucomisd")
#undef DEF_COMI

#define DEF_COMI_H(name, LOAD)                                                                     \
    static void op_##name##_rr(Cpu *c, const Insn *i) {                                            \
        __m128i a = xld(XMM(c, i->r[0])), b = xld(XMM(c, i->r[1]));                                \
        flags_put(c, F_ARITH, (uint32_t)_mm_cvtsi128_si32(SSE_FP_EVAL(c, f_##name, a, b)));        \
    }                                                                                              \
    static void op_##name##_rm(Cpu *c, const Insn *i) {                                            \
        __m128i b = sse_ld_##LOAD(c, i), a = xld(XMM(c, i->r[0]));                                 \
        flags_put(c, F_ARITH, (uint32_t)_mm_cvtsi128_si32(SSE_FP_EVAL(c, f_##name, a, b)));        \
    }
DEF_COMI_H(comiss, M32)
DEF_COMI_H(ucomiss, M32)
DEF_COMI_H(comisd, M64)
DEF_COMI_H(ucomisd, M64)
#undef DEF_COMI_H

static const SseForm comi_forms[] = {
    {ZYDIS_MNEMONIC_COMISS, op_comiss_rr, op_comiss_rm},
    {ZYDIS_MNEMONIC_UCOMISS, op_ucomiss_rr, op_ucomiss_rm},
    {ZYDIS_MNEMONIC_COMISD, op_comisd_rr, op_comisd_rm},
    {ZYDIS_MNEMONIC_UCOMISD, op_ucomisd_rr, op_ucomisd_rm},
};
static int sel_comi(const DecodeCtx *d, Insn *i) {
    return sse_sel_forms(d, i, comi_forms, SSE_ALEN(comi_forms));
}

FAMILY_TABLE(sse_fp_ops) = {
#define X(n, M, L) {ZYDIS_MNEMONIC_##M, 0, sel_fp, "sse_fp"},
    FP_ARITH(X) FP_LOGIC(X)
#undef X
        {ZYDIS_MNEMONIC_CMPPS, 0, sel_cmp, "sse_fp"},
    {ZYDIS_MNEMONIC_CMPSS, 0, sel_cmp, "sse_fp"},
    {ZYDIS_MNEMONIC_CMPPD, 0, sel_cmp, "sse_fp"},
    {ZYDIS_MNEMONIC_CMPSD, 0, sel_cmp, "sse_fp"},
    {ZYDIS_MNEMONIC_COMISS, 0, sel_comi, "sse_fp"},
    {ZYDIS_MNEMONIC_UCOMISS, 0, sel_comi, "sse_fp"},
    {ZYDIS_MNEMONIC_COMISD, 0, sel_comi, "sse_fp"},
    {ZYDIS_MNEMONIC_UCOMISD, 0, sel_comi, "sse_fp"},
    {0},
};
