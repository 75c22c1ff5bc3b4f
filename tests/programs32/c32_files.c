/* c32_files: the i386 file system calls whose structures differ from
 * x86-64, called directly (syscall()) so the exact i386 call is made, in a
 * scratch directory given as argv[1]:
 *   stat64/lstat64/fstat64/fstatat64, the i386 struct stat (106-108) and the
 *   old one (18/28/84), statfs/fstatfs/statfs64/fstatfs64, getdents (141),
 *   getdents64, readdir (89), _llseek and lseek on files and directories,
 *   fcntl/fcntl64 locks (struct flock and flock64), O_LARGEFILE in F_GETFL
 *   for open/openat/creat, readv/writev/preadv/pwritev/preadv2 (iovec32),
 *   pread64/pwrite64, truncate/ftruncate (32-bit and 64-bit lengths),
 *   sendfile/sendfile64, utime/utimes/futimesat/utimensat (+_time64),
 *   and EFAULT/EINVAL for bad arguments.
 * Values that differ between any two runs (inode numbers, times of day,
 * block counts) are printed as relations. Built with gcc -m32. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef __i386__
#error "an i386 program: build with -m32"
#endif

static char dir[3000];
static char *path(const char *name) {
    static char buf[2][4096];
    static int which;
    which ^= 1;
    snprintf(buf[which], sizeof buf[which], "%s/%s", dir, name);
    return buf[which];
}

/* syscall() result as "r" or "-ERRNO" */
static long sc_r;
#define SC(...)           (errno = 0, sc_r = syscall(__VA_ARGS__), sc_r < 0 ? -errno : sc_r)
#define SHOW(label, expr) printf("%-28s %ld\n", label, (long)(expr))

/* The i386 kernel structures, by hand (glibc's differ). */
struct kstat64 { /* struct stat64, packed */
    uint64_t dev;
    uint32_t pad0, ino32, mode, nlink, uid, gid;
    uint64_t rdev;
    uint32_t pad3;
    int64_t size;
    uint32_t blksize;
    uint64_t blocks;
    uint32_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
    uint64_t ino;
} __attribute__((packed));
struct kstat { /* i386 struct stat */
    uint32_t dev, ino;
    uint16_t mode, nlink, uid, gid;
    uint32_t rdev, size, blksize, blocks, atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns, u4, u5;
};
struct kstat_old {
    uint16_t dev, ino, mode, nlink, uid, gid, rdev, pad;
    uint32_t size, atime, mtime, ctime;
};

