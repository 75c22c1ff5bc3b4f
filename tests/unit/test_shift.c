/* SHL/SAL SHR SAR ROL ROR RCL RCR SHLD SHRD against the host CPU: every
 * size, register and memory destinations, counts 1 / imm8 / CL across the
 * masking and rotate-through-carry boundaries. Flags are compared where the
 * SDM defines them for the given count, and all of them where ringside's
 * rule for the undefined ones was measured on a CPU of the host's kind
 * (undef_model.h; the harness models the host's vendor and family). The
 * count that decides is the one the instruction sees: a memory operand
 * addressed through RCX sets CL too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "undef_model.h"

#define CF   0x1
#define PF   0x4
#define AF   0x10
#define ZF   0x40
#define SF   0x80
#define OF   0x800
#define ALLF (CF | PF | AF | ZF | SF | OF)

static Rng R;
static uint8_t data[DATA_SIZE];
static int g_undef_mode;
static int g_pinned; /* compare the undefined flags too */
static int g_amd;    /* the modelled vendor is AMD */

/* A raw count: biased to 0, 1, the width boundaries and the 5/6-bit mask. */
static unsigned count_pick(unsigned sz) {
    unsigned w = sz * 8;
    static const int deltas[] = {-1, 0, 1};
    switch (rng_below(&R, 6)) {
    case 0: return rng_below(&R, 3);                                     /* 0, 1, 2 */
    case 1: return (unsigned)((int)w + deltas[rng_below(&R, 3)]) & 0xff; /* w-1, w, w+1 */
    case 2: return rng_below(&R, 2) ? 9 + rng_below(&R, 2) * 8 : 18;     /* RCL/RCR modulo */
    case 3: return 32 + rng_below(&R, 3) - 1 + 32 * rng_below(&R, 2);    /* around masks */
    case 4: return rng_below(&R, 256);
    default: return rng_below(&R, w + 2);
    }
}

static uint64_t shift_defined(ZydisMnemonic m, unsigned sz, unsigned raw) {
    unsigned n = raw & (sz == 8 ? 63 : 31), w = sz * 8;
    if (n == 0 || g_pinned) return ALLF;
    uint64_t d;
    switch (m) {
    case ZYDIS_MNEMONIC_SHL:
    case ZYDIS_MNEMONIC_SHR:
        d = CF | PF | ZF | SF;
        if (n >= w) d &= ~(uint64_t)CF; /* SDM: undefined for count >= width */
        break;
    case ZYDIS_MNEMONIC_SAR: d = CF | PF | ZF | SF; break;
    default: d = CF | PF | AF | ZF | SF; break; /* rotates keep SF ZF AF PF */
    }
    if (n == 1) d |= OF;
    return d;
}

/* The flags compared for SHLD/SHRD of `sz` bytes by the raw count; -1: skip
 * the case (the result is undefined and not compared here). */
static int64_t dshift_defined(unsigned sz, unsigned raw) {
    unsigned n = raw & (sz == 8 ? 63 : 31);
    if (n == 0) return ALLF;
    if (sz == 2 && n > 16) {
        /* Result and flags undefined: AMD's rule was measured; Intel's
         * result (ringside: the measured one) only with RS_UNDEF=1 or when
         * pinned, its flags never. */
        if (g_pinned) return g_amd ? ALLF : 0;
        return g_undef_mode ? 0 : -1;
    }
    if (g_pinned) return ALLF;
    return CF | PF | ZF | SF | (n == 1 ? OF : 0);
}

/* Run `ninputs` random inputs; the count is raw_imm for an immediate, or
 * CL (cl_raw when >= 0; RCX may also be set by the memory operand) and the
 * flags compared follow it. */
static void run_inputs(const uint8_t *code, size_t len, const MemSpec *ms, ZydisMnemonic m,
                       int cl_form, unsigned raw_imm, int cl_raw, unsigned sz, int ninputs) {
    for (int k = 0; k < ninputs; k++) {
        RegState st;
        state_random(&R, &st);
        for (int g = 0; g < 16; g++)
            if (g != 4) st.gpr[g] = rng_reg(&R, sz);
        if (cl_raw >= 0) st.gpr[1] = (rng_u64(&R) & ~0xffull) | (unsigned)cl_raw;
        if (ms) mem_apply(ms, &st);
        unsigned raw = cl_form ? (unsigned)(st.gpr[1] & 0xff) : raw_imm;
        int64_t def;
        if (m == ZYDIS_MNEMONIC_SHLD || m == ZYDIS_MNEMONIC_SHRD)
            def = dshift_defined(sz, raw);
        else
            def = (int64_t)shift_defined(m, sz, raw);
        if (def < 0) continue;
        data_random(&R, data);
        diff_run(code, len, &st, data, (uint64_t)def);
    }
}

