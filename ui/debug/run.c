/* Run control for debugger front ends: continue and single-step over the
 * modelled kernel (syscall/kernel.h), breakpoints (the CPU's own list),
 * write watchpoints (the CPU's mem_write hook, installed only while a
 * watchpoint or the history needs it, so that plain running keeps the
 * TLB fast path), the interrupt poll, and recording into / replaying from
 * the instruction history (history.c). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../../syscall/kernel.h"
#include "debug.h"

#define CHUNK (1u << 20) /* instructions between polls while running freely */

static int stepping;   /* live_step1 is running one instruction */
static int rec_hooked; /* continue with history: the insn hook records each next entry */

static void on_ring(void *ud, Cpu *c, const RingEvent *ev) {
    Dbg *d = ud;
    /* a fault retires nothing: without this the step would also run the
     * handler's first instruction */
    if (stepping && ev->kind == RT_EXCEPTION) cpu_stop_after_insn(c);
    /* recording while running: the handler's first instruction gets its
     * own entry (the faulting one retired nothing) */
    if (rec_hooked && d->hist && ev->kind == RT_EXCEPTION) hist_record_before(d->hist, c);
    if (ev->before.cpl == 3 && ev->after.cpl != 3) {
        d->entry.valid = 1;
        d->entry.ev = *ev;
        memcpy(d->entry.gpr, c->gpr, sizeof d->entry.gpr);
    }
    if (d->chained.ring) d->chained.ring(d->chained.ud, c, ev);
}

static void on_insn(void *ud, Cpu *c, const Insn *i, const CpuSnap *before,
                    const uint64_t before_gpr[16]) {
    Dbg *d = ud;
    if (rec_hooked && d->hist) hist_record_before(d->hist, c); /* the next instruction's entry */
    if (d->chained.insn) d->chained.insn(d->chained.ud, c, i, before, before_gpr);
}

static int overlaps(uint64_t a, unsigned n, uint64_t b, unsigned m) {
    return a < b + m && b < a + n;
}

static int recording; /* the history takes writes only while an instruction runs */

static void on_write(void *ud, Cpu *c, uint64_t addr, unsigned len) {
    Dbg *d = ud;
    if (d->hist && recording) hist_record_write(d->hist, c, addr, len);
    for (int k = 0; k < d->nwatch; k++)
        if (d->watch[k].type != DBG_WATCH_READ &&
            overlaps(addr, len, d->watch[k].addr, d->watch[k].len)) {
            if (!d->watch_hit) d->watch_hit_index = k;
            d->watch_hit = 1;
            cpu_stop_after_insn(c);
        }
}

/* A system call's copy to user memory (a read() buffer, a stat struct): the
 * history keeps the old bytes in the entry being recorded, as for the
 * instruction's own writes, so going back restores them too. */
static void on_user_write(void *ud, uint64_t addr, size_t n) {
    Dbg *d = ud;
    if (!d->hist || !recording) return;
    for (size_t done = 0; done < n;) {
        size_t k = n - done > PAGE_SIZE ? PAGE_SIZE : n - done;
        hist_record_write(d->hist, d->c, addr + done, (unsigned)k);
        done += k;
    }
}

/* Read and access watchpoints: a read of a watched range stops after the
 * instruction, as x86 debug registers do. */
static void on_read(void *ud, Cpu *c, uint64_t addr, unsigned len) {
    Dbg *d = ud;
    for (int k = 0; k < d->nwatch; k++)
        if (d->watch[k].type != DBG_WATCH_WRITE &&
            overlaps(addr, len, d->watch[k].addr, d->watch[k].len)) {
            if (!d->watch_hit) d->watch_hit_index = k;
            d->watch_hit = 1;
            cpu_stop_after_insn(c);
        }
}

static int reads_watched(const Dbg *d) {
    for (int k = 0; k < d->nwatch; k++)
        if (d->watch[k].type != DBG_WATCH_WRITE) return 1;
    return 0;
}

/* Every guest thread's CPU (the running one first): the debugger's hooks
 * and breakpoints are set on all of them, so that a breakpoint or a
 * watchpoint stops whichever thread reaches it. */
#define MAX_CPUS 256
static int all_cpus(Dbg *d, Cpu **out) {
    Task *t[MAX_CPUS];
    int n = thread_tasks(d->p, t, MAX_CPUS), k = 0;
    out[k++] = d->c;
    for (int j = 0; j < n; j++)
        if (t[j]->cpu && t[j]->cpu != d->c) out[k++] = t[j]->cpu;
    return k;
}

