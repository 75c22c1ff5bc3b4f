/* cpufacts: what the dynamic linker should derive from this CPU, computed
 * here from CPUID and the auxiliary vector, printed in the key=value form of
 * `ld.so --list-diagnostics` (plus help.* lines for the "supported" ISA
 * levels of `ld.so --help`). check_ldso.sh compares every line with ld.so's
 * output, natively (which validates these rules against the host's glibc)
 * and under ringside for each --cpu model.
 *
 * Sources of the rules: the SDM/APM leaf layouts, the x86-64 psABI ISA
 * levels, Linux's auxv (arch/x86 ELF_HWCAP, init_sigframe_size) and glibc
 * 2.36's documented tunable defaults (non-temporal threshold 3/4 of the
 * shared cache, REP MOVSB threshold 2048 * vector/16, 2112 with FSRM, REP
 * STOSB 2048). A rule this program cannot apply to the CPU it runs on (a
 * leaf-2 descriptor CPU, AVX-512) makes it print no line for that key. */
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct R {
    uint32_t a, b, c, d;
} R;

static R max_basic, max_ext;

static R q(uint32_t leaf, uint32_t sub) {
    R r = {0, 0, 0, 0};
    if (leaf < 0x80000000u ? leaf > max_basic.a : leaf > max_ext.a) return r;
    __cpuid_count(leaf, sub, r.a, r.b, r.c, r.d);
    return r;
}

static int bit(uint32_t v, int n) { return (v >> n) & 1; }

#define P "x86.cpu_features."

/* glibc's fields are (unsigned) long: -1 prints as all ones of the ABI's word */
static void put(const char *key, long long v) { printf(P "%s=0x%lx\n", key, (unsigned long)v); }

/* One cache as glibc reports it: size, ways, line (0 = none). */
typedef struct Cache {
    long long size, ways, line;
} Cache;

/* Leaf 4 (Intel): the cache of this level and type (1 data, 2 code, 0 any). */
static Cache leaf4(unsigned level, unsigned type) {
    Cache k = {0, 0, 0};
    for (uint32_t s = 0; s < 64; s++) {
        R r = q(4, s);
        unsigned t = r.a & 0x1f;
        if (t == 0) {
            k.size = k.ways = k.line = -1; /* enumerated every cache: none */
            return k;
        }
        if (((r.a >> 5) & 7) != level || (type && t != type)) continue;
        k.ways = (r.b >> 22) + 1;
        k.line = (r.b & 0xfff) + 1;
        k.size = k.ways * (((r.b >> 12) & 0x3ff) + 1) * k.line * (r.c + 1LL);
        return k;
    }
    return k;
}

/* The 4-bit associativity code of 8000_0006h. */
static long long amd_assoc(uint32_t code, long long size, uint32_t line) {
    switch (code) {
    case 0:
    case 1:
    case 2:
    case 4: return code;
    case 6: return 8;
    case 8: return 16;
    case 10: return 32;
    case 11: return 48;
    case 12: return 64;
    case 13: return 96;
    case 14: return 128;
    case 15: return line ? size / line : 0;
    default: return 0;
    }
}

/* The psABI levels glibc-hwcaps uses, cumulative: bit 0 baseline, 1 v2,
 * 2 v3, 3 v4. AVX-class features count only when the OS enabled their state
 * in XCR0 (OSXSAVE, then XGETBV). */
static unsigned isa_levels(R l1, R l7, R e1) {
    uint64_t xcr0 = 0;
    if (bit(l1.c, 27)) {
        uint32_t lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        xcr0 = (uint64_t)hi << 32 | lo;
    }
    int ymm = (xcr0 & 6) == 6, zmm = ymm && (xcr0 & 0xe0) == 0xe0;
    int base = bit(l1.d, 15) && bit(l1.d, 8) && bit(l1.d, 0) && bit(l1.d, 24) && bit(l1.d, 23) &&
               bit(l1.d, 25) && bit(l1.d, 26);
    int v2 = bit(l1.c, 13) && bit(e1.c, 0) && bit(l1.c, 23) && bit(l1.c, 0) && bit(l1.c, 19) &&
             bit(l1.c, 20) && bit(l1.c, 9);
    int avx = ymm && bit(l1.c, 28);
    int v3 = avx && bit(l7.b, 5) && bit(l7.b, 3) && bit(l7.b, 8) && bit(l1.c, 29) &&
             bit(l1.c, 12) && bit(e1.c, 5) && bit(l1.c, 22);
    int v4 =
        zmm && bit(l7.b, 16) && bit(l7.b, 30) && bit(l7.b, 28) && bit(l7.b, 17) && bit(l7.b, 31);
    unsigned isa = 0;
    if (base) {
        isa = 1;
        if (v2) {
            isa |= 2;
            if (v3) {
                isa |= 4;
                if (v4) isa |= 8;
            }
        }
    }
    return isa;
}

