/* The guest's own /proc/self: the files that would describe ringside
 * instead of the guest (/proc/self/exe names the guest program,
 * /proc/self/maps lists the guest's address space, /proc/self/auxv holds
 * the guest's auxiliary vector). Path-taking calls in fs.c ask here first. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sys_internal.h"

const char *sys_proc_self(const char *path) {
    if (strncmp(path, "/proc/", 6) != 0) return NULL;
    const char *r = path + 6;
    if (strncmp(r, "self/", 5) == 0) return r + 5;
    if (strncmp(r, "thread-self/", 12) == 0) return r + 12;
    char *end;
    long pid = strtol(r, &end, 10);
    if (end != r && *end == '/' && pid == getpid()) return end + 1;
    return NULL;
}

const char *sys_follow_path(Proc *p, const char *path) {
    const char *rest = sys_proc_self(path);
    if (rest && strcmp(rest, "exe") == 0 && p->exe_path[0]) return p->exe_path;
    return path;
}

/* Linux merges neighbouring VMAs that agree: same protection, sharing and
 * accounting (a private mapping once writable keeps VM_ACCOUNT),
 * and either both anonymous with the same name ("[heap]" grown by several
 * brk calls is one line) or the same file at contiguous offsets. */
static int mergeable(const MemRegion *r, uint64_t r_end, uint64_t r_off, const MemRegion *q) {
    if (q->start != r_end || q->prot != r->prot || q->shared != r->shared) return 0;
    if (q->account != r->account) return 0; /* VM_ACCOUNT differs (once private+writable) */
    if (strcmp(q->name, r->name) != 0) return 0;
    if (!r->inode && !q->inode) return r->name[0] == 0 || r->name[0] == '[';
    return q->dev == r->dev && q->inode == r->inode && q->offset == r_off + (r_end - r->start);
}

/* One line as Linux's show_map_vma prints it: the header, then for a named
 * mapping padding to column 73 and the name. */
static size_t maps_line(char *buf, size_t cap, const MemRegion *r, uint64_t end, const char *name) {
    int file = r->inode != 0 || r->dev != 0;
    int n = snprintf(buf, cap, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ",
                     (unsigned long long)r->start, (unsigned long long)end,
                     (r->prot & MEM_R) ? 'r' : '-', (r->prot & MEM_W) ? 'w' : '-',
                     (r->prot & MEM_X) ? 'x' : '-', r->shared ? 's' : 'p',
                     (unsigned long long)(file ? r->offset : 0), file ? major(r->dev) : 0,
                     file ? minor(r->dev) : 0, (unsigned long long)r->inode);
    size_t len = n > 0 ? (size_t)n : 0;
    if (name[0]) {
        while (len < 72 && len < cap - 1)
            buf[len++] = ' ';
        len += (size_t)snprintf(buf + len, cap - len, " %s", name);
    }
    if (len < cap - 1) buf[len++] = '\n';
    return len;
}

/* Reopen memfd `fd` read-only, as the real file is, under the number it
 * holds (the lowest free one: what open() would have returned). */
static int reopen_ro(int fd, int flags) {
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
    int ro = open(self, O_RDONLY);
    if (ro < 0 || dup3(ro, fd, flags & O_CLOEXEC) < 0) {
        int e = errno;
        if (ro >= 0) close(ro);
        close(fd);
        return -e;
    }
    close(ro);
    return fd;
}

static int text_fd(const char *tag, const void *data, size_t len, int flags) {
    int fd = memfd_create(tag, 0);
    if (fd < 0) return -errno;
    if (len && write(fd, data, len) != (ssize_t)len) {
        close(fd);
        return -EIO;
    }
    return reopen_ro(fd, flags);
}