static void install_hooks(Dbg *d) {
    CpuHooks h = {0};
    h.ud = d;
    h.ring = on_ring;
    if (d->chained.insn || rec_hooked) h.insn = on_insn;
    if (d->nwatch || d->hist) h.mem_write = on_write;
    if (reads_watched(d)) h.mem_read = on_read;
    Cpu *cs[MAX_CPUS + 1];
    for (int k = all_cpus(d, cs) - 1; k >= 0; k--)
        cpu_set_hooks(cs[k], &h);
    mem_on_user_write(d->p->mem, d->hist ? on_user_write : NULL, d);
}

/* The thread that holds the kernel lock is the one the debugger drives. */
static void take_current(Dbg *d) {
    if (d->p->cpu) d->c = d->p->cpu;
}

int dbg_init(Dbg *d, Proc *p, uint64_t history_insns) {
    memset(d, 0, sizeof *d);
    d->p = p;
    d->c = p->cpu;
    d->kernel_steps = 1;
    d->chained = d->c->hooks;
    if (history_insns) {
        d->hist = hist_new(history_insns);
        if (!d->hist) return -1;
    }
    install_hooks(d);
    return 0;
}

void dbg_free(Dbg *d) {
    if (d->p && d->p->mem) mem_on_user_write(d->p->mem, NULL, NULL);
    if (d->hist) hist_free(d->hist);
    d->hist = NULL;
}

int dbg_has_history(const Dbg *d) { return d->hist != NULL; }

int dbg_add_break(Dbg *d, uint64_t addr) {
    for (int k = 0; k < d->nbp; k++)
        if (d->bp[k] == addr) return 0;
    if (d->nbp >= DBG_MAX_BREAK || cpu_add_breakpoint(d->c, addr) < 0) return -1;
    d->bp[d->nbp++] = addr;
    Cpu *cs[MAX_CPUS + 1];
    for (int k = all_cpus(d, cs) - 1; k > 0; k--)
        cpu_add_breakpoint(cs[k], addr); /* the same list, the same room */
    return 0;
}

void dbg_remove_break(Dbg *d, uint64_t addr) {
    for (int k = 0; k < d->nbp; k++)
        if (d->bp[k] == addr) {
            d->bp[k] = d->bp[--d->nbp];
            Cpu *cs[MAX_CPUS + 1];
            for (int j = all_cpus(d, cs) - 1; j >= 0; j--)
                cpu_remove_breakpoint(cs[j], addr);
            return;
        }
}

int dbg_add_watch(Dbg *d, int type, uint64_t addr, unsigned len) {
    if (d->nwatch >= DBG_MAX_WATCH || len == 0) return -1;
    d->watch[d->nwatch].addr = addr;
    d->watch[d->nwatch].len = len;
    d->watch[d->nwatch].type = type;
    d->nwatch++;
    install_hooks(d);
    return 0;
}

void dbg_remove_watch(Dbg *d, int type, uint64_t addr, unsigned len) {
    for (int k = 0; k < d->nwatch; k++)
        if (d->watch[k].type == type && d->watch[k].addr == addr && d->watch[k].len == len) {
            d->watch[k] = d->watch[--d->nwatch];
            install_hooks(d);
            return;
        }
}

void dbg_clear_all(Dbg *d) {
    while (d->nbp)
        dbg_remove_break(d, d->bp[0]);
    d->nwatch = 0;
    install_hooks(d);
}

static int is_break(const Dbg *d, uint64_t pc) {
    for (int k = 0; k < d->nbp; k++)
        if (d->bp[k] == pc) return 1;
    return 0;
}

/* Dbg.max_insns: instructions the guest may still run (~0: unbounded).
 * At the limit the process is ended (SIGKILL) and 0 returned. */
static uint64_t budget_left(Dbg *d) {
    if (!d->max_insns) return ~0ull;
    if (d->c->icount < d->max_insns) return d->max_insns - d->c->icount;
    if (!d->p->exited) proc_exit(d->p, SIGKILL);
    return 0;
}

/* One live instruction (or one hypercall's worth): 1 when the process ended. */
static int live_step1(Dbg *d) {
    Cpu *c = d->c;
    if (!budget_left(d)) return 1;
    if (d->hist) hist_record_before(d->hist, c);
    c->bp_skip = c->rip; /* a breakpoint here is the one we are stepping off */
    recording = stepping = 1;
    int r = kernel_run_budget(d->p, 1);
    recording = stepping = 0;
    take_current(d); /* this thread again (it may have let go in a blocking call) */
    return r == 0 || d->p->exited;
}

