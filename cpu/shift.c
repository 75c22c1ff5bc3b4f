/* Shifts and rotates: SHL/SAL SHR SAR ROL ROR RCL RCR, and the double
 * shifts SHLD SHRD. One handler per (operation x destination {reg, mem} x
 * count {immediate, CL} x size x vendor rule); the computation is one
 * always-inlined function specialised by constant arguments.
 *
 * Architectural rules (SDM, APM): the count is masked to 5 bits (6 for 64-bit
 * operands); a masked count of 0 changes no flags, but the destination is
 * still written (a 32-bit register is zero-extended, a read-only memory
 * operand faults). RCL/RCR rotate through CF over 9/17 bits for 8/16-bit
 * operands.
 *
 * Flags the SDM leaves undefined follow the modelled vendor (chosen at decode
 * time; docs/vendors.md "Undefined flags" has the table and the tests).
 * Intel, as measured on GenuineIntel family 6 model 0xa7:
 *   - AF is cleared by SHL/SHR/SAR/SHLD/SHRD with a nonzero count;
 *   - ROL/ROR of a register by an immediate count other than 1 leave OF
 *     unchanged (a memory destination or a CL count does not);
 *   - otherwise OF for counts > 1 is what a 1-bit step gives (SHL/ROL/RCL: the top two
 *     bits of the operand differ; SHR: its sign bit; SAR: 0; ROR: bit 0 and
 *     the sign bit differ; RCR: the sign bit and CF in differ; SHLD: as SHL;
 *     SHRD: bit 0 of the source and the destination's sign bit differ);
 *   - RCL/RCR whose count is a multiple of 9/17 change nothing;
 *   - a 16-bit SHLD/SHRD with a count above 16 shifts the 48-bit value
 *     dest:src:dest (the host's result; CF is the last bit shifted out).
 * AMD, as measured on family 17h (Zen 1; the evidence from a family 1Ah host
 * agrees, and other families are modelled the same): OF is computed from the
 * result for every count and form:
 *   - AF is set by SHL/SHR/SAR/SHLD/SHRD with a nonzero count;
 *   - SHL/ROL/RCL/SHLD: OF = CF out ^ the result's sign bit; SHR/ROR/RCR/SHRD:
 *     OF = the result's top two bits differ; SAR: OF = 0;
 *   - RCL/RCR whose count is a nonzero multiple of 9/17 keep CF and the value
 *     and set OF as above from the unchanged value (RCL: CF in ^ sign bit);
 *   - a 16-bit SHLD/SHRD with a count above 16 shifts dest:src:src (SHLD) or
 *     src:src:dest (SHRD) and clears CF; a 16-bit SHLD by 16 or more sets
 *     OF = CF. */
#include "insn.h"

#define ALWAYS static inline __attribute__((always_inline))

static void op_lock_ud(Cpu *c, const Insn *i) { UD(c); }

/* Which flags a computation changed. */
enum { FL_NONE, FL_ALL, FL_CFOF, FL_CF, FL_OF };

/* The vendor rule for undefined flags (a constant argument). */
enum { V_INTEL, V_AMD };

/* SF, ZF, PF of a result. */
ALWAYS uint64_t szp(uint64_t r, unsigned sz) {
    return ((r & sign_bit(sz)) ? F_SF : 0) | (r == 0 ? F_ZF : 0) |
           (__builtin_parity((unsigned)(r & 0xff)) ? 0 : F_PF);
}

ALWAYS void flags_apply(Cpu *c, int kind, uint64_t fl) {
    if (kind == FL_ALL) {
        /* All six arithmetic flags replaced: the lazy state need not be
         * materialised first. */
        c->rflags = (c->rflags & ~(uint64_t)F_ARITH) | fl;
        c->lf.op = LF_NONE;
    } else if (kind == FL_CFOF) {
        flags_put(c, F_CF | F_OF, fl);
    } else if (kind == FL_CF) {
        flags_put(c, F_CF, fl);
    } else if (kind == FL_OF) {
        flags_put(c, F_OF, fl);
    }
}

