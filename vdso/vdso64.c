/* The 64-bit vDSO. Interim: not built yet, so 64-bit processes get none and
 * glibc makes real system calls. */
#include "vdso.h"

size_t vdso64_size(void) { return 0; }

int vdso64_map(Mem *m, uint64_t addr, Vdso64Info *out) {
    (void)m;
    (void)addr;
    (void)out;
    return -1;
}
