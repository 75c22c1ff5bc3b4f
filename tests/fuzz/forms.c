/* Which operand forms to fuzz: for every mnemonic ringside implements
 * (decode_is_implemented), try the operand shapes the fuzzer knows (up to
 * three operands of the classes below) with Zydis' encoder and keep the ones
 * it can encode in the current mode. For each kept form, remember which
 * registers the encoder accepts per position, whether ringside's decoder has
 * a handler for it (probe.c), and whether the form is excluded by design. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "cpu/decode.h"

Form *fz_forms;
unsigned fz_nforms;

static const struct {
    const char *name;
    unsigned mem;
} oc_info[OC_COUNT] = {
    [OC_NONE] = {"-", 0},    [OC_R8] = {"r8", 0},        [OC_R16] = {"r16", 0},
    [OC_R32] = {"r32", 0},   [OC_R64] = {"r64", 0},      [OC_XMM] = {"xmm", 0},
    [OC_MM] = {"mm", 0},     [OC_ST] = {"st", 0},        [OC_SEG] = {"sreg", 0},
    [OC_BND] = {"bnd", 0},   [OC_M64] = {"m64B", 64},    [OC_IMM] = {"imm", 0},
    [OC_M1] = {"m8", 1},     [OC_M2] = {"m16", 2},       [OC_M4] = {"m32", 4},
    [OC_M6] = {"m48", 6},    [OC_M8] = {"m64", 8},       [OC_M10] = {"m80", 10},
    [OC_M14] = {"m14B", 14}, [OC_M16] = {"m128", 16},    [OC_M28] = {"m28B", 28},
    [OC_M94] = {"m94B", 94}, [OC_M108] = {"m108B", 108}, [OC_M512] = {"m512B", 512},
};

unsigned oc_mem_size(int cls) { return oc_info[cls].mem; }
const char *oc_name(int cls) { return oc_info[cls].name; }

unsigned oc_reg_count(int cls) {
    switch (cls) {
    case OC_R8: return 20; /* AL..R15B, then AH CH DH BH */
    case OC_R16:
    case OC_R32:
    case OC_R64:
    case OC_XMM: return 16;
    case OC_MM:
    case OC_ST: return 8;
    case OC_SEG: return 6;
    case OC_BND: return 4;
    default: return 0;
    }
}

ZydisRegister oc_reg(int cls, unsigned n) {
    switch (cls) {
    case OC_R8: return gpr_reg(1, n);
    case OC_R16: return gpr_reg(2, n);
    case OC_R32: return gpr_reg(4, n);
    case OC_R64: return gpr_reg(8, n);
    case OC_XMM: return (ZydisRegister)(ZYDIS_REGISTER_XMM0 + n);
    case OC_MM: return (ZydisRegister)(ZYDIS_REGISTER_MM0 + n);
    case OC_ST: return (ZydisRegister)(ZYDIS_REGISTER_ST0 + n);
    case OC_SEG: return (ZydisRegister)(ZYDIS_REGISTER_ES + n);
    case OC_BND: return (ZydisRegister)(ZYDIS_REGISTER_BND0 + n);
    default: return ZYDIS_REGISTER_NONE;
    }
}

void form_text(const Form *f, char *out, size_t n) {
    size_t w = 0;
    out[0] = 0;
    if (f->nops == 0) snprintf(out, n, "(none)");
    for (int k = 0; k < f->nops && w < n; k++)
        w += (size_t)snprintf(out + w, n - w, "%s%s", k ? ", " : "", oc_name(f->cls[k]));
}

/* Mnemonics never run: they reach the host kernel (SYSCALL, SYSENTER), leave
 * the snippet for good (IRET), answer from the model rather than the
 * architecture (CPUID: ringside's modelled CPU; RDTSC/RDTSCP/RDPMC: time), or
 * where the host's answer comes from its kernel or hypervisor, not the CPU
 * (UMIP emulation, VMCALL, INT3/INT1 through Linux's IDT). */
