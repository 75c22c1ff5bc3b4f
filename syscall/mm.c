/* Memory-management system calls inside the guest address space (the page
 * map of cpu/mem.h): mmap, munmap, mprotect, mremap, brk, madvise, msync,
 * mincore, mlock and friends, with Linux's argument checks and placement.
 *
 * Placement is top-down below p->mmap_base and above mmap_min_addr, as
 * Linux's default layout; hints are honoured when the range is free.
 * Pages are always MEM_U (user pages); the ring-0 image's pages (no MEM_U)
 * are never mapped over, unmapped or reprotected from here.
 *
 * File mappings are the host's own mmap of the file (mem_map_file): shared
 * writes reach the file, private ones are the host's copy-on-write, a page
 * past the end of the file faults (SIGBUS, syscall/kernel.c). mremap moves
 * pages without copying them (mem_move).
 *
 * Known gaps, kept visible:
 *  - MAP_GROWSDOWN regions do not grow; mincore reports every page
 *    resident; MAP_SHARED|MAP_ANONYMOUS is private memory (no fork yet);
 *    mprotect does not refuse PROT_EXEC on a noexec mount (mmap does). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sys_internal.h"

#define PAGE_ALIGN_UP(x)  (((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define DEFAULT_MMAP_BASE 0x7ffff7fff000ull /* when the loader left p->mmap_base 0 */
#define MMAP_32BIT_LO     0x40000000ull
#define MMAP_32BIT_HI     0x80000000ull

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#define MAP_TYPE_MASK      0x0f
#define MAP_HUGE_MASK_     0xfc000000u /* huge page size, log2, in bits 26-31 */
#define MAP_UNINITIALIZED_ 0x4000000
/* Flags MAP_SHARED_VALIDATE accepts (Linux's LEGACY_MAP_MASK). */
#define LEGACY_MAP_MASK                                                                            \
    (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | MAP_EXECUTABLE |       \
     MAP_UNINITIALIZED_ | MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE |              \
     MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB)

static uint64_t mmap_top(Proc *p) { return p->mmap_base ? p->mmap_base : DEFAULT_MMAP_BASE; }

/* x86 page tables cannot express write- or exec-only: both imply read. */
static int mem_prot(int prot) {
    int m = MEM_U;
    if (prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) m |= MEM_R;
    if (prot & PROT_WRITE) m |= MEM_W;
    if (prot & PROT_EXEC) m |= MEM_X;
    return m;
}

/* Index of the first region ending above addr (regions are sorted and
 * indexable: mem_region_at), found by exponential then binary search so
 * that mmap-heavy programs do not pay a linear walk per call. */
