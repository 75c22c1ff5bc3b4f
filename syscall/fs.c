/* Path-based and file-system system calls: open/stat/readlink, directory
 * and link operations, permissions and times, getdents, statfs, xattrs,
 * sendfile/copy_file_range, inotify.
 *
 * Paths pass through to the host unchanged (the guest shares ringside's
 * view of the file system, cwd and umask), except the few /proc/self files
 * that would describe ringside instead of the guest: /proc/self/exe names
 * the guest program and /proc/self/maps lists the guest's address space. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys_internal.h"

#define GET_PATH(buf, addr)                                                                        \
    do {                                                                                           \
        long e_ = user_path(p, (addr), (buf));                                                     \
        if (e_ < 0) return e_;                                                                     \
    } while (0)

#define AT_FDCWD_ (-100)

/* ---- open ---------------------------------------------------------------- */

static int64_t do_open(Proc *p, int dfd, uint64_t upath, int flags, unsigned mode) {
    char path[SYS_PATH_MAX];
    GET_PATH(path, upath);
    const char *rest = sys_proc_self(path);
    const char *hp = path;
    if (rest && (strcmp(rest, "maps") == 0 || strcmp(rest, "auxv") == 0)) {
        /* The host's own file decides whether this open is allowed. */
        int probe = (int)syscall(SYS_openat, dfd, path, flags, mode);
        if (probe < 0) return -errno;
        close(probe);
        return sys_proc_fd(p, rest, flags);
    }
    if (rest && !(flags & O_NOFOLLOW)) hp = sys_follow_path(p, path);
    long r;
    SYS_BLOCKING(p, r = syscall(SYS_openat, dfd, hp, flags, mode)); /* a FIFO waits */
    return host_ret(r);
}

int64_t sys_open(Proc *p, const uint64_t a[6]) {
    return do_open(p, AT_FDCWD_, a[0], (int)a[1], (unsigned)a[2]);
}

int64_t sys_openat(Proc *p, const uint64_t a[6]) {
    return do_open(p, (int)a[0], a[1], (int)a[2], (unsigned)a[3]);
}

int64_t sys_creat(Proc *p, const uint64_t a[6]) {
    return do_open(p, AT_FDCWD_, a[0], O_CREAT | O_WRONLY | O_TRUNC, (unsigned)a[1]);
}

/* struct open_how is versioned by size: 24 bytes now, larger versions must
 * be zero past what the kernel knows (the host checks that). */
int64_t sys_openat2(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    uint64_t size = a[3];
    if (size < 24) return -EINVAL;
    if (size > PAGE_SIZE) return -E2BIG;
    uint8_t how[PAGE_SIZE];
    if (copy_from_user(p, how, a[2], size)) return -EFAULT;
    GET_PATH(path, a[1]);
    return host_ret(syscall(SYS_openat2, (int)a[0], sys_follow_path(p, path), how, size));
}

/* ---- stat ---------------------------------------------------------------- */

#define STAT_BYTES  144 /* x86-64 struct stat */
#define STATX_BYTES 256

static int64_t stat_out(Proc *p, long r, uint64_t ubuf, const void *st, size_t n) {
    if (r < 0) return -errno;
    return copy_to_user(p, ubuf, st, n) ? -EFAULT : 0;
}

static int64_t do_fstatat(Proc *p, int dfd, uint64_t upath, uint64_t ubuf, int flags) {
    char path[SYS_PATH_MAX];
    const char *hp = NULL; /* NULL with AT_EMPTY_PATH: allowed since Linux 6.11 */
    if (upath) {
        GET_PATH(path, upath);
        hp = (flags & AT_SYMLINK_NOFOLLOW) ? path : sys_follow_path(p, path);
    }
    uint8_t st[STAT_BYTES];
    long r = syscall(SYS_newfstatat, dfd, hp, st, flags);
    return stat_out(p, r, ubuf, st, sizeof st);
}

int64_t sys_stat(Proc *p, const uint64_t a[6]) {
    if (!a[0]) return -EFAULT;
    return do_fstatat(p, AT_FDCWD_, a[0], a[1], 0);
}

int64_t sys_lstat(Proc *p, const uint64_t a[6]) {
    if (!a[0]) return -EFAULT;
    return do_fstatat(p, AT_FDCWD_, a[0], a[1], AT_SYMLINK_NOFOLLOW);
}

int64_t sys_newfstatat(Proc *p, const uint64_t a[6]) {
    return do_fstatat(p, (int)a[0], a[1], a[2], (int)a[3]);
}

