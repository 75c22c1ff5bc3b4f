/* File-descriptor system calls: read/write and their vector and positional
 * forms, lseek, close/dup/pipe, fcntl, ioctl, poll/select, epoll, eventfd,
 * timerfd, flock.
 *
 * Guest fds are host fds (as in qemu-user): descriptors pass through and
 * data moves in bounded chunks through the bounce buffer (uaccess.c), so a
 * huge count never becomes a huge host allocation and a buffer that runs
 * into an unmapped page yields Linux's partial count. Structures that carry
 * pointers are never passed through; the ones copied here have the same
 * layout for the x86-64 guest and the x86-64 host. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "sys_internal.h"

/* ---- read / write ---------------------------------------------------- */

typedef struct Io {
    int fd;
    int pos; /* use off (pread/pwrite), else the file position */
    int v2;  /* preadv2/pwritev2: off -1 means the file position; rwf flags */
    int64_t off;
    int rwf;
    Proc *p; /* set by do_read/do_write/do_readv/do_writev: the call may block */
} Io;

static long io_read_host(Io *io, void *buf, size_t n, uint64_t done) {
    if (io->v2) {
        struct iovec v = {buf, n};
        return syscall(SYS_preadv2, io->fd, &v, 1, io->off < 0 ? -1 : io->off + (int64_t)done, 0,
                       io->rwf);
    }
    if (io->pos) return pread(io->fd, buf, n, io->off + (int64_t)done);
    return read(io->fd, buf, n);
}

static long io_write_host(Io *io, void *buf, size_t n, uint64_t done) {
    if (io->v2) {
        struct iovec v = {buf, n};
        return syscall(SYS_pwritev2, io->fd, &v, 1, io->off < 0 ? -1 : io->off + (int64_t)done, 0,
                       io->rwf);
    }
    if (io->pos) return pwrite(io->fd, buf, n, io->off + (int64_t)done);
    return write(io->fd, buf, n);
}

static long io_read(void *ctx, void *buf, size_t n, uint64_t done) {
    Io *io = ctx;
    long r;
    SYS_BLOCKING(io->p, r = io_read_host(io, buf, n, done));
    return r;
}

static long io_write(void *ctx, void *buf, size_t n, uint64_t done) {
    Io *io = ctx;
    long r;
    SYS_BLOCKING(io->p, r = io_write_host(io, buf, n, done));
    return r;
}

/* A second chunk may only be read when the first cannot have been a short
 * read that a pipe or terminal would end the call with. */
static int fd_regular(int fd) {
    struct stat st;
    return fstat(fd, &st) == 0 && (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode));
}

/* Linux checks the descriptor and its mode before the buffer: keep that
 * order for a bad buffer. */
static int64_t bad_buffer(int fd, int want_write) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0) return -EBADF;
    if ((fl & O_PATH) || (fl & O_ACCMODE) == (want_write ? O_RDONLY : O_WRONLY)) return -EBADF;
    return -EFAULT;
}

static int64_t do_read(Proc *p, Io *io, uint64_t buf, uint64_t len) {
    io->p = p;
    if (!user_access_ok(buf, len)) return bad_buffer(io->fd, 0);
    sys_proc_before_read(p, io->fd, io->pos ? io->off : -1);
    UserSeg s = {buf, len > MAX_RW_COUNT ? MAX_RW_COUNT : len};
    return user_xfer_out(p, &s, 1, io_read, io, s.len > SYS_CHUNK && fd_regular(io->fd));
}

static int64_t do_write(Proc *p, Io *io, uint64_t buf, uint64_t len) {
    io->p = p;
    if (!user_access_ok(buf, len)) return bad_buffer(io->fd, 1);
    UserSeg s = {buf, len > MAX_RW_COUNT ? MAX_RW_COUNT : len};
    uint64_t ok = user_extent(p, buf, s.len, MEM_R);
    if (ok < s.len && ok && !fd_regular(io->fd)) {
        /* pipes, sockets and terminals copy in chunks and drop the one that
         * faults (only regular files keep a partial write): EFAULT unless a
         * whole page got through before the bad one */
        if (ok < PAGE_SIZE) return -EFAULT;
        s.len = ok & PAGE_MASK;
    }
    return user_xfer_in(p, &s, 1, io_write, io);
}

