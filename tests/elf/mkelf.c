/* mkelf: writes one malformed (or the one valid) ELF test case.
 *
 *   mkelf CASE PATH      create PATH as case CASE (exit 2 on an unknown case)
 *   mkelf --list         print the known case names, one a line
 *
 * Every file case starts from the same minimal valid static ELF (ET_EXEC,
 * EM_X86_64, one R+X PT_LOAD at 0x400000 mapping the whole file, entry code
 * `mov $231,%eax; mov $42,%edi; syscall`, i.e. exit_group(42)) and breaks
 * exactly one thing, so a refusal can be attributed to that one defect. The
 * "valid" case is the untouched base: natively and under ringside it must
 * exit 42, which shows the base itself is sound. Layouts follow the System V
 * gABI and the x86-64 psABI; nothing here is copied from a loader. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BASE_VADDR 0x400000ull
#define CODE_OFF   0x100u
#define FILE_SIZE  0x200u

static unsigned char img[FILE_SIZE];

static Elf64_Ehdr *eh(void) { return (Elf64_Ehdr *)img; }
static Elf64_Phdr *ph(int i) { return (Elf64_Phdr *)(img + sizeof(Elf64_Ehdr)) + i; }

static void build_base(void) {
    static const unsigned char code[] = {
        0xb8, 0xe7, 0x00, 0x00, 0x00, /* mov $231,%eax (exit_group) */
        0xbf, 0x2a, 0x00, 0x00, 0x00, /* mov $42,%edi */
        0x0f, 0x05,                   /* syscall */
        0x0f, 0x0b,                   /* ud2: never reached */
    };
    memset(img, 0, sizeof img);
    Elf64_Ehdr *e = eh();
    memcpy(e->e_ident, ELFMAG, SELFMAG);
    e->e_ident[EI_CLASS] = ELFCLASS64;
    e->e_ident[EI_DATA] = ELFDATA2LSB;
    e->e_ident[EI_VERSION] = EV_CURRENT;
    e->e_ident[EI_OSABI] = ELFOSABI_SYSV;
    e->e_type = ET_EXEC;
    e->e_machine = EM_X86_64;
    e->e_version = EV_CURRENT;
    e->e_entry = BASE_VADDR + CODE_OFF;
    e->e_phoff = sizeof(Elf64_Ehdr);
    e->e_ehsize = sizeof(Elf64_Ehdr);
    e->e_phentsize = sizeof(Elf64_Phdr);
    e->e_phnum = 1;
    Elf64_Phdr *p = ph(0);
    p->p_type = PT_LOAD;
    p->p_flags = PF_R | PF_X;
    p->p_offset = 0;
    p->p_vaddr = p->p_paddr = BASE_VADDR;
    p->p_filesz = p->p_memsz = FILE_SIZE;
    p->p_align = 0x1000;
    memcpy(img + CODE_OFF, code, sizeof code);
}

static int write_file(const char *path, const void *buf, size_t n, mode_t mode) {
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0) return -1;
    if (n && write(fd, buf, n) != (ssize_t)n) {
        close(fd);
        return -1;
    }
    if (fchmod(fd, mode) < 0 || close(fd) < 0) return -1; /* fchmod: umask must not matter */
    return 0;
}

/* Each mutator breaks the base image; returns the file length to write. */
typedef size_t (*Mutate)(void);

static size_t m_valid(void) { return FILE_SIZE; }
static size_t m_empty(void) { return 0; }
static size_t m_truncated_header(void) { return 32; } /* half an Elf64_Ehdr */
static size_t m_truncated_phdr(void) { return sizeof(Elf64_Ehdr) + 20; }
static size_t m_bad_magic(void) { img[3] = 'G'; return FILE_SIZE; }
/* Says ELFCLASS32 but keeps the 64-bit layout and EM_X86_64. */
static size_t m_class32(void) { eh()->e_ident[EI_CLASS] = ELFCLASS32; return FILE_SIZE; }
static size_t m_class_none(void) { eh()->e_ident[EI_CLASS] = ELFCLASSNONE; return FILE_SIZE; }
static size_t m_machine_arm(void) { eh()->e_machine = EM_ARM; return FILE_SIZE; }
static size_t m_type_rel(void) { eh()->e_type = ET_REL; return FILE_SIZE; }
static size_t m_type_core(void) { eh()->e_type = ET_CORE; return FILE_SIZE; }
static size_t m_phnum_huge(void) { eh()->e_phnum = 0xfff0; return FILE_SIZE; }
static size_t m_phnum_zero(void) { eh()->e_phnum = 0; return FILE_SIZE; }
static size_t m_phentsize_bad(void) { eh()->e_phentsize = 32; return FILE_SIZE; }
static size_t m_phoff_past_eof(void) { eh()->e_phoff = 0x100000; return FILE_SIZE; }
static size_t m_filesz_gt_memsz(void) { ph(0)->p_memsz = 0x100; return FILE_SIZE; }
/* p_offset+p_filesz runs 0x2e00 bytes past EOF, and the entry point sits in
 * that missing part, so the defect is the one thing standing between the
 * file and a run. */
