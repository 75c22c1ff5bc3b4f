/* MMX against the host, bit for bit: every MMX instruction and the MMX
 * forms of the SSE/SSE2 integer instructions and conversions, with
 * register, memory (also straddling the page boundary, and at the very end
 * of the data pages to catch over-wide reads) and immediate operands, and
 * the x87 <-> MMX state transition.
 *
 * The harness carries no x87 state, so each snippet carries it in memory:
 *     fninit                  ; clear whatever the previous run left
 *     frstor [DATA+IN]        ; random registers, tags, TOP, control/status
 *                             ; words; sometimes a pending unmasked
 *                             ; exception (the MMX instruction must #MF)
 *     <MMX instruction(s)>    ; sometimes followed by an x87 instruction
 *     fnsave [DATA+OUT]       ; registers (MMn = Rn significand, exponent
 *                             ; 0xffff when written), FSW (TOP = 0), tag
 *                             ; word (valid, or empty after EMMS)
 * with absolute [disp32] addresses, so no GPR is reserved. diff_run then
 * compares GPRs, XMM, MXCSR, RFLAGS, the signal and the data pages (which
 * hold the FNSAVE image and any stores). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sse_test.h"

enum { IN_OFF = 0x000, OUT_OFF = 0x080, MEM_OFF = 0x100 };

static ZydisRegister mm(unsigned n) { return (ZydisRegister)(ZYDIS_REGISTER_MM0 + (n & 7)); }

/* ---- code ---- */

typedef struct Code {
    uint8_t b[256];
    size_t n;
} Code;
static void put_bytes(Code *c, const uint8_t *p, size_t n) {
    memcpy(c->b + c->n, p, n);
    c->n += n;
}
/* op /reg [disp32] (absolute: ModRM 04, SIB 25) */
static void put_abs(Code *c, uint8_t op, unsigned reg, uint32_t addr) {
    uint8_t b[7] = {op, (uint8_t)(0x04 | reg << 3), 0x25};
    memcpy(b + 3, &addr, 4);
    put_bytes(c, b, 7);
}
static void code_begin(Code *c) {
    c->n = 0;
    put_bytes(c, (const uint8_t[]){0xdb, 0xe3}, 2);      /* fninit */
    put_abs(c, 0xdd, 4, (uint32_t)(DATA_ADDR + IN_OFF)); /* frstor */
}
static void code_end(Code *c) { put_abs(c, 0xdd, 6, (uint32_t)(DATA_ADDR + OUT_OFF)); /* fnsave */ }

/* ---- state ---- */

static uint64_t lanes64(Rng *r, int lt) {
    uint64_t v = 0;
    unsigned sz = lt == LT_I8 ? 1 : lt == LT_I16 ? 2 : lt == LT_I32 ? 4 : 8;
    if (lt == LT_BITS) return rng_u64(r);
    if (lt == LT_F32) return f32_edge(r) | (uint64_t)f32_edge(r) << 32;
    if (lt == LT_F64) return f64_edge(r);
    for (unsigned k = 0; k < 8; k += sz)
        v |= rng_edge(r, sz) << (8 * k);
    return v;
}

/* A random FRSTOR image: registers with lanes of type lt in their
 * significands, random exponents (sometimes 0xffff, 0 or 0x7fff), tags,
 * TOP, C0-C3, masked sticky flags; about 1 in 12 has a pending unmasked
 * exception. */
