/* Segments a 32-bit process defines for itself: set_thread_area and
 * get_thread_area (the three GDT TLS entries, 12-14 under the 64-bit
 * kernel, 6-8 under --kernel=i386) and modify_ldt (a local descriptor
 * table in the modelled kernel's memory).
 *
 * Descriptors are written into the guest kernel image's GDT and LDT, so
 * the CPU reads them exactly as hardware would when the program loads a
 * selector (mov %ax,%gs). Linux also reloads segment registers that
 * already hold a changed selector: set_thread_area reloads DS, ES, FS and
 * GS, modify_ldt DS and ES (64-bit kernels, refresh_ldt_segments). Under
 * the 64-bit kernel the return to user mode keeps the hidden descriptor
 * caches, so that reload is done here; the user's GS base sits in
 * KERNEL_GS_BASE while the kernel runs (SWAPGS on entry). The 32-bit
 * kernel pops every segment register from pt_regs on the way out, which
 * reloads them from the tables anyway. */
#include <string.h>

#include "compat32.h"
#include "kernel.h"
#include "kernel/kernel.h"
#include "kernel32/kernel32.h"

#define TLS_ENTRIES     3
#define LDT_ENTRIES     8192
#define LDT_BYTES       (LDT_ENTRIES * 8)
#define LDT_BASE64      0xffff880000000000ull /* Linux's LDT_BASE_ADDR (4-level paging) */
#define LDT_BASE32      0xff800000ull         /* above the 32-bit kernel image */
#define GDT32_ENTRY_LDT 17

/* struct user_desc: entry_number, base_addr, limit, then flag bits. */
typedef struct UserDesc {
    uint32_t entry, base, limit;
    unsigned seg_32bit, contents, read_exec_only, limit_in_pages, seg_not_present, useable, lm;
} UserDesc;

static void parse_desc(const uint32_t u[4], UserDesc *i) {
    i->entry = u[0];
    i->base = u[1];
    i->limit = u[2];
    i->seg_32bit = u[3] & 1;
    i->contents = (u[3] >> 1) & 3;
    i->read_exec_only = (u[3] >> 3) & 1;
    i->limit_in_pages = (u[3] >> 4) & 1;
    i->seg_not_present = (u[3] >> 5) & 1;
    i->useable = (u[3] >> 6) & 1;
    i->lm = (u[3] >> 7) & 1;
}

/* The "empty" descriptor (read_exec_only and seg_not_present, all else 0)
 * and the all-zero one both mean "no segment". */
static int desc_empty(const UserDesc *i) {
    return !i->base && !i->limit && !i->contents && i->read_exec_only && !i->seg_32bit &&
           !i->limit_in_pages && i->seg_not_present && !i->useable && !i->lm;
}
static int desc_zero(const UserDesc *i) {
    return !i->base && !i->limit && !i->contents && !i->read_exec_only && !i->seg_32bit &&
           !i->limit_in_pages && !i->seg_not_present && !i->useable;
}

/* fill_ldt: a DPL 3 code/data descriptor, accessed bit set, L clear. */
static uint64_t make_desc(const UserDesc *i) {
    uint64_t type = (uint64_t)((i->read_exec_only ^ 1) << 1 | i->contents << 2 | 1);
    return (i->limit & 0xffffull) | (uint64_t)(i->base & 0xffffff) << 16 | type << 40 |
           1ull << 44 /* S */ | 3ull << 45 /* DPL */ | (uint64_t)(i->seg_not_present ^ 1) << 47 |
           (uint64_t)((i->limit >> 16) & 0xf) << 48 | (uint64_t)i->useable << 52 |
           (uint64_t)i->seg_32bit << 54 | (uint64_t)i->limit_in_pages << 55 |
           (uint64_t)(i->base >> 24) << 56;
}

static uint64_t d_base(uint64_t d) { return ((d >> 16) & 0xffffff) | ((d >> 56) & 0xff) << 24; }
static uint32_t d_limit(uint64_t d) {
    uint32_t l = (uint32_t)((d & 0xffff) | ((d >> 48) & 0xf) << 16);
    return (d >> 55) & 1 ? l << 12 | 0xfff : l;
}
static uint16_t d_attr(uint64_t d) {
    return (uint16_t)(((d >> 40) & 0xff) | ((d >> 52) & 0xf) << 12);
}

/* fill_user_desc: the descriptor as get_thread_area reports it. */
static void desc_to_user(uint64_t d, uint32_t idx, uint32_t u[4]) {
    uint32_t type = (uint32_t)(d >> 40) & 0xf;
    u[0] = idx;
    u[1] = (uint32_t)d_base(d);
    u[2] = (uint32_t)((d & 0xffff) | ((d >> 48) & 0xf) << 16);
    u[3] = (uint32_t)((d >> 54) & 1) | (type >> 2) << 1 | (uint32_t) !(type & 2) << 3 |
           (uint32_t)((d >> 55) & 1) << 4 | (uint32_t) !((d >> 47) & 1) << 5 |
           (uint32_t)((d >> 52) & 1) << 6 | (uint32_t)((d >> 53) & 1) << 7;
}

