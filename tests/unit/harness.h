/* Differential unit-test harness: run the same snippet with the same
 * registers, flags and memory on the host CPU (native.c, the oracle) and on
 * ringside's CPU (rs_exec), and compare everything the instruction defines.
 *
 * A test builds code (Zydis encoder helpers below, or bytes), fills a
 * RegState and the data pages from a seeded RNG, and calls diff_run with the
 * mask of flags the instruction defines. Mismatches are printed with the
 * bytes, the Zydis text, the inputs and both outputs. test_end() prints a
 * summary and gives the exit status (0 pass, 1 fail, 77 skip).
 *
 * Environment: RS_SEED (RNG seed), RS_ITERS (iteration multiplier, default
 * 1), RS_UNDEF=1 (also report, without failing, differences in flags the
 * instruction leaves undefined: how ringside's choices compare to the host). */
#ifndef RINGSIDE_TESTS_HARNESS_H
#define RINGSIDE_TESTS_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include <Zydis/Zydis.h>

#include "native.h"

/* Run `code` under ringside with the state in *st and data[DATA_SIZE], in the
 * same address layout as native_exec; same contract and return values
 * (0 or the signal Linux would deliver for the exception; -1 on setup
 * failure). */
int rs_exec(const uint8_t *code, size_t len, RegState *st, uint8_t *data);
/* The same in 32-bit compatibility mode (cpu_reset_flat_compat32, CPL 3),
 * with native_exec32's code page and register contract. */
int rs_exec32(const uint8_t *code, size_t len, RegState *st, uint8_t *data);
/* The CPU ringside models (CpuVendor, CPUID display family; default: the
 * host's): for replaying results recorded on another host. Native runs are
 * unaffected. rs_cpu: ringside's CPU after a run (exception vector, CR2). */
void rs_set_model(int vendor, unsigned family);
struct Cpu *rs_cpu(void);

/* ---- random inputs ---- */

typedef struct Rng {
    uint64_t s;
} Rng;
static inline uint64_t rng_u64(Rng *r) { /* xorshift64* */
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1Dull;
}
static inline unsigned rng_below(Rng *r, unsigned n) { return (unsigned)(rng_u64(r) % n); }
Rng rng_seeded(uint64_t salt); /* from RS_SEED (default fixed) and salt */

/* A value of `size` bytes (zero-extended): edge values (0, 1, -1, signed
 * min/max, carry boundaries of every size, ...) half of the time, else
 * random with a random bit density. */
uint64_t rng_edge(Rng *r, unsigned size);
/* A full 64-bit register whose low `size` bytes are rng_edge and whose
 * upper bytes are random (to catch merge / zero-extension bugs). */
uint64_t rng_reg(Rng *r, unsigned size);
/* Random GPRs (RSP points into the stack page), random CF PF AF ZF SF OF DF,
 * random XMM, default MXCSR. */
void state_random(Rng *r, RegState *st);
void data_random(Rng *r, uint8_t *data);

/* ---- encoding ---- */

ZydisEncoderOperand E_reg(ZydisRegister reg);
/* Memory operand of `size` bytes; base/index ZYDIS_REGISTER_NONE for none. */
ZydisEncoderOperand E_mem(unsigned size, ZydisRegister base, ZydisRegister index, unsigned scale,
                          int64_t disp);
ZydisEncoderOperand E_imm(int64_t v);
/* Encode for 64-bit mode; returns the length, or 0 if Zydis cannot encode
 * this combination (e.g. AH with a REX register). */
size_t enc(uint8_t *out, ZydisMnemonic m, uint32_t prefixes, const ZydisEncoderOperand *ops,
           unsigned nops);
#define ENC(out, m, ...)                                                                           \
    enc(out, m, 0, (const ZydisEncoderOperand[]){__VA_ARGS__},                                     \
        sizeof((const ZydisEncoderOperand[]){__VA_ARGS__}) / sizeof(ZydisEncoderOperand))
#define ENC_P(out, m, pfx, ...)                                                                    \
    enc(out, m, pfx, (const ZydisEncoderOperand[]){__VA_ARGS__},                                   \
        sizeof((const ZydisEncoderOperand[]){__VA_ARGS__}) / sizeof(ZydisEncoderOperand))

/* GPR of `size` bytes numbered n (Intel order 0..15); for size 1, n 16..19
 * are AH CH DH BH. */
ZydisRegister gpr_reg(unsigned size, unsigned n);
/* Random GPR number for an operand of `size`: 0..15, or 0..19 for bytes
 * (callers retry when the encoder rejects AH..BH with REX). */
unsigned rng_gpr(Rng *r, unsigned size);
/* A memory operand and how to make it point where it should: absolute
 * [disp32], or [base + index*scale + disp] with the registers set by
 * mem_apply (after the test has set its other registers). */
typedef struct MemSpec {
    uint64_t addr;
    int use_regs;
    unsigned b, x, scale; /* x = 16: no index */
    uint64_t xv;
    int64_t disp;
    int asz32;   /* 32-bit address size (67 prefix): upper register halves ignored */
    uint64_t hi; /* garbage for those upper halves */
} MemSpec;
ZydisEncoderOperand mem_at(Rng *r, uint64_t addr, unsigned size, MemSpec *ms);
/* An address for a `size`-byte operand in the data pages: random, aligned,
 * or straddling the boundary between the two pages. */
uint64_t data_addr_pick(Rng *r, unsigned size);
ZydisEncoderOperand mem_pick(Rng *r, unsigned size, MemSpec *ms);
void mem_apply(const MemSpec *ms, RegState *st);
/* Zydis text of the instructions in code (for messages). */
void disasm(const uint8_t *code, size_t len, char *out, size_t outlen);

/* ---- comparing ---- */

/* Run the snippet both ways from (in, data) and compare GPRs, RIP, the
 * flags in `defined` (plus DF), XMM/MXCSR, the data pages and the signal.
 * Returns 0 when equal, 1 on a mismatch (printed). */
int diff_run(const uint8_t *code, size_t len, const RegState *in, const uint8_t *data,
             uint64_t defined);

/* Re-run a mismatching case up to n more times and report it only if every
 * attempt mismatches: for host state the kernel may change under a snippet
 * (test_x87 on AMD: FIP/FDP/FOP are lost when the process is preempted,
 * because AMD's XSAVE stores them only while an exception is pending). */
void diff_set_retries(unsigned n);

void test_begin(const char *name);
/* Count one more group of checks (for the summary only). */
int test_end(void);
/* Number of mismatches so far. */
unsigned long test_failures(void);
/* Iteration count scaled by RS_ITERS. */
unsigned iters(unsigned base);

#endif
