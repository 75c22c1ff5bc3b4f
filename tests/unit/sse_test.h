/* Shared by the SSE unit tests (test_sse_*.c): floating-point and integer
 * lane values with their edge cases, random MXCSR settings, and a runner
 * for the common "xmm, xmm/mem [, imm8]" instruction shape that checks the
 * register-register form and the memory form (aligned, and misaligned
 * where the SDM requires #GP) against the host. Header-only. */
#ifndef RINGSIDE_TESTS_SSE_TEST_H
#define RINGSIDE_TESTS_SSE_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define ARITH_FLAGS 0x8d5ull /* CF PF AF ZF SF OF: SSE must leave them alone */

/* Lane types for filling registers and memory. */
enum { LT_F32, LT_F64, LT_I8, LT_I16, LT_I32, LT_I64, LT_BITS };

static const uint32_t f32_specials[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3f000000, 0x3fc00000, 0x40000000,
    0x40200000, 0x40600000, 0xc0200000, 0x00000001, 0x80000001, 0x007fffff, 0x807fffff,
    0x00400000, 0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000,
    0x7fc00000, 0xffc00000, 0x7fc12345, 0xffc00001, 0x7f800001, 0xff800001, 0x7fa00000,
    0x7fbfffff, 0x4f000000, 0xcf000000, 0x4effffff, 0xceffffff, 0x5f000000, 0xdf000000,
    0x5effffff, 0x4b800001, 0x3eaaaaab, 0x501502f9, 0x34000000, 0x0c000000, 0x72000000,
    0x3f7fffff, 0x4effff00, 0x3f000001, 0xbf000000, 0x4b000000, 0x4b7fffff, 0x00000100,
};
static const uint64_t f64_specials[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
    0x3fe0000000000000ull, 0x3ff8000000000000ull, 0x4004000000000000ull, 0xc004000000000000ull,
    0x400c000000000000ull, 0x0000000000000001ull, 0x8000000000000001ull, 0x000fffffffffffffull,
    0x0010000000000000ull, 0x8010000000000000ull, 0x7fefffffffffffffull, 0xffefffffffffffffull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull, 0xfff8000000000000ull,
    0x7ff8000000012345ull, 0x7ff0000000000001ull, 0xfff0000000000abcull, 0x7ff7ffffffffffffull,
    0x41e0000000000000ull, 0xc1e0000000000000ull, 0x41dfffffffc00000ull, 0xc1e0000000200000ull,
    0x41dfffffffffffffull, 0x43e0000000000000ull, 0xc3e0000000000000ull, 0x43dfffffffffffffull,
    0x47efffffe0000000ull, 0x47efffffffffffffull, 0x36a0000000000000ull, 0x3810000000000000ull,
    0x380fffffffffffffull, 0x3fd5555555555555ull, 0x4340000000000001ull, 0x3ca0000000000000ull,
    0x3fefffffffffffffull, 0x7fe0000000000000ull, 0x0008000000000000ull, 0x4330000000000000ull,
};

/* A float: a special half the time, else random bits or a "nice" number. */
static inline uint32_t f32_edge(Rng *r) {
    switch (rng_below(r, 8)) {
    case 0:
    case 1:
    case 2:
    case 3: return f32_specials[rng_below(r, sizeof f32_specials / sizeof f32_specials[0])];
    case 4: return (uint32_t)rng_u64(r);
    case 5: { /* small exponent range: results stay finite, exercise rounding */
        uint32_t v = (uint32_t)rng_u64(r);
        return (v & 0x807fffff) | ((uint32_t)(120 + rng_below(r, 16)) << 23);
    }
    case 6: { /* an integer-valued float, possibly with halves */
        float f = (float)((int32_t)rng_u64(r) >> rng_below(r, 31)) + (rng_below(r, 2) ? 0.5f : 0);
        uint32_t v;
        memcpy(&v, &f, 4);
        return v;
    }
    default: /* near the denormal boundary */
        return ((uint32_t)rng_u64(r) & 0x80ffffff) | (rng_below(r, 2) ? 0 : 0x00800000);
    }
}
static inline uint64_t f64_edge(Rng *r) {
    switch (rng_below(r, 8)) {
    case 0:
    case 1:
    case 2:
    case 3: return f64_specials[rng_below(r, sizeof f64_specials / sizeof f64_specials[0])];
    case 4: return rng_u64(r);
    case 5: {
        uint64_t v = rng_u64(r);
        return (v & 0x800fffffffffffffull) | ((uint64_t)(1016 + rng_below(r, 16)) << 52);
    }
    case 6: {
        double f = (double)((int64_t)rng_u64(r) >> rng_below(r, 63)) + (rng_below(r, 2) ? 0.5 : 0);
        uint64_t v;
        memcpy(&v, &f, 8);
        return v;
    }
    case 7: { /* floats widened (cvtsd2ss, exact/inexact narrowing) */
        float f;
        uint32_t b = f32_edge(r);
        memcpy(&f, &b, 4);
        double dd = f;
        uint64_t v;
        memcpy(&v, &dd, 8);
        return rng_below(r, 2) ? v : v ^ (rng_u64(r) & 0xfffffff);
    }
    default: return 0;
    }
}

