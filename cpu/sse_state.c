/* SIMD and x87 control state: LDMXCSR STMXCSR, FXSAVE/FXRSTOR (32- and
 * 64-bit forms), the MXCSR plumbing shared by the SSE families, and the
 * legacy x87 control instructions libc startup, fenv and printf use until
 * the x87 FPU proper arrives: FNINIT FNCLEX FNSTCW FLDCW FNSTSW FNSTENV
 * FLDENV FWAIT.
 *
 * MXCSR: the run loop keeps the host MXCSR equal to the guest's (rounding,
 * DAZ, FTZ, flags; all exceptions masked on the host) while guest code runs,
 * so guest SSE arithmetic sets the host's sticky flags. c->mxcsr holds the
 * control bits and the flags as of the last sync; sse_read_mxcsr merges the
 * host's flags in. Only valid inside cpu_run (the host MXCSR is the guest's).
 *
 * x87 model (no arithmetic yet): c->fcw, c->fsw (with TOP), c->ftw = full
 * tag word by PHYSICAL register (2 bits each, 11 = empty), c->st[p] =
 * physical register p (ST(i) is st[(TOP + i) & 7]). As on the host (Intel):
 * FCW bit 6 reads 1 and bits 7, 13-15 read 0; FSW.ES and FSW.B are
 * recomputed as "an unmasked exception flag is set" whenever FCW or FSW is
 * loaded; FLDCW, FLDENV and FWAIT raise #MF first when ES is set; non-empty
 * tags are derived from register contents (valid/zero/special), as FNSTENV
 * reports them. FIP/FDP/FOP/FCS/FDS come from the x87 engine (x87.h). */
#include "sse.h"
#include "x87.h"

/* ------------------------------------------------------------------ */
/* 16-byte accesses off the TLB fast path (sse.h). */

__m128i sse_rd128_slow(Cpu *c, uint64_t a) {
    Xmm v;
    cpu_rd_bytes(c, a, &v, 16);
    return xld(&v);
}
void sse_wr128_slow(Cpu *c, uint64_t a, __m128i v) {
    Xmm x;
    xst(&x, v);
    cpu_wr_bytes(c, a, &x, 16); /* all-or-nothing across pages */
}

/* ------------------------------------------------------------------ */
/* MXCSR */

static inline uint32_t host_getcsr(void) {
    uint32_t v;
    __asm__ volatile("stmxcsr %0" : "=m"(v)::"memory");
    return v;
}
static inline void host_setcsr(uint32_t v) { __asm__ volatile("ldmxcsr %0" ::"m"(v) : "memory"); }

uint32_t sse_mxcsr_mask(void) {
    static uint32_t mask;
    if (!mask) {
        static uint8_t img[512] __attribute__((aligned(16)));
        __asm__ volatile("fxsave %0" : "=m"(img));
        uint32_t m;
        memcpy(&m, img + 28, 4);
        mask = m ? m : 0xffbf; /* SDM: zero means the default mask */
    }
    return mask;
}

uint32_t sse_read_mxcsr(Cpu *c) {
    c->mxcsr |= host_getcsr() & MXCSR_FLAGS;
    return c->mxcsr;
}

/* Some SIMD FP exception is unmasked in the guest. The host runs masked:
 * run fn with the host's sticky flags cleared to see what it raises. As the
 * SDM describes (11.5.2), an unmasked pre-computation exception (IE DE ZE)
 * records only the pre-computation flags; an unmasked overflow/underflow
 * records them without PE (what the host does); otherwise all raised flags
 * are recorded. The destination is left unwritten. Exact for unmasked IE,
 * DE and ZE. Approximate for unmasked OE/UE/PE: the host runs masked, so an
 * exactly representable tiny result (underflow only when UM is clear) is
 * not caught, and PE for an unmasked overflow/underflow (inexactness of the
 * unbounded-exponent result) is taken as clear; packed operations are
 * judged as a whole, not lane by lane. */
__m128i sse_fp_checked(Cpu *c, SseFn fn, __m128i a, __m128i b) {
    uint32_t host = host_getcsr();
    host_setcsr(host & ~MXCSR_FLAGS);
    __m128i r = fn(a, b);
    uint32_t raised = host_getcsr() & MXCSR_FLAGS;
    if (!(c->mxcsr & 0x800) && !(raised & 0x10)) {
        /* Underflow unmasked: the hardware signals any tiny result, exact
         * or not, but the masked host run flags only inexact ones. Run
         * again with FTZ, which flushes (so flags) every tiny result. */
        host_setcsr((host & ~MXCSR_FLAGS) | 0x8000);
        (void)fn(a, b);
        if (host_getcsr() & 0x10) raised |= 0x10;
        host_setcsr(host & ~MXCSR_FLAGS);
    }
    uint32_t unmasked = raised & ~(c->mxcsr >> 7) & MXCSR_FLAGS;
    uint32_t rec = raised;
    if (unmasked & 0x07) /* IE DE ZE: the operation is not carried out */
        rec = raised & 0x07;
    else if (unmasked & 0x18) /* OE UE: no rounded result, so no PE (as the host) */
        rec = raised & ~0x20u;
    host_setcsr(host | rec);
    if (unmasked) {
        c->mxcsr |= rec;
        if (c->cr4 & CR4_OSXMMEXCPT) cpu_fault_noerr(c, EXC_XM);
        UD(c);
    }
    return r;
}

static void op_ldmxcsr(Cpu *c, const Insn *i) {
    uint32_t v = mem_rd32(c, insn_ea(c, i));
    if (v & ~sse_mxcsr_mask()) GP0(c);
    c->mxcsr = v;
    cpu_mxcsr_to_host(c);
}
static void op_stmxcsr(Cpu *c, const Insn *i) { mem_wr32(c, insn_ea(c, i), sse_read_mxcsr(c)); }

static int sel_mxcsr(const DecodeCtx *d, Insn *i) {
    if (d->nexp != 1 || i->k[0] != K_MEM) return 0;
    i->fn = i->mnem == ZYDIS_MNEMONIC_LDMXCSR ? op_ldmxcsr : op_stmxcsr;
    return 1;
}

/* ------------------------------------------------------------------ */
/* x87 control state */

/* fsw's ES and B follow the unmasked exception flags */
static inline void fsw_fix(Cpu *c) { c->fsw = x87_fsw_norm(c->fsw, c->fcw); }

/* FXSAVE's abridged tag: bit p set when physical register p is not empty. */
static uint8_t ftw_abridged(Cpu *c) {
    uint8_t t = 0;
    for (int p = 0; p < 8; p++)
        if (((c->ftw >> (2 * p)) & 3) != 3) t |= (uint8_t)(1u << p);
    return t;
}
static void ftw_load_abridged(Cpu *c, uint8_t abr) {
    uint16_t full = 0;
    for (int p = 0; p < 8; p++)
        if (!((abr >> p) & 1)) full |= (uint16_t)(3u << (2 * p));
    x87_ftw_load(c, full);
}

static void op_fninit(Cpu *c, const Insn *i) {
    c->fcw = 0x37f;
    c->fsw = 0;
    c->ftw = 0xffff;
}
static void op_fnclex(Cpu *c, const Insn *i) { c->fsw &= 0x7f00; }
static void op_fwait(Cpu *c, const Insn *i) { x87_wait(c); }
static void op_fnstcw(Cpu *c, const Insn *i) { mem_wr16(c, insn_ea(c, i), c->fcw); }
static void op_fldcw(Cpu *c, const Insn *i) {
    x87_wait(c);
    uint16_t v = mem_rd16(c, insn_ea(c, i));
    c->fcw = x87_fcw_norm(v);
    fsw_fix(c);
}
static void op_fnstsw_m(Cpu *c, const Insn *i) { mem_wr16(c, insn_ea(c, i), c->fsw); }
static void op_fnstsw_ax(Cpu *c, const Insn *i) { reg_set(c, GPR_OFF(RAX), 2, c->fsw); }

/* FNSTENV/FLDENV: the environment image (x87.h). */
static void op_fnstenv(Cpu *c, const Insn *i) {
    uint8_t img[28];
    unsigned n = x87_env_store(c, i->flags & I_O16, img);
    cpu_wr_bytes(c, insn_ea(c, i), img, n);
    c->fcw |= 0x3f; /* FNSTENV masks all x87 exceptions afterwards */
    fsw_fix(c);
}
static void op_fldenv(Cpu *c, const Insn *i) {
    x87_wait(c);
    uint8_t img[28];
    int o16 = i->flags & I_O16;
    cpu_rd_bytes(c, insn_ea(c, i), img, o16 ? 14 : 28);
    X87Env e;
    x87_env_parse(img, o16, &e);
    x87_env_apply(c, &e);
}

/* ------------------------------------------------------------------ */
/* FXSAVE / FXRSTOR: the 512-byte image.
 *   0 FCW, 2 FSW, 4 abridged FTW, 5 reserved, 6 FOP, 8 FIP (64-bit form: 8
 *   bytes; 32-bit form: FIP 4 + FCS 2 + 2), 16 FDP (likewise with FDS),
 *   24 MXCSR, 28 MXCSR_MASK, 32 + 16*i ST(i) (10 bytes + 6 zero),
 *   160 + 16*n XMMn (XMM0-15 in 64-bit mode, XMM0-7 otherwise).
 * Bytes past the last XMM register are not written (the host leaves
 * 416-511 alone too). #GP(0) unless 16-byte aligned. */
