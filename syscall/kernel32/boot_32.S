/* CPU set-up for the --kernel=i386 model, at CPL 0 in 32-bit protected mode
 * with paging (models the parts of Linux's i386 cpu_init / enable_sep_cpu /
 * start_thread a process can observe): GDT with i386 Linux's selectors,
 * IDT with 32-bit gates, TSS with SS0:ESP0, SYSENTER_CS/ESP/EIP by WRMSR,
 * then IRET to the program at CPL 3. On entry (from the host): EDI = user
 * entry point, ESI = user stack pointer. */
#include "kernel32.h"

#define MSR_SYSENTER_CS  0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176

    .section .head, "ax"
    .long KERNEL32_MAGIC
    .long boot32
    .long __data_start
    .long __end
    .long gdt32
    .long stack32_top

    .section .text, "ax"
    .code32
    .globl boot32
boot32:
    movl %edi, user_entry32                 /* kept across the set-up below */
    movl %esi, user_sp32
    lgdt gdt32_descr
    movl $__KERNEL_DS32, %eax
    movl %eax, %ss
    movl $__USER_DS32, %eax
    movl %eax, %ds
    movl %eax, %es
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs

    /* TSS descriptor: base split across the 8-byte descriptor */
    movl $tss32, %eax
    movl %eax, %edx
    shll $16, %edx
    orl $103, %edx                          /* limit: 104 bytes, no I/O bitmap */
    movl %edx, gdt32 + GDT32_ENTRY_TSS * 8
    movl %eax, %edx
    shrl $16, %edx
    andl $0xff, %edx
    orl $0x8900, %edx                       /* present, DPL 0, available 32-bit TSS */
    movl %eax, %ecx
    andl $0xff000000, %ecx
    orl %ecx, %edx
    movl %edx, gdt32 + GDT32_ENTRY_TSS * 8 + 4
    movl $stack32_top, tss32 + 4            /* TSS.ESP0 */
    movl $__KERNEL_DS32, tss32 + 8          /* TSS.SS0 */
    movw $104, tss32 + 102                  /* I/O bitmap beyond the limit */
    movw $__TSS_SEL32, %ax
    ltr %ax

    call build_idt32
    lidt idt32_descr

    /* enable_sep_cpu(): the SYSENTER MSRs */
    xorl %edx, %edx
    movl $__KERNEL_CS32, %eax
    movl $MSR_SYSENTER_CS, %ecx
    wrmsr
    movl $stack32_top, %eax
    movl $MSR_SYSENTER_ESP, %ecx
    wrmsr
    movl $entry_SYSENTER_32, %eax
    movl $MSR_SYSENTER_EIP, %ecx
    wrmsr

    /* start_thread(): IRET to user mode; registers cleared */
    movl $stack32_top, %esp
    pushl $__USER_DS32                      /* SS */
    pushl user_sp32                         /* ESP */
    pushl $0x202                            /* EFLAGS: IF */
    pushl $__USER_CS32                      /* CS */
    pushl user_entry32                      /* EIP */
    xorl %eax, %eax
    xorl %ebx, %ebx
    xorl %ecx, %ecx
    xorl %edx, %edx
    xorl %esi, %esi
    xorl %edi, %edi
    xorl %ebp, %ebp
    iret

/* Fill the IDT from idt32_table: (vector, DPL, handler) rows. */
build_idt32:
    movl $idt32_table, %esi
1:  movzwl (%esi), %ecx
    cmpl $0xffff, %ecx
    je 2f
    movl 4(%esi), %eax                      /* handler */
    movzbl 2(%esi), %ebx                    /* DPL */
    leal idt32(,%ecx,8), %edi
    movl %eax, %edx
    andl $0xffff, %edx
    orl $(__KERNEL_CS32 << 16), %edx        /* offset[15:0] | selector */
    movl %edx, (%edi)
    movl %eax, %edx
    andl $0xffff0000, %edx
    shll $13, %ebx
    orl %ebx, %edx
    orl $0x8e00, %edx                       /* present, 32-bit interrupt gate */
    movl %edx, 4(%edi)
    addl $8, %esi
    jmp 1b
2:  ret

    .section .rodata, "a"
    .balign 4
.macro GATE32 vector, handler, dpl=0
    .word \vector
    .byte \dpl, 0
    .long \handler
.endm
idt32_table:
    GATE32  0, exc32_divide_error
    GATE32  1, exc32_debug
    GATE32  3, exc32_int3, 3
    GATE32  4, exc32_overflow, 3
    GATE32  5, exc32_bounds
    GATE32  6, exc32_invalid_op
    GATE32  7, exc32_device_not_available
    GATE32  8, exc32_double_fault
    GATE32 10, exc32_invalid_tss
    GATE32 11, exc32_segment_not_present
    GATE32 12, exc32_stack_segment
    GATE32 13, exc32_general_protection
    GATE32 14, exc32_page_fault
    GATE32 16, exc32_coprocessor_error
    GATE32 17, exc32_alignment_check
    GATE32 19, exc32_simd_coprocessor_error
    GATE32 0x80, entry_INT80_32, 3
    .word 0xffff
gdt32_descr:
    .word GDT32_ENTRIES * 8 - 1
    .long gdt32
idt32_descr:
    .word 256 * 8 - 1
    .long idt32

    .section .data, "aw"
    .balign 4096
    .globl gdt32
gdt32:
    .quad 0                                 /* 0: null */
    .fill 5, 8, 0                           /* 1-5: reserved */
    .fill 3, 8, 0                           /* 6-8: TLS (set_thread_area) */
    .fill 3, 8, 0                           /* 9-11: reserved */
    .quad 0x00cf9a000000ffff                /* 12: __KERNEL_CS */
    .quad 0x00cf92000000ffff                /* 13: __KERNEL_DS */
    .quad 0x00cffa000000ffff                /* 14: __USER_CS */
    .quad 0x00cff2000000ffff                /* 15: __USER_DS */
    .quad 0                                 /* 16: TSS (filled at boot) */
    .fill 15, 8, 0                          /* 17-31: LDT, PnP BIOS, APM, ESPFIX, per-CPU ... */
user_entry32:
    .long 0
user_sp32:
    .long 0
    .balign 64
tss32:
    .fill 104, 1, 0

    .section .bss, "aw", @nobits
    .balign 4096
idt32:
    .fill 256 * 8, 1, 0
    .balign 4096
    .fill 8192, 1, 0
    .globl stack32_top
stack32_top:
