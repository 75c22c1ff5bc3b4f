/* Control transfer: JMP, Jcc, CALL, RET, LOOP/LOOPcc, JrCXZ. Always the last
 * instruction of a block: they set c->rip (which already holds the
 * fall-through address). Far forms arrive with the 32-bit issue. */
#include "decode.h"

int cc_of_mnemonic(ZydisMnemonic m);

static inline void branch_to(Cpu *c, uint64_t t) {
    if (unlikely(!mem_canonical(t))) GP0(c); /* #GP at the branch, RIP unchanged */
    c->rip = t;
}

/* 64-bit mode pushes of 8 bytes: the stack pointer changes only after the
 * access succeeded. */
static inline void push64(Cpu *c, uint64_t v) {
    uint64_t sp = c->gpr[RSP] - 8;
    mem_wr64(c, sp, v);
    c->gpr[RSP] = sp;
}

static void jmp_rel(Cpu *c, const Insn *i) { c->rip = i->imm; }
static void jmp_r(Cpu *c, const Insn *i) { branch_to(c, reg_get(c, i->r[0], i->osz)); }
static void jmp_m(Cpu *c, const Insn *i) { branch_to(c, mem_rd(c, insn_ea(c, i), i->osz)); }

/* Jcc: one handler per condition (cc_* in insn.h), in Intel order. */
#define JCC_PAIR(N, CC, EVAL)                                                                      \
    static void j_##N(Cpu *c, const Insn *i) {                                                     \
        if (EVAL(c)) c->rip = i->imm;                                                              \
    }                                                                                              \
    static void j_n##N(Cpu *c, const Insn *i) {                                                    \
        if (!EVAL(c)) c->rip = i->imm;                                                             \
    }
CC_PAIRS(JCC_PAIR)
#define JCC_ROW(N, CC, EVAL) j_##N, j_n##N,
static const Handler jcc_tab[16] = {CC_PAIRS(JCC_ROW)};

/* ---- fused compare-and-branch ----
 * A block ending in CMP or TEST directly followed by Jcc runs both from the
 * CMP's slot (the decoder dispatches one record fewer, Block.nexec): the
 * compare records its lazy flags as alu.c's handlers do (the flags stay live
 * after the block) and the condition comes straight from its operands. The
 * Jcc record follows in the block; it supplies the target. A fault in the
 * compare's memory read is the compare's own, as without fusion. */
#define ALWAYS static inline __attribute__((always_inline))
ALWAYS int fused_cc(int logic, int cc, unsigned sz, uint64_t a, uint64_t b, uint64_t r) {
    const uint64_t sb = sign_bit(sz);
    int v;
    switch (cc >> 1) {
    case 0: v = logic ? 0 : !!(((a ^ b) & (a ^ r)) & sb); break;
    case 1: v = logic ? 0 : a < b; break;
    case 2: v = r == 0; break;
    case 3: v = logic ? r == 0 : a <= b; break;
    case 4: v = !!(r & sb); break;
    case 5: v = !__builtin_parity((unsigned)(r & 0xff)); break;
    case 6: v = logic ? !!(r & sb) : sext(a, sz) < sext(b, sz); break;
    default: v = logic ? (r == 0 || (r & sb)) : sext(a, sz) <= sext(b, sz); break;
    }
    return v ^ (cc & 1);
}
#define FZ_LOAD_rr(SZ) uint64_t a = reg_get(c, i->r[0], SZ), b = reg_get(c, i->r[1], SZ);
#define FZ_LOAD_ri(SZ) uint64_t a = reg_get(c, i->r[0], SZ), b = i->imm & size_mask(SZ);
#define FZ_LOAD_rm(SZ) uint64_t b = mem_rd(c, insn_ea(c, i), SZ), a = reg_get(c, i->r[0], SZ);
#define FZ_LOAD_mr(SZ) uint64_t a = mem_rd(c, insn_ea(c, i), SZ), b = reg_get(c, i->r[1], SZ);
#define FZ_LOAD_mi(SZ) uint64_t a = mem_rd(c, insn_ea(c, i), SZ), b = i->imm & size_mask(SZ);
#define FZ_ONE(OPN, LOGIC, FORM, SZ, CC)                                                           \
    static void fz_##OPN##_##FORM##SZ##_##CC(Cpu *c, const Insn *i) {                              \
        FZ_LOAD_##FORM(SZ) uint64_t r = ((LOGIC) ? (a & b) : (a - b)) & size_mask(SZ);             \
        lf_set(c, (LOGIC) ? LF_LOGIC : LF_SUB, SZ, r, a, b);                                       \
        if (fused_cc(LOGIC, CC, SZ, a, b, r)) c->rip = i[1].imm;                                   \
    }
