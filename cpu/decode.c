/* Decode once: Zydis -> compact Insn records, grouped into blocks that are
 * cached by (address, mode, privilege). A block ends after a branch or any
 * instruction that changes how later code runs (OPF_END), at MAX_BLOCK
 * instructions, or before a breakpoint. The cache is flushed as a whole when
 * guest code is written, unmapped or remapped (rare in practice; simple and
 * exact). Its arena and hash are sized for large programs' working sets so
 * the steady state never re-decodes. */
#include <stdlib.h>
#include <sys/mman.h>

#include "decode.h"

#define FAMILY(n) extern const OpDef n[];
#include "families.def"
#undef FAMILY

static const OpDef *const family_tables[] = {
#define FAMILY(n) n,
#include "families.def"
#undef FAMILY
};

static Selector sel_tab[ZYDIS_MNEMONIC_MAX_VALUE + 1];
static uint8_t opf_tab[ZYDIS_MNEMONIC_MAX_VALUE + 1];
static const char *fam_tab[ZYDIS_MNEMONIC_MAX_VALUE + 1];
static int tables_ready;

static void init_tables(void) {
    if (tables_ready) return;
    for (size_t t = 0; t < sizeof family_tables / sizeof *family_tables; t++)
        for (const OpDef *d = family_tables[t]; d->mnem; d++) {
            sel_tab[d->mnem] = d->sel;
            opf_tab[d->mnem] = d->flags;
            fam_tab[d->mnem] = d->family;
        }
    tables_ready = 1;
}

int decode_is_implemented(int mnem) {
    init_tables();
    return mnem > 0 && mnem <= ZYDIS_MNEMONIC_MAX_VALUE && sel_tab[mnem] != NULL;
}
const char *decode_family(int mnem) {
    init_tables();
    return mnem > 0 && mnem <= ZYDIS_MNEMONIC_MAX_VALUE ? fam_tab[mnem] : NULL;
}

