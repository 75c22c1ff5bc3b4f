/* SSE4.1 (and PCMPGTQ from SSE4.2) on XMM registers:
 *   integer: PMULDQ PMULLD PMAXSB/SD/UD/UW PMINSB/SD/UD/UW PCMPEQQ PCMPGTQ
 *            PACKUSDW PHMINPOSUW MPSADBW PMOVSX* PMOVZX* PTEST;
 *   blends:  BLENDPS BLENDPD PBLENDW (imm8), BLENDVPS BLENDVPD PBLENDVB (XMM0);
 *   floating point: DPPS DPPD ROUNDPS ROUNDPD ROUNDSS ROUNDSD;
 *   inserts/extracts: INSERTPS EXTRACTPS PINSRB/D/Q PEXTRB/D/Q (PINSRW and
 *            PEXTRW, also its m16 form, are cpu/sse_mov.c's); MOVNTDQA.
 *
 * Arithmetic is the host instruction itself (inline asm). DPPS, DPPD and
 * ROUND* take their immediate in the instruction encoding, so there is one
 * host function per immediate (DPPS/DPPD: all 256; ROUND*: imm8[3:0], the
 * bits the hardware uses) and the selector stores the one it needs in
 * i->imm: results, exceptions and MXCSR flags are the host's, including
 * rounding-mode selection and the precision-suppression bit; with an
 * exception unmasked the host decides #XM and the flags it records
 * (sse_fp_native: DPPS/DPPD stop at a stage in their own way). Blends,
 * inserts and extracts are data movement (no SIMD exceptions, no DAZ). */
#include "sse.h"

/* --- two-operand integer operations ----------------------------------------- */
/* clang-format off */
#define INT41_OPS(X)                                                                        \
    X(pmuldq, PMULDQ) X(pmulld, PMULLD) X(pmaxsb, PMAXSB) X(pmaxsd, PMAXSD)                 \
    X(pmaxud, PMAXUD) X(pmaxuw, PMAXUW) X(pminsb, PMINSB) X(pminsd, PMINSD)                 \
    X(pminud, PMINUD) X(pminuw, PMINUW) X(pcmpeqq, PCMPEQQ) X(pcmpgtq, PCMPGTQ)             \
    X(packusdw, PACKUSDW) X(phminposuw, PHMINPOSUW)
/* Sign/zero extensions: name, mnemonic, source size in memory. */
#define PMOVX_OPS(X)                                                                        \
    X(pmovsxbw, PMOVSXBW, M64) X(pmovsxbd, PMOVSXBD, M32) X(pmovsxbq, PMOVSXBQ, M16)        \
    X(pmovsxwd, PMOVSXWD, M64) X(pmovsxwq, PMOVSXWQ, M32) X(pmovsxdq, PMOVSXDQ, M64)        \
    X(pmovzxbw, PMOVZXBW, M64) X(pmovzxbd, PMOVZXBD, M32) X(pmovzxbq, PMOVZXBQ, M16)        \
    X(pmovzxwd, PMOVZXWD, M64) X(pmovzxwq, PMOVZXWQ, M32) X(pmovzxdq, PMOVZXDQ, M64)
/* clang-format on */

SSE_INLINE __m128i sse_ld_M16(Cpu *c, const Insn *i) {
    return _mm_cvtsi32_si128(mem_rd16(c, insn_ea(c, i)));
}

