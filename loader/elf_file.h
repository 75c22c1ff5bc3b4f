/* loader/ internals: one opened, checked ELF file (executable or
 * interpreter) and the steps that map it. See elf_file.c. */
#ifndef RINGSIDE_ELF_FILE_H
#define RINGSIDE_ELF_FILE_H

#include <elf.h>
#include <stdint.h>

#include "loader.h"

#define ELF_MAX_PHNUM 256

typedef struct ElfFile {
    int fd; /* open until elf_close(); -1 after */
    int is64;
    uint16_t type, phnum, phentsize;
    uint64_t entry, phoff, phsize, fsize;
    uint64_t lo, hi; /* page-aligned lowest and exact highest PT_LOAD address (unbiased) */
    Elf64_Phdr ph[ELF_MAX_PHNUM]; /* ELF32 headers widened */
} ElfFile;

/* Fill li->err/exit_status; returns -1. */
int elf_fail(LoadInfo *li, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int elf_pread_all(int fd, void *buf, size_t n, uint64_t off);
/* Open host path `host` (shown as `path`), check the headers. 0 or -1. */
int elf_open(ElfFile *f, const char *host, const char *path, LoadInfo *li);
/* Check the PT_LOAD segments and the entry point; sets f->lo/hi. 0 or -1 (closes f). */
int elf_check_segments(ElfFile *f, const char *path, uint64_t user_top, LoadInfo *li);
/* Map every PT_LOAD at bias; regions named `name`. 0 or -1 (closes f). */
int elf_map_segments(Proc *p, ElfFile *f, uint64_t bias, const char *path, const char *name,
                     LoadInfo *li);
/* AT_PHDR for the image loaded at bias (0 when the headers are not loaded). */
uint64_t elf_phdr_addr(const ElfFile *f, uint64_t bias);
void elf_close(ElfFile *f);

#endif
