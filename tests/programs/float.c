/* float: scalar SSE/SSE2 floating point, printed as bit patterns.
 *
 * double and float + - * / sqrt, conversions in every direction (including
 * out-of-range float->int, which gives the "integer indefinite" value),
 * ordered and unordered comparisons with NaN, signed zeros, subnormals,
 * rounding functions under all four MXCSR rounding modes, and the MXCSR
 * exception flags as fenv reports them. Only correctly rounded operations are
 * used (IEEE 754 basic ops and sqrt), so the results do not depend on which
 * libm variant a CPUID check selected. */
#include <fenv.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t dbits(double d) {
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}
static uint32_t fbits(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static uint64_t h = 0xcbf29ce484222325ull;
static void mix(uint64_t v) { h = (h ^ v) * 0x100000001b3ull; }
static void group(const char *name) {
    printf("%-10s %016" PRIx64 "\n", name, h);
    h = 0xcbf29ce484222325ull;
}

static volatile double dv[] = {0.0, -0.0, 1.0, -1.0, 0.5, 3.0, 0.1, 1e308, -1e308, 1e-308,
                               4.9e-324, 2.2250738585072014e-308, 1.5, 2.5, -2.5, 1e16 + 1,
                               123456.789, -7.25, 9007199254740993.0, 4503599627370496.5};
#define ND (int)(sizeof dv / sizeof dv[0])
static volatile float fv[] = {0.0f, -0.0f, 1.0f, -1.0f, 0.1f, 3.4e38f, 1e-45f, 1.17549435e-38f,
                              2.5f, -3.5f, 16777217.0f, 0.333333f};
#define NF (int)(sizeof fv / sizeof fv[0])

int main(void) {
    volatile double zero = 0.0;
    double inf = 1.0 / zero, nan_ = zero / zero;

    printf("basics: 0.1+0.2=%016" PRIx64 " 1/3=%016" PRIx64 " sqrt2=%016" PRIx64
           " 0/0=%016" PRIx64 " -inf=%016" PRIx64 "\n",
           dbits(dv[6] + 0.2), dbits(dv[2] / dv[5]), dbits(sqrt(dv[2] * 2)), dbits(nan_),
           dbits(-inf));
    for (int i = 0; i < ND; i++)
        for (int j = 0; j < ND; j++) {
            double a = dv[i], b = dv[j];
            mix(dbits(a + b)), mix(dbits(a - b)), mix(dbits(a * b)), mix(dbits(a / b));
        }
    for (int i = 0; i < ND; i++) mix(dbits(sqrt(dv[i]))), mix(dbits(fabs(dv[i]))), mix(dbits(-dv[i]));
    group("double");

    for (int i = 0; i < NF; i++)
        for (int j = 0; j < NF; j++) {
            float a = fv[i], b = fv[j];
            mix(fbits(a + b)), mix(fbits(a - b)), mix(fbits(a * b)), mix(fbits(a / b));
        }
    for (int i = 0; i < NF; i++) mix(fbits(sqrtf(fv[i])));
    printf("float: 1/3=%08" PRIx32 " sqrt(2)=%08" PRIx32 " 0.1f+0.2f=%08" PRIx32 "\n",
           fbits(fv[2] / 3.0f), fbits(sqrtf(fv[2] * 2)), fbits(fv[4] + 0.2f));
    group("float");

    /* Conversions. */
    static volatile double big[] = {1e19, -1e19, 9.3e18, -9.3e18, 2147483648.0, -2147483649.0,
                                    4294967296.0, 0.99999, -0.99999, 1e300};
    for (int i = 0; i < ND; i++) {
        double d = dv[i];
        mix(fbits((float)d)), mix(dbits((double)(float)d));
        if (d == d && fabs(d) < 9e18) mix((uint64_t)(int64_t)d), mix((uint64_t)(int32_t)(fabs(d) < 2e9 ? d : 0));
    }
    for (int i = 0; i < NF; i++) mix(dbits((double)fv[i]));
    for (int i = 0; i < 10; i++) {
        int64_t r64;
        int32_t r32;
        double d = big[i];
        /* CVTTSD2SI on out-of-range input yields the integer indefinite value;
         * C calls that undefined, so do it with the instruction itself. */
        __asm__("cvttsd2si %1, %0" : "=r"(r64) : "x"(d));
        __asm__("cvttsd2si %1, %0" : "=r"(r32) : "x"(d));
        printf("cvttsd2si(%g) = %" PRIx64 " / %" PRIx32 "\n", d, (uint64_t)r64, (uint32_t)r32);
    }
    int64_t nanconv;
    __asm__("cvttsd2si %1, %0" : "=r"(nanconv) : "x"(nan_));
    printf("cvttsd2si(nan) = %" PRIx64 "\n", (uint64_t)nanconv);
    static volatile int64_t ints[] = {0, 1, -1, 9007199254740993LL, INT64_MAX, INT64_MIN,
                                      16777217, -16777217};
    for (int i = 0; i < 8; i++)
        printf("i2f %" PRId64 ": double %016" PRIx64 " float %08" PRIx32 " u64->double %016" PRIx64
               "\n",
               ints[i], dbits((double)ints[i]), fbits((float)ints[i]),
               dbits((double)(uint64_t)ints[i]));
    group("convert");

    /* Comparisons, including every predicate against NaN. */
    double cmpv[] = {nan_, -nan_, inf, -inf, 0.0, -0.0, 1.0};
    for (int i = 0; i < 7; i++)
        for (int j = 0; j < 7; j++) {
            volatile double a = cmpv[i], b = cmpv[j];
            int r = (a < b) | (a <= b) << 1 | (a > b) << 2 | (a >= b) << 3 | (a == b) << 4 |
                    (a != b) << 5 | isunordered(a, b) << 6 | isless(a, b) << 7 |
                    isgreaterequal(a, b) << 8 | islessgreater(a, b) << 9;
            printf("%x%c", r, j == 6 ? '\n' : ' ');
        }
    printf("fmin(nan,1)=%g fmax(1,nan)=%g signbit(-0)=%d isnan=%d isinf=%d fpclassify(sub)=%d\n",
           fmin(nan_, 1.0), fmax(1.0, nan_), signbit(-0.0 * dv[2]) != 0, isnan(nan_) != 0,
           isinf(-inf) != 0, fpclassify(dv[10]) == FP_SUBNORMAL);

    /* Rounding functions under each rounding mode. */
    static const int modes[] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
    static const char *mname[] = {"nearest", "down", "up", "zero"};
    static volatile double rv[] = {2.5, 3.5, -2.5, -0.5, 0.49999999999999994, 1.7, -1.7, 1e15 + 0.5};
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        printf("%-7s:", mname[m]);
        for (int i = 0; i < 8; i++) {
            double x = rv[i];
            printf(" [%g %g %g %g %g %ld %g]", floor(x), ceil(x), rint(x), nearbyint(x), round(x),
                   lrint(x), trunc(x));
        }
        /* The rounding mode also governs the basic ops. */
        printf(" 1/3=%016" PRIx64 " 2/3f=%08" PRIx32 " (i->f)%08" PRIx32 "\n",
               dbits(dv[2] / dv[5]), fbits((float)(dv[2] * 2 / dv[5])),
               fbits((float)ints[3]));
    }
    fesetround(FE_TONEAREST);

    /* MXCSR exception flags. */
    struct {
        const char *what;
        double a, b;
        char op;
    } ex[] = {{"1/0", 1, 0, '/'}, {"0/0", 0, 0, '/'}, {"1e308*10", 1e308, 10, '*'},
              {"1e-308/1e10", 1e-308, 1e10, '/'}, {"1/3", 1, 3, '/'}, {"1+1", 1, 1, '+'}};
    for (int i = 0; i < 6; i++) {
        feclearexcept(FE_ALL_EXCEPT);
        volatile double a = ex[i].a, b = ex[i].b, r;
        r = ex[i].op == '/' ? a / b : ex[i].op == '*' ? a * b : a + b;
        int f = fetestexcept(FE_ALL_EXCEPT);
        printf("flags %-12s r=%016" PRIx64 ":%s%s%s%s%s\n", ex[i].what, dbits(r),
               f & FE_DIVBYZERO ? " divbyzero" : "", f & FE_INVALID ? " invalid" : "",
               f & FE_OVERFLOW ? " overflow" : "", f & FE_UNDERFLOW ? " underflow" : "",
               f & FE_INEXACT ? " inexact" : "");
    }
    printf("frexp/ldexp: ");
    for (int i = 0; i < 6; i++) {
        int e;
        double m = frexp(dv[i + 6], &e);
        printf("%016" PRIx64 "/%d ", dbits(m), e);
    }
    printf("%016" PRIx64 " %016" PRIx64 "\n", dbits(ldexp(1.0, -1074)), dbits(ldexp(1.5, 1023)));
    printf("fmod=%016" PRIx64 " remainder=%016" PRIx64 " copysign=%016" PRIx64 "\n",
           dbits(fmod(dv[15], 7.0)), dbits(remainder(dv[16], 3.0)), dbits(copysign(3.0, dv[1])));
    return 0;
}