int64_t sys_fstat(Proc *p, const uint64_t a[6]) {
    uint8_t st[STAT_BYTES];
    long r = syscall(SYS_fstat, (int)a[0], st);
    return stat_out(p, r, a[1], st, sizeof st);
}

int64_t sys_statx(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    const char *hp = NULL;
    int flags = (int)a[2];
    if (a[1]) {
        GET_PATH(path, a[1]);
        hp = (flags & AT_SYMLINK_NOFOLLOW) ? path : sys_follow_path(p, path);
    }
    uint8_t stx[STATX_BYTES];
    long r = syscall(SYS_statx, (int)a[0], hp, flags, (unsigned)a[3], stx);
    return stat_out(p, r, a[4], stx, sizeof stx);
}

#define STATFS_BYTES 120 /* x86-64 struct statfs */

int64_t sys_statfs(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    GET_PATH(path, a[0]);
    uint8_t st[STATFS_BYTES];
    long r = syscall(SYS_statfs, sys_follow_path(p, path), st);
    return stat_out(p, r, a[1], st, sizeof st);
}

int64_t sys_fstatfs(Proc *p, const uint64_t a[6]) {
    uint8_t st[STATFS_BYTES];
    long r = syscall(SYS_fstatfs, (int)a[0], st);
    return stat_out(p, r, a[1], st, sizeof st);
}

/* ---- readlink, getcwd ------------------------------------------------ */

static int64_t do_readlinkat(Proc *p, int dfd, uint64_t upath, uint64_t ubuf, int size) {
    char path[SYS_PATH_MAX];
    if (size <= 0) return -EINVAL;
    GET_PATH(path, upath);
    const char *rest = sys_proc_self(path);
    if (rest && strcmp(rest, "exe") == 0 && p->exe_path[0]) {
        size_t n = strlen(p->exe_path);
        if (n > (size_t)size) n = (size_t)size; /* truncated, no NUL: as readlink does */
        return copy_to_user(p, ubuf, p->exe_path, n) ? -EFAULT : (int64_t)n;
    }
    size_t cap = (size_t)size < SYS_CHUNK ? (size_t)size : SYS_CHUNK;
    long r = syscall(SYS_readlinkat, dfd, path, sys_bounce, cap);
    if (r < 0) return -errno;
    return copy_to_user(p, ubuf, sys_bounce, (size_t)r) ? -EFAULT : r;
}

int64_t sys_readlink(Proc *p, const uint64_t a[6]) {
    return do_readlinkat(p, AT_FDCWD_, a[0], a[1], (int)a[2]);
}

int64_t sys_readlinkat(Proc *p, const uint64_t a[6]) {
    return do_readlinkat(p, (int)a[0], a[1], a[2], (int)a[3]);
}

int64_t sys_getcwd(Proc *p, const uint64_t a[6]) {
    /* The kernel builds the path in one page; a larger size changes nothing. */
    size_t size = a[1] < SYS_PATH_MAX ? (size_t)a[1] : SYS_PATH_MAX;
    long r = syscall(SYS_getcwd, sys_bounce, size);
    if (r < 0) return -errno;
    return copy_to_user(p, a[0], sys_bounce, (size_t)r) ? -EFAULT : r;
}

/* ---- directories, links, names --------------------------------------- */

int64_t sys_chdir(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    GET_PATH(path, a[0]);
    return host_ret(chdir(path));
}

int64_t sys_fchdir(Proc *p, const uint64_t a[6]) { return host_ret(fchdir((int)a[0])); }

static int64_t do_faccessat(Proc *p, int dfd, uint64_t upath, int mode, int flags, int v2) {
    char path[SYS_PATH_MAX];
    GET_PATH(path, upath);
    const char *hp = (flags & AT_SYMLINK_NOFOLLOW) ? path : sys_follow_path(p, path);
    if (v2) return host_ret(syscall(SYS_faccessat2, dfd, hp, mode, flags));
    return host_ret(syscall(SYS_faccessat, dfd, hp, mode));
}

int64_t sys_access(Proc *p, const uint64_t a[6]) {
    return do_faccessat(p, AT_FDCWD_, a[0], (int)a[1], 0, 0);
}

int64_t sys_faccessat(Proc *p, const uint64_t a[6]) {
    return do_faccessat(p, (int)a[0], a[1], (int)a[2], 0, 0);
}

int64_t sys_faccessat2(Proc *p, const uint64_t a[6]) {
    return do_faccessat(p, (int)a[0], a[1], (int)a[2], (int)a[3], 1);
}

