/* Floating-point exceptions as SIGFPE, natively vs under ringside: an
 * unmasked SSE divide-by-zero (#XM) and x87 divide-by-zero (#MF, taken at
 * the next FWAIT): si_code (FPE_FLTDIV), si_addr = the faulting IP, trapno.
 * The handler masks the exceptions and clears the flags in the saved FP
 * state (the ia32 frame: the fsave header's x87 words, which sigreturn
 * restores the x87 state from, and the FXSAVE area's MXCSR) and skips the
 * instruction. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

extern char xm_at[], xm_end[], mf_at[], mf_end[];
static char *skip;

static void handler(int s, siginfo_t *si, void *u) {
    ucontext_t *uc = u;
#ifdef __x86_64__
    long ip = uc->uc_mcontext.gregs[REG_RIP];
    uc->uc_mcontext.gregs[REG_RIP] = (long)skip;
    uc->uc_mcontext.fpregs->mxcsr = (uc->uc_mcontext.fpregs->mxcsr | 0x1f80) & ~0x3fu;
    uc->uc_mcontext.fpregs->cwd |= 0x3f;
    uc->uc_mcontext.fpregs->swd &= ~0x80ff;
#else
    long ip = uc->uc_mcontext.gregs[REG_EIP];
    uc->uc_mcontext.gregs[REG_EIP] = (long)skip;
    char *fp = (char *)uc->uc_mcontext.fpregs;
    uint32_t w;
    memcpy(&w, fp, 4), w |= 0x3f, memcpy(fp, &w, 4);                             /* cwd */
    memcpy(&w, fp + 4, 4), w &= ~0x80ffu, memcpy(fp + 4, &w, 4);                 /* swd */
    memcpy(&w, fp + 136, 4), w = (w | 0x1f80) & ~0x3fu, memcpy(fp + 136, &w, 4); /* mxcsr */
#endif
    printf("sig=%d code=%d addr_is_ip=%d trapno=%ld err=%ld\n", s, si->si_code,
           (long)si->si_addr == ip, (long)uc->uc_mcontext.gregs[REG_TRAPNO],
           (long)uc->uc_mcontext.gregs[REG_ERR]);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, 0);
    unsigned mx = 0x1f80 & ~0x200; /* divide-by-zero unmasked */
    float a = 1, b = 0;
    skip = xm_end;
    __asm__ volatile("ldmxcsr %0\n movss %1, %%xmm0\n movss %2, %%xmm1\n"
                     ".globl xm_at, xm_end\nxm_at: divss %%xmm1, %%xmm0\nxm_end:" ::"m"(mx),
                     "m"(a), "m"(b)
                     : "xmm0", "xmm1");
    puts("after #XM");
    unsigned short cw = 0x37f & ~0x4;
    skip = mf_end;
    __asm__ volatile("fldcw %0\n fld1\n fldz\n fdivrp\n"
                     ".globl mf_at, mf_end\nmf_at: fwait\nmf_end:\n fstp %%st(0)" ::"m"(cw));
    puts("after #MF");
    return 0;
}
