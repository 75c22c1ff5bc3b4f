/* SSE/SSE2 data movement, shuffles and packing on XMM registers:
 *   MOVAPS MOVAPD MOVDQA (aligned) MOVUPS MOVUPD MOVDQU (unaligned)
 *   MOVNTPS MOVNTPD MOVNTDQ MOVNTI, MOVSS MOVSD (SSE forms), MOVD MOVQ
 *   (xmm <-> r/m32/64, xmm <-> xmm/m64), MOVLPS MOVHPS MOVLPD MOVHPD
 *   MOVHLPS MOVLHPS, MOVMSKPS MOVMSKPD PMOVMSKB, MASKMOVDQU,
 *   SHUFPS SHUFPD PSHUFD PSHUFLW PSHUFHW, UNPCK[LH]PS/PD, PUNPCK[LH]
 *   BW/WD/DQ/QDQ, PACKSSWB PACKSSDW PACKUSWB, PINSRW PEXTRW.
 * MMX-register encodings are handed to cpu/mmx.c (mmx_select).
 * MOVDQU/MOVDQA loads and stores and PMOVMSKB are in libc's string loops:
 * each form has its own handler. */
#include "sse.h"

/* MMX-register forms of these mnemonics belong to cpu/mmx.c. */
int mmx_operand(const DecodeCtx *d);
int mmx_select(const DecodeCtx *d, Insn *i);

/* --- 128-bit moves ---------------------------------------------------------- */
static void op_mov_rr(Cpu *c, const Insn *i) { *XMM(c, i->r[0]) = *XMM(c, i->r[1]); }
static void op_mov_lda(Cpu *c, const Insn *i) { xst(XMM(c, i->r[0]), sse_ld_M128A(c, i)); }
static void op_mov_ldu(Cpu *c, const Insn *i) { xst(XMM(c, i->r[0]), sse_ld_M128U(c, i)); }
static void op_mov_sta(Cpu *c, const Insn *i) {
    sse_wr128(c, sse_ea_a16(c, i), xld(XMM(c, i->r[1])));
}
static void op_mov_stu(Cpu *c, const Insn *i) { sse_wr128(c, insn_ea(c, i), xld(XMM(c, i->r[1]))); }

static int sel_mov128(const DecodeCtx *d, Insn *i) {
    int aligned = 1;
    switch (i->mnem) {
    case ZYDIS_MNEMONIC_MOVUPS:
    case ZYDIS_MNEMONIC_MOVUPD:
    case ZYDIS_MNEMONIC_MOVDQU: aligned = 0; break;
    default: break;
    }
    int nt = i->mnem == ZYDIS_MNEMONIC_MOVNTPS || i->mnem == ZYDIS_MNEMONIC_MOVNTPD ||
             i->mnem == ZYDIS_MNEMONIC_MOVNTDQ;
    if (d->nexp != 2) return 0;
    if (sse_op_xmm(d, i, 0) && sse_op_xmm(d, i, 1) && !nt)
        i->fn = op_mov_rr;
    else if (sse_op_xmm(d, i, 0) && sse_op_mem(d, i, 1) && !nt)
        i->fn = aligned ? op_mov_lda : op_mov_ldu;
    else if (sse_op_mem(d, i, 0) && sse_op_xmm(d, i, 1))
        i->fn = aligned ? op_mov_sta : op_mov_stu;
    else
        return 0;
    return 1;
}

/* --- MOVSS / MOVSD: reg-reg merges the low element, loads zero the rest -- */
static void op_movss_rr(Cpu *c, const Insn *i) { XMM(c, i->r[0])->d[0] = XMM(c, i->r[1])->d[0]; }
static void op_movsd_rr(Cpu *c, const Insn *i) { XMM(c, i->r[0])->q[0] = XMM(c, i->r[1])->q[0]; }
static void op_movss_ld(Cpu *c, const Insn *i) { xst(XMM(c, i->r[0]), sse_ld_M32(c, i)); }
static void op_movsd_ld(Cpu *c, const Insn *i) { xst(XMM(c, i->r[0]), sse_ld_M64(c, i)); }
static void op_movss_st(Cpu *c, const Insn *i) {
    mem_wr32(c, insn_ea(c, i), XMM(c, i->r[1])->d[0]);
}
static void op_movsd_st(Cpu *c, const Insn *i) {
    mem_wr64(c, insn_ea(c, i), XMM(c, i->r[1])->q[0]);
}