static size_t first_region_after(Mem *m, uint64_t addr) {
    size_t hi = 1;
    const MemRegion *r;
    while ((r = mem_region_at(m, hi - 1)) != NULL && r->end <= addr)
        hi *= 2;
    size_t lo = hi / 2; /* regions before lo end at or below addr */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        r = mem_region_at(m, mid);
        if (r && r->end <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* No region overlaps [addr, addr+len). */
static int range_free(Mem *m, uint64_t addr, uint64_t len) {
    const MemRegion *r = mem_region_at(m, first_region_after(m, addr));
    return !r || r->start >= addr + len;
}

/* Some page of the range belongs to the ring-0 image (no MEM_U). */
static int range_kernel(Mem *m, uint64_t addr, uint64_t len) {
    const MemRegion *r;
    for (size_t i = first_region_after(m, addr); (r = mem_region_at(m, i)) != NULL; i++) {
        if (r->start >= addr + len) break;
        if (!(r->prot & MEM_U)) return 1;
    }
    return 0;
}

/* CAP_SYS_RAWIO lets Linux map below mmap_min_addr (root usually has it). */
static int has_cap_rawio(void) {
    static int known = -1;
    if (known < 0) {
        struct {
            uint32_t version;
            int pid;
        } hdr = {0x20080522, 0}; /* _LINUX_CAPABILITY_VERSION_3 */
        struct {
            uint32_t effective, permitted, inheritable;
        } data[2];
        known = syscall(SYS_capget, &hdr, data) == 0 && (data[0].effective & (1u << 17));
    }
    return known;
}

/* Linux's overcommit accounting (vm.overcommit_memory) for private writable
 * memory: in the default heuristic mode one request larger than RAM plus
 * swap fails with ENOMEM; mode 1 never refuses; mode 2 (strict) is
 * approximated by the same total. The host's values decide, as natively. */
static int vm_enough_memory(uint64_t len) {
    static int mode = -1;
    static uint64_t total;
    if (mode < 0) {
        mode = 0;
        FILE *f = fopen("/proc/sys/vm/overcommit_memory", "r");
        if (f) {
            if (fscanf(f, "%d", &mode) != 1) mode = 0;
            fclose(f);
        }
        struct sysinfo si;
        total = sysinfo(&si) == 0 ? ((uint64_t)si.totalram + si.totalswap) * si.mem_unit : ~0ull;
    }
    return mode == 1 || len <= total;
}

/* Whether a mapping is charged: private and writable, unless MAP_NORESERVE
 * outside strict mode (the heuristic mode does not charge those). */
static int accountable(int prot, int flags) {
    return (prot & PROT_WRITE) && (flags & MAP_TYPE_MASK) == MAP_PRIVATE &&
           !(flags & MAP_NORESERVE);
}

/* may_expand_vm(): adding len bytes at addr (pages already mapped there are
 * replaced, not added) keeps the guest within RLIMIT_AS, and within
 * RLIMIT_DATA when the new memory is data (private, writable, not the
 * stack). Only walks the regions when a limit is set. */
static int may_expand(Proc *p, uint64_t addr, uint64_t len, int data) {
    uint64_t as_lim = p->rlim_as[0], data_lim = data ? p->rlim_data[0] : RLIM_INFINITY;
    if (as_lim == RLIM_INFINITY && data_lim == RLIM_INFINITY) return 1;
    uint64_t as = len, dat = data ? len : 0;
    const MemRegion *r;
    for (size_t i = 0; (r = mem_region_at(p->mem, i)) != NULL; i++) {
        if (!(r->prot & MEM_U)) continue; /* the kernel image is not the process's */
        uint64_t size = r->end - r->start;
        uint64_t lo = r->start > addr ? r->start : addr,
                 hi = r->end < addr + len ? r->end : addr + len;
        uint64_t over = hi > lo ? hi - lo : 0; /* replaced by the new mapping */
        int is_data = (r->prot & MEM_W) && !r->shared && strcmp(r->name, "[stack]") != 0;
        as += size - over;
        if (data && is_data) dat += size - over;
    }
    return as <= as_lim && (!data || dat <= data_lim);
}

static int is_data_mapping(int prot, int flags) {
    return (prot & PROT_WRITE) && (flags & MAP_TYPE_MASK) == MAP_PRIVATE &&
           !(flags & MAP_GROWSDOWN);
}

/* ---- mmap ---------------------------------------------------------------- */

/* Where a non-fixed mapping goes: the hint if free, else top-down. */
static uint64_t place(Proc *p, uint64_t hint, uint64_t len, int flags) {
    uint64_t lo = MMAP_MIN_ADDR, hi = mmap_top(p);
    if (flags & MAP_32BIT) lo = MMAP_32BIT_LO, hi = MMAP_32BIT_HI;
    if (hint) {
        hint &= PAGE_MASK;
        if (hint >= MMAP_MIN_ADDR && len <= USER_TOP && hint <= USER_TOP - len &&
            (!(flags & MAP_32BIT) || hint + len <= MMAP_32BIT_HI) && range_free(p->mem, hint, len))
            return hint;
    }
    uint64_t a = mem_find_free(p->mem, len, lo, hi);
    if (!a && !(flags & MAP_32BIT)) a = mem_find_free(p->mem, len, hi, USER_TOP); /* bottom-up */
    return a;
}

int64_t sys_mmap(Proc *p, const uint64_t a[6]) {
    uint64_t addr = a[0], len = a[1], off = a[5];
    int prot = (int)a[2], flags = (int)a[3], fd = (int)a[4];
    int type = flags & MAP_TYPE_MASK;
    int anon = (flags & MAP_ANONYMOUS) != 0;
    struct stat st;
    int fl = 0;

    if (off & (PAGE_SIZE - 1)) return -EINVAL;
    if (!anon) {
        fl = fcntl(fd, F_GETFL);
        if (fl < 0 || (fl & O_PATH) || fstat(fd, &st) < 0) return -EBADF;
    }
    if (flags & MAP_HUGETLB) {
        /* Whether the host has huge pages of that size decides, as natively. */
        void *h = mmap(NULL, len, PROT_READ,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
                           (int)((unsigned)flags & MAP_HUGE_MASK_),
                       -1, 0);
        if (h == MAP_FAILED) return -errno;
        munmap(h, len);
    }
    if (len == 0) return -EINVAL;
    if (flags & MAP_FIXED_NOREPLACE) flags |= MAP_FIXED;
    if (!(flags & MAP_FIXED) && addr && addr < MMAP_MIN_ADDR) addr = MMAP_MIN_ADDR;
    len = PAGE_ALIGN_UP(len);
    if (!len) return -ENOMEM;
    if ((off >> PAGE_SHIFT) + (len >> PAGE_SHIFT) < (off >> PAGE_SHIFT)) return -EOVERFLOW;

    if (flags & MAP_FIXED) {
        if (len > USER_TOP || addr > USER_TOP - len) return -ENOMEM;
        if (addr & (PAGE_SIZE - 1)) return -EINVAL;
        if (addr < MMAP_MIN_ADDR && !has_cap_rawio()) return -EPERM;
        if (range_kernel(p->mem, addr, len)) return -ENOMEM;
        if ((flags & MAP_FIXED_NOREPLACE) && !range_free(p->mem, addr, len)) return -EEXIST;
    } else {
        addr = place(p, addr, len, flags);
        if (!addr) return -ENOMEM;
    }

    int shared = type == MAP_SHARED || type == MAP_SHARED_VALIDATE;
    if (type != MAP_PRIVATE && !shared) return -EINVAL;
    char name[MEM_NAME_MAX] = "";
    if (anon && (type == MAP_SHARED_VALIDATE || (shared && (flags & MAP_GROWSDOWN))))
        return -EINVAL; /* Linux's anonymous cases */
    if (!anon) {
        if (type == MAP_SHARED_VALIDATE &&
            (flags & ~LEGACY_MAP_MASK & ~(int)MAP_HUGE_MASK_ & ~MAP_32BIT))
            return -EOPNOTSUPP; /* includes MAP_SYNC: no DAX here */
        if (shared && (prot & PROT_WRITE) && (fl & O_ACCMODE) != O_RDWR) return -EACCES;
        if ((fl & O_ACCMODE) == O_WRONLY) return -EACCES;
        if (flags & MAP_GROWSDOWN) return -EINVAL;
        int devzero = S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 5;
        if (devzero) {
            anon = 1; /* /dev/zero maps anonymous memory */
        } else if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
            if (S_ISCHR(st.st_mode))
                sys_report("mmap-dev", st.st_rdev, "mmap of character device %u:%u unsupported",
                           major(st.st_rdev), minor(st.st_rdev));
            return -ENODEV;
        } else {
            struct statvfs vfs;
            if ((prot & PROT_EXEC) && fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC))
                return -EPERM; /* noexec mount */
            char link[64];
            snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
            ssize_t n = readlink(link, name, sizeof name - 1);
            name[n > 0 ? n : 0] = 0;
        }
    }

    if (accountable(prot, flags) && !vm_enough_memory(len)) return -ENOMEM;
    if (!may_expand(p, addr, len, is_data_mapping(prot, flags))) return -ENOMEM;
    if (!anon) {
        /* the host maps the file (its errors are the native ones) */
        int mf = (shared ? MEM_SHARED : 0) | ((flags & MAP_NORESERVE) ? MEM_NORESERVE : 0) |
                 ((flags & MAP_POPULATE) ? MEM_POPULATE : 0);
        if (mem_map_file(p->mem, addr, len, mem_prot(prot), fd, off, mf, name) < 0)
            return errno ? -errno : -ENOMEM;
        return (int64_t)addr;
    }
    if (shared) {
        /* MAP_SHARED anonymous memory is shmem, shared with fork children:
         * a host memfd mapped shared, as Linux backs it with a /dev/zero
         * shmem file (that is the name /proc/self/maps shows) */
        int mfd = memfd_create("dev/zero", MFD_CLOEXEC);
        if (mfd < 0) return -ENOMEM;
        if (ftruncate(mfd, (off_t)len) != 0) {
            close(mfd);
            return -ENOMEM;
        }
        int mf = MEM_SHARED | ((flags & MAP_POPULATE) ? MEM_POPULATE : 0);
        int r = mem_map_file(p->mem, addr, len, mem_prot(prot), mfd, 0, mf, "/dev/zero (deleted)");
        close(mfd);
        return r < 0 ? (errno ? -errno : -ENOMEM) : (int64_t)addr;
    }
    if (mem_map(p->mem, addr, len, mem_prot(prot), name)) return -ENOMEM;
    return (int64_t)addr;
}

