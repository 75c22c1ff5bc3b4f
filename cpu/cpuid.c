/* CPUID: the modelled CPU. Its vendor and family are settings; it advertises
 * only the features ringside implements (FPU, MMX, SSE..SSE4.2, POPCNT, CX8,
 * CX16, LAHF/SAHF, LZCNT, BMI1/2, MOVBE, PCLMULQDQ, AES-NI, ...): x86-64-v2.
 * No XSAVE, so no AVX: leaf 0Dh is empty and CR4.OSXSAVE stays clear.
 * Performance hints (ERMS/FSRM) are advertised because REP MOVSB/STOSB are
 * implemented with page-sized fast paths.
 *
 * The cache and topology leaves describe one CPU with one core and one
 * thread (HTT clear, every sharing count 1, every APIC ID 0), whose caches
 * come from one table per model, so that leaf 2/4 (Intel), 8000_0005h/6h
 * and 8000_001Dh (AMD) can never disagree with each other. */
#include <stdio.h>
#include <string.h>

#include "system.h"

static void put_str(uint32_t out[4], const char *s) { memcpy(out, s, 16); }

void cpu_host_model(CpuVendor *vendor, unsigned *family) {
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
    *vendor = b == 0x68747541 /* "Auth" */ ? CPU_AMD : CPU_INTEL;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    unsigned fam = (a >> 8) & 0xf;
    if (fam == 0xf) fam += (a >> 20) & 0xff;
    *family = fam;
}

int cpu_parse_model(const char *name, CpuVendor *vendor, unsigned *family) {
    static const struct {
        const char *name;
        CpuVendor v;
        unsigned fam;
    } models[] = {
        {"intel", CPU_INTEL, CPU_FAMILY_INTEL}, {"amd", CPU_AMD, CPU_FAMILY_ZEN5},
        {"amd-17h", CPU_AMD, CPU_FAMILY_ZEN1},  {"amd-19h", CPU_AMD, CPU_FAMILY_ZEN3},
        {"amd-1ah", CPU_AMD, CPU_FAMILY_ZEN5},
    };
    if (!strcmp(name, "host")) {
        cpu_host_model(vendor, family);
        return 0;
    }
    for (size_t k = 0; k < sizeof models / sizeof models[0]; k++)
        if (!strcmp(name, models[k].name)) {
            *vendor = models[k].v;
            *family = models[k].fam;
            return 0;
        }
    return -1;
}

const char *cpu_model_name(CpuVendor vendor, unsigned family) {
    static char buf[16];
    if (vendor == CPU_INTEL) return "intel";
    snprintf(buf, sizeof buf, "amd-%xh", family);
    return buf;
}

/* One cache: level, type (1 data, 2 instruction, 3 unified, as leaf 4 and
 * 8000_001Dh encode it), size and ways; every line is 64 bytes. */
typedef struct Cache {
    uint8_t level, type;
    uint16_t ways;
    uint32_t kib;
} Cache;

/* What differs between the models besides the vendor. caches[] is in leaf 4
 * / 8000_001Dh subleaf order: L1d, L1i, L2, L3. */
typedef struct Model {
    uint32_t max_ext; /* CPUID.8000_0000h:EAX */
    int leaf_b;       /* extended topology leaf 0Bh present */
    Cache caches[4];
} Model;

#define LINE 64u

/* Coffee Lake (06_9EH stepping A) cut down to one core: 32K 8-way L1s,
 * 256K 4-way L2, 8M 16-way inclusive L3. */
static const Model intel_model = {
    0x80000008, 1, {{1, 1, 8, 32}, {1, 2, 8, 32}, {2, 3, 4, 256}, {3, 3, 16, 8192}}};
/* EPYC, one core of one CCX. Zen 1 (17h model 01h): 64K 4-way L1i, 512K
 * L2, 8M L3 per CCX; no leaf 0Bh (it came with Zen 2). */
static const Model zen1_model = {
    0x8000001f, 0, {{1, 1, 8, 32}, {1, 2, 4, 64}, {2, 3, 8, 512}, {3, 3, 16, 8192}}};
/* Zen 3 (19h model 01h, Milan): 32K L1s, 512K L2, 32M L3 per CCX. */
static const Model zen3_model = {
    0x80000023, 1, {{1, 1, 8, 32}, {1, 2, 8, 32}, {2, 3, 8, 512}, {3, 3, 16, 32768}}};
/* Zen 5 (1Ah model 02h, Turin): 48K 12-way L1d, 1M 16-way L2, 32M L3. */
static const Model zen5_model = {
    0x80000028, 1, {{1, 1, 12, 48}, {1, 2, 8, 32}, {2, 3, 16, 1024}, {3, 3, 16, 32768}}};

/* --cpu=host may name a family between the modelled ones: the nearest
 * older model's caches. */
static const Model *model_of(const Cpu *c) {
    if (c->vendor != CPU_AMD) return &intel_model;
    if (c->family <= CPU_FAMILY_ZEN1) return &zen1_model;
    if (c->family <= CPU_FAMILY_ZEN3) return &zen3_model;
    return &zen5_model;
}

