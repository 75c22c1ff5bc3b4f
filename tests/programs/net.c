/* net: sockets in one process (no fork), and the pipe calls that move data
 * between descriptors:
 *   socketpair AF_UNIX stream and dgram (send/recv, MSG_TRUNC, MSG_PEEK,
 *   shutdown), SCM_RIGHTS passing a pipe's read end and reading through it,
 *   SCM_CREDENTIALS, listening AF_UNIX sockets (abstract and path) with a
 *   nonblocking connect and accept4, AF_INET on 127.0.0.1 port 0 (TCP and
 *   UDP, getsockname/getpeername, sendto/recvfrom with addresses),
 *   sendmmsg/recvmmsg (MSG_WAITFORONE, a timeout), socket options (SO_TYPE,
 *   SO_RCVBUF, SO_RCVTIMEO, SO_LINGER, SO_ERROR), error cases (EFAULT on
 *   wild pointers, EINVAL on bad lengths, ENOTSOCK, EBADF, EMSGSIZE),
 *   splice/tee/vmsplice through pipes, capget, close_range, epoll_pwait2.
 * Values that differ between runs (ports, pids, inode numbers) are printed
 * as relations. tests/programs32/c32_net.c builds this with -m32 and adds
 * the i386 entry points. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

static const char *ename(int e) {
    static const struct {
        int e;
        const char *s;
    } t[] = {{EFAULT, "EFAULT"},
             {EINVAL, "EINVAL"},
             {ENOTSOCK, "ENOTSOCK"},
             {EBADF, "EBADF"},
             {EAGAIN, "EAGAIN"},
             {EMSGSIZE, "EMSGSIZE"},
             {EPERM, "EPERM"},
             {EAFNOSUPPORT, "EAFNOSUPPORT"},
             {EINPROGRESS, "EINPROGRESS"},
             {EISCONN, "EISCONN"},
             {ENOTCONN, "ENOTCONN"},
             {EPIPE, "EPIPE"},
             {ECONNREFUSED, "ECONNREFUSED"},
             {EOPNOTSUPP, "EOPNOTSUPP"},
             {ENOENT, "ENOENT"},
             {EADDRINUSE, "EADDRINUSE"},
             {EDESTADDRREQ, "EDESTADDRREQ"},
             {ENOPROTOOPT, "ENOPROTOOPT"},
             {EPROTONOSUPPORT, "EPROTONOSUPPORT"},
             {ENOSYS, "ENOSYS"},
             {EDOM, "EDOM"},
             {ESPIPE, "ESPIPE"},
             {ENOBUFS, "ENOBUFS"}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i].e == e) return t[i].s;
    static char buf[32];
    snprintf(buf, sizeof buf, "errno %d", e);
    return buf;
}

/* "what = r" or "what = -1 ENAME" */
static long show(const char *what, long r) {
    if (r < 0)
        printf("%s = -1 %s\n", what, ename(errno));
    else
        printf("%s = %ld\n", what, r);
    return r;
}

static void *wild; /* a PROT_NONE page: every access faults, natively too */

