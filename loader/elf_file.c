/* One ELF file, opened and checked: the ELF header and the program headers
 * of an executable or of its interpreter (ELF64 x86-64, ELF32 i386).
 * Every field is validated before use; a malformed file gets one line
 * naming the problem and status 126 (127 when it cannot be found). */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_file.h"

int elf_fail(LoadInfo *li, int status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(li->err, sizeof li->err, fmt, ap);
    va_end(ap);
    li->exit_status = status;
    return -1;
}

int elf_pread_all(int fd, void *buf, size_t n, uint64_t off) {
    size_t done = 0;
    while (done < n) {
        ssize_t k = pread(fd, (char *)buf + done, n - done, (off_t)(off + done));
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        done += (size_t)k;
    }
    return 0;
}

void elf_close(ElfFile *f) {
    if (f->fd >= 0) close(f->fd);
    f->fd = -1;
}

static int bad(ElfFile *f, LoadInfo *li, const char *fmt, const char *path, unsigned v) {
    elf_close(f);
    char msg[200];
    snprintf(msg, sizeof msg, fmt, v);
    return elf_fail(li, 126, "%s: %s", path, msg);
}

int elf_open(ElfFile *f, const char *host, const char *path, LoadInfo *li) {
    memset(f, 0, sizeof *f);
    f->fd = open(host, O_RDONLY | O_CLOEXEC);
    if (f->fd < 0)
        return elf_fail(li, errno == ENOENT ? 127 : 126, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(f->fd, &st) < 0 || !S_ISREG(st.st_mode))
        return bad(f, li, "not a regular file", path, 0);
    if (access(host, X_OK) != 0) /* execve needs execute permission, even for root */
        return bad(f, li, "Permission denied (not executable)", path, 0);
    f->fsize = (uint64_t)st.st_size;
    unsigned char id[EI_NIDENT];
    if (f->fsize < EI_NIDENT || elf_pread_all(f->fd, id, EI_NIDENT, 0) < 0) {
        elf_close(f);
        return elf_fail(li, 126, "%s: file too short to be an ELF executable (%llu bytes)", path,
                        (unsigned long long)f->fsize);
    }
    if (memcmp(id, ELFMAG, SELFMAG) != 0) {
        if (id[0] == '#' && id[1] == '!')
            return bad(f, li, "a script (#!): run its interpreter under ringside instead", path, 0);
        return bad(f, li, "not an ELF file (bad magic)", path, 0);
    }
    if (id[EI_CLASS] != ELFCLASS64 && id[EI_CLASS] != ELFCLASS32)
        return bad(f, li, "bad ELF class %u", path, id[EI_CLASS]);
    if (id[EI_DATA] != ELFDATA2LSB)
        return bad(f, li, "not little-endian (EI_DATA %u)", path, id[EI_DATA]);
    if (id[EI_VERSION] != EV_CURRENT) return bad(f, li, "bad ELF version %u", path, id[EI_VERSION]);
    f->is64 = id[EI_CLASS] == ELFCLASS64;
    uint16_t machine;
    if (f->is64) {
        Elf64_Ehdr eh;
        if (f->fsize < sizeof eh || elf_pread_all(f->fd, &eh, sizeof eh, 0) < 0)
            return bad(f, li, "truncated ELF header", path, 0);
        f->type = eh.e_type, machine = eh.e_machine, f->entry = eh.e_entry, f->phoff = eh.e_phoff;
        f->phentsize = eh.e_phentsize, f->phnum = eh.e_phnum;
        if (machine != EM_X86_64)
            return bad(f, li, "wrong machine %u (ELF64 needs x86-64, EM_X86_64 = 62)", path,
                       machine);
        if (f->phentsize != sizeof(Elf64_Phdr))
            return bad(f, li, "bad program header size %u", path, f->phentsize);
    } else {
        Elf32_Ehdr eh;
        if (f->fsize < sizeof eh || elf_pread_all(f->fd, &eh, sizeof eh, 0) < 0)
            return bad(f, li, "truncated ELF header", path, 0);
        f->type = eh.e_type, machine = eh.e_machine, f->entry = eh.e_entry, f->phoff = eh.e_phoff;
        f->phentsize = eh.e_phentsize, f->phnum = eh.e_phnum;
        if (machine != EM_386)
            return bad(f, li, "wrong machine %u (ELF32 needs i386, EM_386 = 3)", path, machine);
        if (f->phentsize != sizeof(Elf32_Phdr))
            return bad(f, li, "bad program header size %u", path, f->phentsize);
    }
    if (f->type != ET_EXEC && f->type != ET_DYN)
        return bad(f, li, "not an executable (e_type %u)", path, f->type);
    if (f->phnum == 0 || f->phnum > ELF_MAX_PHNUM)
        return bad(f, li, "bad program header count %u", path, f->phnum);
    f->phsize = (uint64_t)f->phnum * f->phentsize;
    if (f->phoff > f->fsize || f->phsize > f->fsize - f->phoff)
        return bad(f, li, "program headers lie outside the file", path, 0);
    if (f->is64) {
        if (elf_pread_all(f->fd, f->ph, f->phsize, f->phoff) < 0)
            return bad(f, li, "cannot read program headers", path, 0);
    } else {
        Elf32_Phdr ph32[ELF_MAX_PHNUM];
        if (elf_pread_all(f->fd, ph32, f->phsize, f->phoff) < 0)
            return bad(f, li, "cannot read program headers", path, 0);
        for (int k = 0; k < f->phnum; k++) {
            f->ph[k].p_type = ph32[k].p_type;
            f->ph[k].p_flags = ph32[k].p_flags;
            f->ph[k].p_offset = ph32[k].p_offset;
            f->ph[k].p_vaddr = ph32[k].p_vaddr;
            f->ph[k].p_filesz = ph32[k].p_filesz;
            f->ph[k].p_memsz = ph32[k].p_memsz;
            f->ph[k].p_align = ph32[k].p_align;
        }
    }
    return 0;
}