static void test_group2(void) {
    static const ZydisMnemonic ops[] = {ZYDIS_MNEMONIC_SHL, ZYDIS_MNEMONIC_SHR, ZYDIS_MNEMONIC_SAR,
                                        ZYDIS_MNEMONIC_ROL, ZYDIS_MNEMONIC_ROR, ZYDIS_MNEMONIC_RCL,
                                        ZYDIS_MNEMONIC_RCR};
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
        for (unsigned sz = 1; sz <= 8; sz *= 2)
            for (int mem = 0; mem < 2; mem++)
                for (int cnt = 0; cnt < 3; cnt++) { /* 0: 1, 1: imm8, 2: CL */
                    unsigned done = 0, tries = 0, want = iters(cnt == 0 ? 10 : 40);
                    while (done < want && tries++ < want * 20) {
                        uint8_t code[16];
                        MemSpec ms;
                        ZydisEncoderOperand dst =
                            mem ? mem_pick(&R, sz, &ms) : E_reg(gpr_reg(sz, rng_gpr(&R, sz)));
                        unsigned raw = cnt == 0 ? 1 : count_pick(sz);
                        size_t len;
                        if (cnt == 2)
                            len = ENC(code, ops[o], dst, E_reg(ZYDIS_REGISTER_CL));
                        else
                            len = ENC(code, ops[o], dst, E_imm(raw));
                        if (!len) continue;
                        done++;
                        /* with CL, several counts per encoding */
                        int nin = cnt == 2 ? 1 : 3;
                        for (int rep = 0; rep < (cnt == 2 ? 4 : 1); rep++) {
                            if (cnt == 2 && rep) raw = count_pick(sz);
                            run_inputs(code, len, mem ? &ms : NULL, ops[o], cnt == 2, raw,
                                       cnt == 2 ? (int)raw : -1, sz, nin);
                        }
                    }
                }
}

static void test_double(void) {
    static const ZydisMnemonic ops[] = {ZYDIS_MNEMONIC_SHLD, ZYDIS_MNEMONIC_SHRD};
    for (int o = 0; o < 2; o++)
        for (unsigned sz = 2; sz <= 8; sz *= 2)
            for (int mem = 0; mem < 2; mem++)
                for (int cl = 0; cl < 2; cl++) {
                    unsigned done = 0, tries = 0, want = iters(40);
                    while (done < want && tries++ < want * 20) {
                        uint8_t code[16];
                        MemSpec ms;
                        ZydisEncoderOperand dst =
                            mem ? mem_pick(&R, sz, &ms) : E_reg(gpr_reg(sz, rng_gpr(&R, sz)));
                        ZydisEncoderOperand src = E_reg(gpr_reg(sz, rng_gpr(&R, sz)));
                        unsigned raw = count_pick(sz);
                        /* a 16-bit count above 16: see dshift_defined */
                        if (!cl && dshift_defined(sz, raw) < 0) continue;
                        size_t len = cl ? ENC(code, ops[o], dst, src, E_reg(ZYDIS_REGISTER_CL))
                                        : ENC(code, ops[o], dst, src, E_imm(raw));
                        if (!len) continue;
                        done++;
                        run_inputs(code, len, mem ? &ms : NULL, ops[o], cl, raw, cl ? (int)raw : -1,
                                   sz, 3);
                    }
                }
}

/* Encodings the encoder does not produce (SAL /6, C0/C1 with count 1, the
 * D0/D1 short forms on memory), LOCK (#UD), a read-only-looking count of 0
 * on memory (still a write), and lazy CF feeding RCL/RCR. */
