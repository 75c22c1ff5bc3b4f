/* clang-format off */
/* (shared with assembly: GNU as macros and layouts must keep their shape) */
/* Register save/restore macros for the entry code, in pt_regs order
 * (models arch/x86/entry/calling.h: PUSH_AND_CLEAR_REGS / POP_REGS). */
#include "kernel.h"

/* Push the general registers below an iret frame + orig_ax, building
 * struct pt_regs; rax_val is what goes into pt_regs->ax. Then clear the
 * registers the kernel does not need, as Linux does against speculation. */
.macro PUSH_AND_CLEAR_REGS rax_val=%rax
    pushq %rdi              /* pt_regs->di */
    pushq %rsi              /* pt_regs->si */
    pushq %rdx              /* pt_regs->dx */
    pushq %rcx              /* pt_regs->cx */
    pushq \rax_val          /* pt_regs->ax */
    pushq %r8               /* pt_regs->r8 */
    pushq %r9               /* pt_regs->r9 */
    pushq %r10              /* pt_regs->r10 */
    pushq %r11              /* pt_regs->r11 */
    pushq %rbx              /* pt_regs->bx */
    pushq %rbp              /* pt_regs->bp */
    pushq %r12              /* pt_regs->r12 */
    pushq %r13              /* pt_regs->r13 */
    pushq %r14              /* pt_regs->r14 */
    pushq %r15              /* pt_regs->r15 */
    xorl %esi, %esi
    xorl %edx, %edx
    xorl %ecx, %ecx
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    xorl %r11d, %r11d
    xorl %ebx, %ebx
    xorl %ebp, %ebp
    xorl %r12d, %r12d
    xorl %r13d, %r13d
    xorl %r14d, %r14d
    xorl %r15d, %r15d
.endm

/* Restore every general register from pt_regs; RSP is left pointing at
 * pt_regs->orig_ax. */
.macro POP_REGS
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rax
    popq %rcx
    popq %rdx
    popq %rsi
    popq %rdi
.endm
