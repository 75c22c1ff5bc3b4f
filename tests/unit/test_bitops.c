/* BT BTS BTR BTC BSF BSR TZCNT LZCNT POPCNT against the host CPU. The
 * memory forms of BT* with a register bit offset address memory outside the
 * operand: offsets are chosen to reach all over the data pages, across the
 * page boundary inside them, and past their ends (#PF on both sides). Also
 * ANDN BEXTR BLSI BLSMSK BLSR. The flags the SDM leaves undefined are
 * compared too where ringside's rule was measured on a CPU of the host's
 * kind (undef_model.h), including after lazy flag producers. */
#include <cpuid.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "undef_model.h"

#define CF   0x1
#define PF   0x4
#define AF   0x10
#define ZF   0x40
#define SF   0x80
#define OF   0x800
#define ALLF (CF | PF | AF | ZF | SF | OF)

static Rng R;
static uint8_t data[DATA_SIZE];
static int g_pinned; /* compare the undefined flags too */

/* The flags compared: those the SDM defines, or all six when pinned. */
static uint64_t def_of(uint64_t defined) { return g_pinned ? ALLF : defined; }

/* A bit offset for a register operand of `sz` bytes addressing from base
 * address `ea`: mostly inside the data pages, sometimes just outside, or
 * anywhere (but a non-canonical address formed from RBP/RSP is #SS, which
 * ringside's access path does not tell apart from #GP yet: not there).
 * Offsets are register values: with the base register as the offset too,
 * anything goes, so the address ranges are a tendency, not a promise. */
static uint64_t bit_offset(unsigned sz, uint64_t ea, const MemSpec *ms) {
    int64_t lo = (int64_t)DATA_ADDR - (int64_t)ea,
            hi = (int64_t)(DATA_ADDR + DATA_SIZE) - (int64_t)ea;
    int64_t byte;
    switch (rng_below(&R, 8)) {
    case 0: byte = lo - 1 - rng_below(&R, 16); break; /* below: #PF */
    case 1: byte = hi + rng_below(&R, 16); break;     /* above: #PF */
    case 2:
        byte = (int64_t)(DATA_ADDR + 0x1000) - (int64_t)ea - (int64_t)rng_below(&R, 2 * sz);
        break;
    case 3: /* anything, incl. huge offsets */
        if (ms->use_regs && (ms->b == 4 || ms->b == 5)) return 0;
        /* 32-bit addresses wrap anywhere below 4 GiB, where sanitizer
         * builds have host mappings */
        if (ms->asz32) return 0;
        if (sz == 8) {
            /* far from the data: make it non-canonical, never a host mapping */
            int64_t v = (int64_t)rng_edge(&R, 8);
            if (v > (1ll << 33)) return (uint64_t)v | 1ull << 62;
            if (v < -(1ll << 33)) return (uint64_t)v & ~(1ull << 62);
            return (uint64_t)v;
        }
        return rng_edge(&R, sz); /* within +-256 MiB of the data */
    default: byte = lo + (int64_t)rng_below(&R, (unsigned)(hi - lo)); break;
    }
    int64_t bits = byte * 8 + (int64_t)rng_below(&R, 8);
    uint64_t m = sz >= 8 ? ~0ull : (1ull << (sz * 8)) - 1;
    /* 16/32-bit offsets must be representable; clamp into range */
    int64_t maxv = (int64_t)(m >> 1), minv = -maxv - 1;
    if (bits > maxv) bits = maxv;
    if (bits < minv) bits = minv;
    return (uint64_t)bits & m;
}

