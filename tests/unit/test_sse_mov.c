/* SSE/SSE2 data movement against the host: the 128-bit moves (aligned ones
 * #GP when misaligned; unaligned ones across the page boundary and into an
 * unmapped page, where nothing may be written), non-temporal stores,
 * MOVSS/MOVSD (merge vs zeroing), MOVD/MOVQ in all directions incl. the
 * 66 0F D6 encodings, MOVLPS/MOVHPS/MOVLPD/MOVHPD/MOVHLPS/MOVLHPS,
 * MOVMSKPS/MOVMSKPD/PMOVMSKB to r32/r64, MASKMOVDQU, the shuffles with
 * every kind of imm8, unpacks, packs, PINSRW and PEXTRW. */
#include "sse_test.h"

enum { RR, LD, ST };

/* A memory offset in the data pages for an access of n bytes: often across
 * the page boundary, sometimes running into the unmapped page after the
 * data (a fault on both sides), else anywhere; aligned to `align`. */
static uint64_t pick_off(Rng *r, unsigned n, unsigned align) {
    uint64_t off;
    switch (rng_below(r, 8)) {
    case 0: off = 0x1000 - n + 1 + rng_below(r, n > 1 ? n - 1 : 1); break;
    case 1: off = DATA_SIZE - n + 1 + rng_below(r, n); break; /* may fault */
    default: off = rng_below(r, DATA_SIZE - n + 1); break;
    }
    if (align > 1 && rng_below(r, 6) != 0) off &= ~(uint64_t)(align - 1);
    return off;
}

/* One instruction xmm<-xmm, xmm<-mem or mem<-xmm with n-byte memory. */
static void mov_case(Rng *r, ZydisMnemonic m, int kind, unsigned n, unsigned align,
                     unsigned count) {
    static uint8_t data[DATA_SIZE];
    for (unsigned it = 0; it < count; it++) {
        RegState st;
        sse_state(r, &st, data, LT_BITS);
        unsigned d = rng_below(r, 16), s = rng_below(r, 16), g = base_gpr(r);
        uint8_t code[16];
        size_t len;
        st.gpr[g] = DATA_ADDR + pick_off(r, n, align);
        ZydisEncoderOperand mo = E_mem(n, gpr_reg(8, g), ZYDIS_REGISTER_NONE, 0, 0);
        if (kind == RR)
            len = ENC(code, m, E_reg(xmm(d)), E_reg(xmm(s)));
        else if (kind == LD)
            len = ENC(code, m, E_reg(xmm(d)), mo);
        else
            len = ENC(code, m, mo, E_reg(xmm(s)));
        if (!len) {
            fprintf(stderr, "cannot encode %s kind %d\n", ZydisMnemonicGetString(m), kind);
            exit(1);
        }
        sse_diff(code, len, &st, data, ARITH_FLAGS);
    }
}

