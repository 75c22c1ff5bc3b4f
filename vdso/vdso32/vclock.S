/* The time functions of the 32-bit vDSO (Linux's LINUX_2.6 set). For now each
 * one makes its system call with int $0x80 and returns the raw result
 * (-errno on failure), which is what glibc and musl expect from a vDSO
 * function. The vvar issue will replace the bodies with reads of the vvar
 * page; see __rs_vvar_page in vdso32.lds for where it will be placed. */

/* i386 system call numbers. */
#define NR_time           13
#define NR_gettimeofday   78
#define NR_clock_gettime  265
#define NR_clock_getres   266
#define NR_clock_gettime64 403

/* cdecl: arguments at 4(%esp) and 8(%esp); %ebx is callee-saved, so it is
 * saved around its use as the first system call argument. */
.macro VSYSCALL name, nr, nargs
    .globl \name
    .type \name, @function
    .p2align 4, 0x90
\name:
    .cfi_startproc
    pushl %ebx
    .cfi_adjust_cfa_offset 4
    .cfi_rel_offset ebx, 0
    movl 8(%esp), %ebx
    .if \nargs > 1
    movl 12(%esp), %ecx
    .endif
    movl $\nr, %eax
    int $0x80
    popl %ebx
    .cfi_restore ebx
    .cfi_adjust_cfa_offset -4
    ret
    .cfi_endproc
    .size \name, . - \name
.endm

    .text
    VSYSCALL __vdso_clock_gettime,   NR_clock_gettime,   2
    VSYSCALL __vdso_gettimeofday,    NR_gettimeofday,    2
    VSYSCALL __vdso_time,            NR_time,            1
    VSYSCALL __vdso_clock_getres,    NR_clock_getres,    2
    VSYSCALL __vdso_clock_gettime64, NR_clock_gettime64, 2

    .section .note.GNU-stack, "", @progbits
