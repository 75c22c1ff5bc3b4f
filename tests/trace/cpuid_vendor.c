/* cpuid_vendor: prints the CPUID leaf 0 vendor string ("GenuineIntel",
 * "AuthenticAMD") and the leaf 1 display family, for checking ringside's
 * --cpu option. */
#include <cpuid.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    unsigned a, b, c, d;
    char v[13];
    __cpuid(0, a, b, c, d);
    memcpy(v, &b, 4);
    memcpy(v + 4, &d, 4);
    memcpy(v + 8, &c, 4);
    v[12] = 0;
    printf("%s\n", v);
    __cpuid(1, a, b, c, d);
    unsigned fam = (a >> 8) & 0xf;
    if (fam == 0xf) fam += (a >> 20) & 0xff;
    printf("family 0x%x\n", fam);
    return 0;
}
