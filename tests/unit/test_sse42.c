/* SSE4.2, AES-NI, PCLMULQDQ and BMI2 against the host:
 * - PCMPESTRI PCMPESTRM PCMPISTRI PCMPISTRM for every imm8 (0..255), with
 *   string-like contents (a small alphabet, so that characters, ranges and
 *   substrings match; zero elements at random places), explicit lengths
 *   around 0..±17 and edge values, 32-bit lengths and 64-bit ones (REX.W),
 *   register and unaligned memory sources; all six flags, ECX, XMM0.
 * - CRC32 r32/r64 with r/m8/16/32/64.
 * - AESENC AESENCLAST AESDEC AESDECLAST AESIMC AESKEYGENASSIST (every imm8),
 *   a whole AES-128 key expansion and encryption/decryption, PCLMULQDQ
 *   (every imm8); m128 operands aligned and misaligned (#GP).
 * - BZHI MULX PDEP PEXT RORX SARX SHLX SHRX, 32/64-bit, register and memory.
 * CRC32, AES and PCLMULQDQ run twice: with ringside's host-instruction path
 * and with its portable code (RINGSIDE_SOFT_CRYPTO, read at decode time).
 * Each group is skipped (with a message) when the host lacks the feature. */
#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sse_test.h"

#define CF   0x001ull
#define PF   0x004ull
#define AF   0x010ull
#define ZF   0x040ull
#define SF   0x080ull
#define OF   0x800ull
#define ALLF (CF | PF | AF | ZF | SF | OF)

static Rng R;
static uint8_t data[DATA_SIZE];

static int host_has(unsigned leaf, int reg, unsigned bit) {
    unsigned r[4] = {0};
    if (!__get_cpuid_count(leaf, 0, &r[0], &r[1], &r[2], &r[3])) return 0;
    return (r[reg] >> bit) & 1;
}

/* Base registers for memory operands that no instruction here reads
 * implicitly (not RAX RCX RDX, not RSP RBP R12 R13 whose ModRM forms
 * differ). */
static unsigned mem_base(void) {
    static const unsigned pick[] = {3, 6, 7, 8, 9, 10, 11, 14, 15};
    return pick[rng_below(&R, sizeof pick / sizeof pick[0])];
}

/* ---- PCMPxSTRx ---- */

/* A string-like element: mostly a few letters, sometimes zero, sign
 * boundaries or random. */
static unsigned str_elem(int words) {
    static const uint16_t alpha[] = {'a',  'b',  'c',    'd',    'z',    0x7f,
                                     0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x100};
    switch (rng_below(&R, 10)) {
    case 0: return 0;
    case 1: return (unsigned)rng_u64(&R);
    case 2: return alpha[rng_below(&R, words ? 12 : 8)];
    default: return 'a' + rng_below(&R, 4);
    }
}
static void str_fill(uint8_t *p, int words) {
    for (unsigned k = 0; k < 16; k += words ? 2 : 1) {
        unsigned v = str_elem(words);
        if (rng_below(&R, 3)) v = v ? v : 'a'; /* fewer zero elements */
        memcpy(p + k, &v, words ? 2 : 1);
    }
    if (rng_below(&R, 3) == 0) { /* a terminator at a random place */
        unsigned at = rng_below(&R, 16) & (words ? ~1u : ~0u);
        memset(p + at, 0, words ? 2 : 1);
    }
}
/* The needle as a piece of the haystack (so equal-ordered finds it). */
static void str_overlap(uint8_t *needle, const uint8_t *hay) {
    unsigned from = rng_below(&R, 16), n = 1 + rng_below(&R, 16 - from);
    memmove(needle, hay + from, n); /* the two may overlap */
    if (n < 16 && rng_below(&R, 2)) needle[n] = 0;
}
static uint64_t str_len_reg(void) {
    switch (rng_below(&R, 8)) {
    case 0: return rng_edge(&R, 8);
    case 1: return (uint64_t)(int64_t)(int)rng_edge(&R, 4);
    case 2: return (rng_u64(&R) << 32) | rng_below(&R, 20); /* upper half ignored by 32-bit */
    default: return (uint64_t)((int64_t)rng_below(&R, 41) - 20);
    }
}

