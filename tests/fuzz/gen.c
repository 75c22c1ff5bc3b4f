/* One test case from one form: pick registers, immediates, a memory operand
 * (with an addressing mode and a target inside the harness' data pages, or
 * on purpose at a page boundary / the read-only page), prefixes, encode with
 * Zydis, then set the inputs the instruction reads so its accesses stay in
 * the sandbox (stack, string pointers, bit offsets, branch targets) and its
 * operands get edge values of their element types.
 *
 * Snippet layout at NATIVE_CODE_ADDR:
 *   [x87 prologue: fninit; fld m80 x 8; ffree+fincstp to a depth; fldcw]
 *                                                      (x87, FXSAVE family, MMX)
 *   instruction under test
 *   [marker: lea r11,[r11+1]]                          (branches: skipped when taken)
 *                                  (32-bit mode: lea ebp,[ebp+1], 8d 6c 25 01)
 *   [x87 epilogue: fxsave [X87_SCR]; fninit]           (x87 state becomes memory) */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "cpu/decode.h"

static const uint8_t marker64[MARKER_LEN] = {0x4d, 0x8d, 0x5b, 0x01};
static const uint8_t marker32[MARKER_LEN] = {0x8d, 0x6c, 0x25, 0x01};

/* Facts about a form, from decoding its example once. */
typedef struct FormInfo {
    uint8_t ready, is_rel, is_string, is_x87, is_branch;
} FormInfo;
static FormInfo *finfo;

static const FormInfo *form_info(int fi) {
    if (!finfo) finfo = calloc(fz_nforms, sizeof *finfo);
    FormInfo *k = &finfo[fi];
    if (k->ready) return k;
    const Form *f = &fz_forms[fi];
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
    k->ready = 1;
    const char *name = ZydisMnemonicGetString((ZydisMnemonic)f->mnem);
    k->is_x87 = name[0] == 'f' || f->mnem == ZYDIS_MNEMONIC_EMMS;
    for (int j = 0; j < f->nops; j++)
        k->is_x87 |= f->cls[j] == OC_MM; /* MMn is the significand of physical x87 Rn */
    if (decode_at(f->example, f->example_len, &zi, zo) != 0) return k;
    for (int j = 0; j < zi.operand_count; j++)
        if (zo[j].type == ZYDIS_OPERAND_TYPE_REGISTER &&
            ZydisRegisterGetClass(zo[j].reg.value) == ZYDIS_REGCLASS_MMX)
            k->is_x87 = 1;
    for (int j = 0; j < zi.operand_count; j++)
        if (zo[j].type == ZYDIS_OPERAND_TYPE_IMMEDIATE && zo[j].imm.is_relative) k->is_rel = 1;
    k->is_string = zi.meta.category == ZYDIS_CATEGORY_STRINGOP;
    k->is_branch = zi.meta.branch_type != ZYDIS_BRANCH_TYPE_NONE;
    return k;
}

/* ---- data helpers ---- */

void case_patch(FuzzCase *c, uint64_t addr, const void *src, unsigned n) {
    const uint8_t *s = src;
    while (n) {
        unsigned k = n > 16 ? 16 : n;
        if (addr >= DATA_ADDR && addr + k <= DATA_ADDR + DATA_SIZE && c->npatch < FZ_MAX_PATCH) {
            Patch *p = &c->patch[c->npatch++];
            p->off = (uint16_t)(addr - DATA_ADDR);
            p->len = (uint8_t)k;
            memcpy(p->b, s, k);
        }
        addr += k, s += k, n -= k;
    }
}

/* ---- generation state ---- */

typedef struct Ctx {
    Rng *r;
    FuzzCase *c;
    const Form *f;
    const FormInfo *fi;
    uint64_t *g;  /* c->in.gpr */
    uint32_t pin; /* GPRs whose value is fixed (addresses, counts) */
    /* the explicit memory operand */
    int have_mem, mrip;
    uint64_t mtarget;
    uint64_t target; /* where taken branches go */
} Ctx;

