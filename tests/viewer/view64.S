/* The 64-bit viewer test program: two known values into rbx (the
 * changed-register highlight and the rewind test look for them), then
 * write(1, "hello\n", 6) through SYSCALL and exit(0). */
.globl _start
_start:
    mov $0x1111, %rbx
    mov $0x2222, %rbx
    mov $1, %eax
    mov $1, %edi
    lea msg(%rip), %rsi
    mov $6, %edx
    syscall
    mov $60, %eax
    xor %edi, %edi
    syscall
.data
msg: .ascii "hello\n"
