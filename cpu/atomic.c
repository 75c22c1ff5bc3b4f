/* Exchange and compare-exchange: XCHG (every form but the 0x90 NOP), XADD,
 * CMPXCHG, CMPXCHG8B/16B. One guest CPU runs at a time (syscall/thread.c),
 * so a read-modify-write through mem_rd/mem_wr is atomic among guest
 * threads; the memory forms of XCHG, XADD and CMPXCHG are host atomics on
 * the guest word as well when the write TLB maps it (aligned, within one
 * page), so they stay atomic against the host kernel, which changes futex
 * words on its own (FUTEX_LOCK_PI sets FUTEX_WAITERS while its caller
 * waits). LOCK is accepted on memory forms (Zydis rejects it on register
 * forms, which then raise #UD).
 *
 * Every memory form reads, then writes (faulting before any register
 * changes), then updates registers: the instruction restarts after a fault.
 * Register-destination behaviours checked against the host CPU: CMPXCHG r32
 * on failure loads EAX (zero-extending RAX) and leaves the destination
 * register untouched (no zero-extension); on success RAX is untouched. */
#include "insn.h"

#define ALWAYS static inline __attribute__((always_inline))

/* The host address of an aligned, writable guest word the write TLB maps,
 * or NULL (then the plain read-then-write path runs: faults, code pages,
 * a debugger's write hook). */
ALWAYS void *rmw_host(Cpu *c, uint64_t ea, unsigned size) {
    const TlbEnt *e = &c->tlb_w[TLB_IDX(ea)];
    if (likely(e->tag == (ea & PAGE_MASK) && (ea & (size - 1)) == 0))
        return (void *)(uintptr_t)(ea + e->addend);
    return NULL;
}

