/* The modelled kernel's CPU set-up, run at CPL 0 when a process starts
 * (models the parts of Linux's cpu_init / syscall_init / load_TR_desc /
 * start_thread that a user process can observe): load the GDT with Linux's
 * selectors, build and load the IDT, load the TSS with RSP0 and an IST
 * stack, program EFER.SCE, STAR, LSTAR, CSTAR, SFMASK, SYSENTER_* and the
 * GS bases with WRMSR, then IRETQ to the program's entry point at CPL 3.
 *
 * On entry (set by the host loader): RDI = user entry point, RSI = user
 * stack pointer, RDX = 1 for a 32-bit (compatibility-mode) program. */
#include "kernel.h"

#define MSR_EFER           0xc0000080
#define MSR_STAR           0xc0000081
#define MSR_LSTAR          0xc0000082
#define MSR_CSTAR          0xc0000083
#define MSR_SFMASK         0xc0000084
#define MSR_GS_BASE        0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_SYSENTER_CS    0x174
#define MSR_SYSENTER_ESP   0x175
#define MSR_SYSENTER_EIP   0x176

/* ---- image header: read by the host (syscall/kernel.c) ---- */
    .section .head, "ax"
    .globl kernel_header
kernel_header:
    .quad KERNEL_MAGIC
    .quad boot64
    .quad __data_start
    .quad __end
    .quad entry_SYSCALL_64
    .quad percpu
    .quad task_stack_top
    .quad tss
    .quad gdt
    .quad idt

    .section .text, "ax"
    .code64
    .globl boot64
boot64:
    movq %rdi, %r12                         /* user entry */
    movq %rsi, %r13                         /* user stack */
    movq %rdx, %r14                         /* 32-bit program? */

    /* GDT: Linux's layout; CS is already __KERNEL_CS (the host starts the
     * CPU there, as the boot loader leaves it). */
    lgdt gdt_descr(%rip)
    movl $__KERNEL_DS, %eax
    movl %eax, %ss
    xorl %eax, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %fs
    movl %eax, %gs

    /* TSS descriptor (16 bytes, base split across fields) and the TSS. */
    leaq tss(%rip), %rax
    leaq gdt + GDT_ENTRY_TSS * 8(%rip), %rdi
    movq $103, %rbx                         /* limit: 104-byte TSS, no I/O bitmap */
    movq %rax, %rcx
    andq $0xffffff, %rcx
    shlq $16, %rcx
    orq %rcx, %rbx                          /* base[23:0] */
    movq $0x89, %rcx                        /* present, DPL 0, type 9: available 64-bit TSS */
    shlq $40, %rcx
    orq %rcx, %rbx
    movq %rax, %rcx
    shrq $24, %rcx
    andq $0xff, %rcx
    shlq $56, %rcx
    orq %rcx, %rbx                          /* base[31:24] */
    movq %rbx, (%rdi)
    movq %rax, %rcx
    shrq $32, %rcx
    movq %rcx, 8(%rdi)                      /* base[63:32] */

    leaq task_stack_top(%rip), %rax
    movq %rax, tss + 4(%rip)                /* TSS.RSP0: kernel stack for ring 3 -> 0 */
    leaq ist_stack_top(%rip), %rax
    movq %rax, tss + 0x24(%rip)             /* TSS.IST1: #DF runs on its own stack */
    movw $104, tss + 102(%rip)              /* I/O bitmap beyond the limit: no port access */
    movw $__TSS_SEL, %ax
    ltr %ax

    /* IDT: 256 interrupt gates (Linux: idt_setup_traps / idt_setup_early). */
    call build_idt
    lidt idt_descr(%rip)

    /* Per-CPU area and the GS bases (Linux: load_percpu_segment). While in
     * the kernel GS.base = per-CPU; KERNEL_GS_BASE holds the user's. */
    leaq percpu(%rip), %rax
    leaq task_stack_top(%rip), %rbx
    movq %rbx, PCPU_TOP_OF_STACK(%rax)
    movq %rax, %rdx
    shrq $32, %rdx
    movl $MSR_GS_BASE, %ecx
    wrmsr
    xorl %eax, %eax
    xorl %edx, %edx
    movl $MSR_KERNEL_GS_BASE, %ecx
    wrmsr

    /* syscall_init(): EFER.SCE, STAR, LSTAR, CSTAR, SFMASK, SYSENTER_*. */
    movl $MSR_EFER, %ecx
    rdmsr
    orl $1, %eax                            /* EFER.SCE */
    wrmsr
    xorl %eax, %eax
    movl $((__USER32_CS << 16) | __KERNEL_CS), %edx  /* STAR[63:48] user base, [47:32] kernel */
    movl $MSR_STAR, %ecx
    wrmsr
    leaq entry_SYSCALL_64(%rip), %rax
    movq %rax, %rdx
    shrq $32, %rdx
    movl $MSR_LSTAR, %ecx
    wrmsr
    leaq entry_SYSCALL_compat(%rip), %rax
    movq %rax, %rdx
    shrq $32, %rdx
    movl $MSR_CSTAR, %ecx
    wrmsr
    movl $0x47700, %eax                     /* TF DF IF IOPL AC NT cleared on entry */
    xorl %edx, %edx
    movl $MSR_SFMASK, %ecx
    wrmsr
    movl $__KERNEL_CS, %eax
    xorl %edx, %edx
    movl $MSR_SYSENTER_CS, %ecx
    wrmsr
    leaq task_stack_top(%rip), %rax
    movq %rax, %rdx
    shrq $32, %rdx
    movl $MSR_SYSENTER_ESP, %ecx
    wrmsr
    leaq entry_SYSENTER_compat(%rip), %rax
    movq %rax, %rdx
    shrq $32, %rdx
    movl $MSR_SYSENTER_EIP, %ecx
    wrmsr

    /* start_thread(): enter the program at CPL 3 through an IRET frame.
     * Linux clears every register (ELF_PLAT_INIT) and starts with IF set. */
    movq %rsp, %rbx
    movq task_stack_top_addr(%rip), %rsp    /* the frame goes on the task stack */
    pushq $__USER_DS                        /* SS */
    pushq %r13                              /* RSP */
    pushq $0x202                            /* RFLAGS: IF */
    testq %r14, %r14
    jnz 1f
    pushq $__USER_CS                        /* CS: 64-bit */
    jmp 2f