enum { FX_ST = 32, FX_XMM = 160 };

static void op_fxsave(Cpu *c, const Insn *i) {
    uint64_t a = insn_ea(c, i);
    if (a & 15) GP0(c);
    uint8_t img[512];
    unsigned nx = c->mode == MODE_64 ? 16 : 8;
    (void)sse_read_mxcsr(c); /* the host's live sticky flags into c->mxcsr first */
    cpu_fxsave_image(c, img, i->mnem == ZYDIS_MNEMONIC_FXSAVE64, (int)nx);
    /* the whole 512-byte area must be writable, though bytes 416-511 are
     * left untouched (as the hardware does) */
    cpu_probe_w(c, a, 512);
    cpu_wr_bytes(c, a, img, FX_XMM + 16 * nx);
}

static void op_fxrstor(Cpu *c, const Insn *i) {
    uint64_t a = insn_ea(c, i);
    if (a & 15) GP0(c);
    uint8_t img[512];
    unsigned nx = c->mode == MODE_64 ? 16 : 8;
    (void)mem_rd8(c, a + 511); /* the whole 512-byte area must be readable */
    cpu_rd_bytes(c, a, img, FX_XMM + 16 * nx);
    /* a reserved MXCSR bit is #GP before anything is loaded */
    if (cpu_fxrstor_image(c, img, i->mnem == ZYDIS_MNEMONIC_FXRSTOR64, (int)nx) < 0) GP0(c);
    cpu_mxcsr_to_host(c);
}

/* The FXSAVE image, for FXSAVE/FXRSTOR and the signal frames of the kernel
 * model (cpu.h). */
void cpu_fxsave_image(Cpu *c, uint8_t img[512], int fx64, int nxmm) {
    memset(img, 0, 512);
    memcpy(img + 0, &c->fcw, 2);
    memcpy(img + 2, &c->fsw, 2);
    img[4] = ftw_abridged(c);
    uint32_t mx = c->mxcsr, mask = sse_mxcsr_mask();
    memcpy(img + 24, &mx, 4);
    memcpy(img + 28, &mask, 4);
    unsigned top = X87_FSW_TOP(c->fsw);
    for (unsigned k = 0; k < 8; k++)
        memcpy(img + FX_ST + 16 * k, c->st[(top + k) & 7], 10);
    /* last x87 instruction: opcode and pointers (64-bit layout for
     * FXSAVE64, selector:offset pairs otherwise). AMD (Zen 1, Zen 5, in
     * user mode whatever CPUID 8000_0008:EBX[2] XSaveErPtr says) stores them
     * only while FSW.ES is set and zeros otherwise; FNSAVE/FNSTENV always
     * store them. */
    if (c->vendor == CPU_AMD && !(c->fsw & X87_FSW_ES)) {
        /* the image is zeroed */
    } else if (fx64) {
        memcpy(img + 6, &c->fop, 2);
        memcpy(img + 8, &c->fip, 8);
        memcpy(img + 16, &c->fdp, 8);
    } else {
        uint32_t ip = (uint32_t)c->fip, dp = (uint32_t)c->fdp;
        memcpy(img + 6, &c->fop, 2);
        memcpy(img + 8, &ip, 4);
        memcpy(img + 12, &c->fcs, 2);
        memcpy(img + 16, &dp, 4);
        memcpy(img + 20, &c->fds, 2);
    }
    memcpy(img + FX_XMM, c->xmm, 16 * (unsigned)nxmm);
}

int cpu_fxrstor_image(Cpu *c, const uint8_t img[512], int fx64, int nxmm) {
    uint32_t mx;
    memcpy(&mx, img + 24, 4);
    if (mx & ~sse_mxcsr_mask()) return -1;
    uint16_t cw, sw;
    memcpy(&cw, img + 0, 2);
    memcpy(&sw, img + 2, 2);
    c->fcw = x87_fcw_norm(cw);
    c->fsw = sw;
    fsw_fix(c);
    unsigned top = X87_FSW_TOP(c->fsw);
    for (unsigned k = 0; k < 8; k++)
        memcpy(c->st[(top + k) & 7], img + FX_ST + 16 * k, 10);
    ftw_load_abridged(c, img[4]);
    memcpy(&c->fop, img + 6, 2);
    c->fop &= 0x7ff;
    if (fx64) {
        memcpy(&c->fip, img + 8, 8);
        memcpy(&c->fdp, img + 16, 8);
        c->fcs = c->fds = 0;
    } else {
        uint32_t ip, dp;
        memcpy(&ip, img + 8, 4);
        memcpy(&c->fcs, img + 12, 2);
        memcpy(&dp, img + 16, 4);
        memcpy(&c->fds, img + 20, 2);
        if (x87_fcs_deprecated()) c->fcs = c->fds = 0;
        c->fip = ip;
        c->fdp = dp;
    }
    memcpy(c->xmm, img + FX_XMM, 16 * (unsigned)nxmm);
    c->mxcsr = mx;
    return 0;
}

