/* ELF64 (and, for the 32-bit issue, ELF32 i386) static executables:
 * ET_EXEC and static-PIE ET_DYN. Every header field is validated before
 * use; a malformed file gets one line naming the problem and status 126. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"

#define MAX_PHNUM            256
#define ET_DYN_BASE64        0x555555554000ull /* Linux's ELF_ET_DYN_BASE without ASLR */
#define USER_TOP64           0x7ffffffff000ull /* TASK_SIZE_MAX */
#define ET_DYN_BASE32        0x00400000ull     /* Linux's ELF_ET_DYN_BASE for ia32 */
#define USER_TOP32           0xffffe000ull     /* TASK_SIZE for a 32-bit process */
#define TASK_SIZE32_KERNEL32 0xc0000000ull     /* user space under a 32-bit kernel */

static int fail(LoadInfo *li, int status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(li->err, sizeof li->err, fmt, ap);
    va_end(ap);
    li->exit_status = status;
    return -1;
}

static int prot_of(uint32_t flags) {
    int p = MEM_U;
    if (flags & PF_R) p |= MEM_R;
    if (flags & PF_W) p |= MEM_W | MEM_R;
    if (flags & PF_X) p |= MEM_X | MEM_R;
    return p;
}

/* Read exactly n bytes at off; -1 on a short file. */
static int pread_all(int fd, void *buf, size_t n, uint64_t off) {
    size_t done = 0;
    while (done < n) {
        ssize_t k = pread(fd, (char *)buf + done, n - done, (off_t)(off + done));
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        done += (size_t)k;
    }
    return 0;
}

/* A program-header view that covers both classes. */
typedef struct Seg {
    uint32_t type, flags;
    uint64_t off, vaddr, filesz, memsz, align;
} Seg;