1:  pushq $__USER32_CS                      /* CS: 32-bit compatibility mode */
2:  pushq %r12                              /* RIP */
    xorl %eax, %eax
    testq %r14, %r14
    jz 3f
    movl $__USER_DS, %eax                   /* 32-bit: DS = ES = __USER_DS (start_thread_ia32) */
3:  movl %eax, %ds
    movl %eax, %es
    xorl %ebx, %ebx
    xorl %ecx, %ecx
    xorl %edx, %edx
    xorl %esi, %esi
    xorl %edi, %edi
    xorl %ebp, %ebp
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    xorl %r11d, %r11d
    xorl %r12d, %r12d
    xorl %r13d, %r13d
    xorl %r14d, %r14d
    xorl %r15d, %r15d
    swapgs                                  /* GS base := user's (0) */
    iretq

/* Fill the IDT from idt_table: (vector, handler, DPL, IST) rows. Vectors
 * without a row get the general-protection handler's neighbour: a
 * not-present gate, so delivering them faults as on Linux. */
build_idt:
    leaq idt_table(%rip), %rsi
1:  movzwl (%rsi), %ecx                     /* vector; 0xffff ends the table */
    cmpl $0xffff, %ecx
    je 2f
    movq 8(%rsi), %rax                      /* handler address */
    movzbl 2(%rsi), %ebx                    /* DPL */
    movzbl 3(%rsi), %edx                    /* IST index */
    shlq $4, %rcx
    leaq idt(%rip), %rdi
    addq %rcx, %rdi
    /* low quad: offset[15:0] | selector << 16 | IST << 32 | type/DPL/P << 40 | offset[31:16] << 48 */
    movq %rax, %r8
    andq $0xffff, %r8
    movq $__KERNEL_CS, %r9
    shlq $16, %r9
    orq %r9, %r8
    movq %rdx, %r9
    shlq $32, %r9
    orq %r9, %r8
    movq %rbx, %r9
    shlq $5, %r9
    orq $0x8e, %r9                          /* present, 64-bit interrupt gate */
    shlq $40, %r9
    orq %r9, %r8
    movq %rax, %r9
    shrq $16, %r9
    andq $0xffff, %r9
    shlq $48, %r9
    orq %r9, %r8
    movq %r8, (%rdi)
    movq %rax, %r9
    shrq $32, %r9
    movq %r9, 8(%rdi)                       /* offset[63:32] */
    addq $16, %rsi
    jmp 1b
