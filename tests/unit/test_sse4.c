/* SSE3, SSSE3 and SSE4.1 (and PCMPGTQ) against the host, bit for bit:
 *   - every "xmm, xmm/mem [, imm8]" instruction, register and memory forms
 *     (m128 also misaligned: #GP; the narrower memory operands of MOVDDUP,
 *     PMOVSX/ZX, INSERTPS, ROUNDSS/SD unaligned), with edge-value lanes,
 *     random MXCSR (rounding, DAZ, FTZ, sticky flags) and random or all
 *     immediates (ROUND* also with the reserved bits 7:4 set);
 *   - the XMM0-controlled blends, PTEST flags (with inputs that make ZF and
 *     CF set), LDDQU and MOVNTDQA (memory only);
 *   - PINSRB/D/Q, PEXTRB/D/Q, EXTRACTPS with register (also REX.W) and
 *     memory operands, stores also into the read-only page (#PF);
 *   - the floating-point ones with an unmasked pre-computation exception
 *     (IE DE ZE): #XM, destination untouched, flags recorded;
 *   - the MMX forms of the SSSE3 instructions, framed by FRSTOR/FNSAVE as in
 *     test_mmx.c, so the x87 -> MMX transition and #MF are compared too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sse_test.h"

enum { IMM_NONE = -1, IMM_RAND = -2, IMM_SMALL = -3 };

typedef struct Case {
    ZydisMnemonic m;
    int lt;         /* lane type of the inputs */
    unsigned msize; /* memory operand size */
    int aligned;    /* m128 must be 16-byte aligned */
    int imm;        /* IMM_* or a fixed value */
    int memonly;    /* no register form */
} Case;

/* clang-format off */
static const Case cases[] = {
    /* SSE3 */
    {ZYDIS_MNEMONIC_ADDSUBPS, LT_F32, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_ADDSUBPD, LT_F64, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_HADDPS, LT_F32, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_HADDPD, LT_F64, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_HSUBPS, LT_F32, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_HSUBPD, LT_F64, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_MOVSHDUP, LT_F32, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_MOVSLDUP, LT_F32, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_MOVDDUP, LT_F64, 8, 0, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_LDDQU, LT_BITS, 16, 0, IMM_NONE, 1},
    /* SSSE3 */
    {ZYDIS_MNEMONIC_PABSB, LT_I8, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PABSW, LT_I16, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PABSD, LT_I32, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PSIGNB, LT_I8, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PSIGNW, LT_I16, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PSIGND, LT_I32, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMADDUBSW, LT_I8, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMULHRSW, LT_I16, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PHADDW, LT_I16, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PHADDD, LT_I32, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PHADDSW, LT_I16, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PHSUBW, LT_I16, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PHSUBD, LT_I32, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PHSUBSW, LT_I16, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PSHUFB, LT_I8, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PALIGNR, LT_I8, 16, 1, IMM_SMALL, 0},
    {ZYDIS_MNEMONIC_PALIGNR, LT_I8, 16, 1, IMM_RAND, 0},
    /* SSE4.1 */
    {ZYDIS_MNEMONIC_PMULDQ, LT_I32, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMULLD, LT_I32, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMAXSB, LT_I8, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMAXSD, LT_I32, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMAXUD, LT_I32, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMAXUW, LT_I16, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMINSB, LT_I8, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMINSD, LT_I32, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMINUD, LT_I32, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMINUW, LT_I16, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PCMPEQQ, LT_I64, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PCMPGTQ, LT_I64, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PACKUSDW, LT_I32, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PHMINPOSUW, LT_I16, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMOVSXBW, LT_I8, 8, 0, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMOVSXBD, LT_I8, 4, 0, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMOVSXBQ, LT_I8, 2, 0, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMOVSXWD, LT_I16, 8, 0, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMOVSXWQ, LT_I16, 4, 0, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMOVSXDQ, LT_I32, 8, 0, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMOVZXBW, LT_I8, 8, 0, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMOVZXBD, LT_I8, 4, 0, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMOVZXBQ, LT_I8, 2, 0, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMOVZXWD, LT_I16, 8, 0, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMOVZXWQ, LT_I16, 4, 0, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PMOVZXDQ, LT_I32, 8, 0, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_BLENDPS, LT_F32, 16, 1, IMM_RAND, 0},
    {ZYDIS_MNEMONIC_BLENDPD, LT_F64, 16, 1, IMM_RAND, 0},
    {ZYDIS_MNEMONIC_PBLENDW, LT_I16, 16, 1, IMM_RAND, 0},
    {ZYDIS_MNEMONIC_BLENDVPS, LT_F32, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_BLENDVPD, LT_F64, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_PBLENDVB, LT_I8, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_MPSADBW, LT_I8, 16, 1, IMM_RAND, 0},
    {ZYDIS_MNEMONIC_PTEST, LT_I8, 16, 1, IMM_NONE, 0},
    {ZYDIS_MNEMONIC_MOVNTDQA, LT_BITS, 16, 1, IMM_NONE, 1},
    {ZYDIS_MNEMONIC_DPPS, LT_F32, 16, 1, IMM_RAND, 0},
    {ZYDIS_MNEMONIC_DPPD, LT_F64, 16, 1, IMM_RAND, 0},
    {ZYDIS_MNEMONIC_ROUNDPS, LT_F32, 16, 1, IMM_RAND, 0},
    {ZYDIS_MNEMONIC_ROUNDPD, LT_F64, 16, 1, IMM_RAND, 0},
    {ZYDIS_MNEMONIC_ROUNDSS, LT_F32, 4, 0, IMM_RAND, 0},
    {ZYDIS_MNEMONIC_ROUNDSD, LT_F64, 8, 0, IMM_RAND, 0},
    {ZYDIS_MNEMONIC_INSERTPS, LT_F32, 4, 0, IMM_RAND, 0},
};
/* clang-format on */
#define NCASES (sizeof cases / sizeof cases[0])

