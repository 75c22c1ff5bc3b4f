/* SSE2 packed integer instructions against the host: PADD/PSUB (B W D Q),
 * saturating adds/subtracts, PMULLW PMULHW PMULHUW PMULUDQ PMADDWD PSADBW
 * PAVGB/W PMIN/PMAX (UB SW), PAND PANDN POR PXOR, PCMPEQ/PCMPGT (B W D),
 * shifts PSLL/PSRL/PSRA by xmm/m128 (counts 0..70 and huge) and by imm8
 * (0..255), and PSLLDQ/PSRLDQ. Lanes hold saturation boundaries (0, 1, -1,
 * 0x7f.., 0x80.., 0xff..) half of the time; m128 forms also misaligned. */
#include <signal.h>

#include "sse_test.h"

static const SseCase cases[] = {
    {ZYDIS_MNEMONIC_PADDB, LT_I8, 16, 1, -1},    {ZYDIS_MNEMONIC_PADDW, LT_I16, 16, 1, -1},
    {ZYDIS_MNEMONIC_PADDD, LT_I32, 16, 1, -1},   {ZYDIS_MNEMONIC_PADDQ, LT_I64, 16, 1, -1},
    {ZYDIS_MNEMONIC_PSUBB, LT_I8, 16, 1, -1},    {ZYDIS_MNEMONIC_PSUBW, LT_I16, 16, 1, -1},
    {ZYDIS_MNEMONIC_PSUBD, LT_I32, 16, 1, -1},   {ZYDIS_MNEMONIC_PSUBQ, LT_I64, 16, 1, -1},
    {ZYDIS_MNEMONIC_PADDSB, LT_I8, 16, 1, -1},   {ZYDIS_MNEMONIC_PADDSW, LT_I16, 16, 1, -1},
    {ZYDIS_MNEMONIC_PADDUSB, LT_I8, 16, 1, -1},  {ZYDIS_MNEMONIC_PADDUSW, LT_I16, 16, 1, -1},
    {ZYDIS_MNEMONIC_PSUBSB, LT_I8, 16, 1, -1},   {ZYDIS_MNEMONIC_PSUBSW, LT_I16, 16, 1, -1},
    {ZYDIS_MNEMONIC_PSUBUSB, LT_I8, 16, 1, -1},  {ZYDIS_MNEMONIC_PSUBUSW, LT_I16, 16, 1, -1},
    {ZYDIS_MNEMONIC_PMULLW, LT_I16, 16, 1, -1},  {ZYDIS_MNEMONIC_PMULHW, LT_I16, 16, 1, -1},
    {ZYDIS_MNEMONIC_PMULHUW, LT_I16, 16, 1, -1}, {ZYDIS_MNEMONIC_PMULUDQ, LT_I32, 16, 1, -1},
    {ZYDIS_MNEMONIC_PMADDWD, LT_I16, 16, 1, -1}, {ZYDIS_MNEMONIC_PSADBW, LT_I8, 16, 1, -1},
    {ZYDIS_MNEMONIC_PAVGB, LT_I8, 16, 1, -1},    {ZYDIS_MNEMONIC_PAVGW, LT_I16, 16, 1, -1},
    {ZYDIS_MNEMONIC_PMINUB, LT_I8, 16, 1, -1},   {ZYDIS_MNEMONIC_PMAXUB, LT_I8, 16, 1, -1},
    {ZYDIS_MNEMONIC_PMINSW, LT_I16, 16, 1, -1},  {ZYDIS_MNEMONIC_PMAXSW, LT_I16, 16, 1, -1},
    {ZYDIS_MNEMONIC_PAND, LT_BITS, 16, 1, -1},   {ZYDIS_MNEMONIC_PANDN, LT_BITS, 16, 1, -1},
    {ZYDIS_MNEMONIC_POR, LT_BITS, 16, 1, -1},    {ZYDIS_MNEMONIC_PXOR, LT_BITS, 16, 1, -1},
    {ZYDIS_MNEMONIC_PCMPEQB, LT_I8, 16, 1, -1},  {ZYDIS_MNEMONIC_PCMPEQW, LT_I16, 16, 1, -1},
    {ZYDIS_MNEMONIC_PCMPEQD, LT_I32, 16, 1, -1}, {ZYDIS_MNEMONIC_PCMPGTB, LT_I8, 16, 1, -1},
    {ZYDIS_MNEMONIC_PCMPGTW, LT_I16, 16, 1, -1}, {ZYDIS_MNEMONIC_PCMPGTD, LT_I32, 16, 1, -1},
};

