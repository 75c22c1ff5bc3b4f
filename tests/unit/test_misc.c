/* NOPs and hints, CLC STC CMC CLD STD, LAHF SAHF, CBW..CQO, BSWAP, MOVBE,
 * XLAT, the UDn instructions and SALC (#UD in 64-bit mode), CLFLUSH and
 * friends (fault like a byte load) against the host CPU; RDTSC/RDTSCP
 * against the host's time stamp counter (the values differ by nature: the
 * check is that ringside's lies between two host reads and has the upper
 * register halves clear). */
#include <cpuid.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <x86intrin.h>

#include "harness.h"

#define ALLF 0x8d5ull

static Rng R;
static uint8_t data[DATA_SIZE];
static unsigned long own_fail;

typedef struct Raw {
    uint8_t b[15];
    uint8_t len;
} Raw;

static void fresh(RegState *st) {
    state_random(&R, st);
    for (int g = 0; g < 16; g++)
        if (g != 4) st->gpr[g] = rng_reg(&R, 1u << rng_below(&R, 4));
    data_random(&R, data);
}

static void run_raw(const Raw *t, size_t n, unsigned reps) {
    for (size_t k = 0; k < n; k++)
        for (unsigned it = 0; it < reps; it++) {
            RegState st;
            fresh(&st);
            diff_run(t[k].b, t[k].len, &st, data, ALLF);
        }
}

/* NOP forms, hints and fences. Memory operands of NOPs and prefetches are
 * never accessed: registers are random, so addresses are mostly bad. */
static void test_nops(void) {
    static const Raw t[] = {
        {{0x90}, 1},
        {{0x66, 0x90}, 2},
        {{0x0f, 0x1f, 0x00}, 3},
        {{0x0f, 0x1f, 0x40, 0x00}, 4},
        {{0x0f, 0x1f, 0x44, 0x00, 0x00}, 5},
        {{0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00}, 6},
        {{0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00}, 7},
        {{0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00}, 8},
        {{0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00}, 9},
        {{0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00}, 10},
        {{0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00}, 11},
        {{0x48, 0x0f, 0x1f, 0x04, 0x0b}, 5},          /* nop qword [rbx+rcx] */
        {{0x0f, 0x1f, 0xc0}, 3},                      /* nop eax (register form) */
        {{0x0f, 0x1f, 0x04, 0x25, 0, 0, 0, 0x40}, 8}, /* nop [unmapped] */
        {{0x0f, 0x19, 0x00}, 3},                      /* hint nops 0F 19..1E */
        {{0x0f, 0x1a, 0x00}, 3},                      /* MPX space: NOPs without MPX */
        {{0x0f, 0x1b, 0x00}, 3},                      /* bndstx */
        {{0xf3, 0x0f, 0x1b, 0x00}, 4},                /* bndmk */
        {{0xf3, 0x0f, 0x1a, 0x00}, 4},                /* bndcl */
        {{0xf2, 0x0f, 0x1a, 0x00}, 4},                /* bndcu */
        {{0xf2, 0x0f, 0x1b, 0x00}, 4},                /* bndcn */
        {{0x66, 0x0f, 0x1a, 0x00}, 4},                /* bndmov bnd0, [rax] */
        {{0x66, 0x0f, 0x1b, 0x00}, 4},                /* bndmov [rax], bnd0 */
        {{0x66, 0x0f, 0x1a, 0xc1}, 4},                /* bndmov bnd0, bnd1 */
        {{0x0f, 0x1d, 0x00}, 3},
        {{0x0f, 0x1e, 0x00}, 3},
        {{0xf3, 0x90}, 2},                   /* pause */
        {{0xf3, 0x0f, 0x1e, 0xfa}, 4},       /* endbr64 */
        {{0xf3, 0x0f, 0x1e, 0xfb}, 4},       /* endbr32 */
        {{0xf3, 0x48, 0x0f, 0x1e, 0xc8}, 5}, /* rdsspq rax: NOP without shadow stack */
        {{0xf3, 0x0f, 0x1e, 0xc9}, 4},       /* rdsspd ecx */
        {{0x0f, 0xae, 0xe8}, 3},             /* lfence */
        {{0x0f, 0xae, 0xf0}, 3},             /* mfence */
        {{0x0f, 0xae, 0xf8}, 3},             /* sfence */
        {{0x0f, 0x18, 0x00}, 3},             /* prefetchnta [rax] */
        {{0x0f, 0x18, 0x0b}, 3},             /* prefetcht0 [rbx] */
        {{0x0f, 0x18, 0x11}, 3},             /* prefetcht1 [rcx] */
        {{0x0f, 0x18, 0x1a}, 3},             /* prefetcht2 [rdx] */
        {{0x0f, 0x0d, 0x08}, 3},             /* prefetchw [rax] */
        {{0x0f, 0x0d, 0x00}, 3},             /* prefetch [rax] */
        {{0x0f, 0x0d, 0x38}, 3},             /* 0F 0D /7 [rax] */
        {{0x0f, 0x0d, 0xc1}, 3},             /* 0F 0D reg: #UD on AMD, NOP on Intel */
        {{0x66, 0x0f, 0x0d, 0xfb}, 4},
        {{0x0f, 0x18, 0xc1}, 3},                      /* 0F 18 reg: NOP on both */
        {{0x0f, 0x18, 0x04, 0x25, 0, 0, 0, 0x40}, 8}, /* prefetchnta [unmapped] */
        {{0x0f, 0x1c, 0x00}, 3},                      /* cldemote [rax] */
    };
    run_raw(t, sizeof t / sizeof t[0], iters(16));
}