int elf_load(Proc *p, const char *path, LoadInfo *li) {
    memset(li, 0, sizeof *li);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(li, errno == ENOENT ? 127 : 126, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail(li, 126, "%s: not a regular file", path);
    }
    if (access(path, X_OK) != 0) { /* execve needs execute permission, even for root */
        close(fd);
        return fail(li, 126, "%s: Permission denied (not executable)", path);
    }
    uint64_t fsize = (uint64_t)st.st_size;
    unsigned char ident[EI_NIDENT];
    if (fsize < EI_NIDENT || pread_all(fd, ident, EI_NIDENT, 0) < 0) {
        close(fd);
        return fail(li, 126, "%s: file too short to be an ELF executable (%llu bytes)", path,
                    (unsigned long long)fsize);
    }
    if (memcmp(ident, ELFMAG, SELFMAG) != 0) {
        close(fd);
        if (ident[0] == '#' && ident[1] == '!')
            return fail(li, 126, "%s: a script (#!): run its interpreter under ringside instead",
                        path);
        return fail(li, 126, "%s: not an ELF file (bad magic)", path);
    }
    if (ident[EI_CLASS] != ELFCLASS64 && ident[EI_CLASS] != ELFCLASS32) {
        close(fd);
        return fail(li, 126, "%s: bad ELF class %u", path, ident[EI_CLASS]);
    }
    if (ident[EI_DATA] != ELFDATA2LSB) {
        close(fd);
        return fail(li, 126, "%s: not little-endian (EI_DATA %u)", path, ident[EI_DATA]);
    }
    if (ident[EI_VERSION] != EV_CURRENT) {
        close(fd);
        return fail(li, 126, "%s: bad ELF version %u", path, ident[EI_VERSION]);
    }
    int is64 = ident[EI_CLASS] == ELFCLASS64;
    uint16_t type, machine, phentsize, phnum;
    uint64_t entry, phoff;
    if (is64) {
        Elf64_Ehdr eh;
        if (fsize < sizeof eh || pread_all(fd, &eh, sizeof eh, 0) < 0) {
            close(fd);
            return fail(li, 126, "%s: truncated ELF header", path);
        }
        type = eh.e_type, machine = eh.e_machine, entry = eh.e_entry, phoff = eh.e_phoff;
        phentsize = eh.e_phentsize, phnum = eh.e_phnum;
        if (machine != EM_X86_64) {
            close(fd);
            return fail(li, 126, "%s: wrong machine %u (ELF64 needs x86-64, EM_X86_64 = 62)", path,
                        machine);
        }
        if (phentsize != sizeof(Elf64_Phdr)) {
            close(fd);
            return fail(li, 126, "%s: bad program header size %u", path, phentsize);
        }
    } else {
        Elf32_Ehdr eh;
        if (fsize < sizeof eh || pread_all(fd, &eh, sizeof eh, 0) < 0) {
            close(fd);
            return fail(li, 126, "%s: truncated ELF header", path);
        }
        type = eh.e_type, machine = eh.e_machine, entry = eh.e_entry, phoff = eh.e_phoff;
        phentsize = eh.e_phentsize, phnum = eh.e_phnum;
        if (machine != EM_386) {
            close(fd);
            return fail(li, 126, "%s: wrong machine %u (ELF32 needs i386, EM_386 = 3)", path,
                        machine);
        }
        if (phentsize != sizeof(Elf32_Phdr)) {
            close(fd);
            return fail(li, 126, "%s: bad program header size %u", path, phentsize);
        }
    }
    if (type != ET_EXEC && type != ET_DYN) {
        close(fd);
        return fail(li, 126, "%s: not an executable (e_type %u)", path, type);
    }
    if (phnum == 0 || phnum > MAX_PHNUM) {
        close(fd);
        return fail(li, 126, "%s: bad program header count %u", path, phnum);
    }
    uint64_t phsize = (uint64_t)phnum * phentsize;
    if (phoff > fsize || phsize > fsize - phoff) {
        close(fd);
        return fail(li, 126, "%s: program headers lie outside the file", path);
    }
    Elf64_Phdr ph[MAX_PHNUM];
    if (is64) {
        if (pread_all(fd, ph, phsize, phoff) < 0) {
            close(fd);
            return fail(li, 126, "%s: cannot read program headers", path);
        }
    } else {
        Elf32_Phdr ph32[MAX_PHNUM];
        if (pread_all(fd, ph32, phsize, phoff) < 0) {
            close(fd);
            return fail(li, 126, "%s: cannot read program headers", path);
        }
        for (int k = 0; k < phnum; k++) {
            ph[k].p_type = ph32[k].p_type;
            ph[k].p_flags = ph32[k].p_flags;
            ph[k].p_offset = ph32[k].p_offset;
            ph[k].p_vaddr = ph32[k].p_vaddr;
            ph[k].p_filesz = ph32[k].p_filesz;
            ph[k].p_memsz = ph32[k].p_memsz;
            ph[k].p_align = ph32[k].p_align;
        }
    }
    uint64_t user_top = is64 ? USER_TOP64 : p->kernel32 ? TASK_SIZE32_KERNEL32 : USER_TOP32;
    if (is64 && p->kernel32) {
        close(fd);
        return fail(li, 126,
                    "%s: a 64-bit program cannot run on the 32-bit kernel model (--kernel=i386)",
                    path);
    }
    Seg seg[MAX_PHNUM];
    int nload = 0;
    uint64_t lo = ~0ull, hi = 0;
    for (int k = 0; k < phnum; k++) {
        Seg s = {ph[k].p_type,   ph[k].p_flags, ph[k].p_offset, ph[k].p_vaddr,
                 ph[k].p_filesz, ph[k].p_memsz, ph[k].p_align};
        if (s.type == PT_INTERP) {
            close(fd);
            return fail(
                li, 126,
                "%s: dynamically linked (PT_INTERP): only static programs are supported yet", path);
        }
        if (s.type != PT_LOAD) continue;
        if (s.filesz > s.memsz) {
            close(fd);
            return fail(li, 126, "%s: segment %d: file size 0x%llx exceeds memory size 0x%llx",
                        path, k, (unsigned long long)s.filesz, (unsigned long long)s.memsz);
        }
        if (s.off > fsize || s.filesz > fsize - s.off) {
            close(fd);
            return fail(li, 126, "%s: segment %d: file data lies outside the file", path, k);
        }
        if ((s.off & (PAGE_SIZE - 1)) != (s.vaddr & (PAGE_SIZE - 1))) {
            close(fd);
            return fail(li, 126,
                        "%s: segment %d: offset and address are not congruent modulo the page size",
                        path, k);
        }
        if (s.memsz == 0) continue;
        if (s.memsz > user_top || s.vaddr > user_top - s.memsz) {
            close(fd);
            return fail(li, 126, "%s: segment %d: does not fit in the user address space", path, k);
        }
        if (nload && s.vaddr < seg[nload - 1].vaddr + seg[nload - 1].memsz) {
            close(fd);
            return fail(li, 126, "%s: segment %d: overlaps or precedes the previous segment", path,
                        k);
        }
        seg[nload++] = s;
        if (s.vaddr < lo) lo = s.vaddr;
        if (s.vaddr + s.memsz > hi) hi = s.vaddr + s.memsz;
    }
    if (nload == 0) {
        close(fd);
        return fail(li, 126, "%s: no loadable segments", path);
    }
    uint64_t bias = 0;
    if (type == ET_DYN) bias = (is64 ? ET_DYN_BASE64 : ET_DYN_BASE32) - (lo & PAGE_MASK);
    lo &= PAGE_MASK;
    if (hi - lo > user_top / 2 || bias + hi > user_top) {
        close(fd);
        return fail(li, 126, "%s: image too large (0x%llx bytes)", path,
                    (unsigned long long)(hi - lo));
    }
    if (lo + bias < 0x10000) {
        close(fd);
        return fail(li, 126, "%s: segment below mmap_min_addr (0x10000)", path);
    }
    int entry_ok = 0;
    for (int k = 0; k < nload; k++)
        if (entry >= seg[k].vaddr && entry < seg[k].vaddr + seg[k].memsz && (seg[k].flags & PF_X))
            entry_ok = 1;
    if (!entry_ok) {
        close(fd);
        return fail(li, 126, "%s: entry point 0x%llx is outside every executable segment", path,
                    (unsigned long long)entry);
    }

    /* Map and fill. Pages shared by two segments get the union of their
     * permissions, as Linux's page-granular mmap would give. */
    for (int k = 0; k < nload; k++) {
        Seg *s = &seg[k];
        uint64_t start = (s->vaddr + bias) & PAGE_MASK;
        uint64_t end = (s->vaddr + bias + s->memsz + PAGE_SIZE - 1) & PAGE_MASK;
        int prot = prot_of(s->flags);
        if (k > 0) {
            uint64_t prev_end =
                (seg[k - 1].vaddr + bias + seg[k - 1].memsz + PAGE_SIZE - 1) & PAGE_MASK;
            if (prev_end > start) { /* shared page */
                int pp = mem_page_prot(p->mem, start) & (MEM_R | MEM_W | MEM_X | MEM_U);
                mem_protect(p->mem, start, PAGE_SIZE, pp | prot);
                start += PAGE_SIZE;
            }
        }
        /* Named after the file up to the end of its file data; the zero-fill
         * (bss) pages beyond are anonymous, as /proc/self/maps shows them. */
        const char *name = p->exe_path[0] ? p->exe_path : path;
        uint64_t fend = (s->vaddr + bias + s->filesz + PAGE_SIZE - 1) & PAGE_MASK;
        if (fend < start) fend = start;
        if (fend > end) fend = end;
        if (fend > start && mem_map(p->mem, start, fend - start, prot, name) < 0) {
            close(fd);
            return fail(li, 126, "%s: cannot map segment %d", path, k);
        }
        start = fend;
        if (end > start && mem_map(p->mem, start, end - start, prot, "") < 0) {
            close(fd);
            return fail(li, 126, "%s: cannot map segment %d", path, k);
        }
        /* copy the file bytes through a bounce buffer */
        uint64_t done = 0;
        char buf[65536];
        while (done < s->filesz) {
            size_t n = s->filesz - done > sizeof buf ? sizeof buf : (size_t)(s->filesz - done);
            if (pread_all(fd, buf, n, s->off + done) < 0 ||
                mem_write(p->mem, s->vaddr + bias + done, buf, n, 0) < 0) {
                close(fd);
                return fail(li, 126, "%s: cannot read segment %d", path, k);
            }
            done += n;
        }
    }
    close(fd);

    li->entry = entry + bias;
    li->load_bias = bias;
    li->phent = phentsize;
    li->phnum = phnum;
    li->is32 = !is64;
    /* AT_PHDR: where the headers are in memory (PT_PHDR, or inside the
     * first segment that covers them in the file). */
    li->phdr = 0;
    for (int k = 0; k < phnum; k++)
        if (ph[k].p_type == PT_PHDR) li->phdr = ph[k].p_vaddr + bias;
    if (!li->phdr)
        for (int k = 0; k < nload; k++)
            if (phoff >= seg[k].off && phoff + phsize <= seg[k].off + seg[k].filesz)
                li->phdr = seg[k].vaddr + (phoff - seg[k].off) + bias;
    li->brk = (hi + bias + PAGE_SIZE - 1) & PAGE_MASK;
    return 0;
}
