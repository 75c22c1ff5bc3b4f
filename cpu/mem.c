/* Guest address space: page map, lazy host backing, region list. */
#include "mem.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Leaf entry: host page pointer (page aligned, or 0 when untouched) | prot
 * bits in the low 12 bits. 0 means unmapped. MEM_PRESENT marks mapped pages
 * whose prot may be 0 (PROT_NONE). */
#define MEM_PRESENT  0x800
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
    MemRegion *regs;
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
};

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

Mem *mem_new(void) { return calloc(1, sizeof(Mem)); }

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

static size_t region_first_after(Mem *m, uint64_t addr) {
    /* first region with end > addr */
    size_t lo = 0, hi = m->nregs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->regs[mid].end <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Remove [s,e) from the region list, splitting regions as needed. */
static int regions_cut(Mem *m, uint64_t s, uint64_t e) {
    size_t i = region_first_after(m, s);
    while (i < m->nregs && m->regs[i].start < e) {
        MemRegion *r = &m->regs[i];
        if (r->start < s && r->end > e) { /* split in two */
            if (grow((void **)&m->regs, &m->capregs, m->nregs + 1, sizeof(MemRegion)) < 0)
                return -1;
            r = &m->regs[i];
            memmove(r + 1, r, (m->nregs - i) * sizeof(MemRegion));
            m->nregs++;
            r[0].end = s;
            if (r[1].inode) r[1].offset += e - r[1].start;
            r[1].start = e;
            return 0;
        }
        if (r->start < s) {
            r->end = s;
            i++;
        } else if (r->end > e) {
            if (r->inode) r->offset += e - r->start;
            r->start = e;
            i++;
        } else {
            memmove(r, r + 1, (m->nregs - i - 1) * sizeof(MemRegion));
            m->nregs--;
        }
    }
    return 0;
}

static int regions_insert(Mem *m, uint64_t s, uint64_t e, int prot, const char *name) {
    if (regions_cut(m, s, e) < 0) return -1;
    if (grow((void **)&m->regs, &m->capregs, m->nregs + 1, sizeof(MemRegion)) < 0) return -1;
    size_t i = region_first_after(m, s);
    memmove(&m->regs[i + 1], &m->regs[i], (m->nregs - i) * sizeof(MemRegion));
    m->nregs++;
    MemRegion *r = &m->regs[i];
    r->start = s;
    r->end = e;
    r->prot = prot;
    r->offset = r->dev = r->inode = 0;
    r->shared = 0;
    r->name[0] = 0;
    if (name) {
        strncpy(r->name, name, sizeof r->name - 1);
        r->name[sizeof r->name - 1] = 0;
    }
    return 0;
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
    if (m->on_change) m->on_change(m->on_change_ud, code);
}

/* Visit the materialised leaves of [addr, addr+len), skipping absent
 * subtrees, so ranges of any size cost what is actually populated. */
static void leaves_in(Mem *m, uint64_t addr, uint64_t len, void (*fn)(Mem *, Leaf *, void *),
                      void *ctx) {
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
        fn(m, &l1->e[(a >> 12) & 511], ctx);
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
} LeafCtx;

/* Forget a leaf: it is materialised again from the region list on use. */
static void leaf_clear(Mem *m, Leaf *l, void *ctx) {
    LeafCtx *x = ctx;
    if (*l & MEM_CODE) x->code = 1;
    host_page_release(m, LEAF_HOST(*l));
    *l = 0;
}
static void leaf_reprot(Mem *m, Leaf *l, void *ctx) {
    LeafCtx *x = ctx;
    if (!*l) return;
    if (*l & MEM_CODE) x->code = 1;
    *l = (*l & ~(Leaf)0x7ff) | MEM_PRESENT | x->prot | (*l & MEM_CODE);
}

/* The page map is a cache of the region list: mapping a range only
 * records the region (and drops stale leaves); leaves are created when a
 * page is first used. A 1 TiB PROT_NONE reservation costs nothing. */
int mem_map(Mem *m, uint64_t addr, uint64_t len, int prot, const char *name) {
    if (!range_ok(addr, len)) return -1;
    LeafCtx x = {0, 0};
    leaves_in(m, addr, len, leaf_clear, &x);
    if (regions_insert(m, addr, addr + len, prot & (MEM_R | MEM_W | MEM_X | MEM_U), name) < 0)
        return -1;
    notify(m, x.code);
    return 0;
}

/* Interim: the file's bytes are copied into anonymous pages (shared writes
 * do not reach the file). */
int mem_map_file(Mem *m, uint64_t addr, uint64_t len, int prot, int fd, uint64_t off, int shared,
                 const char *name) {
    if (mem_map(m, addr, len, prot, name) < 0) return -1;
    struct stat st;
    if (fstat(fd, &st) == 0) {
        size_t i = region_first_after(m, addr);
        if (i < m->nregs && m->regs[i].start == addr) {
            m->regs[i].offset = off;
            m->regs[i].dev = st.st_dev;
            m->regs[i].inode = st.st_ino;
            m->regs[i].shared = shared;
        }
    }
    for (uint64_t a = 0; a < len; a += PAGE_SIZE) {
        uint8_t *pg = mem_page(m, addr + a);
        if (!pg) return -1;
        ssize_t n = pread(fd, pg, PAGE_SIZE, (off_t)(off + a));
        if (n < (ssize_t)PAGE_SIZE) break;
    }
    return 0;
}

int mem_unmap(Mem *m, uint64_t addr, uint64_t len) {
    if (!range_ok(addr, len)) return -1;
    LeafCtx x = {0, 0};
    leaves_in(m, addr, len, leaf_clear, &x);
    regions_cut(m, addr, addr + len);
    notify(m, x.code);
    return 0;
}

int mem_protect(Mem *m, uint64_t addr, uint64_t len, int prot) {
    if (!range_ok(addr, len)) return -1;
    if (!mem_is_mapped(m, addr, len)) return -1;
    prot &= MEM_R | MEM_W | MEM_X | MEM_U;
    LeafCtx x = {0, prot};
    leaves_in(m, addr, len, leaf_reprot, &x);
    /* split regions, keep names */
    size_t i = region_first_after(m, addr);
    char name[64] = "";
    if (i < m->nregs && m->regs[i].start <= addr) memcpy(name, m->regs[i].name, sizeof name);
    regions_insert(m, addr, addr + len, prot, name);
    notify(m, x.code);
    return 0;
}

int mem_is_mapped(Mem *m, uint64_t addr, uint64_t len) {
    if (!range_ok(addr, len)) return 0;
    size_t i = region_first_after(m, addr);
    uint64_t a = addr, end = addr + len;
    while (a < end) {
        if (i >= m->nregs || m->regs[i].start > a) return 0;
        a = m->regs[i].end;
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
        uint64_t gap_lo = i > 0 ? m->regs[i - 1].end : 0;
        uint64_t gap_hi = top;
        if (i < m->nregs && m->regs[i].start < gap_hi) gap_hi = m->regs[i].start;
        if (gap_lo < floor) gap_lo = floor;
        if (gap_hi >= gap_lo + len && gap_hi >= len) return gap_hi - len;
        if (i == 0) return 0;
        i--;
        top = m->regs[i].start;
        if (top <= floor) return 0;
    }
}

const MemRegion *mem_region(Mem *m, uint64_t addr) {
    size_t i = region_first_after(m, addr);
    if (i < m->nregs && m->regs[i].start <= addr) return &m->regs[i];
    return NULL;
}

const MemRegion *mem_region_at(Mem *m, size_t i) { return i < m->nregs ? &m->regs[i] : NULL; }

void mem_name(Mem *m, uint64_t addr, const char *name) {
    size_t i = region_first_after(m, addr);
    if (i < m->nregs && m->regs[i].start == addr) {
        strncpy(m->regs[i].name, name, sizeof m->regs[i].name - 1);
        m->regs[i].name[sizeof m->regs[i].name - 1] = 0;
    }
}

/* The leaf for a page, materialised from its region on first use; NULL
 * when the page is not mapped. */
static Leaf *leaf_get(Mem *m, uint64_t addr) {
    Leaf *l = leaf(m, addr, 0);
    if (l && *l) return l;
    const MemRegion *r = mem_region(m, addr);
    if (!r) return NULL;
    if (!l && !(l = leaf(m, addr, 1))) return NULL;
    *l = MEM_PRESENT | (Leaf)r->prot;
    return l;
}

int mem_page_prot(Mem *m, uint64_t addr) {
    if (!mem_canonical(addr)) return 0;
    Leaf *l = leaf(m, addr, 0);
    if (l && *l) return LEAF_PROT(*l) & (MEM_R | MEM_W | MEM_X | MEM_U | MEM_CODE);
    const MemRegion *r = mem_region(m, addr);
    return r ? r->prot : 0;
}

uint8_t *mem_page(Mem *m, uint64_t addr) {
    if (!mem_canonical(addr)) return NULL;
    Leaf *l = leaf_get(m, addr);
    if (!l) return NULL;
    uint8_t *h = LEAF_HOST(*l);
    if (!h) {
        h = host_page_alloc(m);
        if (!h) return NULL;
        *l |= (Leaf)h;
    }
    return h;
}

static int page_ok(Mem *m, uint64_t a, int need) {
    int p = mem_page_prot(m, a);
    if (!p) return 0;
    need &= MEM_R | MEM_W | MEM_X | MEM_U;
    return (p & need) == need;
}

int mem_read(Mem *m, void *dst, uint64_t addr, size_t n, int need) {
    uint8_t *d = dst;
    while (n) {
        if (!page_ok(m, addr, need)) return -1;
        size_t off = addr & (PAGE_SIZE - 1), k = PAGE_SIZE - off;
        if (k > n) k = n;
        uint8_t *h = mem_page(m, addr);
        if (!h) return -1;
        memcpy(d, h + off, k);
        d += k;
        addr += k;
        n -= k;
    }
    return 0;
}

int mem_write(Mem *m, uint64_t addr, const void *src, size_t n, int need) {
    const uint8_t *s = src;
    /* check first so nothing is written when a later page fails */
    for (uint64_t a = addr & PAGE_MASK; n && a < addr + n; a += PAGE_SIZE)
        if (!page_ok(m, a, need)) {
            /* write what precedes the bad page, as a partial copy would */
            size_t ok = a > addr ? a - addr : 0;
            if (ok) mem_write(m, addr, src, ok, need);
            return -1;
        }
    int code = 0;
    while (n) {
        size_t off = addr & (PAGE_SIZE - 1), k = PAGE_SIZE - off;
        if (k > n) k = n;
        uint8_t *h = mem_page(m, addr);
        if (!h) return -1;
        if (mem_page_prot(m, addr) & MEM_CODE) code = 1;
        memcpy(h + off, s, k);
        s += k;
        addr += k;
        n -= k;
    }
    if (code) notify(m, 1);
    return 0;
}

long mem_read_str(Mem *m, char *dst, uint64_t addr, size_t max, int need) {
    size_t n = 0;
    while (n < max) {
        if (!page_ok(m, addr, need)) return -1;
        uint8_t *h = mem_page(m, addr);
        if (!h) return -1;
        size_t off = addr & (PAGE_SIZE - 1), k = PAGE_SIZE - off;
        if (k > max - n) k = max - n;
        uint8_t *z = memchr(h + off, 0, k);
        if (z) {
            size_t len = (size_t)(z - (h + off));
            memcpy(dst + n, h + off, len + 1);
            return (long)(n + len);
        }
        memcpy(dst + n, h + off, k);
        n += k;
        addr += k;
    }
    return -2;
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
}

void mem_clear_code_marks(Mem *m) {
    for (size_t i = 0; i < m->ncode; i++) {
        Leaf *l = leaf(m, m->code_pages[i], 0);
        if (l) *l &= ~(Leaf)MEM_CODE;
    }
    m->ncode = 0;
}
