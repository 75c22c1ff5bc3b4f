/* SSE/SSE2 conversions against the host under every rounding mode (and DAZ
 * / FTZ): CVTSI2SS/SD from r32, r64, m32, m64; CVTSS2SI CVTSD2SI CVTTSS2SI
 * CVTTSD2SI to r32 and r64 from xmm and memory (out-of-range values give
 * the integer indefinite and #I); CVTSS2SD CVTSD2SS CVTPS2PD CVTPD2PS
 * CVTDQ2PS CVTPS2DQ CVTTPS2DQ CVTDQ2PD CVTPD2DQ CVTTPD2DQ. */
#include "sse_test.h"

static const SseCase cases[] = {
    {ZYDIS_MNEMONIC_CVTSS2SD, LT_F32, 4, 0, -1},   {ZYDIS_MNEMONIC_CVTSD2SS, LT_F64, 8, 0, -1},
    {ZYDIS_MNEMONIC_CVTPS2PD, LT_F32, 8, 0, -1},   {ZYDIS_MNEMONIC_CVTPD2PS, LT_F64, 16, 1, -1},
    {ZYDIS_MNEMONIC_CVTDQ2PS, LT_I32, 16, 1, -1},  {ZYDIS_MNEMONIC_CVTPS2DQ, LT_F32, 16, 1, -1},
    {ZYDIS_MNEMONIC_CVTTPS2DQ, LT_F32, 16, 1, -1}, {ZYDIS_MNEMONIC_CVTDQ2PD, LT_I32, 8, 0, -1},
    {ZYDIS_MNEMONIC_CVTPD2DQ, LT_F64, 16, 1, -1},  {ZYDIS_MNEMONIC_CVTTPD2DQ, LT_F64, 16, 1, -1},
};

/* CVTSI2SS/SD: integer source of 4 or 8 bytes in a GPR or memory. */
static void int_to_float(Rng *r, unsigned n) {
    static const ZydisMnemonic ms[] = {ZYDIS_MNEMONIC_CVTSI2SS, ZYDIS_MNEMONIC_CVTSI2SD};
    static uint8_t data[DATA_SIZE];
    for (int k = 0; k < 2; k++)
        for (unsigned it = 0; it < n; it++) {
            RegState st;
            sse_state(r, &st, data, k ? LT_F64 : LT_F32);
            unsigned sz = (it & 2) ? 8 : 4, d = rng_below(r, 16);
            uint64_t v = rng_reg(r, sz);
            if (rng_below(r, 4) == 0)
                v = (uint64_t)(int64_t)(int32_t)rng_u64(r) << rng_below(r, 33);
            uint8_t code[16];
            size_t len;
            if (it & 1) {
                unsigned g = base_gpr(r);
                uint64_t off = rng_below(r, DATA_SIZE - 8);
                memcpy(data + off, &v, sz);
                st.gpr[g] = DATA_ADDR + off;
                len = ENC(code, ms[k], E_reg(xmm(d)),
                          E_mem(sz, gpr_reg(8, g), ZYDIS_REGISTER_NONE, 0, 0));
            } else {
                unsigned g = rng_below(r, 16);
                if (g == 4) g = 0;
                st.gpr[g] = v;
                len = ENC(code, ms[k], E_reg(xmm(d)), E_reg(gpr_reg(sz, g)));
            }
            if (!len) {
                fprintf(stderr, "cannot encode cvtsi2s*\n");
                exit(1);
            }
            sse_diff(code, len, &st, data, ARITH_FLAGS);
        }
}

/* CVT(T)SS2SI / CVT(T)SD2SI to r32 and r64. */
static void float_to_int(Rng *r, unsigned n) {
    static const struct {
        ZydisMnemonic m;
        int lt;
        unsigned msize;
    } t[] = {{ZYDIS_MNEMONIC_CVTSS2SI, LT_F32, 4},
             {ZYDIS_MNEMONIC_CVTTSS2SI, LT_F32, 4},
             {ZYDIS_MNEMONIC_CVTSD2SI, LT_F64, 8},
             {ZYDIS_MNEMONIC_CVTTSD2SI, LT_F64, 8}};
    static uint8_t data[DATA_SIZE];
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++)
        for (unsigned it = 0; it < n; it++) {
            RegState st;
            sse_state(r, &st, data, t[k].lt);
            unsigned sz = (it & 2) ? 8 : 4, s = rng_below(r, 16), g = rng_below(r, 16);
            if (g == 4) g = 1;
            uint8_t code[16];
            size_t len;
            if (it & 1) {
                unsigned b = base_gpr(r);
                st.gpr[b] = DATA_ADDR + rng_below(r, DATA_SIZE - 8);
                len = ENC(code, t[k].m, E_reg(gpr_reg(sz, g)),
                          E_mem(t[k].msize, gpr_reg(8, b), ZYDIS_REGISTER_NONE, 0, 0));
            } else {
                len = ENC(code, t[k].m, E_reg(gpr_reg(sz, g)), E_reg(xmm(s)));
            }
            if (!len) {
                fprintf(stderr, "cannot encode %s\n", ZydisMnemonicGetString(t[k].m));
                exit(1);
            }
            sse_diff(code, len, &st, data, ARITH_FLAGS);
        }
}

int main(void) {
    test_begin("test_sse_cvt");
    Rng r = rng_seeded(0xc47);
    unsigned n = iters(1500);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        sse_run_case(&r, &cases[k], n);
    int_to_float(&r, n);
    float_to_int(&r, n);
    return sse_end();
}
