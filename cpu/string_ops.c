/* String instructions: MOVS STOS LODS CMPS SCAS (and INS/OUTS, which only
 * fault: there is no port I/O model) in all element sizes, with REP / REPE /
 * REPNE, both directions, 64/32/16-bit address sizes and a source segment
 * override.
 *
 * Insn fields used: osz = element size; asz = address size (RSI/RDI/RCX
 * width); seg = segment whose base is added to the source (SEG_NONE in 64-bit
 * mode unless FS/GS); aux2 = the destination's (SEG_NONE in 64-bit mode,
 * SEG_ES otherwise: ES:rDI never takes an override).
 *
 * Repeated forms keep RCX/RSI/RDI architecturally exact at every iteration
 * boundary, so a fault (which longjmps out) leaves the state of the
 * iterations completed and the instruction restarts from there. Forward and
 * backward REP MOVS/STOS copy whole page-bounded runs at once (through the
 * TLB's host pointers, or a bounce buffer on a TLB miss / code page), cut so
 * that an overlapping copy behaves as the element-by-element definition. */
#include "insn.h"

#define ALWAYS static inline __attribute__((always_inline))

/* ---- address-size plumbing (a64: 64-bit addressing, a constant) ---- */

ALWAYS uint64_t s_get(Cpu *c, int a64, unsigned asz, int r) {
    return a64 ? c->gpr[r] : c->gpr[r] & size_mask(asz);
}

/* 32-bit address size writes zero-extend; 16-bit writes merge. */
ALWAYS void s_put(Cpu *c, int a64, unsigned asz, int r, uint64_t v) {
    if (a64)
        c->gpr[r] = v;
    else if (asz == 4)
        c->gpr[r] = (uint32_t)v;
    else
        c->gpr[r] = (c->gpr[r] & ~0xffffull) | (uint16_t)v;
}

/* Linear address of offset `off` in segment `seg`. In 64-bit mode a 32-bit
 * offset is zero-extended and the (FS/GS) base added in 64 bits; outside it
 * the sum wraps at 4 GiB. */
ALWAYS uint64_t s_lin(Cpu *c, int a64, unsigned asz, unsigned seg, uint64_t off) {
    if (a64) return c->segbase[seg] + off;
    uint64_t lin = c->segbase[seg] + (off & size_mask(asz));
    return c->mode == MODE_64 ? lin : (uint32_t)lin;
}

ALWAYS int64_t s_delta(Cpu *c, unsigned size) {
    return (c->rflags & F_DF) ? -(int64_t)size : (int64_t)size;
}

/* Intel zero-extends these registers when a 32-bit address size REP starts,
 * before any iteration (so also with ECX = 0 or a fault in the first one):
 * RCX always, plus RSI/RDI for MOVS and RDI for STOS; LODS, CMPS and SCAS
 * leave the pointers alone until they advance them. AMD (Zen 1, Zen 5) does
 * not: a register changes (and loses its upper half) only when an iteration
 * writes it, so ECX = 0 leaves RCX/RSI/RDI whole ("z" = 0 below). */
static void rep_a32_start(Cpu *c, unsigned asz, int si, int di) {
    if (asz != 4) return;
    c->gpr[RCX] = (uint32_t)c->gpr[RCX];
    if (si) c->gpr[RSI] = (uint32_t)c->gpr[RSI];
    if (di) c->gpr[RDI] = (uint32_t)c->gpr[RDI];
}

/* ---- single elements ---- */

ALWAYS void movs_one(Cpu *c, const Insn *i, unsigned size, int a64, int64_t d) {
    unsigned asz = i->asz;
    uint64_t si = s_get(c, a64, asz, RSI), di = s_get(c, a64, asz, RDI);
    uint64_t v = mem_rd(c, s_lin(c, a64, asz, i->seg, si), size);
    mem_wr(c, s_lin(c, a64, asz, i->aux2, di), size, v);
    s_put(c, a64, asz, RSI, si + d);
    s_put(c, a64, asz, RDI, di + d);
}