static void moves(Rng *r, unsigned n) {
    static const struct {
        ZydisMnemonic m;
        unsigned size, align;
        int rr, ld, st;
    } t[] = {
        {ZYDIS_MNEMONIC_MOVAPS, 16, 16, 1, 1, 1},  {ZYDIS_MNEMONIC_MOVAPD, 16, 16, 1, 1, 1},
        {ZYDIS_MNEMONIC_MOVDQA, 16, 16, 1, 1, 1},  {ZYDIS_MNEMONIC_MOVUPS, 16, 1, 1, 1, 1},
        {ZYDIS_MNEMONIC_MOVUPD, 16, 1, 1, 1, 1},   {ZYDIS_MNEMONIC_MOVDQU, 16, 1, 1, 1, 1},
        {ZYDIS_MNEMONIC_MOVNTPS, 16, 16, 0, 0, 1}, {ZYDIS_MNEMONIC_MOVNTPD, 16, 16, 0, 0, 1},
        {ZYDIS_MNEMONIC_MOVNTDQ, 16, 16, 0, 0, 1}, {ZYDIS_MNEMONIC_MOVSS, 4, 1, 1, 1, 1},
        {ZYDIS_MNEMONIC_MOVSD, 8, 1, 1, 1, 1},     {ZYDIS_MNEMONIC_MOVLPS, 8, 1, 0, 1, 1},
        {ZYDIS_MNEMONIC_MOVHPS, 8, 1, 0, 1, 1},    {ZYDIS_MNEMONIC_MOVLPD, 8, 1, 0, 1, 1},
        {ZYDIS_MNEMONIC_MOVHPD, 8, 1, 0, 1, 1},    {ZYDIS_MNEMONIC_MOVHLPS, 0, 1, 1, 0, 0},
        {ZYDIS_MNEMONIC_MOVLHPS, 0, 1, 1, 0, 0},   {ZYDIS_MNEMONIC_MOVD, 4, 1, 0, 1, 1},
        {ZYDIS_MNEMONIC_MOVQ, 8, 1, 1, 1, 1},
    };
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) {
        if (t[k].rr) mov_case(r, t[k].m, RR, 16, 1, n / 2);
        if (t[k].ld) mov_case(r, t[k].m, LD, t[k].size, t[k].align, n);
        if (t[k].st) mov_case(r, t[k].m, ST, t[k].size, t[k].align, n);
    }
}

/* Encodings the encoder does not choose: MOVQ xmm/m64, xmm (66 0F D6) and
 * MOVD/MOVQ through 66 [REX.W] 0F 6E / 7E with memory. */
static void raw_movq(Rng *r, unsigned n) {
    static uint8_t data[DATA_SIZE];
    for (unsigned it = 0; it < n; it++) {
        RegState st;
        sse_state(r, &st, data, LT_BITS);
        unsigned d = rng_below(r, 16), s = rng_below(r, 16);
        uint8_t code[16];
        size_t len = 0;
        uint8_t rex = 0x40 | (s >= 8 ? 4 : 0) | (d >= 8 ? 1 : 0);
        switch (it % 4) {
        case 0: /* movq xmm_d, xmm_s via 66 0F D6 /r (rm = destination) */
            code[len++] = 0x66;
            if (rex != 0x40) code[len++] = rex;
            code[len++] = 0x0f, code[len++] = 0xd6, code[len++] = modrm_rr(s, d);
            break;
        case 1: /* movq [rsi], xmm_s via 66 0F D6 */
        case 2: /* movq xmm_s, [rsi] via 66 REX.W 0F 6E */
        case 3: /* movq [rsi], xmm_s via 66 REX.W 0F 7E */
            st.gpr[6] = DATA_ADDR + pick_off(r, 8, 1);
            code[len++] = 0x66;
            if (it % 4 == 1) {
                if (s >= 8) code[len++] = 0x44;
                code[len++] = 0x0f, code[len++] = 0xd6;
            } else {
                code[len++] = (uint8_t)(0x48 | (s >= 8 ? 4 : 0));
                code[len++] = 0x0f, code[len++] = it % 4 == 2 ? 0x6e : 0x7e;
            }
            code[len++] = (uint8_t)(((s & 7) << 3) | 6); /* [rsi] */
            break;
        }
        sse_diff(code, len, &st, data, ARITH_FLAGS);
    }
}

/* MOVD/MOVQ between XMM and GPRs. */
static void gpr_moves(Rng *r, unsigned n) {
    static uint8_t data[DATA_SIZE];
    for (unsigned it = 0; it < n; it++) {
        RegState st;
        sse_state(r, &st, data, LT_BITS);
        unsigned x = rng_below(r, 16), g = rng_below(r, 16), sz = (it & 1) ? 8 : 4;
        if (g == 4) g = 3;
        ZydisMnemonic m = sz == 8 ? ZYDIS_MNEMONIC_MOVQ : ZYDIS_MNEMONIC_MOVD;
        uint8_t code[16];
        size_t len = (it & 2) ? ENC(code, m, E_reg(xmm(x)), E_reg(gpr_reg(sz, g)))
                              : ENC(code, m, E_reg(gpr_reg(sz, g)), E_reg(xmm(x)));
        if (!len) {
            fprintf(stderr, "cannot encode movd/movq gpr\n");
            exit(1);
        }
        sse_diff(code, len, &st, data, ARITH_FLAGS);
    }
}