/* 66 [REX] 0F 3A op ModRM [imm]: xmm d, xmm s (or [base] when mem). */
static size_t pcmp_encode(uint8_t *code, uint8_t op, int w, unsigned d, unsigned s, int mem,
                          unsigned base, unsigned imm) {
    size_t n = 0;
    unsigned rm = mem ? base : s;
    code[n++] = 0x66;
    uint8_t rex = (uint8_t)(0x40 | (w ? 8 : 0) | ((d >> 3) << 2) | (rm >> 3));
    if (rex != 0x40 || rng_below(&R, 8) == 0) code[n++] = rex;
    code[n++] = 0x0f;
    code[n++] = 0x3a;
    code[n++] = op;
    code[n++] = (uint8_t)((mem ? 0x00 : 0xc0) | ((d & 7) << 3) | (rm & 7));
    code[n++] = (uint8_t)imm;
    return n;
}

static void test_pcmpstr(void) {
    static const struct {
        uint8_t op;
        const char *name;
        int explicit_len;
    } ins[] = {{0x60, "pcmpestrm", 1},
               {0x61, "pcmpestri", 1},
               {0x62, "pcmpistrm", 0},
               {0x63, "pcmpistri", 0}};
    for (int k = 0; k < 4; k++)
        for (unsigned imm = 0; imm < 256; imm++)
            for (unsigned it = 0; it < iters(8); it++) {
                int words = imm & 1, mem = it & 1;
                RegState st;
                sse_state(&R, &st, data, LT_BITS);
                st.mxcsr = 0x1f80;
                unsigned d = rng_below(&R, 16), s = rng_below(&R, 16), base = mem_base();
                uint8_t *src = st.xmm[s];
                if (mem) {
                    uint64_t off = rng_below(&R, DATA_SIZE - 16);
                    st.gpr[base] = DATA_ADDR + off;
                    src = data + off;
                }
                str_fill(st.xmm[d], words);
                str_fill(src, words);
                if (rng_below(&R, 3) == 0) str_overlap(st.xmm[d], src);
                if (!mem && rng_below(&R, 8) == 0) s = d;
                if (ins[k].explicit_len) {
                    st.gpr[0] = str_len_reg();
                    st.gpr[2] = str_len_reg();
                }
                uint8_t code[16];
                int w = ins[k].explicit_len && rng_below(&R, 2);
                size_t len = pcmp_encode(code, ins[k].op, w, d, s, mem, base, imm);
                sse_diff(code, len, &st, data, ALLF);
            }
}

/* ---- CRC32 ---- */

static void test_crc32(void) {
    static const struct { unsigned dsz, ssz; } forms[] = {{4, 1}, {4, 2}, {4, 4}, {8, 1}, {8, 8}};
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++)
        for (int mem = 0; mem < 2; mem++)
            for (unsigned it = 0; it < iters(200); it++) {
                RegState st;
                state_random(&R, &st);
                data_random(&R, data);
                unsigned dr = rng_gpr(&R, 8), sr = rng_gpr(&R, forms[f].ssz);
                MemSpec ms;
                ZydisEncoderOperand src =
                    mem ? mem_pick(&R, forms[f].ssz, &ms) : E_reg(gpr_reg(forms[f].ssz, sr));
                uint8_t code[16];
                size_t len = ENC(code, ZYDIS_MNEMONIC_CRC32, E_reg(gpr_reg(forms[f].dsz, dr)), src);
                if (!len) continue; /* AH..BH with REX */
                for (int g = 0; g < 16; g++)
                    if (g != 4) st.gpr[g] = rng_reg(&R, 8);
                if (mem) mem_apply(&ms, &st);
                diff_run(code, len, &st, data, ALLF);
            }
    /* a loop over a buffer, as checksum code runs it */
    static const uint8_t loop[] = {
        0xf2, 0x48, 0x0f, 0x38, 0xf1, 0x06, /* crc32 rax, qword [rsi] */
        0x48, 0x83, 0xc6, 0x08,             /* add rsi, 8 */
        0xff, 0xc9,                         /* dec ecx */
        0x75, 0xf2,                         /* jnz loop */
        0xf2, 0x0f, 0x38, 0xf0, 0x06,       /* crc32 eax, byte [rsi] */
    };
    for (unsigned it = 0; it < iters(20); it++) {
        RegState st;
        state_random(&R, &st);
        data_random(&R, data);
        st.gpr[6] = DATA_ADDR + rng_below(&R, 64);
        st.gpr[1] = 1 + rng_below(&R, 1000);
        diff_run(loop, sizeof loop, &st, data, ALLF);
    }
}