2:  ret

    .section .rodata, "a"
    .balign 8
/* vector(2) DPL(1) IST(1) pad(4) handler(8). DPL 3 gates are the ones user
 * code may reach with INT n: int3, into and int $0x80, as on Linux. */
.macro GATE vector, handler, dpl=0, ist=0
    .word \vector
    .byte \dpl, \ist
    .long 0
    .quad \handler
.endm
idt_table:
    GATE  0, asm_exc_divide_error
    GATE  1, asm_exc_debug
    GATE  2, asm_exc_nmi
    GATE  3, asm_exc_int3, 3
    GATE  4, asm_exc_overflow, 3
    GATE  5, asm_exc_bounds
    GATE  6, asm_exc_invalid_op
    GATE  7, asm_exc_device_not_available
    GATE  8, asm_exc_double_fault, 0, 1
    GATE  9, asm_exc_coproc_segment_overrun
    GATE 10, asm_exc_invalid_tss
    GATE 11, asm_exc_segment_not_present
    GATE 12, asm_exc_stack_segment
    GATE 13, asm_exc_general_protection
    GATE 14, asm_exc_page_fault
    GATE 15, asm_exc_spurious
    GATE 16, asm_exc_coprocessor_error
    GATE 17, asm_exc_alignment_check
    GATE 18, asm_exc_machine_check
    GATE 19, asm_exc_simd_coprocessor_error
    GATE 0x80, entry_INT80_compat, 3
    .word 0xffff
    .balign 8
task_stack_top_addr:
    .quad task_stack_top

gdt_descr:
    .word GDT_ENTRIES * 8 - 1
    .quad gdt
idt_descr:
    .word 256 * 16 - 1
    .quad idt

/* ---- writable data ---- */
    .section .data, "aw"
    .balign 4096
    .globl gdt
gdt:
    .quad 0                                 /* 0: null */
    .quad 0x00cf9b000000ffff                /* 1: __KERNEL32_CS */
    .quad 0x00af9b000000ffff                /* 2: __KERNEL_CS (L=1) */
    .quad 0x00cf93000000ffff                /* 3: __KERNEL_DS */
    .quad 0x00cffb000000ffff                /* 4: __USER32_CS (DPL 3, 32-bit) */
    .quad 0x00cff3000000ffff                /* 5: __USER_DS (DPL 3) */
    .quad 0x00affb000000ffff                /* 6: __USER_CS (DPL 3, L=1) */
    .quad 0                                 /* 7 */
    .quad 0, 0                              /* 8-9: TSS (filled at boot) */
    .quad 0, 0                              /* 10-11: LDT */
    .quad 0, 0, 0                           /* 12-14: TLS (set_thread_area) */
    .quad 0x0040f50000000000                /* 15: CPUNODE: limit = cpu 0, node 0 (for LSL) */

    .balign 64
    .globl tss
tss:
    .fill 104, 1, 0

    .balign 64
    .globl percpu
percpu:
    .fill PCPU_SIZE, 1, 0

    .section .bss, "aw", @nobits
    .balign 4096
    .globl idt
idt:
    .fill 256 * 16, 1, 0
    .balign 4096
task_stack:
    .fill THREAD_SIZE, 1, 0
    .globl task_stack_top
task_stack_top:
ist_stack:
    .fill IST_STACK_SIZE, 1, 0
ist_stack_top:
