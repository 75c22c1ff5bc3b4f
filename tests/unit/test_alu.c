/* ADD OR ADC SBB AND SUB XOR CMP TEST INC DEC NEG NOT against the host CPU:
 * every form (reg,reg reg,mem mem,reg reg,imm mem,imm; r/m for the unary
 * ones) and size, LOCKed memory forms, the short accumulator encodings and
 * the LOCK forms that must raise #UD. AF after AND OR XOR TEST (undefined:
 * ringside clears it, as both vendors do) is compared where ringside's
 * undefined-flag rules were measured on a CPU of the host's kind
 * (undef_model.h). */
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

enum { RR, RM, MR, RI, MI };
static const char *const form_names[] = {"r,r", "r,m", "m,r", "r,i", "m,i"};

static const struct {
    ZydisMnemonic m;
    uint64_t defined;
    int writes;
} ops2[] = {
    {ZYDIS_MNEMONIC_ADD, ALLF, 1},        {ZYDIS_MNEMONIC_OR, ALLF & ~AF, 1},
    {ZYDIS_MNEMONIC_ADC, ALLF, 1},        {ZYDIS_MNEMONIC_SBB, ALLF, 1},
    {ZYDIS_MNEMONIC_AND, ALLF & ~AF, 1},  {ZYDIS_MNEMONIC_SUB, ALLF, 1},
    {ZYDIS_MNEMONIC_XOR, ALLF & ~AF, 1},  {ZYDIS_MNEMONIC_CMP, ALLF, 0},
    {ZYDIS_MNEMONIC_TEST, ALLF & ~AF, 0},
};

/* An immediate for an operation of `size`: what the encoding can hold. */
static int64_t imm_for(unsigned size) {
    uint64_t v = rng_edge(&R, size >= 4 ? 4 : size);
    if (rng_below(&R, 3) == 0) v = rng_edge(&R, 1); /* imm8 forms */
    if (size == 1 || rng_below(&R, 3) == 0) return (int8_t)v;
    if (size == 2) return (int16_t)v;
    return (int32_t)v;
}

/* Run `code` with a few random input states; base/index from ms if any. */
static void run_inputs(const uint8_t *code, size_t len, const MemSpec *ms, uint64_t defined,
                       int ninputs) {
    for (int k = 0; k < ninputs; k++) {
        RegState st;
        state_random(&R, &st);
        for (int g = 0; g < 16; g++)
            if (g != 4) st.gpr[g] = rng_reg(&R, 1u << rng_below(&R, 4));
        if (ms) mem_apply(ms, &st);
        data_random(&R, data);
        diff_run(code, len, &st, data, g_pinned ? ALLF : defined);
    }
}

static void test_binary(void) {
    for (size_t o = 0; o < sizeof ops2 / sizeof ops2[0]; o++)
        for (unsigned sz = 1; sz <= 8; sz *= 2)
            for (int form = RR; form <= MI; form++) {
                unsigned done = 0, tries = 0, want = iters(30);
                while (done < want && tries++ < want * 20) {
                    uint8_t code[16];
                    MemSpec ms;
                    ZydisEncoderOperand mem = mem_pick(&R, sz, &ms);
                    ZydisEncoderOperand ra = E_reg(gpr_reg(sz, rng_gpr(&R, sz)));
                    ZydisEncoderOperand rb = E_reg(gpr_reg(sz, rng_gpr(&R, sz)));
                    ZydisEncoderOperand im = E_imm(imm_for(sz));
                    uint32_t pfx = 0;
                    if ((form == MR || form == MI) && ops2[o].writes && rng_below(&R, 4) == 0)
                        pfx = ZYDIS_ATTRIB_HAS_LOCK;
                    size_t len;
                    switch (form) {
                    case RR: len = ENC(code, ops2[o].m, ra, rb); break;
                    case RM: len = ENC(code, ops2[o].m, ra, mem); break;
                    case MR: len = ENC_P(code, ops2[o].m, pfx, mem, rb); break;
                    case RI: len = ENC(code, ops2[o].m, ra, im); break;
                    default: len = ENC_P(code, ops2[o].m, pfx, mem, im); break;
                    }
                    if (!len) {
                        if (form == RM && ops2[o].m == ZYDIS_MNEMONIC_TEST)
                            break; /* no such form */
                        continue;
                    }
                    done++;
                    int mem_form = form == RM || form == MR || form == MI;
                    run_inputs(code, len, mem_form ? &ms : NULL, ops2[o].defined, 4);
                }
                if (done == 0 && !(form == RM && ops2[o].m == ZYDIS_MNEMONIC_TEST)) {
                    fprintf(stderr, "test_alu: could not encode %s %s size %u\n",
                            ZydisMnemonicGetString(ops2[o].m), form_names[form], sz);
                }
            }
}

