/* MOVS STOS LODS CMPS SCAS against the host CPU: every element size, no
 * prefix / REP(E) / REPNE, both directions, 64- and 32-bit address sizes
 * (upper register halves random), segment prefixes, counts 0 1 2 7, random
 * and 4096+, overlapping copies at every small distance, CMPS/SCAS early
 * termination, faults part-way through a REP (registers must show the
 * iterations done), elements straddling pages, INS/OUTS (#GP at CPL 3) and
 * self-modifying code written by REP STOSB. */
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define ALLF 0x8d5ull /* CF PF AF ZF SF OF: all defined (set, or left alone) */

enum { MOVS, CMPS, STOS, LODS, SCAS, NOPS };
static const uint8_t opc[NOPS] = {0xa4, 0xa6, 0xaa, 0xac, 0xae};
enum { RSI_ = 6, RDI_ = 7, RCX_ = 1, RAX_ = 0 };

static Rng R;
static uint8_t data[DATA_SIZE];

/* [67] [seg] [F3|F2] [66] [REX.W] opcode */
static size_t str_insn(uint8_t *b, int op, unsigned size, int rep, int a32, uint8_t seg) {
    size_t n = 0;
    if (a32) b[n++] = 0x67;
    if (seg) b[n++] = seg;
    if (rep == 1) b[n++] = 0xf3;
    if (rep == 2) b[n++] = 0xf2;
    if (size == 2) b[n++] = 0x66;
    if (size == 8) b[n++] = 0x48;
    b[n++] = (uint8_t)(opc[op] + (size > 1));
    return n;
}

/* A register holding `v` as seen through the address size: with a 32-bit
 * address size the upper half is random (it must be ignored / cleared). */
static uint64_t areg(uint64_t v, int a32) {
    return a32 ? (rng_u64(&R) & ~0xffffffffull) | (uint32_t)v : v;
}

/* Start address for `count` elements of `size` going up (or down) that stay
 * inside the data pages. */
static uint64_t pick_start(uint64_t count, unsigned size, int back) {
    uint64_t bytes = count ? count * size : size;
    uint64_t span = DATA_SIZE - bytes, off;
    switch (rng_below(&R, 4)) {
    case 0: off = (rng_below(&R, (unsigned)span + 1) / size) * size; break; /* aligned */
    case 1: /* around the page boundary */
        off = 4096 > bytes / 2 ? 4096 - bytes / 2 + rng_below(&R, 16) : 0;
        if (off > span) off = span;
        break;
    default: off = rng_below(&R, (unsigned)span + 1); break;
    }
    return DATA_ADDR + off + (back ? bytes - size : 0);
}

static uint64_t range_lo(uint64_t start, uint64_t count, unsigned size, int back) {
    return back && count ? start - (count - 1) * size : start;
}

/* Make CMPS/SCAS run for a while: REPE wants equal elements with maybe one
 * difference, REPNE different ones with maybe one match. */
static void plant(int op, int rep, unsigned size, uint64_t src, uint64_t dst, uint64_t count,
                  int back, uint64_t rax) {
    if (!count) return;
    uint64_t dlo = range_lo(dst, count, size, back) - DATA_ADDR;
    uint64_t k = rng_below(&R, (unsigned)count);
    uint64_t ek = (back ? dst - k * size : dst + k * size) - DATA_ADDR;
    int plant_one = rng_below(&R, 3) != 0;
    if (op == CMPS) {
        uint64_t slo = range_lo(src, count, size, back) - DATA_ADDR;
        uint64_t sk = (back ? src - k * size : src + k * size) - DATA_ADDR;
        if (rep == 1) {
            memmove(data + dlo, data + slo, count * size);
            if (plant_one) data[ek + rng_below(&R, size)] ^= (uint8_t)(1u << rng_below(&R, 8));
        } else if (plant_one) {
            memmove(data + ek, data + sk, size);
        }
    } else { /* SCAS: compare with the accumulator */
        if (rep == 1) {
            for (uint64_t j = 0; j < count; j++)
                memcpy(data + dlo + j * size, &rax, size);
            if (plant_one) data[ek + rng_below(&R, size)] ^= (uint8_t)(1u << rng_below(&R, 8));
        } else if (plant_one) {
            memcpy(data + ek, &rax, size);
        }
    }
}

static uint64_t pick_count(int big) {
    static const uint64_t fixed[] = {0, 1, 2, 7};
    unsigned k = rng_below(&R, 8);
    if (k < 4) return fixed[k];
    if (k < 6) return 3 + rng_below(&R, 62);
    return big ? 64 + rng_below(&R, 900) : 3 + rng_below(&R, 62);
}