DecodeCache *decode_cache_new(void) {
    init_tables();
    DecodeCache *dc = calloc(1, sizeof *dc);
    if (!dc) return NULL;
    dc->hsize = DC_HASH_SIZE;
    dc->hash = calloc(dc->hsize, sizeof(Block *));
    dc->arena_size = DC_ARENA_SIZE;
    dc->arena = mmap(NULL, dc->arena_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (!dc->hash || dc->arena == MAP_FAILED) {
        free(dc->hash);
        free(dc);
        return NULL;
    }
    ZydisDecoderInit(&dc->dec[MODE_64], ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    ZydisDecoderInit(&dc->dec[MODE_COMPAT32], ZYDIS_MACHINE_MODE_LONG_COMPAT_32,
                     ZYDIS_STACK_WIDTH_32);
    ZydisDecoderInit(&dc->dec[MODE_PROT32], ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32);
    ZydisFormatterInit(&dc->fmt, ZYDIS_FORMATTER_STYLE_ATT);
    ZydisFormatterSetProperty(&dc->fmt, ZYDIS_FORMATTER_PROP_HEX_UPPERCASE, ZYAN_FALSE);
    ZydisFormatterSetProperty(&dc->fmt, ZYDIS_FORMATTER_PROP_ADDR_PADDING_ABSOLUTE,
                              ZYDIS_PADDING_DISABLED);
    ZydisFormatterSetProperty(&dc->fmt, ZYDIS_FORMATTER_PROP_IMM_PADDING, ZYDIS_PADDING_DISABLED);
    ZydisFormatterSetProperty(&dc->fmt, ZYDIS_FORMATTER_PROP_DISP_PADDING, ZYDIS_PADDING_DISABLED);
    return dc;
}

void decode_cache_free(DecodeCache *dc) {
    if (!dc) return;
    munmap(dc->arena, dc->arena_size);
    free(dc->hash);
    free(dc);
}

void decode_cache_flush(DecodeCache *dc) {
    memset(dc->hash, 0, dc->hsize * sizeof(Block *));
    dc->used = 0;
    dc->flushes++;
}

/* ---- operand translation ---- */

int zreg_is_gpr(ZydisRegister r) {
    switch (ZydisRegisterGetClass(r)) {
    case ZYDIS_REGCLASS_GPR8:
    case ZYDIS_REGCLASS_GPR16:
    case ZYDIS_REGCLASS_GPR32:
    case ZYDIS_REGCLASS_GPR64: return 1;
    default: return 0;
    }
}
int zreg_is_xmm(ZydisRegister r) { return ZydisRegisterGetClass(r) == ZYDIS_REGCLASS_XMM; }

/* GPR number 0..15 of any GPR (AH..BH give their parent), or -1. */
int zreg_gpr_num(ZydisRegister r) {
    switch (r) {
    case ZYDIS_REGISTER_AH: return RAX;
    case ZYDIS_REGISTER_CH: return RCX;
    case ZYDIS_REGISTER_DH: return RDX;
    case ZYDIS_REGISTER_BH: return RBX;
    default: break;
    }
    if (!zreg_is_gpr(r)) return -1;
    ZydisRegister big = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, r);
    return ZydisRegisterGetId(big);
}

static uint8_t reg_operand(ZydisRegister r) {
    switch (r) {
    case ZYDIS_REGISTER_AH: return 1;
    case ZYDIS_REGISTER_CH: return 8 + 1;
    case ZYDIS_REGISTER_DH: return 16 + 1;
    case ZYDIS_REGISTER_BH: return 24 + 1;
    default: break;
    }
    if (zreg_is_gpr(r)) return (uint8_t)GPR_OFF(zreg_gpr_num(r));
    switch (ZydisRegisterGetClass(r)) {
    case ZYDIS_REGCLASS_SEGMENT:
        switch (r) {
        case ZYDIS_REGISTER_ES: return SEG_ES;
        case ZYDIS_REGISTER_CS: return SEG_CS;
        case ZYDIS_REGISTER_SS: return SEG_SS;
        case ZYDIS_REGISTER_DS: return SEG_DS;
        case ZYDIS_REGISTER_FS: return SEG_FS;
        default: return SEG_GS;
        }
    default: return (uint8_t)ZydisRegisterGetId(r);
    }
}

static uint8_t seg_num(ZydisRegister r) {
    switch (r) {
    case ZYDIS_REGISTER_ES: return SEG_ES;
    case ZYDIS_REGISTER_CS: return SEG_CS;
    case ZYDIS_REGISTER_SS: return SEG_SS;
    case ZYDIS_REGISTER_FS: return SEG_FS;
    case ZYDIS_REGISTER_GS: return SEG_GS;
    default: return SEG_DS;
    }
}

/* The memory fields of an Insn from a Zydis memory operand (visible or
 * hidden): base/index/scale/disp, RIP-relative made absolute (next = the
 * next instruction's address), and the segment whose base is added. */
void decode_mem_operand(CpuMode mode, uint64_t next, const ZydisDecodedOperand *o, Insn *i) {
    i->base = i->index = REG_ZERO;
    i->scale = 0;
    if (o->mem.base == ZYDIS_REGISTER_RIP || o->mem.base == ZYDIS_REGISTER_EIP) {
        uint64_t t = next + (uint64_t)o->mem.disp.value;
        i->disp = (int64_t)(o->mem.base == ZYDIS_REGISTER_EIP ? (uint32_t)t : t);
    } else {
        i->disp = o->mem.disp.value;
        if (o->mem.base != ZYDIS_REGISTER_NONE) i->base = (uint8_t)zreg_gpr_num(o->mem.base);
        if (o->mem.index != ZYDIS_REGISTER_NONE && zreg_is_gpr(o->mem.index)) {
            i->index = (uint8_t)zreg_gpr_num(o->mem.index);
            i->scale = (uint8_t)(o->mem.scale == 8   ? 3
                                 : o->mem.scale == 4 ? 2
                                 : o->mem.scale == 2 ? 1
                                                     : 0);
        }
    }
    i->mseg = seg_num(o->mem.segment);
    if (mode == MODE_64)
        i->seg = (i->mseg == SEG_FS || i->mseg == SEG_GS) ? i->mseg : SEG_NONE;
    else
        i->seg = i->mseg;
}

/* Handlers for what cannot run. */
static void op_invalid(Cpu *c, const Insn *i) { cpu_fault_noerr(c, EXC_UD); }
static void op_unimpl(Cpu *c, const Insn *i) { cpu_unimplemented(c, i, NULL); }
static void op_gp0(Cpu *c, const Insn *i) { cpu_fault(c, EXC_GP, 0); }
static void op_unimpl_form(Cpu *c, const Insn *i) { cpu_unimplemented(c, i, "operand form"); }

/* Fill the generic fields and pick the handler. Returns OPF_* flags. */
static int translate(Cpu *c, CpuMode mode, uint64_t rip, const ZydisDecodedInstruction *zi,
                     const ZydisDecodedOperand *zo, Insn *i) {
    memset(i, 0, sizeof *i);
    i->rip = rip;
    i->len = zi->length;
    i->mnem = (uint16_t)zi->mnemonic;
    i->osz = (uint8_t)(zi->operand_width >= 128 ? 16 : zi->operand_width / 8);
    if (i->osz == 0) i->osz = mode == MODE_64 ? 8 : 4;
    i->asz = (uint8_t)(zi->address_width / 8);
    i->base = i->index = REG_ZERO;
    i->seg = SEG_NONE;
    i->mseg = SEG_DS;
    if (zi->attributes & ZYDIS_ATTRIB_HAS_LOCK) i->flags |= I_LOCK;
    if (zi->attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE)) i->flags |= I_REP;
    if (zi->attributes & ZYDIS_ATTRIB_HAS_REPNE) i->flags |= I_REPNE;
    if (zi->attributes & ZYDIS_ATTRIB_HAS_OPERANDSIZE) i->flags |= I_O16;

    int nexp = 0, have_mem = 0, have_imm = 0;
    for (int j = 0; j < zi->operand_count_visible && j < ZYDIS_MAX_OPERAND_COUNT; j++) {
        const ZydisDecodedOperand *o = &zo[j];
        if (o->visibility == ZYDIS_OPERAND_VISIBILITY_HIDDEN) continue;
        int slot = nexp++;
        if (slot == 1) i->osz1 = (uint8_t)(o->size >= 128 ? 16 : o->size / 8);
        switch (o->type) {
        case ZYDIS_OPERAND_TYPE_REGISTER:
            if (slot < 3) {
                i->k[slot] = K_REG;
                i->r[slot] = reg_operand(o->reg.value);
            }
            break;
        case ZYDIS_OPERAND_TYPE_MEMORY:
            if (slot < 3) i->k[slot] = K_MEM;
            if (have_mem++) break;
            decode_mem_operand(mode, rip + zi->length, o, i);
            break;
        case ZYDIS_OPERAND_TYPE_IMMEDIATE:
            if (slot < 3) i->k[slot] = K_IMM;
            if (have_imm++) {
                i->aux2 = (uint8_t)o->imm.value.u;
                break;
            }
            if (o->imm.is_relative) {
                uint64_t t = rip + zi->length + o->imm.value.u;
                if (mode != MODE_64 || zi->operand_width == 16)
                    t &= size_mask(zi->operand_width == 16 ? 2 : 4);
                i->imm = t;
            } else {
                i->imm = o->imm.value.u;
            }
            break;
        case ZYDIS_OPERAND_TYPE_POINTER:
            if (slot < 3) i->k[slot] = K_IMM;
            i->imm = o->ptr.offset;
            i->aux2 = 0;
            i->disp = o->ptr.segment; /* far pointer selector */
            break;
        default: break;
        }
    }

    /* Implicit stack accesses (push, pop, call, ret...) belong to SS: a
     * non-canonical stack address is #SS, not #GP. */
    if (!have_mem)
        for (int j = zi->operand_count_visible;
             j < zi->operand_count && j < ZYDIS_MAX_OPERAND_COUNT; j++)
            if (zo[j].type == ZYDIS_OPERAND_TYPE_MEMORY && zo[j].mem.segment == ZYDIS_REGISTER_SS)
                i->mseg = SEG_SS;

    /* Outside 64-bit mode segments are checked: a write through a CS
     * override hits a code segment, which is never writable: #GP(0). */
    int cs_write = 0;
    /* MPX: NOPs here; ARPL writes only when it adjusts the RPL (its handler checks) */
    if (mode != MODE_64 && zi->meta.category != ZYDIS_CATEGORY_MPX &&
        zi->mnemonic != ZYDIS_MNEMONIC_ARPL)
        for (int j = 0; j < zi->operand_count && j < ZYDIS_MAX_OPERAND_COUNT; j++)
            if (zo[j].type == ZYDIS_OPERAND_TYPE_MEMORY && zo[j].mem.segment == ZYDIS_REGISTER_CS &&
                (zo[j].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE))
                cs_write = 1;

    Selector sel = sel_tab[zi->mnemonic];
    if (!sel) {
        i->fn = op_unimpl;
        return OPF_END;
    }
    DecodeCtx d = {zi, zo, nexp, mode, c};
    if (!sel(&d, i) || !i->fn) {
        i->fn = op_unimpl_form;
        return OPF_END;
    }
    if (cs_write) i->fn = op_gp0;
    return opf_tab[zi->mnemonic];
}

