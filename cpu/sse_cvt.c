/* SSE/SSE2 conversions: CVTSI2SS CVTSI2SD (r/m32 and r/m64 sources),
 * CVTSS2SI CVTSD2SI CVTTSS2SI CVTTSD2SI (r32/r64 destinations),
 * CVTSS2SD CVTSD2SS, CVTPS2PD CVTPD2PS, CVTDQ2PS CVTPS2DQ CVTTPS2DQ,
 * CVTDQ2PD CVTPD2DQ CVTTPD2DQ.
 *
 * Each conversion is the host instruction (inline asm), so rounding under
 * the guest's MXCSR.RC, the integer-indefinite results and the precision /
 * invalid flags are the host's. The MMX-operand conversions (CVTPI2PS,
 * CVTPS2PI, CVTTPS2PI, CVTPI2PD, CVTPD2PI, CVTTPD2PI) have mnemonics of
 * their own and live in cpu/mmx.c. */
#include "sse.h"

/* --- xmm <- xmm/mem: fn(dst, src) ------------------------------------------- */
#define ASM_OP(name, insn)                                                                         \
    static inline __m128i f_##name(__m128i a, __m128i b) {                                         \
        __asm__(insn " %1, %0" : "+x"(a) : "x"(b));                                                \
        return a;                                                                                  \
    }
ASM_OP(cvtss2sd, "cvtss2sd")
ASM_OP(cvtsd2ss, "cvtsd2ss")
ASM_OP(cvtps2pd, "cvtps2pd")
ASM_OP(cvtpd2ps, "cvtpd2ps")
ASM_OP(cvtdq2ps, "cvtdq2ps")
ASM_OP(cvtps2dq, "cvtps2dq")
ASM_OP(cvttps2dq, "cvttps2dq")
ASM_OP(cvtdq2pd, "cvtdq2pd")
ASM_OP(cvtpd2dq, "cvtpd2dq")
ASM_OP(cvttpd2dq, "cvttpd2dq")
#undef ASM_OP

/* clang-format off */
#define CVT_XX(X)                                                                           \
    X(cvtss2sd, CVTSS2SD, M32) X(cvtsd2ss, CVTSD2SS, M64) X(cvtps2pd, CVTPS2PD, M64)        \
    X(cvtpd2ps, CVTPD2PS, M128A) X(cvtdq2ps, CVTDQ2PS, M128A)                               \
    X(cvtps2dq, CVTPS2DQ, M128A) X(cvttps2dq, CVTTPS2DQ, M128A)                             \
    X(cvtdq2pd, CVTDQ2PD, M64) X(cvtpd2dq, CVTPD2DQ, M128A) X(cvttpd2dq, CVTTPD2DQ, M128A)
/* clang-format on */

#define X(n, M, L) SSE_FP_HANDLERS(op_##n, f_##n, L)
CVT_XX(X)
#undef X

static const SseForm cvt_forms[] = {
#define X(n, M, L) {ZYDIS_MNEMONIC_##M, op_##n##_rr, op_##n##_rm},
    CVT_XX(X)
#undef X
};
static int sel_cvt(const DecodeCtx *d, Insn *i) {
    return sse_sel_forms(d, i, cvt_forms, SSE_ALEN(cvt_forms));
}

/* --- CVTSI2SS / CVTSI2SD xmm, r/m32|64: the integer is in src's low bits -- */
#define ASM_SI2F(name, insn, T, getter)                                                            \
    static inline __m128i f_##name(__m128i a, __m128i b) {                                         \
        T v = (T)getter(b);                                                                        \
        __asm__(insn " %1, %0" : "+x"(a) : "rm"(v));                                               \
        return a;                                                                                  \
    }