static void test_raw(void) {
    static const struct {
        uint8_t b[12];
        uint8_t len;
        uint64_t def;
    } raw[] = {
        {{0xd1, 0xf0}, 2, CF | PF | ZF | SF | OF},       /* sal eax, 1 (/6) */
        {{0xc0, 0xf4, 0x03}, 3, CF | PF | ZF | SF},      /* sal ah, 3 */
        {{0xc1, 0xe0, 0x01}, 3, CF | PF | ZF | SF | OF}, /* shl eax, 1 (C1) */
        {{0x48, 0xd3, 0xf6}, 3, 0},                      /* sal rsi, cl (/6) */
        {{0xd0, 0x24, 0x25, 0xff, 0x0f, 0x00, 0x20}, 7, CF | PF | ZF | SF | OF},
        {{0xc1, 0x24, 0x25, 0xfe, 0x0f, 0x00, 0x20, 0x00}, 8, ALLF}, /* shl m32, 0 */
        {{0xf0, 0xd1, 0x24, 0x25, 0x00, 0x01, 0x00, 0x20}, 8, ALLF}, /* lock shl: #UD */
        {{0xf0, 0x0f, 0xa4, 0x04, 0x25, 0x00, 0x01, 0x00, 0x20, 0x04}, 10, ALLF}, /* lock shld */
        {{0x01, 0xd8, 0xd1, 0xd1}, 4, CF | OF},                   /* add; rcl ecx,1 */
        {{0x29, 0xd8, 0x48, 0xd1, 0xd9, 0xd0, 0xdc}, 7, CF | OF}, /* sub; rcr rcx,1; rcr ah,1 */
        {{0xff, 0xc0, 0x66, 0xd1, 0xd2}, 5, CF | OF},             /* inc; rcl dx,1 */
        {{0xd3, 0xe0, 0x0f, 0x92, 0xc3}, 5, 0},                   /* shl eax,cl; setc bl */
        /* counts that are multiples of 9/17 after a lazy producer (AMD: OF from CF in) */
        {{0x01, 0xd8, 0xc0, 0xd0, 0x09}, 5, CF | PF | AF | ZF | SF},       /* add; rcl al,9 */
        {{0x29, 0xd8, 0x66, 0xc1, 0xd9, 0x11}, 6, CF | PF | AF | ZF | SF}, /* sub; rcr cx,17 */
        {{0xff, 0xc8, 0xc0, 0xdc, 0x12}, 5, CF | PF | AF | ZF | SF},       /* dec; rcr ah,18 */
        /* the read-only page: a count of 0 still writes */
        {{0xc1, 0x24, 0x25, 0x10, 0x00, 0x00, 0x38, 0x00}, 8, ALLF},       /* shl [ro], 0 */
        {{0xd3, 0x24, 0x25, 0x10, 0x00, 0x00, 0x38}, 7, ALLF},             /* shl [ro], cl */
        {{0xd2, 0x14, 0x25, 0x10, 0x00, 0x00, 0x38}, 7, ALLF},             /* rcl byte [ro], cl */
        {{0x0f, 0xa4, 0x04, 0x25, 0x10, 0x00, 0x00, 0x38, 0x00}, 9, ALLF}, /* shld [ro], eax, 0 */
    };
    for (size_t k = 0; k < sizeof raw / sizeof raw[0]; k++) {
        for (int in = 0; in < (int)iters(64); in++) {
            RegState st;
            state_random(&R, &st);
            st.gpr[1] = (rng_u64(&R) & ~0xffull) | (rng_below(&R, 2) ? rng_below(&R, 40) : 0);
            data_random(&R, data);
            uint64_t def = raw[k].def;
            if (raw[k].b[0] == 0x48 && raw[k].b[1] == 0xd3) /* CL form: per count */
                def = shift_defined(ZYDIS_MNEMONIC_SHL, 8, (unsigned)st.gpr[1]);
            if (raw[k].b[0] == 0xd3) /* setc reads CF: only when defined */
                def = shift_defined(ZYDIS_MNEMONIC_SHL, 4, (unsigned)st.gpr[1]);
            if (g_pinned) def = ALLF;
            diff_run(raw[k].b, raw[k].len, &st, data, def);
        }
    }
}

int main(void) {
    test_begin("test_shift");
    g_undef_mode = getenv("RS_UNDEF") && atoi(getenv("RS_UNDEF"));
    g_pinned = undef_host_pinned();
    unsigned fam, model;
    g_amd = undef_host_cpu(&fam, &model) == 1;
    printf("test_shift: undefined flags %s\n",
           g_pinned ? "compared (rules measured on this kind of CPU)" : "not compared");
    R = rng_seeded(2);
    test_group2();
    test_double();
    test_raw();
    return test_end();
}
