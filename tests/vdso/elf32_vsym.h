/* Look up a symbol by (name, version) in an in-memory ELF32 shared object the
 * way glibc's and musl's vDSO code do: PT_DYNAMIC -> DT_SYMTAB/DT_STRTAB,
 * symbol count from DT_HASH, version from DT_VERSYM indexing DT_VERDEF.
 * Works on a copy of the image (buf, len: the bytes from the lowest PT_LOAD's
 * vaddr on), so it serves both the host-side test (ringside's image read back
 * from guest memory) and the -m32 program reading the host kernel's vDSO.
 * Every read is bounds-checked: a malformed image gives "not found". */
#ifndef RINGSIDE_TEST_ELF32_VSYM_H
#define RINGSIDE_TEST_ELF32_VSYM_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct Elf32View {
    const uint8_t *buf;
    size_t len;
    uint32_t bias; /* vaddr of buf[0] */
    const Elf32_Sym *sym;
    uint32_t nsym;
    const char *str;
    uint32_t strsz;
    const uint16_t *versym;
    uint32_t verdef; /* offset in buf, 0 when absent */
} Elf32View;

static inline const void *e32_at(const Elf32View *v, uint32_t vaddr, size_t n) {
    if (vaddr < v->bias) return NULL;
    size_t off = vaddr - v->bias;
    if (off > v->len || n > v->len - off) return NULL;
    return v->buf + off;
}

/* 0 on success, -1 when the image is not a usable ELF32 DSO. */
static inline int e32_open(Elf32View *v, const uint8_t *buf, size_t len) {
    memset(v, 0, sizeof *v);
    v->buf = buf;
    v->len = len;
    const Elf32_Ehdr *eh = (const Elf32_Ehdr *)buf;
    if (len < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
        eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_phentsize != sizeof(Elf32_Phdr))
        return -1;
    if (eh->e_phoff > len || (size_t)eh->e_phnum * sizeof(Elf32_Phdr) > len - eh->e_phoff)
        return -1;
    const Elf32_Phdr *ph = (const Elf32_Phdr *)(buf + eh->e_phoff);
    uint32_t dyn = 0, dynsz = 0, lowest = UINT32_MAX;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr < lowest) lowest = ph[i].p_vaddr;
        if (ph[i].p_type == PT_DYNAMIC) dyn = ph[i].p_vaddr, dynsz = ph[i].p_memsz;
    }
    if (lowest == UINT32_MAX || !dyn) return -1;
    v->bias = lowest;
    const Elf32_Dyn *d = e32_at(v, dyn, dynsz);
    if (!d) return -1;
    uint32_t symtab = 0, strtab = 0, hash = 0, versym = 0;
    for (uint32_t i = 0; i < dynsz / sizeof *d && d[i].d_tag != DT_NULL; i++) {
        uint32_t val = d[i].d_un.d_ptr;
        switch (d[i].d_tag) {
        case DT_SYMTAB: symtab = val; break;
        case DT_STRTAB: strtab = val; break;
        case DT_STRSZ: v->strsz = val; break;
        case DT_HASH: hash = val; break;
        case DT_VERSYM: versym = val; break;
        case DT_VERDEF: v->verdef = val; break;
        }
    }
    const uint32_t *h = e32_at(v, hash, 8);
    if (!symtab || !strtab || !h) return -1;
    v->nsym = h[1]; /* nchain = number of symbols */
    v->sym = e32_at(v, symtab, (size_t)v->nsym * sizeof(Elf32_Sym));
    v->str = e32_at(v, strtab, v->strsz);
    if (!v->sym || !v->str || !v->strsz || v->str[v->strsz - 1]) return -1;
    if (versym) v->versym = e32_at(v, versym, (size_t)v->nsym * 2);
    if (v->verdef && !e32_at(v, v->verdef, sizeof(Elf32_Verdef))) v->verdef = 0;
    return 0;
}

static inline const char *e32_str(const Elf32View *v, uint32_t off) {
    return off < v->strsz ? v->str + off : "";
}

static inline uint32_t e32_elf_hash(const char *s) {
    uint32_t h = 0, g;
    for (; *s; s++) {
        h = (h << 4) + (uint8_t)*s;
        g = h & 0xf0000000u;
        if (g) h ^= g >> 24;
        h &= ~g;
    }
    return h;
}

/* Name of version index ndx (hidden bit masked), or NULL; like glibc, the
 * definition's vd_hash must be the ELF hash of its name. */
static inline const char *e32_vername(const Elf32View *v, uint16_t ndx) {
    uint32_t at = v->verdef;
    ndx &= 0x7fff;
    for (int guard = 0; at && guard < 64; guard++) {
        const Elf32_Verdef *vd = e32_at(v, at, sizeof *vd);
        if (!vd) return NULL;
        if (vd->vd_ndx == ndx) {
            const Elf32_Verdaux *a = e32_at(v, at + vd->vd_aux, sizeof *a);
            if (!a) return NULL;
            const char *n = e32_str(v, a->vda_name);
            return e32_elf_hash(n) == vd->vd_hash ? n : NULL;
        }
        if (!vd->vd_next) return NULL;
        at += vd->vd_next;
    }
    return NULL;
}