int64_t sys_read(Proc *p, const uint64_t a[6]) {
    Io io = {.fd = (int)a[0]};
    return do_read(p, &io, a[1], a[2]);
}

int64_t sys_write(Proc *p, const uint64_t a[6]) {
    Io io = {.fd = (int)a[0]};
    return do_write(p, &io, a[1], a[2]);
}

int64_t sys_pread64(Proc *p, const uint64_t a[6]) {
    if ((int64_t)a[3] < 0) return -EINVAL; /* checked before the fd */
    Io io = {.fd = (int)a[0], .pos = 1, .off = (int64_t)a[3]};
    return do_read(p, &io, a[1], a[2]);
}

int64_t sys_pwrite64(Proc *p, const uint64_t a[6]) {
    if ((int64_t)a[3] < 0) return -EINVAL;
    Io io = {.fd = (int)a[0], .pos = 1, .off = (int64_t)a[3]};
    return do_write(p, &io, a[1], a[2]);
}

/* import_iovec(): at most SYS_UIO_MAXIOV entries, no negative lengths, every
 * base within the user range; the total is clamped to MAX_RW_COUNT. */
static int64_t import_iovec(Proc *p, uint64_t uvec, uint64_t cnt, UserSeg *seg, uint64_t *total) {
    if (cnt > SYS_UIO_MAXIOV) return -EINVAL;
    *total = 0;
    if (cnt == 0) return 0;
    if (copy_from_user(p, seg, uvec, cnt * sizeof(UserSeg))) return -EFAULT;
    for (uint64_t i = 0; i < cnt; i++) {
        if ((int64_t)seg[i].len < 0) return -EINVAL;
        if (!user_access_ok(seg[i].base, seg[i].len)) return -EFAULT;
        if (seg[i].len > MAX_RW_COUNT - *total) seg[i].len = MAX_RW_COUNT - *total;
        *total += seg[i].len;
    }
    return 0;
}

static int64_t do_readv(Proc *p, Io *io, uint64_t uvec, uint64_t cnt) {
    io->p = p;
    static _Thread_local UserSeg seg[SYS_UIO_MAXIOV];
    uint64_t total;
    int64_t e = import_iovec(p, uvec, cnt, seg, &total);
    if (e) return fcntl(io->fd, F_GETFD) < 0 ? -EBADF : e;
    sys_proc_before_read(p, io->fd, io->pos ? io->off : -1);
    return user_xfer_out(p, seg, (int)cnt, io_read, io, total > SYS_CHUNK && fd_regular(io->fd));
}

static int64_t do_writev(Proc *p, Io *io, uint64_t uvec, uint64_t cnt) {
    io->p = p;
    static _Thread_local UserSeg seg[SYS_UIO_MAXIOV];
    uint64_t total;
    int64_t e = import_iovec(p, uvec, cnt, seg, &total);
    if (e) return fcntl(io->fd, F_GETFD) < 0 ? -EBADF : e;
    return user_xfer_in(p, seg, (int)cnt, io_write, io);
}

int64_t sys_readv(Proc *p, const uint64_t a[6]) {
    Io io = {.fd = (int)a[0]};
    return do_readv(p, &io, a[1], a[2]);
}

int64_t sys_writev(Proc *p, const uint64_t a[6]) {
    Io io = {.fd = (int)a[0]};
    return do_writev(p, &io, a[1], a[2]);
}

int64_t sys_preadv(Proc *p, const uint64_t a[6]) {
    if ((int64_t)a[3] < 0) return -EINVAL;
    Io io = {.fd = (int)a[0], .pos = 1, .off = (int64_t)a[3]};
    return do_readv(p, &io, a[1], a[2]);
}

