/* The auxiliary vector as this process received it, checked against the
 * stack copy, /proc/self/auxv and CPUID. Run natively under setarch -R, so
 * every address must match. Values that depend on the CPU are printed as
 * their relation to what CPUID says (ringside models fewer features). */
#include <cpuid.h>
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

extern char **environ;

/* Linux's signal frame beyond the FPU state: AT_MINSIGSTKSZ minus the
 * XSAVE size (CPUID 0xD) or the 512-byte FXSAVE area without XSAVE. */
static unsigned long fpu_state_size(void) {
    unsigned a, b, c, d;
    __cpuid(1, a, b, c, d);
    if (!(c & (1u << 26))) return 512;
    __cpuid_count(0xd, 0, a, b, c, d);
    return b;
}

int main(void) {
    /* the vector on the stack: after envp's NULL */
    char **e = environ;
    while (*e)
        e++;
    uintptr_t *av = (uintptr_t *)(e + 1);
    printf("types:");
    size_t pairs = 0;
    for (uintptr_t *q = av;; q += 2, pairs++) {
        printf(" %lu", (unsigned long)q[0]);
        if (q[0] == AT_NULL) break;
    }
    printf("\n");
    unsigned a, b, c, d;
    __cpuid(1, a, b, c, d);
    /* the vector's own value: glibc's getauxval(AT_HWCAP) is its rewrite */
    uintptr_t hwcap = 0;
    for (uintptr_t *q = av; q[0] != AT_NULL; q += 2)
        if (q[0] == AT_HWCAP) hwcap = q[1];
    printf("AT_HWCAP == CPUID.1:EDX: %s\n", hwcap == d ? "yes" : "no");
    __cpuid_count(7, 0, a, b, c, d);
    printf("AT_HWCAP2 FSGSBASE == CPUID.7:EBX.0: %s\n",
           !!(getauxval(AT_HWCAP2) & 2) == !!(b & 1) ? "yes" : "no");
    printf("AT_MINSIGSTKSZ - fpu state: %lu\n", getauxval(AT_MINSIGSTKSZ) - fpu_state_size());
    static const struct {
        unsigned long t;
        const char *name;
    } num[] = {{AT_PHDR, "AT_PHDR"},     {AT_PHENT, "AT_PHENT"},   {AT_PHNUM, "AT_PHNUM"},
               {AT_PAGESZ, "AT_PAGESZ"}, {AT_BASE, "AT_BASE"},     {AT_FLAGS, "AT_FLAGS"},
               {AT_ENTRY, "AT_ENTRY"},   {AT_UID, "AT_UID"},       {AT_EUID, "AT_EUID"},
               {AT_GID, "AT_GID"},       {AT_EGID, "AT_EGID"},     {AT_SECURE, "AT_SECURE"},
               {AT_CLKTCK, "AT_CLKTCK"}, {27, "AT_RSEQ_FEATURE_SIZE"}, {28, "AT_RSEQ_ALIGN"}};
    for (size_t k = 0; k < sizeof num / sizeof num[0]; k++)
        printf("%s 0x%lx\n", num[k].name, getauxval(num[k].t));
    printf("AT_EXECFN %s\n", (const char *)getauxval(AT_EXECFN));
    printf("AT_PLATFORM %s\n", (const char *)getauxval(AT_PLATFORM));
    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    int nz = 0;
    for (int k = 0; k < 16; k++)
        nz |= rnd[k];
    printf("AT_RANDOM 16 bytes, not all zero: %s\n", nz ? "yes" : "no");
    const unsigned char *vd = (const unsigned char *)getauxval(AT_SYSINFO_EHDR);
    printf("AT_SYSINFO_EHDR: %s\n", !vd ? "none" : memcmp(vd, ELFMAG, 4) == 0 ? "ELF" : "bad");
    /* /proc/self/auxv: the same bytes */
    FILE *f = fopen("/proc/self/auxv", "rb");
    unsigned char buf[4096];
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f) fclose(f);
    size_t want = (pairs + 1) * 2 * sizeof(uintptr_t);
    printf("/proc/self/auxv: %zu bytes, vector %zu bytes, same prefix: %s\n", n, want,
           n >= want && memcmp(buf, av, want) == 0 ? "yes" : "no");
    return 0;
}
