/* SIMD/x87 control state against the host: LDMXCSR (#GP on reserved bits)
 * and STMXCSR (sticky flags raised by arithmetic in between), FXSAVE and
 * FXRSTOR in both forms (image contents incl. abridged tags and ST
 * registers of every class, #GP when misaligned or when the image's MXCSR
 * has reserved bits), and the x87 control instructions FNINIT FNCLEX
 * FNSTCW FLDCW FNSTSW (m16 and AX) FNSTENV FLDENV (32- and 16-bit images)
 * and FWAIT, including #MF from a pending unmasked exception.
 *
 * Every snippet starts from a known x87 state (FXRSTOR of a random image)
 * and ends with FNINIT so the host process keeps a clean FPU. The x87
 * pointer fields (FIP FDP FOP FCS FDS) are zero in the images except in
 * fx_ptr_cases. */
#include "sse_test.h"

enum { IMG = 0, OUT = 1024, ENV = 3072 }; /* offsets in the data pages */

/* An 80-bit x87 register of a random class. */
static void st_value(Rng *r, uint8_t *p) {
    uint64_t mant = rng_u64(r);
    unsigned exp = (unsigned)rng_u64(r) & 0x7fff, sign = rng_below(r, 2) << 15;
    switch (rng_below(r, 7)) {
    case 0: mant = 0, exp = 0; break; /* zero */
    case 1:
        exp = 0;
        mant &= ~(1ull << 63);
        break; /* denormal */
    case 2:
        mant &= ~(1ull << 63);
        if (!exp) exp = 1;
        break; /* unnormal */
    case 3:
        exp = 0x7fff;
        mant = 1ull << 63;
        break; /* infinity */
    case 4:
        exp = 0x7fff;
        mant |= 1ull << 63;
        break; /* NaN */
    default:
        mant |= 1ull << 63;
        if (!exp) exp = 0x3fff;
        break; /* normal */
    }
    exp |= sign;
    memcpy(p, &mant, 8);
    memcpy(p + 8, &exp, 2);
}

/* A random FXSAVE image at p (pointer fields zero). mxcsr_bad: put a
 * reserved bit in MXCSR. */
static void fx_image(Rng *r, uint8_t *p, int mxcsr_bad) {
    for (int k = 0; k < 512; k += 8) {
        uint64_t v = rng_u64(r);
        memcpy(p + k, &v, 8);
    }
    uint16_t fcw = (uint16_t)rng_u64(r), fsw = (uint16_t)rng_u64(r);
    if (rng_below(r, 2)) fcw |= 0x3f;            /* often all masked */
    if (rng_below(r, 2)) fsw &= (uint16_t)~0x3f; /* often no flags */
    memcpy(p + 0, &fcw, 2);
    memcpy(p + 2, &fsw, 2);
    p[4] = (uint8_t)rng_u64(r);
    memset(p + 5, 0, 19); /* reserved byte, FOP, FIP, FDP */
    uint32_t mx = (uint32_t)rng_u64(r) & 0xffff;
    if (mxcsr_bad) mx |= 1u << (16 + rng_below(r, 16));
    memcpy(p + 24, &mx, 4);
    for (int k = 0; k < 8; k++)
        st_value(r, p + 32 + 16 * k);
}

static uint8_t data[DATA_SIZE];

/* Assemble: bytes of several instructions. */
typedef struct Code {
    uint8_t b[256];
    size_t n;
} Code;
static void put(Code *c, size_t len, const uint8_t *src) {
    memcpy(c->b + c->n, src, len);
    c->n += len;
}
static void add(Code *c, size_t len) {
    if (!len) {
        fprintf(stderr, "cannot encode\n");
        exit(1);
    }
    c->n += len;
}
#define M(size, base, disp) E_mem(size, base, ZYDIS_REGISTER_NONE, 0, disp)
static const uint8_t fninit_b[] = {0xdb, 0xe3};

static void state_base(Rng *r, RegState *st, int lt) {
    sse_state(r, st, data, lt);
    st->gpr[6] = DATA_ADDR; /* rsi: inputs */
    st->gpr[7] = DATA_ADDR; /* rdi: outputs */
}