static void test_bt(void) {
    static const ZydisMnemonic ops[] = {ZYDIS_MNEMONIC_BT, ZYDIS_MNEMONIC_BTS, ZYDIS_MNEMONIC_BTR,
                                        ZYDIS_MNEMONIC_BTC};
    for (int o = 0; o < 4; o++)
        for (unsigned sz = 2; sz <= 8; sz *= 2)
            for (int form = 0; form < 4; form++) { /* r,r  r,i  m,r  m,i */
                unsigned done = 0, tries = 0, want = iters(50);
                while (done < want && tries++ < want * 20) {
                    uint8_t code[16];
                    MemSpec ms;
                    int mem = form >= 2, imm = form & 1;
                    unsigned rd = rng_gpr(&R, sz), rs = rng_gpr(&R, sz);
                    /* register offsets reach far: keep the base mid-data */
                    uint64_t ea = mem && !imm ? DATA_ADDR + 0x800 + rng_below(&R, 0x1000)
                                              : data_addr_pick(&R, sz);
                    ZydisEncoderOperand dst =
                        mem ? mem_at(&R, ea, sz, &ms) : E_reg(gpr_reg(sz, rd));
                    /* a 32-bit address register as the offset too: wraps anywhere
                     * below 4 GiB (host mappings in sanitizer builds) */
                    if (mem && !imm && ms.asz32 && (rs == ms.b || rs == ms.x)) continue;
                    uint32_t pfx = mem && o && rng_below(&R, 3) == 0 ? ZYDIS_ATTRIB_HAS_LOCK : 0;
                    unsigned ib = rng_below(&R, 2) ? rng_below(&R, 256) : rng_below(&R, sz * 8);
                    size_t len = imm ? ENC_P(code, ops[o], pfx, dst, E_imm(ib))
                                     : ENC_P(code, ops[o], pfx, dst, E_reg(gpr_reg(sz, rs)));
                    if (!len) continue;
                    done++;
                    for (int k = 0; k < 4; k++) {
                        RegState st;
                        state_random(&R, &st);
                        if (!imm) {
                            uint64_t off = mem ? bit_offset(sz, ea, &ms) : rng_reg(&R, sz);
                            uint64_t m = sz >= 8 ? ~0ull : (1ull << (sz * 8)) - 1;
                            st.gpr[rs] = (st.gpr[rs] & ~m) | (off & m);
                        }
                        if (mem) mem_apply(&ms, &st);
                        data_random(&R, data);
                        diff_run(code, len, &st, data, def_of(CF | ZF));
                    }
                }
            }
}

static int host_has(unsigned leaf, int reg, unsigned bit) {
    unsigned r[4] = {0};
    if (!__get_cpuid_count(leaf, 0, &r[0], &r[1], &r[2], &r[3])) return 0;
    return (r[reg] >> bit) & 1;
}

static void test_scan(void) {
    static const struct {
        ZydisMnemonic m;
        uint64_t defined;
        int need; /* 0 none, 1 LZCNT, 2 BMI1 (TZCNT), 3 POPCNT */
    } ops[] = {
        {ZYDIS_MNEMONIC_BSF, ZF, 0},        {ZYDIS_MNEMONIC_BSR, ZF, 0},
        {ZYDIS_MNEMONIC_TZCNT, CF | ZF, 2}, {ZYDIS_MNEMONIC_LZCNT, CF | ZF, 1},
        {ZYDIS_MNEMONIC_POPCNT, ALLF, 3},
    };
    int have[4] = {1, host_has(0x80000001, 2, 5), host_has(7, 1, 3), host_has(1, 2, 23)};
    for (int o = 0; o < 5; o++) {
        if (!have[ops[o].need]) {
            /* without the feature the host runs these encodings as BSR/BSF */
            printf("test_bitops: host lacks %s: not compared\n", ZydisMnemonicGetString(ops[o].m));
            continue;
        }
        for (unsigned sz = 2; sz <= 8; sz *= 2)
            for (int mem = 0; mem < 2; mem++) {
                unsigned done = 0, tries = 0, want = iters(50);
                while (done < want && tries++ < want * 20) {
                    uint8_t code[16];
                    MemSpec ms;
                    unsigned rs = rng_gpr(&R, sz);
                    ZydisEncoderOperand dst = E_reg(gpr_reg(sz, rng_gpr(&R, sz)));
                    ZydisEncoderOperand src = mem ? mem_pick(&R, sz, &ms) : E_reg(gpr_reg(sz, rs));
                    size_t len = ENC(code, ops[o].m, dst, src);
                    if (!len) continue;
                    done++;
                    for (int k = 0; k < 4; k++) {
                        RegState st;
                        state_random(&R, &st);
                        for (int g = 0; g < 16; g++)
                            if (g != 4) st.gpr[g] = rng_reg(&R, sz);
                        data_random(&R, data);
                        if (rng_below(&R, 3) == 0) { /* zero source */
                            uint64_t m = sz >= 8 ? ~0ull : (1ull << (sz * 8)) - 1;
                            if (mem)
                                memset(data + (ms.addr - DATA_ADDR), 0, sz);
                            else
                                st.gpr[rs] &= ~m;
                        }
                        if (mem) mem_apply(&ms, &st);
                        diff_run(code, len, &st, data, def_of(ops[o].defined));
                    }
                }
            }
    }
}

