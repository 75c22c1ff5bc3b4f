/* What instruction handlers see: the decoded-instruction record, guest
 * memory access through the software TLB, operand helpers, lazy flags and
 * faults. Internal to cpu/.
 *
 * Execution model (cpu/exec.c): instructions are decoded once into blocks of
 * Insn records. Within a block, handlers run back to back and c->rip is NOT
 * updated per instruction: it already holds the block's fall-through address
 * when the block starts. A handler that branches sets c->rip; only the last
 * instruction of a block may do so (the decoder ends a block after every
 * instruction whose family is marked OPF_END). A handler that needs its own
 * address uses i->rip, the next one INSN_NEXT(i). Faults longjmp out of the
 * handler (cpu_fault) and the CPU restarts the instruction's address. */
#ifndef RINGSIDE_INSN_H
#define RINGSIDE_INSN_H

#include <string.h>

#include <Zydis/Zydis.h>

#include "cpu.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

typedef void (*Handler)(Cpu *c, const Insn *i);

/* Operand kinds (k[]). */
enum { K_NONE = 0, K_REG, K_MEM, K_IMM };

/* Insn.flags */
enum {
    I_LOCK = 1,
    I_REP = 2,   /* F3: REP / REPE / REPZ */
    I_REPNE = 4, /* F2: REPNE / REPNZ */
    I_O16 = 8,   /* 66 prefix present */
    /* Set by the decoder's flag-liveness pass (cpu/decode.c): every
     * arithmetic flag this instruction writes is overwritten before anything
     * can read or observe it, so the handler may skip its flag update. */
    I_FLAGS_DEAD = 16,
};

/* A decoded instruction: 56 bytes. Register operands of GPR class are
 * stored as byte offsets into c->gpr (so AH is offset 1); XMM operands as
 * register numbers; segment registers as SEG_*. */
struct Insn {
    Handler fn;
    uint64_t rip;
    uint64_t imm;  /* first immediate, sign- or zero-extended as the SDM
                      says for this instruction; for relative branches the
                      absolute target */
    int64_t disp;  /* memory displacement; absolute for RIP-relative */
    uint16_t mnem; /* ZydisMnemonic */
    uint8_t len;
    uint8_t osz;   /* operand size in bytes (1,2,4,8; 16 for 128-bit) */
    uint8_t asz;   /* address size in bytes (2,4,8) */
    uint8_t base;  /* GPR number or REG_ZERO */
    uint8_t index; /* GPR number or REG_ZERO */
    uint8_t scale; /* shift count 0..3 */
    uint8_t seg;   /* SEG_* whose base is added; SEG_NONE in 64-bit mode for ES/CS/SS/DS */
    uint8_t flags; /* I_* */
    uint8_t aux;   /* family-specific: condition code, sub-operation, ... */
    uint8_t aux2;  /* family-specific: second immediate byte, element size, ... */
    uint8_t r[3];  /* register operands, by explicit operand position */
    uint8_t k[3];  /* K_* by explicit operand position */
    uint8_t osz1;  /* size in bytes of explicit operand 1 (movzx/movsx source etc.) */
    uint8_t mseg;  /* segment of the memory operand as written (SEG_DS default) */
};

#define INSN_NEXT(i) ((i)->rip + (i)->len)