void cpuid_query(struct Cpu *c, uint32_t leaf, uint32_t sub, uint32_t out[4]);

/* CLWB support (CPUID 7.0:EBX[24]) of the host, and of ringside's model
 * (which executes CLWB exactly when it advertises it: #UD on Zen 1). */
static int clwb_host(void) {
    unsigned a, b, c, d;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b >> 24 & 1);
}
static int clwb_model(void) {
    uint32_t out[4];
    cpuid_query(rs_cpu(), 7, 0, out);
    return out[1] >> 24 & 1;
}

/* CLFLUSH/CLFLUSHOPT/CLWB: like a byte load (#PF unmapped, #GP non-canonical). */
static void test_clflush(void) {
    static const uint8_t modrm[3] = {0x38, 0x38, 0x30}; /* /7 /7 /6 with [rax] */
    {
        /* ringside: CLWB runs iff its CPUID says CLWB (a valid address) */
        static const uint8_t clwb[] = {0x66, 0x0f, 0xae, 0x30};
        RegState st;
        fresh(&st);
        st.gpr[0] = DATA_ADDR;
        uint8_t d2[DATA_SIZE];
        memcpy(d2, data, DATA_SIZE);
        int sig = rs_exec(clwb, sizeof clwb, &st, d2);
        if (sig != (clwb_model() ? 0 : SIGILL)) {
            printf("test_misc: FAIL: clwb gives signal %d but the model's CPUID %s CLWB\n", sig,
                   clwb_model() ? "advertises" : "does not advertise");
            own_fail++;
        }
    }
    for (int k = 0; k < 3; k++) {
        if (k == 2 && clwb_host() != clwb_model()) {
            printf("test_misc: clwb vs host SKIPPED: the host %s CLWB, ringside's model of it "
                   "%s\n",
                   clwb_host() ? "has" : "lacks", clwb_model() ? "has it" : "does not");
            continue;
        }
        for (unsigned it = 0; it < iters(30); it++) {
            uint8_t code[8];
            size_t len = 0;
            if (k) code[len++] = 0x66; /* clflushopt, clwb */
            code[len++] = 0x0f;
            code[len++] = 0xae;
            code[len++] = modrm[k];
            RegState st;
            fresh(&st);
            switch (it % 3) {
            case 0: st.gpr[0] = DATA_ADDR + rng_below(&R, DATA_SIZE); break;
            case 1: st.gpr[0] = 0x40000000 + rng_below(&R, 1 << 20); break;
            default: st.gpr[0] = 0x8000000000000000ull + rng_below(&R, 1 << 20); break;
            }
            diff_run(code, len, &st, data, ALLF);
        }
    }
}

/* CLZERO (AMD; #UD on Intel): zeroes the 64-byte line at rAX like a store. */
static void test_clzero(void) {
    static const uint8_t pfx[][2] = {{0}, {1, 0x67}, {1, 0x36}, {1, 0x65}, {1, 0x2e}};
    for (unsigned it = 0; it < iters(200); it++) {
        uint8_t code[8];
        size_t len = 0;
        const uint8_t *p = pfx[it % 5];
        if (p[0]) code[len++] = p[1];
        code[len++] = 0x0f;
        code[len++] = 0x01;
        code[len++] = 0xfc;
        RegState st;
        fresh(&st);
        switch (rng_below(&R, 5)) {
        case 0: st.gpr[0] = DATA_ADDR + rng_below(&R, DATA_SIZE); break;
        case 1: st.gpr[0] = (rng_u64(&R) << 32) | (DATA_ADDR + rng_below(&R, DATA_SIZE)); break;
        case 2: st.gpr[0] = RO_ADDR + rng_below(&R, 4096); break;
        case 3: st.gpr[0] = 0x40000000 + rng_below(&R, 1 << 20); break;
        default: st.gpr[0] = 0x8000000000000000ull + rng_below(&R, 1 << 20); break;
        }
        diff_run(code, len, &st, data, ALLF);
    }
}