/* Fill 16 bytes with lanes of the given type. */
static inline void fill_lanes(Rng *r, uint8_t *p, int lt) {
    for (unsigned k = 0; k < 16;) {
        uint64_t v;
        unsigned n;
        switch (lt) {
        case LT_F32: v = f32_edge(r), n = 4; break;
        case LT_F64: v = f64_edge(r), n = 8; break;
        case LT_I8: v = rng_edge(r, 1), n = 1; break;
        case LT_I16: v = rng_edge(r, 2), n = 2; break;
        case LT_I32: v = rng_edge(r, 4), n = 4; break;
        case LT_I64: v = rng_edge(r, 8), n = 8; break;
        default: v = rng_u64(r), n = 8; break;
        }
        memcpy(p + k, &v, n);
        k += n;
    }
}

/* Random rounding mode, DAZ, FTZ and initial sticky flags; all exceptions
 * masked (the unmasked cases have their own tests). */
static inline uint32_t mxcsr_rand(Rng *r) {
    uint32_t m = 0x1f80 | (rng_below(r, 4) << 13);
    if (rng_below(r, 4) == 0) m |= 0x40;   /* DAZ */
    if (rng_below(r, 4) == 0) m |= 0x8000; /* FTZ */
    if (rng_below(r, 4) == 0) m |= (uint32_t)rng_below(r, 64);
    return m;
}

static inline ZydisRegister xmm(unsigned n) { return (ZydisRegister)(ZYDIS_REGISTER_XMM0 + n); }

/* A base register for memory operands (never RSP: the harness owns it). */
static inline unsigned base_gpr(Rng *r) {
    static const unsigned pick[] = {0, 1, 2, 3, 5, 6, 7, 8, 9, 12, 13, 15};
    return pick[rng_below(r, sizeof pick / sizeof pick[0])];
}

/* A random state with all XMM registers and the data pages filled with
 * lanes of type lt. */
static inline void sse_state(Rng *r, RegState *st, uint8_t *data, int lt) {
    state_random(r, st);
    for (int k = 0; k < 16; k++)
        fill_lanes(r, st->xmm[k], lt);
    for (unsigned k = 0; k < DATA_SIZE; k += 16)
        fill_lanes(r, data + k, lt);
    st->mxcsr = mxcsr_rand(r);
}

/* diff_run, and on a mismatch also the XMM registers and MXCSR (inputs and
 * both outputs, re-run deterministically) and the first differing bytes. */
static inline int sse_diff(const uint8_t *code, size_t len, const RegState *in, const uint8_t *data,
                           uint64_t defined) {
    if (!diff_run(code, len, in, data, defined)) return 0;
    if (test_failures() > 12) return 1;
    static uint8_t dn[DATA_SIZE], dr[DATA_SIZE];
    RegState n = *in, r = *in;
    memcpy(dn, data, DATA_SIZE);
    memcpy(dr, data, DATA_SIZE);
    int ns = native_exec(code, len, &n, dn), rs = rs_exec(code, len, &r, dr);
    fprintf(stderr, "  mxcsr in %08x  native %08x  ringside %08x  (signals %d %d)\n", in->mxcsr,
            n.mxcsr, r.mxcsr, ns, rs);
    for (int k = 0; k < 16; k++) {
        int bad = memcmp(n.xmm[k], r.xmm[k], 16) != 0;
        int used = bad || memcmp(in->xmm[k], n.xmm[k], 16) != 0;
        if (!used && k > 1) continue;
        fprintf(stderr, "  %cxmm%-2d in ", bad ? '*' : ' ', k);
        for (int b = 15; b >= 0; b--)
            fprintf(stderr, "%02x%s", in->xmm[k][b], b % 4 ? "" : b ? "_" : "");
        fprintf(stderr, " native ");
        for (int b = 15; b >= 0; b--)
            fprintf(stderr, "%02x%s", n.xmm[k][b], b % 4 ? "" : b ? "_" : "");
        fprintf(stderr, " ringside ");
        for (int b = 15; b >= 0; b--)
            fprintf(stderr, "%02x%s", r.xmm[k][b], b % 4 ? "" : b ? "_" : "");
        fprintf(stderr, "\n");
    }
    for (unsigned k = 0; k < DATA_SIZE; k++)
        if (dn[k] != dr[k]) {
            unsigned a = k & ~15u;
            fprintf(stderr, "  data %#llx in/native/ringside:\n   ",
                    (unsigned long long)(DATA_ADDR + a));
            for (unsigned b = a; b < a + 16 && b < DATA_SIZE; b++)
                fprintf(stderr, " %02x", data[b]);
            fprintf(stderr, "\n   ");
            for (unsigned b = a; b < a + 16 && b < DATA_SIZE; b++)
                fprintf(stderr, " %02x", dn[b]);
            fprintf(stderr, "\n   ");
            for (unsigned b = a; b < a + 16 && b < DATA_SIZE; b++)
                fprintf(stderr, " %02x", dr[b]);
            fprintf(stderr, "\n");
            break;
        }
    return 1;
}