static void watch_stop(Dbg *d, DbgStop *st) {
    st->kind = DBG_STOP_WATCH;
    st->watch_addr = d->watch[d->watch_hit_index].addr;
    st->watch_type = d->watch[d->watch_hit_index].type;
    d->watch_hit = 0;
}

/* With kernel steps off, a user instruction that entered the kernel runs
 * on to the next user instruction. Returns 1 when the process ended. */
static int finish_kernel(Dbg *d) {
    for (uint64_t k = 0; d->c->cpl != 3 && !d->resume_pending && k < 100000000ull; k++)
        if (live_step1(d)) return 1;
    return 0;
}

static int replay_watch_hit(Dbg *d, int forward) {
    for (int k = 0; k < d->nwatch; k++)
        if (d->watch[k].type != DBG_WATCH_READ &&
            (forward ? hist_next_wrote(d->hist, d->watch[k].addr, d->watch[k].len)
                     : hist_last_wrote(d->hist, d->watch[k].addr, d->watch[k].len))) {
            d->watch_hit_index = k;
            return 1;
        }
    return 0;
}

void dbg_step(Dbg *d, DbgStop *st) {
    memset(st, 0, sizeof *st);
    take_current(d);
    d->watch_hit = 0;
    if (d->hist && !hist_at_live(d->hist)) {
        int user = d->c->cpl == 3;
        do {
            int w = replay_watch_hit(d, 1);
            hist_forward(d->hist, d->c);
            if (w) {
                watch_stop(d, st);
                return;
            }
        } while (!d->kernel_steps && user && d->c->cpl != 3 && !hist_at_live(d->hist));
        if (d->kernel_steps || !user || d->c->cpl == 3) {
            st->kind = DBG_STOP_STEP;
            return;
        }
    }
    int user = d->c->cpl == 3;
    if (live_step1(d)) {
        st->kind = DBG_STOP_EXITED;
        return;
    }
    if (!d->kernel_steps && user && d->c->cpl != 3 && finish_kernel(d)) {
        st->kind = DBG_STOP_EXITED;
        return;
    }
    if (d->resume_pending)
        st->kind = DBG_STOP_RESUMED;
    else if (d->watch_hit)
        watch_stop(d, st);
    else
        st->kind = DBG_STOP_STEP;
}

static void run_chunks(Dbg *d, DbgStop *st);

void dbg_continue(Dbg *d, DbgStop *st) {
    memset(st, 0, sizeof *st);
    take_current(d);
    Cpu *c = d->c;
    d->watch_hit = 0;
    uint64_t n = 0;
    /* replaying: forward through the history first */
    while (d->hist && !hist_at_live(d->hist)) {
        int w = replay_watch_hit(d, 1);
        hist_forward(d->hist, c);
        if (w) {
            watch_stop(d, st);
            return;
        }
        if (is_break(d, c->rip)) {
            st->kind = DBG_STOP_BREAK;
            return;
        }
        if ((++n & 0xfff) == 0 && d->poll && d->poll(d->poll_ud)) {
            st->kind = DBG_STOP_INTERRUPT;
            return;
        }
    }
    if (d->hist) {
        /* recording: the CPU runs single-instruction blocks and the
         * instruction hook opens the next entry after each one */
        rec_hooked = 1;
        install_hooks(d);
        hist_record_before(d->hist, c);
        recording = 1;
    }
    c->bp_skip = c->rip; /* resuming from a breakpoint does not hit it again */
    run_chunks(d, st);
    if (rec_hooked) {
        recording = rec_hooked = 0;
        install_hooks(d);
        if (st->kind != DBG_STOP_EXITED) hist_drop_pending(d->hist); /* not run yet */
    }
}

static void run_chunks(Dbg *d, DbgStop *st) {
    Cpu *c = d->c;
    for (;;) {
        uint64_t left = budget_left(d);
        int r = left ? kernel_run_budget(d->p, left < CHUNK ? left : CHUNK) : 0;
        take_current(d);
        if (r == 0 || d->p->exited) {
            st->kind = DBG_STOP_EXITED;
            return;
        }
        if (d->resume_pending) {
            st->kind = DBG_STOP_RESUMED;
            return;
        }
        if (d->watch_hit) {
            watch_stop(d, st);
            return;
        }
        if (c->event == CPU_EV_BREAKPOINT) {
            st->kind = DBG_STOP_BREAK;
            return;
        }
        if (d->poll && d->poll(d->poll_ud)) {
            /* kernel-steps off: the debugger only ever sees user mode */
            if (!d->kernel_steps && c->cpl != 3) finish_kernel(d);
            st->kind = DBG_STOP_INTERRUPT;
            return;
        }
    }
}

