/* XCHG XADD CMPXCHG CMPXCHG8B CMPXCHG16B against the host CPU: register and
 * memory forms in every size (AH..BH, the same register twice, 90+r), LOCK
 * on memory forms, operands straddling pages, compare success and failure
 * (register destination upper halves), 16-byte alignment (#GP), unmapped
 * memory (#PF with nothing changed), and the #UD forms (LOCK on a register
 * destination, register operand of CMPXCHG8B/16B). */
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define ALLF 0x8d5ull
#define LOCK ZYDIS_ATTRIB_HAS_LOCK

static Rng R;
static uint8_t data[DATA_SIZE];

static void run(const uint8_t *code, size_t len, const MemSpec *ms, RegState *st) {
    if (ms) mem_apply(ms, st);
    diff_run(code, len, st, data, ALLF);
}

static void fresh(RegState *st) {
    state_random(&R, st);
    for (int g = 0; g < 16; g++)
        if (g != 4) st->gpr[g] = rng_reg(&R, 1u << rng_below(&R, 4));
    data_random(&R, data);
}

/* Make the accumulator equal the destination (register or memory) half of
 * the time, so both CMPXCHG outcomes are covered. */
static void maybe_equal(RegState *st, unsigned size, int dst_reg, const MemSpec *ms) {
    if (rng_below(&R, 2)) return;
    uint64_t v = 0;
    if (ms) {
        memcpy(&v, data + (ms->addr - DATA_ADDR), size);
    } else if (dst_reg >= 16) {
        v = (st->gpr[dst_reg - 16] >> 8) & 0xff; /* AH..BH */
    } else {
        v = st->gpr[dst_reg];
    }
    uint64_t m = size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
    st->gpr[0] = (st->gpr[0] & ~m) | (v & m);
}

static void test_rm_r(ZydisMnemonic mn, int is_cmpxchg) {
    for (unsigned sz = 1; sz <= 8; sz *= 2)
        for (int mem = 0; mem < 2; mem++) {
            unsigned done = 0, tries = 0, want = iters(60);
            while (done < want && tries++ < want * 20) {
                uint8_t code[16];
                MemSpec ms;
                unsigned rd = rng_gpr(&R, sz), rs = rng_below(&R, 4) == 0 ? rd : rng_gpr(&R, sz);
                ZydisEncoderOperand dst = mem ? mem_pick(&R, sz, &ms) : E_reg(gpr_reg(sz, rd));
                uint32_t pfx = mem && rng_below(&R, 2) ? LOCK : 0;
                size_t len = ENC_P(code, mn, pfx, dst, E_reg(gpr_reg(sz, rs)));
                if (!len) continue;
                done++;
                for (int k = 0; k < 4; k++) {
                    RegState st;
                    fresh(&st);
                    if (mem) mem_apply(&ms, &st);
                    if (is_cmpxchg) maybe_equal(&st, sz, mem ? -1 : (int)rd, mem ? &ms : NULL);
                    run(code, len, mem ? &ms : NULL, &st);
                }
            }
            if (!done)
                fprintf(stderr, "test_atomic: could not encode %s size %u\n",
                        ZydisMnemonicGetString(mn), sz);
        }
}

static void test_cmpxchg8b16b(void) {
    for (int wide = 0; wide < 2; wide++) {
        unsigned sz = wide ? 16 : 8;
        ZydisMnemonic mn = wide ? ZYDIS_MNEMONIC_CMPXCHG16B : ZYDIS_MNEMONIC_CMPXCHG8B;
        for (unsigned it = 0; it < iters(200); it++) {
            uint8_t code[16];
            MemSpec ms;
            uint64_t addr;
            switch (rng_below(&R, 4)) {
            case 0: addr = DATA_ADDR + 0x1000 - sz / 2; break; /* straddles (16B: #GP) */
            case 1: addr = DATA_ADDR + rng_below(&R, DATA_SIZE - sz + 1); break;
            default: addr = DATA_ADDR + rng_below(&R, DATA_SIZE / sz) * sz; break;
            }
            ZydisEncoderOperand m = mem_at(&R, addr, sz, &ms);
            size_t len = ENC_P(code, mn, rng_below(&R, 2) ? LOCK : 0, m);
            if (!len) {
                fprintf(stderr, "test_atomic: could not encode %s\n", ZydisMnemonicGetString(mn));
                return;
            }
            RegState st;
            fresh(&st);
            if (rng_below(&R, 2)) { /* equal: rDX:rAX = memory (unless they form the address) */
                uint64_t lo, hi = 0;
                if (wide) {
                    memcpy(&lo, data + (addr - DATA_ADDR), 8);
                    memcpy(&hi, data + (addr - DATA_ADDR) + 8, 8);
                    st.gpr[0] = lo;
                    st.gpr[2] = hi;
                } else {
                    memcpy(&lo, data + (addr - DATA_ADDR), 8);
                    st.gpr[0] = (st.gpr[0] & ~0xffffffffull) | (uint32_t)lo;
                    st.gpr[2] = (st.gpr[2] & ~0xffffffffull) | (lo >> 32);
                }
                if (rng_below(&R, 4) == 0) st.gpr[0] ^= 1ull << rng_below(&R, wide ? 64 : 32);
            }
            run(code, len, &ms, &st);
        }
    }
}

