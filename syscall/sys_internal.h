/* Private to syscall/: handler prototypes and the helpers the handler files
 * share (user-memory transfers, host-result conversion, one-time reports).
 * Nothing outside syscall/ includes this; the public interface is proc.h. */
#ifndef RINGSIDE_SYS_INTERNAL_H
#define RINGSIDE_SYS_INTERNAL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "proc.h"

/* Handlers share one signature and many ignore p or a. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

/* Every row of the table gets a prototype, so a handler's definition is
 * checked against the signature the dispatcher calls it with. */
#define SYSCALL(nr, name, fn, argfmt, retfmt) int64_t sys_##name(Proc *p, const uint64_t a[6]);
#include "table_x86_64.def"
#undef SYSCALL

/* Linux x86-64 limits the handlers mirror. */
#define USER_TOP       0x7ffffffff000ull /* TASK_SIZE_MAX (4-level paging) */
#define MMAP_MIN_ADDR  0x10000ull        /* vm.mmap_min_addr default */
#define SYS_UIO_MAXIOV 1024
#define MAX_RW_COUNT   0x7ffff000ull /* INT_MAX & PAGE_MASK: one read/write at most */
#define SYS_CHUNK      65536         /* host bounce buffer: guest sizes never size allocations */
#define SYS_PATH_MAX   4096

/* One bounce buffer per host thread (handlers never nest). */
extern _Thread_local uint8_t sys_bounce[SYS_CHUNK];
/* pt_regs of the call being dispatched (sigaltstack needs the user sp). */
extern _Thread_local PtRegs *sys_cur_regs;

/* Run stmt, a host call that may block, without the kernel lock (other
 * guest threads go on meanwhile; see thread.c); errno survives. */
#define SYS_BLOCKING(p, stmt)                                                                      \
    do {                                                                                           \
        Task *blk_t_ = sys_block_begin(p);                                                         \
        stmt;                                                                                      \
        int blk_e_ = errno;                                                                        \
        sys_block_end(p, blk_t_);                                                                  \
        errno = blk_e_;                                                                            \
    } while (0)

/* prlimit64 for every ABI's limit calls (rlimit.c): nv/ov {cur, max} or NULL. */
int64_t rlimit_op(Proc *p, int pid, unsigned res, const uint64_t *nv, uint64_t *ov);

/* Host result -> Linux return value: -1 becomes -errno. */
static inline int64_t host_ret(long r) { return r == -1 ? -(int64_t)errno : (int64_t)r; }

/* access_ok(): [addr, addr+len) lies below USER_TOP without wrapping. */
int user_access_ok(uint64_t addr, uint64_t len);
/* Bytes from addr (at most len) that are mapped user pages with `need`
 * (MEM_R or MEM_W); stops at the first page that is not. */
uint64_t user_extent(Proc *p, uint64_t addr, uint64_t len, int need);
/* A path argument: copies into buf[SYS_PATH_MAX]; length, -EFAULT or
 * -ENAMETOOLONG (as getname() does). */
long user_path(Proc *p, uint64_t addr, char *buf);
static inline int put_user_u64(Proc *p, uint64_t addr, uint64_t v) {
    return copy_to_user(p, addr, &v, 8);
}
static inline int put_user_u32(Proc *p, uint64_t addr, uint32_t v) {
    return copy_to_user(p, addr, &v, 4);
}

/* Scatter/gather lists of guest memory and chunked host transfers through
 * the bounce buffer. xfer moves up to n bytes at logical position `done`
 * and returns the count, or -1 with errno set. */
typedef struct UserSeg {
    uint64_t base, len;
} UserSeg;
typedef long (*HostXfer)(void *ctx, void *buf, size_t n, uint64_t done);
/* Host -> guest (read-like). Transfers only into writable user pages and
 * stops at the first one that is not, returning the partial count like
 * Linux; when nothing is writable, the host call is made on a faulting
 * host buffer so the host answers as Linux would (-EFAULT, or 0 at end of
 * file, or EBADF...). `more` allows further
 * chunks after a full one (regular files; a pipe must not block twice).
 * The total is capped at MAX_RW_COUNT. */
int64_t user_xfer_out(Proc *p, const UserSeg *seg, int nseg, HostXfer xfer, void *ctx, int more);
/* Guest -> host (write-like), the same rules with readable pages. */
int64_t user_xfer_in(Proc *p, const UserSeg *seg, int nseg, HostXfer xfer, void *ctx);

/* /proc/self/... (and /proc/thread-self, /proc/<own pid>) -> the rest
 * ("exe", "maps") or NULL: these name the guest, not ringside. */
const char *sys_proc_self(const char *path);
/* Path for calls that follow symlinks: /proc/self/exe -> p->exe_path. */
const char *sys_follow_path(Proc *p, const char *path);
/* A memfd holding the guest's /proc/self/maps text, or -errno. */
int sys_maps_fd(Proc *p, int flags);
/* /proc/self/<rest> as the guest sees it ("maps", "auxv"); -ENOENT for others. */
int sys_proc_fd(Proc *p, const char *rest, int flags);
/* Before a read of fd at off (-1: the file position): refresh it if it is a
 * /proc/self/maps the guest opened and the read starts at 0. */
void sys_proc_before_read(Proc *p, int fd, int64_t off);
/* Follow the host CPU this thread runs on into the guest's view (task.c). */
void sys_track_cpu(Proc *p);
/* Linux's legacy vsyscall page (listed for 64-bit tasks in /proc/self/maps). */
#define VSYSCALL_ADDR 0xffffffffff600000ull

/* net.c: the socket core both ABIs use (compat32_net.c converts the i386
 * layouts around it). */