int dbg_reverse_step(Dbg *d, DbgStop *st) {
    memset(st, 0, sizeof *st);
    if (!d->hist) return -1;
    int user = d->c->cpl == 3;
    do {
        if (hist_back(d->hist, d->c) < 0) {
            st->kind = DBG_STOP_NO_HISTORY;
            return 0;
        }
        if (replay_watch_hit(d, 0)) {
            watch_stop(d, st);
            return 0;
        }
    } while (!d->kernel_steps && user && d->c->cpl != 3);
    st->kind = DBG_STOP_STEP;
    return 0;
}

int dbg_reverse_continue(Dbg *d, DbgStop *st) {
    memset(st, 0, sizeof *st);
    if (!d->hist) return -1;
    for (uint64_t n = 1;; n++) {
        if (hist_back(d->hist, d->c) < 0) {
            st->kind = DBG_STOP_NO_HISTORY;
            return 0;
        }
        if (replay_watch_hit(d, 0)) {
            watch_stop(d, st);
            return 0;
        }
        if (is_break(d, d->c->rip)) {
            st->kind = DBG_STOP_BREAK;
            return 0;
        }
        if ((n & 0xfff) == 0 && d->poll && d->poll(d->poll_ud)) {
            st->kind = DBG_STOP_INTERRUPT;
            return 0;
        }
    }
}

void dbg_run_free(Dbg *d) {
    dbg_clear_all(d);
    if (d->hist) {
        while (!hist_at_live(d->hist))
            hist_forward(d->hist, d->c);
        hist_free(d->hist);
        d->hist = NULL;
    }
    take_current(d);
    Cpu *cs[MAX_CPUS + 1];
    for (int k = all_cpus(d, cs) - 1; k >= 0; k--)
        cpu_set_hooks(cs[k], &d->chained);
    d->c->bp_skip = ~0ull;
    uint64_t left;
    while (!d->p->exited && (left = budget_left(d)) != 0 &&
           kernel_run_budget(d->p, d->max_insns ? left : 0) != 0) {
    }
}

size_t dbg_read_mem(Dbg *d, uint64_t addr, void *buf, size_t n) {
    uint8_t *b = buf;
    size_t done = 0;
    while (done < n) {
        uint64_t a = addr + done;
        size_t k = PAGE_SIZE - (a & (PAGE_SIZE - 1));
        if (k > n - done) k = n - done;
        if (!mem_canonical(a) || mem_read(d->c->mem, b + done, a, k, 0) < 0) break;
        done += k;
    }
    return done;
}

size_t dbg_write_mem(Dbg *d, uint64_t addr, const void *buf, size_t n) {
    const uint8_t *b = buf;
    size_t done = 0;
    while (done < n) {
        uint64_t a = addr + done;
        size_t k = PAGE_SIZE - (a & (PAGE_SIZE - 1));
        if (k > n - done) k = n - done;
        if (!mem_canonical(a) || mem_write(d->c->mem, a, b + done, k, 0) < 0) break;
        done += k;
    }
    if (done) cpu_flush_code(d->c); /* the program's code may have changed */
    return done;
}

void dbg_run_to_ring(Dbg *d, DbgStop *st) {
    int cpl = d->c->cpl;
    for (uint64_t n = 1;; n++) {
        dbg_step(d, st);
        if (st->kind != DBG_STOP_STEP || d->c->cpl != cpl) return;
        if (is_break(d, d->c->rip)) {
            st->kind = DBG_STOP_BREAK;
            return;
        }
        if ((n & 0xfff) == 0 && d->poll && d->poll(d->poll_ud)) {
            st->kind = DBG_STOP_INTERRUPT;
            return;
        }
    }
}

int dbg_history_at(Dbg *d, int64_t rel, uint64_t *pc, int *cpl, uint64_t *icount) {
    return d->hist ? hist_entry_rel(d->hist, rel, pc, cpl, icount) : -1;
}

int dbg_set_history(Dbg *d, uint64_t insns) {
    if (d->hist) {
        while (!hist_at_live(d->hist)) /* back to the present first */
            hist_forward(d->hist, d->c);
        hist_free(d->hist);
    }
    d->hist = insns ? hist_new(insns) : NULL;
    install_hooks(d);
    return insns && !d->hist ? -1 : 0;
}
