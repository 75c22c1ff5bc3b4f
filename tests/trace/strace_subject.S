/* strace_subject: system calls whose arguments and results are the same in
 * every run, for comparing `ringside --strace` with strace(1): a write, a
 * write from a bad pointer (EFAULT), close(-1) (EBADF), a zero-length read,
 * getuid, and exit_group(7). Built with gcc -nostdlib -static -no-pie. */
        .text
        .globl  _start
_start:
        mov     $1, %eax                /* write(1, "traced\n", 7) */
        mov     $1, %edi
        lea     msg(%rip), %rsi
        mov     $7, %edx
        syscall
        mov     $1, %eax                /* write(1, 0x10, 5) = -EFAULT */
        mov     $1, %edi
        mov     $0x10, %esi
        mov     $5, %edx
        syscall
        mov     $3, %eax                /* close(-1) = -EBADF */
        mov     $-1, %edi
        syscall
        xor     %eax, %eax              /* read(0, buf, 0) = 0 */
        xor     %edi, %edi
        lea     msg(%rip), %rsi
        xor     %edx, %edx
        syscall
        mov     $102, %eax              /* getuid */
        syscall
        mov     $231, %eax              /* exit_group(7) */
        mov     $7, %edi
        syscall
        hlt
        .section .rodata
msg:    .ascii  "traced\n"
        .section .note.GNU-stack, "", @progbits