static void pin(Ctx *x, unsigned reg, uint64_t v) {
    x->g[reg] = v;
    x->pin |= 1u << reg;
}
static int pinned(const Ctx *x, unsigned reg) { return (x->pin >> reg) & 1; }

static uint64_t pick_target(Rng *r, unsigned size) {
    unsigned al = size >= 16 ? 16 : size >= 8 ? 8 : size >= 4 ? 4 : size >= 2 ? 2 : 1;
    unsigned room = DATA_SIZE - size;
    unsigned k = rng_below(r, 100);
    if (k < 4 && size > 1) /* straddles the two data pages */
        return DATA_ADDR + 0x1000 - 1 - rng_below(r, size - 1);
    if (k < 7) /* runs off the end of the data pages */
        return DATA_ADDR + DATA_SIZE - 1 - rng_below(r, size > 1 ? size - 1 : 1);
    if (k < 10) /* the read-only page: reads work, writes fault */
        return RO_ADDR + al * rng_below(r, (4096 - size) / al);
    if (k < 25) return DATA_ADDR + rng_below(r, room + 1);
    return DATA_ADDR + al * rng_below(r, room / al + 1);
}

/* A small index value: mostly positive, sometimes negative. */
static uint64_t small_index(Rng *r) {
    uint64_t v = rng_below(r, 256);
    return rng_below(r, 4) == 0 ? (uint64_t) - (int64_t)(v / 4) : v;
}

/* Build a memory operand pointing at a fresh target; sets the registers it
 * uses (into tmp copies committed by the caller on success). */
static ZydisEncoderOperand build_mem(Ctx *x, unsigned size) {
    Rng *r = x->r;
    ZydisEncoderOperand o;
    memset(&o, 0, sizeof o);
    o.type = ZYDIS_OPERAND_TYPE_MEMORY;
    o.mem.size = (ZyanU16)size;
    uint64_t t = pick_target(r, size);
    x->have_mem = 1;
    x->mrip = 0;
    x->mtarget = t;
    unsigned mode = rng_below(r, 10);
    if (mode == 0) { /* [disp32] (or moffs) */
        o.mem.displacement = (int64_t)t;
        return o;
    }
    if (mode == 1 && !FZ_M32) { /* RIP-relative: the displacement is patched after assembly */
        o.mem.base = ZYDIS_REGISTER_RIP;
        o.mem.displacement = 0x10000000;
        x->mrip = 1;
        return o;
    }
    /* 32-bit mode: 32-bit registers (EAX..EDI), addresses wrap at 4 GiB; no
     * 0x67 here (it would mean 16-bit addressing). */
    const int m32 = FZ_M32, ngpr = m32 ? 8 : 16;
    int a32 = !m32 && rng_below(r, 7) == 0;
    unsigned rs = a32 || m32 ? 4 : 8;
    unsigned b = rng_below(r, (unsigned)ngpr + 1); /* ngpr: no base */
    if (b == (unsigned)ngpr) b = 16;
    unsigned ix = 16, sc = 1;
    if (b == 16 || rng_below(r, 2)) {
        do
            ix = rng_below(r, (unsigned)ngpr);
        while (ix == 4);
        sc = 1u << rng_below(r, 4);
    }
    int64_t disp;
    switch (rng_below(r, 3)) {
    case 0: disp = 0; break;
    case 1: disp = (int8_t)rng_u64(r); break;
    default: disp = (int32_t)(rng_u64(r) % 0x200000) - 0x100000; break;
    }
    const uint64_t hi_b = a32 ? rng_u64(r) << 32 : 0, hi_x = a32 ? rng_u64(r) << 32 : 0;
    uint64_t vx = 0;
    if (ix < 16) {
        if (pinned(x, ix))
            vx = x->g[ix];
        else {
            vx = small_index(r);
            if (a32) vx = (uint32_t)vx | hi_x;
            pin(x, ix, vx);
        }
    }
    if (b < 16 && b == ix) { /* [r + r*s + disp]: the disp absorbs the rest */
        disp = (int64_t)(t - vx * (sc + 1));
        if (a32) disp = (int32_t)(uint32_t)disp;
    } else if (b < 16 && pinned(x, b)) {
        disp = (int64_t)(t - x->g[b] - vx * sc);
        if (a32) disp = (int32_t)(uint32_t)disp;
    } else if (b < 16) {
        uint64_t vb = t - (uint64_t)disp - vx * sc;
        if (a32) vb = (uint32_t)vb | hi_b;
        pin(x, b, vb);
    } else {
        disp = (int64_t)(t - vx * sc);
        if (a32) disp = (int32_t)(uint32_t)disp;
    }
    if (m32) disp = (int32_t)(uint32_t)disp;
    if (!a32 && (disp > INT32_MAX || disp < INT32_MIN)) disp = 0x7fffffffffffll; /* encode fails */
    o.mem.base = b < 16 ? gpr_reg(rs, b) : ZYDIS_REGISTER_NONE;
    o.mem.index = ix < 16 ? gpr_reg(rs, ix) : ZYDIS_REGISTER_NONE;
    o.mem.scale = (ZyanU8)(ix < 16 ? sc : 0);
    o.mem.displacement = disp;
    return o;
}