/* The defined global symbol `name` whose version is `ver`, or NULL. */
static inline const Elf32_Sym *e32_lookup(const Elf32View *v, const char *name, const char *ver) {
    for (uint32_t i = 1; i < v->nsym; i++) {
        const Elf32_Sym *s = &v->sym[i];
        if (s->st_shndx == SHN_UNDEF || ELF32_ST_BIND(s->st_info) != STB_GLOBAL ||
            strcmp(e32_str(v, s->st_name), name))
            continue;
        const char *vn = v->versym ? e32_vername(v, v->versym[i]) : NULL;
        if (vn && !strcmp(vn, ver)) return s;
    }
    return NULL;
}

/* The symbol's bytes (st_value..+st_size), or NULL when out of the image. */
static inline const uint8_t *e32_code(const Elf32View *v, const Elf32_Sym *s) {
    return e32_at(v, s->st_value, s->st_size);
}

/* ---- unwind info, found the way unwinders do: PT_GNU_EH_FRAME's table ---- */

typedef struct E32Fde {
    uint32_t pc_begin, pc_range; /* vaddrs */
    char cie[160];               /* "aug caf daf ra | initial instructions (hex)" */
    char insns[512];             /* the FDE's instructions (hex) */
} E32Fde;

static inline int e32_uleb(const uint8_t **p, const uint8_t *end, uint32_t *out) {
    uint32_t v = 0;
    for (int sh = 0; *p < end && sh < 35; sh += 7) {
        uint8_t b = *(*p)++;
        v |= (uint32_t)(b & 0x7f) << sh;
        if (!(b & 0x80)) return *out = v, 0;
    }
    return -1;
}

/* Hex of [p, end) into dst; -1 when it does not fit. */
static inline int e32_hex(char *dst, size_t cap, const uint8_t *p, const uint8_t *end) {
    size_t n = 0;
    for (; p < end && n + 3 <= cap; p++)
        n += (size_t)snprintf(dst + n, cap - n, "%02x", *p);
    dst[n] = 0;
    return p < end ? -1 : 0;
}

/* The FDE covering pc (a vaddr). Handles the encodings ld writes: the header
 * table as datarel sdata4 (0x3b), FDE pointers pcrel sdata4 (0x1b). */
static inline int e32_fde(const Elf32View *v, uint32_t pc, E32Fde *out) {
    const Elf32_Ehdr *eh = (const Elf32_Ehdr *)v->buf;
    const Elf32_Phdr *ph = (const Elf32_Phdr *)(v->buf + eh->e_phoff);
    uint32_t hdr = 0;
    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_GNU_EH_FRAME) hdr = ph[i].p_vaddr;
    const uint8_t *h = e32_at(v, hdr, 12);
    if (!hdr || !h || h[0] != 1 || h[1] != 0x1b || h[2] != 0x03 || h[3] != 0x3b) return -1;
    uint32_t count;
    memcpy(&count, h + 8, 4);
    const int32_t *tab = e32_at(v, hdr + 12, (size_t)count * 8);
    if (!tab) return -1;
    uint32_t fde = 0;
    for (uint32_t i = 0; i < count; i++) /* last entry starting at or below pc */
        if (hdr + (uint32_t)tab[2 * i] <= pc) fde = hdr + (uint32_t)tab[2 * i + 1];
    const uint32_t *f = fde ? e32_at(v, fde, 16) : NULL;
    if (!f || f[0] < 12 || f[0] == 0xffffffffu || !e32_at(v, fde, 4 + (size_t)f[0])) return -1;
    const uint8_t *fend = v->buf + (fde - v->bias) + 4 + f[0];
    out->pc_begin = fde + 8 + f[2];
    out->pc_range = f[3];
    if (pc < out->pc_begin || pc - out->pc_begin >= out->pc_range) return -1;
    uint32_t cie = fde + 4 - f[1];
    const uint32_t *c = e32_at(v, cie, 9);
    if (!c || c[1] != 0 || !e32_at(v, cie, 4 + (size_t)c[0])) return -1;
    const uint8_t *p = (const uint8_t *)c + 8, *cend = (const uint8_t *)c + 4 + c[0];
    const char *aug = (const char *)p + 1;
    size_t alen = strnlen(aug, (size_t)(cend - p) - 1);
    p += 2 + alen;
    uint32_t caf, daf, ra = 0, zlen = 0;
    if (p >= cend || e32_uleb(&p, cend, &caf) || p >= cend) return -1;
    if (*p & 0x80) return -1;                            /* only one-byte sleb128 */
    daf = (uint32_t)((int32_t)(int8_t)(*p++ << 1) >> 1); /* sign-extend 7 bits */
    if (p < cend) ra = *p++;
    if (aug[0] == 'z' && e32_uleb(&p, cend, &zlen)) return -1;
    if (zlen > (size_t)(cend - p)) return -1;
    p += zlen;
    int n =
        snprintf(out->cie, sizeof out->cie, "%.*s:%u:%d:%u:", (int)alen, aug, caf, (int)daf, ra);
    if (n < 0 || (size_t)n >= sizeof out->cie) return -1;
    if (e32_hex(out->cie + n, sizeof out->cie - (size_t)n, p, cend)) return -1;
    p = (const uint8_t *)(f + 4);
    zlen = 0;
    if (aug[0] == 'z' && (e32_uleb(&p, fend, &zlen) || zlen > (size_t)(fend - p))) return -1;
    return e32_hex(out->insns, sizeof out->insns, p + zlen, fend);
}

#endif
