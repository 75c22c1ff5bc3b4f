/* Small instructions with no better home: NOPs and hints (NOP, PAUSE,
 * ENDBR, fences, prefetches, cache-line flushes), flag bits (CLC STC CMC CLD
 * STD, LAHF SAHF), sign extension of the accumulator (CBW ... CQO), BSWAP,
 * MOVBE, RDTSC/RDTSCP, XLAT, SALC and the UDn instructions. */
#include <x86intrin.h>

#include "insn.h"

/* ---- no-ops ---- */

/* NOP (every form: 90, 66 90, 0F 1F /0 with any memory operand, which is
 * never accessed), PAUSE, ENDBR32/64, fences (one CPU: program order is
 * memory order), prefetch hints (never fault), CLDEMOTE, RDSSPD/Q (NOPs
 * while CET shadow stacks are off) and the MPX instructions (hint NOPs on a
 * CPU without MPX; CPUID does not advertise it, nor shadow stacks). */
static void op_nop(Cpu *c, const Insn *i) {}

/* CLFLUSH/CLFLUSHOPT/CLWB are checked like a byte load: #PF/#GP on a bad
 * address; there is no cache to flush. */
static void op_clflush(Cpu *c, const Insn *i) { (void)mem_rd8(c, insn_ea(c, i)); }

static void op_ud(Cpu *c, const Insn *i) { UD(c); }
static void op_gp0(Cpu *c, const Insn *i) { GP0(c); }

/* CLZERO (AMD; #UD on Intel): zero the 64-byte line holding DS:rAX (rAX by
 * the address size), checked and written as a store. */
static void op_clzero(Cpu *c, const Insn *i) {
    static const uint8_t zero[64];
    uint64_t off = c->gpr[RAX] & size_mask(i->asz) & ~63ull;
    uint64_t a = off + c->segbase[i->seg];
    if (c->mode != MODE_64) a = (uint32_t)a;
    cpu_wr_bytes(c, a, zero, 64);
}
static int sel_clzero(const DecodeCtx *d, Insn *i) {
    if (d->cpu->vendor != CPU_AMD) {
        i->fn = op_ud;
        return 1;
    }
    uint8_t s = SEG_DS;
    for (unsigned k = 0; k < d->zi->raw.prefix_count; k++)
        switch (d->zi->raw.prefixes[k].value) {
        case 0x26: s = SEG_ES; break;
        case 0x2e: s = SEG_CS; break;
        case 0x36: s = SEG_SS; break;
        case 0x3e: s = SEG_DS; break;
        case 0x64: s = SEG_FS; break;
        case 0x65: s = SEG_GS; break;
        default: break;
        }
    i->mseg = s == SEG_SS ? SEG_DS : s; /* a bad address is #GP even through SS (host) */
    i->seg = (d->mode != MODE_64 || s == SEG_FS || s == SEG_GS) ? s : SEG_NONE;
    /* outside 64-bit mode CS is a code segment, never writable */
    i->fn = (d->mode != MODE_64 && s == SEG_CS) ? op_gp0 : op_clzero;
    return 1;
}

/* ---- flags ---- */

static void op_clc(Cpu *c, const Insn *i) { flags_put(c, F_CF, 0); }
static void op_stc(Cpu *c, const Insn *i) { flags_put(c, F_CF, F_CF); }
static void op_cmc(Cpu *c, const Insn *i) { flags_put(c, F_CF, flag_cf(c) ? 0 : F_CF); }
/* DF is not an arithmetic flag: always live in c->rflags. */
static void op_cld(Cpu *c, const Insn *i) { c->rflags &= ~(uint64_t)F_DF; }
static void op_std(Cpu *c, const Insn *i) { c->rflags |= F_DF; }

#define LAHF_MASK (F_SF | F_ZF | F_AF | F_PF | F_CF)
/* AH = SF:ZF:0:AF:0:PF:1:CF */
static void op_lahf(Cpu *c, const Insn *i) {
    flags_sync(c);
    reg_set(c, 1, 1, (c->rflags & LAHF_MASK) | 2);
}
static void op_sahf(Cpu *c, const Insn *i) { flags_put(c, LAHF_MASK, reg_get(c, 1, 1)); }

