/* The instruction history behind reverse execution: a ring of N entries,
 * each the CPU's architectural state before one instruction plus the old
 * contents of every byte the instruction wrote (kept in a byte ring of
 * write records). Undoing swaps the recorded bytes with memory, so that a
 * later redo swaps them back: replay needs no second copy.
 *
 * What is not recorded: memory the host side of the kernel writes during a
 * system call (read() into a buffer, pt_regs written back); reverse
 * execution across a system call restores every register and the memory
 * the instructions wrote, but leaves such buffers as they are now. */
#include <stdlib.h>
#include <string.h>

#include "debug.h"

/* What most instructions change, kept per entry; the rest (HistExt) is
 * stored once per change and shared by the entries in between. */
typedef struct HistCore {
    uint64_t gpr[16], rip, rflags, icount;
    uint64_t ext; /* absolute index of the HistExt in force */
} HistCore;

typedef struct HistExt {
    Segment seg[9];
    DescTable gdtr, idtr;
    uint64_t kernel_gs_base, cr2;
    Xmm xmm[16];
    uint32_t mxcsr;
    uint16_t fcw, fsw, ftw, fop, fcs, fds;
    uint64_t fip, fdp;
    uint8_t st[8][10];
    uint8_t cpl;
} HistExt;

typedef struct HistEnt {
    HistCore before;
    uint64_t mem_start, mem_end; /* absolute positions in the write log */
} HistEnt;

#define LOG_SIZE (16u << 20)

typedef struct History {
    HistEnt *ring;
    HistExt *ext;             /* n slots as well: an entry's ext is never older than the entry */
    uint64_t n;               /* capacity */
    uint64_t first, cur, top; /* absolute entry numbers: [first, cur) undoable, [cur, top) undone */
    uint64_t next_ext;        /* absolute index of the next HistExt slot */
    HistExt cur_ext;          /* the newest one stored (to see whether it changed) */
    HistCore live;            /* the newest state, saved when replay starts */
    uint8_t *log;             /* LOG_SIZE bytes: records of (addr 8, len 4, bytes) */
    uint64_t log_pos;         /* absolute position of the next record */
} History;

struct History *hist_new(uint64_t insns) {
    History *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->n = insns;
    h->ring = calloc(insns, sizeof *h->ring); /* pages are backed as they are used */
    h->ext = calloc(insns, sizeof *h->ext);
    h->log = malloc(LOG_SIZE);
    if (!h->ring || !h->ext || !h->log) {
        hist_free(h);
        return NULL;
    }
    return h;
}

void hist_free(struct History *h) {
    if (!h) return;
    free(h->ring);
    free(h->ext);
    free(h->log);
    free(h);
}

uint64_t hist_count(const struct History *h) { return h->top - h->first; }
int hist_at_live(const struct History *h) { return h->cur == h->top; }

static void save_ext(HistExt *s, Cpu *c) {
    memset(s, 0, sizeof *s); /* padding too: compared with memcmp */
    memcpy(s->seg, c->seg, sizeof s->seg);
    s->gdtr = c->gdtr;
    s->idtr = c->idtr;
    s->kernel_gs_base = c->kernel_gs_base;
    s->cr2 = c->cr2;
    memcpy(s->xmm, c->xmm, sizeof s->xmm);
    s->mxcsr = c->mxcsr;
    s->fcw = c->fcw, s->fsw = c->fsw, s->ftw = c->ftw, s->fop = c->fop;
    s->fcs = c->fcs, s->fds = c->fds, s->fip = c->fip, s->fdp = c->fdp;
    memcpy(s->st, c->st, sizeof s->st);
    s->cpl = c->cpl;
}

/* Compared field by field against the CPU, without building a copy: this
 * runs once per recorded instruction. */
