/* mmapfile: file mappings are the file. MAP_SHARED writes reach read() and
 * msync, MAP_PRIVATE is copy-on-write, a shared and a private mapping of
 * one file see each other as Linux lets them, a mapping longer than the
 * file reads zeros to the end of the last page and faults past it, mremap
 * (grow, shrink, move, duplicate) keeps the file behind the
 * pages, mprotect splits /proc/self/maps lines keeping name, offset, device
 * and inode, ftruncate after mapping, MADV_DONTNEED, EACCES cases, and a
 * 1 GiB sparse file mapped without a copy. Addresses differ between runs,
 * so only contents and relative positions are printed.
 *
 *   mmapfile DIR              the checks above (scratch directory DIR)
 *   mmapfile DIR sigbus       then reads a page wholly past the end of file
 *   mmapfile DIR sigbus-write then writes one (shared mapping)
 *   mmapfile DIR sigbus-trunc reads a page it used before the file shrank
 * The sigbus modes die of SIGBUS (compared with run_diff.sh --fault). Also
 * built -m32 (tests/programs32/c32_mmapfile.c includes this file). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PG 4096
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#define SHOW(label, expr)                                                                          \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long v_ = (long)(expr);                                                                    \
        printf("%-44s %ld%s%s\n", label, v_, errno ? " " : "", errno ? errname(errno) : "");       \
    } while (0)

static char path[4096];

static const char *errname(int e) {
    switch (e) {
    case EFAULT: return "EFAULT";
    case EINVAL: return "EINVAL";
    case EACCES: return "EACCES";
    case ENOMEM: return "ENOMEM";
    case EPERM: return "EPERM";
    case EBADF: return "EBADF";
    default: return "E?";
    }
}

static int make_file(const char *name, size_t size, char fill) {
    snprintf(path, sizeof path, "%s", name);
    int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        perror(name);
        exit(1);
    }
    char buf[PG];
    for (size_t o = 0; o < size; o += PG) {
        size_t n = size - o < PG ? size - o : PG;
        for (size_t k = 0; k < n; k++)
            buf[k] = (char)(fill + (o / PG) % 26);
        if (pwrite(fd, buf, n, (off_t)o) != (ssize_t)n) {
            perror("pwrite");
            exit(1);
        }
    }
    return fd;
}

static char file_byte(int fd, off_t off) {
    char c = '?';
    if (pread(fd, &c, 1, off) != 1) return '!';
    return c;
}

/* Count the zero bytes in [p, p+n). */
static size_t zeros(const char *p, size_t n) {
    size_t z = 0;
    for (size_t k = 0; k < n; k++)
        z += p[k] == 0;
    return z;
}

/* The /proc/self/maps lines inside [base, base+len), addresses relative. */
static void maps_of(const char *what, void *base, size_t len) {
    FILE *f = fopen("/proc/self/maps", "r");
    char line[8192];
    uintptr_t b = (uintptr_t)base;
    printf("maps %s:\n", what);
    while (f && fgets(line, sizeof line, f)) {
        unsigned long s, e, off, ino;
        char perm[8], dev[16];
        int n = 0;
        if (sscanf(line, "%lx-%lx %7s %lx %15s %lu %n", &s, &e, perm, &off, dev, &ino, &n) < 6)
            continue;
        if (s < b || e > b + len) continue;
        char *name = line + n;
        name[strcspn(name, "\n")] = 0;
        /* the inode is the mapped file's (files are new each run) */
        struct stat st;
        int same = stat(name, &st) == 0 && st.st_ino == ino;
        printf("  +%05lx-+%05lx %s %08lx %s inode-is-the-file=%d %s\n", s - b, e - b, perm, off,
               dev, same, name);
    }
    if (f) fclose(f);
}