static void image_random(Rng *r, uint8_t *p, int lt) {
    unsigned cw = 0x40 | rng_below(r, 4) << 10 | rng_below(r, 4) << 8 | 0x3f;
    unsigned top = rng_below(r, 8);
    unsigned sw = top << 11 | ((unsigned)rng_u64(r) & 0x4700);
    sw |= (unsigned)rng_u64(r) & 0x7f & (rng_below(r, 2) ? 0x3f : 0);
    if (rng_below(r, 12) == 0) { /* pending: one flag set and unmasked */
        unsigned f = 1u << rng_below(r, 6);
        sw |= f;
        cw &= ~f;
    }
    unsigned tw = 0;
    int mode = rng_below(r, 4); /* 0 all empty, 1 all full, else mixed */
    for (unsigned k = 0; k < 8; k++) {
        int empty = mode == 0 ? 1 : mode == 1 ? 0 : rng_below(r, 2);
        tw |= (empty ? 3u : rng_below(r, 3)) << (2 * k);
    }
    uint32_t w[7] = {0xffff0000u | cw,     0xffff0000u | sw,     0xffff0000u | tw,
                     (uint32_t)rng_u64(r), (uint32_t)rng_u64(r), (uint32_t)rng_u64(r),
                     (uint32_t)rng_u64(r)};
    memcpy(p, w, 28);
    for (unsigned k = 0; k < 8; k++) {
        uint8_t *q = p + 28 + 10 * k;
        uint64_t m = lanes64(r, lt);
        static const uint16_t exps[] = {0xffff, 0x0000, 0x7fff, 0x3fff, 0x8000};
        uint16_t e = rng_below(r, 2) ? exps[rng_below(r, 5)] : (uint16_t)rng_u64(r);
        memcpy(q, &m, 8);
        memcpy(q + 8, &e, 2);
    }
}

/* Registers, XMM and MXCSR random (XMM lanes of type xlt), data pages with
 * 8-byte lanes of type lt, the x87 image. */
static void base_state(Rng *r, RegState *st, uint8_t *data, int lt, int xlt) {
    state_random(r, st);
    for (int k = 0; k < 16; k++)
        fill_lanes(r, st->xmm[k], xlt);
    st->mxcsr = mxcsr_rand(r);
    for (unsigned k = 0; k < DATA_SIZE; k += 8) {
        uint64_t v = lanes64(r, lt);
        memcpy(data + k, &v, 8);
    }
    image_random(r, data + IN_OFF, lt);
}

/* A data offset for a `size`-byte operand: random, aligned, straddling the
 * page boundary, or the last bytes of the data pages (an over-wide read
 * faults there). */
static uint64_t mem_off(Rng *r, unsigned size) {
    switch (rng_below(r, 6)) {
    case 0: return 0x1000 - size + 1 + rng_below(r, size > 1 ? size - 1 : 1);
    case 1: return DATA_SIZE - size;
    case 2: return MEM_OFF + rng_below(r, (DATA_SIZE - MEM_OFF) / size) * size;
    default: return MEM_OFF + rng_below(r, DATA_SIZE - MEM_OFF - size + 1);
    }
}
/* A memory operand at DATA+off: [disp32] or [base + disp8] with the base
 * register set. Never RSP. */
static ZydisEncoderOperand mem_op(Rng *r, RegState *st, uint64_t addr, unsigned size) {
    if (rng_below(r, 3) == 0)
        return E_mem(size, ZYDIS_REGISTER_NONE, ZYDIS_REGISTER_NONE, 0, (int64_t)addr);
    unsigned b = base_gpr(r);
    int64_t disp = (int64_t)rng_below(r, 256) - 128;
    st->gpr[b] = addr - (uint64_t)disp;
    return E_mem(size, gpr_reg(8, b), ZYDIS_REGISTER_NONE, 0, disp);
}
/* A GPR for a register operand (never RSP). */
static unsigned gpr_pick(Rng *r) {
    unsigned g;
    do
        g = rng_below(r, 16);
    while (g == 4);
    return g;
}

/* ---- running ---- */

static unsigned long n_run;

static void print_image(const char *tag, const uint8_t *p) {
    uint32_t w[7];
    memcpy(w, p, 28);
    fprintf(stderr, "  %-8s cw %04x sw %04x tw %04x\n          ", tag, w[0] & 0xffff, w[1] & 0xffff,
            w[2] & 0xffff);
    for (int k = 0; k < 8; k++) {
        const uint8_t *q = p + 28 + 10 * k;
        fprintf(stderr, " %02x%02x_", q[9], q[8]);
        for (int b = 7; b >= 0; b--)
            fprintf(stderr, "%02x", q[b]);
        if (k == 3) fprintf(stderr, "\n          ");
    }
    fprintf(stderr, "\n");
}

