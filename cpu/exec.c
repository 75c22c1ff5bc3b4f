/* The run loop, single-stepping, breakpoints, hooks and fault unwinding. */
#include <stdlib.h>
#include <xmmintrin.h>

#include "decode.h"

static void on_mem_change(void *ud, int code_changed) {
    Cpu *c = ud;
    cpu_flush_tlb(c);
    if (code_changed) c->smc_pending = 1;
}

Cpu *cpu_new(Mem *m, CpuVendor vendor) {
    Cpu *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->mem = m;
    c->vendor = vendor;
    c->family = vendor == CPU_AMD ? CPU_FAMILY_ZEN5 : CPU_FAMILY_INTEL;
    c->dc = decode_cache_new();
    c->tlb = malloc(4 * TLB_SIZE * sizeof(TlbEnt));
    if (!c->dc || !c->tlb) {
        cpu_free(c);
        return NULL;
    }
    c->diag = stderr;
    c->mxcsr = 0x1f80;
    c->fcw = 0x37f;
    c->ftw = 0xffff;     /* all x87 registers empty */
    c->cr0 = 0x80050033; /* PG WP NE ET MP PE: Linux's */
    c->cr4 = 0x3006f0;   /* PAE PGE OSFXSR OSXMMEXCPT SMEP SMAP; no OSXSAVE (XSAVE not modelled) */
    c->pat = 0x0007040600070406ull;
    c->apic_base = 0xfee00900;
    c->rflags = 2;
    cpu_flush_tlb(c);
    cpu_select_tlb(c);
    mem_on_change(m, on_mem_change, c);
    return c;
}

void cpu_free(Cpu *c) {
    if (!c) return;
    if (!c->dc_shared) {
        if (c->mem) mem_on_change(c->mem, NULL, NULL);
        decode_cache_free(c->dc);
    }
    free(c->tlb);
    free(c);
}

Cpu *cpu_clone(Cpu *parent) {
    Cpu *c = malloc(sizeof *c);
    if (!c) return NULL;
    memcpy(c, parent, sizeof *c);
    c->tlb = malloc(4 * TLB_SIZE * sizeof(TlbEnt));
    if (!c->tlb) {
        free(c);
        return NULL;
    }
    c->dc_shared = 1;
    c->cur = c->stop_at = c->blk_first = NULL;
    c->prev_block = NULL;
    c->jb_valid = 0;
    c->event = CPU_EV_NONE;
    c->icount = 0;
    c->smc_pending = 0;
    c->irq = 0; /* a signal caught by the parent's thread is the parent's */
    cpu_flush_tlb(c);
    cpu_select_tlb(c);
    return c;
}

void cpu_flush_code(Cpu *c) {
    c->prev_block = NULL;
    decode_cache_flush(c->dc);
    mem_clear_code_marks(c->mem);
    cpu_flush_tlb(c); /* code pages may now enter the write TLB */
}

void cpu_set_hooks(Cpu *c, const CpuHooks *h) {
    c->hooks = *h;
    int step = h->insn != NULL;
    if (step != c->step_blocks) c->step_blocks = step;
    cpu_flush_tlb(c); /* the TLB must not bypass a mem_write / mem_read hook */
}

void cpu_stop_after_insn(Cpu *c) {
    if (!c->cur) {
        c->budget = 0;
        return;
    }
    /* the block's loop ends after this instruction; run_block/run_fast then
     * subtract the instructions done so far (this one included) */
    c->budget = (uint64_t)(c->cur - c->blk_first) + 1;
    c->stop_at = NULL;
}

int cpu_add_breakpoint(Cpu *c, uint64_t addr) {
    if (c->nbp >= CPU_MAX_BREAKPOINTS) return -1;
    c->bp[c->nbp++] = addr;
    cpu_flush_code(c); /* blocks must now end before it */
    return 0;
}

void cpu_remove_breakpoint(Cpu *c, uint64_t addr) {
    for (int k = 0; k < c->nbp; k++)
        if (c->bp[k] == addr) {
            c->bp[k] = c->bp[--c->nbp];
            return;
        }
}

