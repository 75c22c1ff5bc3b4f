/* Data movement: MOV (GPR forms; segment forms go to system_ops.c), MOVZX,
 * MOVSX, MOVSXD, LEA, CMOVcc, SETcc. The hottest instructions of all, so
 * each (form x size) has its own handler, chosen at decode time. */
#include "decode.h"
#include "system.h"

/* ---- MOV ---- */

#define MOV_FORMS(SZ, T, BITS)                                                                     \
    __attribute__((unused)) static void mov_rr##SZ(Cpu *c, const Insn *i) {                        \
        reg_set(c, i->r[0], SZ, reg_get(c, i->r[1], SZ));                                          \
    }                                                                                              \
    __attribute__((unused)) static void mov_rm##SZ(Cpu *c, const Insn *i) {                        \
        reg_set(c, i->r[0], SZ, mem_rd##BITS(c, insn_ea(c, i)));                                   \
    }                                                                                              \
    static void mov_mr##SZ(Cpu *c, const Insn *i) {                                                \
        mem_wr##BITS(c, insn_ea(c, i), (T)reg_get(c, i->r[1], SZ));                                \
    }                                                                                              \
    __attribute__((unused)) static void mov_ri##SZ(Cpu *c, const Insn *i) {                        \
        reg_set(c, i->r[0], SZ, i->imm);                                                           \
    }                                                                                              \
    static void mov_mi##SZ(Cpu *c, const Insn *i) { mem_wr##BITS(c, insn_ea(c, i), (T)i->imm); }
MOV_FORMS(1, uint8_t, 8)
MOV_FORMS(2, uint16_t, 16)
MOV_FORMS(4, uint32_t, 32)
MOV_FORMS(8, uint64_t, 64)

/* 64-bit register moves without the generic size switch. */
static void mov_rr64_fast(Cpu *c, const Insn *i) { c->gpr[i->r[0] / 8] = c->gpr[i->r[1] / 8]; }
static void mov_rm64_fast(Cpu *c, const Insn *i) {
    c->gpr[i->r[0] / 8] = mem_rd64(c, insn_ea(c, i));
}
static void mov_ri64_fast(Cpu *c, const Insn *i) { c->gpr[i->r[0] / 8] = i->imm; }

static const Handler mov_tab[5][4] = {
    {mov_rr1, mov_rr2, mov_rr4, mov_rr64_fast}, {mov_rm1, mov_rm2, mov_rm4, mov_rm64_fast},
    {mov_mr1, mov_mr2, mov_mr4, mov_mr8},       {mov_ri1, mov_ri2, mov_ri4, mov_ri64_fast},
    {mov_mi1, mov_mi2, mov_mi4, mov_mi8},
};

/* The moffs forms (A0-A3) have a memory operand with an absolute address. */
static int sel_mov(const DecodeCtx *d, Insn *i) {
    const ZydisDecodedOperand *o = d->zo;
    for (int j = 0; j < 2; j++) {
        if (o[j].type != ZYDIS_OPERAND_TYPE_REGISTER) continue;
        ZydisRegisterClass rc = ZydisRegisterGetClass(o[j].reg.value);
        if (rc == ZYDIS_REGCLASS_SEGMENT) return system_sel_mov_seg(d, i);
        if (rc == ZYDIS_REGCLASS_CONTROL) return system_sel_mov_cr(d, i);
        if (rc == ZYDIS_REGCLASS_DEBUG) return system_sel_mov_dr(d, i);
        if (!zreg_is_gpr(o[j].reg.value)) return 0;
    }
    int form;
    if (i->k[0] == K_REG && i->k[1] == K_REG)
        form = 0;
    else if (i->k[0] == K_REG && i->k[1] == K_MEM)
        form = 1;
    else if (i->k[0] == K_MEM && i->k[1] == K_REG)
        form = 2;
    else if (i->k[0] == K_REG && i->k[1] == K_IMM)
        form = 3;
    else if (i->k[0] == K_MEM && i->k[1] == K_IMM)
        form = 4;
    else
        return 0;
    i->fn = mov_tab[form][size_idx(i->osz)];
    return 1;
}

/* ---- MOVZX / MOVSX / MOVSXD ---- */