/* Run snippet c (begin..end added here around the body) and compare. */
static void check(const Code *body, const RegState *st, const uint8_t *data, const char *what) {
    Code c;
    code_begin(&c);
    put_bytes(&c, body->b, body->n);
    code_end(&c);
    n_run++;
    if (!sse_diff(c.b, c.n, st, data, ARITH_FLAGS)) return;
    if (test_failures() > 12) return;
    static uint8_t dn[DATA_SIZE], dr[DATA_SIZE];
    RegState n = *st, r = *st;
    memcpy(dn, data, DATA_SIZE);
    memcpy(dr, data, DATA_SIZE);
    int ns = native_exec(c.b, c.n, &n, dn), rs = rs_exec(c.b, c.n, &r, dr);
    fprintf(stderr, "  case: %s (signals %d %d)\n", what, ns, rs);
    print_image("in", data + IN_OFF);
    print_image("native", dn + OUT_OFF);
    print_image("ringside", dr + OUT_OFF);
}

static void body_enc(Code *b, size_t len, const char *what) {
    if (!len) { /* a bug in the test itself */
        fprintf(stderr, "cannot encode %s\n", what);
        exit(1);
    }
    b->n += len;
}
#define EMIT(b, m, ...)                                                                            \
    body_enc((b), ENC((b)->b + (b)->n, m, __VA_ARGS__), ZydisMnemonicGetString(m))

/* ---- "mm, mm/m64 [imm8]" instructions ---- */

typedef struct BinCase {
    ZydisMnemonic m;
    int lt;
    unsigned msize; /* memory operand size */
    int kind;       /* 0 plain, 1 shift (also imm8 form), 2 imm8 operand (PSHUFW) */
} BinCase;