ALWAYS void stos_one(Cpu *c, const Insn *i, unsigned size, int a64, int64_t d) {
    unsigned asz = i->asz;
    uint64_t di = s_get(c, a64, asz, RDI);
    mem_wr(c, s_lin(c, a64, asz, i->aux2, di), size, c->gpr[RAX]);
    s_put(c, a64, asz, RDI, di + d);
}

ALWAYS void lods_one(Cpu *c, const Insn *i, unsigned size, int a64, int64_t d) {
    unsigned asz = i->asz;
    uint64_t si = s_get(c, a64, asz, RSI);
    uint64_t v = mem_rd(c, s_lin(c, a64, asz, i->seg, si), size);
    reg_set(c, GPR_OFF(RAX), size, v);
    s_put(c, a64, asz, RSI, si + d);
}

/* CMPS compares [rSI] with [rDI]; SCAS rAX with [rDI]. They return the
 * operands of the subtraction; the caller records the flags. */
ALWAYS void cmps_one(Cpu *c, const Insn *i, unsigned size, int a64, int64_t d, uint64_t *a,
                     uint64_t *b) {
    unsigned asz = i->asz;
    uint64_t si = s_get(c, a64, asz, RSI), di = s_get(c, a64, asz, RDI);
    *a = mem_rd(c, s_lin(c, a64, asz, i->seg, si), size);
    *b = mem_rd(c, s_lin(c, a64, asz, i->aux2, di), size);
    s_put(c, a64, asz, RSI, si + d);
    s_put(c, a64, asz, RDI, di + d);
}

ALWAYS void scas_one(Cpu *c, const Insn *i, unsigned size, int a64, int64_t d, uint64_t *a,
                     uint64_t *b) {
    unsigned asz = i->asz;
    uint64_t di = s_get(c, a64, asz, RDI);
    *b = mem_rd(c, s_lin(c, a64, asz, i->aux2, di), size);
    *a = c->gpr[RAX] & size_mask(size);
    s_put(c, a64, asz, RDI, di + d);
}

/* ---- runs of whole pages for REP MOVS / STOS ---- */

/* Elements of `size` starting at linear a (going up, or down when back) that
 * lie wholly in a's page; 0 when the first one straddles a page boundary. */
static inline uint64_t page_elems(uint64_t a, unsigned size, int back) {
    unsigned off = (unsigned)(a & (PAGE_SIZE - 1));
    if (off + size > PAGE_SIZE) return 0;
    return back ? off / size + 1 : (PAGE_SIZE - off) / size;
}

/* Elements before a 16/32-bit offset register wraps. */
static inline uint64_t wrap_elems(uint64_t off, unsigned asz, unsigned size, int back) {
    uint64_t m = size_mask(asz);
    off &= m;
    return back ? off / size + 1 : (m - off) / size + 1;
}