/* ---- AES-NI, PCLMULQDQ ---- */

/* xmm d, xmm s / m128 [, imm]: the memory form aligned, sometimes not. */
static void xmm_case(ZydisMnemonic m, int imm) {
    RegState st;
    sse_state(&R, &st, data, LT_BITS);
    st.mxcsr = 0x1f80;
    unsigned d = rng_below(&R, 16), s = rng_below(&R, 16);
    uint8_t code[16];
    size_t len;
    if (rng_below(&R, 2)) {
        ZydisEncoderOperand ds = E_reg(xmm(d)), ss = E_reg(xmm(s));
        len = imm >= 0 ? ENC(code, m, ds, ss, E_imm(imm)) : ENC(code, m, ds, ss);
    } else {
        unsigned b = mem_base();
        uint64_t off = rng_below(&R, DATA_SIZE / 16) * 16;
        if (rng_below(&R, 8) == 0) off = rng_below(&R, DATA_SIZE - 16);
        st.gpr[b] = DATA_ADDR + off;
        ZydisEncoderOperand ds = E_reg(xmm(d)),
                            mo = E_mem(16, gpr_reg(8, b), ZYDIS_REGISTER_NONE, 0, 0);
        len = imm >= 0 ? ENC(code, m, ds, mo, E_imm(imm)) : ENC(code, m, ds, mo);
    }
    if (!len) {
        fprintf(stderr, "cannot encode %s\n", ZydisMnemonicGetString(m));
        exit(1);
    }
    sse_diff_fault(code, len, &st, data);
}

/* AES-128 in registers: xmm0 = key, xmm1 = block. Key expansion with
 * AESKEYGENASSIST into xmm2..xmm12 (the usual schedule with PSHUFD, PSLLDQ
 * and PXOR), ten rounds of encryption of xmm1 (the ciphertext copied to
 * xmm0), then the inverse key schedule with AESIMC and ten rounds of
 * decryption of xmm1 (the block again). */