int64_t sys_pwritev(Proc *p, const uint64_t a[6]) {
    if ((int64_t)a[3] < 0) return -EINVAL;
    Io io = {.fd = (int)a[0], .pos = 1, .off = (int64_t)a[3]};
    return do_writev(p, &io, a[1], a[2]);
}

int64_t sys_preadv2(Proc *p, const uint64_t a[6]) {
    /* offset -1: the file position; other negatives: EINVAL (from the host) */
    Io io = {.fd = (int)a[0], .v2 = 1, .off = (int64_t)a[3], .rwf = (int)a[5]};
    if (io.off < -1) return -EINVAL;
    return do_readv(p, &io, a[1], a[2]);
}

int64_t sys_pwritev2(Proc *p, const uint64_t a[6]) {
    Io io = {.fd = (int)a[0], .v2 = 1, .off = (int64_t)a[3], .rwf = (int)a[5]};
    if (io.off < -1) return -EINVAL;
    return do_writev(p, &io, a[1], a[2]);
}

int64_t sys_lseek(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_lseek, (int)a[0], (int64_t)a[1], (unsigned)a[2]));
}

/* ---- descriptors ----------------------------------------------------- */

/* ringside's own trace file is not a guest descriptor: natively it would
 * not be open, so the guest sees EBADF rather than closing it. */
static int is_trace_fd(Proc *p, int fd) { return p->tracef && fd > 2 && fd == fileno(p->tracef); }

int64_t sys_close(Proc *p, const uint64_t a[6]) {
    if (is_trace_fd(p, (int)a[0])) return -EBADF;
    return host_ret(close((int)a[0]));
}

int64_t sys_dup(Proc *p, const uint64_t a[6]) {
    if (is_trace_fd(p, (int)a[0])) return -EBADF;
    return host_ret(dup((int)a[0]));
}

int64_t sys_dup2(Proc *p, const uint64_t a[6]) {
    if (is_trace_fd(p, (int)a[0]) || is_trace_fd(p, (int)a[1])) return -EBADF;
    return host_ret(dup2((int)a[0], (int)a[1]));
}

int64_t sys_dup3(Proc *p, const uint64_t a[6]) {
    if (is_trace_fd(p, (int)a[0]) || is_trace_fd(p, (int)a[1])) return -EBADF;
    return host_ret(syscall(SYS_dup3, (int)a[0], (int)a[1], (int)a[2]));
}

static int64_t do_pipe(Proc *p, uint64_t ufds, int flags) {
    int fds[2];
    if (syscall(SYS_pipe2, fds, flags) < 0) return -errno;
    if (copy_to_user(p, ufds, fds, sizeof fds)) {
        close(fds[0]);
        close(fds[1]);
        return -EFAULT;
    }
    return 0;
}

int64_t sys_pipe(Proc *p, const uint64_t a[6]) { return do_pipe(p, a[0], 0); }
int64_t sys_pipe2(Proc *p, const uint64_t a[6]) { return do_pipe(p, a[0], (int)a[1]); }

/* ---- fcntl ----------------------------------------------------------- */

/* Commands and what their argument is. struct flock and f_owner_ex have
 * the same x86-64 layout on both sides. */
