/* Guest address space: a 4-level page map of 4 KiB pages over the 48-bit
 * canonical space, each page with R/W/X and U/S bits, backed lazily by host
 * pages (allocated on first touch, zero-filled, as Linux does for anonymous
 * memory). A sorted list of regions (VMAs) sits beside the page map so that
 * free ranges can be found and /proc/self/maps can be written.
 *
 * Nothing outside this file hands out host pointers into guest memory except
 * mem_page(), whose result is valid for one page only; every guest address is
 * checked against the page map, so no guest address reaches ringside's own
 * memory. Knows nothing of Linux. */
#ifndef RINGSIDE_MEM_H
#define RINGSIDE_MEM_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE  4096ull
#define PAGE_MASK  (~(PAGE_SIZE - 1))
#define PAGE_SHIFT 12

/* Page permission bits (also stored in the low bits of a page-map leaf). */
enum {
    MEM_R = 1,    /* readable */
    MEM_W = 2,    /* writable */
    MEM_X = 4,    /* executable */
    MEM_U = 8,    /* user-accessible (supervisor-only when clear) */
    MEM_CODE = 16 /* internal: decoded instructions are cached from this page */
};

typedef struct Mem Mem;

/* A region as the page map sees it (Linux's notion of a VMA lives above). */
typedef struct MemRegion {
    uint64_t start, end; /* [start, end), page aligned */
    int prot;            /* MEM_R|W|X|U */
    char name[64];       /* "[stack]", "[heap]", a path, or "" */
    /* file mappings (mem_map_file): where the region starts in the file and
     * the file's identity, as /proc/self/maps prints them; 0 otherwise */
    uint64_t offset, dev, inode;
    int shared; /* MAP_SHARED: writes reach the file */
} MemRegion;

Mem *mem_new(void);
void mem_free(Mem *m);

/* Map [addr, addr+len) with prot, replacing anything there (contents zeroed).
 * addr and len must be page aligned and canonical. 0 or -1. */
int mem_map(Mem *m, uint64_t addr, uint64_t len, int prot, const char *name);
/* Map [addr, addr+len) with the contents of host file `fd` from byte `off`
 * (page aligned). shared: writes reach the file (MAP_SHARED); otherwise
 * they stay private (MAP_PRIVATE, copy-on-write). Bytes past the end of the
 * file in its last page read as zero. 0 or -1 (errno set). */
int mem_map_file(Mem *m, uint64_t addr, uint64_t len, int prot, int fd, uint64_t off, int shared,
                 const char *name);
int mem_unmap(Mem *m, uint64_t addr, uint64_t len);
/* Change protection; -1 if any page in the range is unmapped. */
int mem_protect(Mem *m, uint64_t addr, uint64_t len, int prot);
/* 1 if every page of the range is mapped. */
int mem_is_mapped(Mem *m, uint64_t addr, uint64_t len);
/* Lowest-ending free range of len bytes that ends at or below `below`,
 * searching downward (Linux's top-down mmap layout) and staying above
 * `floor`. Returns 0 when none fits. */
uint64_t mem_find_free(Mem *m, uint64_t len, uint64_t floor, uint64_t below);
/* Region containing addr, or NULL. */
const MemRegion *mem_region(Mem *m, uint64_t addr);
/* Iterate regions in address order: i from 0 while it returns non-NULL. */
const MemRegion *mem_region_at(Mem *m, size_t i);
/* Rename the region starting exactly at addr (e.g. "[heap]"). */
void mem_name(Mem *m, uint64_t addr, const char *name);

/* Permission of one page (0 when unmapped). */
int mem_page_prot(Mem *m, uint64_t addr);
/* Host pointer to the start of the page holding addr, allocating it if it
 * is mapped but untouched; NULL when unmapped. No permission check. */
uint8_t *mem_page(Mem *m, uint64_t addr);

/* Copies between host buffers and guest memory that check every page for
 * `need` (MEM_R or MEM_W, plus MEM_U for a user-mode access). They never
 * fault: they return 0, or -1 at the first page that fails (nothing is
 * written to guest memory past that point). */
int mem_read(Mem *m, void *dst, uint64_t addr, size_t n, int need);
int mem_write(Mem *m, uint64_t addr, const void *src, size_t n, int need);
/* Copy a NUL-terminated string of at most max bytes (including the NUL).
 * Returns its length, -1 on a bad page, -2 when no NUL within max. */
long mem_read_str(Mem *m, char *dst, uint64_t addr, size_t max, int need);

/* Called (with `ud`) whenever mappings or permissions change, so CPUs can
 * flush their TLBs and decode caches. `code_changed` is set when a page
 * that held decoded code was unmapped, remapped or lost MEM_X. */
typedef void (*MemChangeFn)(void *ud, int code_changed);
void mem_on_change(Mem *m, MemChangeFn fn, void *ud);

/* Decode-cache bookkeeping: mark a page as holding decoded code; clear all
 * such marks (after the decode cache was flushed). */
void mem_mark_code(Mem *m, uint64_t addr);
void mem_clear_code_marks(Mem *m);

static inline int mem_canonical(uint64_t a) { return (uint64_t)(((int64_t)(a << 16)) >> 16) == a; }

#endif
