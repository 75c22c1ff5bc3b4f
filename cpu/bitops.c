/* Bit instructions: BT BTS BTR BTC (register and memory operands), BSF BSR,
 * TZCNT LZCNT POPCNT, and the rest of BMI1 (ANDN BEXTR BLSI BLSMSK BLSR), so
 * that CPUID may advertise BMI1 along with TZCNT.
 *
 * BT* with a memory operand and a register bit offset reach outside the
 * operand: the offset is a signed operand-size integer, and the CPU accesses
 * the operand-size unit at EA + size * floor(offset / bits) (SDM; the host
 * faults exactly where that unit crosses into an unmapped page, where a
 * byte access would not). An immediate offset is taken modulo the operand
 * width. BTS/BTR/BTC always write back, so a read-only page faults even when
 * the bit is unchanged.
 *
 * Flags as the SDM defines them; the undefined ones follow the modelled
 * vendor and family (handlers chosen at decode time; docs/vendors.md
 * "Undefined flags"). BT*: only CF changes (both vendors). POPCNT: ZF
 * defined, the rest cleared. A zero BSF/BSR source leaves the destination
 * untouched (not even zero-extended).
 *   Intel (measured on family 6 model 0xa7), and BSF/BSR of AMD family 1Ah
 *   (its fuzzer summary matched this rule): BSF/BSR: ZF = (source == 0),
 *   CF = OF = SF = AF = 0, PF = parity of the result's low byte (set for a
 *   zero source). TZCNT/LZCNT: CF, ZF defined, the rest cleared. BMI1: the
 *   undefined AF, PF (and SF of BEXTR) are cleared.
 *   AMD (measured on family 17h; other families modelled the same):
 *   BSF/BSR change only ZF. TZCNT/LZCNT leave OF unchanged and clear SF, AF,
 *   PF. BMI1: PF = parity of the result's low byte; AF = 0, but BEXTR sets
 *   AF = 1 and clears SF. */
#include "insn.h"

#define ALWAYS static inline __attribute__((always_inline))

static void op_lock_ud(Cpu *c, const Insn *i) { UD(c); }

/* ---- BT / BTS / BTR / BTC ---- */

enum { B_BT, B_BTS, B_BTR, B_BTC };

ALWAYS uint64_t bt_apply(int op, uint64_t v, unsigned bit) {
    uint64_t m = 1ull << bit;
    switch (op) {
    case B_BTS: return v | m;
    case B_BTR: return v & ~m;
    case B_BTC: return v ^ m;
    default: return v;
    }
}

ALWAYS void set_cf(Cpu *c, uint64_t cf) { flags_put(c, F_CF, cf); }

#define LOG2W(SZ) ((SZ) == 2 ? 4 : (SZ) == 4 ? 5 : 6)

#define BT_SIZE(NAME, OP, SZ)                                                                      \
    static void NAME##_rr##SZ(Cpu *c, const Insn *i) {                                             \
        uint64_t v = reg_get(c, i->r[0], SZ);                                                      \
        unsigned bit = (unsigned)reg_get(c, i->r[1], SZ) & (SZ * 8 - 1);                           \
        if (OP != B_BT) reg_set(c, i->r[0], SZ, bt_apply(OP, v, bit));                             \
        set_cf(c, (v >> bit) & 1);                                                                 \
    }                                                                                              \
    static void NAME##_ri##SZ(Cpu *c, const Insn *i) {                                             \
        uint64_t v = reg_get(c, i->r[0], SZ);                                                      \
        unsigned bit = i->aux;                                                                     \
        if (OP != B_BT) reg_set(c, i->r[0], SZ, bt_apply(OP, v, bit));                             \
        set_cf(c, (v >> bit) & 1);                                                                 \
    }                                                                                              \
    static void NAME##_mr##SZ(Cpu *c, const Insn *i) {                                             \
        int64_t off = sext(reg_get(c, i->r[1], SZ), SZ);                                           \
        uint64_t ea = insn_ea_plus(c, i, (off >> LOG2W(SZ)) * SZ);                                 \
        unsigned bit = (unsigned)off & (SZ * 8 - 1);                                               \
        uint64_t v = mem_rd(c, ea, SZ);                                                            \
        if (OP != B_BT) mem_wr(c, ea, SZ, bt_apply(OP, v, bit));                                   \
        set_cf(c, (v >> bit) & 1);                                                                 \
    }                                                                                              \
    static void NAME##_mi##SZ(Cpu *c, const Insn *i) {                                             \
        uint64_t ea = insn_ea(c, i);                                                               \
        unsigned bit = i->aux;                                                                     \
        uint64_t v = mem_rd(c, ea, SZ);                                                            \
        if (OP != B_BT) mem_wr(c, ea, SZ, bt_apply(OP, v, bit));                                   \
        set_cf(c, (v >> bit) & 1);                                                                 \
    }