static uint64_t pick_imm(Rng *r, int attempt) {
    if (attempt >= 16) return rng_below(r, 2) ? rng_below(r, 128) : val_count(r) & 0x7f;
    switch (rng_below(r, attempt >= 8 ? 3 : 7)) {
    case 0: return val_count(r);
    case 1: return (uint64_t)(int8_t)rng_edge(r, 1);
    case 2: return rng_edge(r, 1);
    case 3: return (uint64_t)(int16_t)rng_edge(r, 2);
    case 4: return rng_edge(r, 2);
    case 5: return (uint64_t)(int32_t)rng_edge(r, 4);
    default: return rng_edge(r, rng_below(r, 2) ? 4 : 8);
    }
}

static unsigned pick_reg(Rng *r, uint32_t mask) {
    unsigned n = (unsigned)__builtin_popcount(mask), k = rng_below(r, n ? n : 1);
    for (unsigned i = 0; i < 32; i++)
        if (((mask >> i) & 1) && k-- == 0) return i;
    return 0;
}

static const uint8_t raw_prefixes[] = {0xf0, 0xf2, 0xf3, 0x66, 0x67, 0x2e, 0x36, 0x3e, 0x26, 0x65};

/* Encode the instruction under test. Returns its length, 0 on failure. */
static size_t encode_insn(Ctx *x, int attempt, uint8_t *out) {
    Rng *r = x->r;
    const Form *f = x->f;
    ZydisEncoderRequest q;
    memset(&q, 0, sizeof q);
    q.machine_mode = fz_mode->zmode;
    q.mnemonic = (ZydisMnemonic)f->mnem;
    q.operand_count = f->nops;
    x->have_mem = 0;
    for (int k = 0; k < f->nops; k++) {
        ZydisEncoderOperand *o = &q.operands[k];
        int cls = f->cls[k];
        if (OC_IS_REG(cls)) {
            uint32_t mask = f->regmask[k];
            if (cls == OC_SEG) mask &= (1u << 6) - 1;
            o->type = ZYDIS_OPERAND_TYPE_REGISTER;
            o->reg.value = oc_reg(cls, pick_reg(r, mask));
        } else if (cls == OC_IMM) {
            o->type = ZYDIS_OPERAND_TYPE_IMMEDIATE;
            if (x->fi->is_rel)
                o->imm.u = MARKER_LEN;
            else if (f->mnem == ZYDIS_MNEMONIC_ENTER)
                o->imm.u = k == 0 ? (rng_below(r, 4) ? 8 * rng_below(r, 16) : rng_edge(r, 2))
                                  : (rng_below(r, 4) ? rng_below(r, 3) : rng_below(r, 32));
            else if (f->mnem == ZYDIS_MNEMONIC_INT) {
                do
                    o->imm.u = rng_below(r, 256);
                /* the host's 32-bit system call gate; #BP/#OF gates (DPL 3 on
                 * the host, absent in the flat harness) */
                while (o->imm.u == 0x80 || o->imm.u == 3 || o->imm.u == 4);
            } else
                o->imm.u = pick_imm(r, attempt);
        } else {
            *o = build_mem(x, oc_mem_size(cls));
        }
    }
    if (x->fi->is_rel && rng_below(r, 3) == 0) q.branch_width = ZYDIS_BRANCH_WIDTH_32;
    if (attempt < 12) {
        if (x->fi->is_string && rng_below(r, 3)) {
            static const ZydisInstructionAttributes reps[] = {
                ZYDIS_ATTRIB_HAS_REP, ZYDIS_ATTRIB_HAS_REPE, ZYDIS_ATTRIB_HAS_REPNE};
            q.prefixes |= reps[rng_below(r, 3)];
        }
        if (x->fi->is_string && rng_below(r, 6) == 0)
            q.address_size_hint = ZYDIS_ADDRESS_SIZE_HINT_32;
        if (x->have_mem && rng_below(r, 4) == 0) q.prefixes |= ZYDIS_ATTRIB_HAS_LOCK;
        if ((x->have_mem || x->fi->is_string) && rng_below(r, 8) == 0) {
            static const ZydisInstructionAttributes segs[] = {
                ZYDIS_ATTRIB_HAS_SEGMENT_GS, ZYDIS_ATTRIB_HAS_SEGMENT_ES,
                ZYDIS_ATTRIB_HAS_SEGMENT_CS, ZYDIS_ATTRIB_HAS_SEGMENT_SS,
                ZYDIS_ATTRIB_HAS_SEGMENT_DS};
            q.prefixes |= segs[rng_below(r, 5)];
        }
    }
    ZyanUSize len = ZYDIS_MAX_INSTRUCTION_LENGTH;
    if (!ZYAN_SUCCESS(ZydisEncoderEncodeInstruction(&q, out, &len))) {
        if (!q.prefixes && !q.address_size_hint) return 0;
        q.prefixes = 0; /* the encoder refuses this prefix here: try without */
        q.address_size_hint = 0;
        len = ZYDIS_MAX_INSTRUCTION_LENGTH;
        if (!ZYAN_SUCCESS(ZydisEncoderEncodeInstruction(&q, out, &len))) return 0;
    }
    if (out[0] == 0x62) return 0; /* EVEX */
    /* Raw prefixes the encoder would not emit: LOCK on register forms, REP on
     * non-string instructions, 66/67/segment where they are odd (66 on a near
     * branch: a 16-bit target, below the host's mmap_min_addr, faults). Never
     * FS (0x64: the host's TLS base). */
    if (attempt < 12 && rng_below(r, 12) == 0 && len < 15) {
        memmove(out + 1, out, len);
        out[0] = raw_prefixes[rng_below(r, sizeof raw_prefixes)];
        len++;
    }
    return len;
}

