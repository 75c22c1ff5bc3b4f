/* Turn fuzz_insn divergence reports into recorded-corpus cases
 * (tests/fuzz/record.c format), for a host whose native outcomes were only
 * printed, not recorded: /work/shared/amd-host/fuzz-mode{32,64}-seed{1,2,3}.txt,
 * AMD Zen 5 (family 1Ah model 2) against ringside at commit 1655fc2.
 *
 * Built by scripts/fuzz-corpus-from-divergences.sh against a checkout of
 * THAT commit (its tests/fuzz and tests/unit API: regress_parse, case_data,
 * undef_flags, fz_mode, rs_exec*), whose harness models AMD. A report prints
 * the inputs (the regress: line) and only the fields where native differed
 * from ringside; every other compared field was equal. So per case:
 *   1. run the case in ringside at 1655fc2 (AMD model): its outcome is the
 *      native one for every field the report does not show;
 *   2. overwrite the fields the report shows with their native values;
 *   3. mark unknown what 1655fc2 did not compare: the RFLAGS bits it left
 *      undefined (unless the report's flags line shows all of them), XMM and
 *      MXCSR when a signal was raised on either side, data bytes it ignored
 *      (x87 image pointers and empty registers, straddling faulting stores),
 *      data bytes after the 4th memory window (reports show at most 4), the
 *      parts of an x87 image reported without values, and si_addr.
 *
 *   fuzz_corpus_from_divergences --mode 64|32 --label L --header HDR REPORT...
 *
 * writes the corpus to stdout: HDR ("vendor=amd family=1a model=2 cpu=...")
 * on the @corpus line, then one record per divergence, id L<seed>-<n> where
 * <seed> comes from "seedN" in the report's file name and n counts the
 * divergences in that report from 1. Errors (an unknown report line, a case
 * that does not parse) stop the conversion. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static const char *const gpr_names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                          "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

typedef struct Nat {
    int sig;
    RegState out;
    uint64_t fl_known;
    int xmm_known;
    uint8_t data[DATA_SIZE], unknown[DATA_SIZE];
} Nat;

static int die(const char *file, long line, const char *what) {
    fprintf(stderr, "fuzz_corpus_from_divergences: %s:%ld: %s\n", file, line, what);
    exit(1);
}

static int sig_of(const char *s) {
    if (!strcmp(s, "none")) return 0;
    if (!strcmp(s, "SIGSEGV")) return SIGSEGV;
    if (!strcmp(s, "SIGILL")) return SIGILL;
    if (!strcmp(s, "SIGFPE")) return SIGFPE;
    if (!strcmp(s, "SIGTRAP")) return SIGTRAP;
    if (!strcmp(s, "SIGBUS")) return SIGBUS;
    if (!strcmp(s, "ran-away")) return -2;
    return -1;
}
static const char *sig_str(int s) {
    switch (s) {
    case 0: return "none";
    case SIGSEGV: return "SIGSEGV";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
    case SIGTRAP: return "SIGTRAP";
    case SIGBUS: return "SIGBUS";
    default: return "ran-away";
    }
}

/* Reports print multi-byte values most significant byte first. */
static int unhex_rev(const char *s, uint8_t *out, unsigned n) {
    for (unsigned k = 0; k < n; k++) {
        char t[3] = {s[2 * k], s[2 * k + 1], 0};
        char *e;
        out[n - 1 - k] = (uint8_t)strtoul(t, &e, 16);
        if (*e) return -1;
    }
    return 0;
}

static uint64_t flag_letters(const char *s) {
    static const uint64_t bit[7] = {0x1, 0x4, 0x10, 0x40, 0x80, 0x400, 0x800}; /* CPAZSDO */
    uint64_t v = 0;
    for (int k = 0; k < 7 && s[k]; k++)
        if (s[k] >= 'A' && s[k] <= 'Z') v |= bit[k];
    return v;
}

static void unknown_range(Nat *n, uint64_t off, unsigned len) {
    for (unsigned k = 0; k < len; k++)
        if (off + k < DATA_SIZE) n->unknown[off + k] = 1;
}

