/* divzero: integer divide errors (#DE), which Linux turns into SIGFPE
 * (status 136). argv[1] picks the form; the default is plain C.
 *   c       100 / x with x == 0 (whatever division the compiler emits)
 *   div32   DIV r32 by zero          div64  DIV r64 by zero
 *   idiv64  IDIV r64 by zero         ovf64  INT64_MIN / -1 (quotient overflow)
 *   ovf8    IDIV r8: -128 / -1
 * The faulting instruction carries a global label rs_at_MODE so the harness
 * can check the address ringside reports. */
#include <stdio.h>
#include <string.h>

static volatile int zero, hundred = 100;

__attribute__((noinline)) static void m_c(void) { printf("result %d\n", hundred / zero); /* not 1/x: gcc turns that into compares */ }
__attribute__((noinline)) static void m_div32(void) {
    __asm__ volatile("xor %%edx,%%edx\n\tmov $7,%%eax\n\txor %%ecx,%%ecx\n\t"
                     ".globl rs_at_div32\nrs_at_div32: divl %%ecx" ::: "rax", "rcx", "rdx");
}
__attribute__((noinline)) static void m_div64(void) {
    __asm__ volatile("xor %%edx,%%edx\n\tmov $7,%%eax\n\txor %%ecx,%%ecx\n\t"
                     ".globl rs_at_div64\nrs_at_div64: divq %%rcx" ::: "rax", "rcx", "rdx");
}
__attribute__((noinline)) static void m_idiv64(void) {
    __asm__ volatile("mov $-7,%%rax\n\tcqo\n\txor %%ecx,%%ecx\n\t"
                     ".globl rs_at_idiv64\nrs_at_idiv64: idivq %%rcx" ::: "rax", "rcx", "rdx");
}
__attribute__((noinline)) static void m_ovf64(void) {
    __asm__ volatile("mov $1,%%rax\n\tshl $63,%%rax\n\tcqo\n\tmov $-1,%%rcx\n\t"
                     ".globl rs_at_ovf64\nrs_at_ovf64: idivq %%rcx" ::: "rax", "rcx", "rdx");
}
__attribute__((noinline)) static void m_ovf8(void) {
    __asm__ volatile("mov $-128,%%ax\n\tmov $-1,%%cl\n\t"
                     ".globl rs_at_ovf8\nrs_at_ovf8: idivb %%cl" ::: "rax", "rcx");
}

int main(int argc, char **argv) {
    static const struct {
        const char *name;
        void (*fn)(void);
    } modes[] = {{"c", m_c},         {"div32", m_div32}, {"div64", m_div64},
                 {"idiv64", m_idiv64}, {"ovf64", m_ovf64}, {"ovf8", m_ovf8}};
    const char *mode = argc > 1 ? argv[1] : "c";
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        if (strcmp(mode, modes[i].name)) continue;
        printf("divzero: %s\n", mode);
        fflush(stdout); /* the fault kills us: anything buffered would be lost */
        modes[i].fn();
        printf("divzero: %s did not fault\n", mode);
        return 0;
    }
    fprintf(stderr, "divzero: unknown mode %s\n", mode);
    return 2;
}
