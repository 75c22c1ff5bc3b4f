/* i386 file system calls whose user-visible layout differs from x86-64:
 * open without forced O_LARGEFILE, fcntl64 locks, the stat structures
 * (old, new and stat64), statfs/statfs64, getdents and readdir with the
 * 32-bit dirents, iovec32 vectors, 64-bit offsets split over two
 * registers, sendfile's 32-bit offset, and the time32 utime family.
 *
 * Everything goes to the host through the same paths as fs.c/fd.c (paths
 * pass through, /proc/self/exe names the guest). Beyond layouts, two
 * things a 64-bit host process sees differently are modelled per
 * descriptor: O_LARGEFILE (F_GETFL, EOVERFLOW on open, EFBIG/EINVAL at
 * 2 GiB for writes and ftruncate) and directory positions (ext4 gives a
 * 32-bit caller 32-bit hash cookies in d_off and lseek). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "compat32.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/vfs.h>
#include <unistd.h>

#define AT_FDCWD_    (-100)
#define MAX_NON_LFS  0x7fffffffll
#define O_LARGEFILE_ 0100000 /* the kernel's value; glibc defines O_LARGEFILE as 0 on x86-64 */

#define GET_PATH(buf, addr)                                                                        \
    do {                                                                                           \
        long e_ = user_path(p, (addr), (buf));                                                     \
        if (e_ < 0) return e_;                                                                     \
    } while (0)

static void put16(uint8_t *b, size_t off, uint32_t v) {
    memcpy(b + off, &(uint16_t){(uint16_t)v}, 2);
}
static void put32(uint8_t *b, size_t off, uint64_t v) {
    memcpy(b + off, &(uint32_t){(uint32_t)v}, 4);
}
static void put64(uint8_t *b, size_t off, uint64_t v) { memcpy(b + off, &v, 8); }

/* ---- what a descriptor looks like to a 32-bit process ----------------------------------- */

/* FD_SMALL: opened without O_LARGEFILE (open/openat), which F_GETFL
 * shows; the host forces O_LARGEFILE on every open of ringside's.
 * FD_HASH32: a directory whose positions are 64-bit hash cookies (ext4's
 * htree directories): for a 32-bit caller ext4 uses 32-bit ones instead,
 * the upper half of the 64-bit cookie (major hash / 2), with 0x7fffffff
 * for the end. Seen by getdents returning a cookie that needs 64 bits. */
#define FD_SMALL   1
#define FD_HASH32  2
#define FD_TRACKED 65536 /* descriptors past this have no flags */
static uint8_t fd_flags[FD_TRACKED];

static int fdf(int fd) { return fd >= 0 && fd < FD_TRACKED ? fd_flags[fd] : 0; }
static void fdf_set(int fd, int flags) {
    if (fd >= 0 && fd < FD_TRACKED) fd_flags[fd] = (uint8_t)flags;
}

#define EOF64 INT64_MAX
#define EOF32 0x7fffffffll
static int64_t pos_to32(int64_t pos) {
    if (!((uint64_t)pos >> 32)) return pos;
    return pos == EOF64 ? EOF32 : (int64_t)((uint64_t)pos >> 32);
}
static int64_t pos_to64(int64_t pos) {
    return pos == EOF32 ? EOF64 : (int64_t)((uint64_t)pos << 32);
}

/* A position the host gave, as a 32-bit caller sees it; marks the
 * directory when it is a 64-bit cookie. */
static int64_t dir_pos32(int fd, int64_t pos) {
    if ((uint64_t)pos >> 32) fdf_set(fd, fdf(fd) | FD_HASH32);
    return pos_to32(pos);
}

/* lseek on a directory with 32-bit cookies: positions in the caller's
 * units, the end being 0x7fffffff (ext4_dir_llseek with htree_max). */
static int64_t seek32(int fd, int64_t off, unsigned whence) {
    struct stat st;
    if (!(fdf(fd) & FD_HASH32) || whence > SEEK_END || fstat(fd, &st) || !S_ISDIR(st.st_mode))
        return host_ret(syscall(SYS_lseek, fd, off, whence));
    int64_t target = off;
    if (whence == SEEK_CUR) {
        int64_t cur = lseek(fd, 0, SEEK_CUR);
        if (cur < 0) return -errno;
        if (!off) return pos_to32(cur);
        target = pos_to32(cur) + off;
    } else if (whence == SEEK_END) {
        target = EOF32 + off;
    }
    if (target < 0 || target > EOF32) return -EINVAL;
    if (lseek(fd, pos_to64(target), SEEK_SET) < 0) return -errno;
    return target;
}

/* ---- open, close, dup ------------------------------------------------------------ */

/* Without O_LARGEFILE Linux refuses (EOVERFLOW) to open a regular file
 * larger than 2 GiB, before any O_TRUNC; the host open always has it. */
static int64_t do_open32(Proc *p, const uint64_t a[6], int at) {
    int dfd = at ? (int)a[0] : AT_FDCWD_, flags = (int)a[at + 1];
    int small = !(flags & O_LARGEFILE_);
    if (small && (flags & O_TRUNC)) {
        char path[SYS_PATH_MAX];
        struct stat st;
        GET_PATH(path, a[at]);
        int nofollow = (flags & O_NOFOLLOW) ? AT_SYMLINK_NOFOLLOW : 0;
        if (syscall(SYS_newfstatat, dfd, sys_follow_path(p, path), &st, nofollow) == 0 &&
            S_ISREG(st.st_mode) && st.st_size > MAX_NON_LFS)
            return -EOVERFLOW;
    }
    int64_t fd = at ? sys_openat(p, a) : sys_open(p, a);
    if (fd < 0) return fd;
    struct stat st;
    if (small && !(flags & O_PATH) && fstat((int)fd, &st) == 0 && S_ISREG(st.st_mode) &&
        st.st_size > MAX_NON_LFS) {
        close((int)fd);
        return -EOVERFLOW;
    }
    fdf_set((int)fd, small ? FD_SMALL : 0);
    return fd;
}

