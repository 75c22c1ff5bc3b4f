/* __kernel_vsyscall: the i386 system call entry a 32-bit program reaches
 * through AT_SYSINFO (glibc's %gs:0x10, musl's __sysinfo).
 *
 * Layout (Linux's vdso32 ABI, which debuggers and the kernel's return path
 * rely on):
 *     push %ecx; push %edx; push %ebp        save what SYSENTER/SYSCALL clobber
 *     <4-byte patch site>                    patched at map time by vdso32_map()
 *     int $0x80                              the fallback entry
 *   int80_landing_pad:
 *     pop %ebp; pop %edx; pop %ecx; ret
 *
 * The patch site holds a 4-byte NOP here (the int $0x80 variant); vdso32_map()
 * writes `movl %esp,%ebp; sysenter` (Intel) or `movl %ecx,%ebp; syscall` (AMD)
 * over it, as Linux's ALTERNATIVE_2 does at boot. The kernel returns from both
 * fast entries to int80_landing_pad, never to the instruction after them. */

    .text
    .globl __kernel_vsyscall
    .type __kernel_vsyscall, @function
    .p2align 4, 0x90
__kernel_vsyscall:
    .cfi_startproc
    pushl %ecx
    .cfi_adjust_cfa_offset 4
    .cfi_rel_offset ecx, 0
    pushl %edx
    .cfi_adjust_cfa_offset 4
    .cfi_rel_offset edx, 0
    pushl %ebp
    .cfi_adjust_cfa_offset 4
    .cfi_rel_offset ebp, 0
/* Local (non-.L) labels stay in the unstripped image's symbol table, where
 * gen_offsets.cmake reads them; the version script keeps them out of .dynsym. */
rs_vsyscall_patch:
    .byte 0x0f, 0x1f, 0x40, 0x00 /* nopl 0x0(%eax): gas would drop the zero disp8 */
rs_vsyscall_int80:
    int $0x80
int80_landing_pad:
    popl %ebp
    .cfi_restore ebp
    .cfi_adjust_cfa_offset -4
    popl %edx
    .cfi_restore edx
    .cfi_adjust_cfa_offset -4
    popl %ecx
    .cfi_restore ecx
    .cfi_adjust_cfa_offset -4
    ret
    .cfi_endproc
    .size __kernel_vsyscall, . - __kernel_vsyscall

/* Both replacement sequences are 4 bytes long; the site must be too. */
    .if (rs_vsyscall_int80 - rs_vsyscall_patch) != 4
    .error "vsyscall patch site is not 4 bytes"
    .endif

    .section .note.GNU-stack, "", @progbits