int64_t sys_unlink(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    GET_PATH(path, a[0]);
    return host_ret(syscall(SYS_unlinkat, AT_FDCWD_, path, 0));
}

int64_t sys_unlinkat(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    if ((int)a[2] & ~AT_REMOVEDIR) return -EINVAL;
    GET_PATH(path, a[1]);
    return host_ret(syscall(SYS_unlinkat, (int)a[0], path, (int)a[2]));
}

int64_t sys_rmdir(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    GET_PATH(path, a[0]);
    return host_ret(syscall(SYS_unlinkat, AT_FDCWD_, path, AT_REMOVEDIR));
}

int64_t sys_mkdir(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    GET_PATH(path, a[0]);
    return host_ret(syscall(SYS_mkdirat, AT_FDCWD_, path, (unsigned)a[1]));
}

int64_t sys_mkdirat(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    GET_PATH(path, a[1]);
    return host_ret(syscall(SYS_mkdirat, (int)a[0], path, (unsigned)a[2]));
}

int64_t sys_mknod(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    GET_PATH(path, a[0]);
    return host_ret(syscall(SYS_mknodat, AT_FDCWD_, path, (unsigned)a[1], (unsigned)a[2]));
}

int64_t sys_mknodat(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    GET_PATH(path, a[1]);
    return host_ret(syscall(SYS_mknodat, (int)a[0], path, (unsigned)a[2], (unsigned)a[3]));
}

static int64_t do_renameat2(Proc *p, int od, uint64_t uold, int nd, uint64_t unew, unsigned flags) {
    char from[SYS_PATH_MAX], to[SYS_PATH_MAX];
    GET_PATH(from, uold);
    GET_PATH(to, unew);
    return host_ret(syscall(SYS_renameat2, od, from, nd, to, flags));
}

int64_t sys_rename(Proc *p, const uint64_t a[6]) {
    return do_renameat2(p, AT_FDCWD_, a[0], AT_FDCWD_, a[1], 0);
}

int64_t sys_renameat(Proc *p, const uint64_t a[6]) {
    return do_renameat2(p, (int)a[0], a[1], (int)a[2], a[3], 0);
}

int64_t sys_renameat2(Proc *p, const uint64_t a[6]) {
    return do_renameat2(p, (int)a[0], a[1], (int)a[2], a[3], (unsigned)a[4]);
}

static int64_t do_symlinkat(Proc *p, uint64_t utarget, int nd, uint64_t ulink) {
    char target[SYS_PATH_MAX], link[SYS_PATH_MAX];
    GET_PATH(target, utarget);
    GET_PATH(link, ulink);
    return host_ret(syscall(SYS_symlinkat, target, nd, link));
}

int64_t sys_symlink(Proc *p, const uint64_t a[6]) { return do_symlinkat(p, a[0], AT_FDCWD_, a[1]); }

int64_t sys_symlinkat(Proc *p, const uint64_t a[6]) {
    return do_symlinkat(p, a[0], (int)a[1], a[2]);
}

static int64_t do_linkat(Proc *p, int od, uint64_t uold, int nd, uint64_t unew, int flags) {
    char from[SYS_PATH_MAX], to[SYS_PATH_MAX];
    GET_PATH(from, uold);
    GET_PATH(to, unew);
    return host_ret(syscall(SYS_linkat, od, from, nd, to, flags));
}

int64_t sys_link(Proc *p, const uint64_t a[6]) {
    return do_linkat(p, AT_FDCWD_, a[0], AT_FDCWD_, a[1], 0);
}

int64_t sys_linkat(Proc *p, const uint64_t a[6]) {
    return do_linkat(p, (int)a[0], a[1], (int)a[2], a[3], (int)a[4]);
}

/* ---- permissions, ownership, times, sizes ---------------------------- */

int64_t sys_chmod(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    GET_PATH(path, a[0]);
    return host_ret(syscall(SYS_fchmodat, AT_FDCWD_, path, (unsigned)a[1]));
}

int64_t sys_fchmod(Proc *p, const uint64_t a[6]) {
    return host_ret(fchmod((int)a[0], (mode_t)a[1]));
}

int64_t sys_fchmodat(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    GET_PATH(path, a[1]);
    return host_ret(syscall(SYS_fchmodat, (int)a[0], path, (unsigned)a[2]));
}

int64_t sys_fchmodat2(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    GET_PATH(path, a[1]);
    return host_ret(syscall(452 /* fchmodat2 */, (int)a[0], path, (unsigned)a[2], (int)a[3]));
}