static const BinCase bin_cases[] = {
    {ZYDIS_MNEMONIC_PADDB, LT_I8, 8, 0},      {ZYDIS_MNEMONIC_PADDW, LT_I16, 8, 0},
    {ZYDIS_MNEMONIC_PADDD, LT_I32, 8, 0},     {ZYDIS_MNEMONIC_PADDQ, LT_I64, 8, 0},
    {ZYDIS_MNEMONIC_PSUBB, LT_I8, 8, 0},      {ZYDIS_MNEMONIC_PSUBW, LT_I16, 8, 0},
    {ZYDIS_MNEMONIC_PSUBD, LT_I32, 8, 0},     {ZYDIS_MNEMONIC_PSUBQ, LT_I64, 8, 0},
    {ZYDIS_MNEMONIC_PADDSB, LT_I8, 8, 0},     {ZYDIS_MNEMONIC_PADDSW, LT_I16, 8, 0},
    {ZYDIS_MNEMONIC_PADDUSB, LT_I8, 8, 0},    {ZYDIS_MNEMONIC_PADDUSW, LT_I16, 8, 0},
    {ZYDIS_MNEMONIC_PSUBSB, LT_I8, 8, 0},     {ZYDIS_MNEMONIC_PSUBSW, LT_I16, 8, 0},
    {ZYDIS_MNEMONIC_PSUBUSB, LT_I8, 8, 0},    {ZYDIS_MNEMONIC_PSUBUSW, LT_I16, 8, 0},
    {ZYDIS_MNEMONIC_PMULLW, LT_I16, 8, 0},    {ZYDIS_MNEMONIC_PMULHW, LT_I16, 8, 0},
    {ZYDIS_MNEMONIC_PMULHUW, LT_I16, 8, 0},   {ZYDIS_MNEMONIC_PMULUDQ, LT_I32, 8, 0},
    {ZYDIS_MNEMONIC_PMADDWD, LT_I16, 8, 0},   {ZYDIS_MNEMONIC_PSADBW, LT_I8, 8, 0},
    {ZYDIS_MNEMONIC_PAVGB, LT_I8, 8, 0},      {ZYDIS_MNEMONIC_PAVGW, LT_I16, 8, 0},
    {ZYDIS_MNEMONIC_PMINUB, LT_I8, 8, 0},     {ZYDIS_MNEMONIC_PMAXUB, LT_I8, 8, 0},
    {ZYDIS_MNEMONIC_PMINSW, LT_I16, 8, 0},    {ZYDIS_MNEMONIC_PMAXSW, LT_I16, 8, 0},
    {ZYDIS_MNEMONIC_PAND, LT_BITS, 8, 0},     {ZYDIS_MNEMONIC_PANDN, LT_BITS, 8, 0},
    {ZYDIS_MNEMONIC_POR, LT_BITS, 8, 0},      {ZYDIS_MNEMONIC_PXOR, LT_BITS, 8, 0},
    {ZYDIS_MNEMONIC_PCMPEQB, LT_I8, 8, 0},    {ZYDIS_MNEMONIC_PCMPEQW, LT_I16, 8, 0},
    {ZYDIS_MNEMONIC_PCMPEQD, LT_I32, 8, 0},   {ZYDIS_MNEMONIC_PCMPGTB, LT_I8, 8, 0},
    {ZYDIS_MNEMONIC_PCMPGTW, LT_I16, 8, 0},   {ZYDIS_MNEMONIC_PCMPGTD, LT_I32, 8, 0},
    {ZYDIS_MNEMONIC_PACKSSWB, LT_I16, 8, 0},  {ZYDIS_MNEMONIC_PACKSSDW, LT_I32, 8, 0},
    {ZYDIS_MNEMONIC_PACKUSWB, LT_I16, 8, 0},  {ZYDIS_MNEMONIC_PUNPCKLBW, LT_I8, 4, 0},
    {ZYDIS_MNEMONIC_PUNPCKLWD, LT_I16, 4, 0}, {ZYDIS_MNEMONIC_PUNPCKLDQ, LT_I32, 4, 0},
    {ZYDIS_MNEMONIC_PUNPCKHBW, LT_I8, 8, 0},  {ZYDIS_MNEMONIC_PUNPCKHWD, LT_I16, 8, 0},
    {ZYDIS_MNEMONIC_PUNPCKHDQ, LT_I32, 8, 0}, {ZYDIS_MNEMONIC_PSLLW, LT_I16, 8, 1},
    {ZYDIS_MNEMONIC_PSLLD, LT_I32, 8, 1},     {ZYDIS_MNEMONIC_PSLLQ, LT_I64, 8, 1},
    {ZYDIS_MNEMONIC_PSRLW, LT_I16, 8, 1},     {ZYDIS_MNEMONIC_PSRLD, LT_I32, 8, 1},
    {ZYDIS_MNEMONIC_PSRLQ, LT_I64, 8, 1},     {ZYDIS_MNEMONIC_PSRAW, LT_I16, 8, 1},
    {ZYDIS_MNEMONIC_PSRAD, LT_I32, 8, 1},     {ZYDIS_MNEMONIC_PSHUFW, LT_I16, 8, 2},
};
#define NBIN (sizeof bin_cases / sizeof bin_cases[0])

/* A shift count: small, around the element widths, or huge. */
static uint64_t shift_count(Rng *r) {
    switch (rng_below(r, 4)) {
    case 0: return rng_below(r, 70);
    case 1: return rng_u64(r);
    case 2: return (uint64_t)rng_below(r, 256) << (8 * rng_below(r, 8));
    default: return rng_below(r, 17);
    }
}