#define BIT(v, n) (((v) >> (n)) & 1)

/* Group-2 operations in ModRM.reg order. */
enum { S_ROL, S_ROR, S_RCL, S_RCR, S_SHL, S_SHR, S_SAL, S_SAR };

/* Shift/rotate v (size sz, zero-extended) by the masked count n; reg_imm:
 * a register destination with an immediate count; amd: the vendor rule for
 * undefined flags. Returns the result; *kind and *fl say which flags to set,
 * applied after the write. */
ALWAYS uint64_t shift_op(Cpu *c, int op, unsigned sz, uint64_t v, unsigned n, int reg_imm, int amd,
                         int *kind, uint64_t *fl) {
    const unsigned w = sz * 8;
    const uint64_t m = size_mask(sz);
    uint64_t r, cf, of;
    *kind = FL_NONE;
    *fl = 0;
    if (n == 0) return v;
    switch (op) {
    case S_SHL:
    case S_SAL:
        r = (v << n) & m; /* n <= 31 for w < 64, so no bits are lost early */
        cf = BIT(v << (n - 1), w - 1);
        of = amd ? BIT(r, w - 1) ^ cf : BIT(v, w - 1) ^ BIT(v, w - 2);
        *kind = FL_ALL;
        *fl = cf | (of << 11) | szp(r, sz) | (amd ? F_AF : 0);
        return r;
    case S_SHR:
        r = v >> n;
        cf = BIT(v, n - 1);
        of = amd ? BIT(r, w - 1) ^ BIT(r, w - 2) : BIT(v, w - 1);
        *kind = FL_ALL;
        *fl = cf | (of << 11) | szp(r, sz) | (amd ? F_AF : 0);
        return r;
    case S_SAR: {
        int64_t s = sext(v, sz);
        r = (uint64_t)(s >> n) & m;
        cf = (uint64_t)(s >> (n - 1)) & 1;
        *kind = FL_ALL;
        *fl = cf | szp(r, sz) | (amd ? F_AF : 0);
        return r;
    }
    case S_ROL: {
        unsigned k = n & (w - 1);
        r = k ? ((v << k) | (v >> (w - k))) & m : v;
        if (amd) {
            *kind = FL_CFOF;
            *fl = (r & 1) | (((r & 1) ^ BIT(r, w - 1)) << 11);
        } else {
            *kind = reg_imm && n != 1 ? FL_CF : FL_CFOF;
            *fl = (r & 1) | ((BIT(v, w - 1) ^ BIT(v, w - 2)) << 11);
        }
        return r;
    }
    case S_ROR: {
        unsigned k = n & (w - 1);
        r = k ? ((v >> k) | (v << (w - k))) & m : v;
        if (amd) {
            *kind = FL_CFOF;
            *fl = BIT(r, w - 1) | ((BIT(r, w - 1) ^ BIT(r, w - 2)) << 11);
        } else {
            *kind = reg_imm && n != 1 ? FL_CF : FL_CFOF;
            *fl = BIT(r, w - 1) | ((BIT(v, 0) ^ BIT(v, w - 1)) << 11);
        }
        return r;
    }
    case S_RCL: {
        unsigned k = sz == 1 ? n % 9 : sz == 2 ? n % 17 : n;
        if (k == 0) {
            if (amd) { /* value and CF kept, OF from them */
                *kind = FL_OF;
                *fl = ((uint64_t)flag_cf(c) ^ BIT(v, w - 1)) << 11;
            }
            return v;
        }
        uint64_t cin = (uint64_t)flag_cf(c);
        r = ((v << k) | (cin << (k - 1)) | (k > 1 ? v >> (w + 1 - k) : 0)) & m;
        cf = BIT(v, w - k);
        of = amd ? cf ^ BIT(r, w - 1) : BIT(v, w - 1) ^ BIT(v, w - 2);
        *kind = FL_CFOF;
        *fl = cf | (of << 11);
        return r;
    }
    default: { /* S_RCR */
        unsigned k = sz == 1 ? n % 9 : sz == 2 ? n % 17 : n;
        if (k == 0) {
            if (amd) {
                *kind = FL_OF;
                *fl = (BIT(v, w - 1) ^ BIT(v, w - 2)) << 11;
            }
            return v;
        }
        uint64_t cin = (uint64_t)flag_cf(c);
        r = ((v >> k) | (cin << (w - k)) | (k > 1 ? v << (w + 1 - k) : 0)) & m;
        cf = BIT(v, k - 1);
        of = amd ? BIT(r, w - 1) ^ BIT(r, w - 2) : BIT(v, w - 1) ^ cin;
        *kind = FL_CFOF;
        *fl = cf | (of << 11);
        return r;
    }
    }
}

