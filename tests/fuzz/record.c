/* Recorded corpora: cases with the native outcome of the host that ran them,
 * so they can be replayed against ringside on any other host (corpus.c).
 *
 * A corpus file is text, one case per line:
 *
 *   @corpus v1 vendor=amd family=17 model=1 mode=64 cpu=AMD_EPYC_7551_32-Core_Processor
 *   # comment lines (how it was recorded ...)
 *   v1 mn=... (a regression record, regress.c: the inputs) => id=ID sig=SIG [sa=ADDR]
 *      rip=RIP fl=RFLAGS [flk=MASK] gpr=N:V,... xmm=N:HEX,... mx=MXCSR mem=OFF:HEX,...
 *      [mu=OFF:LEN,...]  # Zydis text
 *
 * (one line per case). The outcome after "=>" is stored as differences:
 * gpr= lists the registers that differ from what passes through (64-bit
 * mode: the input; 32-bit mode: the input's low halves of RAX..RDI, 0 for
 * the rest), xmm= the XMM registers that differ from the input (byte 0
 * first), mem= the data-page bytes that differ from the input pages
 * (data_fill(fill) plus the patches). "-" is an empty list. sig is the
 * signal's name (none, SIGSEGV ...), sa its si_addr (only with a signal).
 * Fields whose native value is unknown (records converted from divergence
 * reports, scripts/fuzz-corpus-from-divergences.sh): sa=?, xmm=? and mx=?
 * (XMM and MXCSR unknown), flk= the RFLAGS bits that are known, mu= data
 * bytes that are unknown (offset and length in hex). All numbers are hex. */
#include <cpuid.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "cpu/cpu.h"

void corpus_host_header(CorpusHeader *h) {
    memset(h, 0, sizeof *h);
    CpuVendor v;
    unsigned fam;
    cpu_host_model(&v, &fam);
    h->vendor = (int)v;
    h->family = fam;
    unsigned a, b, c, d;
    __cpuid(1, a, b, c, d);
    unsigned base_fam = (a >> 8) & 0xf, model = (a >> 4) & 0xf;
    if (base_fam == 6 || base_fam == 0xf) model |= ((a >> 16) & 0xf) << 4;
    h->model = model;
    h->mode = FZ_M32 ? 32 : 64;
    unsigned brand[12] = {0};
    __cpuid(0x80000000, a, b, c, d);
    if (a >= 0x80000004)
        for (unsigned k = 0; k < 3; k++)
            __cpuid(0x80000002 + k, brand[4 * k], brand[4 * k + 1], brand[4 * k + 2],
                    brand[4 * k + 3]);
    const char *s = (const char *)brand;
    while (*s == ' ')
        s++;
    size_t n = 0;
    for (; *s && n + 1 < sizeof h->cpu && s < (const char *)brand + sizeof brand; s++)
        h->cpu[n++] = (*s == ' ' || *s == '=') ? '_' : *s;
    while (n && h->cpu[n - 1] == '_')
        n--;
    h->cpu[n] = 0;
    if (!n) snprintf(h->cpu, sizeof h->cpu, "unknown");
}

void corpus_write_header(FILE *f, const CorpusHeader *h, const char *how) {
    fprintf(f, "@corpus v1 vendor=%s family=%x model=%x mode=%d cpu=%s\n",
            h->vendor == CPU_AMD ? "amd" : "intel", h->family, h->model, h->mode, h->cpu);
    fprintf(f,
            "# native outcomes recorded with: %s\n"
            "# format: tests/fuzz/record.c and README.md; replay: fuzz_insn --check-recorded\n",
            how);
}

int corpus_parse_header(const char *line, CorpusHeader *h) {
    while (*line == ' ' || *line == '\t')
        line++;
    if (strncmp(line, "@corpus ", 8) != 0) return 0;
    memset(h, 0, sizeof *h);
    char buf[512];
    snprintf(buf, sizeof buf, "%s", line + 8);
    int have = 0;
    for (char *save, *tok = strtok_r(buf, " \t\n", &save); tok;
         tok = strtok_r(NULL, " \t\n", &save)) {
        if (!strcmp(tok, "v1")) {
            have |= 1;
            continue;
        }
        char *eq = strchr(tok, '=');
        if (!eq) return -1;
        *eq = 0;
        const char *v = eq + 1;
        if (!strcmp(tok, "vendor")) {
            if (!strcmp(v, "amd"))
                h->vendor = CPU_AMD;
            else if (!strcmp(v, "intel"))
                h->vendor = CPU_INTEL;
            else
                return -1;
            have |= 2;
        } else if (!strcmp(tok, "family")) {
            h->family = (unsigned)strtoul(v, NULL, 16);
            have |= 4;
        } else if (!strcmp(tok, "model")) {
            h->model = (unsigned)strtoul(v, NULL, 16);
        } else if (!strcmp(tok, "mode")) {
            h->mode = atoi(v);
            if (h->mode != 64 && h->mode != 32) return -1;
            have |= 8;
        } else if (!strcmp(tok, "cpu")) {
            snprintf(h->cpu, sizeof h->cpu, "%s", v);
        } /* other keys: informational, ignored */
    }
    return have == 15 ? 1 : -1;
}

