/* The 32-bit viewer test program: two known values into ebp, then
 * write(1, "hello\n", 6) through int $0x80 and exit(0) the same way. */
.globl _start
_start:
    mov $0x1111, %ebp
    mov $0x2222, %ebp
    mov $4, %eax
    mov $1, %ebx
    mov $msg, %ecx
    mov $6, %edx
    int $0x80
    mov $1, %eax
    xor %ebx, %ebx
    int $0x80
.data
msg: .ascii "hello\n"