/* Host atomics of each size: the old value. */
ALWAYS uint64_t host_xchg(void *h, unsigned size, uint64_t v) {
    switch (size) {
    case 1: return __atomic_exchange_n((uint8_t *)h, (uint8_t)v, __ATOMIC_SEQ_CST);
    case 2: return __atomic_exchange_n((uint16_t *)h, (uint16_t)v, __ATOMIC_SEQ_CST);
    case 4: return __atomic_exchange_n((uint32_t *)h, (uint32_t)v, __ATOMIC_SEQ_CST);
    default: return __atomic_exchange_n((uint64_t *)h, v, __ATOMIC_SEQ_CST);
    }
}
ALWAYS uint64_t host_xadd(void *h, unsigned size, uint64_t v) {
    switch (size) {
    case 1: return __atomic_fetch_add((uint8_t *)h, (uint8_t)v, __ATOMIC_SEQ_CST);
    case 2: return __atomic_fetch_add((uint16_t *)h, (uint16_t)v, __ATOMIC_SEQ_CST);
    case 4: return __atomic_fetch_add((uint32_t *)h, (uint32_t)v, __ATOMIC_SEQ_CST);
    default: return __atomic_fetch_add((uint64_t *)h, v, __ATOMIC_SEQ_CST);
    }
}
/* Compare-exchange: the old value (equal to cmp when it stored v). */
ALWAYS uint64_t host_cmpxchg(void *h, unsigned size, uint64_t cmp, uint64_t v) {
    switch (size) {
    case 1: {
        uint8_t e = (uint8_t)cmp;
        __atomic_compare_exchange_n((uint8_t *)h, &e, (uint8_t)v, 0, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST);
        return e;
    }
    case 2: {
        uint16_t e = (uint16_t)cmp;
        __atomic_compare_exchange_n((uint16_t *)h, &e, (uint16_t)v, 0, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST);
        return e;
    }
    case 4: {
        uint32_t e = (uint32_t)cmp;
        __atomic_compare_exchange_n((uint32_t *)h, &e, (uint32_t)v, 0, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST);
        return e;
    }
    default: {
        uint64_t e = cmp;
        __atomic_compare_exchange_n((uint64_t *)h, &e, v, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return e;
    }
    }
}

/* ---- XCHG ---- */

ALWAYS void xchg_rr(Cpu *c, const Insn *i, unsigned size) {
    uint64_t a = reg_get(c, i->r[0], size), b = reg_get(c, i->r[1], size);
    reg_set(c, i->r[0], size, b); /* same register twice (87 C0): still zero-extends */
    reg_set(c, i->r[1], size, a);
}

ALWAYS void xchg_mr(Cpu *c, const Insn *i, unsigned size) {
    uint64_t ea = insn_ea(c, i);
    void *h = rmw_host(c, ea, size);
    if (h) {
        reg_set(c, i->r[1], size, host_xchg(h, size, reg_get(c, i->r[1], size)));
        return;
    }
    uint64_t m = mem_rd(c, ea, size);
    mem_wr(c, ea, size, reg_get(c, i->r[1], size));
    reg_set(c, i->r[1], size, m);
}

/* ---- XADD: TEMP = SRC + DEST; SRC = DEST; DEST = TEMP (in that order) ---- */

ALWAYS void xadd_rr(Cpu *c, const Insn *i, unsigned size) {
    uint64_t a = reg_get(c, i->r[0], size), b = reg_get(c, i->r[1], size);
    uint64_t t = a + b;
    reg_set(c, i->r[1], size, a);
    reg_set(c, i->r[0], size, t);
    lf_set(c, LF_ADD, size, t, a, b);
}

ALWAYS void xadd_mr(Cpu *c, const Insn *i, unsigned size) {
    uint64_t ea = insn_ea(c, i);
    void *h = rmw_host(c, ea, size);
    uint64_t a, b = reg_get(c, i->r[1], size);
    if (h) {
        a = host_xadd(h, size, b);
    } else {
        a = mem_rd(c, ea, size);
        mem_wr(c, ea, size, a + b);
    }
    uint64_t t = a + b;
    reg_set(c, i->r[1], size, a);
    lf_set(c, LF_ADD, size, t, a, b);
}

/* ---- CMPXCHG: flags of CMP accumulator, DEST ---- */

ALWAYS void cmpxchg_rr(Cpu *c, const Insn *i, unsigned size) {
    uint64_t acc = reg_get(c, GPR_OFF(RAX), size), dst = reg_get(c, i->r[0], size);
    lf_set(c, LF_SUB, size, acc - dst, acc, dst);
    if (acc == dst)
        reg_set(c, i->r[0], size, reg_get(c, i->r[1], size));
    else
        reg_set(c, GPR_OFF(RAX), size, dst);
}

/* Memory destination: written in both cases (the old value on failure), so a
 * read-only page faults whatever the comparison. */
ALWAYS void cmpxchg_mr(Cpu *c, const Insn *i, unsigned size) {
    uint64_t ea = insn_ea(c, i);
    uint64_t acc = reg_get(c, GPR_OFF(RAX), size), dst;
    void *h = rmw_host(c, ea, size);
    if (h) {
        dst = host_cmpxchg(h, size, acc, reg_get(c, i->r[1], size));
    } else {
        dst = mem_rd(c, ea, size);
        mem_wr(c, ea, size, acc == dst ? reg_get(c, i->r[1], size) : dst);
    }
    int eq = acc == dst;
    if (!eq) reg_set(c, GPR_OFF(RAX), size, dst);
    lf_set(c, LF_SUB, size, acc - dst, acc, dst);
}

#define GEN(sz)                                                                                    \
    static void op_xchg_rr##sz(Cpu *c, const Insn *i) { xchg_rr(c, i, sz); }                       \
    static void op_xchg_mr##sz(Cpu *c, const Insn *i) { xchg_mr(c, i, sz); }                       \
    static void op_xadd_rr##sz(Cpu *c, const Insn *i) { xadd_rr(c, i, sz); }                       \
    static void op_xadd_mr##sz(Cpu *c, const Insn *i) { xadd_mr(c, i, sz); }                       \
    static void op_cmpxchg_rr##sz(Cpu *c, const Insn *i) { cmpxchg_rr(c, i, sz); }                 \
    static void op_cmpxchg_mr##sz(Cpu *c, const Insn *i) { cmpxchg_mr(c, i, sz); }
GEN(1)
GEN(2)
GEN(4)
GEN(8)

/* [0: register destination, 1: memory][size index] */
/* clang-format off */
#define TAB(op)                                                                                    \
    {{op_##op##_rr1, op_##op##_rr2, op_##op##_rr4, op_##op##_rr8},                                 \
     {op_##op##_mr1, op_##op##_mr2, op_##op##_mr4, op_##op##_mr8}}
/* clang-format on */
static const Handler xchg_tab[2][4] = TAB(xchg);
static const Handler xadd_tab[2][4] = TAB(xadd);
static const Handler cmpxchg_tab[2][4] = TAB(cmpxchg);

/* ---- CMPXCHG8B / CMPXCHG16B: only ZF changes ---- */

static void op_cmpxchg8b(Cpu *c, const Insn *i) {
    uint64_t ea = insn_ea(c, i);
    uint64_t m = mem_rd64(c, ea);
    uint64_t cmp = (uint32_t)c->gpr[RAX] | (c->gpr[RDX] << 32);
    int eq = m == cmp;
    mem_wr64(c, ea, eq ? ((uint32_t)c->gpr[RBX] | (c->gpr[RCX] << 32)) : m);
    if (!eq) {
        c->gpr[RAX] = (uint32_t)m; /* 32-bit writes: zero-extended (as the host does) */
        c->gpr[RDX] = m >> 32;
    }
    flags_put(c, F_ZF, eq ? F_ZF : 0);
}

static void op_cmpxchg16b(Cpu *c, const Insn *i) {
    uint64_t ea = insn_ea(c, i);
    if (ea & 15) {
        /* a non-canonical address faults as such first (#SS for stack bases) */
        if (!mem_canonical(ea)) (void)mem_rd8(c, ea);
        GP0(c);
    }
    Xmm m;
    mem_rd128(c, ea, &m);
    int eq = m.q[0] == c->gpr[RAX] && m.q[1] == c->gpr[RDX];
    if (eq) {
        Xmm n;
        n.q[0] = c->gpr[RBX];
        n.q[1] = c->gpr[RCX];
        mem_wr128(c, ea, &n);
    } else {
        mem_wr128(c, ea, &m);
        c->gpr[RAX] = m.q[0];
        c->gpr[RDX] = m.q[1];
    }
    flags_put(c, F_ZF, eq ? F_ZF : 0);
}

static void op_ud(Cpu *c, const Insn *i) { UD(c); }

/* ---- selectors ---- */

static int sz_ok(unsigned s) { return s == 1 || s == 2 || s == 4 || s == 8; }

/* r/m, reg forms. LOCK with a register destination is #UD (Zydis normally
 * refuses to decode it already). */
static int sel_rm_r(const DecodeCtx *d, Insn *i, const Handler tab[2][4]) {
    if (!sz_ok(i->osz) || i->k[1] != K_REG) return 0;
    if (i->k[0] == K_MEM) {
        i->fn = tab[1][size_idx(i->osz)];
        return 1;
    }
    if (i->k[0] != K_REG) return 0;
    i->fn = (i->flags & I_LOCK) ? op_ud : tab[0][size_idx(i->osz)];
    return 1;
}

static int sel_xchg(const DecodeCtx *d, Insn *i) {
    /* Zydis puts the r/m operand first; accept reg, mem too. */
    if (i->k[0] == K_REG && i->k[1] == K_MEM) {
        i->r[1] = i->r[0];
        i->k[0] = K_MEM;
        i->k[1] = K_REG;
    }
    return sel_rm_r(d, i, xchg_tab);
}
static int sel_xadd(const DecodeCtx *d, Insn *i) { return sel_rm_r(d, i, xadd_tab); }
static int sel_cmpxchg(const DecodeCtx *d, Insn *i) { return sel_rm_r(d, i, cmpxchg_tab); }

static int sel_cmpxchg8b(const DecodeCtx *d, Insn *i) {
    i->fn = i->k[0] == K_MEM ? op_cmpxchg8b : op_ud;
    return 1;
}
static int sel_cmpxchg16b(const DecodeCtx *d, Insn *i) {
    i->fn = i->k[0] == K_MEM ? op_cmpxchg16b : op_ud;
    return 1;
}

FAMILY_TABLE(atomic_ops) = {
    {ZYDIS_MNEMONIC_XCHG, 0, sel_xchg, "atomic"},
    {ZYDIS_MNEMONIC_XADD, 0, sel_xadd, "atomic"},
    {ZYDIS_MNEMONIC_CMPXCHG, 0, sel_cmpxchg, "atomic"},
    {ZYDIS_MNEMONIC_CMPXCHG8B, 0, sel_cmpxchg8b, "atomic"},
    {ZYDIS_MNEMONIC_CMPXCHG16B, 0, sel_cmpxchg16b, "atomic"},
    {0},
};
