/* Guest memory as the system calls see it: Linux's copy_{from,to}_user on
 * the page map (cpu/mem.h), with MEM_U so a user pointer never reaches the
 * ring-0 image, and chunked transfers through a bounded bounce buffer so
 * that a guest-chosen size never sizes a host allocation. */
#include <string.h>
#include <sys/mman.h>

#include "sys_internal.h"

_Thread_local uint8_t sys_bounce[SYS_CHUNK];

/* When no byte of a guest buffer is accessible, the host call itself is
 * made with a host buffer that faults too: the host kernel then answers
 * exactly as it would natively (0 at end of file or from /dev/null, the
 * count from a /dev/null write, -EFAULT where data had to move) without
 * consuming data. The region is PROT_NONE address space, never backed. */
static void *fault_region(void) {
    static void *r;
    if (!r) {
        r = mmap(NULL, MAX_RW_COUNT + PAGE_SIZE, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (r == MAP_FAILED) r = NULL;
    }
    return r;
}

static int64_t fault_probe(HostXfer xfer, void *ctx, uint64_t len) {
    void *r = fault_region();
    if (!r) return -EFAULT;
    long n = xfer(ctx, r, len > MAX_RW_COUNT ? MAX_RW_COUNT : len, 0);
    return n < 0 ? -(int64_t)errno : n;
}

int user_access_ok(uint64_t addr, uint64_t len) {
    return len <= USER_TOP && addr <= USER_TOP - len;
}

int copy_from_user(Proc *p, void *dst, uint64_t src, size_t n) {
    if (n == 0) return 0;
    if (!user_access_ok(src, n)) return -EFAULT;
    return mem_read(p->mem, dst, src, n, MEM_U | MEM_R) ? -EFAULT : 0;
}

int copy_to_user(Proc *p, uint64_t dst, const void *src, size_t n) {
    if (n == 0) return 0;
    if (!user_access_ok(dst, n)) return -EFAULT;
    return mem_write(p->mem, dst, src, n, MEM_U | MEM_W) ? -EFAULT : 0;
}

long strncpy_from_user(Proc *p, char *dst, uint64_t src, size_t max) {
    if (max == 0) return -ENAMETOOLONG;
    if (src >= USER_TOP) return -EFAULT;
    /* The string may not run past the user range either. */
    if (max > USER_TOP - src) max = USER_TOP - src;
    long r = mem_read_str(p->mem, dst, src, max, MEM_U | MEM_R);
    if (r == -1) return -EFAULT;
    if (r == -2) return src + max == USER_TOP ? -EFAULT : -ENAMETOOLONG;
    return r;
}

uint64_t user_extent(Proc *p, uint64_t addr, uint64_t len, int need) {
    if (len == 0 || addr >= USER_TOP) return 0;
    if (len > USER_TOP - addr) len = USER_TOP - addr;
    need |= MEM_U;
    uint64_t done = 0;
    while (done < len) {
        uint64_t a = addr + done;
        if ((mem_page_prot(p->mem, a) & need) != need) break;
        done += PAGE_SIZE - (a & (PAGE_SIZE - 1));
    }
    return done < len ? done : len;
}

long user_path(Proc *p, uint64_t addr, char *buf) {
    long n = strncpy_from_user(p, buf, addr, SYS_PATH_MAX);
    if (n < 0 || !p->sysroot[0]) return n;
    /* --sysroot: the guest's absolute paths resolve under it when present */
    char host[SYS_PATH_MAX];
    const char *hp = proc_host_path(p, buf, host, sizeof host);
    if (hp == buf) return n;
    size_t len = strlen(hp);
    memcpy(buf, hp, len + 1);
    return (long)len;
}

/* Walks a segment list: the next up-to-`room` accessible bytes starting at
 * (*si, *off). Fills parts[] and returns the byte count; *fault is set when
 * an inaccessible byte cut the run short. */
typedef struct Cursor {
    const UserSeg *seg;
    int nseg, si;
    uint64_t off, left; /* within seg[si]; bytes left overall */
} Cursor;

static size_t plan_chunk(Proc *p, Cursor *c, size_t room, int need, UserSeg *parts, int *nparts,
                         int *fault) {
    size_t got = 0;
    int si = c->si;
    uint64_t off = c->off, left = c->left;
    *nparts = 0;
    *fault = 0;
    while (got < room && left > 0 && si < c->nseg) {
        uint64_t seglen = c->seg[si].len - off;
        if (seglen == 0) {
            si++, off = 0;
            continue;
        }
        uint64_t want = seglen;
        if (want > room - got) want = room - got;
        if (want > left) want = left;
        uint64_t ok = user_extent(p, c->seg[si].base + off, want, need);
        if (ok) {
            parts[*nparts].base = c->seg[si].base + off;
            parts[*nparts].len = ok;
            (*nparts)++;
            got += ok;
            left -= ok;
        }
        if (ok < want) {
            *fault = 1;
            break;
        }
        off += ok;
        if (off == c->seg[si].len) si++, off = 0;
        if (*nparts == 64) break; /* parts[] is bounded; the next chunk continues */
    }
    return got;
}

static void cursor_advance(Cursor *c, uint64_t n) {
    c->left -= n;
    while (n > 0 && c->si < c->nseg) {
        uint64_t here = c->seg[c->si].len - c->off;
        if (n < here) {
            c->off += n;
            return;
        }
        n -= here;
        c->si++, c->off = 0;
    }
    while (c->si < c->nseg && c->seg[c->si].len == c->off)
        c->si++, c->off = 0;
}

static void cursor_init(Cursor *c, const UserSeg *seg, int nseg) {
    uint64_t total = 0;
    for (int i = 0; i < nseg; i++)
        total += seg[i].len; /* callers cap each len */
    c->seg = seg, c->nseg = nseg, c->si = 0, c->off = 0;
    c->left = total > MAX_RW_COUNT ? MAX_RW_COUNT : total;
}

int64_t user_xfer_out(Proc *p, const UserSeg *seg, int nseg, HostXfer xfer, void *ctx, int more) {
    Cursor c;
    cursor_init(&c, seg, nseg);
    if (c.left == 0) return host_ret(xfer(ctx, sys_bounce, 0, 0));
    uint64_t total = 0;
    for (;;) {
        UserSeg parts[64];
        int np, fault;
        size_t want = plan_chunk(p, &c, SYS_CHUNK, MEM_W, parts, &np, &fault);
        if (want == 0) {
            if (total) break;
            return fault_probe(xfer, ctx, c.left);
        }
        long n = xfer(ctx, sys_bounce, want, total);
        if (n < 0) {
            if (total) break;
            return -(int64_t)errno;
        }
        size_t put = 0;
        for (int i = 0; i < np && put < (size_t)n; i++) {
            size_t k = parts[i].len;
            if (k > (size_t)n - put) k = (size_t)n - put;
            if (copy_to_user(p, parts[i].base, sys_bounce + put, k)) break; /* checked above */
            put += k;
        }
        total += put;
        cursor_advance(&c, put);
        if ((size_t)n < want || fault || !more || c.left == 0) break;
    }
    return (int64_t)total;
}

int64_t user_xfer_in(Proc *p, const UserSeg *seg, int nseg, HostXfer xfer, void *ctx) {
    Cursor c;
    cursor_init(&c, seg, nseg);
    if (c.left == 0) return host_ret(xfer(ctx, sys_bounce, 0, 0));
    uint64_t total = 0;
    for (;;) {
        UserSeg parts[64];
        int np, fault;
        size_t want = plan_chunk(p, &c, SYS_CHUNK, MEM_R, parts, &np, &fault);
        if (want == 0) {
            if (total) break;
            return fault_probe(xfer, ctx, c.left);
        }
        size_t got = 0;
        for (int i = 0; i < np; i++) {
            if (copy_from_user(p, sys_bounce + got, parts[i].base, parts[i].len)) break;
            got += parts[i].len;
        }
        long n = xfer(ctx, sys_bounce, got, total);
        if (n < 0) {
            if (total) break;
            return -(int64_t)errno;
        }
        total += (uint64_t)n;
        cursor_advance(&c, (uint64_t)n);
        if ((size_t)n < got || fault || c.left == 0) break;
    }
    return (int64_t)total;
}