/* MOVSD and MOVSS. The string MOVSD (A5) goes to the string family. */
static int sel_movs(const DecodeCtx *d, Insn *i) {
    int sd = i->mnem == ZYDIS_MNEMONIC_MOVSD;
    if (sd && sse_is_string_form(d)) return sse_delegate_string(d, i);
    if (d->nexp != 2) return 0;
    if (sse_op_xmm(d, i, 0) && sse_op_xmm(d, i, 1))
        i->fn = sd ? op_movsd_rr : op_movss_rr;
    else if (sse_op_xmm(d, i, 0) && sse_op_mem(d, i, 1))
        i->fn = sd ? op_movsd_ld : op_movss_ld;
    else if (sse_op_mem(d, i, 0) && sse_op_xmm(d, i, 1))
        i->fn = sd ? op_movsd_st : op_movss_st;
    else
        return 0;
    return 1;
}

/* --- MOVD / MOVQ ------------------------------------------------------------ */
static void op_movd_x_r(Cpu *c, const Insn *i) {
    xst(XMM(c, i->r[0]), _mm_cvtsi32_si128((int)reg_get(c, i->r[1], 4)));
}
static void op_movq_x_r(Cpu *c, const Insn *i) {
    xst(XMM(c, i->r[0]), _mm_cvtsi64_si128((long long)c->gpr[i->r[1] / 8]));
}
static void op_movd_r_x(Cpu *c, const Insn *i) { reg_set(c, i->r[0], 4, XMM(c, i->r[1])->d[0]); }
static void op_movq_r_x(Cpu *c, const Insn *i) { c->gpr[i->r[0] / 8] = XMM(c, i->r[1])->q[0]; }
static void op_movq_x_x(Cpu *c, const Insn *i) {
    xst(XMM(c, i->r[0]), _mm_move_epi64(xld(XMM(c, i->r[1]))));
}

static int sel_movdq(const DecodeCtx *d, Insn *i) {
    if (mmx_operand(d)) return mmx_select(d, i);
    int q = i->mnem == ZYDIS_MNEMONIC_MOVQ;
    if (d->nexp != 2) return 0;
    if (sse_op_xmm(d, i, 0)) {
        if (sse_op_gpr(d, i, 1))
            i->fn = q ? op_movq_x_r : op_movd_x_r;
        else if (sse_op_mem(d, i, 1))
            i->fn = q ? op_movsd_ld : op_movss_ld; /* zero-extending loads */
        else if (q && sse_op_xmm(d, i, 1))
            i->fn = op_movq_x_x;
        else
            return 0;
    } else if (sse_op_xmm(d, i, 1)) {
        if (sse_op_gpr(d, i, 0))
            i->fn = q ? op_movq_r_x : op_movd_r_x;
        else if (sse_op_mem(d, i, 0))
            i->fn = q ? op_movsd_st : op_movss_st;
        else
            return 0;
    } else {
        return 0;
    }
    return 1;
}

/* --- MOVLPS/MOVLPD/MOVHPS/MOVHPD, MOVHLPS/MOVLHPS ---------------------------- */
static void op_movlp_ld(Cpu *c, const Insn *i) {
    uint64_t v = mem_rd64(c, insn_ea(c, i));
    XMM(c, i->r[0])->q[0] = v;
}
static void op_movhp_ld(Cpu *c, const Insn *i) {
    uint64_t v = mem_rd64(c, insn_ea(c, i));
    XMM(c, i->r[0])->q[1] = v;
}
static void op_movhp_st(Cpu *c, const Insn *i) {
    mem_wr64(c, insn_ea(c, i), XMM(c, i->r[1])->q[1]);
}
static void op_movhlps(Cpu *c, const Insn *i) { XMM(c, i->r[0])->q[0] = XMM(c, i->r[1])->q[1]; }
static void op_movlhps(Cpu *c, const Insn *i) { XMM(c, i->r[0])->q[1] = XMM(c, i->r[1])->q[0]; }

static int sel_movlh(const DecodeCtx *d, Insn *i) {
    if (d->nexp != 2) return 0;
    int high = i->mnem == ZYDIS_MNEMONIC_MOVHPS || i->mnem == ZYDIS_MNEMONIC_MOVHPD;
    switch (i->mnem) {
    case ZYDIS_MNEMONIC_MOVHLPS:
    case ZYDIS_MNEMONIC_MOVLHPS:
        if (!sse_op_xmm(d, i, 0) || !sse_op_xmm(d, i, 1)) return 0;
        i->fn = i->mnem == ZYDIS_MNEMONIC_MOVHLPS ? op_movhlps : op_movlhps;
        return 1;
    default: break;
    }
    if (sse_op_xmm(d, i, 0) && sse_op_mem(d, i, 1))
        i->fn = high ? op_movhp_ld : op_movlp_ld;
    else if (sse_op_mem(d, i, 0) && sse_op_xmm(d, i, 1))
        i->fn = high ? op_movhp_st : op_movsd_st;
    else
        return 0;
    return 1;
}