/* MOVMSKPS/MOVMSKPD/PMOVMSKB r32/r64, xmm; PEXTRW r32/r64/m16, xmm, imm8;
 * PINSRW xmm, r32/m16, imm8; MOVNTI m32/m64, r32/r64. */
static void gpr_misc(Rng *r, unsigned n) {
    static uint8_t data[DATA_SIZE];
    static const ZydisMnemonic msk[] = {ZYDIS_MNEMONIC_MOVMSKPS, ZYDIS_MNEMONIC_MOVMSKPD,
                                        ZYDIS_MNEMONIC_PMOVMSKB};
    for (unsigned it = 0; it < n; it++) {
        RegState st;
        sse_state(r, &st, data, it & 4 ? LT_I8 : LT_BITS);
        unsigned x = rng_below(r, 16), g = rng_below(r, 16), b = base_gpr(r);
        unsigned sz = (it & 1) ? 8 : 4, imm = rng_below(r, 256);
        if (g == 4) g = 5;
        if (b == g) b = g == 6 ? 7 : 6;
        st.gpr[b] = DATA_ADDR + pick_off(r, 8, 1);
        uint8_t code[16];
        size_t len = 0;
        switch (it % 7) {
        case 0: /* r64 destinations: REX.W, which the encoder does not emit */
        case 1:
            if (sz == 8) {
                code[len++] = 0x66;
                code[len++] = (uint8_t)(0x48 | (g >= 8 ? 4 : 0) | (x >= 8 ? 1 : 0));
                code[len++] = 0x0f;
                code[len++] = it % 7 ? 0xc5 : (uint8_t[]){0x50, 0x50, 0xd7}[imm % 3];
                code[len++] = modrm_rr(g, x);
                if (it % 7) code[len++] = (uint8_t)imm;
                if (it % 7 == 0 && imm % 3 == 0) memmove(code, code + 1, --len); /* movmskps */
            } else if (it % 7) {
                len = ENC(code, ZYDIS_MNEMONIC_PEXTRW, E_reg(gpr_reg(4, g)), E_reg(xmm(x)),
                          E_imm(imm));
            } else {
                len = ENC(code, msk[imm % 3], E_reg(gpr_reg(4, g)), E_reg(xmm(x)));
            }
            break;
        case 2:
            len =
                ENC(code, ZYDIS_MNEMONIC_PEXTRW, E_mem(2, gpr_reg(8, b), ZYDIS_REGISTER_NONE, 0, 0),
                    E_reg(xmm(x)), E_imm(imm));
            break;
        case 3:
            len = ENC(code, ZYDIS_MNEMONIC_PINSRW, E_reg(xmm(x)), E_reg(gpr_reg(4, g)), E_imm(imm));
            break;
        case 4:
            len = ENC(code, ZYDIS_MNEMONIC_PINSRW, E_reg(xmm(x)),
                      E_mem(2, gpr_reg(8, b), ZYDIS_REGISTER_NONE, 0, 0), E_imm(imm));
            break;
        default:
            len = ENC(code, ZYDIS_MNEMONIC_MOVNTI,
                      E_mem(sz, gpr_reg(8, b), ZYDIS_REGISTER_NONE, 0, 0), E_reg(gpr_reg(sz, g)));
            break;
        }
        if (!len) {
            fprintf(stderr, "cannot encode gpr_misc case %u\n", it % 7);
            exit(1);
        }
        sse_diff(code, len, &st, data, ARITH_FLAGS);
    }
}

