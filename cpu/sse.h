/* Shared by the SSE/SSE2 family files (sse_mov.c, sse_int.c, sse_fp.c,
 * sse_cvt.c, sse_state.c): XMM register and memory operand access as host
 * vectors, the generic "xmm op= xmm/mem" handler generators and selector,
 * and the guard that turns unmasked SIMD floating-point exceptions into #XM.
 *
 * Arithmetic runs on the host's SSE unit (the same instruction in inline asm
 * for floating point, intrinsics for integer lanes), so results, NaN
 * propagation, rounding, DAZ/FTZ and the sticky MXCSR flags are the host's:
 * the run loop keeps the host MXCSR equal to the guest's (all exceptions
 * masked) while guest code runs. Internal to cpu/. */
#ifndef RINGSIDE_SSE_H
#define RINGSIDE_SSE_H

#include <emmintrin.h>
#include <stddef.h>

#include "insn.h"

#define SSE_ALEN(a) (sizeof(a) / sizeof((a)[0]))

/* MXCSR fields. */
#define MXCSR_FLAGS    0x3fu   /* IE DE ZE OE UE PE (sticky) */
#define MXCSR_MASKS    0x1f80u /* IM DM ZM OM UM PM */
#define MXCSR_DAZ      0x40u
#define CR4_OSXMMEXCPT (1u << 10)

/* --- registers and memory as host vectors ------------------------------ */
static inline __m128i xld(const Xmm *x) { return _mm_loadu_si128((const __m128i *)x); }
static inline void xst(Xmm *x, __m128i v) { _mm_storeu_si128((__m128i *)x, v); }
#define XMM(c, n) (&(c)->xmm[(n)])

#define SSE_INLINE static inline __attribute__((always_inline))
/* Out of line (sse_state.c): TLB miss or page crossing. */
__m128i sse_rd128_slow(Cpu *c, uint64_t a);
void sse_wr128_slow(Cpu *c, uint64_t a, __m128i v);

/* One TLB probe for the whole operand when it stays in one page (the same
 * check as mem_rd64/mem_wr64). */
SSE_INLINE __m128i sse_rd128(Cpu *c, uint64_t a) {
    const TlbEnt *e = &c->tlb_r[TLB_IDX(a)];
    if (likely(e->tag == (a & PAGE_MASK) && (a & (PAGE_SIZE - 1)) <= PAGE_SIZE - 16))
        return _mm_loadu_si128((const __m128i *)(uintptr_t)(a + e->addend));
    return sse_rd128_slow(c, a);
}
/* All-or-nothing 16-byte store. */
SSE_INLINE void sse_wr128(Cpu *c, uint64_t a, __m128i v) {
    const TlbEnt *e = &c->tlb_w[TLB_IDX(a)];
    if (likely(e->tag == (a & PAGE_MASK) && (a & (PAGE_SIZE - 1)) <= PAGE_SIZE - 16)) {
        _mm_storeu_si128((__m128i *)(uintptr_t)(a + e->addend), v);
        return;
    }
    sse_wr128_slow(c, a, v);
}
/* Legacy-encoded SSE requires 16-byte alignment of m128 operands except
 * for the explicitly unaligned moves: #GP(0) otherwise. */
SSE_INLINE uint64_t sse_ea_a16(Cpu *c, const Insn *i) {
    uint64_t a = insn_ea(c, i);
    if (unlikely(a & 15)) GP0(c);
    return a;
}

/* Memory-source loaders for the generic handlers: the operand lands in the
 * low bits of a vector, the rest zero. */
SSE_INLINE __m128i sse_ld_M128A(Cpu *c, const Insn *i) { return sse_rd128(c, sse_ea_a16(c, i)); }
SSE_INLINE __m128i sse_ld_M128U(Cpu *c, const Insn *i) { return sse_rd128(c, insn_ea(c, i)); }
SSE_INLINE __m128i sse_ld_M64(Cpu *c, const Insn *i) {
    return _mm_cvtsi64_si128((long long)mem_rd64(c, insn_ea(c, i)));
}
SSE_INLINE __m128i sse_ld_M32(Cpu *c, const Insn *i) {
    return _mm_cvtsi32_si128((int)mem_rd32(c, insn_ea(c, i)));
}

