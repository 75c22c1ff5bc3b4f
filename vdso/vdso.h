/* vDSO images ringside maps into guest processes.
 *
 * The 32-bit vDSO is linux-gate.so.1 as Linux builds it for compat tasks: an
 * ELF32 i386 shared object (built from vdso/vdso32/ at build time, embedded)
 * exporting, by name and symbol version,
 *   LINUX_2.5  __kernel_vsyscall, __kernel_sigreturn, __kernel_rt_sigreturn
 *   LINUX_2.6  __vdso_clock_gettime, __vdso_gettimeofday, __vdso_time,
 *              __vdso_clock_getres, __vdso_clock_gettime64
 * The time functions (common/vclock.c, shared with the 64-bit vDSO) read the
 * clock page ringside keeps in [vvar] (vvar.h) and make their system call
 * with int $0x80 only when it cannot answer.
 *
 * __kernel_vsyscall is  push %ecx; push %edx; push %ebp; <entry>; int $0x80;
 * landing: pop %ebp; pop %edx; pop %ecx; ret   where <entry> is patched at
 * map time, as Linux's ALTERNATIVE_2 does at boot:
 *   VDSO32_ENTRY_SYSENTER  movl %esp,%ebp; sysenter   (Intel: X86_FEATURE_SYSENTER32)
 *   VDSO32_ENTRY_SYSCALL   movl %ecx,%ebp; syscall    (AMD:   X86_FEATURE_SYSCALL32)
 *   VDSO32_ENTRY_INT80     4-byte NOP, falls through to int $0x80
 * What the kernel model must do with the fast entries (Linux's
 * do_fast_syscall_32): the user's %esp is in %ebp after SYSENTER; %ecx (arg 2)
 * is in %ebp after SYSCALL; in both cases arg 6 (the caller's %ebp) is the
 * 32-bit word at the user %esp. It returns (SYSEXIT/SYSRETL) to the landing
 * address whatever address the program executed SYSENTER/SYSCALL from, and
 * may clobber %ecx/%edx there: the landing pops restore them.
 *
 * Depends on cpu/mem.h only. */
#ifndef RINGSIDE_VDSO_H
#define RINGSIDE_VDSO_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/mem.h"

enum { VDSO32_ENTRY_INT80, VDSO32_ENTRY_SYSENTER, VDSO32_ENTRY_SYSCALL };

/* [vvar] (4 pages) and [vvar_vclock] (2 pages) directly below the image, as
 * Linux 6.18 maps them; the image's hidden symbol __rs_vvar_page (the clock
 * page, vvar.h) is at base - 6 pages. vdso32_map() maps them. */
#define VDSO32_VVAR_PAGES 6

/* Offsets from the image base, read from the linked image at build time. */
typedef struct Vdso32Layout {
    uint32_t vsyscall;             /* __kernel_vsyscall */
    uint32_t patch;                /* the 4-byte entry patch site */
    uint32_t patch_len;            /* 4 */
    uint32_t int80;                /* the int $0x80 after the patch site */
    uint32_t landing;              /* int80_landing_pad: pop %ebp; pop %edx; pop %ecx; ret */
    uint32_t sigreturn;            /* __kernel_sigreturn */
    uint32_t rt_sigreturn;         /* __kernel_rt_sigreturn */
    uint32_t sigreturn_landing;    /* after sigreturn's int $0x80 */
    uint32_t rt_sigreturn_landing; /* after rt_sigreturn's int $0x80 */
    int32_t vvar;                  /* the clock page ([vvar]), below the image */
} Vdso32Layout;

/* Addresses in the guest after vdso32_map(). */
typedef struct Vdso32Info {
    uint64_t base;         /* image base: AT_SYSINFO_EHDR */
    uint64_t size;         /* bytes mapped (vdso32_size()) */
    uint64_t entry;        /* __kernel_vsyscall: AT_SYSINFO */
    uint64_t landing;      /* where SYSEXIT/SYSRETL return (the kernel model) */
    uint64_t sigreturn;    /* __kernel_sigreturn: pretcode of non-RT frames */
    uint64_t rt_sigreturn; /* __kernel_rt_sigreturn: pretcode of RT frames */
    int kind;              /* VDSO32_ENTRY_* patched in */
} Vdso32Info;

/* Bytes the mapping takes: the image rounded up to whole pages. */
size_t vdso32_size(void);

/* Map the image at addr (page aligned, the whole mapping below 4 GiB) as a
 * user R+X region named "[vdso]", and the VDSO32_VVAR_PAGES below it as
 * "[vvar]" and "[vvar_vclock]" (read-only, the clock page filled), replacing
 * anything there, and patch the
 * entry: SYSCALL when use_syscall (ALTERNATIVE_2 applies it last, so it wins
 * when both are set), else SYSENTER when vendor_is_intel_sysenter, else
 * int $0x80. Fills *out (may be NULL). Returns 0, or -1 on a bad address or a
 * failed mapping. */
int vdso32_map(Mem *m, uint64_t addr, int vendor_is_intel_sysenter, int use_syscall,
               Vdso32Info *out);

/* The unpatched embedded image (the linked .so, int $0x80 variant), its
 * layout, and the bytes vdso32_map() writes at the patch site for a kind. */
const uint8_t *vdso32_image(size_t *len);
const Vdso32Layout *vdso32_layout(void);
const uint8_t *vdso32_entry_bytes(int kind);

/* 64-bit vDSO (linux-vdso.so.1): an ELF64 shared object exporting
 * __vdso_clock_gettime & co. (LINUX_2.6), reading the [vvar] page(s) mapped
 * directly below it, which ringside keeps current. */
typedef struct Vdso64Info {
    uint64_t vvar; /* start of the [vvar] mapping (the lowest address mapped) */
    uint64_t base; /* image base: AT_SYSINFO_EHDR */
    uint64_t size; /* bytes mapped in all, [vvar] included: vdso64_size() */
} Vdso64Info;

/* Bytes vdso64_map() maps: the [vvar] pages plus the image, whole pages. */
size_t vdso64_size(void);
/* Map [vvar] at addr and the image right above it (user pages; the whole
 * mapping canonical and below the kernel half). Fills *out (may be NULL).
 * Returns 0, or -1 when there is no 64-bit vDSO or the mapping failed. */
int vdso64_map(Mem *m, uint64_t addr, Vdso64Info *out);
/* The embedded image (the stripped linked .so). */
const uint8_t *vdso64_image(size_t *len);

/* Rewrite the clock page at vvar (the first [vvar] page, 64- or 32-bit) when
 * it is older than a millisecond, or always when force: called at system
 * call boundaries and at map time. See vdso/vvar.c. */
void vvar_refresh(Mem *m, uint64_t vvar, int force);

#endif
