/* errno: failing system calls report the right errno, and strerror/perror
 * turn it into text. Every case here fails on purpose; the program's output
 * is the list of (call, return value, errno name, message). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *ename(int e) {
    switch (e) {
    case 0: return "0";
    case ENOENT: return "ENOENT";
    case EBADF: return "EBADF";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ESPIPE: return "ESPIPE";
    case EFAULT: return "EFAULT";
    case ERANGE: return "ERANGE";
    case EDOM: return "EDOM";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EACCES: return "EACCES";
    case ENOMEM: return "ENOMEM";
    case ECHILD: return "ECHILD";
    case EPIPE: return "EPIPE";
    case ENOSYS: return "ENOSYS";
    default: return "other";
    }
}

static void show(const char *what, long ret) {
    int e = errno;
    printf("%-34s ret=%ld errno=%s (%s)\n", what, ret, ename(e), strerror(e));
    errno = 0;
}

/* Through volatile: the compiler must not see (and warn about) the bad pointers. */
static void *volatile nullp = 0;
static void *volatile badp = (void *)16;

int main(void) {
    char buf[16];
    errno = 0;
    show("open(\"/nonexistent/file\")", open("/nonexistent/file", O_RDONLY));
    show("open(\"/etc/passwd/x\")", open("/etc/passwd/x", O_RDONLY));
    show("open(\"/\", O_WRONLY)", open("/", O_WRONLY));
    show("open(\"/etc/passwd\", O_DIRECTORY)", open("/etc/passwd", O_RDONLY | O_DIRECTORY));
    show("read(-1)", read(-1, buf, sizeof buf));
    show("read(1000)", read(1000, buf, sizeof buf));
    show("write(closed fd)", (close(dup(0)), write(999, "x", 1)));
    show("close(9999)", close(9999));
    show("mkdir(\"/\")", mkdir("/", 0755));
    show("rmdir(\"/nonexistent\")", rmdir("/nonexistent"));
    show("chdir(\"/etc/passwd\")", chdir("/etc/passwd"));
    show("unlink(\"/nonexistent/x\")", unlink("/nonexistent/x"));
    int p[2];
    if (pipe(p) == 0) {
        show("lseek(pipe)", lseek(p[0], 0, SEEK_SET));
        close(p[0]);
        close(p[1]);
    }
    show("lseek(stdin, -5, SEEK_SET)", lseek(0, -5, SEEK_SET));
    show("read(0, NULL, 10) [/dev/null]", read(0, nullp, 10));
    show("write(1, bad pointer, 10)", write(1, badp, 10));
    show("stat(bad pointer)", stat(badp, nullp));
    char longname[5000];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    show("open(5000-char name)", open(longname, O_RDONLY));
    show("mmap(len 0)", (long)(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
                               MAP_FAILED ? -1 : 0));
    show("munmap(unaligned)", munmap((void *)0x1001, 4096));
    show("fcntl(bad fd)", fcntl(12345, F_GETFL));
    show("dup2(0, -1)", dup2(0, -1));
    errno = 0;
    long v = strtol("99999999999999999999", NULL, 10);
    show("strtol(overflow)", v);
    errno = 0;
    double d = strtod("1e999", NULL);
    show("strtod(1e999) == HUGE_VAL", d == HUGE_VAL);
    errno = 0;
    FILE *f = fopen("/nonexistent/dir/file", "r");
    show("fopen(missing)", f ? 0 : -1);
    errno = ENOENT;
    fflush(stdout);
    perror("perror says");
    for (int e = 1; e <= 5; e++) printf("strerror(%d) = %s\n", e, strerror(e));
    return 0;
}