static uint8_t data[DATA_SIZE];

static void must_encode(size_t len, ZydisMnemonic m) {
    if (!len) { /* a bug in the test itself */
        fprintf(stderr, "cannot encode %s\n", ZydisMnemonicGetString(m));
        exit(1);
    }
}

/* PTEST inputs that set ZF and/or CF: src zero, src = dst, src = ~dst, or
 * src a subset of dst. */
static void ptest_inputs(Rng *r, RegState *st, unsigned d, uint8_t *src) {
    for (int k = 0; k < 16; k++) {
        uint8_t a = st->xmm[d][k];
        switch (rng_below(r, 5)) {
        case 0: src[k] = 0; break;
        case 1: src[k] = a; break;
        case 2: src[k] = (uint8_t)~a; break;
        case 3: src[k] = a & (uint8_t)rng_u64(r); break;
        default: return; /* keep the random source */
        }
    }
}

static void run_case(Rng *r, const Case *t, unsigned n, uint32_t mx_fixed) {
    for (unsigned it = 0; it < n; it++) {
        RegState st;
        sse_state(r, &st, data, t->lt);
        if (mx_fixed) st.mxcsr = mx_fixed & 0xffff;
        unsigned d = rng_below(r, 16), s = rng_below(r, 4) == 0 ? d : rng_below(r, 16);
        int imm = t->imm;
        if (imm == IMM_RAND) imm = (int)rng_below(r, 256);
        if (imm == IMM_SMALL) imm = (int)rng_below(r, 34);
        uint8_t code[32];
        size_t len;
        int mem = t->memonly || (it & 1);
        ZydisEncoderOperand io = E_imm(imm);
        if (!mem) {
            if (t->m == ZYDIS_MNEMONIC_PTEST && rng_below(r, 2)) ptest_inputs(r, &st, d, st.xmm[s]);
            if (imm >= 0)
                len = ENC(code, t->m, E_reg(xmm(d)), E_reg(xmm(s)), io);
            else
                len = ENC(code, t->m, E_reg(xmm(d)), E_reg(xmm(s)));
        } else {
            unsigned b = base_gpr(r);
            uint64_t off = rng_below(r, DATA_SIZE / 16 - 1) * 16;
            if (!t->aligned || rng_below(r, 8) == 0) off += rng_below(r, 16);
            if (t->m == ZYDIS_MNEMONIC_PTEST && rng_below(r, 2))
                ptest_inputs(r, &st, d, data + off);
            st.gpr[b] = DATA_ADDR + off;
            ZydisEncoderOperand mo = E_mem(t->msize, gpr_reg(8, b), ZYDIS_REGISTER_NONE, 0, 0);
            if (imm >= 0)
                len = ENC(code, t->m, E_reg(xmm(d)), mo, io);
            else
                len = ENC(code, t->m, E_reg(xmm(d)), mo);
        }
        must_encode(len, t->m);
        if (mx_fixed)
            sse_diff_fault(code, len, &st, data);
        else
            sse_diff(code, len, &st, data, ARITH_FLAGS);
    }
}