/* ---- inputs the instruction reads ---- */

static unsigned gpr_num(ZydisRegister reg) {
    switch (reg) {
    case ZYDIS_REGISTER_AH: return 0;
    case ZYDIS_REGISTER_CH: return 1;
    case ZYDIS_REGISTER_DH: return 2;
    case ZYDIS_REGISTER_BH: return 3;
    default: break;
    }
    ZydisRegister big = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, reg);
    return (unsigned)ZydisRegisterGetId(big);
}
static int is_gpr(ZydisRegister reg) {
    ZydisRegisterClass k = ZydisRegisterGetClass(reg);
    return k == ZYDIS_REGCLASS_GPR8 || k == ZYDIS_REGCLASS_GPR16 || k == ZYDIS_REGCLASS_GPR32 ||
           k == ZYDIS_REGCLASS_GPR64;
}
static int is_high8(ZydisRegister reg) {
    return reg == ZYDIS_REGISTER_AH || reg == ZYDIS_REGISTER_CH || reg == ZYDIS_REGISTER_DH ||
           reg == ZYDIS_REGISTER_BH;
}

/* A pointer into the middle of the data pages (string operands, RBP). */
static uint64_t mid_pointer(Rng *r, int a32) {
    uint64_t p = DATA_ADDR + 0x600 + rng_below(r, 0x800);
    if (rng_below(r, 3)) p &= ~7ull;
    if (a32) p |= rng_u64(r) << 32;
    return p;
}