static uint64_t gdt_base(Proc *p) { return p->kernel32 ? kernel32_gdt() : kernel_symbol(KSYM_GDT); }
static unsigned tls_min(Proc *p) { return p->kernel32 ? GDT32_ENTRY_TLS_MIN : GDT_ENTRY_TLS_MIN; }

static int gdt_read(Proc *p, unsigned idx, uint64_t *d) {
    return mem_read(p->mem, d, gdt_base(p) + idx * 8ull, 8, MEM_R);
}
static int gdt_write(Proc *p, unsigned idx, const void *d, size_t n) {
    return mem_write(p->mem, gdt_base(p) + idx * 8ull, d, n, MEM_W);
}

/* The descriptor a selector names (GDT or LDT), 0 when outside the table. */
static uint64_t lookup(Proc *p, uint16_t sel) {
    Cpu *c = p->cpu;
    uint64_t d = 0, base;
    uint32_t limit;
    if (sel & 4) {
        if (!c->seg[SEG_LDTR].sel) return 0;
        base = c->seg[SEG_LDTR].base, limit = c->seg[SEG_LDTR].limit;
    } else {
        base = gdt_base(p), limit = c->gdtr.limit;
    }
    if ((sel & 0xfff8u) + 7u > limit || mem_read(p->mem, &d, base + (sel & 0xfff8u), 8, MEM_R))
        return 0;
    return d;
}

/* loadsegment() of a user data segment register: the descriptor must be
 * a present, readable, DPL 3 code/data segment, else (Linux's fault
 * fixup) the register ends up with the null selector. */
static void reload(Proc *p, int s, uint16_t sel) {
    Cpu *c = p->cpu;
    uint64_t d = lookup(p, sel);
    uint16_t at = d_attr(d);
    int ok = (at & SEGA_P) && (at & SEGA_S) && SEGA_DPL(at) == 3 && (at & 0xa) != 0x8;
    uint64_t base = ok ? d_base(d) : 0;
    uint32_t limit = ok ? d_limit(d) : 0;
    if (!ok) sel = 0, at = 0;
    if (s == SEG_GS) { /* the user's base waits in KERNEL_GS_BASE until SWAPGS */
        c->kernel_gs_base = base;
        cpu_load_seg_raw(c, s, sel, c->seg[SEG_GS].base, limit, at);
    } else {
        cpu_load_seg_raw(c, s, sel, base, limit, at);
    }
}

static void refresh(Proc *p, int which_table_ldt, uint16_t modified) {
    static const int segs[4] = {SEG_ES, SEG_DS, SEG_FS, SEG_GS};
    if (p->kernel32) return; /* the exit path reloads them from pt_regs */
    for (int k = 0; k < 4; k++) {
        uint16_t sel = p->cpu->seg[segs[k]].sel;
        if (which_table_ldt ? (k < 2 && (sel & 4)) : sel == modified) reload(p, segs[k], sel);
    }
}

/* ---- set_thread_area / get_thread_area ------------------------------------------------- */

int64_t c32_set_thread_area(Proc *p, const uint64_t a[6]) {
    uint32_t u[4];
    UserDesc i;
    if (copy_from_user(p, u, a[0], sizeof u)) return -EFAULT;
    parse_desc(u, &i);
    int empty = desc_empty(&i) || desc_zero(&i);
    /* tls_desc_okay: 32-bit data segments, present */
    if (!empty && (!i.seg_32bit || i.contents > 1 || i.seg_not_present)) return -EINVAL;
    unsigned min = tls_min(p);
    int32_t idx = (int32_t)i.entry;
    if (idx == -1) {
        for (unsigned k = 0; k < TLS_ENTRIES && idx == -1; k++) {
            uint64_t d;
            if (gdt_read(p, min + k, &d) == 0 && d == 0) idx = (int32_t)(min + k);
        }
        if (idx == -1) return -ESRCH;
        if (put_user_u32(p, a[0], (uint32_t)idx)) return -EFAULT;
    }
    if (idx < (int32_t)min || idx >= (int32_t)(min + TLS_ENTRIES)) return -EINVAL;
    uint64_t d = empty ? 0 : make_desc(&i);
    if (gdt_write(p, (unsigned)idx, &d, 8)) return -EFAULT; /* cannot happen: the GDT is ours */
    refresh(p, 0, (uint16_t)(idx << 3 | 3));
    return 0;
}