int elf_check_segments(ElfFile *f, const char *path, uint64_t user_top, LoadInfo *li) {
    uint64_t prev_end = 0;
    int nload = 0;
    f->lo = ~0ull, f->hi = 0;
    for (int k = 0; k < f->phnum; k++) {
        const Elf64_Phdr *s = &f->ph[k];
        if (s->p_type != PT_LOAD) continue;
        if (s->p_filesz > s->p_memsz) {
            elf_close(f);
            return elf_fail(li, 126, "%s: segment %d: file size 0x%llx exceeds memory size 0x%llx",
                            path, k, (unsigned long long)s->p_filesz,
                            (unsigned long long)s->p_memsz);
        }
        if (s->p_offset > f->fsize || s->p_filesz > f->fsize - s->p_offset) {
            elf_close(f);
            return elf_fail(li, 126, "%s: segment %d: file data lies outside the file", path, k);
        }
        if ((s->p_offset & (PAGE_SIZE - 1)) != (s->p_vaddr & (PAGE_SIZE - 1))) {
            elf_close(f);
            return elf_fail(
                li, 126,
                "%s: segment %d: offset and address are not congruent modulo the page size", path,
                k);
        }
        if (s->p_memsz == 0) continue;
        if (s->p_memsz > user_top || s->p_vaddr > user_top - s->p_memsz) {
            elf_close(f);
            return elf_fail(li, 126, "%s: segment %d: does not fit in the user address space", path,
                            k);
        }
        if (nload && s->p_vaddr < prev_end) {
            elf_close(f);
            return elf_fail(li, 126, "%s: segment %d: overlaps or precedes the previous segment",
                            path, k);
        }
        prev_end = s->p_vaddr + s->p_memsz;
        nload++;
        if (s->p_vaddr < f->lo) f->lo = s->p_vaddr;
        if (prev_end > f->hi) f->hi = prev_end;
    }
    if (nload == 0) {
        elf_close(f);
        return elf_fail(li, 126, "%s: no loadable segments", path);
    }
    f->lo &= PAGE_MASK;
    if (f->hi - f->lo > user_top / 2) {
        elf_close(f);
        return elf_fail(li, 126, "%s: image too large (0x%llx bytes)", path,
                        (unsigned long long)(f->hi - f->lo));
    }
    int entry_ok = 0;
    for (int k = 0; k < f->phnum; k++) {
        const Elf64_Phdr *s = &f->ph[k];
        if (s->p_type == PT_LOAD && f->entry >= s->p_vaddr && f->entry < s->p_vaddr + s->p_memsz &&
            (s->p_flags & PF_X))
            entry_ok = 1;
    }
    if (!entry_ok) {
        elf_close(f);
        return elf_fail(li, 126, "%s: entry point 0x%llx is outside every executable segment", path,
                        (unsigned long long)f->entry);
    }
    return 0;
}

