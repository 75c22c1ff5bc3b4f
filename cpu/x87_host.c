/* The x87 engine: guest x87 instructions run on the host's x87 unit (see
 * x87.h for why this is exact). Here: the host stubs, the pack/run/unpack
 * step, and the generic handlers for register forms and for memory sources
 * and destinations.
 *
 * Stubs. For every opcode byte D8..DF there is one stub per register-form
 * ModRM (C0..FF) and one per memory-form reg field (/0../7, encoded as
 * [rsi]): "restore (%rdi); <opcode> <modrm>; save (%rdi); ret". Opcodes DA,
 * DB and DF also get flag stubs for their register forms (FCMOVcc reads
 * CF/PF/ZF, FCOMI/FUCOMI write ZF/PF/CF): they load the guest's CF/PF/ZF
 * (%dl) into RFLAGS before the instruction and return RFLAGS after it.
 * Stubs only ever run encodings the decoder accepted.
 *
 * Two engines, same stubs otherwise:
 *   FX: FXRSTOR64 / FXSAVE64 + FNINIT. About 3x faster than FN on current
 *       hosts. Used when the host's FXSAVE reports the last-instruction
 *       pointers as FNSAVE does (Intel; not AMD, whose FXSAVE stores them
 *       only while an exception is pending).
 *   FN: FRSTOR / FNSAVE (which re-initialises the FPU itself).
 * The choice is made once, by running FNOP and FLD m32 through both. */
#include "x87.h"

#include <cpuid.h>
#include <xmmintrin.h>

#define STUB_SZ    32 /* every stub slot */
#define STUB_SLOTS 72 /* 8 memory forms + 64 register forms per opcode */
/* Offset of the instruction in a stub: endbr64 + restore (+ flag load). */
#define OPOFF_FN  6
#define OPOFF_FX  8
#define FLAGS_PRE 9 /* pushfq; andb $0xba,(%rsp); orb %dl,(%rsp); popfq */

#define ASM_STUBS(name, RESTORE, SAVE)                                                             \
    ".p2align 5\n"                                                                                 \
    ".globl " name "\n.hidden " name "\n" name ":\n"                                               \
    ".irp k,0,1,2,3,4,5,6,7\n"                                                                     \
    ".set rs_x87_n,0\n"                                                                            \
    ".rept 72\n"                                                                                   \
    "1: .byte 0xf3,0x0f,0x1e,0xfa\n" /* endbr64 */                                                 \
        RESTORE ".if rs_x87_n < 8\n"                                                               \
    ".byte 0xd8+\\k, (rs_x87_n << 3) | 6\n" /* op /n, (%rsi) */                                    \
    ".else\n"                                                                                      \
    ".byte 0xd8+\\k, 0xc0 + rs_x87_n - 8\n"                                                        \
    ".endif\n" SAVE "ret\n"                                                                        \
    ".if . - 1b > 32\n.error \"x87 stub too long\"\n.endif\n"                                      \
    ".p2align 5,0xcc\n"                                                                            \
    ".set rs_x87_n,rs_x87_n+1\n"                                                                   \
    ".endr\n"                                                                                      \
    ".endr\n"                                                                                      \
    ".globl " name "_fl\n.hidden " name "_fl\n" name "_fl:\n"                                      \
    ".irp k,2,3,7\n"                                                                               \
    ".set rs_x87_n,0\n"                                                                            \
    ".rept 64\n"                                                                                   \
    "1: .byte 0xf3,0x0f,0x1e,0xfa\n" RESTORE "pushfq\n"                                            \
    "andb $0xba,(%rsp)\n" /* clear CF PF ZF */                                                     \
    "orb %dl,(%rsp)\n"                                                                             \
    "popfq\n"                                                                                      \
    ".byte 0xd8+\\k, 0xc0 + rs_x87_n\n"                                                            \
    "pushfq\n"                                                                                     \
    "popq %rax\n" SAVE "ret\n"                                                                     \
    ".if . - 1b > 32\n.error \"x87 stub too long\"\n.endif\n"                                      \
    ".p2align 5,0xcc\n"                                                                            \
    ".set rs_x87_n,rs_x87_n+1\n"                                                                   \
    ".endr\n"                                                                                      \
    ".endr\n"