static void test_unary(void) {
    static const struct {
        ZydisMnemonic m;
    } ops1[] = {
        {ZYDIS_MNEMONIC_INC}, {ZYDIS_MNEMONIC_DEC}, {ZYDIS_MNEMONIC_NEG}, {ZYDIS_MNEMONIC_NOT}};
    for (size_t o = 0; o < 4; o++)
        for (unsigned sz = 1; sz <= 8; sz *= 2)
            for (int mem = 0; mem < 2; mem++) {
                unsigned done = 0, tries = 0, want = iters(40);
                while (done < want && tries++ < want * 20) {
                    uint8_t code[16];
                    MemSpec ms;
                    uint32_t pfx = mem && rng_below(&R, 4) == 0 ? ZYDIS_ATTRIB_HAS_LOCK : 0;
                    ZydisEncoderOperand op =
                        mem ? mem_pick(&R, sz, &ms) : E_reg(gpr_reg(sz, rng_gpr(&R, sz)));
                    size_t len = ENC_P(code, ops1[o].m, pfx, op);
                    if (!len) continue;
                    done++;
                    run_inputs(code, len, mem ? &ms : NULL, ALLF, 4);
                }
            }
}

/* Encodings the encoder does not choose, and LOCK misuse (#UD). */
static void test_raw(void) {
    static const struct {
        uint8_t b[12];
        uint8_t len;
    } raw[] = {
        {{0x80, 0xc0, 0x7f}, 3},                               /* add al, 0x7f (80 /0) */
        {{0x80, 0xd4, 0x80}, 3},                               /* adc ah, 0x80 */
        {{0x66, 0x83, 0xd8, 0xff}, 4},                         /* sbb ax, -1 */
        {{0x48, 0x81, 0xc0, 0x00, 0x00, 0x00, 0x80}, 7},       /* add rax, -2^31 */
        {{0x48, 0x25, 0xff, 0xff, 0xff, 0x7f}, 6},             /* and rax, imm32 */
        {{0x3c, 0x80}, 2},                                     /* cmp al, 0x80 */
        {{0xa9, 0x01, 0x00, 0x00, 0x80}, 5},                   /* test eax, imm32 */
        {{0xf6, 0xc8, 0x81}, 3},                               /* test al, imm (F6 /1 alias) */
        {{0x02, 0xe0}, 2},                                     /* add ah, al (02 /r) */
        {{0x31, 0xc0}, 2},                                     /* xor eax, eax */
        {{0x48, 0x31, 0xdb}, 3},                               /* xor rbx, rbx */
        {{0x66, 0x29, 0xc9}, 3},                               /* sub cx, cx */
        {{0x82, 0xc0, 0x01}, 3},                               /* 82: invalid in 64-bit */
        {{0xf0, 0x01, 0xc8}, 3},                               /* lock add eax, ecx: #UD */
        {{0xf0, 0x39, 0x04, 0x25, 0x00, 0x01, 0x00, 0x20}, 8}, /* lock cmp [m], eax: #UD */
        {{0xf0, 0x85, 0x04, 0x25, 0x00, 0x01, 0x00, 0x20}, 8}, /* lock test: #UD */
        {{0xf0, 0xff, 0xc0}, 3},                               /* lock inc eax: #UD */
        {{0xf0, 0xf7, 0xd8}, 3},                               /* lock neg eax: #UD */
        {{0xf0, 0x01, 0x04, 0x25, 0xfe, 0x0f, 0x00, 0x20}, 8}, /* lock add [straddling], eax */
        {{0xf0, 0x48, 0xf7, 0x14, 0x25, 0xfc, 0x0f, 0x00, 0x20}, 9}, /* lock not qword */
        {{0x01, 0x04, 0x25, 0xfe, 0x1f, 0x00, 0x20}, 7}, /* add [end of data - 2], eax: #PF */
        {{0x03, 0x04, 0x25, 0x00, 0x00, 0x00, 0x40}, 7}, /* add eax, [unmapped]: #PF */
        /* the read-only page: reads fine, any write faults */
        {{0x01, 0x04, 0x25, 0x10, 0x00, 0x00, 0x38}, 7},             /* add [ro], eax: #PF */
        {{0x39, 0x04, 0x25, 0x10, 0x00, 0x00, 0x38}, 7},             /* cmp [ro], eax */
        {{0x85, 0x04, 0x25, 0x10, 0x00, 0x00, 0x38}, 7},             /* test [ro], eax */
        {{0x03, 0x04, 0x25, 0x10, 0x00, 0x00, 0x38}, 7},             /* add eax, [ro] */
        {{0xf7, 0x14, 0x25, 0x10, 0x00, 0x00, 0x38}, 7},             /* not dword [ro]: #PF */
        {{0xf0, 0x83, 0x04, 0x25, 0x10, 0x00, 0x00, 0x38, 0x00}, 9}, /* lock add [ro], 0: #PF */
    };
    for (size_t k = 0; k < sizeof raw / sizeof raw[0]; k++)
        run_inputs(raw[k].b, raw[k].len, NULL, ALLF & ~AF, iters(16));
}

