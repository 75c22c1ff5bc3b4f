/* The dynamic linker's list of loaded objects, read from guest memory: the
 * r_debug it publishes through the program's DT_DEBUG, then its link_map
 * chain. Written once here for every front end (the gdb stub's
 * qXfer:libraries-svr4, the viewer's symbols). Every read is checked and
 * every walk bounded: the guest may hold any bytes there. */
#include <elf.h>
#include <string.h>

#include "debug.h"

uint64_t dbg_auxv(const Proc *p, int is32, uint64_t type) {
    uint32_t w = is32 ? 4 : 8;
    for (uint32_t off = 0; off + 2 * w <= p->auxv_len && off + 2 * w <= sizeof p->auxv;
         off += 2 * w) {
        uint64_t t = 0, v = 0;
        memcpy(&t, p->auxv + off, w);
        memcpy(&v, p->auxv + off + w, w);
        if (t == AT_NULL) break;
        if (t == type) return v;
    }
    return 0;
}

static uint64_t rd_ptr(Dbg *d, uint64_t a, int w, int *ok) {
    uint64_t v = 0;
    if (dbg_read_mem(d, a, &v, (size_t)w) != (size_t)w) *ok = 0;
    return v;
}

/* The r_debug the dynamic linker published through DT_DEBUG, or 0 (a static
 * program, or ld.so has not set it yet). */
static uint64_t find_r_debug(Dbg *d, int w) {
    const Proc *p = d->p;
    uint64_t phdr = dbg_auxv(p, w == 4, AT_PHDR), phnum = dbg_auxv(p, w == 4, AT_PHNUM);
    if (!phdr || phnum > 256) return 0;
    uint64_t bias = 0, dyn = 0;
    int have_bias = 0;
    for (uint64_t k = 0; k < phnum; k++) {
        uint32_t type = 0;
        uint64_t vaddr = 0;
        uint64_t e = phdr + k * (w == 8 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr));
        if (dbg_read_mem(d, e, &type, 4) != 4) return 0;
        if (dbg_read_mem(d, e + (w == 8 ? 16 : 8), &vaddr, (size_t)w) != (size_t)w) return 0;
        if (type == PT_PHDR) {
            bias = phdr - vaddr;
            have_bias = 1;
        }
        if (type == PT_DYNAMIC) dyn = vaddr;
    }
    if (!dyn || !have_bias) return 0;
    dyn += bias;
    for (int k = 0; k < 512; k++) {
        int ok = 1;
        uint64_t tag = rd_ptr(d, dyn + (uint64_t)k * 2 * w, w, &ok);
        uint64_t val = rd_ptr(d, dyn + (uint64_t)k * 2 * w + w, w, &ok);
        if (!ok || tag == DT_NULL) return 0;
        if (tag == DT_DEBUG) return val;
    }
    return 0;
}

int dbg_link_map(Dbg *d, int is32, DbgLib *out, int max, int *state) {
    int w = is32 ? 4 : 8, ok = 1;
    uint64_t rdebug = find_r_debug(d, w);
    if (!rdebug) return -1;
    /* struct r_debug: int r_version, then r_map, r_brk, r_state (each a word) */
    uint64_t lm = rd_ptr(d, rdebug + (uint64_t)w, w, &ok);
    uint64_t st = rd_ptr(d, rdebug + 3 * (uint64_t)w, 4, &ok);
    if (!ok) return -1;
    if (state) *state = (int)(uint32_t)st;
    int n = 0;
    for (int count = 0; lm && n < max && count < 512; count++) {
        DbgLib *l = &out[n];
        /* struct link_map: l_addr, l_name, l_ld, l_next */
        l->lm = lm;
        l->l_addr = rd_ptr(d, lm, w, &ok);
        uint64_t l_name = rd_ptr(d, lm + (uint64_t)w, w, &ok);
        l->l_ld = rd_ptr(d, lm + 2 * (uint64_t)w, w, &ok);
        uint64_t next = rd_ptr(d, lm + 3 * (uint64_t)w, w, &ok);
        if (!ok) break;
        l->name[0] = 0;
        if (l_name) { /* a short read at the end of a mapping still gives the name */
            size_t got = dbg_read_mem(d, l_name, l->name, sizeof l->name - 1);
            l->name[got < sizeof l->name ? got : sizeof l->name - 1] = 0;
        }
        n++;
        lm = next;
    }
    return n;
}
