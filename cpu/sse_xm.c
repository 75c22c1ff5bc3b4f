/* Unmasked SIMD floating-point exceptions decided by the host itself.
 *
 * sse_fp_native(c, fn, a, b) runs fn (one host SSE instruction) with the
 * guest's MXCSR exactly, unmasked exceptions included. If the host raises
 * #XM, a SIGFPE handler installed for just that call takes the MXCSR the
 * hardware recorded from the signal frame, masks all exceptions in the frame
 * and returns, so the instruction completes masked and fn returns; the
 * result is then dropped and the guest gets #XM (#UD when CR4.OSXMMEXCPT is
 * clear) with the recorded flags. Which flags a multi-stage instruction such
 * as DPPS records when it stops at a stage is the hardware's own, with no
 * model of it here. Slow path only: used when some exception is unmasked in
 * the guest (sse_all_masked() false), costs two sigaction calls. */
#include <signal.h>
#include <string.h>
#include <ucontext.h>

#include "sse.h"

static _Thread_local volatile sig_atomic_t xm_armed, xm_hit;
static _Thread_local volatile uint32_t xm_csr;
static struct sigaction xm_prev;

static void xm_handler(int sig, siginfo_t *si, void *ucv) {
    ucontext_t *uc = ucv;
    if (xm_armed && !xm_hit && uc->uc_mcontext.fpregs) {
        xm_csr = uc->uc_mcontext.fpregs->mxcsr;
        xm_hit = 1;
        uc->uc_mcontext.fpregs->mxcsr |= MXCSR_MASKS; /* re-executes masked */
        return;
    }
    /* Not ours (another thread while installed): what was there before. */
    if ((xm_prev.sa_flags & SA_SIGINFO) && xm_prev.sa_sigaction) {
        xm_prev.sa_sigaction(sig, si, ucv);
    } else if (xm_prev.sa_handler != SIG_DFL && xm_prev.sa_handler != SIG_IGN) {
        xm_prev.sa_handler(sig);
    } else {
        signal(sig, SIG_DFL); /* the fault repeats and takes the default action */
    }
}

__m128i sse_fp_native(Cpu *c, SseFn fn, __m128i a, __m128i b) {
    uint32_t guest = sse_read_mxcsr(c);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = xm_handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGFPE, &sa, &xm_prev);
    xm_hit = 0;
    xm_armed = 1;
    __asm__ volatile("ldmxcsr %0" ::"m"(guest) : "memory");
    __m128i r = fn(a, b);
    uint32_t after;
    __asm__ volatile("stmxcsr %0" : "=m"(after)::"memory");
    xm_armed = 0;
    sigaction(SIGFPE, &xm_prev, NULL);
    if (xm_hit) after = xm_csr;
    c->mxcsr = (c->mxcsr & ~MXCSR_FLAGS) | (after & MXCSR_FLAGS);
    cpu_mxcsr_to_host(c); /* guest control bits, host exceptions masked again */
    if (xm_hit) {
        if (c->cr4 & CR4_OSXMMEXCPT) cpu_fault_noerr(c, EXC_XM);
        UD(c);
    }
    return r;
}