int64_t sys_chown(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    GET_PATH(path, a[0]);
    return host_ret(syscall(SYS_fchownat, AT_FDCWD_, path, (uint32_t)a[1], (uint32_t)a[2], 0));
}

int64_t sys_lchown(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    GET_PATH(path, a[0]);
    return host_ret(syscall(SYS_fchownat, AT_FDCWD_, path, (uint32_t)a[1], (uint32_t)a[2],
                            AT_SYMLINK_NOFOLLOW));
}

int64_t sys_fchown(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_fchown, (int)a[0], (uint32_t)a[1], (uint32_t)a[2]));
}

int64_t sys_fchownat(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    GET_PATH(path, a[1]);
    return host_ret(
        syscall(SYS_fchownat, (int)a[0], path, (uint32_t)a[2], (uint32_t)a[3], (int)a[4]));
}

/* Optional times array of n bytes at utimes, then the host call. */
static int64_t times_in(Proc *p, uint64_t utimes, void *buf, size_t n, void **hp) {
    *hp = NULL;
    if (!utimes) return 0;
    if (copy_from_user(p, buf, utimes, n)) return -EFAULT;
    *hp = buf;
    return 0;
}

int64_t sys_utimensat(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    const char *hp = NULL; /* NULL path: the fd itself (futimens) */
    int64_t ts[4];
    void *tp;
    if (times_in(p, a[2], ts, sizeof ts, &tp)) return -EFAULT;
    if (a[1]) {
        GET_PATH(path, a[1]);
        hp = path;
    }
    return host_ret(syscall(SYS_utimensat, (int)a[0], hp, tp, (int)a[3]));
}

int64_t sys_utime(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    int64_t t[2]; /* struct utimbuf: actime, modtime */
    void *tp;
    GET_PATH(path, a[0]);
    if (times_in(p, a[1], t, sizeof t, &tp)) return -EFAULT;
    return host_ret(syscall(SYS_utime, path, tp));
}

int64_t sys_utimes(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    int64_t tv[4];
    void *tp;
    GET_PATH(path, a[0]);
    if (times_in(p, a[1], tv, sizeof tv, &tp)) return -EFAULT;
    return host_ret(syscall(SYS_utimes, path, tp));
}

int64_t sys_futimesat(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    const char *hp = NULL;
    int64_t tv[4];
    void *tp;
    if (a[1]) {
        GET_PATH(path, a[1]);
        hp = path;
    }
    if (times_in(p, a[2], tv, sizeof tv, &tp)) return -EFAULT;
    return host_ret(syscall(SYS_futimesat, (int)a[0], hp, tp));
}

int64_t sys_truncate(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    GET_PATH(path, a[0]);
    return host_ret(syscall(SYS_truncate, path, (int64_t)a[1]));
}

int64_t sys_ftruncate(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_ftruncate, (int)a[0], (int64_t)a[1]));
}

int64_t sys_fallocate(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_fallocate, (int)a[0], (int)a[1], (int64_t)a[2], (int64_t)a[3]));
}

int64_t sys_fadvise64(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_fadvise64, (int)a[0], (int64_t)a[1], (int64_t)a[2], (int)a[3]));
}

int64_t sys_readahead(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_readahead, (int)a[0], (int64_t)a[1], (size_t)a[2]));
}

int64_t sys_sync_file_range(Proc *p, const uint64_t a[6]) {
    return host_ret(
        syscall(SYS_sync_file_range, (int)a[0], (int64_t)a[1], (int64_t)a[2], (unsigned)a[3]));
}

int64_t sys_fsync(Proc *p, const uint64_t a[6]) { return host_ret(fsync((int)a[0])); }
int64_t sys_fdatasync(Proc *p, const uint64_t a[6]) { return host_ret(fdatasync((int)a[0])); }
int64_t sys_syncfs(Proc *p, const uint64_t a[6]) { return host_ret(syncfs((int)a[0])); }

int64_t sys_sync(Proc *p, const uint64_t a[6]) {
    sync();
    return 0;
}

int64_t sys_umask(Proc *p, const uint64_t a[6]) { return umask((mode_t)(a[0] & 0777)); }

/* ---- getdents ---------------------------------------------------------- */

/* Entries are only read into as much of the buffer as is writable, so no
 * entry is consumed from the directory and then lost to a fault. */
