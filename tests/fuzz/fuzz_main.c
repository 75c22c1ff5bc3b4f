/* fuzz_insn: differential instruction fuzzer, host CPU vs ringside.
 *
 *   fuzz_insn [--seed N] [--count M] [--mnemonic NAME[,NAME...]] [--verbose]
 *             [--coverage FILE] [--regressions FILE | --no-regressions]
 *             [--replay FILE] [--max-print K] [--list-forms] [--trace] [--mode 64|32]
 *             [--record FILE]
 *   fuzz_insn --check-recorded FILE [--known-open FILE] [--cpu MODEL] [--max-print K]
 *
 * Replays the regression file first (tests/fuzz/regressions.txt by default),
 * then runs M generated cases from seed N; --record writes each generated
 * case with its native outcome (record.c). --check-recorded runs nothing
 * natively: it replays a recorded corpus against ringside modelling the
 * recorded CPU (corpus.c). Exit status: 0 when nothing
 * diverged, 1 otherwise, 77 when the native side cannot run here, 2 on usage
 * errors. Ringside #UD on a form it has no handler for is reported apart and
 * does not fail the run (those are gaps, listed in the coverage report). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fuzz.h"
#include "cpu/decode.h"

#ifndef RS_FUZZ_REGRESSIONS
#define RS_FUZZ_REGRESSIONS "tests/fuzz/regressions.txt"
#endif

static unsigned long n_same, n_div, n_unimpl, n_skip, n_sig;
static unsigned printed[ZYDIS_MNEMONIC_MAX_VALUE + 1];
static unsigned max_print = 2;
static int verbose, trace;
static FILE *rec_file;
static unsigned long rec_n;

static void usage(void) {
    fprintf(stderr, "usage: fuzz_insn [--seed N] [--count M] [--mnemonic NAME[,NAME...]] "
                    "[--verbose] [--coverage FILE] [--mode 64|32]\n"
                    "                 [--regressions FILE | --no-regressions] [--replay FILE] "
                    "[--max-print K] [--list-forms] [--trace] [--record FILE]\n"
                    "       fuzz_insn --check-recorded FILE [--known-open FILE] [--cpu MODEL] "
                    "[--max-print K] [--verbose]\n");
}

static void account(const FuzzCase *c, const Outcome *o) {
    if (o->result == RES_SETUP) {
        printf("fuzz_insn: %s: SKIP (fixed mappings unavailable)\n", o->why);
        exit(77);
    }
    cov_case(c, o);
    switch (o->result) {
    case RES_SAME: n_same++; break;
    case RES_DIVERGE: n_div++; break;
    case RES_UNIMPL:
        n_unimpl++;
        if (verbose) printf("unimplemented in ringside: %s\n", o->why);
        break;
    default: n_skip++; break;
    }
    if ((o->result == RES_SAME || o->result == RES_DIVERGE) && o->nsig) n_sig++;
}

static int run_one(const FuzzCase *c, int record) {
    int print = verbose || printed[c->mnem] < max_print;
    static FuzzNative nat;
    Outcome o = oracle_run(c, &nat, print, verbose);
    if (record && rec_file &&
        (o.result == RES_SAME || o.result == RES_DIVERGE || o.result == RES_UNIMPL)) {
        char id[32];
        snprintf(id, sizeof id, "%lu", rec_n);
        record_write(rec_file, c, &nat, id);
    }
    if (trace) {
        char t[256];
        insn_text(c->code + c->at, c->ilen, NATIVE_CODE_ADDR + c->at, t, sizeof t);
        printf("case %-40s result %d signals %d/%d %s rsp=%llx\n", t, o.result, o.nsig, o.rsig,
               o.why, (unsigned long long)c->in.gpr[4]);
    }
    if (o.result == RES_DIVERGE && print) printed[c->mnem]++;
    account(c, &o);
    return o.result == RES_DIVERGE;
}

/* Regression records: returns the number that diverged, -1 if the file is
 * unreadable (missing_ok: 0). */