/* A dependent chain in one block: lazy flags read by the next instruction
 * (ADC/SBB carry in, INC/DEC CF preservation) across sizes. */
static void test_chains(void) {
    static const struct {
        uint8_t b[16];
        uint8_t len;
    } seq[] = {
        {{0x48, 0x01, 0xd8, 0x48, 0x11, 0xca, 0x10, 0xe6},
         8}, /* add rax,rbx; adc rdx,rcx; adc dh,ah */
        {{0x29, 0xd8, 0x19, 0xca, 0xff, 0xc6, 0x18, 0xc1}, 8}, /* sub; sbb; inc esi; sbb cl,al */
        {{0x66, 0xff, 0xc8, 0x48, 0x19, 0xc0}, 6},             /* dec ax; sbb rax,rax */
        {{0xf6, 0xd8, 0x80, 0xd1, 0x00}, 5},                   /* neg al; adc cl,0 */
        {{0x48, 0xf7, 0xdb, 0x48, 0x11, 0xdb}, 6},             /* neg rbx; adc rbx,rbx */
        {{0x3c, 0x10, 0xfe, 0xc4, 0x14, 0x00}, 6},             /* cmp al,16; inc ah; adc al,0 */
    };
    for (size_t k = 0; k < sizeof seq / sizeof seq[0]; k++)
        run_inputs(seq[k].b, seq[k].len, NULL, ALLF, iters(200));
}

int main(void) {
    test_begin("test_alu");
    R = rng_seeded(1);
    unsigned fam, model; /* AF after logic ops: measured on AMD only */
    g_pinned = undef_host_pinned() && undef_host_cpu(&fam, &model) == 1;
    test_binary();
    test_unary();
    test_raw();
    test_chains();
    return test_end();
}