/* What the GPRs are after a run that does not touch them. */
static void out_base(const FuzzCase *c, RegState *b) {
    *b = c->in;
    if (FZ_M32)
        for (int r = 0; r < 16; r++)
            b->gpr[r] = r < 8 ? (uint32_t)c->in.gpr[r] : 0;
}

static void hex(FILE *f, const uint8_t *b, size_t n) {
    for (size_t k = 0; k < n; k++)
        fprintf(f, "%02x", b[k]);
}

/* Runs of bytes where mask-or-difference holds, joined across gaps of up to
 * 3 bytes (a new run costs more than 3 bytes of hex). */
static void runs(FILE *f, const uint8_t *a, const uint8_t *b, const uint8_t *unk, int want_unk) {
    int any = 0;
    for (unsigned k = 0; k < DATA_SIZE;) {
        int hit = want_unk ? unk[k] : (!unk[k] && a[k] != b[k]);
        if (!hit) {
            k++;
            continue;
        }
        unsigned e = k + 1, last = k;
        for (; e < DATA_SIZE && e <= last + 4; e++) {
            int h = want_unk ? unk[e] : (!unk[e] && a[e] != b[e]);
            if (h) last = e;
            if (want_unk && !h) break; /* unknown ranges are exact */
        }
        e = last + 1;
        fprintf(f, "%s%x:", any ? "," : "", k);
        if (want_unk)
            fprintf(f, "%x", e - k);
        else
            hex(f, a + k, e - k);
        any = 1;
        k = e;
    }
    if (!any && !want_unk) fputc('-', f);
}

void record_write(FILE *f, const FuzzCase *c, const FuzzNative *n, const char *id) {
    static uint8_t d0[DATA_SIZE];
    case_data(c, d0);
    RegState b;
    out_base(c, &b);
    regress_write_fields(f, c);
    fprintf(f, " => id=%s sig=%s", id, sig_name(n->sig));
    if (n->sig) {
        if (n->sa_known)
            fprintf(f, " sa=%llx", (unsigned long long)n->fault_addr);
        else
            fprintf(f, " sa=?");
    }
    fprintf(f, " rip=%llx fl=%llx", (unsigned long long)n->out.rip,
            (unsigned long long)n->out.rflags);
    if (n->fl_known != ~0ull) fprintf(f, " flk=%llx", (unsigned long long)n->fl_known);
    fprintf(f, " gpr=");
    int any = 0;
    for (int r = 0; r < 16; r++)
        if (n->out.gpr[r] != b.gpr[r]) {
            fprintf(f, "%s%x:%llx", any ? "," : "", r, (unsigned long long)n->out.gpr[r]);
            any = 1;
        }
    if (!any) fputc('-', f);
    fprintf(f, " xmm=");
    if (!n->xmm_known) {
        fprintf(f, "? mx=?");
    } else {
        any = 0;
        for (int r = 0; r < 16; r++)
            if (memcmp(n->out.xmm[r], c->in.xmm[r], 16)) {
                fprintf(f, "%s%x:", any ? "," : "", r);
                hex(f, n->out.xmm[r], 16);
                any = 1;
            }
        if (!any) fputc('-', f);
        fprintf(f, " mx=%x", n->out.mxcsr);
    }
    fprintf(f, " mem=");
    runs(f, n->data, d0, n->unknown, 0);
    int unk = 0;
    for (unsigned k = 0; k < DATA_SIZE && !unk; k++)
        unk = n->unknown[k];
    if (unk) {
        fprintf(f, " mu=");
        runs(f, n->data, d0, n->unknown, 1);
    }
    char text[256];
    insn_text(c->code + c->at, c->ilen, NATIVE_CODE_ADDR + c->at, text, sizeof text);
    fprintf(f, "  # %s\n", text);
}

static int unhex_into(const char *s, size_t n, uint8_t *out, size_t max) {
    if (n % 2 || n / 2 > max) return -1;
    for (size_t k = 0; k < n; k++) {
        char ch = s[k];
        int v = ch >= '0' && ch <= '9'   ? ch - '0'
                : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                         : -1;
        if (v < 0) return -1;
        if (k % 2)
            out[k / 2] = (uint8_t)(out[k / 2] << 4 | v);
        else
            out[k / 2] = (uint8_t)v;
    }
    return (int)(n / 2);
}

