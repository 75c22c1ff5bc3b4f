/* Sockets for 32-bit processes: the socketcall(102) multiplexer and the
 * direct i386 socket calls (359..373, sendmmsg/recvmmsg), both reaching the
 * same handlers, and the layouts that differ from x86-64:
 *   struct compat_msghdr   {u32 name; s32 namelen; u32 iov; u32 iovlen;
 *                           u32 control; u32 controllen; u32 flags}  28 bytes
 *   struct compat_mmsghdr  {compat_msghdr; u32 msg_len}             32 bytes
 *   struct compat_cmsghdr  {u32 len; s32 level; s32 type}, data 4-aligned
 *   SO_RCVTIMEO/SO_SNDTIMEO (the _OLD numbers): struct old_timeval32
 *   SO_TIMESTAMP{,NS,ING}_OLD control data: 32-bit timeval/timespec
 *   SO_ATTACH_FILTER: struct compat_sock_fprog {u16 len; u32 filter}
 *   MCAST_*: struct compat_group_req/group_source_req (4-byte aligned)
 * Everything else (sockaddrs, ints, struct linger, ucred) is the same
 * bytes, and those calls use the x86-64 handlers in net.c directly. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "compat32.h"

#define C32_CTL_MAX SYS_CHUNK

static _Thread_local uint8_t c32_ctl[C32_CTL_MAX];

/* ---- control messages ---------------------------------------------------- */

static uint32_t rd32(const uint8_t *b) {
    uint32_t v;
    memcpy(&v, b, 4);
    return v;
}
static void wr32(uint8_t *b, uint32_t v) { memcpy(b, &v, 4); }

#define A4(n) (((n) + 3) & ~(size_t)3)
#define A8(n) (((n) + 7) & ~(size_t)7)

/* cmsghdr_from_user_compat_to_kern: every header must be at least 12
 * bytes and lie inside controllen; an empty result is EINVAL. */
static int64_t ctl_in32(Proc *p, uint64_t uctl, uint64_t ulen, uint8_t *k, size_t kcap) {
    if (ulen > C32_CTL_MAX) {
        sys_report("net", 4, "control data of more than %d bytes is not supported (ENOBUFS)",
                   C32_CTL_MAX);
        return -ENOBUFS;
    }
    if (copy_from_user(p, c32_ctl, uctl, (size_t)ulen)) return -EFAULT;
    size_t off = 0, klen = 0;
    while (ulen >= 12 && off + 12 <= ulen) {
        uint32_t len = rd32(c32_ctl + off);
        if (len < 12 || len > ulen - off) return -EINVAL;
        size_t dlen = len - 12, kl = 16 + dlen;
        if (klen + A8(kl) > kcap) return -ENOBUFS;
        memset(k + klen, 0, A8(kl));
        uint64_t hl = kl;
        memcpy(k + klen, &hl, 8);
        memcpy(k + klen + 8, c32_ctl + off + 4, 8); /* level, type */
        memcpy(k + klen + 16, c32_ctl + off + 12, dlen);
        klen += A8(kl);
        off += A4(len);
    }
    return klen ? (int64_t)klen : -EINVAL;
}

/* put_cmsg_compat: one compat cmsg at out, truncated (MSG_CTRUNC) when the
 * room runs out; returns the bytes the guest's buffer advances. */
static size_t put32(uint8_t *dst, size_t room, int level, int type, const void *data, size_t dlen,
                    int *mflags) {
    if (room < 12) {
        *mflags |= MSG_CTRUNC;
        return 0;
    }
    size_t cl = 12 + dlen;
    if (room < cl) {
        *mflags |= MSG_CTRUNC;
        cl = room;
    }
    wr32(dst, (uint32_t)cl);
    wr32(dst + 4, (uint32_t)level);
    wr32(dst + 8, (uint32_t)type);
    memcpy(dst + 12, data, cl - 12);
    size_t sp = A4(12 + dlen);
    return sp < room ? sp : room;
}

static int64_t ctl_out32(Proc *p, const uint8_t *k, size_t klen, uint64_t uctl, uint64_t ucap,
                         int *mflags) {
    size_t room = ucap < C32_CTL_MAX ? (size_t)ucap : C32_CTL_MAX, out = 0, off = 0;
    while (off + 16 <= klen) {
        uint64_t cl;
        int32_t level, type;
        memcpy(&cl, k + off, 8);
        memcpy(&level, k + off + 8, 4);
        memcpy(&type, k + off + 12, 4);
        if (cl < 16 || cl > klen - off) break;
        const uint8_t *d = k + off + 16;
        size_t dlen = (size_t)cl - 16;
        uint8_t conv[48];
        int32_t *c = (int32_t *)conv;
        if (level == SOL_SOCKET && type == SCM_RIGHTS) {
            /* scm_detach_fds_compat: only the descriptors that fit are
             * installed; the host installed them all, so close the rest */
            size_t nfd = dlen / 4, fit = room - out > 12 ? (room - out - 12) / 4 : 0;
            if (fit > nfd) fit = nfd;
            for (size_t i = fit; i < nfd; i++)
                close((int)rd32(d + 4 * i));
            if (fit < nfd) *mflags |= MSG_CTRUNC;
            if (fit) out += put32(c32_ctl + out, room - out, level, type, d, fit * 4, mflags);
        } else if (level == SOL_SOCKET && (type == 29 || type == 35) && dlen == 16) {
            /* SO_TIMESTAMP_OLD (timeval), SO_TIMESTAMPNS_OLD (timespec) */
            int64_t t[2];
            memcpy(t, d, 16);
            c[0] = (int32_t)t[0], c[1] = (int32_t)t[1];
            out += put32(c32_ctl + out, room - out, level, type, conv, 8, mflags);
        } else if (level == SOL_SOCKET && type == 37 && dlen == 48) {
            /* SO_TIMESTAMPING_OLD: three timespecs */
            int64_t t[6];
            memcpy(t, d, 48);
            for (int i = 0; i < 6; i++)
                c[i] = (int32_t)t[i];
            out += put32(c32_ctl + out, room - out, level, type, conv, 24, mflags);
        } else {
            out += put32(c32_ctl + out, room - out, level, type, d, dlen, mflags);
        }
        off += A8((size_t)cl);
    }
    return copy_to_user(p, uctl, c32_ctl, out) ? -EFAULT : (int64_t)out;
}

/* Native cmsgs are at most twice their compat size (16-byte headers,
 * 8-byte alignment): room enough that the host never truncates what the
 * guest's buffer could hold. */
static size_t ctl_room32(uint64_t ucap) {
    uint64_t r = 2 * ucap + 16;
    return r < 2 * C32_CTL_MAX ? (size_t)r : 2 * C32_CTL_MAX;
}

static const NetAbi net_abi32 = {1, 4, ctl_in32, ctl_out32, ctl_room32};

/* ---- msghdr, sendmsg/recvmsg and the mmsg forms -------------------------- */

static int64_t msg32(Proc *p, int fd, uint64_t umsg, int flags, int recv, int *oflags,
                     uint64_t *left) {
    uint32_t w[7];
    if (copy_from_user(p, w, umsg, 28)) return -EFAULT;
    NetHdr h = {.name = w[0],
                .namelen = (int32_t)w[1],
                .iov = w[2],
                .iovlen = w[3],
                .ctl = w[4],
                .ctllen = w[5],
                .flags = w[6],
                .at_namelen = umsg + 4,
                .at_ctllen = umsg + 20,
                .at_flags = umsg + 24};
    return net_msg(p, fd, &h, flags & 0x7fffffff /* MSG_CMSG_COMPAT */, recv, &net_abi32, oflags,
                   left);
}

int64_t c32_sendmsg(Proc *p, const uint64_t a[6]) {
    int64_t e = net_fd_check((int)a[0]);
    return e ? e : msg32(p, (int)a[0], a[1], (int)a[2], 0, NULL, NULL);
}

int64_t c32_recvmsg(Proc *p, const uint64_t a[6]) {
    int64_t e = net_fd_check((int)a[0]);
    return e ? e : msg32(p, (int)a[0], a[1], (int)a[2], 1, NULL, NULL);
}

int64_t c32_sendmmsg(Proc *p, const uint64_t a[6]) {
    return net_sendmmsg(p, (int)a[0], a[1], (uint32_t)a[2], (int)a[3] & 0x7fffffff, 32, msg32);
}

static int64_t recvmmsg32(Proc *p, const uint64_t a[6], TsKind k) {
    struct timespec ts;
    if (a[4]) {
        int64_t s, ns;
        if (c32_get_ts(p, a[4], k, &s, &ns)) return -EFAULT;
        ts.tv_sec = s, ts.tv_nsec = ns;
    }
    int64_t r = net_recvmmsg(p, (int)a[0], a[1], (uint32_t)a[2], (int)a[3] & 0x7fffffff,
                             a[4] ? &ts : NULL, 32, msg32);
    if (r > 0 && a[4] && c32_put_ts(p, a[4], k, ts.tv_sec, ts.tv_nsec)) return -EFAULT;
    return r;
}

int64_t c32_recvmmsg(Proc *p, const uint64_t a[6]) { return recvmmsg32(p, a, TS32); }
int64_t c32_recvmmsg_time64(Proc *p, const uint64_t a[6]) { return recvmmsg32(p, a, TS64); }

/* ---- socket options ---------------------------------------------------- */

#define SO_RCVTIMEO_OLD_    20
#define SO_SNDTIMEO_OLD_    21
#define SO_ATTACH_FILTER_   26
#define SO_REUSEPORT_CBPF_  51
#define MCAST_BLOCK_SOURCE_ 43
#define MCAST_MSFILTER_     48

static int is_mcast(int level, int opt) {
    return (level == 0 /* SOL_IP */ || level == 41 /* SOL_IPV6 */) && opt >= 42 && opt <= 48;
}

/* compat_group_req {u32; sockaddr_storage at 4} and compat_group_source_req
 * {u32; two sockaddr_storage at 4, 132} -> the 8-aligned native forms. */
static int64_t set_mcast32(Proc *p, int fd, int level, int opt, uint64_t uval, int len) {
    int src = opt >= MCAST_BLOCK_SOURCE_ && opt != 45 /* MCAST_LEAVE_GROUP */;
    size_t need = src ? 260 : 132;
    if (opt == MCAST_MSFILTER_) {
        sys_report("setsockopt", 48, "i386 MCAST_MSFILTER is not supported (ENOSYS)");
        return -ENOSYS;
    }
    if (len < (int)need) return -EINVAL;
    uint8_t in[260], out[264] = {0};
    if (copy_from_user(p, in, uval, need)) return -EFAULT;
    memcpy(out, in, 4);
    memcpy(out + 8, in + 4, need - 4);
    return host_ret(syscall(SYS_setsockopt, fd, level, opt, out, src ? 264 : 136));
}

int64_t c32_setsockopt(Proc *p, const uint64_t a[6]) {
    int fd = (int)a[0], level = (int)a[1], opt = (int)a[2], len = (int)a[4];
    int sol = level == SOL_SOCKET;
    int special = (sol && (opt == SO_RCVTIMEO_OLD_ || opt == SO_SNDTIMEO_OLD_ ||
                           opt == SO_ATTACH_FILTER_ || opt == SO_REUSEPORT_CBPF_)) ||
                  is_mcast(level, opt);
    if (!special) return sys_setsockopt(p, a);
    int64_t e = net_fd_check(fd);
    if (e) return e;
    if (is_mcast(level, opt)) return set_mcast32(p, fd, level, opt, a[3], len);
    if (opt == SO_ATTACH_FILTER_ || opt == SO_REUSEPORT_CBPF_) {
        uint32_t f[2];
        if (len != 8) return -EINVAL;
        if (copy_from_user(p, f, a[3], 8)) return -EFAULT;
        return net_set_filter(p, fd, opt, (uint16_t)f[0], f[1]);
    }
    /* old_timeval32 -> timeval; the host checks the values (EDOM...) */
    int32_t tv32[2];
    if (len < 8) return -EINVAL;
    if (copy_from_user(p, tv32, a[3], 8)) return -EFAULT;
    struct timeval tv = {tv32[0], tv32[1]};
    return host_ret(syscall(SYS_setsockopt, fd, level, opt, &tv, sizeof tv));
}

int64_t c32_getsockopt(Proc *p, const uint64_t a[6]) {
    int fd = (int)a[0], level = (int)a[1], opt = (int)a[2];
    if (level == SOL_SOCKET && (opt == SO_RCVTIMEO_OLD_ || opt == SO_SNDTIMEO_OLD_)) {
        int64_t e = net_fd_check(fd);
        if (e) return e;
        int32_t len;
        if (copy_from_user(p, &len, a[4], 4)) return -EFAULT;
        if (len < 0) return -EINVAL;
        struct timeval tv;
        socklen_t hl = sizeof tv;
        if (syscall(SYS_getsockopt, fd, level, opt, &tv, &hl) < 0) return -errno;
        int32_t tv32[2] = {(int32_t)tv.tv_sec, (int32_t)tv.tv_usec};
        if (len > 8) len = 8;
        if (copy_to_user(p, a[3], tv32, (size_t)len)) return -EFAULT;
        return put_user_u32(p, a[4], (uint32_t)len) ? -EFAULT : 0;
    }
    if (is_mcast(level, opt) && opt == MCAST_MSFILTER_) {
        sys_report("getsockopt", 48, "i386 MCAST_MSFILTER is not supported (ENOSYS)");
        return -ENOSYS;
    }
    return sys_getsockopt(p, a);
}

/* ---- socketcall(call, args) ---------------------------------------------- */

static int64_t c32_send(Proc *p, const uint64_t a[6]) {
    const uint64_t w[6] = {a[0], a[1], a[2], a[3], 0, 0};
    return sys_sendto(p, w);
}
static int64_t c32_recv(Proc *p, const uint64_t a[6]) {
    const uint64_t w[6] = {a[0], a[1], a[2], a[3], 0, 0};
    return sys_recvfrom(p, w);
}

/* net/compat.c: the argument words of each call (nas[]), and the handler
 * the direct i386 call of the same name uses. */
int64_t c32_sock_call(Proc *p, const uint64_t a[6]) {
    static const struct {
        int nargs;
        SysFn fn;
    } calls[] = {{0, NULL},           {3, sys_socket},   {3, sys_bind},        {3, sys_connect},
                 {2, sys_listen},     {3, sys_accept},   {3, sys_getsockname}, {3, sys_getpeername},
                 {4, sys_socketpair}, {4, c32_send},     {4, c32_recv},        {6, sys_sendto},
                 {6, sys_recvfrom},   {2, sys_shutdown}, {5, c32_setsockopt},  {5, c32_getsockopt},
                 {3, c32_sendmsg},    {3, c32_recvmsg},  {4, sys_accept4},     {5, c32_recvmmsg},
                 {4, c32_sendmmsg}};
    uint32_t call = (uint32_t)a[0], args[6] = {0};
    if (call < 1 || call >= sizeof calls / sizeof calls[0]) return -EINVAL;
    if (copy_from_user(p, args, a[1], (size_t)calls[call].nargs * 4)) return -EFAULT;
    const uint64_t w[6] = {args[0], args[1], args[2], args[3], args[4], args[5]};
    return calls[call].fn(p, w);
}

/* ---- the other compat calls: vmsplice, setgroups16 ------------------------ */

int64_t c32_vmsplice(Proc *p, const uint64_t a[6]) { return net_vmsplice(p, a, 1); }

/* setgroups16(n, old_gid_t *): 16-bit ids, (u16)-1 meaning -1. */
int64_t c32_setgroups16(Proc *p, const uint64_t a[6]) {
    static _Thread_local uint16_t g16[65536];
    static _Thread_local uint32_t groups[65536];
    int n = (int)a[0];
    if ((unsigned)n > 65536) return -EINVAL;
    if (n && copy_from_user(p, g16, a[1], (size_t)n * 2)) return -EFAULT;
    for (int i = 0; i < n; i++)
        groups[i] = g16[i] == 0xffff ? 0xffffffffu : g16[i];
    return host_ret(syscall(SYS_setgroups, n, groups));
}