/* --- MOVMSKPS / MOVMSKPD / PMOVMSKB: r32/r64 <- sign bits (zero-extended) -- */
static void op_movmskps(Cpu *c, const Insn *i) {
    c->gpr[i->r[0] / 8] = (uint32_t)_mm_movemask_ps(PS(xld(XMM(c, i->r[1]))));
}
static void op_movmskpd(Cpu *c, const Insn *i) {
    c->gpr[i->r[0] / 8] = (uint32_t)_mm_movemask_pd(PD(xld(XMM(c, i->r[1]))));
}
static void op_pmovmskb(Cpu *c, const Insn *i) {
    c->gpr[i->r[0] / 8] = (uint32_t)_mm_movemask_epi8(xld(XMM(c, i->r[1])));
}
static int sel_movmsk(const DecodeCtx *d, Insn *i) {
    if (mmx_operand(d)) return mmx_select(d, i);
    if (d->nexp != 2 || !sse_op_gpr(d, i, 0) || !sse_op_xmm(d, i, 1)) return 0;
    switch (i->mnem) {
    case ZYDIS_MNEMONIC_MOVMSKPS: i->fn = op_movmskps; break;
    case ZYDIS_MNEMONIC_MOVMSKPD: i->fn = op_movmskpd; break;
    default: i->fn = op_pmovmskb; break;
    }
    return 1;
}

/* --- MOVNTI m32/m64, r32/r64 ------------------------------------------------- */
static void op_movnti32(Cpu *c, const Insn *i) {
    mem_wr32(c, insn_ea(c, i), (uint32_t)reg_get(c, i->r[1], 4));
}
static void op_movnti64(Cpu *c, const Insn *i) { mem_wr64(c, insn_ea(c, i), c->gpr[i->r[1] / 8]); }
static int sel_movnti(const DecodeCtx *d, Insn *i) {
    if (d->nexp != 2 || !sse_op_mem(d, i, 0) || !sse_op_gpr(d, i, 1)) return 0;
    i->fn = sse_op_size(d, 1) == 8 ? op_movnti64 : op_movnti32;
    return 1;
}

/* --- MASKMOVDQU xmm1, xmm2: store the bytes of xmm1 whose xmm2 byte has its
 * top bit set to [seg:rDI]. The whole 16-byte span is checked first, even
 * for an empty mask, as the (Intel) host does. --------------------------- */
static void op_maskmovdqu(Cpu *c, const Insn *i) {
    const Xmm *v = XMM(c, i->r[0]);
    unsigned m = (unsigned)_mm_movemask_epi8(xld(XMM(c, i->r[1])));
    cpu_probe_w(c, insn_ea(c, i), 16);
    for (unsigned k = 0; k < 16; k++)
        if (m >> k & 1) mem_wr8(c, insn_ea_plus(c, i, k), v->b[k]);
}
static int sel_maskmovdqu(const DecodeCtx *d, Insn *i) {
    if (d->nexp != 2 || !sse_op_xmm(d, i, 0) || !sse_op_xmm(d, i, 1)) return 0;
    /* The destination is a hidden operand: build the memory fields from it. */
    const ZydisDecodedOperand *m = NULL;
    for (int j = 0; j < d->zi->operand_count; j++)
        if (d->zo[j].type == ZYDIS_OPERAND_TYPE_MEMORY) m = &d->zo[j];
    if (!m) return 0;
    decode_mem_operand(d->mode, i->rip + i->len, m, i);
    i->fn = op_maskmovdqu;
    return 1;
}

/* --- shuffles with imm8 ---------------------------------------------------- */
#define SSE_IMM_HANDLERS(name, fn, LOAD)                                                           \
    static void name##_rr(Cpu *c, const Insn *i) {                                                 \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        *d = fn(*d, *XMM(c, i->r[1]), (unsigned)i->imm);                                           \
    }                                                                                              \
    static void name##_rm(Cpu *c, const Insn *i) {                                                 \
        Xmm b;                                                                                     \
        xst(&b, sse_ld_##LOAD(c, i));                                                              \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        *d = fn(*d, b, (unsigned)i->imm);                                                          \
    }

