/* The guest's own /proc/self: the files that would describe ringside
 * instead of the guest (/proc/self/exe names the guest program,
 * /proc/self/maps lists the guest's address space). Path-taking calls in
 * fs.c ask here first. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

/* Linux's /proc/<pid>/maps line: the name starts in column 74. Offsets,
 * devices and inodes of file mappings are not tracked: shown as 0. */
int sys_maps_fd(Proc *p, int flags) {
    int fd = memfd_create("maps", 0);
    if (fd < 0) return -errno;
    char *buf = (char *)sys_bounce;
    size_t len = 0;
    const MemRegion *r;
    for (size_t i = 0; (r = mem_region_at(p->mem, i)) != NULL; i++) {
        if (!(r->prot & MEM_U)) continue; /* the ring-0 image is not the process's */
        if (len > SYS_CHUNK - 256) {
            if (write(fd, buf, len) < 0) break;
            len = 0;
        }
        /* Linux merges adjacent anonymous VMAs that agree ("[heap]" grown
         * by several brk calls is one line); file offsets are not tracked,
         * so file mappings stay as mapped. */
        uint64_t end = r->end;
        const MemRegion *q;
        while ((r->name[0] == 0 || r->name[0] == '[') && (q = mem_region_at(p->mem, i + 1)) &&
               q->start == end && q->prot == r->prot && strcmp(q->name, r->name) == 0) {
            end = q->end;
            i++;
        }
        int n = snprintf(buf + len, SYS_CHUNK - len, "%08llx-%08llx %c%c%cp 00000000 00:00 0",
                         (unsigned long long)r->start, (unsigned long long)end,
                         (r->prot & MEM_R) ? 'r' : '-', (r->prot & MEM_W) ? 'w' : '-',
                         (r->prot & MEM_X) ? 'x' : '-');
        len += (size_t)n;
        if (r->name[0]) {
            while (n++ < 72)
                buf[len++] = ' ';
            len +=
                (size_t)snprintf(buf + len, SYS_CHUNK - len, " %.*s", (int)sizeof r->name, r->name);
        } else {
            buf[len++] = ' '; /* Linux pads an unnamed line with one space */
        }
        buf[len++] = '\n';
    }
    if (len && write(fd, buf, len) < 0) {
        close(fd);
        return -EIO;
    }
    /* Reopen read-only, as the real file is, under the lowest free number
     * (the one the memfd holds), as open() would have returned. */
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
