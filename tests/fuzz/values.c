/* Operand values: edge cases per element type, mixed with random ones.
 * Integers and 32/64-bit floats come from the unit tests' generators
 * (tests/unit: rng_edge, f32_edge, f64_edge); this file adds 80-bit x87
 * values, packed BCD, shift counts and MXCSR settings. */
#include <string.h>

#include "fuzz.h"
#include "sse_test.h" /* tests/unit: f32_edge, f64_edge */

uint64_t val_count(Rng *r) {
    switch (rng_below(r, 4)) {
    case 0: return rng_below(r, 66);
    case 1: return rng_below(r, 3); /* 0, 1, 2: where the flag rules change */
    case 2: {
        static const uint8_t edge[] = {7,  8,  9,  15, 16,   17,   31,  32,
                                       33, 63, 64, 65, 0x7f, 0x80, 0xff};
        return edge[rng_below(r, sizeof edge)];
    }
    default: return rng_u64(r) & 0xff;
    }
}

static void x87_pack(uint8_t out[10], int sign, unsigned exp, uint64_t mant) {
    memcpy(out, &mant, 8);
    uint16_t se = (uint16_t)((sign ? 0x8000 : 0) | (exp & 0x7fff));
    memcpy(out + 8, &se, 2);
}

void val_x87(Rng *r, uint8_t out[10]) {
    int s = (int)rng_below(r, 2);
    uint64_t m = rng_u64(r);
    const uint64_t J = 1ull << 63;
    switch (rng_below(r, 16)) {
    case 0: x87_pack(out, s, 0, 0); break;                                  /* zero */
    case 1: x87_pack(out, s, 0, (m >> rng_below(r, 63)) & ~J); break;       /* denormal */
    case 2: x87_pack(out, s, 0, m | J); break;                              /* pseudo-denormal */
    case 3: x87_pack(out, s, 0x7fff, J); break;                             /* infinity */
    case 4: x87_pack(out, s, 0x7fff, m | J | (1ull << 62)); break;          /* QNaN */
    case 5: x87_pack(out, s, 0x7fff, ((m & ~(3ull << 62)) | 1) | J); break; /* SNaN */
    case 6: x87_pack(out, 1, 0x7fff, 0xc000000000000000ull); break;         /* indefinite */
    case 7: /* unnormal, pseudo-infinity/NaN: invalid encodings */
        x87_pack(out, s, rng_below(r, 2) ? 0x7fff : 1 + rng_below(r, 0x7ffe), m & ~J);
        break;
    case 8: x87_pack(out, s, rng_below(r, 2) ? 1 : 0x7ffe, m | J); break; /* extremes */
    case 9: { /* integer-valued, sometimes with a half */
        long double v = (long double)((int64_t)rng_u64(r) >> rng_below(r, 64));
        if (rng_below(r, 2)) v += 0.5L;
        memset(out, 0, 10);
        memcpy(out, &v, 10);
        break;
    }
    case 10: { /* small: the transcendentals' domains (|x| < 1, angles) */
        long double v = (long double)(int64_t)rng_u64(r) / 9223372036854775808.0L;
        v *= rng_below(r, 2) ? 1.0L : 8.0L;
        memcpy(out, &v, 10);
        break;
    }
    case 11: /* near 2^63 and beyond: FSIN/FPTAN range limits, FIST overflow */
        x87_pack(out, s, 0x3fff + 60 + rng_below(r, 8), m | J);
        break;
    case 12: { /* exact simple values */
        static const long double k[] = {
            1.0L, 2.0L, 0.5L, 3.0L, 10.0L, 0.1L, 1e10L, 1e-10L, 3.14159265358979323846L, 1.5L};
        long double v = k[rng_below(r, sizeof k / sizeof k[0])];
        if (s) v = -v;
        memcpy(out, &v, 10);
        break;
    }
    default: /* normal, moderate exponent */
        x87_pack(out, s, 0x3fff - 70 + rng_below(r, 140), m | J);
        break;
    }
}

/* 18 BCD digits and a sign byte; sometimes invalid digits. */
static void val_bcd(Rng *r, uint8_t out[10]) {
    for (int k = 0; k < 9; k++) {
        unsigned lo = rng_below(r, 10), hi = rng_below(r, 10);
        if (rng_below(r, 40) == 0) lo = 10 + rng_below(r, 6);
        out[k] = (uint8_t)(hi << 4 | lo);
    }
    if (rng_below(r, 3) == 0) memset(out + rng_below(r, 9), 0, 1);
    out[9] = rng_below(r, 2) ? 0x80 : 0;
    if (rng_below(r, 20) == 0) out[9] |= (uint8_t)rng_u64(r) & 0x7f;
}

void val_elem(Rng *r, ZydisElementType t, unsigned bits, uint8_t *out) {
    unsigned bytes = bits / 8;
    uint64_t v;
    switch (t) {
    case ZYDIS_ELEMENT_TYPE_FLOAT32:
        if (bytes == 4) {
            uint32_t f = f32_edge(r);
            memcpy(out, &f, 4);
            return;
        }
        break;
    case ZYDIS_ELEMENT_TYPE_FLOAT64:
        if (bytes == 8) {
            v = f64_edge(r);
            memcpy(out, &v, 8);
            return;
        }
        break;
    case ZYDIS_ELEMENT_TYPE_FLOAT80:
        if (bytes == 10) {
            val_x87(r, out);
            return;
        }
        break;
    case ZYDIS_ELEMENT_TYPE_LONGBCD:
        if (bytes == 10) {
            val_bcd(r, out);
            return;
        }
        break;
    case ZYDIS_ELEMENT_TYPE_INT:
    case ZYDIS_ELEMENT_TYPE_UINT:
        if (bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8) {
            v = rng_edge(r, bytes);
            memcpy(out, &v, bytes);
            return;
        }
        break;
    default: break;
    }
    for (unsigned k = 0; k < bytes; k++)
        out[k] = (uint8_t)rng_u64(r);
}

void val_fill(Rng *r, const ZydisDecodedOperand *o, uint8_t *out, unsigned bytes) {
    unsigned esz = o->element_size;
    if (esz < 8 || esz % 8 || esz / 8 > bytes || o->element_type == ZYDIS_ELEMENT_TYPE_STRUCT) {
        for (unsigned k = 0; k < bytes; k++)
            out[k] = (uint8_t)rng_u64(r);
        return;
    }
    unsigned k = 0;
    for (; k + esz / 8 <= bytes; k += esz / 8)
        val_elem(r, o->element_type, esz, out + k);
    for (; k < bytes; k++)
        out[k] = (uint8_t)rng_u64(r);
}

uint32_t val_mxcsr(Rng *r) {
    uint32_t m = mxcsr_rand(r);
    if (rng_below(r, 25) == 0) m &= ~((uint32_t)rng_below(r, 64) << 7); /* unmask some */
    return m;
}
