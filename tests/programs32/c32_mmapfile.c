/* c32_mmapfile: tests/programs/mmapfile.c in a 32-bit process (glibc's
 * mmap is mmap2 here, offsets in pages), plus the old mmap(struct) call
 * and mmap2 at a page offset of a file mapping. Built -m32. */
#define _FILE_OFFSET_BITS 64
#include <sys/syscall.h>

static void c32_extra(void);
#define MMAPFILE_EXTRA c32_extra
#include "../programs/mmapfile.c"

#ifndef __i386__
#error "an i386 program: build with -m32"
#endif

static void c32_extra(void) {
    int fd = make_file("c32", 3 * PG, 'a');
    /* old mmap: one pointer to six words, byte offset */
    uint32_t args[6] = {0, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, (uint32_t)fd, PG};
    long a = syscall(SYS_mmap, args);
    char *m = (char *)a;
    printf("old mmap shared at offset 1 page: ok %d, %c %c\n", a != -1, m[0], m[PG]);
    m[1] = 'O';
    printf("write -> file: %c\n", file_byte(fd, PG + 1));
    /* mmap2: the offset counts pages */
    long b = syscall(SYS_mmap2, 0, PG, PROT_READ, MAP_PRIVATE, fd, 2);
    printf("mmap2 page offset 2: ok %d, %c\n", b != -1, *(char *)b);
    maps_of("old mmap", m, 2 * PG);
    close(fd);
}
