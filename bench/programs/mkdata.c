/* Not a workload: writes MIB mebibytes of deterministic pseudo-random bytes to stdout
 * (the input of the sha256 workload). usage: mkdata MIB */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long mib = argc > 1 ? atol(argv[1]) : 8;
    static uint64_t buf[1 << 17]; /* 1 MiB */
    uint64_t x = 0x2545f4914f6cdd1dull;
    for (long m = 0; m < mib; m++) {
        for (size_t i = 0; i < sizeof buf / sizeof buf[0]; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[i] = x;
        }
        if (fwrite(buf, sizeof buf, 1, stdout) != 1) return 1;
    }
    return 0;
}