#define BT_OP(NAME, OP) BT_SIZE(NAME, OP, 2) BT_SIZE(NAME, OP, 4) BT_SIZE(NAME, OP, 8)
BT_OP(bt, B_BT)
BT_OP(bts, B_BTS)
BT_OP(btr, B_BTR)
BT_OP(btc, B_BTC)

#define BT_SIZES(N, F)                                                                             \
    { N##_##F##2, N##_##F##4, N##_##F##8 }
#define BT_ROW(N)                                                                                  \
    { BT_SIZES(N, rr), BT_SIZES(N, ri), BT_SIZES(N, mr), BT_SIZES(N, mi) }
/* [op][rr, ri, mr, mi][size 2,4,8] */
static const Handler bt_tab[4][4][3] = {BT_ROW(bt), BT_ROW(bts), BT_ROW(btr), BT_ROW(btc)};

static int sel_bt(const DecodeCtx *d, Insn *i) {
    int op;
    switch (d->zi->mnemonic) {
    case ZYDIS_MNEMONIC_BT: op = B_BT; break;
    case ZYDIS_MNEMONIC_BTS: op = B_BTS; break;
    case ZYDIS_MNEMONIC_BTR: op = B_BTR; break;
    case ZYDIS_MNEMONIC_BTC: op = B_BTC; break;
    default: return 0;
    }
    unsigned sz = i->osz;
    if ((sz != 2 && sz != 4 && sz != 8) || d->nexp != 2) return 0;
    int mem;
    if (i->k[0] == K_MEM)
        mem = 1;
    else if (i->k[0] == K_REG && zreg_is_gpr(d->zo[0].reg.value))
        mem = 0;
    else
        return 0;
    int imm;
    if (i->k[1] == K_IMM) {
        imm = 1;
        i->aux = (uint8_t)(i->imm & (sz * 8 - 1));
    } else if (i->k[1] == K_REG && zreg_is_gpr(d->zo[1].reg.value)) {
        imm = 0;
    } else {
        return 0;
    }
    if ((i->flags & I_LOCK) && (!mem || op == B_BT)) {
        i->fn = op_lock_ud;
        return 1;
    }
    i->fn = bt_tab[op][mem * 2 + imm][size_idx(sz) - 1];
    return 1;
}

/* ---- BSF / BSR / TZCNT / LZCNT / POPCNT ---- */

enum { Q_BSF, Q_BSR, Q_TZCNT, Q_LZCNT, Q_POPCNT };

ALWAYS uint64_t pf_of(uint64_t v) { return __builtin_parity((unsigned)(v & 0xff)) ? 0 : F_PF; }

/* All six flags are replaced by each of these: set them without
 * materialising the lazy state. */
ALWAYS void flags_all(Cpu *c, uint64_t fl) {
    c->rflags = (c->rflags & ~(uint64_t)F_ARITH) | fl;
    c->lf.op = LF_NONE;
}

/* amd: the AMD family 17h rule for undefined flags (V_AMD), Intel's (V_INTEL)
 * otherwise. */
enum { V_INTEL, V_AMD };

ALWAYS void bitscan(Cpu *c, const Insn *i, int op, unsigned sz, uint64_t s, int amd) {
    const unsigned w = sz * 8;
    uint64_t r;
    switch (op) {
    case Q_BSF:
    case Q_BSR:
        if (s == 0) { /* destination untouched */
            if (amd)
                flags_put(c, F_ZF, F_ZF);
            else
                flags_all(c, F_ZF | F_PF);
            return;
        }
        r = op == Q_BSF ? (uint64_t)__builtin_ctzll(s) : (uint64_t)(63 - __builtin_clzll(s));
        reg_set(c, i->r[0], sz, r);
        if (amd)
            flags_put(c, F_ZF, 0);
        else
            flags_all(c, pf_of(r));
        return;
    case Q_TZCNT:
    case Q_LZCNT: {
        if (op == Q_TZCNT)
            r = s ? (uint64_t)__builtin_ctzll(s) : w;
        else
            r = s ? (uint64_t)(__builtin_clzll(s) - (64 - w)) : w;
        reg_set(c, i->r[0], sz, r);
        uint64_t fl = (s == 0 ? F_CF : 0) | (r == 0 ? F_ZF : 0);
        if (amd) /* OF unchanged */
            flags_put(c, F_CF | F_PF | F_AF | F_ZF | F_SF, fl);
        else
            flags_all(c, fl);
        return;
    }
    default: /* Q_POPCNT */
        r = (uint64_t)__builtin_popcountll(s);
        reg_set(c, i->r[0], sz, r);
        flags_all(c, s == 0 ? F_ZF : 0);
        return;
    }
}

#define SCAN_SIZE(NAME, OP, SZ, V, X)                                                              \
    static void NAME##_rr##SZ##X(Cpu *c, const Insn *i) {                                          \
        bitscan(c, i, OP, SZ, reg_get(c, i->r[1], SZ), V);                                         \
    }                                                                                              \
    static void NAME##_rm##SZ##X(Cpu *c, const Insn *i) {                                          \
        bitscan(c, i, OP, SZ, mem_rd(c, insn_ea(c, i), SZ), V);                                    \
    }
