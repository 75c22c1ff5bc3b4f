/* Control transfer: JMP, Jcc, CALL, RET, LOOP/LOOPcc, JrCXZ. Always the last
 * instruction of a block: they set c->rip (which already holds the
 * fall-through address). Far forms arrive with the 32-bit issue. */
#include "decode.h"

int cc_of_mnemonic(ZydisMnemonic m);

static inline void branch_to(Cpu *c, uint64_t t) {
    if (unlikely(!mem_canonical(t))) GP0(c); /* #GP at the branch, RIP unchanged */
    c->rip = t;
}

/* 64-bit mode pushes/pops of 8 bytes: the stack pointer changes only after
 * the access succeeded. */
static inline void push64(Cpu *c, uint64_t v) {
    uint64_t sp = c->gpr[RSP] - 8;
    mem_wr64(c, sp, v);
    c->gpr[RSP] = sp;
}
static inline uint64_t pop64(Cpu *c) {
    uint64_t v = mem_rd64(c, c->gpr[RSP]);
    c->gpr[RSP] += 8;
    return v;
}

static void jmp_rel(Cpu *c, const Insn *i) { c->rip = i->imm; }
static void jmp_r(Cpu *c, const Insn *i) { branch_to(c, reg_get(c, i->r[0], i->osz)); }
static void jmp_m(Cpu *c, const Insn *i) { branch_to(c, mem_rd(c, insn_ea(c, i), i->osz)); }

static void jcc(Cpu *c, const Insn *i) {
    if (cond_eval(c, i->aux)) c->rip = i->imm;
}
/* Specialisations of the most common conditions after CMP/SUB/TEST. */
static void jz(Cpu *c, const Insn *i) {
    if (flag_zf(c)) c->rip = i->imm;
}
static void jnz(Cpu *c, const Insn *i) {
    if (!flag_zf(c)) c->rip = i->imm;
}

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
static void ret_n(Cpu *c, const Insn *i) {
    uint64_t t = cpu_pop(c, i->osz);
    uint64_t sp = c->gpr[RSP] + i->imm;
    c->gpr[RSP] = (c->seg[SEG_SS].attr & SEGA_DB) ? (uint32_t)sp : (c->gpr[RSP] & ~0xffffull) | (uint16_t)sp;
    c->rip = t;
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
        i->fn = jmp_rel;
        return 1;
    }
    if (d->zo[0].type == ZYDIS_OPERAND_TYPE_POINTER) return 0; /* far */
    if (d->zi->attributes & ZYDIS_ATTRIB_HAS_REX && d->zo[0].type == ZYDIS_OPERAND_TYPE_MEMORY &&
        d->zo[0].size > 64)
        return 0; /* far indirect */
    if (d->zo[0].size > 64) return 0;
    i->osz = (uint8_t)(d->zo[0].size / 8);
    i->fn = i->k[0] == K_REG ? jmp_r : jmp_m;
    return 1;
}

static int sel_jcc(const DecodeCtx *d, Insn *i) {
    int cc = cc_of_mnemonic(d->zi->mnemonic);
    if (cc < 0) return 0;
    i->aux = (uint8_t)cc;
    i->fn = cc == 4 ? jz : cc == 5 ? jnz : jcc;
    return 1;
}

static int sel_call(const DecodeCtx *d, Insn *i) {
    int rel = d->zo[0].type == ZYDIS_OPERAND_TYPE_IMMEDIATE && d->zo[0].imm.is_relative;
    if (d->zo[0].type == ZYDIS_OPERAND_TYPE_POINTER) return 0;
    if (!rel && d->zo[0].size > 64) return 0; /* far indirect */
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
    i->fn = (d->mode == MODE_64 && i->osz == 8) ? ret64 : ret_n;
    return 1;
}

static int sel_loop(const DecodeCtx *d, Insn *i) {
    switch (d->zi->mnemonic) {
    case ZYDIS_MNEMONIC_LOOP: i->aux = 0; i->fn = loop_; break;
    case ZYDIS_MNEMONIC_LOOPE: i->aux = 1; i->fn = loop_; break;
    case ZYDIS_MNEMONIC_LOOPNE: i->aux = 2; i->fn = loop_; break;
    default: i->fn = jrcxz; break;
    }
    return 1;
}

#define J(m) {ZYDIS_MNEMONIC_##m, OPF_END, sel_jcc, "control"}
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
    J(JO), J(JNO), J(JB), J(JNB), J(JZ), J(JNZ), J(JBE), J(JNBE),
    J(JS), J(JNS), J(JP), J(JNP), J(JL), J(JNL), J(JLE), J(JNLE),
    {0},
};
