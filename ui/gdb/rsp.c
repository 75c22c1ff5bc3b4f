/* The GDB remote protocol's packet layer: one listening socket (TCP on
 * 127.0.0.1 or a Unix socket), one connection at a time, $data#cs framing
 * with +/- acknowledgements until QStartNoAckMode, '}' escapes, and the
 * 0x03 interrupt byte. Garbage between packets is skipped, a bad checksum is
 * answered with '-', an overlong packet is dropped; nothing a peer sends
 * can crash the stub. Descriptors are kept at 1000+ with close-on-exec, out
 * of the guest's way. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "gdb.h"

#define PKT_LIMIT (1u << 20) /* longer packets are dropped (and nak'ed) */

static int high_fd(int fd) {
    if (fd < 0) return fd;
    int h = fcntl(fd, F_DUPFD_CLOEXEC, 1000);
    if (h < 0) return fd;
    close(fd);
    return h;
}

int rsp_listen(Rsp *r, const char *spec) {
    memset(r, 0, sizeof *r);
    r->fd = -1;
    r->listen_fd = -1;
    int fd;
    if (!strncmp(spec, "unix:", 5)) {
        struct sockaddr_un sa = {0};
        sa.sun_family = AF_UNIX;
        if (strlen(spec + 5) >= sizeof sa.sun_path || !spec[5]) {
            fprintf(stderr, "ringside: --gdb=%s: bad socket path\n", spec);
            return -1;
        }
        snprintf(sa.sun_path, sizeof sa.sun_path, "%s", spec + 5);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        unlink(sa.sun_path);
        if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1) < 0) {
            fprintf(stderr, "ringside: --gdb=%s: %s\n", spec, strerror(errno));
            if (fd >= 0) close(fd);
            return -1;
        }
        snprintf(r->where, sizeof r->where, "%s", sa.sun_path);
        snprintf(r->unix_path, sizeof r->unix_path, "%s", sa.sun_path);
    } else {
        char *end;
        long port = strtol(spec, &end, 10);
        if (*end || port < 0 || port > 65535) { /* 0: any free port (the message names it) */
            fprintf(stderr, "ringside: --gdb=%s: not a port number or unix:PATH\n", spec);
            return -1;
        }
        struct sockaddr_in sa = {0};
        sa.sin_family = AF_INET;
        sa.sin_port = htons((uint16_t)port);
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1) < 0) {
            fprintf(stderr, "ringside: --gdb=%s: %s\n", spec, strerror(errno));
            if (fd >= 0) close(fd);
            return -1;
        }
        socklen_t sl = sizeof sa;
        if (getsockname(fd, (struct sockaddr *)&sa, &sl) == 0) port = ntohs(sa.sin_port);
        snprintf(r->where, sizeof r->where, "127.0.0.1:%ld", port);
    }
    r->listen_fd = high_fd(fd);
    r->owner = (int)getpid();
    return 0;
}

int rsp_is_owner(const Rsp *r) { return (int)getpid() == r->owner; }

void rsp_abandon(Rsp *r) {
    if (r->fd >= 0) close(r->fd);
    if (r->listen_fd >= 0) close(r->listen_fd);
    r->fd = r->listen_fd = -1;
    r->unix_path[0] = 0;
}

/* Wait until fd is readable (1), the idle hook asks to give up (0) or
 * poll fails (-1). Without a hook: block. */
static int wait_readable(Rsp *r, int fd) {
    if (!r->idle) return 1;
    for (;;) {
        struct pollfd pf = {fd, POLLIN, 0};
        int k = poll(&pf, 1, RSP_IDLE_MS);
        if (k > 0) return 1;
        if (k < 0 && errno != EINTR) return -1;
        if (r->idle(r->idle_ud)) return 0;
    }
}

