/* CPUID: the modelled CPU. Its vendor is a setting; it advertises only the
 * features ringside implements (FPU, MMX, SSE, SSE2, CMOV, CX8/CX16, POPCNT,
 * LZCNT, BMI1, MOVBE, ...); no XSAVE, so no AVX.
 * Performance hints (ERMS/FSRM) are advertised because REP MOVSB/STOSB are
 * implemented with page-sized fast paths. */
#include <string.h>

#include "system.h"

static void put_str(uint32_t out[4], const char *s) { memcpy(out, s, 16); }

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
        out[0] = amd ? 0x00830f10 : 0x000906ea; /* Zen 2 EPYC / Coffee Lake */
        out[1] = (8u << 8) | (1u << 16);        /* CLFLUSH line 64 bytes, 1 logical CPU */
        out[2] = (1u << 13)                     /* CMPXCHG16B */
                 | (1u << 22)                   /* MOVBE */
                 | (1u << 23);                  /* POPCNT */
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
                     | (1u << 9) /* ERMS */
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
        if (amd) out[0] = 0x00830f10;
        out[2] = (1u << 0)     /* LAHF/SAHF in 64-bit mode */
                 | (1u << 5);  /* ABM: LZCNT */
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
        break;
    default: break;
    }
}
