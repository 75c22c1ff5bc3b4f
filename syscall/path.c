/* --sysroot: where a guest's absolute path lives on the host. Like qemu-user's
 * -L, a path is redirected only when the file exists under the sysroot, so a
 * foreign root (an i386 Debian tree unpacked from .deb files) supplies the
 * interpreter, libraries and /etc/ld.so.cache while everything it lacks
 * (home directories, /tmp) is the host's. */
#include <string.h>
#include <sys/stat.h>
#include <stdio.h>

#include "proc.h"

static int under(const char *path, const char *dir) {
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == 0);
}

const char *proc_host_path(const Proc *p, const char *path, char *buf, size_t n) {
    if (!p->sysroot[0] || path[0] != '/') return path;
    /* kernel file systems describe the running system, never a root on disk */
    if (under(path, "/proc") || under(path, "/dev") || under(path, "/sys")) return path;
    int len = snprintf(buf, n, "%s%s", p->sysroot, path);
    if (len < 0 || (size_t)len >= n) return path;
    struct stat st;
    if (lstat(buf, &st) != 0) return path;
    return buf;
}