/* Failures found by the SSE tests' own extra checks (faulting cases, where
 * diff_run compares only the signal and GPRs). */
static unsigned long sse_extra_fail;
static inline int sse_end(void) {
    int rc = test_end();
    if (sse_extra_fail) {
        printf("  plus %lu mismatches in XMM/MXCSR at a fault\n", sse_extra_fail);
        return 1;
    }
    return rc;
}
/* sse_diff, and when both sides fault, also the XMM registers and MXCSR at
 * the fault (e.g. #XM: destination untouched, flags recorded). */
static inline void sse_diff_fault(const uint8_t *code, size_t len, const RegState *in,
                                  const uint8_t *data) {
    if (sse_diff(code, len, in, data, ARITH_FLAGS)) return;
    static uint8_t dn[DATA_SIZE], dr[DATA_SIZE];
    RegState n = *in, r = *in;
    memcpy(dn, data, DATA_SIZE);
    memcpy(dr, data, DATA_SIZE);
    int ns = native_exec(code, len, &n, dn), rs = rs_exec(code, len, &r, dr);
    if (ns <= 0 || ns != rs) return;
    if (n.mxcsr == r.mxcsr && memcmp(n.xmm, r.xmm, sizeof n.xmm) == 0) return;
    if (++sse_extra_fail > 12) return;
    char text[128];
    disasm(code, len, text, sizeof text);
    fprintf(stderr, "MISMATCH at fault (signal %d): %s: mxcsr in %08x native %08x ringside %08x\n",
            ns, text, in->mxcsr, n.mxcsr, r.mxcsr);
    for (int k = 0; k < 16; k++)
        if (memcmp(n.xmm[k], r.xmm[k], 16) != 0) fprintf(stderr, "  xmm%d differs\n", k);
}

/* Shape of a "xmm, xmm/mem [, imm8]" instruction under test. */
typedef struct SseCase {
    ZydisMnemonic m;
    int lt;         /* lane type of the inputs */
    unsigned msize; /* memory operand size: 16, 8 or 4 */
    int aligned;    /* m128 must be 16-byte aligned (#GP otherwise) */
    int imm;        /* -1: no immediate; -2: random imm8; else that value */
} SseCase;

/* Run n random instances of both forms of one case. */
static inline void sse_run_case(Rng *r, const SseCase *t, unsigned n) {
    static uint8_t data[DATA_SIZE];
    for (unsigned it = 0; it < n; it++) {
        RegState st;
        sse_state(r, &st, data, t->lt);
        unsigned d = rng_below(r, 16), s = rng_below(r, 4) == 0 ? d : rng_below(r, 16);
        int imm = t->imm == -2 ? (int)rng_below(r, 256) : t->imm;
        uint8_t code[32];
        size_t len;
        int mem = it & 1;
        if (!mem) {
            if (imm >= 0)
                len = ENC(code, t->m, E_reg(xmm(d)), E_reg(xmm(s)), E_imm(imm));
            else
                len = ENC(code, t->m, E_reg(xmm(d)), E_reg(xmm(s)));
        } else {
            unsigned b = base_gpr(r);
            uint64_t off = rng_below(r, DATA_SIZE / 16 - 1) * 16;
            if (!t->aligned || rng_below(r, 8) == 0) off += rng_below(r, 16);
            st.gpr[b] = DATA_ADDR + off;
            ZydisEncoderOperand mo = E_mem(t->msize, gpr_reg(8, b), ZYDIS_REGISTER_NONE, 0, 0);
            if (imm >= 0)
                len = ENC(code, t->m, E_reg(xmm(d)), mo, E_imm(imm));
            else
                len = ENC(code, t->m, E_reg(xmm(d)), mo);
        }
        if (!len) { /* a bug in the test itself */
            fprintf(stderr, "cannot encode %s\n", ZydisMnemonicGetString(t->m));
            exit(1);
        }
        sse_diff(code, len, &st, data, ARITH_FLAGS);
    }
}

/* Raw bytes + ModRM helper for encodings the encoder does not pick (e.g. 66
 * 0F D6). modrm_rr(reg, rm) for register-register forms. */
static inline uint8_t modrm_rr(unsigned reg, unsigned rm) {
    return (uint8_t)(0xc0 | ((reg & 7) << 3) | (rm & 7));
}

#endif
