/* Stack instructions: PUSH, POP, PUSHF/POPF, ENTER, LEAVE, PUSHA/POPA
 * (32-bit only). Segment-register pushes and pops live in system_ops.c. */
#include "decode.h"
#include "system.h"

static void push_r64(Cpu *c, const Insn *i) {
    uint64_t v = c->gpr[i->r[0] / 8]; /* read first: PUSH RSP pushes the old value */
    uint64_t sp = c->gpr[RSP] - 8;
    mem_wr64(c, sp, v);
    c->gpr[RSP] = sp;
}
static void pop_r64(Cpu *c, const Insn *i) {
    uint64_t v = mem_rd64(c, c->gpr[RSP]);
    c->gpr[RSP] += 8;
    c->gpr[i->r[0] / 8] = v; /* POP RSP: the popped value wins */
}
static void push_i64(Cpu *c, const Insn *i) {
    uint64_t sp = c->gpr[RSP] - 8;
    mem_wr64(c, sp, i->imm);
    c->gpr[RSP] = sp;
}
static void push_m64(Cpu *c, const Insn *i) {
    uint64_t v = mem_rd64(c, insn_ea(c, i));
    uint64_t sp = c->gpr[RSP] - 8;
    mem_wr64(c, sp, v);
    c->gpr[RSP] = sp;
}
static void pop_m64(Cpu *c, const Insn *i) {
    /* The address is computed with RSP already incremented (SDM: POP). */
    uint64_t v = mem_rd64(c, c->gpr[RSP]);
    uint64_t old = c->gpr[RSP];
    c->gpr[RSP] = old + 8;
    uint64_t a = insn_ea(c, i);
    c->gpr[RSP] = old;
    mem_wr64(c, a, v);
    c->gpr[RSP] = old + 8;
}

/* Generic forms (16-bit operands, compatibility mode). */
static void push_n(Cpu *c, const Insn *i) { cpu_push(c, i->osz, op_get(c, i, 0, i->osz)); }
static void pop_n(Cpu *c, const Insn *i) {
    uint64_t old = c->gpr[RSP];
    uint64_t v = cpu_pop(c, i->osz);
    if (i->k[0] == K_REG) {
        reg_set(c, i->r[0], i->osz, v);
    } else {
        uint64_t a = insn_ea(c, i);
        uint64_t nsp = c->gpr[RSP];
        c->gpr[RSP] = old;
        mem_wr(c, a, i->osz, v);
        c->gpr[RSP] = nsp;
    }
}

static int sel_push(const DecodeCtx *d, Insn *i) {
    if (d->zo[0].type == ZYDIS_OPERAND_TYPE_REGISTER &&
        ZydisRegisterGetClass(d->zo[0].reg.value) == ZYDIS_REGCLASS_SEGMENT)
        return system_sel_pushpop_seg(d, i);
    if (d->mode == MODE_64 && i->osz == 8) {
        i->fn = i->k[0] == K_REG ? push_r64 : i->k[0] == K_IMM ? push_i64 : push_m64;
    } else {
        if (i->k[0] == K_IMM) i->imm &= size_mask(i->osz);
        i->fn = push_n;
    }
    return 1;
}
static int sel_pop(const DecodeCtx *d, Insn *i) {
    if (d->zo[0].type == ZYDIS_OPERAND_TYPE_REGISTER &&
        ZydisRegisterGetClass(d->zo[0].reg.value) == ZYDIS_REGCLASS_SEGMENT)
        return system_sel_pushpop_seg(d, i);
    if (d->mode == MODE_64 && i->osz == 8)
        i->fn = i->k[0] == K_REG ? pop_r64 : pop_m64;
    else
        i->fn = pop_n;
    return 1;
}

/* PUSHF/POPF: VM and RF are never pushed; POPF changes IOPL only at CPL 0 and
 * IF only when CPL <= IOPL (silently otherwise), as the SDM says. */