ASM_SI2F(si2ss32, "cvtsi2ssl", int32_t, _mm_cvtsi128_si32)
ASM_SI2F(si2ss64, "cvtsi2ssq", int64_t, _mm_cvtsi128_si64)
ASM_SI2F(si2sd32, "cvtsi2sdl", int32_t, _mm_cvtsi128_si32)
ASM_SI2F(si2sd64, "cvtsi2sdq", int64_t, _mm_cvtsi128_si64)
#undef ASM_SI2F

#define SI2F_HANDLERS(name)                                                                        \
    static void op_##name##_r32(Cpu *c, const Insn *i) {                                           \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        __m128i a = xld(d), b = _mm_cvtsi32_si128((int)reg_get(c, i->r[1], 4));                    \
        xst(d, SSE_FP_EVAL(c, f_##name##32, a, b));                                                \
    }                                                                                              \
    static void op_##name##_r64(Cpu *c, const Insn *i) {                                           \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        __m128i a = xld(d), b = _mm_cvtsi64_si128((long long)c->gpr[i->r[1] / 8]);                 \
        xst(d, SSE_FP_EVAL(c, f_##name##64, a, b));                                                \
    }                                                                                              \
    static void op_##name##_m32(Cpu *c, const Insn *i) {                                           \
        __m128i b = sse_ld_M32(c, i);                                                              \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        __m128i a = xld(d);                                                                        \
        xst(d, SSE_FP_EVAL(c, f_##name##32, a, b));                                                \
    }                                                                                              \
    static void op_##name##_m64(Cpu *c, const Insn *i) {                                           \
        __m128i b = sse_ld_M64(c, i);                                                              \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        __m128i a = xld(d);                                                                        \
        xst(d, SSE_FP_EVAL(c, f_##name##64, a, b));                                                \
    }
SI2F_HANDLERS(si2ss)
SI2F_HANDLERS(si2sd)
#undef SI2F_HANDLERS

static int sel_si2f(const DecodeCtx *d, Insn *i) {
    if (d->nexp != 2 || !sse_op_xmm(d, i, 0)) return 0;
    int ss = i->mnem == ZYDIS_MNEMONIC_CVTSI2SS;
    int w = sse_op_size(d, 1) == 8;
    if (sse_op_gpr(d, i, 1))
        i->fn = ss ? (w ? op_si2ss_r64 : op_si2ss_r32) : (w ? op_si2sd_r64 : op_si2sd_r32);
    else if (sse_op_mem(d, i, 1))
        i->fn = ss ? (w ? op_si2ss_m64 : op_si2ss_m32) : (w ? op_si2sd_m64 : op_si2sd_m32);
    else
        return 0;
    return 1;
}

/* --- CVT(T)SS2SI / CVT(T)SD2SI r32|r64, xmm/m32|m64 ------------------------- */
/* The operand-size modifier (%k0 / %q0) is spelled out: without it the
 * 32- and 64-bit asm texts are identical and gcc's identical-code folding
 * merged the out-of-line copies (a 64-bit destination got the 32-bit
 * conversion on the exception-checking path). */
#define ASM_F2SI(name, insn, T, R)                                                                 \
    static inline __m128i f_##name(__m128i a, __m128i b) {                                         \
        T r;                                                                                       \
        __asm__(insn " %1, %" R "0" : "=r"(r) : "x"(b));                                           \
        return _mm_cvtsi64_si128((long long)(uint64_t)r);                                          \
    }
ASM_F2SI(ss2si32, "cvtss2si", uint32_t, "k")
ASM_F2SI(ss2si64, "cvtss2si", uint64_t, "q")
ASM_F2SI(tss2si32, "cvttss2si", uint32_t, "k")
ASM_F2SI(tss2si64, "cvttss2si", uint64_t, "q")
ASM_F2SI(sd2si32, "cvtsd2si", uint32_t, "k")
ASM_F2SI(sd2si64, "cvtsd2si", uint64_t, "q")
ASM_F2SI(tsd2si32, "cvttsd2si", uint32_t, "k")
ASM_F2SI(tsd2si64, "cvttsd2si", uint64_t, "q")
#undef ASM_F2SI

/* name, source memory size, destination size */
#define F2SI_HANDLERS(name, LOAD, sz)                                                              \
    static void op_##name##sz##_r(Cpu *c, const Insn *i) {                                         \
        __m128i b = xld(XMM(c, i->r[1]));                                                          \
        __m128i r = SSE_FP_EVAL(c, f_##name##sz, b, b);                                            \
        reg_set(c, i->r[0], sz / 8, (uint64_t)_mm_cvtsi128_si64(r));                               \
    }                                                                                              \
    static void op_##name##sz##_m(Cpu *c, const Insn *i) {                                         \
        __m128i b = sse_ld_##LOAD(c, i);                                                           \
        __m128i r = SSE_FP_EVAL(c, f_##name##sz, b, b);                                            \
        reg_set(c, i->r[0], sz / 8, (uint64_t)_mm_cvtsi128_si64(r));                               \
    }
F2SI_HANDLERS(ss2si, M32, 32)
F2SI_HANDLERS(ss2si, M32, 64)
F2SI_HANDLERS(tss2si, M32, 32)
F2SI_HANDLERS(tss2si, M32, 64)
F2SI_HANDLERS(sd2si, M64, 32)
F2SI_HANDLERS(sd2si, M64, 64)
F2SI_HANDLERS(tsd2si, M64, 32)
F2SI_HANDLERS(tsd2si, M64, 64)
#undef F2SI_HANDLERS

static const struct {
    uint16_t mnem;
    Handler h[2][2]; /* [64-bit dest][memory source] */
} f2si_forms[] = {
    {ZYDIS_MNEMONIC_CVTSS2SI, {{op_ss2si32_r, op_ss2si32_m}, {op_ss2si64_r, op_ss2si64_m}}},
    {ZYDIS_MNEMONIC_CVTTSS2SI, {{op_tss2si32_r, op_tss2si32_m}, {op_tss2si64_r, op_tss2si64_m}}},
    {ZYDIS_MNEMONIC_CVTSD2SI, {{op_sd2si32_r, op_sd2si32_m}, {op_sd2si64_r, op_sd2si64_m}}},
    {ZYDIS_MNEMONIC_CVTTSD2SI, {{op_tsd2si32_r, op_tsd2si32_m}, {op_tsd2si64_r, op_tsd2si64_m}}},
};
static int sel_f2si(const DecodeCtx *d, Insn *i) {
    if (d->nexp != 2 || !sse_op_gpr(d, i, 0)) return 0;
    int w = sse_op_size(d, 0) == 8, m;
    if (sse_op_xmm(d, i, 1))
        m = 0;
    else if (sse_op_mem(d, i, 1))
        m = 1;
    else
        return 0;
    for (size_t k = 0; k < SSE_ALEN(f2si_forms); k++)
        if (f2si_forms[k].mnem == i->mnem) {
            i->fn = f2si_forms[k].h[w][m];
            return 1;
        }
    return 0;
}

FAMILY_TABLE(sse_cvt_ops) = {
#define X(n, M, L) {ZYDIS_MNEMONIC_##M, 0, sel_cvt, "sse_cvt"},
    CVT_XX(X)
#undef X
        {ZYDIS_MNEMONIC_CVTSI2SS, 0, sel_si2f, "sse_cvt"},
    {ZYDIS_MNEMONIC_CVTSI2SD, 0, sel_si2f, "sse_cvt"},
    {ZYDIS_MNEMONIC_CVTSS2SI, 0, sel_f2si, "sse_cvt"},
    {ZYDIS_MNEMONIC_CVTTSS2SI, 0, sel_f2si, "sse_cvt"},
    {ZYDIS_MNEMONIC_CVTSD2SI, 0, sel_f2si, "sse_cvt"},
    {ZYDIS_MNEMONIC_CVTTSD2SI, 0, sel_f2si, "sse_cvt"},
    {0},
};