int64_t c32_get_thread_area(Proc *p, const uint64_t a[6]) {
    uint32_t idx, u[4];
    uint64_t d;
    if (copy_from_user(p, &idx, a[0], 4)) return -EFAULT;
    unsigned min = tls_min(p);
    if (idx < min || idx >= min + TLS_ENTRIES) return -EINVAL;
    if (gdt_read(p, idx, &d)) return -EFAULT;
    desc_to_user(d, idx, u);
    return copy_to_user(p, a[0], u, sizeof u) ? -EFAULT : 0;
}

/* ---- modify_ldt ---------------------------------------------------------------------------- */

static uint64_t ldt_addr(Proc *p) { return p->kernel32 ? LDT_BASE32 : LDT_BASE64; }

/* Entries in use (LDTR's limit + 1 over 8), 0 when there is no LDT. */
static uint32_t ldt_entries(Proc *p) {
    const Segment *l = &p->cpu->seg[SEG_LDTR];
    return l->sel ? (l->limit + 1) / 8 : 0;
}

/* Install an LDT of n entries: its system descriptor in the GDT and LDTR
 * (LLDT), as Linux's load_mm_ldt does. */
static void ldt_install(Proc *p, uint32_t n) {
    uint64_t base = ldt_addr(p);
    uint32_t limit = n * 8 - 1;
    uint64_t d[2] = {(limit & 0xffffull) | (base & 0xffffff) << 16 | 0x82ull << 40 /* P, LDT */ |
                         (uint64_t)((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56,
                     base >> 32};
    unsigned entry = p->kernel32 ? GDT32_ENTRY_LDT : GDT_ENTRY_LDT;
    gdt_write(p, entry, d, p->kernel32 ? 8 : 16);
    cpu_load_seg_raw(p->cpu, SEG_LDTR, (uint16_t)(entry * 8), base, limit, 0x82);
}

static int64_t read_ldt(Proc *p, uint64_t ptr, uint64_t count) {
    uint32_t n = ldt_entries(p);
    if (!n) return 0;
    if (count > LDT_BYTES) count = LDT_BYTES;
    uint64_t have = (uint64_t)n * 8 < count ? (uint64_t)n * 8 : count;
    if (mem_read(p->mem, sys_bounce, ldt_addr(p), have, MEM_R)) return -EFAULT;
    memset(sys_bounce + have, 0, count - have); /* the rest reads as zeros */
    return copy_to_user(p, ptr, sys_bounce, count) ? -EFAULT : (int64_t)count;
}

/* The "default LDT": zeros, 128 bytes under a 64-bit kernel, 5 entries
 * under a 32-bit one. */
static int64_t read_default_ldt(Proc *p, uint64_t ptr, uint64_t count) {
    uint64_t size = p->kernel32 ? 40 : 128;
    if (count > size) count = size;
    memset(sys_bounce, 0, count);
    return copy_to_user(p, ptr, sys_bounce, count) ? -EFAULT : (int64_t)count;
}

static int64_t write_ldt(Proc *p, uint64_t ptr, uint64_t count, int oldmode) {
    uint32_t u[4];
    UserDesc i;
    if (count != sizeof u) return -EINVAL;
    if (copy_from_user(p, u, ptr, sizeof u)) return -EFAULT;
    parse_desc(u, &i);
    if (i.entry >= LDT_ENTRIES) return -EINVAL;
    if (i.contents == 3 && (oldmode || !i.seg_not_present)) return -EINVAL;
    uint64_t d = 0;
    if (!((oldmode && !i.base && !i.limit) || desc_empty(&i))) {
        d = make_desc(&i);
        if (oldmode) d &= ~(1ull << 52); /* AVL */
    }
    uint64_t base = ldt_addr(p);
    uint32_t n = ldt_entries(p);
    if (!n) {
        if (!mem_find_free(p->mem, LDT_BYTES, base, base + LDT_BYTES) ||
            mem_map(p->mem, base, LDT_BYTES, MEM_R | MEM_W, "[ldt]"))
            return -ENOMEM;
    }
    if (mem_write(p->mem, base + i.entry * 8ull, &d, 8, MEM_W)) return -ENOMEM;
    ldt_install(p, i.entry + 1 > n ? i.entry + 1 : n);
    refresh(p, 1, 0);
    return 0;
}

int64_t c32_modify_ldt(Proc *p, const uint64_t a[6]) {
    uint64_t ptr = a[1], count = (uint32_t)a[2];
    switch ((int)a[0]) {
    case 0: return read_ldt(p, ptr, count);
    case 1: return write_ldt(p, ptr, count, 1);
    case 2: return read_default_ldt(p, ptr, count);
    case 0x11: return write_ldt(p, ptr, count, 0);
    default: return -ENOSYS;
    }
}