int64_t c32_open(Proc *p, const uint64_t a[6]) { return do_open32(p, a, 0); }
int64_t c32_openat(Proc *p, const uint64_t a[6]) { return do_open32(p, a, 1); }

/* creat and openat2 force O_LARGEFILE for 32-bit callers of a 64-bit
 * kernel too (only open/openat have compat entry points that do not); a
 * 32-bit kernel forces it nowhere. */
int64_t c32_creat(Proc *p, const uint64_t a[6]) {
    if (p->kernel32) {
        const uint64_t w[6] = {a[0], O_CREAT | O_WRONLY | O_TRUNC, a[1], 0, 0, 0};
        return do_open32(p, w, 0);
    }
    int64_t fd = sys_creat(p, a);
    if (fd >= 0) fdf_set((int)fd, 0);
    return fd;
}

int64_t c32_openat2(Proc *p, const uint64_t a[6]) {
    uint64_t flags = O_LARGEFILE_;
    if (p->kernel32 && copy_from_user(p, &flags, a[2], 8)) flags = O_LARGEFILE_;
    int64_t fd = sys_openat2(p, a);
    if (fd >= 0) fdf_set((int)fd, (flags & O_LARGEFILE_) ? 0 : FD_SMALL);
    return fd;
}

int64_t c32_close(Proc *p, const uint64_t a[6]) {
    int64_t r = sys_close(p, a);
    if (r == 0) fdf_set((int)a[0], 0);
    return r;
}

int64_t c32_dup(Proc *p, const uint64_t a[6]) {
    int64_t r = sys_dup(p, a);
    if (r >= 0 && r != (int64_t)a[0]) fdf_set((int)r, fdf((int)a[0]));
    return r;
}

int64_t c32_dup2(Proc *p, const uint64_t a[6]) {
    int64_t r = sys_dup2(p, a);
    if (r >= 0 && r != (int64_t)a[0]) fdf_set((int)r, fdf((int)a[0]));
    return r;
}

int64_t c32_dup3(Proc *p, const uint64_t a[6]) {
    int64_t r = sys_dup3(p, a);
    if (r >= 0 && r != (int64_t)a[0]) fdf_set((int)r, fdf((int)a[0]));
    return r;
}

/* ---- fcntl64 ------------------------------------------------------------------------ */

#define F_GETLK64_  12
#define F_SETLK64_  13
#define F_SETLKW64_ 14

static int bad_fd(Proc *p, int fd) {
    if (p->tracef && fd > 2 && fd == fileno(p->tracef)) return 1; /* ringside's own */
    return fcntl(fd, F_GETFD) < 0;
}

/* struct compat_flock {s16 type, whence; s32 start, len, pid} (16 bytes)
 * and struct compat_flock64 {s16 type, whence; s64 start, len; s32 pid},
 * packed (24 bytes). */
static int64_t do_lock(Proc *p, int fd, int cmd, uint64_t uarg, int is64) {
    uint8_t u[24];
    size_t n = is64 ? 24 : 16;
    struct flock fl;
    if (bad_fd(p, fd)) return -EBADF;
    if (copy_from_user(p, u, uarg, n)) return -EFAULT;
    memset(&fl, 0, sizeof fl);
    int16_t s16[2];
    memcpy(s16, u, 4);
    fl.l_type = s16[0];
    fl.l_whence = s16[1];
    if (is64) {
        int64_t v[2];
        int32_t pid;
        memcpy(v, u + 4, 16);
        memcpy(&pid, u + 20, 4);
        fl.l_start = v[0], fl.l_len = v[1], fl.l_pid = pid;
    } else {
        int32_t v[3];
        memcpy(v, u + 4, 12);
        fl.l_start = v[0], fl.l_len = v[1], fl.l_pid = v[2];
    }
    int getlk = cmd == F_GETLK || cmd == F_OFD_GETLK;
    if (syscall(SYS_fcntl, fd, cmd, &fl) < 0) return -errno;
    if (!getlk) return 0;
    if (!is64) {
        if (fl.l_start > MAX_NON_LFS) return -EOVERFLOW;
        if (fl.l_len > MAX_NON_LFS) fl.l_len = MAX_NON_LFS;
    }
    put16(u, 0, (uint16_t)fl.l_type);
    put16(u, 2, (uint16_t)fl.l_whence);
    if (is64) {
        put64(u, 4, (uint64_t)fl.l_start);
        put64(u, 12, (uint64_t)fl.l_len);
        put32(u, 20, (uint32_t)fl.l_pid);
    } else {
        put32(u, 4, (uint64_t)fl.l_start);
        put32(u, 8, (uint64_t)fl.l_len);
        put32(u, 12, (uint32_t)fl.l_pid);
    }
    return copy_to_user(p, uarg, u, n) ? -EFAULT : 0;
}