void cpu_snap(Cpu *c, CpuSnap *s) {
    s->rip = c->rip;
    s->rsp = c->gpr[RSP];
    s->rcx = c->gpr[RCX];
    s->r11 = c->gpr[R11];
    s->rax = c->gpr[RAX];
    s->rflags = cpu_get_rflags(c);
    s->cs = c->seg[SEG_CS].sel;
    s->ss = c->seg[SEG_SS].sel;
    s->cpl = c->cpl;
    s->mode = c->mode;
}

void cpu_mxcsr_to_host(Cpu *c) {
    /* Guest rounding/DAZ/FTZ on the host unit; host exceptions stay masked
     * (an unmasked guest exception is checked by the SSE handlers). */
    _mm_setcsr((c->mxcsr & 0xffc0) | 0x1f80);
}

/* ---- faults ---- */

static void reported_once(Cpu *c, uint64_t rip, int *seen) {
    *seen = 0;
    static uint64_t done[256];
    static int ndone;
    for (int k = 0; k < ndone; k++)
        if (done[k] == rip) {
            *seen = 1;
            return;
        }
    if (ndone < 256) done[ndone++] = rip;
}

_Noreturn void cpu_unimplemented(Cpu *c, const Insn *i, const char *why) {
    int seen;
    reported_once(c, i->rip, &seen);
    if (!seen && c->diag) {
        uint8_t b[16] = {0};
        mem_read(c->mem, b, i->rip, i->len, 0);
        char hex[64];
        int n = 0;
        for (int k = 0; k < i->len && k < 15; k++)
            n += snprintf(hex + n, sizeof hex - n, "%s%02x", k ? " " : "", b[k]);
        fprintf(c->diag, "ringside: unimplemented instruction at 0x%llx: %s (%s%s%s) -> #UD\n",
                (unsigned long long)i->rip, hex, cpu_mnemonic_name(i->mnem), why ? ", " : "",
                why ? why : "");
    }
    cpu_fault_noerr(c, EXC_UD);
}

static void raise_exc(Cpu *c, int vector, int has_err, uint32_t err) {
    const Insn *i = c->cur;
    if (i) {
        c->rip = i->rip; /* faults restart the instruction */
        unsigned done = (unsigned)(i - c->blk_first);
        c->icount += done;
        c->budget -= done;
    }
    c->cur = NULL;
    if (c->idtr.limit == 0) {
        c->event = CPU_EV_EXCEPTION;
        c->exc_vector = vector;
        c->exc_error = err;
        c->exc_has_error = has_err;
        return;
    }
    if (c->in_delivery >= 2) {
        c->event = CPU_EV_SHUTDOWN; /* triple fault */
        c->exc_vector = vector;
        return;
    }
    if (c->in_delivery == 1) {
        vector = EXC_DF;
        has_err = 1;
        err = 0;
    }
    c->in_delivery++;
    cpu_deliver(c, vector, has_err, err, 0, c->rip);
    c->in_delivery = 0;
}

static int exc_has_error(int v) {
    return v == EXC_DF || v == EXC_TS || v == EXC_NP || v == EXC_SS || v == EXC_GP || v == EXC_PF ||
           v == EXC_AC;
}

_Noreturn void cpu_fault(Cpu *c, int vector, uint32_t error) {
    raise_exc(c, vector, exc_has_error(vector), error);
    longjmp(c->jb, 1);
}

_Noreturn void cpu_fault_noerr(Cpu *c, int vector) {
    raise_exc(c, vector, 0, 0);
    longjmp(c->jb, 1);
}

/* ---- run loop ---- */

static int at_breakpoint(Cpu *c) {
    for (int k = 0; k < c->nbp; k++)
        if (c->bp[k] == c->rip) {
            if (c->bp_skip == c->rip) {
                c->bp_skip = ~0ull;
                return 0;
            }
            c->bp_skip = c->rip; /* resuming continues past it */
            return 1;
        }
    return 0;
}

