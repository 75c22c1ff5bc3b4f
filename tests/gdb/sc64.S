/* The 64-bit gdb test subject: getppid through SYSCALL, a store to a
 * watched variable, a loop to interrupt, write and exit. Labels name each
 * point the gdb scripts stop at. */
    .text
    .globl _start
_start:
    mov $110, %eax              /* getppid */
    .globl sc_insn
sc_insn:
    syscall
    .globl after_sc
after_sc:
    mov %rax, ppid(%rip)
    .globl store_insn
store_insn:
    movq $0x1234, watched(%rip)
    .globl after_store
after_store:
    mov loops(%rip), %rcx
    .globl spin
spin:
    dec %rcx
    jnz spin
    mov $1, %eax                /* write(1, msg, len) */
    mov $1, %edi
    lea msg(%rip), %rsi
    mov $len, %edx
    syscall
    mov $60, %eax               /* exit(7) */
    mov $7, %edi
    syscall
    .data
    .globl watched, ppid, loops
watched: .quad 0
ppid:    .quad 0
loops:   .quad 1000
msg:     .ascii "sc64 done\n"
    len = . - msg
    .section .note.GNU-stack,"",@progbits