static void movzx_r(Cpu *c, const Insn *i) {
    reg_set(c, i->r[0], i->osz, reg_get(c, i->r[1], i->osz1));
}
static void movzx_m8(Cpu *c, const Insn *i) {
    reg_set(c, i->r[0], i->osz, mem_rd8(c, insn_ea(c, i)));
}
static void movzx_m16(Cpu *c, const Insn *i) {
    reg_set(c, i->r[0], i->osz, mem_rd16(c, insn_ea(c, i)));
}
static void movsx_r(Cpu *c, const Insn *i) {
    reg_set(c, i->r[0], i->osz, (uint64_t)sext(reg_get(c, i->r[1], i->osz1), i->osz1));
}
static void movsx_m8(Cpu *c, const Insn *i) {
    reg_set(c, i->r[0], i->osz, (uint64_t)(int64_t)(int8_t)mem_rd8(c, insn_ea(c, i)));
}
static void movsx_m16(Cpu *c, const Insn *i) {
    reg_set(c, i->r[0], i->osz, (uint64_t)(int64_t)(int16_t)mem_rd16(c, insn_ea(c, i)));
}
static void movsx_m32(Cpu *c, const Insn *i) {
    reg_set(c, i->r[0], i->osz, (uint64_t)(int64_t)(int32_t)mem_rd32(c, insn_ea(c, i)));
}
static void movzx_m32(Cpu *c, const Insn *i) {
    reg_set(c, i->r[0], i->osz, mem_rd32(c, insn_ea(c, i)));
}

static int sel_movx(const DecodeCtx *d, Insn *i) {
    int sx = d->zi->mnemonic != ZYDIS_MNEMONIC_MOVZX;
    if (i->k[0] != K_REG) return 0;
    if (i->k[1] == K_REG) {
        if (d->zi->mnemonic == ZYDIS_MNEMONIC_MOVSXD && i->osz != 8) i->osz1 = i->osz, sx = 0;
        i->fn = sx ? movsx_r : movzx_r;
        return 1;
    }
    if (i->k[1] != K_MEM) return 0;
    /* MOVSXD with a 16- or 32-bit destination is a plain move. Intel reads
     * only the destination's size; AMD (Zen 1, Zen 5) reads the whole dword
     * for a 16-bit destination (a dword crossing into an unmapped page
     * faults) and writes its low 16 bits. */
    if (d->zi->mnemonic == ZYDIS_MNEMONIC_MOVSXD && i->osz != 8) {
        if (!(i->osz == 2 && d->cpu->vendor == CPU_AMD)) i->osz1 = i->osz;
        sx = 0;
    }
    switch (i->osz1) {
    case 1: i->fn = sx ? movsx_m8 : movzx_m8; break;
    case 2: i->fn = sx ? movsx_m16 : movzx_m16; break;
    case 4: i->fn = sx ? movsx_m32 : movzx_m32; break; /* MOVSXD; 32->32 form is a plain move */
    default: return 0;
    }
    return 1;
}

/* ---- LEA ---- */

static void lea_64(Cpu *c, const Insn *i) {
    c->gpr[i->r[0] / 8] = (uint64_t)i->disp + c->gpr[i->base] + (c->gpr[i->index] << i->scale);
}
static void lea_n(Cpu *c, const Insn *i) {
    uint64_t a = (uint64_t)i->disp + c->gpr[i->base] + (c->gpr[i->index] << i->scale);
    a &= size_mask(i->asz);
    reg_set(c, i->r[0], i->osz, a);
}
static int sel_lea(const DecodeCtx *d, Insn *i) {
    if (i->k[0] != K_REG || i->k[1] != K_MEM) return 0;
    i->fn = (i->osz == 8 && i->asz == 8) ? lea_64 : lea_n;
    return 1;
}

/* ---- CMOVcc / SETcc ---- */

/* One handler per (condition x form x size): the condition is evaluated
 * straight from the lazy flags (cc_* in insn.h). A 32-bit CMOV zero-extends
 * its destination even when the condition is false; a memory source is read
 * (and may fault) either way. */
#define CMOV_ONE(NAME, COND)                                                                       \
    static void NAME##_r8(Cpu *c, const Insn *i) {                                                 \
        if (COND) c->gpr[i->r[0] / 8] = c->gpr[i->r[1] / 8];                                       \
    }                                                                                              \
    static void NAME##_r4(Cpu *c, const Insn *i) {                                                 \
        uint64_t *d = &c->gpr[i->r[0] / 8];                                                        \
        *d = (uint32_t)((COND) ? c->gpr[i->r[1] / 8] : *d);                                        \
    }                                                                                              \
    static void NAME##_r2(Cpu *c, const Insn *i) {                                                 \
        if (COND) reg_set(c, i->r[0], 2, reg_get(c, i->r[1], 2));                                  \
    }                                                                                              \
    static void NAME##_m8(Cpu *c, const Insn *i) {                                                 \
        uint64_t v = mem_rd64(c, insn_ea(c, i));                                                   \
        if (COND) c->gpr[i->r[0] / 8] = v;                                                         \
    }                                                                                              \
    static void NAME##_m4(Cpu *c, const Insn *i) {                                                 \
        uint64_t v = mem_rd32(c, insn_ea(c, i));                                                   \
        uint64_t *d = &c->gpr[i->r[0] / 8];                                                        \
        *d = (uint32_t)((COND) ? v : *d);                                                          \
    }                                                                                              \
    static void NAME##_m2(Cpu *c, const Insn *i) {                                                 \
        uint64_t v = mem_rd16(c, insn_ea(c, i));                                                   \
        if (COND) reg_set(c, i->r[0], 2, v);                                                       \
    }                                                                                              \
    static void set##NAME##_r(Cpu *c, const Insn *i) { *GPR_PTR(c, i->r[0]) = (uint8_t)(COND); }   \
    static void set##NAME##_m(Cpu *c, const Insn *i) { mem_wr8(c, insn_ea(c, i), (uint8_t)(COND)); }
