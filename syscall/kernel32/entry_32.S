/* The --kernel=i386 model's entry and exit code: a 32-bit kernel in legacy
 * protected mode (models Linux's arch/x86/entry/entry_32.S). pt_regs is
 * i386 Linux's; VMCALL hands it to the host (EDI = &pt_regs, ESI = reason,
 * as in the 64-bit model). */
#include "kernel32.h"
#include "../kernel/kernel.h" /* hypercall reasons */

    .section .text.entry, "ax"
    .code32

/* SAVE_ALL: below the CPU's frame and orig_ax, the segment registers and
 * general registers in struct pt_regs order; then the kernel's data
 * segments (Linux keeps __USER_DS in DS/ES inside the kernel too). */
.macro SAVE_ALL ax=$-38
    pushl %gs                               /* pt_regs->gs */
    pushl %fs                               /* pt_regs->fs */
    pushl %es                               /* pt_regs->es */
    pushl %ds                               /* pt_regs->ds */
    pushl \ax                               /* pt_regs->ax: -ENOSYS for system calls */
    pushl %ebp                              /* pt_regs->bp */
    pushl %edi                              /* pt_regs->di */
    pushl %esi                              /* pt_regs->si */
    pushl %edx                              /* pt_regs->dx */
    pushl %ecx                              /* pt_regs->cx */
    pushl %ebx                              /* pt_regs->bx */
    movl $__USER_DS32, %edx
    movl %edx, %ds
    movl %edx, %es
.endm

.macro RESTORE_REGS
    popl %ebx
    popl %ecx
    popl %edx
    popl %esi
    popl %edi
    popl %ebp
    popl %eax
    popl %ds
    popl %es
    popl %fs
    popl %gs
    addl $4, %esp                           /* orig_ax */
.endm

/*
 * entry_INT80_32: int $0x80 through IDT gate 0x80 (DPL 3). The CPU took
 * SS0:ESP0 from the TSS and pushed SS, ESP, EFLAGS, CS, EIP.
 */
    .globl entry_INT80_32
entry_INT80_32:
    pushl %eax                              /* pt_regs->orig_ax */
    SAVE_ALL
    movl %esp, %edi
    movl $HC_INT80, %esi                    /* do_int80_syscall_32() */
    vmcall
restore_all:
    RESTORE_REGS
    iret

/*
 * entry_SYSENTER_32: SYSENTER from user mode. ESP came from SYSENTER_ESP,
 * the user stack pointer is in EBP (__kernel_vsyscall: movl %esp,%ebp).
 * Build the frame INT would have pushed, then pt_regs. Return with SYSEXIT:
 * EIP from EDX (the vDSO landing point), ESP from ECX.
 */
    .globl entry_SYSENTER_32
entry_SYSENTER_32:
    pushl $__USER_DS32                      /* pt_regs->ss */
    pushl %ebp                              /* pt_regs->sp */
    pushfl                                  /* pt_regs->flags */
    orl $0x200, (%esp)                      /* user mode ran with IF set */
    pushl $__USER_CS32                      /* pt_regs->cs */
    pushl $0                                /* pt_regs->ip: the host sets the landing point */
    pushl %eax                              /* pt_regs->orig_ax */
    SAVE_ALL
    movl %esp, %edi
    movl $HC_SYSENTER32, %esi               /* do_SYSENTER_32() */
    vmcall
    /* SYSEXIT only if the host allows it (EAX: no signal frame or
     * sigreturn rewrote pt_regs) and it restores exactly what IRET would */
    testl %eax, %eax
    jz restore_all
    testl $(0x100 | 0x10000 | 0x20000), PT32_FLAGS(%esp) /* TF | RF | VM */
    jnz restore_all
    cmpl $__USER_CS32, PT32_CS(%esp)
    jne restore_all
    movl PT32_IP(%esp), %edx                /* SYSEXIT: EIP := EDX */
    movl PT32_SP(%esp), %ecx                /* SYSEXIT: ESP := ECX */
    movl %edx, PT32_DX(%esp)
    movl %ecx, PT32_CX(%esp)
    RESTORE_REGS
    addl $8, %esp                           /* skip ip, cs: RFLAGS next */
    btrl $9, (%esp)                         /* IF is set again right before SYSEXIT */
    popfl
    sti
    sysexit

/* Exceptions: as entry_64.S, with 32-bit frames. */
.macro IDTENTRY32 vector, name, has_error_code=0
    .globl \name
\name:
    .if \has_error_code == 0
    pushl $-1                               /* pt_regs->orig_ax: no error code */
    .endif
    SAVE_ALL %eax                           /* the interrupted EAX: the fault may be resolved */
    movl %esp, %edi
    movl $\vector, %edx
    jmp exc_common32
.endm

    IDTENTRY32  0, exc32_divide_error
    IDTENTRY32  1, exc32_debug
    IDTENTRY32  3, exc32_int3
    IDTENTRY32  4, exc32_overflow
    IDTENTRY32  5, exc32_bounds
    IDTENTRY32  6, exc32_invalid_op
    IDTENTRY32  7, exc32_device_not_available
    IDTENTRY32  8, exc32_double_fault, 1
    IDTENTRY32 10, exc32_invalid_tss, 1
    IDTENTRY32 11, exc32_segment_not_present, 1
    IDTENTRY32 12, exc32_stack_segment, 1
    IDTENTRY32 13, exc32_general_protection, 1
    IDTENTRY32 16, exc32_coprocessor_error
    IDTENTRY32 17, exc32_alignment_check, 1
    IDTENTRY32 19, exc32_simd_coprocessor_error

    .globl exc32_page_fault
exc32_page_fault:
    SAVE_ALL %eax                           /* resumed after stack growth */
    movl %esp, %edi
    movl %cr2, %ecx                         /* fault address for the host */
    movl $14, %edx
exc_common32:
    movl $HC_EXCEPTION, %esi
    vmcall
    jmp restore_all