int64_t sys_munmap(Proc *p, const uint64_t a[6]) {
    uint64_t addr = a[0], len = a[1];
    if ((addr & (PAGE_SIZE - 1)) || addr > USER_TOP || len > USER_TOP - addr) return -EINVAL;
    len = PAGE_ALIGN_UP(len);
    if (!len) return -EINVAL;
    if (range_kernel(p->mem, addr, len)) return -EINVAL;
    mem_unmap(p->mem, addr, len);
    return 0;
}

int64_t sys_mprotect(Proc *p, const uint64_t a[6]) {
    uint64_t start = a[0], len = a[1];
    int prot = (int)a[2];
    int grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
    prot &= ~(PROT_GROWSDOWN | PROT_GROWSUP);
    if (grows == (PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
    if (start & (PAGE_SIZE - 1)) return -EINVAL;
    if (!len) return 0;
    len = PAGE_ALIGN_UP(len);
    uint64_t end = start + len;
    if (end <= start) return -ENOMEM;
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | 0x8 /* PROT_SEM */)) return -EINVAL;
    if (end > USER_TOP || range_kernel(p->mem, start, len)) return -ENOMEM;
    if (grows & PROT_GROWSUP) return -EINVAL; /* no VM_GROWSUP on x86 */
    if (grows & PROT_GROWSDOWN) {
        /* Extends to the start of the stack region (the only one that grows). */
        const MemRegion *r = mem_region(p->mem, start);
        if (!r) return -ENOMEM;
        if (strcmp(r->name, "[stack]") != 0) return -EINVAL;
        start = r->start;
        len = end - start;
    }
    if (!mem_is_mapped(p->mem, start, len)) return -ENOMEM;
    /* file mappings: the host's mprotect decides EACCES and commit charges */
    return mem_protect(p->mem, start, len, mem_prot(prot)) ? (errno ? -errno : -ENOMEM) : 0;
}

