/* Built with `cc -m32 -static` by host_compare.sh: prints the host kernel's
 * own 32-bit vDSO symbols, found by (name, version) like glibc does, one line
 * each:  name version value(hex) size hexbytes   (or: name version missing)
 * plus "sysinfo OFFSET" (AT_SYSINFO - AT_SYSINFO_EHDR) and, for the entry and
 * the sigreturn trampolines, the unwind info an unwinder finds for them:
 *   fde name pc_begin-symbol pc_range cie insns
 * Exit 77 without a vDSO. */
#include <stdio.h>
#include <sys/auxv.h>

#include "elf32_vsym.h"

static const char *const syms[][2] = {
    {"__kernel_vsyscall", "LINUX_2.5"},     {"__kernel_sigreturn", "LINUX_2.5"},
    {"__kernel_rt_sigreturn", "LINUX_2.5"}, {"__vdso_clock_gettime", "LINUX_2.6"},
    {"__vdso_gettimeofday", "LINUX_2.6"},   {"__vdso_time", "LINUX_2.6"},
    {"__vdso_clock_getres", "LINUX_2.6"},   {"__vdso_clock_gettime64", "LINUX_2.6"},
    {"__vdso_getcpu", "LINUX_2.6"},
};

int main(void) {
    unsigned long base = getauxval(AT_SYSINFO_EHDR), sysinfo = getauxval(AT_SYSINFO);
    if (!base) {
        puts("no AT_SYSINFO_EHDR: the host kernel maps no 32-bit vDSO");
        return 77;
    }
    /* The image's extent: the end of its highest PT_LOAD. */
    const Elf32_Ehdr *eh = (const Elf32_Ehdr *)base;
    const Elf32_Phdr *ph = (const Elf32_Phdr *)(base + eh->e_phoff);
    size_t len = 0;
    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr + ph[i].p_memsz > len)
            len = ph[i].p_vaddr + ph[i].p_memsz;
    Elf32View v;
    if (e32_open(&v, (const uint8_t *)base, len)) {
        puts("host vDSO: not a usable ELF32 DSO");
        return 1;
    }
    printf("sysinfo %lx\n", sysinfo ? sysinfo - base : 0);
    for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
        const Elf32_Sym *s = e32_lookup(&v, syms[i][0], syms[i][1]);
        const uint8_t *code = s ? e32_code(&v, s) : NULL;
        if (!code) {
            printf("%s %s missing\n", syms[i][0], syms[i][1]);
            continue;
        }
        printf("%s %s %x %u ", syms[i][0], syms[i][1], (unsigned)s->st_value, (unsigned)s->st_size);
        for (uint32_t k = 0; k < s->st_size; k++)
            printf("%02x", code[k]);
        putchar('\n');
        E32Fde fde;
        if (i < 3 && e32_fde(&v, s->st_value, &fde) == 0)
            printf("fde %s %d %u %s %s\n", syms[i][0], (int)(fde.pc_begin - s->st_value),
                   fde.pc_range, fde.cie, fde.insns);
    }
    return 0;
}