/* fcntl and fcntl64 are the same compat call (compat_sys_fcntl64). */
int64_t c32_fcntl64(Proc *p, const uint64_t a[6]) {
    int fd = (int)a[0], cmd = (int)a[1];
    int64_t r;
    switch (cmd) {
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW: return do_lock(p, fd, cmd, a[2], 0);
    case F_GETLK64_: return do_lock(p, fd, F_GETLK, a[2], 1);
    case F_SETLK64_: return do_lock(p, fd, F_SETLK, a[2], 1);
    case F_SETLKW64_: return do_lock(p, fd, F_SETLKW, a[2], 1);
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW: return do_lock(p, fd, cmd, a[2], 1);
    case F_GETFL:
        r = sys_fcntl(p, a);
        if (r >= 0 && (fdf(fd) & FD_SMALL)) r &= ~(int64_t)O_LARGEFILE_;
        return r;
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        r = sys_fcntl(p, a);
        if (r >= 0) fdf_set((int)r, fdf(fd));
        return r;
    default: return sys_fcntl(p, a);
    }
}

/* Writes through a descriptor opened without O_LARGEFILE stop at 2 GiB
 * (generic_write_check_limits): EFBIG at or past it, shortened before it.
 * pos -1: the file position (the end with O_APPEND). 0 or -EFBIG. */
static int64_t small_limit(int fd, int64_t pos, uint64_t *count) {
    struct stat st;
    if (!(fdf(fd) & FD_SMALL) || !*count) return 0;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || (fl & O_ACCMODE) == O_RDONLY || fstat(fd, &st) || !S_ISREG(st.st_mode))
        return 0; /* the host gives the error, or there is no limit */
    if (pos < 0) pos = (fl & O_APPEND) ? st.st_size : lseek(fd, 0, SEEK_CUR);
    if (pos >= MAX_NON_LFS) return -EFBIG;
    if (*count > (uint64_t)(MAX_NON_LFS - pos)) *count = (uint64_t)(MAX_NON_LFS - pos);
    return 0;
}

int64_t c32_write(Proc *p, const uint64_t a[6]) {
    uint64_t w[6] = {a[0], a[1], a[2], 0, 0, 0};
    int64_t e = small_limit((int)a[0], -1, &w[2]);
    return e ? e : sys_write(p, w);
}

/* ---- positions and sizes ---------------------------------------------------------------- */

int64_t c32_lseek(Proc *p, const uint64_t a[6]) {
    return seek32((int)a[0], c32_sext(a[1]), (unsigned)a[2]);
}

/* _llseek(fd, high, low, loff_t *result, whence) */
int64_t c32_llseek(Proc *p, const uint64_t a[6]) {
    int64_t r = seek32((int)a[0], (int64_t)c32_lohi(a[2], a[1]), (unsigned)a[4]);
    if (r < 0) return r;
    return put_user_u64(p, a[3], (uint64_t)r) ? -EFAULT : 0;
}

int64_t c32_truncate(Proc *p, const uint64_t a[6]) {
    const uint64_t w[6] = {a[0], (uint64_t)c32_sext(a[1]), 0, 0, 0, 0};
    return sys_truncate(p, w);
}

/* ftruncate past 2 GiB needs O_LARGEFILE (the ia32 ftruncate64 too). */
static int64_t ftruncate32(Proc *p, int fd, int64_t len) {
    const uint64_t w[6] = {(uint64_t)(uint32_t)fd, (uint64_t)len, 0, 0, 0, 0};
    struct stat st;
    if (len > MAX_NON_LFS && (fdf(fd) & FD_SMALL) && fstat(fd, &st) == 0) return -EINVAL;
    return sys_ftruncate(p, w);
}

int64_t c32_ftruncate(Proc *p, const uint64_t a[6]) {
    return ftruncate32(p, (int)a[0], c32_sext(a[1]));
}

int64_t c32_truncate64(Proc *p, const uint64_t a[6]) {
    const uint64_t w[6] = {a[0], c32_lohi(a[1], a[2]), 0, 0, 0, 0};
    return sys_truncate(p, w);
}

int64_t c32_ftruncate64(Proc *p, const uint64_t a[6]) {
    return ftruncate32(p, (int)a[0], (int64_t)c32_lohi(a[1], a[2]));
}

int64_t c32_readahead(Proc *p, const uint64_t a[6]) {
    const uint64_t w[6] = {a[0], c32_lohi(a[1], a[2]), a[3], 0, 0, 0};
    return sys_readahead(p, w);
}

int64_t c32_fadvise64(Proc *p, const uint64_t a[6]) {
    const uint64_t w[6] = {a[0], c32_lohi(a[1], a[2]), a[3], a[4], 0, 0};
    return sys_fadvise64(p, w);
}

int64_t c32_fadvise64_64(Proc *p, const uint64_t a[6]) {
    const uint64_t w[6] = {a[0], c32_lohi(a[1], a[2]), c32_lohi(a[3], a[4]), a[5], 0, 0};
    return sys_fadvise64(p, w);
}

int64_t c32_sync_file_range(Proc *p, const uint64_t a[6]) {
    const uint64_t w[6] = {a[0], c32_lohi(a[1], a[2]), c32_lohi(a[3], a[4]), a[5], 0, 0};
    return sys_sync_file_range(p, w);
}

int64_t c32_fallocate(Proc *p, const uint64_t a[6]) {
    const uint64_t w[6] = {a[0], a[1], c32_lohi(a[2], a[3]), c32_lohi(a[4], a[5]), 0, 0};
    return sys_fallocate(p, w);
}

/* sendfile with a compat_off_t offset: the transfer stops at 2 GiB, and
 * starting there is EOVERFLOW (after the descriptors are checked). */