static void test_flagops(void) {
    static const Raw t[] = {
        {{0xf8}, 1},
        {{0xf9}, 1},
        {{0xf5}, 1},
        {{0xfc}, 1},
        {{0xfd}, 1},
        {{0x9f}, 1},
        {{0x9e}, 1},
        {{0x48, 0x01, 0xd8, 0xf5, 0x48, 0x11, 0xca}, 7}, /* add; cmc; adc */
        {{0x48, 0x29, 0xd8, 0x9f}, 4},                   /* sub; lahf */
        {{0x48, 0x01, 0xd8, 0x9e, 0x0f, 0x90, 0xc1}, 7}, /* add; sahf; seto cl (OF kept) */
        {{0x9e, 0x0f, 0x97, 0xc1, 0x0f, 0x9a, 0xc5}, 7}, /* sahf; seta cl; setp ch */
        {{0xff, 0xc0, 0xf8, 0x48, 0x19, 0xc9}, 6},       /* inc eax; clc; sbb rcx,rcx */
        {{0x48, 0x01, 0xd8, 0xf9, 0x9f}, 5},             /* add; stc; lahf */
        {{0xfd, 0x9c, 0x59, 0xfc}, 4},                   /* std; pushf; pop rcx; cld */
    };
    run_raw(t, sizeof t / sizeof t[0], iters(64));
}

static void test_cbw(void) {
    static const Raw t[] = {
        {{0x66, 0x98}, 2}, {{0x98}, 1}, {{0x48, 0x98}, 2},
        {{0x66, 0x99}, 2}, {{0x99}, 1}, {{0x48, 0x99}, 2},
    };
    static const unsigned src_size[] = {1, 2, 4, 2, 4, 8};
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++)
        for (unsigned it = 0; it < iters(64); it++) {
            RegState st;
            fresh(&st);
            st.gpr[0] = rng_reg(&R, src_size[k]);
            diff_run(t[k].b, t[k].len, &st, data, ALLF);
        }
}

static void test_bswap(void) {
    for (unsigned size = 2; size <= 8; size *= 2)
        for (unsigned r = 0; r < 16; r++)
            for (unsigned it = 0; it < iters(8); it++) {
                uint8_t code[4];
                size_t len = 0;
                if (size == 2) code[len++] = 0x66;
                if (size == 8 || r >= 8)
                    code[len++] = (uint8_t)(0x40 | (size == 8 ? 8 : 0) | (r >> 3));
                code[len++] = 0x0f;
                code[len++] = (uint8_t)(0xc8 + (r & 7));
                RegState st;
                fresh(&st);
                diff_run(code, len, &st, data, ALLF);
            }
}

static void test_movbe(void) {
    for (unsigned sz = 2; sz <= 8; sz *= 2)
        for (int store = 0; store < 2; store++) {
            unsigned done = 0, tries = 0, want = iters(60);
            while (done < want && tries++ < want * 20) {
                uint8_t code[16];
                MemSpec ms;
                ZydisEncoderOperand m = mem_pick(&R, sz, &ms);
                ZydisEncoderOperand r = E_reg(gpr_reg(sz, rng_below(&R, 16)));
                size_t len = store ? ENC(code, ZYDIS_MNEMONIC_MOVBE, m, r)
                                   : ENC(code, ZYDIS_MNEMONIC_MOVBE, r, m);
                if (!len) continue;
                done++;
                for (int k = 0; k < 3; k++) {
                    RegState st;
                    fresh(&st);
                    mem_apply(&ms, &st);
                    diff_run(code, len, &st, data, ALLF);
                }
            }
            if (!done) fprintf(stderr, "test_misc: could not encode movbe size %u\n", sz);
        }
    static const Raw t[] = {
        {{0x0f, 0x38, 0xf0, 0x04, 0x25, 0xfe, 0x1f, 0x00, 0x20}, 9}, /* movbe eax,[end-2] #PF */
        {{0x0f, 0x38, 0xf1, 0x04, 0x25, 0xfd, 0x1f, 0x00, 0x20}, 9}, /* movbe [end-3],eax #PF */
        {{0x66, 0x0f, 0x38, 0xf0, 0x04, 0x25, 0xff, 0x0f, 0x00, 0x20}, 10}, /* straddling */
        {{0x0f, 0x38, 0xf0, 0xc0}, 4},                                      /* register form: #UD */
    };
    run_raw(t, sizeof t / sizeof t[0], iters(8));
}

