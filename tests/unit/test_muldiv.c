/* MUL, IMUL (1-, 2-, 3-operand), DIV, IDIV against the host CPU: every size,
 * register and memory sources, and dividends chosen to hit #DE (zero
 * divisor, quotient overflow, the most negative dividend / -1) as well as
 * the largest quotients that still fit. The flags the SDM leaves undefined
 * (SF ZF AF PF of MUL/IMUL, all six of DIV/IDIV) are compared too where
 * ringside's rule was measured on a CPU of the host's kind (undef_model.h),
 * including after lazy flag producers. */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "undef_model.h"

#define CF   0x1
#define OF   0x800
#define ALLF 0x8d5

static int g_pinned; /* compare the undefined flags too */
/* The flags compared: MUL/IMUL define CF and OF, DIV/IDIV none. */
static uint64_t defined(int isdiv) { return g_pinned ? ALLF : isdiv ? 0 : CF | OF; }

static Rng R;
static uint8_t data[DATA_SIZE];

static uint64_t mask_of(unsigned sz) { return sz >= 8 ? ~0ull : (1ull << (sz * 8)) - 1; }

/* rDX:rAX (or AX) and a divisor of `sz` bytes for DIV/IDIV. */
static void div_inputs(unsigned sz, int sgn, uint64_t *hi, uint64_t *lo, uint64_t *d) {
    const uint64_t m = mask_of(sz), sb = 1ull << (sz * 8 - 1);
    *d = rng_edge(&R, sz);
    *lo = rng_edge(&R, sz);
    switch (rng_below(&R, 6)) {
    case 0: *hi = rng_edge(&R, sz); break; /* often #DE */
    case 1:                                /* the largest quotients that fit (unsigned) */
        if (*d == 0) *d = 1;
        *hi = (*d - 1) & m;
        break;
    case 2: /* sign-extended dividend: fits for most divisors */ *hi = (*lo & sb) ? m : 0; break;
    case 3: /* most negative dividend, divisor -1 or 1 */
        *hi = sb;
        *lo = 0;
        *d = rng_below(&R, 2) ? m : 1;
        break;
    case 4: /* dividend such that |quotient| is near the signed limit */
        *hi = sgn ? ((rng_below(&R, 2) ? m : 0) ^ (rng_below(&R, 4) == 0)) & m : rng_below(&R, 2);
        break;
    default: *hi = 0; break;
    }
}

static void run(const uint8_t *code, size_t len, const RegState *st0, uint64_t defined) {
    data_random(&R, data);
    diff_run(code, len, st0, data, defined);
}

static void test_onearg(void) {
    static const ZydisMnemonic ops[] = {ZYDIS_MNEMONIC_MUL, ZYDIS_MNEMONIC_IMUL, ZYDIS_MNEMONIC_DIV,
                                        ZYDIS_MNEMONIC_IDIV};
    for (int o = 0; o < 4; o++)
        for (unsigned sz = 1; sz <= 8; sz *= 2)
            for (int mem = 0; mem < 2; mem++) {
                unsigned done = 0, tries = 0, want = iters(60);
                while (done < want && tries++ < want * 20) {
                    uint8_t code[16];
                    MemSpec ms;
                    unsigned rn = rng_gpr(&R, sz);
                    ZydisEncoderOperand src = mem ? mem_pick(&R, sz, &ms) : E_reg(gpr_reg(sz, rn));
                    size_t len = ENC(code, ops[o], src);
                    if (!len) continue;
                    done++;
                    for (int k = 0; k < 6; k++) {
                        RegState st;
                        state_random(&R, &st);
                        uint64_t hi, lo, d;
                        int isdiv = o >= 2;
                        if (isdiv) {
                            div_inputs(sz, o == 3, &hi, &lo, &d);
                        } else {
                            hi = rng_u64(&R);
                            lo = rng_edge(&R, sz);
                            d = rng_edge(&R, sz);
                        }
                        const uint64_t m = mask_of(sz);
                        if (sz == 1) {
                            st.gpr[0] = (st.gpr[0] & ~0xffffull) | (hi & 0xff) << 8 | (lo & 0xff);
                        } else {
                            st.gpr[0] = (st.gpr[0] & ~m) | lo;
                            st.gpr[2] = (st.gpr[2] & ~m) | hi;
                        }
                        if (mem) {
                            mem_apply(&ms, &st);
                            data_random(&R, data);
                            memcpy(data + (ms.addr - DATA_ADDR), &d, sz);
                            diff_run(code, len, &st, data, defined(isdiv));
                        } else {
                            /* the source register (may be part of rAX/rDX) */
                            if (sz == 1 && rn >= 16)
                                st.gpr[rn - 16] = (st.gpr[rn - 16] & ~0xff00ull) | (d & 0xff) << 8;
                            else
                                st.gpr[rn] = (st.gpr[rn] & ~m) | d;
                            run(code, len, &st, defined(isdiv));
                        }
                    }
                }
            }
}

