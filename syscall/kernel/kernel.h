/* clang-format off */
/* (shared with assembly: GNU as macros and layouts must keep their shape) */
/* Shared between the ring-0 image (assembly) and the host side (C):
 * selectors, the image header, per-CPU offsets and hypercall reasons.
 * Values follow Linux's x86-64 layout (arch/x86/include/asm/segment.h). */
#ifndef RINGSIDE_KERNEL_H
#define RINGSIDE_KERNEL_H

#define KERNEL_BASE 0xffffffff81000000

/* GDT entries and selectors, as Linux lays them out. */
#define GDT_ENTRY_KERNEL32_CS 1
#define GDT_ENTRY_KERNEL_CS   2
#define GDT_ENTRY_KERNEL_DS   3
#define GDT_ENTRY_USER32_CS   4
#define GDT_ENTRY_USER_DS     5
#define GDT_ENTRY_USER_CS     6
#define GDT_ENTRY_TSS         8
#define GDT_ENTRY_LDT         10
#define GDT_ENTRY_TLS_MIN     12
#define GDT_ENTRY_CPUNODE     15
#define GDT_ENTRIES           16

#define __KERNEL32_CS 0x08
#define __KERNEL_CS   0x10
#define __KERNEL_DS   0x18
#define __USER32_CS   0x23
#define __USER_DS     0x2b
#define __USER_CS     0x33
#define __TSS_SEL     0x40

/* Image header (first bytes of the image), read by syscall/kernel.c. */
#define KHDR_MAGIC        0x0 /* "RINGSIDE" */
#define KHDR_BOOT         0x8
#define KHDR_DATA_START   0x10
#define KHDR_END          0x18
#define KHDR_SYSCALL64    0x20
#define KHDR_PERCPU       0x28
#define KHDR_STACK_TOP    0x30
#define KHDR_TSS          0x38
#define KHDR_GDT          0x40
#define KHDR_IDT          0x48
#define KHDR_SIZE         0x50
#define KERNEL_MAGIC      0x45444953474e4952 /* "RINGSIDE" little-endian */

/* Per-CPU area (GS base while in the kernel). */
#define PCPU_USER_RSP     0x0  /* scratch: user RSP during entry (Linux: TSS.sp2) */
#define PCPU_TOP_OF_STACK 0x8  /* Linux: pcpu_hot.top_of_stack */
#define PCPU_SIZE         0x40

/* Hypercall reasons (ESI at VMCALL; RDI = &pt_regs). */
#define HC_SYSCALL64  0
#define HC_EXCEPTION  1 /* EDX = vector, RCX = CR2 for #PF */
#define HC_INT80      2
#define HC_SYSCALL32  3 /* SYSCALL from compatibility mode (CSTAR) */
#define HC_SYSENTER32 4

#define THREAD_SIZE   0x4000
#define IST_STACK_SIZE 0x1000

/* pt_regs offsets (struct pt_regs, arch/x86/include/asm/ptrace.h). */
#define PT_R15 0
#define PT_R14 8
#define PT_R13 16
#define PT_R12 24
#define PT_RBP 32
#define PT_RBX 40
#define PT_R11 48
#define PT_R10 56
#define PT_R9  64
#define PT_R8  72
#define PT_RAX 80
#define PT_RCX 88
#define PT_RDX 96
#define PT_RSI 104
#define PT_RDI 112
#define PT_ORIG_RAX 120
#define PT_RIP 128
#define PT_CS  136
#define PT_FLAGS 144
#define PT_RSP 152
#define PT_SS  160
#define PT_SIZE 168

#endif