/* ---- flag liveness ----
 *
 * After a block is decoded it is walked backwards with the set of arithmetic
 * flags that may still be read ("live"); at the block end all are live. An
 * instruction whose flag writes are all dead gets I_FLAGS_DEAD and its
 * handler may skip computing them (rotates in hashing loops are the point:
 * their partial flag writes otherwise force the lazy flags to be
 * materialised).
 *
 * Precise state: only "quiet" instructions take part, i.e. ones that cannot
 * fault, end the block early or observe RFLAGS in a way Zydis does not
 * describe: a whitelisted integer mnemonic whose operands are all GPRs or
 * immediates (LEA's address operand aside), without LOCK. Every other
 * instruction makes all flags live before it, so between a dead write and the
 * instruction that overwrites it there is only quiet code, and any fault,
 * early block end, hook or breakpoint sees exact flags. Blocks that may stop
 * in the middle (budget ends, TF, instruction hooks) are single-instruction
 * blocks (DC_KEY_STEP), where nothing is dead.
 *
 * Per quiet instruction: reads = Zydis' tested flags; kills = flags that
 * ringside's handler always overwrites (only the ALU ops and shifts by a
 * nonzero immediate, whose handlers are known to write them all; anything
 * else kills nothing, which is conservative); writes = every flag Zydis says
 * it may change (modified, set, cleared, undefined). */