/* MASKMOVDQU xmm, xmm: byte-masked store to [rdi]; masks of every density,
 * including none (no access at all, even to an unmapped address). */
static void maskmov(Rng *r, unsigned n) {
    static uint8_t data[DATA_SIZE];
    for (unsigned it = 0; it < n; it++) {
        RegState st;
        sse_state(r, &st, data, LT_BITS);
        unsigned v = rng_below(r, 16), m = rng_below(r, 16);
        uint8_t *mk = st.xmm[m];
        unsigned dens = rng_below(r, 4);
        for (int k = 0; k < 16; k++) {
            unsigned bit = dens == 0 ? 0 : dens == 3 ? 1 : rng_below(r, 4) < dens;
            mk[k] = (uint8_t)((mk[k] & 0x7f) | (bit ? 0x80 : 0));
        }
        st.gpr[7] = DATA_ADDR + pick_off(r, 16, 1);
        if (dens == 0 && rng_below(r, 2)) st.gpr[7] = 0x1000; /* unmapped, mask empty */
        uint8_t code[16];
        size_t len = ENC(code, ZYDIS_MNEMONIC_MASKMOVDQU, E_reg(xmm(v)), E_reg(xmm(m)));
        if (!len) {
            fprintf(stderr, "cannot encode maskmovdqu\n");
            exit(1);
        }
        sse_diff(code, len, &st, data, ARITH_FLAGS);
    }
}

/* MOVSD and CMPSD share their mnemonic with the string instructions: the
 * string forms must still reach the string family (through the SSE
 * selectors' delegation). */
static void string_forms(Rng *r, unsigned n) {
    static const uint8_t forms[][3] = {
        {1, 0xa5}, {2, 0xf3, 0xa5}, {1, 0xa7}, {2, 0xf3, 0xa7}, {2, 0xf2, 0xa7},
    };
    static uint8_t data[DATA_SIZE];
    for (unsigned it = 0; it < n; it++) {
        RegState st;
        sse_state(r, &st, data, it & 1 ? LT_I32 : LT_BITS);
        const uint8_t *f = forms[it % 5];
        st.gpr[6] = DATA_ADDR + 0x800 + rng_below(r, 0x1000);
        st.gpr[7] = rng_below(r, 2) ? st.gpr[6] + 64 : DATA_ADDR + 0x800 + rng_below(r, 0x1000);
        st.gpr[1] = rng_below(r, 17);
        if (it & 2) memcpy(data + (st.gpr[7] - DATA_ADDR), data + (st.gpr[6] - DATA_ADDR), 32);
        sse_diff(f + 1, f[0], &st, data, ARITH_FLAGS);
    }
}

/* The shape of libc's SSE2 strlen (aligned MOVDQA head with the bytes
 * before the start shifted out, MOVDQU/PMINUB/PCMPEQB/PMOVMSKB loop, BSF),
 * then a few lane moves of the result: the hot handlers working together. */
