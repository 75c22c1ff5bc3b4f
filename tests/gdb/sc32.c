/* The 32-bit gdb test subject: getppid through int $0x80 and through the
 * vDSO's __kernel_vsyscall (SYSENTER on Intel, SYSCALL on AMD), at labelled
 * instructions the gdb scripts break on. */
#include <stdio.h>
#include <sys/auxv.h>

int main(void) {
    long a, b;
    void *vsyscall = (void *)getauxval(AT_SYSINFO);
    __asm__ volatile(".globl int80_insn\nint80_insn: int $0x80\n.globl int80_after\nint80_after:"
                     : "=a"(a)
                     : "a"(64)
                     : "memory");
    __asm__ volatile(".globl vsys_call\nvsys_call: call *%1\n.globl vsys_after\nvsys_after:"
                     : "=a"(b)
                     : "r"(vsyscall), "a"(64)
                     : "memory");
    printf("%d\n", a == b);
    return 0;
}
