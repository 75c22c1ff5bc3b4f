/* --stats: retired instructions, decode-cache figures, guest MIPS. */
#include "../cpu/decode.h"
#include "ui.h"

void ui_print_stats(FILE *f, Cpu *c, double seconds) {
    fprintf(f, "ringside: %llu instructions retired\n", (unsigned long long)c->icount);
    fprintf(f, "ringside: %llu instructions decoded, %llu decode-cache flushes\n",
            (unsigned long long)c->dc->decoded, (unsigned long long)c->dc->flushes);
    if (seconds > 0)
        fprintf(f, "ringside: %.3f s, %.1f MIPS\n", seconds, (double)c->icount / seconds / 1e6);
}
