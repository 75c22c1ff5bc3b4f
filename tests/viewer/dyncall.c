/* viewer tests dynlibc64, vdso64, dlopen64: a dynamic program.
 * It looks up FN (in the vDSO, or in LIB loaded by dlopen after startup),
 * then makes a bare getppid system call and calls FN right after it, three
 * instructions later: the test runs to the call's return (`r`, counted from
 * --strace) and steps those three ("sss") to stand on FN's first
 * instruction. Without LIB/FN it just writes (libc's write). */
#include <dlfcn.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(void) {
#ifdef FN
    void *h = dlopen(LIB, RTLD_NOW);
    void *f = h ? dlsym(h, FN) : NULL;
    if (!f) return 2;
    struct timespec ts;
    int e = 0;
    /* clock_gettime(CLOCK_MONOTONIC, &ts), or frexp(x, &e) */
    unsigned long a0 = ARG0, a1 = (unsigned long)&ts;
    long r;
    __asm__ volatile("mov $110, %%eax\n\t" /* getppid */
                     "syscall\n\t"
                     "mov %2, %%rdi\n\t"
                     "mov %3, %%rsi\n\t"
                     "call *%1"
                     : "=&a"(r)
                     : "r"(f), "r"(a0), "r"(a1)
                     : "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "xmm0", "xmm1", "xmm2",
                       "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
                       "xmm12", "xmm13", "xmm14", "xmm15", "memory", "cc");
    (void)r;
    (void)e;
    printf("called %s\n", FN);
    return 0;
#else
    return write(1, "hello\n", 6) == 6 ? 0 : 1;
#endif
}
