/* The signal frame's layout, natively vs under ringside: offsets between
 * the ucontext, the siginfo and the FP state, stack alignment at handler
 * entry, uc_flags (less UC_FP_XSTATE, which only XSAVE CPUs set), the
 * fpx_sw_bytes magic, uc_sigmask, the FP state the handler starts with and
 * the one sigreturn restores (a saved XMM register the handler edits), the
 * ia32 non-RT frame's sigcontext and retcode, and SS_AUTODISARM. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1u << 31)
#endif

static uint32_t get_mxcsr(void) {
    uint32_t v;
    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}
static uint16_t get_fcw(void) {
    uint16_t v;
    __asm__ volatile("fnstcw %0" : "=m"(v));
    return v;
}

static void rt_handler(int sig, siginfo_t *si, void *ucv) {
    uint32_t mx = get_mxcsr();
    uint16_t cw = get_fcw();
    ucontext_t *uc = ucv;
    char *u = (char *)uc, *i = (char *)si;
#ifdef __x86_64__
    char *fp = (char *)uc->uc_mcontext.fpregs;
    char *frame = u - 8; /* the return address slot: sp at entry */
    uint32_t magic;
    memcpy(&magic, fp + 464, 4);
    printf("rt64: info-uc=%ld mcontext-uc=%ld sp%%16=%lu fp%%64=%lu fp-infoend=%ld\n",
           (long)(i - u), (long)((char *)&uc->uc_mcontext - u),
           (unsigned long)((uintptr_t)frame % 16), (unsigned long)((uintptr_t)fp % 64),
           (long)(fp - (i + 128)));
    printf("  uc_flags&~1=%#lx magic1=%#x saved mxcsr=%#x fcw=%#x xmm0[0]=%#x\n",
           (unsigned long)(uc->uc_flags & ~1ul), magic, uc->uc_mcontext.fpregs->mxcsr,
           uc->uc_mcontext.fpregs->cwd, uc->uc_mcontext.fpregs->_xmm[0].element[0]);
    uc->uc_mcontext.fpregs->_xmm[0].element[0] = 0xabcdef;
#else
    char *fp = (char *)uc->uc_mcontext.fpregs; /* the fsave header; FXSAVE area 112 later */
    char *frame = i - 16;
    uint32_t magic, mxs, x0;
    uint16_t cws;
    memcpy(&magic, fp + 112 + 464, 4);
    memcpy(&mxs, fp + 112 + 24, 4);
    memcpy(&cws, fp, 2);
    memcpy(&x0, fp + 112 + 160, 4);
    printf("rt32: info-uc=%ld mcontext-uc=%ld (sp+4)%%16=%lu fxsave%%64=%lu fp-frameend=%ld\n",
           (long)(i - u), (long)((char *)&uc->uc_mcontext - u),
           (unsigned long)(((uintptr_t)frame + 4) % 16),
           (unsigned long)(((uintptr_t)fp + 112) % 64), (long)(fp - (frame + 268)));
    uint32_t status;
    memcpy(&status, fp + 108, 4);
    printf("  uc_flags&~1=%#lx magic1=%#x saved mxcsr=%#x fcw=%#x xmm0[0]=%#x status/magic=%#x\n",
           (unsigned long)(uc->uc_flags & ~1ul), magic, mxs, cws, x0, status);
    uint32_t nx = 0xabcdef;
    memcpy(fp + 112 + 160, &nx, 4);
#endif
    printf("  handler starts with mxcsr=%#x fcw=%#x\n", mx, cw);
    printf("  uc_sigmask: USR1=%d USR2=%d; sig=%d code=%d\n", sigismember(&uc->uc_sigmask, SIGUSR1),
           sigismember(&uc->uc_sigmask, SIGUSR2), sig, si->si_code);
}