static long replay(const char *path, int missing_ok) {
    FILE *f = fopen(path, "r");
    if (!f) {
        if (missing_ok) return 0;
        fprintf(stderr, "fuzz_insn: cannot open %s\n", path);
        return -1;
    }
    static char line[32768];
    long bad = 0, n = 0, lineno = 0;
    static FuzzCase c;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        int k = regress_parse(line, &c);
        if (k == 0) continue;
        if (k < 0) {
            printf("%s:%ld: malformed record\n", path, lineno);
            bad++;
            continue;
        }
        n++;
        if (run_one(&c, 0)) {
            printf("  (%s:%ld)\n", path, lineno);
            bad++;
        }
    }
    fclose(f);
    printf("replayed %ld records from %s: %ld diverged\n", n, path, bad);
    return bad;
}

static int wanted(const char *list, int mnem) {
    if (!list) return 1;
    const char *name = ZydisMnemonicGetString((ZydisMnemonic)mnem);
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        size_t k = strcspn(p, ",");
        if (k == n && strncasecmp(p, name, n) == 0) return 1;
        p += k;
        if (*p == ',') p++;
    }
    return 0;
}

int main(int argc, char **argv) {
    uint64_t seed = 1;
    unsigned long count = 10000;
    const char *mnems = NULL, *coverage = NULL, *regressions = RS_FUZZ_REGRESSIONS,
               *replay_file = NULL, *record = NULL, *check = NULL, *known_open = NULL, *cpu = NULL;
    int list_forms = 0;
    for (int k = 1; k < argc; k++) {
        const char *a = argv[k];
        const char *v = k + 1 < argc ? argv[k + 1] : NULL;
        if (!strcmp(a, "--seed") && v)
            seed = strtoull(v, NULL, 0), k++;
        else if (!strcmp(a, "--count") && v)
            count = strtoul(v, NULL, 0), k++;
        else if (!strcmp(a, "--mnemonic") && v)
            mnems = v, k++;
        else if (!strcmp(a, "--coverage") && v)
            coverage = v, k++;
        else if (!strcmp(a, "--regressions") && v)
            regressions = v, k++;
        else if (!strcmp(a, "--mode") && v) {
            if (!strcmp(v, "32"))
                fz_mode = &fz_mode32;
            else if (strcmp(v, "64")) {
                usage();
                return 2;
            }
            k++;
        } else if (!strcmp(a, "--no-regressions"))
            regressions = NULL;
        else if (!strcmp(a, "--replay") && v)
            replay_file = v, k++;
        else if (!strcmp(a, "--record") && v)
            record = v, k++;
        else if (!strcmp(a, "--check-recorded") && v)
            check = v, k++;
        else if (!strcmp(a, "--known-open") && v)
            known_open = v, k++;
        else if (!strcmp(a, "--cpu") && v)
            cpu = v, k++;
        else if (!strcmp(a, "--max-print") && v)
            max_print = (unsigned)atoi(v), k++;
        else if (!strcmp(a, "--verbose"))
            verbose = 1;
        else if (!strcmp(a, "--trace"))
            trace = 1;
        else if (!strcmp(a, "--list-forms"))
            list_forms = 1;
        else {
            usage();
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (check) return corpus_check(check, known_open, cpu, verbose ? ~0u : max_print, verbose);
    if (known_open || cpu) {
        usage();
        return 2;
    }
    /* Records carry no mode: the default file holds 64-bit ones. */
    if (fz_mode == &fz_mode32 && regressions && !strcmp(regressions, RS_FUZZ_REGRESSIONS))
        regressions = NULL;

    clock_t t0 = clock();
    forms_discover();
    unsigned nok = 0;
    for (unsigned k = 0; k < fz_nforms; k++)
        nok += fz_forms[k].status == FORM_OK;
    printf("fuzz_insn: %s mode, %u forms (%u fuzzable) found in %.2fs\n", fz_mode->name, fz_nforms,
           nok, (double)(clock() - t0) / CLOCKS_PER_SEC);
    if (list_forms) {
        for (unsigned k = 0; k < fz_nforms; k++) {
            const Form *f = &fz_forms[k];
            char t[64];
            form_text(f, t, sizeof t);
            printf("%-12s %-22s %s%s\n", ZydisMnemonicGetString((ZydisMnemonic)f->mnem), t,
                   f->status == FORM_OK       ? ""
                   : f->status == FORM_UNIMPL ? "unimplemented: "
                                              : "excluded: ",
                   f->why ? f->why : "");
        }
        return 0;
    }

    long bad = 0;
    if (replay_file) {
        long b = replay(replay_file, 0);
        if (b < 0) return 2;
        bad += b;
    }
    if (regressions && !replay_file) {
        long b = replay(regressions, 1);
        if (b > 0) bad += b;
    }

    /* Forms to fuzz, grouped by mnemonic: pick a mnemonic uniformly, then one
     * of its forms, so mnemonics with many forms do not crowd out the rest. */
    unsigned *fs = malloc(fz_nforms * sizeof *fs), nfs = 0;
    unsigned *first = malloc((fz_nforms + 1) * sizeof *first), ngroups = 0;
    for (unsigned k = 0; k < fz_nforms; k++) {
        const Form *f = &fz_forms[k];
        if (f->status != FORM_OK || !wanted(mnems, f->mnem)) continue;
        if (!nfs || fz_forms[fs[nfs - 1]].mnem != f->mnem) first[ngroups++] = nfs;
        fs[nfs++] = k;
    }
    first[ngroups] = nfs;
    if (count && !nfs) {
        fprintf(stderr, "fuzz_insn: no fuzzable form%s%s\n", mnems ? " for " : "",
                mnems ? mnems : "");
        return 2;
    }

    if (record) {
        rec_file = fopen(record, "w");
        if (!rec_file) {
            fprintf(stderr, "fuzz_insn: cannot write %s\n", record);
            return 2;
        }
        CorpusHeader h;
        corpus_host_header(&h);
        char how[256];
        snprintf(how, sizeof how, "fuzz_insn --mode %d --seed %llu --count %lu%s%s", h.mode,
                 (unsigned long long)seed, count, mnems ? " --mnemonic " : "", mnems ? mnems : "");
        corpus_write_header(rec_file, &h, how);
    }

    Rng r = {seed * 0x9E3779B97F4A7C15ull + 0x5eed};
    if (!r.s) r.s = 1;
    static FuzzCase c;
    unsigned long done = 0, tries = 0;
    t0 = clock();
    while (done < count && tries < count * 8 + 100) {
        tries++;
        /* recording takes the mnemonics in turn: a corpus covers all of them */
        unsigned g = record ? (unsigned)(tries - 1) % ngroups : rng_below(&r, ngroups);
        unsigned fi = fs[first[g] + rng_below(&r, first[g + 1] - first[g])];
        if (gen_case(&r, (int)fi, &c) != 0) {
            fz_forms[fi].skipped++;
            n_skip++;
            continue;
        }
        rec_n = done++;
        bad += run_one(&c, 1);
    }
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    free(fs);
    free(first);

    if (record) printf("fuzz_insn: %u mnemonics, taken in turn\n", ngroups);
    printf("fuzz_insn: seed %llu: %lu cases in %.1fs: %lu same, %lu diverged, %lu ringside-#UD "
           "(no handler), %lu skipped; %lu of the compared cases faulted natively\n",
           (unsigned long long)seed, done, secs, n_same, n_div, n_unimpl, n_skip, n_sig);
    cov_summary(stdout);
    if (rec_file) {
        if (fclose(rec_file) != 0) {
            fprintf(stderr, "fuzz_insn: cannot write %s\n", record);
            return 2;
        }
        printf("recorded to %s\n", record);
    }
    if (coverage) {
        if (cov_write(coverage, seed, count) != 0) {
            fprintf(stderr, "fuzz_insn: cannot write %s\n", coverage);
            return 2;
        }
        printf("coverage written to %s\n", coverage);
    }
    return bad ? 1 : 0;
}