/* GPR access by byte offset (r[] of a GPR operand). */
#define GPR_PTR(c, off) ((uint8_t *)(c)->gpr + (off))
static inline uint64_t reg_get(Cpu *c, unsigned off, unsigned size) {
    uint8_t *p = GPR_PTR(c, off);
    switch (size) {
    case 1: return *p;
    case 2: {
        uint16_t v;
        memcpy(&v, p, 2);
        return v;
    }
    case 4: {
        uint32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    default: {
        uint64_t v;
        memcpy(&v, p, 8);
        return v;
    }
    }
}
/* 32-bit writes zero-extend to 64; 8/16-bit writes merge. */
static inline void reg_set(Cpu *c, unsigned off, unsigned size, uint64_t v) {
    uint8_t *p = GPR_PTR(c, off);
    switch (size) {
    case 1: *p = (uint8_t)v; break;
    case 2: {
        uint16_t w = (uint16_t)v;
        memcpy(p, &w, 2);
        break;
    }
    case 4: {
        uint64_t w = (uint32_t)v;
        memcpy(p, &w, 8);
        break;
    }
    default: memcpy(p, &v, 8); break;
    }
}
/* GPR number -> byte offset (full register). */
#define GPR_OFF(n) ((n)*8)

static inline uint64_t size_mask(unsigned size) {
    return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}
static inline uint64_t sign_bit(unsigned size) { return 1ull << (size * 8 - 1); }
static inline int64_t sext(uint64_t v, unsigned size) {
    unsigned sh = 64 - size * 8;
    return (int64_t)(v << sh) >> sh;
}

/* ------------------------------------------------------------------ */
/* Faults. cpu_fault never returns: it unwinds to the run loop, which
 * delivers the exception (through the IDT when one is loaded). */
_Noreturn void cpu_fault(Cpu *c, int vector, uint32_t error);
_Noreturn void cpu_fault_noerr(Cpu *c, int vector);
#define GP0(c) cpu_fault((c), EXC_GP, 0)
#define UD(c)  cpu_fault_noerr((c), EXC_UD)
/* #UD for an instruction (or form) ringside does not implement: reported
 * once per address with its bytes and Zydis mnemonic, then #UD. */
_Noreturn void cpu_unimplemented(Cpu *c, const Insn *i, const char *why);
/* End the current block after this instruction (used by handlers whose
 * effects change how later instructions decode or run). */
static inline void cpu_end_block(Cpu *c) { c->stop_at = NULL; }

/* ------------------------------------------------------------------ */
/* Memory access through the software TLB. One compare on the fast path;
 * misses, page crossings, faults and writes to code pages take the slow
 * path in cpu/access.c. */
#define TLB_SIZE 1024
typedef struct TlbEnt {
    uint64_t tag;     /* page address | 0; ~0 when empty */
    uintptr_t addend; /* host = guest + addend */
} TlbEnt;

uint64_t cpu_rd_slow(Cpu *c, uint64_t a, unsigned n);
void cpu_wr_slow(Cpu *c, uint64_t a, unsigned n, uint64_t v);
void cpu_rd_bytes(Cpu *c, uint64_t a, void *dst, unsigned n); /* any size, faults */
void cpu_wr_bytes(Cpu *c, uint64_t a, const void *src, unsigned n);
/* Check that [a, a+n) is writable (and readable) without writing: for
 * instructions that must fault before changing any state. */
void cpu_probe_w(Cpu *c, uint64_t a, unsigned n);

#define TLB_IDX(a) (((a) >> PAGE_SHIFT) & (TLB_SIZE - 1))
#define DEF_RD(bits, T)                                                                            \
    static inline T mem_rd##bits(Cpu *c, uint64_t a) {                                             \
        const TlbEnt *e = &c->tlb_r[TLB_IDX(a)];                                                   \
        if (likely(e->tag == (a & PAGE_MASK) && (a & (PAGE_SIZE - 1)) <= PAGE_SIZE - sizeof(T))) { \
            T v;                                                                                   \
            memcpy(&v, (void *)(uintptr_t)(a + e->addend), sizeof(T));                             \
            return v;                                                                              \
        }                                                                                          \
        return (T)cpu_rd_slow(c, a, sizeof(T));                                                    \
    }