__asm__(".pushsection .text,\"ax\",@progbits\n"
        /* frstor (%rdi) ... fnsave (%rdi) */
        ASM_STUBS("rs_x87_fn", ".byte 0xdd,0x27\n", ".byte 0xdd,0x37\n")
        /* fxrstor64 (%rdi) ... fxsave64 (%rdi); fninit */
        ASM_STUBS("rs_x87_fx", ".byte 0x48,0x0f,0xae,0x0f\n",
                  ".byte 0x48,0x0f,0xae,0x07\n.byte 0xdb,0xe3\n") ".popsection\n");

extern const uint8_t rs_x87_fn[], rs_x87_fn_fl[], rs_x87_fx[], rs_x87_fx_fl[];
typedef uint64_t (*X87Stub)(void *img, void *mem, uint64_t fl);

/* A host image in either format. */
typedef struct X87Run {
    union {
        X87Img fn;
        _Alignas(16) uint8_t fx[512];
    } u;
    const uint8_t *stub;
    uint64_t opaddr; /* host address of the instruction */
    uint64_t hmem;   /* host address of the operand */
    unsigned hfop;   /* the FOP the host records for it */
    int fx;
} X87Run;

static int g_fx = -1; /* engine for new decodes: 1 FX, 0 FN, -1 not chosen yet */

static const uint8_t *stub_in(int fx, unsigned op, unsigned modrm, int flags) {
    if (flags) {
        unsigned k = op == 2 ? 0 : op == 3 ? 1 : 2;
        return (fx ? rs_x87_fx_fl : rs_x87_fn_fl) + (k * 64 + (modrm & 63)) * STUB_SZ;
    }
    unsigned slot = modrm >= 0xc0 ? 8 + (modrm & 63) : (modrm >> 3) & 7;
    return (fx ? rs_x87_fx : rs_x87_fn) + (op * STUB_SLOTS + slot) * STUB_SZ;
}

int x87_fcs_deprecated(void) {
    static int v = -1;
    if (v < 0) {
        unsigned a, b, c, d;
        v = __get_cpuid_count(7, 0, &a, &b, &c, &d) ? (int)((b >> 13) & 1) : 0;
    }
    return v;
}

/* Abridged tag (FXSAVE): bit p set when physical register p is not empty. */
static inline uint8_t ftw_abridged(uint16_t ftw) {
    unsigned e = ftw & (ftw >> 1) & 0x5555u; /* bit 2p: register p empty */
    e = (e | e >> 1) & 0x3333u;              /* gather the even bits */
    e = (e | e >> 2) & 0x0f0fu;
    e = (e | e >> 4) & 0x00ffu;
    return (uint8_t)~e;
}

static void x87_pack_raw(X87Run *x, uint16_t fcw, uint16_t fsw, uint16_t ftw,
                         const uint8_t st[8][10], unsigned top) {
    if (x->fx) {
        uint8_t *p = x->u.fx;
        uint16_t fop = (uint16_t)(x->hfop ^ 0x400u);
        uint64_t fip = ~x->opaddr, fdp = ~x->hmem;
        uint32_t mx = _mm_getcsr(), zero = 0;
        memcpy(p + 0, &fcw, 2);
        memcpy(p + 2, &fsw, 2);
        p[4] = ftw_abridged(ftw);
        p[5] = 0;
        memcpy(p + 6, &fop, 2);
        memcpy(p + 8, &fip, 8);
        memcpy(p + 16, &fdp, 8);
        memcpy(p + 24, &mx, 4); /* the host's own: FXRSTOR loads it */
        memcpy(p + 28, &zero, 4);
        for (unsigned k = 0; k < 8; k++)
            memcpy(p + 32 + 16 * k, st[(top + k) & 7], 10);
        return;
    }
    X87Img *m = &x->u.fn;
    m->cw = 0xffff0000u | fcw;
    m->sw = 0xffff0000u | fsw;
    m->tw = 0xffff0000u | ftw;
    m->fip = ~(uint32_t)x->opaddr;
    m->fcs_fop = (x->hfop ^ 0x400u) << 16;
    m->fdp = ~(uint32_t)x->hmem;
    m->fds = 0xffff0000u;
    for (unsigned k = 0; k < 8; k++)
        memcpy(m->st[k], st[(top + k) & 7], 10);
}