/* The maps text into fd (from its start). 0 or -EIO. */
static int maps_write(Proc *p, int fd) {
    char *buf = (char *)sys_bounce;
    size_t len = 0;
    const MemRegion *r;
    for (size_t i = 0; (r = mem_region_at(p->mem, i)) != NULL; i++) {
        if (!(r->prot & MEM_U)) continue; /* the ring-0 image is not the process's */
        if (len > SYS_CHUNK - 512) {
            if (write(fd, buf, len) < 0) return -EIO;
            len = 0;
        }
        uint64_t end = r->end;
        const MemRegion *q;
        while ((q = mem_region_at(p->mem, i + 1)) && mergeable(r, end, r->offset, q)) {
            end = q->end;
            i++;
        }
        /* vma_is_initial_heap: an unnamed anonymous VMA overlapping (start_brk, brk)
         * is "[heap]" (musl's PROT_NONE guard page in the brk area too) */
        const char *name = r->name;
        if (!name[0] && !r->inode && !r->dev && p->brk_start && r->start < p->brk_cur &&
            end > p->brk_start)
            name = "[heap]";
        len += maps_line(buf + len, SYS_CHUNK - len, r, end, name);
    }
    /* Linux's gate VMA (vsyscall=xonly, the default), listed for 64-bit
     * tasks only. */
    if (p->abi == ABI_X86_64) {
        MemRegion g = {.start = VSYSCALL_ADDR, .end = VSYSCALL_ADDR + PAGE_SIZE, .prot = MEM_X};
        snprintf(g.name, sizeof g.name, "[vsyscall]");
        len += maps_line(buf + len, SYS_CHUNK - len, &g, g.end, g.name);
    }
    return len && write(fd, buf, len) < 0 ? -EIO : 0;
}

/* Linux writes /proc/self/maps as it is read (seq_file): a program that
 * maps memory between open() and read(), or re-reads from offset 0 (grep's
 * stack-overflow check does both), sees the current layout. ringside's copy
 * is a memfd, rewritten when a read starts at offset 0; the fds are known by
 * number and the memfd's inode (so a reused number is not mistaken). */
#define MAPS_FDS 8
static struct {
    int fd;
    ino_t ino;
} maps_fds[MAPS_FDS];

static void maps_track(int fd) {
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) return;
    int slot = 0;
    for (int i = 0; i < MAPS_FDS; i++) {
        if (maps_fds[i].fd == fd || maps_fds[i].ino == 0) {
            slot = i;
            break;
        }
        slot = (int)(st.st_ino % MAPS_FDS); /* full: overwrite one */
    }
    maps_fds[slot].fd = fd;
    maps_fds[slot].ino = st.st_ino;
}

void sys_proc_before_read(Proc *p, int fd, int64_t off) {
    for (int i = 0; i < MAPS_FDS; i++) {
        if (maps_fds[i].ino == 0 || maps_fds[i].fd != fd) continue;
        struct stat st;
        if (fstat(fd, &st) != 0 || st.st_ino != maps_fds[i].ino) {
            maps_fds[i].ino = 0; /* closed and reused */
            return;
        }
        if ((off < 0 ? lseek(fd, 0, SEEK_CUR) : off) != 0) return;
        char self[64];
        snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
        int w = open(self, O_WRONLY | O_TRUNC);
        if (w < 0) return;
        maps_write(p, w);
        close(w);
        return;
    }
}

int sys_maps_fd(Proc *p, int flags) {
    int fd = memfd_create("maps", 0);
    if (fd < 0) return -errno;
    if (maps_write(p, fd) < 0) {
        close(fd);
        return -EIO;
    }
    int r = reopen_ro(fd, flags);
    maps_track(r);
    return r;
}

/* Opening /proc/self/<rest> for the guest (rest: "maps", "auxv"). */
int sys_proc_fd(Proc *p, const char *rest, int flags) {
    if (strcmp(rest, "maps") == 0) return sys_maps_fd(p, flags);
    if (strcmp(rest, "auxv") == 0) return text_fd("auxv", p->auxv, p->auxv_len, flags);
    return -ENOENT;
}