/* Append one random instance of a binary case; sets up its inputs. */
static void emit_bin(Rng *r, Code *b, const BinCase *t, RegState *st, uint8_t *data) {
    unsigned d = rng_below(r, 8), s = rng_below(r, 4) == 0 ? d : rng_below(r, 8);
    int form = rng_below(r, t->kind == 1 ? 3 : 2); /* 0 rr, 1 rm, 2 ri */
    int imm = (int)rng_below(r, 256);
    if (t->kind == 1 && form == 2 && rng_below(r, 2)) imm = (int)rng_below(r, 70);
    if (t->kind == 1 && form == 0) { /* the count: in the source register's significand */
        uint64_t cnt = shift_count(r);
        unsigned top = (data[IN_OFF + 4] | data[IN_OFF + 5] << 8) >> 11 & 7;
        memcpy(data + IN_OFF + 28 + 10 * ((s - top) & 7), &cnt, 8); /* ST(i) = R((TOP+i)&7) */
    } else if (t->kind == 1 && form == 1) {                         /* or in memory */
        uint64_t cnt = shift_count(r), off = mem_off(r, 8);
        memcpy(data + off, &cnt, 8);
        EMIT(b, t->m, E_reg(mm(d)), mem_op(r, st, DATA_ADDR + off, 8));
        return;
    }
    if (form == 0) {
        if (t->kind == 2)
            EMIT(b, t->m, E_reg(mm(d)), E_reg(mm(s)), E_imm(imm));
        else
            EMIT(b, t->m, E_reg(mm(d)), E_reg(mm(s)));
    } else if (form == 1) {
        ZydisEncoderOperand mo = mem_op(r, st, DATA_ADDR + mem_off(r, t->msize), t->msize);
        if (t->kind == 2)
            EMIT(b, t->m, E_reg(mm(d)), mo, E_imm(imm));
        else
            EMIT(b, t->m, E_reg(mm(d)), mo);
    } else {
        EMIT(b, t->m, E_reg(mm(d)), E_imm(imm));
    }
}

static void bin_tests(Rng *r, unsigned per) {
    static uint8_t data[DATA_SIZE];
    for (size_t k = 0; k < NBIN; k++)
        for (unsigned it = 0; it < per; it++) {
            RegState st;
            base_state(r, &st, data, bin_cases[k].lt, LT_BITS);
            Code b = {.n = 0};
            emit_bin(r, &b, &bin_cases[k], &st, data);
            check(&b, &st, data, ZydisMnemonicGetString(bin_cases[k].m));
        }
}

/* ---- moves and the rest ---- */

enum {
    MV_MOVD_MR,
    MV_MOVQ_MR,
    MV_MOVD_RM,
    MV_MOVQ_RM,
    MV_MOVD_MM32,
    MV_MOVQ_MM64,
    MV_MOVQ_MM64W,
    MV_MOVD_M32M,
    MV_MOVQ_M64M,
    MV_MOVQ_M64MW,
    MV_MOVQ_MMMM,
    MV_MOVQ_MMMM_7F,
    MV_MOVNTQ,
    MV_MOVQ2DQ,
    MV_MOVDQ2Q,
    MV_PMOVMSKB,
    MV_PMOVMSKB64,
    MV_PEXTRW,
    MV_PEXTRW64,
    MV_PINSRW_R,
    MV_PINSRW_M,
    MV_MASKMOVQ,
    MV_MASKMOVQ67,
    MV_EMMS,
    MV_COUNT
};
static const char *const mv_names[MV_COUNT] = {
    "movd mm,r32",
    "movq mm,r64",
    "movd r32,mm",
    "movq r64,mm",
    "movd mm,m32",
    "movq mm,m64",
    "movq mm,m64 (REX.W 6E)",
    "movd m32,mm",
    "movq m64,mm",
    "movq m64,mm (REX.W 7E)",
    "movq mm,mm",
    "movq mm,mm (7F)",
    "movntq",
    "movq2dq",
    "movdq2q",
    "pmovmskb r32",
    "pmovmskb r64",
    "pextrw r32",
    "pextrw r64",
    "pinsrw mm,r32",
    "pinsrw mm,m16",
    "maskmovq",
    "maskmovq (67)",
    "emms",
};

/* Raw "[REX] 0F op /r" with an absolute memory operand. */
static void put_raw_abs(Code *b, int rexw, uint8_t op, unsigned reg, uint64_t addr) {
    if (rexw) b->b[b->n++] = 0x48;
    b->b[b->n++] = 0x0f;
    put_abs(b, op, reg, (uint32_t)addr);
}

/* A store destination: the data pages, or the read-only page (#PF). */
static uint64_t store_addr(Rng *r, unsigned size) {
    if (rng_below(r, 10) == 0) return RO_ADDR + rng_below(r, 4096 - size);
    return DATA_ADDR + mem_off(r, size);
}

