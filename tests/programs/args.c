/* args: the initial process image: argc/argv, the environment (in order),
 * and the auxiliary vector.
 *
 * Only auxv entries whose values are the same for every run of the same
 * binary are printed by value; addresses are printed as relations (AT_PHDR
 * really points at this binary's program headers, AT_ENTRY at _start), and
 * AT_RANDOM only as "16 readable bytes". AT_HWCAP/AT_HWCAP2/AT_MINSIGSTKSZ
 * describe the CPU and AT_SYSINFO_EHDR the vDSO, so they are left out. */
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

extern const ElfW(Ehdr) __ehdr_start; /* GNU ld: this executable's own ELF header */
extern char _start[];

static const ElfW(auxv_t) *auxv_from(char **envp) {
    while (*envp) envp++;
    return (const ElfW(auxv_t) *)(envp + 1);
}

static int has(const ElfW(auxv_t) *av, unsigned long type) {
    for (; av->a_type != AT_NULL; av++)
        if (av->a_type == type) return 1;
    return 0;
}

int main(int argc, char **argv, char **envp) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) printf("argv[%d]=\"%s\" (len %zu)\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc]=%s\n", argv[argc] ? "non-NULL" : "NULL");
    int n = 0;
    for (char **e = envp; *e; e++) printf("envp[%d]=\"%s\"\n", n++, *e);
    printf("envc=%d\n", n);

    const ElfW(auxv_t) *av = auxv_from(envp);
    static const struct {
        unsigned long type;
        const char *name;
    } want[] = {
        {AT_PHDR, "AT_PHDR"},     {AT_PHENT, "AT_PHENT"},   {AT_PHNUM, "AT_PHNUM"},
        {AT_PAGESZ, "AT_PAGESZ"}, {AT_BASE, "AT_BASE"},     {AT_FLAGS, "AT_FLAGS"},
        {AT_ENTRY, "AT_ENTRY"},   {AT_UID, "AT_UID"},       {AT_EUID, "AT_EUID"},
        {AT_GID, "AT_GID"},       {AT_EGID, "AT_EGID"},     {AT_CLKTCK, "AT_CLKTCK"},
        {AT_SECURE, "AT_SECURE"}, {AT_RANDOM, "AT_RANDOM"}, {AT_EXECFN, "AT_EXECFN"},
        {AT_PLATFORM, "AT_PLATFORM"}, {AT_HWCAP, "AT_HWCAP"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        printf("%-12s %s\n", want[i].name, has(av, want[i].type) ? "present" : "absent");

    printf("AT_PAGESZ=%lu\n", getauxval(AT_PAGESZ));
    printf("AT_PHENT=%lu\n", getauxval(AT_PHENT));
    printf("AT_PHNUM=%lu (e_phnum %u)\n", getauxval(AT_PHNUM), (unsigned)__ehdr_start.e_phnum);
    printf("AT_PHDR is this binary's phdrs: %s\n",
           getauxval(AT_PHDR) == (unsigned long)&__ehdr_start + __ehdr_start.e_phoff ? "yes"
                                                                                     : "no");
    printf("AT_ENTRY is _start: %s\n", getauxval(AT_ENTRY) == (unsigned long)_start ? "yes" : "no");
    printf("AT_BASE=%lu AT_FLAGS=%lu\n", getauxval(AT_BASE), getauxval(AT_FLAGS));
    printf("AT_UID=%lu AT_EUID=%lu AT_GID=%lu AT_EGID=%lu\n", getauxval(AT_UID),
           getauxval(AT_EUID), getauxval(AT_GID), getauxval(AT_EGID));
    printf("AT_CLKTCK=%lu AT_SECURE=%lu\n", getauxval(AT_CLKTCK), getauxval(AT_SECURE));
    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    if (rnd) {
        unsigned x = 0;
        for (int i = 0; i < 16; i++) x |= rnd[i]; /* must be readable; value is random */
        printf("AT_RANDOM: 16 readable bytes%s\n", x ? "" : " (all zero)");
    } else {
        printf("AT_RANDOM: missing\n");
    }
    const char *fn = (const char *)getauxval(AT_EXECFN);
    printf("AT_EXECFN=\"%s\" (equals argv[0]: %s)\n", fn ? fn : "(null)",
           fn && !strcmp(fn, argv[0]) ? "yes" : "no");
    const char *plat = (const char *)getauxval(AT_PLATFORM);
    printf("AT_PLATFORM=\"%s\"\n", plat ? plat : "(null)");

    /* The initial stack: argv, envp and auxv are contiguous (psABI 3.4.1). */
    printf("envp follows argv: %s\n", envp == argv + argc + 1 ? "yes" : "no");
    return 0;
}
