/* CPUID: the modelled CPU. Its vendor is a setting; it advertises only the
 * features ringside implements (FPU, MMX, SSE, SSE2, SSE3, SSSE3, SSE4.1, CMOV,
 * CX8/CX16, POPCNT, LZCNT, BMI1, MOVBE, ...); no XSAVE, so no AVX.
 * Performance hints (ERMS/FSRM) are advertised because REP MOVSB/STOSB are
 * implemented with page-sized fast paths. */
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

/* CPUID.1:EAX for the modelled family: Zen 1 EPYC (17h model 01h), Zen 3
 * EPYC (19h model 01h), Zen 5 EPYC (1Ah model 02h), Coffee Lake. */
static uint32_t signature(const Cpu *c) {
    if (c->vendor != CPU_AMD) return 0x000906ea;
    unsigned fam = c->family < 0xf ? 0xf : c->family;
    unsigned model = fam == CPU_FAMILY_ZEN5 ? 0x02 : 0x01;
    return ((fam - 0xf) << 20) | ((model >> 4) << 16) | (0xfu << 8) | ((model & 0xf) << 4) | 0x2;
}

void cpuid_query(Cpu *c, uint32_t leaf, uint32_t sub, uint32_t out[4]) {
    int amd = c->vendor == CPU_AMD;
    memset(out, 0, 16);
    uint32_t max_basic = 0xd, max_ext = 0x80000008;
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
        out[1] = (8u << 8) | (1u << 16);        /* CLFLUSH line 64 bytes, 1 logical CPU */
        out[2] = (1u << 0)                      /* SSE3 (cpu/sse3.c) */
                 | (1u << 1)                    /* PCLMULQDQ (cpu/crypto.c) */
                 | (1u << 9)                    /* SSSE3 (cpu/sse3.c, cpu/mmx.c) */
                 | (1u << 13)                   /* CMPXCHG16B */
                 | (1u << 19)                   /* SSE4.1 (cpu/sse41.c) */
                 | (1u << 20)                   /* SSE4.2 (cpu/sse42.c) */
                 | (1u << 22)                   /* MOVBE */
                 | (1u << 23)                   /* POPCNT */
                 | (1u << 25);                  /* AES-NI (cpu/crypto.c) */
        out[3] = (1u << 0)                      /* FPU (baseline) */
                 | (1u << 4)                    /* TSC */
                 | (1u << 5)                    /* MSR */
                 | (1u << 8)                    /* CX8 */
                 | (amd ? 0 : (1u << 11))       /* SEP (SYSENTER) */
                 | (1u << 15)                   /* CMOV */
                 | (1u << 19)                   /* CLFSH */
                 | (1u << 23)                   /* MMX (baseline) */
                 | (1u << 24)                   /* FXSR */
                 | (1u << 25)                   /* SSE */
                 | (1u << 26);                  /* SSE2 */
        break;
    case 4: /* Intel deterministic cache parameters */
        if (amd) break;
        switch (sub) {
        case 0:
            out[0] = 0x121;
            out[1] = (7u << 22) | 63;
            out[2] = 63;
            break; /* L1d 32K 8w */
        case 1:
            out[0] = 0x122;
            out[1] = (7u << 22) | 63;
            out[2] = 63;
            break; /* L1i 32K */
        case 2:
            out[0] = 0x143;
            out[1] = (3u << 22) | 63;
            out[2] = 1023;
            break; /* L2 256K */
        case 3:
            out[0] = 0x163;
            out[1] = (15u << 22) | 63;
            out[2] = 8191;
            break; /* L3 8M */
        default: break;
        }
        break;
    case 7:
        if (sub == 0) {
            uint32_t h[4] = {0};
            __asm__ volatile("cpuid"
                             : "=a"(h[0]), "=b"(h[1]), "=c"(h[2]), "=d"(h[3])
                             : "a"(7), "c"(0));
            out[1] = (1u << 3)   /* BMI1: ANDN BEXTR BLSI BLSMSK BLSR TZCNT */
                     | (1u << 8) /* BMI2 (cpu/bmi2.c) */
                     | (1u << 9) /* ERMS */
                     /* CLWB: not on Zen 1 (#UD there, cpu/misc.c) */
                     | (amd && c->family == CPU_FAMILY_ZEN1 ? 0 : (1u << 24))
                     /* x87 pointer behaviour is the host's (the x87 runs on it) */
                     | (h[1] & ((1u << 6) | (1u << 13))); /* FDP_EXCPTN_ONLY, FCS/FDS deprecated */
            out[3] = 1u << 4;                             /* FSRM */
        }
        break;
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
        out[2] = (1u << 0)     /* LAHF/SAHF in 64-bit mode */
                 | (1u << 5);  /* ABM: LZCNT */
        if (amd) out[2] |= 1u << 29; /* MONITORX/MWAITX (cpu/system_ops.c) */
        out[3] = (1u << 11)    /* SYSCALL/SYSRET */
                 | (1u << 20)  /* NX */
                 | (1u << 27)  /* RDTSCP */
                 | (1u << 29); /* long mode */
        if (amd) out[3] |= (1u << 0) | (1u << 4) | (1u << 8) | (1u << 15) | (1u << 23) | (1u << 24);
        break;
    case 0x80000002: put_str(out, "ringside modelle"); break;
    case 0x80000003: put_str(out, amd ? "d x86-64 CPU (AM" : "d x86-64 CPU (In"); break;
    case 0x80000004:
        put_str(out, amd ? "D)\0\0\0\0\0\0\0\0\0\0\0\0\0\0" : "tel)\0\0\0\0\0\0\0\0\0\0\0\0");
        break;
    case 0x80000005: /* AMD L1 caches: 32K 8-way, 64-byte lines */
        if (amd) {
            out[2] = (32u << 24) | (8u << 16) | (1u << 8) | 64;
            out[3] = (32u << 24) | (8u << 16) | (1u << 8) | 64;
        }
        break;
    case 0x80000006: /* L2 512K 8-way; AMD: L3 16M 16-way */
        out[2] = (512u << 16) | (6u << 12) | 64;
        if (amd) out[3] = (32u << 18) | (8u << 12) | 64;
        break;
    case 0x80000008:
        out[0] = 0x3030; /* 48-bit virtual and physical addresses */
        if (amd) out[1] = 1u << 0; /* CLZERO (cpu/misc.c) */
        break;
    default: break;
    }
}
