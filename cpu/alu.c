/* Integer ALU: ADD OR ADC SBB AND SUB XOR CMP TEST (two operands) and
 * INC DEC NEG NOT (one operand). Among the hottest instructions, so every
 * (operation x form x size) has its own handler, generated below and picked
 * by the selector from a table; flags are recorded lazily (cpu/flags.c).
 *
 * Memory destinations read, compute, write, and only then record flags, so
 * a faulting write leaves the state as it was. The guest has one CPU, so a
 * LOCKed read-modify-write is a plain one. LOCK on a register destination,
 * on CMP/TEST or on anything else that does not allow it is the
 * architecture's #UD (Zydis rejects most of these already). */
#include "insn.h"

static void op_lock_ud(Cpu *c, const Insn *i) { UD(c); }

/* ---- two-operand operations ---- */

/* X(name, lazy-flags op, writes the destination, carry in, result) */
#define ALU2_OPS(X)                                                                                \
    X(add, LF_ADD, 1, 0, a + b)                                                                    \
    X(or, LF_LOGIC, 1, 0, a | b)                                                                   \
    X(adc, LF_ADC, 1, flag_cf(c), a + b + cin)                                                     \
    X(sbb, LF_SBB, 1, flag_cf(c), a - b - cin)                                                     \
    X(and, LF_LOGIC, 1, 0, (a & b))                                                                \
    X(sub, LF_SUB, 1, 0, a - b)                                                                    \
    X(xor, LF_LOGIC, 1, 0, a ^ b)                                                                  \
    X(cmp, LF_SUB, 0, 0, a - b)                                                                    \
    X(test, LF_LOGIC, 0, 0, (a & b))

enum { F_RR, F_RM, F_MR, F_RI, F_MI, NFORMS };

/* The flags record; ADC/SBB also keep their carry in. */
#define ALU_FLAGS(LFOP, SZ)                                                                        \
    do {                                                                                           \
        if (LFOP == LF_ADC || LFOP == LF_SBB) c->lf.cin = (uint8_t)cin;                            \
        lf_set(c, LFOP, SZ, r, a, b);                                                              \
    } while (0)

#define ALU2_SIZE(NAME, LFOP, WB, CIN, EXPR, SZ)                                                   \
    static void NAME##_rr##SZ(Cpu *c, const Insn *i) {                                             \
        uint64_t a = reg_get(c, i->r[0], SZ), b = reg_get(c, i->r[1], SZ);                         \
        uint64_t cin = (CIN);                                                                      \
        uint64_t r = (EXPR)&size_mask(SZ);                                                         \
        if (WB) reg_set(c, i->r[0], SZ, r);                                                        \
        ALU_FLAGS(LFOP, SZ);                                                                       \
    }                                                                                              \
    static void NAME##_rm##SZ(Cpu *c, const Insn *i) {                                             \
        uint64_t b = mem_rd(c, insn_ea(c, i), SZ), a = reg_get(c, i->r[0], SZ);                    \
        uint64_t cin = (CIN);                                                                      \
        uint64_t r = (EXPR)&size_mask(SZ);                                                         \
        if (WB) reg_set(c, i->r[0], SZ, r);                                                        \
        ALU_FLAGS(LFOP, SZ);                                                                       \
    }                                                                                              \
    static void NAME##_mr##SZ(Cpu *c, const Insn *i) {                                             \
        uint64_t ea = insn_ea(c, i);                                                               \
        uint64_t a = mem_rd(c, ea, SZ), b = reg_get(c, i->r[1], SZ);                               \
        uint64_t cin = (CIN);                                                                      \
        uint64_t r = (EXPR)&size_mask(SZ);                                                         \
        if (WB) mem_wr(c, ea, SZ, r);                                                              \
        ALU_FLAGS(LFOP, SZ);                                                                       \
    }                                                                                              \
    static void NAME##_ri##SZ(Cpu *c, const Insn *i) {                                             \
        uint64_t a = reg_get(c, i->r[0], SZ), b = i->imm & size_mask(SZ);                          \
        uint64_t cin = (CIN);                                                                      \
        uint64_t r = (EXPR)&size_mask(SZ);                                                         \
        if (WB) reg_set(c, i->r[0], SZ, r);                                                        \
        ALU_FLAGS(LFOP, SZ);                                                                       \
    }                                                                                              \
    static void NAME##_mi##SZ(Cpu *c, const Insn *i) {                                             \
        uint64_t ea = insn_ea(c, i);                                                               \
        uint64_t a = mem_rd(c, ea, SZ), b = i->imm & size_mask(SZ);                                \
        uint64_t cin = (CIN);                                                                      \
        uint64_t r = (EXPR)&size_mask(SZ);                                                         \
        if (WB) mem_wr(c, ea, SZ, r);                                                              \
        ALU_FLAGS(LFOP, SZ);                                                                       \
    }