#define DEF_WR(bits, T)                                                                            \
    static inline void mem_wr##bits(Cpu *c, uint64_t a, T v) {                                     \
        const TlbEnt *e = &c->tlb_w[TLB_IDX(a)];                                                   \
        if (likely(e->tag == (a & PAGE_MASK) && (a & (PAGE_SIZE - 1)) <= PAGE_SIZE - sizeof(T))) { \
            memcpy((void *)(uintptr_t)(a + e->addend), &v, sizeof(T));                             \
            return;                                                                                \
        }                                                                                          \
        cpu_wr_slow(c, a, sizeof(T), v);                                                           \
    }
DEF_RD(8, uint8_t)
DEF_RD(16, uint16_t)
DEF_RD(32, uint32_t)
DEF_RD(64, uint64_t)
DEF_WR(8, uint8_t)
DEF_WR(16, uint16_t)
DEF_WR(32, uint32_t)
DEF_WR(64, uint64_t)
#undef DEF_RD
#undef DEF_WR

static inline uint64_t mem_rd(Cpu *c, uint64_t a, unsigned size) {
    switch (size) {
    case 1: return mem_rd8(c, a);
    case 2: return mem_rd16(c, a);
    case 4: return mem_rd32(c, a);
    default: return mem_rd64(c, a);
    }
}
static inline void mem_wr(Cpu *c, uint64_t a, unsigned size, uint64_t v) {
    switch (size) {
    case 1: mem_wr8(c, a, (uint8_t)v); break;
    case 2: mem_wr16(c, a, (uint16_t)v); break;
    case 4: mem_wr32(c, a, (uint32_t)v); break;
    default: mem_wr64(c, a, v); break;
    }
}
static inline void mem_rd128(Cpu *c, uint64_t a, Xmm *x) {
    x->q[0] = mem_rd64(c, a);
    x->q[1] = mem_rd64(c, a + 8);
}
static inline void mem_wr128(Cpu *c, uint64_t a, const Xmm *x) {
    cpu_probe_w(c, a, 16); /* all-or-nothing across a page boundary */
    mem_wr64(c, a, x->q[0]);
    mem_wr64(c, a + 8, x->q[1]);
}

/* Effective (linear) address of the memory operand. */
static inline __attribute__((always_inline)) uint64_t insn_ea(Cpu *c, const Insn *i) {
    uint64_t a = (uint64_t)i->disp + c->gpr[i->base] + (c->gpr[i->index] << i->scale);
    if (likely(i->asz == 8)) return a + c->segbase[i->seg];
    a &= size_mask(i->asz);
    /* 64-bit mode: the truncated offset plus a 64-bit FS/GS base; other
     * modes: a 32-bit linear address */
    return c->mode == MODE_64 ? a + c->segbase[i->seg] : (uint32_t)(a + c->segbase[i->seg]);
}
/* Effective address with an extra displacement (e.g. the second half of
 * m128 or a bit offset), wrapped to the address size. */
static inline uint64_t insn_ea_plus(Cpu *c, const Insn *i, int64_t extra) {
    uint64_t a = (uint64_t)i->disp + extra + c->gpr[i->base] + (c->gpr[i->index] << i->scale);
    if (likely(i->asz == 8)) return a + c->segbase[i->seg];
    a &= size_mask(i->asz);
    return c->mode == MODE_64 ? a + c->segbase[i->seg] : (uint32_t)(a + c->segbase[i->seg]);
}

/* Generic operand access by explicit position j (slower; fine for
 * instructions that are not hot). Size is i->osz unless given. */
static inline uint64_t op_get(Cpu *c, const Insn *i, int j, unsigned size) {
    switch (i->k[j]) {
    case K_REG: return reg_get(c, i->r[j], size);
    case K_MEM: return mem_rd(c, insn_ea(c, i), size);
    default: return i->imm & size_mask(size);
    }
}
static inline void op_set(Cpu *c, const Insn *i, int j, unsigned size, uint64_t v) {
    if (i->k[j] == K_REG)
        reg_set(c, i->r[j], size, v);
    else
        mem_wr(c, insn_ea(c, i), size, v);
}