/* --- floating-point exception guard ------------------------------------- */
typedef __m128i (*SseFn)(__m128i a, __m128i b);

/* True while every SIMD FP exception is masked in the guest MXCSR (always,
 * in practice): then the host's masked result is the guest's result. */
static inline int sse_all_masked(const Cpu *c) {
    return likely((c->mxcsr & MXCSR_MASKS) == MXCSR_MASKS);
}
/* Slow path when some exception is unmasked: runs fn with the host's
 * sticky flags cleared, and if it raised an exception the guest unmasked,
 * records the flags and raises #XM (#UD when CR4.OSXMMEXCPT is clear)
 * without writing the destination. Otherwise returns fn's result. */
__m128i sse_fp_checked(Cpu *c, SseFn fn, __m128i a, __m128i b);
/* MXCSR as the guest sees it: c->mxcsr with the host's sticky flags. */
uint32_t sse_read_mxcsr(Cpu *c);
/* Bits LDMXCSR/FXRSTOR accept (the host's MXCSR_MASK). */
uint32_t sse_mxcsr_mask(void);

#define SSE_FP_EVAL(c, fn, a, b) (sse_all_masked(c) ? fn(a, b) : sse_fp_checked(c, fn, a, b))
/* The same with the host deciding an unmasked exception (cpu/sse_xm.c): fn
 * runs with the guest's MXCSR as it is; a host #XM becomes the guest's with
 * the flags the hardware recorded. Exact for every exception and for
 * multi-stage instructions (DPPS, DPPD, HADDPS...). */
__m128i sse_fp_native(Cpu *c, SseFn fn, __m128i a, __m128i b);
#define SSE_FP_EVAL_NATIVE(c, fn, a, b) (sse_all_masked(c) ? fn(a, b) : sse_fp_native(c, fn, a, b))

/* --- generic "dst = fn(dst, src)" handlers -------------------------------- */
/* Integer / bitwise / shuffle operations (no FP exceptions). fn(a, b) gets
 * the destination and the source; LOAD is one of the sse_ld_* loaders. */
#define SSE_INT_HANDLERS(name, fn, LOAD)                                                           \
    static void name##_rr(Cpu *c, const Insn *i) {                                                 \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        xst(d, fn(xld(d), xld(XMM(c, i->r[1]))));                                                  \
    }                                                                                              \
    static void name##_rm(Cpu *c, const Insn *i) {                                                 \
        __m128i b = sse_ld_##LOAD(c, i);                                                           \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        xst(d, fn(xld(d), b));                                                                     \
    }
/* Floating-point operations: the same, through the exception guard. */
#define SSE_FP_HANDLERS(name, fn, LOAD)                                                            \
    static void name##_rr(Cpu *c, const Insn *i) {                                                 \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        __m128i a = xld(d), b = xld(XMM(c, i->r[1]));                                              \
        xst(d, SSE_FP_EVAL(c, fn, a, b));                                                          \
    }                                                                                              \
    static void name##_rm(Cpu *c, const Insn *i) {                                                 \
        __m128i b = sse_ld_##LOAD(c, i);                                                           \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        __m128i a = xld(d);                                                                        \
        xst(d, SSE_FP_EVAL(c, fn, a, b));                                                          \
    }

/* Floating-point operations through sse_fp_native. */
#define SSE_FP_NATIVE_HANDLERS(name, fn, LOAD)                                                     \
    static void name##_rr(Cpu *c, const Insn *i) {                                                 \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        __m128i a = xld(d), b = xld(XMM(c, i->r[1]));                                              \
        xst(d, SSE_FP_EVAL_NATIVE(c, fn, a, b));                                                   \
    }                                                                                              \
    static void name##_rm(Cpu *c, const Insn *i) {                                                 \
        __m128i b = sse_ld_##LOAD(c, i);                                                           \
        Xmm *d = XMM(c, i->r[0]);                                                                  \
        __m128i a = xld(d);                                                                        \
        xst(d, SSE_FP_EVAL_NATIVE(c, fn, a, b));                                                   \
    }

/* Casts between the integer vector type the generic code uses and the
 * float/double views the FP intrinsics want. */
#define PS(v)  _mm_castsi128_ps(v)
#define PD(v)  _mm_castsi128_pd(v)
#define IPS(v) _mm_castps_si128(v)
#define IPD(v) _mm_castpd_si128(v)