#define X(n, M)                                                                                    \
    SSE_ASM_BIN(f_##n, #n)                                                                         \
    SSE_INT_HANDLERS(op_##n, f_##n, M128A)
INT41_OPS(X)
#undef X
#define X(n, M, L)                                                                                 \
    SSE_ASM_BIN(f_##n, #n)                                                                         \
    SSE_INT_HANDLERS(op_##n, f_##n, L)
PMOVX_OPS(X)
#undef X

/* --- MPSADBW: eight sums of absolute differences of 4-byte groups: dst
 * bytes at imm8[2]*4 + k, src bytes at imm8[1:0]*4 ------------------------- */
static inline __m128i mpsadbw(__m128i a, __m128i b, unsigned imm) {
    uint8_t x[16], y[16];
    uint16_t r[8];
    _mm_storeu_si128((__m128i *)x, a);
    _mm_storeu_si128((__m128i *)y, b);
    const uint8_t *p = x + ((imm >> 2) & 1) * 4, *q = y + (imm & 3) * 4;
    for (int k = 0; k < 8; k++) {
        unsigned s = 0;
        for (int j = 0; j < 4; j++)
            s += p[k + j] > q[j] ? p[k + j] - q[j] : q[j] - p[k + j];
        r[k] = (uint16_t)s;
    }
    return _mm_loadu_si128((const __m128i *)r);
}

/* --- blends ------------------------------------------------------------------ */
/* Lane masks from an immediate: dword k (BLENDPS), qword k (BLENDPD) or
 * word k (PBLENDW) comes from the source when imm8 bit k is set. */
static inline __m128i mask_ps(unsigned m) {
    return _mm_set_epi32(-(int)(m >> 3 & 1), -(int)(m >> 2 & 1), -(int)(m >> 1 & 1), -(int)(m & 1));
}
static inline __m128i mask_pd(unsigned m) {
    return _mm_set_epi64x(-(long long)(m >> 1 & 1), -(long long)(m & 1));
}
static inline __m128i mask_w(unsigned m) {
    __m128i bits = _mm_set_epi16(128, 64, 32, 16, 8, 4, 2, 1);
    return _mm_cmpeq_epi16(_mm_and_si128(_mm_set1_epi16((short)m), bits), bits);
}
static inline __m128i blend(__m128i a, __m128i b, __m128i m) {
    return _mm_or_si128(_mm_andnot_si128(m, a), _mm_and_si128(m, b));
}

/* Immediate-controlled integer operations: g(dst, src, imm8). */
static inline __m128i g_blendps(__m128i a, __m128i b, unsigned m) {
    return blend(a, b, mask_ps(m));
}
static inline __m128i g_blendpd(__m128i a, __m128i b, unsigned m) {
    return blend(a, b, mask_pd(m));
}
static inline __m128i g_pblendw(__m128i a, __m128i b, unsigned m) { return blend(a, b, mask_w(m)); }
static inline __m128i g_mpsadbw(__m128i a, __m128i b, unsigned m) { return mpsadbw(a, b, m); }

#define IMM_HANDLERS(name)                                                                         \
    static void op_##name##_rr(Cpu *c, const Insn *i) {                                            \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        xst(d, g_##name(xld(d), xld(XMM(c, i->r[1])), (unsigned)i->imm));                          \
    }                                                                                              \
    static void op_##name##_rm(Cpu *c, const Insn *i) {                                            \
        __m128i b = sse_ld_M128A(c, i);                                                            \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        xst(d, g_##name(xld(d), b, (unsigned)i->imm));                                             \
    }
IMM_HANDLERS(blendps)
IMM_HANDLERS(blendpd)
IMM_HANDLERS(pblendw)
IMM_HANDLERS(mpsadbw)

/* Variable blends: the mask is the top bit of each lane of XMM0. */
static inline __m128i v_blendvps(__m128i a, __m128i b, __m128i m) {
    return blend(a, b, _mm_srai_epi32(m, 31));
}
static inline __m128i v_blendvpd(__m128i a, __m128i b, __m128i m) {
    return blend(a, b, _mm_shuffle_epi32(_mm_srai_epi32(m, 31), 0xf5));
}
static inline __m128i v_pblendvb(__m128i a, __m128i b, __m128i m) {
    return blend(a, b, _mm_cmplt_epi8(m, _mm_setzero_si128()));
}
#define VAR_HANDLERS(name)                                                                         \
    static void op_##name##_rr(Cpu *c, const Insn *i) {                                            \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        xst(d, v_##name(xld(d), xld(XMM(c, i->r[1])), xld(XMM(c, 0))));                            \
    }                                                                                              \
    static void op_##name##_rm(Cpu *c, const Insn *i) {                                            \
        __m128i b = sse_ld_M128A(c, i);                                                            \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        xst(d, v_##name(xld(d), b, xld(XMM(c, 0))));                                               \
    }
VAR_HANDLERS(blendvps)
VAR_HANDLERS(blendvpd)
VAR_HANDLERS(pblendvb)

/* --- DPPS DPPD ROUNDPS ROUNDPD ROUNDSS ROUNDSD: one host function per
 * immediate, chosen at decode time and kept in i->imm -------------------- */
#define HEX16(F, p, h)                                                                             \
    F(p, h##0)                                                                                     \
    F(p, h##1) F(p, h##2) F(p, h##3) F(p, h##4) F(p, h##5) F(p, h##6) F(p, h##7) F(p, h##8)        \
        F(p, h##9) F(p, h##a) F(p, h##b) F(p, h##c) F(p, h##d) F(p, h##e) F(p, h##f)
#define HEX256(F, p)                                                                               \
    HEX16(F, p, 0)                                                                                 \
    HEX16(F, p, 1) HEX16(F, p, 2) HEX16(F, p, 3) HEX16(F, p, 4) HEX16(F, p, 5) HEX16(F, p, 6)      \
        HEX16(F, p, 7) HEX16(F, p, 8) HEX16(F, p, 9) HEX16(F, p, a) HEX16(F, p, b) HEX16(F, p, c)  \
            HEX16(F, p, d) HEX16(F, p, e) HEX16(F, p, f)
/* insn $0xNN, src, dst */
#define IMM_FN(p, k)                                                                               \
    static __m128i f_##p##_##k(__m128i a, __m128i b) {                                             \
        __asm__(#p " $0x" #k ", %1, %0" : "+x"(a) : "x"(b));                                       \
        return a;                                                                                  \
    }
#define IMM_PTR(p, k) f_##p##_##k,
HEX256(IMM_FN, dpps)
HEX256(IMM_FN, dppd)
HEX16(IMM_FN, roundps, )
HEX16(IMM_FN, roundpd, )
HEX16(IMM_FN, roundss, )
HEX16(IMM_FN, roundsd, )
static const SseFn dpps_fn[256] = {HEX256(IMM_PTR, dpps)};
static const SseFn dppd_fn[256] = {HEX256(IMM_PTR, dppd)};
static const SseFn roundps_fn[16] = {HEX16(IMM_PTR, roundps, )};
static const SseFn roundpd_fn[16] = {HEX16(IMM_PTR, roundpd, )};
static const SseFn roundss_fn[16] = {HEX16(IMM_PTR, roundss, )};
static const SseFn roundsd_fn[16] = {HEX16(IMM_PTR, roundsd, )};
#undef IMM_FN
#undef IMM_PTR

#define FN_OF(i) ((SseFn)(uintptr_t)(i)->imm)
static void op_fpimm_rr(Cpu *c, const Insn *i) {
    Xmm *d = XMM(c, i->r[0]);
    __m128i a = xld(d), b = xld(XMM(c, i->r[1]));
    xst(d, SSE_FP_EVAL_NATIVE(c, FN_OF(i), a, b));
}
#define FPIMM_RM(L)                                                                                \
    static void op_fpimm_rm_##L(Cpu *c, const Insn *i) {                                           \
        __m128i b = sse_ld_##L(c, i);                                                              \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        __m128i a = xld(d);                                                                        \
        xst(d, SSE_FP_EVAL_NATIVE(c, FN_OF(i), a, b));                                             \
    }
FPIMM_RM(M128A)
FPIMM_RM(M64)
FPIMM_RM(M32)

static int sel_fpimm(const DecodeCtx *d, Insn *i) {
    if (d->nexp != 3 || !sse_op_xmm(d, i, 0) || i->k[2] != K_IMM) return 0;
    unsigned k = i->imm & 0xff;
    SseFn fn;
    Handler rm = op_fpimm_rm_M128A;
    switch (i->mnem) {
    case ZYDIS_MNEMONIC_DPPS: fn = dpps_fn[k]; break;
    case ZYDIS_MNEMONIC_DPPD: fn = dppd_fn[k]; break;
    case ZYDIS_MNEMONIC_ROUNDPS: fn = roundps_fn[k & 15]; break;
    case ZYDIS_MNEMONIC_ROUNDPD: fn = roundpd_fn[k & 15]; break;
    case ZYDIS_MNEMONIC_ROUNDSS: fn = roundss_fn[k & 15], rm = op_fpimm_rm_M32; break;
    case ZYDIS_MNEMONIC_ROUNDSD: fn = roundsd_fn[k & 15], rm = op_fpimm_rm_M64; break;
    default: return 0;
    }
    if (sse_op_xmm(d, i, 1))
        i->fn = op_fpimm_rr;
    else if (sse_op_mem(d, i, 1))
        i->fn = rm;
    else
        return 0;
    i->imm = (uint64_t)(uintptr_t)fn;
    return 1;
}

/* --- PTEST: ZF = (dst & src) == 0, CF = (~dst & src) == 0, the rest 0 ------ */
static inline void ptest(Cpu *c, __m128i a, __m128i b) {
    __m128i z = _mm_setzero_si128();
    int zf = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(a, b), z)) == 0xffff;
    int cf = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_andnot_si128(a, b), z)) == 0xffff;
    flags_put(c, F_ARITH, (zf ? F_ZF : 0) | (cf ? F_CF : 0));
}
static void op_ptest_rr(Cpu *c, const Insn *i) {
    ptest(c, xld(XMM(c, i->r[0])), xld(XMM(c, i->r[1])));
}
static void op_ptest_rm(Cpu *c, const Insn *i) {
    __m128i b = sse_ld_M128A(c, i);
    ptest(c, xld(XMM(c, i->r[0])), b);
}