/* ---- accumulator sign extension ---- */

static void op_cbw(Cpu *c, const Insn *i) {
    reg_set(c, 0, 2, (uint64_t)(int64_t)(int8_t)c->gpr[RAX]);
}
static void op_cwde(Cpu *c, const Insn *i) {
    reg_set(c, 0, 4, (uint64_t)(int64_t)(int16_t)c->gpr[RAX]);
}
static void op_cdqe(Cpu *c, const Insn *i) {
    c->gpr[RAX] = (uint64_t)(int64_t)(int32_t)c->gpr[RAX];
}
static void op_cwd(Cpu *c, const Insn *i) {
    reg_set(c, GPR_OFF(RDX), 2, (int16_t)c->gpr[RAX] < 0 ? 0xffff : 0);
}
static void op_cdq(Cpu *c, const Insn *i) {
    reg_set(c, GPR_OFF(RDX), 4, (int32_t)c->gpr[RAX] < 0 ? 0xffffffff : 0);
}
static void op_cqo(Cpu *c, const Insn *i) { c->gpr[RDX] = (int64_t)c->gpr[RAX] < 0 ? ~0ull : 0; }

/* ---- byte order ---- */

static void op_bswap4(Cpu *c, const Insn *i) {
    reg_set(c, i->r[0], 4, __builtin_bswap32((uint32_t)reg_get(c, i->r[0], 4)));
}
static void op_bswap8(Cpu *c, const Insn *i) {
    reg_set(c, i->r[0], 8, __builtin_bswap64(reg_get(c, i->r[0], 8)));
}
/* 16-bit BSWAP is undefined; the host (and most CPUs) clear the low word. */
static void op_bswap2(Cpu *c, const Insn *i) { reg_set(c, i->r[0], 2, 0); }

static void op_movbe_ld2(Cpu *c, const Insn *i) {
    reg_set(c, i->r[0], 2, __builtin_bswap16(mem_rd16(c, insn_ea(c, i))));
}
static void op_movbe_ld4(Cpu *c, const Insn *i) {
    reg_set(c, i->r[0], 4, __builtin_bswap32(mem_rd32(c, insn_ea(c, i))));
}
static void op_movbe_ld8(Cpu *c, const Insn *i) {
    reg_set(c, i->r[0], 8, __builtin_bswap64(mem_rd64(c, insn_ea(c, i))));
}
static void op_movbe_st2(Cpu *c, const Insn *i) {
    mem_wr16(c, insn_ea(c, i), __builtin_bswap16((uint16_t)reg_get(c, i->r[1], 2)));
}
static void op_movbe_st4(Cpu *c, const Insn *i) {
    mem_wr32(c, insn_ea(c, i), __builtin_bswap32((uint32_t)reg_get(c, i->r[1], 4)));
}
static void op_movbe_st8(Cpu *c, const Insn *i) {
    mem_wr64(c, insn_ea(c, i), __builtin_bswap64(reg_get(c, i->r[1], 8)));
}

/* ---- time stamp counter: the host's ---- */

#define CR4_TSD 4ull
static void tsc_check(Cpu *c) {
    if ((c->cr4 & CR4_TSD) && c->cpl != 0) GP0(c);
}
static void op_rdtsc(Cpu *c, const Insn *i) {
    tsc_check(c);
    uint64_t t = __rdtsc();
    c->gpr[RAX] = (uint32_t)t;
    c->gpr[RDX] = t >> 32;
}
static void op_rdtscp(Cpu *c, const Insn *i) {
    tsc_check(c);
    unsigned aux;
    uint64_t t = __rdtscp(&aux);
    c->gpr[RAX] = (uint32_t)t;
    c->gpr[RDX] = t >> 32;
    c->gpr[RCX] = (uint32_t)c->tsc_aux;
}

/* ---- XLAT: AL = [seg: rBX + AL], wrapped to the address size ---- */