int64_t sys_fcntl(Proc *p, const uint64_t a[6]) {
    int fd = (int)a[0], cmd = (int)a[1];
    uint64_t arg = a[2];
    if (is_trace_fd(p, fd)) return -EBADF;
    switch (cmd) {
    case F_DUPFD:
    case F_GETFD:
    case F_SETFD:
    case F_GETFL:
    case F_SETFL:
    case F_SETOWN:
    case F_GETOWN:
    case F_SETSIG:
    case F_GETSIG:
    case F_SETLEASE:
    case F_GETLEASE:
    case F_NOTIFY:
    case F_DUPFD_CLOEXEC:
    case F_SETPIPE_SZ:
    case F_GETPIPE_SZ:
    case F_ADD_SEALS:
    case F_GET_SEALS:
    case 1027: /* F_DUPFD_QUERY: an fd, compared, not dereferenced */
        return host_ret(syscall(SYS_fcntl, fd, cmd, arg));
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW: {
        struct flock fl;
        if (copy_from_user(p, &fl, arg, sizeof fl)) return -EFAULT;
        long r;
        SYS_BLOCKING(p, r = syscall(SYS_fcntl, fd, cmd, &fl)); /* F_SETLKW waits */
        if (r < 0) return -errno;
        if ((cmd == F_GETLK || cmd == F_OFD_GETLK) && copy_to_user(p, arg, &fl, sizeof fl))
            return -EFAULT;
        return r;
    }
    case F_SETOWN_EX:
    case F_GETOWN_EX: {
        struct f_owner_ex ox;
        if (cmd == F_SETOWN_EX && copy_from_user(p, &ox, arg, sizeof ox)) return -EFAULT;
        long r = syscall(SYS_fcntl, fd, cmd, &ox);
        if (r < 0) return -errno;
        if (cmd == F_GETOWN_EX && copy_to_user(p, arg, &ox, sizeof ox)) return -EFAULT;
        return r;
    }
    case 17: { /* F_GETOWNER_UIDS */
        uint32_t uids[2];
        long r = syscall(SYS_fcntl, fd, cmd, uids);
        if (r < 0) return -errno;
        return copy_to_user(p, arg, uids, sizeof uids) ? -EFAULT : r;
    }
    case 1035:
    case 1036:
    case 1037:
    case 1038: { /* F_{GET,SET}_{FILE_,}RW_HINT: u64 */
        uint64_t h;
        if ((cmd == 1036 || cmd == 1038) && copy_from_user(p, &h, arg, 8)) return -EFAULT;
        long r = syscall(SYS_fcntl, fd, cmd, &h);
        if (r < 0) return -errno;
        if ((cmd == 1035 || cmd == 1037) && copy_to_user(p, arg, &h, 8)) return -EFAULT;
        return r;
    }
    default:
        if (fcntl(fd, F_GETFD) < 0) return -EBADF;
        return -EINVAL; /* what Linux answers for a command it does not know */
    }
}

int64_t sys_flock(Proc *p, const uint64_t a[6]) {
    long r;
    SYS_BLOCKING(p, r = flock((int)a[0], (int)a[1]));
    return host_ret(r);
}

/* ---- ioctl ----------------------------------------------------------- */

/* Requests passed through, with the size of what the argument points to
 * (0: the argument is a value or unused) and its direction. Anything else
 * is not passed through (the host would read or write through an
 * arbitrary pointer): -ENOTTY, what Linux says for a request the file does
 * not know, reported once. */
