/* Symbols for the disassembly and the status line: the function and label
 * symbols of an ELF file's .symtab (the kernel image built with symbols,
 * the program, a PIE one moved by its load bias, when it kept its table),
 * sorted by address. A missing or stripped file just gives no names. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RINGSIDE_VIEWER_INTERNAL
#include "viewer.h"

struct Sym {
    uint64_t addr, size;
    char *name;
};

static int by_addr(const void *a, const void *b) {
    const struct Sym *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static uint64_t load_bias; /* of the file being loaded (ET_DYN) */

static void add(Syms *s, int *cap, uint64_t addr, uint64_t size, const char *name) {
    if (!addr || !*name || name[0] == '$' || !strncmp(name, ".L", 2)) return;
    addr += load_bias;
    if (s->n == *cap) {
        int nc = *cap ? *cap * 2 : 256;
        struct Sym *ns = realloc(s->s, (size_t)nc * sizeof *ns);
        if (!ns) return;
        s->s = ns;
        *cap = nc;
    }
    s->s[s->n].addr = addr;
    s->s[s->n].size = size;
    s->s[s->n].name = strdup(name);
    if (s->s[s->n].name) s->n++;
}

void syms_load(Syms *s, const char *path, uint64_t bias) {
    memset(s, 0, sizeof *s);
    if (!path) return;
    FILE *f = fopen(path, "rb");
    if (!f) return;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = len > 64 && len < (256l << 20) ? malloc((size_t)len) : NULL;
    if (!b || fread(b, 1, (size_t)len, f) != (size_t)len) {
        free(b);
        fclose(f);
        return;
    }
    fclose(f);
    int cap = 0;
    size_t L = (size_t)len;
    if (!memcmp(b, ELFMAG, SELFMAG) && b[EI_CLASS] == ELFCLASS64) {
        Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
        if ((eh->e_type != ET_EXEC && eh->e_type != ET_DYN) ||
            eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > L)
            goto out;
        load_bias = eh->e_type == ET_DYN ? bias : 0;
        Elf64_Shdr *sh = (Elf64_Shdr *)(b + eh->e_shoff);
        for (int k = 0; k < eh->e_shnum; k++) {
            if (sh[k].sh_type != SHT_SYMTAB || sh[k].sh_link >= eh->e_shnum) continue;
            Elf64_Shdr *st = &sh[sh[k].sh_link];
            if (sh[k].sh_offset + sh[k].sh_size > L || st->sh_offset + st->sh_size > L) continue;
            Elf64_Sym *sy = (Elf64_Sym *)(b + sh[k].sh_offset);
            size_t n = sh[k].sh_size / sizeof *sy;
            for (size_t j = 0; j < n; j++) {
                int t = ELF64_ST_TYPE(sy[j].st_info);
                if ((t != STT_FUNC && t != STT_NOTYPE) || sy[j].st_shndx == SHN_UNDEF ||
                    sy[j].st_shndx >= SHN_LORESERVE || sy[j].st_name >= st->sh_size)
                    continue;
                add(s, &cap, sy[j].st_value, sy[j].st_size,
                    (const char *)b + st->sh_offset + sy[j].st_name);
            }
        }
    } else if (!memcmp(b, ELFMAG, SELFMAG) && b[EI_CLASS] == ELFCLASS32) {
        Elf32_Ehdr *eh = (Elf32_Ehdr *)b;
        if ((eh->e_type != ET_EXEC && eh->e_type != ET_DYN) ||
            eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf32_Shdr) > L)
            goto out;
        load_bias = eh->e_type == ET_DYN ? bias : 0;
        Elf32_Shdr *sh = (Elf32_Shdr *)(b + eh->e_shoff);
        for (int k = 0; k < eh->e_shnum; k++) {
            if (sh[k].sh_type != SHT_SYMTAB || sh[k].sh_link >= eh->e_shnum) continue;
            Elf32_Shdr *st = &sh[sh[k].sh_link];
            if (sh[k].sh_offset + sh[k].sh_size > L || st->sh_offset + st->sh_size > L) continue;
            Elf32_Sym *sy = (Elf32_Sym *)(b + sh[k].sh_offset);
            size_t n = sh[k].sh_size / sizeof *sy;
            for (size_t j = 0; j < n; j++) {
                int t = ELF32_ST_TYPE(sy[j].st_info);
                if ((t != STT_FUNC && t != STT_NOTYPE) || sy[j].st_shndx == SHN_UNDEF ||
                    sy[j].st_shndx >= SHN_LORESERVE || sy[j].st_name >= st->sh_size)
                    continue;
                add(s, &cap, sy[j].st_value, sy[j].st_size,
                    (const char *)b + st->sh_offset + sy[j].st_name);
            }
        }
    }
out:
    free(b);
    if (s->n) {
        qsort(s->s, (size_t)s->n, sizeof *s->s, by_addr);
        s->lo = s->s[0].addr;
        s->hi = s->s[s->n - 1].addr + (s->s[s->n - 1].size ? s->s[s->n - 1].size : 0x1000);
    }
}

const char *syms_find(const Syms *s, uint64_t addr, uint64_t *off) {
    if (!s->n || addr < s->lo || addr >= s->hi) return NULL;
    int lo = 0, hi = s->n - 1;
    while (lo < hi) { /* the last symbol at or below addr */
        int mid = (lo + hi + 1) / 2;
        if (s->s[mid].addr <= addr)
            lo = mid;
        else
            hi = mid - 1;
    }
    const struct Sym *y = &s->s[lo];
    /* prefer a sized symbol covering addr among equal addresses */
    if (y->addr > addr || (y->size && addr >= y->addr + y->size && addr - y->addr > 0x1000))
        return NULL;
    *off = addr - y->addr;
    return y->name;
}

void syms_free(Syms *s) {
    for (int k = 0; k < s->n; k++)
        free(s->s[k].name);
    free(s->s);
    memset(s, 0, sizeof *s);
}