/* Encodings picked by hand: short forms, LOCK misuse, faults. */
static void test_raw(void) {
    static const struct {
        uint8_t b[12];
        uint8_t len;
    } raw[] = {
        {{0x90}, 1},                   /* nop (not xchg eax,eax: no zero-extension) */
        {{0x48, 0x90}, 2},             /* rex.w nop */
        {{0x41, 0x90}, 2},             /* xchg r8d, eax */
        {{0x49, 0x90}, 2},             /* xchg r8, rax */
        {{0x66, 0x41, 0x90}, 3},       /* xchg r8w, ax */
        {{0x93}, 1},                   /* xchg ebx, eax */
        {{0x48, 0x97}, 2},             /* xchg rdi, rax */
        {{0x87, 0xc0}, 2},             /* xchg eax, eax: zero-extends */
        {{0x48, 0x87, 0xc0}, 3},       /* xchg rax, rax */
        {{0x66, 0x87, 0xdb}, 3},       /* xchg bx, bx */
        {{0x86, 0xe0}, 2},             /* xchg al, ah */
        {{0x86, 0xe4}, 2},             /* xchg ah, ah */
        {{0x40, 0x86, 0xf7}, 3},       /* xchg dil, sil */
        {{0x0f, 0xc1, 0xc0}, 3},       /* xadd eax, eax */
        {{0x0f, 0xc0, 0xe0}, 3},       /* xadd al, ah */
        {{0x0f, 0xc0, 0xc4}, 3},       /* xadd ah, al */
        {{0x0f, 0xb1, 0xc0}, 3},       /* cmpxchg eax, eax */
        {{0x0f, 0xb1, 0xc8}, 3},       /* cmpxchg eax, ecx (dest = accumulator) */
        {{0x0f, 0xb1, 0xca}, 3},       /* cmpxchg edx, ecx */
        {{0x0f, 0xb0, 0xe2}, 3},       /* cmpxchg dl, ah */
        {{0x0f, 0xb0, 0xe0}, 3},       /* cmpxchg al, ah */
        {{0x66, 0x0f, 0xb1, 0xd3}, 4}, /* cmpxchg bx, dx */
        {{0xf0, 0x87, 0xc8}, 3},       /* lock xchg eax, ecx: #UD */
        {{0xf0, 0x0f, 0xc1, 0xc8}, 4}, /* lock xadd eax, ecx: #UD */
        {{0xf0, 0x0f, 0xb1, 0xc8}, 4}, /* lock cmpxchg eax, ecx: #UD */
        {{0x0f, 0xc7, 0xc8}, 3},       /* cmpxchg8b with a register: #UD */
        {{0x48, 0x0f, 0xc7, 0xc8}, 4}, /* cmpxchg16b with a register: #UD */
        {{0x87, 0x04, 0x25, 0x00, 0x00, 0x00, 0x40}, 7},             /* xchg [unmapped] */
        {{0x87, 0x04, 0x25, 0xfe, 0x1f, 0x00, 0x20}, 7},             /* xchg [end - 2]: #PF */
        {{0xf0, 0x0f, 0xc1, 0x04, 0x25, 0xfd, 0x1f, 0x00, 0x20}, 9}, /* lock xadd [end-3] */
        {{0x0f, 0xb1, 0x0c, 0x25, 0xfc, 0x1f, 0x00, 0x20}, 8},       /* cmpxchg [end-4] ok */
        {{0x0f, 0xb1, 0x0c, 0x25, 0xfd, 0x1f, 0x00, 0x20}, 8},       /* cmpxchg [end-3] #PF */
        {{0x0f, 0xc7, 0x0c, 0x25, 0xfc, 0x1f, 0x00, 0x20}, 8},       /* cmpxchg8b [end-4] #PF */
        {{0x48, 0x0f, 0xc7, 0x0c, 0x25, 0xf0, 0x1f, 0x00, 0x20}, 9}, /* cmpxchg16b [end-16] */
        {{0x48, 0x0f, 0xc7, 0x0c, 0x25, 0x00, 0x00, 0x00, 0x40}, 9}, /* 16b [unmapped]: #PF */
        {{0x48, 0x0f, 0xc7, 0x0c, 0x25, 0x08, 0x00, 0x00, 0x40}, 9}, /* 16b misaligned: #GP */
    };
    for (size_t k = 0; k < sizeof raw / sizeof raw[0]; k++)
        for (unsigned it = 0; it < iters(24); it++) {
            RegState st;
            fresh(&st);
            if (it & 1) { /* accumulator = destination for the CMPXCHG forms */
                st.gpr[0] = (it & 2) ? st.gpr[1] : st.gpr[2];
                uint64_t m;
                memcpy(&m, data + DATA_SIZE - 16, 8);
                if (it & 4) st.gpr[0] = m, st.gpr[2] = 0;
            }
            diff_run(raw[k].b, raw[k].len, &st, data, ALLF);
        }
}

/* A CMPXCHG loop as compilers emit it for atomics: load, compute, lock
 * cmpxchg, retry. */
static void test_loop(void) {
    /* mov eax,[m]; 1: lea ecx,[rax+rbx]; lock cmpxchg [m],ecx; jne 1b */
    static const uint8_t code[] = {0x8b, 0x04, 0x25, 0x40, 0x00, 0x00, 0x20, 0x8d, 0x0c, 0x18, 0xf0,
                                   0x0f, 0xb1, 0x0c, 0x25, 0x40, 0x00, 0x00, 0x20, 0x75, 0xf2};
    for (unsigned it = 0; it < iters(50); it++) {
        RegState st;
        fresh(&st);
        diff_run(code, sizeof code, &st, data, ALLF);
    }
}

int main(void) {
    test_begin("test_atomic");
    R = rng_seeded(0xa70c);
    test_rm_r(ZYDIS_MNEMONIC_XCHG, 0);
    test_rm_r(ZYDIS_MNEMONIC_XADD, 0);
    test_rm_r(ZYDIS_MNEMONIC_CMPXCHG, 1);
    test_cmpxchg8b16b();
    test_raw();
    test_loop();
    return test_end();
}
