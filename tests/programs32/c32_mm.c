/* c32_mm: the address space of a 32-bit process, through the i386 calls:
 * mmap2 (offset in pages) and the old mmap (struct mmap_arg_struct), with
 * files and anonymous memory, hints, MAP_FIXED and MAP_FIXED_NOREPLACE,
 * MAP_32BIT (meaningless here), munmap/mprotect/madvise/mremap, brk, and
 * every address staying below 0xffffe000. Addresses themselves differ
 * between runs (ASLR natively), so only relations are printed. Built -m32
 * with a scratch directory as argv[1]. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __i386__
#error "an i386 program: build with -m32"
#endif

static long sc_r;
#define SC(...)           (errno = 0, sc_r = syscall(__VA_ARGS__), sc_r < 0 && sc_r > -4096 ? -errno : sc_r)
#define SHOW(label, expr) printf("%-36s %ld\n", label, (long)(expr))
#define TOP               0xffffe000u

/* A mapping's address: page aligned, above mmap_min_addr, below the top
 * (high addresses are negative longs; -4095..-1 are errors). */
static int ok_addr(long a, uint32_t len) {
    uint32_t u = (uint32_t)a;
    return u < 0xfffff001u && !(u & 4095) && u >= 0x10000 && (uint64_t)u + len <= TOP;
}

int main(int argc, char **argv) {
    char path[4096];
    if (argc != 2) return 2;
    snprintf(path, sizeof path, "%s/data", argv[1]);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    for (int i = 0; i < 3 * 4096; i++)
        write(fd, &(char){(char)('a' + i / 4096)}, 1);

    long a = SC(SYS_mmap2, 0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap2 anon: valid 32-bit address %d\n", ok_addr(a, 8192));
    char *p = (char *)a;
    memset(p, 7, 8192);
    printf("anon memory works: %d\n", p[8191] == 7);
    long f2 = SC(SYS_mmap2, 0, 4096, PROT_READ, MAP_PRIVATE, fd, 2);
    printf("mmap2 file page 2: valid %d, first byte %c\n", ok_addr(f2, 4096), *(char *)f2);
    long f1 = SC(SYS_mmap2, 0, 4096, PROT_READ, MAP_SHARED | MAP_32BIT, fd, 1);
    printf("mmap2 MAP_32BIT (ignored for i386): valid %d, first byte %c\n", ok_addr(f1, 4096),
           *(char *)f1);
    SHOW("mmap2 offset past EOF",
         ok_addr(SC(SYS_mmap2, 0, 4096, PROT_READ, MAP_PRIVATE, fd, 1000), 4096));
    SHOW("mmap2 len 0", SC(SYS_mmap2, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    SHOW("mmap2 bad fd", SC(SYS_mmap2, 0, 4096, PROT_READ, MAP_PRIVATE, 999, 0));
    SHOW("mmap2 3.9 GiB",
         SC(SYS_mmap2, 0, 0xf8000000u, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    SHOW("mmap2 no type", SC(SYS_mmap2, 0, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0));

    struct {
        uint32_t addr, len, prot, flags, fd, off;
    } m = {0, 4096, PROT_READ, MAP_PRIVATE, (uint32_t)fd, 4096};
    long o = SC(SYS_mmap, &m);
    printf("old mmap file offset 4096: valid %d, first byte %c\n", ok_addr(o, 4096), *(char *)o);
    m.off = 100;
    SHOW("old mmap unaligned offset", SC(SYS_mmap, &m));
    SHOW("old mmap EFAULT", SC(SYS_mmap, (void *)16));

    /* a hint that is free is taken; MAP_FIXED_NOREPLACE on a used range fails */
    uint32_t hint = 0x50000000;
    long h = SC(SYS_mmap2, hint, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("hint 0x50000000 taken: %d\n", h == (long)hint);
    SHOW("MAP_FIXED_NOREPLACE on it", SC(SYS_mmap2, hint, 4096, PROT_READ,
                                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
    long fx = SC(SYS_mmap2, hint, 8192, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("MAP_FIXED over it: %d\n", fx == (long)hint);
    SHOW("MAP_FIXED ending past 0xffffe000", SC(SYS_mmap2, 0xffffd000u, 8192, PROT_READ,
                                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
    SHOW("MAP_FIXED unaligned",
         SC(SYS_mmap2, hint + 1, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
    long hi = SC(SYS_mmap2, 0xffffd000u, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("hint that ends past the top moved elsewhere: %d\n",
           hi != (long)0xffffd000u && ok_addr(hi, 8192));

    SHOW("mprotect read-only", SC(SYS_mprotect, hint, 4096, PROT_READ));
    SHOW("mprotect unaligned", SC(SYS_mprotect, hint + 1, 4096, PROT_READ));
    SHOW("mprotect unmapped", SC(SYS_mprotect, 0x60000000, 4096, PROT_READ));
    SHOW("madvise DONTNEED", SC(SYS_madvise, a, 4096, MADV_DONTNEED));
    printf("after DONTNEED: %d %d\n", p[0], p[4096]);
    SHOW("munmap past top", SC(SYS_munmap, 0xfffff000u, 8192));
    SHOW("munmap unaligned", SC(SYS_munmap, a + 1, 4096));
    SHOW("munmap hint page", SC(SYS_munmap, hint, 8192));
    SHOW("munmap again (no-op)", SC(SYS_munmap, hint, 8192));

    /* mremap: grow in place when the pages after it are free, else move */
    long g = SC(SYS_mmap2, 0x40000000, 4096, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    *(int *)g = 1234;
    long g2 = SC(SYS_mremap, g, 4096, 12288, 0, 0);
    printf("mremap grow in place: %d, data kept %d\n", g2 == g, *(int *)g2 == 1234);
    (void)SC(SYS_mmap2, 0x40003000, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
             0);
    SHOW("mremap grow blocked, no MAYMOVE", SC(SYS_mremap, g, 12288, 20480, 0, 0));
    long g3 = SC(SYS_mremap, g, 12288, 20480, MREMAP_MAYMOVE, 0);
    printf("mremap MAYMOVE: moved %d, 32-bit %d, data kept %d\n", g3 != g, ok_addr(g3, 20480),
           *(int *)g3 == 1234);
    long g4 = SC(SYS_mremap, g3, 20480, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, 0x48000000);
    printf("mremap FIXED: at target %d\n", g4 == 0x48000000);
    SHOW("mremap FIXED past top",
         SC(SYS_mremap, g4, 4096, 8192, MREMAP_MAYMOVE | MREMAP_FIXED, 0xffffd000u));
    SHOW("mremap unmapped", SC(SYS_mremap, 0x60000000, 4096, 8192, MREMAP_MAYMOVE, 0));
    SHOW("mremap bad flags", SC(SYS_mremap, g4, 4096, 8192, 0x80, 0));
    long g5 = SC(SYS_mremap, g4, 4096, 4096, MREMAP_MAYMOVE | 4 /* DONTUNMAP */, 0);
    printf("mremap DONTUNMAP: 32-bit %d, old still mapped %d\n", ok_addr(g5, 4096),
           SC(SYS_madvise, g4, 4096, MADV_NORMAL) == 0);

    /* brk stays in the 32-bit space */
    long b0 = SC(SYS_brk, 0);
    long b1 = SC(SYS_brk, b0 + 100000);
    printf("brk grows: %d\n", b1 == b0 + 100000);
    ((char *)b0)[99999] = 1;
    printf("brk past the top refused: %d\n", SC(SYS_brk, 0xfffff000u) == b1);
    printf("brk shrink: %d\n", SC(SYS_brk, b0) == b0);
    return 0;
}