typedef struct FlagFx {
    uint16_t rd, wr, kill;
    uint8_t quiet;
} FlagFx;

static int quiet_mnemonic(ZydisMnemonic m) {
    switch (m) {
    case ZYDIS_MNEMONIC_MOV:
    case ZYDIS_MNEMONIC_MOVZX:
    case ZYDIS_MNEMONIC_MOVSX:
    case ZYDIS_MNEMONIC_MOVSXD:
    case ZYDIS_MNEMONIC_LEA:
    case ZYDIS_MNEMONIC_ADD:
    case ZYDIS_MNEMONIC_OR:
    case ZYDIS_MNEMONIC_ADC:
    case ZYDIS_MNEMONIC_SBB:
    case ZYDIS_MNEMONIC_AND:
    case ZYDIS_MNEMONIC_SUB:
    case ZYDIS_MNEMONIC_XOR:
    case ZYDIS_MNEMONIC_CMP:
    case ZYDIS_MNEMONIC_TEST:
    case ZYDIS_MNEMONIC_INC:
    case ZYDIS_MNEMONIC_DEC:
    case ZYDIS_MNEMONIC_NEG:
    case ZYDIS_MNEMONIC_NOT:
    case ZYDIS_MNEMONIC_SHL:
    case ZYDIS_MNEMONIC_SHR:
    case ZYDIS_MNEMONIC_SAR:
    case ZYDIS_MNEMONIC_ROL:
    case ZYDIS_MNEMONIC_ROR:
    case ZYDIS_MNEMONIC_RCL:
    case ZYDIS_MNEMONIC_RCR:
    case ZYDIS_MNEMONIC_SHLD:
    case ZYDIS_MNEMONIC_SHRD:
    case ZYDIS_MNEMONIC_IMUL:
    case ZYDIS_MNEMONIC_BSWAP:
    case ZYDIS_MNEMONIC_XCHG:
    case ZYDIS_MNEMONIC_NOP:
    case ZYDIS_MNEMONIC_CBW:
    case ZYDIS_MNEMONIC_CWDE:
    case ZYDIS_MNEMONIC_CDQE:
    case ZYDIS_MNEMONIC_CWD:
    case ZYDIS_MNEMONIC_CDQ:
    case ZYDIS_MNEMONIC_CQO:
    case ZYDIS_MNEMONIC_CMOVO:
    case ZYDIS_MNEMONIC_CMOVNO:
    case ZYDIS_MNEMONIC_CMOVB:
    case ZYDIS_MNEMONIC_CMOVNB:
    case ZYDIS_MNEMONIC_CMOVZ:
    case ZYDIS_MNEMONIC_CMOVNZ:
    case ZYDIS_MNEMONIC_CMOVBE:
    case ZYDIS_MNEMONIC_CMOVNBE:
    case ZYDIS_MNEMONIC_CMOVS:
    case ZYDIS_MNEMONIC_CMOVNS:
    case ZYDIS_MNEMONIC_CMOVP:
    case ZYDIS_MNEMONIC_CMOVNP:
    case ZYDIS_MNEMONIC_CMOVL:
    case ZYDIS_MNEMONIC_CMOVNL:
    case ZYDIS_MNEMONIC_CMOVLE:
    case ZYDIS_MNEMONIC_CMOVNLE:
    case ZYDIS_MNEMONIC_SETO:
    case ZYDIS_MNEMONIC_SETNO:
    case ZYDIS_MNEMONIC_SETB:
    case ZYDIS_MNEMONIC_SETNB:
    case ZYDIS_MNEMONIC_SETZ:
    case ZYDIS_MNEMONIC_SETNZ:
    case ZYDIS_MNEMONIC_SETBE:
    case ZYDIS_MNEMONIC_SETNBE:
    case ZYDIS_MNEMONIC_SETS:
    case ZYDIS_MNEMONIC_SETNS:
    case ZYDIS_MNEMONIC_SETP:
    case ZYDIS_MNEMONIC_SETNP:
    case ZYDIS_MNEMONIC_SETL:
    case ZYDIS_MNEMONIC_SETNL:
    case ZYDIS_MNEMONIC_SETLE:
    case ZYDIS_MNEMONIC_SETNLE: return 1;
    default: return 0;
    }
}

