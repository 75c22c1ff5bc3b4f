/* x87 FPU against the host, bit for bit: every arithmetic, data, compare,
 * constant, stack and transcendental instruction (register forms with each
 * ST(i), memory forms with m16/m32/m64 integers, m32/m64/m80 reals and m80
 * BCD, also straddling a page boundary), FCMOVcc and FCOMI* with RFLAGS,
 * and FNSAVE/FRSTOR in both image sizes.
 *
 * The harness carries no x87 state, so each snippet carries it in memory:
 *     fninit                 ; clear anything left from the previous run
 *     frstor [rbx+IN]        ; random state: registers, tags, TOP, control
 *                            ; word (rounding, precision, masks), C0-C3,
 *                            ; sticky flags, FIP/FOP/FDP
 *     <1..4 instructions under test>
 *     [fwait]                ; sometimes: #MF for a pending unmasked exception
 *     fnsave [rbx+OUT]       ; the whole x87 state out to the data page
 * with rbx = the data page. diff_run then compares the data pages (the
 * FNSAVE image: registers, FSW with C0-C3/TOP/flags/ES, tag word, FIP/FOP/
 * FDP, and any memory the instructions stored), the signal and RFLAGS.
 * Values: normals, denormals, pseudo-denormals, unnormals, pseudo-NaNs and
 * pseudo-infinities, +-0, +-inf, quiet and signalling NaNs with payloads,
 * huge and tiny exponents, integers and halves, and per-instruction
 * domains for the transcendentals; the stack is sometimes under/overfull;
 * some exceptions are sometimes unmasked. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sse_test.h"

#define ARITH 0x8d5ull
enum { IN_OFF = 0x000, OUT_OFF = 0x100, MEM_OFF = 0x200 };

/* ---- values ---- */

static void f80_set(uint8_t *p, unsigned sign, unsigned exp, uint64_t mant) {
    memcpy(p, &mant, 8);
    uint16_t se = (uint16_t)((sign ? 0x8000 : 0) | (exp & 0x7fff));
    memcpy(p + 8, &se, 2);
}
static void f80_from_ld(uint8_t *p, long double v) {
    uint8_t b[16] = {0};
    memcpy(b, &v, sizeof v < 16 ? sizeof v : 16);
    memcpy(p, b, 10);
}

/* Any 80-bit pattern worth trying. */
static void f80_any(Rng *r, uint8_t *p) {
    unsigned s = rng_below(r, 2);
    uint64_t m = rng_u64(r), J = 1ull << 63;
    switch (rng_below(r, 20)) {
    case 0: f80_set(p, s, 0, 0); break;      /* zero */
    case 1: f80_set(p, s, 0x7fff, J); break; /* infinity */
    case 2:
        f80_set(p, s, 0x7fff, J | (1ull << 62) | (m >> rng_below(r, 64) & ((1ull << 62) - 1)));
        break;                                                                /* QNaN */
    case 3: f80_set(p, s, 0x7fff, J | ((m & ((1ull << 62) - 1)) | 1)); break; /* SNaN */
    case 4: f80_set(p, s, 0, (m & ~J) >> rng_below(r, 63)); break;            /* denormal */
    case 5: f80_set(p, s, 0, J | m); break;                                   /* pseudo-denormal */
    case 6:
        f80_set(p, s, 1 + rng_below(r, 0x7ffe), (m & ~J) >> rng_below(r, 8));
        break;                                                       /* unnormal */
    case 7: f80_set(p, s, 0x7fff, m & ~J); break;                    /* pseudo-NaN/inf */
    case 8: f80_set(p, s, 0x7ffe, ~0ull); break;                     /* max */
    case 9: f80_set(p, s, 1, J | (m >> rng_below(r, 64))); break;    /* tiny normal */
    case 10: f80_set(p, s, 0x7ffe - rng_below(r, 64), J | m); break; /* huge */
    case 11: f80_set(p, s, 1 + rng_below(r, 64), J | m); break;      /* near denormal */
    case 12: {                                                       /* integer or half */
        long double v = (long double)((int64_t)rng_u64(r) >> rng_below(r, 64));
        if (rng_below(r, 2)) v += 0.5L;
        f80_from_ld(p, v);
        break;
    }
    case 13:
        f80_set(p, s, 16383 + 63 + rng_below(r, 3) - 1, J | (m >> rng_below(r, 64)));
        break; /* ~2^63 */
    case 14:
        f80_set(p, s, 16383 + 31 + rng_below(r, 3) - 1, J | (m >> rng_below(r, 64)));
        break; /* ~2^31 */
    case 15:
        f80_set(p, s, 16383 + 15 + rng_below(r, 3) - 1, J | (m >> rng_below(r, 64)));
        break;                                                           /* ~2^15 */
    case 16: f80_set(p, s, 0x3fff, J | (m >> 40 << 40)); break;          /* [1,2) short mantissa */
    default: f80_set(p, s, 16383 - 40 + rng_below(r, 80), J | m); break; /* moderate */
    }
}