static void shared_and_private(void) {
    int fd = make_file("data", 3 * PG + 100, 'a');
    char *s = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    printf("mapped: shared %d private %d\n", s != MAP_FAILED, p != MAP_FAILED);
    printf("contents: %c %c %c %c\n", s[0], s[PG], s[2 * PG], p[3 * PG + 99]);

    /* shared writes reach the file, read() and the private mapping */
    s[10] = 'X';
    s[PG + 5] = 'Y';
    printf("shared write -> read(): %c %c\n", file_byte(fd, 10), file_byte(fd, PG + 5));
    printf("shared write -> private (untouched page): %c %c\n", p[10], p[PG + 5]);
    SHOW("msync MS_SYNC", msync(s, 4 * PG, MS_SYNC));
    SHOW("msync MS_ASYNC", msync(s + PG, PG, MS_ASYNC));
    SHOW("msync MS_INVALIDATE", msync(s, PG, MS_INVALIDATE));
    SHOW("msync of a private mapping", msync(p, PG, MS_SYNC));

    /* private writes stay private: copy-on-write of that page only */
    p[20] = 'P';
    printf("private write -> read(): %c, shared: %c, private: %c\n", file_byte(fd, 20), s[20],
           p[20]);
    s[21] = 'S';
    printf("after the private copy, shared write -> private: %c (file %c)\n", p[21],
           file_byte(fd, 21));
    s[PG + 6] = 'Z';
    printf("other pages still follow the file: %c\n", p[PG + 6]);
    /* write() reaches the shared mapping, and the private one's file pages */
    SHOW("pwrite page 2", pwrite(fd, "WQ", 2, 2 * PG + 1));
    printf("pwrite -> shared %c%c, private %c%c\n", s[2 * PG + 1], s[2 * PG + 2], p[2 * PG + 1],
           p[2 * PG + 2]);

    /* the last partial page: the file's 100 bytes, then zeros */
    printf("last page: byte 99 %c, zeros after EOF %zu of %d\n", s[3 * PG + 99],
           zeros(s + 3 * PG + 100, PG - 100), PG - 100);
    /* system calls on a page past the end: EFAULT, as natively */
    char *big = mmap(NULL, 6 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    SHOW("write() from a page past EOF", write(fd, big + 4 * PG, 10));
    SHOW("read() into a page past EOF", pread(fd, big + 5 * PG, 10, 0));

    /* MADV_DONTNEED: private pages go back to the file's, shared stay */
    SHOW("madvise DONTNEED private", madvise(p, PG, MADV_DONTNEED));
    printf("private after DONTNEED: %c%c (file %c%c)\n", p[20], p[21], file_byte(fd, 20),
           file_byte(fd, 21));
    SHOW("madvise DONTNEED shared", madvise(s, PG, MADV_DONTNEED));
    printf("shared after DONTNEED: %c\n", s[10]);
    munmap(big, 6 * PG);
    munmap(s, 4 * PG);
    munmap(p, 4 * PG);
    close(fd);
}

static void remaps(void) {
    int fd = make_file("remap", 6 * PG, 'A');
    char *m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PG);
    m[1] = '1';
    char *g = mremap(m, PG, 3 * PG, MREMAP_MAYMOVE);
    printf("mremap grow: ok %d, pages %c%c%c, own write kept %c\n", g != MAP_FAILED, g[0], g[PG],
           g[2 * PG], g[1]);
    g[2 * PG + 3] = '3';
    printf("write in the grown part -> file: %c\n", file_byte(fd, 3 * PG + 3));
    char *sh = mremap(g, 3 * PG, PG, 0);
    printf("mremap shrink: same address %d\n", sh == g);
    SHOW("msync of the dropped tail", msync(g + PG, PG, MS_SYNC));

    /* a move to a fixed place keeps the file */
    char *hole = mmap(NULL, 8 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *mv = mremap(sh, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, hole + 2 * PG);
    printf("mremap FIXED: at the target %d, %c%c\n", mv == hole + 2 * PG, mv[1], mv[PG]);
    mv[PG + 7] = '7';
    printf("write after the move -> file: %c\n", file_byte(fd, 2 * PG + 7));
    maps_of("after the move", hole, 8 * PG);

    /* old_size 0: a second mapping of the same shared pages */
    char *dup = mremap(mv, 0, PG, MREMAP_MAYMOVE);
    printf("mremap old_size 0 (shared): ok %d, same data %d\n", dup != MAP_FAILED,
           dup != MAP_FAILED && dup[1] == mv[1]);
    if (dup != MAP_FAILED) {
        dup[9] = '9';
        printf("write through the duplicate -> original: %c\n", mv[9]);
    }
    char *pr = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    SHOW("mremap old_size 0 (private)", (long)mremap(pr, 0, PG, MREMAP_MAYMOVE) == -1 ? -errno : 0);

    /* growing past the end of the file: the pages are there, faulting */
    char *e = mmap(NULL, 5 * PG, PROT_READ, MAP_PRIVATE, fd, PG);
    char *eg = mremap(e, 5 * PG, 7 * PG, MREMAP_MAYMOVE);
    printf("mremap past EOF: ok %d, last file page %c\n", eg != MAP_FAILED, eg[4 * PG]);
    SHOW("write() from the grown page past EOF", write(fd, eg + 5 * PG, 1));
    close(fd);
}

static void protections(void) {
    int fd = make_file("prot", 4 * PG, 'k');
    char *m = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PG);
    maps_of("3 shared pages at offset 1 page", m, 3 * PG);
    SHOW("mprotect middle page read-only", mprotect(m + PG, PG, PROT_READ));
    maps_of("middle read-only", m, 3 * PG);
    SHOW("mprotect all three read+exec", mprotect(m, 3 * PG, PROT_READ | PROT_EXEC));
    maps_of("all r-x", m, 3 * PG);
    SHOW("mprotect back to read+write", mprotect(m, 3 * PG, PROT_READ | PROT_WRITE));
    m[2 * PG] = '!';
    printf("write after mprotect -> file: %c\n", file_byte(fd, 3 * PG));
    char *p = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, 2 * PG);
    SHOW("mprotect private file mapping writable", mprotect(p, 2 * PG, PROT_READ | PROT_WRITE));
    p[0] = 'c';
    printf("private after mprotect: %c, file %c\n", p[0], file_byte(fd, 2 * PG));
    maps_of("private 2 pages", p, 2 * PG);
    close(fd);

    int ro = open("prot", O_RDONLY);
    SHOW("mmap shared writable of an O_RDONLY fd",
         (long)mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == -1 ? -errno : 0);
    char *r = mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0);
    printf("shared read-only map: %c\n", r[0]);
    SHOW("mprotect it writable", mprotect(r, PG, PROT_READ | PROT_WRITE));
    char *rp = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
    rp[0] = 'w';
    printf("private writable map of an O_RDONLY fd: %c, file %c\n", rp[0], file_byte(ro, 0));
    close(ro);
    printf("still mapped after close: %c\n", r[0]);
}