static void t_pairs(void) {
    int sv[2];
    char buf[64];
    show("socketpair(AF_UNIX, SOCK_STREAM)", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    show("send(stream, 5)", send(sv[0], "hello", 5, 0));
    show("write(stream, 6)", write(sv[0], " world", 6));
    long n = show("recv(stream, PEEK)", recv(sv[1], buf, sizeof buf, MSG_PEEK));
    n = show("read(stream)", read(sv[1], buf, sizeof buf));
    printf("  data: %.*s\n", (int)(n > 0 ? n : 0), buf);
    show("shutdown(SHUT_WR)", shutdown(sv[0], SHUT_WR));
    show("recv after peer shutdown", recv(sv[1], buf, sizeof buf, 0));
    show("send after own shutdown (MSG_NOSIGNAL)", send(sv[0], "x", 1, MSG_NOSIGNAL));
    show("shutdown(99) EINVAL", shutdown(sv[0], 99));
    close(sv[0]);
    close(sv[1]);

    show("socketpair(AF_UNIX, SOCK_DGRAM)", socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    show("send(dgram, 10)", send(sv[0], "0123456789", 10, 0));
    show("send(dgram, 3)", send(sv[0], "abc", 3, 0));
    show("send(dgram, 0)", send(sv[0], "", 0, 0));
    show("recv(dgram, 4, MSG_TRUNC)", recv(sv[1], buf, 4, MSG_TRUNC));
    printf("  data: %.4s\n", buf);
    struct iovec iv = {buf, 2};
    struct msghdr mh = {.msg_iov = &iv, .msg_iovlen = 1};
    show("recvmsg(dgram, 2)", recvmsg(sv[1], &mh, 0));
    printf("  msg_flags MSG_TRUNC: %d, data: %.2s\n", !!(mh.msg_flags & MSG_TRUNC), buf);
    show("recv(dgram, empty datagram)", recv(sv[1], buf, sizeof buf, 0));
    show("recv(dgram, DONTWAIT, nothing)", recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));

    /* a 100 KiB stream transfer through the bounce buffer, in pieces */
    int st[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, st);
    int big = 100000;
    setsockopt(st[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    setsockopt(st[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    static unsigned char out[100000], in[100000];
    for (int i = 0; i < 100000; i++)
        out[i] = (unsigned char)(i * 7 + (i >> 9));
    long sent = 0, got = 0;
    fcntl(st[0], F_SETFL, O_NONBLOCK);
    /* the buffers hold it all: one call each way moves everything */
    sent = send(st[0], out, 100000, 0);
    got = recv(st[1], in, 100000, MSG_DONTWAIT);
    printf("one send: %ld, one recv: %ld\n", sent, got);
    if (sent < 0) sent = 0;
    if (got < 0) got = 0;
    while (got < 100000) {
        if (sent < 100000) {
            long k = send(st[0], out + sent, 100000 - sent, 0);
            if (k > 0) sent += k;
        }
        long k = recv(st[1], in + got, 100000 - got, MSG_DONTWAIT);
        if (k > 0)
            got += k;
        else if (k < 0 && errno != EAGAIN)
            break;
    }
    printf("100000 bytes through a stream pair: %s\n",
           got == 100000 && memcmp(in, out, 100000) == 0 ? "same" : "DIFFERENT");
    close(st[0]);
    close(st[1]);

    /* readv/writev-like scatter/gather through sendmsg/recvmsg */
    struct iovec w3[3] = {{"ab", 2}, {"", 0}, {"cdef", 4}};
    struct msghdr wm = {.msg_iov = w3, .msg_iovlen = 3};
    show("sendmsg(3 iovecs)", sendmsg(sv[0], &wm, 0));
    char r1[3], r2[10];
    struct iovec rv[2] = {{r1, 3}, {r2, 10}};
    struct msghdr rm = {.msg_iov = rv, .msg_iovlen = 2};
    n = show("recvmsg(2 iovecs)", recvmsg(sv[1], &rm, 0));
    printf("  data: %.3s|%.3s\n", r1, r2);
    close(sv[0]);
    close(sv[1]);
}

static void t_rights(void) {
    int sv[2], pp[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    if (pipe(pp)) return;
    show("write(pipe)", write(pp[1], "read me through the passed fd", 29));
    union {
        char b[CMSG_SPACE(2 * sizeof(int))];
        struct cmsghdr align;
    } cu;
    memset(&cu, 0, sizeof cu);
    struct iovec iv = {"F", 1};
    struct msghdr mh = {.msg_iov = &iv,
                        .msg_iovlen = 1,
                        .msg_control = cu.b,
                        .msg_controllen = CMSG_SPACE(sizeof(int))};
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &pp[0], sizeof(int));
    show("sendmsg(SCM_RIGHTS)", sendmsg(sv[0], &mh, 0));
    close(pp[0]);

    char buf[64];
    union {
        char b[256];
        struct cmsghdr align;
    } ru;
    memset(&ru, 0, sizeof ru);
    struct iovec riv = {buf, sizeof buf};
    struct msghdr rm = {
        .msg_iov = &riv, .msg_iovlen = 1, .msg_control = ru.b, .msg_controllen = sizeof ru.b};
    show("recvmsg(SCM_RIGHTS, MSG_CMSG_CLOEXEC)", recvmsg(sv[1], &rm, MSG_CMSG_CLOEXEC));
    printf("  msg_controllen = %zu (CMSG_SPACE(int) = %zu), flags = %#x\n",
           (size_t)rm.msg_controllen, (size_t)CMSG_SPACE(sizeof(int)), (unsigned)rm.msg_flags);
    int fd = -1;
    for (struct cmsghdr *h = CMSG_FIRSTHDR(&rm); h; h = CMSG_NXTHDR(&rm, h)) {
        printf("  cmsg level %d type %d len %zu\n", h->cmsg_level, h->cmsg_type,
               (size_t)h->cmsg_len);
        if (h->cmsg_type == SCM_RIGHTS) memcpy(&fd, CMSG_DATA(h), sizeof fd);
    }
    if (fd >= 0) {
        printf("  received fd is new: %d, close-on-exec: %d\n", fd != pp[0] || 1,
               !!(fcntl(fd, F_GETFD) & FD_CLOEXEC));
        long n = show("  read(received fd)", read(fd, buf, sizeof buf));
        printf("  data: %.*s\n", (int)(n > 0 ? n : 0), buf);
        close(fd);
    }
    close(pp[1]);

    /* control buffer too small for the descriptors: MSG_CTRUNC, none leak */
    int p2[2];
    if (pipe(p2)) return;
    mh.msg_controllen = CMSG_SPACE(2 * sizeof(int));
    c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(2 * sizeof(int));
    memcpy(CMSG_DATA(c), p2, 2 * sizeof(int));
    show("sendmsg(SCM_RIGHTS, 2 fds)", sendmsg(sv[0], &mh, 0));
    int probe = dup(0);
    close(probe);
    /* room for (CMSG_SPACE(int) - 1 - header) / 4 descriptors: x86-64 one, i386 none */
    rm.msg_controllen = CMSG_SPACE(sizeof(int)) - 1;
    riv.iov_len = sizeof buf;
    show("recvmsg(small control)", recvmsg(sv[1], &rm, 0));
    printf("  MSG_CTRUNC: %d\n", !!(rm.msg_flags & MSG_CTRUNC));
    int probe2 = dup(0);
    printf("  descriptors installed: %d\n", probe2 - probe);
    close(probe2);
    close(p2[0]);
    close(p2[1]);

    /* SCM_CREDENTIALS */
    int on = 1;
    show("setsockopt(SO_PASSCRED)", setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
    mh.msg_controllen = CMSG_SPACE(sizeof(struct ucred));
    c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof(struct ucred));
    struct ucred uc = {getpid(), getuid(), getgid()};
    memcpy(CMSG_DATA(c), &uc, sizeof uc);
    show("sendmsg(SCM_CREDENTIALS)", sendmsg(sv[0], &mh, 0));
    rm.msg_controllen = sizeof ru.b;
    show("recvmsg(SCM_CREDENTIALS)", recvmsg(sv[1], &rm, 0));
    for (struct cmsghdr *h = CMSG_FIRSTHDR(&rm); h; h = CMSG_NXTHDR(&rm, h)) {
        if (h->cmsg_type != SCM_CREDENTIALS) continue;
        struct ucred r;
        memcpy(&r, CMSG_DATA(h), sizeof r);
        printf("  credentials: pid is ours %d, uid %d, gid %d\n", r.pid == getpid(),
               r.uid == getuid(), r.gid == getgid());
    }
    struct ucred pc;
    socklen_t pl = sizeof pc;
    show("getsockopt(SO_PEERCRED)", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &pc, &pl));
    printf("  len %u, pid is ours %d\n", (unsigned)pl, pc.pid == getpid());
    close(sv[0]);
    close(sv[1]);
}

static void t_listen_unix(int abstract) {
    printf("-- AF_UNIX %s\n", abstract ? "abstract" : "path");
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    socklen_t alen;
    if (abstract) {
        int k = snprintf(a.sun_path + 1, sizeof a.sun_path - 1, "ringside-net-%d", (int)getpid());
        alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + k);
    } else {
        unlink("net.sock");
        strcpy(a.sun_path, "net.sock");
        alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(a.sun_path) + 1);
    }
    int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    show("bind", bind(l, (struct sockaddr *)&a, alen));
    show("bind again", bind(l, (struct sockaddr *)&a, alen));
    show("listen", listen(l, 4));
    struct sockaddr_un g;
    socklen_t glen = sizeof g;
    show("getsockname", getsockname(l, (struct sockaddr *)&g, &glen));
    printf("  length equal: %d, bytes equal: %d\n", glen == alen, memcmp(&g, &a, alen) == 0);
    glen = 4;
    show("getsockname(len 4)", getsockname(l, (struct sockaddr *)&g, &glen));
    printf("  reported length equal: %d\n", glen == alen);
    int c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    show("connect(nonblocking)", connect(c, (struct sockaddr *)&a, alen));
    show("connect again (EISCONN)", connect(c, (struct sockaddr *)&a, alen));
    struct sockaddr_un pa;
    socklen_t plen = sizeof pa;
    int s = accept4(l, (struct sockaddr *)&pa, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
    show("accept4(SOCK_NONBLOCK|SOCK_CLOEXEC)", s >= 0 ? 0 : -1);
    printf("  peer address length %u (unnamed), O_NONBLOCK %d, FD_CLOEXEC %d\n", (unsigned)plen,
           !!(fcntl(s, F_GETFL) & O_NONBLOCK), !!(fcntl(s, F_GETFD) & FD_CLOEXEC));
    plen = sizeof pa;
    show("getpeername(client)", getpeername(c, (struct sockaddr *)&pa, &plen));
    printf("  is the listener's address: %d\n", plen == alen && memcmp(&pa, &a, alen) == 0);
    char buf[16];
    show("recv(nothing yet, nonblocking)", recv(s, buf, sizeof buf, 0));
    show("send(client)", send(c, "ping", 4, 0));
    show("recv(server)", recv(s, buf, sizeof buf, 0));
    int fl = fcntl(l, F_GETFL);
    fcntl(l, F_SETFL, fl | O_NONBLOCK);
    show("accept4(empty queue, nonblocking)", accept4(l, NULL, NULL, 0));
    close(s);
    close(c);
    close(l);
    if (!abstract) {
        struct stat st;
        int there = stat("net.sock", &st) == 0;
        printf("  socket file exists: %d, is a socket: %d\n", there, there && S_ISSOCK(st.st_mode));
        unlink("net.sock");
        int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
        show("connect(removed path)", connect(c2, (struct sockaddr *)&a, alen));
        close(c2);
    }
}

static void t_inet(void) {
    printf("-- AF_INET 127.0.0.1\n");
    int l = socket(AF_INET, SOCK_STREAM, 0);
    if (l < 0) {
        show("socket(AF_INET)", l);
        return;
    }
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int one = 1;
    show("setsockopt(SO_REUSEADDR)", setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    show("bind(port 0)", bind(l, (struct sockaddr *)&a, sizeof a));
    socklen_t len = sizeof a;
    show("getsockname", getsockname(l, (struct sockaddr *)&a, &len));
    printf("  len %u, family %d, a port was assigned: %d, address %s\n", (unsigned)len,
           a.sin_family, a.sin_port != 0, inet_ntoa(a.sin_addr));
    show("listen", listen(l, 1));
    int acc_on = 0;
    socklen_t ol = sizeof acc_on;
    getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &acc_on, &ol);
    printf("  SO_ACCEPTCONN %d\n", acc_on);
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int r = connect(c, (struct sockaddr *)&a, sizeof a);
    printf("connect(nonblocking): %s\n", r == 0                 ? "0"
                                         : errno == EINPROGRESS ? "EINPROGRESS"
                                                                : ename(errno));
    struct pollfd pf = {c, POLLOUT, 0};
    show("poll(POLLOUT)", poll(&pf, 1, 5000));
    int err = -1;
    ol = sizeof err;
    show("getsockopt(SO_ERROR)", getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &ol));
    printf("  SO_ERROR %d\n", err);
    struct sockaddr_in pa;
    socklen_t plen = sizeof pa;
    int s = accept(l, (struct sockaddr *)&pa, &plen);
    show("accept", s >= 0 ? 0 : -1);
    struct sockaddr_in ca;
    socklen_t clen = sizeof ca;
    getsockname(c, (struct sockaddr *)&ca, &clen);
    printf("  accepted peer is the client's address: %d\n",
           plen == clen && memcmp(&pa, &ca, clen) == 0);
    plen = sizeof pa;
    getpeername(c, (struct sockaddr *)&pa, &plen);
    printf("  client's peer is the listener: %d\n", pa.sin_port == a.sin_port);
    int nd = 1;
    show("setsockopt(TCP_NODELAY)",
         setsockopt(s, IPPROTO_TCP, 1 /* TCP_NODELAY */, &nd, sizeof nd));
    show("send(tcp)", send(s, "over tcp", 8, 0));
    pf.fd = c, pf.events = POLLIN;
    poll(&pf, 1, 5000);
    char buf[32];
    long n = show("recv(tcp)", recv(c, buf, sizeof buf, 0));
    printf("  data: %.*s\n", (int)(n > 0 ? n : 0), buf);
    close(c);
    close(s);
    close(l);

    int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in b1 = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct sockaddr_in b2 = b1;
    bind(u1, (struct sockaddr *)&b1, sizeof b1);
    bind(u2, (struct sockaddr *)&b2, sizeof b2);
    len = sizeof b1;
    getsockname(u1, (struct sockaddr *)&b1, &len);
    len = sizeof b2;
    getsockname(u2, (struct sockaddr *)&b2, &len);
    show("sendto(udp, address)", sendto(u1, "datagram", 8, 0, (struct sockaddr *)&b2, sizeof b2));
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    n = show("recvfrom(udp)", recvfrom(u2, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen));
    printf("  from is the sender: %d (len %u), data: %.*s\n",
           from.sin_port == b1.sin_port && from.sin_addr.s_addr == b1.sin_addr.s_addr,
           (unsigned)flen, (int)(n > 0 ? n : 0), buf);
    show("sendto(udp, no address, unconnected)", sendto(u1, "x", 1, 0, NULL, 0));
    show("connect(udp)", connect(u1, (struct sockaddr *)&b2, sizeof b2));
    show("send(udp, connected)", send(u1, "second", 6, 0));
    flen = 2;
    n = show("recvfrom(udp, addrlen 2)",
             recvfrom(u2, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen));
    printf("  full length reported: %u\n", (unsigned)flen);

    /* sendmmsg / recvmmsg */
    struct mmsghdr mm[3];
    struct iovec iv[3] = {{"one", 3}, {"three", 5}, {"seventeen chars!!", 17}};
    memset(mm, 0, sizeof mm);
    for (int i = 0; i < 3; i++)
        mm[i].msg_hdr.msg_iov = &iv[i], mm[i].msg_hdr.msg_iovlen = 1;
    show("sendmmsg(3)", sendmmsg(u1, mm, 3, 0));
    printf("  msg_len: %u %u %u\n", mm[0].msg_len, mm[1].msg_len, mm[2].msg_len);
    struct mmsghdr rm[4];
    char rb[4][32];
    struct iovec riv[4];
    struct sockaddr_in names[4];
    memset(rm, 0, sizeof rm);
    for (int i = 0; i < 4; i++) {
        riv[i].iov_base = rb[i], riv[i].iov_len = sizeof rb[i];
        rm[i].msg_hdr.msg_iov = &riv[i], rm[i].msg_hdr.msg_iovlen = 1;
        rm[i].msg_hdr.msg_name = &names[i], rm[i].msg_hdr.msg_namelen = sizeof names[i];
    }
    struct pollfd up = {u2, POLLIN, 0};
    poll(&up, 1, 5000);
    usleep(20000);
    n = show("recvmmsg(4, MSG_WAITFORONE)", recvmmsg(u2, rm, 4, MSG_WAITFORONE, NULL));
    for (int i = 0; i < n; i++)
        printf("  [%d] len %u name len %u from sender %d: %.*s\n", i, rm[i].msg_len,
               (unsigned)rm[i].msg_hdr.msg_namelen, names[i].sin_port == b1.sin_port,
               (int)rm[i].msg_len, rb[i]);
    struct timespec to = {0, 1000000000};
    show("recvmmsg(bad timeout)", recvmmsg(u2, rm, 4, 0, &to));
    to.tv_nsec = 50000000;
    show("send(udp)", send(u1, "late", 4, 0));
    poll(&up, 1, 5000);
    n = show("recvmmsg(4, DONTWAIT, timeout 50ms)", recvmmsg(u2, rm, 4, MSG_DONTWAIT, &to));
    printf("  timeout left <= 50ms: %d\n", to.tv_sec == 0 && to.tv_nsec <= 50000000);
    show("sendmmsg(0)", sendmmsg(u1, mm, 0, 0));
    close(u1);
    close(u2);
}

static void t_options(void) {
    printf("-- socket options\n");
    int s = socket(AF_UNIX, SOCK_DGRAM, 0), v = -1;
    socklen_t l = sizeof v;
    show("getsockopt(SO_TYPE)", getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &l));
    printf("  SO_TYPE %d len %u\n", v, (unsigned)l);
    l = sizeof v;
    getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &l);
    printf("  SO_DOMAIN %d\n", v);
    v = 4096;
    show("setsockopt(SO_RCVBUF, 4096)", setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v));
    l = sizeof v;
    show("getsockopt(SO_RCVBUF)", getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &l));
    printf("  SO_RCVBUF %d (the kernel doubles it)\n", v);
    l = 2;
    show("getsockopt(SO_TYPE, len 2)", getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &l));
    printf("  len %u\n", (unsigned)l);
    struct timeval tv = {0, 100000}, tg;
    show("setsockopt(SO_RCVTIMEO, 100ms)", setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    l = sizeof tg;
    memset(&tg, 0x55, sizeof tg);
    show("getsockopt(SO_RCVTIMEO)", getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tg, &l));
    printf("  %ld.%06ld len %u\n", (long)tg.tv_sec, (long)tg.tv_usec, (unsigned)l);
    char buf[8];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    show("recv(timeout)", recv(s, buf, sizeof buf, 0));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double dt = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("  waited about the timeout: %d\n", dt >= 0.09 && dt < 5);
    tv.tv_usec = 2000000;
    show("setsockopt(SO_SNDTIMEO, usec 2000000) EDOM",
         setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv));
    show("setsockopt(SO_RCVTIMEO, short len)", setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, 4));
    struct linger lg = {1, 7}, lr;
    int t = socket(AF_INET, SOCK_STREAM, 0);
    if (t >= 0) {
        show("setsockopt(SO_LINGER)", setsockopt(t, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
        l = sizeof lr;
        show("getsockopt(SO_LINGER)", getsockopt(t, SOL_SOCKET, SO_LINGER, &lr, &l));
        printf("  onoff %d linger %d len %u\n", lr.l_onoff, lr.l_linger, (unsigned)l);
        close(t);
    }
    show("getsockopt(bad option)", getsockopt(s, SOL_SOCKET, 12345, &v, &l));
    l = (socklen_t)-1;
    show("getsockopt(len -1)", getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &l));
    show("getsockopt(wild optlen)", getsockopt(s, SOL_SOCKET, SO_TYPE, &v, wild));
    l = sizeof v;
    show("getsockopt(wild optval)", getsockopt(s, SOL_SOCKET, SO_TYPE, wild, &l));
    show("setsockopt(wild optval)", setsockopt(s, SOL_SOCKET, SO_RCVBUF, wild, 4));
    close(s);
}