/* Domains for the instructions that need them. */
enum { D_ANY, D_TRIG, D_F2XM1, D_L2XP1, D_SCALE, D_PREM, D_POS };
static void f80_dom(Rng *r, uint8_t *p, int dom) {
    if (dom == D_ANY || rng_below(r, 4) == 0) {
        f80_any(r, p);
        return;
    }
    unsigned s = rng_below(r, 2);
    uint64_t m = rng_u64(r) | (1ull << 63);
    long double pi = 3.14159265358979323846264338327950288L;
    switch (dom) {
    case D_TRIG:
        switch (rng_below(r, 4)) {
        case 0: f80_set(p, s, 16383 - 30 + rng_below(r, 95), m); break; /* up to 2^64 */
        case 1: f80_set(p, s, 16383 + 62 + rng_below(r, 3), m); break;  /* range limit */
        default: {
            long double v = (long double)((int)rng_below(r, 2000) - 1000) * pi / 4;
            f80_from_ld(p, v);
            uint64_t mm;
            memcpy(&mm, p, 8);
            mm += (uint64_t)((int)rng_below(r, 7) - 3);
            memcpy(p, &mm, 8);
            break;
        }
        }
        break;
    case D_F2XM1: f80_set(p, s, 16383 - rng_below(r, 70), m); break; /* |x| < 1 */
    case D_L2XP1: f80_set(p, s, 16383 - 2 - rng_below(r, 70), m); break;
    case D_SCALE:
        if (rng_below(r, 2))
            f80_from_ld(p, (long double)((int)rng_below(r, 70000) - 35000));
        else
            f80_set(p, s, 16383 + rng_below(r, 16), m);
        break;
    case D_PREM: f80_set(p, s, 16383 - 8 + rng_below(r, 200), m); break;
    case D_POS: f80_set(p, 0, 16383 - 200 + rng_below(r, 400), m); break;
    }
}

/* ---- instructions ---- */

/* Memory operand types. */
enum { M_NONE, M_F32, M_F64, M_F80, M_I16, M_I32, M_I64, M_BCD };
static const unsigned msize[] = {0, 4, 8, 10, 2, 4, 8, 10};

typedef struct XCase {
    uint8_t op, modrm;  /* register forms: modrm | i for sti; memory: reg field in modrm bits 5:3 */
    uint8_t sti;        /* register form takes ST(i) in modrm bits 2:0 */
    uint8_t mt;         /* M_* for memory forms */
    uint8_t store;      /* memory destination */
    uint8_t dom0, dom1; /* domains of ST(0), ST(1) */
    const char *name;
} XCase;

#define R(op, m, nm)                                                                               \
    { op, m, 1, M_NONE, 0, D_ANY, D_ANY, nm }
#define N(op, m, d0, d1, nm)                                                                       \
    { op, m, 0, M_NONE, 0, d0, d1, nm }
#define ML(op, reg, t, nm)                                                                         \
    { op, (reg) << 3, 0, t, 0, D_ANY, D_ANY, nm }
#define MS(op, reg, t, nm)                                                                         \
    { op, (reg) << 3, 0, t, 1, D_ANY, D_ANY, nm }