#define FZ_CCS(OPN, LOGIC, FORM, SZ)                                                               \
    FZ_ONE(OPN, LOGIC, FORM, SZ, 0)                                                                \
    FZ_ONE(OPN, LOGIC, FORM, SZ, 1)                                                                \
    FZ_ONE(OPN, LOGIC, FORM, SZ, 2) FZ_ONE(OPN, LOGIC, FORM, SZ, 3)                                \
        FZ_ONE(OPN, LOGIC, FORM, SZ, 4) FZ_ONE(OPN, LOGIC, FORM, SZ, 5)                            \
            FZ_ONE(OPN, LOGIC, FORM, SZ, 6) FZ_ONE(OPN, LOGIC, FORM, SZ, 7)                        \
                FZ_ONE(OPN, LOGIC, FORM, SZ, 8) FZ_ONE(OPN, LOGIC, FORM, SZ, 9)                    \
                    FZ_ONE(OPN, LOGIC, FORM, SZ, 10) FZ_ONE(OPN, LOGIC, FORM, SZ, 11)              \
                        FZ_ONE(OPN, LOGIC, FORM, SZ, 12) FZ_ONE(OPN, LOGIC, FORM, SZ, 13)          \
                            FZ_ONE(OPN, LOGIC, FORM, SZ, 14) FZ_ONE(OPN, LOGIC, FORM, SZ, 15)
#define FZ_SIZES(OPN, LOGIC, FORM)                                                                 \
    FZ_CCS(OPN, LOGIC, FORM, 1) FZ_CCS(OPN, LOGIC, FORM, 4) FZ_CCS(OPN, LOGIC, FORM, 8)
#define FZ_FORMS(OPN, LOGIC)                                                                       \
    FZ_SIZES(OPN, LOGIC, rr)                                                                       \
    FZ_SIZES(OPN, LOGIC, ri)                                                                       \
    FZ_SIZES(OPN, LOGIC, rm) FZ_SIZES(OPN, LOGIC, mr) FZ_SIZES(OPN, LOGIC, mi)
FZ_FORMS(cmp, 0)
FZ_FORMS(test, 1)

#define FZ_ROWCC(OPN, FORM, SZ)                                                                    \
    {                                                                                              \
        fz_##OPN##_##FORM##SZ##_0, fz_##OPN##_##FORM##SZ##_1, fz_##OPN##_##FORM##SZ##_2,           \
            fz_##OPN##_##FORM##SZ##_3, fz_##OPN##_##FORM##SZ##_4, fz_##OPN##_##FORM##SZ##_5,       \
            fz_##OPN##_##FORM##SZ##_6, fz_##OPN##_##FORM##SZ##_7, fz_##OPN##_##FORM##SZ##_8,       \
            fz_##OPN##_##FORM##SZ##_9, fz_##OPN##_##FORM##SZ##_10, fz_##OPN##_##FORM##SZ##_11,     \
            fz_##OPN##_##FORM##SZ##_12, fz_##OPN##_##FORM##SZ##_13, fz_##OPN##_##FORM##SZ##_14,    \
            fz_##OPN##_##FORM##SZ##_15                                                             \
    }
#define FZ_ROWSZ(OPN, FORM)                                                                        \
    { FZ_ROWCC(OPN, FORM, 1), FZ_ROWCC(OPN, FORM, 4), FZ_ROWCC(OPN, FORM, 8) }
#define FZ_ROWFORM(OPN)                                                                            \
    {                                                                                              \
        FZ_ROWSZ(OPN, rr), FZ_ROWSZ(OPN, ri), FZ_ROWSZ(OPN, rm), FZ_ROWSZ(OPN, mr),                \
            FZ_ROWSZ(OPN, mi)                                                                      \
    }
/* [CMP, TEST][rr ri rm mr mi][size 1 4 8][cc] */
static const Handler fused_tab[2][5][3][16] = {FZ_ROWFORM(cmp), FZ_ROWFORM(test)};

static void call_rel64(Cpu *c, const Insn *i) {
    push64(c, INSN_NEXT(i));
    c->rip = i->imm;
}
static void call_r64(Cpu *c, const Insn *i) {
    uint64_t t = c->gpr[i->r[0] / 8];
    if (unlikely(!mem_canonical(t))) GP0(c);
    push64(c, INSN_NEXT(i));
    c->rip = t;
}
static void call_m64(Cpu *c, const Insn *i) {
    uint64_t t = mem_rd64(c, insn_ea(c, i));
    if (unlikely(!mem_canonical(t))) GP0(c);
    push64(c, INSN_NEXT(i));
    c->rip = t;
}
static void ret64(Cpu *c, const Insn *i) {
    uint64_t t = mem_rd64(c, c->gpr[RSP]);
    if (unlikely(!mem_canonical(t))) GP0(c);
    c->gpr[RSP] += 8 + i->imm;
    c->rip = t;
}