int64_t c32_sendfile(Proc *p, const uint64_t a[6]) {
    int32_t off32;
    size_t count = (uint32_t)a[3];
    if (!a[2]) return host_ret(syscall(SYS_sendfile, (int)a[0], (int)a[1], NULL, count));
    if (copy_from_user(p, &off32, a[2], 4)) return -EFAULT;
    int64_t pos = off32;
    int over = pos >= MAX_NON_LFS;
    if (over)
        count = 0;
    else if (pos >= 0 && pos + (int64_t)count > MAX_NON_LFS)
        count = (size_t)(MAX_NON_LFS - pos);
    int64_t r = host_ret(syscall(SYS_sendfile, (int)a[0], (int)a[1], &pos, count));
    if (over && r == 0) r = -EOVERFLOW;
    off32 = (int32_t)pos;
    if (copy_to_user(p, a[2], &off32, 4)) return -EFAULT;
    return r;
}

/* ---- stat ------------------------------------------------------------------------------ */

/* The host's struct stat (the x86-64 kernel's) for a path or an fd. */
static int64_t host_stat(Proc *p, int dfd, uint64_t upath, int flags, struct stat *st) {
    char path[SYS_PATH_MAX];
    const char *hp = NULL; /* NULL with AT_EMPTY_PATH: allowed since Linux 6.11 */
    if (upath) {
        GET_PATH(path, upath);
        hp = (flags & AT_SYMLINK_NOFOLLOW) ? path : sys_follow_path(p, path);
    }
    return host_ret(syscall(SYS_newfstatat, dfd, hp, st, flags));
}

static int64_t host_fstat(int fd, struct stat *st) { return host_ret(syscall(SYS_fstat, fd, st)); }

/* struct stat64 (96 bytes, packed): Linux writes every field but the two
 * 4-byte pads after st_dev and st_rdev, which keep what the caller had. */
static int64_t put_stat64(Proc *p, uint64_t ubuf, const struct stat *st) {
    uint8_t b[96];
    put64(b, 0, st->st_dev);
    put32(b, 12, st->st_ino);
    put32(b, 16, st->st_mode);
    put32(b, 20, st->st_nlink);
    put32(b, 24, st->st_uid);
    put32(b, 28, st->st_gid);
    put64(b, 32, st->st_rdev);
    put64(b, 44, (uint64_t)st->st_size);
    put32(b, 52, (uint64_t)st->st_blksize);
    put64(b, 56, (uint64_t)st->st_blocks);
    put32(b, 64, (uint64_t)st->st_atim.tv_sec);
    put32(b, 68, (uint64_t)st->st_atim.tv_nsec);
    put32(b, 72, (uint64_t)st->st_mtim.tv_sec);
    put32(b, 76, (uint64_t)st->st_mtim.tv_nsec);
    put32(b, 80, (uint64_t)st->st_ctim.tv_sec);
    put32(b, 84, (uint64_t)st->st_ctim.tv_nsec);
    put64(b, 88, st->st_ino);
    if (copy_to_user(p, ubuf, b, 8) || copy_to_user(p, ubuf + 12, b + 12, 28) ||
        copy_to_user(p, ubuf + 44, b + 44, 52))
        return -EFAULT;
    return 0;
}

/* struct compat_stat (i386 struct stat, 64 bytes): 16-bit mode, nlink
 * and ids, 32-bit inode and size (EOVERFLOW when they do not fit). */
static int64_t put_newstat(Proc *p, uint64_t ubuf, const struct stat *st) {
    uint8_t b[64];
    if (st->st_ino > 0xffffffffu || st->st_nlink > 0xffff || st->st_size > MAX_NON_LFS)
        return -EOVERFLOW;
    memset(b, 0, sizeof b);
    put32(b, 0, st->st_dev);
    put32(b, 4, st->st_ino);
    put16(b, 8, st->st_mode);
    put16(b, 10, (uint32_t)st->st_nlink);
    put16(b, 12, c32_low_uid(st->st_uid));
    put16(b, 14, c32_low_gid(st->st_gid));
    put32(b, 16, st->st_rdev);
    put32(b, 20, (uint64_t)st->st_size);
    put32(b, 24, (uint64_t)st->st_blksize);
    put32(b, 28, (uint64_t)st->st_blocks);
    put32(b, 32, (uint64_t)st->st_atim.tv_sec);
    put32(b, 36, (uint64_t)st->st_atim.tv_nsec);
    put32(b, 40, (uint64_t)st->st_mtim.tv_sec);
    put32(b, 44, (uint64_t)st->st_mtim.tv_nsec);
    put32(b, 48, (uint64_t)st->st_ctim.tv_sec);
    put32(b, 52, (uint64_t)st->st_ctim.tv_nsec);
    return copy_to_user(p, ubuf, b, sizeof b) ? -EFAULT : 0;
}

/* struct __old_kernel_stat (32 bytes): 16-bit device numbers (major <<
 * 8 | minor), inode (EOVERFLOW past 65535), mode, nlink, ids; the size is
 * truncated, not checked, by a 64-bit kernel. */
