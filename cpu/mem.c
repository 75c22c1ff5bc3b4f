/* Guest address space: page map, lazy host backing, region list, file
 * mappings backed by the host's mmap of the file. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "mem.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <ucontext.h>
#include <unistd.h>

/* Leaf entry: host page pointer (page aligned, or 0 when untouched) | prot
 * bits in the low 12 bits. 0 means unmapped. MEM_PRESENT marks mapped pages
 * whose prot may be 0 (PROT_NONE). */
#define MEM_PRESENT  0x800
#define MEM_FILE     0x400 /* the host page is a file mapping's, not the allocator's */
#define LEAF_PROT(e) ((int)((e)&0x7ff))
#define LEAF_HOST(e) ((uint8_t *)(uintptr_t)((e) & ~(uintptr_t)0xfff))

typedef uintptr_t Leaf;
typedef struct L1 {
    Leaf e[512];
} L1; /* 2 MiB */
typedef struct L2 {
    L1 *t[512];
} L2; /* 1 GiB */
typedef struct L3 {
    L2 *t[512];
} L3; /* 512 GiB */

#define CHUNK_PAGES 512 /* host pages are carved from 2 MiB chunks */

struct Mem {
    L3 *top[512];
    MemRegion **regs; /* sorted; separately allocated, so inserts move pointers only */
    size_t nregs, capregs;
    /* host page allocator */
    uint8_t *chunk;
    size_t chunk_used;
    void **free_pages; /* recycled host pages */
    size_t nfree, capfree;
    uint8_t **chunks;
    size_t nchunks, capchunks;
    /* pages holding decoded code */
    uint64_t *code_pages;
    size_t ncode, capcode;
    MemChangeFn on_change;
    void *on_change_ud;
    uint64_t gen; /* mem_generation() */
    MemHostFaultFn on_host_fault;
    void *on_host_fault_ud;
    MemUserWriteFn on_user_write;
    void *on_user_write_ud;
    Mem *next_all; /* every live Mem, for the host SIGBUS handler */
};

static Mem *mem_all;

static int grow(void **p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return 0;
    size_t n = *cap ? *cap * 2 : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q) return -1;
    *p = q;
    *cap = n;
    return 0;
}

Mem *mem_new(void) {
    Mem *m = calloc(1, sizeof(Mem));
    if (m) {
        m->next_all = mem_all;
        mem_all = m;
    }
    return m;
}

void mem_free(Mem *m) {
    if (!m) return;
    for (int a = 0; a < 512; a++) {
        L3 *l3 = m->top[a];
        if (!l3) continue;
        for (int b = 0; b < 512; b++) {
            L2 *l2 = l3->t[b];
            if (!l2) continue;
            for (int c = 0; c < 512; c++)
                free(l2->t[c]);
            free(l2);
        }
        free(l3);
    }
    for (Mem **pp = &mem_all; *pp; pp = &(*pp)->next_all)
        if (*pp == m) {
            *pp = m->next_all;
            break;
        }
    for (size_t i = 0; i < m->nregs; i++) {
        if (m->regs[i]->host) munmap(m->regs[i]->host, m->regs[i]->end - m->regs[i]->start);
        free(m->regs[i]);
    }
    for (size_t i = 0; i < m->nchunks; i++)
        munmap(m->chunks[i], CHUNK_PAGES * PAGE_SIZE);
    free(m->chunks);
    free(m->free_pages);
    free(m->regs);
    free(m->code_pages);
    free(m);
}

static Leaf *leaf(Mem *m, uint64_t a, int create) {
    unsigned i4 = (a >> 39) & 511, i3 = (a >> 30) & 511, i2 = (a >> 21) & 511, i1 = (a >> 12) & 511;
    L3 *l3 = m->top[i4];
    if (!l3) {
        if (!create || !(l3 = m->top[i4] = calloc(1, sizeof(L3)))) return NULL;
    }
    L2 *l2 = l3->t[i3];
    if (!l2) {
        if (!create || !(l2 = l3->t[i3] = calloc(1, sizeof(L2)))) return NULL;
    }
    L1 *l1 = l2->t[i2];
    if (!l1) {
        if (!create || !(l1 = l2->t[i2] = calloc(1, sizeof(L1)))) return NULL;
    }
    return &l1->e[i1];
}