static const uint8_t seg_prefixes[] = {0, 0, 0, 0x2e, 0x26, 0x36, 0x3e, 0x65};

/* mov r8, [rsp]; mov [rsp], r9: the stack page shares TLB slots with data
 * page 0 in ringside's direct-mapped TLB, so this runs the string
 * instruction's TLB-miss paths (flags untouched). */
static const uint8_t evict[] = {0x4c, 0x8b, 0x04, 0x24, 0x4c, 0x89, 0x0c, 0x24};

/* Every op x size x repeat kind x DF x address size with in-range data. */
static void test_matrix(void) {
    for (int op = 0; op < NOPS; op++)
        for (unsigned size = 1; size <= 8; size *= 2)
            for (int rep = 0; rep < 3; rep++)
                for (int df = 0; df < 2; df++)
                    for (int a32 = 0; a32 < 2; a32++)
                        for (unsigned it = 0; it < iters(12); it++) {
                            uint8_t code[24];
                            uint8_t seg = seg_prefixes[rng_below(&R, sizeof seg_prefixes)];
                            size_t len = 0;
                            if (rng_below(&R, 2)) { /* evict data page 0 from both TLBs */
                                memcpy(code, evict, sizeof evict);
                                len = sizeof evict;
                            }
                            len += str_insn(code + len, op, size, rep, a32, seg);
                            uint64_t count = rep ? pick_count(1) : 1;
                            if (count * size > DATA_SIZE) count = DATA_SIZE / size;
                            RegState st;
                            state_random(&R, &st);
                            data_random(&R, data);
                            st.rflags = (st.rflags & ~0x400ull) | (df ? 0x400 : 0);
                            uint64_t src = pick_start(count, size, df);
                            uint64_t dst = pick_start(count, size, df);
                            if (rng_below(&R, 4) == 0) st.gpr[RAX_] = rng_edge(&R, size);
                            if (op == CMPS || op == SCAS)
                                plant(op, rep, size, src, dst, count, df, st.gpr[RAX_]);
                            st.gpr[RSI_] = areg(src, a32);
                            st.gpr[RDI_] = areg(dst, a32);
                            if (rep) st.gpr[RCX_] = areg(count, a32);
                            diff_run(code, len, &st, data, ALLF);
                        }
}

