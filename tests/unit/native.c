/* The native side of the differential unit tests: run a snippet on the host
 * CPU with an exact register state. An assembly trampoline saves the host's
 * callee-saved registers and stack pointer, loads all 16 GPRs, RFLAGS, XMM
 * and MXCSR from the test's state and jumps to the snippet, which ends with an
 * absolute jump back to the trampoline's exit path. Signals raised by the
 * snippet are caught on an alternate stack; the handler records the state at
 * the fault from the ucontext and siglongjmps back. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "native.h"

#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

_Static_assert(offsetof(RegState, rflags) == 128, "asm offsets");
_Static_assert(offsetof(RegState, xmm) == 144, "asm offsets");
_Static_assert(offsetof(RegState, mxcsr) == 400, "asm offsets");

/* Shared with the assembly below (hidden: addressed RIP-relative). */
__attribute__((visibility("hidden"))) RegState rs_native_in, rs_native_out;
__attribute__((visibility("hidden"))) uint64_t rs_native_host[8]; /* rbx rbp r12-r15 rsp mxcsr */
__attribute__((visibility("hidden"))) uint64_t rs_native_code = NATIVE_CODE_ADDR;

void rs_native_enter(void);
void rs_native_exit(void);
void rs_native_enter32(void);

/* clang-format off */
#define SAVE_XMM(op, base)                                                                    \
    op " %xmm0, " base "+144(%rip)\n" op " %xmm1, " base "+160(%rip)\n"                       \
    op " %xmm2, " base "+176(%rip)\n" op " %xmm3, " base "+192(%rip)\n"                       \
    op " %xmm4, " base "+208(%rip)\n" op " %xmm5, " base "+224(%rip)\n"                       \
    op " %xmm6, " base "+240(%rip)\n" op " %xmm7, " base "+256(%rip)\n"                       \
    op " %xmm8, " base "+272(%rip)\n" op " %xmm9, " base "+288(%rip)\n"                       \
    op " %xmm10, " base "+304(%rip)\n" op " %xmm11, " base "+320(%rip)\n"                     \
    op " %xmm12, " base "+336(%rip)\n" op " %xmm13, " base "+352(%rip)\n"                     \
    op " %xmm14, " base "+368(%rip)\n" op " %xmm15, " base "+384(%rip)\n"
#define LOAD_XMM(base)                                                                        \
    "movdqu " base "+144(%rip), %xmm0\nmovdqu " base "+160(%rip), %xmm1\n"                    \
    "movdqu " base "+176(%rip), %xmm2\nmovdqu " base "+192(%rip), %xmm3\n"                    \
    "movdqu " base "+208(%rip), %xmm4\nmovdqu " base "+224(%rip), %xmm5\n"                    \
    "movdqu " base "+240(%rip), %xmm6\nmovdqu " base "+256(%rip), %xmm7\n"                    \
    "movdqu " base "+272(%rip), %xmm8\nmovdqu " base "+288(%rip), %xmm9\n"                    \
    "movdqu " base "+304(%rip), %xmm10\nmovdqu " base "+320(%rip), %xmm11\n"                  \
    "movdqu " base "+336(%rip), %xmm12\nmovdqu " base "+352(%rip), %xmm13\n"                  \
    "movdqu " base "+368(%rip), %xmm14\nmovdqu " base "+384(%rip), %xmm15\n"

