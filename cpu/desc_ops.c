/* Descriptor tests that never fault on the selector: LAR, LSL, VERR, VERW,
 * and ARPL (selector arithmetic; outside 64-bit mode only, where 63 /r is
 * MOVSXD). The descriptor comes from cpu_desc_probe (cpu/system.c): a null
 * selector, an LDT selector without an LDT, or one outside its table only
 * clears ZF. Only ZF changes; on failure the destination is not written
 * (not even the upper half of a 64-bit register for a 32-bit operand).
 *
 * Visibility (SDM Vol. 2A LAR/LSL/VERR/VERW, APM Vol. 3): a descriptor is
 * visible when it is a conforming code segment, or when DPL >= CPL and
 * DPL >= RPL. System descriptors are valid for LAR and LSL by type (legacy
 * and IA-32e tables below); in IA-32e mode they are 16 bytes and valid only
 * when the upper half is inside the table with bits 12:8 of its high dword
 * zero. Not testable from CPL 3 under Linux (all its system descriptors are
 * DPL 0), so these follow the manuals: the LDT type is valid for LAR in
 * IA-32e mode on AMD (APM) but not on Intel (SDM Table 3-52). */
#include "system.h"

/* Bit n set: system type n is valid. */
#define LAR_LEGACY  0x1a3eu /* 1 2 3 4 5 9 B C */
#define LAR_IA32E   0x1a04u /* 2 9 B C (AMD) */
#define LAR_IA32E_I 0x1a00u /* 9 B C (Intel) */
#define LSL_LEGACY  0x0a0eu /* 1 2 3 9 B */
#define LSL_IA32E   0x0a04u /* 2 9 B */

enum { CHK_LAR, CHK_LSL, CHK_VERR, CHK_VERW };

/* The selector operand (r/m16): a register's low 16 bits or a word in memory. */
static uint16_t sel_operand(Cpu *c, const Insn *i, int j) {
    return i->k[j] == K_MEM ? mem_rd16(c, insn_ea(c, i)) : (uint16_t)reg_get(c, i->r[j], 2);
}

/* 1 when the descriptor for `sel` passes instruction `chk`'s checks (the
 * descriptor's low 8 bytes in *out). */
static int desc_check(Cpu *c, uint16_t sel, int chk, uint64_t *out) {
    uint64_t d[2];
    int n = cpu_desc_probe(c, sel, d);
    if (!n) return 0;
    *out = d[0];
    unsigned type = (unsigned)(d[0] >> 40) & 0xf, s = (unsigned)(d[0] >> 44) & 1;
    unsigned dpl = (unsigned)(d[0] >> 45) & 3, rpl = sel & 3;
    int conforming = s && (type & 0xc) == 0xc;
    int visible = conforming || (dpl >= c->cpl && dpl >= rpl);
    if (s) {
        switch (chk) {
        case CHK_VERR: return (!(type & 8) || (type & 2)) && visible; /* data, or readable code */
        case CHK_VERW: return !(type & 8) && (type & 2) && visible;   /* writable data */
        default: return visible;
        }
    }
    if (chk == CHK_VERR || chk == CHK_VERW || !visible) return 0;
    if (!(c->efer & EFER_LMA)) return ((chk == CHK_LAR ? LAR_LEGACY : LSL_LEGACY) >> type) & 1;
    unsigned ok = chk == CHK_LSL ? LSL_IA32E : c->vendor == CPU_INTEL ? LAR_IA32E_I : LAR_IA32E;
    return ((ok >> type) & 1) && n == 2 && ((d[1] >> 40) & 0x1f) == 0;
}

static void put_zf(Cpu *c, int z) { flags_put(c, F_ZF, z ? F_ZF : 0); }

/* LAR: the second dword's bits 23:8 (type, S, DPL, P, limit 19:16, AVL, L,
 * D/B, G: this CPU returns the limit bits the SDM calls undefined); a
 * 16-bit destination gets bits 15:8 of them. */
static void op_lar(Cpu *c, const Insn *i) {
    uint64_t d;
    int ok = desc_check(c, sel_operand(c, i, 1), CHK_LAR, &d);
    if (ok) {
        uint32_t hi = (uint32_t)(d >> 32);
        reg_set(c, i->r[0], i->osz, i->osz == 2 ? (hi & 0xff00) : (hi & 0x00ffff00));
    }
    put_zf(c, ok);
}

/* LSL: the byte-granular limit (scaled when G is set); a 16-bit
 * destination gets its low 16 bits. */
static void op_lsl(Cpu *c, const Insn *i) {
    uint64_t d;
    int ok = desc_check(c, sel_operand(c, i, 1), CHK_LSL, &d);
    if (ok) {
        uint32_t lim = (uint32_t)((d & 0xffff) | (((d >> 48) & 0xf) << 16));
        if ((d >> 55) & 1) lim = (lim << 12) | 0xfff;
        reg_set(c, i->r[0], i->osz, lim);
    }
    put_zf(c, ok);
}

static void op_verr(Cpu *c, const Insn *i) {
    uint64_t d;
    put_zf(c, desc_check(c, sel_operand(c, i, 0), CHK_VERR, &d));
}
static void op_verw(Cpu *c, const Insn *i) {
    uint64_t d;
    put_zf(c, desc_check(c, sel_operand(c, i, 0), CHK_VERW, &d));
}

/* ARPL r/m16, r16: raise the destination's RPL to the source's (ZF = 1),
 * else ZF = 0 and the destination is not written. */
static void op_arpl(Cpu *c, const Insn *i) {
    uint64_t a = i->k[0] == K_MEM ? insn_ea(c, i) : 0;
    uint16_t dst = i->k[0] == K_MEM ? mem_rd16(c, a) : (uint16_t)reg_get(c, i->r[0], 2);
    uint16_t src = (uint16_t)reg_get(c, i->r[1], 2);
    int adj = (dst & 3) < (src & 3);
    if (adj) {
        dst = (uint16_t)((dst & ~3) | (src & 3));
        if (i->k[0] == K_MEM) {
            if (i->mseg == SEG_CS) GP0(c); /* code segments are never writable */
            mem_wr16(c, a, dst);
        } else {
            reg_set(c, i->r[0], 2, dst);
        }
    }
    put_zf(c, adj);
}

static int sel_lar(const DecodeCtx *d, Insn *i) {
    if (i->k[0] != K_REG) return 0;
    i->fn = d->zi->mnemonic == ZYDIS_MNEMONIC_LAR ? op_lar : op_lsl;
    return 1;
}
static int sel_verr(const DecodeCtx *d, Insn *i) {
    i->fn = d->zi->mnemonic == ZYDIS_MNEMONIC_VERR ? op_verr : op_verw;
    return 1;
}
static int sel_arpl(const DecodeCtx *d, Insn *i) {
    if (d->mode == MODE_64 || i->k[1] != K_REG) return 0;
    i->fn = op_arpl;
    return 1;
}

FAMILY_TABLE(desc_ops) = {
    {ZYDIS_MNEMONIC_LAR, 0, sel_lar, "desc_ops"},   {ZYDIS_MNEMONIC_LSL, 0, sel_lar, "desc_ops"},
    {ZYDIS_MNEMONIC_VERR, 0, sel_verr, "desc_ops"}, {ZYDIS_MNEMONIC_VERW, 0, sel_verr, "desc_ops"},
    {ZYDIS_MNEMONIC_ARPL, 0, sel_arpl, "desc_ops"}, {0},
};