int rsp_accept(Rsp *r) {
    for (;;) {
        int w = wait_readable(r, r->listen_fd);
        if (w <= 0) return w < 0 ? -1 : -2;
        int fd = accept4(r->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* fails harmlessly on unix */
        r->fd = high_fd(fd);
        r->noack = 0;
        r->rx_len = r->rx_pos = 0;
        r->interrupted = 0;
        return 0;
    }
}

void rsp_adopt(Rsp *r, int fd) {
    r->listen_fd = -1;
    r->fd = high_fd(fd);
    if (r->fd >= 0) fcntl(r->fd, F_SETFD, FD_CLOEXEC);
    r->owner = (int)getpid();
    r->noack = 0;
    r->rx_len = r->rx_pos = 0;
    r->interrupted = 0;
    snprintf(r->where, sizeof r->where, "descriptor %d", r->fd);
}

void rsp_close_conn(Rsp *r) {
    if (r->fd >= 0) close(r->fd);
    r->fd = -1;
}

void rsp_close(Rsp *r) {
    rsp_close_conn(r);
    if (r->listen_fd >= 0) close(r->listen_fd);
    r->listen_fd = -1;
    if (r->unix_path[0]) unlink(r->unix_path);
    free(r->pkt);
    free(r->last_sent);
    r->pkt = r->last_sent = NULL;
}

/* Next byte from the connection: 0-255, or -1 when it closed. */
static int get_byte(Rsp *r) {
    if (r->rx_pos == r->rx_len) {
        if (r->fd < 0 || !rsp_is_owner(r)) return -1;
        if (wait_readable(r, r->fd) <= 0) return -1;
        ssize_t k;
        do
            k = read(r->fd, r->rx, sizeof r->rx);
        while (k < 0 && errno == EINTR);
        if (k <= 0) return -1;
        r->rx_len = (size_t)k;
        r->rx_pos = 0;
    }
    return r->rx[r->rx_pos++];
}

static int write_all(Rsp *r, const void *buf, size_t n) {
    const char *p = buf;
    if (!rsp_is_owner(r)) return -1;
    while (n) {
        if (r->fd < 0) return -1;
        ssize_t k = send(r->fd, p, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static int hexval(int ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static int pkt_push(Rsp *r, char ch) {
    if (r->pkt_len + 2 > r->pkt_cap) {
        size_t cap = r->pkt_cap ? r->pkt_cap * 2 : 4096;
        char *n = realloc(r->pkt, cap);
        if (!n) return -1;
        r->pkt = n;
        r->pkt_cap = cap;
    }
    r->pkt[r->pkt_len++] = ch;
    return 0;
}

int rsp_recv(Rsp *r) {
    for (;;) {
        int ch = get_byte(r);
        if (ch < 0) return -1;
        if (ch == 0x03) return 0;
        if (ch != '$') continue; /* acks, garbage */
        r->pkt_len = 0;
        uint8_t sum = 0;
        int esc = 0, toolong = 0;
        for (;;) {
            ch = get_byte(r);
            if (ch < 0) return -1;
            if (ch == '#') break;
            if (ch == '$') { /* a new packet started before this one ended: restart */
                r->pkt_len = 0;
                sum = 0;
                esc = 0;
                toolong = 0;
                continue;
            }
            sum += (uint8_t)ch;
            if (toolong) continue;
            if (r->pkt_len >= PKT_LIMIT) {
                toolong = 1;
                continue;
            }
            if (esc) {
                if (pkt_push(r, (char)(ch ^ 0x20)) < 0) toolong = 1;
                esc = 0;
            } else if (ch == '}') {
                esc = 1;
            } else if (pkt_push(r, (char)ch) < 0) {
                toolong = 1;
            }
        }
        int h1 = get_byte(r);
        if (h1 < 0) return -1;
        int h2 = get_byte(r);
        if (h2 < 0) return -1;
        int want = hexval(h1) >= 0 && hexval(h2) >= 0 ? hexval(h1) * 16 + hexval(h2) : -1;
        if (!r->noack) {
            if (want != sum || toolong) {
                if (write_all(r, "-", 1) < 0) return -1;
                continue;
            }
            if (write_all(r, "+", 1) < 0) return -1;
        } else if (toolong) {
            continue;
        }
        if (pkt_push(r, 0) < 0) continue;
        r->pkt_len--;
        return 1;
    }
}

int rsp_send(Rsp *r, const char *data, size_t len) {
    size_t cap = len * 2 + 8;
    char *out = malloc(cap);
    if (!out) return -1;
    size_t n = 0;
    uint8_t sum = 0;
    out[n++] = '$';
    for (size_t k = 0; k < len; k++) {
        char ch = data[k];
        if (ch == '$' || ch == '#' || ch == '}' || ch == '*') {
            out[n++] = '}';
            sum += '}';
            ch ^= 0x20;
        }
        out[n++] = ch;
        sum += (uint8_t)ch;
    }
    n += (size_t)snprintf(out + n, cap - n, "#%02x", sum);
    int rc = -1;
    for (int tries = 0; tries < 10; tries++) {
        if (write_all(r, out, n) < 0) break;
        if (r->noack) {
            rc = 0;
            break;
        }
        int ch;
        do {
            ch = get_byte(r);
            if (ch == 0x03) r->interrupted = 1;
        } while (ch >= 0 && ch != '+' && ch != '-');
        if (ch < 0) break;
        if (ch == '+') {
            rc = 0;
            break;
        }
    }
    free(out);
    return rc;
}

int rsp_send_str(Rsp *r, const char *s) { return rsp_send(r, s, strlen(s)); }

int rsp_poll_interrupt(Rsp *r) {
    if (r->interrupted) {
        r->interrupted = 0;
        return 1;
    }
    if (r->fd < 0 || !rsp_is_owner(r)) return 0;
    /* look at buffered and newly arrived bytes without blocking */
    for (;;) {
        if (r->rx_pos == r->rx_len) {
            struct pollfd pf = {r->fd, POLLIN, 0};
            if (poll(&pf, 1, 0) <= 0) return 0;
            if (pf.revents & (POLLHUP | POLLERR)) return 1; /* gone: stop and wait for another */
            ssize_t k = read(r->fd, r->rx, sizeof r->rx);
            if (k <= 0) return 1;
            r->rx_len = (size_t)k;
            r->rx_pos = 0;
        }
        while (r->rx_pos < r->rx_len) {
            uint8_t ch = r->rx[r->rx_pos];
            if (ch == 0x03) {
                r->rx_pos++;
                return 1;
            }
            if (ch == '$') return 1; /* a packet while running (non-stop style): stop to read it */
            r->rx_pos++;             /* stray acks */
        }
    }
}