const char *mnem_excluded(ZydisMnemonic m) {
    switch (m) {
    case ZYDIS_MNEMONIC_SYSCALL:
    case ZYDIS_MNEMONIC_SYSENTER: return "enters the host kernel";
    case ZYDIS_MNEMONIC_IRET:
    case ZYDIS_MNEMONIC_IRETD:
    case ZYDIS_MNEMONIC_IRETQ: return "far return to a CS:RIP from the stack";
    case ZYDIS_MNEMONIC_CPUID: return "answers from ringside's CPU model, not the host's";
    case ZYDIS_MNEMONIC_RDTSC:
    case ZYDIS_MNEMONIC_RDTSCP:
    case ZYDIS_MNEMONIC_RDPMC: return "time/counter values differ run to run";
    case ZYDIS_MNEMONIC_INT3:
    case ZYDIS_MNEMONIC_INT1:
        return "needs an IDT: the host delivers SIGTRAP, the flat harness has none (#GP)";
    case ZYDIS_MNEMONIC_XGETBV:
        return "ringside's CPU model has no XSAVE (CR4.OSXSAVE clear: #UD); the host has it";
    case ZYDIS_MNEMONIC_VMCALL: return "the host is a VM: its hypervisor answers VMCALL (RAX=-1)";
    case ZYDIS_MNEMONIC_SGDT:
    case ZYDIS_MNEMONIC_SIDT:
    case ZYDIS_MNEMONIC_SLDT:
    case ZYDIS_MNEMONIC_SMSW:
    case ZYDIS_MNEMONIC_STR: return "the host kernel emulates it (UMIP) with dummy values";
    case ZYDIS_MNEMONIC_LAR:
    case ZYDIS_MNEMONIC_LSL:
    case ZYDIS_MNEMONIC_VERR:
    case ZYDIS_MNEMONIC_VERW:
        return "reads the host's GDT/LDT; the flat harness has none (tests/programs*/desc*.c)";
    default: return NULL;
    }
}

/* Instructions never run, whatever form or prefix produced them: excluded
 * mnemonics, and what would outlive the snippet on the host or that the flat
 * harness cannot model. */
const char *insn_unsafe(const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *zo) {
    const char *ex = mnem_excluded(zi->mnemonic);
    if (ex) return ex;
    if (zi->mnemonic == ZYDIS_MNEMONIC_SYSRET) return NULL; /* #GP at CPL 3, before any load */
    if (zi->meta.branch_type == ZYDIS_BRANCH_TYPE_FAR) return "far transfer (changes CS)";
    if (zi->attributes & ZYDIS_ATTRIB_HAS_SEGMENT_FS) return "FS override (the host's TLS)";
    for (int j = 0; j < zi->operand_count; j++) {
        if (zo[j].type == ZYDIS_OPERAND_TYPE_REGISTER &&
            ZydisRegisterGetClass(zo[j].reg.value) == ZYDIS_REGCLASS_SEGMENT &&
            (zo[j].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE))
            return "segment register load (no GDT in the harness; FS/GS would break the host)";
        if (zo[j].type == ZYDIS_OPERAND_TYPE_MEMORY && zo[j].mem.segment == ZYDIS_REGISTER_FS)
            return "FS override (the host's TLS)";
        if (FZ_M32 && zo[j].type == ZYDIS_OPERAND_TYPE_REGISTER &&
            zo[j].reg.value == ZYDIS_REGISTER_FS)
            return "reads FS (host: 0, the 64-bit TLS base is in the MSR; compat model: 0x2b)";
    }
    if (zi->mnemonic == ZYDIS_MNEMONIC_INT &&
        (zo[0].imm.value.u == 0x80 || zo[0].imm.value.u == 3 || zo[0].imm.value.u == 4))
        return "INT 0x80 reaches the host kernel; INT 3/4 need an IDT";
    if (zi->mnemonic == ZYDIS_MNEMONIC_INTO && FZ_M32)
        return "INTO (#OF, 32-bit mode) needs an IDT: the host traps through a DPL-3 gate";
    return NULL;
}