static void emit_mv(Rng *r, Code *b, int f, RegState *st, uint8_t *data) {
    unsigned d = rng_below(r, 8), s = rng_below(r, 8), g = gpr_pick(r), x = rng_below(r, 16);
    int imm = (int)rng_below(r, 256);
    switch (f) {
    case MV_MOVD_MR: EMIT(b, ZYDIS_MNEMONIC_MOVD, E_reg(mm(d)), E_reg(gpr_reg(4, g))); break;
    case MV_MOVQ_MR: EMIT(b, ZYDIS_MNEMONIC_MOVQ, E_reg(mm(d)), E_reg(gpr_reg(8, g))); break;
    case MV_MOVD_RM: EMIT(b, ZYDIS_MNEMONIC_MOVD, E_reg(gpr_reg(4, g)), E_reg(mm(s))); break;
    case MV_MOVQ_RM: EMIT(b, ZYDIS_MNEMONIC_MOVQ, E_reg(gpr_reg(8, g)), E_reg(mm(s))); break;
    case MV_MOVD_MM32:
        EMIT(b, ZYDIS_MNEMONIC_MOVD, E_reg(mm(d)), mem_op(r, st, DATA_ADDR + mem_off(r, 4), 4));
        break;
    case MV_MOVQ_MM64:
        EMIT(b, ZYDIS_MNEMONIC_MOVQ, E_reg(mm(d)), mem_op(r, st, DATA_ADDR + mem_off(r, 8), 8));
        break;
    case MV_MOVQ_MM64W: put_raw_abs(b, 1, 0x6e, d, DATA_ADDR + mem_off(r, 8)); break;
    case MV_MOVD_M32M:
        EMIT(b, ZYDIS_MNEMONIC_MOVD, mem_op(r, st, store_addr(r, 4), 4), E_reg(mm(s)));
        break;
    case MV_MOVQ_M64M:
        EMIT(b, ZYDIS_MNEMONIC_MOVQ, mem_op(r, st, store_addr(r, 8), 8), E_reg(mm(s)));
        break;
    case MV_MOVQ_M64MW: put_raw_abs(b, 1, 0x7e, s, store_addr(r, 8)); break;
    case MV_MOVQ_MMMM: EMIT(b, ZYDIS_MNEMONIC_MOVQ, E_reg(mm(d)), E_reg(mm(s))); break;
    case MV_MOVQ_MMMM_7F: put_bytes(b, (const uint8_t[]){0x0f, 0x7f, modrm_rr(s, d)}, 3); break;
    case MV_MOVNTQ:
        EMIT(b, ZYDIS_MNEMONIC_MOVNTQ, mem_op(r, st, store_addr(r, 8), 8), E_reg(mm(s)));
        break;
    case MV_MOVQ2DQ: EMIT(b, ZYDIS_MNEMONIC_MOVQ2DQ, E_reg(xmm(x)), E_reg(mm(s))); break;
    case MV_MOVDQ2Q: EMIT(b, ZYDIS_MNEMONIC_MOVDQ2Q, E_reg(mm(d)), E_reg(xmm(x))); break;
    case MV_PMOVMSKB: EMIT(b, ZYDIS_MNEMONIC_PMOVMSKB, E_reg(gpr_reg(4, g)), E_reg(mm(s))); break;
    case MV_PMOVMSKB64: /* REX.W 0F D7 /r */
        put_bytes(b, (const uint8_t[]){0x48 | (g >> 3) << 2, 0x0f, 0xd7, modrm_rr(g, s)}, 4);
        break;
    case MV_PEXTRW:
        EMIT(b, ZYDIS_MNEMONIC_PEXTRW, E_reg(gpr_reg(4, g)), E_reg(mm(s)), E_imm(imm));
        break;
    case MV_PEXTRW64: /* REX.W 0F C5 /r ib */
        put_bytes(b,
                  (const uint8_t[]){0x48 | (g >> 3) << 2, 0x0f, 0xc5, modrm_rr(g, s), (uint8_t)imm},
                  5);
        break;
    case MV_PINSRW_R:
        EMIT(b, ZYDIS_MNEMONIC_PINSRW, E_reg(mm(d)), E_reg(gpr_reg(4, g)), E_imm(imm));
        break;
    case MV_PINSRW_M:
        EMIT(b, ZYDIS_MNEMONIC_PINSRW, E_reg(mm(d)), mem_op(r, st, DATA_ADDR + mem_off(r, 2), 2),
             E_imm(imm));
        break;
    case MV_MASKMOVQ:
    case MV_MASKMOVQ67: {
        /* the mask register's bytes: every density, including none */
        unsigned top = (data[IN_OFF + 4] | data[IN_OFF + 5] << 8) >> 11 & 7;
        uint8_t *mk = data + IN_OFF + 28 + 10 * ((s - top) & 7);
        unsigned dens = rng_below(r, 4);
        if (s != d)
            for (int k = 0; k < 8; k++) {
                unsigned bit = dens == 0 ? 0 : dens == 3 ? 1 : rng_below(r, 4) < dens;
                mk[k] = (uint8_t)((mk[k] & 0x7f) | (bit ? 0x80 : 0));
            }
        st->gpr[7] = store_addr(r, 8);
        if (rng_below(r, 12) == 0) st->gpr[7] = 0x1000; /* unmapped */
        if (f == MV_MASKMOVQ67) {
            st->gpr[7] = (st->gpr[7] & 0xffffffffull) | (rng_u64(r) << 32);
            b->b[b->n++] = 0x67;
        }
        EMIT(b, ZYDIS_MNEMONIC_MASKMOVQ, E_reg(mm(d)), E_reg(mm(s)));
        break;
    }
    default: put_bytes(b, (const uint8_t[]){0x0f, 0x77}, 2); break; /* emms */
    }
}

