/* The differential instruction fuzzer (tests/fuzz): shared types.
 *
 * forms.c finds, for every mnemonic ringside implements, the operand shapes
 * Zydis can encode ("forms"); gen.c turns a form into a test case (snippet
 * bytes, registers, flags, XMM/MXCSR, data pages); oracle.c runs the case on
 * the host CPU (tests/unit/native.c) and in ringside (tests/unit/harness.c)
 * and compares; regress.c reads and writes cases as one-line regression
 * records; coverage.c counts and writes docs/fuzz-coverage.md.
 *
 * The target is 64-bit mode, or with --mode 32 32-bit compatibility mode
 * (fz_mode32: native_exec32 / rs_exec32). Everything mode-specific goes
 * through FuzzMode / FZ_M32. */
#ifndef RINGSIDE_TESTS_FUZZ_H
#define RINGSIDE_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <Zydis/Zydis.h>

#include "harness.h" /* tests/unit: rs_exec, RegState, Rng, gpr_reg ... */

/* ---- the execution mode under test ---- */
typedef struct FuzzMode {
    const char *name;
    ZydisMachineMode zmode;
    ZydisStackWidth zstack;
    int (*run_native)(const uint8_t *code, size_t len, RegState *st, uint8_t *data);
    int (*run_rs)(const uint8_t *code, size_t len, RegState *st, uint8_t *data);
} FuzzMode;
extern const FuzzMode fz_mode64, fz_mode32;
#define FZ_M32 (fz_mode->zmode == ZYDIS_MACHINE_MODE_LONG_COMPAT_32)
extern const FuzzMode *fz_mode; /* the active one */

/* ---- operand classes and forms ---- */
enum {
    OC_NONE,
    OC_R8,
    OC_R16,
    OC_R32,
    OC_R64,
    OC_XMM,
    OC_MM,
    OC_ST,
    OC_SEG,
    OC_BND,
    OC_IMM,
    OC_M1,
    OC_M2,
    OC_M4,
    OC_M6,
    OC_M8,
    OC_M10,
    OC_M14,
    OC_M16,
    OC_M28,
    OC_M64,
    OC_M94,
    OC_M108,
    OC_M512,
    OC_COUNT
};
#define OC_IS_MEM(c) ((c) >= OC_M1)
#define OC_IS_REG(c) ((c) >= OC_R8 && (c) <= OC_BND)
unsigned oc_mem_size(int cls);
unsigned oc_reg_count(int cls);            /* how many registers the class has */
ZydisRegister oc_reg(int cls, unsigned n); /* register n of the class */
const char *oc_name(int cls);              /* "r64", "m128", "imm", ... */

enum { FORM_OK, FORM_UNIMPL, FORM_EXCLUDED };

typedef struct Form {
    uint16_t mnem;
    uint8_t nops;
    uint8_t cls[3];
    uint32_t regmask[3]; /* registers the encoder accepts in each register position */
    uint8_t status;      /* FORM_* */
    const char *why;     /* for FORM_EXCLUDED / FORM_UNIMPL */
    uint8_t example[16]; /* one encoding (for the coverage report) */
    uint8_t example_len;
    /* statistics */
    unsigned long cases, signals, divergences, unimpl, skipped;
} Form;

/* All forms of all implemented mnemonics, grouped by mnemonic. */
extern Form *fz_forms;
extern unsigned fz_nforms;
void forms_discover(void);
/* Mnemonic-level exclusion (NULL: fuzzable). */
const char *mnem_excluded(ZydisMnemonic m);
/* Why this decoded instruction must not run (NULL: it may). */
const char *insn_unsafe(const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *zo);
/* "r64, m64" */
void form_text(const Form *f, char *out, size_t n);

/* Ringside's verdict on an instruction: 1 if its decoder has no handler for
 * it (unimplemented mnemonic or form), 0 otherwise. Own CPU, own memory. */