enum { IO_VAL = 0, IO_IN = 1, IO_OUT = 2 };
static const struct {
    uint32_t req;
    uint8_t size, dir;
} ioctls[] = {
    {0x5401, 36, IO_OUT},     /* TCGETS: struct termios (kernel layout, 36 bytes) */
    {0x5402, 36, IO_IN},      /* TCSETS */
    {0x5403, 36, IO_IN},      /* TCSETSW */
    {0x5404, 36, IO_IN},      /* TCSETSF */
    {0x5405, 18, IO_OUT},     /* TCGETA: struct termio */
    {0x5406, 18, IO_IN},      /* TCSETA */
    {0x5407, 18, IO_IN},      /* TCSETAW */
    {0x5408, 18, IO_IN},      /* TCSETAF */
    {0x5409, 0, IO_VAL},      /* TCSBRK */
    {0x540a, 0, IO_VAL},      /* TCXONC */
    {0x540b, 0, IO_VAL},      /* TCFLSH */
    {0x540c, 0, IO_VAL},      /* TIOCEXCL */
    {0x540d, 0, IO_VAL},      /* TIOCNXCL */
    {0x540e, 0, IO_VAL},      /* TIOCSCTTY */
    {0x540f, 4, IO_OUT},      /* TIOCGPGRP */
    {0x5410, 4, IO_IN},       /* TIOCSPGRP */
    {0x5411, 4, IO_OUT},      /* TIOCOUTQ */
    {0x5413, 8, IO_OUT},      /* TIOCGWINSZ: struct winsize */
    {0x5414, 8, IO_IN},       /* TIOCSWINSZ */
    {0x541b, 4, IO_OUT},      /* FIONREAD */
    {0x5421, 4, IO_IN},       /* FIONBIO */
    {0x5422, 0, IO_VAL},      /* TIOCNOTTY */
    {0x5429, 4, IO_OUT},      /* TIOCGSID */
    {0x802c542a, 44, IO_OUT}, /* TCGETS2: struct termios2 */
    {0x402c542b, 44, IO_IN},  /* TCSETS2 */
    {0x402c542c, 44, IO_IN},  /* TCSETSW2 */
    {0x402c542d, 44, IO_IN},  /* TCSETSF2 */
    {0x80045430, 4, IO_OUT},  /* TIOCGPTN */
    {0x40045431, 4, IO_IN},   /* TIOCSPTLCK */
    {0x80045439, 4, IO_OUT},  /* TIOCGPTLCK */
    {0x5441, 0, IO_VAL},      /* TIOCGPTPEER: flags by value */
    {0x5450, 0, IO_VAL},      /* FIONCLEX */
    {0x5451, 0, IO_VAL},      /* FIOCLEX */
    {0x5452, 4, IO_IN},       /* FIOASYNC */
};

int64_t sys_ioctl(Proc *p, const uint64_t a[6]) {
    int fd = (int)a[0];
    uint32_t req = (uint32_t)a[1];
    uint64_t arg = a[2];
    if (is_trace_fd(p, fd)) return -EBADF;
    for (size_t i = 0; i < sizeof ioctls / sizeof ioctls[0]; i++) {
        if (ioctls[i].req != req) continue;
        if (ioctls[i].dir == IO_VAL) return host_ret(syscall(SYS_ioctl, fd, req, arg));
        uint8_t buf[64];
        memset(buf, 0, sizeof buf);
        if (ioctls[i].dir == IO_IN && copy_from_user(p, buf, arg, ioctls[i].size)) {
            return fcntl(fd, F_GETFD) < 0 ? -EBADF : -EFAULT;
        }
        long r = syscall(SYS_ioctl, fd, req, buf);
        if (r < 0) return -errno;
        if (ioctls[i].dir == IO_OUT && copy_to_user(p, arg, buf, ioctls[i].size)) return -EFAULT;
        return r;
    }
    if (fcntl(fd, F_GETFD) < 0) return -EBADF;
    sys_report("ioctl", req, "unimplemented ioctl %#x on fd %d (returning ENOTTY)", req, fd);
    return -ENOTTY;
}

/* ---- poll / select ---------------------------------------------------- */

/* Host descriptor-set scratch: pollfd arrays above this many entries are
 * heap-allocated (bounded by RLIMIT_NOFILE, which poll() checks first). */
#define POLL_STACK 1024

/* timeout_ms for poll(); ts (may be NULL: no timeout) for ppoll(). */
static int64_t do_poll(Proc *p, uint64_t ufds, uint64_t nfds, int ppoll, int timeout_ms,
                       struct timespec *ts) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && nfds > rl.rlim_cur) return -EINVAL;
    if (nfds > (1u << 20)) return -EINVAL; /* fs.nr_open's ceiling */
    struct pollfd small[POLL_STACK], *fds = small;
    if (nfds > POLL_STACK) {
        fds = malloc(nfds * sizeof *fds);
        if (!fds) return -ENOMEM;
    }
    int64_t r;
    if (copy_from_user(p, fds, ufds, nfds * sizeof *fds)) {
        r = -EFAULT;
    } else {
        long h;
        SYS_BLOCKING(p, h = ppoll ? syscall(SYS_ppoll, fds, nfds, ts, NULL, 8)
                                  : syscall(SYS_poll, fds, nfds, timeout_ms));
        r = host_ret(h);
        /* Linux writes every revents back, ready or not. */
        if (r >= 0 && copy_to_user(p, ufds, fds, nfds * sizeof *fds)) r = -EFAULT;
    }
    if (fds != small) free(fds);
    return r;
}