static int prot_of(uint32_t flags) {
    int p = MEM_U;
    if (flags & PF_R) p |= MEM_R;
    if (flags & PF_W) p |= MEM_W | MEM_R;
    if (flags & PF_X) p |= MEM_X | MEM_R;
    return p;
}

/* Linux's elf_load(): each PT_LOAD is a private file mapping of its pages
 * (a later segment replaces a page two segments share, as MAP_FIXED does);
 * the rest of the last file page is zeroed when the segment is writable
 * (padzero), and whole bss pages beyond are anonymous. */
int elf_map_segments(Proc *p, ElfFile *f, uint64_t bias, const char *path, const char *name,
                     LoadInfo *li) {
    for (int k = 0; k < f->phnum; k++) {
        const Elf64_Phdr *s = &f->ph[k];
        if (s->p_type != PT_LOAD || s->p_memsz == 0) continue;
        int prot = prot_of(s->p_flags);
        uint64_t va = s->p_vaddr + bias;
        uint64_t start = va & PAGE_MASK;
        uint64_t fend = (va + s->p_filesz + PAGE_SIZE - 1) & PAGE_MASK;
        uint64_t end = (va + s->p_memsz + PAGE_SIZE - 1) & PAGE_MASK;
        if (s->p_filesz) {
            if (mem_map_file(p->mem, start, fend - start, prot, f->fd, s->p_offset & PAGE_MASK, 0,
                             name) < 0) {
                elf_close(f);
                return elf_fail(li, 126, "%s: cannot map segment %d", path, k);
            }
            uint64_t zs = va + s->p_filesz;
            if (s->p_memsz > s->p_filesz && (zs & (PAGE_SIZE - 1)) && (prot & MEM_W)) {
                static const uint8_t zeros[PAGE_SIZE];
                if (mem_write(p->mem, zs, zeros, fend - zs, 0) < 0) {
                    elf_close(f);
                    return elf_fail(li, 126, "%s: cannot zero the bss of segment %d", path, k);
                }
            }
        } else {
            fend = start;
        }
        if (end > fend && mem_map(p->mem, fend, end - fend, prot, "") < 0) {
            elf_close(f);
            return elf_fail(li, 126, "%s: cannot map the bss of segment %d", path, k);
        }
    }
    return 0;
}

uint64_t elf_phdr_addr(const ElfFile *f, uint64_t bias) {
    /* Linux: the PT_LOAD whose file range holds the program headers */
    for (int k = 0; k < f->phnum; k++) {
        const Elf64_Phdr *s = &f->ph[k];
        if (s->p_type == PT_LOAD && f->phoff >= s->p_offset &&
            f->phoff + f->phsize <= s->p_offset + s->p_filesz)
            return f->phoff - s->p_offset + s->p_vaddr + bias;
    }
    for (int k = 0; k < f->phnum; k++)
        if (f->ph[k].p_type == PT_PHDR) return f->ph[k].p_vaddr + bias;
    return 0;
}