/* Run one whole block. */
static inline void run_block(Cpu *c, Block *b) {
    const Insn *i = b->insns, *end = i + b->nexec;
    c->stop_at = end;
    c->blk_first = i;
    c->rip = b->end;
    do {
        c->cur = i;
        i->fn(c, i);
    } while (++i < c->stop_at);
    unsigned done = i == end ? b->n : (unsigned)(i - b->insns);
    c->icount += done;
    c->budget -= done;
    if (unlikely(i != end)) c->rip = INSN_NEXT(i - 1); /* ended early (cpu_end_block) */
    c->cur = NULL;
}

static void run_hooked(Cpu *c, Block *b) {
    CpuSnap before;
    uint64_t gpr[16];
    cpu_snap(c, &before);
    memcpy(gpr, c->gpr, sizeof gpr);
    const Insn *i = &b->insns[0];
    run_block(c, b);
    if (c->hooks.insn) c->hooks.insn(c->hooks.ud, c, i, &before, gpr);
}

/* The hot loop: whole blocks back to back, found through the successor
 * links, for as long as nothing needs the checks of run_loop (an event,
 * self-modified code, TF, a budget that ends inside the next block, a block
 * that ended early, a block that starts at a breakpoint: blocks end before
 * breakpoints, so each one starts a block, flagged when decoded; the first
 * block, already checked by run_loop, runs). Instruction hooks never get here. Kept
 * out of cpu_run so that setjmp does not force `c` and the loop state into
 * memory. */
static __attribute__((noinline)) int run_fast(Cpu *c) {
    Block *prev = c->prev_block;
    int first = 1;
    for (;;) {
        Block *b = decode_lookup_linked(c, prev, c->rip);
        if (unlikely(b->at_bp) && !first) {
            c->cur = NULL;
            return 0; /* run_loop checks the breakpoint */
        }
        first = 0;
        c->prev_block = prev = b;
        unsigned n = b->n;
        if (unlikely(c->budget < n)) return 1; /* the budget ends inside this block */
        const Insn *i = b->insns, *end = i + b->nexec;
        c->stop_at = end;
        c->blk_first = i;
        c->rip = b->end;
        do {
            c->cur = i;
            i->fn(c, i);
        } while (++i < c->stop_at);
        if (unlikely(i != end)) {
            unsigned done = (unsigned)(i - b->insns);
            c->icount += done;
            c->budget -= done;
            c->rip = INSN_NEXT(i - 1);
            c->cur = NULL;
            return 0;
        }
        c->icount += n;
        c->budget -= n;
        if (unlikely((c->event | c->smc_pending | c->irq | (c->rflags & F_TF)) != 0 ||
                     c->budget == 0)) {
            c->cur = NULL;
            return 0;
        }
    }
}