/* --- MOVNTDQA xmm, m128 (aligned) --------------------------------------------- */
static void op_movntdqa_rm(Cpu *c, const Insn *i) { xst(XMM(c, i->r[0]), sse_ld_M128A(c, i)); }

static const SseForm forms[] = {
#define X(n, M, ...) {ZYDIS_MNEMONIC_##M, op_##n##_rr, op_##n##_rm},
    INT41_OPS(X) PMOVX_OPS(X) X(blendps, BLENDPS) X(blendpd, BLENDPD) X(pblendw, PBLENDW)
        X(mpsadbw, MPSADBW) X(blendvps, BLENDVPS) X(blendvpd, BLENDVPD) X(pblendvb, PBLENDVB)
            X(ptest, PTEST)
#undef X
                {ZYDIS_MNEMONIC_MOVNTDQA, NULL, op_movntdqa_rm},
};
static int sel_sse41(const DecodeCtx *d, Insn *i) {
    return sse_sel_forms(d, i, forms, SSE_ALEN(forms));
}

/* --- INSERTPS xmm, xmm/m32, imm8: float imm8[7:6] of the source (a register;
 * m32 is the float itself) to lane imm8[5:4], then lanes in imm8[3:0]
 * zeroed ------------------------------------------------------------------ */
static inline void insertps(Xmm *d, uint32_t v, unsigned imm) {
    d->d[(imm >> 4) & 3] = v;
    for (int k = 0; k < 4; k++)
        if (imm >> k & 1) d->d[k] = 0;
}
static void op_insertps_rr(Cpu *c, const Insn *i) {
    unsigned imm = i->imm & 0xff;
    insertps(XMM(c, i->r[0]), XMM(c, i->r[1])->d[imm >> 6], imm);
}
static void op_insertps_rm(Cpu *c, const Insn *i) {
    uint32_t v = mem_rd32(c, insn_ea(c, i));
    insertps(XMM(c, i->r[0]), v, i->imm & 0xff);
}

