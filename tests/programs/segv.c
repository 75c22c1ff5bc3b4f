/* segv: memory faults that Linux reports as SIGSEGV (status 139) or SIGBUS.
 * argv[1] picks the access; the default is a NULL read.
 *   null-read, null-write    #PF on page 0 (not present)
 *   null-exec                call through a NULL function pointer (fetch fault)
 *   kernel-read/-write       user access to the kernel half (0xffffffff81000000):
 *                            a supervisor page, or nothing, either way #PF
 *   noncanonical             0x8000000000000000: #GP, not #PF
 *   rodata-write             store into a string literal (read-only segment)
 *   stack-overflow           unbounded recursion into the stack guard
 * Faulting accesses carry a global label rs_at_MODE (see divzero.c). */
#include <stdio.h>
#include <string.h>

static const char literal[] = "read-only";

__attribute__((noinline)) static void m_null_read(void) {
    unsigned long v;
    __asm__ volatile("xor %%eax,%%eax\n\t.globl rs_at_null_read\nrs_at_null_read: mov (%%rax),%0"
                     : "=r"(v)::"rax");
    printf("read %lu\n", v);
}
__attribute__((noinline)) static void m_null_write(void) {
    __asm__ volatile("xor %%eax,%%eax\n\t.globl rs_at_null_write\nrs_at_null_write: movl $1,(%%rax)"
                     ::: "rax", "memory");
}
__attribute__((noinline)) static void m_null_exec(void) {
    void (*volatile fp)(void) = 0;
    fp();
}
__attribute__((noinline)) static void m_kernel_read(void) {
    unsigned long v;
    __asm__ volatile("mov $0xffffffff81000000,%%rax\n\t"
                     ".globl rs_at_kernel_read\nrs_at_kernel_read: mov (%%rax),%0"
                     : "=r"(v)::"rax");
    printf("read %lx\n", v);
}
__attribute__((noinline)) static void m_kernel_write(void) {
    __asm__ volatile("mov $0xffffffff81000040,%%rax\n\t"
                     ".globl rs_at_kernel_write\nrs_at_kernel_write: movb $0xcc,(%%rax)"
                     ::: "rax", "memory");
}
__attribute__((noinline)) static void m_noncanonical(void) {
    unsigned long v;
    __asm__ volatile("mov $1,%%eax\n\tshl $63,%%rax\n\t"
                     ".globl rs_at_noncanonical\nrs_at_noncanonical: mov (%%rax),%0"
                     : "=r"(v)::"rax");
    printf("read %lx\n", v);
}
__attribute__((noinline)) static void m_rodata_write(void) {
    __asm__ volatile(".globl rs_at_rodata_write\nrs_at_rodata_write: movb $0x58,(%0)"
                     ::"r"(literal) : "memory");
}
__attribute__((noinline)) static unsigned long recurse(volatile unsigned long n) {
    volatile char pad[4096];
    pad[0] = (char)n;
    if (n > (1ul << 40)) return 0; /* never true; keeps the compiler from calling this infinite */
    return recurse(n + 1) + pad[0]; /* not a tail call: every level keeps its frame */
}
__attribute__((noinline)) static void m_stack_overflow(void) { printf("%lu\n", recurse(0)); }

int main(int argc, char **argv) {
    static const struct {
        const char *name;
        void (*fn)(void);
    } modes[] = {
        {"null-read", m_null_read},       {"null-write", m_null_write},
        {"null-exec", m_null_exec},       {"kernel-read", m_kernel_read},
        {"kernel-write", m_kernel_write}, {"noncanonical", m_noncanonical},
        {"rodata-write", m_rodata_write}, {"stack-overflow", m_stack_overflow},
    };
    const char *mode = argc > 1 ? argv[1] : "null-read";
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        if (strcmp(mode, modes[i].name)) continue;
        printf("segv: %s\n", mode);
        fflush(stdout);
        modes[i].fn();
        printf("segv: %s did not fault\n", mode);
        return 0;
    }
    fprintf(stderr, "segv: unknown mode %s\n", mode);
    return 2;
}