static void test_xlat(void) {
    static const Raw t[] = {
        {{0xd7}, 1}, {{0x48, 0xd7}, 2}, {{0x65, 0xd7}, 2}, {{0x2e, 0xd7}, 2}, {{0x67, 0xd7}, 2},
    };
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++)
        for (unsigned it = 0; it < iters(64); it++) {
            RegState st;
            fresh(&st);
            uint64_t base = DATA_ADDR + rng_below(&R, DATA_SIZE - 255);
            if (it % 8 == 7) base = DATA_ADDR + DATA_SIZE - rng_below(&R, 64); /* may run off */
            st.gpr[3] = base;
            if (t[k].b[0] == 0x67) st.gpr[3] |= rng_u64(&R) & ~0xffffffffull; /* ignored */
            diff_run(t[k].b, t[k].len, &st, data, ALLF);
        }
}

static void test_ud(void) {
    static const Raw t[] = {
        {{0x0f, 0x0b}, 2},       /* ud2 */
        {{0x0f, 0xb9, 0xc0}, 3}, /* ud1 eax, eax */
        {{0x0f, 0xb9, 0x00}, 3}, /* ud1 eax, [rax] */
        {{0x0f, 0xff, 0xc0}, 3}, /* ud0 */
        {{0xd6}, 1},             /* salc: invalid in 64-bit mode */
    };
    run_raw(t, sizeof t / sizeof t[0], iters(4));
}

/* RDTSC / RDTSCP: EDX:EAX from the host counter, upper halves clear; the
 * value must lie between host reads taken around the ringside run. RDTSCP's
 * ECX is TSC_AUX (an OS choice): only its upper half is checked. */
static void test_tsc(void) {
    static const Raw t[] = {{{0x0f, 0x31}, 2}, {{0x0f, 0x01, 0xf9}, 3}};
    for (int k = 0; k < 2; k++)
        for (unsigned it = 0; it < iters(20); it++) {
            RegState in, n, r;
            fresh(&in);
            static uint8_t dn[DATA_SIZE], dr[DATA_SIZE];
            memcpy(dn, data, DATA_SIZE);
            memcpy(dr, data, DATA_SIZE);
            n = in;
            r = in;
            int ns = native_exec(t[k].b, t[k].len, &n, dn);
            if (ns < 0) {
                fprintf(stderr, "test_misc: native side unavailable: SKIP\n");
                return;
            }
            uint64_t t0 = __rdtsc();
            int rs = rs_exec(t[k].b, t[k].len, &r, dr);
            uint64_t t1 = __rdtsc();
            uint64_t v = (r.gpr[2] << 32) | (uint32_t)r.gpr[0];
            int bad = ns != 0 || rs != 0 || (n.gpr[0] >> 32) || (n.gpr[2] >> 32) ||
                      (r.gpr[0] >> 32) || (r.gpr[2] >> 32) || v < t0 || v > t1 ||
                      (k == 1 && (r.gpr[1] >> 32));
            for (int g = 3; g < 16; g++)
                bad |= r.gpr[g] != in.gpr[g];
            if (k == 0) bad |= r.gpr[1] != in.gpr[1];
            bad |= ((r.rflags ^ in.rflags) & (ALLF | 0x400)) != 0;
            if (bad) {
                own_fail++;
                fprintf(stderr,
                        "test_misc: MISMATCH %s: sig native %d ringside %d; ringside "
                        "rax %016llx rdx %016llx rcx %016llx; host tsc %llu..%llu\n",
                        k ? "rdtscp" : "rdtsc", ns, rs, (unsigned long long)r.gpr[0],
                        (unsigned long long)r.gpr[2], (unsigned long long)r.gpr[1],
                        (unsigned long long)t0, (unsigned long long)t1);
            }
        }
}

int main(void) {
    test_begin("test_misc");
    R = rng_seeded(0x315c);
    test_nops();
    test_clflush();
    test_clzero();
    test_flagops();
    test_cbw();
    test_bswap();
    test_movbe();
    test_xlat();
    test_ud();
    test_tsc();
    int rc = test_end();
    if (own_fail) printf("test_misc: %lu RDTSC/RDTSCP mismatches\n", own_fail);
    return rc || own_fail ? 1 : 0;
}