/* The stub says which engine (the FX tables follow the FN tables). */
static void x87_setup(X87Run *x, const uint8_t *stub, void *mem, unsigned op, unsigned modrm) {
    int fx = stub >= rs_x87_fx;
    x->fx = fx;
    x->stub = stub;
    int fl = (stub >= rs_x87_fn_fl && stub < rs_x87_fx) || stub >= rs_x87_fx_fl;
    x->opaddr = (uint64_t)(uintptr_t)(stub + (fx ? OPOFF_FX : OPOFF_FN) + (fl ? FLAGS_PRE : 0));
    /* Memory forms run with ModRM /r [rsi]. */
    unsigned hmodrm = modrm >= 0xc0 ? modrm : ((modrm & 0x38u) | 6u);
    x->hfop = op << 8 | hmodrm;
    x->hmem = (uint64_t)(uintptr_t)mem;
}

static inline uint64_t x87_call(X87Run *x, void *mem, uint64_t fl) {
    return ((X87Stub)(uintptr_t)x->stub)(&x->u, mem, fl);
}

/* What the host reported: FSW, the tag word (full), registers by ST(i),
 * and whether it updated FIP, FOP, FDP. */
typedef struct X87Out {
    uint16_t fsw, ftw;
    const uint8_t *st; /* ST(0); ST(k) at st + stride * k */
    unsigned stride;
    int fip, fop, fdp;
} X87Out;

static void x87_read(const X87Run *x, X87Out *o) {
    if (x->fx) {
        const uint8_t *p = x->u.fx;
        uint16_t fop;
        uint64_t fip, fdp;
        memcpy(&o->fsw, p + 2, 2);
        memcpy(&fop, p + 6, 2);
        memcpy(&fip, p + 8, 8);
        memcpy(&fdp, p + 16, 8);
        o->st = p + 32;
        o->stride = 16;
        /* Full tags from the abridged ones and the contents, as FNSAVE. */
        unsigned top = X87_FSW_TOP(o->fsw), t = 0xffff;
        for (unsigned m = p[4]; m; m &= m - 1) {
            unsigned phys = (unsigned)__builtin_ctz(m), k = (phys - top) & 7;
            t ^= (3u ^ x87_tag_of(p + 32 + 16 * k)) << (2 * phys);
        }
        o->ftw = (uint16_t)t;
        o->fip = fip == x->opaddr;
        o->fop = (fop & 0x7ff) == x->hfop;
        o->fdp = fdp == x->hmem;
        return;
    }
    const X87Img *m = &x->u.fn;
    o->fsw = (uint16_t)m->sw;
    o->ftw = (uint16_t)m->tw;
    o->st = m->st[0];
    o->stride = 10;
    o->fip = m->fip == (uint32_t)x->opaddr;
    o->fop = ((m->fcs_fop >> 16) & 0x7ff) == x->hfop;
    o->fdp = m->fdp == (uint32_t)x->hmem;
}

/* Pick the engine: FX only if it reports pointer updates exactly as FN for
 * FNOP (FIP, and FOP) and FLD m32 (FIP, FOP, FDP). */
