/* 32-bit system-call entries of the modelled 64-bit kernel (models Linux's
 * arch/x86/entry/entry_64_compat.S). All three build the same 64-bit
 * pt_regs as entry_SYSCALL_64 and hand it to the host with VMCALL; the host
 * runs the i386 system-call table (arguments in EBX, ECX, EDX, ESI, EDI,
 * EBP, all truncated to 32 bits). */
#include "calling.h"

    .section .text.entry, "ax"
    .code64

/*
 * entry_INT80_compat: int $0x80 through IDT gate 0x80 (DPL 3), from 32-bit
 * code or from a 64-bit process. The CPU has switched to TSS.RSP0 and
 * pushed SS, RSP, RFLAGS, CS, RIP. Returns with IRETQ, which goes back to
 * whatever mode the caller was in.
 */
    .globl entry_INT80_compat
entry_INT80_compat:
    swapgs                                  /* from user mode: per-CPU GS */
    pushq %rax                              /* pt_regs->orig_ax */
    PUSH_AND_CLEAR_REGS rax_val=$-38        /* pt_regs->ax = -ENOSYS */
    movq %rsp, %rdi
    movl $HC_INT80, %esi                    /* do_int80_syscall_32() */
    vmcall
    jmp swapgs_restore_regs_and_return_to_usermode

/*
 * entry_SYSENTER_compat: SYSENTER from 32-bit code (Intel CPUs). SYSENTER
 * saves nothing: CS/SS come from SYSENTER_CS, RSP from SYSENTER_ESP, RIP
 * from SYSENTER_EIP, and IF is clear. __kernel_vsyscall left the user stack
 * pointer in EBP (movl %esp,%ebp) with EBP, EDX, ECX saved on that stack;
 * the host reads the sixth argument from there and sets the return address
 * to the vDSO's landing point, as Linux's do_SYSENTER_32 does. Returns with
 * SYSRETL (sysret32_from_system_call), or IRETQ when that cannot restore
 * the state exactly.
 */
    .globl entry_SYSENTER_compat
entry_SYSENTER_compat:
    swapgs
    movq %gs:PCPU_TOP_OF_STACK, %rsp        /* SYSENTER_ESP is a placeholder */
    movl %eax, %eax                         /* zero-extend the syscall number */
    pushq $__USER_DS                        /* pt_regs->ss */
    pushq %rbp                              /* pt_regs->sp: the user stack, stashed in EBP */
    pushfq                                  /* pt_regs->flags (IF is restored below) */
    orl $0x200, (%rsp)                      /* user mode always ran with IF set */
    pushq $__USER32_CS                      /* pt_regs->cs */
    pushq $0                                /* pt_regs->ip: the host sets the landing point */
    pushq %rax                              /* pt_regs->orig_ax */
    PUSH_AND_CLEAR_REGS rax_val=$-38
    movq %rsp, %rdi
    movl $HC_SYSENTER32, %esi               /* do_SYSENTER_32() */
    vmcall
    jmp sysret32_from_system_call

/*
 * entry_SYSCALL_compat: SYSCALL from 32-bit code (AMD CPUs; CSTAR). ECX
 * holds the return EIP and R11 the flags; __kernel_vsyscall moved the
 * second argument from ECX to EBP (movl %ecx,%ebp) before SYSCALL, and the
 * sixth is on the user stack. Like SYSENTER it returns to the vDSO landing
 * point with SYSRETL.
 */
    .globl entry_SYSCALL_compat
entry_SYSCALL_compat:
    swapgs
    movl %eax, %eax
    movl %esp, %r8d                         /* the user stack pointer */
    movq %gs:PCPU_TOP_OF_STACK, %rsp
    pushq $__USER_DS                        /* pt_regs->ss */
    pushq %r8                               /* pt_regs->sp */
    pushq %r11                              /* pt_regs->flags */
    pushq $__USER32_CS                      /* pt_regs->cs */
    pushq %rcx                              /* pt_regs->ip */
    pushq %rax                              /* pt_regs->orig_ax */
    pushq %rdi                              /* pt_regs->di */
    pushq %rsi                              /* pt_regs->si */
    pushq %rdx                              /* pt_regs->dx */
    pushq %rbp                              /* pt_regs->cx: the 2nd argument, stashed in EBP */
    pushq $-38                              /* pt_regs->ax = -ENOSYS */
    xorl %r8d, %r8d
    pushq %r8                               /* pt_regs->r8 .. r11: cleared */
    pushq %r8
    pushq %r8
    pushq %r8
    pushq %rbx                              /* pt_regs->bx */
    pushq %rbp                              /* pt_regs->bp (the host loads the 6th argument) */
    pushq %r8                               /* pt_regs->r12 .. r15 */
    pushq %r8
    pushq %r8
    pushq %r8
    movq %rsp, %rdi
    movl $HC_SYSCALL32, %esi                /* do_fast_syscall_32() */
    vmcall
    /* fall through */

/*
 * sysret32_from_system_call: SYSRETL back to 32-bit code. Usable only when
 * the host said so in EAX (nothing but the result changed: no signal frame,
 * no sigreturn; Linux's do_fast_syscall_32 return value) and the return is
 * to the standard 32-bit CS/SS with RIP in ECX and RFLAGS in R11, TF and RF
 * clear; otherwise IRETQ.
 */
sysret32_from_system_call:
    testl %eax, %eax                        /* the host: SYSRET allowed (do_fast_syscall_32) */
    jz swapgs_restore_regs_and_return_to_usermode
    cmpq $__USER32_CS, PT_CS(%rsp)
    jne swapgs_restore_regs_and_return_to_usermode
    cmpq $__USER_DS, PT_SS(%rsp)
    jne swapgs_restore_regs_and_return_to_usermode
    testq $(0x100 | 0x10000), PT_FLAGS(%rsp) /* TF | RF */
    jnz swapgs_restore_regs_and_return_to_usermode
    movq PT_RIP(%rsp), %rcx
    movq %rcx, PT_RCX(%rsp)                 /* RCX := return EIP (the landing point) */
    movq PT_FLAGS(%rsp), %r11
    movq %r11, PT_R11(%rsp)                 /* R11 := RFLAGS */
    POP_REGS
    addq $8, %rsp                           /* orig_ax */
    movq 24(%rsp), %rsp                     /* pt_regs->sp */
    swapgs
    sysretl