static size_t aes128_program(uint8_t *p) {
    size_t n = 0;
#define B(...)                                                                                     \
    do {                                                                                           \
        const uint8_t b_[] = {__VA_ARGS__};                                                        \
        memcpy(p + n, b_, sizeof b_);                                                              \
        n += sizeof b_;                                                                            \
    } while (0)
    static const uint8_t rcon[10] = {1, 2, 4, 8, 16, 32, 64, 0x80, 0x1b, 0x36};
    B(0x66, 0x0f, 0x6f, 0xd0); /* movdqa xmm2, xmm0 (round key 0) */
    for (unsigned r = 0; r < 10; r++) {
        unsigned prev = 2 + r, next = 3 + r; /* xmm registers */
        /* aeskeygenassist xmm13, xmm_prev, rcon; pshufd xmm13, xmm13, 0xff */
        B(0x66, 0x44 | ((prev >> 3) & 1), 0x0f, 0x3a, 0xdf, (uint8_t)(0xe8 | (prev & 7)), rcon[r]);
        B(0x66, 0x45, 0x0f, 0x70, 0xed, 0xff);
        /* movdqa xmm14, xmm_prev; movdqa xmm15, xmm14 */
        B(0x66, 0x44 | ((prev >> 3) & 1), 0x0f, 0x6f, (uint8_t)(0xf0 | (prev & 7)));
        B(0x66, 0x45, 0x0f, 0x6f, 0xfe);
        for (int k = 0; k < 3; k++) {
            B(0x66, 0x41, 0x0f, 0x73, 0xff, 0x04); /* pslldq xmm15, 4 */
            B(0x66, 0x45, 0x0f, 0xef, 0xf7);       /* pxor xmm14, xmm15 */
        }
        B(0x66, 0x45, 0x0f, 0xef, 0xf5); /* pxor xmm14, xmm13 */
        /* movdqa xmm_next, xmm14 */
        B(0x66, 0x41 | (((next >> 3) & 1) << 2), 0x0f, 0x6f, (uint8_t)(0xc6 | ((next & 7) << 3)));
    }
    B(0x66, 0x0f, 0xef, 0xca); /* pxor xmm1, xmm2 */
    for (unsigned r = 1; r <= 10; r++) {
        unsigned k = 2 + r;
        uint8_t op = r == 10 ? 0xdd : 0xdc; /* aesenclast / aesenc xmm1, xmm_k */
        B(0x66, 0x40 | ((k >> 3) & 1), 0x0f, 0x38, op, (uint8_t)(0xc8 | (k & 7)));
    }
    B(0x66, 0x0f, 0x6f, 0xc1);       /* movdqa xmm0, xmm1 */
    B(0x66, 0x41, 0x0f, 0xef, 0xcc); /* pxor xmm1, xmm12 */
    for (unsigned r = 9; r >= 1; r--) {
        unsigned k = 2 + r;
        /* aesimc xmm13, xmm_k; aesdec xmm1, xmm13 */
        B(0x66, 0x44 | ((k >> 3) & 1), 0x0f, 0x38, 0xdb, (uint8_t)(0xe8 | (k & 7)));
        B(0x66, 0x41, 0x0f, 0x38, 0xde, 0xcd);
    }
    B(0x66, 0x0f, 0x38, 0xdf, 0xca); /* aesdeclast xmm1, xmm2 */
#undef B
    return n;
}

static void test_crypto(void) {
    static const ZydisMnemonic aes[] = {ZYDIS_MNEMONIC_AESENC, ZYDIS_MNEMONIC_AESENCLAST,
                                        ZYDIS_MNEMONIC_AESDEC, ZYDIS_MNEMONIC_AESDECLAST,
                                        ZYDIS_MNEMONIC_AESIMC};
    if (host_has(1, 2, 25)) {
        for (size_t k = 0; k < sizeof aes / sizeof aes[0]; k++)
            for (unsigned it = 0; it < iters(300); it++)
                xmm_case(aes[k], -1);
        for (unsigned imm = 0; imm < 256; imm++)
            for (unsigned it = 0; it < iters(3); it++)
                xmm_case(ZYDIS_MNEMONIC_AESKEYGENASSIST, (int)imm);
        uint8_t code[1024];
        size_t len = aes128_program(code);
        for (unsigned it = 0; it < iters(20); it++) {
            RegState st;
            sse_state(&R, &st, data, LT_BITS);
            st.mxcsr = 0x1f80;
            sse_diff(code, len, &st, data, ALLF);
        }
    } else {
        printf("test_sse42: host lacks AES-NI: not compared\n");
    }
    if (host_has(1, 2, 1)) {
        for (unsigned imm = 0; imm < 256; imm++)
            for (unsigned it = 0; it < iters(4); it++)
                xmm_case(ZYDIS_MNEMONIC_PCLMULQDQ, (int)imm);
    } else {
        printf("test_sse42: host lacks PCLMULQDQ: not compared\n");
    }
}