static void strlen_loop(Rng *r, unsigned n) {
    static const uint8_t code[] = {
        0x66, 0x0f, 0xef, 0xc0, 0x48, 0x89, 0xf8, 0x48, 0x83, 0xe0, 0xf0, 0x89, 0xf9, 0x83, 0xe1,
        0x0f, 0x66, 0x0f, 0x6f, 0x08, 0x66, 0x0f, 0x74, 0xc8, 0x66, 0x0f, 0xd7, 0xd1, 0xd3, 0xea,
        0xd3, 0xe2, 0x85, 0xd2, 0x75, 0x18, 0x48, 0x83, 0xc0, 0x10, 0xf3, 0x0f, 0x6f, 0x08, 0x66,
        0x0f, 0xda, 0x08, 0x66, 0x0f, 0x74, 0xc8, 0x66, 0x0f, 0xd7, 0xd1, 0x85, 0xd2, 0x74, 0xe8,
        0x0f, 0xbc, 0xd2, 0x48, 0x01, 0xd0, 0x48, 0x29, 0xf8, 0x66, 0x0f, 0x6e, 0xd0, 0x66, 0x0f,
        0x70, 0xd2, 0x00, 0x66, 0x0f, 0x60, 0xda, 0x66, 0x0f, 0xeb, 0xd9,
    };
    static uint8_t data[DATA_SIZE];
    for (unsigned it = 0; it < n; it++) {
        RegState st;
        sse_state(r, &st, data, LT_BITS);
        uint64_t start = rng_below(r, DATA_SIZE / 2);
        for (unsigned k = 0; k < DATA_SIZE; k++)
            if (!data[k]) data[k] = 1;
        /* The NUL at least two blocks on, so that the path is never shorter
         * than the snippet (the harness first runs that many instructions). */
        if (rng_below(r, 8)) data[start + 32 + rng_below(r, DATA_SIZE / 2 - 33)] = 0; /* else #PF */
        st.gpr[7] = DATA_ADDR + start;
        sse_diff(code, sizeof code, &st, data, ARITH_FLAGS);
    }
}

static const SseCase shuf_cases[] = {
    {ZYDIS_MNEMONIC_SHUFPS, LT_F32, 16, 1, -2},     {ZYDIS_MNEMONIC_SHUFPD, LT_F64, 16, 1, -2},
    {ZYDIS_MNEMONIC_PSHUFD, LT_I32, 16, 1, -2},     {ZYDIS_MNEMONIC_PSHUFLW, LT_I16, 16, 1, -2},
    {ZYDIS_MNEMONIC_PSHUFHW, LT_I16, 16, 1, -2},    {ZYDIS_MNEMONIC_UNPCKLPS, LT_F32, 16, 1, -1},
    {ZYDIS_MNEMONIC_UNPCKHPS, LT_F32, 16, 1, -1},   {ZYDIS_MNEMONIC_UNPCKLPD, LT_F64, 16, 1, -1},
    {ZYDIS_MNEMONIC_UNPCKHPD, LT_F64, 16, 1, -1},   {ZYDIS_MNEMONIC_PUNPCKLBW, LT_I8, 16, 1, -1},
    {ZYDIS_MNEMONIC_PUNPCKHBW, LT_I8, 16, 1, -1},   {ZYDIS_MNEMONIC_PUNPCKLWD, LT_I16, 16, 1, -1},
    {ZYDIS_MNEMONIC_PUNPCKHWD, LT_I16, 16, 1, -1},  {ZYDIS_MNEMONIC_PUNPCKLDQ, LT_I32, 16, 1, -1},
    {ZYDIS_MNEMONIC_PUNPCKHDQ, LT_I32, 16, 1, -1},  {ZYDIS_MNEMONIC_PUNPCKLQDQ, LT_I64, 16, 1, -1},
    {ZYDIS_MNEMONIC_PUNPCKHQDQ, LT_I64, 16, 1, -1}, {ZYDIS_MNEMONIC_PACKSSWB, LT_I16, 16, 1, -1},
    {ZYDIS_MNEMONIC_PACKSSDW, LT_I32, 16, 1, -1},   {ZYDIS_MNEMONIC_PACKUSWB, LT_I16, 16, 1, -1},
};

int main(void) {
    test_begin("test_sse_mov");
    Rng r = rng_seeded(0x30f);
    unsigned n = iters(200);
    moves(&r, n);
    raw_movq(&r, n);
    gpr_moves(&r, n);
    gpr_misc(&r, 2 * n);
    maskmov(&r, n);
    string_forms(&r, n);
    strlen_loop(&r, n);
    for (size_t k = 0; k < sizeof shuf_cases / sizeof shuf_cases[0]; k++)
        sse_run_case(&r, &shuf_cases[k], n);
    return sse_end();
}