__asm__(".text\n"
        ".globl rs_native_enter\n"
        ".hidden rs_native_enter\n"
        ".type rs_native_enter,@function\n"
        "rs_native_enter:\n"
        "mov %rbx, rs_native_host+0(%rip)\n"
        "mov %rbp, rs_native_host+8(%rip)\n"
        "mov %r12, rs_native_host+16(%rip)\n"
        "mov %r13, rs_native_host+24(%rip)\n"
        "mov %r14, rs_native_host+32(%rip)\n"
        "mov %r15, rs_native_host+40(%rip)\n"
        "mov %rsp, rs_native_host+48(%rip)\n"
        "stmxcsr rs_native_host+56(%rip)\n"
        "ldmxcsr rs_native_in+400(%rip)\n" LOAD_XMM("rs_native_in")
        /* RFLAGS first, on the host stack; the movs below keep the flags. */
        "pushq rs_native_in+128(%rip)\n"
        "popfq\n"
        "mov rs_native_in+0(%rip), %rax\n"
        "mov rs_native_in+8(%rip), %rcx\n"
        "mov rs_native_in+16(%rip), %rdx\n"
        "mov rs_native_in+24(%rip), %rbx\n"
        "mov rs_native_in+40(%rip), %rbp\n"
        "mov rs_native_in+48(%rip), %rsi\n"
        "mov rs_native_in+56(%rip), %rdi\n"
        "mov rs_native_in+64(%rip), %r8\n"
        "mov rs_native_in+72(%rip), %r9\n"
        "mov rs_native_in+80(%rip), %r10\n"
        "mov rs_native_in+88(%rip), %r11\n"
        "mov rs_native_in+96(%rip), %r12\n"
        "mov rs_native_in+104(%rip), %r13\n"
        "mov rs_native_in+112(%rip), %r14\n"
        "mov rs_native_in+120(%rip), %r15\n"
        "mov rs_native_in+32(%rip), %rsp\n"
        "jmp *rs_native_code(%rip)\n"
        ".size rs_native_enter, .-rs_native_enter\n"
        ".globl rs_native_exit\n"
        ".hidden rs_native_exit\n"
        ".type rs_native_exit,@function\n"
        "rs_native_exit:\n"
        "mov %rax, rs_native_out+0(%rip)\n"
        "mov %rcx, rs_native_out+8(%rip)\n"
        "mov %rdx, rs_native_out+16(%rip)\n"
        "mov %rbx, rs_native_out+24(%rip)\n"
        "mov %rsp, rs_native_out+32(%rip)\n"
        "mov %rbp, rs_native_out+40(%rip)\n"
        "mov %rsi, rs_native_out+48(%rip)\n"
        "mov %rdi, rs_native_out+56(%rip)\n"
        "mov %r8, rs_native_out+64(%rip)\n"
        "mov %r9, rs_native_out+72(%rip)\n"
        "mov %r10, rs_native_out+80(%rip)\n"
        "mov %r11, rs_native_out+88(%rip)\n"
        "mov %r12, rs_native_out+96(%rip)\n"
        "mov %r13, rs_native_out+104(%rip)\n"
        "mov %r14, rs_native_out+112(%rip)\n"
        "mov %r15, rs_native_out+120(%rip)\n"
        "mov rs_native_host+48(%rip), %rsp\n"
        "pushfq\n"
        "popq rs_native_out+128(%rip)\n"
        "cld\n" SAVE_XMM("movdqu", "rs_native_out")
        "stmxcsr rs_native_out+400(%rip)\n"
        "ldmxcsr rs_native_host+56(%rip)\n"
        "mov rs_native_host+0(%rip), %rbx\n"
        "mov rs_native_host+8(%rip), %rbp\n"
        "mov rs_native_host+16(%rip), %r12\n"
        "mov rs_native_host+24(%rip), %r13\n"
        "mov rs_native_host+32(%rip), %r14\n"
        "mov rs_native_host+40(%rip), %r15\n"
        "ret\n"
        ".size rs_native_exit, .-rs_native_exit\n");

/* The same entry for 32-bit compatibility mode: after loading the state, a
 * far jump through memory (m16:32, no stack use) to CS 0x23 (Linux's
 * __USER32_CS) at the snippet. The snippet ends with a far jump to CS 0x33
 * at a 64-bit stub in the code page (native_code_page32). */
__attribute__((visibility("hidden"))) struct {
    uint32_t off;
    uint16_t sel;
} __attribute__((packed)) rs_native_far32 = {(uint32_t)NATIVE_CODE_ADDR, 0x23};

__asm__(".text\n"
        ".globl rs_native_enter32\n"
        ".hidden rs_native_enter32\n"
        ".type rs_native_enter32,@function\n"
        "rs_native_enter32:\n"
        "mov %rbx, rs_native_host+0(%rip)\n"
        "mov %rbp, rs_native_host+8(%rip)\n"
        "mov %r12, rs_native_host+16(%rip)\n"
        "mov %r13, rs_native_host+24(%rip)\n"
        "mov %r14, rs_native_host+32(%rip)\n"
        "mov %r15, rs_native_host+40(%rip)\n"
        "mov %rsp, rs_native_host+48(%rip)\n"
        "stmxcsr rs_native_host+56(%rip)\n"
        "ldmxcsr rs_native_in+400(%rip)\n" LOAD_XMM("rs_native_in")
        /* RFLAGS first, on the host stack; the movs below keep the flags. */
        "pushq rs_native_in+128(%rip)\n"
        "popfq\n"
        "mov rs_native_in+0(%rip), %rax\n"
        "mov rs_native_in+8(%rip), %rcx\n"
        "mov rs_native_in+16(%rip), %rdx\n"
        "mov rs_native_in+24(%rip), %rbx\n"
        "mov rs_native_in+40(%rip), %rbp\n"
        "mov rs_native_in+48(%rip), %rsi\n"
        "mov rs_native_in+56(%rip), %rdi\n"
        "mov rs_native_in+64(%rip), %r8\n"
        "mov rs_native_in+72(%rip), %r9\n"
        "mov rs_native_in+80(%rip), %r10\n"
        "mov rs_native_in+88(%rip), %r11\n"
        "mov rs_native_in+96(%rip), %r12\n"
        "mov rs_native_in+104(%rip), %r13\n"
        "mov rs_native_in+112(%rip), %r14\n"
        "mov rs_native_in+120(%rip), %r15\n"
        "mov rs_native_in+32(%rip), %rsp\n"
        "ljmpl *rs_native_far32(%rip)\n"
        ".size rs_native_enter32, .-rs_native_enter32\n");
