/* Multiply and divide: MUL, IMUL (one-, two- and three-operand forms), DIV,
 * IDIV. One handler per (form x size).
 *
 * Flags: MUL/IMUL set CF = OF = "the result does not fit the destination"
 * (SDM). SF, ZF, AF, PF, and all six flags after DIV/IDIV, are undefined;
 * they follow the modelled vendor (handlers chosen at decode time;
 * docs/vendors.md "Undefined flags"):
 *   Intel (measured on family 6 model 0xa7): MUL/IMUL set SF = sign of the
 *   low half (the destination for IMUL r, r/m), ZF = AF = 0, PF = parity of
 *   the low byte; DIV/IDIV leave all flags unchanged.
 *   AMD (measured on family 17h; the family 1Ah evidence agrees): MUL/IMUL
 *   leave SF, ZF, AF, PF unchanged; DIV/IDIV leave CF and OF unchanged and
 *   set SF = ZF = PF = 0, AF = 1.
 *
 * DIV/IDIV raise #DE for a zero divisor and for a quotient that does not fit
 * (IDIV of the most negative dividend by -1 included) before writing any
 * register. The memory operand is read first, so a fault leaves the state
 * untouched. */
#include "insn.h"

#define ALWAYS static inline __attribute__((always_inline))

ALWAYS void mul_flags(Cpu *c, unsigned sz, uint64_t lo, int ovf, int amd) {
    if (amd) {
        flags_put(c, F_CF | F_OF, ovf ? (F_CF | F_OF) : 0);
        return;
    }
    uint64_t fl = (ovf ? (F_CF | F_OF) : 0) | ((lo & sign_bit(sz)) ? F_SF : 0) |
                  (__builtin_parity((unsigned)(lo & 0xff)) ? 0 : F_PF);
    /* All six arithmetic flags are replaced: no need to materialise. */
    c->rflags = (c->rflags & ~(uint64_t)F_ARITH) | fl;
    c->lf.op = LF_NONE;
}

/* ---- one-operand MUL / IMUL: rDX:rAX = rAX * src (AX = AL * src) ---- */

ALWAYS void mul1(Cpu *c, unsigned sz, uint64_t src, int sgn, int amd) {
    uint64_t a = reg_get(c, GPR_OFF(RAX), sz);
    uint64_t lo, hi;
    int ovf;
    if (sz == 8) {
        if (sgn) {
            __int128 p = (__int128)(int64_t)a * (int64_t)src;
            lo = (uint64_t)p;
            hi = (uint64_t)(p >> 64);
            ovf = (int64_t)hi != ((int64_t)lo >> 63);
        } else {
            unsigned __int128 p = (unsigned __int128)a * src;
            lo = (uint64_t)p;
            hi = (uint64_t)(p >> 64);
            ovf = hi != 0;
        }
    } else {
        const unsigned w = sz * 8;
        uint64_t p;
        if (sgn) {
            int64_t sp = sext(a, sz) * sext(src, sz);
            p = (uint64_t)sp;
            ovf = sext(p, sz) != sp;
        } else {
            p = a * src;
            ovf = (p >> w) != 0;
        }
        lo = p & size_mask(sz);
        hi = (p >> w) & size_mask(sz);
    }
    if (sz == 1) {
        reg_set(c, GPR_OFF(RAX), 2, lo | hi << 8);
    } else {
        reg_set(c, GPR_OFF(RAX), sz, lo);
        reg_set(c, GPR_OFF(RDX), sz, hi);
    }
    mul_flags(c, sz, lo, ovf, amd);
}

/* V: 0 Intel, 1 AMD; the handler names end in _i or _a. */
#define MUL1_SIZE(SZ, V, X)                                                                        \
    static void mul_r##SZ##X(Cpu *c, const Insn *i) {                                              \
        mul1(c, SZ, reg_get(c, i->r[0], SZ), 0, V);                                                \
    }                                                                                              \
    static void mul_m##SZ##X(Cpu *c, const Insn *i) {                                              \
        mul1(c, SZ, mem_rd(c, insn_ea(c, i), SZ), 0, V);                                           \
    }                                                                                              \
    static void imul1_r##SZ##X(Cpu *c, const Insn *i) {                                            \
        mul1(c, SZ, reg_get(c, i->r[0], SZ), 1, V);                                                \
    }                                                                                              \
    static void imul1_m##SZ##X(Cpu *c, const Insn *i) {                                            \
        mul1(c, SZ, mem_rd(c, insn_ea(c, i), SZ), 1, V);                                           \
    }
#define MUL1_SIZES(V, X) MUL1_SIZE(1, V, X) MUL1_SIZE(2, V, X) MUL1_SIZE(4, V, X) MUL1_SIZE(8, V, X)
MUL1_SIZES(0, _i)
MUL1_SIZES(1, _a)

/* ---- IMUL r, r/m [, imm]: dest = truncated signed product ---- */