void cpu_fpu_init(Cpu *c) {
    c->fcw = 0x37f;
    c->fsw = 0;
    c->ftw = 0xffff;
    c->fop = 0;
    c->fip = c->fdp = 0;
    c->fcs = c->fds = 0;
    memset(c->st, 0, sizeof c->st);
    memset(c->xmm, 0, sizeof c->xmm);
    c->mxcsr = 0x1f80;
}

static int sel_fx(const DecodeCtx *d, Insn *i) {
    if (d->nexp != 1 || i->k[0] != K_MEM) return 0;
    switch (i->mnem) {
    case ZYDIS_MNEMONIC_FXSAVE:
    case ZYDIS_MNEMONIC_FXSAVE64: i->fn = op_fxsave; break;
    default: i->fn = op_fxrstor; break;
    }
    return 1;
}

static int sel_x87ctl(const DecodeCtx *d, Insn *i) {
    switch (i->mnem) {
    case ZYDIS_MNEMONIC_FNINIT: i->fn = op_fninit; return 1;
    case ZYDIS_MNEMONIC_FNCLEX: i->fn = op_fnclex; return 1;
    case ZYDIS_MNEMONIC_FWAIT: i->fn = op_fwait; return 1;
    case ZYDIS_MNEMONIC_FNSTSW:
        if (d->nexp >= 1 && i->k[0] == K_MEM)
            i->fn = op_fnstsw_m;
        else if (d->nexp >= 1 && d->zo[0].type == ZYDIS_OPERAND_TYPE_REGISTER &&
                 d->zo[0].reg.value == ZYDIS_REGISTER_AX)
            i->fn = op_fnstsw_ax;
        else
            return 0;
        return 1;
    default: break;
    }
    if (d->nexp < 1 || i->k[0] != K_MEM) return 0;
    switch (i->mnem) {
    case ZYDIS_MNEMONIC_FNSTCW: i->fn = op_fnstcw; return 1;
    case ZYDIS_MNEMONIC_FLDCW: i->fn = op_fldcw; return 1;
    case ZYDIS_MNEMONIC_FNSTENV: i->fn = op_fnstenv; return 1;
    case ZYDIS_MNEMONIC_FLDENV: i->fn = op_fldenv; return 1;
    default: return 0;
    }
}

FAMILY_TABLE(sse_state_ops) = {
    {ZYDIS_MNEMONIC_LDMXCSR, 0, sel_mxcsr, "sse_state"},
    {ZYDIS_MNEMONIC_STMXCSR, 0, sel_mxcsr, "sse_state"},
    {ZYDIS_MNEMONIC_FXSAVE, 0, sel_fx, "sse_state"},
    {ZYDIS_MNEMONIC_FXSAVE64, 0, sel_fx, "sse_state"},
    {ZYDIS_MNEMONIC_FXRSTOR, 0, sel_fx, "sse_state"},
    {ZYDIS_MNEMONIC_FXRSTOR64, 0, sel_fx, "sse_state"},
    {ZYDIS_MNEMONIC_FNINIT, 0, sel_x87ctl, "x87ctl"},
    {ZYDIS_MNEMONIC_FNCLEX, 0, sel_x87ctl, "x87ctl"},
    {ZYDIS_MNEMONIC_FWAIT, 0, sel_x87ctl, "x87ctl"},
    {ZYDIS_MNEMONIC_FNSTSW, 0, sel_x87ctl, "x87ctl"},
    {ZYDIS_MNEMONIC_FNSTCW, 0, sel_x87ctl, "x87ctl"},
    {ZYDIS_MNEMONIC_FLDCW, 0, sel_x87ctl, "x87ctl"},
    {ZYDIS_MNEMONIC_FNSTENV, 0, sel_x87ctl, "x87ctl"},
    {ZYDIS_MNEMONIC_FLDENV, 0, sel_x87ctl, "x87ctl"},
    {0},
};