/* --- PINSRB/D/Q xmm, r/m, imm8 ------------------------------------------------ */
static void op_pinsrb_r(Cpu *c, const Insn *i) {
    XMM(c, i->r[0])->b[i->imm & 15] = (uint8_t)reg_get(c, i->r[1], 1);
}
static void op_pinsrb_m(Cpu *c, const Insn *i) {
    uint8_t v = mem_rd8(c, insn_ea(c, i));
    XMM(c, i->r[0])->b[i->imm & 15] = v;
}
static void op_pinsrd_r(Cpu *c, const Insn *i) {
    XMM(c, i->r[0])->d[i->imm & 3] = (uint32_t)reg_get(c, i->r[1], 4);
}
static void op_pinsrd_m(Cpu *c, const Insn *i) {
    uint32_t v = mem_rd32(c, insn_ea(c, i));
    XMM(c, i->r[0])->d[i->imm & 3] = v;
}
static void op_pinsrq_r(Cpu *c, const Insn *i) {
    XMM(c, i->r[0])->q[i->imm & 1] = c->gpr[i->r[1] / 8];
}
static void op_pinsrq_m(Cpu *c, const Insn *i) {
    uint64_t v = mem_rd64(c, insn_ea(c, i));
    XMM(c, i->r[0])->q[i->imm & 1] = v;
}