/* ---- brk ------------------------------------------------------------------ */

/* Linux's brk(): the break moves in bytes, the heap in pages; growth needs
 * the pages up to the new break plus one guard page free; on any failure
 * the current break comes back unchanged. */
int64_t sys_brk(Proc *p, const uint64_t a[6]) {
    uint64_t brk = a[0];
    if (!p->brk_cur) p->brk_cur = p->brk_start;
    if (brk < p->brk_start) return (int64_t)p->brk_cur;
    if (p->brk_max && brk > p->brk_max) return (int64_t)p->brk_cur;
    if (brk > USER_TOP - PAGE_SIZE) return (int64_t)p->brk_cur;
    uint64_t newbrk = PAGE_ALIGN_UP(brk), oldbrk = PAGE_ALIGN_UP(p->brk_cur);
    if (newbrk == oldbrk) {
        p->brk_cur = brk;
        return (int64_t)brk;
    }
    if (brk <= p->brk_cur) {
        mem_unmap(p->mem, newbrk, oldbrk - newbrk);
        p->brk_cur = brk;
        return (int64_t)brk;
    }
    if (!range_free(p->mem, oldbrk, newbrk - oldbrk + PAGE_SIZE)) return (int64_t)p->brk_cur;
    if (!vm_enough_memory(newbrk - oldbrk)) return (int64_t)p->brk_cur;
    if (!may_expand(p, oldbrk, newbrk - oldbrk, 1)) return (int64_t)p->brk_cur;
    if (mem_map(p->mem, oldbrk, newbrk - oldbrk, MEM_U | MEM_R | MEM_W, "[heap]"))
        return (int64_t)p->brk_cur;
    p->brk_cur = brk;
    return (int64_t)brk;
}

/* ---- mremap ------------------------------------------------------------- */

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#define PROT_BITS (MEM_R | MEM_W | MEM_X | MEM_U)

/* Moves [old, old+old_len) to dst (new_len long) without copying pages:
 * mem_move keeps each region's protection, name and file identity. */
static int64_t move_mapping(Proc *p, uint64_t old, uint64_t old_len, uint64_t dst, uint64_t new_len,
                            int dontunmap) {
    if (mem_move(p->mem, old, old_len, dst, new_len, dontunmap) < 0)
        return errno == EINVAL || errno == EFAULT ? -errno : -ENOMEM;
    return (int64_t)dst;
}