static int64_t put_oldstat(Proc *p, uint64_t ubuf, const struct stat *st) {
    uint8_t b[32];
    if (st->st_ino > 0xffff || st->st_nlink > 0xffff) return -EOVERFLOW;
    memset(b, 0, sizeof b);
    put16(b, 0, major(st->st_dev) << 8 | minor(st->st_dev));
    put16(b, 2, (uint32_t)st->st_ino);
    put16(b, 4, st->st_mode);
    put16(b, 6, (uint32_t)st->st_nlink);
    put16(b, 8, c32_low_uid(st->st_uid));
    put16(b, 10, c32_low_gid(st->st_gid));
    put16(b, 12, major(st->st_rdev) << 8 | minor(st->st_rdev));
    put32(b, 16, (uint64_t)st->st_size);
    put32(b, 20, (uint64_t)st->st_atim.tv_sec);
    put32(b, 24, (uint64_t)st->st_mtim.tv_sec);
    put32(b, 28, (uint64_t)st->st_ctim.tv_sec);
    return copy_to_user(p, ubuf, b, sizeof b) ? -EFAULT : 0;
}

typedef int64_t (*PutStat)(Proc *, uint64_t, const struct stat *);

static int64_t path_stat(Proc *p, const uint64_t a[6], int flags, PutStat put) {
    struct stat st;
    if (!a[0]) return -EFAULT;
    int64_t r = host_stat(p, AT_FDCWD_, a[0], flags, &st);
    return r < 0 ? r : put(p, a[1], &st);
}

static int64_t fd_stat(Proc *p, const uint64_t a[6], PutStat put) {
    struct stat st;
    int64_t r = host_fstat((int)a[0], &st);
    return r < 0 ? r : put(p, a[1], &st);
}

int64_t c32_oldstat(Proc *p, const uint64_t a[6]) { return path_stat(p, a, 0, put_oldstat); }
int64_t c32_oldlstat(Proc *p, const uint64_t a[6]) {
    return path_stat(p, a, AT_SYMLINK_NOFOLLOW, put_oldstat);
}
int64_t c32_oldfstat(Proc *p, const uint64_t a[6]) { return fd_stat(p, a, put_oldstat); }
int64_t c32_newstat(Proc *p, const uint64_t a[6]) { return path_stat(p, a, 0, put_newstat); }
int64_t c32_newlstat(Proc *p, const uint64_t a[6]) {
    return path_stat(p, a, AT_SYMLINK_NOFOLLOW, put_newstat);
}
int64_t c32_newfstat(Proc *p, const uint64_t a[6]) { return fd_stat(p, a, put_newstat); }
int64_t c32_stat64(Proc *p, const uint64_t a[6]) { return path_stat(p, a, 0, put_stat64); }
int64_t c32_lstat64(Proc *p, const uint64_t a[6]) {
    return path_stat(p, a, AT_SYMLINK_NOFOLLOW, put_stat64);
}
int64_t c32_fstat64(Proc *p, const uint64_t a[6]) { return fd_stat(p, a, put_stat64); }

int64_t c32_fstatat64(Proc *p, const uint64_t a[6]) {
    struct stat st;
    int64_t r = host_stat(p, (int)a[0], a[1], (int)a[3], &st);
    return r < 0 ? r : put_stat64(p, a[2], &st);
}

/* ---- statfs -------------------------------------------------------------------------------- */

/* By path, or by descriptor when upath is 0. */
static int64_t host_statfs(Proc *p, int fd, uint64_t upath, struct statfs *s) {
    if (!upath) return host_ret(syscall(SYS_fstatfs, fd, s));
    char path[SYS_PATH_MAX];
    GET_PATH(path, upath);
    return host_ret(syscall(SYS_statfs, sys_follow_path(p, path), s));
}

/* struct compat_statfs: all 32-bit (64 bytes); block counts and sizes
 * that do not fit are EOVERFLOW, file counts may be -1. */
static int64_t put_statfs(Proc *p, uint64_t ubuf, const struct statfs *s) {
    uint64_t big = (uint64_t)s->f_blocks | s->f_bfree | s->f_bavail | (uint64_t)s->f_bsize |
                   (uint64_t)s->f_frsize;
    if (big >> 32) return -EOVERFLOW;
    if (s->f_files != ~0ull && (s->f_files >> 32)) return -EOVERFLOW;
    if (s->f_ffree != ~0ull && (s->f_ffree >> 32)) return -EOVERFLOW;
    uint8_t b[64];
    memset(b, 0, sizeof b);
    const uint64_t v[7] = {(uint64_t)s->f_type, (uint64_t)s->f_bsize, s->f_blocks, s->f_bfree,
                           s->f_bavail,         s->f_files,           s->f_ffree};
    for (int i = 0; i < 7; i++)
        put32(b, 4 * (size_t)i, v[i]);
    memcpy(b + 28, &s->f_fsid, 8);
    put32(b, 36, (uint64_t)s->f_namelen);
    put32(b, 40, (uint64_t)s->f_frsize);
    put32(b, 44, (uint64_t)s->f_flags);
    return copy_to_user(p, ubuf, b, sizeof b) ? -EFAULT : 0;
}

/* struct compat_statfs64 (84 bytes, packed): 64-bit counts, 32-bit sizes. */
static int64_t put_statfs64(Proc *p, uint64_t ubuf, const struct statfs *s) {
    if (((uint64_t)s->f_type | (uint64_t)s->f_bsize | (uint64_t)s->f_namelen |
         (uint64_t)s->f_frsize) >>
        32)
        return -EOVERFLOW;
    uint8_t b[84];
    memset(b, 0, sizeof b);
    put32(b, 0, (uint64_t)s->f_type);
    put32(b, 4, (uint64_t)s->f_bsize);
    const uint64_t v[5] = {s->f_blocks, s->f_bfree, s->f_bavail, s->f_files, s->f_ffree};
    for (int i = 0; i < 5; i++)
        put64(b, 8 + 8 * (size_t)i, v[i]);
    memcpy(b + 48, &s->f_fsid, 8);
    put32(b, 56, (uint64_t)s->f_namelen);
    put32(b, 60, (uint64_t)s->f_frsize);
    put32(b, 64, (uint64_t)s->f_flags);
    return copy_to_user(p, ubuf, b, sizeof b) ? -EFAULT : 0;
}

