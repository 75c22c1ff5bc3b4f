/* raw_enosys: system call numbers Linux does not have return -ENOSYS (-38):
 * 1000, 0x7fffffff and -1 (the last is how a tracer skips a call). Prints
 * one line per number, then exit_group(0). ringside reports unknown syscalls
 * once on stderr by design, so the harness compares stdout and status only.
 * Built with gcc -nostdlib -static -no-pie. */
        .macro  TRY nr, label
        mov     $\nr, %rax
        syscall
        cmp     $-38, %rax
        mov     $1, %eax
        mov     $1, %edi
        lea     \label(%rip), %rsi
        jne     1f
        mov     $18, %edx               /* the whole line */
        jmp     2f
1:      mov     $10, %edx               /* the name only, then FAIL */
        syscall
        lea     failmsg(%rip), %rsi
        mov     $1, %eax
        mov     $5, %edx
2:      syscall
        .endm

        .text
        .globl  _start
_start:
        TRY     1000, l1000
        TRY     0x7fffffff, lbig
        TRY     -1, lneg
        mov     $231, %eax
        xor     %edi, %edi
        syscall
        hlt

        .section .rodata
l1000:   .ascii "nr 1000:  -ENOSYS\n"
lbig:    .ascii "nr 2^31-1 -ENOSYS\n"
lneg:    .ascii "nr -1:    -ENOSYS\n"
failmsg: .ascii "FAIL\n"
        .section .note.GNU-stack, "", @progbits