/* --- selectors -------------------------------------------------------------- */
typedef struct SseForm {
    uint16_t mnem;
    Handler rr, rm;
} SseForm;

/* Explicit operand j is an XMM register (not MMX, not a GPR). */
static inline int sse_op_xmm(const DecodeCtx *d, const Insn *i, int j) {
    return j < d->nexp && i->k[j] == K_REG && d->zo[j].type == ZYDIS_OPERAND_TYPE_REGISTER &&
           ZydisRegisterGetClass(d->zo[j].reg.value) == ZYDIS_REGCLASS_XMM;
}
/* Explicit operand j is a general-purpose register. */
static inline int sse_op_gpr(const DecodeCtx *d, const Insn *i, int j) {
    if (j >= d->nexp || i->k[j] != K_REG || d->zo[j].type != ZYDIS_OPERAND_TYPE_REGISTER) return 0;
    ZydisRegisterClass k = ZydisRegisterGetClass(d->zo[j].reg.value);
    return k == ZYDIS_REGCLASS_GPR32 || k == ZYDIS_REGCLASS_GPR64;
}
static inline int sse_op_mem(const DecodeCtx *d, const Insn *i, int j) {
    return j < d->nexp && i->k[j] == K_MEM;
}
/* Size in bytes of explicit operand j as Zydis sees it. */
static inline unsigned sse_op_size(const DecodeCtx *d, int j) { return d->zo[j].size / 8; }

/* MOVSD and CMPSD share their Zydis mnemonic with the string instructions
 * and the decoder keeps one selector per mnemonic: the SSE selector hands
 * the string form (no XMM operand, opcode map 0) to the string family's
 * selector. (Harmless if the decoder ever tries several selectors.) */
extern const OpDef string_ops[];
static inline int sse_delegate_string(const DecodeCtx *d, Insn *i) {
    for (const OpDef *o = string_ops; o->mnem; o++)
        if (o->mnem == i->mnem) return o->sel(d, i);
    return 0;
}
static inline int sse_is_string_form(const DecodeCtx *d) {
    return d->zi->opcode_map == ZYDIS_OPCODE_MAP_DEFAULT;
}

/* The generic selector for "xmm, xmm/mem [, imm8]" forms listed in t:
 * picks rr or rm; rejects MMX operands and anything else (returns 0). */
static inline int sse_sel_forms(const DecodeCtx *d, Insn *i, const SseForm *t, size_t n) {
    const SseForm *f = NULL;
    for (size_t k = 0; k < n; k++)
        if (t[k].mnem == i->mnem) {
            f = &t[k];
            break;
        }
    if (!f || d->nexp < 2 || d->nexp > 3 || !sse_op_xmm(d, i, 0)) return 0;
    if (d->nexp == 3 && i->k[2] != K_IMM) return 0;
    if (sse_op_xmm(d, i, 1))
        i->fn = f->rr;
    else if (sse_op_mem(d, i, 1))
        i->fn = f->rm;
    else
        return 0;
    return i->fn != NULL;
}

/* The lane-wise integer operations shared by the SSE2 (128-bit) and MMX
 * (low 64 bits) families: name, Zydis mnemonic, intrinsic. */