static const XCase xcases[] = {
    /* D8/DC/DE register arithmetic and compares */
    R(0xd8, 0xc0, "fadd st,sti"),
    R(0xd8, 0xc8, "fmul st,sti"),
    R(0xd8, 0xd0, "fcom"),
    R(0xd8, 0xd8, "fcomp"),
    R(0xd8, 0xe0, "fsub st,sti"),
    R(0xd8, 0xe8, "fsubr st,sti"),
    R(0xd8, 0xf0, "fdiv st,sti"),
    R(0xd8, 0xf8, "fdivr st,sti"),
    R(0xdc, 0xc0, "fadd sti,st"),
    R(0xdc, 0xc8, "fmul sti,st"),
    R(0xdc, 0xd0, "fcom2"),
    R(0xdc, 0xd8, "fcomp3"),
    R(0xdc, 0xe0, "fsubr sti,st"),
    R(0xdc, 0xe8, "fsub sti,st"),
    R(0xdc, 0xf0, "fdivr sti,st"),
    R(0xdc, 0xf8, "fdiv sti,st"),
    R(0xde, 0xc0, "faddp"),
    R(0xde, 0xc8, "fmulp"),
    R(0xde, 0xd0, "fcomp5"),
    N(0xde, 0xd9, D_ANY, D_ANY, "fcompp"),
    R(0xde, 0xe0, "fsubrp"),
    R(0xde, 0xe8, "fsubp"),
    R(0xde, 0xf0, "fdivrp"),
    R(0xde, 0xf8, "fdivp"),
    /* data movement and stack */
    R(0xd9, 0xc0, "fld sti"),
    R(0xd9, 0xc8, "fxch"),
    R(0xd9, 0xd8, "fstp1"),
    R(0xdd, 0xc0, "ffree"),
    R(0xdd, 0xc8, "fxch4"),
    R(0xdd, 0xd0, "fst sti"),
    R(0xdd, 0xd8, "fstp sti"),
    R(0xdf, 0xc0, "ffreep"),
    R(0xdf, 0xc8, "fxch7"),
    R(0xdf, 0xd0, "fstp8"),
    R(0xdf, 0xd8, "fstp9"),
    N(0xd9, 0xf6, D_ANY, D_ANY, "fdecstp"),
    N(0xd9, 0xf7, D_ANY, D_ANY, "fincstp"),
    N(0xd9, 0xd0, D_ANY, D_ANY, "fnop"),
    N(0xdb, 0xe0, D_ANY, D_ANY, "feni"),
    N(0xdb, 0xe1, D_ANY, D_ANY, "fdisi"),
    N(0xdb, 0xe4, D_ANY, D_ANY, "fsetpm"),
    /* FCMOVcc, compares into RFLAGS */
    R(0xda, 0xc0, "fcmovb"),
    R(0xda, 0xc8, "fcmove"),
    R(0xda, 0xd0, "fcmovbe"),
    R(0xda, 0xd8, "fcmovu"),
    R(0xdb, 0xc0, "fcmovnb"),
    R(0xdb, 0xc8, "fcmovne"),
    R(0xdb, 0xd0, "fcmovnbe"),
    R(0xdb, 0xd8, "fcmovnu"),
    R(0xdb, 0xe8, "fucomi"),
    R(0xdb, 0xf0, "fcomi"),
    R(0xdf, 0xe8, "fucomip"),
    R(0xdf, 0xf0, "fcomip"),
    R(0xdd, 0xe0, "fucom"),
    R(0xdd, 0xe8, "fucomp"),
    N(0xda, 0xe9, D_ANY, D_ANY, "fucompp"),
    /* D9 E0-FF */
    N(0xd9, 0xe0, D_ANY, D_ANY, "fchs"),
    N(0xd9, 0xe1, D_ANY, D_ANY, "fabs"),
    N(0xd9, 0xe4, D_ANY, D_ANY, "ftst"),
    N(0xd9, 0xe5, D_ANY, D_ANY, "fxam"),
    N(0xd9, 0xe8, D_ANY, D_ANY, "fld1"),
    N(0xd9, 0xe9, D_ANY, D_ANY, "fldl2t"),
    N(0xd9, 0xea, D_ANY, D_ANY, "fldl2e"),
    N(0xd9, 0xeb, D_ANY, D_ANY, "fldpi"),
    N(0xd9, 0xec, D_ANY, D_ANY, "fldlg2"),
    N(0xd9, 0xed, D_ANY, D_ANY, "fldln2"),
    N(0xd9, 0xee, D_ANY, D_ANY, "fldz"),
    N(0xd9, 0xf0, D_F2XM1, D_ANY, "f2xm1"),
    N(0xd9, 0xf1, D_POS, D_ANY, "fyl2x"),
    N(0xd9, 0xf2, D_TRIG, D_ANY, "fptan"),
    N(0xd9, 0xf3, D_ANY, D_ANY, "fpatan"),
    N(0xd9, 0xf4, D_ANY, D_ANY, "fxtract"),
    N(0xd9, 0xf5, D_PREM, D_ANY, "fprem1"),
    N(0xd9, 0xf8, D_PREM, D_ANY, "fprem"),
    N(0xd9, 0xf9, D_L2XP1, D_ANY, "fyl2xp1"),
    N(0xd9, 0xfa, D_POS, D_ANY, "fsqrt"),
    N(0xd9, 0xfb, D_TRIG, D_ANY, "fsincos"),
    N(0xd9, 0xfc, D_ANY, D_ANY, "frndint"),
    N(0xd9, 0xfd, D_ANY, D_SCALE, "fscale"),
    N(0xd9, 0xfe, D_TRIG, D_ANY, "fsin"),
    N(0xd9, 0xff, D_TRIG, D_ANY, "fcos"),
    /* memory sources */
    ML(0xd8, 0, M_F32, "fadd m32"),
    ML(0xd8, 1, M_F32, "fmul m32"),
    ML(0xd8, 2, M_F32, "fcom m32"),
    ML(0xd8, 3, M_F32, "fcomp m32"),
    ML(0xd8, 4, M_F32, "fsub m32"),
    ML(0xd8, 5, M_F32, "fsubr m32"),
    ML(0xd8, 6, M_F32, "fdiv m32"),
    ML(0xd8, 7, M_F32, "fdivr m32"),
    ML(0xdc, 0, M_F64, "fadd m64"),
    ML(0xdc, 1, M_F64, "fmul m64"),
    ML(0xdc, 2, M_F64, "fcom m64"),
    ML(0xdc, 3, M_F64, "fcomp m64"),
    ML(0xdc, 4, M_F64, "fsub m64"),
    ML(0xdc, 5, M_F64, "fsubr m64"),
    ML(0xdc, 6, M_F64, "fdiv m64"),
    ML(0xdc, 7, M_F64, "fdivr m64"),
    ML(0xda, 0, M_I32, "fiadd m32"),
    ML(0xda, 1, M_I32, "fimul m32"),
    ML(0xda, 2, M_I32, "ficom m32"),
    ML(0xda, 3, M_I32, "ficomp m32"),
    ML(0xda, 4, M_I32, "fisub m32"),
    ML(0xda, 5, M_I32, "fisubr m32"),
    ML(0xda, 6, M_I32, "fidiv m32"),
    ML(0xda, 7, M_I32, "fidivr m32"),
    ML(0xde, 0, M_I16, "fiadd m16"),
    ML(0xde, 1, M_I16, "fimul m16"),
    ML(0xde, 2, M_I16, "ficom m16"),
    ML(0xde, 3, M_I16, "ficomp m16"),
    ML(0xde, 4, M_I16, "fisub m16"),
    ML(0xde, 5, M_I16, "fisubr m16"),
    ML(0xde, 6, M_I16, "fidiv m16"),
    ML(0xde, 7, M_I16, "fidivr m16"),
    ML(0xd9, 0, M_F32, "fld m32"),
    ML(0xdd, 0, M_F64, "fld m64"),
    ML(0xdb, 5, M_F80, "fld m80"),
    ML(0xdf, 0, M_I16, "fild m16"),
    ML(0xdb, 0, M_I32, "fild m32"),
    ML(0xdf, 5, M_I64, "fild m64"),
    ML(0xdf, 4, M_BCD, "fbld"),
    /* memory destinations */
    MS(0xd9, 2, M_F32, "fst m32"),
    MS(0xd9, 3, M_F32, "fstp m32"),
    MS(0xdd, 2, M_F64, "fst m64"),
    MS(0xdd, 3, M_F64, "fstp m64"),
    MS(0xdb, 7, M_F80, "fstp m80"),
    MS(0xdf, 2, M_I16, "fist m16"),
    MS(0xdf, 3, M_I16, "fistp m16"),
    MS(0xdb, 2, M_I32, "fist m32"),
    MS(0xdb, 3, M_I32, "fistp m32"),
    MS(0xdf, 7, M_I64, "fistp m64"),
    MS(0xdf, 1, M_I16, "fisttp m16"),
    MS(0xdb, 1, M_I32, "fisttp m32"),
    MS(0xdd, 1, M_I64, "fisttp m64"),
    MS(0xdf, 6, M_BCD, "fbstp"),
};
#define NCASES (sizeof xcases / sizeof xcases[0])