/* LDMXCSR m32 / STMXCSR m32, with arithmetic in between to raise flags. */
static void mxcsr_cases(Rng *r, unsigned n) {
    for (unsigned it = 0; it < n; it++) {
        RegState st;
        state_base(r, &st, it & 1 ? LT_F32 : LT_F64);
        uint32_t v = (uint32_t)rng_u64(r) & 0xffff;
        if (rng_below(r, 2)) v |= 0x1f80;
        if (rng_below(r, 8) == 0) v |= 1u << (16 + rng_below(r, 16)); /* #GP */
        memcpy(data + 64, &v, 4);
        Code c = {.n = 0};
        add(&c, ENC(c.b + c.n, ZYDIS_MNEMONIC_LDMXCSR, M(4, ZYDIS_REGISTER_RSI, 64)));
        static const ZydisMnemonic ops[] = {ZYDIS_MNEMONIC_ADDPS, ZYDIS_MNEMONIC_DIVSD,
                                            ZYDIS_MNEMONIC_MULPD, ZYDIS_MNEMONIC_SQRTSS,
                                            ZYDIS_MNEMONIC_CVTPD2PS};
        if ((v & 0x1f80) == 0x1f80)
            add(&c, ENC(c.b + c.n, ops[rng_below(r, 5)], E_reg(xmm(rng_below(r, 16))),
                        E_reg(xmm(rng_below(r, 16)))));
        add(&c, ENC(c.b + c.n, ZYDIS_MNEMONIC_STMXCSR, M(4, ZYDIS_REGISTER_RDI, 68)));
        sse_diff(c.b, c.n, &st, data, ARITH_FLAGS);
    }
}

/* FXRSTOR an image, FXSAVE it back elsewhere (both forms, REX.W or not). */
static void fx_cases(Rng *r, unsigned n) {
    for (unsigned it = 0; it < n; it++) {
        RegState st;
        state_base(r, &st, LT_BITS);
        int bad = rng_below(r, 16) == 0;
        fx_image(r, data + IMG, bad);
        uint64_t out = OUT;
        if (rng_below(r, 10) == 0) out += 1 + rng_below(r, 15); /* misaligned: #GP */
        st.gpr[7] = DATA_ADDR + out;
        int w1 = rng_below(r, 2), w2 = rng_below(r, 2);
        Code c = {.n = 0};
        add(&c, ENC(c.b + c.n, w1 ? ZYDIS_MNEMONIC_FXRSTOR64 : ZYDIS_MNEMONIC_FXRSTOR,
                    M(512, ZYDIS_REGISTER_RSI, IMG)));
        add(&c, ENC(c.b + c.n, w2 ? ZYDIS_MNEMONIC_FXSAVE64 : ZYDIS_MNEMONIC_FXSAVE,
                    M(512, ZYDIS_REGISTER_RDI, 0)));
        put(&c, 2, fninit_b);
        sse_diff(c.b, c.n, &st, data, ARITH_FLAGS);
    }
}

/* The x87 pointers (FOP FIP FDP, FCS FDS in the 32-bit image) through
 * FXRSTOR, FXSAVE and FNSTENV: FXRSTOR loads them; FNSTENV stores them;
 * FXSAVE stores them on Intel, on AMD only while FSW.ES is set (zeros
 * otherwise); FCS/FDS read 0 on hosts that deprecate them. */
static void fx_ptr_cases(Rng *r, unsigned n) {
    for (unsigned it = 0; it < n; it++) {
        RegState st;
        state_base(r, &st, LT_BITS);
        fx_image(r, data + IMG, 0);
        int w1 = rng_below(r, 2), w2 = rng_below(r, 2);
        uint8_t *p = data + IMG;
        uint16_t fop = (uint16_t)(rng_u64(r) & 0x7ff);
        memcpy(p + 6, &fop, 2);
        if (w1) {
            uint64_t ip = rng_u64(r) >> 17, dp = rng_u64(r) >> 17; /* canonical */
            memcpy(p + 8, &ip, 8);
            memcpy(p + 16, &dp, 8);
        } else {
            uint32_t ip = (uint32_t)rng_u64(r), dp = (uint32_t)rng_u64(r);
            uint16_t cs = (uint16_t)rng_u64(r), ds = (uint16_t)rng_u64(r);
            memcpy(p + 8, &ip, 4);
            memcpy(p + 12, &cs, 2);
            memcpy(p + 16, &dp, 4);
            memcpy(p + 20, &ds, 2);
        }
        Code c = {.n = 0};
        add(&c, ENC(c.b + c.n, w1 ? ZYDIS_MNEMONIC_FXRSTOR64 : ZYDIS_MNEMONIC_FXRSTOR,
                    M(512, ZYDIS_REGISTER_RSI, IMG)));
        add(&c, ENC(c.b + c.n, w2 ? ZYDIS_MNEMONIC_FXSAVE64 : ZYDIS_MNEMONIC_FXSAVE,
                    M(512, ZYDIS_REGISTER_RDI, OUT)));
        add(&c, ENC(c.b + c.n, ZYDIS_MNEMONIC_FNSTENV, M(28, ZYDIS_REGISTER_RDI, OUT + 600)));
        put(&c, 2, fninit_b);
        sse_diff(c.b, c.n, &st, data, ARITH_FLAGS);
    }
}

