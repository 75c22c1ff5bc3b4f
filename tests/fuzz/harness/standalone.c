/* Driver for the fuzz harnesses without libFuzzer (any compiler, e.g. the
 * gcc ASan build that ctest runs): the same LLVMFuzzerTestOneInput, fed
 *   FILE|DIR...           each file (a directory: each file in it), as
 *                         libFuzzer replays a corpus or a crash reproducer
 *   --random N [--seed S] N inputs of random length and bytes
 *   --mutate N            each FILE|DIR after it is also run N times with a
 *                         few random bytes of its first 1 KiB changed and a
 *                         random truncation (headers are what parsers read)
 * Prints how many inputs ran; a crash or sanitizer report is the failure. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { INPUT_MAX_BYTES = 1 << 20 };
static uint8_t buf[INPUT_MAX_BYTES];
static unsigned long ran, mutations;

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

static int run_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    ran++;
    if (mutations && n) {
        static uint8_t mut[INPUT_MAX_BYTES];
        for (unsigned long k = 0; k < mutations; k++) {
            memcpy(mut, buf, n);
            size_t head = n < 1024 ? n : 1024;
            for (int j = 1 + (int)(next() % 8); j > 0; j--)
                mut[next() % head] = (uint8_t)next();
            size_t len = next() % 4 ? n : (size_t)(next() % (n + 1));
            LLVMFuzzerTestOneInput(mut, len);
            ran++;
        }
    }
    return 0;
}

static int run_path(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) return run_file(path);
    DIR *d = opendir(path);
    if (!d) {
        perror(path);
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && run_file(p) < 0) rc = -1;
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv) {
    int rc = 0;
    for (int k = 1; k < argc; k++) {
        if (!strcmp(argv[k], "--seed") && k + 1 < argc) {
            rng = strtoull(argv[++k], NULL, 0) * 0x2545F4914F6CDD1Dull | 1;
        } else if (!strcmp(argv[k], "--mutate") && k + 1 < argc) {
            mutations = strtoul(argv[++k], NULL, 0);
        } else if (!strcmp(argv[k], "--random") && k + 1 < argc) {
            unsigned long n = strtoul(argv[++k], NULL, 0);
            if (k + 2 < argc && !strcmp(argv[k + 1], "--seed"))
                rng = strtoull(argv[k += 2], NULL, 0) * 0x2545F4914F6CDD1Dull | 1;
            for (unsigned long i = 0; i < n; i++) {
                size_t len = (size_t)(next() % 4300);
                for (size_t j = 0; j < len; j++)
                    buf[j] = (uint8_t)next();
                LLVMFuzzerTestOneInput(buf, len);
                ran++;
            }
        } else if (run_path(argv[k]) < 0) {
            rc = 1;
        }
    }
    printf("%s: %lu inputs run, no crash\n", argv[0], ran);
    return rc;
}