static int refine_inputs(Ctx *x, const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *zo) {
    Rng *r = x->r;
    FuzzCase *c = x->c;
    const ZydisMnemonic m = zi->mnemonic;
    const int a32 = zi->address_width == 32;

    /* Implicit memory operands ([rsi], [rdi], [rbx+al], ...): point their
     * base registers into the data pages. */
    for (int j = 0; j < zi->operand_count; j++) {
        const ZydisDecodedOperand *o = &zo[j];
        if (o->type != ZYDIS_OPERAND_TYPE_MEMORY ||
            o->visibility == ZYDIS_OPERAND_VISIBILITY_EXPLICIT)
            continue;
        if (o->mem.base != ZYDIS_REGISTER_NONE && is_gpr(o->mem.base)) {
            unsigned b = gpr_num(o->mem.base);
            if (!pinned(x, b)) pin(x, b, mid_pointer(r, a32));
        }
    }
    if ((m == ZYDIS_MNEMONIC_ENTER || m == ZYDIS_MNEMONIC_LEAVE) && !pinned(x, 5))
        pin(x, 5,
            DATA_ADDR + 0x1400 + 8 * rng_below(r, 64) + (rng_below(r, 8) ? 0 : rng_below(r, 8)));
    /* Counts: REP string instructions, LOOP, JRCXZ. */
    const int rep =
        zi->attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE | ZYDIS_ATTRIB_HAS_REPNE);
    if ((x->fi->is_string && rep) || m == ZYDIS_MNEMONIC_LOOP || m == ZYDIS_MNEMONIC_LOOPE ||
        m == ZYDIS_MNEMONIC_LOOPNE || m == ZYDIS_MNEMONIC_JRCXZ || m == ZYDIS_MNEMONIC_JECXZ) {
        if (!pinned(x, 1)) {
            uint64_t n = rng_below(r, 4) ? rng_below(r, 20) : rng_below(r, 3);
            if (a32 || rng_below(r, 8) == 0) n |= rng_u64(r) << 32; /* ignored with 67 */
            if (!a32 && (n >> 32)) n = (uint32_t)n;
            pin(x, 1, n);
        }
    }

    /* Register operands: edge values of their size; XMM lanes of their type. */
    for (int j = 0; j < zi->operand_count; j++) {
        const ZydisDecodedOperand *o = &zo[j];
        if (o->type != ZYDIS_OPERAND_TYPE_REGISTER) continue;
        ZydisRegister reg = o->reg.value;
        if (is_gpr(reg)) {
            unsigned n = gpr_num(reg);
            if (pinned(x, n) || n == 4 || rng_below(r, 10) < 3) continue;
            unsigned sz = ZydisRegisterGetWidth(fz_mode->zmode, reg) / 8;
            /* 0: a register this mode has no width for (clzero's implicit rAX
             * in 32-bit code is reported as RAX): leave its value alone */
            if (sz == 0) continue;
            if (is_high8(reg))
                x->g[n] = (x->g[n] & ~0xff00ull) | rng_edge(r, 1) << 8;
            else if (sz < 8)
                x->g[n] = (x->g[n] & ~((1ull << (sz * 8)) - 1)) | rng_edge(r, sz);
            else
                x->g[n] = rng_reg(r, 8);
        } else if (ZydisRegisterGetClass(reg) == ZYDIS_REGCLASS_XMM && rng_below(r, 8)) {
            unsigned n = (unsigned)ZydisRegisterGetId(reg);
            val_fill(r, o, c->in.xmm[n], 16);
        } else if (ZydisRegisterGetClass(reg) == ZYDIS_REGCLASS_MMX && c->x87 && rng_below(r, 8)) {
            /* MMn = significand of physical Rn, which the prologue's
             * (8 - n)th FLD filled (TOP counts down from 7). */
            unsigned n = (unsigned)ZydisRegisterGetId(reg);
            uint8_t v[8];
            val_fill(r, o, v, 8);
            case_patch(c, DATA_ADDR + X87_VALS + 10 * (7 - n), v, 8);
        }
    }

    /* Shift and rotate counts in CL; bit offsets of BT* on memory. */
    if (zi->operand_count_visible >= 2 && zo[1].type == ZYDIS_OPERAND_TYPE_REGISTER &&
        zo[1].reg.value == ZYDIS_REGISTER_CL && !pinned(x, 1) && rng_below(r, 5))
        x->g[1] = (x->g[1] & ~0xffull) | val_count(r);
    if ((m == ZYDIS_MNEMONIC_BT || m == ZYDIS_MNEMONIC_BTS || m == ZYDIS_MNEMONIC_BTR ||
         m == ZYDIS_MNEMONIC_BTC) &&
        zo[0].type == ZYDIS_OPERAND_TYPE_MEMORY && zo[1].type == ZYDIS_OPERAND_TYPE_REGISTER) {
        /* The offset moves the address: keep it within +-512 bytes. */
        unsigned n = gpr_num(zo[1].reg.value);
        if (pinned(x, n)) return -1; /* e.g. bt [rax], rax: the offset is the address */
        int64_t off = (int64_t)rng_below(r, 8192) - 4096;
        pin(x, n, (uint64_t)off);
    }
    /* DIV/IDIV: mostly dividends whose quotient fits. */
    if ((m == ZYDIS_MNEMONIC_DIV || m == ZYDIS_MNEMONIC_IDIV) && rng_below(r, 5) < 3) {
        unsigned sz = zi->operand_width / 8;
        int sgn = m == ZYDIS_MNEMONIC_IDIV;
        if (sz == 1) {
            if (!pinned(x, 0)) {
                uint64_t al = x->g[0] & 0xff;
                uint64_t ah = sgn && (al & 0x80) ? 0xff : 0;
                x->g[0] = (x->g[0] & ~0xff00ull) | ah << 8;
            }
        } else if (!pinned(x, 2)) {
            uint64_t sb = 1ull << (sz * 8 - 1), mask = sz == 8 ? ~0ull : (sb << 1) - 1;
            uint64_t hi = sgn && (x->g[0] & sb) ? mask : 0;
            x->g[2] = sz == 4 ? hi : (x->g[2] & ~mask) | hi;
        }
    }

    /* The explicit memory operand's contents. */
    if (x->have_mem) {
        for (int j = 0; j < zi->operand_count_visible; j++) {
            const ZydisDecodedOperand *o = &zo[j];
            if (o->type != ZYDIS_OPERAND_TYPE_MEMORY || o->mem.type == ZYDIS_MEMOP_TYPE_AGEN)
                continue;
            unsigned bytes = o->size / 8;
            uint8_t v[16];
            if (m == ZYDIS_MNEMONIC_LDMXCSR && rng_below(r, 8)) {
                uint32_t mx = val_mxcsr(r);
                case_patch(c, x->mtarget, &mx, 4);
            } else if ((m == ZYDIS_MNEMONIC_FXRSTOR || m == ZYDIS_MNEMONIC_FXRSTOR64) &&
                       rng_below(r, 5)) {
                uint32_t mx = val_mxcsr(r);
                case_patch(c, x->mtarget + 24, &mx, 4);
                uint16_t cw = 0x037f | (uint16_t)(rng_below(r, 16) << 8);
                case_patch(c, x->mtarget, &cw, 2);
            } else if (m == ZYDIS_MNEMONIC_FLDCW && rng_below(r, 3)) {
                uint16_t cw = 0x037f | (uint16_t)(rng_below(r, 16) << 8);
                if (rng_below(r, 8) == 0) cw &= (uint16_t)~rng_below(r, 64);
                case_patch(c, x->mtarget, &cw, 2);
            } else if (bytes && bytes <= 16 && rng_below(r, 7)) {
                val_fill(r, o, v, bytes);
                case_patch(c, x->mtarget, v, bytes);
            }
            break;
        }
    }

    /* Control transfers land just past the marker. */
    if (m == ZYDIS_MNEMONIC_RET) {
        case_patch(c, x->g[4], &x->target, 8);
    } else if ((m == ZYDIS_MNEMONIC_JMP || m == ZYDIS_MNEMONIC_CALL) && !x->fi->is_rel) {
        if (zo[0].type == ZYDIS_OPERAND_TYPE_REGISTER) {
            unsigned n = gpr_num(zo[0].reg.value);
            if (!pinned(x, n)) pin(x, n, x->target);
        } else if (x->have_mem) {
            /* a target from outside the data pages could be host code */
            if (x->mtarget < DATA_ADDR || x->mtarget + 8 > DATA_ADDR + DATA_SIZE) return -1;
            case_patch(c, x->mtarget, &x->target, 8);
        }
    }
    /* POPF: never TF (traps), AC (alignment checks leak into the host) or NT. */
    if (m == ZYDIS_MNEMONIC_POPF || m == ZYDIS_MNEMONIC_POPFQ || m == ZYDIS_MNEMONIC_POPFD) {
        uint64_t fl = rng_u64(r) & ~(uint64_t)(F_TF | F_AC | F_NT);
        case_patch(c, x->g[4], &fl, 8);
    }
    return 0;
}

