/* Multiply and divide: MUL, IMUL (one-, two- and three-operand forms), DIV,
 * IDIV. One handler per (form x size).
 *
 * Flags: MUL/IMUL set CF = OF = "the result does not fit the destination"
 * (SDM). SF, ZF, AF, PF are undefined; they are set as measured on the
 * development host (Intel; the tests compare them only with RS_UNDEF=1):
 * SF = sign of the low half (the destination for IMUL r, r/m), ZF = AF = 0,
 * PF = parity of the low byte. DIV/IDIV leave all flags unchanged (all are
 * undefined; the host leaves them).
 *
 * DIV/IDIV raise #DE for a zero divisor and for a quotient that does not fit
 * (IDIV of the most negative dividend by -1 included) before writing any
 * register. The memory operand is read first, so a fault leaves the state
 * untouched. */
#include "insn.h"

#define ALWAYS static inline __attribute__((always_inline))

ALWAYS void mul_flags(Cpu *c, unsigned sz, uint64_t lo, int ovf) {
    uint64_t fl = (ovf ? (F_CF | F_OF) : 0) | ((lo & sign_bit(sz)) ? F_SF : 0) |
                  (__builtin_parity((unsigned)(lo & 0xff)) ? 0 : F_PF);
    /* All six arithmetic flags are replaced: no need to materialise. */
    c->rflags = (c->rflags & ~(uint64_t)F_ARITH) | fl;
    c->lf.op = LF_NONE;
}

/* ---- one-operand MUL / IMUL: rDX:rAX = rAX * src (AX = AL * src) ---- */

ALWAYS void mul1(Cpu *c, unsigned sz, uint64_t src, int sgn) {
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
    mul_flags(c, sz, lo, ovf);
}

#define MUL1_SIZE(SZ)                                                                              \
    static void mul_r##SZ(Cpu *c, const Insn *i) { mul1(c, SZ, reg_get(c, i->r[0], SZ), 0); }      \
    static void mul_m##SZ(Cpu *c, const Insn *i) { mul1(c, SZ, mem_rd(c, insn_ea(c, i), SZ), 0); } \
    static void imul1_r##SZ(Cpu *c, const Insn *i) { mul1(c, SZ, reg_get(c, i->r[0], SZ), 1); }    \
    static void imul1_m##SZ(Cpu *c, const Insn *i) { mul1(c, SZ, mem_rd(c, insn_ea(c, i), SZ), 1); }
MUL1_SIZE(1)
MUL1_SIZE(2)
MUL1_SIZE(4)
MUL1_SIZE(8)

/* ---- IMUL r, r/m [, imm]: dest = truncated signed product ---- */

ALWAYS void imul2(Cpu *c, const Insn *i, unsigned sz, uint64_t a, uint64_t b) {
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
    mul_flags(c, sz, lo, ovf);
}

#define IMUL2_SIZE(SZ)                                                                             \
    static void imul_rr##SZ(Cpu *c, const Insn *i) {                                               \
        imul2(c, i, SZ, reg_get(c, i->r[0], SZ), reg_get(c, i->r[1], SZ));                         \
    }                                                                                              \
    static void imul_rm##SZ(Cpu *c, const Insn *i) {                                               \
        imul2(c, i, SZ, reg_get(c, i->r[0], SZ), mem_rd(c, insn_ea(c, i), SZ));                    \
    }                                                                                              \
    static void imul_rri##SZ(Cpu *c, const Insn *i) {                                              \
        imul2(c, i, SZ, reg_get(c, i->r[1], SZ), i->imm &size_mask(SZ));                           \
    }                                                                                              \
    static void imul_rmi##SZ(Cpu *c, const Insn *i) {                                              \
        imul2(c, i, SZ, mem_rd(c, insn_ea(c, i), SZ), i->imm &size_mask(SZ));                      \
    }
IMUL2_SIZE(2)
IMUL2_SIZE(4)
IMUL2_SIZE(8)

/* ---- DIV / IDIV ---- */

ALWAYS void div1(Cpu *c, unsigned sz, uint64_t d, int sgn) {
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
}

#define DIV_SIZE(SZ)                                                                               \
    static void div_r##SZ(Cpu *c, const Insn *i) { div1(c, SZ, reg_get(c, i->r[0], SZ), 0); }      \
    static void div_m##SZ(Cpu *c, const Insn *i) { div1(c, SZ, mem_rd(c, insn_ea(c, i), SZ), 0); } \
    static void idiv_r##SZ(Cpu *c, const Insn *i) { div1(c, SZ, reg_get(c, i->r[0], SZ), 1); }     \
    static void idiv_m##SZ(Cpu *c, const Insn *i) { div1(c, SZ, mem_rd(c, insn_ea(c, i), SZ), 1); }
DIV_SIZE(1)
DIV_SIZE(2)
DIV_SIZE(4)
DIV_SIZE(8)

#define ROW4(N)                                                                                    \
    {                                                                                              \
        {N##_r1, N##_r2, N##_r4, N##_r8}, { N##_m1, N##_m2, N##_m4, N##_m8 }                       \
    }
/* [MUL, IMUL, DIV, IDIV][reg, mem][size] */
static const Handler onearg_tab[4][2][4] = {ROW4(mul), ROW4(imul1), ROW4(div), ROW4(idiv)};
/* [rr, rm, rri, rmi][size 2,4,8] */
static const Handler imul_tab[4][3] = {
    {imul_rr2, imul_rr4, imul_rr8},
    {imul_rm2, imul_rm4, imul_rm8},
    {imul_rri2, imul_rri4, imul_rri8},
    {imul_rmi2, imul_rmi4, imul_rmi8},
};

static void op_lock_ud(Cpu *c, const Insn *i) { UD(c); }

static int reg_ok(const DecodeCtx *d, const Insn *i, int j) {
    return i->k[j] == K_MEM || (i->k[j] == K_REG && zreg_is_gpr(d->zo[j].reg.value));
}

static int sel_muldiv(const DecodeCtx *d, Insn *i) {
    int mnem = d->zi->mnemonic;
    unsigned sz = i->osz;
    if (sz != 1 && sz != 2 && sz != 4 && sz != 8) return 0;
    if (d->nexp == 1) {
        int row = mnem == ZYDIS_MNEMONIC_MUL    ? 0
                  : mnem == ZYDIS_MNEMONIC_IMUL ? 1
                  : mnem == ZYDIS_MNEMONIC_DIV  ? 2
                                                : 3;
        if (!reg_ok(d, i, 0)) return 0;
        i->fn = (i->flags & I_LOCK) ? op_lock_ud : onearg_tab[row][i->k[0] == K_MEM][size_idx(sz)];
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
    i->fn = (i->flags & I_LOCK) ? op_lock_ud : imul_tab[form][size_idx(sz) - 1];
    return 1;
}

FAMILY_TABLE(muldiv_ops) = {
    {ZYDIS_MNEMONIC_MUL, 0, sel_muldiv, "muldiv"},
    {ZYDIS_MNEMONIC_IMUL, 0, sel_muldiv, "muldiv"},
    {ZYDIS_MNEMONIC_DIV, 0, sel_muldiv, "muldiv"},
    {ZYDIS_MNEMONIC_IDIV, 0, sel_muldiv, "muldiv"},
    {0},
};