static void stat_checks(void) {
    struct stat hs; /* glibc's own stat: the reference for the raw ones */
    struct kstat64 s64;
    memset(&s64, 0xa5, sizeof s64);
    SHOW("stat64", SC(SYS_stat64, path("f"), &s64));
    stat(path("f"), &hs);
    printf("stat64 fields: size=%lld mode=%o nlink=%u ino-match=%d ino32-match=%d blksize-match=%d "
           "pads-kept=%d mtime-match=%d uid-match=%d dev-match=%d\n",
           (long long)s64.size, s64.mode, s64.nlink, s64.ino == (uint64_t)hs.st_ino,
           s64.ino32 == (uint32_t)hs.st_ino, s64.blksize == (uint32_t)hs.st_blksize,
           s64.pad0 == 0xa5a5a5a5u && s64.pad3 == 0xa5a5a5a5u, s64.mtime == (uint32_t)hs.st_mtime,
           s64.uid == (uint32_t)hs.st_uid, s64.dev == (uint64_t)hs.st_dev);
    memset(&s64, 0, sizeof s64);
    SHOW("lstat64 link", SC(SYS_lstat64, path("link"), &s64));
    printf("lstat64 is link: %d size=%lld\n", S_ISLNK(s64.mode), (long long)s64.size);
    SHOW("stat64 via link", SC(SYS_stat64, path("link"), &s64));
    printf("stat64 via link is reg: %d\n", S_ISREG(s64.mode));
    int fd = open(path("f"), O_RDONLY);
    SHOW("fstat64", SC(SYS_fstat64, fd, &s64));
    printf("fstat64 size=%lld\n", (long long)s64.size);
    SHOW("fstatat64 AT_SYMLINK_NOFOLLOW",
         SC(SYS_fstatat64, AT_FDCWD, path("link"), &s64, AT_SYMLINK_NOFOLLOW));
    printf("fstatat64 is link: %d\n", S_ISLNK(s64.mode));
    SHOW("fstatat64 AT_EMPTY_PATH", SC(SYS_fstatat64, fd, "", &s64, AT_EMPTY_PATH));
    SHOW("fstatat64 bad flags", SC(SYS_fstatat64, AT_FDCWD, path("f"), &s64, 0x40000000));
    SHOW("stat64 missing", SC(SYS_stat64, path("nope"), &s64));
    SHOW("stat64 EFAULT buf", SC(SYS_stat64, path("f"), (void *)16));
    SHOW("stat64 EFAULT path", SC(SYS_stat64, (void *)16, &s64));
    SHOW("stat64 missing+EFAULT buf", SC(SYS_stat64, path("nope"), (void *)16));
    SHOW("fstat64 EBADF", SC(SYS_fstat64, 999, &s64));

    struct kstat ks;
    memset(&ks, 0xa5, sizeof ks);
    long r = SC(SYS_stat, path("f"), &ks); /* 106: struct stat */
    /* EOVERFLOW when the inode or size does not fit: both runs agree */
    printf("stat(106) %ld", r);
    if (r == 0)
        printf(" size=%u mode=%o nlink=%u ino-match=%d unused-zero=%d", ks.size, ks.mode, ks.nlink,
               ks.ino == (uint32_t)hs.st_ino, ks.u4 == 0 && ks.u5 == 0);
    printf("\n");
    SHOW("lstat(107) link", SC(SYS_lstat, path("link"), &ks));
    SHOW("fstat(108)", SC(SYS_fstat, fd, &ks));
    printf("fstat(108) size=%u\n", ks.size);
    SHOW("fstat(108) big file", SC(SYS_stat, path("big"), &ks));
    struct kstat_old ko;
    r = SC(SYS_oldstat, path("f"), &ko); /* 18 */
    printf("oldstat %ld", r);
    if (r == 0) printf(" size=%u mode=%o", ko.size, ko.mode);
    printf(" (ino fits 16 bits: %d)\n", hs.st_ino <= 0xffff);
    r = SC(SYS_oldfstat, fd, &ko);
    printf("oldfstat %ld\n", r);
    r = SC(SYS_oldlstat, "/", &ko); /* the root's inode number is small */
    printf("oldlstat / %ld", r);
    if (r == 0) printf(" dir=%d ino=%u", S_ISDIR(ko.mode), ko.ino);
    printf("\n");
    close(fd);
}

static void statfs_checks(void) {
    uint32_t sf[16];
    uint8_t sf64[88];
    memset(sf, 0, sizeof sf);
    long r = SC(SYS_statfs, dir, sf);
    printf("statfs %ld type=%#x bsize=%u namelen=%u spare-zero=%d\n", r, sf[0], sf[1], sf[9],
           !sf[12] && !sf[13] && !sf[14] && !sf[15]);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    uint32_t sf2[16];
    r = SC(SYS_fstatfs, fd, sf2);
    printf("fstatfs %ld same type/bsize: %d\n", r, sf2[0] == sf[0] && sf2[1] == sf[1]);
    memset(sf64, 0x5a, sizeof sf64);
    r = SC(SYS_statfs64, dir, 84, sf64);
    uint32_t t, b, nl;
    memcpy(&t, sf64, 4);
    memcpy(&b, sf64 + 4, 4);
    memcpy(&nl, sf64 + 56, 4);
    printf("statfs64 %ld type=%#x bsize=%u namelen=%u tail-kept=%d\n", r, t, b, nl,
           sf64[84] == 0x5a);
    SHOW("statfs64 size 88", SC(SYS_statfs64, dir, 88, sf64));
    SHOW("fstatfs64", SC(SYS_fstatfs64, fd, 84, sf64));
    SHOW("fstatfs64 EBADF", SC(SYS_fstatfs64, 999, 84, sf64));
    SHOW("statfs EFAULT", SC(SYS_statfs, dir, (void *)16));
    close(fd);
}