/* Large runs over whole pages (the page-at-a-time fast paths). */
static void test_large(void) {
    static const struct {
        int op;
        unsigned size;
        int df, rep;
        uint64_t src, dst, count;
    } t[] = {
        {MOVS, 1, 0, 1, DATA_ADDR, DATA_ADDR + 4096, 4096},
        {MOVS, 1, 0, 1, DATA_ADDR + 4096, DATA_ADDR, 4096},
        {MOVS, 1, 1, 1, DATA_ADDR + 8191, DATA_ADDR + 4095, 4096},
        {MOVS, 8, 0, 1, DATA_ADDR, DATA_ADDR + 4096, 512},
        {MOVS, 8, 0, 1, DATA_ADDR + 3, DATA_ADDR + 4101, 511},
        {MOVS, 4, 1, 1, DATA_ADDR + 8188, DATA_ADDR + 4092, 1024},
        {MOVS, 1, 0, 1, DATA_ADDR, DATA_ADDR + 4000, 4192},        /* overlapping, dst ahead */
        {MOVS, 1, 0, 1, DATA_ADDR + 4000, DATA_ADDR, 4192},        /* overlapping, dst behind */
        {MOVS, 1, 1, 1, DATA_ADDR + 8191, DATA_ADDR + 4191, 4100}, /* down, dst behind */
        {MOVS, 1, 1, 1, DATA_ADDR + 4191, DATA_ADDR + 8191, 4100}, /* down, dst ahead */
        {MOVS, 2, 0, 1, DATA_ADDR + 1, DATA_ADDR + 3, 4000},
        {MOVS, 1, 0, 2, DATA_ADDR, DATA_ADDR + 4096, 4096}, /* F2 repeats MOVS too */
        {STOS, 1, 0, 1, 0, DATA_ADDR, 8192},
        {STOS, 8, 0, 1, 0, DATA_ADDR, 1024},
        {STOS, 8, 0, 1, 0, DATA_ADDR + 5, 1023},
        {STOS, 4, 1, 1, 0, DATA_ADDR + 8188, 2048},
        {STOS, 2, 1, 1, 0, DATA_ADDR + 8189, 4000},
        {STOS, 1, 1, 1, 0, DATA_ADDR + 8191, 8192},
        {LODS, 1, 0, 1, DATA_ADDR, 0, 8192},
        {LODS, 8, 1, 1, DATA_ADDR + 8184, 0, 1024},
        {CMPS, 1, 0, 1, DATA_ADDR, DATA_ADDR + 4096, 4096},
        {CMPS, 8, 1, 1, DATA_ADDR + 4088, DATA_ADDR + 8184, 512},
        {SCAS, 1, 0, 2, 0, DATA_ADDR, 8192},
        {SCAS, 4, 0, 1, 0, DATA_ADDR, 2048},
    };
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++)
        for (unsigned it = 0; it < iters(6); it++) {
            uint8_t code[16];
            int a32 = it & 1;
            size_t len = str_insn(code, t[k].op, t[k].size, t[k].rep, a32, 0);
            RegState st;
            state_random(&R, &st);
            data_random(&R, data);
            st.rflags = (st.rflags & ~0x400ull) | (t[k].df ? 0x400 : 0);
            if (t[k].op == CMPS || t[k].op == SCAS) {
                /* mostly equal (REPE) / mostly different (REPNE) */
                if (t[k].op == SCAS) st.gpr[RAX_] = t[k].rep == 2 ? 0x5a5a5a5a5a5a5a5aull : 0;
                if (t[k].op == SCAS && t[k].rep == 2)
                    for (unsigned b = 0; b < DATA_SIZE; b++)
                        if (data[b] == 0x5a) data[b] = 0;
                if (t[k].op == SCAS && t[k].rep == 1) memset(data, 0, DATA_SIZE);
                if (it >= 2)
                    plant(t[k].op, t[k].rep, t[k].size, t[k].src, t[k].dst, t[k].count, t[k].df,
                          st.gpr[RAX_]);
                else if (t[k].op == CMPS)
                    memmove(data + range_lo(t[k].dst, t[k].count, t[k].size, t[k].df) - DATA_ADDR,
                            data + range_lo(t[k].src, t[k].count, t[k].size, t[k].df) - DATA_ADDR,
                            t[k].count * t[k].size);
            }
            st.gpr[RSI_] = areg(t[k].src, a32);
            st.gpr[RDI_] = areg(t[k].dst, a32);
            st.gpr[RCX_] = areg(t[k].count, a32);
            diff_run(code, len, &st, data, ALLF);
        }
}

/* MOVS with the destination at every small distance from the source, both
 * directions: must equal the element-by-element definition. */
static void test_overlap(void) {
    for (unsigned size = 1; size <= 8; size *= 2)
        for (int df = 0; df < 2; df++)
            for (int dist = -20; dist <= 20; dist++)
                for (unsigned it = 0; it < iters(3); it++) {
                    uint8_t code[16];
                    size_t len = str_insn(code, MOVS, size, 1, 0, 0);
                    uint64_t count = it == 0 ? 1 + rng_below(&R, 40) : 1 + rng_below(&R, 900);
                    if (count * size + 40 > DATA_SIZE) count = (DATA_SIZE - 40) / size;
                    RegState st;
                    state_random(&R, &st);
                    data_random(&R, data);
                    st.rflags = (st.rflags & ~0x400ull) | (df ? 0x400 : 0);
                    uint64_t bytes = count * size;
                    uint64_t lo =
                        DATA_ADDR + 20 + rng_below(&R, (unsigned)(DATA_SIZE - 40 - bytes + 1));
                    uint64_t src = df ? lo + bytes - size : lo;
                    st.gpr[RSI_] = src;
                    st.gpr[RDI_] = src + (uint64_t)(int64_t)dist;
                    st.gpr[RCX_] = count;
                    diff_run(code, len, &st, data, ALLF);
                }
}

/* Runs that leave the data pages (unmapped around them): the fault must come
 * at the right iteration with RCX/RSI/RDI showing the iterations done; also
 * elements straddling the boundary between the two data pages. */
