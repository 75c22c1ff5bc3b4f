/* Lazy arithmetic flags: handlers record (op, size, result, operands); the
 * six arithmetic flags are derived here only when something reads them. */
#include "insn.h"

int parity8(uint64_t v) { return !__builtin_parity((unsigned)(v & 0xff)); }

static inline uint64_t msk(const LazyFlags *f) { return size_mask(f->size); }
static inline uint64_t sbit(const LazyFlags *f) { return sign_bit(f->size); }

static int lf_cf(const LazyFlags *f) {
    uint64_t m = msk(f), r = f->res & m, a = f->a & m, b = f->b & m;
    switch (f->op) {
    case LF_ADD: return r < a;
    case LF_ADC: return f->cin ? r <= a : r < a;
    case LF_SUB: return a < b;
    case LF_SBB: return f->cin ? a <= b : a < b;
    case LF_LOGIC: return 0;
    case LF_INC:
    case LF_DEC: return f->cin;
    case LF_NEG: return r != 0;
    }
    return 0;
}

static int lf_of(const LazyFlags *f) {
    uint64_t s = sbit(f), r = f->res, a = f->a, b = f->b;
    switch (f->op) {
    case LF_ADD:
    case LF_ADC: return !!(((a ^ r) & (b ^ r)) & s);
    case LF_SUB:
    case LF_SBB: return !!(((a ^ b) & (a ^ r)) & s);
    case LF_LOGIC: return 0;
    case LF_INC: return (r & msk(f)) == s;
    case LF_DEC: return (r & msk(f)) == s - 1;
    case LF_NEG: return (r & msk(f)) == s;
    }
    return 0;
}

static int lf_af(const LazyFlags *f) {
    switch (f->op) {
    case LF_LOGIC: return 0;
    case LF_INC: return (f->res & 0xf) == 0;
    case LF_DEC: return (f->res & 0xf) == 0xf;
    case LF_NEG: return (f->res & 0xf) != 0;
    default: return !!((f->a ^ f->b ^ f->res) & 0x10);
    }
}

void flags_sync(Cpu *c) {
    const LazyFlags *f = &c->lf;
    if (f->op == LF_NONE) return;
    uint64_t r = f->res & msk(f);
    uint64_t v = 0;
    if (lf_cf(f)) v |= F_CF;
    if (parity8(r)) v |= F_PF;
    if (lf_af(f)) v |= F_AF;
    if (r == 0) v |= F_ZF;
    if (r & sbit(f)) v |= F_SF;
    if (lf_of(f)) v |= F_OF;
    c->rflags = (c->rflags & ~(uint64_t)F_ARITH) | v;
    c->lf.op = LF_NONE;
}

int flag_cf(Cpu *c) { return c->lf.op == LF_NONE ? (int)(c->rflags & F_CF) : lf_cf(&c->lf); }
int flag_of(Cpu *c) { return c->lf.op == LF_NONE ? !!(c->rflags & F_OF) : lf_of(&c->lf); }
int flag_pf(Cpu *c) { return c->lf.op == LF_NONE ? !!(c->rflags & F_PF) : parity8(c->lf.res); }

int cond_eval(Cpu *c, unsigned cc) {
    int r;
    switch (cc >> 1) {
    case 0: r = cc_o(c); break;
    case 1: r = cc_b(c); break;
    case 2: r = cc_z(c); break;
    case 3: r = cc_be(c); break;
    case 4: r = cc_s(c); break;
    case 5: r = cc_p(c); break;
    case 6: r = cc_l(c); break;
    default: r = cc_le(c); break;
    }
    return r ^ (cc & 1);
}

uint64_t cpu_get_rflags(Cpu *c) {
    flags_sync(c);
    return c->rflags;
}

void cpu_set_rflags(Cpu *c, uint64_t v) {
    c->lf.op = LF_NONE;
    c->rflags = (v & 0x3f7fd7ull) | 2;
}
