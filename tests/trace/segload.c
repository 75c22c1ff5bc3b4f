/* Segment-register loads checked against the GDT/LDT as the CPU does
 * (present, S, type, DPL/RPL/CPL): selector and register chosen by argv.
 * Natively the descriptors are Linux's; under ringside they are the modelled
 * kernel's, laid out the same. Loadable ones print "loaded", the others
 * die of SIGSEGV (#GP) — compared with native by run_diff.sh.
 * Built 64-bit and -m32. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    unsigned short sel = (unsigned short)strtoul(argv[2], NULL, 0);
    const char *reg = argv[1];
    unsigned short back = 0;
    fflush(stdout);
    if (!strcmp(reg, "ds")) {
        __asm__ volatile("mov %1, %%ds\n\tmov %%ds, %0\n\tmov %%ss, %%cx\n\tmov %%cx, %%ds" : "=r"(back) : "r"(sel) : "ecx");
    } else if (!strcmp(reg, "es")) {
        __asm__ volatile("mov %1, %%es\n\tmov %%es, %0\n\tmov %%ss, %%cx\n\tmov %%cx, %%es" : "=r"(back) : "r"(sel) : "ecx");
    } else if (!strcmp(reg, "ss")) {
        __asm__ volatile("mov %%ss, %%cx\n\tmov %1, %%ss\n\tmov %%ss, %0\n\tmov %%cx, %%ss" : "=r"(back) : "r"(sel) : "ecx");
    } else {
        return 2;
    }
    printf("loaded %s=0x%x\n", reg, back);
    return 0;
}