int64_t c32_statfs(Proc *p, const uint64_t a[6]) {
    struct statfs s;
    int64_t r = a[0] ? host_statfs(p, -1, a[0], &s) : -EFAULT;
    return r < 0 ? r : put_statfs(p, a[1], &s);
}

int64_t c32_fstatfs(Proc *p, const uint64_t a[6]) {
    struct statfs s;
    int64_t r = host_statfs(p, (int)a[0], 0, &s);
    return r < 0 ? r : put_statfs(p, a[1], &s);
}

/* statfs64(path, size, buf): the size must be the structure's. */
int64_t c32_statfs64(Proc *p, const uint64_t a[6]) {
    struct statfs s;
    if (a[1] != 84) return -EINVAL;
    int64_t r = a[0] ? host_statfs(p, -1, a[0], &s) : -EFAULT;
    return r < 0 ? r : put_statfs64(p, a[2], &s);
}

int64_t c32_fstatfs64(Proc *p, const uint64_t a[6]) {
    struct statfs s;
    if (a[1] != 84) return -EINVAL;
    int64_t r = host_statfs(p, (int)a[0], 0, &s);
    return r < 0 ? r : put_statfs64(p, a[2], &s);
}

/* ---- directories ----------------------------------------------------------------------- */

/* One linux_dirent64 record of the host's getdents64 output. */
typedef struct Dent {
    uint64_t ino;
    int64_t off;
    uint16_t reclen;
    uint8_t type;
    const char *name;
    size_t namlen;
} Dent;

static int next_dent(const uint8_t *buf, long n, long *at, Dent *d) {
    if (*at + 19 >= n) return 0;
    const uint8_t *r = buf + *at;
    memcpy(&d->ino, r, 8);
    memcpy(&d->off, r + 8, 8);
    memcpy(&d->reclen, r + 16, 2);
    if (d->reclen < 20 || *at + d->reclen > n) return 0;
    d->type = r[18];
    d->name = (const char *)r + 19;
    d->namlen = strnlen(d->name, d->reclen - 19u);
    *at += d->reclen;
    return 1;
}

/* The host's entries for up to `room` bytes of 32-bit records: 64-bit
 * records are never smaller, so the same byte count holds at least as
 * many; when not even the first fits the 64-bit layout, a larger read
 * (one maximal record) is made and the position rewound afterwards. */
static long read_dents(int fd, size_t room) {
    long n = syscall(SYS_getdents64, fd, sys_bounce, room);
    if (n < 0 && errno == EINVAL && room < 512) n = syscall(SYS_getdents64, fd, sys_bounce, 512);
    return n;
}

/* getdents with struct compat_linux_dirent: u32 d_ino, u32 d_off, u16
 * d_reclen, the name and its NUL, d_type in the record's last byte;
 * records 4-byte aligned. Bytes between the NUL and d_type keep what the
 * buffer held, as Linux writes only the fields. Entries the host read but
 * that are not returned are given back by seeking to the last one used. */
int64_t c32_getdents(Proc *p, const uint64_t a[6]) {
    static _Thread_local uint8_t out[SYS_CHUNK];
    int fd = (int)a[0];
    uint64_t buf = a[1];
    uint32_t count = (uint32_t)a[2];
    if (!user_access_ok(buf, count)) return fcntl(fd, F_GETFD) < 0 ? -EBADF : -EFAULT;
    uint64_t room = user_extent(p, buf, count < SYS_CHUNK ? count : SYS_CHUNK, MEM_W);
    if (room == 0 && count) return fcntl(fd, F_GETFD) < 0 ? -EBADF : -EFAULT;
    off_t start = lseek(fd, 0, SEEK_CUR);
    long n = read_dents(fd, (size_t)room);
    if (n < 0) return -errno;
    if (copy_from_user(p, out, buf, (size_t)room)) return -EFAULT;
    size_t used = 0;
    long at = 0;
    int64_t err = 0, last_off = start;
    Dent d;
    while (next_dent(sys_bounce, n, &at, &d)) {
        size_t rl = (10 + d.namlen + 2 + 3) & ~(size_t)3;
        if (d.ino > 0xffffffffu)
            err = -EOVERFLOW;
        else if (used + rl > room)
            err = -EINVAL;
        if (err) {
            at -= d.reclen; /* not consumed */
            break;
        }
        uint8_t *r = out + used;
        put32(r, 0, d.ino);
        put32(r, 4, (uint64_t)dir_pos32(fd, d.off));
        put16(r, 8, (uint32_t)rl);
        memcpy(r + 10, d.name, d.namlen);
        r[10 + d.namlen] = 0;
        r[rl - 1] = d.type;
        used += rl;
        last_off = d.off;
    }
    if (at < n && start >= 0) lseek(fd, last_off, SEEK_SET);
    if (used == 0 && err) return err;
    return copy_to_user(p, buf, out, used) ? -EFAULT : (int64_t)used;
}

/* getdents64: the x86-64 call, then the positions in the records as the
 * 32-bit caller sees them. */
