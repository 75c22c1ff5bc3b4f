/* fuzz_insn --check-recorded: replay a recorded corpus (record.c) against
 * ringside modelling the CPU the corpus was recorded on; nothing runs
 * natively, so any host can check any vendor's corpus.
 *
 * Known-open list (--known-open FILE): lines "<corpus file> <id>  # why"
 * naming cases that are allowed to diverge until a fix lands (the corpus file
 * by its name without directories and without ".gz"). A listed case that
 * no longer diverges is reported so the line can go. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "cpu/cpu.h"

typedef struct OpenList {
    char **ids; /* "<id>" for this corpus */
    int *hit;
    size_t n;
} OpenList;

static const char *corpus_name(const char *path, char *buf, size_t n) {
    const char *b = strrchr(path, '/');
    snprintf(buf, n, "%s", b ? b + 1 : path);
    size_t l = strlen(buf);
    if (l > 3 && !strcmp(buf + l - 3, ".gz")) buf[l - 3] = 0;
    return buf;
}

static int open_load(const char *path, const char *corpus, OpenList *o) {
    memset(o, 0, sizeof *o);
    if (!path) return 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "fuzz_insn: cannot open %s\n", path);
        return -1;
    }
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char name[256], id[128];
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        if (sscanf(line, "%255s %127s", name, id) != 2 || strcmp(name, corpus)) continue;
        char **ids = realloc(o->ids, (o->n + 1) * sizeof *ids);
        int *hit = realloc(o->hit, (o->n + 1) * sizeof *hit);
        if (!ids || !hit) return -1;
        o->ids = ids, o->hit = hit;
        o->ids[o->n] = strdup(id);
        o->hit[o->n++] = 0;
    }
    fclose(f);
    return 0;
}

static int open_find(const OpenList *o, const char *id) {
    for (size_t k = 0; k < o->n; k++)
        if (!strcmp(o->ids[k], id)) return (int)k;
    return -1;
}

/* Instructions ringside runs on the host's own unit, whose results are the
 * host's and differ between vendors and families (approximations, x87
 * transcendentals): a recording of another CPU cannot be replayed for them. */
static int host_dependent(int mnem) {
    switch (mnem) {
    case ZYDIS_MNEMONIC_RCPPS:
    case ZYDIS_MNEMONIC_RCPSS:
    case ZYDIS_MNEMONIC_RSQRTPS:
    case ZYDIS_MNEMONIC_RSQRTSS:
    case ZYDIS_MNEMONIC_F2XM1:
    case ZYDIS_MNEMONIC_FYL2X:
    case ZYDIS_MNEMONIC_FYL2XP1:
    case ZYDIS_MNEMONIC_FPTAN:
    case ZYDIS_MNEMONIC_FPATAN:
    case ZYDIS_MNEMONIC_FSIN:
    case ZYDIS_MNEMONIC_FCOS:
    case ZYDIS_MNEMONIC_FSINCOS: return 1;
    default: return 0;
    }
}

/* Plain text, or gzip-compressed (read through gzip -dc) when it ends in .gz. */
static FILE *corpus_open(const char *path, int *piped) {
    size_t l = strlen(path);
    *piped = l > 3 && !strcmp(path + l - 3, ".gz");
    if (!*piped) return fopen(path, "r");
    FILE *t = fopen(path, "r"); /* a clear message for a missing file */
    if (!t) return NULL;
    fclose(t);
    char cmd[4200];
    if (strchr(path, '\'') || l > 4000) return NULL;
    snprintf(cmd, sizeof cmd, "gzip -dc '%s'", path);
    return popen(cmd, "r");
}