static void mv_tests(Rng *r, unsigned per) {
    static uint8_t data[DATA_SIZE];
    for (int f = 0; f < MV_COUNT; f++)
        for (unsigned it = 0; it < per; it++) {
            RegState st;
            base_state(r, &st, data, it & 1 ? LT_I16 : LT_BITS, LT_BITS);
            Code b = {.n = 0};
            emit_mv(r, &b, f, &st, data);
            check(&b, &st, data, mv_names[f]);
        }
}

/* ---- conversions ---- */

enum {
    CV_PI2PS,
    CV_PI2PS_M,
    CV_PI2PD,
    CV_PI2PD_M,
    CV_PS2PI,
    CV_PS2PI_M,
    CV_TPS2PI,
    CV_TPS2PI_M,
    CV_PD2PI,
    CV_PD2PI_M,
    CV_TPD2PI,
    CV_TPD2PI_M,
    CV_COUNT
};
static const struct {
    ZydisMnemonic m;
    int to_xmm, mem;
    int src_lt;     /* lane type of the source */
    unsigned msize; /* memory operand size */
} cv_cases[CV_COUNT] = {
    {ZYDIS_MNEMONIC_CVTPI2PS, 1, 0, LT_I32, 8},   {ZYDIS_MNEMONIC_CVTPI2PS, 1, 1, LT_I32, 8},
    {ZYDIS_MNEMONIC_CVTPI2PD, 1, 0, LT_I32, 8},   {ZYDIS_MNEMONIC_CVTPI2PD, 1, 1, LT_I32, 8},
    {ZYDIS_MNEMONIC_CVTPS2PI, 0, 0, LT_F32, 8},   {ZYDIS_MNEMONIC_CVTPS2PI, 0, 1, LT_F32, 8},
    {ZYDIS_MNEMONIC_CVTTPS2PI, 0, 0, LT_F32, 8},  {ZYDIS_MNEMONIC_CVTTPS2PI, 0, 1, LT_F32, 8},
    {ZYDIS_MNEMONIC_CVTPD2PI, 0, 0, LT_F64, 16},  {ZYDIS_MNEMONIC_CVTPD2PI, 0, 1, LT_F64, 16},
    {ZYDIS_MNEMONIC_CVTTPD2PI, 0, 0, LT_F64, 16}, {ZYDIS_MNEMONIC_CVTTPD2PI, 0, 1, LT_F64, 16},
};