int main(void) {
    max_basic.a = 0;
    __cpuid(0, max_basic.a, max_basic.b, max_basic.c, max_basic.d);
    R v0 = max_basic;
    __cpuid(0x80000000, max_ext.a, max_ext.b, max_ext.c, max_ext.d);
    if (max_ext.a < 0x80000000u) max_ext.a = 0;
    char vendor[13];
    memcpy(vendor, &v0.b, 4);
    memcpy(vendor + 4, &v0.d, 4);
    memcpy(vendor + 8, &v0.c, 4);
    vendor[12] = 0;
    int intel = !strcmp(vendor, "GenuineIntel"), amd = !strcmp(vendor, "AuthenticAMD");
    if (!intel && !amd) {
        printf("cpufacts: vendor %s: no rules for it\n", vendor);
        return 77;
    }

    /* basic: display family/model as the SDM and APM compose them */
    R l1 = q(1, 0);
    unsigned family = (l1.a >> 8) & 0xf, model = (l1.a >> 4) & 0xf;
    unsigned ext_model = (l1.a >> 12) & 0xf0;
    if (family == 0xf) {
        family += (l1.a >> 20) & 0xff;
        model += ext_model;
    } else if (intel && family == 6) {
        model += ext_model;
    }
    put("basic.kind", intel ? 1 : 2);
    put("basic.max_cpuid", v0.a);
    put("basic.family", family);
    put("basic.model", model);
    put("basic.stepping", l1.a & 0xf);

    /* the raw leaves glibc keeps, in its cpu_features index order. Leaf 1
     * EBX[31:24] is the APIC ID of whichever CPU ran CPUID: check_ldso.sh
     * masks it on both sides. */
    const struct {
        uint32_t leaf, sub;
    } idx[9] = {{1, 0},          {7, 0}, {0x80000001, 0}, {0xd, 1}, {0x80000007, 0},
                {0x80000008, 0}, {7, 1}, {0x19, 0},       {0x14, 0}};
    for (int k = 0; k < 9; k++) {
        R r = q(idx[k].leaf, idx[k].sub);
        uint32_t v[4] = {r.a, r.b, r.c, r.d};
        for (int j = 0; j < 4; j++)
            printf(P "features[0x%x].cpuid[0x%x]=0x%x\n", k, j,
                   k == 0 && j == 1 ? v[j] & 0x00ffffffu : v[j]);
    }

    R l7 = q(7, 0), e1 = q(0x80000001, 0);
    unsigned isa = isa_levels(l1, l7, e1);
    put("isa_1", isa);
    if (!bit(l1.c, 27)) {
        put("xsave_state_size", 0);
        put("xsave_state_full_size", 0);
    }
    if (sizeof(void *) == 8) {
        static const char *lv[3] = {"x86-64-v2", "x86-64-v3", "x86-64-v4"};
        for (int k = 0; k < 3; k++)
            printf("help.%s=%s\n", lv[k], (isa >> (k + 1)) & 1 ? "supported" : "unsupported");
    }

    /* caches: leaf 4 on Intel (reached through leaf 2's FFh descriptor),
     * 8000_0005h/6h on AMD. */
    Cache l1d, l1i, l2, l3;
    long long l4 = -1;
    int known = 1;
    if (intel) {
        R d2 = q(2, 0);
        uint32_t regs[4] = {d2.a & 0xffffff00u, d2.b, d2.c, d2.d};
        int via4 = (d2.a & 0xff) != 1;
        for (int k = 0; k < 4 && !via4; k++)
            for (int s = 0; s < 32 && !(regs[k] >> 31); s += 8) {
                uint32_t byte = (regs[k] >> s) & 0xff;
                if (byte == 0xff)
                    via4 = 1;
                else if (byte && byte != 0xfe && byte != 0xf0 && byte != 0xf1)
                    known = 0; /* a legacy descriptor: glibc's table, not ours */
            }
        if (!via4) known = 0;
        l1d = leaf4(1, 1);
        l1i = leaf4(1, 2);
        l2 = leaf4(2, 0);
        l3 = leaf4(3, 0);
        l4 = leaf4(4, 0).size;
        /* the CPU's own consistency: 8000_0006h:ECX (SDM: L2 size and line
         * on Intel too) describes the L2 of leaf 4; the ways only where
         * Intel's code table is the one above (4-, 8- and 16-way) */
        if (max_ext.a >= 0x80000006 && l2.size > 0) {
            uint32_t c6 = q(0x80000006, 0).c, code = (c6 >> 12) & 0xf;
            long long size = (long long)(c6 >> 16) * 1024;
            int same = size == l2.size && (c6 & 0xff) == l2.line;
            if (code == 4 || code == 6 || code == 8)
                same = same && amd_assoc(code, size, c6 & 0xff) == l2.ways;
            printf("leaf80000006.l2=%s\n", same ? "agrees" : "differs");
        }
    } else {
        R c5 = q(0x80000005, 0), c6 = q(0x80000006, 0);
        l1d.size = (c5.c >> 14) & 0x3fc00;
        l1d.ways = (c5.c >> 16) & 0xff;
        l1d.line = c5.c & 0xff;
        l1i.size = (c5.d >> 14) & 0x3fc00;
        l1i.ways = (c5.d >> 16) & 0xff;
        l1i.line = c5.d & 0xff;
        int have2 = (c6.c & 0xf000) != 0, have3 = (c6.d & 0xf000) != 0;
        l2.size = have2 ? (c6.c >> 6) & 0x3fffc00 : 0;
        l2.ways = amd_assoc((c6.c >> 12) & 0xf, l2.size, c6.c & 0xff);
        l2.line = have2 ? c6.c & 0xff : 0;
        l3.size = have3 ? (long long)(c6.d & 0x3ffc0000u) << 1 : 0;
        l3.ways = amd_assoc((c6.d >> 12) & 0xf, l3.size, c6.d & 0xff);
        l3.line = have3 ? c6.d & 0xff : 0;
        /* glibc 2.36 leaves the L4 at -1 on AMD */
        /* the model's own consistency: 8000_001Dh describes the same L1s and L2 */
        if (max_ext.a >= 0x8000001d) {
            Cache *want[3] = {&l1d, &l1i, &l2};
            for (uint32_t s = 0; s < 3; s++) {
                R r = q(0x8000001d, s);
                long long ways = ((r.b >> 22) & 0x3ff) + 1, line = (r.b & 0xfff) + 1;
                long long size = ways * line * (r.c + 1LL);
                int same = size == want[s]->size && line == want[s]->line && ways == want[s]->ways;
                printf("leaf8000001d.%u=%s\n", s, same ? "agrees" : "differs");
            }
        }
    }
    if (known) {
        put("level1_icache_size", l1i.size);
        put("level1_icache_linesize", l1i.line);
        put("level1_dcache_size", l1d.size);
        put("level1_dcache_assoc", l1d.ways);
        put("level1_dcache_linesize", l1d.line);
        put("level2_cache_size", l2.size);
        put("level2_cache_assoc", l2.ways);
        put("level2_cache_linesize", l2.line);
        put("level3_cache_size", l3.size);
        put("level3_cache_assoc", l3.ways);
        put("level3_cache_linesize", l3.line);
        put("level4_cache_size", l4);

        /* with one logical processor sharing each cache (HTT clear, or
         * AMD family >= 17h) the shared cache is the L3, else the L2;
         * AMD before 17h adds its exclusive L2 to the L3 */
        int single = !bit(l1.d, 28) || amd;
        if (single) {
            long long shared = l3.size > 0 ? l3.size : l2.size;
            if (amd && family < 0x17 && l3.size > 0) shared += l2.size;
            long long nt = shared * 3 / 4;
            put("data_cache_size", l1d.size);
            put("shared_cache_size", shared);
            put("non_temporal_threshold", nt);
            put("rep_movsb_stop_threshold", amd ? l2.size : nt);
        }
    }
    int avx512 = (isa & 8) || bit(l7.b, 16);
    if (!avx512) {
        unsigned t = (isa & 4) ? 4096 * 2 : 2048; /* 32-byte vectors with AVX2, else 16 */
        if (bit(l7.d, 4)) t = 2112;               /* FSRM */
        put("rep_movsb_threshold", t);
    }
    put("rep_stosb_threshold", 2048);

    /* the auxiliary vector Linux builds (arch/x86 ELF_HWCAP, ELF_HWCAP2,
     * init_sigframe_size with IA32 emulation, ELF_PLATFORM) */
    uint32_t fpstate = 512 + 112;
    if (bit(l1.c, 27)) fpstate = q(0xd, 0).b + 4 + 112;
    printf("auxv.0x10=0x%x\n", l1.d);                                     /* AT_HWCAP */
    printf("auxv.0x1a=0x%x\n", bit(l7.b, 0) ? 2 : 0);                     /* AT_HWCAP2: FSGSBASE */
    printf("auxv.0x33=0x%x\n", (748 + 15 + fpstate + 63 + 15) & ~15u);    /* AT_MINSIGSTKSZ */
    printf("auxv.0xf=\"%s\"\n", sizeof(void *) == 8 ? "x86_64" : "i686"); /* AT_PLATFORM */
    return 0;
}