ALWAYS void imul2(Cpu *c, const Insn *i, unsigned sz, uint64_t a, uint64_t b, int amd) {
    uint64_t lo;
    int ovf;
    if (sz == 8) {
        int64_t r;
        ovf = __builtin_mul_overflow((int64_t)a, (int64_t)b, &r);
        lo = (uint64_t)r;
    } else {
        int64_t p = sext(a, sz) * sext(b, sz);
        lo = (uint64_t)p & size_mask(sz);
        ovf = sext(lo, sz) != p;
    }
    reg_set(c, i->r[0], sz, lo);
    mul_flags(c, sz, lo, ovf, amd);
}

#define IMUL2_SIZE(SZ, V, X)                                                                       \
    static void imul_rr##SZ##X(Cpu *c, const Insn *i) {                                            \
        imul2(c, i, SZ, reg_get(c, i->r[0], SZ), reg_get(c, i->r[1], SZ), V);                      \
    }                                                                                              \
    static void imul_rm##SZ##X(Cpu *c, const Insn *i) {                                            \
        imul2(c, i, SZ, reg_get(c, i->r[0], SZ), mem_rd(c, insn_ea(c, i), SZ), V);                 \
    }                                                                                              \
    static void imul_rri##SZ##X(Cpu *c, const Insn *i) {                                           \
        imul2(c, i, SZ, reg_get(c, i->r[1], SZ), i->imm &size_mask(SZ), V);                        \
    }                                                                                              \
    static void imul_rmi##SZ##X(Cpu *c, const Insn *i) {                                           \
        imul2(c, i, SZ, mem_rd(c, insn_ea(c, i), SZ), i->imm &size_mask(SZ), V);                   \
    }
#define IMUL2_SIZES(V, X) IMUL2_SIZE(2, V, X) IMUL2_SIZE(4, V, X) IMUL2_SIZE(8, V, X)
IMUL2_SIZES(0, _i)
IMUL2_SIZES(1, _a)

/* ---- DIV / IDIV ---- */

ALWAYS void div1(Cpu *c, unsigned sz, uint64_t d, int sgn, int amd) {
    if (d == 0) cpu_fault_noerr(c, EXC_DE);
    uint64_t q, r;
    if (sz == 8) {
        uint64_t lo = c->gpr[RAX], hi = c->gpr[RDX];
        if (!sgn) {
            if (hi >= d) cpu_fault_noerr(c, EXC_DE); /* quotient needs > 64 bits */
            unsigned __int128 n = (unsigned __int128)hi << 64 | lo;
            q = (uint64_t)(n / d);
            r = (uint64_t)(n % d);
        } else {
            __int128 n = (__int128)((unsigned __int128)hi << 64 | lo);
            int64_t sd = (int64_t)d;
            __int128 sq;
            if (sd == -1) {
                /* -n overflows only for -2^127, whose quotient does not fit anyway */
                if (n == (__int128)((unsigned __int128)1 << 127)) cpu_fault_noerr(c, EXC_DE);
                sq = -n;
            } else {
                sq = n / sd;
            }
            if (sq != (__int128)(int64_t)sq) cpu_fault_noerr(c, EXC_DE);
            q = (uint64_t)(int64_t)sq;
            r = (uint64_t)(int64_t)(n - sq * sd);
        }
        c->gpr[RAX] = q;
        c->gpr[RDX] = r;
        if (amd) flags_put(c, F_SF | F_ZF | F_AF | F_PF, F_AF);
        return;
    }
    const unsigned w = sz * 8;
    uint64_t n = sz == 1 ? reg_get(c, GPR_OFF(RAX), 2)
                         : reg_get(c, GPR_OFF(RDX), sz) << w | reg_get(c, GPR_OFF(RAX), sz);
    if (!sgn) {
        q = n / d;
        r = n % d;
        if (q > size_mask(sz)) cpu_fault_noerr(c, EXC_DE);
    } else {
        /* The dividend has 2*w <= 64 bits and the divisor is not zero; the
         * only 64-bit overflow case (INT64_MIN / -1) needs w = 32. */
        int64_t sn = sext(n, sz * 2), sd = sext(d, sz);
        if (sd == -1 && sn == INT64_MIN) cpu_fault_noerr(c, EXC_DE);
        int64_t sq = sn / sd, sr = sn % sd;
        if (sq != sext((uint64_t)sq, sz)) cpu_fault_noerr(c, EXC_DE);
        q = (uint64_t)sq & size_mask(sz);
        r = (uint64_t)sr & size_mask(sz);
    }
    if (sz == 1) {
        reg_set(c, GPR_OFF(RAX), 2, q | r << 8);
    } else {
        reg_set(c, GPR_OFF(RAX), sz, q);
        reg_set(c, GPR_OFF(RDX), sz, r);
    }
    if (amd) flags_put(c, F_SF | F_ZF | F_AF | F_PF, F_AF);
}