static void emit_cv(Rng *r, Code *b, int f, RegState *st) {
    unsigned x = rng_below(r, 16), m = rng_below(r, 8);
    ZydisEncoderOperand src;
    if (cv_cases[f].mem) {
        unsigned sz = cv_cases[f].msize;
        uint64_t off = mem_off(r, sz);
        if (sz == 16 && rng_below(r, 8) != 0) off &= ~15ull; /* mostly aligned; else #GP */
        if (off < MEM_OFF) off = MEM_OFF;
        src = mem_op(r, st, DATA_ADDR + off, sz);
    } else {
        src = E_reg(cv_cases[f].to_xmm ? mm(m) : xmm(x));
    }
    if (cv_cases[f].to_xmm)
        EMIT(b, cv_cases[f].m, E_reg(xmm(x)), src);
    else
        EMIT(b, cv_cases[f].m, E_reg(mm(m)), src);
}

static void cv_tests(Rng *r, unsigned per) {
    static uint8_t data[DATA_SIZE];
    for (int f = 0; f < CV_COUNT; f++)
        for (unsigned it = 0; it < per; it++) {
            RegState st;
            int lt = cv_cases[f].src_lt;
            base_state(r, &st, data, lt == LT_I32 ? LT_I32 : lt, lt == LT_I32 ? LT_F32 : lt);
            /* sometimes an unmasked SIMD exception: #XM, nothing written */
            if (rng_below(r, 6) == 0) st.mxcsr &= ~(1u << (7 + rng_below(r, 6)));
            Code b = {.n = 0};
            emit_cv(r, &b, f, &st);
            check(&b, &st, data, ZydisMnemonicGetString(cv_cases[f].m));
        }
}

/* ---- sequences: several MMX instructions, sometimes EMMS between them,
 * sometimes an x87 instruction after (which sees the MMX state: a push
 * onto a full stack overflows) ---- */

static void seq_tests(Rng *r, unsigned n) {
    static uint8_t data[DATA_SIZE];
    static const uint8_t x87_after[][2] = {
        {0xd9, 0xe8}, /* fld1 */
        {0xd9, 0xee}, /* fldz */
        {0xd8, 0xc1}, /* fadd st0, st1 */
        {0xd9, 0xc9}, /* fxch st1 */
        {0xdd, 0xc3}, /* ffree st3 */
        {0xd9, 0xe5}, /* fxam */
    };
    for (unsigned it = 0; it < n; it++) {
        RegState st;
        base_state(r, &st, data, LT_I16, LT_BITS);
        Code b = {.n = 0};
        unsigned k = 1 + rng_below(r, 6);
        for (unsigned j = 0; j < k; j++) {
            unsigned pick = rng_below(r, 10);
            if (pick < 6)
                emit_bin(r, &b, &bin_cases[rng_below(r, NBIN)], &st, data);
            else if (pick < 9) {
                int f = (int)rng_below(r, MV_COUNT);
                if (f == MV_MASKMOVQ || f == MV_MASKMOVQ67) f = MV_EMMS;
                emit_mv(r, &b, f, &st, data);
            } else {
                emit_cv(r, &b, (int)rng_below(r, CV_COUNT), &st);
            }
        }
        if (rng_below(r, 2)) put_bytes(&b, x87_after[rng_below(r, 6)], 2);
        check(&b, &st, data, "sequence");
    }
}

int main(void) {
    test_begin("test_mmx");
    /* The sequences save the x87 state with FNSAVE: on AMD a context switch
     * between two native instructions (the kernel's XSAVE/XRSTOR) clears
     * FIP/FDP/FOP while no exception is pending, so a mismatching case is
     * re-run up to 3 times before it counts (as test_x87 does). */
    diff_set_retries(3); /* a real mismatch repeats */
    Rng r = rng_seeded(0x3d);
    bin_tests(&r, iters(400));
    mv_tests(&r, iters(400));
    cv_tests(&r, iters(600));
    seq_tests(&r, iters(4000));
    printf("test_mmx: %lu snippets\n", n_run);
    return sse_end();
}
