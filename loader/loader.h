/* loader/: ELF executables into a guest address space, and the initial
 * process stack exactly as Linux lays it out. Depends on cpu/ (Mem) and
 * syscall/proc.h (the process it fills in). */
#ifndef RINGSIDE_LOADER_H
#define RINGSIDE_LOADER_H

#include <stdint.h>

#include "../syscall/proc.h"

typedef struct LoadInfo {
    uint64_t entry; /* program entry (load bias applied): AT_ENTRY */
    uint64_t start; /* where execution begins: the interpreter's entry, or entry */
    uint64_t phdr;  /* guest address of the program headers (AT_PHDR) */
    uint64_t phent, phnum;
    uint64_t load_bias;
    uint64_t brk;         /* page-aligned end of the highest segment */
    uint64_t interp_base; /* AT_BASE: 0 for static programs */
    int is32;             /* ELFCLASS32 i386 */
    int exec_stack;       /* PT_GNU_STACK asks for an executable stack */
    uint64_t vdso_base;   /* AT_SYSINFO_EHDR (0: no vDSO) */
    uint64_t vdso_entry;  /* AT_SYSINFO: __kernel_vsyscall (32-bit only) */
    int exit_status;      /* on failure: 126 malformed/unsupported, 127 cannot open */
    char err[256];        /* on failure: one line naming the problem */
} LoadInfo;

/* Load an executable and its PT_INTERP interpreter (looked up through
 * --sysroot) where Linux puts them; sets p->mmap_base. Returns 0, or -1
 * with li->err and li->exit_status. */
int elf_load(Proc *p, const char *path, LoadInfo *li);

/* Build argc/argv/envp/auxv on a new stack; returns the initial RSP, or 0
 * (with li->err) when the arguments do not fit. */
uint64_t stack_setup(Proc *p, LoadInfo *li, int argc, char *const argv[], char *const envp[],
                     const char *execfn);

/* The whole process image for execve: sets p->exe_path (realpath), loads
 * the program (+ interpreter), maps the vDSO, builds the stack (*sp = the
 * initial stack pointer) and sets brk, mmap_base, vdso_base, vvar_base,
 * vdso_landing, auxv. Execution starts at li->start. 0, or -1 with li->err
 * and li->exit_status. */
int exec_image(Proc *p, const char *path, int argc, char *const argv[], char *const envp[],
               const char *execfn, LoadInfo *li, uint64_t *sp);

#endif