/* ---- encoding a shape ---- */

static ZydisEncoderOperand shape_op(int cls, unsigned n) {
    ZydisEncoderOperand o;
    memset(&o, 0, sizeof o);
    if (OC_IS_REG(cls)) {
        o.type = ZYDIS_OPERAND_TYPE_REGISTER;
        o.reg.value = oc_reg(cls, n);
    } else if (cls == OC_IMM) {
        o.type = ZYDIS_OPERAND_TYPE_IMMEDIATE;
        o.imm.u = 1;
    } else {
        o.type = ZYDIS_OPERAND_TYPE_MEMORY;
        o.mem.base = FZ_M32 ? ZYDIS_REGISTER_EBX : ZYDIS_REGISTER_RBX;
        o.mem.size = (ZyanU16)oc_mem_size(cls);
    }
    return o;
}

static size_t enc_shape(ZydisMnemonic m, int nops, const uint8_t *cls, const unsigned *idx,
                        uint8_t *out) {
    ZydisEncoderRequest q;
    memset(&q, 0, sizeof q);
    q.machine_mode = fz_mode->zmode;
    q.mnemonic = m;
    q.operand_count = (ZyanU8)nops;
    for (int k = 0; k < nops; k++)
        q.operands[k] = shape_op(cls[k], idx[k]);
    ZyanUSize len = ZYDIS_MAX_INSTRUCTION_LENGTH;
    if (!ZYAN_SUCCESS(ZydisEncoderEncodeInstruction(&q, out, &len))) return 0;
    /* Only legacy/VEX encodings: ringside has no EVEX/MVEX. */
    if (out[0] == 0x62) return 0;
    return len;
}

/* Register choices tried per position: covers forms that want a specific
 * register (CL counts, DX ports, AL/AX accumulators, ST0, FS/GS). */
static const unsigned reg_tries[][3] = {{1, 2, 3}, {0, 1, 2}, {0, 2, 1}, {2, 0, 1}, {1, 0, 2},
                                        {0, 0, 0}, {2, 1, 0}, {4, 4, 4}, {5, 5, 5}};

/* The encoder ignores the size of some memory operands (MOVQ mm, LEA, NOP,
 * PREFETCH...): keep the form whose size is the decoded one, or m8 when the
 * decoded size is none of the classes', so each encoding is one form. */
static int mem_size_matches(const uint8_t *b, size_t len, int nops, const uint8_t *cls) {
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
    if (decode_at(b, len, &zi, zo) != 0) return 0;
    for (int k = 0; k < nops && k < zi.operand_count_visible; k++) {
        if (!OC_IS_MEM(cls[k]) || zo[k].type != ZYDIS_OPERAND_TYPE_MEMORY) continue;
        unsigned ds = zo[k].size / 8;
        int known = 0;
        for (int c = OC_M1; c < OC_COUNT; c++)
            known |= oc_mem_size(c) == ds;
        if (known ? ds != oc_mem_size(cls[k]) : cls[k] != OC_M1) return 0;
    }
    return 1;
}

static int try_shape(ZydisMnemonic m, int nops, const uint8_t *cls, unsigned *idx_out,
                     uint8_t *out) {
    int has_reg = 0;
    for (int k = 0; k < nops; k++)
        has_reg |= OC_IS_REG(cls[k]);
    int ntries = has_reg ? (int)(sizeof reg_tries / sizeof reg_tries[0]) : 1;
    for (int t = 0; t < ntries; t++) {
        size_t len = enc_shape(m, nops, cls, reg_tries[t], out);
        if (len && !mem_size_matches(out, len, nops, cls)) return 0;
        if (len) {
            memcpy(idx_out, reg_tries[t], sizeof reg_tries[t]);
            return (int)len;
        }
    }
    return 0;
}