static void op_xlat(Cpu *c, const Insn *i) {
    uint64_t off = (c->gpr[RBX] + (uint8_t)c->gpr[RAX]) & size_mask(i->asz);
    uint64_t lin = c->segbase[i->seg] + off;
    if (c->mode != MODE_64) lin = (uint32_t)lin;
    reg_set(c, 0, 1, mem_rd8(c, lin));
}

/* SALC (D6, outside 64-bit mode): AL = CF ? FF : 00, flags unchanged. */
static void op_salc(Cpu *c, const Insn *i) { reg_set(c, 0, 1, flag_cf(c) ? 0xff : 0); }

/* ---- selectors ---- */

#define SEL_FN(name, handler)                                                                      \
    static int name(const DecodeCtx *d, Insn *i) {                                                 \
        i->fn = handler;                                                                           \
        return 1;                                                                                  \
    }
/* 0F 0D with a register operand (mod = 11: Zydis' NOP r, r): AMD reserves
 * it (#UD, Zen 1 and Zen 5); Intel executes it as a NOP. */
static int sel_nop(const DecodeCtx *d, Insn *i) {
    const ZydisDecodedInstruction *zi = d->zi;
    if (d->cpu->vendor == CPU_AMD && zi->opcode_map == ZYDIS_OPCODE_MAP_0F && zi->opcode == 0x0d &&
        zi->raw.modrm.mod == 3)
        i->fn = op_ud;
    else
        i->fn = op_nop;
    return 1;
}
SEL_FN(sel_ud, op_ud)
SEL_FN(sel_clc, op_clc)
SEL_FN(sel_stc, op_stc)
SEL_FN(sel_cmc, op_cmc)
SEL_FN(sel_cld, op_cld)
SEL_FN(sel_std, op_std)
SEL_FN(sel_lahf, op_lahf)
SEL_FN(sel_sahf, op_sahf)
SEL_FN(sel_cbw, op_cbw)
SEL_FN(sel_cwde, op_cwde)
SEL_FN(sel_cdqe, op_cdqe)
SEL_FN(sel_cwd, op_cwd)
SEL_FN(sel_cdq, op_cdq)
SEL_FN(sel_cqo, op_cqo)
SEL_FN(sel_rdtsc, op_rdtsc)
SEL_FN(sel_rdtscp, op_rdtscp)

static int sel_clflush(const DecodeCtx *d, Insn *i) {
    if (i->k[0] != K_MEM) return 0;
    /* CLWB arrived with Zen 2 (still family 17h); the modelled 17h CPU is
     * Zen 1 (model 01h), which raises #UD. CPUID 7.0:EBX[24] agrees. */
    if (d->zi->mnemonic == ZYDIS_MNEMONIC_CLWB && d->cpu->vendor == CPU_AMD &&
        d->cpu->family == CPU_FAMILY_ZEN1)
        i->fn = op_ud;
    else
        i->fn = op_clflush;
    return 1;
}

static int sel_bswap(const DecodeCtx *d, Insn *i) {
    if (i->k[0] != K_REG) return 0;
    switch (i->osz) {
    case 2: i->fn = op_bswap2; return 1;
    case 4: i->fn = op_bswap4; return 1;
    case 8: i->fn = op_bswap8; return 1;
    default: return 0;
    }
}

static int sel_movbe(const DecodeCtx *d, Insn *i) {
    static const Handler ld[3] = {op_movbe_ld2, op_movbe_ld4, op_movbe_ld8};
    static const Handler st[3] = {op_movbe_st2, op_movbe_st4, op_movbe_st8};
    if (i->osz != 2 && i->osz != 4 && i->osz != 8) return 0;
    int k = size_idx(i->osz) - 1;
    if (i->k[0] == K_REG && i->k[1] == K_MEM)
        i->fn = ld[k];
    else if (i->k[0] == K_MEM && i->k[1] == K_REG)
        i->fn = st[k];
    else
        return 0;
    return 1;
}