static uint8_t *host_page_alloc(Mem *m) {
    if (m->nfree) {
        uint8_t *p = m->free_pages[--m->nfree];
        memset(p, 0, PAGE_SIZE);
        return p;
    }
    if (!m->chunk || m->chunk_used == CHUNK_PAGES) {
        void *c = mmap(NULL, CHUNK_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (c == MAP_FAILED) return NULL;
        if (grow((void **)&m->chunks, &m->capchunks, m->nchunks + 1, sizeof(*m->chunks)) < 0) {
            munmap(c, CHUNK_PAGES * PAGE_SIZE);
            return NULL;
        }
        m->chunks[m->nchunks++] = c;
        m->chunk = c;
        m->chunk_used = 0;
    }
    return m->chunk + PAGE_SIZE * m->chunk_used++;
}

static void host_page_release(Mem *m, uint8_t *p) {
    if (!p) return;
    if (grow((void **)&m->free_pages, &m->capfree, m->nfree + 1, sizeof(void *)) < 0) return;
    m->free_pages[m->nfree++] = p;
}

/* ---- regions ---- */

static void set_name(MemRegion *r, const char *name) {
    size_t n = name ? strnlen(name, MEM_NAME_MAX - 1) : 0;
    memcpy(r->name, name ? name : "", n);
    r->name[n] = 0;
}

/* A copy of r (its name without the unused tail); NULL when out of memory. */
static MemRegion *region_dup(const MemRegion *r) {
    MemRegion *n = malloc(sizeof *n);
    if (!n) return NULL;
    memcpy(n, r, offsetof(MemRegion, name));
    set_name(n, r->name);
    return n;
}

static size_t region_first_after(Mem *m, uint64_t addr) {
    /* first region with end > addr */
    size_t lo = 0, hi = m->nregs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->regs[mid]->end <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Put r at index i of the list (r owned by the list from then on). */
static int region_put(Mem *m, size_t i, MemRegion *r) {
    if (grow((void **)&m->regs, &m->capregs, m->nregs + 1, sizeof(MemRegion *)) < 0) return -1;
    memmove(&m->regs[i + 1], &m->regs[i], (m->nregs - i) * sizeof(MemRegion *));
    m->regs[i] = r;
    m->nregs++;
    return 0;
}

/* Give up the host file pages of [s, e) within r. */
static void host_drop(MemRegion *r, uint64_t s, uint64_t e) {
    if (!r->host) return;
    if (s < r->start) s = r->start;
    if (e > r->end) e = r->end;
    if (s < e) munmap(r->host + (s - r->start), e - s);
}

/* Make a a region boundary: the region spanning it is split in two (file
 * offset and host pages follow the upper half). */
static int region_split_at(Mem *m, uint64_t a) {
    size_t i = region_first_after(m, a);
    if (i >= m->nregs || m->regs[i]->start >= a) return 0;
    MemRegion *r = m->regs[i], *hi = region_dup(r);
    if (!hi || region_put(m, i + 1, hi) < 0) {
        free(hi);
        return -1;
    }
    r->end = a;
    hi->offset += a - hi->start;
    if (hi->host) hi->host += a - hi->start;
    hi->start = a;
    return 0;
}

/* Remove [s,e) from the region list, splitting regions as needed; the host
 * pages of file mappings in the range are unmapped. */
static int regions_cut(Mem *m, uint64_t s, uint64_t e) {
    if (region_split_at(m, s) < 0 || region_split_at(m, e) < 0) return -1;
    size_t i = region_first_after(m, s), j = i;
    while (j < m->nregs && m->regs[j]->start < e) {
        host_drop(m->regs[j], s, e);
        free(m->regs[j]);
        j++;
    }
    if (j > i) { /* (an empty list has no array: no pointer arithmetic on NULL) */
        memmove(&m->regs[i], &m->regs[j], (m->nregs - j) * sizeof(MemRegion *));
        m->nregs -= j - i;
    }
    return 0;
}

/* A new region [s,e) replacing whatever was there; NULL when out of memory. */
static MemRegion *regions_insert(Mem *m, uint64_t s, uint64_t e, int prot, const char *name) {
    MemRegion *r = malloc(sizeof *r);
    if (!r) return NULL;
    memset(r, 0, offsetof(MemRegion, name));
    set_name(r, name); /* before the cut: name may be a cut region's */
    r->start = s;
    r->end = e;
    r->prot = prot;
    if (regions_cut(m, s, e) < 0 || region_put(m, region_first_after(m, s), r) < 0) {
        free(r);
        return NULL;
    }
    return r;
}

static int range_ok(uint64_t addr, uint64_t len) {
    if ((addr | len) & (PAGE_SIZE - 1) || len == 0) return 0;
    uint64_t end = addr + len - 1;
    if (end < addr) return 0;
    if (!mem_canonical(addr) || !mem_canonical(end)) return 0;
    /* both ends in the same canonical half */
    return (addr >> 47) == (end >> 47);
}

static void notify(Mem *m, int code) {
    m->gen++;
    if (m->on_change) m->on_change(m->on_change_ud, code);
}

/* Visit the materialised leaves of [addr, addr+len), skipping absent
 * subtrees, so ranges of any size cost what is actually populated. */
static void leaves_in(Mem *m, uint64_t addr, uint64_t len,
                      void (*fn)(Mem *, Leaf *, uint64_t, void *), void *ctx) {
    uint64_t a = addr, end = addr + len;
    while (a < end) {
        unsigned i4 = (a >> 39) & 511, i3 = (a >> 30) & 511, i2 = (a >> 21) & 511;
        uint64_t step;
        L3 *l3 = m->top[i4];
        if (!l3) {
            step = 1ull << 39;
            goto next;
        }
        L2 *l2 = l3->t[i3];
        if (!l2) {
            step = 1ull << 30;
            goto next;
        }
        L1 *l1 = l2->t[i2];
        if (!l1) {
            step = 1ull << 21;
            goto next;
        }
        fn(m, &l1->e[(a >> 12) & 511], a, ctx);
        step = PAGE_SIZE;
    next:;
        uint64_t n = (a & ~(step - 1)) + step;
        if (n <= a) break; /* wrapped at the top of the space */
        a = n;
    }
}

typedef struct LeafCtx {
    int code;
    int prot;
    int64_t delta; /* leaf_move: destination - source */
} LeafCtx;

/* Forget a leaf: it is materialised again from the region list on use
 * (anonymous pages are given back, file pages stay the region's). */
static void leaf_clear(Mem *m, Leaf *l, uint64_t a, void *ctx) {
    LeafCtx *x = ctx;
    (void)a;
    if (*l & MEM_CODE) x->code = 1;
    if (!(*l & MEM_FILE)) host_page_release(m, LEAF_HOST(*l));
    *l = 0;
}
static void leaf_reprot(Mem *m, Leaf *l, uint64_t a, void *ctx) {
    LeafCtx *x = ctx;
    (void)m, (void)a;
    if (!*l) return;
    if (*l & MEM_CODE) x->code = 1;
    *l = (*l & ~(Leaf)0x7ff) | MEM_PRESENT | x->prot | (*l & (MEM_CODE | MEM_FILE));
}
/* An anonymous page moves to a + delta with its contents (mremap). */
static void leaf_move(Mem *m, Leaf *l, uint64_t a, void *ctx) {
    LeafCtx *x = ctx;
    if (!*l) return;
    if (*l & MEM_CODE) x->code = 1;
    Leaf *d = leaf(m, a + (uint64_t)x->delta, 1);
    if (d)
        *d = *l & ~(Leaf)MEM_CODE;
    else
        host_page_release(m, LEAF_HOST(*l)); /* no memory for the page table: zeros */
    *l = 0;
}

/* ---- host file mappings and their faults ---- */

static int host_prot(int prot) { return PROT_READ | ((prot & MEM_W) ? PROT_WRITE : 0); }

/* A host SIGBUS on a file page is caught here: while a probe or a copy of
 * this file is armed it fails that; otherwise the owner of the mapping
 * (mem_on_host_fault) turns it into the guest's fault. */
static _Thread_local sigjmp_buf bus_jb;
static _Thread_local volatile sig_atomic_t bus_armed;

static int host_file_region(const uint8_t *h, Mem **mp, const MemRegion **rp) {
    for (Mem *m = mem_all; m; m = m->next_all)
        for (size_t i = 0; i < m->nregs; i++) {
            const MemRegion *r = m->regs[i];
            if (r->host && h >= r->host && h < r->host + (r->end - r->start)) {
                *mp = m;
                *rp = r;
                return 1;
            }
        }
    return 0;
}

static void host_sigbus(int sig, siginfo_t *si, void *ucv) {
    if (bus_armed) {
        bus_armed = 0;
        siglongjmp(bus_jb, 1);
    }
    ucontext_t *uc = ucv;
    Mem *m;
    const MemRegion *r;
    if (host_file_region(si->si_addr, &m, &r) && m->on_host_fault) {
        /* The handler runs with a fresh FPU state; the guest's rounding
         * and masks are the host's while it runs (cpu_run). */
        if (uc->uc_mcontext.fpregs) {
            uint32_t csr = uc->uc_mcontext.fpregs->mxcsr;
            uint16_t cw = uc->uc_mcontext.fpregs->cwd;
            __asm__ volatile("ldmxcsr %0\n\tfldcw %1" ::"m"(csr), "m"(cw));
        }
        int wr = (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0; /* the host's #PF error code */
        m->on_host_fault(m->on_host_fault_ud, r->start + ((const uint8_t *)si->si_addr - r->host),
                         wr);
    }
    static const char msg[] = "ringside: host SIGBUS outside guest execution (a file mapping "
                              "shrank under ringside itself)\n";
    ssize_t n = write(2, msg, sizeof msg - 1);
    (void)n;
    signal(sig, SIG_DFL); /* the access repeats and takes the default action */
}

static void install_sigbus(void) {
    static int done;
    if (done) return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = host_sigbus;
    /* NODEFER: the handler leaves by longjmp, SIGBUS must stay unblocked */
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGBUS, &sa, NULL) == 0) done = 1;
}

/* 1 when the host page at h can be read (0: past the end of the file). */
static __attribute__((noinline)) int host_probe(const uint8_t *h) {
    if (sigsetjmp(bus_jb, 0)) return 0;
    bus_armed = 1;
    (void)*(const volatile uint8_t *)h;
    bus_armed = 0;
    return 1;
}

/* memcpy that fails (-1) instead of faulting when a file page is gone. */
static __attribute__((noinline)) int file_copy(void *d, const void *s, size_t n) {
    if (sigsetjmp(bus_jb, 0)) return -1;
    bus_armed = 1;
    memcpy(d, s, n);
    bus_armed = 0;
    return 0;
}

static int copy_page(void *d, const void *s, size_t n, int file) {
    if (file) return file_copy(d, s, n);
    memcpy(d, s, n);
    return 0;
}

void mem_on_host_fault(Mem *m, MemHostFaultFn fn, void *ud) {
    m->on_host_fault = fn;
    m->on_host_fault_ud = ud;
}

/* ---- mapping ---- */

/* The page map is a cache of the region list: mapping a range only
 * records the region (and drops stale leaves); leaves are created when a
 * page is first used. A 1 TiB PROT_NONE reservation costs nothing. */
int mem_map(Mem *m, uint64_t addr, uint64_t len, int prot, const char *name) {
    if (!range_ok(addr, len)) return -1;
    LeafCtx x = {0};
    leaves_in(m, addr, len, leaf_clear, &x);
    if (!regions_insert(m, addr, addr + len, prot & (MEM_R | MEM_W | MEM_X | MEM_U), name))
        return -1;
    notify(m, x.code);
    return 0;
}

int mem_map_file(Mem *m, uint64_t addr, uint64_t len, int prot, int fd, uint64_t off, int flags,
                 const char *name) {
    if (!range_ok(addr, len) || (off & (PAGE_SIZE - 1))) {
        errno = EINVAL;
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) return -1;
    prot &= MEM_R | MEM_W | MEM_X | MEM_U;
    int hflags = (flags & MEM_SHARED) ? MAP_SHARED : MAP_PRIVATE;
    if (flags & MEM_NORESERVE) hflags |= MAP_NORESERVE;
    if (flags & MEM_POPULATE) hflags |= MAP_POPULATE;
    /* Anywhere in ringside's space: guest and host layouts are independent,
     * each guest page points at its host page. */
    void *h = mmap(NULL, len, host_prot(prot), hflags, fd, (off_t)off);
    if (h == MAP_FAILED) return -1;
    install_sigbus();
    LeafCtx x = {0};
    leaves_in(m, addr, len, leaf_clear, &x);
    MemRegion *r = regions_insert(m, addr, addr + len, prot, name);
    if (!r) {
        munmap(h, len);
        errno = ENOMEM;
        return -1;
    }
    r->offset = off;
    r->dev = st.st_dev;
    r->inode = st.st_ino;
    r->shared = (flags & MEM_SHARED) != 0;
    r->account = !r->shared && (prot & MEM_W) && !(flags & MEM_NORESERVE);
    r->host = h;
    notify(m, x.code);
    return 0;
}

int mem_unmap(Mem *m, uint64_t addr, uint64_t len) {
    if (!range_ok(addr, len)) return -1;
    LeafCtx x = {0};
    leaves_in(m, addr, len, leaf_clear, &x);
    regions_cut(m, addr, addr + len);
    notify(m, x.code);
    return 0;
}

int mem_protect(Mem *m, uint64_t addr, uint64_t len, int prot) {
    if (!range_ok(addr, len) || !mem_is_mapped(m, addr, len)) {
        errno = ENOMEM;
        return -1;
    }
    prot &= MEM_R | MEM_W | MEM_X | MEM_U;
    uint64_t end = addr + len;
    if (region_split_at(m, addr) < 0 || region_split_at(m, end) < 0) {
        errno = ENOMEM;
        return -1;
    }
    int code = 0, rc = 0;
    for (size_t i = region_first_after(m, addr); i < m->nregs && m->regs[i]->start < end; i++) {
        MemRegion *r = m->regs[i];
        /* the host mapping is writable exactly when the guest's is, so the
         * host decides EACCES (read-only shared file) and commit charges */
        if (r->host && ((r->prot ^ prot) & MEM_W) &&
            mprotect(r->host, r->end - r->start, host_prot(prot)) < 0) {
            rc = -1;
            break;
        }
        LeafCtx x = {0, prot, 0};
        leaves_in(m, r->start, r->end - r->start, leaf_reprot, &x);
        code |= x.code;
        if (r->host && !r->shared && (prot & MEM_W)) r->account = 1; /* mprotect charges it */
        r->prot = prot;
    }
    notify(m, code);
    return rc;
}

/* ---- mremap ---- */

/* Index of the region starting exactly at a, or -1. */
static long region_index(Mem *m, uint64_t a) {
    size_t i = region_first_after(m, a);
    return i < m->nregs && m->regs[i]->start == a ? (long)i : -1;
}

/* A region like src (protection, name, file identity) at the free range
 * [s, e); its host pages are the caller's to set. */
static MemRegion *region_clone(Mem *m, const MemRegion *src, uint64_t s, uint64_t e) {
    MemRegion *r = regions_insert(m, s, e, src->prot, src->name);
    if (!r) return NULL;
    r->offset = src->offset;
    r->dev = src->dev;
    r->inode = src->inode;
    r->shared = src->shared;
    r->account = src->account;
    return r;
}

/* Move one region [s, e) (a whole region) to d, growing it by extra. */
static int move_region(Mem *m, uint64_t s, uint64_t e, uint64_t d, uint64_t extra, int keep_old,
                       int *code) {
    long i = region_index(m, s);
    if (i < 0) return -1;
    MemRegion *oldr = m->regs[i];
    uint8_t *old_host = oldr->host;
    uint64_t n = e - s;
    uint8_t *nh = NULL;
    if (old_host) {
        int fl = MREMAP_MAYMOVE | (keep_old ? MREMAP_DONTUNMAP : 0);
        void *q = mremap(old_host, n, n + extra, fl);
        if (q == MAP_FAILED) return -1;
        nh = q;
        /* the old host range is gone (or, DONTUNMAP, still the file's) */
        if (!keep_old) oldr->host = NULL;
        LeafCtx x = {0};
        leaves_in(m, s, n, leaf_clear, &x);
        *code |= x.code;
    } else {
        LeafCtx x = {0, 0, (int64_t)(d - s)};
        leaves_in(m, s, n, leaf_move, &x);
        *code |= x.code;
    }
    MemRegion *r = region_clone(m, oldr, d, d + n + extra);
    if (!r) {
        if (nh) munmap(nh, n + extra);
        errno = ENOMEM;
        return -1;
    }
    r->host = nh;
    if (!keep_old) regions_cut(m, s, e); /* its host pages (if any) already moved */
    return 0;
}

int mem_move(Mem *m, uint64_t old, uint64_t old_len, uint64_t dst, uint64_t new_len, int keep_old) {
    if (!range_ok(dst, new_len)) {
        errno = EINVAL;
        return -1;
    }
    int code = 0;
    if (old_len == 0) {
        /* a second mapping of a shared file mapping's pages */
        const MemRegion *r = mem_region(m, old);
        if (!r || !r->host || !r->shared) {
            errno = EINVAL;
            return -1;
        }
        void *q = mremap(r->host + ((old & PAGE_MASK) - r->start), 0, new_len, MREMAP_MAYMOVE);
        if (q == MAP_FAILED) return -1;
        uint64_t off = r->offset + ((old & PAGE_MASK) - r->start);
        MemRegion *n = region_clone(m, r, dst, dst + new_len);
        if (!n) {
            munmap(q, new_len);
            errno = ENOMEM;
            return -1;
        }
        n->offset = off;
        n->host = q;
        notify(m, 0);
        return 0;
    }
    if (!range_ok(old, old_len) || !mem_is_mapped(m, old, old_len)) {
        errno = EFAULT;
        return -1;
    }
    if (new_len < old_len) {
        mem_unmap(m, old + new_len, old_len - new_len);
        old_len = new_len;
    }
    uint64_t end = old + old_len;
    if (region_split_at(m, old) < 0 || region_split_at(m, end) < 0) {
        errno = ENOMEM;
        return -1;
    }
    /* region by region, from the first; the last one takes the growth */
    uint64_t a = old;
    while (a < end) {
        size_t i = region_first_after(m, a);
        uint64_t e = m->regs[i]->end;
        uint64_t extra = e == end ? new_len - old_len : 0;
        if (move_region(m, a, e, dst + (a - old), extra, keep_old, &code) < 0) {
            notify(m, 1);
            return -1;
        }
        a = e;
    }
    notify(m, code);
    return 0;
}

int mem_grow(Mem *m, uint64_t addr, uint64_t old_len, uint64_t new_len) {
    uint64_t tail = addr + old_len, extra = new_len - old_len;
    if (new_len <= old_len || !range_ok(addr, new_len)) {
        errno = EINVAL;
        return -1;
    }
    size_t i = region_first_after(m, tail - 1);
    if (i >= m->nregs || m->regs[i]->end != tail || m->regs[i]->start >= tail ||
        !(i + 1 >= m->nregs || m->regs[i + 1]->start >= tail + extra)) {
        errno = EFAULT;
        return -1;
    }
    MemRegion *r = m->regs[i];
    int code = 0;
    if (r->host) {
        uint64_t n = r->end - r->start;
        void *q = mremap(r->host, n, n + extra, MREMAP_MAYMOVE);
        if (q == MAP_FAILED) return -1;
        if (q != r->host) {
            /* the host moved the pages: the leaves point at the old place */
            LeafCtx x = {0};
            leaves_in(m, r->start, n, leaf_clear, &x);
            code = x.code;
            r->host = q;
        }
    }
    r->end = tail + extra;
    notify(m, code);
    return 0;
}

/* ---- advice and sync ---- */

int mem_discard(Mem *m, uint64_t addr, uint64_t len, int remove) {
    if (!range_ok(addr, len)) {
        errno = EINVAL;
        return -1;
    }
    uint64_t end = addr + len;
    int code = 0;
    for (size_t i = region_first_after(m, addr); i < m->nregs && m->regs[i]->start < end; i++) {
        MemRegion *r = m->regs[i];
        uint64_t s = r->start > addr ? r->start : addr, e = r->end < end ? r->end : end;
        if (remove && !(r->host && r->shared)) {
            errno = EINVAL;
            return -1;
        }
        if (r->host) {
            if (madvise(r->host + (s - r->start), e - s, remove ? MADV_REMOVE : MADV_DONTNEED) < 0)
                return -1;
        } else {
            LeafCtx x = {0};
            leaves_in(m, s, e - s, leaf_clear, &x);
            code |= x.code;
        }
    }
    notify(m, code);
    return 0;
}

int mem_sync(Mem *m, uint64_t addr, uint64_t len, int host_flags) {
    if (!range_ok(addr, len)) {
        errno = EINVAL;
        return -1;
    }
    uint64_t end = addr + len;
    for (size_t i = region_first_after(m, addr); i < m->nregs && m->regs[i]->start < end; i++) {
        MemRegion *r = m->regs[i];
        if (!r->host || !r->shared) continue;
        uint64_t s = r->start > addr ? r->start : addr, e = r->end < end ? r->end : end;
        if (msync(r->host + (s - r->start), e - s, host_flags) < 0) return -1;
    }
    return 0;
}

/* ---- queries ---- */

int mem_is_mapped(Mem *m, uint64_t addr, uint64_t len) {
    if (!range_ok(addr, len)) return 0;
    size_t i = region_first_after(m, addr);
    uint64_t a = addr, end = addr + len;
    while (a < end) {
        if (i >= m->nregs || m->regs[i]->start > a) return 0;
        a = m->regs[i]->end;
        i++;
    }
    return 1;
}

uint64_t mem_find_free(Mem *m, uint64_t len, uint64_t floor, uint64_t below) {
    if (len == 0 || (len & (PAGE_SIZE - 1)) || below < len) return 0;
    uint64_t top = below & PAGE_MASK;
    /* walk regions from the highest one below `top` downwards */
    size_t i = region_first_after(m, top);
    /* i: first region with end > top; regions before i end <= top */
    for (;;) {
        uint64_t gap_lo = i > 0 ? m->regs[i - 1]->end : 0;
        uint64_t gap_hi = top;
        if (i < m->nregs && m->regs[i]->start < gap_hi) gap_hi = m->regs[i]->start;
        if (gap_lo < floor) gap_lo = floor;
        if (gap_hi >= gap_lo + len && gap_hi >= len) return gap_hi - len;
        if (i == 0) return 0;
        i--;
        top = m->regs[i]->start;
        if (top <= floor) return 0;
    }
}

const MemRegion *mem_region(Mem *m, uint64_t addr) {
    size_t i = region_first_after(m, addr);
    if (i < m->nregs && m->regs[i]->start <= addr) return m->regs[i];
    return NULL;
}

const MemRegion *mem_region_at(Mem *m, size_t i) { return i < m->nregs ? m->regs[i] : NULL; }

void mem_name(Mem *m, uint64_t addr, const char *name) {
    long i = region_index(m, addr);
    if (i < 0) return;
    set_name(m->regs[i], name);
}

int mem_bus_fault(Mem *m, uint64_t addr) {
    const MemRegion *r = mem_canonical(addr) ? mem_region(m, addr) : NULL;
    return r && r->host && !host_probe(r->host + ((addr & PAGE_MASK) - r->start));
}

/* The leaf for a page, materialised from its region on first use; NULL
 * when the page is not mapped, or is a file page past the end of the file
 * (probed each time, so a file that grows is seen). */
static Leaf *leaf_get(Mem *m, uint64_t addr) {
    Leaf *l = leaf(m, addr, 0);
    if (l && *l) return l;
    const MemRegion *r = mem_region(m, addr);
    if (!r) return NULL;
    Leaf v = MEM_PRESENT | (Leaf)r->prot;
    if (r->host) {
        uint8_t *h = r->host + ((addr & PAGE_MASK) - r->start);
        if (!host_probe(h)) return NULL;
        v |= (Leaf)(uintptr_t)h | MEM_FILE;
    }
    if (!l && !(l = leaf(m, addr, 1))) return NULL;
    *l = v;
    return l;
}

int mem_page_prot(Mem *m, uint64_t addr) {
    if (!mem_canonical(addr)) return 0;
    Leaf *l = leaf(m, addr, 0);
    if (l && *l) {
        /* a file page used before may be past the end now (the file shrank) */
        if ((*l & MEM_FILE) && !host_probe(LEAF_HOST(*l))) return 0;
        return LEAF_PROT(*l) & (MEM_R | MEM_W | MEM_X | MEM_U | MEM_CODE);
    }
    const MemRegion *r = mem_region(m, addr);
    if (!r) return 0;
    if (r->host) {
        /* file pages: materialise now (one probe), 0 past the end of file */
        l = leaf_get(m, addr);
        if (l) return LEAF_PROT(*l) & (MEM_R | MEM_W | MEM_X | MEM_U | MEM_CODE);
        return host_probe(r->host + ((addr & PAGE_MASK) - r->start)) ? r->prot : 0;
    }
    return r->prot;
}

/* Host page of a mapped page (allocated on first use); *file when it is a
 * file mapping's page. */
static uint8_t *page_host(Mem *m, Leaf *l, int *file) {
    uint8_t *h = LEAF_HOST(*l);
    if (!h) {
        h = host_page_alloc(m);
        if (!h) return NULL;
        *l |= (Leaf)h;
    }
    *file = (*l & MEM_FILE) != 0;
    return h;
}

uint8_t *mem_page(Mem *m, uint64_t addr) {
    if (!mem_canonical(addr)) return NULL;
    Leaf *l = leaf_get(m, addr);
    int file;
    return l ? page_host(m, l, &file) : NULL;
}

uint8_t *mem_page_present(Mem *m, uint64_t addr) {
    if (!mem_canonical(addr)) return NULL;
    Leaf *l = leaf(m, addr, 0);
    return l && *l && !(*l & MEM_FILE) ? LEAF_HOST(*l) : NULL;
}

/* The leaf of a page that allows `need` (MEM_R/W/X/U), or NULL. */
static Leaf *leaf_ok(Mem *m, uint64_t a, int need) {
    if (!mem_canonical(a)) return NULL;
    Leaf *l = leaf_get(m, a);
    if (!l) return NULL;
    int p = LEAF_PROT(*l);
    need &= MEM_R | MEM_W | MEM_X | MEM_U;
    return (p & need) == need ? l : NULL;
}

int mem_read(Mem *m, void *dst, uint64_t addr, size_t n, int need) {
    uint8_t *d = dst;
    while (n) {
        Leaf *l = leaf_ok(m, addr, need);
        if (!l) return -1;
        size_t off = addr & (PAGE_SIZE - 1), k = PAGE_SIZE - off;
        if (k > n) k = n;
        int file;
        uint8_t *h = page_host(m, l, &file);
        if (!h || copy_page(d, h + off, k, file) < 0) return -1;
        d += k;
        addr += k;
        n -= k;
    }
    return 0;
}

/* A page mem_write may write: allows `need`, and a file page only when the
 * guest may write it (the host mapping is read-only otherwise). */
static Leaf *leaf_writable(Mem *m, uint64_t a, int need) {
    Leaf *l = leaf_ok(m, a, need);
    if (l && (*l & MEM_FILE) && !(*l & MEM_W)) return NULL;
    return l;
}

int mem_write(Mem *m, uint64_t addr, const void *src, size_t n, int need) {
    const uint8_t *s = src;
    /* check first so nothing is written when a later page fails */
    for (uint64_t a = addr & PAGE_MASK; n && a < addr + n; a += PAGE_SIZE)
        if (!leaf_writable(m, a, need)) {
            /* write what precedes the bad page, as a partial copy would */
            size_t ok = a > addr ? a - addr : 0;
            if (ok) mem_write(m, addr, src, ok, need);
            return -1;
        }
    /* a user-access write (the kernel side's copy to user memory): the
     * observer sees the old bytes still in place */
    if ((need & MEM_U) && m->on_user_write) m->on_user_write(m->on_user_write_ud, addr, n);
    int code = 0, rc = 0;
    while (n) {
        size_t off = addr & (PAGE_SIZE - 1), k = PAGE_SIZE - off;
        if (k > n) k = n;
        Leaf *l = leaf_writable(m, addr, need);
        int file;
        uint8_t *h = l ? page_host(m, l, &file) : NULL;
        if (!h) {
            rc = -1;
            break;
        }
        if (*l & MEM_CODE) code = 1;
        if (copy_page(h + off, s, k, file) < 0) {
            rc = -1;
            break;
        }
        s += k;
        addr += k;
        n -= k;
    }
    if (code) notify(m, 1);
    return rc;
}

long mem_read_str(Mem *m, char *dst, uint64_t addr, size_t max, int need) {
    size_t n = 0;
    while (n < max) {
        Leaf *l = leaf_ok(m, addr, need);
        int file;
        uint8_t *h = l ? page_host(m, l, &file) : NULL;
        if (!h) return -1;
        size_t off = addr & (PAGE_SIZE - 1), k = PAGE_SIZE - off;
        if (k > max - n) k = max - n;
        /* copy first, then look for the NUL in the copy: a file page may
         * vanish under the search */
        if (copy_page(dst + n, h + off, k, file) < 0) return -1;
        char *z = memchr(dst + n, 0, k);
        if (z) return (long)(z - dst);
        n += k;
        addr += k;
    }
    return -2;
}

void mem_on_user_write(Mem *m, MemUserWriteFn fn, void *ud) {
    m->on_user_write = fn;
    m->on_user_write_ud = ud;
}

void mem_on_change(Mem *m, MemChangeFn fn, void *ud) {
    m->on_change = fn;
    m->on_change_ud = ud;
}

void mem_mark_code(Mem *m, uint64_t addr) {
    Leaf *l = leaf_get(m, addr);
    if (!l || !*l || (*l & MEM_CODE)) return;
    if (grow((void **)&m->code_pages, &m->capcode, m->ncode + 1, sizeof(uint64_t)) < 0) return;
    *l |= MEM_CODE;
    m->code_pages[m->ncode++] = addr & PAGE_MASK;
    m->gen++;
}

uint64_t mem_generation(Mem *m) { return m->gen; }

void mem_clear_code_marks(Mem *m) {
    for (size_t i = 0; i < m->ncode; i++) {
        Leaf *l = leaf(m, m->code_pages[i], 0);
        if (l) *l &= ~(Leaf)MEM_CODE;
    }
    m->ncode = 0;
}