static int ext_changed(const HistExt *s, Cpu *c) {
    return memcmp(s->xmm, c->xmm, sizeof s->xmm) || s->mxcsr != c->mxcsr || s->cpl != c->cpl ||
           memcmp(s->seg, c->seg, sizeof s->seg) || s->kernel_gs_base != c->kernel_gs_base ||
           s->cr2 != c->cr2 || s->fsw != c->fsw || s->fcw != c->fcw || s->ftw != c->ftw ||
           s->fop != c->fop || s->fip != c->fip || s->fdp != c->fdp || s->fcs != c->fcs ||
           s->fds != c->fds || memcmp(s->st, c->st, sizeof s->st) || s->gdtr.base != c->gdtr.base ||
           s->gdtr.limit != c->gdtr.limit || s->idtr.base != c->idtr.base ||
           s->idtr.limit != c->idtr.limit;
}

static void save(History *h, HistCore *s, Cpu *c) {
    memcpy(s->gpr, c->gpr, sizeof s->gpr);
    s->rip = c->rip;
    s->rflags = cpu_get_rflags(c);
    s->icount = c->icount;
    if (h->next_ext == 0 || ext_changed(&h->cur_ext, c)) {
        save_ext(&h->cur_ext, c);
        h->ext[h->next_ext % h->n] = h->cur_ext;
        h->next_ext++;
    }
    s->ext = h->next_ext - 1;
}

static void restore_ext(const HistExt *s, Cpu *c) {
    for (int k = 0; k < 9; k++)
        c->seg[k] = s->seg[k];
    for (int k = 0; k < 6; k++)
        c->segbase[k] = s->seg[k].base;
    c->gdtr = s->gdtr;
    c->idtr = s->idtr;
    c->kernel_gs_base = s->kernel_gs_base;
    c->cr2 = s->cr2;
    memcpy(c->xmm, s->xmm, sizeof s->xmm);
    c->mxcsr = s->mxcsr;
    c->fcw = s->fcw, c->fsw = s->fsw, c->ftw = s->ftw, c->fop = s->fop;
    c->fcs = s->fcs, c->fds = s->fds, c->fip = s->fip, c->fdp = s->fdp;
    memcpy(c->st, s->st, sizeof s->st);
    c->cpl = s->cpl;
    cpu_update_mode(c); /* CPL and mode follow CS */
}

static void restore(History *h, const HistCore *s, Cpu *c) {
    const HistExt *e = &h->ext[s->ext % h->n];
    h->cur_ext = *e; /* recording goes on from here after a replay */
    restore_ext(e, c);
    memcpy(c->gpr, s->gpr, sizeof s->gpr);
    c->rip = s->rip;
    cpu_set_rflags(c, s->rflags);
    c->icount = s->icount;
}

static void log_put(History *h, uint64_t pos, const void *src, size_t n) {
    const uint8_t *s = src;
    for (size_t k = 0; k < n; k++)
        h->log[(pos + k) % LOG_SIZE] = s[k];
}

static void log_get(const History *h, uint64_t pos, void *dst, size_t n) {
    uint8_t *d = dst;
    for (size_t k = 0; k < n; k++)
        d[k] = h->log[(pos + k) % LOG_SIZE];
}

void hist_record_before(struct History *h, Cpu *c) {
    if (h->top - h->first == h->n) h->first++;
    HistEnt *e = &h->ring[h->top % h->n];
    save(h, &e->before, c);
    e->mem_start = e->mem_end = h->log_pos;
    h->top++;
    h->cur = h->top;
    /* an entry whose HistExt slot was reused can no longer be undone */
    while (h->first < h->top - 1 && h->ring[h->first % h->n].before.ext + h->n < h->next_ext)
        h->first++;
}

void hist_drop_pending(struct History *h) {
    if (h->top > h->first && h->cur == h->top) h->cur = --h->top;
}