#ifndef __x86_64__
struct sc32 {
    uint32_t gs, fs, es, ds, di, si, bp, sp, bx, dx, cx, ax, trapno, err, ip, cs, flags, spsig, ss,
        fpstate, oldmask, cr2;
};
static void old_handler(int sig) {
    char *frame = (char *)&sig - 4;
    struct sc32 *sc = (struct sc32 *)(frame + 8);
    uint32_t extramask;
    memcpy(&extramask, frame + 720, 4);
    printf("sigframe32: (sp+4)%%16=%lu oldmask has USR2=%d extramask=%#x fp-frameend=%ld\n",
           (unsigned long)(((uintptr_t)frame + 4) % 16), (sc->oldmask >> (SIGUSR2 - 1)) & 1,
           extramask, (long)((char *)(uintptr_t)sc->fpstate - (frame + 732)));
    printf("  cs=%#x ss=%#x ds=%#x retcode=", sc->cs & 3, sc->ss & 3, sc->ds & 3);
    for (int k = 0; k < 8; k++)
        printf("%02x", (unsigned char)frame[724 + k]);
    putchar('\n');
}
#endif

static char alt[65536];
static void alt_handler(int sig, siginfo_t *si, void *ucv) {
    ucontext_t *uc = ucv;
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("autodisarm: in handler ss_flags=%#x uc_stack.ss_flags=%#x on alt=%d\n", cur.ss_flags,
           (unsigned)uc->uc_stack.ss_flags, (char *)&cur > alt && (char *)&cur < alt + sizeof alt);
    (void)sig, (void)si;
}

static void ss_handler(int sig, siginfo_t *si, void *ucv) {
    ucontext_t *uc = ucv;
    printf("  uc_stack: flags=%d sp=%p size=%zu\n", uc->uc_stack.ss_flags, uc->uc_stack.ss_sp,
           uc->uc_stack.ss_size);
    (void)sig, (void)si;
}

/* uc_stack before any sigaltstack, and the no-change shortcut of sigaltstack */
static void altstack_states(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = ss_handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &sa, NULL);
    puts("never set:");
    raise(SIGUSR2);
    stack_t z = {0}, d = {.ss_flags = SS_DISABLE};
    printf("  zero stack_t: %d\n", sigaltstack(&z, NULL));
    printf("  SS_DISABLE: %d\n", sigaltstack(&d, NULL));
    raise(SIGUSR2);
    printf("  zero stack_t again: %d\n", sigaltstack(&z, NULL));
    signal(SIGUSR2, SIG_DFL);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    altstack_states();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = rt_handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    sigprocmask(SIG_BLOCK, &m, NULL);

    uint32_t mx = 0x1f80 | 0x6000; /* round toward zero */
    uint16_t cw = 0x27f;           /* double precision */
    __asm__ volatile("ldmxcsr %0\n fldcw %1" ::"m"(mx), "m"(cw));
    /* kill(getpid(), SIGUSR1) from assembly, so XMM0 holds the pattern
     * across the delivery; read it back after sigreturn */
    uint32_t x0 = 0x12345678, after;
    long pid = getpid();
#ifdef __x86_64__
    __asm__ volatile("movd %1, %%xmm0\n mov $62, %%eax\n mov %2, %%rdi\n mov $10, %%esi\n"
                     " syscall\n movd %%xmm0, %0"
                     : "=r"(after)
                     : "r"(x0), "r"(pid)
                     : "rax", "rdi", "rsi", "rcx", "r11", "xmm0", "memory");
#else
    __asm__ volatile("movd %1, %%xmm0\n push %%ebx\n mov %2, %%ebx\n mov $37, %%eax\n"
                     " mov $10, %%ecx\n int $0x80\n pop %%ebx\n movd %%xmm0, %0"
                     : "=r"(after)
                     : "r"(x0), "r"(pid)
                     : "eax", "ecx", "xmm0", "memory");
#endif
    printf("after sigreturn: xmm0[0]=%#x mxcsr=%#x fcw=%#x\n", after, get_mxcsr(), get_fcw());
    mx = 0x1f80;
    cw = 0x37f;
    __asm__ volatile("ldmxcsr %0\n fldcw %1" ::"m"(mx), "m"(cw));

#ifndef __x86_64__
    signal(SIGWINCH, old_handler); /* glibc: a non-RT frame (no SA_SIGINFO) */
    raise(SIGWINCH);
#endif

    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = SS_AUTODISARM};
    sigaltstack(&ss, NULL);
    sa.sa_sigaction = alt_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("after: ss_flags=%#x size ok=%d\n", cur.ss_flags, cur.ss_size == sizeof alt);
    return 0;
}