static void test_imul(void) {
    for (unsigned sz = 2; sz <= 8; sz *= 2)
        for (int form = 0; form < 4; form++) { /* r,r  r,m  r,r,imm  r,m,imm */
            unsigned done = 0, tries = 0, want = iters(60);
            while (done < want && tries++ < want * 20) {
                uint8_t code[16];
                MemSpec ms;
                ZydisEncoderOperand dst = E_reg(gpr_reg(sz, rng_gpr(&R, sz)));
                ZydisEncoderOperand src =
                    (form & 1) ? mem_pick(&R, sz, &ms) : E_reg(gpr_reg(sz, rng_gpr(&R, sz)));
                int64_t imm = rng_below(&R, 2) ? (int8_t)rng_edge(&R, 1)
                              : sz == 2        ? (int16_t)rng_edge(&R, 2)
                                               : (int32_t)rng_edge(&R, 4);
                size_t len = form < 2 ? ENC(code, ZYDIS_MNEMONIC_IMUL, dst, src)
                                      : ENC(code, ZYDIS_MNEMONIC_IMUL, dst, src, E_imm(imm));
                if (!len) continue;
                done++;
                for (int k = 0; k < 4; k++) {
                    RegState st;
                    state_random(&R, &st);
                    for (int g = 0; g < 16; g++)
                        if (g != 4) st.gpr[g] = rng_reg(&R, sz);
                    if (form & 1) mem_apply(&ms, &st);
                    run(code, len, &st, defined(0));
                }
            }
        }
}

/* LOCK is #UD for all of these; F6 /5 etc. through hand bytes. */
static void test_raw(void) {
    static const struct {
        uint8_t b[12];
        uint8_t len, div;
    } raw[] = {
        {{0xf0, 0xf7, 0x24, 0x25, 0x00, 0x01, 0x00, 0x20}, 8, 0}, /* lock mul [m]: #UD */
        {{0xf6, 0xf4}, 2, 1},                                     /* div ah */
        {{0xf6, 0xfc}, 2, 1},                                     /* idiv ah */
        {{0xf6, 0xe4}, 2, 0},                                     /* mul ah */
        {{0x48, 0xf7, 0xf0}, 3, 1},                               /* div rax */
        {{0x48, 0xf7, 0xfa}, 3, 1},                               /* idiv rdx */
        {{0xf7, 0x34, 0x25, 0xfe, 0x1f, 0x00, 0x20}, 7, 1},       /* div [crossing end]: #PF */
        {{0x66, 0x6b, 0xc0, 0x80}, 4, 0},                         /* imul ax, ax, -128 */
        {{0x48, 0x69, 0xc0, 0x00, 0x00, 0x00, 0x80}, 7, 0},       /* imul rax, rax, -2^31 */
        {{0xf7, 0x24, 0x25, 0x10, 0x00, 0x00, 0x38}, 7, 0},       /* mul dword [ro] */
        {{0xf7, 0x34, 0x25, 0x10, 0x00, 0x00, 0x38}, 7, 1},       /* div dword [ro] */
        /* after lazy producers: the flags a rule keeps come from them */
        {{0x01, 0xd8, 0xf7, 0xe1}, 4, 0},                         /* add eax,ebx; mul ecx */
        {{0x29, 0xd8, 0x48, 0x0f, 0xaf, 0xcb}, 6, 0},             /* sub eax,ebx; imul rcx,rbx */
        {{0xff, 0xc3, 0x66, 0x6b, 0xc9, 0x07}, 6, 0},             /* inc ebx; imul cx,cx,7 */
        {{0x48, 0x83, 0xc9, 0x01, 0x31, 0xd2, 0xf7, 0xf1}, 8, 1}, /* or rcx,1; xor edx,edx;
                                                                     div ecx */
        {{0x48, 0x83, 0xcb, 0x01, 0x48, 0x99, 0x48, 0xf7, 0xfb}, 9, 1}, /* or rbx,1; cqo;
                                                                           idiv rbx */
    };
    for (size_t k = 0; k < sizeof raw / sizeof raw[0]; k++)
        for (unsigned in = 0; in < iters(100); in++) {
            RegState st;
            state_random(&R, &st);
            if (rng_below(&R, 2)) st.gpr[2] = rng_below(&R, 2) ? 0 : ~0ull;
            run(raw[k].b, raw[k].len, &st, defined(raw[k].div));
        }
}

int main(void) {
    test_begin("test_muldiv");
    R = rng_seeded(3);
    g_pinned = undef_host_pinned();
    printf("test_muldiv: undefined flags %s\n",
           g_pinned ? "compared (rules measured on this kind of CPU)" : "not compared");
    test_onearg();
    test_imul();
    test_raw();
    return test_end();
}
