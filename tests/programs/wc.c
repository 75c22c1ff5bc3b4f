/* wc: reads all of stdin (the harness feeds a fixed file) with read(2) in
 * odd-sized pieces and counts lines, words, bytes, the longest line and a
 * byte histogram checksum; then echoes the first line back. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    static unsigned char buf[1 << 16];
    unsigned long lines = 0, words = 0, bytes = 0, longest = 0, cur = 0, reads = 0;
    unsigned long hist[256] = {0};
    char first[128] = {0};
    size_t firstlen = 0;
    int inword = 0, firstdone = 0;
    size_t ask = 1;
    for (;;) {
        ssize_t n = read(0, buf, ask);
        if (n < 0) {
            perror("read");
            return 1;
        }
        if (n == 0) break;
        reads++;
        ask = ask * 2 + 7 > sizeof buf ? 13 : ask * 2 + 7; /* uneven sizes on purpose */
        for (ssize_t i = 0; i < n; i++) {
            unsigned char c = buf[i];
            bytes++;
            hist[c]++;
            if (!firstdone) {
                if (c == '\n') firstdone = 1;
                else if (firstlen < sizeof first - 1) first[firstlen++] = (char)c;
            }
            if (c == '\n') {
                lines++;
                if (cur > longest) longest = cur;
                cur = 0;
            } else {
                cur++;
            }
            if (isspace(c)) inword = 0;
            else if (!inword) inword = 1, words++;
        }
    }
    uint64_t h = 0xcbf29ce484222325ull;
    for (int i = 0; i < 256; i++) h = (h ^ hist[i]) * 0x100000001b3ull;
    printf("lines=%lu words=%lu bytes=%lu longest=%lu reads>0=%d\n", lines, words, bytes, longest,
           reads > 0);
    printf("histogram=%016llx\n", (unsigned long long)h);
    printf("first line: \"%s\"\n", first);
    printf("read at EOF again: %zd\n", read(0, buf, 10));
    return 0;
}
