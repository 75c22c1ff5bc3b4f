/* SSE3 and SSSE3 on XMM registers.
 *   SSE3:  ADDSUBPS ADDSUBPD HADDPS HADDPD HSUBPS HSUBPD (floating point),
 *          MOVSHDUP MOVSLDUP MOVDDUP LDDQU (moves). FISTTP is in
 *          cpu/x87_ld.c; MONITOR/MWAIT are privileged (#UD at CPL 3).
 *   SSSE3: PABSB/W/D PSIGNB/W/D PMADDUBSW PMULHRSW PHADDW/D/SW PHSUBW/D/SW
 *          PSHUFB PALIGNR. Their MMX (mm register) forms are cpu/mmx.c's
 *          (mmx_select).
 *
 * Every arithmetic operation is the host instruction itself (inline asm with
 * the guest's operand order), so results, NaN propagation and the MXCSR
 * flags are the host's; with an exception unmasked the floating-point ones
 * run under the guest's MXCSR and the host decides #XM (sse_fp_native). The
 * moves and PALIGNR raise no SIMD exceptions and are plain data movement. */
#include "sse.h"

int mmx_operand(const DecodeCtx *d);
int mmx_select(const DecodeCtx *d, Insn *i);

/* --- SSE3 floating point ------------------------------------------------- */
SSE_ASM_BIN(f_addsubps, "addsubps")
SSE_ASM_BIN(f_addsubpd, "addsubpd")
SSE_ASM_BIN(f_haddps, "haddps")
SSE_ASM_BIN(f_haddpd, "haddpd")
SSE_ASM_BIN(f_hsubps, "hsubps")
SSE_ASM_BIN(f_hsubpd, "hsubpd")

/* clang-format off */
#define FP3_OPS(X)                                                                          \
    X(addsubps, ADDSUBPS) X(addsubpd, ADDSUBPD) X(haddps, HADDPS) X(haddpd, HADDPD)         \
    X(hsubps, HSUBPS) X(hsubpd, HSUBPD)
/* clang-format on */
#define X(n, M) SSE_FP_NATIVE_HANDLERS(op_##n, f_##n, M128A)
FP3_OPS(X)
#undef X

/* --- SSE3 moves: duplicates of the odd/even floats or the low double ------ */
static inline __m128i f_movshdup(__m128i a, __m128i b) { return _mm_shuffle_epi32(b, 0xf5); }
static inline __m128i f_movsldup(__m128i a, __m128i b) { return _mm_shuffle_epi32(b, 0xa0); }
static inline __m128i f_movddup(__m128i a, __m128i b) { return _mm_unpacklo_epi64(b, b); }
SSE_INT_HANDLERS(op_movshdup, f_movshdup, M128A)
SSE_INT_HANDLERS(op_movsldup, f_movsldup, M128A)
SSE_INT_HANDLERS(op_movddup, f_movddup, M64) /* m64: no alignment check */
static void op_lddqu_rm(Cpu *c, const Insn *i) { xst(XMM(c, i->r[0]), sse_ld_M128U(c, i)); }

/* --- SSSE3 ---------------------------------------------------------------- */
#define X(n, M) SSE_ASM_BIN(f_##n, #n)
SSE_SSSE3_LANE_OPS(X)
SSE_SSSE3_HORIZ_OPS(X)
#undef X
SSE_ASM_BIN(f_pshufb, "pshufb")
#define X(n, M) SSE_INT_HANDLERS(op_##n, f_##n, M128A)
SSE_SSSE3_LANE_OPS(X)
SSE_SSSE3_HORIZ_OPS(X)
X(pshufb, PSHUFB)
#undef X

/* PALIGNR: bytes imm8.. of the 32-byte dst:src, zeros past the end. Two
 * PSHUFB byte shifts (sse.h), no store and reload through a stack buffer,
 * which stalls store-to-load forwarding. */
const uint8_t sse_byte_shift_idx[48] = {
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0,    1,    2,    3,    4,    5,    6,    7,    8,    9,    10,   11,   12,   13,   14,   15,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
};
static inline __m128i palignr(__m128i d, __m128i s, unsigned n) {
    if (n >= 32) return _mm_setzero_si128();
    if (n >= 16) return sse_bytes_shr(d, n - 16);
    return _mm_or_si128(sse_bytes_shr(s, n), sse_bytes_shl(d, 16 - n));
}
static void op_palignr_rr(Cpu *c, const Insn *i) {
    Xmm *d = XMM(c, i->r[0]);
    xst(d, palignr(xld(d), xld(XMM(c, i->r[1])), i->imm & 0xff));
}
static void op_palignr_rm(Cpu *c, const Insn *i) {
    __m128i s = sse_ld_M128A(c, i);
    Xmm *d = XMM(c, i->r[0]);
    xst(d, palignr(xld(d), s, i->imm & 0xff));
}

static const SseForm forms[] = {
#define X(n, M) {ZYDIS_MNEMONIC_##M, op_##n##_rr, op_##n##_rm},
    FP3_OPS(X) SSE_SSSE3_LANE_OPS(X) SSE_SSSE3_HORIZ_OPS(X) X(pshufb, PSHUFB) X(palignr, PALIGNR)
        X(movshdup, MOVSHDUP) X(movsldup, MOVSLDUP) X(movddup, MOVDDUP)
#undef X
            {ZYDIS_MNEMONIC_LDDQU, NULL, op_lddqu_rm},
};
static int sel_sse3(const DecodeCtx *d, Insn *i) {
    if (mmx_operand(d)) return mmx_select(d, i);
    return sse_sel_forms(d, i, forms, SSE_ALEN(forms));
}

FAMILY_TABLE(sse3_ops) = {
#define X(n, M) {ZYDIS_MNEMONIC_##M, 0, sel_sse3, "sse3"},
    FP3_OPS(X) SSE_SSSE3_LANE_OPS(X) SSE_SSSE3_HORIZ_OPS(X) X(pshufb, PSHUFB) X(palignr, PALIGNR)
        X(movshdup, MOVSHDUP) X(movsldup, MOVSLDUP) X(movddup, MOVDDUP) X(lddqu, LDDQU)
#undef X
            {0},
};
