/* The modelled kernel's 64-bit entry and exit code, running at CPL 0 in the
 * guest. Each entry point is named after the Linux entry it models
 * (arch/x86/entry/entry_64.S). The C half of the kernel runs on the host:
 * VMCALL hands it the pt_regs built here (RDI) with a reason code (ESI). */
#include "calling.h"

    .section .text.entry, "ax"
    .code64

/*
 * entry_SYSCALL_64: the target of SYSCALL from 64-bit user mode (LSTAR).
 * On entry (SDM, SYSCALL): RCX = user RIP, R11 = user RFLAGS, CS/SS from
 * STAR, RFLAGS masked by SFMASK; RSP is still the user stack, so nothing
 * may touch memory through it until the kernel stack is loaded.
 */
    .globl entry_SYSCALL_64
entry_SYSCALL_64:
    swapgs                                  /* GS base := per-CPU area */
    /* Linux: SWITCH_TO_KERNEL_CR3 (page-table isolation) happens here; the
     * model has one address space with supervisor-only kernel pages. */
    movq %rsp, %gs:PCPU_USER_RSP            /* park the user stack pointer */
    movq %gs:PCPU_TOP_OF_STACK, %rsp        /* kernel stack: top of task stack */

    /* Build the hardware-style frame SYSCALL did not push, then pt_regs. */
    pushq $__USER_DS                        /* pt_regs->ss */
    pushq %gs:PCPU_USER_RSP                 /* pt_regs->sp */
    pushq %r11                              /* pt_regs->flags */
    pushq $__USER_CS                        /* pt_regs->cs */
    pushq %rcx                              /* pt_regs->ip */
entry_SYSCALL_64_after_hwframe:
    pushq %rax                              /* pt_regs->orig_ax: the syscall number */
    PUSH_AND_CLEAR_REGS rax_val=$-38        /* pt_regs->ax = -ENOSYS */

    /* do_syscall_64(regs, nr): the host-side dispatcher. */
    movq %rsp, %rdi
    movl $HC_SYSCALL64, %esi
    vmcall

    /*
     * Return. Like Linux's syscall_exit path, use SYSRET only when it
     * restores exactly what IRET would: RCX == RIP, R11 == RFLAGS, the
     * standard user CS/SS, a canonical RIP, and no TF/RF to honour.
     * Otherwise (execve, sigreturn, ptrace changes) fall back to IRET.
     */
    movq PT_RCX(%rsp), %rcx
    movq PT_RIP(%rsp), %r11
    cmpq %rcx, %r11
    jne swapgs_restore_regs_and_return_to_usermode
    /* canonical check: sign-extend from bit 47 and compare */
    shlq $16, %rcx
    sarq $16, %rcx
    cmpq %rcx, %r11
    jne swapgs_restore_regs_and_return_to_usermode
    cmpq $__USER_CS, PT_CS(%rsp)
    jne swapgs_restore_regs_and_return_to_usermode
    movq PT_R11(%rsp), %r11
    cmpq %r11, PT_FLAGS(%rsp)
    jne swapgs_restore_regs_and_return_to_usermode
    testq $(0x100 | 0x10000), %r11          /* TF | RF */
    jnz swapgs_restore_regs_and_return_to_usermode
    cmpq $__USER_DS, PT_SS(%rsp)
    jne swapgs_restore_regs_and_return_to_usermode

syscall_return_via_sysret:
    POP_REGS                                /* RCX/R11 now hold RIP/RFLAGS */
    addq $8, %rsp                           /* skip orig_ax; RSP -> pt_regs->ip */
    movq 24(%rsp), %rsp                     /* pt_regs->sp: back on the user stack */
    swapgs                                  /* GS base := user's */
    sysretq

/*
 * The IRET exit, shared by system calls that cannot use SYSRET and by
 * exceptions (Linux: swapgs_restore_regs_and_return_to_usermode /
 * restore_regs_and_return_to_kernel).
 */
    .globl swapgs_restore_regs_and_return_to_usermode
swapgs_restore_regs_and_return_to_usermode:
    POP_REGS
    addq $8, %rsp                           /* skip orig_ax */
    testb $3, 8(%rsp)                       /* returning to user mode? (CS.RPL) */
    jz 1f
    swapgs
1:  iretq

/*
 * Exceptions. The CPU pushed SS, RSP, RFLAGS, CS, RIP and, for some vectors,
 * an error code. Vectors without one push -1 in its place so every frame has
 * pt_regs->orig_ax (Linux: idtentry / idtentry_body). The host decides what
 * the exception means for the process (today: the default action of the
 * signal Linux would send).
 */
.macro IDTENTRY vector, name, has_error_code=0
    .globl \name
\name:
    .if \has_error_code == 0
    pushq $-1                               /* pt_regs->orig_ax: no error code */
    .endif
    testb $3, 16(%rsp)                      /* from user mode? (CS.RPL in the frame) */
    jz 1f
    swapgs
1:  PUSH_AND_CLEAR_REGS
    movq %rsp, %rdi
    movl $\vector, %edx
    jmp exc_common
.endm

    IDTENTRY  0, asm_exc_divide_error
    IDTENTRY  1, asm_exc_debug
    IDTENTRY  2, asm_exc_nmi
    IDTENTRY  3, asm_exc_int3
    IDTENTRY  4, asm_exc_overflow
    IDTENTRY  5, asm_exc_bounds
    IDTENTRY  6, asm_exc_invalid_op
    IDTENTRY  7, asm_exc_device_not_available
    IDTENTRY  8, asm_exc_double_fault, 1
    IDTENTRY  9, asm_exc_coproc_segment_overrun
    IDTENTRY 10, asm_exc_invalid_tss, 1
    IDTENTRY 11, asm_exc_segment_not_present, 1
    IDTENTRY 12, asm_exc_stack_segment, 1
    IDTENTRY 13, asm_exc_general_protection, 1
    IDTENTRY 16, asm_exc_coprocessor_error
    IDTENTRY 17, asm_exc_alignment_check, 1
    IDTENTRY 18, asm_exc_machine_check
    IDTENTRY 19, asm_exc_simd_coprocessor_error
    IDTENTRY 15, asm_exc_spurious

/* #PF: the faulting address is in CR2; read it before anything can fault
 * again (Linux: exc_page_fault reads CR2 first thing). */
    .globl asm_exc_page_fault
asm_exc_page_fault:
    testb $3, 16(%rsp)
    jz 1f
    swapgs
1:  PUSH_AND_CLEAR_REGS
    movq %rsp, %rdi
    movq %cr2, %rcx                         /* fault address for the host */
    movl $14, %edx
    /* fall through */

exc_common:
    movl $HC_EXCEPTION, %esi
    vmcall                                  /* host: deliver a signal or end the process */
    jmp swapgs_restore_regs_and_return_to_usermode

