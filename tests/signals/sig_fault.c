/* Faults as signals, natively vs under ringside: each fault's si_signo,
 * si_code, si_addr (relative to the faulting instruction's label) and the
 * mcontext's trapno/err, with the handler skipping the instruction by
 * editing the saved IP and changing a register the interrupted code then
 * reads; a SIGSEGV handler on an alternate stack; TF single-stepping over
 * a system call (traps counted, their IPs relative to the start). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#ifdef __x86_64__
#define IP           REG_RIP
#define BX           REG_RBX
#define FLG          REG_EFL
#define SYSCALL_INSN "syscall"
#define NR_GETPID    "39"
#define XBX          "%%rbx"
#else
#define IP           REG_EIP
#define BX           REG_EBX
#define FLG          REG_EFL
#define SYSCALL_INSN "int $0x80"
#define NR_GETPID    "20"
#define XBX          "%%ebx"
#endif

extern char ud_at[], ud_end[], i3_at[], i3_end[], de_at[], de_end[], pf_at[], pf_end[], wp_at[],
    wp_end[], gp_at[], gp_end[], alt_at[], alt_end[], tf_start[], tf_end[], bus_at[], bus_end[];

static char *skip_to;
static int nfaults;
static uintptr_t label;
static int tf_traps;
static uintptr_t tf_ips[32];

/* an address relative to the label, or 0 */
static void rel(const char *name, uintptr_t a) {
    if (!a)
        printf(" %s=0", name);
    else if (a >= label)
        printf(" %s=+%#lx", name, (unsigned long)(a - label));
    else
        printf(" %s=-%#lx", name, (unsigned long)(label - a));
}

static void handler(int sig, siginfo_t *si, void *ucv) {
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    printf("  sig=%d code=%d", sig, si->si_code);
    rel("addr", (uintptr_t)si->si_addr);
    printf(" trapno=%ld err=%#lx\n", (long)g[REG_TRAPNO], (unsigned long)g[REG_ERR]);
    g[IP] = (greg_t)(uintptr_t)skip_to;
    if (label == (uintptr_t)ud_at) g[BX] = 0x1234; /* read back after the ud2 */
    if (++nfaults > 20) _exit(3);                  /* a handler that did not skip */
}

static void trap_handler(int sig, siginfo_t *si, void *ucv) {
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    if (tf_traps < 32) tf_ips[tf_traps] = (uintptr_t)g[IP];
    tf_traps++;
    if ((uintptr_t)g[IP] == (uintptr_t)tf_end || tf_traps > 30) g[FLG] &= ~0x100;
    (void)sig, (void)si;
}

static void setup(int sig, void (*fn)(int, siginfo_t *, void *), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(sig, &sa, NULL);
}

static void expect(const char *name, char *at, char *end) {
    printf("%s\n", name);
    label = (uintptr_t)at;
    skip_to = end;
}

static char altstack[65536];

static void alt_handler(int sig, siginfo_t *si, void *ucv) {
    ucontext_t *uc = ucv;
    char here;
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("  sig=%d on altstack=%d ss_flags=%d uc_stack.ss_flags=%d\n", sig,
           &here > altstack && &here < altstack + sizeof altstack, cur.ss_flags,
           uc->uc_stack.ss_flags);
    uc->uc_mcontext.gregs[IP] = (greg_t)(uintptr_t)skip_to;
    (void)si;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    setup(SIGILL, handler, 0);
    setup(SIGTRAP, handler, 0);
    setup(SIGFPE, handler, 0);
    setup(SIGSEGV, handler, 0);
    setup(SIGBUS, handler, 0);
    long bx;

    expect("ud2 (the handler sets BX)", ud_at, ud_end);
    __asm__ volatile("push " XBX "\n xor %%ebx, %%ebx\n.globl ud_at, ud_end\nud_at: ud2\nud_end:\n"
                     " mov %%ebx, %%eax\n pop " XBX
                     : "=a"(bx));
    printf("  bx=%#lx\n", bx);

    expect("int3", i3_at, i3_end);
    __asm__ volatile(".globl i3_at, i3_end\ni3_at: int3\ni3_end:" ::: "memory");

    expect("divide by zero", de_at, de_end);
    __asm__ volatile("mov $1, %%eax\n xor %%edx, %%edx\n xor %%ecx, %%ecx\n"
                     ".globl de_at, de_end\nde_at: div %%ecx\nde_end:" ::
                         : "eax", "ecx", "edx");

    expect("NULL read", pf_at, pf_end);
    char *volatile nul = NULL;
    __asm__ volatile(".globl pf_at, pf_end\npf_at: movb (%0), %%al\npf_end:" ::"r"(nul) : "eax");

    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("(page read first: present) %d\n", *(volatile char *)ro);
    expect("write to a read-only page", wp_at, wp_end);
    label = (uintptr_t)ro; /* si_addr relative to the page */
    __asm__ volatile(".globl wp_at, wp_end\nwp_at: movb $1, (%0)\nwp_end:" ::"r"(ro) : "memory");

    expect("hlt in user mode (#GP)", gp_at, gp_end);
    __asm__ volatile(".globl gp_at, gp_end\ngp_at: hlt\ngp_end:");

    FILE *f = tmpfile();
    fputs("x", f);
    fflush(f);
    char *fm = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fileno(f), 0);
    if (ftruncate(fileno(f), 0) != 0) return 2;
    expect("read past the end of a file mapping (SIGBUS)", bus_at, bus_end);
    label = (uintptr_t)fm;
    __asm__ volatile(".globl bus_at, bus_end\nbus_at: movb (%0), %%al\nbus_end:" ::"r"(fm) : "eax");

    puts("SIGSEGV on an alternate stack");
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    setup(SIGSEGV, alt_handler, SA_ONSTACK);
    skip_to = alt_end;
    __asm__ volatile(".globl alt_at, alt_end\nalt_at: movb (%0), %%al\nalt_end:" ::"r"(nul)
                     : "eax");
    puts("  back");

    puts("TF single-step over a system call");
    setup(SIGTRAP, trap_handler, 0);
    __asm__ volatile("pushf\n orl $0x100, (%%"
#ifdef __x86_64__
                     "rsp"
#else
                     "esp"
#endif
                     ")\n popf\n"
                     ".globl tf_start, tf_end\ntf_start: nop\n mov $" NR_GETPID
                     ", %%eax\n" SYSCALL_INSN "\n nop\n nop\ntf_end: nop\n" ::
                         : "eax", "ecx", "edx", "memory"
#ifdef __x86_64__
                           ,
                           "r11"
#endif
    );
    printf("  traps=%d:", tf_traps);
    for (int i = 0; i < tf_traps && i < 32; i++)
        printf(" +%lu", (unsigned long)(tf_ips[i] - (uintptr_t)tf_start));
    putchar('\n');
    return 0;
}