static char *truncated; /* sigbus-trunc: a page used before the file shrank */

static void truncation(void) {
    int fd = make_file("trunc", 3 * PG, 'm');
    char *m = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    printf("before ftruncate: %c %c %c\n", m[0], m[PG + 20], m[2 * PG]);
    SHOW("ftruncate to 1 page + 10", ftruncate(fd, PG + 10));
    printf("page 1 after: byte 9 %c, zeros %zu of %d\n", m[PG + 9], zeros(m + PG + 10, PG - 10),
           PG - 10);
    SHOW("write() from the cut-off page", write(fd, m + 2 * PG, 1));
    SHOW("ftruncate back to 3 pages", ftruncate(fd, 3 * PG));
    printf("page 2 again: zeros %zu of %d\n", zeros(m + 2 * PG, PG), PG);
    m[2 * PG + 1] = 'n';
    printf("write there -> file: %c\n", file_byte(fd, 2 * PG + 1));
    SHOW("ftruncate to 1 page", ftruncate(fd, PG));
    truncated = m + 2 * PG;
}

static void sparse(void) {
    const off_t gib = 1l << 30;
    int fd = open("sparse", O_RDWR | O_CREAT | O_TRUNC, 0644);
    SHOW("ftruncate 1 GiB", ftruncate(fd, gib));
    char *m = mmap(NULL, (size_t)gib, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    printf("1 GiB sparse mapping: ok %d\n", m != MAP_FAILED);
    if (m == MAP_FAILED) return;
    printf("bytes at 0, 512 MiB, the end: %d %d %d\n", m[0], m[gib / 2], m[gib - 1]);
    m[gib / 2 + 3] = 's';
    printf("write at 512 MiB -> file: %c\n", file_byte(fd, gib / 2 + 3));
    struct stat st;
    fstat(fd, &st);
    printf("file still sparse: %d\n", st.st_blocks * 512 < 1024 * 1024);
    munmap(m, (size_t)gib);
    close(fd);
}

int main(int argc, char **argv) {
    if (argc < 2 || chdir(argv[1]) != 0) {
        fprintf(stderr, "usage: mmapfile DIR [sigbus|sigbus-write|sigbus-trunc]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    shared_and_private();
    remaps();
    protections();
    truncation();
    sparse();
#ifdef MMAPFILE_EXTRA
    MMAPFILE_EXTRA();
#endif
    const char *mode = argc > 2 ? argv[2] : "";
    if (!strcmp(mode, "sigbus") || !strcmp(mode, "sigbus-write")) {
        int fd = make_file("short", 100, 'q');
        char *m = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        printf("in the file: %c\n", m[99]);
        if (mode[6])
            m[PG + 1] = 1; /* SIGBUS */
        else
            printf("%d\n", ((volatile char *)m)[PG + 1]); /* SIGBUS */
        printf("not reached\n");
    } else if (!strcmp(mode, "sigbus-trunc")) {
        printf("%d\n", *(volatile char *)truncated); /* SIGBUS */
        printf("not reached\n");
    }
    return 0;
}