int probe_unimplemented(const uint8_t *insn, size_t len, char *why, size_t whylen);

/* ---- test cases ---- */
#define FZ_CODE_MAX  256
#define FZ_MAX_PATCH 48
#define X87_SCR      0x1a00u /* FXSAVE image of the x87 epilogue (data offset) */
#define X87_CW       0x1c00u /* control word the prologue loads */
#define X87_VALS     0x1c10u /* 80-bit values the prologue loads (8 x 10 bytes) */
#define MARKER_LEN   4       /* lea r11, [r11+1]: skipped by taken branches */

typedef struct Patch {
    uint16_t off;
    uint8_t len;
    uint8_t b[16];
} Patch;

typedef struct FuzzCase {
    uint8_t code[FZ_CODE_MAX];
    size_t len;
    size_t at, ilen; /* the instruction under test inside code */
    int x87;         /* an FXSAVE image at X87_SCR ends the snippet */
    RegState in;
    uint64_t fill; /* data pages: data_fill(fill) then the patches */
    Patch patch[FZ_MAX_PATCH];
    int npatch;
    int form;      /* index into fz_forms, -1 for replayed cases */
    uint16_t mnem; /* decoded mnemonic of the instruction under test */
} FuzzCase;

/* Data pages from a seed (stable: regression lines depend on it). */
void data_fill(uint64_t seed, uint8_t *data);
void case_data(const FuzzCase *c, uint8_t *data);
void case_patch(FuzzCase *c, uint64_t addr, const void *src, unsigned n);

typedef struct GenOpts {
    int prefixes; /* raw prefix prepends and prefix requests */
} GenOpts;
/* Build a case for form `fi`. Returns 0, or -1 when this attempt gave no
 * usable instruction (the caller counts it as skipped and moves on). */
int gen_case(Rng *r, int fi, FuzzCase *c);

/* ---- values ---- */
uint64_t val_count(Rng *r);            /* shift/rotate counts 0..65 and edges */
void val_x87(Rng *r, uint8_t out[10]); /* an 80-bit extended value */
void val_elem(Rng *r, ZydisElementType t, unsigned bits, uint8_t *out); /* one element */
void val_fill(Rng *r, const ZydisDecodedOperand *o, uint8_t *out, unsigned bytes);
uint32_t val_mxcsr(Rng *r);

/* ---- undefined flags ---- */
/* RFLAGS bits not to compare for this instruction with this input (counts
 * matter for shifts) on a CPU of vendor (CpuVendor: 0 Intel, 1 AMD), CPUID
 * display family and model: the flags the SDM leaves undefined, less those
 * ringside models with a rule measured on such a CPU (tests/unit/
 * undef_model.h: Intel 06_A7, AMD 17h models 00-2F; elsewhere all of the
 * SDM's; RS_UNDEF_PINNED=1/0 overrides). *skip = 1 when the result itself is
 * undefined and not modelled (e.g. 16-bit SHLD/SHRD with a count above 16 on
 * Intel). */
uint64_t fz_undef_mask(int vendor, unsigned family, unsigned model,
                       const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *zo,
                       const RegState *in, int *skip);
/* The same for the host CPU (what the live fuzzer compares against). */
uint64_t undef_flags(const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *zo,
                     const RegState *in, int *skip);
/* FSW condition-code bits (C0 0x100, C1 0x200, C2 0x400, C3 0x4000) left undefined. */
uint16_t undef_fsw(const ZydisDecodedInstruction *zi);

/* ---- oracle ---- */
enum { RES_SAME, RES_DIVERGE, RES_UNIMPL, RES_SKIP, RES_SETUP };
typedef struct Outcome {
    int result; /* RES_* */
    int nsig, rsig;
    uint64_t undef_diff; /* undefined flags where ringside's choice differs from the host's */
    char why[160];
} Outcome;

/* The native outcome of a case: measured now (fz_native), or read from a
 * recorded corpus (record.c). Converted records (scripts/fuzz-corpus-from-
 * divergences.sh) may not know every field: the *_known parts say which. */
typedef struct FuzzNative {
    int sig;             /* 0 or the signal Linux delivered */
    int sa_known;        /* si_addr is known */
    uint64_t fault_addr; /* the signal's si_addr (0 for SI_KERNEL signals such as #GP) */
    RegState out;        /* GPRs, RFLAGS, RIP (end, or the faulting instruction), XMM, MXCSR */
    uint64_t fl_known;   /* RFLAGS bits whose native value is known (~0 when measured) */
    int xmm_known;       /* XMM and MXCSR are known */
    uint8_t data[DATA_SIZE];
    uint8_t unknown[DATA_SIZE]; /* 1: the native value of this data byte is not known */
} FuzzNative;

/* The CPU ringside models and whose undefined flags apply: the host's for
 * live runs, the recorded one for --check-recorded (sets rs_set_model too). */
extern int fz_vendor; /* CpuVendor */
extern unsigned fz_family;
void fz_set_model(int vendor, unsigned family);
/* Replaying a recorded corpus: compare undefined flags as the recording CPU
 * (vendor, display family, model) defines them. */
void fz_set_recorded_cpu(int vendor, unsigned family, unsigned model);

/* Run natively (0, or -1 when the native side cannot be set up). */
int fz_native(const FuzzCase *c, FuzzNative *n);
/* Run in ringside and compare with n; on a divergence print it (when `print`). */
Outcome fz_compare(const FuzzCase *c, const FuzzNative *n, int print, int verbose);
/* Both (n may be NULL): the live fuzzer. */
Outcome oracle_run(const FuzzCase *c, FuzzNative *n, int print, int verbose);
const char *sig_name(int s);
int sig_parse(const char *name); /* sig_name's inverse; -1 if unknown */
int decode_at(const uint8_t *code, size_t len, ZydisDecodedInstruction *zi,
              ZydisDecodedOperand *zo);
void insn_text(const uint8_t *code, size_t len, uint64_t addr, char *out, size_t n);

/* ---- regression records ---- */
void regress_write(FILE *f, const FuzzCase *c);
void regress_write_fields(FILE *f, const FuzzCase *c); /* without the comment and newline */
/* Parse one line; returns 1 for a case, 0 for a blank/comment, -1 on error. */
int regress_parse(const char *line, FuzzCase *c);

/* ---- recorded corpora (record.c) ---- */
typedef struct CorpusHeader {
    int vendor;             /* CpuVendor */
    unsigned family, model; /* CPUID display family and model */
    int mode;               /* 64 or 32 */
    char cpu[64];           /* brand string, blanks as '_' */
} CorpusHeader;
void corpus_host_header(CorpusHeader *h); /* this host, fz_mode */
void corpus_write_header(FILE *f, const CorpusHeader *h, const char *how);
/* "@corpus v1 ..." line: 1, 0 if the line is something else, -1 malformed. */
int corpus_parse_header(const char *line, CorpusHeader *h);
void record_write(FILE *f, const FuzzCase *c, const FuzzNative *n, const char *id);
/* One record line: 1 for a case, 0 blank/comment/header, -1 malformed. */
int record_parse(const char *line, FuzzCase *c, FuzzNative *n, char *id, size_t idlen);
/* --check-recorded: replay the file against ringside with the recorded model.
 * known_open: file of "<corpus file name> <id>" lines allowed to diverge.
 * Returns the process exit status. */
int corpus_check(const char *path, const char *known_open, const char *cpu_override,
                 unsigned max_print, int verbose);

/* ---- coverage ---- */
void cov_case(const FuzzCase *c, const Outcome *o);
int cov_write(const char *path, uint64_t seed, unsigned long count);
void cov_summary(FILE *f); /* divergences and #UD gaps by file and mnemonic */
const char *family_file(const char *family);

#endif