int64_t sys_poll(Proc *p, const uint64_t a[6]) {
    return do_poll(p, a[0], (uint32_t)a[1], 0, (int)a[2], NULL);
}

/* The signal mask argument of ppoll/pselect6 is validated, then ignored:
 * signals are not delivered to the guest yet, so it changes nothing.
 * The time left is written back, and (as in Linux) a fault doing so is
 * not an error: the call has already happened. */
int64_t sys_ppoll(Proc *p, const uint64_t a[6]) {
    struct timespec ts, *tp = NULL;
    if (a[2]) {
        if (copy_from_user(p, &ts, a[2], sizeof ts)) return -EFAULT;
        tp = &ts;
    }
    if (a[3]) {
        uint64_t m;
        if (a[4] != 8) return -EINVAL;
        if (copy_from_user(p, &m, a[3], 8)) return -EFAULT;
    }
    int64_t r = do_poll(p, a[0], (uint32_t)a[1], 1, 0, tp);
    if (tp) copy_to_user(p, a[2], &ts, sizeof ts);
    return r;
}

/* fd_set words for n descriptors; n is capped at 64Ki bits (8 KiB per set)
 * where Linux caps it at the size of the descriptor table. */
#define SELECT_MAX_FDS 65536

static int64_t do_select(Proc *p, int n, const uint64_t sets[3], void *tv, int is_ts) {
    if (n < 0) return -EINVAL;
    if (n > SELECT_MAX_FDS) n = SELECT_MAX_FDS;
    size_t bytes = (size_t)(n + 63) / 64 * 8;
    static _Thread_local uint64_t buf[3][SELECT_MAX_FDS / 64];
    void *hs[3] = {NULL, NULL, NULL};
    for (int i = 0; i < 3; i++) {
        if (!sets[i]) continue;
        if (copy_from_user(p, buf[i], sets[i], bytes)) return -EFAULT;
        hs[i] = buf[i];
    }
    long r;
    if (is_ts)
        SYS_BLOCKING(p, r = syscall(SYS_pselect6, n, hs[0], hs[1], hs[2], tv, NULL));
    else
        SYS_BLOCKING(p, r = syscall(SYS_select, n, hs[0], hs[1], hs[2], tv));
    if (r < 0) return -errno;
    for (int i = 0; i < 3; i++)
        if (sets[i] && copy_to_user(p, sets[i], buf[i], bytes)) return -EFAULT;
    return r;
}

int64_t sys_select(Proc *p, const uint64_t a[6]) {
    struct timeval tv, *tp = NULL;
    if (a[4]) {
        if (copy_from_user(p, &tv, a[4], sizeof tv)) return -EFAULT;
        tp = &tv;
    }
    const uint64_t sets[3] = {a[1], a[2], a[3]};
    int64_t r = do_select(p, (int)a[0], sets, tp, 0);
    /* Linux reports the time left, ignoring a fault doing so. */
    if (tp) copy_to_user(p, a[4], &tv, sizeof tv);
    return r;
}

int64_t sys_pselect6(Proc *p, const uint64_t a[6]) {
    struct timespec ts, *tp = NULL;
    if (a[4]) {
        if (copy_from_user(p, &ts, a[4], sizeof ts)) return -EFAULT;
        tp = &ts;
    }
    if (a[5]) { /* { const sigset_t *ss; size_t ss_len; } */
        uint64_t sd[2], m;
        if (copy_from_user(p, sd, a[5], sizeof sd)) return -EFAULT;
        if (sd[0]) {
            if (sd[1] != 8) return -EINVAL;
            if (copy_from_user(p, &m, sd[0], 8)) return -EFAULT;
        }
    }
    const uint64_t sets[3] = {a[1], a[2], a[3]};
    int64_t r = do_select(p, (int)a[0], sets, tp, 1);
    if (tp) copy_to_user(p, a[4], &ts, sizeof ts);
    return r;
}

