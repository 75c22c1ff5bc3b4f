/* BMI2: BZHI MULX PDEP PEXT RORX SARX SHLX SHRX (VEX-encoded, 32/64-bit
 * general-purpose registers; VEX.W selects 64-bit in 64-bit mode).
 *
 * Operand order as Zydis lists them (explicit operands):
 *   BZHI r, r/m, r(vvvv: index)      MULX r(high), r(vvvv: low), r/m  (* EDX/RDX)
 *   PDEP/PEXT r, r(vvvv: source), r/m(mask)
 *   RORX r, r/m, imm8                SARX/SHLX/SHRX r, r/m, r(vvvv: count)
 * Only BZHI changes flags: ZF SF by the result, CF = index >= operand size,
 * OF = 0; the undefined AF and PF as the AMD Zen 1 host sets them: AF = 0,
 * PF = parity of the result's low byte (RS_UNDEF=1 test_sse42 compares them). The others leave
 * the flags alone. Counts are masked to 5 (6) bits; MULX writes the low half
 * first, so with both destinations the same register it holds the high half. */
#include "insn.h"

#define ALWAYS static inline __attribute__((always_inline))

enum { B_BZHI, B_MULX, B_PDEP, B_PEXT, B_RORX, B_SARX, B_SHLX, B_SHRX, B_COUNT };

ALWAYS uint64_t pdep(uint64_t src, uint64_t mask) {
    uint64_t r = 0;
    for (uint64_t bit = 1; mask; mask &= mask - 1, bit <<= 1)
        if (src & bit) r |= mask & (0 - mask);
    return r;
}
ALWAYS uint64_t pext(uint64_t src, uint64_t mask) {
    uint64_t r = 0;
    for (uint64_t bit = 1; mask; mask &= mask - 1, bit <<= 1)
        if (src & mask & (0 - mask)) r |= bit;
    return r;
}

/* a: the r/m operand (or the register in its place); b: the other source. */
ALWAYS void bmi2(Cpu *c, const Insn *i, int op, unsigned sz, uint64_t a) {
    const unsigned w = sz * 8;
    const uint64_t m = size_mask(sz);
    uint64_t r;
    switch (op) {
    case B_BZHI: {
        unsigned n = (unsigned)(reg_get(c, i->r[2], sz) & 0xff);
        r = n < w ? a & ((1ull << n) - 1) : a & m;
        reg_set(c, i->r[0], sz, r);
        uint64_t fl = (n >= w ? F_CF : 0) | (r == 0 ? F_ZF : 0) | (r & sign_bit(sz) ? F_SF : 0) |
                      (__builtin_parity((unsigned)(r & 0xff)) ? 0 : F_PF);
        c->rflags = (c->rflags & ~(uint64_t)F_ARITH) | fl;
        c->lf.op = LF_NONE;
        return;
    }
    case B_MULX: {
        unsigned __int128 p = (unsigned __int128)(c->gpr[RDX] & m) * (a & m);
        reg_set(c, i->r[1], sz, (uint64_t)p & m);
        reg_set(c, i->r[0], sz, (uint64_t)(p >> w) & m);
        return;
    }
    case B_PDEP: r = pdep(reg_get(c, i->r[1], sz), a & m); break;
    case B_PEXT: r = pext(reg_get(c, i->r[1], sz), a & m); break;
    case B_RORX: {
        unsigned n = (unsigned)i->imm & (w - 1);
        a &= m;
        r = n ? ((a >> n) | (a << (w - n))) & m : a;
        break;
    }
    case B_SARX: r = (uint64_t)(sext(a, sz) >> (reg_get(c, i->r[2], sz) & (w - 1))) & m; break;
    case B_SHLX: r = (a << (reg_get(c, i->r[2], sz) & (w - 1))) & m; break;
    default: /* B_SHRX */ r = (a & m) >> (reg_get(c, i->r[2], sz) & (w - 1)); break;
    }
    reg_set(c, i->r[0], sz, r);
}