/* "OFF:HEX,..." (mem) or "OFF:LEN,..." (mu) */
static int parse_runs(const char *v, uint8_t *data, uint8_t *unk) {
    if (!strcmp(v, "-")) return 0;
    const char *p = v;
    while (*p) {
        char *e;
        unsigned long off = strtoul(p, &e, 16);
        if (*e != ':' || off >= DATA_SIZE) return -1;
        p = e + 1;
        size_t n = strcspn(p, ",");
        if (unk) {
            unsigned long len = strtoul(p, &e, 16);
            if (e != p + n || !len || off + len > DATA_SIZE) return -1;
            memset(unk + off, 1, len);
        } else if (unhex_into(p, n, data + off, DATA_SIZE - off) <= 0) {
            return -1;
        }
        p += n;
        if (*p == ',') p++;
    }
    return 0;
}

int record_parse(const char *line, FuzzCase *c, FuzzNative *n, char *id, size_t idlen) {
    while (*line == ' ' || *line == '\t')
        line++;
    if (!*line || *line == '#' || *line == '\n' || *line == '@') return 0;
    const char *arrow = strstr(line, " => ");
    if (!arrow) return -1;
    size_t inlen = (size_t)(arrow - line);
    static char *buf;
    static size_t cap;
    size_t need = strlen(line) + 1;
    if (need > cap) {
        free(buf);
        cap = need * 2;
        buf = malloc(cap);
        if (!buf) return -1;
    }
    memcpy(buf, line, inlen);
    buf[inlen] = 0;
    if (regress_parse(buf, c) != 1) return -1;

    memset(n, 0, sizeof *n);
    out_base(c, &n->out);
    case_data(c, n->data);
    n->sa_known = 1;
    n->fl_known = ~0ull;
    n->xmm_known = 1;
    snprintf(id, idlen, "?");
    snprintf(buf, cap, "%s", arrow + 4);
    char *hash = strstr(buf, " #");
    if (hash) *hash = 0;
    int have = 0;
    for (char *save, *tok = strtok_r(buf, " \t\n", &save); tok;
         tok = strtok_r(NULL, " \t\n", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq) return -1;
        *eq = 0;
        const char *k = tok, *v = eq + 1;
        char *e;
        if (!strcmp(k, "id")) {
            snprintf(id, idlen, "%s", v);
        } else if (!strcmp(k, "sig")) {
            n->sig = sig_parse(v);
            if (n->sig < 0 && n->sig != -2) return -1;
            have |= 1;
        } else if (!strcmp(k, "sa")) {
            if (!strcmp(v, "?"))
                n->sa_known = 0;
            else
                n->fault_addr = strtoull(v, NULL, 16);
        } else if (!strcmp(k, "rip")) {
            n->out.rip = strtoull(v, NULL, 16);
            have |= 2;
        } else if (!strcmp(k, "fl")) {
            n->out.rflags = strtoull(v, NULL, 16);
            have |= 4;
        } else if (!strcmp(k, "flk")) {
            n->fl_known = strtoull(v, NULL, 16);
        } else if (!strcmp(k, "gpr")) {
            if (strcmp(v, "-"))
                for (const char *p = v; *p;) {
                    unsigned long r = strtoul(p, &e, 16);
                    if (*e != ':' || r > 15) return -1;
                    n->out.gpr[r] = strtoull(e + 1, &e, 16);
                    if (*e && *e != ',') return -1;
                    p = *e ? e + 1 : e;
                }
        } else if (!strcmp(k, "xmm")) {
            if (!strcmp(v, "?"))
                n->xmm_known = 0;
            else if (strcmp(v, "-"))
                for (const char *p = v; *p;) {
                    unsigned long r = strtoul(p, &e, 16);
                    if (*e != ':' || r > 15 || unhex_into(e + 1, 32, n->out.xmm[r], 16) != 16)
                        return -1;
                    p = e + 33;
                    if (*p && *p++ != ',') return -1;
                }
        } else if (!strcmp(k, "mx")) {
            if (!strcmp(v, "?"))
                n->xmm_known = 0;
            else
                n->out.mxcsr = (uint32_t)strtoul(v, NULL, 16);
        } else if (!strcmp(k, "mem")) {
            if (parse_runs(v, n->data, NULL) != 0) return -1;
            have |= 8;
        } else if (!strcmp(k, "mu")) {
            if (parse_runs(v, NULL, n->unknown) != 0) return -1;
        } else {
            return -1;
        }
    }
    return have == 15 ? 1 : -1;
}