static void test_faults(void) {
    for (int op = 0; op < NOPS; op++)
        for (unsigned size = 1; size <= 8; size *= 2)
            for (int df = 0; df < 2; df++)
                for (unsigned it = 0; it < iters(10); it++) {
                    uint8_t code[16];
                    int a32 = rng_below(&R, 3) == 0;
                    int rep = op == CMPS || op == SCAS ? 1 + (int)rng_below(&R, 2) : 1;
                    size_t len = str_insn(code, op, size, rep, a32, 0);
                    RegState st;
                    state_random(&R, &st);
                    data_random(&R, data);
                    st.rflags = (st.rflags & ~0x400ull) | (df ? 0x400 : 0);
                    uint64_t count = 1 + rng_below(&R, it < 3 ? 40 : 3000);
                    uint64_t edge = df ? DATA_ADDR : DATA_ADDR + DATA_SIZE;
                    /* one pointer runs off the edge part-way (or straddles it) */
                    uint64_t near = df ? edge + rng_below(&R, (unsigned)(count * size) + 8)
                                       : edge - rng_below(&R, (unsigned)(count * size) + 8) - 1;
                    uint64_t other = DATA_ADDR + 2048 + rng_below(&R, 2048);
                    uint64_t src = near, dst = other;
                    if (op == STOS || op == SCAS || ((op == MOVS || op == CMPS) && (it & 1)))
                        src = other, dst = near;
                    if (op == CMPS || op == SCAS) {
                        /* equal elements so REPE keeps going into the fault */
                        st.gpr[RAX_] = 0;
                        memset(data, 0, DATA_SIZE);
                        if (rep == 2) st.gpr[RAX_] = 0x7f7f7f7f7f7f7f7full;
                        if (op == CMPS && rep == 2)
                            for (unsigned b = 0; b < DATA_SIZE; b++)
                                data[b] = (uint8_t)(b * 7 + 1);
                    }
                    st.gpr[RSI_] = areg(src, a32);
                    st.gpr[RDI_] = areg(dst, a32);
                    st.gpr[RCX_] = areg(count, a32);
                    diff_run(code, len, &st, data, ALLF);
                }
    /* elements across the page boundary inside the data, and unmapped starts */
    for (int op = 0; op < NOPS; op++)
        for (unsigned size = 2; size <= 8; size *= 2)
            for (unsigned off = 1; off < size; off++) {
                uint8_t code[16];
                size_t len = str_insn(code, op, size, 1, 0, 0);
                RegState st;
                state_random(&R, &st);
                data_random(&R, data);
                st.rflags &= ~0x400ull;
                st.gpr[RSI_] = DATA_ADDR + 4096 - off - size * rng_below(&R, 4);
                st.gpr[RDI_] = DATA_ADDR + 4096 - off - size * rng_below(&R, 4) + 512;
                st.gpr[RCX_] = 1 + rng_below(&R, 9);
                diff_run(code, len, &st, data, ALLF);
                st.gpr[RSI_] = 0x40000000 + off;
                diff_run(code, len, &st, data, ALLF);
                st.gpr[RSI_] = DATA_ADDR;
                st.gpr[RDI_] = 0x8000000000000000ull + off; /* non-canonical: #GP */
                diff_run(code, len, &st, data, ALLF);
            }
}

/* REP with RCX = 0 (nothing happens, flags unchanged) and the 32-bit
 * address size quirks: upper register halves with ECX = 0 or a fault on the
 * first iteration. */
static void test_count_zero(void) {
    for (int op = 0; op < NOPS; op++)
        for (unsigned size = 1; size <= 8; size *= 2)
            for (int rep = 1; rep < 3; rep++)
                for (int a32 = 0; a32 < 2; a32++)
                    for (unsigned it = 0; it < iters(4); it++) {
                        uint8_t code[16];
                        size_t len = str_insn(code, op, size, rep, a32, 0);
                        RegState st;
                        state_random(&R, &st);
                        data_random(&R, data);
                        st.gpr[RCX_] = a32 ? rng_u64(&R) & ~0xffffffffull : 0;
                        if (it & 1) { /* pointers to unmapped memory: never touched */
                            st.gpr[RSI_] = rng_u64(&R);
                            st.gpr[RDI_] = rng_u64(&R);
                        }
                        diff_run(code, len, &st, data, ALLF);
                        if (a32) { /* first iteration faults: what was zero-extended? */
                            st.gpr[RCX_] = (rng_u64(&R) & ~0xffffffffull) | 5;
                            st.gpr[RSI_] = (rng_u64(&R) & ~0xffffffffull) | 0xfffffff0u;
                            st.gpr[RDI_] = (rng_u64(&R) & ~0xffffffffull) | 0xfffffff0u;
                            diff_run(code, len, &st, data, ALLF);
                        }
                    }
}

/* Flags around string instructions in one block: lazy flags from before a
 * MOVS/STOS/LODS survive it; CMPS/SCAS flags are read by the next one. */
