/* Symbols for the disassembly and the status line: the function and label
 * symbols of an ELF image's .symtab, or of its .dynsym when it has no
 * .symtab (a stripped library: Debian's libc), sorted by address. Tables:
 * the kernel image built with symbols; the program (a PIE one moved by its
 * load bias); and what the program maps at run time, carried by its table
 * (syms_refresh): the vDSO, read from guest memory, and the shared
 * libraries of the dynamic linker's link_map list, read from their files
 * (through --sysroot) and moved by l_addr. A missing, stripped or corrupt
 * image just gives no names. */
#include <elf.h>
#include <link.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RINGSIDE_VIEWER_INTERNAL
#include "viewer.h"

struct Sym {
    uint64_t addr, size;
    char *name;
    int pref; /* among symbols at one address the highest is shown */
};

enum { MAX_LIBS = 256 };

typedef struct LibTable {
    uint64_t lm, l_addr; /* the link_map entry it was loaded for */
    char name[512];
    Syms t;
} LibTable;

/* The run-time part of the program's table (Syms.more). */
struct SymsMore {
    Syms vdso;
    int vdso_done;
    LibTable *lib; /* sorted by address (t.lo), for a binary search */
    int nlib;
    const Cpu *cpu; /* the stop the tables were last checked at */
    uint64_t icount;
    int checked;
    DbgLib scratch[MAX_LIBS];
};

static int by_addr(const void *a, const void *b) {
    const struct Sym *x = a, *y = b;
    if (x->addr != y->addr) return x->addr < y->addr ? -1 : 1;
    if (x->pref != y->pref) return x->pref < y->pref ? -1 : 1;
    return -strcmp(x->name, y->name); /* deterministic: the first name sorts last */
}

/* Aliases share an address (write/__write, __vdso_time/time): show a global
 * before a weak one, a sized one, then the one with fewer leading '_'. */
static int preference(int bind, uint64_t size, const char *name) {
    int us = 0;
    while (name[us] == '_' && us < 63)
        us++;
    int b = bind == STB_GLOBAL ? 2 : bind == STB_WEAK ? 1 : 0;
    return b * 256 + (size ? 128 : 0) + (63 - us);
}

static void add(Syms *s, int *cap, uint64_t addr, uint64_t size, const char *name, int pref) {
    if (!*name || name[0] == '$' || !strncmp(name, ".L", 2)) return;
    if (s->n == *cap) {
        if (*cap >= (1 << 22)) return; /* a corrupt count: enough */
        int nc = *cap ? *cap * 2 : 256;
        struct Sym *ns = realloc(s->s, (size_t)nc * sizeof *ns);
        if (!ns) return;
        s->s = ns;
        *cap = nc;
    }
    struct Sym *y = &s->s[s->n];
    y->addr = addr;
    y->size = size;
    y->pref = pref;
    y->name = strdup(name);
    if (y->name) s->n++;
}

/* An ELF image in memory, read field by field whatever its class: every
 * read is bounds-checked (out of range reads as 0). */
typedef struct Img {
    const uint8_t *b;
    size_t len;
    int is64;
} Img;

static uint64_t get(const Img *e, uint64_t off, size_t size) {
    uint64_t v = 0;
    if (off <= e->len && size <= e->len - off) memcpy(&v, e->b + off, size);
    return v;
}