static __attribute__((noinline)) void run_loop(Cpu *c) {
    while (c->event == CPU_EV_NONE) {
        if (unlikely(c->smc_pending)) {
            c->smc_pending = 0;
            cpu_flush_code(c);
            c->prev_block = NULL;
        }
        if (c->budget == 0) {
            c->event = CPU_EV_LIMIT;
            break;
        }
        if (unlikely(c->irq) && c->cpl == 3) {
            c->event = CPU_EV_INTERRUPT; /* at an instruction boundary in user mode */
            break;
        }
        if (unlikely(c->nbp) && at_breakpoint(c)) {
            c->event = CPU_EV_BREAKPOINT;
            break;
        }
        if (likely(!(c->rflags & F_TF) && !c->step_blocks)) {
            if (!run_fast(c)) continue;
            /* the next block is longer than the budget left: run single
             * instructions up to it */
        }
        unsigned key = DC_KEY(c);
        Block *b = NULL;
        if (c->nbp && !(c->rflags & F_TF) && !c->step_blocks) {
            /* blocks end before breakpoints: run a whole one when it fits */
            b = decode_lookup_key(c, c->rip, key);
            if (b->n > c->budget) b = NULL;
        }
        if (!b) b = decode_lookup_key(c, c->rip, key | DC_KEY_STEP);
        c->prev_block = NULL;
        if (unlikely(c->rflags & F_TF)) {
            /* Single-step trap: run one instruction, then #DB with RIP at
             * the next one (a trap, not a fault). An instruction that
             * entered the kernel (SYSCALL with TF in FMASK, INT n, INT3)
             * cleared TF on the way in: no trap (the kernel's return with
             * TF set traps after the next user instruction). */
            uint8_t cpl0 = c->cpl;
            if (c->step_blocks)
                run_hooked(c, b);
            else
                run_block(c, b);
            if (cpl0 != c->cpl && c->cpl == 0 && !(c->rflags & F_TF)) {
                /* entered the kernel */
            } else if (c->event == CPU_EV_NONE && c->idtr.limit) {
                cpu_deliver(c, EXC_DB, 0, 0, 0, c->rip);
            } else if (c->event == CPU_EV_NONE) {
                c->event = CPU_EV_EXCEPTION;
                c->exc_vector = EXC_DB;
                c->exc_has_error = 0;
            }
            continue;
        }
        if (unlikely(c->step_blocks))
            run_hooked(c, b);
        else
            run_block(c, b);
    }
}

CpuEvent cpu_run(Cpu *c, uint64_t max_insns) {
    c->event = CPU_EV_NONE;
    c->budget = max_insns ? max_insns : ~0ull;
    c->host_mxcsr_saved = _mm_getcsr();
    cpu_mxcsr_to_host(c);
    cpu_select_tlb(c);
    if (setjmp(c->jb)) {
        /* an exception was raised and delivered (or turned into an event);
         * the faulting instruction did not retire */
        c->cur = NULL;
    }
    c->prev_block = NULL;
    run_loop(c);
    c->mxcsr |= _mm_getcsr() & 0x3f; /* keep the guest's sticky exception flags */
    _mm_setcsr(c->host_mxcsr_saved);
    return c->event;
}

CpuEvent cpu_step(Cpu *c) { return cpu_run(c, 1); }

/* ---- resets for embedders without a boot sequence ---- */

static void flat_common(Cpu *c, int cpl) {
    c->cpl = (uint8_t)cpl;
    c->efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
    c->idtr.limit = 0;
    c->idtr.base = 0;
    for (int s = 0; s < 6; s++)
        c->segbase[s] = 0;
    c->segbase[SEG_NONE] = 0;
}

void cpu_reset_flat64(Cpu *c, int cpl) {
    flat_common(c, cpl);
    uint16_t rpl = (uint16_t)cpl;
    cpu_load_seg_raw(c, SEG_CS, cpl ? 0x33 : 0x10, 0, 0xffffffff,
                     0x9b | (cpl << 5) | SEGA_L | SEGA_G);
    cpu_load_seg_raw(c, SEG_SS, cpl ? 0x2b : 0x18, 0, 0xffffffff,
                     0x93 | (cpl << 5) | SEGA_DB | SEGA_G);
    (void)rpl;
    for (int s = 0; s < 6; s++)
        if (s != SEG_CS && s != SEG_SS) cpu_load_seg_raw(c, s, 0, 0, 0, 0);
    cpu_update_mode(c);
}

void cpu_reset_flat_compat32(Cpu *c, int cpl) {
    flat_common(c, cpl);
    cpu_load_seg_raw(c, SEG_CS, cpl ? 0x23 : 0x10, 0, 0xffffffff,
                     0x9b | (cpl << 5) | SEGA_DB | SEGA_G);
    for (int s = 0; s < 6; s++)
        if (s != SEG_CS)
            cpu_load_seg_raw(c, s, cpl ? 0x2b : 0x18, 0, 0xffffffff,
                             0x93 | (cpl << 5) | SEGA_DB | SEGA_G);
    cpu_update_mode(c);
}
