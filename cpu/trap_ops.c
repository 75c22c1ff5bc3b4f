/* Range-check trap: BOUND (62 /r, outside 64-bit mode; the register form
 * is EVEX there and never reaches this family). An index outside the
 * signed [lower, upper] pair in memory raises #BR, a fault (the return
 * address is the BOUND itself), delivered through the IDT: Linux sends
 * SIGSEGV. INTO (#OF, a trap) is in cpu/system_ops.c with INT n. */
#include "insn.h"

static void op_bound16(Cpu *c, const Insn *i) {
    int16_t idx = (int16_t)reg_get(c, i->r[0], 2);
    int16_t lo = (int16_t)mem_rd16(c, insn_ea(c, i));
    int16_t hi = (int16_t)mem_rd16(c, insn_ea_plus(c, i, 2));
    if (idx < lo || idx > hi) cpu_fault_noerr(c, EXC_BR);
}
static void op_bound32(Cpu *c, const Insn *i) {
    int32_t idx = (int32_t)reg_get(c, i->r[0], 4);
    int32_t lo = (int32_t)mem_rd32(c, insn_ea(c, i));
    int32_t hi = (int32_t)mem_rd32(c, insn_ea_plus(c, i, 4));
    if (idx < lo || idx > hi) cpu_fault_noerr(c, EXC_BR);
}

static int sel_bound(const DecodeCtx *d, Insn *i) {
    if (d->mode == MODE_64 || i->k[0] != K_REG || i->k[1] != K_MEM) return 0;
    i->fn = i->osz == 2 ? op_bound16 : op_bound32;
    return 1;
}

FAMILY_TABLE(trap_ops) = {
    {ZYDIS_MNEMONIC_BOUND, 0, sel_bound, "trap_ops"},
    {0},
};