static inline Xmm f_shufps(Xmm a, Xmm b, unsigned m) {
    Xmm r;
    r.d[0] = a.d[m & 3];
    r.d[1] = a.d[(m >> 2) & 3];
    r.d[2] = b.d[(m >> 4) & 3];
    r.d[3] = b.d[(m >> 6) & 3];
    return r;
}
static inline Xmm f_shufpd(Xmm a, Xmm b, unsigned m) {
    Xmm r;
    r.q[0] = a.q[m & 1];
    r.q[1] = b.q[(m >> 1) & 1];
    return r;
}
static inline Xmm f_pshufd(Xmm a, Xmm b, unsigned m) {
    Xmm r;
    for (int k = 0; k < 4; k++)
        r.d[k] = b.d[(m >> (2 * k)) & 3];
    return r;
}
static inline Xmm f_pshuflw(Xmm a, Xmm b, unsigned m) {
    Xmm r;
    for (int k = 0; k < 4; k++)
        r.w[k] = b.w[(m >> (2 * k)) & 3];
    r.q[1] = b.q[1];
    return r;
}
static inline Xmm f_pshufhw(Xmm a, Xmm b, unsigned m) {
    Xmm r;
    r.q[0] = b.q[0];
    for (int k = 0; k < 4; k++)
        r.w[4 + k] = b.w[4 + ((m >> (2 * k)) & 3)];
    return r;
}
SSE_IMM_HANDLERS(op_shufps, f_shufps, M128A)
SSE_IMM_HANDLERS(op_shufpd, f_shufpd, M128A)
SSE_IMM_HANDLERS(op_pshufd, f_pshufd, M128A)
SSE_IMM_HANDLERS(op_pshuflw, f_pshuflw, M128A)
SSE_IMM_HANDLERS(op_pshufhw, f_pshufhw, M128A)

/* --- unpack and pack (no imm) ----------------------------------------------- */
/* clang-format off */
#define PACK_OPS(X)                                                                         \
    X(unpcklps, UNPCKLPS, _mm_unpacklo_epi32) X(unpckhps, UNPCKHPS, _mm_unpackhi_epi32)     \
    X(unpcklpd, UNPCKLPD, _mm_unpacklo_epi64) X(unpckhpd, UNPCKHPD, _mm_unpackhi_epi64)     \
    X(punpcklbw, PUNPCKLBW, _mm_unpacklo_epi8) X(punpckhbw, PUNPCKHBW, _mm_unpackhi_epi8)   \
    X(punpcklwd, PUNPCKLWD, _mm_unpacklo_epi16) X(punpckhwd, PUNPCKHWD, _mm_unpackhi_epi16) \
    X(punpckldq, PUNPCKLDQ, _mm_unpacklo_epi32) X(punpckhdq, PUNPCKHDQ, _mm_unpackhi_epi32) \
    X(punpcklqdq, PUNPCKLQDQ, _mm_unpacklo_epi64)                                           \
    X(punpckhqdq, PUNPCKHQDQ, _mm_unpackhi_epi64)                                           \
    X(packsswb, PACKSSWB, _mm_packs_epi16) X(packssdw, PACKSSDW, _mm_packs_epi32)           \
    X(packuswb, PACKUSWB, _mm_packus_epi16)
/* clang-format on */