/* ---- BMI2 ---- */

static void test_bmi2(void) {
    static const struct {
        ZydisMnemonic m;
        int shape; /* 0: r, r/m, r   1: r, r, r/m   2: r, r/m, imm */
        uint64_t defined;
    } ops[] = {
        {ZYDIS_MNEMONIC_BZHI, 0, CF | ZF | SF | OF},
        {ZYDIS_MNEMONIC_MULX, 1, ALLF},
        {ZYDIS_MNEMONIC_PDEP, 1, ALLF},
        {ZYDIS_MNEMONIC_PEXT, 1, ALLF},
        {ZYDIS_MNEMONIC_RORX, 2, ALLF},
        {ZYDIS_MNEMONIC_SARX, 0, ALLF},
        {ZYDIS_MNEMONIC_SHLX, 0, ALLF},
        {ZYDIS_MNEMONIC_SHRX, 0, ALLF},
    };
    if (!host_has(7, 1, 8)) {
        printf("test_sse42: host lacks BMI2: not compared\n");
        return;
    }
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
        for (unsigned sz = 4; sz <= 8; sz *= 2)
            for (int mem = 0; mem < 2; mem++)
                for (unsigned it = 0; it < iters(150); it++) {
                    unsigned r0 = rng_gpr(&R, sz), r1 = rng_gpr(&R, sz), r2 = rng_gpr(&R, sz);
                    if (r0 == 4 || r1 == 4 || r2 == 4) continue; /* RSP: the harness's stack */
                    if (rng_below(&R, 8) == 0) r1 = r0;
                    MemSpec ms;
                    ZydisEncoderOperand rm = mem ? mem_pick(&R, sz, &ms) : E_reg(gpr_reg(sz, r2));
                    ZydisEncoderOperand a = E_reg(gpr_reg(sz, r0)), b = E_reg(gpr_reg(sz, r1));
                    uint8_t code[16];
                    size_t len;
                    unsigned cnt = rng_below(&R, 2) ? rng_below(&R, 70) : (unsigned)rng_u64(&R);
                    switch (ops[o].shape) {
                    case 0: len = ENC(code, ops[o].m, a, rm, b); break;
                    case 1: len = ENC(code, ops[o].m, a, b, rm); break;
                    default: len = ENC(code, ops[o].m, a, rm, E_imm(cnt & 0xff)); break;
                    }
                    if (!len) continue;
                    RegState st;
                    state_random(&R, &st);
                    data_random(&R, data);
                    for (int g = 0; g < 16; g++)
                        if (g != 4) st.gpr[g] = rng_reg(&R, sz);
                    if (ops[o].shape == 0 && rng_below(&R, 2)) /* count / index near the width */
                        st.gpr[r1] = (st.gpr[r1] & ~0xffull) | (cnt & 0xff);
                    if (mem) mem_apply(&ms, &st);
                    diff_run(code, len, &st, data, ops[o].defined);
                }
}

int main(void) {
    test_begin("test_sse42");
    R = rng_seeded(0x42);
    int sse42 = host_has(1, 2, 20);
    if (!sse42) printf("test_sse42: host lacks SSE4.2: PCMPxSTRx and CRC32 not compared\n");
    unsetenv("RINGSIDE_SOFT_CRYPTO");
    if (sse42) test_pcmpstr();
    test_bmi2();
    if (sse42) test_crc32();
    test_crypto();
    /* ringside's portable CRC32/AES/PCLMUL code: selected at decode time, and
     * every snippet below differs from the last one above (the harness then
     * rewrites the code page, which drops decoded blocks) */
    setenv("RINGSIDE_SOFT_CRYPTO", "1", 1);
    static const uint8_t nop[] = {0x90, 0x90, 0x90};
    RegState st;
    state_random(&R, &st);
    diff_run(nop, sizeof nop, &st, data, ALLF);
    if (sse42) test_crc32();
    test_crypto();
    return sse_end();
}
