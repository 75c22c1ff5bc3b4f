/* fileio: file system calls on a scratch directory given as argv[1] (the
 * harness passes a fresh, empty directory of its own, the same path for the
 * native and the emulated run).
 *
 * write/read/lseek/pread/pwrite/ftruncate/fstat on a 100 KB file, holes,
 * O_APPEND, dup sharing the offset, stdio fopen/fprintf/fgets/fseek, rename,
 * hard and symbolic links, a directory listing (sorted here: readdir order is
 * the file system's business), and cleanup. Paths are never printed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[3000];
static char *path(const char *name) {
    static char buf[2][4096];
    static int which;
    which ^= 1;
    snprintf(buf[which], sizeof buf[which], "%s/%s", dir, name);
    return buf[which];
}
static int fails;
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAILED line %d: %s (errno %d %s)\n", __LINE__, #cond, errno, strerror(errno)); \
            fails++;                                                                               \
        }                                                                                          \
    } while (0)

static int cmpstr(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: fileio SCRATCH-DIR\n");
        return 2;
    }
    snprintf(dir, sizeof dir, "%s", argv[1]);
    umask(022);

    /* Binary file: write in chunks, read back, seek around. */
    static unsigned char data[100000], back[100000];
    for (size_t i = 0; i < sizeof data; i++) data[i] = (unsigned char)(i * 7 + (i >> 8));
    int fd = open(path("data.bin"), O_CREAT | O_EXCL | O_RDWR, 0640);
    CHECK(fd >= 0);
    size_t off = 0, chunk = 1;
    while (off < sizeof data) {
        size_t n = chunk < sizeof data - off ? chunk : sizeof data - off;
        CHECK(write(fd, data + off, n) == (ssize_t)n);
        off += n;
        chunk = chunk * 5 % 9000 + 3;
    }
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    printf("size=%lld regular=%d mode=%o nlink=%lu\n", (long long)st.st_size, S_ISREG(st.st_mode),
           (unsigned)(st.st_mode & 07777), (unsigned long)st.st_nlink);
    printf("lseek end=%lld\n", (long long)lseek(fd, 0, SEEK_END));
    printf("lseek set=%lld\n", (long long)lseek(fd, 0, SEEK_SET));
    ssize_t got = 0, n;
    while ((n = read(fd, back + got, 4093)) > 0) got += n;
    printf("read back %zd bytes, equal=%d, read at EOF=%zd\n", got,
           got == (ssize_t)sizeof data && !memcmp(data, back, sizeof data), read(fd, back, 10));
    printf("lseek -100 from end=%lld\n", (long long)lseek(fd, -100, SEEK_END));
    CHECK(read(fd, back, 100) == 100 && !memcmp(back, data + sizeof data - 100, 100));
    printf("lseek cur after=%lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    CHECK(pwrite(fd, "PWRITE", 6, 500) == 6);
    char small[16] = {0};
    CHECK(pread(fd, small, 10, 498) == 10);
    printf("pread: %02x %02x %.6s %02x %02x; offset unchanged=%lld\n", (unsigned char)small[0],
           (unsigned char)small[1], small + 2, (unsigned char)small[8], (unsigned char)small[9],
           (long long)lseek(fd, 0, SEEK_CUR));
    CHECK(ftruncate(fd, 5000) == 0);
    CHECK(fstat(fd, &st) == 0);
    printf("after ftruncate size=%lld\n", (long long)st.st_size);
    CHECK(lseek(fd, 20000, SEEK_SET) == 20000);
    CHECK(write(fd, "end", 3) == 3);
    CHECK(fstat(fd, &st) == 0);
    memset(back, 0xff, 100);
    CHECK(pread(fd, back, 100, 10000) == 100);
    int zeros = 1;
    for (int i = 0; i < 100; i++) zeros &= back[i] == 0;
    printf("hole: size=%lld reads as zeros=%d\n", (long long)st.st_size, zeros);

    int fd2 = dup(fd);
    CHECK(lseek(fd, 123, SEEK_SET) == 123);
    printf("dup shares offset: %lld\n", (long long)lseek(fd2, 0, SEEK_CUR));
    close(fd2);
    CHECK(close(fd) == 0);

    fd = open(path("data.bin"), O_WRONLY | O_APPEND);
    CHECK(fd >= 0);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(write(fd, "APPENDED", 8) == 8);
    printf("O_APPEND write lands at end: offset=%lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    close(fd);

    /* stdio text file. */
    FILE *f = fopen(path("text.txt"), "w");
    CHECK(f != NULL);
    for (int i = 0; i < 50; i++) fprintf(f, "line %d: %s\n", i, i % 3 ? "fizz" : "buzz");
    CHECK(fclose(f) == 0);
    f = fopen(path("text.txt"), "r");
    CHECK(f != NULL);
    char line[100];
    int lines = 0;
    while (fgets(line, sizeof line, f)) lines++;
    printf("stdio: %d lines, ftell=%ld\n", lines, ftell(f));
    CHECK(fseek(f, 8, SEEK_SET) == 0);
    CHECK(fgets(line, sizeof line, f) != NULL);
    printf("after fseek(8): \"%.*s\"\n", (int)strcspn(line, "\n"), line);
    fclose(f);

    CHECK(rename(path("text.txt"), path("renamed.txt")) == 0);
    printf("access old=%d new=%d\n", access(path("text.txt"), F_OK) == 0,
           access(path("renamed.txt"), R_OK | W_OK) == 0);
    CHECK(link(path("renamed.txt"), path("hardlink.txt")) == 0);
    CHECK(stat(path("renamed.txt"), &st) == 0);
    printf("hard link: nlink=%lu\n", (unsigned long)st.st_nlink);
    CHECK(symlink("renamed.txt", path("symlink.txt")) == 0);
    char target[64] = {0};
    ssize_t tl = readlink(path("symlink.txt"), target, sizeof target - 1);
    struct stat lst;
    CHECK(lstat(path("symlink.txt"), &lst) == 0);
    CHECK(stat(path("symlink.txt"), &st) == 0);
    printf("symlink -> \"%s\" (%zd) lstat islnk=%d stat size=%lld\n", target, tl,
           S_ISLNK(lst.st_mode), (long long)st.st_size);

    /* A directory of our own, listed. */
    CHECK(mkdir(path("sub"), 0750) == 0);
    static const char *names[] = {"zeta", "alpha", "mid", "Beta", "_x", "10", "9", "a.b.c"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "sub/%s", names[i]);
        fd = open(path(rel), O_CREAT | O_WRONLY | O_TRUNC, 0600);
        CHECK(fd >= 0);
        CHECK(write(fd, names[i], strlen(names[i]) * 3) >= 0);
        close(fd);
    }
    DIR *d = opendir(path("sub"));
    CHECK(d != NULL);
    char *seen[32];
    int ns = 0, dots = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) {
            dots++;
            continue;
        }
        if (ns < 32) seen[ns++] = strdup(de->d_name);
    }
    if (d) closedir(d);
    qsort(seen, (size_t)ns, sizeof seen[0], cmpstr);
    printf("listing (%d entries + %d dots):", ns, dots);
    for (int i = 0; i < ns; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "sub/%s", seen[i]);
        CHECK(stat(path(rel), &st) == 0);
        printf(" %s:%lld", seen[i], (long long)st.st_size);
    }
    printf("\n");
    errno = 0;
    int rr = rmdir(path("sub")); /* POSIX allows EEXIST as well as ENOTEMPTY */
    printf("rmdir non-empty: %d errno=%s\n", rr,
           errno == ENOTEMPTY || errno == EEXIST ? "ENOTEMPTY" : strerror(errno));
    for (int i = 0; i < ns; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "sub/%s", seen[i]);
        CHECK(unlink(path(rel)) == 0);
        free(seen[i]);
    }
    CHECK(rmdir(path("sub")) == 0);

    char cwd[4096];
    CHECK(chdir(dir) == 0);
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    struct stat a, b;
    CHECK(stat(cwd, &a) == 0 && stat(dir, &b) == 0);
    printf("chdir+getcwd names the scratch dir: %d\n", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    fd = open("renamed.txt", O_RDONLY); /* relative to the new cwd */
    printf("relative open after chdir: %s\n", fd >= 0 ? "ok" : "failed");
    if (fd >= 0) close(fd);
    fd = openat(AT_FDCWD, "data.bin", O_RDONLY);
    CHECK(fd >= 0 && fstatat(AT_FDCWD, "data.bin", &st, 0) == 0);
    close(fd);

    static const char *rm[] = {"data.bin", "renamed.txt", "hardlink.txt", "symlink.txt"};
    for (size_t i = 0; i < 4; i++) CHECK(unlink(rm[i]) == 0);
    errno = 0;
    int ur = unlink("data.bin");
    printf("unlink again: %d (%s)\n", ur, strerror(errno));
    d = opendir(".");
    int left = 0;
    while (d && (de = readdir(d)) != NULL) left += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
    if (d) closedir(d);
    printf("scratch dir entries left: %d\n", left);
    printf("failures: %d\n", fails);
    return fails ? 1 : 0;
}