#define SCAN_OP(NAME, OP, V, X)                                                                    \
    SCAN_SIZE(NAME, OP, 2, V, X) SCAN_SIZE(NAME, OP, 4, V, X) SCAN_SIZE(NAME, OP, 8, V, X)
SCAN_OP(bsf, Q_BSF, V_INTEL, _i)
SCAN_OP(bsr, Q_BSR, V_INTEL, _i)
SCAN_OP(tzcnt, Q_TZCNT, V_INTEL, _i)
SCAN_OP(lzcnt, Q_LZCNT, V_INTEL, _i)
SCAN_OP(popcnt, Q_POPCNT, V_INTEL, _i)
SCAN_OP(bsf, Q_BSF, V_AMD, _a)
SCAN_OP(bsr, Q_BSR, V_AMD, _a)
SCAN_OP(tzcnt, Q_TZCNT, V_AMD, _a)
SCAN_OP(lzcnt, Q_LZCNT, V_AMD, _a)

#define SCAN_ROW(N, X)                                                                             \
    {                                                                                              \
        {N##_rr2##X, N##_rr4##X, N##_rr8##X}, { N##_rm2##X, N##_rm4##X, N##_rm8##X }               \
    }
/* [Intel rule, AMD rule][op][reg, mem][size 2,4,8] (POPCNT: no undefined flags) */
static const Handler scan_tab[2][5][2][3] = {
    {SCAN_ROW(bsf, _i), SCAN_ROW(bsr, _i), SCAN_ROW(tzcnt, _i), SCAN_ROW(lzcnt, _i),
     SCAN_ROW(popcnt, _i)},
    {SCAN_ROW(bsf, _a), SCAN_ROW(bsr, _a), SCAN_ROW(tzcnt, _a), SCAN_ROW(lzcnt, _a),
     SCAN_ROW(popcnt, _i)},
};

static int sel_scan(const DecodeCtx *d, Insn *i) {
    int op;
    switch (d->zi->mnemonic) {
    case ZYDIS_MNEMONIC_BSF: op = Q_BSF; break;
    case ZYDIS_MNEMONIC_BSR: op = Q_BSR; break;
    case ZYDIS_MNEMONIC_TZCNT: op = Q_TZCNT; break;
    case ZYDIS_MNEMONIC_LZCNT: op = Q_LZCNT; break;
    case ZYDIS_MNEMONIC_POPCNT: op = Q_POPCNT; break;
    default: return 0;
    }
    unsigned sz = i->osz;
    if ((sz != 2 && sz != 4 && sz != 8) || d->nexp != 2) return 0;
    if (i->k[0] != K_REG || !zreg_is_gpr(d->zo[0].reg.value)) return 0;
    int mem;
    if (i->k[1] == K_MEM)
        mem = 1;
    else if (i->k[1] == K_REG && zreg_is_gpr(d->zo[1].reg.value))
        mem = 0;
    else
        return 0;
    /* AMD family 1Ah sets BSF/BSR's undefined flags as Intel does */
    int amd = d->cpu->vendor == CPU_AMD &&
              !((op == Q_BSF || op == Q_BSR) && d->cpu->family == CPU_FAMILY_ZEN5);
    i->fn = (i->flags & I_LOCK) ? op_lock_ud : scan_tab[amd][op][mem][size_idx(sz) - 1];
    return 1;
}

/* ---- BMI1: ANDN BEXTR BLSI BLSMSK BLSR (VEX; 32/64-bit only) ---- */

enum { M_ANDN, M_BEXTR, M_BLSI, M_BLSMSK, M_BLSR };

/* a, b: ANDN ~a & b; BEXTR a = source, b = control; BLS*: a = source. */
ALWAYS void bmi1(Cpu *c, const Insn *i, int op, unsigned sz, uint64_t a, uint64_t b, int amd) {
    const uint64_t m = size_mask(sz);
    uint64_t r, cf = 0;
    switch (op) {
    case M_ANDN: r = ~a & b & m; break;
    case M_BEXTR: {
        unsigned start = (unsigned)(b & 0xff), len = (unsigned)((b >> 8) & 0xff);
        r = start >= sz * 8 ? 0 : a >> start;
        if (len < 64) r &= (1ull << len) - 1;
        break;
    }
    case M_BLSI:
        r = (0 - a) & a & m;
        cf = a != 0;
        break;
    case M_BLSMSK:
        r = ((a - 1) ^ a) & m;
        cf = a == 0;
        break;
    default: /* M_BLSR */
        r = ((a - 1) & a) & m;
        cf = a == 0;
        break;
    }
    reg_set(c, i->r[0], sz, r);
    uint64_t fl = cf | (r == 0 ? F_ZF : 0); /* AF, PF (undefined): 0 on Intel */
    if (op != M_BEXTR) fl |= (r & sign_bit(sz)) ? F_SF : 0;
    if (amd) fl |= pf_of(r) | (op == M_BEXTR ? F_AF : 0);
    if (op == M_BLSMSK) fl &= ~(uint64_t)F_ZF; /* the SDM: cleared */
    flags_all(c, fl);
}

#define BMI1_SIZE(SZ, V, X)                                                                        \
    static void andn_rr##SZ##X(Cpu *c, const Insn *i) {                                            \
        bmi1(c, i, M_ANDN, SZ, reg_get(c, i->r[1], SZ), reg_get(c, i->r[2], SZ), V);               \
    }                                                                                              \
    static void andn_rm##SZ##X(Cpu *c, const Insn *i) {                                            \
        uint64_t b = mem_rd(c, insn_ea(c, i), SZ);                                                 \
        bmi1(c, i, M_ANDN, SZ, reg_get(c, i->r[1], SZ), b, V);                                     \
    }                                                                                              \
    static void bextr_rr##SZ##X(Cpu *c, const Insn *i) {                                           \
        bmi1(c, i, M_BEXTR, SZ, reg_get(c, i->r[1], SZ), reg_get(c, i->r[2], SZ), V);              \
    }                                                                                              \
    static void bextr_rm##SZ##X(Cpu *c, const Insn *i) {                                           \
        uint64_t a = mem_rd(c, insn_ea(c, i), SZ);                                                 \
        bmi1(c, i, M_BEXTR, SZ, a, reg_get(c, i->r[2], SZ), V);                                    \
    }                                                                                              \
    static void blsi_rr##SZ##X(Cpu *c, const Insn *i) {                                            \
        bmi1(c, i, M_BLSI, SZ, reg_get(c, i->r[1], SZ), 0, V);                                     \
    }                                                                                              \
    static void blsi_rm##SZ##X(Cpu *c, const Insn *i) {                                            \
        bmi1(c, i, M_BLSI, SZ, mem_rd(c, insn_ea(c, i), SZ), 0, V);                                \
    }                                                                                              \
    static void blsmsk_rr##SZ##X(Cpu *c, const Insn *i) {                                          \
        bmi1(c, i, M_BLSMSK, SZ, reg_get(c, i->r[1], SZ), 0, V);                                   \
    }                                                                                              \
    static void blsmsk_rm##SZ##X(Cpu *c, const Insn *i) {                                          \
        bmi1(c, i, M_BLSMSK, SZ, mem_rd(c, insn_ea(c, i), SZ), 0, V);                              \
    }                                                                                              \
    static void blsr_rr##SZ##X(Cpu *c, const Insn *i) {                                            \
        bmi1(c, i, M_BLSR, SZ, reg_get(c, i->r[1], SZ), 0, V);                                     \
    }                                                                                              \
    static void blsr_rm##SZ##X(Cpu *c, const Insn *i) {                                            \
        bmi1(c, i, M_BLSR, SZ, mem_rd(c, insn_ea(c, i), SZ), 0, V);                                \
    }