/* XLAT's memory operand is hidden: take its segment and the address size. */
static int sel_xlat(const DecodeCtx *d, Insn *i) {
    uint8_t s = SEG_DS;
    for (int j = 0; j < d->zi->operand_count; j++) {
        const ZydisDecodedOperand *o = &d->zo[j];
        if (o->type != ZYDIS_OPERAND_TYPE_MEMORY) continue;
        switch (o->mem.segment) {
        case ZYDIS_REGISTER_ES: s = SEG_ES; break;
        case ZYDIS_REGISTER_CS: s = SEG_CS; break;
        case ZYDIS_REGISTER_SS: s = SEG_SS; break;
        case ZYDIS_REGISTER_FS: s = SEG_FS; break;
        case ZYDIS_REGISTER_GS: s = SEG_GS; break;
        default: s = SEG_DS; break;
        }
    }
    i->mseg = s;
    i->seg = (d->mode != MODE_64 || s == SEG_FS || s == SEG_GS) ? s : SEG_NONE;
    i->asz = (uint8_t)(d->zi->address_width / 8);
    i->fn = op_xlat;
    return 1;
}

static int sel_salc(const DecodeCtx *d, Insn *i) {
    i->fn = d->mode == MODE_64 ? op_ud : op_salc;
    return 1;
}

FAMILY_TABLE(misc_ops) = {
    {ZYDIS_MNEMONIC_NOP, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_PAUSE, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_ENDBR64, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_ENDBR32, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_LFENCE, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_MFENCE, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_SFENCE, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_PREFETCH, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_PREFETCHW, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_PREFETCHWT1, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_PREFETCHNTA, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_PREFETCHT0, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_PREFETCHT1, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_PREFETCHT2, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_CLDEMOTE, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_RDSSPD, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_RDSSPQ, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_BNDCL, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_BNDCN, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_BNDCU, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_BNDLDX, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_BNDMK, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_BNDMOV, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_BNDSTX, 0, sel_nop, "misc"},
    {ZYDIS_MNEMONIC_CLFLUSH, 0, sel_clflush, "misc"},
    {ZYDIS_MNEMONIC_CLFLUSHOPT, 0, sel_clflush, "misc"},
    {ZYDIS_MNEMONIC_CLWB, 0, sel_clflush, "misc"},
    {ZYDIS_MNEMONIC_CLZERO, 0, sel_clzero, "misc"},
    {ZYDIS_MNEMONIC_CLC, 0, sel_clc, "misc"},
    {ZYDIS_MNEMONIC_STC, 0, sel_stc, "misc"},
    {ZYDIS_MNEMONIC_CMC, 0, sel_cmc, "misc"},
    {ZYDIS_MNEMONIC_CLD, 0, sel_cld, "misc"},
    {ZYDIS_MNEMONIC_STD, 0, sel_std, "misc"},
    {ZYDIS_MNEMONIC_LAHF, 0, sel_lahf, "misc"},
    {ZYDIS_MNEMONIC_SAHF, 0, sel_sahf, "misc"},
    {ZYDIS_MNEMONIC_CBW, 0, sel_cbw, "misc"},
    {ZYDIS_MNEMONIC_CWDE, 0, sel_cwde, "misc"},
    {ZYDIS_MNEMONIC_CDQE, 0, sel_cdqe, "misc"},
    {ZYDIS_MNEMONIC_CWD, 0, sel_cwd, "misc"},
    {ZYDIS_MNEMONIC_CDQ, 0, sel_cdq, "misc"},
    {ZYDIS_MNEMONIC_CQO, 0, sel_cqo, "misc"},
    {ZYDIS_MNEMONIC_BSWAP, 0, sel_bswap, "misc"},
    {ZYDIS_MNEMONIC_MOVBE, 0, sel_movbe, "misc"},
    {ZYDIS_MNEMONIC_RDTSC, 0, sel_rdtsc, "misc"},
    {ZYDIS_MNEMONIC_RDTSCP, 0, sel_rdtscp, "misc"},
    {ZYDIS_MNEMONIC_XLAT, 0, sel_xlat, "misc"},
    {ZYDIS_MNEMONIC_SALC, 0, sel_salc, "misc"},
    {ZYDIS_MNEMONIC_UD0, 0, sel_ud, "misc"},
    {ZYDIS_MNEMONIC_UD1, 0, sel_ud, "misc"},
    {ZYDIS_MNEMONIC_UD2, 0, sel_ud, "misc"},
    {0},
};