/* --- PEXTRB/D/Q EXTRACTPS r/m, xmm, imm8 (register destinations are
 * zero-extended to 64 bits) ------------------------------------------------------ */
static void op_pextrb_r(Cpu *c, const Insn *i) {
    c->gpr[i->r[0] / 8] = XMM(c, i->r[1])->b[i->imm & 15];
}
static void op_pextrb_m(Cpu *c, const Insn *i) {
    mem_wr8(c, insn_ea(c, i), XMM(c, i->r[1])->b[i->imm & 15]);
}
static void op_pextrd_r(Cpu *c, const Insn *i) {
    c->gpr[i->r[0] / 8] = XMM(c, i->r[1])->d[i->imm & 3];
}
static void op_pextrd_m(Cpu *c, const Insn *i) {
    mem_wr32(c, insn_ea(c, i), XMM(c, i->r[1])->d[i->imm & 3]);
}
static void op_pextrq_r(Cpu *c, const Insn *i) {
    c->gpr[i->r[0] / 8] = XMM(c, i->r[1])->q[i->imm & 1];
}
static void op_pextrq_m(Cpu *c, const Insn *i) {
    mem_wr64(c, insn_ea(c, i), XMM(c, i->r[1])->q[i->imm & 1]);
}

static int sel_insext(const DecodeCtx *d, Insn *i) {
    if (d->nexp != 3 || i->k[2] != K_IMM) return 0;
    Handler r, m;
    int ins = 1;
    switch (i->mnem) {
    case ZYDIS_MNEMONIC_INSERTPS:
        if (!sse_op_xmm(d, i, 0)) return 0;
        if (sse_op_xmm(d, i, 1))
            i->fn = op_insertps_rr;
        else if (sse_op_mem(d, i, 1))
            i->fn = op_insertps_rm;
        else
            return 0;
        return 1;
    case ZYDIS_MNEMONIC_PINSRB: r = op_pinsrb_r, m = op_pinsrb_m; break;
    case ZYDIS_MNEMONIC_PINSRD: r = op_pinsrd_r, m = op_pinsrd_m; break;
    case ZYDIS_MNEMONIC_PINSRQ: r = op_pinsrq_r, m = op_pinsrq_m; break;
    case ZYDIS_MNEMONIC_PEXTRB: r = op_pextrb_r, m = op_pextrb_m, ins = 0; break;
    case ZYDIS_MNEMONIC_PEXTRD:
    case ZYDIS_MNEMONIC_EXTRACTPS: r = op_pextrd_r, m = op_pextrd_m, ins = 0; break;
    case ZYDIS_MNEMONIC_PEXTRQ: r = op_pextrq_r, m = op_pextrq_m, ins = 0; break;
    default: return 0;
    }
    int x = ins ? 0 : 1, o = 1 - x; /* the XMM operand and the r/m one */
    if (!sse_op_xmm(d, i, x)) return 0;
    if (sse_op_gpr(d, i, o))
        i->fn = r;
    else if (sse_op_mem(d, i, o))
        i->fn = m;
    else
        return 0;
    return 1;
}

FAMILY_TABLE(sse41_ops) = {
#define X(n, M, ...) {ZYDIS_MNEMONIC_##M, 0, sel_sse41, "sse41"},
    INT41_OPS(X) PMOVX_OPS(X) X(blendps, BLENDPS) X(blendpd, BLENDPD) X(pblendw, PBLENDW)
        X(mpsadbw, MPSADBW) X(blendvps, BLENDVPS) X(blendvpd, BLENDVPD) X(pblendvb, PBLENDVB)
            X(ptest, PTEST) X(movntdqa, MOVNTDQA)
#undef X
#define X(M) {ZYDIS_MNEMONIC_##M, 0, sel_fpimm, "sse41"},
                X(DPPS) X(DPPD) X(ROUNDPS) X(ROUNDPD) X(ROUNDSS) X(ROUNDSD)
#undef X
#define X(M) {ZYDIS_MNEMONIC_##M, 0, sel_insext, "sse41"},
                    X(INSERTPS) X(PINSRB) X(PINSRD) X(PINSRQ) X(PEXTRB) X(PEXTRD) X(PEXTRQ)
                        X(EXTRACTPS)
#undef X
                            {0},
};