/* old_len 0 duplicates a shared mapping: old must be inside one. */
static int dup_ok(Mem *m, uint64_t old) {
    const MemRegion *r = mem_region(m, old);
    return r && r->shared;
}

int64_t sys_mremap(Proc *p, const uint64_t a[6]) {
    uint64_t old = a[0], old_len = a[1], new_len = a[2], new_addr = a[4];
    int flags = (int)a[3];
    Mem *m = p->mem;
    if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) return -EINVAL;
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return -EINVAL;
    if ((flags & MREMAP_DONTUNMAP) && (!(flags & MREMAP_MAYMOVE) || old_len != new_len))
        return -EINVAL;
    if (old & (PAGE_SIZE - 1)) return -EINVAL;
    old_len = PAGE_ALIGN_UP(old_len);
    new_len = PAGE_ALIGN_UP(new_len);
    if (!new_len) return -EINVAL;
    if (old_len > USER_TOP || old > USER_TOP - old_len) return -EFAULT;
    if (old_len ? !mem_is_mapped(m, old, old_len) || range_kernel(m, old, old_len)
                : !mem_region(m, old) || range_kernel(m, old, PAGE_SIZE))
        return -EFAULT;
    if (!old_len && !dup_ok(m, old)) return -EINVAL; /* Linux: only shared mappings */

    if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {
        uint64_t dst = new_addr;
        if (flags & MREMAP_FIXED) {
            if (dst & (PAGE_SIZE - 1)) return -EINVAL;
            if (new_len > USER_TOP || dst > USER_TOP - new_len) return -EINVAL;
            if (dst < old + old_len && old < dst + new_len) return -EINVAL; /* overlap */
            if (range_kernel(m, dst, new_len)) return -EINVAL;
            mem_unmap(m, dst, new_len);
        } else {
            dst = place(p, 0, new_len, 0);
            if (!dst) return -ENOMEM;
        }
        return move_mapping(p, old, old_len, dst, new_len, flags & MREMAP_DONTUNMAP);
    }
    if (old_len && new_len <= old_len) {
        if (new_len < old_len) mem_unmap(m, old + new_len, old_len - new_len);
        return (int64_t)old;
    }
    /* Grow in place when the pages after it are free. */
    uint64_t tail = old + old_len, grow = new_len - old_len;
    if (old_len) {
        const MemRegion *last = mem_region(m, tail - PAGE_SIZE);
        if (last && (last->prot & MEM_W) && !last->shared && !vm_enough_memory(grow))
            return -ENOMEM;
        if (!may_expand(p, tail, grow, last && (last->prot & MEM_W) && !last->shared))
            return -ENOMEM;
        if (tail <= USER_TOP - grow && range_free(m, tail, grow) &&
            mem_grow(m, old, old_len, new_len) == 0)
            return (int64_t)old;
    }
    if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
    uint64_t dst = place(p, 0, new_len, 0);
    if (!dst) return -ENOMEM;
    return move_mapping(p, old, old_len, dst, new_len, 0);
}

/* ---- advice, sync, residency, locking ------------------------------------ */

/* [start, start+len) page-aligned, len rounded; -errno, 0 when empty, 1 to go on. */
static int range_arg(uint64_t start, uint64_t len_in, uint64_t *len, int empty_err) {
    if (start & (PAGE_SIZE - 1)) return -EINVAL;
    *len = PAGE_ALIGN_UP(len_in);
    if (len_in && !*len) return empty_err;
    if (start + *len < start) return empty_err;
    return *len ? 1 : 0;
}

