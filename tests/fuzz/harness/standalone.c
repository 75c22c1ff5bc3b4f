/* Driver for the fuzz harnesses without libFuzzer (any compiler, e.g. the
 * gcc ASan build that ctest runs): the same LLVMFuzzerTestOneInput, fed
 *   FILE|DIR...           each file (a directory: each file in it), as
 *                         libFuzzer replays a corpus or a crash reproducer
 *   --random N [--seed S] N inputs of random length and bytes
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
static unsigned long ran;

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

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

int main(int argc, char **argv) {
    int rc = 0;
    for (int k = 1; k < argc; k++) {
        if (!strcmp(argv[k], "--seed") && k + 1 < argc) {
            rng = strtoull(argv[++k], NULL, 0) * 0x2545F4914F6CDD1Dull | 1;
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