/* Stack (64-bit mode: RSP; compat: ESP with SS base). */
void cpu_push(Cpu *c, unsigned size, uint64_t v);
uint64_t cpu_pop(Cpu *c, unsigned size);
static inline unsigned cpu_stack_size(Cpu *c) { return c->mode == MODE_64 ? 8 : 4; }

/* ------------------------------------------------------------------ */
/* Lazy flags (cpu/flags.c). A flag-setting handler records its operation
 * with one of these; readers call flags_get / cond_eval. */
enum {
    LF_NONE = 0, /* rflags holds the arithmetic bits */
    LF_ADD,
    LF_ADC,
    LF_SUB,
    LF_SBB,
    LF_LOGIC,
    LF_INC,
    LF_DEC,
    LF_NEG,
};
static inline void lf_set(Cpu *c, int op, unsigned size, uint64_t res, uint64_t a, uint64_t b) {
    c->lf.op = (uint8_t)op;
    c->lf.size = (uint8_t)size;
    c->lf.res = res;
    c->lf.a = a;
    c->lf.b = b;
}
/* Materialise arithmetic flags into c->rflags (sets lf.op = LF_NONE). */
void flags_sync(Cpu *c);
/* Individual flags (0/1) without materialising everything. */
int flag_cf(Cpu *c);
static inline int flag_zf(Cpu *c) {
    return c->lf.op == LF_NONE ? !!(c->rflags & F_ZF) : (c->lf.res & size_mask(c->lf.size)) == 0;
}
static inline int flag_sf(Cpu *c) {
    return c->lf.op == LF_NONE ? !!(c->rflags & F_SF) : !!(c->lf.res & sign_bit(c->lf.size));
}
int flag_of(Cpu *c);
int flag_pf(Cpu *c);
/* Condition codes in Intel order: O NO B AE E NE BE A S NS P NP L GE LE G. */
int cond_eval(Cpu *c, unsigned cc);
/* Conditions for per-condition handlers (Jcc, SETcc, CMOVcc chosen at decode
 * time): evaluated straight from the lazy record for the common producers.
 * Operands and results are compared shifted left by lf_shift so that bits
 * above the operand size (which producers need not clear) drop out. */
static inline unsigned lf_shift(const Cpu *c) { return 64u - c->lf.size * 8u; }
static inline int cc_z(Cpu *c) {
    if (c->lf.op == LF_NONE) return !!(c->rflags & F_ZF);
    return (c->lf.res << lf_shift(c)) == 0;
}
static inline int cc_s(Cpu *c) {
    if (c->lf.op == LF_NONE) return !!(c->rflags & F_SF);
    return (int64_t)(c->lf.res << lf_shift(c)) < 0;
}
static inline int cc_b(Cpu *c) {
    unsigned sh = lf_shift(c);
    switch (c->lf.op) {
    case LF_SUB: return (c->lf.a << sh) < (c->lf.b << sh);
    case LF_ADD: return (c->lf.res << sh) < (c->lf.a << sh);
    case LF_LOGIC: return 0;
    default: return flag_cf(c);
    }
}
static inline int cc_be(Cpu *c) {
    unsigned sh = lf_shift(c);
    switch (c->lf.op) {
    case LF_SUB: return (c->lf.a << sh) <= (c->lf.b << sh);
    case LF_LOGIC: return (c->lf.res << sh) == 0;
    default: return flag_cf(c) || cc_z(c);
    }
}
static inline int cc_l(Cpu *c) {
    unsigned sh = lf_shift(c);
    switch (c->lf.op) {
    case LF_SUB: return (int64_t)(c->lf.a << sh) < (int64_t)(c->lf.b << sh);
    case LF_LOGIC: return (int64_t)(c->lf.res << sh) < 0;
    default: return cc_s(c) != flag_of(c);
    }
}
static inline int cc_le(Cpu *c) {
    unsigned sh = lf_shift(c);
    switch (c->lf.op) {
    case LF_SUB: return (int64_t)(c->lf.a << sh) <= (int64_t)(c->lf.b << sh);
    case LF_LOGIC: return (int64_t)(c->lf.res << sh) <= 0;
    default: return cc_z(c) || cc_s(c) != flag_of(c);
    }
}
static inline int cc_o(Cpu *c) { return flag_of(c); }
static inline int cc_p(Cpu *c) { return flag_pf(c); }
/* X(name, condition code of the positive form, evaluator): the eight pairs. */
#define CC_PAIRS(X)                                                                                \
    X(o, 0, cc_o)                                                                                  \
    X(b, 2, cc_b) X(z, 4, cc_z) X(be, 6, cc_be) X(s, 8, cc_s) X(p, 10, cc_p) X(l, 12, cc_l)        \
        X(le, 14, cc_le)