/* Every immediate once for the immediate-controlled blends and DPPS/DPPD. */
static void all_imms(Rng *r) {
    static const ZydisMnemonic ms[] = {ZYDIS_MNEMONIC_BLENDPS, ZYDIS_MNEMONIC_BLENDPD,
                                       ZYDIS_MNEMONIC_PBLENDW, ZYDIS_MNEMONIC_MPSADBW,
                                       ZYDIS_MNEMONIC_DPPS,    ZYDIS_MNEMONIC_DPPD,
                                       ZYDIS_MNEMONIC_INSERTPS};
    for (size_t k = 0; k < sizeof ms / sizeof ms[0]; k++)
        for (int imm = 0; imm < 256; imm++) {
            RegState st;
            int lt =
                ms[k] == ZYDIS_MNEMONIC_DPPD || ms[k] == ZYDIS_MNEMONIC_BLENDPD ? LT_F64 : LT_F32;
            sse_state(r, &st, data, lt);
            uint8_t code[16];
            size_t len = ENC(code, ms[k], E_reg(xmm(rng_below(r, 16))),
                             E_reg(xmm(rng_below(r, 16))), E_imm(imm));
            must_encode(len, ms[k]);
            sse_diff(code, len, &st, data, ARITH_FLAGS);
        }
}

/* Unmasked exceptions: one of IE DE ZE, or any set of the six, with the
 * sticky flags clear or not: #XM (SIGFPE) with the destination untouched
 * and the flags the host records (for DPPS/DPPD: up to the stage where it
 * stopped), or the result when nothing unmasked is raised. */
static void unmasked(Rng *r, unsigned n) {
    for (size_t k = 0; k < NCASES; k++) {
        const Case *t = &cases[k];
        if (t->lt != LT_F32 && t->lt != LT_F64) continue;
        for (unsigned it = 0; it < n; it++) {
            uint32_t mx = 0x1f80 | rng_below(r, 4) << 13;
            if (it & 1)
                mx &= ~(0x80u << rng_below(r, 3));
            else
                mx &= ~((uint32_t)rng_below(r, 64) << 7);
            if (rng_below(r, 4) == 0) mx |= 0x40;   /* DAZ */
            if (rng_below(r, 4) == 0) mx |= 0x8000; /* FTZ */
            if (rng_below(r, 4) == 0) mx |= (uint32_t)rng_below(r, 64);
            run_case(r, t, 1, mx | 0x10000); /* bit 16: never 0 (cleared below) */
        }
    }
}

/* ---- inserts and extracts with general registers ---- */

static unsigned gpr_pick(Rng *r) {
    unsigned g;
    do
        g = rng_below(r, 16);
    while (g == 4);
    return g;
}
/* A store destination: the data pages (sometimes straddling the page
 * boundary), or the read-only page (#PF). */
static uint64_t store_addr(Rng *r, unsigned size) {
    switch (rng_below(r, 8)) {
    case 0: return RO_ADDR + rng_below(r, 4096 - size);
    case 1: return DATA_ADDR + 0x1000 - rng_below(r, size);
    default: return DATA_ADDR + rng_below(r, DATA_SIZE - size);
    }
}

