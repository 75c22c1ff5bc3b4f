/* execve's ELF part (Linux's load_elf_binary with ASLR off): the program,
 * and its PT_INTERP dynamic linker, placed where Linux places them.
 *   ET_EXEC                at its own addresses
 *   ET_DYN with PT_INTERP  (PIE) at ELF_ET_DYN_BASE
 *   ET_DYN without         (static PIE, ld.so run directly) top-down in the
 *                          mmap area, like any mmap of its total size
 *   the interpreter        top-down in the mmap area
 * brk starts after the program's highest segment; for an ET_DYN program
 * without interpreter Linux moves it to ELF_ET_DYN_BASE (page-aligned up). */
#include <elf.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "elf_file.h"
#include "loader.h"

#define USER_TOP64           0x7ffffffff000ull /* TASK_SIZE_MAX */
#define USER_TOP32           0xffffe000ull     /* TASK_SIZE of a compat task */
#define TASK_SIZE32_KERNEL32 0xc0000000ull     /* user space under a 32-bit kernel (3G/1G) */
#define MMAP_GAP             0x8000000ull      /* mmap_base = TASK_SIZE - 128 MiB (MIN_GAP) */
#define MMAP_MIN             0x10000ull        /* vm.mmap_min_addr */
/* ELF_ET_DYN_BASE: 64-bit DEFAULT_MAP_WINDOW / 3 * 2 (not page aligned:
 * the PIE goes at its page start, a moved brk at its page end); the
 * compat value as a 6.x kernel uses it (measured with setarch -R); a
 * 32-bit kernel's TASK_SIZE / 3 * 2. */
#define ET_DYN_BASE64  0x555555554aaaull
#define ET_DYN_BASE32  0x56555000ull
#define ET_DYN_BASE32K 0x80000000ull

static uint64_t user_top_of(const Proc *p, int is64) {
    return is64 ? USER_TOP64 : p->kernel32 ? TASK_SIZE32_KERNEL32 : USER_TOP32;
}

/* Top-down placement of an ET_DYN image's whole extent: its load bias. */
static int place_topdown(Proc *p, ElfFile *f, const char *path, uint64_t *bias, LoadInfo *li) {
    uint64_t size = ((f->hi + PAGE_SIZE - 1) & PAGE_MASK) - f->lo;
    uint64_t a = mem_find_free(p->mem, size, MMAP_MIN, p->mmap_base);
    if (!a) {
        elf_close(f);
        return elf_fail(li, 126, "%s: no room for the image (0x%llx bytes)", path,
                        (unsigned long long)size);
    }
    *bias = a - f->lo;
    return 0;
}

/* The PT_INTERP path: NUL-terminated inside the file, as Linux requires. */
static int read_interp(ElfFile *f, const char *path, char *out, size_t n, LoadInfo *li) {
    out[0] = 0;
    for (int k = 0; k < f->phnum; k++) {
        const Elf64_Phdr *s = &f->ph[k];
        if (s->p_type != PT_INTERP) continue;
        if (s->p_filesz < 2 || s->p_filesz > n || s->p_offset > f->fsize ||
            s->p_filesz > f->fsize - s->p_offset) {
            elf_close(f);
            return elf_fail(li, 126, "%s: bad PT_INTERP (size 0x%llx)", path,
                            (unsigned long long)s->p_filesz);
        }
        if (elf_pread_all(f->fd, out, s->p_filesz, s->p_offset) < 0 || out[s->p_filesz - 1]) {
            elf_close(f);
            return elf_fail(li, 126, "%s: PT_INTERP is not a NUL-terminated path", path);
        }
        if (out[0] == 0) {
            elf_close(f);
            return elf_fail(li, 126, "%s: PT_INTERP is empty", path);
        }
        return 0; /* Linux takes the first one */
    }
    return 0;
}

/* PT_GNU_STACK decides the stack's X bit; without one, a 32-bit program
 * gets an executable stack (Linux's READ_IMPLIES_EXEC default for ia32). */
static int exec_stack_of(const ElfFile *f) {
    for (int k = 0; k < f->phnum; k++)
        if (f->ph[k].p_type == PT_GNU_STACK) return (f->ph[k].p_flags & PF_X) != 0;
    return !f->is64;
}

