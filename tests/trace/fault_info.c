/* fault_info: what the CPU reported for a fault, as Linux hands it to a
 * signal handler: trap number, error code, CR2 and RIP from the ucontext.
 *
 *   fault_info MODE    prints "fault_info: MODE", faults, and (natively) the
 *                      handler prints one line
 *                        signo=N trapno=N err=0xN cr2=0xN rip=0xN
 *                      and exits 0.
 * The trace test compares that native line with the exception line of
 * `ringside --trace=ring` for the same binary (no signal delivery is needed
 * for that: the exception is traced before the process dies). Built static
 * and non-PIE, so RIP values are the same in both runs. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

static void handler(int sig, siginfo_t *si, void *ctx) {
    (void)si;
    const ucontext_t *uc = ctx;
    const greg_t *g = uc->uc_mcontext.gregs;
    char line[200];
    int n = snprintf(line, sizeof line, "signo=%d trapno=%lld err=%#llx cr2=%#llx rip=%#llx\n", sig,
                     (long long)g[REG_TRAPNO], (unsigned long long)g[REG_ERR],
                     (unsigned long long)g[REG_CR2], (unsigned long long)g[REG_RIP]);
    if (write(1, line, (size_t)n) != n) _exit(3);
    _exit(0);
}

static const char ro[] = "read-only";
static volatile int zero;

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: fault_info MODE\n");
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
    for (int i = 0; i < 5; i++) sigaction(sigs[i], &sa, NULL);

    const char *m = argv[1];
    printf("fault_info: %s\n", m);
    fflush(stdout);
    unsigned long v = 0;
    if (!strcmp(m, "gp-cli")) __asm__ volatile("cli");
    else if (!strcmp(m, "gp-wrmsr"))
        __asm__ volatile("mov $0xc0000082,%%ecx\n\txor %%eax,%%eax\n\txor %%edx,%%edx\n\twrmsr" :::
                             "rax", "rcx", "rdx");
    else if (!strcmp(m, "gp-noncanonical"))
        __asm__ volatile("mov $1,%%eax\n\tshl $63,%%rax\n\tmov (%%rax),%0" : "=r"(v)::"rax");
    else if (!strcmp(m, "gp-int10")) __asm__ volatile("int $0x10");
    else if (!strcmp(m, "pf-null-read"))
        __asm__ volatile("xor %%eax,%%eax\n\tmov 8(%%rax),%0" : "=r"(v)::"rax");
    else if (!strcmp(m, "pf-null-write"))
        __asm__ volatile("xor %%eax,%%eax\n\tmovl $1,0x10(%%rax)" ::: "rax", "memory");
    else if (!strcmp(m, "pf-null-exec")) ((void (*volatile)(void))0)();
    else if (!strcmp(m, "pf-rodata-write"))
        __asm__ volatile("movb $0x58,(%0)" ::"r"(ro) : "memory");
    else if (!strcmp(m, "pf-kernel-read"))
        __asm__ volatile("mov $0xffffffff81000000,%%rax\n\tmov (%%rax),%0" : "=r"(v)::"rax");
    else if (!strcmp(m, "ud-ud2")) __asm__ volatile("ud2");
    else if (!strcmp(m, "de-div")) printf("%d\n", 5 / zero);
    else {
        fprintf(stderr, "fault_info: unknown mode %s\n", m);
        return 2;
    }
    printf("fault_info: %s did not fault (%lu)\n", m, v);
    return 0;
}