static size_t m_filesz_past_eof(void) {
    ph(0)->p_filesz = ph(0)->p_memsz = 0x3000;
    eh()->e_entry = BASE_VADDR + 0x2000 + CODE_OFF;
    return FILE_SIZE;
}
static size_t m_offset_past_eof(void) {
    ph(0)->p_offset = 0x10000; /* same page offset as p_vaddr: only EOF is wrong */
    return FILE_SIZE;
}
/* Two PT_LOADs covering the same page with different permissions. */
static size_t m_overlap(void) {
    eh()->e_phnum = 2;
    *ph(1) = *ph(0);
    ph(1)->p_vaddr = ph(1)->p_paddr = BASE_VADDR + 0x100;
    ph(1)->p_offset = 0x100;
    ph(1)->p_filesz = ph(1)->p_memsz = 0x100;
    ph(1)->p_flags = PF_R | PF_W;
    return FILE_SIZE;
}
/* p_vaddr and p_offset disagree modulo the page size (gABI requires equal). */
static size_t m_misaligned(void) {
    ph(0)->p_vaddr = ph(0)->p_paddr = BASE_VADDR + 0x10;
    eh()->e_entry = BASE_VADDR + 0x10 + CODE_OFF;
    return FILE_SIZE;
}
static size_t m_huge_memsz(void) { ph(0)->p_memsz = 1ull << 60; return FILE_SIZE; }
static size_t m_vaddr_kernel(void) {
    ph(0)->p_vaddr = ph(0)->p_paddr = 0xffffffff80000000ull;
    eh()->e_entry = 0xffffffff80000000ull + CODE_OFF;
    return FILE_SIZE;
}
static size_t m_entry_outside(void) { eh()->e_entry = 0x800000; return FILE_SIZE; }
/* No PT_LOAD at all: the only header is a PT_NOTE. */
static size_t m_no_load(void) { ph(0)->p_type = PT_NOTE; return FILE_SIZE; }
static size_t m_interp_missing(void) {
    static const char interp[] = "/nonexistent/ld-ringside-test.so";
    eh()->e_phnum = 2;
    *ph(1) = *ph(0);
    ph(0)->p_type = PT_INTERP; /* gABI: PT_INTERP precedes every loadable segment */
    ph(0)->p_flags = PF_R;
    ph(0)->p_offset = 0x180;
    ph(0)->p_vaddr = ph(0)->p_paddr = BASE_VADDR + 0x180;
    ph(0)->p_filesz = ph(0)->p_memsz = sizeof interp;
    ph(0)->p_align = 1;
    memcpy(img + 0x180, interp, sizeof interp);
    return FILE_SIZE;
}

static const struct {
    const char *name;
    Mutate fn;
} cases[] = {
    {"valid", m_valid},
    {"empty", m_empty},
    {"truncated-header", m_truncated_header},
    {"truncated-phdr", m_truncated_phdr},
    {"bad-magic", m_bad_magic},
    {"class32", m_class32},
    {"class-none", m_class_none},
    {"machine-arm", m_machine_arm},
    {"type-rel", m_type_rel},
    {"type-core", m_type_core},
    {"phnum-huge", m_phnum_huge},
    {"phnum-zero", m_phnum_zero},
    {"phentsize-bad", m_phentsize_bad},
    {"phoff-past-eof", m_phoff_past_eof},
    {"filesz-gt-memsz", m_filesz_gt_memsz},
    {"filesz-past-eof", m_filesz_past_eof},
    {"offset-past-eof", m_offset_past_eof},
    {"overlap", m_overlap},
    {"misaligned", m_misaligned},
    {"huge-memsz", m_huge_memsz},
    {"vaddr-kernel", m_vaddr_kernel},
    {"entry-outside", m_entry_outside},
    {"no-load", m_no_load},
    {"interp-missing", m_interp_missing},
};

int main(int argc, char **argv) {
    if (argc == 2 && !strcmp(argv[1], "--list")) {
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) puts(cases[i].name);
        puts("directory\nscript\nmissing\nnoexec");
        return 0;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: mkelf CASE PATH | mkelf --list\n");
        return 2;
    }
    const char *name = argv[1], *path = argv[2];

    /* Cases that are about the file, not its bytes. */
    if (!strcmp(name, "directory")) {
        rmdir(path);
        unlink(path);
        return mkdir(path, 0755) == 0 ? 0 : (perror(path), 1);
    }
    if (!strcmp(name, "script")) { /* executable text without "#!" */
        static const char txt[] = "echo this is not an ELF file\nexit 3\n";
        return write_file(path, txt, sizeof txt - 1, 0755) == 0 ? 0 : (perror(path), 1);
    }
    if (!strcmp(name, "missing")) {
        if (unlink(path) < 0 && errno != ENOENT) return perror(path), 1;
        return 0;
    }
    if (!strcmp(name, "noexec")) { /* the valid image, but mode 0644 */
        build_base();
        return write_file(path, img, FILE_SIZE, 0644) == 0 ? 0 : (perror(path), 1);
    }

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (strcmp(name, cases[i].name)) continue;
        build_base();
        size_t n = cases[i].fn();
        if (write_file(path, img, n, 0755) < 0) return perror(path), 1;
        return 0;
    }
    fprintf(stderr, "mkelf: unknown case '%s' (see mkelf --list)\n", name);
    return 2;
}