#define CMASK(SZ) ((SZ) == 8 ? 63u : 31u)

/* V: V_INTEL or V_AMD; the handler names end in _i or _a. */
#define SH_SIZE(NAME, OP, SZ, V, X)                                                                \
    static void NAME##_ri##SZ##X(Cpu *c, const Insn *i) {                                          \
        int kind;                                                                                  \
        uint64_t fl;                                                                               \
        uint64_t r = shift_op(c, OP, SZ, reg_get(c, i->r[0], SZ), i->aux, 1, V, &kind, &fl);       \
        reg_set(c, i->r[0], SZ, r);                                                                \
        flags_apply(c, kind, fl);                                                                  \
    }                                                                                              \
    static void NAME##_rc##SZ##X(Cpu *c, const Insn *i) {                                          \
        int kind;                                                                                  \
        uint64_t fl;                                                                               \
        unsigned n = (unsigned)c->gpr[RCX] & CMASK(SZ);                                            \
        uint64_t r = shift_op(c, OP, SZ, reg_get(c, i->r[0], SZ), n, 0, V, &kind, &fl);            \
        reg_set(c, i->r[0], SZ, r);                                                                \
        flags_apply(c, kind, fl);                                                                  \
    }                                                                                              \
    static void NAME##_mi##SZ##X(Cpu *c, const Insn *i) {                                          \
        int kind;                                                                                  \
        uint64_t fl, ea = insn_ea(c, i);                                                           \
        uint64_t r = shift_op(c, OP, SZ, mem_rd(c, ea, SZ), i->aux, 0, V, &kind, &fl);             \
        mem_wr(c, ea, SZ, r);                                                                      \
        flags_apply(c, kind, fl);                                                                  \
    }                                                                                              \
    static void NAME##_mc##SZ##X(Cpu *c, const Insn *i) {                                          \
        int kind;                                                                                  \
        uint64_t fl, ea = insn_ea(c, i);                                                           \
        unsigned n = (unsigned)c->gpr[RCX] & CMASK(SZ);                                            \
        uint64_t r = shift_op(c, OP, SZ, mem_rd(c, ea, SZ), n, 0, V, &kind, &fl);                  \
        mem_wr(c, ea, SZ, r);                                                                      \
        flags_apply(c, kind, fl);                                                                  \
    }
/* Register destination, immediate count, flags dead (I_FLAGS_DEAD): the
 * result only (the same for both vendors). */
#define SH_SIZE_NF(NAME, OP, SZ)                                                                   \
    static void NAME##_ri##SZ##_nf(Cpu *c, const Insn *i) {                                        \
        int kind;                                                                                  \
        uint64_t fl;                                                                               \
        uint64_t r = shift_op(c, OP, SZ, reg_get(c, i->r[0], SZ), i->aux, 1, V_INTEL, &kind, &fl); \
        reg_set(c, i->r[0], SZ, r);                                                                \
    }
#define SH_VENDOR(NAME, OP, V, X)                                                                  \
    SH_SIZE(NAME, OP, 1, V, X)                                                                     \
    SH_SIZE(NAME, OP, 2, V, X) SH_SIZE(NAME, OP, 4, V, X) SH_SIZE(NAME, OP, 8, V, X)