/* clang-format off */
#define SSE_INT_LANE_OPS(X)                                                                          \
    X(paddb, PADDB, _mm_add_epi8) X(paddw, PADDW, _mm_add_epi16)                            \
    X(paddd, PADDD, _mm_add_epi32) X(paddq, PADDQ, _mm_add_epi64)                           \
    X(psubb, PSUBB, _mm_sub_epi8) X(psubw, PSUBW, _mm_sub_epi16)                            \
    X(psubd, PSUBD, _mm_sub_epi32) X(psubq, PSUBQ, _mm_sub_epi64)                           \
    X(paddsb, PADDSB, _mm_adds_epi8) X(paddsw, PADDSW, _mm_adds_epi16)                      \
    X(paddusb, PADDUSB, _mm_adds_epu8) X(paddusw, PADDUSW, _mm_adds_epu16)                  \
    X(psubsb, PSUBSB, _mm_subs_epi8) X(psubsw, PSUBSW, _mm_subs_epi16)                      \
    X(psubusb, PSUBUSB, _mm_subs_epu8) X(psubusw, PSUBUSW, _mm_subs_epu16)                  \
    X(pmullw, PMULLW, _mm_mullo_epi16) X(pmulhw, PMULHW, _mm_mulhi_epi16)                   \
    X(pmulhuw, PMULHUW, _mm_mulhi_epu16) X(pmuludq, PMULUDQ, _mm_mul_epu32)                 \
    X(pmaddwd, PMADDWD, _mm_madd_epi16) X(psadbw, PSADBW, _mm_sad_epu8)                     \
    X(pavgb, PAVGB, _mm_avg_epu8) X(pavgw, PAVGW, _mm_avg_epu16)                            \
    X(pminub, PMINUB, _mm_min_epu8) X(pmaxub, PMAXUB, _mm_max_epu8)                         \
    X(pminsw, PMINSW, _mm_min_epi16) X(pmaxsw, PMAXSW, _mm_max_epi16)                       \
    X(pand, PAND, _mm_and_si128) X(pandn, PANDN, _mm_andnot_si128)                          \
    X(por, POR, _mm_or_si128) X(pxor, PXOR, _mm_xor_si128)                                  \
    X(pcmpeqb, PCMPEQB, _mm_cmpeq_epi8) X(pcmpeqw, PCMPEQW, _mm_cmpeq_epi16)                \
    X(pcmpeqd, PCMPEQD, _mm_cmpeq_epi32) X(pcmpgtb, PCMPGTB, _mm_cmpgt_epi8)                \
    X(pcmpgtw, PCMPGTW, _mm_cmpgt_epi16) X(pcmpgtd, PCMPGTD, _mm_cmpgt_epi32)
/* clang-format on */

/* An operation that is one host instruction "insn src, dst" in inline asm
 * (the guest's operand order; the host has SSE3, SSSE3 and SSE4.1, the
 * compiler need not be told). fn(dst, src) -> new dst. */
#define SSE_ASM_BIN(fn, insn)                                                                      \
    static inline __m128i fn(__m128i a, __m128i b) {                                               \
        __asm__(insn " %1, %0" : "+x"(a) : "x"(b));                                                \
        return a;                                                                                  \
    }

/* Whole-register byte shifts by a run-time count n <= 16 (PSRLDQ, PSLLDQ,
 * PALIGNR): PSHUFB with an index vector from a constant table (cpu/sse3.c):
 * at +16+n, bytes n..15 then zeros; at +16-n, n zeros then bytes 0..15-n. */
extern const uint8_t sse_byte_shift_idx[48];
static inline __m128i sse_bytes_shr(__m128i x, unsigned n) {
    __m128i m = _mm_loadu_si128((const __m128i *)(sse_byte_shift_idx + 16 + n));
    __asm__("pshufb %1, %0" : "+x"(x) : "x"(m));
    return x;
}
static inline __m128i sse_bytes_shl(__m128i x, unsigned n) {
    __m128i m = _mm_loadu_si128((const __m128i *)(sse_byte_shift_idx + 16 - n));
    __asm__("pshufb %1, %0" : "+x"(x) : "x"(m));
    return x;
}

/* SSSE3 operations that also have an MMX form (cpu/sse3.c, cpu/mmx.c):
 * name, Zydis mnemonic. Lane-wise ones (the MMX form is the low 64 bits of
 * the 128-bit operation on zero-extended operands) ... */
/* clang-format off */
#define SSE_SSSE3_LANE_OPS(X)                                                                \
    X(pabsb, PABSB) X(pabsw, PABSW) X(pabsd, PABSD) X(psignb, PSIGNB) X(psignw, PSIGNW)      \
    X(psignd, PSIGND) X(pmaddubsw, PMADDUBSW) X(pmulhrsw, PMULHRSW)
/* ... and the horizontal ones (the MMX form is the low half of the 128-bit
 * operation on dst:src packed into one register, used as both operands). */
#define SSE_SSSE3_HORIZ_OPS(X)                                                               \
    X(phaddw, PHADDW) X(phaddd, PHADDD) X(phaddsw, PHADDSW) X(phsubw, PHSUBW)                \
    X(phsubd, PHSUBD) X(phsubsw, PHSUBSW)
/* clang-format on */

#endif