/* A memory operand value of type t at p. */
static void mem_value(Rng *r, uint8_t *p, int t) {
    switch (t) {
    case M_F32: {
        uint32_t v = f32_edge(r);
        memcpy(p, &v, 4);
        break;
    }
    case M_F64: {
        uint64_t v = f64_edge(r);
        memcpy(p, &v, 8);
        break;
    }
    case M_F80: f80_any(r, p); break;
    case M_I16: {
        uint64_t v = rng_edge(r, 2);
        memcpy(p, &v, 2);
        break;
    }
    case M_I32: {
        uint64_t v = rng_edge(r, 4);
        memcpy(p, &v, 4);
        break;
    }
    case M_I64: {
        uint64_t v = rng_edge(r, 8);
        memcpy(p, &v, 8);
        break;
    }
    case M_BCD:
        for (int k = 0; k < 9; k++) {
            unsigned lo = rng_below(r, 10), hi = rng_below(r, 10);
            if (rng_below(r, 40) == 0) lo = 10 + rng_below(r, 6); /* invalid digit */
            p[k] = (uint8_t)(hi << 4 | lo);
        }
        p[9] = rng_below(r, 2) ? 0x80 : 0;
        if (rng_below(r, 20) == 0) p[9] |= (uint8_t)rng_below(r, 128);
        break;
    default: break;
    }
}