static void test_bmi1(void) {
    static const struct {
        ZydisMnemonic m;
        uint64_t defined;
        int nops;
    } ops[] = {
        {ZYDIS_MNEMONIC_ANDN, CF | ZF | SF | OF, 3}, {ZYDIS_MNEMONIC_BEXTR, CF | ZF | OF, 3},
        {ZYDIS_MNEMONIC_BLSI, CF | ZF | SF | OF, 2}, {ZYDIS_MNEMONIC_BLSMSK, CF | ZF | SF | OF, 2},
        {ZYDIS_MNEMONIC_BLSR, CF | ZF | SF | OF, 2},
    };
    if (!host_has(7, 1, 3)) {
        printf("test_bitops: host lacks BMI1: ANDN BEXTR BLS* not compared\n");
        return;
    }
    for (int o = 0; o < 5; o++)
        for (unsigned sz = 4; sz <= 8; sz *= 2)
            for (int mem = 0; mem < 2; mem++) {
                unsigned done = 0, tries = 0, want = iters(50);
                while (done < want && tries++ < want * 20) {
                    uint8_t code[16];
                    MemSpec ms;
                    unsigned r0 = rng_gpr(&R, sz), r1 = rng_gpr(&R, sz), r2 = rng_gpr(&R, sz);
                    ZydisEncoderOperand rm = mem ? mem_pick(&R, sz, &ms) : E_reg(gpr_reg(sz, r2));
                    size_t len;
                    if (ops[o].m == ZYDIS_MNEMONIC_ANDN)
                        len =
                            ENC(code, ops[o].m, E_reg(gpr_reg(sz, r0)), E_reg(gpr_reg(sz, r1)), rm);
                    else if (ops[o].m == ZYDIS_MNEMONIC_BEXTR)
                        len =
                            ENC(code, ops[o].m, E_reg(gpr_reg(sz, r0)), rm, E_reg(gpr_reg(sz, r1)));
                    else
                        len = ENC(code, ops[o].m, E_reg(gpr_reg(sz, r0)), rm);
                    if (!len) continue;
                    done++;
                    for (int k = 0; k < 4; k++) {
                        RegState st;
                        state_random(&R, &st);
                        for (int g = 0; g < 16; g++)
                            if (g != 4) st.gpr[g] = rng_reg(&R, sz);
                        if (ops[o].m == ZYDIS_MNEMONIC_BEXTR && rng_below(&R, 2)) /* sane control */
                            st.gpr[r1] = (st.gpr[r1] & ~0xffffull) | rng_below(&R, 70) |
                                         rng_below(&R, 70) << 8;
                        data_random(&R, data);
                        if (mem) mem_apply(&ms, &st);
                        diff_run(code, len, &st, data, def_of(ops[o].defined));
                    }
                }
            }
}