static unsigned cap;

static void add_form(ZydisMnemonic m, int nops, const uint8_t *cls, const unsigned *idx,
                     const uint8_t *bytes, int len) {
    if (fz_nforms == cap) {
        cap = cap ? cap * 2 : 1024;
        fz_forms = realloc(fz_forms, cap * sizeof *fz_forms);
        if (!fz_forms) abort();
    }
    Form *f = &fz_forms[fz_nforms++];
    memset(f, 0, sizeof *f);
    f->mnem = (uint16_t)m;
    f->nops = (uint8_t)nops;
    memcpy(f->cls, cls, (size_t)nops);
    memcpy(f->example, bytes, (size_t)len);
    f->example_len = (uint8_t)len;
    for (int k = 0; k < nops; k++) {
        if (!OC_IS_REG(cls[k])) continue;
        unsigned tmp[3] = {idx[0], idx[1], idx[2]};
        uint8_t b[16];
        for (unsigned n = 0; n < oc_reg_count(cls[k]); n++) {
            tmp[k] = n;
            if (enc_shape(m, nops, cls, tmp, b)) f->regmask[k] |= 1u << n;
        }
    }

    ZydisDecodedInstruction zi;
    ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
    const char *ex = decode_at(bytes, (size_t)len, &zi, zo) == 0 ? insn_unsafe(&zi, zo)
                                                                 : "Zydis cannot decode it";
    if (ex) {
        f->status = FORM_EXCLUDED;
        f->why = ex;
        return;
    }
    char why[200];
    if (probe_unimplemented(bytes, (size_t)len, why, sizeof why)) {
        f->status = FORM_UNIMPL;
        f->why = strdup(why);
    }
}

/* Classes worth trying in each position (the third operand of the x86
 * instructions ringside implements is an immediate, CL, a GPR, an XMM
 * register or memory). */
static const uint8_t third_ops[] = {OC_IMM, OC_R8, OC_R16, OC_R32, OC_R64,
                                    OC_XMM, OC_M4, OC_M8,  OC_M16};

void forms_discover(void) {
    uint8_t bytes[16];
    unsigned idx[3];
    for (int m = 1; m <= ZYDIS_MNEMONIC_MAX_VALUE; m++) {
        if (!decode_is_implemented(m)) continue;
        uint8_t cls[3] = {0, 0, 0};
        int len = try_shape((ZydisMnemonic)m, 0, cls, idx, bytes);
        if (len) add_form((ZydisMnemonic)m, 0, cls, idx, bytes, len);
        for (int a = OC_R8; a < OC_COUNT; a++) {
            cls[0] = (uint8_t)a;
            len = try_shape((ZydisMnemonic)m, 1, cls, idx, bytes);
            if (len) add_form((ZydisMnemonic)m, 1, cls, idx, bytes, len);
            for (int b = OC_R8; b < OC_COUNT; b++) {
                cls[1] = (uint8_t)b;
                len = try_shape((ZydisMnemonic)m, 2, cls, idx, bytes);
                if (len) add_form((ZydisMnemonic)m, 2, cls, idx, bytes, len);
                if (OC_IS_MEM(a) && OC_IS_MEM(b)) continue; /* no x86 form has two */
                for (size_t c = 0; c < sizeof third_ops; c++) {
                    cls[2] = third_ops[c];
                    if (OC_IS_MEM(cls[2]) && (OC_IS_MEM(a) || OC_IS_MEM(b))) continue;
                    len = try_shape((ZydisMnemonic)m, 3, cls, idx, bytes);
                    if (len) add_form((ZydisMnemonic)m, 3, cls, idx, bytes, len);
                }
                cls[2] = 0;
            }
            cls[1] = 0;
        }
    }
}
