/* ui/debug/: what every debugger front end needs, written once below them.
 *
 * Run control over one modelled process (continue and single-step, with
 * breakpoints, write watchpoints, an interrupt poll and kernel-steps on or
 * off), the instruction history that reverse execution replays, and text
 * views of the system state (ring, MSRs, GDT, IDT, TSS, segment caches).
 * It drives the CPU only through cpu/cpu.h and the kernel through
 * syscall/kernel.h; the gdb stub (ui/gdb/) is one front end on top. */
#ifndef RINGSIDE_UI_DEBUG_H
#define RINGSIDE_UI_DEBUG_H

#include <stddef.h>
#include <stdint.h>

#include "../../cpu/cpu.h"
#include "../../syscall/proc.h"

typedef enum {
    DBG_STOP_STEP,       /* a step finished */
    DBG_STOP_BREAK,      /* reached a breakpoint */
    DBG_STOP_WATCH,      /* an instruction wrote a watched range (stopped after it) */
    DBG_STOP_INTERRUPT,  /* the front end's poll asked to stop (Ctrl-C) */
    DBG_STOP_EXITED,     /* the process ended: see Proc.exit_status */
    DBG_STOP_NO_HISTORY, /* reverse execution reached the oldest recorded instruction */
    DBG_STOP_SIGNAL,     /* a signal is about to be delivered (DbgStop.sig) */
    DBG_STOP_RESUMED     /* the front end stopped at a signal and resumed: run again */
} DbgStopKind;

typedef struct DbgStop {
    DbgStopKind kind;
    uint64_t watch_addr; /* DBG_STOP_WATCH: the watchpoint's address */
    int watch_type;      /* DBG_WATCH_* */
    int sig;             /* DBG_STOP_SIGNAL: the (Linux) signal number */
} DbgStop;

enum { DBG_WATCH_WRITE = 2, DBG_WATCH_READ = 3, DBG_WATCH_ACCESS = 4 }; /* gdb's Z types */
#define DBG_MAX_WATCH 4
#define DBG_MAX_BREAK CPU_MAX_BREAKPOINTS

struct History;

/* The last ring-0 entry seen, for "which entry path, from which user
 * instruction". */
typedef struct DbgEntry {
    int valid;
    RingEvent ev;
    uint64_t gpr[16]; /* the registers right after the entry: the system call's arguments */
} DbgEntry;

typedef struct Dbg {
    Proc *p;
    Cpu *c;
    int kernel_steps; /* 1: stepi enters the kernel; 0: a syscall steps as one instruction */
    /* Polled about every million instructions while running: nonzero stops. */
    int (*poll)(void *ud);
    void *poll_ud;

    uint64_t bp[DBG_MAX_BREAK];
    int nbp;
    struct {
        uint64_t addr;
        unsigned len;
        int type;
    } watch[DBG_MAX_WATCH];
    int nwatch;
    int watch_hit; /* set by the write hook */
    int watch_hit_index;
    /* Set by a front end that stopped at a signal from inside the kernel's
     * delivery (Proc.on_signal) and took a new resume command there: the
     * run in progress ends with DBG_STOP_RESUMED after the delivery. */
    int resume_pending;
    /* Nonzero: the guest's instruction count (Cpu.icount) may not pass
     * this; a run that reaches it ends the process (SIGKILL), as a bounded
     * fuzz harness needs. 0: unbounded. */
    uint64_t max_insns;

    struct History *hist; /* NULL: no history (reverse execution refused) */
    DbgEntry entry;       /* the last transition into ring 0 */
    CpuHooks chained;     /* hooks installed before the debugger (--trace) */
} Dbg;

/* Attach to a booted process; history_insns > 0 records that many
 * instructions for reverse execution. 0 on success. */
int dbg_init(Dbg *d, Proc *p, uint64_t history_insns);
void dbg_free(Dbg *d);

int dbg_add_break(Dbg *d, uint64_t addr); /* 0, or -1 when full */
void dbg_remove_break(Dbg *d, uint64_t addr);
int dbg_add_watch(Dbg *d, int type, uint64_t addr, unsigned len); /* 0 / -1 */
void dbg_remove_watch(Dbg *d, int type, uint64_t addr, unsigned len);
void dbg_clear_all(Dbg *d); /* breakpoints and watchpoints (detach) */

/* Execute (or replay) one instruction; with kernel_steps off a user
 * instruction that enters the kernel runs on until CPL 3 again. */