static int cmpstr(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names from a getdents buffer, sorted (order is the file system's). */
static void list(const char *label, char **names, int n) {
    qsort(names, (size_t)n, sizeof *names, cmpstr);
    printf("%s (%d):", label, n);
    for (int i = 0; i < n; i++)
        printf(" %s", names[i]);
    printf("\n");
}

static void dir_checks(void) {
    char *names[64];
    static char store[64][300];
    char buf[4096];
    int n = 0, fd = open(path("d"), O_RDONLY | O_DIRECTORY);
    long r;
    int offs_ok = 1;
    /* getdents (141): struct linux_dirent with 32-bit d_ino/d_off, d_type last */
    while ((r = SC(SYS_getdents, fd, buf, sizeof buf)) > 0) {
        for (long o = 0; o < r;) {
            uint32_t ino, off;
            uint16_t rl;
            memcpy(&ino, buf + o, 4);
            memcpy(&off, buf + o + 4, 4);
            memcpy(&rl, buf + o + 8, 2);
            unsigned char type = (unsigned char)buf[o + rl - 1];
            snprintf(store[n], sizeof store[n], "%s/%c", buf + o + 10,
                     type == DT_DIR   ? 'd'
                     : type == DT_REG ? 'r'
                                      : '?');
            names[n] = store[n];
            n++;
            offs_ok &= off <= 0x7fffffffu && (rl & 3) == 0;
            o += rl;
        }
    }
    printf("getdents end %ld, offsets fit 31 bits and records aligned: %d\n", r, offs_ok);
    list("getdents", names, n);
    /* telldir-style positions: the end as a 32-bit caller sees it */
    printf("lseek(dir, 0, SEEK_CUR) at end = %#lx\n", (long)SC(SYS_lseek, fd, 0, SEEK_CUR));
    SHOW("lseek(dir, 0, SEEK_SET)", SC(SYS_lseek, fd, 0, SEEK_SET));
    /* one small buffer: a record at a time, nothing skipped */
    n = 0;
    while ((r = SC(SYS_getdents, fd, buf, 24)) > 0) {
        for (long o = 0; o < r;) {
            uint16_t rl;
            memcpy(&rl, buf + o + 8, 2);
            snprintf(store[n], sizeof store[n], "%s", buf + o + 10);
            names[n] = store[n];
            n++;
            o += rl;
        }
    }
    printf("getdents(24) end %ld\n", r);
    list("getdents(24)", names, n);
    lseek(fd, 0, SEEK_SET);
    SHOW("getdents count 8 (EINVAL)", SC(SYS_getdents, fd, buf, 8));
    SHOW("getdents EFAULT", SC(SYS_getdents, fd, (void *)16, 4096));
    SHOW("getdents EBADF", SC(SYS_getdents, 999, buf, 4096));
    /* getdents64 (220), then seek back to a remembered d_off */
    n = 0;
    int64_t second_off = -1;
    offs_ok = 1;
    while ((r = SC(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long o = 0; o < r;) {
            int64_t off;
            uint16_t rl;
            memcpy(&off, buf + o + 8, 8);
            memcpy(&rl, buf + o + 16, 2);
            offs_ok &= off >= 0 && off <= 0x7fffffff;
            if (n == 1) second_off = off;
            snprintf(store[n], sizeof store[n], "%s", buf + o + 19);
            names[n] = store[n];
            n++;
            o += rl;
        }
    }
    printf("getdents64 d_off fits 31 bits: %d\n", offs_ok);
    list("getdents64", names, n);
    /* seekdir to after the second entry: the rest is n - 2 entries */
    int64_t res = -1;
    SHOW("_llseek to 2nd d_off", SC(SYS__llseek, fd, 0, (unsigned long)second_off, &res, SEEK_SET));
    printf("_llseek result == d_off: %d\n", res == second_off);
    int rest = 0;
    while ((r = SC(SYS_getdents64, fd, buf, sizeof buf)) > 0)
        for (long o = 0; o < r; rest++) {
            uint16_t rl;
            memcpy(&rl, buf + o + 16, 2);
            o += rl;
        }
    printf("entries after seekdir: %d of %d\n", rest, n);
    SHOW("lseek(dir, -1, SEEK_SET)", SC(SYS_lseek, fd, -1, SEEK_SET));
    /* readdir (89): one old_linux_dirent per call */
    lseek(fd, 0, SEEK_SET);
    n = 0;
    struct {
        uint32_t ino, off;
        uint16_t namlen;
        char name[258];
    } od;
    while ((r = SC(SYS_readdir, fd, &od, 1)) == 1) {
        snprintf(store[n], sizeof store[n], "%s:%d", od.name, od.namlen == strlen(od.name));
        names[n] = store[n];
        n++;
    }
    printf("readdir end %ld\n", r);
    list("readdir", names, n);
    SHOW("readdir on a file", SC(SYS_readdir, open(path("f"), O_RDONLY), &od, 1));
    close(fd);
}

static void lock_checks(void) {
    int fd = open(path("f"), O_RDWR);
    struct { /* struct flock (i386) */
        int16_t type, whence;
        int32_t start, len, pid;
    } fl = {F_WRLCK, SEEK_SET, 10, 20, 0};
    SHOW("fcntl F_SETLK", SC(SYS_fcntl, fd, F_SETLK, &fl));
    fl.type = F_WRLCK;
    SHOW("fcntl F_GETLK", SC(SYS_fcntl, fd, F_GETLK, &fl));
    printf("F_GETLK own lock -> type=%d (F_UNLCK=%d) start=%d len=%d\n", fl.type, F_UNLCK, fl.start,
           fl.len);
    struct { /* struct flock64 (i386, packed) */
        int16_t type, whence;
        int64_t start, len;
        int32_t pid;
    } __attribute__((packed)) fl64 = {F_RDLCK, SEEK_SET, 1ll << 33, 100, 0};
    SHOW("fcntl64 F_SETLK64 beyond 4G", SC(SYS_fcntl64, fd, 13 /* F_SETLK64 */, &fl64));
    fl64.type = F_WRLCK;
    SHOW("fcntl64 F_GETLK64", SC(SYS_fcntl64, fd, 12 /* F_GETLK64 */, &fl64));
    printf("F_GETLK64 -> type=%d start=%lld\n", fl64.type, (long long)fl64.start);
    fl64 = (typeof(fl64)){F_WRLCK, SEEK_SET, 0, 0, 0};
    SHOW("F_OFD_GETLK", SC(SYS_fcntl64, fd, F_OFD_GETLK, &fl64));
    printf("F_OFD_GETLK -> type=%d\n", fl64.type);
    SHOW("F_SETLK EFAULT", SC(SYS_fcntl64, fd, F_SETLK, (void *)16));
    SHOW("F_SETLK EBADF", SC(SYS_fcntl64, 999, F_SETLK, (void *)16));
    fl.type = F_UNLCK;
    SHOW("F_SETLK unlock", SC(SYS_fcntl64, fd, F_SETLK, &fl));
    SHOW("fcntl F_GETFD", SC(SYS_fcntl, fd, F_GETFD));
    SHOW("fcntl bad cmd", SC(SYS_fcntl64, fd, 0x7777, 0));
    close(fd);
}

static void largefile_checks(void) {
    int fd;
    fd = (int)syscall(SYS_open, path("f"), O_RDONLY);
    printf("open: F_GETFL=%#x\n", fcntl(fd, F_GETFL));
    int fd2 = dup(fd);
    printf("dup of it: F_GETFL=%#x\n", fcntl(fd2, F_GETFL));
    close(fd2);
    fd2 = fcntl(fd, F_DUPFD_CLOEXEC, 20);
    printf("F_DUPFD_CLOEXEC: fd=%d F_GETFL=%#x\n", fd2, fcntl(fd2, F_GETFL));
    close(fd2);
    close(fd);
    fd = (int)syscall(SYS_open, path("f"), O_RDONLY | O_LARGEFILE);
    printf("open O_LARGEFILE: F_GETFL=%#x\n", fcntl(fd, F_GETFL));
    close(fd);
    fd = (int)syscall(SYS_openat, AT_FDCWD, path("f"), O_RDWR | O_APPEND);
    printf("openat O_RDWR|O_APPEND: F_GETFL=%#x\n", fcntl(fd, F_GETFL));
    close(fd);
    fd = (int)syscall(SYS_creat, path("created"), 0600);
    printf("creat: F_GETFL=%#x\n", fcntl(fd, F_GETFL));
    close(fd);
    fd = open(path("f"), O_RDONLY); /* glibc's open: its own choice of flags */
    printf("glibc open: F_GETFL=%#x\n", fcntl(fd, F_GETFL));
    close(fd);
    /* a file past 2 GiB (sparse) cannot be opened without O_LARGEFILE */
    SHOW("open big", SC(SYS_open, path("big"), O_RDONLY));
    SHOW("open big O_TRUNC", SC(SYS_open, path("big"), O_WRONLY | O_TRUNC));
    fd = (int)SC(SYS_open, path("big"), O_RDONLY | O_LARGEFILE);
    printf("open big O_LARGEFILE ok: %d\n", fd >= 0);
    struct stat st;
    stat(path("big"), &st);
    printf("big size after the refused O_TRUNC: %lld\n", (long long)st.st_size);
    /* _llseek past 4 GiB and lseek's 32-bit offset */
    int64_t res = 0;
    SHOW("_llseek 5G", SC(SYS__llseek, fd, 1, 0x40000000u, &res, SEEK_SET));
    printf("_llseek result %lld\n", (long long)res);
    SHOW("_llseek SEEK_END", SC(SYS__llseek, fd, 0, 0, &res, SEEK_END));
    printf("_llseek end %lld\n", (long long)res);
    SHOW("_llseek EFAULT result", SC(SYS__llseek, fd, 0, 0, (void *)16, SEEK_SET));
    SHOW("_llseek bad whence", SC(SYS__llseek, fd, 0, 0, &res, 9));
    SHOW("_llseek EBADF", SC(SYS__llseek, 999, 0, 0, &res, 9));
    SHOW("lseek -5 SEEK_SET", SC(SYS_lseek, fd, -5, SEEK_SET));
    SHOW("lseek 100", SC(SYS_lseek, fd, 100, SEEK_SET));
    SHOW("lseek -10 SEEK_CUR", SC(SYS_lseek, fd, -10, SEEK_CUR));
    close(fd);
}

static void io_checks(void) {
    int fd = open(path("io"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    char a[] = "hello ", b[] = "32-bit ", c[] = "world\n";
    struct iovec v[3] = {{a, 6}, {b, 7}, {c, 6}};
    SHOW("writev", SC(SYS_writev, fd, v, 3));
    char x[8], y[8], z[16];
    struct iovec rv[3] = {{x, 5}, {y, 8}, {z, 16}};
    memset(x, 0, sizeof x), memset(y, 0, sizeof y), memset(z, 0, sizeof z);
    lseek(fd, 0, SEEK_SET);
    long r = SC(SYS_readv, fd, rv, 3);
    printf("readv %ld: [%.5s][%.8s][%s]\n", r, x, y, z);
    SHOW("preadv at 6", SC(SYS_preadv, fd, rv, 1, 6, 0));
    printf("preadv: [%.5s]\n", x);
    SHOW("pwritev at 1", SC(SYS_pwritev, fd, v + 2, 1, 1, 0));
    SHOW("preadv2 off -1 (position)", SC(SYS_preadv2, fd, rv, 1, -1, -1, 0));
    SHOW("preadv negative", SC(SYS_preadv, fd, rv, 1, 0, 0x80000000u));
    char all[32] = {0};
    SHOW("pread64 at 0", SC(SYS_pread64, fd, all, 31, 0, 0));
    printf("file: %s", all);
    SHOW("pwrite64 at 4G+1", SC(SYS_pwrite64, fd, "!", 1, 1, 1));
    struct stat st;
    fstat(fd, &st);
    printf("size after pwrite64: %lld\n", (long long)st.st_size);
    SHOW("pread64 at 4G+1", SC(SYS_pread64, fd, all, 4, 1, 1));
    printf("read back: %c\n", all[0]);
    struct iovec bad[2] = {{x, 5}, {y, (size_t)-1}};
    SHOW("readv negative len", SC(SYS_readv, fd, bad, 2));
    SHOW("readv EFAULT vector", SC(SYS_readv, fd, (void *)16, 2));
    SHOW("readv EBADF", SC(SYS_readv, 999, (void *)16, 2));
    SHOW("writev 1025 entries", SC(SYS_writev, fd, v, 1025));
    SHOW("ftruncate 10", SC(SYS_ftruncate, fd, 10));
    SHOW("ftruncate -1", SC(SYS_ftruncate, fd, -1));
    SHOW("ftruncate64 6G", SC(SYS_ftruncate64, fd, 0x80000000u, 1));
    fstat(fd, &st);
    printf("size after ftruncate64: %lld\n", (long long)st.st_size);
    SHOW("truncate 3", SC(SYS_truncate, path("io"), 3));
    SHOW("truncate64 5", SC(SYS_truncate64, path("io"), 5, 0));
    fstat(fd, &st);
    printf("size after truncate64: %lld\n", (long long)st.st_size);
    /* sendfile with a 32-bit offset, sendfile64 with a 64-bit one */
    int out = open(path("copy"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    int fin = open(path("f"), O_RDONLY);
    int32_t off32 = 2;
    SHOW("sendfile off 2", SC(SYS_sendfile, out, fin, &off32, 5));
    printf("offset now %d\n", off32);
    int64_t off64 = 1;
    SHOW("sendfile64 off 1", SC(SYS_sendfile64, out, fin, &off64, 3));
    printf("offset now %lld\n", (long long)off64);
    off32 = 0x7fffffff;
    SHOW("sendfile at 2G", SC(SYS_sendfile, out, fin, &off32, 5));
    SHOW("sendfile EFAULT offset", SC(SYS_sendfile, out, fin, (void *)16, 5));
    char cp[16] = {0};
    pread(out, cp, sizeof cp - 1, 0);
    printf("copy: %s\n", cp);
    close(out), close(fin), close(fd);
}

static void time_checks(void) {
    int32_t ut[2] = {1000000000, 1200000000};
    SHOW("utime", SC(SYS_utime, path("f"), ut));
    struct stat st;
    stat(path("f"), &st);
    printf("after utime: atime=%lld mtime=%lld\n", (long long)st.st_atime, (long long)st.st_mtime);
    int32_t tv[4] = {1100000000, 5, 1300000000, 999999};
    SHOW("utimes", SC(SYS_utimes, path("f"), tv));
    stat(path("f"), &st);
    printf("after utimes: mtime=%lld.%09ld\n", (long long)st.st_mtime, st.st_mtim.tv_nsec);
    tv[1] = 1000000;
    SHOW("utimes usec 1e6", SC(SYS_utimes, path("f"), tv));
    tv[1] = 0;
    SHOW("futimesat", SC(SYS_futimesat, AT_FDCWD, path("f"), tv));
    int32_t ts[4] = {1400000000, 123456789, 0, (1 << 30) - 2 /* UTIME_OMIT */};
    SHOW("utimensat", SC(SYS_utimensat, AT_FDCWD, path("f"), ts, 0));
    stat(path("f"), &st);
    printf("after utimensat: atime=%lld.%09ld mtime=%lld\n", (long long)st.st_atime,
           st.st_atim.tv_nsec, (long long)st.st_mtime);
    int64_t ts64[4] = {1500000000, 7 | (0x5555ll << 32) /* ignored upper half */, 1600000000, 0};
    SHOW("utimensat_time64", SC(SYS_utimensat_time64, AT_FDCWD, path("f"), ts64, 0));
    stat(path("f"), &st);
    printf("after utimensat_time64: atime=%lld.%09ld mtime=%lld\n", (long long)st.st_atime,
           st.st_atim.tv_nsec, (long long)st.st_mtime);
    int32_t omit[4] = {0, (1 << 30) - 2, 0, (1 << 30) - 2};
    SHOW("utimensat both OMIT, no file", SC(SYS_utimensat, AT_FDCWD, path("nope"), omit, 0));
    int32_t badns[4] = {0, 1000000000, 0, 0};
    SHOW("utimensat bad nsec", SC(SYS_utimensat, AT_FDCWD, path("f"), badns, 0));
    SHOW("utime EFAULT times", SC(SYS_utime, path("f"), (void *)16));
}

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    snprintf(dir, sizeof dir, "%s", argv[1]);
    FILE *f = fopen(path("f"), "w");
    fputs("0123456789abcdefghij", f);
    fclose(f);
    symlink("f", path("link"));
    int big = open(path("big"), O_WRONLY | O_CREAT | O_LARGEFILE, 0644);
    ftruncate64(big, 3ll << 30);
    close(big);
    mkdir(path("d"), 0755);
    const char *names[] = {"alpha", "b", "c.c.c", "delta-long-name-for-a-record", "e"};
    for (int i = 0; i < 5; i++) {
        char p[64];
        snprintf(p, sizeof p, "d/%s", names[i]);
        close(open(path(p), O_CREAT | O_WRONLY, 0644));
    }
    mkdir(path("d/sub"), 0755);
    stat_checks();
    statfs_checks();
    dir_checks();
    lock_checks();
    largefile_checks();
    io_checks();
    time_checks();
    return 0;
}