#define SH_OP(NAME, OP)                                                                            \
    SH_VENDOR(NAME, OP, V_INTEL, _i)                                                               \
    SH_VENDOR(NAME, OP, V_AMD, _a)                                                                 \
    SH_SIZE_NF(NAME, OP, 1) SH_SIZE_NF(NAME, OP, 2) SH_SIZE_NF(NAME, OP, 4)                        \
        SH_SIZE_NF(NAME, OP, 8)
SH_OP(rol, S_ROL)
SH_OP(ror, S_ROR)
SH_OP(rcl, S_RCL)
SH_OP(rcr, S_RCR)
SH_OP(shl, S_SHL)
SH_OP(shr, S_SHR)
SH_OP(sar, S_SAR)

#define SH_SIZES(N, F, X)                                                                          \
    { N##_##F##1##X, N##_##F##2##X, N##_##F##4##X, N##_##F##8##X }
#define SH_ROW(N, X)                                                                               \
    { SH_SIZES(N, ri, X), SH_SIZES(N, rc, X), SH_SIZES(N, mi, X), SH_SIZES(N, mc, X) }
#define SH_VTAB(X)                                                                                 \
    {                                                                                              \
        SH_ROW(rol, X), SH_ROW(ror, X), SH_ROW(rcl, X), SH_ROW(rcr, X), SH_ROW(shl, X),            \
            SH_ROW(shr, X), SH_ROW(shl, X), SH_ROW(sar, X)                                         \
    }
/* [vendor rule][op][reg imm, reg CL, mem imm, mem CL][size] */
static const Handler shift_tab[2][8][4][4] = {SH_VTAB(_i), SH_VTAB(_a)};

#define SH_NF_ROW(N)                                                                               \
    { N##_ri1_nf, N##_ri2_nf, N##_ri4_nf, N##_ri8_nf }
static const Handler shift_nf_tab[8][4] = {SH_NF_ROW(rol), SH_NF_ROW(ror), SH_NF_ROW(rcl),
                                           SH_NF_ROW(rcr), SH_NF_ROW(shl), SH_NF_ROW(shr),
                                           SH_NF_ROW(shl), SH_NF_ROW(sar)};

Handler shift_flags_dead_variant(Handler fn) {
    for (int v = 0; v < 2; v++)
        for (int op = 0; op < 8; op++)
            for (int s = 0; s < 4; s++)
                if (shift_tab[v][op][0][s] == fn) return shift_nf_tab[op][s];
    return NULL;
}

/* The vendor rule for undefined flags of the modelled CPU. */
static int vendor_rule(const DecodeCtx *d) { return d->cpu->vendor == CPU_AMD ? V_AMD : V_INTEL; }

/* Count operand j: 0 = immediate (stored masked in aux), 1 = CL, -1 bad. */
static int count_form(const DecodeCtx *d, Insn *i, int j, unsigned sz) {
    if (d->nexp <= j) { /* not shown: the implicit count of 1 */
        i->aux = 1;
        return 0;
    }
    if (i->k[j] == K_IMM) {
        i->aux = (uint8_t)(i->imm & CMASK(sz));
        return 0;
    }
    if (i->k[j] == K_REG && d->zo[j].type == ZYDIS_OPERAND_TYPE_REGISTER &&
        d->zo[j].reg.value == ZYDIS_REGISTER_CL)
        return 1;
    return -1;
}

static int sel_shift(const DecodeCtx *d, Insn *i) {
    int op;
    switch (d->zi->mnemonic) {
    case ZYDIS_MNEMONIC_ROL: op = S_ROL; break;
    case ZYDIS_MNEMONIC_ROR: op = S_ROR; break;
    case ZYDIS_MNEMONIC_RCL: op = S_RCL; break;
    case ZYDIS_MNEMONIC_RCR: op = S_RCR; break;
    case ZYDIS_MNEMONIC_SHL: op = S_SHL; break;
    case ZYDIS_MNEMONIC_SHR: op = S_SHR; break;
    case ZYDIS_MNEMONIC_SAR: op = S_SAR; break;
    default: return 0;
    }
    unsigned sz = i->osz;
    if (sz != 1 && sz != 2 && sz != 4 && sz != 8) return 0;
    if (d->nexp < 1 || d->nexp > 2) return 0;
    if (i->k[0] == K_REG) {
        if (!zreg_is_gpr(d->zo[0].reg.value)) return 0;
    } else if (i->k[0] != K_MEM) {
        return 0;
    }
    int cf = count_form(d, i, 1, sz);
    if (cf < 0) return 0;
    if (i->flags & I_LOCK) { /* not lockable (Zydis already rejects it) */
        i->fn = op_lock_ud;
        return 1;
    }
    i->fn = shift_tab[vendor_rule(d)][op][(i->k[0] == K_MEM) * 2 + cf][size_idx(sz)];
    return 1;
}

/* ---- SHLD / SHRD ---- */

/* Double shift of d by n (1..31, or 1..63 for 64-bit) with bits from s;
 * amd: the vendor rule (undefined flags, 16-bit counts above 16). */
ALWAYS uint64_t dshift(int right, unsigned sz, int amd, uint64_t d, uint64_t s, unsigned n,
                       uint64_t *fl) {
    const unsigned w = sz * 8;
    uint64_t r, cf, of;
    if (sz == 2) {
        /* Counts above 16 keep shifting through a 48-bit value (the
         * vendor's; for counts up to 16 this is the architectural result). */
        if (!right) {
            uint64_t x = d << 32 | s << 16 | (amd ? s : d);
            r = (x >> (32 - n)) & 0xffff;
            cf = BIT(x, 48 - n);
        } else {
            uint64_t x = (amd ? s : d) << 32 | s << 16 | d;
            r = (x >> n) & 0xffff;
            cf = BIT(x, n - 1);
        }
        if (amd && n > 16) cf = 0;
    } else if (!right) {
        r = ((d << n) | (s >> (w - n))) & size_mask(sz);
        cf = BIT(d, w - n);
    } else {
        r = ((d >> n) | (s << (w - n))) & size_mask(sz);
        cf = BIT(d, n - 1);
    }
    if (amd)
        of = right ? BIT(r, w - 1) ^ BIT(r, w - 2) : (sz == 2 && n >= 16) ? cf : BIT(r, w - 1) ^ cf;
    else
        of = right ? (BIT(s, 0) ^ BIT(d, w - 1)) : (BIT(d, w - 1) ^ BIT(d, w - 2));
    *fl = cf | (of << 11) | szp(r, sz) | (amd ? F_AF : 0);
    return r;
}

#define DSH_SIZE(NAME, RIGHT, SZ, V, X)                                                            \
    static void NAME##_ri##SZ##X(Cpu *c, const Insn *i) {                                          \
        uint64_t d = reg_get(c, i->r[0], SZ), s = reg_get(c, i->r[1], SZ), fl = 0;                 \
        unsigned n = i->aux;                                                                       \
        if (n) d = dshift(RIGHT, SZ, V, d, s, n, &fl);                                             \
        reg_set(c, i->r[0], SZ, d);                                                                \
        if (n) flags_apply(c, FL_ALL, fl);                                                         \
    }                                                                                              \
    static void NAME##_rc##SZ##X(Cpu *c, const Insn *i) {                                          \
        uint64_t d = reg_get(c, i->r[0], SZ), s = reg_get(c, i->r[1], SZ), fl = 0;                 \
        unsigned n = (unsigned)c->gpr[RCX] & CMASK(SZ);                                            \
        if (n) d = dshift(RIGHT, SZ, V, d, s, n, &fl);                                             \
        reg_set(c, i->r[0], SZ, d);                                                                \
        if (n) flags_apply(c, FL_ALL, fl);                                                         \
    }                                                                                              \
    static void NAME##_mi##SZ##X(Cpu *c, const Insn *i) {                                          \
        uint64_t ea = insn_ea(c, i);                                                               \
        uint64_t d = mem_rd(c, ea, SZ), s = reg_get(c, i->r[1], SZ), fl = 0;                       \
        unsigned n = i->aux;                                                                       \
        if (n) d = dshift(RIGHT, SZ, V, d, s, n, &fl);                                             \
        mem_wr(c, ea, SZ, d);                                                                      \
        if (n) flags_apply(c, FL_ALL, fl);                                                         \
    }                                                                                              \
    static void NAME##_mc##SZ##X(Cpu *c, const Insn *i) {                                          \
        uint64_t ea = insn_ea(c, i);                                                               \
        uint64_t d = mem_rd(c, ea, SZ), s = reg_get(c, i->r[1], SZ), fl = 0;                       \
        unsigned n = (unsigned)c->gpr[RCX] & CMASK(SZ);                                            \
        if (n) d = dshift(RIGHT, SZ, V, d, s, n, &fl);                                             \
        mem_wr(c, ea, SZ, d);                                                                      \
        if (n) flags_apply(c, FL_ALL, fl);                                                         \
    }
