/* Guest address space: a 4-level page map of 4 KiB pages over the 48-bit
 * canonical space, each page with R/W/X and U/S bits, backed lazily by host
 * pages (allocated on first touch, zero-filled, as Linux does for anonymous
 * memory) or, for file mappings, by the host's own mmap of the file (so
 * MAP_SHARED writes reach the file and MAP_PRIVATE is the host's
 * copy-on-write, at no cost per access). A sorted list of regions (VMAs) sits beside the page map
 * so that free ranges can be found and /proc/self/maps can be written.
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

#define MEM_NAME_MAX 4096 /* PATH_MAX: a region's name with its NUL */

/* A region as the page map sees it (Linux's notion of a VMA lives above). */
typedef struct MemRegion {
    uint64_t start, end; /* [start, end), page aligned */
    int prot;            /* MEM_R|W|X|U */
    int shared;          /* MAP_SHARED file mapping: writes reach the file */
    /* file mappings (mem_map_file): where the region starts in the file and
     * the file's identity, as /proc/self/maps prints them; 0 otherwise */
    uint64_t offset, dev, inode;
    /* Linux's VM_ACCOUNT for file mappings: private and writable at some
     * point (charged); such a VMA never merges with an uncharged one */
    int account;
    /* internal (mem.c): the host's own mapping of the file at `start`
     * (guest pages of the region are these host pages); NULL: anonymous */
    uint8_t *host;
    char name[MEM_NAME_MAX]; /* "[stack]", "[heap]", a path, or "" (last: mostly untouched) */
} MemRegion;

Mem *mem_new(void);
void mem_free(Mem *m);

/* Map [addr, addr+len) with prot, replacing anything there (contents zeroed).
 * addr and len must be page aligned and canonical. 0 or -1. */
int mem_map(Mem *m, uint64_t addr, uint64_t len, int prot, const char *name);

/* Flags for mem_map_file (1 stays "shared" for older callers). */
enum {
    MEM_SHARED = 1,    /* MAP_SHARED: writes reach the file, others' writes are seen */
    MEM_NORESERVE = 2, /* no commit charge for a private writable mapping */
    MEM_POPULATE = 4,  /* fault the pages in now */
};
/* Map [addr, addr+len) onto host file `fd` from byte `off` (page aligned):
 * the guest's pages are the host's mmap of the file (no copy), MAP_SHARED
 * with MEM_SHARED, else MAP_PRIVATE (copy-on-write). Bytes past the end of
 * the file in its last page read as zero; a page wholly past the end is
 * not accessible (mem_page_prot 0, mem_bus_fault 1: Linux's SIGBUS). The
 * fd may be closed afterwards. 0 or -1 (errno: the host mmap's). */
int mem_map_file(Mem *m, uint64_t addr, uint64_t len, int prot, int fd, uint64_t off, int flags,
                 const char *name);
int mem_unmap(Mem *m, uint64_t addr, uint64_t len);
/* Change protection, keeping each region's name and file identity; -1 if
 * any page in the range is unmapped (errno ENOMEM) or the host refuses it
 * for a file mapping (errno EACCES: shared mapping of a read-only file;
 * ENOMEM: commit charge), with the regions before that one changed. */
int mem_protect(Mem *m, uint64_t addr, uint64_t len, int prot);
/* mremap's work. [old, old+old_len) is mapped, [dst, dst+new_len) free.
 * Moves the mapping to dst keeping each region's protection, name and file
 * identity, without copying (anonymous pages move, file pages are moved by
 * the host's mremap); a longer new_len extends the last region (a file
 * mapping with the following file pages, anonymous memory with zeros), a
 * shorter one drops the tail. keep_old (MREMAP_DONTUNMAP): the old range
 * stays mapped, empty (anonymous) or freshly mapped from the file.
 * old_len 0: a second mapping of the same pages of the shared file mapping
 * at old (errno EINVAL for any other). 0 or -1 (errno). */
int mem_move(Mem *m, uint64_t old, uint64_t old_len, uint64_t dst, uint64_t new_len, int keep_old);
/* Grow the mapping ending at addr+old_len in place to addr+new_len (that
 * range free): its last region is extended as mem_move extends. 0 or -1. */
