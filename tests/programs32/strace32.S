/* strace32: i386 system calls with simple arguments, made with int $0x80,
 * for the strace/ suite: ringside --strace must print what strace(1) prints
 * for a 32-bit process (the i386 names and argument formats). */
    .text
    .globl _start
_start:
    mov $4, %eax; mov $1, %ebx; mov $msg, %ecx; mov $6, %edx; int $0x80      /* write */
    mov $5, %eax; mov $path, %ebx; xor %ecx, %ecx; int $0x80                  /* open ENOENT */
    mov $6, %eax; mov $99, %ebx; int $0x80                                     /* close EBADF */
    mov $33, %eax; mov $path, %ebx; mov $4, %ecx; int $0x80                   /* access */
    mov $12, %eax; mov $path, %ebx; int $0x80                                  /* chdir */
    mov $60, %eax; mov $022, %ebx; int $0x80                                   /* umask */
    mov $60, %eax; mov $022, %ebx; int $0x80                                   /* umask */
    mov $41, %eax; mov $99, %ebx; int $0x80                                    /* dup */
    mov $37, %eax; mov $0, %ebx; mov $0, %ecx; int $0x80                       /* kill(0, 0) */
    mov $195, %eax; mov $path, %ebx; mov $buf, %ecx; int $0x80                /* stat64 ENOENT */
    mov $221, %eax; mov $99, %ebx; mov $1, %ecx; int $0x80                    /* fcntl64 F_GETFD EBADF */
    mov $295, %eax; mov $-100, %ebx; mov $path, %ecx; mov $0x80000, %edx; int $0x80 /* openat */
    mov $307, %eax; mov $-100, %ebx; mov $path, %ecx; mov $2, %edx; int $0x80 /* faccessat */
    mov $355, %eax; mov $buf, %ebx; mov $0, %ecx; mov $1, %edx; int $0x80     /* getrandom 0 */
    mov $252, %eax; mov $3, %ebx; int $0x80                                    /* exit_group */
    .data
msg: .ascii "hello\n"
path: .asciz "/nonexistent/x"
    .bss
buf: .space 256