/* Compatibility-mode (and 16-bit operand) forms through the generic stack. */
static void call_rel_n(Cpu *c, const Insn *i) {
    cpu_push(c, i->osz, INSN_NEXT(i) & size_mask(i->osz));
    c->rip = i->imm;
}
static void call_rm_n(Cpu *c, const Insn *i) {
    uint64_t t = op_get(c, i, 0, i->osz);
    cpu_push(c, i->osz, INSN_NEXT(i) & size_mask(i->osz));
    c->rip = t;
}
/* AMD, 64-bit mode, 66 without REX.W: 16-bit return address (see amd_o16). */
static void ret16_64(Cpu *c, const Insn *i) {
    uint64_t t = mem_rd16(c, c->gpr[RSP]);
    c->gpr[RSP] += 2 + i->imm;
    c->rip = t;
}
static void ret_n(Cpu *c, const Insn *i) {
    uint64_t t = cpu_pop(c, i->osz);
    uint64_t sp = c->gpr[RSP] + i->imm;
    c->gpr[RSP] =
        (c->seg[SEG_SS].attr & SEGA_DB) ? (uint32_t)sp : (c->gpr[RSP] & ~0xffffull) | (uint16_t)sp;
    c->rip = t;
}

/* AMD honours a 66 prefix (without REX.W) on near branches in 64-bit mode:
 * the operand size is 16 bits, so the new RIP is truncated to 16 bits and
 * CALL/RET push/pop 2 bytes (the rel32 forms become rel16: Zydis' AMD
 * branch mode, set by decode.c for AMD CPUs, decodes their length). Intel
 * ignores the prefix there. */
static int amd_o16(const DecodeCtx *d, const Insn *i) {
    return d->mode == MODE_64 && (i->flags & I_O16) && !d->zi->raw.rex.W &&
           d->cpu->vendor == CPU_AMD;
}

/* LOOP / LOOPE / LOOPNE / JrCXZ: the counter width is the address size. */
static void loop_(Cpu *c, const Insn *i) {
    uint64_t m = size_mask(i->asz);
    uint64_t n = (c->gpr[RCX] - 1) & m;
    c->gpr[RCX] = i->asz == 8 ? n : i->asz == 4 ? n : (c->gpr[RCX] & ~m) | n;
    int take = n != 0;
    if (i->aux == 1) take = take && flag_zf(c);
    if (i->aux == 2) take = take && !flag_zf(c);
    if (take) c->rip = i->imm;
}
static void jrcxz(Cpu *c, const Insn *i) {
    if ((c->gpr[RCX] & size_mask(i->asz)) == 0) c->rip = i->imm;
}

static int sel_jmp(const DecodeCtx *d, Insn *i) {
    if (d->zo[0].type == ZYDIS_OPERAND_TYPE_IMMEDIATE && d->zo[0].imm.is_relative) {
        if (amd_o16(d, i)) i->imm &= 0xffff;
        i->fn = jmp_rel;
        return 1;
    }
    if (d->zo[0].type == ZYDIS_OPERAND_TYPE_POINTER) return 0; /* far */
    if (d->zi->attributes & ZYDIS_ATTRIB_HAS_REX && d->zo[0].type == ZYDIS_OPERAND_TYPE_MEMORY &&
        d->zo[0].size > 64)
        return 0; /* far indirect */
    if (d->zo[0].size > 64) return 0;
    i->osz = (uint8_t)(amd_o16(d, i) ? 2 : d->zo[0].size / 8);
    i->fn = i->k[0] == K_REG ? jmp_r : jmp_m;
    return 1;
}

static int sel_jcc(const DecodeCtx *d, Insn *i) {
    int cc = cc_of_mnemonic(d->zi->mnemonic);
    if (cc < 0) return 0;
    if (amd_o16(d, i)) i->imm &= 0xffff;
    i->aux = (uint8_t)cc;
    i->fn = jcc_tab[cc];
    return 1;
}

static int sel_call(const DecodeCtx *d, Insn *i) {
    int rel = d->zo[0].type == ZYDIS_OPERAND_TYPE_IMMEDIATE && d->zo[0].imm.is_relative;
    if (d->zo[0].type == ZYDIS_OPERAND_TYPE_POINTER) return 0;
    if (!rel && d->zo[0].size > 64) return 0; /* far indirect */
    if (amd_o16(d, i)) {
        i->osz = 2;
        i->imm &= 0xffff;
    }
    if (d->mode == MODE_64 && i->osz == 8) {
        i->fn = rel ? call_rel64 : i->k[0] == K_REG ? call_r64 : call_m64;
    } else {
        i->fn = rel ? call_rel_n : call_rm_n;
    }
    return 1;
}

