/* c32_net: tests/programs/net.c built -m32 (glibc picks its own entry
 * points: socketcall or the direct calls), then each i386 socket entry made
 * explicitly both ways: socketcall(102) with every sub-call, and the
 * direct numbers 359..373, 345 (sendmmsg), 337/417 (recvmmsg), with the
 * layouts that differ from x86-64: struct compat_msghdr/cmsghdr
 * (SCM_RIGHTS, SCM_CREDENTIALS), old_timeval32 for SO_RCVTIMEO_OLD and
 * SO_SNDTIMEO_OLD against the 64-bit SO_RCVTIMEO_NEW, compat_sock_fprog,
 * and socketcall's own errors (EINVAL for a bad call, EFAULT for bad
 * arguments). Built with gcc -m32. */
#define NET_EXTRA c32_extra
#include "../programs/net.c"

#ifndef __i386__
#error "an i386 program: build with -m32"
#endif

/* i386 syscall numbers (arch/x86/entry/syscalls/syscall_32.tbl) */
#define NR_socketcall      102
#define NR_recvmmsg        337
#define NR_sendmmsg        345
#define NR_socket          359
#define NR_socketpair      360
#define NR_bind            361
#define NR_connect         362
#define NR_listen          363
#define NR_accept4         364
#define NR_getsockopt      365
#define NR_setsockopt      366
#define NR_getsockname     367
#define NR_getpeername     368
#define NR_sendto          369
#define NR_sendmsg         370
#define NR_recvfrom        371
#define NR_recvmsg         372
#define NR_shutdown        373
#define NR_recvmmsg_time64 417

static long sc(int call, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4,
               uint32_t a5) {
    uint32_t args[6] = {a0, a1, a2, a3, a4, a5};
    return syscall(NR_socketcall, call, args);
}
#define P(x) ((uint32_t)(uintptr_t)(x))

/* One round of everything, through socketcall (via = 1) or the direct
 * calls (via = 0). */