/* Leaf 4 (Intel) and 8000_001Dh (AMD) share this layout: EAX type, level,
 * self-initialising, sharing counts (0 = one thread, one core); EBX ways,
 * partitions, line size; ECX sets; EDX inclusiveness. */
static void cache_leaf(const Cache *k, int amd, uint32_t out[4]) {
    uint32_t sets = k->kib * 1024u / (LINE * k->ways);
    out[0] = k->type | (uint32_t)k->level << 5 | 1u << 8;
    out[1] = (uint32_t)(k->ways - 1) << 22 | (LINE - 1);
    out[2] = sets - 1;
    /* Intel L3: inclusive, complex indexing. AMD: the L2 includes the L1s,
     * the L3 (a victim cache) does not; WBINVD of the L3 does not reach
     * the lower levels of other cores. */
    if (amd)
        out[3] = k->level == 2 ? 2 : k->level == 3 ? 1 : 0;
    else
        out[3] = k->level == 3 ? 6 : 0;
}

/* The 4-bit associativity code of 8000_0006h (AMD APM, Intel SDM). */
static uint32_t assoc_code(unsigned ways) {
    switch (ways) {
    case 1: return 1;
    case 2: return 2;
    case 4: return 4;
    case 8: return 6;
    case 16: return 8;
    case 32: return 0xa;
    case 48: return 0xb;
    case 64: return 0xc;
    default: return 0xf; /* not in the table: none of the models */
    }
}

/* 8000_0005h ECX/EDX: size in KiB, ways, lines per tag, line size. */
static uint32_t l1_desc(const Cache *k) {
    return k->kib << 24 | (uint32_t)k->ways << 16 | 1u << 8 | LINE;
}

/* CPUID.1:EAX for the modelled family: Zen 1 EPYC (17h model 01h), Zen 3
 * EPYC (19h model 01h), Zen 5 EPYC (1Ah model 02h), Coffee Lake (06_9EH). */
static uint32_t signature(const Cpu *c) {
    if (c->vendor != CPU_AMD) return 0x000906ea;
    unsigned fam = c->family < 0xf ? 0xf : c->family;
    unsigned model = fam == CPU_FAMILY_ZEN5 ? 0x02 : 0x01;
    return ((fam - 0xf) << 20) | ((model >> 4) << 16) | (0xfu << 8) | ((model & 0xf) << 4) | 0x2;
}

/* Extended topology (leaf 0Bh): SMT level then core level, one logical
 * processor in each, x2APIC ID 0; subleaf 2 on is invalid (type 0). */
static void topology_leaf(uint32_t sub, uint32_t out[4]) {
    out[2] = sub & 0xff;
    if (sub < 2) {
        out[1] = 1;
        out[2] |= (sub + 1) << 8;
    }
}