static int64_t do_getdents(Proc *p, long nr, const uint64_t a[6]) {
    int fd = (int)a[0];
    uint64_t buf = a[1], count = (uint32_t)a[2];
    if (!user_access_ok(buf, count)) return fcntl(fd, F_GETFD) < 0 ? -EBADF : -EFAULT;
    uint64_t ok = user_extent(p, buf, count < SYS_CHUNK ? count : SYS_CHUNK, MEM_W);
    if (ok == 0 && count) return fcntl(fd, F_GETFD) < 0 ? -EBADF : -EFAULT;
    long r = syscall(nr, fd, sys_bounce, (size_t)ok);
    if (r < 0 && errno == EINVAL && ok < count) {
        /* Too small only because the buffer runs into a bad page: if the
         * first entry fits the whole count, Linux faults writing it. The
         * probe must not consume it, so the position is put back. */
        off_t pos = lseek(fd, 0, SEEK_CUR);
        long r2 = syscall(nr, fd, sys_bounce, (size_t)(count < SYS_CHUNK ? count : SYS_CHUNK));
        if (pos >= 0) lseek(fd, pos, SEEK_SET);
        return r2 > 0 ? -EFAULT : -EINVAL;
    }
    if (r < 0) return -errno;
    return copy_to_user(p, buf, sys_bounce, (size_t)r) ? -EFAULT : r;
}

int64_t sys_getdents64(Proc *p, const uint64_t a[6]) { return do_getdents(p, SYS_getdents64, a); }
int64_t sys_getdents(Proc *p, const uint64_t a[6]) { return do_getdents(p, SYS_getdents, a); }

/* ---- fd-to-fd copies ----------------------------------------------------- */

static int64_t off_in(Proc *p, uint64_t uoff, int64_t *off, int64_t **hp) {
    *hp = NULL;
    if (!uoff) return 0;
    if (copy_from_user(p, off, uoff, 8)) return -EFAULT;
    *hp = off;
    return 0;
}

int64_t sys_sendfile(Proc *p, const uint64_t a[6]) {
    int64_t off, *hp;
    if (off_in(p, a[2], &off, &hp)) return -EFAULT;
    long r;
    SYS_BLOCKING(p, r = syscall(SYS_sendfile, (int)a[0], (int)a[1], hp, (size_t)a[3]));
    if (r < 0) return -errno;
    if (hp && copy_to_user(p, a[2], &off, 8)) return -EFAULT;
    return r;
}

int64_t sys_copy_file_range(Proc *p, const uint64_t a[6]) {
    int64_t oin, oout, *hin, *hout;
    if (off_in(p, a[1], &oin, &hin) || off_in(p, a[3], &oout, &hout)) return -EFAULT;
    long r =
        syscall(SYS_copy_file_range, (int)a[0], hin, (int)a[2], hout, (size_t)a[4], (unsigned)a[5]);
    if (r < 0) return -errno;
    if ((hin && copy_to_user(p, a[1], &oin, 8)) || (hout && copy_to_user(p, a[3], &oout, 8)))
        return -EFAULT;
    return r;
}

int64_t sys_memfd_create(Proc *p, const uint64_t a[6]) {
    char name[256]; /* MFD_NAME_MAX_LEN is 249 */
    long n = strncpy_from_user(p, name, a[0], sizeof name);
    if (n == -ENAMETOOLONG) return -EINVAL;
    if (n < 0) return n;
    return host_ret(syscall(SYS_memfd_create, name, (unsigned)a[1]));
}

/* ---- extended attributes ----------------------------------------------- */

#define XATTR_NAME_MAX_ 255
#define XATTR_SIZE_MAX_ 65536

/* The attribute name: -ERANGE when empty or too long, as Linux says. */
static int64_t xattr_name(Proc *p, uint64_t uname, char name[XATTR_NAME_MAX_ + 1]) {
    long n = strncpy_from_user(p, name, uname, XATTR_NAME_MAX_ + 1);
    if (n == -ENAMETOOLONG || n == 0) return -ERANGE;
    return n < 0 ? n : 0;
}

/* Which object: 0 path (follow), 1 path (no follow), 2 fd. */
static int64_t do_getxattr(Proc *p, const uint64_t a[6], int kind) {
    char path[SYS_PATH_MAX], name[XATTR_NAME_MAX_ + 1];
    if (kind != 2) GET_PATH(path, a[0]);
    int64_t e = xattr_name(p, a[1], name);
    if (e) return e;
    size_t size = a[3] > XATTR_SIZE_MAX_ ? XATTR_SIZE_MAX_ : (size_t)a[3];
    void *val = size ? sys_bounce : NULL;
    long r = kind == 2 ? syscall(SYS_fgetxattr, (int)a[0], name, val, size)
                       : syscall(kind ? SYS_lgetxattr : SYS_getxattr, path, name, val, size);
    if (r < 0) return -errno;
    if (size && copy_to_user(p, a[2], sys_bounce, (size_t)r)) return -EFAULT;
    return r;
}