/* A random FRSTOR image at p (108 bytes): regs for ST(0)/ST(1) from the
 * given domains. With probability ~1/16 a pending unmasked exception. */
static void image_random(Rng *r, uint8_t *p, int dom0, int dom1) {
    unsigned cw = 0x40 | rng_below(r, 4) << 10 | rng_below(r, 4) << 8 | 0x3f;
    if (rng_below(r, 3) == 0) cw = (cw & ~0x300u) | 0x300; /* extended precision often */
    if (rng_below(r, 6) == 0) cw = (cw & ~0x3fu) | (unsigned)rng_below(r, 64);
    if (rng_below(r, 8) == 0) cw |= 1u << 12;                       /* infinity control bit */
    if (rng_below(r, 16) == 0) cw |= (unsigned)rng_u64(r) & 0xe080; /* reserved bits */
    unsigned top = rng_below(r, 8);
    unsigned sw = top << 11 | ((unsigned)rng_u64(r) & 0x4700); /* C0-C3 */
    unsigned flags = (unsigned)rng_u64(r) & 0x7f & (rng_below(r, 2) ? 0x7f : 0);
    if (rng_below(r, 16) != 0) flags &= cw | 0x40; /* keep SF; mostly no pending exception */
    sw |= flags;
    if (rng_below(r, 8) == 0) sw |= 0x8080; /* ES/B garbage: FRSTOR recomputes */
    /* Tags by physical register; ST(0)/ST(1) usually full, the rest often. */
    unsigned tw = 0;
    int full = rng_below(r, 10) == 0;   /* all full: pushes overflow */
    int sparse = rng_below(r, 10) == 0; /* underflows */
    for (unsigned k = 0; k < 8; k++) {
        unsigned phys = (top + k) & 7;
        int empty = full     ? 0
                    : sparse ? rng_below(r, 2)
                    : k < 2  ? rng_below(r, 16) == 0
                             : rng_below(r, 3) == 0;
        tw |= (empty ? 3u : rng_below(r, 3)) << (2 * phys);
    }
    uint32_t w[7] = {0xffff0000u | cw,     0xffff0000u | sw,     0xffff0000u | tw,
                     (uint32_t)rng_u64(r), (uint32_t)rng_u64(r), (uint32_t)rng_u64(r),
                     (uint32_t)rng_u64(r)};
    memcpy(p, w, 28);
    for (unsigned k = 0; k < 8; k++)
        f80_dom(r, p + 28 + 10 * k, k == 0 ? dom0 : k == 1 ? dom1 : D_ANY);
    if (rng_below(r, 8) == 0) memcpy(p + 38, p + 28, 10); /* ST(1) == ST(0) */
}