#define FIELD(e, base, T, m)                                                                       \
    get(e, (base) + ((e)->is64 ? offsetof(Elf64_##T, m) : offsetof(Elf32_##T, m)),                 \
        (e)->is64 ? sizeof(((Elf64_##T *)0)->m) : sizeof(((Elf32_##T *)0)->m))

/* The symbols of the image's .symtab (else .dynsym), bias added for ET_DYN. */
static void load_img(Syms *s, const uint8_t *b, size_t len, uint64_t bias) {
    memset(s, 0, sizeof *s);
    if (len < sizeof(Elf32_Ehdr) || memcmp(b, ELFMAG, SELFMAG)) return;
    if (b[EI_CLASS] != ELFCLASS64 && b[EI_CLASS] != ELFCLASS32) return;
    Img img = {b, len, b[EI_CLASS] == ELFCLASS64}, *e = &img;
    uint64_t type = FIELD(e, 0, Ehdr, e_type), shoff = FIELD(e, 0, Ehdr, e_shoff);
    uint64_t shnum = FIELD(e, 0, Ehdr, e_shnum), shsz = FIELD(e, 0, Ehdr, e_shentsize);
    size_t symsz = e->is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
    if ((type != ET_EXEC && type != ET_DYN) || !shoff || shsz < (e->is64 ? 64u : 40u)) return;
    if (type != ET_DYN) bias = 0;
    int cap = 0;
    for (int pass = 0; pass < 2 && !s->n; pass++) {
        uint32_t want = pass ? SHT_DYNSYM : SHT_SYMTAB;
        for (uint64_t k = 0; k < shnum; k++) {
            uint64_t sh = shoff + k * shsz;
            if (FIELD(e, sh, Shdr, sh_type) != want) continue;
            uint64_t link = FIELD(e, sh, Shdr, sh_link);
            if (link >= shnum) continue;
            uint64_t st = shoff + link * shsz;
            uint64_t off = FIELD(e, sh, Shdr, sh_offset), size = FIELD(e, sh, Shdr, sh_size);
            uint64_t stroff = FIELD(e, st, Shdr, sh_offset), strsz = FIELD(e, st, Shdr, sh_size);
            if (off > len || size > len - off || stroff > len || strsz > len - stroff) continue;
            for (uint64_t j = 0; j < size / symsz; j++) {
                uint64_t y = off + j * symsz;
                unsigned info = (unsigned)FIELD(e, y, Sym, st_info);
                uint64_t shndx = FIELD(e, y, Sym, st_shndx), name = FIELD(e, y, Sym, st_name);
                uint64_t value = FIELD(e, y, Sym, st_value), ssize = FIELD(e, y, Sym, st_size);
                int t = info & 0xf;
                if ((t != STT_FUNC && t != STT_NOTYPE && t != STT_GNU_IFUNC) ||
                    shndx == SHN_UNDEF || shndx >= SHN_LORESERVE || !value || name >= strsz)
                    continue;
                const char *nm = (const char *)b + stroff + name;
                if (!memchr(nm, 0, strsz - name)) continue; /* unterminated: corrupt */
                add(s, &cap, value + bias, ssize, nm, preference((int)(info >> 4), ssize, nm));
            }
        }
    }
    if (s->n) {
        qsort(s->s, (size_t)s->n, sizeof *s->s, by_addr);
        s->lo = s->s[0].addr;
        s->hi = s->s[s->n - 1].addr + (s->s[s->n - 1].size ? s->s[s->n - 1].size : 0x1000);
    }
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
    if (b && fread(b, 1, (size_t)len, f) == (size_t)len) load_img(s, b, (size_t)len, bias);
    free(b);
    fclose(f);
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

/* The vDSO ringside mapped (AT_SYSINFO_EHDR): the whole image, section
 * headers and .dynsym included, as Linux maps its own, read from guest memory. */
static void load_vdso(Syms *s, Dbg *d, int is32) {
    uint64_t base = dbg_auxv(d->p, is32, AT_SYSINFO_EHDR);
    uint8_t eh[sizeof(Elf64_Ehdr)];
    if (!base || dbg_read_mem(d, base, eh, sizeof eh) != sizeof eh) return;
    Img e = {eh, sizeof eh, eh[EI_CLASS] == ELFCLASS64};
    uint64_t end =
        FIELD(&e, 0, Ehdr, e_shoff) + FIELD(&e, 0, Ehdr, e_shnum) * FIELD(&e, 0, Ehdr, e_shentsize);
    if (end < sizeof eh || end > (1u << 20)) return;
    uint8_t *b = malloc(end);
    if (!b) return;
    size_t got = dbg_read_mem(d, base, b, end);
    load_img(s, b, got, base); /* linked at 0: the bias is its address */
    free(b);
}

static int lib_by_addr(const void *a, const void *b) {
    const LibTable *x = a, *y = b;
    return x->t.lo < y->t.lo ? -1 : x->t.lo > y->t.lo;
}

/* Reload the libraries' tables from the list l (n entries, the program first). */
static void load_libs(struct SymsMore *m, Dbg *d, const DbgLib *l, int n) {
    LibTable *old = m->lib;
    int nold = m->nlib;
    m->lib = calloc((size_t)(n > 0 ? n : 1), sizeof *m->lib);
    m->nlib = 0;
    for (int k = 1; k < n && m->lib; k++) {
        if (l[k].name[0] != '/') continue; /* the vDSO's entry ("linux-vdso.so.1"): no file */
        LibTable *t = &m->lib[m->nlib];
        t->lm = l[k].lm;
        t->l_addr = l[k].l_addr;
        snprintf(t->name, sizeof t->name, "%s", l[k].name);
        for (int j = 0; j < nold; j++) /* loaded before: keep it */
            if (old[j].t.s && old[j].l_addr == t->l_addr && !strcmp(old[j].name, t->name)) {
                t->t = old[j].t;
                memset(&old[j].t, 0, sizeof old[j].t);
                break;
            }
        if (!t->t.s) {
            char host[4096];
            syms_load(&t->t, proc_host_path(d->p, t->name, host, sizeof host), t->l_addr);
        }
        m->nlib++;
    }
    for (int j = 0; j < nold; j++)
        syms_free(&old[j].t);
    free(old);
    if (m->lib) qsort(m->lib, (size_t)m->nlib, sizeof *m->lib, lib_by_addr);
}

void syms_refresh(Syms *s, Dbg *d, int is32) {
    if (!s->more) s->more = calloc(1, sizeof *s->more);
    struct SymsMore *m = s->more;
    if (!m || (m->checked && m->cpu == d->c && m->icount == d->c->icount)) return;
    m->checked = 1; /* once per stop, whatever is drawn */
    m->cpu = d->c;
    m->icount = d->c->icount;
    if (!m->vdso_done) {
        m->vdso_done = 1;
        load_vdso(&m->vdso, d, is32);
    }
    int state = RT_CONSISTENT;
    int n = dbg_link_map(d, is32, m->scratch, MAX_LIBS, &state);
    if (n < 0) n = 0; /* static, or before ld.so published it (or rewound to then) */
    if (state != RT_CONSISTENT) return; /* being changed: the old tables until it settles */
    int named = 0, same = 1;
    for (int k = 1; k < n; k++) {
        if (m->scratch[k].name[0] != '/') continue;
        const LibTable *t = NULL;
        for (int j = 0; j < m->nlib && !t; j++)
            if (m->lib[j].lm == m->scratch[k].lm) t = &m->lib[j];
        if (!t || t->l_addr != m->scratch[k].l_addr || strcmp(t->name, m->scratch[k].name))
            same = 0;
        named++;
    }
    if (same && named == m->nlib) return;
    load_libs(m, d, m->scratch, n);
}

const char *syms_find_mapped(const Syms *s, uint64_t addr, uint64_t *off) {
    const struct SymsMore *m = s->more;
    if (!m) return NULL;
    const char *r = syms_find(&m->vdso, addr, off);
    if (r || !m->nlib) return r;
    int lo = 0, hi = m->nlib - 1;
    while (lo < hi) { /* the last library starting at or below addr */
        int mid = (lo + hi + 1) / 2;
        if (m->lib[mid].t.lo <= addr)
            lo = mid;
        else
            hi = mid - 1;
    }
    return syms_find(&m->lib[lo].t, addr, off);
}

void syms_free(Syms *s) {
    for (int k = 0; k < s->n; k++)
        free(s->s[k].name);
    free(s->s);
    struct SymsMore *m = s->more;
    if (m) {
        syms_free(&m->vdso);
        for (int k = 0; k < m->nlib; k++)
            syms_free(&m->lib[k].t);
        free(m->lib);
        free(m);
    }
    memset(s, 0, sizeof *s);
}