#define DIV_SIZE(SZ, V, X)                                                                         \
    static void div_r##SZ##X(Cpu *c, const Insn *i) {                                              \
        div1(c, SZ, reg_get(c, i->r[0], SZ), 0, V);                                                \
    }                                                                                              \
    static void div_m##SZ##X(Cpu *c, const Insn *i) {                                              \
        div1(c, SZ, mem_rd(c, insn_ea(c, i), SZ), 0, V);                                           \
    }                                                                                              \
    static void idiv_r##SZ##X(Cpu *c, const Insn *i) {                                             \
        div1(c, SZ, reg_get(c, i->r[0], SZ), 1, V);                                                \
    }                                                                                              \
    static void idiv_m##SZ##X(Cpu *c, const Insn *i) {                                             \
        div1(c, SZ, mem_rd(c, insn_ea(c, i), SZ), 1, V);                                           \
    }
#define DIV_SIZES(V, X) DIV_SIZE(1, V, X) DIV_SIZE(2, V, X) DIV_SIZE(4, V, X) DIV_SIZE(8, V, X)
DIV_SIZES(0, _i)
DIV_SIZES(1, _a)

#define ROW4(N, X)                                                                                 \
    {                                                                                              \
        {N##_r1##X, N##_r2##X, N##_r4##X, N##_r8##X}, {                                            \
            N##_m1##X, N##_m2##X, N##_m4##X, N##_m8##X                                             \
        }                                                                                          \
    }
/* [Intel, AMD][MUL, IMUL, DIV, IDIV][reg, mem][size] */
static const Handler onearg_tab[2][4][2][4] = {
    {ROW4(mul, _i), ROW4(imul1, _i), ROW4(div, _i), ROW4(idiv, _i)},
    {ROW4(mul, _a), ROW4(imul1, _a), ROW4(div, _a), ROW4(idiv, _a)},
};
#define IMUL_ROWS(X)                                                                               \
    {                                                                                              \
        {imul_rr2##X, imul_rr4##X, imul_rr8##X}, {imul_rm2##X, imul_rm4##X, imul_rm8##X},          \
            {imul_rri2##X, imul_rri4##X, imul_rri8##X}, {                                          \
            imul_rmi2##X, imul_rmi4##X, imul_rmi8##X                                               \
        }                                                                                          \
    }
/* [Intel, AMD][rr, rm, rri, rmi][size 2,4,8] */
static const Handler imul_tab[2][4][3] = {IMUL_ROWS(_i), IMUL_ROWS(_a)};

static void op_lock_ud(Cpu *c, const Insn *i) { UD(c); }

static int reg_ok(const DecodeCtx *d, const Insn *i, int j) {
    return i->k[j] == K_MEM || (i->k[j] == K_REG && zreg_is_gpr(d->zo[j].reg.value));
}

static int sel_muldiv(const DecodeCtx *d, Insn *i) {
    int mnem = d->zi->mnemonic;
    int amd = d->cpu->vendor == CPU_AMD; /* the vendor rule for undefined flags */
    unsigned sz = i->osz;
    if (sz != 1 && sz != 2 && sz != 4 && sz != 8) return 0;
    if (d->nexp == 1) {
        int row = mnem == ZYDIS_MNEMONIC_MUL    ? 0
                  : mnem == ZYDIS_MNEMONIC_IMUL ? 1
                  : mnem == ZYDIS_MNEMONIC_DIV  ? 2
                                                : 3;
        if (!reg_ok(d, i, 0)) return 0;
        i->fn =
            (i->flags & I_LOCK) ? op_lock_ud : onearg_tab[amd][row][i->k[0] == K_MEM][size_idx(sz)];
        return 1;
    }
    if (mnem != ZYDIS_MNEMONIC_IMUL || sz == 1) return 0;
    if (i->k[0] != K_REG || !zreg_is_gpr(d->zo[0].reg.value) || !reg_ok(d, i, 1)) return 0;
    int form;
    if (d->nexp == 2)
        form = i->k[1] == K_MEM;
    else if (d->nexp == 3 && i->k[2] == K_IMM)
        form = 2 + (i->k[1] == K_MEM);
    else
        return 0;
    i->fn = (i->flags & I_LOCK) ? op_lock_ud : imul_tab[amd][form][size_idx(sz) - 1];
    return 1;
}

FAMILY_TABLE(muldiv_ops) = {
    {ZYDIS_MNEMONIC_MUL, 0, sel_muldiv, "muldiv"},
    {ZYDIS_MNEMONIC_IMUL, 0, sel_muldiv, "muldiv"},
    {ZYDIS_MNEMONIC_DIV, 0, sel_muldiv, "muldiv"},
    {ZYDIS_MNEMONIC_IDIV, 0, sel_muldiv, "muldiv"},
    {0},
};