static int engine_probe(void) {
    static const uint8_t code[][2] = {{1, 0xd0}, {1, 0x06}};
    static const uint8_t zst[8][10];
    for (unsigned k = 0; k < sizeof code / sizeof code[0]; k++) {
        X87Out o[2];
        X87Run x[2];
        for (int fx = 0; fx < 2; fx++) {
            _Alignas(16) uint8_t mem[16] = {0, 0, 0x80, 0x3f}; /* 1.0f */
            X87Run *r = &x[fx];
            x87_setup(r, stub_in(fx, code[k][0], code[k][1], 0), mem, code[k][0], code[k][1]);
            x87_pack_raw(r, 0x37f, 0, 0xffff, zst, 0);
            x87_call(r, mem, 0);
            x87_read(r, &o[fx]);
        }
        if (o[0].fip != o[1].fip || o[0].fop != o[1].fop || o[0].fdp != o[1].fdp ||
            o[0].fsw != o[1].fsw || o[0].ftw != o[1].ftw)
            return 0;
    }
    return 1;
}

int x87_engine_select(int want) {
    g_fx = want >= 0 ? !!want : engine_probe();
    return g_fx;
}

uint64_t x87_stub(unsigned op, unsigned modrm, int flags) {
    if (g_fx < 0) g_fx = engine_probe();
    return (uint64_t)(uintptr_t)stub_in(g_fx, op, modrm, flags);
}

int x87_sel_common(const DecodeCtx *d, Insn *i, int flags) {
    unsigned op = d->zi->opcode;
    if (d->zi->opcode_map != ZYDIS_OPCODE_MAP_DEFAULT || op < 0xd8 || op > 0xdf) return -1;
    unsigned modrm =
        (unsigned)(d->zi->raw.modrm.mod << 6 | d->zi->raw.modrm.reg << 3 | d->zi->raw.modrm.rm);
    if (flags && (modrm < 0xc0 || (op != 0xda && op != 0xdb && op != 0xdf))) return -1;
    i->aux = (uint8_t)(op & 7);
    i->aux2 = (uint8_t)modrm;
    i->imm = x87_stub(op & 7, modrm, flags);
    (void)x87_fcs_deprecated(); /* resolve the CPUID query at decode time */
    return (int)modrm;
}

/* Offset part of the memory operand's address (FDP): no segment base. */
static uint64_t ea_offset(Cpu *c, const Insn *i) {
    uint64_t a = (uint64_t)i->disp + c->gpr[i->base] + (c->gpr[i->index] << i->scale);
    return i->asz == 8 ? a : a & size_mask(i->asz);
}

/* Running one instruction: pack the guest state into an image with
 * sentinels in the pointer fields (whatever the host changes, it updated),
 * run the stub (which may be repeated: nothing in the guest changes yet),
 * unpack. */
static void x87_pack(Cpu *c, const Insn *i, X87Run *x, void *mem) {
    x87_setup(x, (const uint8_t *)(uintptr_t)i->imm, mem, i->aux, i->aux2);
    x87_pack_raw(x, c->fcw, c->fsw, c->ftw, (const uint8_t(*)[10])c->st, X87_FSW_TOP(c->fsw));
}

static void x87_unpack(Cpu *c, const Insn *i, const X87Run *x, int has_mem) {
    X87Out o;
    x87_read(x, &o);
    c->fsw = o.fsw;
    c->ftw = o.ftw;
    unsigned top = X87_FSW_TOP(c->fsw);
    for (unsigned k = 0; k < 8; k++)
        memcpy(c->st[(top + k) & 7], o.st + o.stride * k, 10);
    int dep = x87_fcs_deprecated();
    if (o.fip) {
        c->fip = c->mode == MODE_64 ? i->rip : (uint32_t)i->rip;
        c->fcs = dep ? 0 : c->seg[SEG_CS].sel;
    }
    if (o.fop) c->fop = (uint16_t)((unsigned)i->aux << 8 | i->aux2);
    if (has_mem && o.fdp) {
        c->fdp = ea_offset(c, i);
        c->fds = dep ? 0 : c->seg[i->mseg].sel;
    }
}