static void insext(Rng *r, unsigned n) {
    static const struct {
        ZydisMnemonic m;
        unsigned size; /* element / memory size */
        int ins;
    } t[] = {
        {ZYDIS_MNEMONIC_PINSRB, 1, 1},    {ZYDIS_MNEMONIC_PINSRD, 4, 1},
        {ZYDIS_MNEMONIC_PINSRQ, 8, 1},    {ZYDIS_MNEMONIC_PEXTRB, 1, 0},
        {ZYDIS_MNEMONIC_PEXTRD, 4, 0},    {ZYDIS_MNEMONIC_PEXTRQ, 8, 0},
        {ZYDIS_MNEMONIC_EXTRACTPS, 4, 0}, {ZYDIS_MNEMONIC_PEXTRW, 2, 0},
    };
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++)
        for (unsigned it = 0; it < n; it++) {
            RegState st;
            sse_state(r, &st, data, LT_BITS);
            unsigned x = rng_below(r, 16), g = gpr_pick(r);
            int imm = rng_below(r, 2) ? (int)rng_below(r, 256) : (int)rng_below(r, 16);
            unsigned rsz = t[k].size == 8 ? 8 : 4;
            uint8_t code[32];
            size_t len = 0;
            switch (rng_below(r, 3)) {
            case 0: /* register */
                if (t[k].ins)
                    len = ENC(code, t[k].m, E_reg(xmm(x)), E_reg(gpr_reg(rsz, g)), E_imm(imm));
                else
                    len = ENC(code, t[k].m, E_reg(gpr_reg(rsz, g)), E_reg(xmm(x)), E_imm(imm));
                break;
            case 1: { /* register, with REX.W forced on a 32-bit form (r64) */
                if (rsz == 8) continue;
                size_t l = t[k].ins ? ENC(code + 1, t[k].m, E_reg(xmm(x & 7)),
                                          E_reg(gpr_reg(4, g & 7)), E_imm(imm))
                                    : ENC(code + 1, t[k].m, E_reg(gpr_reg(4, g & 7)),
                                          E_reg(xmm(x & 7)), E_imm(imm));
                must_encode(l, t[k].m);
                /* 66 [0F ...]: REX.W goes between the 66 and the opcode */
                code[0] = code[1];
                code[1] = 0x48;
                len = l + 1;
                break;
            }
            default: { /* memory */
                uint64_t a = t[k].ins ? DATA_ADDR + rng_below(r, DATA_SIZE - t[k].size)
                                      : store_addr(r, t[k].size);
                unsigned b = base_gpr(r);
                st.gpr[b] = a;
                ZydisEncoderOperand mo = E_mem(t[k].size, gpr_reg(8, b), ZYDIS_REGISTER_NONE, 0, 0);
                if (t[k].ins)
                    len = ENC(code, t[k].m, E_reg(xmm(x)), mo, E_imm(imm));
                else
                    len = ENC(code, t[k].m, mo, E_reg(xmm(x)), E_imm(imm));
                break;
            }
            }
            must_encode(len, t[k].m);
            sse_diff(code, len, &st, data, ARITH_FLAGS);
        }
}

/* ---- MMX forms of SSSE3 ---- */

enum { IN_OFF = 0x000, OUT_OFF = 0x080, MEM_OFF = 0x100 };

static ZydisRegister mm(unsigned n) { return (ZydisRegister)(ZYDIS_REGISTER_MM0 + (n & 7)); }

/* op /reg [disp32] (absolute: ModRM 04, SIB 25) */
static size_t put_abs(uint8_t *p, uint8_t op, unsigned reg, uint32_t addr) {
    p[0] = op;
    p[1] = (uint8_t)(0x04 | reg << 3);
    p[2] = 0x25;
    memcpy(p + 3, &addr, 4);
    return 7;
}

/* An FRSTOR image: random significands, exponents, TOP and tags; 1 in 12
 * with a pending unmasked exception (the MMX instruction must #MF). */
static void image_random(Rng *r, uint8_t *p) {
    unsigned cw = 0x40 | rng_below(r, 4) << 10 | rng_below(r, 4) << 8 | 0x3f;
    unsigned sw = rng_below(r, 8) << 11 | ((unsigned)rng_u64(r) & 0x4700);
    if (rng_below(r, 12) == 0) {
        unsigned f = 1u << rng_below(r, 6);
        sw |= f;
        cw &= ~f;
    }
    unsigned tw = 0;
    for (unsigned k = 0; k < 8; k++)
        tw |= (rng_below(r, 2) ? 3u : rng_below(r, 3)) << (2 * k);
    uint32_t w[7] = {0xffff0000u | cw,     0xffff0000u | sw,     0xffff0000u | tw,
                     (uint32_t)rng_u64(r), (uint32_t)rng_u64(r), (uint32_t)rng_u64(r),
                     (uint32_t)rng_u64(r)};
    memcpy(p, w, 28);
    for (unsigned k = 0; k < 8; k++) {
        uint8_t lanes[16];
        fill_lanes(r, lanes, (int)rng_below(r, 4) + LT_I8);
        uint16_t e = rng_below(r, 2) ? 0xffff : (uint16_t)rng_u64(r);
        memcpy(p + 28 + 10 * k, lanes, 8);
        memcpy(p + 28 + 10 * k + 8, &e, 2);
    }
}