/* A host address that always faults: passed to the host in place of a
 * guest pointer that did not copy, so the host reports Linux's error. */
void *net_bad_ptr(void);
/* 0, -EBADF or -ENOTSOCK: Linux looks the socket up before user memory. */
int64_t net_fd_check(int fd);
/* move_addr_to_kernel into buf[128]: NULL for a NULL address, buf, or
 * net_bad_ptr(); a length outside [0, 128] is left for the host to refuse. */
const void *net_addr_in(Proc *p, uint64_t uaddr, uint64_t ulen, void *buf);
/* move_addr_to_user: min(*ulenp, klen) bytes to uaddr, then klen to *ulenp. */
int64_t net_addr_out(Proc *p, const void *kaddr, uint32_t klen, uint64_t uaddr, uint64_t ulenp);
/* import_iovec for the x86-64 (compat 0) or i386 (compat 1) iovec layout. */
int64_t net_import_iov(Proc *p, uint64_t uvec, uint64_t cnt, int compat, UserSeg *seg,
                       uint64_t *total);
/* One message on the host side: name and control already in host memory. */
typedef struct NetMsg {
    int fd, flags;
    void *name;  /* recv: a 128-byte buffer, or NULL */
    int namelen; /* recv: the length the host stored */
    void *ctl;
    size_t ctllen; /* recv: room in, bytes used out */
    int msg_flags; /* send: msghdr flags (MSG_EOR); recv: the result's flags */
    long raw;      /* recv: the host's count (the full datagram with MSG_TRUNC) */
    Proc *p;       /* set by net_send/net_recv: the host calls may block */
} NetMsg;
int64_t net_send(Proc *p, NetMsg *m, const UserSeg *seg, int nseg, uint64_t total);
int64_t net_recv(Proc *p, NetMsg *m, const UserSeg *seg, int nseg, uint64_t total);
/* A guest msghdr, widened, and where recvmsg writes its results. */
typedef struct NetHdr {
    uint64_t name;
    int32_t namelen;
    uint64_t iov, iovlen, ctl, ctllen;
    uint32_t flags;
    uint64_t at_namelen, at_ctllen, at_flags;
} NetHdr;
/* What differs between the ABIs: the iovec layout and control messages
 * (guest -> host returns the host length; host -> guest the guest bytes
 * used, adding MSG_CTRUNC to *mflags; ctl_room: host room for a guest's). */
typedef struct NetAbi {
    int compat, ctllen_size;
    int64_t (*ctl_in)(Proc *p, uint64_t uctl, uint64_t ulen, uint8_t *k, size_t kcap);
    int64_t (*ctl_out)(Proc *p, const uint8_t *k, size_t klen, uint64_t uctl, uint64_t ucap,
                       int *mflags);
    size_t (*ctl_room)(uint64_t ucap);
} NetAbi;
extern const NetAbi net_abi64;
/* ___sys_sendmsg / ___sys_recvmsg on a parsed header (the fd is checked). */
int64_t net_msg(Proc *p, int fd, const NetHdr *h, int flags, int recv, const NetAbi *abi,
                int *oflags, uint64_t *left);
/* One guest msghdr at umsg, for the mmsg loops (left: a short send). */
typedef int64_t (*NetOneMsg)(Proc *p, int fd, uint64_t umsg, int flags, int recv, int *oflags,
                             uint64_t *left);
struct timespec;
/* The loops of sendmmsg/recvmmsg over entries of `stride` bytes whose last
 * u32 (before any padding) is msg_len. recvmmsg's timeout is updated. */
int64_t net_sendmmsg(Proc *p, int fd, uint64_t vec, uint64_t vlen, int flags, size_t stride,
                     NetOneMsg one);
int64_t net_recvmmsg(Proc *p, int fd, uint64_t vec, uint64_t vlen, int flags,
                     struct timespec *timeout, size_t stride, NetOneMsg one);
/* setsockopt(SO_ATTACH_FILTER-like opt) with the filter at ufilter. */
int64_t net_set_filter(Proc *p, int fd, int opt, uint16_t len, uint64_t ufilter);
/* vmsplice(fd, iov, nr, flags) for either iovec layout. */
int64_t net_vmsplice(Proc *p, const uint64_t a[6], int compat);

/* futex.c: one futex operation on guest words (the timeout already read
 * into host form, NULL for none; val2 for the operations without one). */
struct timespec;
int64_t futex_op(Proc *p, uint64_t uaddr, int op, uint32_t val, const struct timespec *ts,
                 uint64_t val2, uint64_t uaddr2, uint32_t val3);
int futex_has_timeout(int cmd);

/* "ringside: <message>" on stderr once per (kind, key). */
void sys_report(const char *kind, uint64_t key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* signal.c: the default action of a signal sent to ourselves (kill/tgkill
 * and pause's alarm): 0 delivered/ignored, -ENOSYS when delivery would
 * need a handler (reported). */
int64_t sig_self(Proc *p, int sig);
/* signal.c: after p->sigact[sig] changed (the host disposition follows);
 * sigsuspend with that mask (compat32's old sigsuspend). */
void sig_action_changed(Proc *p, int sig);
int64_t sig_suspend(Proc *p, uint64_t mask);
/* time.c: interval timers are recorded, and their signals are raised at
 * system-call boundaries: time_poll() fires the expired ones (dispatch
 * calls it while time_armed is set) and returns how many of them needed a
 * handler that could not run; time_wait_timer() sleeps until the real-time
 * one fires and returns time_poll()'s answer, or -1 when none is armed. */
extern int time_armed;
int time_poll(Proc *p);
int time_wait_timer(Proc *p);

#endif