#define ALU2_DEFINE(NAME, LFOP, WB, CIN, EXPR)                                                     \
    ALU2_SIZE(NAME, LFOP, WB, CIN, EXPR, 1)                                                        \
    ALU2_SIZE(NAME, LFOP, WB, CIN, EXPR, 2)                                                        \
    ALU2_SIZE(NAME, LFOP, WB, CIN, EXPR, 4)                                                        \
    ALU2_SIZE(NAME, LFOP, WB, CIN, EXPR, 8)
ALU2_OPS(ALU2_DEFINE)

#define ALU2_SIZES(NAME, F)                                                                        \
    { NAME##_##F##1, NAME##_##F##2, NAME##_##F##4, NAME##_##F##8 }
#define ALU2_ROW(NAME, LFOP, WB, CIN, EXPR)                                                        \
    {ALU2_SIZES(NAME, rr), ALU2_SIZES(NAME, rm), ALU2_SIZES(NAME, mr), ALU2_SIZES(NAME, ri),       \
     ALU2_SIZES(NAME, mi)},
static const Handler alu2_tab[][NFORMS][4] = {ALU2_OPS(ALU2_ROW)};

/* Row of alu2_tab for a mnemonic, and whether it writes its destination. */
static int alu2_row(int mnem, int *writes) {
    *writes = 1;
    switch (mnem) {
    case ZYDIS_MNEMONIC_ADD: return 0;
    case ZYDIS_MNEMONIC_OR: return 1;
    case ZYDIS_MNEMONIC_ADC: return 2;
    case ZYDIS_MNEMONIC_SBB: return 3;
    case ZYDIS_MNEMONIC_AND: return 4;
    case ZYDIS_MNEMONIC_SUB: return 5;
    case ZYDIS_MNEMONIC_XOR: return 6;
    case ZYDIS_MNEMONIC_CMP: *writes = 0; return 7;
    case ZYDIS_MNEMONIC_TEST: *writes = 0; return 8;
    default: return -1;
    }
}

static int sel_alu2(const DecodeCtx *d, Insn *i) {
    int writes, row = alu2_row(d->zi->mnemonic, &writes);
    if (row < 0 || d->nexp != 2) return 0;
    if (i->osz != 1 && i->osz != 2 && i->osz != 4 && i->osz != 8) return 0;
    int form;
    if (i->k[0] == K_REG && i->k[1] == K_REG)
        form = F_RR;
    else if (i->k[0] == K_REG && i->k[1] == K_MEM)
        form = F_RM;
    else if (i->k[0] == K_MEM && i->k[1] == K_REG)
        form = F_MR;
    else if (i->k[0] == K_REG && i->k[1] == K_IMM)
        form = F_RI;
    else if (i->k[0] == K_MEM && i->k[1] == K_IMM)
        form = F_MI;
    else
        return 0;
    for (int j = 0; j < 2; j++)
        if (d->zo[j].type == ZYDIS_OPERAND_TYPE_REGISTER && !zreg_is_gpr(d->zo[j].reg.value))
            return 0;
    if ((i->flags & I_LOCK) && !(writes && i->k[0] == K_MEM)) {
        i->fn = op_lock_ud;
        return 1;
    }
    i->fn = alu2_tab[row][form][size_idx(i->osz)];
    return 1;
}

/* ---- one-operand operations ---- */

/* INC/DEC keep CF: recorded as the lazy carry in, read before lf_set. */
#define ALU1_SIZE(SZ)                                                                              \
    static void inc_r##SZ(Cpu *c, const Insn *i) {                                                 \
        uint64_t a = reg_get(c, i->r[0], SZ), r = (a + 1) & size_mask(SZ);                         \
        uint8_t cf = (uint8_t)flag_cf(c);                                                          \
        reg_set(c, i->r[0], SZ, r);                                                                \
        c->lf.cin = cf;                                                                            \
        lf_set(c, LF_INC, SZ, r, a, 1);                                                            \
    }                                                                                              \
    static void inc_m##SZ(Cpu *c, const Insn *i) {                                                 \
        uint64_t ea = insn_ea(c, i);                                                               \
        uint64_t a = mem_rd(c, ea, SZ), r = (a + 1) & size_mask(SZ);                               \
        uint8_t cf = (uint8_t)flag_cf(c);                                                          \
        mem_wr(c, ea, SZ, r);                                                                      \
        c->lf.cin = cf;                                                                            \
        lf_set(c, LF_INC, SZ, r, a, 1);                                                            \
    }                                                                                              \
    static void dec_r##SZ(Cpu *c, const Insn *i) {                                                 \
        uint64_t a = reg_get(c, i->r[0], SZ), r = (a - 1) & size_mask(SZ);                         \
        uint8_t cf = (uint8_t)flag_cf(c);                                                          \
        reg_set(c, i->r[0], SZ, r);                                                                \
        c->lf.cin = cf;                                                                            \
        lf_set(c, LF_DEC, SZ, r, a, 1);                                                            \
    }                                                                                              \
    static void dec_m##SZ(Cpu *c, const Insn *i) {                                                 \
        uint64_t ea = insn_ea(c, i);                                                               \
        uint64_t a = mem_rd(c, ea, SZ), r = (a - 1) & size_mask(SZ);                               \
        uint8_t cf = (uint8_t)flag_cf(c);                                                          \
        mem_wr(c, ea, SZ, r);                                                                      \
        c->lf.cin = cf;                                                                            \
        lf_set(c, LF_DEC, SZ, r, a, 1);                                                            \
    }                                                                                              \
    /* NEG is 0 - a: recorded with a = 0, b = operand. */                                          \
    static void neg_r##SZ(Cpu *c, const Insn *i) {                                                 \
        uint64_t a = reg_get(c, i->r[0], SZ), r = (0 - a) & size_mask(SZ);                         \
        reg_set(c, i->r[0], SZ, r);                                                                \
        lf_set(c, LF_NEG, SZ, r, 0, a);                                                            \
    }                                                                                              \
    static void neg_m##SZ(Cpu *c, const Insn *i) {                                                 \
        uint64_t ea = insn_ea(c, i);                                                               \
        uint64_t a = mem_rd(c, ea, SZ), r = (0 - a) & size_mask(SZ);                               \
        mem_wr(c, ea, SZ, r);                                                                      \
        lf_set(c, LF_NEG, SZ, r, 0, a);                                                            \
    }                                                                                              \
    static void not_r##SZ(Cpu *c, const Insn *i) {                                                 \
        reg_set(c, i->r[0], SZ, ~reg_get(c, i->r[0], SZ));                                         \
    }                                                                                              \
    static void not_m##SZ(Cpu *c, const Insn *i) {                                                 \
        uint64_t ea = insn_ea(c, i);                                                               \
        mem_wr(c, ea, SZ, ~mem_rd(c, ea, SZ));                                                     \
    }