static const ZydisMnemonic shifts[] = {
    ZYDIS_MNEMONIC_PSLLW, ZYDIS_MNEMONIC_PSLLD, ZYDIS_MNEMONIC_PSLLQ, ZYDIS_MNEMONIC_PSRLW,
    ZYDIS_MNEMONIC_PSRLD, ZYDIS_MNEMONIC_PSRLQ, ZYDIS_MNEMONIC_PSRAW, ZYDIS_MNEMONIC_PSRAD,
};

/* A shift count: mostly around the lane widths, sometimes huge. */
static uint64_t shift_count(Rng *r) {
    switch (rng_below(r, 6)) {
    case 0: return rng_u64(r);
    case 1: return (uint64_t)rng_below(r, 256) | (rng_below(r, 2) ? 1ull << 32 : 0);
    default: return rng_below(r, 71);
    }
}

static void shift_cases(Rng *r, unsigned n) {
    static uint8_t data[DATA_SIZE];
    for (size_t k = 0; k < sizeof shifts / sizeof shifts[0]; k++)
        for (unsigned it = 0; it < n; it++) {
            RegState st;
            sse_state(r, &st, data, LT_BITS);
            unsigned d = rng_below(r, 16), s = rng_below(r, 16);
            uint64_t cnt = shift_count(r);
            uint8_t code[16];
            size_t len;
            switch (it % 3) {
            case 0: /* by xmm */
                memcpy(st.xmm[s], &cnt, 8);
                len = ENC(code, shifts[k], E_reg(xmm(d)), E_reg(xmm(s)));
                break;
            case 1: { /* by m128 (count in the low quadword; alignment checked) */
                unsigned g = base_gpr(r);
                uint64_t off = rng_below(r, DATA_SIZE / 16) * 16;
                if (rng_below(r, 8) == 0) off += rng_below(r, 16);
                if (off > DATA_SIZE - 16) off = DATA_SIZE - 16;
                memcpy(data + off, &cnt, 8);
                st.gpr[g] = DATA_ADDR + off;
                len = ENC(code, shifts[k], E_reg(xmm(d)),
                          E_mem(16, gpr_reg(8, g), ZYDIS_REGISTER_NONE, 0, 0));
                break;
            }
            default: /* by imm8 */
                len = ENC(code, shifts[k], E_reg(xmm(d)), E_imm((int64_t)(cnt & 0xff)));
                break;
            }
            if (!len) {
                fprintf(stderr, "cannot encode a shift\n");
                exit(1);
            }
            sse_diff(code, len, &st, data, ARITH_FLAGS);
        }
    /* Byte shifts of the whole register. */
    static const ZydisMnemonic bs[] = {ZYDIS_MNEMONIC_PSLLDQ, ZYDIS_MNEMONIC_PSRLDQ};
    for (int k = 0; k < 2; k++)
        for (unsigned it = 0; it < n / 2; it++) {
            RegState st;
            sse_state(r, &st, data, LT_BITS);
            int cnt = it < 40 ? (int)it : (int)rng_below(r, 256);
            uint8_t code[16];
            size_t len = ENC(code, bs[k], E_reg(xmm(rng_below(r, 16))), E_imm(cnt));
            sse_diff(code, len, &st, data, ARITH_FLAGS);
        }
}


int main(void) {
    test_begin("test_sse_int");
    Rng r = rng_seeded(0x1a7);
    unsigned n = iters(300);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        sse_run_case(&r, &cases[k], n);
    shift_cases(&r, n);
    return sse_end();
}