void dbg_step(Dbg *d, DbgStop *st);
/* Run until a breakpoint, a watchpoint, the poll or the end. */
void dbg_continue(Dbg *d, DbgStop *st);
/* Reverse: undo one instruction / run backwards to a breakpoint or
 * watchpoint (or the oldest recorded instruction). -1: no history. */
int dbg_reverse_step(Dbg *d, DbgStop *st);
int dbg_reverse_continue(Dbg *d, DbgStop *st);
/* Run to the end without the debugger (detach). */
void dbg_run_free(Dbg *d);
int dbg_has_history(const Dbg *d);
/* Step until the CPL changes (the next ring transition, either way), a
 * breakpoint, a watchpoint, the poll or the end. */
void dbg_run_to_ring(Dbg *d, DbgStop *st);
/* Replace the history by an empty one of insns entries (0: none, so that
 * continue runs at full speed): 0, or -1 when out of memory (then none). */
int dbg_set_history(Dbg *d, uint64_t insns);
/* hist_entry_rel on the debugger's history: -1 without one. */
int dbg_history_at(Dbg *d, int64_t rel, uint64_t *pc, int *cpl, uint64_t *icount);

/* Memory as the debugger sees it: any mapped page, whatever its permission
 * (writes to code pages flush the decode cache). Return bytes done. */
size_t dbg_read_mem(Dbg *d, uint64_t addr, void *buf, size_t n);
size_t dbg_write_mem(Dbg *d, uint64_t addr, const void *buf, size_t n);

/* Text views (ui/debug/views.c), written into out (NUL-terminated). */
void dbg_view_ring(Dbg *d, char *out, size_t n);
int dbg_view_msr(Dbg *d, const char *name, char *out, size_t n); /* -1: unknown name */
void dbg_view_gdt(Dbg *d, char *out, size_t n);
int dbg_view_idt(Dbg *d, const char *vector, char *out, size_t n);
void dbg_view_tss(Dbg *d, char *out, size_t n);
void dbg_view_segs(Dbg *d, char *out, size_t n);
void dbg_view_cpu(Dbg *d, char *out, size_t n);

/* One object of the dynamic linker's link_map list (ui/debug/linkmap.c). */
typedef struct DbgLib {
    uint64_t lm;     /* the link_map entry's guest address */
    uint64_t l_addr; /* load bias: the difference between run and link addresses */
    uint64_t l_ld;   /* its dynamic section */
    char name[512];  /* l_name as the guest sees it ("" for the program; no --sysroot mapping) */
} DbgLib;

/* The link_map list the dynamic linker published (r_debug through the
 * program's DT_DEBUG; is32: the program's word size), the program itself
 * first: up to max entries, how many, or -1 without an r_debug (a static
 * program, or ld.so has not run yet). *state (may be NULL): r_debug.r_state
 * (RT_CONSISTENT 0, RT_ADD 1, RT_DELETE 2). Wild pointers end the walk. */
int dbg_link_map(Dbg *d, int is32, DbgLib *out, int max, int *state);
/* The value of auxv entry `type` the loader placed (is32: 32-bit words), or 0. */
uint64_t dbg_auxv(const Proc *p, int is32, uint64_t type);

/* History internals shared by run.c and history.c. */
struct History *hist_new(uint64_t insns);
void hist_free(struct History *h);
void hist_record_before(struct History *h, Cpu *c); /* a new entry: state before the insn */
void hist_record_write(struct History *h, Cpu *c, uint64_t addr, unsigned len);
int hist_at_live(const struct History *h); /* not replaying */
/* Drop the newest entry (opened for an instruction that did not run). */
void hist_drop_pending(struct History *h);
/* Undo the newest instruction not yet undone: 0, or -1 at the oldest. */
int hist_back(struct History *h, Cpu *c);
/* Redo one undone instruction: 0, or -1 when already live. */
int hist_forward(struct History *h, Cpu *c);
/* The pc of the instruction hist_back would undo next, or ~0. */
uint64_t hist_prev_pc(const struct History *h);
/* After hist_back: was `addr` (len) written by the instruction just undone? */
int hist_last_wrote(const struct History *h, uint64_t addr, unsigned len);
/* The one after a forward replay step. */
int hist_next_wrote(const struct History *h, uint64_t addr, unsigned len);
uint64_t hist_count(const struct History *h);
/* The entry `rel` from the replay position (-1: the instruction just run or
 * replayed; 0 and up: undone ones ahead): its pc, CPL and instruction count
 * before it ran. 0, or -1 outside the recorded range. */
int hist_entry_rel(const struct History *h, int64_t rel, uint64_t *pc, int *cpl, uint64_t *icount);

#endif
