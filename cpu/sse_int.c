/* SSE2 packed integer arithmetic on XMM registers: PADD/PSUB (B W D Q),
 * saturating PADDS/PADDUS/PSUBS/PSUBUS (B W), PMULLW PMULHW PMULHUW PMULUDQ
 * PMADDWD PSADBW PAVGB PAVGW PMINUB PMAXUB PMINSW PMAXSW, PAND PANDN POR
 * PXOR, PCMPEQ/PCMPGT (B W D), shifts PSLL/PSRL (W D Q) and PSRA (W D) by
 * xmm/m128 or imm8, and the byte shifts PSLLDQ/PSRLDQ.
 *
 * Integer results do not depend on operand order or MXCSR, so plain
 * intrinsics are exact. The MMX (mm register) encodings of the same
 * mnemonics are handed to cpu/mmx.c (mmx_select).
 * PCMPEQB, PXOR, POR and PMINUB sit in libc's string loops: their
 * handlers are one load, one op, one store. */
#include "sse.h"

/* MMX-register forms of these mnemonics belong to cpu/mmx.c. */
int mmx_operand(const DecodeCtx *d);
int mmx_select(const DecodeCtx *d, Insn *i);

/* name, Zydis mnemonic, intrinsic */
/* clang-format off */
#define INT_OPS(X) SSE_INT_LANE_OPS(X)
/* clang-format on */

#define X(n, M, intr)                                                                              \
    static inline __m128i f_##n(__m128i a, __m128i b) { return intr(a, b); }                       \
    SSE_INT_HANDLERS(op_##n, f_##n, M128A)
INT_OPS(X)
#undef X

static const SseForm int_forms[] = {
#define X(n, M, intr) {ZYDIS_MNEMONIC_##M, op_##n##_rr, op_##n##_rm},
    INT_OPS(X)
#undef X
};
static int sel_int(const DecodeCtx *d, Insn *i) {
    if (mmx_operand(d)) return mmx_select(d, i);
    return sse_sel_forms(d, i, int_forms, SSE_ALEN(int_forms));
}

/* --- element shifts: count from xmm/m128 (low 64 bits) or imm8 ------------ */
/* clang-format off */
#define SHIFT_OPS(X)                                                                        \
    X(psllw, PSLLW, _mm_sll_epi16) X(pslld, PSLLD, _mm_sll_epi32)                           \
    X(psllq, PSLLQ, _mm_sll_epi64) X(psrlw, PSRLW, _mm_srl_epi16)                           \
    X(psrld, PSRLD, _mm_srl_epi32) X(psrlq, PSRLQ, _mm_srl_epi64)                           \
    X(psraw, PSRAW, _mm_sra_epi16) X(psrad, PSRAD, _mm_sra_epi32)
/* clang-format on */

#define X(n, M, intr)                                                                              \
    static inline __m128i f_##n(__m128i a, __m128i b) { return intr(a, b); }                       \
    SSE_INT_HANDLERS(op_##n, f_##n, M128A)                                                         \
    static void op_##n##_ri(Cpu *c, const Insn *i) {                                               \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        xst(d, intr(xld(d), _mm_cvtsi32_si128((int)(i->imm & 0xff))));                             \
    }
SHIFT_OPS(X)
#undef X

/* --- PSLLDQ / PSRLDQ: whole-register byte shifts by imm8 (>15: zero) ------ */
static void op_pslldq(Cpu *c, const Insn *i) {
    unsigned n = i->imm & 0xff;
    Xmm *d = XMM(c, i->r[0]);
    xst(d, sse_bytes_shl(xld(d), n > 16 ? 16 : n));
}
static void op_psrldq(Cpu *c, const Insn *i) {
    unsigned n = i->imm & 0xff;
    Xmm *d = XMM(c, i->r[0]);
    xst(d, sse_bytes_shr(xld(d), n > 16 ? 16 : n));
}

static const struct {
    uint16_t mnem;
    Handler rr, rm, ri;
} shift_forms[] = {
#define X(n, M, intr) {ZYDIS_MNEMONIC_##M, op_##n##_rr, op_##n##_rm, op_##n##_ri},
    SHIFT_OPS(X)
#undef X
        {ZYDIS_MNEMONIC_PSLLDQ, NULL, NULL, op_pslldq},
    {ZYDIS_MNEMONIC_PSRLDQ, NULL, NULL, op_psrldq},
};

static int sel_shift(const DecodeCtx *d, Insn *i) {
    if (mmx_operand(d)) return mmx_select(d, i);
    if (d->nexp != 2 || !sse_op_xmm(d, i, 0)) return 0;
    for (size_t k = 0; k < SSE_ALEN(shift_forms); k++) {
        if (shift_forms[k].mnem != i->mnem) continue;
        if (i->k[1] == K_IMM)
            i->fn = shift_forms[k].ri;
        else if (sse_op_xmm(d, i, 1))
            i->fn = shift_forms[k].rr;
        else if (sse_op_mem(d, i, 1))
            i->fn = shift_forms[k].rm;
        else
            return 0;
        return i->fn != NULL;
    }
    return 0;
}

FAMILY_TABLE(sse_int_ops) = {
#define X(n, M, intr) {ZYDIS_MNEMONIC_##M, 0, sel_int, "sse_int"},
    INT_OPS(X)
#undef X
#define X(n, M, intr) {ZYDIS_MNEMONIC_##M, 0, sel_shift, "sse_int"},
        SHIFT_OPS(X)
#undef X
            {ZYDIS_MNEMONIC_PSLLDQ, 0, sel_shift, "sse_int"},
    {ZYDIS_MNEMONIC_PSRLDQ, 0, sel_shift, "sse_int"},
    {0},
};
