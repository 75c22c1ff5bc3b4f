/* exit(open("/dev/null", O_RDONLY)): the descriptor number the program
 * gets, as its exit status (the viewer's own descriptors must not take it). */
.globl _start
_start:
    mov $2, %eax
    lea path(%rip), %rdi
    xor %esi, %esi
    xor %edx, %edx
    syscall
    mov %eax, %edi
    mov $60, %eax
    syscall
.data
path: .asciz "/dev/null"