static int load_interp(Proc *p, const char *ipath, int is64, LoadInfo *li) {
    char buf[PATH_MAX], name[PATH_MAX];
    const char *host = proc_host_path(p, ipath, buf, sizeof buf);
    ElfFile *f = malloc(sizeof *f);
    if (!f) return elf_fail(li, 126, "%s: out of memory", ipath);
    int status = 127;
    if (elf_open(f, host, ipath, li) < 0) {
        status = li->exit_status;
        /* "cannot run P: interpreter I: why", the way execve's ENOENT reads */
        char why[sizeof li->err];
        snprintf(why, sizeof why, "%s", li->err);
        elf_fail(li, status, "interpreter %.200s", why);
        free(f);
        return -1;
    }
    if (f->is64 != is64) {
        elf_close(f);
        free(f);
        return elf_fail(li, 126, "interpreter %s: ELF class differs from the program's", ipath);
    }
    uint64_t bias = 0;
    if (elf_check_segments(f, ipath, user_top_of(p, is64), li) < 0 ||
        (f->type == ET_DYN && place_topdown(p, f, ipath, &bias, li) < 0)) {
        char why[sizeof li->err];
        snprintf(why, sizeof why, "%s", li->err);
        snprintf(li->err, sizeof li->err, "interpreter %.200s", why);
        free(f);
        return -1;
    }
    if (!realpath(host, name)) snprintf(name, sizeof name, "%s", host);
    if (elf_map_segments(p, f, bias, ipath, name, li) < 0) {
        free(f);
        return -1;
    }
    li->interp_base = f->lo + bias;
    li->start = f->entry + bias;
    elf_close(f);
    free(f);
    return 0;
}

int elf_load(Proc *p, const char *path, LoadInfo *li) {
    memset(li, 0, sizeof *li);
    ElfFile *f = malloc(sizeof *f);
    if (!f) return elf_fail(li, 126, "%s: out of memory", path);
    int rc = -1;
    char interp[PATH_MAX];
    if (elf_open(f, path, path, li) < 0) goto out;
    if (f->is64 && p->kernel32) {
        elf_close(f);
        elf_fail(li, 126,
                 "%s: a 64-bit program cannot run on the 32-bit kernel model (--kernel=i386)",
                 path);
        goto out;
    }
    uint64_t top = user_top_of(p, f->is64);
    p->mmap_base = top - MMAP_GAP;
    if (elf_check_segments(f, path, top, li) < 0) goto out;
    if (read_interp(f, path, interp, sizeof interp, li) < 0) goto out;
    uint64_t bias = 0;
    if (f->type == ET_DYN && interp[0]) {
        uint64_t base = f->is64 ? ET_DYN_BASE64 : p->kernel32 ? ET_DYN_BASE32K : ET_DYN_BASE32;
        bias = (base - (f->lo & PAGE_MASK)) & PAGE_MASK;
    } else if (f->type == ET_DYN && place_topdown(p, f, path, &bias, li) < 0) {
        goto out;
    }
    if (f->hi + bias > top || f->lo + bias < MMAP_MIN) {
        elf_close(f);
        elf_fail(li, 126, "%s: segment below mmap_min_addr (0x10000) or above the user space",
                 path);
        goto out;
    }
    const char *name = p->exe_path[0] ? p->exe_path : path;
    if (elf_map_segments(p, f, bias, path, name, li) < 0) goto out;
    li->entry = f->entry + bias;
    li->start = li->entry;
    li->load_bias = bias;
    li->phent = f->phentsize;
    li->phnum = f->phnum;
    li->is32 = !f->is64;
    li->exec_stack = exec_stack_of(f);
    li->phdr = elf_phdr_addr(f, bias);
    li->brk = (f->hi + bias + PAGE_SIZE - 1) & PAGE_MASK;
    if (f->type == ET_DYN && !interp[0]) {
        uint64_t base = f->is64 ? ET_DYN_BASE64 : p->kernel32 ? ET_DYN_BASE32K : ET_DYN_BASE32;
        li->brk = (base + PAGE_SIZE - 1) & PAGE_MASK;
    }
    int is64 = f->is64;
    elf_close(f);
    if (interp[0] && load_interp(p, interp, is64, li) < 0) goto out;
    rc = 0;
out:
    free(f);
    return rc;
}