static FlagFx flag_effects(const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *zo,
                           const Insn *i) {
    FlagFx fx = {F_ARITH, F_ARITH, 0, 0};
    const ZydisAccessedFlags *f = zi->cpu_flags;
    if (!f || !quiet_mnemonic(zi->mnemonic) || (i->flags & I_LOCK)) return fx;
    for (int j = 0; j < zi->operand_count && j < ZYDIS_MAX_OPERAND_COUNT; j++) {
        const ZydisDecodedOperand *o = &zo[j];
        switch (o->type) {
        case ZYDIS_OPERAND_TYPE_IMMEDIATE: break;
        case ZYDIS_OPERAND_TYPE_MEMORY:
            if (zi->mnemonic != ZYDIS_MNEMONIC_LEA || o->mem.type != ZYDIS_MEMOP_TYPE_AGEN)
                return fx;
            break;
        case ZYDIS_OPERAND_TYPE_REGISTER:
            if (zreg_is_gpr(o->reg.value)) break;
            /* the flags register itself (a hidden operand) */
            if (o->visibility == ZYDIS_OPERAND_VISIBILITY_HIDDEN &&
                (o->reg.value == ZYDIS_REGISTER_FLAGS || o->reg.value == ZYDIS_REGISTER_EFLAGS ||
                 o->reg.value == ZYDIS_REGISTER_RFLAGS))
                break;
            return fx;
        default: return fx;
        }
    }
    fx.quiet = 1;
    fx.rd = (uint16_t)(f->tested & F_ARITH);
    fx.wr = (uint16_t)((f->modified | f->set_0 | f->set_1 | f->undefined) & F_ARITH);
    switch (zi->mnemonic) {
    case ZYDIS_MNEMONIC_ADD:
    case ZYDIS_MNEMONIC_OR:
    case ZYDIS_MNEMONIC_ADC:
    case ZYDIS_MNEMONIC_SBB:
    case ZYDIS_MNEMONIC_AND:
    case ZYDIS_MNEMONIC_SUB:
    case ZYDIS_MNEMONIC_XOR:
    case ZYDIS_MNEMONIC_CMP:
    case ZYDIS_MNEMONIC_TEST:
    case ZYDIS_MNEMONIC_NEG:
        fx.kill = F_ARITH; /* lazy record: all six */
        break;
    case ZYDIS_MNEMONIC_INC:
    case ZYDIS_MNEMONIC_DEC: fx.kill = F_ARITH & ~F_CF; break;
    case ZYDIS_MNEMONIC_SHL:
    case ZYDIS_MNEMONIC_SHR:
    case ZYDIS_MNEMONIC_SAR:
        /* an immediate (or implicit 1) count, nonzero after masking (the
         * selector keeps it in aux): all six; a CL count may be zero */
        if (zi->operand_count_visible < 2 || zo[1].type == ZYDIS_OPERAND_TYPE_IMMEDIATE)
            fx.kill = i->aux ? F_ARITH : 0;
        break;
    default: break;
    }
    return fx;
}