int64_t c32_getdents64(Proc *p, const uint64_t a[6]) {
    static _Thread_local uint8_t out[SYS_CHUNK];
    int64_t n = sys_getdents64(p, a);
    if (n <= 0 || n > SYS_CHUNK || copy_from_user(p, out, a[1], (size_t)n)) return n;
    int changed = 0;
    for (int64_t at = 0; at + 19 < n;) {
        int64_t off, o32;
        uint16_t rl;
        memcpy(&off, out + at + 8, 8);
        memcpy(&rl, out + at + 16, 2);
        if (rl < 20) break;
        if ((o32 = dir_pos32((int)a[0], off)) != off) {
            memcpy(out + at + 8, &o32, 8);
            changed = 1;
        }
        at += rl;
    }
    if (changed && copy_to_user(p, a[1], out, (size_t)n)) return -EFAULT;
    return n;
}

/* readdir: one struct old_linux_dirent {u32 d_ino, d_offset; u16 d_namlen;
 * name, NUL} per call; 1 for an entry, 0 at the end. d_offset is the
 * entry's own position. */
int64_t c32_old_readdir(Proc *p, const uint64_t a[6]) {
    int fd = (int)a[0];
    off_t start = lseek(fd, 0, SEEK_CUR);
    long n = read_dents(fd, 512);
    if (n < 0) return -errno;
    long at = 0;
    Dent d;
    if (!next_dent(sys_bounce, n, &at, &d)) return 0;
    int64_t r = 1;
    if (d.ino > 0xffffffffu) {
        r = -EOVERFLOW;
    } else {
        uint8_t b[10 + 256];
        put32(b, 0, d.ino);
        put32(b, 4, (uint64_t)dir_pos32(fd, start));
        dir_pos32(fd, d.off);
        put16(b, 8, (uint32_t)d.namlen);
        memcpy(b + 10, d.name, d.namlen);
        b[10 + d.namlen] = 0;
        if (copy_to_user(p, a[1], b, 10 + d.namlen + 1)) r = -EFAULT;
    }
    if (start >= 0) lseek(fd, r == 1 ? d.off : start, SEEK_SET);
    return r;
}

/* ---- vectors and positional I/O ----------------------------------------------------------- */

typedef struct Io32 {
    int fd;
    int mode; /* 0 file position, 1 pread at off, 2 preadv2 (off -1: position) */
    int64_t off;
    int rwf;
    Proc *p; /* set by do_vec: the host call may block */
} Io32;

static long io32_read_host(Io32 *io, void *buf, size_t n, uint64_t done) {
    struct iovec v = {buf, n};
    if (io->mode == 2)
        return syscall(SYS_preadv2, io->fd, &v, 1, io->off < 0 ? -1 : io->off + (int64_t)done, 0,
                       io->rwf);
    if (io->mode == 1) return pread(io->fd, buf, n, io->off + (int64_t)done);
    return read(io->fd, buf, n);
}

static long io32_write_host(Io32 *io, void *buf, size_t n, uint64_t done) {
    struct iovec v = {buf, n};
    if (io->mode == 2)
        return syscall(SYS_pwritev2, io->fd, &v, 1, io->off < 0 ? -1 : io->off + (int64_t)done, 0,
                       io->rwf);
    if (io->mode == 1) return pwrite(io->fd, buf, n, io->off + (int64_t)done);
    return write(io->fd, buf, n);
}

static long io32_read(void *ctx, void *buf, size_t n, uint64_t done) {
    Io32 *io = ctx;
    long r;
    SYS_BLOCKING(io->p, r = io32_read_host(io, buf, n, done));
    return r;
}

static long io32_write(void *ctx, void *buf, size_t n, uint64_t done) {
    Io32 *io = ctx;
    long r;
    SYS_BLOCKING(io->p, r = io32_write_host(io, buf, n, done));
    return r;
}

/* compat_import_iovec: struct compat_iovec {u32 base; s32 len}; at most
 * UIO_MAXIOV entries, no negative lengths, total clamped to MAX_RW_COUNT. */
static int64_t import_iovec32(Proc *p, uint64_t uvec, uint64_t cnt, UserSeg *seg, int *regular,
                              int fd) {
    static _Thread_local uint32_t v[2 * SYS_UIO_MAXIOV];
    if (cnt > SYS_UIO_MAXIOV) return -EINVAL;
    if (cnt && copy_from_user(p, v, uvec, cnt * 8)) return -EFAULT;
    uint64_t total = 0;
    for (uint64_t i = 0; i < cnt; i++) {
        if ((int32_t)v[2 * i + 1] < 0) return -EINVAL;
        seg[i].base = v[2 * i];
        seg[i].len = v[2 * i + 1];
        if (seg[i].len > MAX_RW_COUNT - total) seg[i].len = MAX_RW_COUNT - total;
        total += seg[i].len;
    }
    struct stat st;
    *regular =
        total > SYS_CHUNK && fstat(fd, &st) == 0 && (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode));
    return 0;
}

static int64_t do_vec(Proc *p, Io32 *io, uint64_t uvec, uint64_t cnt, int out) {
    static _Thread_local UserSeg seg[SYS_UIO_MAXIOV];
    int regular;
    io->p = p;
    int64_t e = import_iovec32(p, uvec, cnt, seg, &regular, io->fd);
    if (e) return fcntl(io->fd, F_GETFD) < 0 ? -EBADF : e;
    if (out) return user_xfer_out(p, seg, (int)cnt, io32_read, io, regular);
    uint64_t total = 0, room;
    for (uint64_t i = 0; i < cnt; i++)
        total += seg[i].len;
    room = total;
    if ((e = small_limit(io->fd, io->mode == 1 || (io->mode == 2 && io->off >= 0) ? io->off : -1,
                         &room)))
        return e;
    for (uint64_t i = 0; i < cnt; i++) { /* shortened at the limit */
        if (seg[i].len > room) seg[i].len = room;
        room -= seg[i].len;
    }
    return user_xfer_in(p, seg, (int)cnt, io32_write, io);
}