#define DSH_VENDOR(NAME, RIGHT, V, X)                                                              \
    DSH_SIZE(NAME, RIGHT, 2, V, X) DSH_SIZE(NAME, RIGHT, 4, V, X) DSH_SIZE(NAME, RIGHT, 8, V, X)
DSH_VENDOR(shld, 0, V_INTEL, _i)
DSH_VENDOR(shrd, 1, V_INTEL, _i)
DSH_VENDOR(shld, 0, V_AMD, _a)
DSH_VENDOR(shrd, 1, V_AMD, _a)

#define DSH_SIZES(N, F, X)                                                                         \
    { N##_##F##2##X, N##_##F##4##X, N##_##F##8##X }
#define DSH_ROW(N, X)                                                                              \
    { DSH_SIZES(N, ri, X), DSH_SIZES(N, rc, X), DSH_SIZES(N, mi, X), DSH_SIZES(N, mc, X) }
/* [vendor rule][SHLD, SHRD][reg imm, reg CL, mem imm, mem CL][size 2, 4, 8] */
static const Handler dshift_tab[2][2][4][3] = {{DSH_ROW(shld, _i), DSH_ROW(shrd, _i)},
                                               {DSH_ROW(shld, _a), DSH_ROW(shrd, _a)}};

static int sel_dshift(const DecodeCtx *d, Insn *i) {
    int right = d->zi->mnemonic == ZYDIS_MNEMONIC_SHRD;
    unsigned sz = i->osz;
    if (sz != 2 && sz != 4 && sz != 8) return 0;
    if (d->nexp != 3 || i->k[1] != K_REG) return 0;
    if (i->k[0] == K_REG) {
        if (!zreg_is_gpr(d->zo[0].reg.value)) return 0;
    } else if (i->k[0] != K_MEM) {
        return 0;
    }
    if (!zreg_is_gpr(d->zo[1].reg.value)) return 0;
    int cf = count_form(d, i, 2, sz);
    if (cf < 0) return 0;
    if (i->flags & I_LOCK) {
        i->fn = op_lock_ud;
        return 1;
    }
    i->fn = dshift_tab[vendor_rule(d)][right][(i->k[0] == K_MEM) * 2 + cf][size_idx(sz) - 1];
    return 1;
}

FAMILY_TABLE(shift_ops) = {
    {ZYDIS_MNEMONIC_ROL, 0, sel_shift, "shift"},   {ZYDIS_MNEMONIC_ROR, 0, sel_shift, "shift"},
    {ZYDIS_MNEMONIC_RCL, 0, sel_shift, "shift"},   {ZYDIS_MNEMONIC_RCR, 0, sel_shift, "shift"},
    {ZYDIS_MNEMONIC_SHL, 0, sel_shift, "shift"},   {ZYDIS_MNEMONIC_SHR, 0, sel_shift, "shift"},
    {ZYDIS_MNEMONIC_SAR, 0, sel_shift, "shift"},   {ZYDIS_MNEMONIC_SHLD, 0, sel_dshift, "shift"},
    {ZYDIS_MNEMONIC_SHRD, 0, sel_dshift, "shift"}, {0},
};