/* ---- the x87 prologue / epilogue ---- */

static size_t x87_prologue(Ctx *x, uint8_t *out) {
    Rng *r = x->r;
    FuzzCase *c = x->c;
    size_t n = enc(out, ZYDIS_MNEMONIC_FNINIT, 0, NULL, 0);
    uint16_t cw = 0x0300 | (uint16_t)(rng_below(r, 4) << 10) | 0x7f;
    if (rng_below(r, 4) == 0) cw = (cw & ~0x0300) | (uint16_t)(rng_below(r, 4) << 8);
    if (rng_below(r, 25) == 0) cw &= (uint16_t)~rng_below(r, 64);
    case_patch(c, DATA_ADDR + X87_CW, &cw, 2);
    /* All eight physical registers get known contents (FLDENV can mark
     * empty ones valid), then the ones beyond `depth` are freed again. */
    unsigned depth = rng_below(r, 20) == 0 ? 0 : rng_below(r, 20) == 0 ? 8 : 1 + rng_below(r, 5);
    for (unsigned k = 0; k < 8; k++) {
        uint8_t v[10];
        val_x87(r, v);
        uint64_t a = DATA_ADDR + X87_VALS + 10 * k;
        case_patch(c, a, v, 10);
        ZydisEncoderOperand mv = E_mem(10, ZYDIS_REGISTER_NONE, ZYDIS_REGISTER_NONE, 0, (int64_t)a);
        n += enc(out + n, ZYDIS_MNEMONIC_FLD, 0, &mv, 1);
    }
    for (unsigned k = depth; k < 8; k++) {
        static const uint8_t ffree_fincstp[4] = {0xdd, 0xc0, 0xd9, 0xf7};
        memcpy(out + n, ffree_fincstp, 4);
        n += 4;
    }
    ZydisEncoderOperand mcw =
        E_mem(2, ZYDIS_REGISTER_NONE, ZYDIS_REGISTER_NONE, 0, (int64_t)(DATA_ADDR + X87_CW));
    n += enc(out + n, ZYDIS_MNEMONIC_FLDCW, 0, &mcw, 1);
    return n;
}