/* ---- epoll, eventfd, timerfd ----------------------------------------- */

/* struct epoll_event is packed (12 bytes) on x86-64, guest and host. */
#define EPOLL_EVENT_SIZE 12

int64_t sys_epoll_create(Proc *p, const uint64_t a[6]) {
    if ((int)a[0] <= 0) return -EINVAL;
    return host_ret(syscall(SYS_epoll_create1, 0));
}

int64_t sys_epoll_create1(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_epoll_create1, (int)a[0]));
}

int64_t sys_epoll_ctl(Proc *p, const uint64_t a[6]) {
    uint8_t ev[EPOLL_EVENT_SIZE];
    void *evp = NULL;
    if ((int)a[1] != 2 /* EPOLL_CTL_DEL ignores the event */) {
        if (copy_from_user(p, ev, a[3], sizeof ev)) return -EFAULT;
        evp = ev;
    }
    return host_ret(syscall(SYS_epoll_ctl, (int)a[0], (int)a[1], (int)a[2], evp));
}

static int64_t do_epoll_wait(Proc *p, const uint64_t a[6], int pwait) {
    int max = (int)a[2];
    if (max <= 0 || (uint64_t)max > 0x7fffffffu / EPOLL_EVENT_SIZE) return -EINVAL;
    if (!user_access_ok(a[1], (uint64_t)max * EPOLL_EVENT_SIZE)) return -EFAULT;
    if (pwait && a[4]) {
        uint64_t m;
        if (a[5] != 8) return -EINVAL;
        if (copy_from_user(p, &m, a[4], 8)) return -EFAULT;
    }
    /* Fewer events per call than asked for is allowed by the interface. */
    int cap = SYS_CHUNK / EPOLL_EVENT_SIZE;
    if (max > cap) max = cap;
    long r;
    SYS_BLOCKING(p, r = syscall(SYS_epoll_wait, (int)a[0], sys_bounce, max, (int)a[3]));
    if (r < 0) return -errno;
    if (copy_to_user(p, a[1], sys_bounce, (size_t)r * EPOLL_EVENT_SIZE)) return -EFAULT;
    return r;
}

int64_t sys_epoll_wait(Proc *p, const uint64_t a[6]) { return do_epoll_wait(p, a, 0); }
int64_t sys_epoll_pwait(Proc *p, const uint64_t a[6]) { return do_epoll_wait(p, a, 1); }

int64_t sys_eventfd(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_eventfd2, (unsigned)a[0], 0));
}

int64_t sys_eventfd2(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_eventfd2, (unsigned)a[0], (int)a[1]));
}

int64_t sys_timerfd_create(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_timerfd_create, (int)a[0], (int)a[1]));
}

int64_t sys_timerfd_settime(Proc *p, const uint64_t a[6]) {
    struct itimerspec nv, ov;
    if (copy_from_user(p, &nv, a[2], sizeof nv)) return -EFAULT;
    long r = syscall(SYS_timerfd_settime, (int)a[0], (int)a[1], &nv, a[3] ? &ov : NULL);
    if (r < 0) return -errno;
    if (a[3] && copy_to_user(p, a[3], &ov, sizeof ov)) return -EFAULT;
    return r;
}

int64_t sys_timerfd_gettime(Proc *p, const uint64_t a[6]) {
    struct itimerspec cv;
    long r = syscall(SYS_timerfd_gettime, (int)a[0], &cv);
    if (r < 0) return -errno;
    return copy_to_user(p, a[1], &cv, sizeof cv) ? -EFAULT : r;
}
