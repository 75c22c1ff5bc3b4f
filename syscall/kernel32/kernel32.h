/* clang-format off */
/* (shared with assembly: GNU as macros and layouts must keep their shape) */
/* The --kernel=i386 model: a 32-bit kernel in legacy protected mode, laid
 * out as Linux's i386 kernel (arch/x86/include/asm/segment.h, 32-bit).
 * Shared by the assembly and the host side (syscall/kernel.c). */
#ifndef RINGSIDE_KERNEL32_H
#define RINGSIDE_KERNEL32_H

#define KERNEL32_BASE 0xc1000000 /* PAGE_OFFSET 0xc0000000 + 16 MiB */
#define TASK_SIZE32   0xc0000000 /* user space of a 32-bit kernel: 3 GiB */

#define GDT32_ENTRY_TLS_MIN   6
#define GDT32_ENTRY_KERNEL_CS 12
#define GDT32_ENTRY_KERNEL_DS 13
#define GDT32_ENTRY_USER_CS   14
#define GDT32_ENTRY_USER_DS   15
#define GDT32_ENTRY_TSS       16
#define GDT32_ENTRIES         32

#define __KERNEL_CS32 0x60
#define __KERNEL_DS32 0x68
#define __USER_CS32   0x73
#define __USER_DS32   0x7b
#define __TSS_SEL32   0x80

/* Image header (first bytes), as for the 64-bit image, 4-byte fields. */
#define K32_MAGIC      0x0 /* "RS32" */
#define K32_BOOT       0x4
#define K32_DATA_START 0x8
#define K32_END        0xc
#define K32_GDT        0x10
#define K32_STACK_TOP  0x14
#define KERNEL32_MAGIC 0x32335352

/* struct pt_regs of i386 Linux (arch/x86/include/asm/ptrace.h). */
#define PT32_BX 0
#define PT32_CX 4
#define PT32_DX 8
#define PT32_SI 12
#define PT32_DI 16
#define PT32_BP 20
#define PT32_AX 24
#define PT32_DS 28
#define PT32_ES 32
#define PT32_FS 36
#define PT32_GS 40
#define PT32_ORIG_AX 44
#define PT32_IP 48
#define PT32_CS 52
#define PT32_FLAGS 56
#define PT32_SP 60
#define PT32_SS 64
#define PT32_SIZE 68

#endif