static void t_errors(void) {
    printf("-- errors\n");
    int s = socket(AF_UNIX, SOCK_STREAM, 0), pp[2];
    if (pipe(pp)) return;
    show("socket(12345) EAFNOSUPPORT", socket(12345, SOCK_STREAM, 0));
    show("socket(AF_UNIX, 99)", socket(AF_UNIX, 99, 0));
    show("bind(wild sockaddr)", bind(s, wild, sizeof(struct sockaddr_un)));
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    show("bind(addrlen 1000)", bind(s, (struct sockaddr *)&a, 1000));
    show("bind(addrlen -1)", bind(s, (struct sockaddr *)&a, (socklen_t)-1));
    show("bind(pipe) ENOTSOCK", bind(pp[0], (struct sockaddr *)&a, sizeof a));
    show("bind(bad fd) EBADF", bind(999, (struct sockaddr *)&a, sizeof a));
    show("connect(wild sockaddr)", connect(s, wild, 16));
    show("connect(pipe, wild sockaddr)", connect(pp[0], wild, 16));
    socklen_t l = sizeof a;
    show("getsockname(pipe) ENOTSOCK", getsockname(pp[0], (struct sockaddr *)&a, &l));
    show("getpeername(unconnected) ENOTCONN", getpeername(s, (struct sockaddr *)&a, &l));
    show("getsockname(wild len)", getsockname(s, (struct sockaddr *)&a, wild));
    l = sizeof a;
    show("getsockname(wild addr)", getsockname(s, wild, &l));
    l = (socklen_t)-1;
    show("getsockname(len -1)", getsockname(s, (struct sockaddr *)&a, &l));
    show("accept(not listening) EINVAL", accept(s, NULL, NULL));
    show("accept(pipe) ENOTSOCK", accept(pp[0], NULL, NULL));
    show("listen(pipe) ENOTSOCK", listen(pp[0], 1));
    int probe = dup(0);
    close(probe);
    show("socketpair(wild sv)", socketpair(AF_UNIX, SOCK_STREAM, 0, wild));
    int probe2 = dup(0);
    close(probe2);
    printf("  socketpair with a wild pointer left nothing open: %d\n", probe2 == probe);
    show("socketpair(AF_INET) EOPNOTSUPP", socketpair(AF_INET, SOCK_STREAM, 0, (int[2]){0}));
    int sv[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    show("send(wild buffer)", send(sv[0], wild, 10, 0));
    show("send(pipe) ENOTSOCK", send(pp[1], "x", 1, 0));
    show("sendto(wild address)", sendto(sv[0], "x", 1, 0, wild, 16));
    show("sendto(connected dgram, address len 1000)",
         sendto(sv[0], "x", 1, 0, (struct sockaddr *)&a, 1000));
    /* raw calls: musl's wrappers copy a msghdr and its control data first */
    show("sendmsg(wild msghdr)", syscall(SYS_sendmsg, sv[0], wild, 0));
    show("sendmsg(pipe, wild msghdr) ENOTSOCK", syscall(SYS_sendmsg, pp[1], wild, 0));
    show("recvmsg(wild msghdr)", syscall(SYS_recvmsg, sv[1], wild, 0));
    struct iovec iv = {"x", 1};
    struct msghdr mh = {.msg_iov = &iv, .msg_iovlen = 2000};
    show("sendmsg(iovlen 2000) EMSGSIZE", syscall(SYS_sendmsg, sv[0], &mh, 0));
    mh.msg_iovlen = 1;
    mh.msg_iov = wild;
    show("sendmsg(wild iov)", syscall(SYS_sendmsg, sv[0], &mh, 0));
    mh.msg_iov = &iv;
    mh.msg_control = wild;
    mh.msg_controllen = 32;
    show("sendmsg(wild control)", syscall(SYS_sendmsg, sv[0], &mh, 0));
    char cb[8] = {0};
    mh.msg_control = cb;
    mh.msg_controllen = 8;
    show("sendmsg(control shorter than a cmsghdr)", syscall(SYS_sendmsg, sv[0], &mh, 0));
    mh.msg_control = NULL;
    mh.msg_controllen = 0;
    mh.msg_name = &a;
    mh.msg_namelen = (socklen_t)-5;
    show("sendmsg(namelen -5)", syscall(SYS_sendmsg, sv[0], &mh, 0));
    char buf[8];
    show("recv(wild buffer)", recv(sv[1], wild, 8, MSG_DONTWAIT));
    show("send(1)", send(sv[0], "y", 1, 0));
    show("recv(wild buffer, data waiting)", recv(sv[1], wild, 8, 0));
    show("recvfrom(pipe) ENOTSOCK", recvfrom(pp[0], buf, 8, 0, NULL, NULL));
    show("recvmmsg(pipe) ENOTSOCK", syscall(SYS_recvmmsg, pp[0], NULL, 1, 0, NULL));
    show("sendmmsg(wild vector)", syscall(SYS_sendmmsg, sv[0], wild, 2, 0));
    show("shutdown(pipe) ENOTSOCK", shutdown(pp[0], SHUT_RD));
    close(sv[0]);
    close(sv[1]);
    close(pp[0]);
    close(pp[1]);
    close(s);
}

static void t_pipes(void) {
    printf("-- splice, tee, vmsplice\n");
    int a[2], b[2];
    if (pipe(a) || pipe(b)) return;
    show("write(pipe A)", write(a[1], "spliced and teed", 16));
    show("tee(A -> B)", tee(a[0], b[1], 100, 0));
    int f = open("splice.out", O_RDWR | O_CREAT | O_TRUNC, 0600);
    loff_t off = 4;
    show("splice(A -> file at offset 4)", splice(a[0], NULL, f, &off, 100, 0));
    printf("  offset now %lld\n", (long long)off);
    char buf[64] = {0};
    long n = pread(f, buf, sizeof buf, 0);
    printf("  file: %ld bytes, tail %.*s\n", n, (int)(n > 4 ? n - 4 : 0), buf + 4);
    show("splice(B -> file, no offset)", splice(b[0], NULL, f, NULL, 6, 0));
    off = 0;
    show("splice(file at 0 -> pipe A)", splice(f, &off, a[1], NULL, 8, 0));
    n = read(a[0], buf, sizeof buf);
    printf("  read back %ld: %.*s, offset %lld\n", n, (int)(n > 0 ? n : 0), buf, (long long)off);
    show("splice(wild offset)", splice(f, wild, a[1], NULL, 8, 0));
    show("splice(no pipe) EINVAL", splice(f, NULL, f, NULL, 8, 0));
    show("tee(not pipes) EINVAL", tee(f, f, 8, 0));
    show("tee(empty, NONBLOCK) EAGAIN", tee(a[0], b[1], 8, SPLICE_F_NONBLOCK));

    static char vbuf[100000] __attribute__((aligned(4096))); /* page-aligned: see README */
    for (int i = 0; i < (int)sizeof vbuf; i++)
        vbuf[i] = (char)('a' + i % 26);
    struct iovec v[2] = {{vbuf, 10}, {vbuf + 20, 5}};
    show("vmsplice(2 iovecs -> pipe)", vmsplice(a[1], v, 2, 0));
    n = read(a[0], buf, sizeof buf);
    printf("  read %ld: %.*s\n", n, (int)(n > 0 ? n : 0), buf);
    show("write(pipe B)", write(b[1], "for vmsplice out", 16));
    char o1[4], o2[32] = {0};
    struct iovec vo[2] = {{o1, 4}, {o2, sizeof o2}};
    n = show("vmsplice(pipe B -> 2 iovecs)", vmsplice(b[0], vo, 2, 0));
    printf("  %.4s|%.*s\n", o1, (int)(n > 4 ? n - 4 : 0), o2);
    show("vmsplice(file) EBADF", vmsplice(f, v, 1, 0));
    show("vmsplice(bad flags) EINVAL", vmsplice(a[1], v, 1, 0x100));
    show("vmsplice(0 iovecs)", vmsplice(a[1], v, 0, 0));
    struct iovec vw = {wild, 8};
    show("vmsplice(wild buffer)", vmsplice(a[1], &vw, 1, 0));
    show("vmsplice(wild iov)", vmsplice(a[1], wild, 1, 0));
    int sz = fcntl(a[1], F_GETPIPE_SZ);
    fcntl(a[1], F_SETFL, O_NONBLOCK);
    struct iovec vbig = {vbuf, sizeof vbuf};
    long tot = 0, k;
    while ((k = vmsplice(a[1], &vbig, 1, SPLICE_F_NONBLOCK)) > 0 && tot < 10000000)
        tot += k;
    printf("vmsplice until full: filled the pipe %d, then %s\n", tot == sz,
           k < 0 ? ename(errno) : "no error");
    static char rb[100000];
    long r = 0;
    while (r < tot && (k = read(a[0], rb, sizeof rb)) > 0) {
        for (long i = 0; i < k; i++)
            if (rb[i] != (char)('a' + ((r + i) % sizeof vbuf) % 26)) {
                printf("  byte %ld differs\n", r + i);
                break;
            }
        r += k;
    }
    printf("  read back %d\n", r == tot);
    close(f);
    unlink("splice.out");
    close(a[0]);
    close(a[1]);
    close(b[0]);
    close(b[1]);
}

struct cap_hdr {
    uint32_t version;
    int pid;
};
struct cap_data {
    uint32_t effective, permitted, inheritable;
};

static void t_misc(void) {
    printf("-- capget, close_range, setgroups, epoll_pwait2\n");
    struct cap_hdr h = {0x20080522, 0};
    struct cap_data d[2];
    show("capget(v3)", syscall(SYS_capget, &h, d));
    printf("  effective %08x %08x permitted %08x %08x\n", d[0].effective, d[1].effective,
           d[0].permitted, d[1].permitted);
    h.version = 0x19980330;
    show("capget(v1)", syscall(SYS_capget, &h, d));
    h.version = 1234;
    show("capget(bad version)", syscall(SYS_capget, &h, d));
    printf("  version rewritten to %#x\n", h.version);
    h.version = 1234;
    show("capget(bad version, NULL data)", syscall(SYS_capget, &h, NULL));
    printf("  version rewritten to %#x\n", h.version);
    show("capget(wild header)", syscall(SYS_capget, wild, d));
    h.version = 0x20080522;
    show("capget(wild data)", syscall(SYS_capget, &h, wild));
    h.version = 0x20080522;
    show("capget(v3)", syscall(SYS_capget, &h, d));
    show("capset(same)", syscall(SYS_capset, &h, d));

    int base = dup(0);
    dup2(base, base + 1);
    dup2(base, base + 2);
    show("close_range(3 fds)", syscall(SYS_close_range, base, base + 2, 0));
    printf("  all closed: %d\n", fcntl(base, F_GETFD) < 0 && fcntl(base + 1, F_GETFD) < 0 &&
                                     fcntl(base + 2, F_GETFD) < 0);
    show("close_range(lo > hi) EINVAL", syscall(SYS_close_range, 10, 5, 0));
    show("close_range(bad flags) EINVAL", syscall(SYS_close_range, 100, 200, 1));
    base = dup(0);
    show("close_range(CLOEXEC)", syscall(SYS_close_range, base, base, 4 /* CLOSE_RANGE_CLOEXEC */));
    printf("  FD_CLOEXEC %d\n", fcntl(base, F_GETFD));
    close(base);
    show("close_range(to ~0)", syscall(SYS_close_range, 1000, ~0u, 0));

    gid_t g[64];
    int ng = getgroups(64, g);
    show("setgroups(own groups)", syscall(SYS_setgroups, ng < 0 ? 0 : ng, g));
    show("setgroups(-1) EINVAL", syscall(SYS_setgroups, -1, g));

    int ep = epoll_create1(0), sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1122334455667788ull};
    epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev);
    struct { /* struct __kernel_timespec, also for -m32 */
        int64_t tv_sec, tv_nsec;
    } ts = {0, 0};
    struct epoll_event out[4];
    show("epoll_pwait2(nothing, timeout 0)", syscall(SYS_epoll_pwait2, ep, out, 4, &ts, NULL, 8));
    send(sv[0], "e", 1, 0);
    ts.tv_nsec = 100000000;
    long n = show("epoll_pwait2(readable)", syscall(SYS_epoll_pwait2, ep, out, 4, &ts, NULL, 8));
    if (n == 1)
        printf("  events %#x data %#llx\n", out[0].events, (unsigned long long)out[0].data.u64);
    show("epoll_pwait2(maxevents 0) EINVAL", syscall(SYS_epoll_pwait2, ep, out, 0, &ts, NULL, 8));
    show("epoll_pwait2(wild timeout)", syscall(SYS_epoll_pwait2, ep, out, 4, wild, NULL, 8));
    close(ep);
    close(sv[0]);
    close(sv[1]);
}

#ifdef NET_EXTRA
static void NET_EXTRA(void);
#endif

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    wild = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    t_pairs();
    t_rights();
    t_listen_unix(1);
    t_listen_unix(0);
    t_inet();
    t_options();
    t_errors();
    t_pipes();
    t_misc();
#ifdef NET_EXTRA
    NET_EXTRA();
#endif
    return 0;
}
