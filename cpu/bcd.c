/* Decimal (BCD) adjustment: DAA DAS AAA AAS AAM AAD. Outside 64-bit mode
 * only: in 64-bit mode the opcodes are invalid (Zydis does not decode them,
 * so they raise #UD there).
 *
 * Defined results and flags follow the SDM/APM pseudocode. The flags those
 * manuals leave undefined are computed as this AMD Zen 1 host sets them
 * (measured exhaustively over AL, AH and the input flags):
 *   DAA/DAS  OF = signed overflow of AL +/- the whole adjustment (0, 6, 60h, 66h)
 *   AAA/AAS  SF ZF PF OF = those of the 16-bit AX +/- 106h (AX itself when
 *            no adjustment is made), before AL is masked to its low nibble
 *   AAM      OF AF CF = 0
 *   AAD      OF AF CF = those of the 8-bit addition AL + (AH * imm8)
 * The same rules are used for the Intel model: the fuzzer masks these flags
 * (tests/fuzz/undef.c), so only the defined ones are compared there. */
#include "insn.h"

#define BCD_FLAGS (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

static uint64_t szp8(unsigned v) {
    v &= 0xff;
    return (v & 0x80 ? F_SF : 0) | (v == 0 ? F_ZF : 0) | (parity8(v) ? F_PF : 0);
}
static uint64_t szp16(unsigned v) {
    v &= 0xffff;
    return (v & 0x8000 ? F_SF : 0) | (v == 0 ? F_ZF : 0) | (parity8(v) ? F_PF : 0);
}
static int in_af(Cpu *c) {
    flags_sync(c);
    return !!(c->rflags & F_AF);
}

static void op_daa(Cpu *c, const Insn *i) {
    unsigned al = (unsigned)c->gpr[RAX] & 0xff, old = al;
    int cf = flag_cf(c), af = in_af(c), ncf = 0;
    if ((al & 0xf) > 9 || af) {
        ncf = cf || al + 6 > 0xff;
        al = (al + 6) & 0xff;
        af = 1;
    } else {
        af = 0;
    }
    if (old > 0x99 || cf) {
        al = (al + 0x60) & 0xff;
        ncf = 1;
    } else {
        ncf = 0;
    }
    unsigned adj = (al - old) & 0xff;
    uint64_t fl = szp8(al) | (ncf ? F_CF : 0) | (af ? F_AF : 0);
    if (~(old ^ adj) & (old ^ al) & 0x80) fl |= F_OF;
    reg_set(c, 0, 1, al);
    flags_put(c, BCD_FLAGS, fl);
}

static void op_das(Cpu *c, const Insn *i) {
    unsigned al = (unsigned)c->gpr[RAX] & 0xff, old = al;
    int cf = flag_cf(c), af = in_af(c), ncf = 0;
    if ((al & 0xf) > 9 || af) {
        ncf = cf || al < 6;
        al = (al - 6) & 0xff;
        af = 1;
    } else {
        af = 0;
    }
    if (old > 0x99 || cf) { /* no "else CF = 0" here, unlike DAA */
        al = (al - 0x60) & 0xff;
        ncf = 1;
    }
    unsigned adj = (old - al) & 0xff;
    uint64_t fl = szp8(al) | (ncf ? F_CF : 0) | (af ? F_AF : 0);
    if ((old ^ adj) & (old ^ al) & 0x80) fl |= F_OF;
    reg_set(c, 0, 1, al);
    flags_put(c, BCD_FLAGS, fl);
}

/* AAA/AAS: AX +/- 106h (the carry or borrow out of AL reaches AH), then AL
 * keeps its low nibble. */
static void op_aaa(Cpu *c, const Insn *i) {
    unsigned ax = (unsigned)c->gpr[RAX] & 0xffff, t = ax;
    uint64_t fl = 0;
    if ((ax & 0xf) > 9 || in_af(c)) {
        t = (ax + 0x106) & 0xffff;
        fl = F_AF | F_CF | ((~ax & t & 0x8000) ? F_OF : 0);
    }
    reg_set(c, 0, 2, t & 0xff0f);
    flags_put(c, BCD_FLAGS, fl | szp16(t));
}

static void op_aas(Cpu *c, const Insn *i) {
    unsigned ax = (unsigned)c->gpr[RAX] & 0xffff, t = ax;
    uint64_t fl = 0;
    if ((ax & 0xf) > 9 || in_af(c)) {
        t = (ax - 0x106) & 0xffff;
        fl = F_AF | F_CF | ((ax & ~t & 0x8000) ? F_OF : 0);
    }
    reg_set(c, 0, 2, t & 0xff0f);
    flags_put(c, BCD_FLAGS, fl | szp16(t));
}

/* AAM imm8: AH = AL / imm8, AL = AL mod imm8; #DE when imm8 is 0. */
static void op_aam(Cpu *c, const Insn *i) {
    unsigned base = (unsigned)i->imm & 0xff, al = (unsigned)c->gpr[RAX] & 0xff;
    if (base == 0) cpu_fault_noerr(c, EXC_DE);
    unsigned q = al / base, r = al % base;
    reg_set(c, 0, 2, q << 8 | r);
    flags_put(c, BCD_FLAGS, szp8(r));
}

/* AAD imm8: AL = AL + AH * imm8 (8 bits), AH = 0. */
static void op_aad(Cpu *c, const Insn *i) {
    unsigned base = (unsigned)i->imm & 0xff, ax = (unsigned)c->gpr[RAX] & 0xffff;
    unsigned al = ax & 0xff, b = ((ax >> 8) * base) & 0xff, s = al + b, r = s & 0xff;
    uint64_t fl = szp8(r) | (s > 0xff ? F_CF : 0) | (((al ^ b ^ r) & 0x10) ? F_AF : 0);
    if (~(al ^ b) & (al ^ r) & 0x80) fl |= F_OF;
    reg_set(c, 0, 2, r);
    flags_put(c, BCD_FLAGS, fl);
}

#define SEL_FN(name, handler)                                                                      \
    static int name(const DecodeCtx *d, Insn *i) {                                                 \
        if (d->mode == MODE_64) return 0; /* not decodable there; never reached */                 \
        i->fn = handler;                                                                           \
        return 1;                                                                                  \
    }
SEL_FN(sel_daa, op_daa)
SEL_FN(sel_das, op_das)
SEL_FN(sel_aaa, op_aaa)
SEL_FN(sel_aas, op_aas)
SEL_FN(sel_aam, op_aam)
SEL_FN(sel_aad, op_aad)

FAMILY_TABLE(bcd_ops) = {
    {ZYDIS_MNEMONIC_DAA, 0, sel_daa, "bcd"},
    {ZYDIS_MNEMONIC_DAS, 0, sel_das, "bcd"},
    {ZYDIS_MNEMONIC_AAA, 0, sel_aaa, "bcd"},
    {ZYDIS_MNEMONIC_AAS, 0, sel_aas, "bcd"},
    {ZYDIS_MNEMONIC_AAM, 0, sel_aam, "bcd"},
    {ZYDIS_MNEMONIC_AAD, 0, sel_aad, "bcd"},
    {0},
};