static inline uint64_t min64(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* Host pointer for a page in the TLB, or NULL. */
static inline uint8_t *tlb_host(const TlbEnt *set, uint64_t a) {
    const TlbEnt *e = &set[TLB_IDX(a)];
    return e->tag == (a & PAGE_MASK) ? (uint8_t *)(uintptr_t)(a + e->addend) : NULL;
}

/* Copy n bytes within one source page and one destination page, which are
 * either disjoint or overlap harmlessly (see movs_run). `first_s`/`first_d`
 * are the addresses the first element accesses, so a fault reports the
 * address the CPU would. */
static void copy_run(Cpu *c, uint64_t dlo, uint64_t slo, unsigned n, uint64_t first_s,
                     uint64_t first_d) {
    uint8_t *hs = tlb_host(c->tlb_r, slo), *hd = tlb_host(c->tlb_w, dlo);
    if (likely(hs && hd)) {
        memmove(hd, hs, n);
        return;
    }
    uint8_t buf[PAGE_SIZE];
    if (first_s != slo) (void)mem_rd8(c, first_s);
    cpu_rd_bytes(c, slo, buf, n);
    if (first_d != dlo) cpu_probe_w(c, first_d, 1);
    cpu_wr_bytes(c, dlo, buf, n); /* code pages: the access layer handles SMC */
}

static void fill_run(Cpu *c, uint64_t dlo, unsigned n, unsigned size, uint64_t v,
                     uint64_t first_d) {
    uint8_t *hd = tlb_host(c->tlb_w, dlo);
    uint8_t buf[PAGE_SIZE];
    uint8_t *p = hd ? hd : buf;
    if (size == 1) {
        memset(p, (int)(uint8_t)v, n);
    } else { /* one element, then double the filled prefix */
        memcpy(p, &v, size);
        for (unsigned done = size; done < n;) {
            unsigned k = done < n - done ? done : n - done;
            memcpy(p + done, p, k);
            done += k;
        }
    }
    if (likely(hd)) return;
    if (first_d != dlo) cpu_probe_w(c, first_d, 1);
    cpu_wr_bytes(c, dlo, buf, n);
}

/* REP MOVS with count cx > 0. Each run is bounded by both pages, the count
 * and (16/32-bit addressing) register wrap-around. When the destination lies
 * ahead of the source in the copy direction by less than the run, the run is
 * cut to that distance: the element-by-element definition re-reads what it
 * has just written, and a run never reads bytes it writes. */
static void movs_run(Cpu *c, const Insn *i, unsigned size, int a64, uint64_t cx) {
    const unsigned asz = i->asz;
    const int back = (c->rflags & F_DF) != 0;
    const int64_t d = back ? -(int64_t)size : (int64_t)size;
    while (cx) {
        uint64_t si = s_get(c, a64, asz, RSI), di = s_get(c, a64, asz, RDI);
        uint64_t sa = s_lin(c, a64, asz, i->seg, si), da = s_lin(c, a64, asz, i->aux2, di);
        uint64_t n = min64(min64(page_elems(sa, size, back), page_elems(da, size, back)), cx);
        if (!a64)
            n = min64(n, min64(wrap_elems(si, asz, size, back), wrap_elems(di, asz, size, back)));
        uint64_t dist = back ? sa - da : da - sa;
        if (dist && dist < n * size) n = dist / size;
        if (n <= 1) {
            if (a64)
                movs_one(c, i, size, 1, d);
            else
                movs_one(c, i, size, 0, d);
            s_put(c, a64, asz, RCX, --cx);
            continue;
        }
        uint64_t bytes = n * size, span = bytes - size;
        copy_run(c, back ? da - span : da, back ? sa - span : sa, (unsigned)bytes, sa, da);
        int64_t step = back ? -(int64_t)bytes : (int64_t)bytes;
        cx -= n;
        s_put(c, a64, asz, RSI, si + step);
        s_put(c, a64, asz, RDI, di + step);
        s_put(c, a64, asz, RCX, cx);
    }
}

static void stos_run(Cpu *c, const Insn *i, unsigned size, int a64, uint64_t cx) {
    const unsigned asz = i->asz;
    const int back = (c->rflags & F_DF) != 0;
    const uint64_t v = c->gpr[RAX];
    while (cx) {
        uint64_t di = s_get(c, a64, asz, RDI);
        uint64_t da = s_lin(c, a64, asz, i->aux2, di);
        uint64_t n = min64(page_elems(da, size, back), cx);
        if (!a64) n = min64(n, wrap_elems(di, asz, size, back));
        if (n <= 1) {
            int64_t d = back ? -(int64_t)size : (int64_t)size;
            mem_wr(c, da, size, v);
            s_put(c, a64, asz, RDI, di + d);
            s_put(c, a64, asz, RCX, --cx);
            continue;
        }
        uint64_t bytes = n * size, span = bytes - size;
        fill_run(c, back ? da - span : da, (unsigned)bytes, size, v, da);
        cx -= n;
        s_put(c, a64, asz, RDI, di + (back ? -(int64_t)bytes : (int64_t)bytes));
        s_put(c, a64, asz, RCX, cx);
    }
}

/* ---- handlers ---- */

ALWAYS void rep_movs(Cpu *c, const Insn *i, unsigned size, int a64, int z) {
    if (!a64 && z) rep_a32_start(c, i->asz, 1, 1);
    uint64_t cx = s_get(c, a64, i->asz, RCX);
    if (likely(cx)) movs_run(c, i, size, a64, cx);
}

ALWAYS void rep_stos(Cpu *c, const Insn *i, unsigned size, int a64, int z) {
    if (!a64 && z) rep_a32_start(c, i->asz, 0, 1);
    uint64_t cx = s_get(c, a64, i->asz, RCX);
    if (likely(cx)) stos_run(c, i, size, a64, cx);
}

ALWAYS void rep_lods(Cpu *c, const Insn *i, unsigned size, int a64, int z) {
    if (!a64 && z) rep_a32_start(c, i->asz, 0, 0);
    uint64_t cx = s_get(c, a64, i->asz, RCX);
    int64_t d = s_delta(c, size);
    while (cx) {
        lods_one(c, i, size, a64, d);
        s_put(c, a64, i->asz, RCX, --cx);
    }
}

/* ---- REPE / REPNE CMPS and SCAS ---- */

ALWAYS uint64_t ld_el(const uint8_t *p, unsigned size) {
    uint64_t v = 0;
    memcpy(&v, p, size);
    return v;
}

/* Compare up to n elements (s: source, NULL for SCAS which uses acc; d:
 * destination; step = +-size) until ZF stops matching want_eq. Returns the
 * number of elements done and the last pair compared. */
ALWAYS uint64_t scan_run(const uint8_t *s, const uint8_t *d, uint64_t n, unsigned size,
                         int64_t step, int want_eq, uint64_t acc, uint64_t *a, uint64_t *b) {
    if (!s && size == 1 && !want_eq && step > 0) { /* REPNE SCASB up: strlen-style */
        const uint8_t *hit = memchr(d, (int)(uint8_t)acc, n);
        uint64_t k = hit ? (uint64_t)(hit - d) + 1 : n;
        *a = (uint8_t)acc;
        *b = d[k - 1];
        return k;
    }
    uint64_t k = 0;
    if (want_eq && step > 0) { /* REPE up (memcmp-style): skip equal 8-byte blocks */
        uint64_t pat = acc;
        for (unsigned w = size; w < 8; w *= 2)
            pat |= pat << (w * 8);
        while ((k + 8 / size) < n) {
            uint64_t x = s ? ld_el(s, 8) : pat;
            if (x != ld_el(d, 8)) break;
            k += 8 / size;
            if (s) s += 8;
            d += 8;
        }
    }
    for (;;) {
        uint64_t x = s ? ld_el(s, size) : acc, y = ld_el(d, size);
        k++;
        if (k == n || (x == y) != want_eq) {
            *a = x;
            *b = y;
            return k;
        }
        if (s) s += step;
        d += step;
    }
}

/* Bring a run of `bytes` at lo (first element at `first`) into view: the
 * host page through the TLB, or a copy in buf (which faults like the first
 * element's access would). Returns a pointer to the first element. */
static const uint8_t *view_run(Cpu *c, uint64_t lo, uint64_t first, unsigned bytes, uint8_t *buf) {
    uint8_t *h = tlb_host(c->tlb_r, lo);
    if (h) return h + (first - lo);
    if (first != lo) (void)mem_rd8(c, first);
    cpu_rd_bytes(c, lo, buf, bytes);
    return buf + (first - lo);
}

/* REPE (want_eq = 1) / REPNE (want_eq = 0) CMPS and SCAS: RCX is decremented
 * after each compare, then the loop stops when ZF no longer matches. Runs of
 * elements within one source and one destination page are compared in host
 * memory; registers are updated after each run. The flags are recorded only
 * when the loop ends: on a fault part-way Intel shows the flags from
 * before the instruction. */
static void cmp_rep_run(Cpu *c, const Insn *i, unsigned size, int a64, int want_eq, int scas) {
    const unsigned asz = i->asz;
    const int back = (c->rflags & F_DF) != 0;
    const int64_t d = back ? -(int64_t)size : (int64_t)size;
    const uint64_t acc = c->gpr[RAX] & size_mask(size);
    uint64_t cx = s_get(c, a64, asz, RCX);
    uint64_t a = 0, b = 0;
    enum { BOUNCE = 256 }; /* bytes copied per run when the TLB misses */
    uint8_t bs[BOUNCE], bd[BOUNCE];
    /* AMD writes RFLAGS at every iteration: a fault in a later one leaves
     * the flags of the last compare done (Intel leaves them unchanged). */
    const int amd = c->vendor == CPU_AMD;
    int any = 0;
    while (cx) {
        if (amd && any) lf_set(c, LF_SUB, size, a - b, a, b);
        any = 1;
        uint64_t si = s_get(c, a64, asz, RSI), di = s_get(c, a64, asz, RDI);
        uint64_t sa = s_lin(c, a64, asz, i->seg, si), da = s_lin(c, a64, asz, i->aux2, di);
        uint64_t n = min64(page_elems(da, size, back), cx);
        if (!scas) n = min64(n, page_elems(sa, size, back));
        if (!a64) {
            n = min64(n, wrap_elems(di, asz, size, back));
            if (!scas) n = min64(n, wrap_elems(si, asz, size, back));
        }
        uint64_t done;
        if (n <= 1) {
            if (scas)
                scas_one(c, i, size, a64, d, &a, &b);
            else
                cmps_one(c, i, size, a64, d, &a, &b);
            s_put(c, a64, asz, RCX, --cx);
            if ((a == b) != want_eq) break;
            continue;
        }
        if (!tlb_host(c->tlb_r, da) || (!scas && !tlb_host(c->tlb_r, sa)))
            n = min64(n, BOUNCE / size);
        uint64_t span = (n - 1) * size;
        const uint8_t *ps = NULL;
        if (!scas) ps = view_run(c, back ? sa - span : sa, sa, (unsigned)(span + size), bs);
        const uint8_t *pd = view_run(c, back ? da - span : da, da, (unsigned)(span + size), bd);
        switch (size) { /* constant sizes for the inner loop */
        case 1: done = scan_run(ps, pd, n, 1, d, want_eq, acc, &a, &b); break;
        case 2: done = scan_run(ps, pd, n, 2, d, want_eq, acc, &a, &b); break;
        case 4: done = scan_run(ps, pd, n, 4, d, want_eq, acc, &a, &b); break;
        default: done = scan_run(ps, pd, n, 8, d, want_eq, acc, &a, &b); break;
        }
        cx -= done;
        if (!scas) s_put(c, a64, asz, RSI, si + (int64_t)done * d);
        s_put(c, a64, asz, RDI, di + (int64_t)done * d);
        s_put(c, a64, asz, RCX, cx);
        if ((a == b) != want_eq) break;
    }
    lf_set(c, LF_SUB, size, a - b, a, b);
}

ALWAYS void rep_cmp(Cpu *c, const Insn *i, unsigned size, int a64, int z, int want_eq, int scas) {
    if (!a64 && z) rep_a32_start(c, i->asz, 0, 0);
    if (s_get(c, a64, i->asz, RCX)) cmp_rep_run(c, i, size, a64, want_eq, scas);
}

ALWAYS void cmps_single(Cpu *c, const Insn *i, unsigned size, int a64) {
    uint64_t a, b;
    cmps_one(c, i, size, a64, s_delta(c, size), &a, &b);
    lf_set(c, LF_SUB, size, a - b, a, b);
}
ALWAYS void scas_single(Cpu *c, const Insn *i, unsigned size, int a64) {
    uint64_t a, b;
    scas_one(c, i, size, a64, s_delta(c, size), &a, &b);
    lf_set(c, LF_SUB, size, a - b, a, b);
}

/* One handler per (operation, repeat kind, addressing, element size). */
#define GEN_REP(sz, A, Z, tag)                                                                     \
    static void op_rep_movs##sz##tag(Cpu *c, const Insn *i) { rep_movs(c, i, sz, A, Z); }          \
    static void op_rep_stos##sz##tag(Cpu *c, const Insn *i) { rep_stos(c, i, sz, A, Z); }          \
    static void op_rep_lods##sz##tag(Cpu *c, const Insn *i) { rep_lods(c, i, sz, A, Z); }          \
    static void op_repe_cmps##sz##tag(Cpu *c, const Insn *i) { rep_cmp(c, i, sz, A, Z, 1, 0); }    \
    static void op_repne_cmps##sz##tag(Cpu *c, const Insn *i) { rep_cmp(c, i, sz, A, Z, 0, 0); }   \
    static void op_repe_scas##sz##tag(Cpu *c, const Insn *i) { rep_cmp(c, i, sz, A, Z, 1, 1); }    \
    static void op_repne_scas##sz##tag(Cpu *c, const Insn *i) { rep_cmp(c, i, sz, A, Z, 0, 1); }
#define GEN_SZ(sz, A, tag)                                                                         \
    static void op_movs##sz##tag(Cpu *c, const Insn *i) { movs_one(c, i, sz, A, s_delta(c, sz)); } \
    static void op_stos##sz##tag(Cpu *c, const Insn *i) { stos_one(c, i, sz, A, s_delta(c, sz)); } \
    static void op_lods##sz##tag(Cpu *c, const Insn *i) { lods_one(c, i, sz, A, s_delta(c, sz)); } \
    static void op_cmps##sz##tag(Cpu *c, const Insn *i) { cmps_single(c, i, sz, A); }              \
    static void op_scas##sz##tag(Cpu *c, const Insn *i) { scas_single(c, i, sz, A); }              \
    GEN_REP(sz, A, 1, tag)

#define GEN_A(A, tag) GEN_SZ(1, A, tag) GEN_SZ(2, A, tag) GEN_SZ(4, A, tag) GEN_SZ(8, A, tag)
GEN_A(1, _a64)
GEN_A(0, _ax)
/* AMD, 32/16-bit addressing: repeated forms without the start-time
 * zero-extension (the single forms are the _ax ones). */
#define GEN_AZ                                                                                     \
    GEN_REP(1, 0, 0, _az) GEN_REP(2, 0, 0, _az) GEN_REP(4, 0, 0, _az) GEN_REP(8, 0, 0, _az)
GEN_AZ
#define op_movs1_az op_movs1_ax
#define op_movs2_az op_movs2_ax
#define op_movs4_az op_movs4_ax
#define op_movs8_az op_movs8_ax
#define op_stos1_az op_stos1_ax
#define op_stos2_az op_stos2_ax
#define op_stos4_az op_stos4_ax
#define op_stos8_az op_stos8_ax
#define op_lods1_az op_lods1_ax
#define op_lods2_az op_lods2_ax
#define op_lods4_az op_lods4_ax
#define op_lods8_az op_lods8_ax
#define op_cmps1_az op_cmps1_ax
#define op_cmps2_az op_cmps2_ax
#define op_cmps4_az op_cmps4_ax
#define op_cmps8_az op_cmps8_ax
#define op_scas1_az op_scas1_ax
#define op_scas2_az op_scas2_ax
#define op_scas4_az op_scas4_ax
#define op_scas8_az op_scas8_ax

/* [repeat kind: 0 none, 1 REP/REPE, 2 REPNE]
 * [0: 64-bit addressing, 1: other (Intel), 2: other (AMD)][size index] */
/* clang-format off */
#define TAB(op, r)                                                                                 \
    {{op_##r##op##1_a64, op_##r##op##2_a64, op_##r##op##4_a64, op_##r##op##8_a64},                 \
     {op_##r##op##1_ax, op_##r##op##2_ax, op_##r##op##4_ax, op_##r##op##8_ax},                     \
     {op_##r##op##1_az, op_##r##op##2_az, op_##r##op##4_az, op_##r##op##8_az}}
/* clang-format on */
static const Handler movs_tab[3][3][4] = {TAB(movs, ), TAB(movs, rep_), TAB(movs, rep_)};
static const Handler stos_tab[3][3][4] = {TAB(stos, ), TAB(stos, rep_), TAB(stos, rep_)};
static const Handler lods_tab[3][3][4] = {TAB(lods, ), TAB(lods, rep_), TAB(lods, rep_)};
static const Handler cmps_tab[3][3][4] = {TAB(cmps, ), TAB(cmps, repe_), TAB(cmps, repne_)};
static const Handler scas_tab[3][3][4] = {TAB(scas, ), TAB(scas, repe_), TAB(scas, repne_)};

/* INS/OUTS: I/O-privilege check (CPL > IOPL: #GP(0); no TSS I/O bitmap is
 * modelled, so it denies as Linux's does without ioperm); there are no ports
 * to talk to beyond that. */
static void op_ins_outs(Cpu *c, const Insn *i) {
    if (c->cpl > ((c->rflags & F_IOPL) >> 12)) GP0(c);
    cpu_unimplemented(c, i, "port I/O");
}

/* ---- selectors ---- */

static uint8_t seg_of(ZydisRegister r) {
    switch (r) {
    case ZYDIS_REGISTER_ES: return SEG_ES;
    case ZYDIS_REGISTER_CS: return SEG_CS;
    case ZYDIS_REGISTER_SS: return SEG_SS;
    case ZYDIS_REGISTER_FS: return SEG_FS;
    case ZYDIS_REGISTER_GS: return SEG_GS;
    default: return SEG_DS;
    }
}

/* Common setup; returns the repeat kind (0 none, 1 REP/REPE, 2 REPNE) or -1
 * for a non-string instruction sharing the mnemonic (SSE MOVSD/CMPSD). The
 * memory operands are hidden in Zydis, so the source segment is taken from
 * the operand whose base is rSI. */
static int str_setup(const DecodeCtx *d, Insn *i, int cmp_kind) {
    const ZydisDecodedInstruction *zi = d->zi;
    if (zi->opcode_map != ZYDIS_OPCODE_MAP_DEFAULT) return -1;
    i->osz = (uint8_t)(zi->operand_width / 8);
    i->asz = (uint8_t)(zi->address_width / 8);
    if (i->osz != 1 && i->osz != 2 && i->osz != 4 && i->osz != 8) return -1;
    if (i->asz != 2 && i->asz != 4 && i->asz != 8) return -1;
    uint8_t src = SEG_DS;
    for (int j = 0; j < zi->operand_count; j++) {
        const ZydisDecodedOperand *o = &d->zo[j];
        if (o->type == ZYDIS_OPERAND_TYPE_MEMORY &&
            (o->mem.base == ZYDIS_REGISTER_RSI || o->mem.base == ZYDIS_REGISTER_ESI ||
             o->mem.base == ZYDIS_REGISTER_SI))
            src = seg_of(o->mem.segment);
    }
    i->mseg = src;
    if (d->mode == MODE_64) {
        i->seg = (src == SEG_FS || src == SEG_GS) ? src : SEG_NONE;
        i->aux2 = SEG_NONE;
    } else {
        i->seg = src;
        i->aux2 = SEG_ES;
    }
    /* Zydis resolves F2/F3 (the last one wins, as on the CPU). MOVS/STOS/LODS
     * repeat under either. */
    uint64_t at = zi->attributes;
    if (cmp_kind) {
        if (at & ZYDIS_ATTRIB_HAS_REPNE) return 2;
        if (at & (ZYDIS_ATTRIB_HAS_REPE | ZYDIS_ATTRIB_HAS_REP)) return 1;
        return 0;
    }
    return (at & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE | ZYDIS_ATTRIB_HAS_REPNE)) ? 1 : 0;
}

#define SEL(name, tab, cmpk)                                                                       \
    static int sel_##name(const DecodeCtx *d, Insn *i) {                                           \
        int rk = str_setup(d, i, cmpk);                                                            \
        if (rk < 0) return 0;                                                                      \
        int at = i->asz == 8 ? 0 : d->cpu->vendor == CPU_AMD ? 2 : 1;                              \
        i->fn = tab[rk][at][size_idx(i->osz)];                                                     \
        return 1;                                                                                  \
    }
SEL(movs, movs_tab, 0)
SEL(stos, stos_tab, 0)
SEL(lods, lods_tab, 0)
SEL(cmps, cmps_tab, 1)
SEL(scas, scas_tab, 1)

static int sel_ins_outs(const DecodeCtx *d, Insn *i) {
    if (str_setup(d, i, 0) < 0) return 0;
    i->fn = op_ins_outs;
    return 1;
}

FAMILY_TABLE(string_ops) = {
    {ZYDIS_MNEMONIC_MOVSB, 0, sel_movs, "string"},
    {ZYDIS_MNEMONIC_MOVSW, 0, sel_movs, "string"},
    {ZYDIS_MNEMONIC_MOVSD, 0, sel_movs, "string"}, /* shares the mnemonic with SSE2 MOVSD */
    {ZYDIS_MNEMONIC_MOVSQ, 0, sel_movs, "string"},
    {ZYDIS_MNEMONIC_STOSB, 0, sel_stos, "string"},
    {ZYDIS_MNEMONIC_STOSW, 0, sel_stos, "string"},
    {ZYDIS_MNEMONIC_STOSD, 0, sel_stos, "string"},
    {ZYDIS_MNEMONIC_STOSQ, 0, sel_stos, "string"},
    {ZYDIS_MNEMONIC_LODSB, 0, sel_lods, "string"},
    {ZYDIS_MNEMONIC_LODSW, 0, sel_lods, "string"},
    {ZYDIS_MNEMONIC_LODSD, 0, sel_lods, "string"},
    {ZYDIS_MNEMONIC_LODSQ, 0, sel_lods, "string"},
    {ZYDIS_MNEMONIC_CMPSB, 0, sel_cmps, "string"},
    {ZYDIS_MNEMONIC_CMPSW, 0, sel_cmps, "string"},
    {ZYDIS_MNEMONIC_CMPSD, 0, sel_cmps, "string"}, /* shares the mnemonic with SSE2 CMPSD */
    {ZYDIS_MNEMONIC_CMPSQ, 0, sel_cmps, "string"},
    {ZYDIS_MNEMONIC_SCASB, 0, sel_scas, "string"},
    {ZYDIS_MNEMONIC_SCASW, 0, sel_scas, "string"},
    {ZYDIS_MNEMONIC_SCASD, 0, sel_scas, "string"},
    {ZYDIS_MNEMONIC_SCASQ, 0, sel_scas, "string"},
    {ZYDIS_MNEMONIC_INSB, 0, sel_ins_outs, "string"},
    {ZYDIS_MNEMONIC_INSW, 0, sel_ins_outs, "string"},
    {ZYDIS_MNEMONIC_INSD, 0, sel_ins_outs, "string"},
    {ZYDIS_MNEMONIC_OUTSB, 0, sel_ins_outs, "string"},
    {ZYDIS_MNEMONIC_OUTSW, 0, sel_ins_outs, "string"},
    {ZYDIS_MNEMONIC_OUTSD, 0, sel_ins_outs, "string"},
    {0},
};