/* ---- code ---- */

typedef struct Code {
    uint8_t b[256];
    size_t n;
} Code;
static void put(Code *c, int nb, ...) {
    va_list ap;
    va_start(ap, nb);
    for (int k = 0; k < nb; k++)
        c->b[c->n++] = (uint8_t)va_arg(ap, int);
    va_end(ap);
}
static void put_mem(Code *c, unsigned op, unsigned reg, int32_t off) { /* op /reg [rbx+disp32] */
    put(c, 2, op, 0x80 | reg << 3 | 3);
    memcpy(c->b + c->n, &off, 4);
    c->n += 4;
}

/* Decode an image for messages. */
static void print_image(const char *tag, const uint8_t *p, int o16) {
    unsigned hdr = o16 ? 14 : 28;
    uint32_t w[7];
    if (o16) {
        uint16_t h[7];
        memcpy(h, p, 14);
        for (int k = 0; k < 7; k++)
            w[k] = h[k];
    } else {
        memcpy(w, p, 28);
    }
    fprintf(stderr, "  %-8s cw %04x sw %04x tw %04x fip %08x fcs/fop %08x fdp %08x fds %08x\n", tag,
            w[0] & 0xffff, w[1] & 0xffff, w[2] & 0xffff, w[3], w[4], w[5], w[6]);
    fprintf(stderr, "          ");
    for (int k = 0; k < 8; k++) {
        const uint8_t *q = p + hdr + 10 * k;
        fprintf(stderr, " %02x%02x_", q[9], q[8]);
        for (int b = 7; b >= 0; b--)
            fprintf(stderr, "%02x", q[b]);
        if (k == 3) fprintf(stderr, "\n          ");
    }
    fprintf(stderr, "\n");
}

static unsigned long n_run;

/* Run and compare; on a mismatch also print the x87 images. */
static void check(const Code *c, const RegState *st, const uint8_t *data, int o16in, int o16out,
                  const char *what) {
    n_run++;
    if (!diff_run(c->b, c->n, st, data, ARITH)) return;
    if (test_failures() > 12) return;
    static uint8_t dn[DATA_SIZE], dr[DATA_SIZE];
    RegState n = *st, r = *st;
    memcpy(dn, data, DATA_SIZE);
    memcpy(dr, data, DATA_SIZE);
    int ns = native_exec(c->b, c->n, &n, dn), rs = rs_exec(c->b, c->n, &r, dr);
    fprintf(stderr, "  case: %s (signals %d %d)\n", what, ns, rs);
    print_image("in", data + IN_OFF, o16in);
    print_image("native", dn + OUT_OFF, o16out);
    print_image("ringside", dr + OUT_OFF, o16out);
    for (unsigned k = MEM_OFF; k < DATA_SIZE; k++)
        if (dn[k] != dr[k]) {
            fprintf(stderr, "  memory differs at +%#x: native %02x ringside %02x (in %02x)\n", k,
                    dn[k], dr[k], data[k]);
            break;
        }
}