void cpuid_query(Cpu *c, uint32_t leaf, uint32_t sub, uint32_t out[4]) {
    int amd = c->vendor == CPU_AMD;
    const Model *m = model_of(c);
    memset(out, 0, 16);
    uint32_t max_basic = 0xd, max_ext = m->max_ext;
    if (leaf > max_basic && leaf < 0x80000000u) {
        if (amd) return; /* AMD answers zeros; Intel repeats its highest leaf */
        leaf = max_basic;
    }
    if (leaf > max_ext) {
        if (amd) return;
        leaf = max_basic;
    }
    switch (leaf) {
    case 0:
        out[0] = max_basic;
        if (amd) {
            memcpy(&out[1], "Auth", 4);
            memcpy(&out[3], "enti", 4);
            memcpy(&out[2], "cAMD", 4);
        } else {
            memcpy(&out[1], "Genu", 4);
            memcpy(&out[3], "ineI", 4);
            memcpy(&out[2], "ntel", 4);
        }
        break;
    case 1:
        out[0] = signature(c);
        /* CLFLUSH line 64 bytes, 1 logical CPU, initial APIC ID 0; HTT clear */
        out[1] = (8u << 8) | (1u << 16);
        out[2] = (1u << 0)                /* SSE3 (cpu/sse3.c) */
                 | (1u << 1)              /* PCLMULQDQ (cpu/crypto.c) */
                 | (1u << 9)              /* SSSE3 (cpu/sse3.c, cpu/mmx.c) */
                 | (1u << 13)             /* CMPXCHG16B */
                 | (1u << 19)             /* SSE4.1 (cpu/sse41.c) */
                 | (1u << 20)             /* SSE4.2 (cpu/sse42.c) */
                 | (1u << 22)             /* MOVBE */
                 | (1u << 23)             /* POPCNT */
                 | (1u << 25);            /* AES-NI (cpu/crypto.c) */
        out[3] = (1u << 0)                /* FPU (baseline) */
                 | (1u << 4)              /* TSC */
                 | (1u << 5)              /* MSR */
                 | (1u << 8)              /* CX8 */
                 | (amd ? 0 : (1u << 11)) /* SEP (SYSENTER) */
                 | (1u << 15)             /* CMOV */
                 | (1u << 19)             /* CLFSH */
                 | (1u << 23)             /* MMX (baseline) */
                 | (1u << 24)             /* FXSR */
                 | (1u << 25)             /* SSE */
                 | (1u << 26);            /* SSE2 */
        break;
    case 2: /* Intel: one round, one descriptor: FFh = "caches in leaf 4" (no TLB
             * descriptor: FEh would point at leaf 18h, past the highest leaf) */
        if (!amd) out[0] = 0x0000ff01;
        break;
    case 4: /* Intel deterministic cache parameters; subleaf 4 on: no cache */
        if (!amd && sub < 4) cache_leaf(&m->caches[sub], 0, out);
        break;
    case 7:
        if (sub == 0) {
            uint32_t h[4] = {0};
            __asm__ volatile("cpuid"
                             : "=a"(h[0]), "=b"(h[1]), "=c"(h[2]), "=d"(h[3])
                             : "a"(7), "c"(0));
            out[1] = (1u << 3)    /* BMI1: ANDN BEXTR BLSI BLSMSK BLSR TZCNT */
                     | (1u << 8)  /* BMI2 (cpu/bmi2.c) */
                     | (1u << 9)  /* ERMS */
                     | (1u << 23) /* CLFLUSHOPT (cpu/misc.c) */
                     /* CLWB: not on Zen 1 (#UD there, cpu/misc.c) */
                     | (amd && c->family == CPU_FAMILY_ZEN1 ? 0 : (1u << 24))
                     /* x87 pointer behaviour is the host's (the x87 runs on it) */
                     | (h[1] & ((1u << 6) | (1u << 13))); /* FDP_EXCPTN_ONLY, FCS/FDS deprecated */
            out[3] = 1u << 4;                             /* FSRM */
        }
        break;
    case 0xb: /* extended topology: Intel, and AMD from Zen 2 on */
        if (m->leaf_b) topology_leaf(sub, out);
        break;
    case 0xd: /* XSAVE state: none (no XSAVE), every subleaf zero */ break;
    case 0x80000000:
        out[0] = max_ext;
        if (amd) {
            memcpy(&out[1], "Auth", 4);
            memcpy(&out[3], "enti", 4);
            memcpy(&out[2], "cAMD", 4);
        }
        break;
    case 0x80000001:
        if (amd) out[0] = signature(c);
        out[2] = (1u << 0)    /* LAHF/SAHF in 64-bit mode */
                 | (1u << 5)  /* ABM: LZCNT */
                 | (1u << 8); /* PREFETCHW (a hint, cpu/misc.c) */
        if (amd)
            out[2] |= (1u << 22)    /* TOPOEXT: leaves 8000_001Dh/1Eh */
                      | (1u << 29); /* MONITORX/MWAITX (cpu/system_ops.c) */
        out[3] = (1u << 11)         /* SYSCALL/SYSRET */
                 | (1u << 20)       /* NX */
                 | (1u << 27)       /* RDTSCP */
                 | (1u << 29);      /* long mode */
        if (amd) out[3] |= (1u << 0) | (1u << 4) | (1u << 8) | (1u << 15) | (1u << 23) | (1u << 24);
        break;
    case 0x80000002: put_str(out, "ringside modelle"); break;
    case 0x80000003: put_str(out, amd ? "d x86-64 CPU (AM" : "d x86-64 CPU (In"); break;
    case 0x80000004:
        put_str(out, amd ? "D)\0\0\0\0\0\0\0\0\0\0\0\0\0\0" : "tel)\0\0\0\0\0\0\0\0\0\0\0\0");
        break;
    case 0x80000005: /* AMD: L1 TLBs (fully associative, 64 entries) and L1 caches */
        if (amd) {
            out[0] = 0xff40ff40;
            out[1] = 0xff40ff40;
            out[2] = l1_desc(&m->caches[0]);
            out[3] = l1_desc(&m->caches[1]);
        }
        break;
    case 0x80000006: { /* L2 (both vendors); AMD: L2 TLBs and the L3 in 512K units */
        const Cache *l2 = &m->caches[2], *l3 = &m->caches[3];
        out[2] = l2->kib << 16 | assoc_code(l2->ways) << 12 | LINE;
        if (amd) {
            out[0] = 0x36006400; /* L2 TLBs as a Zen 1 EPYC reports them */
            out[1] = 0x56006400;
            out[2] |= 1u << 8; /* lines per tag */
            out[3] = (l3->kib / 512) << 18 | assoc_code(l3->ways) << 12 | 1u << 8 | LINE;
        }
        break;
    }
    case 0x80000008:
        /* Intel: 39-bit physical, 48-bit virtual; AMD 48/48. ECX: one core
         * (NC = 0), no APIC ID size. */
        out[0] = amd ? 0x3030 : 0x3027;
        if (amd) out[1] = 1u << 0; /* CLZERO (cpu/misc.c) */
        break;
    case 0x8000001d: /* AMD cache topology; subleaf 4 on: no cache */
        if (amd && sub < 4) cache_leaf(&m->caches[sub], 1, out);
        break;
    case 0x8000001e: /* AMD: extended APIC ID, core and node 0, one thread per core */ break;
    default: break;
    }
}