int corpus_check(const char *path, const char *known_open, const char *cpu_override,
                 unsigned max_print, int verbose) {
    int piped;
    FILE *f = corpus_open(path, &piped);
    if (!f) {
        fprintf(stderr, "fuzz_insn: cannot open %s\n", path);
        return 2;
    }
    char cname[256];
    corpus_name(path, cname, sizeof cname);
    OpenList open;
    if (open_load(known_open, cname, &open) != 0) return 2;
    int ov_set = 0;
    CpuVendor ov;
    unsigned ofam = 0;
    if (cpu_override) {
        if (cpu_parse_model(cpu_override, &ov, &ofam) != 0) {
            fprintf(stderr, "fuzz_insn: unknown --cpu %s\n", cpu_override);
            return 2;
        }
        ov_set = 1;
    }

    static FuzzCase c;
    static FuzzNative n;
    static unsigned printed[ZYDIS_MNEMONIC_MAX_VALUE + 1];
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    unsigned long nrec = 0, same = 0, div = 0, div_open = 0, unimpl = 0, skip = 0, bad = 0;
    int have_header = 0, same_cpu = 0;
    unsigned long hostdep = 0;
    CorpusHeader h;
    CpuVendor hv;
    unsigned hfam;
    cpu_host_model(&hv, &hfam);
    while (getline(&line, &cap, f) > 0) {
        lineno++;
        int k = corpus_parse_header(line, &h);
        if (k < 0) {
            printf("%s:%ld: malformed header\n", path, lineno);
            bad++;
            continue;
        }
        if (k > 0) {
            fz_mode = h.mode == 32 ? &fz_mode32 : &fz_mode64;
            if (ov_set)
                fz_set_model((int)ov, ofam);
            else
                fz_set_model(h.vendor, h.family);
            fz_set_recorded_cpu(h.vendor, h.family, h.model);
            printf("%s: recorded on %s family %xh model %xh (%s), %s mode; ringside models %s\n",
                   cname, h.vendor == CPU_AMD ? "AMD" : "Intel", h.family, h.model, h.cpu,
                   fz_mode->name, cpu_model_name((CpuVendor)fz_vendor, fz_family));
            have_header = 1;
            same_cpu = (int)hv == h.vendor && hfam == h.family;
            if (!same_cpu)
                printf("%s: this host is %s: instructions ringside runs on the host's unit "
                       "(RCP*/RSQRT*, x87 transcendentals) are not compared\n",
                       cname, cpu_model_name(hv, hfam));
            continue;
        }
        char id[128];
        k = record_parse(line, &c, &n, id, sizeof id);
        if (k == 0) continue;
        if (k < 0 || !have_header) {
            printf("%s:%ld: %s\n", path, lineno,
                   k < 0 ? "malformed record" : "record before the @corpus header");
            bad++;
            continue;
        }
        nrec++;
        int oi = open_find(&open, id);
        if (!same_cpu && host_dependent(c.mnem)) {
            hostdep++;
            if (oi >= 0) open.hit[oi] = 1;
            continue;
        }
        int print = oi < 0 ? (verbose || printed[c.mnem] < max_print) : verbose;
        Outcome o = fz_compare(&c, &n, print, verbose);
        switch (o.result) {
        case RES_SAME:
            same++;
            if (oi >= 0) open.hit[oi] = 2; /* listed, but passes now */
            break;
        case RES_DIVERGE:
            if (oi >= 0) {
                div_open++;
                open.hit[oi] = 1;
            } else {
                div++;
                if (print) printed[c.mnem]++;
            }
            if (print)
                printf("  (%s id %s, line %ld%s)\n", cname, id, lineno,
                       oi >= 0 ? ", known open" : "");
            break;
        case RES_UNIMPL:
            unimpl++;
            if (oi >= 0) open.hit[oi] = 1;
            if (verbose) printf("unimplemented in ringside: %s (id %s)\n", o.why, id);
            break;
        case RES_SETUP: printf("fuzz_insn: %s\n", o.why); return 2;
        default:
            skip++;
            if (oi >= 0) open.hit[oi] = 1;
            break;
        }
    }
    free(line);
    int rc = piped ? pclose(f) : fclose(f);
    if (rc != 0) {
        printf("%s: read error (gzip -dc failed?)\n", path);
        bad++;
    }
    unsigned long fixed = 0, missing = 0;
    for (size_t k = 0; k < open.n; k++) {
        if (open.hit[k] == 2) {
            printf("%s id %s: listed as known open but no longer diverges: remove it from %s\n",
                   cname, open.ids[k], known_open);
            fixed++;
        } else if (!open.hit[k]) {
            printf("%s id %s: listed as known open but not in the corpus\n", cname, open.ids[k]);
            missing++;
        }
    }
    printf(
        "fuzz_insn: %s: %lu records: %lu same, %lu diverged, %lu known open (%lu listed "
        "now pass), %lu ringside-#UD (no handler), %lu skipped, %lu host-dependent not compared, "
        "%lu malformed\n",
        cname, nrec, same, div, div_open, fixed, unimpl, skip, hostdep, bad);
    return (div || bad || !nrec) ? 1 : 0;
}
