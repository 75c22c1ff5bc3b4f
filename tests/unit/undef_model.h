/* Whether ringside's rules for flags the SDM leaves undefined were measured
 * on a CPU of the host's kind, so that tests may compare those flags with
 * the host (tests/unit/test_shift.c, test_muldiv.c, test_bitops.c, test_alu.c
 * and the fuzzer's tests/fuzz/undef.c). ringside models every vendor and
 * family (cpu/shift.c, muldiv.c, bitops.c; docs/vendors.md "Undefined
 * flags"), but a rule inferred for a family it was not measured on is not
 * compared there: such a host would fail a test for a guess, not a bug.
 *
 * Measured: GenuineIntel family 6 model 0xa7 (the Intel rules), AuthenticAMD
 * family 17h models 00h-2Fh (Zen, Zen+: the AMD rules). Families 19h and 1Ah
 * are modelled from the family 17h rules (and 1Ah's BSF/BSR from a 1Ah
 * host's fuzzer summary): not compared. RS_UNDEF_PINNED=1 or 0 overrides. */
#ifndef RINGSIDE_TESTS_UNDEF_MODEL_H
#define RINGSIDE_TESTS_UNDEF_MODEL_H

#include <cpuid.h>
#include <stdlib.h>
#include <string.h>

/* vendor: 0 Intel, 1 AMD (CpuVendor); family: CPUID display family. */
static inline int undef_rules_pinned(int vendor, unsigned family, unsigned model) {
    if (vendor == 0) return family == 6 && model == 0xa7;
    return family == 0x17 && model < 0x30;
}

/* The host's vendor (0 Intel, 1 AMD, -1 other), display family and model. */
static inline int undef_host_cpu(unsigned *family, unsigned *model) {
    unsigned a, b, c, d;
    char v[13];
    __cpuid(0, a, b, c, d);
    memcpy(v, &b, 4);
    memcpy(v + 4, &d, 4);
    memcpy(v + 8, &c, 4);
    v[12] = 0;
    __cpuid(1, a, b, c, d);
    unsigned base = (a >> 8) & 0xf, mod = (a >> 4) & 0xf;
    if (base == 6 || base == 0xf) mod |= ((a >> 16) & 0xf) << 4;
    *family = base == 0xf ? base + ((a >> 20) & 0xff) : base;
    *model = mod;
    return !strcmp(v, "GenuineIntel") ? 0 : !strcmp(v, "AuthenticAMD") ? 1 : -1;
}

/* Compare undefined flags on this host? */
static inline int undef_host_pinned(void) {
    const char *e = getenv("RS_UNDEF_PINNED");
    if (e && *e) return atoi(e) != 0;
    unsigned fam, mod;
    int v = undef_host_cpu(&fam, &mod);
    return v >= 0 && undef_rules_pinned(v, fam, mod);
}

#endif