void hist_record_write(struct History *h, Cpu *c, uint64_t addr, unsigned len) {
    if (h->top == h->first || len > PAGE_SIZE * 2) return;
    HistEnt *e = &h->ring[(h->top - 1) % h->n];
    uint8_t old[PAGE_SIZE * 2];
    if (mem_read(c->mem, old, addr, len, 0) < 0) return; /* the write will fault */
    uint32_t l32 = len;
    log_put(h, h->log_pos, &addr, 8);
    log_put(h, h->log_pos + 8, &l32, 4);
    log_put(h, h->log_pos + 12, old, len);
    h->log_pos += 12 + len;
    e->mem_end = h->log_pos;
    /* entries whose records the log has overwritten can no longer be undone */
    while (h->first < h->top - 1 && h->ring[h->first % h->n].mem_start + LOG_SIZE < h->log_pos)
        h->first++;
}

/* Swap each record of e with memory: forward for redo, backward for undo. */
static void swap_records(History *h, Cpu *c, const HistEnt *e, int backward) {
    uint64_t pos[512];
    int np = 0;
    for (uint64_t p = e->mem_start; p < e->mem_end && np < 512;) {
        uint32_t len;
        log_get(h, p + 8, &len, 4);
        pos[np++] = p;
        p += 12 + len;
    }
    for (int k = 0; k < np; k++) {
        uint64_t p = pos[backward ? np - 1 - k : k], addr;
        uint32_t len;
        log_get(h, p, &addr, 8);
        log_get(h, p + 8, &len, 4);
        uint8_t mem[PAGE_SIZE * 2], rec[PAGE_SIZE * 2];
        if (len > sizeof mem || mem_read(c->mem, mem, addr, len, 0) < 0) continue;
        log_get(h, p + 12, rec, len);
        mem_write(c->mem, addr, rec, len, 0);
        log_put(h, p + 12, mem, len);
    }
}

int hist_back(struct History *h, Cpu *c) {
    if (h->cur == h->first) return -1;
    if (h->cur == h->top) save(h, &h->live, c);
    h->cur--;
    const HistEnt *e = &h->ring[h->cur % h->n];
    swap_records(h, c, e, 1);
    restore(h, &e->before, c);
    return 0;
}

int hist_forward(struct History *h, Cpu *c) {
    if (h->cur == h->top) return -1;
    const HistEnt *e = &h->ring[h->cur % h->n];
    swap_records(h, c, e, 0);
    h->cur++;
    restore(h, h->cur == h->top ? &h->live : &h->ring[h->cur % h->n].before, c);
    return 0;
}

uint64_t hist_prev_pc(const struct History *h) {
    if (h->cur == h->first) return ~0ull;
    return h->ring[(h->cur - 1) % h->n].before.rip;
}

static int ent_wrote(const History *h, const HistEnt *e, uint64_t addr, unsigned len) {
    for (uint64_t p = e->mem_start; p < e->mem_end;) {
        uint64_t a;
        uint32_t l;
        log_get(h, p, &a, 8);
        log_get(h, p + 8, &l, 4);
        if (a < addr + len && addr < a + l) return 1;
        p += 12 + l;
    }
    return 0;
}

int hist_last_wrote(const struct History *h, uint64_t addr, unsigned len) {
    if (h->cur == h->top) return 0;
    return ent_wrote(h, &h->ring[h->cur % h->n], addr, len);
}

int hist_next_wrote(const struct History *h, uint64_t addr, unsigned len) {
    if (h->cur == h->top) return 0;
    return ent_wrote(h, &h->ring[h->cur % h->n], addr, len);
}

int hist_entry_rel(const struct History *h, int64_t rel, uint64_t *pc, int *cpl, uint64_t *icount) {
    int64_t a = (int64_t)h->cur + rel;
    if (a < (int64_t)h->first || a >= (int64_t)h->top) return -1;
    const HistEnt *e = &h->ring[(uint64_t)a % h->n];
    if (pc) *pc = e->before.rip;
    if (cpl) *cpl = h->ext[e->before.ext % h->n].cpl;
    if (icount) *icount = e->before.icount;
    return 0;
}