static void mmx_forms(Rng *r, unsigned n) {
    static const ZydisMnemonic ms[] = {
        ZYDIS_MNEMONIC_PABSB,     ZYDIS_MNEMONIC_PABSW,    ZYDIS_MNEMONIC_PABSD,
        ZYDIS_MNEMONIC_PSIGNB,    ZYDIS_MNEMONIC_PSIGNW,   ZYDIS_MNEMONIC_PSIGND,
        ZYDIS_MNEMONIC_PMADDUBSW, ZYDIS_MNEMONIC_PMULHRSW, ZYDIS_MNEMONIC_PHADDW,
        ZYDIS_MNEMONIC_PHADDD,    ZYDIS_MNEMONIC_PHADDSW,  ZYDIS_MNEMONIC_PHSUBW,
        ZYDIS_MNEMONIC_PHSUBD,    ZYDIS_MNEMONIC_PHSUBSW,  ZYDIS_MNEMONIC_PSHUFB,
        ZYDIS_MNEMONIC_PALIGNR,
    };
    for (size_t k = 0; k < sizeof ms / sizeof ms[0]; k++)
        for (unsigned it = 0; it < n; it++) {
            RegState st;
            sse_state(r, &st, data, (int)rng_below(r, 4) + LT_I8);
            image_random(r, data + IN_OFF);
            uint8_t code[64];
            size_t len = 0;
            code[len++] = 0xdb, code[len++] = 0xe3;                              /* fninit */
            len += put_abs(code + len, 0xdd, 4, (uint32_t)(DATA_ADDR + IN_OFF)); /* frstor */
            unsigned d = rng_below(r, 8), s = rng_below(r, 8);
            int pal = ms[k] == ZYDIS_MNEMONIC_PALIGNR;
            int imm = rng_below(r, 4) ? (int)rng_below(r, 18) : (int)rng_below(r, 256);
            size_t l;
            if (it & 1) { /* memory: anywhere, also straddling the page boundary */
                uint64_t off = rng_below(r, 4) == 0
                                   ? 0x1000 - rng_below(r, 8)
                                   : MEM_OFF + rng_below(r, DATA_SIZE - MEM_OFF - 8);
                ZydisEncoderOperand mo = E_mem(8, ZYDIS_REGISTER_NONE, ZYDIS_REGISTER_NONE, 0,
                                               (int64_t)(DATA_ADDR + off));
                l = pal ? ENC(code + len, ms[k], E_reg(mm(d)), mo, E_imm(imm))
                        : ENC(code + len, ms[k], E_reg(mm(d)), mo);
            } else {
                l = pal ? ENC(code + len, ms[k], E_reg(mm(d)), E_reg(mm(s)), E_imm(imm))
                        : ENC(code + len, ms[k], E_reg(mm(d)), E_reg(mm(s)));
            }
            must_encode(l, ms[k]);
            len += l;
            len += put_abs(code + len, 0xdd, 6, (uint32_t)(DATA_ADDR + OUT_OFF)); /* fnsave */
            if (sse_diff(code, len, &st, data, ARITH_FLAGS) && test_failures() <= 12) {
                const uint8_t *p = data + IN_OFF;
                fprintf(stderr, "  x87 image in: cw %02x%02x sw %02x%02x tw %02x%02x ip/cs/dp/ds",
                        p[1], p[0], p[5], p[4], p[9], p[8]);
                for (int b = 12; b < 28; b++)
                    fprintf(stderr, "%s%02x", b % 4 ? "" : " ", p[b]);
                fprintf(stderr, "\n");
            }
        }
}

int main(void) {
    test_begin("test_sse4");
    Rng r = rng_seeded(0x5e41);
    unsigned n = iters(300);
    for (size_t k = 0; k < NCASES; k++)
        run_case(&r, &cases[k], n, 0);
    all_imms(&r);
    unmasked(&r, n / 2);
    insext(&r, n);
    mmx_forms(&r, n);
    return sse_end();
}