/* 1655fc2's oracle.c ignore rules, applied to the rebuilt native image. */
static int slot_empty(const uint8_t *img, unsigned k) {
    unsigned top = (img[3] >> 3) & 7;
    return !((img[4] >> ((top + k) & 7)) & 1);
}
static void ign_fxsave(Nat *n, uint64_t off) {
    if (off + 512 > DATA_SIZE) return;
    unknown_range(n, off + 6, 18);
    for (unsigned k = 0; k < 8; k++)
        if (slot_empty(n->data + off, k)) unknown_range(n, off + 32 + 16 * k, 16);
}
static void ign_fnsave(Nat *n, uint64_t off, int o16, int regs) {
    unsigned env = o16 ? 14 : 28;
    if (off + env + (regs ? 80 : 0) > DATA_SIZE) return;
    unknown_range(n, off + (o16 ? 6 : 12), o16 ? 8 : 16);
    if (!regs) return;
    uint16_t fsw, ftw;
    memcpy(&fsw, n->data + off + (o16 ? 2 : 4), 2);
    memcpy(&ftw, n->data + off + (o16 ? 4 : 8), 2);
    unsigned top = (fsw >> 11) & 7;
    for (unsigned k = 0; k < 8; k++)
        if (((ftw >> (2 * ((top + k) & 7))) & 3) == 3) unknown_range(n, off + env + 10 * k, 10);
}
static int ea_of(const FuzzCase *c, const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *o,
                 ZyanU64 *ea) {
    static ZydisRegisterContext ctx;
    for (int r = 0; r < 16; r++) {
        uint64_t v = c->in.gpr[r];
        ctx.values[ZYDIS_REGISTER_RAX + r] = v;
        ctx.values[ZYDIS_REGISTER_EAX + r] = (uint32_t)v;
        ctx.values[ZYDIS_REGISTER_AX + r] = (uint16_t)v;
    }
    return ZYAN_SUCCESS(ZydisCalcAbsoluteAddressEx(zi, o, NATIVE_CODE_ADDR + c->at, &ctx, ea)) ? 0
                                                                                               : -1;
}

static void hex(FILE *f, const uint8_t *b, size_t n) {
    for (size_t k = 0; k < n; k++)
        fprintf(f, "%02x", b[k]);
}

/* The runs of record.c: differing (known) bytes joined across gaps of up to
 * 3, or the exact unknown ranges. */
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
            if (want_unk && !h) break;
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