static void test_raw(void) {
    static const struct {
        uint8_t b[12];
        uint8_t len;
        uint64_t def;
        int need; /* as in test_scan: 1 LZCNT, 2 BMI1 (TZCNT) */
    } raw[] = {
        {{0xf0, 0x0f, 0xa3, 0x04, 0x25, 0x00, 0x01, 0x00, 0x20}, 9, ALLF}, /* lock bt: #UD */
        {{0xf0, 0x0f, 0xab, 0xc0}, 4, ALLF},                               /* lock bts reg: #UD */
        {{0xf0, 0x0f, 0xbc, 0xc1}, 4, ALLF},
        {{0xc4, 0xe2, 0x74, 0xf2, 0xc2}, 5, ALLF},
        /* andn with VEX.L=1: #UD */                                          /* lock bsf: #UD */
        {{0x0f, 0xa3, 0x0c, 0x25, 0xfe, 0x1f, 0x00, 0x20}, 8, CF | ZF},       /* bt [end-2], ecx */
        {{0x0f, 0xba, 0x24, 0x25, 0xfe, 0x0f, 0x00, 0x20, 0x28}, 9, CF | ZF}, /* bt [m], 40 */
        {{0x0f, 0xbc, 0xc0}, 3, ZF},                                          /* bsf eax, eax */
        {{0x48, 0x0f, 0xbd, 0xc9}, 4, ZF},                                    /* bsr rcx, rcx */
        /* the read-only page: BT reads; BTS/BTR/BTC always write */
        {{0x0f, 0xa3, 0x04, 0x25, 0x10, 0x00, 0x00, 0x38}, 8, CF | ZF},       /* bt [ro], eax */
        {{0x0f, 0xba, 0x2c, 0x25, 0x10, 0x00, 0x00, 0x38, 0x00}, 9, CF | ZF}, /* bts [ro], 0 */
        {{0x0f, 0xba, 0x34, 0x25, 0x10, 0x00, 0x00, 0x38, 0x1f}, 9, CF | ZF}, /* btr [ro], 31 */
        {{0x0f, 0xab, 0x04, 0x25, 0x10, 0x00, 0x00, 0x38}, 8, CF | ZF},       /* bts [ro], eax */
        {{0x0f, 0xbc, 0x04, 0x25, 0x10, 0x00, 0x00, 0x38}, 8, ZF},            /* bsf eax, [ro] */
        /* after lazy producers: the flags a rule keeps come from them */
        {{0x01, 0xd8, 0x0f, 0xbc, 0xca}, 5, ZF},                     /* add eax,ebx; bsf ecx,edx */
        {{0x29, 0xd8, 0x48, 0x0f, 0xbd, 0xca}, 6, ZF},               /* sub eax,ebx; bsr rcx,rdx */
        {{0x29, 0xd8, 0xf3, 0x0f, 0xbc, 0xca}, 6, CF | ZF, 2},       /* sub; tzcnt ecx,edx */
        {{0xff, 0xc8, 0x66, 0xf3, 0x0f, 0xbd, 0xca}, 7, CF | ZF, 1}, /* dec; lzcnt cx,dx */
        {{0x01, 0xd8, 0x0f, 0xa3, 0xd1}, 5, CF | ZF},                /* add; bt ecx,edx */
    };
    const int have[3] = {1, host_has(0x80000001, 2, 5), host_has(7, 1, 3)};
    for (size_t k = 0; k < sizeof raw / sizeof raw[0]; k++)
        for (unsigned in = 0; in < iters(100) && have[raw[k].need]; in++) {
            RegState st;
            state_random(&R, &st);
            if (rng_below(&R, 3) == 0) st.gpr[rng_below(&R, 2)] = 0;
            st.gpr[1] =
                rng_below(&R, 2) ? (uint64_t)(int64_t)(int)rng_below(&R, 64) - 32 : st.gpr[1];
            data_random(&R, data);
            diff_run(raw[k].b, raw[k].len, &st, data, def_of(raw[k].def));
        }
}

int main(void) {
    test_begin("test_bitops");
    R = rng_seeded(4);
    g_pinned = undef_host_pinned();
    printf("test_bitops: undefined flags %s\n",
           g_pinned ? "compared (rules measured on this kind of CPU)" : "not compared");
    test_bt();
    test_scan();
    test_bmi1();
    test_raw();
    return test_end();
}