/* Memory operand placement: in the first page, or straddling the pages. */
static int32_t mem_place(Rng *r, unsigned size) {
    if (size > 1 && rng_below(r, 4) == 0) return (int32_t)(0x1000 - 1 - rng_below(r, size - 1));
    return (int32_t)(MEM_OFF + rng_below(r, 64));
}

/* Append one instance of case x; returns a description. */
static void emit_case(Rng *r, Code *c, const XCase *x, uint8_t *data) {
    if (x->mt == M_NONE) {
        unsigned i = x->sti ? rng_below(r, 8) : 0;
        put(c, 2, x->op, x->modrm | i);
        return;
    }
    int32_t off = mem_place(r, msize[x->mt]);
    mem_value(r, data + off, x->mt);
    put_mem(c, x->op, x->modrm >> 3 & 7, off);
}

static void base_state(Rng *r, RegState *st, uint8_t *data) {
    state_random(r, st);
    data_random(r, data);
    st->gpr[3] = DATA_ADDR;
}

/* One instruction between FRSTOR and FNSAVE. */
static void single_cases(Rng *r, unsigned per) {
    static uint8_t data[DATA_SIZE];
    for (size_t k = 0; k < NCASES; k++) {
        const XCase *x = &xcases[k];
        for (unsigned it = 0; it < per; it++) {
            RegState st;
            base_state(r, &st, data);
            image_random(r, data + IN_OFF, x->dom0, x->dom1);
            Code c = {.n = 0};
            put(&c, 2, 0xdb, 0xe3); /* fninit */
            put_mem(&c, 0xdd, 4, IN_OFF);
            emit_case(r, &c, x, data);
            if (rng_below(r, 8) == 0) put(&c, 1, 0x9b); /* fwait */
            put_mem(&c, 0xdd, 6, OUT_OFF);
            check(&c, &st, data, 0, 0, x->name);
        }
    }
}

/* Several random instructions in a row (TOP, tags and pointers carried
 * from one to the next inside ringside). */
static void sequence_cases(Rng *r, unsigned n) {
    static uint8_t data[DATA_SIZE];
    for (unsigned it = 0; it < n; it++) {
        RegState st;
        base_state(r, &st, data);
        image_random(r, data + IN_OFF, D_ANY, D_ANY);
        Code c = {.n = 0};
        put(&c, 2, 0xdb, 0xe3);
        put_mem(&c, 0xdd, 4, IN_OFF);
        char what[160] = "seq:";
        unsigned cnt = 2 + rng_below(r, 5);
        for (unsigned j = 0; j < cnt; j++) {
            const XCase *x = &xcases[rng_below(r, NCASES)];
            emit_case(r, &c, x, data);
            if (strlen(what) + strlen(x->name) + 3 < sizeof what) {
                strcat(what, " ");
                strcat(what, x->name);
                strcat(what, ";");
            }
        }
        put_mem(&c, 0xdd, 6, OUT_OFF);
        check(&c, &st, data, 0, 0, what);
    }
}

/* FRSTOR/FNSAVE in both sizes (66 prefix: 94-byte image), and an FLD m80 /
 * FSTP m80 round trip of every special pattern. */
static void save_restore_cases(Rng *r, unsigned n) {
    static uint8_t data[DATA_SIZE];
    for (unsigned it = 0; it < n; it++) {
        RegState st;
        base_state(r, &st, data);
        int o16in = rng_below(r, 2), o16out = rng_below(r, 2);
        uint8_t img[108];
        image_random(r, img, D_ANY, D_ANY);
        if (o16in) { /* squeeze into the 16-bit layout */
            uint16_t h[7];
            uint32_t w[7];
            memcpy(w, img, 28);
            for (int k = 0; k < 7; k++)
                h[k] = (uint16_t)w[k];
            memcpy(data + IN_OFF, h, 14);
            memcpy(data + IN_OFF + 14, img + 28, 80);
        } else {
            memcpy(data + IN_OFF, img, 108);
        }
        Code c = {.n = 0};
        put(&c, 2, 0xdb, 0xe3);
        if (o16in) put(&c, 1, 0x66);
        put_mem(&c, 0xdd, 4, IN_OFF);
        unsigned extra = rng_below(r, 3);
        for (unsigned j = 0; j < extra; j++)
            emit_case(r, &c, &xcases[rng_below(r, NCASES)], data);
        if (o16out) put(&c, 1, 0x66);
        put_mem(&c, 0xdd, 6, OUT_OFF);
        /* and the state after FNSAVE (initialised): a second image */
        put_mem(&c, 0xdd, 6, OUT_OFF + 0x80);
        check(&c, &st, data, o16in, o16out, o16in ? "frstor16" : "frstor32");
    }
}