int64_t sys_getxattr(Proc *p, const uint64_t a[6]) { return do_getxattr(p, a, 0); }
int64_t sys_lgetxattr(Proc *p, const uint64_t a[6]) { return do_getxattr(p, a, 1); }
int64_t sys_fgetxattr(Proc *p, const uint64_t a[6]) { return do_getxattr(p, a, 2); }

static int64_t do_setxattr(Proc *p, const uint64_t a[6], int kind) {
    char path[SYS_PATH_MAX], name[XATTR_NAME_MAX_ + 1];
    if (kind != 2) GET_PATH(path, a[0]);
    int64_t e = xattr_name(p, a[1], name);
    if (e) return e;
    size_t size = (size_t)a[3];
    if (size > XATTR_SIZE_MAX_) return -E2BIG;
    if (copy_from_user(p, sys_bounce, a[2], size)) return -EFAULT;
    long r = kind == 2 ? syscall(SYS_fsetxattr, (int)a[0], name, sys_bounce, size, (int)a[4])
                       : syscall(kind ? SYS_lsetxattr : SYS_setxattr, path, name, sys_bounce, size,
                                 (int)a[4]);
    return host_ret(r);
}

int64_t sys_setxattr(Proc *p, const uint64_t a[6]) { return do_setxattr(p, a, 0); }
int64_t sys_lsetxattr(Proc *p, const uint64_t a[6]) { return do_setxattr(p, a, 1); }
int64_t sys_fsetxattr(Proc *p, const uint64_t a[6]) { return do_setxattr(p, a, 2); }

static int64_t do_listxattr(Proc *p, const uint64_t a[6], int kind) {
    char path[SYS_PATH_MAX];
    if (kind != 2) GET_PATH(path, a[0]);
    size_t size = a[2] > XATTR_SIZE_MAX_ ? XATTR_SIZE_MAX_ : (size_t)a[2];
    void *val = size ? sys_bounce : NULL;
    long r = kind == 2 ? syscall(SYS_flistxattr, (int)a[0], val, size)
                       : syscall(kind ? SYS_llistxattr : SYS_listxattr, path, val, size);
    if (r < 0) return -errno;
    if (size && copy_to_user(p, a[1], sys_bounce, (size_t)r)) return -EFAULT;
    return r;
}

int64_t sys_listxattr(Proc *p, const uint64_t a[6]) { return do_listxattr(p, a, 0); }
int64_t sys_llistxattr(Proc *p, const uint64_t a[6]) { return do_listxattr(p, a, 1); }
int64_t sys_flistxattr(Proc *p, const uint64_t a[6]) { return do_listxattr(p, a, 2); }

static int64_t do_removexattr(Proc *p, const uint64_t a[6], int kind) {
    char path[SYS_PATH_MAX], name[XATTR_NAME_MAX_ + 1];
    if (kind != 2) GET_PATH(path, a[0]);
    int64_t e = xattr_name(p, a[1], name);
    if (e) return e;
    return host_ret(kind == 2 ? syscall(SYS_fremovexattr, (int)a[0], name)
                              : syscall(kind ? SYS_lremovexattr : SYS_removexattr, path, name));
}

int64_t sys_removexattr(Proc *p, const uint64_t a[6]) { return do_removexattr(p, a, 0); }
int64_t sys_lremovexattr(Proc *p, const uint64_t a[6]) { return do_removexattr(p, a, 1); }
int64_t sys_fremovexattr(Proc *p, const uint64_t a[6]) { return do_removexattr(p, a, 2); }

/* ---- inotify ------------------------------------------------------------ */

int64_t sys_inotify_init(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_inotify_init1, 0));
}

int64_t sys_inotify_init1(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_inotify_init1, (int)a[0]));
}

int64_t sys_inotify_add_watch(Proc *p, const uint64_t a[6]) {
    char path[SYS_PATH_MAX];
    GET_PATH(path, a[1]);
    return host_ret(syscall(SYS_inotify_add_watch, (int)a[0], path, (uint32_t)a[2]));
}

int64_t sys_inotify_rm_watch(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_inotify_rm_watch, (int)a[0], (int)a[1]));
}