/* RM: position of the r/m operand. */
#define BMI2_OP(NAME, OP, RM)                                                                      \
    static void NAME##_rr4(Cpu *c, const Insn *i) { bmi2(c, i, OP, 4, reg_get(c, i->r[RM], 4)); }  \
    static void NAME##_rr8(Cpu *c, const Insn *i) { bmi2(c, i, OP, 8, c->gpr[i->r[RM] / 8]); }     \
    static void NAME##_rm4(Cpu *c, const Insn *i) {                                                \
        bmi2(c, i, OP, 4, mem_rd32(c, insn_ea(c, i)));                                             \
    }                                                                                              \
    static void NAME##_rm8(Cpu *c, const Insn *i) { bmi2(c, i, OP, 8, mem_rd64(c, insn_ea(c, i))); }
BMI2_OP(bzhi, B_BZHI, 1)
BMI2_OP(mulx, B_MULX, 2)
BMI2_OP(pdep, B_PDEP, 2)
BMI2_OP(pext, B_PEXT, 2)
BMI2_OP(rorx, B_RORX, 1)
BMI2_OP(sarx, B_SARX, 1)
BMI2_OP(shlx, B_SHLX, 1)
BMI2_OP(shrx, B_SHRX, 1)

#define BMI2_ROW(N)                                                                                \
    {                                                                                              \
        {N##_rr4, N##_rr8}, { N##_rm4, N##_rm8 }                                                   \
    }
/* [operation][memory][64-bit] */
static const Handler bmi2_tab[B_COUNT][2][2] = {
    BMI2_ROW(bzhi), BMI2_ROW(mulx), BMI2_ROW(pdep), BMI2_ROW(pext),
    BMI2_ROW(rorx), BMI2_ROW(sarx), BMI2_ROW(shlx), BMI2_ROW(shrx),
};

static int sel_bmi2(const DecodeCtx *d, Insn *i) {
    int op, rm;
    switch (i->mnem) {
    case ZYDIS_MNEMONIC_BZHI: op = B_BZHI, rm = 1; break;
    case ZYDIS_MNEMONIC_MULX: op = B_MULX, rm = 2; break;
    case ZYDIS_MNEMONIC_PDEP: op = B_PDEP, rm = 2; break;
    case ZYDIS_MNEMONIC_PEXT: op = B_PEXT, rm = 2; break;
    case ZYDIS_MNEMONIC_RORX: op = B_RORX, rm = 1; break;
    case ZYDIS_MNEMONIC_SARX: op = B_SARX, rm = 1; break;
    case ZYDIS_MNEMONIC_SHLX: op = B_SHLX, rm = 1; break;
    case ZYDIS_MNEMONIC_SHRX: op = B_SHRX, rm = 1; break;
    default: return 0;
    }
    unsigned sz = d->zo[0].size / 8;
    if (d->zi->encoding != ZYDIS_INSTRUCTION_ENCODING_VEX || d->nexp != 3) return 0;
    if (sz != 4 && sz != 8) return 0;
    for (int j = 0; j < 3; j++) {
        if (j == rm && i->k[j] == K_MEM) continue;
        if (op == B_RORX && j == 2) {
            if (i->k[j] != K_IMM) return 0;
            continue;
        }
        if (i->k[j] != K_REG || !zreg_is_gpr(d->zo[j].reg.value) || d->zo[j].size != sz * 8)
            return 0;
    }
    i->fn = bmi2_tab[op][i->k[rm] == K_MEM][sz == 8];
    return 1;
}

FAMILY_TABLE(bmi2_ops) = {
    {ZYDIS_MNEMONIC_BZHI, 0, sel_bmi2, "bmi2"},
    {ZYDIS_MNEMONIC_MULX, 0, sel_bmi2, "bmi2"},
    {ZYDIS_MNEMONIC_PDEP, 0, sel_bmi2, "bmi2"},
    {ZYDIS_MNEMONIC_PEXT, 0, sel_bmi2, "bmi2"},
    {ZYDIS_MNEMONIC_RORX, 0, sel_bmi2, "bmi2"},
    {ZYDIS_MNEMONIC_SARX, 0, sel_bmi2, "bmi2"},
    {ZYDIS_MNEMONIC_SHLX, 0, sel_bmi2, "bmi2"},
    {ZYDIS_MNEMONIC_SHRX, 0, sel_bmi2, "bmi2"},
    {0},
};