static void flag_liveness(Block *b, const FlagFx *fx) {
    unsigned live = F_ARITH; /* at the block end */
    for (unsigned k = b->n; k-- > 0;) {
        if (!fx[k].quiet) {
            live = F_ARITH;
            continue;
        }
        if (fx[k].wr && !(fx[k].wr & live)) {
            Insn *i = &b->insns[k];
            i->flags |= I_FLAGS_DEAD;
            Handler h = shift_flags_dead_variant(i->fn);
            if (!h) h = alu_flags_dead_variant(i->fn);
            if (h) i->fn = h;
        }
        live = (live & ~fx[k].kill) | fx[k].rd;
    }
}

static int bp_at(Cpu *c, uint64_t a) {
    for (int k = 0; k < c->nbp; k++)
        if (c->bp[k] == a) return 1;
    return 0;
}

/* Build the block at c->rip. May raise a fetch fault (#PF) for its first
 * instruction. */
Block *decode_block(Cpu *c, uint64_t rip, unsigned key) {
    DecodeCache *dc = c->dc;
    int maxn = (key & DC_KEY_STEP) ? 1 : MAX_BLOCK;
    size_t need = sizeof(Block) + (size_t)maxn * sizeof(Insn);
    if (dc->used + need > dc->arena_size) {
        decode_cache_flush(dc);
        mem_clear_code_marks(c->mem);
    }
    Block *b = (Block *)(dc->arena + dc->used);
    b->rip = rip;
    b->key = key;
    b->n = 0;
    b->link[0] = b->link[1] = NULL;
    b->at_bp = c->nbp && bp_at(c, rip);
    CpuMode mode = (CpuMode)c->mode;
    /* AMD honours 66 on near branches in 64-bit mode: rel32 forms become
     * rel16 (their length changes); cpu/control.c does the rest. */
    ZydisDecoderEnableMode(&dc->dec[mode], ZYDIS_DECODER_MODE_AMD_BRANCHES, c->vendor == CPU_AMD);
    uint64_t a = rip;
    FlagFx fx[MAX_BLOCK];
    while (b->n < (unsigned)maxn) {
        if (b->n > 0 && c->nbp && bp_at(c, a)) break;
        uint8_t buf[16];
        uint64_t fa;
        int fprot = 0;
        int got = cpu_fetch(c, a, buf, 15, &fa, &fprot);
        ZydisDecodedInstruction zi;
        ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
        ZyanStatus st = got ? ZydisDecoderDecodeFull(&dc->dec[mode], buf, got, &zi, zo)
                            : ZYDIS_STATUS_NO_MORE_DATA;
        Insn *i = &b->insns[b->n];
        if (st == ZYDIS_STATUS_NO_MORE_DATA) {
            if (b->n > 0) break; /* the fault belongs to the next block */
            /* instruction fetch fault at the first unreadable byte */
            if (!mem_canonical(fa)) cpu_fault(c, EXC_GP, 0);
            c->cr2 = fa;
            cpu_fault(c, EXC_PF, (fprot ? PFERR_P : 0) | PFERR_I | (c->cpl == 3 ? PFERR_U : 0));
        }
        for (uint64_t p = a & PAGE_MASK; p < a + (ZYAN_SUCCESS(st) ? zi.length : 1); p += PAGE_SIZE)
            mem_mark_code(c->mem, p);
        int opf;
        if (!ZYAN_SUCCESS(st)) {
            memset(i, 0, sizeof *i);
            i->rip = a;
            i->len = 1;
            i->fn = op_invalid;
            opf = OPF_END;
            fx[b->n] = (FlagFx){F_ARITH, F_ARITH, 0, 0};
        } else {
            opf = translate(c, mode, a, &zi, zo, i);
            fx[b->n] =
                (opf & OPF_END) ? (FlagFx){F_ARITH, F_ARITH, 0, 0} : flag_effects(&zi, zo, i);
        }
        b->n++;
        a += i->len;
        if (mode != MODE_64) a = (uint32_t)a;
        if (opf & OPF_END) break;
    }
    b->end = a;
    b->nexec = b->n;
    if (b->n > 1) {
        flag_liveness(b, fx);
        Insn *cmp = &b->insns[b->n - 2];
        Handler h = control_fuse_cmp_jcc(cmp, cmp + 1);
        if (h) {
            cmp->fn = h;
            b->nexec = b->n - 1;
        }
    }
    dc->used += sizeof(Block) + (size_t)b->n * sizeof(Insn);
    dc->used = (dc->used + 15) & ~(size_t)15;
    size_t h = DC_HASH(rip, key, dc->hsize);
    b->hnext = dc->hash[h];
    dc->hash[h] = b;
    dc->decoded += b->n;
    return b;
}