int64_t sys_madvise(Proc *p, const uint64_t a[6]) {
    uint64_t start = a[0], len;
    int advice = (int)a[2];
    switch (advice) {
    case MADV_NORMAL:
    case MADV_RANDOM:
    case MADV_SEQUENTIAL:
    case MADV_WILLNEED:
    case MADV_DONTNEED:
    case MADV_FREE:
    case MADV_REMOVE:
    case MADV_DONTFORK:
    case MADV_DOFORK:
    case MADV_MERGEABLE:
    case MADV_UNMERGEABLE:
    case MADV_HUGEPAGE:
    case MADV_NOHUGEPAGE:
    case MADV_DONTDUMP:
    case MADV_DODUMP:
    case MADV_WIPEONFORK:
    case MADV_KEEPONFORK:
    case MADV_COLD:
    case MADV_PAGEOUT:
    case 22 /* POPULATE_READ */:
    case 23 /* POPULATE_WRITE */:
    case 24 /* DONTNEED_LOCKED */:
    case 25 /* COLLAPSE */:
    case MADV_HWPOISON:
    case 101:
    case 102 /* GUARD_INSTALL */:
    case 103 /* GUARD_REMOVE */: break;
    default: return -EINVAL;
    }
    int r = range_arg(start, a[1], &len, -EINVAL);
    if (r <= 0) return r;
    if (advice == MADV_HWPOISON || advice == 101) return -EPERM; /* never on the host's pages */
    if (advice == 102 || advice == 103) {
        sys_report("madvise", (uint64_t)advice, "madvise guard regions unsupported (EINVAL)");
        return -EINVAL;
    }
    if (start + len > USER_TOP || range_kernel(p->mem, start, len)) return -ENOMEM;
    if (advice == MADV_REMOVE || advice == MADV_DONTNEED || advice == 24) {
        /* anonymous pages read as zero again, private file pages as the
         * file's; MADV_REMOVE punches shared file pages out of the file */
        if (mem_discard(p->mem, start, len, advice == MADV_REMOVE) < 0)
            return errno ? -errno : -EINVAL;
    }
    return mem_is_mapped(p->mem, start, len) ? 0 : -ENOMEM;
}

int64_t sys_msync(Proc *p, const uint64_t a[6]) {
    uint64_t start = a[0], len;
    int flags = (int)a[2];
    if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) return -EINVAL;
    if (start & (PAGE_SIZE - 1)) return -EINVAL;
    if ((flags & MS_ASYNC) && (flags & MS_SYNC)) return -EINVAL;
    int r = range_arg(start, a[1], &len, -ENOMEM);
    if (r <= 0) return r;
    if (start + len > USER_TOP) return -ENOMEM;
    /* shared file pages reach the file (what is mapped; holes: ENOMEM) */
    if (mem_sync(p->mem, start, len, flags) < 0) return -errno;
    return mem_is_mapped(p->mem, start, len) ? 0 : -ENOMEM;
}

int64_t sys_mincore(Proc *p, const uint64_t a[6]) {
    uint64_t start = a[0], len = a[1], vec = a[2];
    if (start & (PAGE_SIZE - 1)) return -EINVAL;
    if (!user_access_ok(start, len)) return -ENOMEM;
    uint64_t pages = PAGE_ALIGN_UP(len) >> PAGE_SHIFT;
    if (!user_access_ok(vec, pages)) return -EFAULT;
    if (pages && !mem_is_mapped(p->mem, start, pages << PAGE_SHIFT)) return -ENOMEM;
    memset(sys_bounce, 1, SYS_CHUNK);
    for (uint64_t done = 0; done < pages;) {
        uint64_t n = pages - done < SYS_CHUNK ? pages - done : SYS_CHUNK;
        if (copy_to_user(p, vec + done, sys_bounce, n)) return -EFAULT;
        done += n;
    }
    return 0;
}

static int64_t lock_range(Proc *p, uint64_t start, uint64_t len) {
    uint64_t s = start & PAGE_MASK;
    uint64_t e = PAGE_ALIGN_UP(start + len);
    if (e < s || e > USER_TOP) return -ENOMEM;
    if (e == s) return 0;
    return mem_is_mapped(p->mem, s, e - s) ? 0 : -ENOMEM;
}

int64_t sys_mlock(Proc *p, const uint64_t a[6]) { return lock_range(p, a[0], a[1]); }
int64_t sys_munlock(Proc *p, const uint64_t a[6]) { return lock_range(p, a[0], a[1]); }

int64_t sys_mlock2(Proc *p, const uint64_t a[6]) {
    if (a[2] & ~1ull /* MLOCK_ONFAULT */) return -EINVAL;
    return lock_range(p, a[0], a[1]);
}

int64_t sys_mlockall(Proc *p, const uint64_t a[6]) {
    int f = (int)a[0];
    if (!f || (f & ~7) || f == 4 /* MCL_ONFAULT alone */) return -EINVAL;
    return 0;
}

int64_t sys_munlockall(Proc *p, const uint64_t a[6]) { return 0; }