ALU1_SIZE(1)
ALU1_SIZE(2)
ALU1_SIZE(4)
ALU1_SIZE(8)

#define ALU1_ROW(N)                                                                                \
    {                                                                                              \
        {N##_r1, N##_r2, N##_r4, N##_r8}, { N##_m1, N##_m2, N##_m4, N##_m8 }                       \
    }
static const Handler alu1_tab[4][2][4] = {ALU1_ROW(inc), ALU1_ROW(dec), ALU1_ROW(neg),
                                          ALU1_ROW(not )};

static int sel_alu1(const DecodeCtx *d, Insn *i) {
    int row;
    switch (d->zi->mnemonic) {
    case ZYDIS_MNEMONIC_INC: row = 0; break;
    case ZYDIS_MNEMONIC_DEC: row = 1; break;
    case ZYDIS_MNEMONIC_NEG: row = 2; break;
    case ZYDIS_MNEMONIC_NOT: row = 3; break;
    default: return 0;
    }
    if (d->nexp != 1) return 0;
    if (i->osz != 1 && i->osz != 2 && i->osz != 4 && i->osz != 8) return 0;
    if (i->k[0] == K_REG) {
        if (!zreg_is_gpr(d->zo[0].reg.value)) return 0;
    } else if (i->k[0] != K_MEM) {
        return 0;
    }
    if ((i->flags & I_LOCK) && i->k[0] != K_MEM) {
        i->fn = op_lock_ud;
        return 1;
    }
    i->fn = alu1_tab[row][i->k[0] == K_MEM][size_idx(i->osz)];
    return 1;
}

FAMILY_TABLE(alu_ops) = {
    {ZYDIS_MNEMONIC_ADD, 0, sel_alu2, "alu"},  {ZYDIS_MNEMONIC_OR, 0, sel_alu2, "alu"},
    {ZYDIS_MNEMONIC_ADC, 0, sel_alu2, "alu"},  {ZYDIS_MNEMONIC_SBB, 0, sel_alu2, "alu"},
    {ZYDIS_MNEMONIC_AND, 0, sel_alu2, "alu"},  {ZYDIS_MNEMONIC_SUB, 0, sel_alu2, "alu"},
    {ZYDIS_MNEMONIC_XOR, 0, sel_alu2, "alu"},  {ZYDIS_MNEMONIC_CMP, 0, sel_alu2, "alu"},
    {ZYDIS_MNEMONIC_TEST, 0, sel_alu2, "alu"}, {ZYDIS_MNEMONIC_INC, 0, sel_alu1, "alu"},
    {ZYDIS_MNEMONIC_DEC, 0, sel_alu1, "alu"},  {ZYDIS_MNEMONIC_NEG, 0, sel_alu1, "alu"},
    {ZYDIS_MNEMONIC_NOT, 0, sel_alu1, "alu"},  {0},
};

/* Register forms with dead flags (I_FLAGS_DEAD, see cpu/decode.c): the result
 * only; CMP and TEST become no-ops. */
#define ALU2_NF(NAME, WB, EXPR, SZ)                                                                \
    static void NAME##_rr##SZ##_nf(Cpu *c, const Insn *i) {                                        \
        uint64_t a = reg_get(c, i->r[0], SZ), b = reg_get(c, i->r[1], SZ);                         \
        if (WB) reg_set(c, i->r[0], SZ, (EXPR)&size_mask(SZ));                                     \
    }                                                                                              \
    static void NAME##_ri##SZ##_nf(Cpu *c, const Insn *i) {                                        \
        uint64_t a = reg_get(c, i->r[0], SZ), b = i->imm & size_mask(SZ);                          \
        if (WB) reg_set(c, i->r[0], SZ, (EXPR)&size_mask(SZ));                                     \
    }