/* x87 control instructions after FXRSTOR of a random image; the results
 * are stored with FNSTSW/FNSTCW/FXSAVE. */
static void x87_cases(Rng *r, unsigned n) {
    for (unsigned it = 0; it < n; it++) {
        RegState st;
        state_base(r, &st, LT_BITS);
        fx_image(r, data + IMG, 0);
        /* a random environment image for FLDENV (pointer fields zero) */
        uint8_t *env = data + ENV;
        for (int k = 0; k < 28; k++)
            env[k] = (uint8_t)rng_u64(r);
        if (it % 9 == 7)
            memset(env + 6, 0, 8); /* 16-bit image: FIP FOP FDP */
        else
            memset(env + 12, 0, 12);
        if (rng_below(r, 2)) env[0] |= 0x3f;
        uint16_t cw = (uint16_t)rng_u64(r);
        memcpy(data + ENV + 64, &cw, 2);
        Code c = {.n = 0};
        add(&c, ENC(c.b + c.n, ZYDIS_MNEMONIC_FXRSTOR64, M(512, ZYDIS_REGISTER_RSI, IMG)));
        switch (it % 9) {
        case 0: put(&c, 2, fninit_b); break;
        case 1: put(&c, 2, (const uint8_t[]){0xdb, 0xe2}); break; /* fnclex */
        case 2: put(&c, 1, (const uint8_t[]){0x9b}); break;       /* fwait (#MF if ES) */
        case 3:
            add(&c, ENC(c.b + c.n, ZYDIS_MNEMONIC_FLDCW, M(2, ZYDIS_REGISTER_RSI, ENV + 64)));
            break;
        case 4:
            add(&c, ENC(c.b + c.n, ZYDIS_MNEMONIC_FNSTENV, M(28, ZYDIS_REGISTER_RDI, OUT + 600)));
            break;
        case 5: /* 16-bit FNSTENV */
            put(&c, 1, (const uint8_t[]){0x66});
            add(&c, ENC(c.b + c.n, ZYDIS_MNEMONIC_FNSTENV, M(28, ZYDIS_REGISTER_RDI, OUT + 600)));
            break;
        case 6:
            add(&c, ENC(c.b + c.n, ZYDIS_MNEMONIC_FLDENV, M(28, ZYDIS_REGISTER_RSI, ENV)));
            add(&c, ENC(c.b + c.n, ZYDIS_MNEMONIC_FNSTENV, M(28, ZYDIS_REGISTER_RDI, OUT + 600)));
            break;
        case 7: /* 16-bit FLDENV */
            put(&c, 1, (const uint8_t[]){0x66});
            add(&c, ENC(c.b + c.n, ZYDIS_MNEMONIC_FLDENV, M(28, ZYDIS_REGISTER_RSI, ENV)));
            break;
        default: put(&c, 2, (const uint8_t[]){0xdf, 0xe0}); break; /* fnstsw ax */
        }
        add(&c, ENC(c.b + c.n, ZYDIS_MNEMONIC_FNSTSW, M(2, ZYDIS_REGISTER_RDI, OUT + 640)));
        add(&c, ENC(c.b + c.n, ZYDIS_MNEMONIC_FNSTCW, M(2, ZYDIS_REGISTER_RDI, OUT + 642)));
        add(&c, ENC(c.b + c.n, ZYDIS_MNEMONIC_FXSAVE64, M(512, ZYDIS_REGISTER_RDI, OUT)));
        put(&c, 2, fninit_b);
        sse_diff(c.b, c.n, &st, data, ARITH_FLAGS);
    }
}

int main(void) {
    test_begin("test_sse_state");
    Rng r = rng_seeded(0x57a7e);
    unsigned n = iters(1000);
    mxcsr_cases(&r, n);
    fx_cases(&r, n);
    x87_cases(&r, 2 * n);
    fx_ptr_cases(&r, n);
    return sse_end();
}