uint64_t x87_host(Cpu *c, const Insn *i, void *mem, uint64_t fl_in) {
    X87Run x;
    x87_pack(c, i, &x, mem);
    uint64_t fl = x87_call(&x, mem, fl_in);
    x87_unpack(c, i, &x, mem != NULL);
    return fl;
}

/* ---- generic handlers ---- */

void x87_op_reg(Cpu *c, const Insn *i) {
    x87_wait(c);
    x87_host(c, i, NULL, 0);
}

/* Memory sources: read the operand (faults first), then run. */
#define X87_LD(n, RD)                                                                              \
    void x87_op_ld##n(Cpu *c, const Insn *i) {                                                     \
        x87_wait(c);                                                                               \
        uint64_t a = insn_ea(c, i);                                                                \
        uint8_t buf[16] __attribute__((aligned(16)));                                              \
        RD;                                                                                        \
        x87_host(c, i, buf, 0);                                                                    \
    }
X87_LD(2, {
    uint16_t v = mem_rd16(c, a);
    memcpy(buf, &v, 2);
})
X87_LD(4, {
    uint32_t v = mem_rd32(c, a);
    memcpy(buf, &v, 4);
})
X87_LD(8, {
    uint64_t v = mem_rd64(c, a);
    memcpy(buf, &v, 8);
})
X87_LD(10, cpu_rd_bytes(c, a, buf, 10))

/* Memory destinations. Some unmasked exceptions (invalid operation, stack
 * underflow, overflow/underflow of the narrowed value) suppress the store.
 * Intel then does not touch memory at all (no #PF either); AMD (Zen 1,
 * Zen 5) still checks the destination as a write (#PF/#GP) without
 * storing. So:
 * run on a host buffer first; if an unmasked exception was raised, run
 * again with the opposite fill to learn whether the store happened; write
 * guest memory (which may fault: nothing is committed yet); then commit the
 * register state. */
static int x87_store_run(Cpu *c, const Insn *i, X87Run *x, uint8_t *buf, unsigned n) {
    memset(buf, 0, n);
    x87_call(x, buf, 0);
    uint16_t sw = x->fx ? (uint16_t)(x->u.fx[2] | x->u.fx[3] << 8) : (uint16_t)x->u.fn.sw;
    if (likely(!(sw & X87_FSW_ES))) return 1;
    static const uint8_t zero[16];
    if (memcmp(buf, zero, n) != 0) return 1;
    _Alignas(16) uint8_t ones[16];
    memset(ones, 0xff, n);
    X87Run y;
    x87_pack(c, i, &y, ones);
    x87_call(&y, ones, 0);
    for (unsigned k = 0; k < n; k++)
        if (ones[k] != 0xff) return 1;
    return 0;
}

#define X87_ST(n, WR)                                                                              \
    void x87_op_st##n(Cpu *c, const Insn *i) {                                                     \
        x87_wait(c);                                                                               \
        uint64_t a = insn_ea(c, i);                                                                \
        uint8_t buf[16] __attribute__((aligned(16)));                                              \
        X87Run x;                                                                                  \
        x87_pack(c, i, &x, buf);                                                                   \
        if (x87_store_run(c, i, &x, buf, n)) {                                                     \
            WR;                                                                                    \
        } else if (c->vendor == CPU_AMD)                                                           \
            cpu_probe_w(c, a, n);                                                                  \
        x87_unpack(c, i, &x, 1);                                                                   \
    }
X87_ST(2, {
    uint16_t v;
    memcpy(&v, buf, 2);
    mem_wr16(c, a, v);
})
X87_ST(4, {
    uint32_t v;
    memcpy(&v, buf, 4);
    mem_wr32(c, a, v);
})
X87_ST(8, {
    uint64_t v;
    memcpy(&v, buf, 8);
    mem_wr64(c, a, v);
})
X87_ST(10, cpu_wr_bytes(c, a, buf, 10))