static int sel_ret(const DecodeCtx *d, Insn *i) {
    if (i->k[0] != K_IMM) i->imm = 0;
    i->imm &= 0xffff;
    if (amd_o16(d, i))
        i->fn = ret16_64;
    else
        i->fn = (d->mode == MODE_64 && i->osz == 8) ? ret64 : ret_n;
    return 1;
}

/* AMD: on LOOPE/LOOPNE an F3 or F2 prefix picks the condition (the last one
 * wins): F3 makes it LOOPE, F2 LOOPNE, whatever the opcode (Zen 1 and Zen 5,
 * in 64-bit and compatibility mode). Intel ignores both. */
static ZydisMnemonic amd_loopcc(const DecodeCtx *d) {
    ZydisMnemonic m = d->zi->mnemonic;
    if (d->cpu->vendor != CPU_AMD || (m != ZYDIS_MNEMONIC_LOOPE && m != ZYDIS_MNEMONIC_LOOPNE))
        return m;
    for (unsigned k = 0; k < d->zi->raw.prefix_count; k++) {
        if (d->zi->raw.prefixes[k].value == 0xf3) m = ZYDIS_MNEMONIC_LOOPE;
        if (d->zi->raw.prefixes[k].value == 0xf2) m = ZYDIS_MNEMONIC_LOOPNE;
    }
    return m;
}

static int sel_loop(const DecodeCtx *d, Insn *i) {
    if (amd_o16(d, i)) i->imm &= 0xffff;
    switch (amd_loopcc(d)) {
    case ZYDIS_MNEMONIC_LOOP:
        i->aux = 0;
        i->fn = loop_;
        break;
    case ZYDIS_MNEMONIC_LOOPE:
        i->aux = 1;
        i->fn = loop_;
        break;
    case ZYDIS_MNEMONIC_LOOPNE:
        i->aux = 2;
        i->fn = loop_;
        break;
    default: i->fn = jrcxz; break;
    }
    return 1;
}

#define J(m)                                                                                       \
    { ZYDIS_MNEMONIC_##m, OPF_END, sel_jcc, "control" }
/* The fused handler for `cmp` directly followed by `jcc` in one block, or
 * NULL. Both were decoded by their selectors (so `cmp` is a valid,
 * unlocked CMP/TEST of GPRs and `jcc` a Jcc with its condition in aux). */
Handler control_fuse_cmp_jcc(const Insn *cmp, const Insn *jcc) {
    if (jcc->aux > 15 || jcc->fn != jcc_tab[jcc->aux]) return NULL;
    int op;
    if (cmp->mnem == ZYDIS_MNEMONIC_CMP)
        op = 0;
    else if (cmp->mnem == ZYDIS_MNEMONIC_TEST)
        op = 1;
    else
        return NULL;
    if (cmp->flags & I_LOCK) return NULL; /* #UD */
    int form;
    if (cmp->k[0] == K_REG && cmp->k[1] == K_REG)
        form = 0;
    else if (cmp->k[0] == K_REG && cmp->k[1] == K_IMM)
        form = 1;
    else if (cmp->k[0] == K_REG && cmp->k[1] == K_MEM)
        form = 2;
    else if (cmp->k[0] == K_MEM && cmp->k[1] == K_REG)
        form = 3;
    else if (cmp->k[0] == K_MEM && cmp->k[1] == K_IMM)
        form = 4;
    else
        return NULL;
    int sz = cmp->osz == 1 ? 0 : cmp->osz == 4 ? 1 : cmp->osz == 8 ? 2 : -1;
    if (sz < 0) return NULL;
    return fused_tab[op][form][sz][jcc->aux];
}

FAMILY_TABLE(control_ops) = {
    {ZYDIS_MNEMONIC_JMP, OPF_END, sel_jmp, "control"},
    {ZYDIS_MNEMONIC_CALL, OPF_END, sel_call, "control"},
    {ZYDIS_MNEMONIC_RET, OPF_END, sel_ret, "control"},
    {ZYDIS_MNEMONIC_LOOP, OPF_END, sel_loop, "control"},
    {ZYDIS_MNEMONIC_LOOPE, OPF_END, sel_loop, "control"},
    {ZYDIS_MNEMONIC_LOOPNE, OPF_END, sel_loop, "control"},
    {ZYDIS_MNEMONIC_JRCXZ, OPF_END, sel_loop, "control"},
    {ZYDIS_MNEMONIC_JECXZ, OPF_END, sel_loop, "control"},
    {ZYDIS_MNEMONIC_JCXZ, OPF_END, sel_loop, "control"},
    J(JO),
    J(JNO),
    J(JB),
    J(JNB),
    J(JZ),
    J(JNZ),
    J(JBE),
    J(JNBE),
    J(JS),
    J(JNS),
    J(JP),
    J(JNP),
    J(JL),
    J(JNL),
    J(JLE),
    J(JNLE),
    {0},
};
