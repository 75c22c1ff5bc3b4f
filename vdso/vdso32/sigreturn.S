/* __kernel_sigreturn / __kernel_rt_sigreturn: the return trampolines a
 * 32-bit signal frame's pretcode points at when the handler was installed
 * without SA_RESTORER. gdb and libgcc's unwinder recognise them by their
 * exact bytes (58 b8 77 00 00 00 cd 80 and b8 ad 00 00 00 cd 80), so these
 * must not change.
 *
 * Their unwind info is written by hand: the caller's frame is the
 * interrupted context saved in the signal frame's struct sigcontext, so the
 * CFA and every register are expressions on %esp ("S" = signal frame). */

/* i386 struct sigcontext offsets (Linux ABI). */
#define SC_DI 16
#define SC_SI 20
#define SC_BP 24
#define SC_SP 28
#define SC_BX 32
#define SC_DX 36
#define SC_CX 40
#define SC_AX 44
#define SC_IP 56
/* Where the sigcontext sits relative to %esp on entry (pretcode popped by ret):
 * sigframe: sig, sc...;  rt_sigframe: sig, pinfo, puc, siginfo (128), then
 * ucontext (uc_flags, uc_link, uc_stack = 20 bytes) whose uc_mcontext is sc. */
#define SIGFRAME_SC    4
#define RT_SIGFRAME_SC (4 + 4 + 4 + 128 + 20)

#define NR_sigreturn    119
#define NR_rt_sigreturn 173

    .text
    /* One byte before each trampoline is covered by its FDE: the unwinder
     * looks up pc-1 for a return address, and nothing called these. */
    nop
    .p2align 5, 0x90
    .globl __kernel_sigreturn
    .type __kernel_sigreturn, @function
__kernel_sigreturn:
.Lsr_start:
    popl %eax
.Lsr_popped:
    movl $NR_sigreturn, %eax
    int $0x80
.Lsr_end:
vdso32_sigreturn_landing_pad:
    nop
    .size __kernel_sigreturn, . - __kernel_sigreturn

    .p2align 4, 0x90
    .globl __kernel_rt_sigreturn
    .type __kernel_rt_sigreturn, @function
__kernel_rt_sigreturn:
.Lrt_start:
    movl $NR_rt_sigreturn, %eax
    int $0x80
.Lrt_end:
vdso32_rt_sigreturn_landing_pad:
    nop
    .size __kernel_rt_sigreturn, . - __kernel_rt_sigreturn

/* DWARF: CFA = *(esp + sc + SC_SP); reg = at esp + sc + SC_reg. */
#define CFA_EXPR(off)                                                        \
    .byte 0x0f; /* DW_CFA_def_cfa_expression */                              \
    .uleb128 2f - 1f;                                                        \
1:  .byte 0x74; /* DW_OP_breg4 (esp) */                                      \
    .sleb128 (off);                                                          \
    .byte 0x06; /* DW_OP_deref */                                            \
2:
#define REG_EXPR(reg, off)                                                   \
    .byte 0x10; /* DW_CFA_expression */                                      \
    .uleb128 reg;                                                            \
    .uleb128 2f - 1f;                                                        \
1:  .byte 0x74; /* DW_OP_breg4 (esp) */                                      \
    .sleb128 (off);                                                          \
2:
/* DWARF i386 numbers: eax 0, ecx 1, edx 2, ebx 3, ebp 5, esi 6, edi 7, eip 8. */
#define SIGCONTEXT_AT(sc)                                                    \
    CFA_EXPR((sc) + SC_SP)                                                   \
    REG_EXPR(0, (sc) + SC_AX)                                                \
    REG_EXPR(1, (sc) + SC_CX)                                                \
    REG_EXPR(2, (sc) + SC_DX)                                                \
    REG_EXPR(3, (sc) + SC_BX)                                                \
    REG_EXPR(5, (sc) + SC_BP)                                                \
    REG_EXPR(6, (sc) + SC_SI)                                                \
    REG_EXPR(7, (sc) + SC_DI)                                                \
    REG_EXPR(8, (sc) + SC_IP)

    .section .eh_frame, "a", @progbits
.Lcie:
    .long .Lcie_end - .Lcie_body
.Lcie_body:
    .long 0         /* CIE id */
    .byte 1         /* version */
    .string "zRS"   /* augmentation data, FDE encoding, signal frame */
    .uleb128 1      /* code alignment */
    .sleb128 -4     /* data alignment */
    .byte 8         /* return address column: eip */
    .uleb128 1      /* augmentation data length */
    .byte 0x1b      /* FDE pointers: DW_EH_PE_pcrel | DW_EH_PE_sdata4 */
    .balign 4, 0    /* DW_CFA_nop */
.Lcie_end:

    .long .Lsr_fde_end - .Lsr_fde_body
.Lsr_fde_body:
    .long .Lsr_fde_body - .Lcie             /* CIE pointer */
    .long .Lsr_start - 1 - .                /* pc begin (pcrel) */
    .long .Lsr_end - .Lsr_start + 1         /* pc range */
    .uleb128 0                              /* augmentation data length */
    SIGCONTEXT_AT(SIGFRAME_SC)              /* at the nop and at popl %eax */
    .byte 0x40 | (.Lsr_popped - .Lsr_start + 1) /* DW_CFA_advance_loc */
    SIGCONTEXT_AT(SIGFRAME_SC - 4)          /* after popl: sig is gone */
    .balign 4, 0
.Lsr_fde_end:

    .long .Lrt_fde_end - .Lrt_fde_body
.Lrt_fde_body:
    .long .Lrt_fde_body - .Lcie
    .long .Lrt_start - 1 - .
    .long .Lrt_end - .Lrt_start + 1
    .uleb128 0
    SIGCONTEXT_AT(RT_SIGFRAME_SC)
    .balign 4, 0
.Lrt_fde_end:

    .section .note.GNU-stack, "", @progbits