BMI1_SIZE(4, V_INTEL, _i)
BMI1_SIZE(8, V_INTEL, _i)
BMI1_SIZE(4, V_AMD, _a)
BMI1_SIZE(8, V_AMD, _a)

#define BMI1_ROW(N, X)                                                                             \
    {                                                                                              \
        {N##_rr4##X, N##_rr8##X}, { N##_rm4##X, N##_rm8##X }                                       \
    }
#define BMI1_VTAB(X)                                                                               \
    {                                                                                              \
        BMI1_ROW(andn, X), BMI1_ROW(bextr, X), BMI1_ROW(blsi, X), BMI1_ROW(blsmsk, X),             \
            BMI1_ROW(blsr, X)                                                                      \
    }
/* [Intel rule, AMD rule][op][reg, mem][size 4, 8] */
static const Handler bmi1_tab[2][5][2][2] = {BMI1_VTAB(_i), BMI1_VTAB(_a)};

static int sel_bmi1(const DecodeCtx *d, Insn *i) {
    int op;
    switch (d->zi->mnemonic) {
    case ZYDIS_MNEMONIC_ANDN: op = M_ANDN; break;
    case ZYDIS_MNEMONIC_BEXTR: op = M_BEXTR; break;
    case ZYDIS_MNEMONIC_BLSI: op = M_BLSI; break;
    case ZYDIS_MNEMONIC_BLSMSK: op = M_BLSMSK; break;
    case ZYDIS_MNEMONIC_BLSR: op = M_BLSR; break;
    default: return 0;
    }
    unsigned sz = i->osz;
    if ((sz != 4 && sz != 8) || d->nexp != (op <= M_BEXTR ? 3 : 2)) return 0;
    if (d->zi->encoding != ZYDIS_INSTRUCTION_ENCODING_VEX) return 0;
    /* the r/m operand: 2 for ANDN, 1 otherwise; everything else a GPR */
    int rm = op == M_ANDN ? 2 : 1;
    for (int j = 0; j < d->nexp; j++) {
        if (j == rm && i->k[j] == K_MEM) continue;
        if (i->k[j] != K_REG || !zreg_is_gpr(d->zo[j].reg.value)) return 0;
    }
    i->fn = bmi1_tab[d->cpu->vendor == CPU_AMD][op][i->k[rm] == K_MEM][sz == 8];
    return 1;
}

FAMILY_TABLE(bitops_ops) = {
    {ZYDIS_MNEMONIC_BT, 0, sel_bt, "bitops"},
    {ZYDIS_MNEMONIC_BTS, 0, sel_bt, "bitops"},
    {ZYDIS_MNEMONIC_BTR, 0, sel_bt, "bitops"},
    {ZYDIS_MNEMONIC_BTC, 0, sel_bt, "bitops"},
    {ZYDIS_MNEMONIC_BSF, 0, sel_scan, "bitops"},
    {ZYDIS_MNEMONIC_BSR, 0, sel_scan, "bitops"},
    {ZYDIS_MNEMONIC_TZCNT, 0, sel_scan, "bitops"},
    {ZYDIS_MNEMONIC_LZCNT, 0, sel_scan, "bitops"},
    {ZYDIS_MNEMONIC_POPCNT, 0, sel_scan, "bitops"},
    {ZYDIS_MNEMONIC_ANDN, 0, sel_bmi1, "bitops"},
    {ZYDIS_MNEMONIC_BEXTR, 0, sel_bmi1, "bitops"},
    {ZYDIS_MNEMONIC_BLSI, 0, sel_bmi1, "bitops"},
    {ZYDIS_MNEMONIC_BLSMSK, 0, sel_bmi1, "bitops"},
    {ZYDIS_MNEMONIC_BLSR, 0, sel_bmi1, "bitops"},
    {0},
};
