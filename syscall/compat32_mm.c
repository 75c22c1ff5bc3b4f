/* The address space of a 32-bit process: mm.c does the mapping work, and
 * these wrappers keep it below the 32-bit TASK_SIZE (0xffffe000 under a
 * 64-bit kernel, 3 GiB under --kernel=i386). Mappings without MAP_FIXED are
 * placed here -- the hint when it is free, else top-down below
 * p->mmap_base, else bottom-up above it, as Linux's legacy/compat layout
 * does -- and handed to mm.c as MAP_FIXED on a range known to be free.
 * MAP_32BIT means nothing to a 32-bit caller (it only steers 64-bit
 * placement). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "compat32.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE_UP(x)        (((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define MREMAP_DONTUNMAP_ 4

static uint64_t mmap_top32(Proc *p) {
    uint64_t t = c32_task_size(p);
    return p->mmap_base && p->mmap_base <= t ? p->mmap_base : t;
}

/* [a, a+len) holds no mapping (mem_find_free answers a exactly then). */
static int range_free32(Proc *p, uint64_t a, uint64_t len) {
    return mem_find_free(p->mem, len, a, a + len) == a;
}

static uint64_t place32(Proc *p, uint64_t hint, uint64_t len) {
    uint64_t top = c32_task_size(p);
    if (len > top) return 0;
    hint &= PAGE_MASK;
    if (hint >= MMAP_MIN_ADDR && hint <= top - len && range_free32(p, hint, len)) return hint;
    uint64_t a = mem_find_free(p->mem, len, MMAP_MIN_ADDR, mmap_top32(p));
    if (!a) a = mem_find_free(p->mem, len, mmap_top32(p), top);
    return a;
}

static int64_t do_mmap32(Proc *p, uint64_t addr, uint64_t len, int prot, int flags, int fd,
                         uint64_t off) {
    uint64_t top = c32_task_size(p);
    flags &= ~MAP_32BIT;
    /* The checks mm.c makes before placing, in its order, so that the
     * error is the one Linux gives before it would look for room. */
    if (off & (PAGE_SIZE - 1)) return -EINVAL;
    if (!(flags & MAP_ANONYMOUS)) {
        int fl = fcntl(fd, F_GETFL);
        if (fl < 0 || (fl & O_PATH)) return -EBADF;
    }
    if (len == 0) return -EINVAL;
    uint64_t plen = PAGE_UP(len);
    if (plen > top) return -ENOMEM;
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        if (addr > top - plen) return -ENOMEM;
    } else {
        if (!(addr = place32(p, addr, plen))) return -ENOMEM;
        flags |= MAP_FIXED;
    }
    const uint64_t w[6] = {
        addr, len, (uint64_t)prot, (uint64_t)(uint32_t)flags, (uint64_t)(uint32_t)fd, off};
    return sys_mmap(p, w);
}

/* mmap2: the offset counts 4096-byte pages. */
int64_t c32_mmap2(Proc *p, const uint64_t a[6]) {
    return do_mmap32(p, a[0], a[1], (int)a[2], (int)a[3], (int)a[4], a[5] << PAGE_SHIFT);
}

/* old mmap(struct mmap_arg_struct32 *): addr, len, prot, flags, fd and a
 * byte offset that must be page aligned. */
int64_t c32_old_mmap(Proc *p, const uint64_t a[6]) {
    uint32_t m[6];
    if (copy_from_user(p, m, a[0], sizeof m)) return -EFAULT;
    if (m[5] & (PAGE_SIZE - 1)) return -EINVAL;
    return do_mmap32(p, m[0], m[1], (int)m[2], (int)m[3], (int)m[4], m[5]);
}

int64_t c32_munmap(Proc *p, const uint64_t a[6]) {
    uint64_t top = c32_task_size(p);
    if ((a[0] & (PAGE_SIZE - 1)) || a[0] > top || a[1] > top - a[0]) return -EINVAL;
    return sys_munmap(p, a);
}

/* brk: the break never goes past the 32-bit top. */
int64_t c32_brk(Proc *p, const uint64_t a[6]) {
    if (a[0] > c32_task_size(p) - PAGE_SIZE) {
        const uint64_t q[6] = {0, 0, 0, 0, 0, 0};
        return sys_brk(p, q);
    }
    return sys_brk(p, a);
}

/* mremap: the argument checks mm.c makes, in its order; then a move goes
 * to a 32-bit range chosen here (as MREMAP_FIXED) and growth in place must
 * end below the top. */
int64_t c32_mremap(Proc *p, const uint64_t a[6]) {
    uint64_t old = a[0], old_len = PAGE_UP(a[1]), new_len = PAGE_UP(a[2]), top = c32_task_size(p);
    int flags = (int)a[3];
    if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP_)) return -EINVAL;
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return -EINVAL;
    if ((flags & MREMAP_DONTUNMAP_) && (!(flags & MREMAP_MAYMOVE) || old_len != new_len))
        return -EINVAL;
    if (old & (PAGE_SIZE - 1)) return -EINVAL;
    if (!new_len) return -EINVAL;
    if (old_len > top || old > top - old_len) return -EFAULT;
    /* old_len 0 (a second mapping of shared pages): mm.c checks the rest */
    if (old_len ? !mem_is_mapped(p->mem, old, old_len) : !mem_region(p->mem, old)) return -EFAULT;
    uint64_t dst;
    if (flags & MREMAP_FIXED) {
        if (new_len > top || a[4] > top - new_len) return -EINVAL;
        return sys_mremap(p, a);
    }
    if (!(flags & MREMAP_DONTUNMAP_) && old_len) {
        if (new_len <= old_len) return sys_mremap(p, a);
        uint64_t tail = old + old_len, grow = new_len - old_len;
        if (grow <= top - tail && range_free32(p, tail, grow)) return sys_mremap(p, a);
        if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
    }
    if (!old_len && !(flags & MREMAP_MAYMOVE)) return sys_mremap(p, a); /* its error */
    if (!(dst = place32(p, 0, new_len))) return -ENOMEM;
    const uint64_t w[6] = {old, a[1], a[2], (uint64_t)(flags | MREMAP_FIXED), dst, 0};
    return sys_mremap(p, w);
}
