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
        uint64_t bp =
            (c->seg[SEG_SS].attr & SEGA_DB) ? (uint32_t)c->gpr[RBP] : (uint16_t)c->gpr[RBP];
        uint64_t v = mem_rd(c, c->segbase[SEG_SS] + bp, i->osz);
        if (c->seg[SEG_SS].attr & SEGA_DB)
            c->gpr[RSP] = (uint32_t)(bp + i->osz);
        else
            c->gpr[RSP] = (c->gpr[RSP] & ~0xffffull) | (uint16_t)(bp + i->osz);
        reg_set(c, GPR_OFF(RBP), i->osz, v);
    }
}

/* ENTER size, level (SDM's algorithm; level is taken modulo 32). The
 * nested frame pointers are read first and the registers are committed
 * last, so a fault restarts it cleanly, as on hardware. */
static void op_enter(Cpu *c, const Insn *i) {
    unsigned sz = i->osz;
    uint64_t alloc = i->imm & 0xffff;
    unsigned level = i->aux2 & 31;
    int m64 = c->mode == MODE_64;
    int big = m64 || (c->seg[SEG_SS].attr & SEGA_DB);
    uint64_t smask = m64 ? ~0ull : big ? 0xffffffffull : 0xffffull;
    uint64_t ssb = m64 ? 0 : c->segbase[SEG_SS];
    uint64_t sp0 = c->gpr[RSP], bp0 = c->gpr[RBP];
    uint64_t vals[34];
    unsigned n = 0;
    vals[n++] = bp0 & size_mask(sz);
    uint64_t frame = (sp0 - sz) & smask;
    if (level > 0) {
        uint64_t bp = bp0;
        for (unsigned k = 1; k < level; k++) {
            bp = (bp - sz) & (big ? smask : 0xffff);
            vals[n++] = mem_rd(c, m64 ? bp : (uint32_t)(ssb + bp), sz);
        }
        vals[n++] = frame & size_mask(sz);
    }
    uint64_t low = (sp0 - (uint64_t)n * sz) & smask; /* lowest pushed byte */
    uint64_t nsp = (low - alloc) & smask;
    (void)low;
    /* As the host does: the frame is written first, then the final stack
     * pointer is checked; registers change only when both succeeded. */
    for (unsigned k = 0; k < n; k++) {
        uint64_t a = (sp0 - (uint64_t)(k + 1) * sz) & smask;
        mem_wr(c, m64 ? a : (uint32_t)(ssb + a), sz, vals[k]);
    }
    if (alloc) cpu_probe_w(c, m64 ? nsp : (uint32_t)(ssb + nsp), 1);
    reg_set(c, GPR_OFF(RBP), sz, frame);
    if (m64 || big)
        c->gpr[RSP] = m64 ? nsp : (uint32_t)nsp;
    else
        c->gpr[RSP] = (c->gpr[RSP] & ~0xffffull) | (uint16_t)nsp;
}

#define SIMPLE(name, f)                                                                            \
    static int name(const DecodeCtx *d, Insn *i) {                                                 \
        i->fn = f;                                                                                 \
        return 1;                                                                                  \
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