static void round32(int via) {
    printf("-- i386 %s\n", via ? "socketcall" : "direct calls");
#define CALL(n, nr, a0, a1, a2, a3, a4, a5)                                                        \
    (via ? sc(n, (uint32_t)(a0), (uint32_t)(a1), (uint32_t)(a2), (uint32_t)(a3), (uint32_t)(a4),   \
              (uint32_t)(a5))                                                                      \
         : syscall(nr, a0, a1, a2, a3, a4, a5))
    int sv[2] = {-1, -1};
    show("socketpair", CALL(8, NR_socketpair, AF_UNIX, SOCK_DGRAM, 0, P(sv), 0, 0));
    if (via) {
        show("send (socketcall 9)", sc(9, sv[0], P("via send"), 8, 0, 0, 0));
        char b[16] = {0};
        long n = show("recv (socketcall 10)", sc(10, sv[1], P(b), sizeof b, 0, 0, 0));
        printf("  %.*s\n", (int)(n > 0 ? n : 0), b);
    }
    /* sendmsg with SCM_RIGHTS and SCM_CREDENTIALS in i386 cmsg layout */
    int pp[2];
    if (pipe(pp)) return;
    write(pp[1], "fd passed by i386 sendmsg", 25);
    union {
        char b[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
        struct cmsghdr al;
    } cu;
    memset(&cu, 0, sizeof cu);
    struct iovec iv[2] = {{"ab", 2}, {"cd", 2}};
    struct msghdr mh = {
        .msg_iov = iv, .msg_iovlen = 2, .msg_control = cu.b, .msg_controllen = sizeof cu.b};
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET, c->cmsg_type = SCM_RIGHTS, c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &pp[0], sizeof(int));
    c = CMSG_NXTHDR(&mh, c);
    c->cmsg_level = SOL_SOCKET, c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof(struct ucred));
    struct ucred uc = {getpid(), getuid(), getgid()};
    memcpy(CMSG_DATA(c), &uc, sizeof uc);
    int on = 1;
    show("setsockopt(SO_PASSCRED)",
         CALL(14, NR_setsockopt, sv[1], SOL_SOCKET, SO_PASSCRED, P(&on), sizeof on, 0));
    show("sendmsg(rights + credentials)", CALL(16, NR_sendmsg, sv[0], P(&mh), 0, 0, 0, 0));
    close(pp[0]);
    char buf[64] = {0};
    union {
        char b[128];
        struct cmsghdr al;
    } ru;
    memset(&ru, 0, sizeof ru);
    struct iovec riv = {buf, sizeof buf};
    struct sockaddr_un from;
    struct msghdr rm = {.msg_name = &from,
                        .msg_namelen = sizeof from,
                        .msg_iov = &riv,
                        .msg_iovlen = 1,
                        .msg_control = ru.b,
                        .msg_controllen = sizeof ru.b};
    long n = show("recvmsg", CALL(17, NR_recvmsg, sv[1], P(&rm), MSG_CMSG_CLOEXEC, 0, 0, 0));
    printf("  data %.*s namelen %u controllen %u flags %#x\n", (int)(n > 0 ? n : 0), buf,
           (unsigned)rm.msg_namelen, (unsigned)rm.msg_controllen, (unsigned)rm.msg_flags);
    for (struct cmsghdr *h = CMSG_FIRSTHDR(&rm); h; h = CMSG_NXTHDR(&rm, h)) {
        printf("  cmsg level %d type %d len %u\n", h->cmsg_level, h->cmsg_type,
               (unsigned)h->cmsg_len);
        if (h->cmsg_type == SCM_RIGHTS) {
            int fd;
            memcpy(&fd, CMSG_DATA(h), sizeof fd);
            n = read(fd, buf, sizeof buf);
            printf("  through it: %.*s, cloexec %d\n", (int)(n > 0 ? n : 0), buf,
                   !!(fcntl(fd, F_GETFD) & FD_CLOEXEC));
            close(fd);
        } else if (h->cmsg_type == SCM_CREDENTIALS) {
            struct ucred r;
            memcpy(&r, CMSG_DATA(h), sizeof r);
            printf("  credentials ours: %d\n",
                   r.pid == getpid() && r.uid == getuid() && r.gid == getgid());
        }
    }
    close(pp[1]);

    /* timeouts: old_timeval32 (20/21) and the 64-bit _NEW form (66/67) */
    int32_t tv32[2] = {1, 250000}, g32[2] = {0, 0};
    show("setsockopt(SO_RCVTIMEO_OLD, timeval32)",
         CALL(14, NR_setsockopt, sv[1], SOL_SOCKET, 20, P(tv32), 8, 0));
    socklen_t l = 16;
    show("getsockopt(SO_RCVTIMEO_OLD)",
         CALL(15, NR_getsockopt, sv[1], SOL_SOCKET, 20, P(g32), P(&l), 0));
    printf("  %d.%06d len %u\n", g32[0], g32[1], (unsigned)l);
    int64_t t64[2] = {0, 0};
    l = 16;
    show("getsockopt(SO_RCVTIMEO_NEW)",
         CALL(15, NR_getsockopt, sv[1], SOL_SOCKET, 66, P(t64), P(&l), 0));
    printf("  %lld.%06lld len %u\n", (long long)t64[0], (long long)t64[1], (unsigned)l);
    int64_t s64[2] = {3, 5};
    show("setsockopt(SO_SNDTIMEO_NEW)",
         CALL(14, NR_setsockopt, sv[1], SOL_SOCKET, 67, P(s64), 16, 0));
    l = 8;
    show("getsockopt(SO_SNDTIMEO_OLD)",
         CALL(15, NR_getsockopt, sv[1], SOL_SOCKET, 21, P(g32), P(&l), 0));
    printf("  %d.%06d len %u\n", g32[0], g32[1], (unsigned)l);
    show("setsockopt(SO_RCVTIMEO_OLD, len 4) EINVAL",
         CALL(14, NR_setsockopt, sv[1], SOL_SOCKET, 20, P(tv32), 4, 0));
    l = 4;
    show("getsockopt(SO_RCVTIMEO_OLD, len 4)",
         CALL(15, NR_getsockopt, sv[1], SOL_SOCKET, 20, P(g32), P(&l), 0));
    printf("  len %u\n", (unsigned)l);
    int ty = 0;
    l = sizeof ty;
    show("getsockopt(SO_TYPE)",
         CALL(15, NR_getsockopt, sv[0], SOL_SOCKET, SO_TYPE, P(&ty), P(&l), 0));
    printf("  SO_TYPE %d\n", ty);

    /* a classic BPF filter (compat_sock_fprog): accept everything */
    uint32_t insn[2] = {0x06, 0xffffffffu}; /* BPF_RET|BPF_K, 0xffffffff */
    uint32_t prog[2] = {1, P(insn)};
    show("setsockopt(SO_ATTACH_FILTER)",
         CALL(14, NR_setsockopt, sv[1], SOL_SOCKET, 26, P(prog), 8, 0));
    show("setsockopt(SO_ATTACH_FILTER, len 16) EINVAL",
         CALL(14, NR_setsockopt, sv[1], SOL_SOCKET, 26, P(prog), 16, 0));

    /* sendmmsg / recvmmsg with compat_mmsghdr */
    struct mmsghdr mm[2];
    struct iovec mi[2] = {{"first", 5}, {"second!", 7}};
    memset(mm, 0, sizeof mm);
    for (int i = 0; i < 2; i++)
        mm[i].msg_hdr.msg_iov = &mi[i], mm[i].msg_hdr.msg_iovlen = 1;
    show("sendmmsg(2)", CALL(20, NR_sendmmsg, sv[0], P(mm), 2, 0, 0, 0));
    printf("  msg_len %u %u\n", mm[0].msg_len, mm[1].msg_len);
    struct mmsghdr rmm[3];
    char rb[3][16];
    struct iovec rio[3];
    memset(rmm, 0, sizeof rmm);
    for (int i = 0; i < 3; i++) {
        rio[i].iov_base = rb[i], rio[i].iov_len = sizeof rb[i];
        rmm[i].msg_hdr.msg_iov = &rio[i], rmm[i].msg_hdr.msg_iovlen = 1;
    }
    int32_t to32[2] = {0, 40000000};
    n = show("recvmmsg(3, DONTWAIT, timespec32)",
             CALL(19, NR_recvmmsg, sv[1], P(rmm), 3, MSG_DONTWAIT, P(to32), 0));
    for (int i = 0; i < n; i++)
        printf("  [%d] %u %.*s\n", i, rmm[i].msg_len, (int)rmm[i].msg_len, rb[i]);
    printf("  timeout left <= 40ms: %d\n", to32[0] == 0 && to32[1] <= 40000000);
    if (!via) {
        show("sendmmsg(1)", syscall(NR_sendmmsg, sv[0], mm, 1, 0));
        int64_t to64[2] = {0, 30000000};
        n = show("recvmmsg_time64(3, DONTWAIT)",
                 syscall(NR_recvmmsg_time64, sv[1], rmm, 3, MSG_DONTWAIT, to64));
        printf("  timeout left <= 30ms: %d\n", to64[0] == 0 && to64[1] <= 30000000);
        int32_t bad[2] = {0, 1000000000};
        show("recvmmsg(bad timespec32) EINVAL", syscall(NR_recvmmsg, sv[1], rmm, 3, 0, bad));
    }

    /* a listening socket, connect, accept4, names */
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    int k = snprintf(a.sun_path + 1, sizeof a.sun_path - 1, "rs-c32-%d-%d", (int)getpid(), via);
    socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + k);
    int lfd = (int)CALL(1, NR_socket, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, 0, 0, 0);
    show("bind", CALL(2, NR_bind, lfd, P(&a), alen, 0, 0, 0));
    show("listen", CALL(4, NR_listen, lfd, 2, 0, 0, 0, 0));
    int cfd = (int)CALL(1, NR_socket, AF_UNIX, SOCK_STREAM, 0, 0, 0, 0);
    show("connect", CALL(3, NR_connect, cfd, P(&a), alen, 0, 0, 0));
    struct sockaddr_un pa;
    socklen_t plen = sizeof pa;
    int afd = via ? (int)sc(5, lfd, P(&pa), P(&plen), 0, 0, 0)
                  : (int)syscall(NR_accept4, lfd, &pa, &plen, SOCK_CLOEXEC);
    show(via ? "accept (socketcall 5)" : "accept4", afd >= 0 ? 0 : -1);
    printf("  peer len %u\n", (unsigned)plen);
    if (via) {
        int a2 = (int)sc(18, lfd, 0, 0, SOCK_NONBLOCK, 0, 0);
        show("accept4 (socketcall 18, empty queue)", a2);
    }
    plen = sizeof pa;
    show("getsockname", CALL(6, NR_getsockname, lfd, P(&pa), P(&plen), 0, 0, 0));
    printf("  is bound name: %d\n", plen == alen && memcmp(&pa, &a, alen) == 0);
    plen = sizeof pa;
    show("getpeername", CALL(7, NR_getpeername, cfd, P(&pa), P(&plen), 0, 0, 0));
    printf("  is listener: %d\n", plen == alen && memcmp(&pa, &a, alen) == 0);
    show("sendto", CALL(11, NR_sendto, cfd, P("to"), 2, 0, 0, 0));
    plen = sizeof pa;
    char r2[8] = {0};
    n = show("recvfrom", CALL(12, NR_recvfrom, afd, P(r2), sizeof r2, 0, P(&pa), P(&plen)));
    printf("  %.*s from len %u\n", (int)(n > 0 ? n : 0), r2, (unsigned)plen);
    show("shutdown", CALL(13, NR_shutdown, afd, SHUT_RDWR, 0, 0, 0, 0));
    show("getsockname(wild)", CALL(6, NR_getsockname, lfd, P(&pa), P(wild), 0, 0, 0));
    show("bind(stdin) ENOTSOCK", CALL(2, NR_bind, 0, P(&a), alen, 0, 0, 0));
    close(afd);
    close(cfd);
    close(lfd);
    close(sv[0]);
    close(sv[1]);
#undef CALL
}

static void c32_extra(void) {
    round32(1);
    round32(0);
    printf("-- socketcall errors\n");
    show("socketcall(0) EINVAL", syscall(NR_socketcall, 0, NULL));
    show("socketcall(21) EINVAL", syscall(NR_socketcall, 21, NULL));
    show("socketcall(1, wild) EFAULT", syscall(NR_socketcall, 1, wild));
    show("socketcall(1, NULL) EFAULT", syscall(NR_socketcall, 1, NULL));
}