/* clang-format on */

static sigjmp_buf g_jb;
static volatile sig_atomic_t g_in_guest;
static int g_ready; /* 0 untried, 1 ok, -1 failed */

static void on_signal(int sig, siginfo_t *si, void *ucv) {
    (void)si;
    if (!g_in_guest) { /* a bug in the test itself: die with the real signal */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    ucontext_t *uc = ucv;
    const greg_t *g = uc->uc_mcontext.gregs;
    static const int map[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
                                REG_RSI, REG_RDI, REG_R8,  REG_R9,  REG_R10, REG_R11,
                                REG_R12, REG_R13, REG_R14, REG_R15};
    for (int r = 0; r < 16; r++)
        rs_native_out.gpr[r] = (uint64_t)g[map[r]];
    rs_native_out.rflags = (uint64_t)g[REG_EFL];
    rs_native_out.rip = (uint64_t)g[REG_RIP];
    if (uc->uc_mcontext.fpregs) {
        memcpy(rs_native_out.xmm, uc->uc_mcontext.fpregs->_xmm, sizeof rs_native_out.xmm);
        rs_native_out.mxcsr = uc->uc_mcontext.fpregs->mxcsr;
    }
    g_in_guest = 0;
    siglongjmp(g_jb, sig);
}

static int setup(void) {
    static const struct {
        uint64_t addr, len;
        int prot;
    } maps[] = {
        {NATIVE_CODE_ADDR, 4096, PROT_READ | PROT_WRITE | PROT_EXEC},
        {DATA_ADDR, DATA_SIZE, PROT_READ | PROT_WRITE},
        {STACK_ADDR, STACK_SIZE, PROT_READ | PROT_WRITE},
        {RO_ADDR, 4096, PROT_READ | PROT_WRITE},
    };
    for (size_t k = 0; k < sizeof maps / sizeof maps[0]; k++) {
        void *p = mmap((void *)(uintptr_t)maps[k].addr, maps[k].len, maps[k].prot,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (p != (void *)(uintptr_t)maps[k].addr) {
            fprintf(stderr, "native: cannot map %#llx\n", (unsigned long long)maps[k].addr);
            return -1;
        }
    }
    for (unsigned k = 0; k < 4096; k++)
        ((uint8_t *)(uintptr_t)RO_ADDR)[k] = (uint8_t)(7 * k + 3);
    if (mprotect((void *)(uintptr_t)RO_ADDR, 4096, PROT_READ) != 0) return -1;
    static stack_t ss;
    ss.ss_size = 1 << 16;
    ss.ss_sp = malloc(ss.ss_size);
    if (!ss.ss_sp || sigaltstack(&ss, NULL) != 0) return -1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    const int sigs[] = {SIGFPE, SIGSEGV, SIGILL, SIGTRAP, SIGBUS};
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
        if (sigaction(sigs[k], &sa, NULL) != 0) return -1;
    return 0;
}

void native_code_page(const uint8_t *code, size_t len, uint8_t page[4096]) {
    memset(page, 0xcc, 4096);
    memcpy(page, code, len);
    /* jmp *0(%rip); .quad rs_native_exit */
    static const uint8_t jmp_abs[6] = {0xff, 0x25, 0, 0, 0, 0};
    uint64_t exit_addr = (uint64_t)(uintptr_t)rs_native_exit;
    memcpy(page + len, jmp_abs, 6);
    memcpy(page + len + 6, &exit_addr, 8);
}

int native_exec(const uint8_t *code, size_t len, RegState *st, uint8_t *data) {
    if (!g_ready) g_ready = setup() == 0 ? 1 : -1;
    if (g_ready < 0 || len > CODE_MAX) return -1;

    static uint8_t page[4096];
    native_code_page(code, len, page);
    uint8_t *cp = (uint8_t *)(uintptr_t)NATIVE_CODE_ADDR;
    memcpy(cp, page, sizeof page);
    __builtin___clear_cache((char *)cp, (char *)cp + sizeof page);

    memcpy((void *)(uintptr_t)DATA_ADDR, data, DATA_SIZE);
    memset((void *)(uintptr_t)STACK_ADDR, 0, STACK_SIZE);
    rs_native_in = *st;
    rs_native_in.rflags = (st->rflags & RS_FLAGS_LOADABLE) | 0x202;
    memset(&rs_native_out, 0, sizeof rs_native_out);

    volatile int sig = sigsetjmp(g_jb, 1);
    if (sig == 0) {
        g_in_guest = 1;
        rs_native_enter();
        g_in_guest = 0;
        rs_native_out.rip = NATIVE_CODE_ADDR + len;
    } else {
        /* The kernel gave the handler a clean FPU state; siglongjmp kept it.
         * Put the host's MXCSR back as the trampoline would have. */
        uint32_t m = (uint32_t)rs_native_host[7];
        __asm__ volatile("ldmxcsr %0" ::"m"(m));
    }
    *st = rs_native_out;
    memcpy(data, (void *)(uintptr_t)DATA_ADDR, DATA_SIZE);
    return sig;
}

/* ---- 32-bit compatibility mode ---- */

void native_code_page32(const uint8_t *code, size_t len, uint8_t page[4096]) {
    memset(page, 0xcc, 4096);
    memcpy(page, code, len);
    /* jmp far 0x33:stub (EA ptr16:32), then the 64-bit stub:
     * jmp *0(%rip); .quad rs_native_exit */
    const uint32_t stub = (uint32_t)(NATIVE_CODE_ADDR + len + 7);
    uint8_t *p = page + len;
    p[0] = 0xea;
    memcpy(p + 1, &stub, 4);
    p[5] = 0x33;
    p[6] = 0x00;
    static const uint8_t jmp_abs[6] = {0xff, 0x25, 0, 0, 0, 0};
    uint64_t exit_addr = (uint64_t)(uintptr_t)rs_native_exit;
    memcpy(p + 7, jmp_abs, 6);
    memcpy(p + 13, &exit_addr, 8);
}

static uint16_t get_seg(int which) {
    uint16_t v = 0;
    if (which == 0) __asm__ volatile("mov %%ds, %0" : "=r"(v));
    if (which == 1) __asm__ volatile("mov %%es, %0" : "=r"(v));
    if (which == 2) __asm__ volatile("mov %%gs, %0" : "=r"(v));
    return v;
}
static void set_segs(uint16_t ds, uint16_t es, uint16_t gs) {
    __asm__ volatile("mov %0, %%ds\n\tmov %1, %%es\n\tmov %2, %%gs" ::"r"(ds), "r"(es), "r"(gs));
}

int native_exec32(const uint8_t *code, size_t len, RegState *st, uint8_t *data) {
    if (!g_ready) g_ready = setup() == 0 ? 1 : -1;
    if (g_ready < 0 || len > CODE32_MAX) return -1;

    static uint8_t page[4096];
    native_code_page32(code, len, page);
    uint8_t *cp = (uint8_t *)(uintptr_t)NATIVE_CODE_ADDR;
    memcpy(cp, page, sizeof page);
    __builtin___clear_cache((char *)cp, (char *)cp + sizeof page);

    memcpy((void *)(uintptr_t)DATA_ADDR, data, DATA_SIZE);
    memset((void *)(uintptr_t)STACK_ADDR, 0, STACK_SIZE);
    rs_native_in = *st;
    for (int r = 0; r < 8; r++)
        rs_native_in.gpr[r] = (uint32_t)st->gpr[r];
    rs_native_in.rflags = (st->rflags & RS_FLAGS_LOADABLE) | 0x202;
    memset(&rs_native_out, 0, sizeof rs_native_out);

    /* Compatibility mode uses DS/ES (null in a 64-bit process: #GP) and GS
     * (a GS override): flat __USER_DS (0x2b, base 0) for the run. FS stays:
     * it holds the host's TLS. */
    const uint16_t ds = get_seg(0), es = get_seg(1), gs = get_seg(2);
    set_segs(0x2b, 0x2b, 0x2b);
    volatile int sig = sigsetjmp(g_jb, 1);
    if (sig == 0) {
        g_in_guest = 1;
        rs_native_enter32();
        g_in_guest = 0;
        rs_native_out.rip = NATIVE_CODE_ADDR + len;
    } else {
        uint32_t m = (uint32_t)rs_native_host[7];
        __asm__ volatile("ldmxcsr %0" ::"m"(m));
    }
    set_segs(ds, es, gs);
    *st = rs_native_out;
    /* Upper halves are undefined after compatibility mode; R8-R15 unreachable. */
    for (int r = 0; r < 16; r++)
        st->gpr[r] = r < 8 ? (uint32_t)st->gpr[r] : 0;
    st->rip = (uint32_t)st->rip;
    st->rflags &= 0xffffffffull;
    memcpy(data, (void *)(uintptr_t)DATA_ADDR, DATA_SIZE);
    return sig;
}
