/* The process image execve builds (used at start-up by ui/ and, later, by
 * the execve system call): the program and its interpreter, the vDSO
 * (64-bit: [vvar] + [vdso]; 32-bit: linux-gate.so.1) placed top-down right
 * below them as Linux's arch_setup_additional_pages does, the initial
 * stack, and the Proc fields that describe the image. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vdso/vdso.h"
#include "loader.h"

#define MMAP_MIN 0x10000ull

static int map_vdso(Proc *p, LoadInfo *li) {
    if (!li->is32) {
        uint64_t size = vdso64_size();
        if (!size) return 0; /* no 64-bit vDSO built: no AT_SYSINFO_EHDR */
        uint64_t a = mem_find_free(p->mem, size, MMAP_MIN, p->mmap_base);
        Vdso64Info vi;
        if (!a || vdso64_map(p->mem, a, &vi) < 0) return 0;
        li->vdso_base = vi.base;
        p->vdso_base = vi.base;
        p->vvar_base = vi.vvar;
        return 0;
    }
    /* __kernel_vsyscall enters the way this kernel and CPU want (Linux's
     * alternatives): SYSENTER on Intel and on the 32-bit kernel, compat
     * SYSCALL on AMD's 64-bit kernel. The vvar pages sit below the image. */
    uint64_t vvar = (uint64_t)VDSO32_VVAR_PAGES * PAGE_SIZE;
    uint64_t a = mem_find_free(p->mem, vdso32_size() + vvar, MMAP_MIN, p->mmap_base);
    int sysenter = p->kernel32 || p->cpu->vendor == CPU_INTEL;
    int syscall32 = !p->kernel32 && p->cpu->vendor == CPU_AMD;
    Vdso32Info vi;
    if (!a || vdso32_map(p->mem, a + vvar, sysenter, syscall32, &vi) < 0) {
        snprintf(li->err, sizeof li->err, "internal error: cannot map the vDSO");
        li->exit_status = 125;
        return -1;
    }
    li->vdso_base = vi.base;
    li->vdso_entry = vi.entry;
    p->vdso_base = vi.base;
    p->vvar_base = a;
    p->vdso_landing = vi.landing;
    p->vdso_sigreturn = vi.sigreturn; /* non-SA_RESTORER ia32 signal frames return here */
    p->vdso_rt_sigreturn = vi.rt_sigreturn;
    return 0;
}

int exec_image(Proc *p, const char *path, int argc, char *const argv[], char *const envp[],
               const char *execfn, LoadInfo *li, uint64_t *sp) {
    if (!realpath(path, p->exe_path)) snprintf(p->exe_path, sizeof p->exe_path, "%s", path);
    if (elf_load(p, path, li) < 0) return -1;
    if (map_vdso(p, li) < 0) return -1;
    *sp = stack_setup(p, li, argc, argv, envp, execfn);
    if (!*sp) {
        li->exit_status = 126;
        return -1;
    }
    p->brk_start = p->brk_cur = li->brk;
    return 0;
}