static void emit(const FuzzCase *c, const Nat *n, const char *id) {
    /* regress_write ends with the Zydis text; build the line in memory */
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    regress_write(m, c);
    fclose(m);
    char *hash = strstr(buf, "  # ");
    if (!hash) die("?", 0, "regress_write format");
    *hash = 0;
    const char *text = hash + 4;
    uint8_t d0[DATA_SIZE];
    case_data(c, d0);
    RegState b = c->in;
    if (FZ_M32)
        for (int r = 0; r < 16; r++)
            b.gpr[r] = r < 8 ? (uint32_t)c->in.gpr[r] : 0;
    FILE *f = stdout;
    fprintf(f, "%s => id=%s sig=%s", buf, id, sig_str(n->sig));
    if (n->sig) fprintf(f, " sa=?");
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
    if (!n->xmm_known) {
        fprintf(f, " xmm=? mx=?");
    } else {
        fprintf(f, " xmm=");
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
    fprintf(f, "  # %s", text); /* text ends with its newline */
    free(buf);
}

/* One report block: the lines between DIVERGENCE and regress:. */
static void convert(const char *file, long lineno, char **lines, int nl, const char *regress,
                    const char *id) {
    static FuzzCase c;
    if (regress_parse(regress, &c) != 1) die(file, lineno, "regress: line does not parse");
    static Nat n;
    memset(&n, 0, sizeof n);
    case_data(&c, n.data);
    n.out = c.in;
    int rsig = fz_mode->run_rs(c.code, c.len, &n.out, n.data);
    if (rsig == -1) die(file, lineno, "ringside setup failed");
    n.sig = rsig;

    ZydisDecodedInstruction zi;
    ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
    if (decode_at(c.code + c.at, c.len - c.at, &zi, zo) != 0) die(file, lineno, "no decode");
    int skip;
    uint64_t undef = undef_flags(&zi, zo, &c.in, &skip);
    n.fl_known = (0x8d5ull & ~undef) | 0x400 | 0x200000;

    int windows = 0;
    uint64_t last_window = 0;
    for (int k = 0; k < nl; k++) {
        const char *s = lines[k];
        char a[64], b[64], x[64], y[64];
        unsigned long long u, v, w;
        int i;
        if (!strncmp(s, "  in: ", 6)) continue;
        if (sscanf(s, "  signal: native %63s ringside %63s", a, b) == 2) {
            n.sig = sig_of(a);
            if (n.sig == -1 || sig_of(b) != rsig) die(file, lineno, "signal line disagrees");
        } else if (sscanf(s, "  rip: native %lld ringside %lld", (long long *)&u,
                          (long long *)&v) == 2) {
            if (NATIVE_CODE_ADDR + v != n.out.rip) die(file, lineno, "ringside rip disagrees");
            n.out.rip = NATIVE_CODE_ADDR + u;
        } else if (sscanf(s, "  flags: in %7s native %7s ringside %7s (compared %7s", x, a, b, y) ==
                   4) {
            uint64_t nf = flag_letters(a);
            n.out.rflags = (n.out.rflags & ~0xcd5ull) | nf;
            if (strstr(s, "ID differs")) n.out.rflags ^= 0x200000;
            n.fl_known |= 0xcd5; /* all seven are printed with their native values */
        } else if (sscanf(s, "  xmm%d: in %63s native %63s ringside %63s", &i, x, a, b) == 4) {
            if (i < 0 || i > 15 || strlen(a) != 32 || unhex_rev(a, n.out.xmm[i], 16))
                die(file, lineno, "bad xmm line");
        } else if (sscanf(s, "  mxcsr: in %llx native %llx ringside %llx", &u, &v, &w) == 3) {
            n.out.mxcsr = (uint32_t)v;
        } else if (sscanf(s, "  mem %llx: in %63s native %63s ringside %63s", &u, x, a, b) == 4) {
            uint8_t rw[16];
            if (u < DATA_ADDR || u + 16 > DATA_ADDR + DATA_SIZE || strlen(a) != 32 ||
                strlen(b) != 32 || unhex_rev(b, rw, 16))
                die(file, lineno, "bad mem line");
            if (memcmp(rw, n.data + (u - DATA_ADDR), 16))
                die(file, lineno, "ringside memory disagrees");
            unhex_rev(a, n.data + (u - DATA_ADDR), 16);
            windows++;
            last_window = u - DATA_ADDR;
        } else if (sscanf(s, "  x87 FCW: native %llx ringside %llx", &u, &v) == 2) {
            uint16_t t = (uint16_t)u;
            memcpy(n.data + X87_SCR, &t, 2);
        } else if (sscanf(s, "  x87 FSW: native %llx ringside %llx", &u, &v) == 2) {
            uint16_t t = (uint16_t)u;
            memcpy(n.data + X87_SCR + 2, &t, 2);
        } else if (sscanf(s, "  x87 FTW(abridged): native %llx ringside %llx", &u, &v) == 2) {
            n.data[X87_SCR + 4] = (uint8_t)u;
        } else if (sscanf(s, "  x87 ST(%d): native %63s ringside %63s", &i, a, b) == 3) {
            if (i < 0 || i > 7 || strlen(a) != 20 ||
                unhex_rev(a, n.data + X87_SCR + 32 + 16 * i, 10))
                die(file, lineno, "bad x87 ST line");
            if (strstr(s, "reserved bytes differ")) unknown_range(&n, X87_SCR + 42 + 16 * i, 6);
        } else if (sscanf(s, "  fxsave MXCSR: native %llx ringside %llx  MXCSR_MASK: native %llx",
                          &u, &v, &w) == 3) {
            uint32_t t = (uint32_t)u, m = (uint32_t)w;
            memcpy(n.data + X87_SCR + 24, &t, 4);
            memcpy(n.data + X87_SCR + 28, &m, 4);
        } else if (sscanf(s, "  fxsave XMM%d differs", &i) == 1) {
            unknown_range(&n, X87_SCR + 160 + 16 * (unsigned)i, 16);
        } else if (!strncmp(s, "  fxsave bytes 416..511 differ", 30)) {
            unknown_range(&n, X87_SCR + 416, 96);
        } else {
            for (i = 0; i < 16; i++) {
                size_t l = strlen(gpr_names[i]);
                if (!strncmp(s + 2, gpr_names[i], l) && s[2 + l] == ':') break;
            }
            if (i == 16 || sscanf(s + 3 + strlen(gpr_names[i]),
                                  " in %llx native %llx ringside %llx", &u, &v, &w) != 3)
                die(file, lineno, "unknown report line");
            if (w != n.out.gpr[i]) die(file, lineno, "ringside register disagrees");
            n.out.gpr[i] = v;
        }
    }
    /* what 1655fc2 did not compare */
    const int nosig = n.sig == 0 && rsig == 0;
    n.xmm_known = nosig;
    if (nosig) {
        if (c.x87) ign_fxsave(&n, X87_SCR);
        ZydisMnemonic m = zi.mnemonic;
        ZyanU64 ea;
        if ((m == ZYDIS_MNEMONIC_FXSAVE || m == ZYDIS_MNEMONIC_FXSAVE64 ||
             m == ZYDIS_MNEMONIC_FNSAVE || m == ZYDIS_MNEMONIC_FNSTENV) &&
            zo[0].type == ZYDIS_OPERAND_TYPE_MEMORY && ea_of(&c, &zi, &zo[0], &ea) == 0 &&
            ea >= DATA_ADDR && ea < DATA_ADDR + DATA_SIZE) {
            if (m == ZYDIS_MNEMONIC_FXSAVE || m == ZYDIS_MNEMONIC_FXSAVE64)
                ign_fxsave(&n, ea - DATA_ADDR);
            else
                ign_fnsave(&n, ea - DATA_ADDR, zi.operand_width == 16, m == ZYDIS_MNEMONIC_FNSAVE);
        }
    }
    if (n.sig && n.sig == rsig)
        for (int j = 0; j < zi.operand_count_visible; j++) {
            ZyanU64 ea;
            const ZydisDecodedOperand *o = &zo[j];
            if (o->type != ZYDIS_OPERAND_TYPE_MEMORY ||
                !(o->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) || ea_of(&c, &zi, o, &ea) != 0)
                continue;
            if (ea >= DATA_ADDR && ea < DATA_ADDR + DATA_SIZE &&
                ea + o->size / 8 > DATA_ADDR + DATA_SIZE)
                unknown_range(&n, ea - DATA_ADDR, o->size / 8);
        }
    if (windows >= 4) unknown_range(&n, last_window + 16, DATA_SIZE - (unsigned)(last_window + 16));
    emit(&c, &n, id);
}

int main(int argc, char **argv) {
    const char *label = "", *header = NULL;
    int mode = 0, first = 0;
    for (int k = 1; k < argc; k++) {
        if (!strcmp(argv[k], "--mode") && k + 1 < argc)
            mode = atoi(argv[++k]);
        else if (!strcmp(argv[k], "--label") && k + 1 < argc)
            label = argv[++k];
        else if (!strcmp(argv[k], "--header") && k + 1 < argc)
            header = argv[++k];
        else {
            first = k;
            break;
        }
    }
    if ((mode != 64 && mode != 32) || !header || !first) {
        fprintf(stderr, "usage: fuzz_corpus_from_divergences --mode 64|32 --label L --header HDR "
                        "REPORT...\n");
        return 2;
    }
    fz_mode = mode == 32 ? &fz_mode32 : &fz_mode64;
    printf("@corpus v1 %s mode=%d\n", header, mode);
    printf("# converted by scripts/fuzz-corpus-from-divergences.sh from the divergence reports:");
    for (int k = first; k < argc; k++) {
        const char *b = strrchr(argv[k], '/');
        printf(" %s", b ? b + 1 : argv[k]);
    }
    printf(
        "\n# fields the reports do not show: ringside's outcome at 1655fc2 (AMD model, which\n"
        "# equalled native there); not compared at 1655fc2 and so unknown: sa=? xmm=? flk= mu=\n");
    unsigned long total = 0;
    for (int k = first; k < argc; k++) {
        FILE *f = fopen(argv[k], "r");
        if (!f) die(argv[k], 0, "cannot open");
        const char *sp = strstr(argv[k], "seed");
        int seed = sp ? atoi(sp + 4) : 0;
        char *line = NULL;
        size_t cap = 0;
        long lineno = 0, start = 0;
        static char *block[64];
        int nl = 0, in = 0;
        unsigned long n = 0;
        char want[64];
        snprintf(want, sizeof want, "fuzz_insn: %s mode", fz_mode->name);
        while (getline(&line, &cap, f) > 0) {
            lineno++;
            line[strcspn(line, "\n")] = 0;
            if (lineno == 1 && strncmp(line, want, strlen(want)))
                die(argv[k], lineno, "report of another mode");
            if (!strncmp(line, "DIVERGENCE ", 11)) {
                if (in) die(argv[k], lineno, "block without regress: line");
                in = 1, nl = 0, start = lineno;
                continue;
            }
            if (!in) continue;
            if (!strncmp(line, "  regress: ", 11)) {
                char id[64];
                snprintf(id, sizeof id, "%ss%d-%lu", label, seed, ++n);
                convert(argv[k], start, block, nl, line + 11, id);
                for (int j = 0; j < nl; j++)
                    free(block[j]);
                in = 0;
                continue;
            }
            if (nl == 64) die(argv[k], lineno, "block too long");
            block[nl++] = strdup(line);
        }
        if (in) die(argv[k], lineno, "truncated block");
        free(line);
        fclose(f);
        fprintf(stderr, "%s: %lu divergences converted\n", argv[k], n);
        total += n;
    }
    fprintf(stderr, "%lu records\n", total);
    return 0;
}