int mem_grow(Mem *m, uint64_t addr, uint64_t old_len, uint64_t new_len);
/* MADV_DONTNEED: anonymous pages read as zero again, private file pages as
 * the file's, shared file pages unchanged. remove (MADV_REMOVE): shared file
 * ranges are punched out of the file; -1 (EINVAL) for any other page.
 * Unmapped pages are skipped. 0 or -1. */
int mem_discard(Mem *m, uint64_t addr, uint64_t len, int remove);
/* msync: write the shared file pages of the range back (host msync flags
 * MS_SYNC/MS_ASYNC/MS_INVALIDATE); unmapped pages are skipped. 0 or -1. */
int mem_sync(Mem *m, uint64_t addr, uint64_t len, int host_flags);
/* 1 when addr lies in a file mapping's page that is wholly past the end of
 * the file (the access raises SIGBUS/BUS_ADRERR on Linux). */
int mem_bus_fault(Mem *m, uint64_t addr);
/* The host's SIGBUS on a file page (the file shrank after the page was
 * first used) calls fn(ud, guest address, write) from the signal handler;
 * fn does not return when it takes the fault (longjmp), else ringside
 * reports the host fault and ends. Accesses through mem_read/mem_write and
 * friends never get here: they fail (-1) instead. */
typedef void (*MemHostFaultFn)(void *ud, uint64_t addr, int write);
void mem_on_host_fault(Mem *m, MemHostFaultFn fn, void *ud);
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
 * is mapped but untouched; NULL when unmapped or a file page past the end
 * of the file. No permission check. A file page's memory can fault (host
 * SIGBUS) if the file shrinks: prefer mem_read/mem_write. */
uint8_t *mem_page(Mem *m, uint64_t addr);
/* Host page of addr only when it already has one (never allocates; file
 * pages not yet used give NULL too). For vfork's copy-back (process.c). */
uint8_t *mem_page_present(Mem *m, uint64_t addr);

/* Copies between host buffers and guest memory that check every page for
 * `need` (MEM_R or MEM_W, plus MEM_U for a user-mode access). They never
 * fault: they return 0, or -1 at the first page that fails (nothing is
 * written to guest memory past that point). */
int mem_read(Mem *m, void *dst, uint64_t addr, size_t n, int need);
int mem_write(Mem *m, uint64_t addr, const void *src, size_t n, int need);
/* Copy a NUL-terminated string of at most max bytes (including the NUL).
 * Returns its length, -1 on a bad page, -2 when no NUL within max. */
long mem_read_str(Mem *m, char *dst, uint64_t addr, size_t max, int need);

/* Called before mem_write with MEM_U in `need` changes [addr, addr+n): the
 * writes made on a user's behalf (a system call's copy to user memory), for
 * a debugger's history. One observer; NULL removes it. */
typedef void (*MemUserWriteFn)(void *ud, uint64_t addr, size_t n);
void mem_on_user_write(Mem *m, MemUserWriteFn fn, void *ud);

/* Called (with `ud`) whenever mappings or permissions change, so CPUs can
 * flush their TLBs and decode caches. `code_changed` is set when a page
 * that held decoded code was unmapped, remapped or lost MEM_X. */
typedef void (*MemChangeFn)(void *ud, int code_changed);
void mem_on_change(Mem *m, MemChangeFn fn, void *ud);

/* Decode-cache bookkeeping: mark a page as holding decoded code; clear all
 * such marks (after the decode cache was flushed). */
void mem_mark_code(Mem *m, uint64_t addr);
void mem_clear_code_marks(Mem *m);
/* A counter that moves whenever a TLB built before might be stale: a
 * mapping or permission change, or a page newly marked as holding code
 * (so another CPU's write TLB must lose it). Several CPUs over one Mem. */
uint64_t mem_generation(Mem *m);

static inline int mem_canonical(uint64_t a) { return (uint64_t)(((int64_t)(a << 16)) >> 16) == a; }

#endif
