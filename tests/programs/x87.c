/* x87: long double (80-bit extended) arithmetic on the x87 FPU.
 *
 * Basic operations, sqrt, integer conversions (FILD/FISTP with the control
 * word's rounding), comparisons (FCOMI/FUCOMI), printf("%Lf"/"%La") and the
 * raw 80-bit patterns. musl's printf formats every double through long
 * double, so its float output depends on these instructions too. */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void bits(const char *name, long double x) {
    unsigned char b[16] = {0};
    memcpy(b, &x, 10);
    printf("%-10s %02x%02x_", name, b[9], b[8]);
    for (int i = 7; i >= 0; i--) printf("%02x", b[i]);
    printf("  %.21Lg\n", x);
}

static volatile long double lv[] = {1.0L, 3.0L, 0.1L, -2.5L, 1e4000L, 1e-4940L, 0.0L, -0.0L};

int main(void) {
    long double one = lv[0], three = lv[1];
    bits("1/3", one / three);
    bits("2/3", 2 * one / three);
    bits("0.1", lv[2]);
    bits("sqrt2", sqrtl(2 * one));
    bits("big*big", lv[4] * lv[4]);
    bits("tiny/3", lv[5] / three);
    bits("-2.5*3", lv[3] * three);
    bits("sum", lv[2] + lv[2] + lv[2] - 0.3L);
    bits("fabs", fabsl(lv[3]));
    bits("from dbl", (long double)0.1);
    bits("from i64", (long double)(int64_t)0x7fffffffffffffffLL * one);
    printf("to double %.17g to float %.9g\n", (double)(one / three), (float)(one / three));
    printf("to int64 %" PRId64 " %" PRId64 "\n", (int64_t)(lv[3] * 1000), (int64_t)(lv[4] > 0));
    long long r;
    for (int mode = 0; mode < 4; mode++) {
        unsigned short cw, ncw;
        __asm__ volatile("fnstcw %0" : "=m"(cw));
        ncw = (unsigned short)((cw & ~0xc00) | (mode << 10));
        __asm__ volatile("fldcw %0" ::"m"(ncw) : "memory");
        long double x = lv[3]; /* -2.5 */
        __asm__ volatile("fistpll %0" : "=m"(r) : "t"(x) : "st");
        long double q = lv[0] / lv[1], s = sqrtl(lv[2]);
        __asm__ volatile("fldcw %0" ::"m"(cw) : "memory"); /* print in the default mode */
        printf("rc=%d fistp(-2.5)=%lld\n", mode, r);
        bits(" 1/3", q);
        bits(" sqrt(.1)", s);
    }
    long double nan_ = lv[6] / lv[6];
    printf("cmp: %d %d %d %d %d\n", lv[0] < lv[1], lv[6] == lv[7], nan_ != nan_, nan_ < one,
           isnan(nan_) != 0);
    printf("printf: %Lf %.30Lf %Le %Lg %La\n", one / three, one / three, lv[4], lv[5], lv[2]);
    printf("double via long double: %.25f\n", (double)(lv[2] * 10));
    return 0;
}