static size_t x87_epilogue(uint8_t *out) {
    ZydisEncoderOperand m =
        E_mem(512, ZYDIS_REGISTER_NONE, ZYDIS_REGISTER_NONE, 0, (int64_t)(DATA_ADDR + X87_SCR));
    size_t n = enc(out, ZYDIS_MNEMONIC_FXSAVE, 0, &m, 1);
    n += enc(out + n, ZYDIS_MNEMONIC_FNINIT, 0, NULL, 0);
    return n;
}

int gen_case(Rng *r, int fi, FuzzCase *c) {
    const Form *f = &fz_forms[fi];
    memset(c, 0, sizeof *c);
    c->form = fi;
    Ctx x = {.r = r, .c = c, .f = f, .fi = form_info(fi), .g = c->in.gpr};

    /* Baseline state: random everything, RSP in the second data page. */
    for (int k = 0; k < 16; k++)
        c->in.gpr[k] = rng_reg(r, 8);
    c->in.rflags = rng_u64(r) & RS_FLAGS_LOADABLE;
    for (int k = 0; k < 16; k++) {
        static const ZydisElementType lt[] = {ZYDIS_ELEMENT_TYPE_FLOAT32,
                                              ZYDIS_ELEMENT_TYPE_FLOAT64, ZYDIS_ELEMENT_TYPE_INT,
                                              ZYDIS_ELEMENT_TYPE_INT};
        static const unsigned lb[] = {32, 64, 16, 64};
        unsigned t = rng_below(r, 4);
        for (unsigned b = 0; b < 16; b += lb[t] / 8)
            val_elem(r, lt[t], lb[t], c->in.xmm[k] + b);
    }
    c->in.mxcsr = val_mxcsr(r);
    c->fill = rng_u64(r);
    uint64_t sp = DATA_ADDR + 0x1700 + 8 * (uint64_t)rng_below(r, 64);
    if (rng_below(r, 10) == 0) sp += rng_below(r, 8);
    pin(&x, 4, sp);

    uint8_t pro[128];
    size_t plen = 0;
    c->x87 = x.fi->is_x87;
    if (c->x87) plen = x87_prologue(&x, pro);

    uint8_t insn[32];
    size_t ilen = 0;
    uint64_t saved[16];
    uint32_t saved_pin = x.pin;
    memcpy(saved, c->in.gpr, sizeof saved);
    for (int attempt = 0; attempt < 24 && !ilen; attempt++) {
        memcpy(c->in.gpr, saved, sizeof saved);
        x.pin = saved_pin;
        ilen = encode_insn(&x, attempt, insn);
    }
    if (!ilen || ilen > 15) return -1;

    ZydisDecodedInstruction zi;
    ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
    if (decode_at(insn, ilen, &zi, zo) != 0 || zi.length != ilen) return -1;
    if (insn_unsafe(&zi, zo) || !decode_is_implemented(zi.mnemonic)) return -1;
    c->mnem = (uint16_t)zi.mnemonic;

    /* Assemble. */
    c->at = plen;
    c->ilen = ilen;
    memcpy(c->code, pro, plen);
    memcpy(c->code + plen, insn, ilen);
    size_t len = plen + ilen;
    if (x.fi->is_branch) {
        memcpy(c->code + len, FZ_M32 ? marker32 : marker64, MARKER_LEN);
        len += MARKER_LEN;
    }
    x.target = NATIVE_CODE_ADDR + len;
    if (c->x87) len += x87_epilogue(c->code + len);
    c->len = len;

    /* RIP-relative: now that the address is known, aim at the target. */
    for (int j = 0; j < zi.operand_count_visible; j++)
        if (zo[j].type == ZYDIS_OPERAND_TYPE_MEMORY &&
            (zo[j].mem.base == ZYDIS_REGISTER_RIP || zo[j].mem.base == ZYDIS_REGISTER_EIP)) {
            int32_t d = (int32_t)(x.mtarget - (NATIVE_CODE_ADDR + plen + ilen));
            memcpy(c->code + plen + zi.raw.disp.offset, &d, 4);
        }

    int ok = refine_inputs(&x, &zi, zo);
    if (FZ_M32) /* what the 32-bit runners load (and print) */
        for (int k = 0; k < 16; k++)
            c->in.gpr[k] = k < 8 ? (uint32_t)c->in.gpr[k] : 0;
    return ok;
}