int cpu_disasm(Cpu *c, uint64_t addr, char *out, size_t outlen, uint8_t *bytes, int *len) {
    return cpu_disasm_mode(c, c->mode, addr, out, outlen, bytes, len);
}

int cpu_disasm_mode(Cpu *c, int mode, uint64_t addr, char *out, size_t outlen, uint8_t *bytes,
                    int *len) {
    if (mode < MODE_64 || mode > MODE_PROT32) mode = c->mode;
    uint8_t buf[16];
    uint64_t fa;
    int fprot;
    int got = cpu_fetch(c, addr, buf, 15, &fa, &fprot);
    if (got == 0) {
        /* also allow reading non-executable memory for diagnostics */
        if (mem_read(c->mem, buf, addr, 1, MEM_R) < 0) {
            snprintf(out, outlen, "(unreadable)");
            if (len) *len = 0;
            return -1;
        }
        got = 1;
    }
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&c->dc->dec[mode], buf, got, &zi, zo))) {
        snprintf(out, outlen, "(bad)");
        if (bytes) bytes[0] = buf[0];
        if (len) *len = 1;
        return -1;
    }
    ZydisFormatterFormatInstruction(&c->dc->fmt, &zi, zo, zi.operand_count_visible, out, outlen,
                                    addr, NULL);
    if (bytes) memcpy(bytes, buf, zi.length);
    if (len) *len = zi.length;
    return 0;
}

const char *cpu_mnemonic_name(int mnem) { return ZydisMnemonicGetString((ZydisMnemonic)mnem); }