#define X(n, M, intr)                                                                              \
    static inline __m128i f_##n(__m128i a, __m128i b) { return intr(a, b); }                       \
    SSE_INT_HANDLERS(op_##n, f_##n, M128A)
PACK_OPS(X)
#undef X

static const SseForm shuf_forms[] = {{ZYDIS_MNEMONIC_SHUFPS, op_shufps_rr, op_shufps_rm},
                                     {ZYDIS_MNEMONIC_SHUFPD, op_shufpd_rr, op_shufpd_rm},
                                     {ZYDIS_MNEMONIC_PSHUFD, op_pshufd_rr, op_pshufd_rm},
                                     {ZYDIS_MNEMONIC_PSHUFLW, op_pshuflw_rr, op_pshuflw_rm},
                                     {ZYDIS_MNEMONIC_PSHUFHW, op_pshufhw_rr, op_pshufhw_rm},
#define X(n, M, intr) {ZYDIS_MNEMONIC_##M, op_##n##_rr, op_##n##_rm},
                                     PACK_OPS(X)
#undef X
};
static int sel_shuf(const DecodeCtx *d, Insn *i) {
    if (mmx_operand(d)) return mmx_select(d, i);
    return sse_sel_forms(d, i, shuf_forms, SSE_ALEN(shuf_forms));
}

/* --- PINSRW xmm, r32/m16, imm8 ; PEXTRW r32/r64, xmm, imm8 (and m16, SSE4.1) */
static void op_pinsrw_r(Cpu *c, const Insn *i) {
    XMM(c, i->r[0])->w[i->imm & 7] = (uint16_t)reg_get(c, i->r[1], 2);
}
static void op_pinsrw_m(Cpu *c, const Insn *i) {
    uint16_t v = mem_rd16(c, insn_ea(c, i));
    XMM(c, i->r[0])->w[i->imm & 7] = v;
}
static void op_pextrw_r(Cpu *c, const Insn *i) {
    c->gpr[i->r[0] / 8] = XMM(c, i->r[1])->w[i->imm & 7];
}
static void op_pextrw_m(Cpu *c, const Insn *i) {
    mem_wr16(c, insn_ea(c, i), XMM(c, i->r[1])->w[i->imm & 7]);
}
static int sel_pinsrw(const DecodeCtx *d, Insn *i) {
    if (mmx_operand(d)) return mmx_select(d, i);
    if (d->nexp != 3 || i->k[2] != K_IMM || !sse_op_xmm(d, i, 0)) return 0;
    if (sse_op_gpr(d, i, 1))
        i->fn = op_pinsrw_r;
    else if (sse_op_mem(d, i, 1))
        i->fn = op_pinsrw_m;
    else
        return 0;
    return 1;
}
static int sel_pextrw(const DecodeCtx *d, Insn *i) {
    if (mmx_operand(d)) return mmx_select(d, i);
    if (d->nexp != 3 || i->k[2] != K_IMM || !sse_op_xmm(d, i, 1)) return 0;
    if (sse_op_gpr(d, i, 0))
        i->fn = op_pextrw_r;
    else if (sse_op_mem(d, i, 0))
        i->fn = op_pextrw_m;
    else
        return 0;
    return 1;
}

FAMILY_TABLE(sse_mov_ops) = {
    {ZYDIS_MNEMONIC_MOVAPS, 0, sel_mov128, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVAPD, 0, sel_mov128, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVDQA, 0, sel_mov128, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVUPS, 0, sel_mov128, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVUPD, 0, sel_mov128, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVDQU, 0, sel_mov128, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVNTPS, 0, sel_mov128, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVNTPD, 0, sel_mov128, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVNTDQ, 0, sel_mov128, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVNTI, 0, sel_movnti, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVSS, 0, sel_movs, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVSD, 0, sel_movs, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVD, 0, sel_movdq, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVQ, 0, sel_movdq, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVLPS, 0, sel_movlh, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVLPD, 0, sel_movlh, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVHPS, 0, sel_movlh, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVHPD, 0, sel_movlh, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVHLPS, 0, sel_movlh, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVLHPS, 0, sel_movlh, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVMSKPS, 0, sel_movmsk, "sse_mov"},
    {ZYDIS_MNEMONIC_MOVMSKPD, 0, sel_movmsk, "sse_mov"},
    {ZYDIS_MNEMONIC_PMOVMSKB, 0, sel_movmsk, "sse_mov"},
    {ZYDIS_MNEMONIC_MASKMOVDQU, 0, sel_maskmovdqu, "sse_mov"},
    {ZYDIS_MNEMONIC_SHUFPS, 0, sel_shuf, "sse_mov"},
    {ZYDIS_MNEMONIC_SHUFPD, 0, sel_shuf, "sse_mov"},
    {ZYDIS_MNEMONIC_PSHUFD, 0, sel_shuf, "sse_mov"},
    {ZYDIS_MNEMONIC_PSHUFLW, 0, sel_shuf, "sse_mov"},
    {ZYDIS_MNEMONIC_PSHUFHW, 0, sel_shuf, "sse_mov"},
#define X(n, M, intr) {ZYDIS_MNEMONIC_##M, 0, sel_shuf, "sse_mov"},
    PACK_OPS(X)
#undef X
        {ZYDIS_MNEMONIC_PINSRW, 0, sel_pinsrw, "sse_mov"},
    {ZYDIS_MNEMONIC_PEXTRW, 0, sel_pextrw, "sse_mov"},
    {0},
};
