/* printf: integer and floating-point formatting and parsing.
 *
 * Conversions %d %i %u %x %X %o %c %s %e %f %g %a with flags, widths,
 * precisions and length modifiers, over values that hit the edge cases
 * (zero, negative zero, subnormals, DBL_MAX, infinities, NaN, INT64_MIN).
 * glibc and musl format differently in places (%a, "-nan"), which is fine:
 * each binary is compared only with itself run natively. The values are read
 * through volatile so the compiler cannot fold any of the work away. */
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile long long ivals[] = {0,        1,         -1,        7,          -42,
                                     255,      65535,     2147483647, -2147483647 - 1,
                                     4294967296LL, 123456789012345LL, LLONG_MAX, LLONG_MIN};
static volatile double dvals[] = {0.0,     -0.0,    1.0,       -1.5,     0.1,    1.0 / 3,
                                  3.141592653589793, 2.718281828459045, 123456789.125,
                                  1e-5,    1e21,    6.02214076e23, 1e-310, 4.9e-324,
                                  DBL_MIN, DBL_MAX, 0.5,       2.5,      -2.5,   1e15 + 0.3};

int main(void) {
    static const char *ifmts[] = {"%d", "%5d", "%-5d|", "%05d", "%+d", "% d", "%x", "%X",
                                  "%#x", "%o", "%#o", "%.3d", "%8.4x", "%u"};
    for (size_t i = 0; i < sizeof ivals / sizeof ivals[0]; i++) {
        int v = (int)ivals[i];
        printf("int %lld:", (long long)ivals[i]);
        for (size_t f = 0; f < sizeof ifmts / sizeof ifmts[0]; f++) {
            putchar(' ');
            printf(ifmts[f], v);
        }
        long long ll = ivals[i];
        printf(" | %lld %llx %llo %20lld %-20lli| %" PRId64 " %" PRIx64 "\n", ll,
               (unsigned long long)ll, (unsigned long long)ll, ll, ll, (int64_t)ll, (uint64_t)ll);
        printf("  short %hd %hu char %hhd %hhu size %zu ptrdiff %td intmax %jd\n", (short)v,
               (unsigned short)v, (signed char)v, (unsigned char)v, (size_t)ll, (ptrdiff_t)ll,
               (intmax_t)ll);
    }

    static const char *dfmts[] = {"%e", "%.0e", "%.10e", "%E", "%f", "%.0f", "%.2f", "%12.3f",
                                  "%-12.3f|", "%+f", "%g", "%.3g", "%#g", "%G", "%.17g",
                                  "%a", "%A", "%.3a", "%010.2f", "%#.0f"};
    for (size_t i = 0; i < sizeof dvals / sizeof dvals[0]; i++) {
        double d = dvals[i];
        printf("dbl #%zu:", i);
        for (size_t f = 0; f < sizeof dfmts / sizeof dfmts[0]; f++) {
            putchar(' ');
            printf(dfmts[f], d);
        }
        putchar('\n');
    }
    volatile double zero = 0.0;
    double special[] = {1.0 / zero, -1.0 / zero, zero / zero, -(zero / zero)};
    for (int i = 0; i < 4; i++)
        printf("special: %f %e %g %10.3f %-6F| %E\n", special[i], special[i], special[i],
               special[i], special[i], special[i]);

    volatile float fv = 1.1f;
    printf("float promoted: %.10f %g %a\n", fv, fv, fv);
    printf("large: %.0f\n", 1e300 * 10);
    printf("exact: %.60f\n", 0.1);
    printf("strings: [%s] [%10s] [%-10s] [%.3s] [%c%c%c] [%%] [%5c]\n", "abc", "right",
           "left", "truncate", 'x', 'y', 'z', 'q');

    char buf[64];
    volatile size_t cap = 8; /* not a constant: no truncation warning */
    int n = snprintf(buf, cap, "%d-%s", 123456, "overflowing");
    printf("snprintf returned %d, kept \"%s\"\n", n, buf);
    n = snprintf(NULL, 0, "%.20e", 1.0);
    printf("snprintf(NULL,0) = %d\n", n);

    /* Parsing back: strtod must round-trip %.17g exactly. */
    unsigned long long roundtrip_bad = 0;
    for (size_t i = 0; i < sizeof dvals / sizeof dvals[0]; i++) {
        snprintf(buf, sizeof buf, "%.17g", dvals[i]);
        double back = strtod(buf, NULL);
        if (memcmp(&back, (const void *)&dvals[i], sizeof back)) roundtrip_bad++;
    }
    printf("strtod round trips bad: %llu\n", roundtrip_bad);
    static const char *nums[] = {"0x1p-2", "1e400", "-1e-400", "  +12.5e1xyz", "inf", "-NaN",
                                 "0.1", "9007199254740993", "2.2250738585072011e-308"};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        char *end;
        double d = strtod(nums[i], &end);
        uint64_t bits;
        memcpy(&bits, &d, sizeof bits);
        printf("strtod(\"%s\") = %.17g bits %016" PRIx64 " consumed %td\n", nums[i], d, bits,
               end - nums[i]);
    }
    static const char *ints[] = {"42", "-0x1F", "0777", "9223372036854775808", "  -12abc", "z"};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        char *end;
        long long v = strtoll(ints[i], &end, 0);
        unsigned long long u = strtoull(ints[i], NULL, 16);
        printf("strtoll(\"%s\",0) = %lld consumed %td; strtoull base16 = %llu\n", ints[i], v,
               end - ints[i], u);
    }
    int a1, a2;
    char w[16];
    double sd;
    int got = sscanf("  17 0x2a word 6.25e-1", "%d %i %15s %lf", &a1, &a2, w, &sd);
    printf("sscanf got %d: %d %d %s %g\n", got, a1, a2, w, sd);
    return 0;
}