int64_t c32_readv(Proc *p, const uint64_t a[6]) {
    Io32 io = {(int)a[0], 0, 0, 0};
    return do_vec(p, &io, a[1], a[2], 1);
}

int64_t c32_writev(Proc *p, const uint64_t a[6]) {
    Io32 io = {(int)a[0], 0, 0, 0};
    return do_vec(p, &io, a[1], a[2], 0);
}

int64_t c32_preadv(Proc *p, const uint64_t a[6]) {
    Io32 io = {(int)a[0], 1, (int64_t)c32_lohi(a[3], a[4]), 0};
    if (io.off < 0) return -EINVAL;
    return do_vec(p, &io, a[1], a[2], 1);
}

int64_t c32_pwritev(Proc *p, const uint64_t a[6]) {
    Io32 io = {(int)a[0], 1, (int64_t)c32_lohi(a[3], a[4]), 0};
    if (io.off < 0) return -EINVAL;
    return do_vec(p, &io, a[1], a[2], 0);
}

int64_t c32_preadv2(Proc *p, const uint64_t a[6]) {
    Io32 io = {(int)a[0], 2, (int64_t)c32_lohi(a[3], a[4]), (int)a[5]};
    if (io.off < -1) return -EINVAL;
    return do_vec(p, &io, a[1], a[2], 1);
}

int64_t c32_pwritev2(Proc *p, const uint64_t a[6]) {
    Io32 io = {(int)a[0], 2, (int64_t)c32_lohi(a[3], a[4]), (int)a[5]};
    if (io.off < -1) return -EINVAL;
    return do_vec(p, &io, a[1], a[2], 0);
}

int64_t c32_pread64(Proc *p, const uint64_t a[6]) {
    const uint64_t w[6] = {a[0], a[1], a[2], c32_lohi(a[3], a[4]), 0, 0};
    return sys_pread64(p, w);
}

int64_t c32_pwrite64(Proc *p, const uint64_t a[6]) {
    uint64_t w[6] = {a[0], a[1], a[2], c32_lohi(a[3], a[4]), 0, 0};
    int64_t e = (int64_t)w[3] < 0 ? 0 : small_limit((int)a[0], (int64_t)w[3], &w[2]);
    return e ? e : sys_pwrite64(p, w);
}

/* ---- file times --------------------------------------------------------------------------- */

static int64_t do_utimens(Proc *p, int dfd, uint64_t upath, const struct timespec *ts, int flags) {
    char path[SYS_PATH_MAX];
    const char *hp = NULL;
    if (upath) {
        GET_PATH(path, upath);
        hp = path;
    }
    return host_ret(syscall(SYS_utimensat, dfd, hp, ts, flags));
}

/* utime(path, struct old_utimbuf32 {s32 actime, modtime}) */
int64_t c32_utime(Proc *p, const uint64_t a[6]) {
    int32_t t[2];
    struct timespec ts[2];
    if (a[1]) {
        if (copy_from_user(p, t, a[1], sizeof t)) return -EFAULT;
        ts[0] = (struct timespec){t[0], 0};
        ts[1] = (struct timespec){t[1], 0};
    }
    return do_utimens(p, AT_FDCWD_, a[0], a[1] ? ts : NULL, 0);
}

/* utimes/futimesat with two old_timeval32: microseconds in [0, 1e6). */
static int64_t do_futimesat32(Proc *p, int dfd, uint64_t upath, uint64_t utv) {
    int32_t tv[4];
    struct timespec ts[2];
    if (utv) {
        if (copy_from_user(p, tv, utv, sizeof tv)) return -EFAULT;
        for (int i = 0; i < 2; i++) {
            if (tv[2 * i + 1] < 0 || tv[2 * i + 1] >= 1000000) return -EINVAL;
            ts[i] = (struct timespec){tv[2 * i], (long)tv[2 * i + 1] * 1000};
        }
    }
    return do_utimens(p, dfd, upath, utv ? ts : NULL, 0);
}

int64_t c32_utimes(Proc *p, const uint64_t a[6]) {
    return do_futimesat32(p, AT_FDCWD_, a[0], a[1]);
}

int64_t c32_futimesat(Proc *p, const uint64_t a[6]) {
    return do_futimesat32(p, (int)a[0], a[1], a[2]);
}

static int64_t do_utimensat(Proc *p, const uint64_t a[6], TsKind k) {
    struct timespec ts[2];
    if (a[2]) {
        for (int i = 0; i < 2; i++) {
            int64_t sec, nsec;
            if (c32_get_ts(p, a[2] + (uint64_t)i * (k == TS32 ? 8 : 16), k, &sec, &nsec))
                return -EFAULT;
            ts[i] = (struct timespec){sec, nsec};
        }
        if (ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT) return 0;
    }
    return do_utimens(p, (int)a[0], a[1], a[2] ? ts : NULL, (int)a[3]);
}

int64_t c32_utimensat(Proc *p, const uint64_t a[6]) { return do_utimensat(p, a, TS32); }
int64_t c32_utimensat_time64(Proc *p, const uint64_t a[6]) { return do_utimensat(p, a, TS64); }