static void test_chains(void) {
    static const struct {
        uint8_t b[16];
        uint8_t len;
    } seq[] = {
        {{0x48, 0x01, 0xd8, 0xf3, 0xa4, 0x48, 0x11, 0xd2}, 8}, /* add; rep movsb; adc rdx,rdx */
        {{0x29, 0xd8, 0xf3, 0x48, 0xab, 0x9c, 0x5a}, 7},       /* sub; rep stosq; pushf; pop rdx */
        {{0xf3, 0xa6, 0x0f, 0x92, 0xc2, 0x0f, 0x94, 0xc6}, 8}, /* repe cmpsb; setb dl; sete dh */
        {{0xf2, 0xae, 0x0f, 0x9c, 0xc2, 0x0f, 0x9a, 0xc6}, 8}, /* repne scasb; setl dl; setp dh */
        {{0xa7, 0x19, 0xc0}, 3},                               /* cmpsd; sbb eax,eax */
        {{0xfd, 0xf3, 0xa4, 0xfc, 0xa4}, 5},                   /* std; rep movsb; cld; movsb */
    };
    for (size_t k = 0; k < sizeof seq / sizeof seq[0]; k++)
        for (unsigned it = 0; it < iters(60); it++) {
            RegState st;
            state_random(&R, &st);
            data_random(&R, data);
            st.rflags &= ~0x400ull;
            if (k == 5)
                st.gpr[RSI_] = DATA_ADDR + 1024 + rng_below(&R, 1024);
            else
                st.gpr[RSI_] = DATA_ADDR + rng_below(&R, 2048);
            st.gpr[RDI_] = DATA_ADDR + 4096 + rng_below(&R, 2048);
            st.gpr[RCX_] = rng_below(&R, 4) == 0 ? 0 : rng_below(&R, 1000);
            if (k == 2 || k == 3) {
                memcpy(data + 4096, data, 4096);
                if (rng_below(&R, 2)) data[4096 + rng_below(&R, 4096)] ^= 0x10;
                st.gpr[RDI_] = st.gpr[RSI_] + 4096;
            }
            diff_run(seq[k].b, seq[k].len, &st, data, ALLF);
        }
}

/* INS/OUTS at CPL 3 with IOPL 0: #GP (SIGSEGV), whatever the count. */
static void test_io(void) {
    static const uint8_t op[] = {0x6c, 0x6d, 0x6e, 0x6f};
    for (int k = 0; k < 4; k++)
        for (int pfx = 0; pfx < 4; pfx++)
            for (int cnt = 0; cnt < 2; cnt++) {
                uint8_t code[4];
                size_t len = 0;
                if (pfx & 1) code[len++] = 0xf3;
                if (pfx & 2) code[len++] = 0x66;
                code[len++] = op[k];
                RegState st;
                state_random(&R, &st);
                data_random(&R, data);
                st.gpr[RCX_] = (uint64_t)cnt;
                st.gpr[RSI_] = st.gpr[RDI_] = DATA_ADDR + 64;
                diff_run(code, len, &st, data, ALLF);
            }
}

/* REP STOSB overwriting the instructions that follow it (ud2 -> nops): the
 * new code must run. Each snippet is run once (the code page stays
 * modified afterwards). */
static void test_smc(void) {
    for (unsigned n = 2; n <= 40; n += 2) {
        uint8_t code[128];
        size_t len = 0;
        /* lea rdi, [rip + 8]  (skips mov ecx, imm32 and rep stosb: 5 + 2 = 7, +1 nop) */
        const uint8_t lea[] = {0x48, 0x8d, 0x3d, 0x08, 0x00, 0x00, 0x00};
        memcpy(code + len, lea, sizeof lea);
        len += sizeof lea;
        code[len++] = 0xb9; /* mov ecx, n */
        uint32_t cnt = n;
        memcpy(code + len, &cnt, 4);
        len += 4;
        code[len++] = 0xf3; /* rep stosb */
        code[len++] = 0xaa;
        code[len++] = 0x90; /* the target starts after this nop */
        for (unsigned k = 0; k < n / 2; k++) {
            code[len++] = 0x0f; /* ud2 */
            code[len++] = 0x0b;
        }
        code[len++] = 0x48; /* inc rax: proves we got here */
        code[len++] = 0xff;
        code[len++] = 0xc0;
        RegState st;
        state_random(&R, &st);
        data_random(&R, data);
        st.gpr[RAX_] = 0x90; /* AL = nop */
        st.rflags &= ~0x400ull;
        diff_run(code, len, &st, data, ALLF);
    }
}

int main(void) {
    test_begin("test_string");
    R = rng_seeded(0x5712);
    test_matrix();
    test_large();
    test_overlap();
    test_faults();
    test_count_zero();
    test_chains();
    test_io();
    test_smc();
    return test_end();
}