#define CMOV_PAIR(N, CC, EVAL) CMOV_ONE(cmov_##N, EVAL(c)) CMOV_ONE(cmov_n##N, !EVAL(c))
CC_PAIRS(CMOV_PAIR)
#define CMOV_ROW1(NAME)       {{NAME##_r2, NAME##_r4, NAME##_r8}, {NAME##_m2, NAME##_m4, NAME##_m8}},
#define CMOV_ROW(N, CC, EVAL) CMOV_ROW1(cmov_##N) CMOV_ROW1(cmov_n##N)
/* [cc][register, memory source][size 2, 4, 8] */
static const Handler cmov_tab[16][2][3] = {CC_PAIRS(CMOV_ROW)};
#define SET_ROW(N, CC, EVAL)                                                                       \
    {setcmov_##N##_r, setcmov_##N##_m}, {setcmov_n##N##_r, setcmov_n##N##_m},
static const Handler setcc_tab[16][2] = {CC_PAIRS(SET_ROW)};

/* Condition code from the mnemonic (Intel order). */
int cc_of_mnemonic(ZydisMnemonic m) {
    switch (m) {
    case ZYDIS_MNEMONIC_CMOVO:
    case ZYDIS_MNEMONIC_SETO:
    case ZYDIS_MNEMONIC_JO: return 0;
    case ZYDIS_MNEMONIC_CMOVNO:
    case ZYDIS_MNEMONIC_SETNO:
    case ZYDIS_MNEMONIC_JNO: return 1;
    case ZYDIS_MNEMONIC_CMOVB:
    case ZYDIS_MNEMONIC_SETB:
    case ZYDIS_MNEMONIC_JB: return 2;
    case ZYDIS_MNEMONIC_CMOVNB:
    case ZYDIS_MNEMONIC_SETNB:
    case ZYDIS_MNEMONIC_JNB: return 3;
    case ZYDIS_MNEMONIC_CMOVZ:
    case ZYDIS_MNEMONIC_SETZ:
    case ZYDIS_MNEMONIC_JZ: return 4;
    case ZYDIS_MNEMONIC_CMOVNZ:
    case ZYDIS_MNEMONIC_SETNZ:
    case ZYDIS_MNEMONIC_JNZ: return 5;
    case ZYDIS_MNEMONIC_CMOVBE:
    case ZYDIS_MNEMONIC_SETBE:
    case ZYDIS_MNEMONIC_JBE: return 6;
    case ZYDIS_MNEMONIC_CMOVNBE:
    case ZYDIS_MNEMONIC_SETNBE:
    case ZYDIS_MNEMONIC_JNBE: return 7;
    case ZYDIS_MNEMONIC_CMOVS:
    case ZYDIS_MNEMONIC_SETS:
    case ZYDIS_MNEMONIC_JS: return 8;
    case ZYDIS_MNEMONIC_CMOVNS:
    case ZYDIS_MNEMONIC_SETNS:
    case ZYDIS_MNEMONIC_JNS: return 9;
    case ZYDIS_MNEMONIC_CMOVP:
    case ZYDIS_MNEMONIC_SETP:
    case ZYDIS_MNEMONIC_JP: return 10;
    case ZYDIS_MNEMONIC_CMOVNP:
    case ZYDIS_MNEMONIC_SETNP:
    case ZYDIS_MNEMONIC_JNP: return 11;
    case ZYDIS_MNEMONIC_CMOVL:
    case ZYDIS_MNEMONIC_SETL:
    case ZYDIS_MNEMONIC_JL: return 12;
    case ZYDIS_MNEMONIC_CMOVNL:
    case ZYDIS_MNEMONIC_SETNL:
    case ZYDIS_MNEMONIC_JNL: return 13;
    case ZYDIS_MNEMONIC_CMOVLE:
    case ZYDIS_MNEMONIC_SETLE:
    case ZYDIS_MNEMONIC_JLE: return 14;
    case ZYDIS_MNEMONIC_CMOVNLE:
    case ZYDIS_MNEMONIC_SETNLE:
    case ZYDIS_MNEMONIC_JNLE: return 15;
    default: return -1;
    }
}

static int sel_cmov(const DecodeCtx *d, Insn *i) {
    int cc = cc_of_mnemonic(d->zi->mnemonic);
    if (cc < 0 || i->k[0] != K_REG || (i->k[1] != K_REG && i->k[1] != K_MEM)) return 0;
    if (i->osz != 2 && i->osz != 4 && i->osz != 8) return 0;
    i->aux = (uint8_t)cc;
    i->fn = cmov_tab[cc][i->k[1] == K_MEM][size_idx(i->osz) - 1];
    return 1;
}
static int sel_setcc(const DecodeCtx *d, Insn *i) {
    int cc = cc_of_mnemonic(d->zi->mnemonic);
    if (cc < 0 || (i->k[0] != K_REG && i->k[0] != K_MEM)) return 0;
    i->aux = (uint8_t)cc;
    i->fn = setcc_tab[cc][i->k[0] == K_MEM];
    return 1;
}

#define CC(m, s)                                                                                   \
    { ZYDIS_MNEMONIC_##m, 0, s, "datamov" }
FAMILY_TABLE(datamov_ops) = {
    {ZYDIS_MNEMONIC_MOV, 0, sel_mov, "datamov"},
    {ZYDIS_MNEMONIC_MOVZX, 0, sel_movx, "datamov"},
    {ZYDIS_MNEMONIC_MOVSX, 0, sel_movx, "datamov"},
    {ZYDIS_MNEMONIC_MOVSXD, 0, sel_movx, "datamov"},
    {ZYDIS_MNEMONIC_LEA, 0, sel_lea, "datamov"},
    CC(CMOVO, sel_cmov),
    CC(CMOVNO, sel_cmov),
    CC(CMOVB, sel_cmov),
    CC(CMOVNB, sel_cmov),
    CC(CMOVZ, sel_cmov),
    CC(CMOVNZ, sel_cmov),
    CC(CMOVBE, sel_cmov),
    CC(CMOVNBE, sel_cmov),
    CC(CMOVS, sel_cmov),
    CC(CMOVNS, sel_cmov),
    CC(CMOVP, sel_cmov),
    CC(CMOVNP, sel_cmov),
    CC(CMOVL, sel_cmov),
    CC(CMOVNL, sel_cmov),
    CC(CMOVLE, sel_cmov),
    CC(CMOVNLE, sel_cmov),
    CC(SETO, sel_setcc),
    CC(SETNO, sel_setcc),
    CC(SETB, sel_setcc),
    CC(SETNB, sel_setcc),
    CC(SETZ, sel_setcc),
    CC(SETNZ, sel_setcc),
    CC(SETBE, sel_setcc),
    CC(SETNBE, sel_setcc),
    CC(SETS, sel_setcc),
    CC(SETNS, sel_setcc),
    CC(SETP, sel_setcc),
    CC(SETNP, sel_setcc),
    CC(SETL, sel_setcc),
    CC(SETNL, sel_setcc),
    CC(SETLE, sel_setcc),
    CC(SETNLE, sel_setcc),
    {0},
};
