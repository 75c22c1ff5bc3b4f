/* Flags the SDM leaves undefined, per instruction (and, for shifts and
 * rotates, per count), and which of them the fuzzer still must not compare
 * for a given CPU: those ringside does not model for it, or whose rule was
 * not measured on such a CPU (tests/unit/undef_model.h). Everything not
 * masked is compared, including "unaffected" flags, which must keep their
 * input values. x87 condition codes: Zydis' FPU-flag table (from the SDM's
 * per-instruction "FPU Flags Affected" sections). */
#include "fuzz.h"
#include "undef_model.h"

#define CF   0x001ull
#define PF   0x004ull
#define AF   0x010ull
#define ZF   0x040ull
#define SF   0x080ull
#define OF   0x800ull
#define ALL6 (CF | PF | AF | ZF | SF | OF)

/* The count a shift/rotate uses: CL, an immediate, or the implicit 1. */
static unsigned shift_count(const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *zo,
                            const RegState *in, int which) {
    const ZydisDecodedOperand *o = &zo[which];
    unsigned raw = 1;
    if (which < zi->operand_count) {
        if (o->type == ZYDIS_OPERAND_TYPE_IMMEDIATE)
            raw = (unsigned)o->imm.value.u;
        else if (o->type == ZYDIS_OPERAND_TYPE_REGISTER && o->reg.value == ZYDIS_REGISTER_CL)
            raw = (unsigned)(in->gpr[1] & 0xff);
    }
    return raw & (zi->operand_width == 64 ? 0x3f : 0x1f);
}

/* What the SDM leaves undefined; *skip: the result itself is undefined. */
static uint64_t sdm_undef(const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *zo,
                          const RegState *in, int *skip) {
    *skip = 0;
    const unsigned bits = zi->operand_width;
    switch (zi->mnemonic) {
    case ZYDIS_MNEMONIC_AND:
    case ZYDIS_MNEMONIC_OR:
    case ZYDIS_MNEMONIC_XOR:
    case ZYDIS_MNEMONIC_TEST: return AF;
    case ZYDIS_MNEMONIC_MUL:
    case ZYDIS_MNEMONIC_IMUL: return SF | ZF | AF | PF;
    case ZYDIS_MNEMONIC_DIV:
    case ZYDIS_MNEMONIC_IDIV: return ALL6;
    case ZYDIS_MNEMONIC_BSF:
    case ZYDIS_MNEMONIC_BSR: return CF | OF | SF | AF | PF;
    case ZYDIS_MNEMONIC_BT:
    case ZYDIS_MNEMONIC_BTS:
    case ZYDIS_MNEMONIC_BTR:
    case ZYDIS_MNEMONIC_BTC: return OF | SF | AF | PF;
    case ZYDIS_MNEMONIC_LZCNT:
    case ZYDIS_MNEMONIC_TZCNT: return OF | SF | PF | AF;
    case ZYDIS_MNEMONIC_ANDN:
    case ZYDIS_MNEMONIC_BLSI:
    case ZYDIS_MNEMONIC_BLSMSK:
    case ZYDIS_MNEMONIC_BLSR:
    case ZYDIS_MNEMONIC_BZHI: return AF | PF;
    case ZYDIS_MNEMONIC_BEXTR: return AF | SF | PF;
    case ZYDIS_MNEMONIC_DAA:
    case ZYDIS_MNEMONIC_DAS: return OF;
    case ZYDIS_MNEMONIC_AAA:
    case ZYDIS_MNEMONIC_AAS: return OF | SF | ZF | PF;
    case ZYDIS_MNEMONIC_AAM:
    case ZYDIS_MNEMONIC_AAD: return OF | AF | CF;
    case ZYDIS_MNEMONIC_SHL:
    case ZYDIS_MNEMONIC_SHR:
    case ZYDIS_MNEMONIC_SAR: {
        unsigned n = shift_count(zi, zo, in, 1);
        if (n == 0) return 0; /* no flag changes */
        uint64_t u = AF | (n > 1 ? OF : 0);
        /* SHL/SHR: CF undefined when the count reaches the operand size. */
        if (zi->mnemonic != ZYDIS_MNEMONIC_SAR && n >= bits) u |= CF;
        return u;
    }
    case ZYDIS_MNEMONIC_ROL:
    case ZYDIS_MNEMONIC_ROR:
    case ZYDIS_MNEMONIC_RCL:
    case ZYDIS_MNEMONIC_RCR: return shift_count(zi, zo, in, 1) > 1 ? OF : 0;
    case ZYDIS_MNEMONIC_SHLD:
    case ZYDIS_MNEMONIC_SHRD: {
        unsigned n = shift_count(zi, zo, in, 2);
        if (n == 0) return 0;
        if (n > bits) { /* result and flags undefined */
            *skip = 1;
            return ALL6;
        }
        return AF | (n > 1 ? OF : 0);
    }
    default: return 0;
    }
}