/* Set arithmetic flags eagerly: bits in `mask` (F_*) taken from `val`. */
static inline void flags_put(Cpu *c, uint64_t mask, uint64_t val) {
    flags_sync(c);
    c->rflags = (c->rflags & ~mask) | (val & mask);
}
int parity8(uint64_t v);

/* ------------------------------------------------------------------ */
/* Decoding: families register a selector per Zydis mnemonic. The decoder
 * fills the generic fields of Insn (rip, len, osz, asz, operands r/k, memory
 * fields, imm, flags) and calls the selector, which sets i->fn (and any aux
 * fields) from the operand forms, or returns 0 for an unsupported form (the
 * instruction then raises #UD and is reported). */
typedef struct DecodeCtx {
    const ZydisDecodedInstruction *zi;
    const ZydisDecodedOperand *zo; /* all operands (explicit first, as Zydis orders them) */
    int nexp;                      /* explicit (visible) operand count */
    CpuMode mode;
    Cpu *cpu;
} DecodeCtx;

typedef int (*Selector)(const DecodeCtx *d, Insn *i);

/* OpDef.flags */
enum {
    OPF_END = 1, /* ends the block (branches, mode changes, system instructions) */
};

typedef struct OpDef {
    uint16_t mnem; /* ZydisMnemonic */
    uint8_t flags; /* OPF_* */
    Selector sel;
    const char *family;
} OpDef;

/* Family tables: each family file defines one, terminated by {0}. The list
 * of tables is in cpu/decode.c. */
#define FAMILY_TABLE(name) const OpDef name[]

/* Size index for handler tables: 1->0, 2->1, 4->2, 8->3. */
static inline int size_idx(unsigned size) {
    return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
}

/* Handlers that skip their flag update, for instructions marked
 * I_FLAGS_DEAD by the decoder (NULL: fn has no such variant). */
Handler shift_flags_dead_variant(Handler fn);
Handler alu_flags_dead_variant(Handler fn);
/* Fused CMP/TEST + Jcc (cpu/control.c), or NULL. */
Handler control_fuse_cmp_jcc(const Insn *cmp, const Insn *jcc);

/* Fill the Insn's memory fields from a Zydis memory operand, as the decoder
 * does for the first visible one: for selectors whose memory operand is
 * hidden (MASKMOVQ, MASKMOVDQU). `next` is the next instruction's address. */
void decode_mem_operand(CpuMode mode, uint64_t next, const ZydisDecodedOperand *o, Insn *i);

/* Registers of the Zydis operand helpers for selectors. */
int zreg_is_gpr(ZydisRegister r);
int zreg_is_xmm(ZydisRegister r);

/* The mode switch state for SSE arithmetic (see cpu.h). */
void cpu_mxcsr_to_host(Cpu *c);

/* Internal: deliver an exception/interrupt through the IDT (system.c). */
void cpu_deliver(Cpu *c, int vector, int has_error, uint32_t error, int soft, uint64_t ret_rip);
/* Internal: notify the ring hook. */
void cpu_ring_event(Cpu *c, RingEvent *ev);

#endif