/* Memory operands at an unmapped address: #PF (SIGSEGV) at the same
 * instruction on both sides, except when an unmasked exception suppresses
 * a store (no access at all). Every snippet must leave the host FPU
 * without a pending exception: it ends in FNSAVE or faults. */
static void fault_cases(Rng *r, unsigned n) {
    static uint8_t data[DATA_SIZE];
    for (unsigned it = 0; it < n; it++) {
        RegState st;
        base_state(r, &st, data);
        image_random(r, data + IN_OFF, D_ANY, D_ANY);
        Code c = {.n = 0};
        put(&c, 2, 0xdb, 0xe3);
        put_mem(&c, 0xdd, 4, IN_OFF);
        put_mem(&c, 0xdd, 6, OUT_OFF); /* snapshot before */
        put_mem(&c, 0xdd, 4, OUT_OFF);
        /* fstp m64 / fld m80 through rsi = unmapped address 0x1000 */
        static const uint8_t ops[][2] = {{0xdd, 0x1e}, {0xdb, 0x2e}, {0xdf, 0x3e}, {0xd8, 0x06}};
        const uint8_t *o = ops[rng_below(r, 4)];
        st.gpr[6] = 0x1000 + rng_below(r, 16);
        put(&c, 2, o[0], o[1]);
        /* Reached when an unmasked exception suppressed the access (the
         * host then leaves memory alone): the state goes out too, and the
         * host FPU stays clean for ringside's own stubs. */
        put_mem(&c, 0xdd, 6, OUT_OFF + 0x80);
        check(&c, &st, data, 0, 0, "fault");
    }
}

/* cpu/x87_host.c: which host engine newly decoded x87 instructions use
 * (1 FXRSTOR/FXSAVE, 0 FRSTOR/FNSAVE, -1 automatic); returns the choice. */
int x87_engine_select(int want);

static void run_all(Rng *r, unsigned scale) {
    single_cases(r, iters(60 * scale));
    sequence_cases(r, iters(3000 * scale));
    save_restore_cases(r, iters(1000 * scale));
    fault_cases(r, iters(100 * scale));
}

int main(void) {
    test_begin("test_x87");
    Rng r = rng_seeded(0x87);
    /* The engine ringside picks for this host, then the other one. */
    int fx = x87_engine_select(-1);
    if (!fx) {
        /* AMD: the kernel's XSAVE on a context switch keeps FIP/FDP/FOP only
         * while an exception is pending, so a native snippet preempted
         * between an x87 instruction and its FNSAVE shows them cleared. */
        printf("test_x87: host FXSAVE/XSAVE drop the x87 pointers without a pending exception: "
               "a mismatching case is re-run up to 3 times\n");
        diff_set_retries(3);
    }
    printf("test_x87: engine %s (automatic)\n", fx ? "FXRSTOR/FXSAVE" : "FRSTOR/FNSAVE");
    run_all(&r, 2);
    if (fx) {
        x87_engine_select(0);
        printf("test_x87: engine FRSTOR/FNSAVE\n");
        run_all(&r, 1);
    } else {
        /* The automatic choice rejected FX: this host's FXSAVE does not
         * report the last-instruction pointers as FNSAVE does (AMD stores
         * FIP/FDP/FOP there only while an exception is pending), so ringside
         * cannot see when the host updates them through that engine and
         * never uses it here. */
        printf("test_x87: engine FXRSTOR/FXSAVE: SKIPPED (this host's FXSAVE does not "
               "report x87 instruction/data pointers as FNSAVE does; ringside uses FN)\n");
    }
    printf("test_x87: %lu snippets\n", n_run);
    return test_end();
}