/* The part of sdm_undef that ringside models for the vendor (0 Intel, 1
 * AMD; cpu/shift.c, muldiv.c, bitops.c, alu.c): the undefined flags of these
 * instructions are set by a rule measured on such a CPU, so they are
 * compared. Returns the flags that stay masked. */
static uint64_t modelled(int vendor, const ZydisDecodedInstruction *zi,
                         const ZydisDecodedOperand *zo, const RegState *in, uint64_t sdm,
                         int *skip) {
    switch (zi->mnemonic) {
    case ZYDIS_MNEMONIC_AND:
    case ZYDIS_MNEMONIC_OR:
    case ZYDIS_MNEMONIC_XOR:
    case ZYDIS_MNEMONIC_TEST: return vendor ? 0 : sdm; /* AF = 0: measured on AMD only */
    case ZYDIS_MNEMONIC_MUL:
    case ZYDIS_MNEMONIC_IMUL:
    case ZYDIS_MNEMONIC_DIV:
    case ZYDIS_MNEMONIC_IDIV:
    case ZYDIS_MNEMONIC_BSF:
    case ZYDIS_MNEMONIC_BSR:
    case ZYDIS_MNEMONIC_BT:
    case ZYDIS_MNEMONIC_BTS:
    case ZYDIS_MNEMONIC_BTR:
    case ZYDIS_MNEMONIC_BTC:
    case ZYDIS_MNEMONIC_LZCNT:
    case ZYDIS_MNEMONIC_TZCNT:
    case ZYDIS_MNEMONIC_ANDN:
    case ZYDIS_MNEMONIC_BEXTR:
    case ZYDIS_MNEMONIC_BLSI:
    case ZYDIS_MNEMONIC_BLSMSK:
    case ZYDIS_MNEMONIC_BLSR:
    case ZYDIS_MNEMONIC_SHL:
    case ZYDIS_MNEMONIC_SHR:
    case ZYDIS_MNEMONIC_SAR:
    case ZYDIS_MNEMONIC_ROL:
    case ZYDIS_MNEMONIC_ROR:
    case ZYDIS_MNEMONIC_RCL:
    case ZYDIS_MNEMONIC_RCR: return 0;
    case ZYDIS_MNEMONIC_SHLD:
    case ZYDIS_MNEMONIC_SHRD:
        /* A 16-bit count above 16: AMD's result and flags are measured;
         * Intel's stay unexamined (the case is skipped). */
        if (*skip && !vendor) return sdm;
        *skip = 0;
        (void)zo, (void)in;
        return 0;
    default: return sdm;
    }
}

uint64_t fz_undef_mask(int vendor, unsigned family, unsigned model,
                       const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *zo,
                       const RegState *in, int *skip) {
    uint64_t sdm = sdm_undef(zi, zo, in, skip);
    const char *e = getenv("RS_UNDEF_PINNED");
    int pinned = e && *e ? atoi(e) != 0 : undef_rules_pinned(vendor, family, model);
    if (!pinned || vendor < 0) return sdm;
    return modelled(vendor, zi, zo, in, sdm, skip);
}

uint64_t undef_flags(const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *zo,
                     const RegState *in, int *skip) {
    static int vendor = -2;
    static unsigned family, model;
    if (vendor == -2) vendor = undef_host_cpu(&family, &model);
    return fz_undef_mask(vendor, family, model, zi, zo, in, skip);
}

uint16_t undef_fsw(const ZydisDecodedInstruction *zi) {
    uint16_t u = 0;
    if (!zi->fpu_flags) return 0;
    ZydisAccessedFlagsMask m = zi->fpu_flags->undefined;
    if (m & ZYDIS_FPUFLAG_C0) u |= 0x0100;
    if (m & ZYDIS_FPUFLAG_C1) u |= 0x0200;
    if (m & ZYDIS_FPUFLAG_C2) u |= 0x0400;
    if (m & ZYDIS_FPUFLAG_C3) u |= 0x4000;
    return u;
}