static void op_pushf(Cpu *c, const Insn *i) {
    uint64_t f = cpu_get_rflags(c) & ~(uint64_t)(F_VM | F_RF);
    cpu_push(c, i->osz, f & size_mask(i->osz));
}
static void op_popf(Cpu *c, const Insn *i) {
    uint64_t v = cpu_pop(c, i->osz);
    uint64_t cur = cpu_get_rflags(c);
    uint64_t changeable = F_ARITH | F_TF | F_DF | F_NT | F_AC | F_ID;
    unsigned iopl = (cur >> 12) & 3;
    if (c->cpl == 0) changeable |= F_IOPL;
    if (c->cpl <= iopl) changeable |= F_IF;
    if (i->osz == 2) changeable &= 0xffff;
    cpu_set_rflags(c, (cur & ~changeable) | (v & changeable));
}

static void op_leave(Cpu *c, const Insn *i) {
    if (c->mode == MODE_64) {
        uint64_t v = mem_rd(c, c->gpr[RBP], i->osz);
        c->gpr[RSP] = c->gpr[RBP] + i->osz;
        reg_set(c, GPR_OFF(RBP), i->osz, v);
    } else {
        uint64_t bp = (c->seg[SEG_SS].attr & SEGA_DB) ? (uint32_t)c->gpr[RBP] : (uint16_t)c->gpr[RBP];
        uint64_t v = mem_rd(c, c->segbase[SEG_SS] + bp, i->osz);
        if (c->seg[SEG_SS].attr & SEGA_DB)
            c->gpr[RSP] = (uint32_t)(bp + i->osz);
        else
            c->gpr[RSP] = (c->gpr[RSP] & ~0xffffull) | (uint16_t)(bp + i->osz);
        reg_set(c, GPR_OFF(RBP), i->osz, v);
    }
}

/* ENTER size, level (SDM's algorithm; level is taken modulo 32). */
static void op_enter(Cpu *c, const Insn *i) {
    unsigned sz = i->osz;
    uint64_t alloc = i->imm & 0xffff;
    unsigned level = i->aux2 & 31;
    uint64_t rsp0 = c->gpr[RSP], rbp0 = c->gpr[RBP];
    cpu_push(c, sz, rbp0 & size_mask(sz));
    uint64_t frame = c->gpr[RSP];
    if (level > 0) {
        uint64_t bp = rbp0;
        for (unsigned k = 1; k < level; k++) {
            bp -= sz;
            uint64_t a = c->mode == MODE_64 ? bp : c->segbase[SEG_SS] + (uint32_t)bp;
            cpu_push(c, sz, mem_rd(c, a, sz));
        }
        cpu_push(c, sz, frame & size_mask(sz));
    }
    uint64_t nsp = c->gpr[RSP] - alloc;
    /* the final stack must be writable: touch it before committing */
    if (alloc) cpu_probe_w(c, c->mode == MODE_64 ? nsp : c->segbase[SEG_SS] + (uint32_t)nsp, 1);
    reg_set(c, GPR_OFF(RBP), sz, frame);
    c->gpr[RSP] = c->mode == MODE_64 ? nsp : (uint32_t)nsp;
    (void)rsp0;
}

#define SIMPLE(name, f)                                                                        \
    static int name(const DecodeCtx *d, Insn *i) {                                             \
        i->fn = f;                                                                             \
        return 1;                                                                              \
    }
SIMPLE(sel_pushf, op_pushf)
SIMPLE(sel_popf, op_popf)
SIMPLE(sel_leave, op_leave)
SIMPLE(sel_enter, op_enter)

FAMILY_TABLE(stack_ops) = {
    {ZYDIS_MNEMONIC_PUSH, 0, sel_push, "stack"},
    {ZYDIS_MNEMONIC_POP, 0, sel_pop, "stack"},
    {ZYDIS_MNEMONIC_PUSHF, 0, sel_pushf, "stack"},
    {ZYDIS_MNEMONIC_PUSHFD, 0, sel_pushf, "stack"},
    {ZYDIS_MNEMONIC_PUSHFQ, 0, sel_pushf, "stack"},
    {ZYDIS_MNEMONIC_POPF, OPF_END, sel_popf, "stack"},
    {ZYDIS_MNEMONIC_POPFD, OPF_END, sel_popf, "stack"},
    {ZYDIS_MNEMONIC_POPFQ, OPF_END, sel_popf, "stack"},
    {ZYDIS_MNEMONIC_LEAVE, 0, sel_leave, "stack"},
    {ZYDIS_MNEMONIC_ENTER, 0, sel_enter, "stack"},
    {0},
};