#define ALU2_NF_SIZES(NAME, WB, EXPR)                                                              \
    ALU2_NF(NAME, WB, EXPR, 1)                                                                     \
    ALU2_NF(NAME, WB, EXPR, 2) ALU2_NF(NAME, WB, EXPR, 4) ALU2_NF(NAME, WB, EXPR, 8)
ALU2_NF_SIZES(add, 1, a + b)
ALU2_NF_SIZES(or, 1, a | b)
ALU2_NF_SIZES(and, 1, a &b)
ALU2_NF_SIZES(sub, 1, a - b)
ALU2_NF_SIZES(xor, 1, a ^ b)
static void alu_nop(Cpu *c, const Insn *i) {
    (void)c;
    (void)i;
}

#define NF_PAIR(NAME, F, SZ)                                                                       \
    { NAME##_##F##SZ, NAME##_##F##SZ##_nf }
#define NF_ROWS(NAME)                                                                              \
    NF_PAIR(NAME, rr, 1), NF_PAIR(NAME, rr, 2), NF_PAIR(NAME, rr, 4), NF_PAIR(NAME, rr, 8),        \
        NF_PAIR(NAME, ri, 1), NF_PAIR(NAME, ri, 2), NF_PAIR(NAME, ri, 4), NF_PAIR(NAME, ri, 8)
#define NOP_ROWS(NAME)                                                                             \
    {NAME##_rr1, alu_nop}, {NAME##_rr2, alu_nop}, {NAME##_rr4, alu_nop}, {NAME##_rr8, alu_nop},    \
        {NAME##_ri1, alu_nop}, {NAME##_ri2, alu_nop}, {NAME##_ri4, alu_nop}, {                     \
        NAME##_ri8, alu_nop                                                                        \
    }
static const Handler alu_nf_map[][2] = {NF_ROWS(add), NF_ROWS(or),   NF_ROWS(and),  NF_ROWS(sub),
                                        NF_ROWS(xor), NOP_ROWS(cmp), NOP_ROWS(test)};

Handler alu_flags_dead_variant(Handler fn) {
    for (size_t k = 0; k < sizeof alu_nf_map / sizeof *alu_nf_map; k++)
        if (alu_nf_map[k][0] == fn) return alu_nf_map[k][1];
    return NULL;
}
