/* Guest memory access from instructions: TLB fill, the slow paths (misses,
 * page crossings, code pages), page-fault and #GP generation, stack push/pop. */
#include <stdlib.h>

#include "insn.h"

/* TLB layout: c->tlb[priv*2 + rw][TLB_SIZE], priv 0 = user (CPL 3), 1 = supervisor. */
#define TLB_SET(c, priv, rw) (&(c)->tlb[((priv)*2 + (rw)) * TLB_SIZE])

void cpu_flush_tlb(Cpu *c) {
    for (size_t k = 0; k < 4 * TLB_SIZE; k++)
        c->tlb[k].tag = ~0ull;
}

void cpu_select_tlb(Cpu *c) {
    int priv = c->cpl == 3 ? 0 : 1;
    c->tlb_r = TLB_SET(c, priv, 0);
    c->tlb_w = TLB_SET(c, priv, 1);
}

/* Raise the fault for an access to `a` that failed the page checks. */
_Noreturn static void access_fault(Cpu *c, uint64_t a, int write, int prot) {
    if (!mem_canonical(a)) {
        /* Non-canonical: #SS(0) for stack-segment references (RSP/RBP
         * based, push/pop), #GP(0) otherwise. */
        cpu_fault(c, (c->cur && c->cur->mseg == SEG_SS) ? EXC_SS : EXC_GP, 0);
    }
    uint32_t err = 0;
    if (prot) err |= PFERR_P;
    if (write) err |= PFERR_W;
    if (c->cpl == 3) err |= PFERR_U;
    c->cr2 = a;
    cpu_fault(c, EXC_PF, err);
}

/* Translate one page for a data access; fills the TLB when allowed. */
static uint8_t *xlate(Cpu *c, uint64_t a, int write) {
    int prot = mem_canonical(a) ? mem_page_prot(c->mem, a) : 0;
    int user = c->cpl == 3;
    int ok = prot && (prot & MEM_R);
    if (write && !(prot & MEM_W)) ok = 0; /* CR0.WP: supervisor too */
    if (user && !(prot & MEM_U)) ok = 0;
    if (!ok) access_fault(c, a, write, prot);
    uint8_t *h = mem_page(c->mem, a);
    if (!h) {
        fprintf(c->diag ? c->diag : stderr, "ringside: out of host memory\n");
        exit(125);
    }
    if (write && (prot & MEM_CODE)) {
        /* Self-modifying code: drop decoded instructions after this one. */
        c->smc_pending = 1;
        c->stop_at = NULL;
        return h;
    }
    if (write && unlikely(c->hooks.mem_write != NULL)) return h; /* every write is seen */
    if (!write && unlikely(c->hooks.mem_read != NULL)) return h;  /* every read too */
    TlbEnt *e = (write ? c->tlb_w : c->tlb_r) + TLB_IDX(a);
    e->tag = a & PAGE_MASK;
    e->addend = (uintptr_t)h - (a & PAGE_MASK);
    return h;
}

uint64_t cpu_rd_slow(Cpu *c, uint64_t a, unsigned n) {
    uint64_t v = 0;
    cpu_rd_bytes(c, a, &v, n);
    return v;
}

void cpu_wr_slow(Cpu *c, uint64_t a, unsigned n, uint64_t v) { cpu_wr_bytes(c, a, &v, n); }

void cpu_rd_bytes(Cpu *c, uint64_t a, void *dst, unsigned n) {
    if (unlikely(c->hooks.mem_read != NULL)) c->hooks.mem_read(c->hooks.ud, c, a, n);
    uint8_t *d = dst;
    while (n) {
        unsigned off = a & (PAGE_SIZE - 1), k = PAGE_SIZE - off;
        if (k > n) k = n;
        uint8_t *h = xlate(c, a, 0);
        memcpy(d, h + off, k);
        d += k;
        a += k;
        n -= k;
    }
}

void cpu_probe_w(Cpu *c, uint64_t a, unsigned n) {
    if (n == 0) return;
    uint64_t last = a + n - 1;
    xlate(c, a, 1);
    if ((last & PAGE_MASK) != (a & PAGE_MASK)) xlate(c, last, 1);
}

void cpu_wr_bytes(Cpu *c, uint64_t a, const void *src, unsigned n) {
    /* All-or-nothing across pages: check the last page first. */
    if (n > 1 && ((a ^ (a + n - 1)) & PAGE_MASK)) cpu_probe_w(c, a, n);
    if (unlikely(c->hooks.mem_write != NULL)) c->hooks.mem_write(c->hooks.ud, c, a, n);
    const uint8_t *s = src;
    while (n) {
        unsigned off = a & (PAGE_SIZE - 1), k = PAGE_SIZE - off;
        if (k > n) k = n;
        uint8_t *h = xlate(c, a, 1);
        memcpy(h + off, s, k);
        s += k;
        a += k;
        n -= k;
    }
}

/* Instruction fetch for the decoder: up to n bytes, stopping at the first
 * page that is not executable at the current privilege. Returns the count
 * and sets *fault_addr to the first failing address (or ~0). */
int cpu_fetch(Cpu *c, uint64_t a, uint8_t *buf, int n, uint64_t *fault_addr, int *fault_prot) {
    int got = 0;
    *fault_addr = ~0ull;
    while (got < n) {
        uint64_t x = a + got;
        int prot = mem_canonical(x) ? mem_page_prot(c->mem, x) : 0;
        int ok = (prot & MEM_X) && (prot & MEM_R) && (c->cpl != 3 || (prot & MEM_U));
        if (!ok) {
            *fault_addr = x;
            *fault_prot = prot;
            break;
        }
        uint8_t *h = mem_page(c->mem, x);
        unsigned off = x & (PAGE_SIZE - 1), k = PAGE_SIZE - off;
        if ((int)k > n - got) k = n - got;
        memcpy(buf + got, h + off, k);
        got += k;
    }
    return got;
}

/* ---- stack ---- */

static inline uint64_t stack_addr(Cpu *c, uint64_t sp) {
    if (c->mode == MODE_64) return sp;
    if (c->seg[SEG_SS].attr & SEGA_DB) return (uint32_t)(c->segbase[SEG_SS] + (uint32_t)sp);
    return (uint32_t)(c->segbase[SEG_SS] + (uint16_t)sp);
}

void cpu_push(Cpu *c, unsigned size, uint64_t v) {
    uint64_t sp = c->gpr[RSP] - size;
    if (c->mode != MODE_64 && !(c->seg[SEG_SS].attr & SEGA_DB)) sp = (uint16_t)sp;
    mem_wr(c, stack_addr(c, sp), size, v);
    if (c->mode == MODE_64)
        c->gpr[RSP] = sp;
    else if (c->seg[SEG_SS].attr & SEGA_DB)
        c->gpr[RSP] = (uint32_t)sp;
    else
        c->gpr[RSP] = (c->gpr[RSP] & ~0xffffull) | (uint16_t)sp;
}

uint64_t cpu_pop(Cpu *c, unsigned size) {
    uint64_t sp = c->gpr[RSP];
    uint64_t v = mem_rd(c, stack_addr(c, sp), size);
    if (c->mode == MODE_64)
        c->gpr[RSP] = sp + size;
    else if (c->seg[SEG_SS].attr & SEGA_DB)
        c->gpr[RSP] = (uint32_t)(sp + size);
    else
        c->gpr[RSP] = (c->gpr[RSP] & ~0xffffull) | (uint16_t)(sp + size);
    return v;
}
