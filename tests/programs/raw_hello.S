/* raw_hello: no libc at all: write(2) and exit_group(2) through SYSCALL.
 * Built with gcc -nostdlib -static -no-pie. */
        .text
        .globl  _start
_start:
        mov     $1, %eax                /* write */
        mov     $1, %edi                /* stdout */
        lea     msg(%rip), %rsi
        mov     $msg_len, %edx
        syscall
        cmp     $msg_len, %rax
        jne     1f
        mov     $231, %eax              /* exit_group(0) */
        xor     %edi, %edi
        syscall
1:      mov     $231, %eax              /* short write: exit_group(1) */
        mov     $1, %edi
        syscall
        hlt                             /* not reached */

        .section .rodata
msg:    .ascii  "hello from raw asm\n"
        .set    msg_len, . - msg
        .section .note.GNU-stack, "", @progbits
