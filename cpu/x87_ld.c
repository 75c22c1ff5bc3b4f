/* x87 data movement and stack management: FLD/FST/FSTP (m32 m64 m80,
 * ST(i)), FILD/FIST/FISTP (m16 m32 m64), FISTTP, FBLD/FBSTP, the constants
 * (FLD1 FLDZ FLDPI FLDL2E FLDL2T FLDLG2 FLDLN2), FXCH, FCMOVcc, FFREE(P),
 * FINCSTP/FDECSTP, FNOP and the 8087/287 no-ops, all through the host
 * engine (x87.h); and FNSAVE/FRSTOR (94/108-byte images), done here in C.
 * The control instructions (FNINIT FLDCW FNSTENV ...) are in sse_state.c. */
#include "x87.h"

/* Memory forms of D9, DB, DD, DF by reg field: L = load, S = store, n bytes. */
enum { XM_NONE, XM_L2, XM_L4, XM_L8, XM_L10, XM_S2, XM_S4, XM_S8, XM_S10 };
/* D9: fld fst fstp m32. DB: fild fisttp fist fistp m32, fld/fstp m80.
 * DD: fld fisttp fst fstp m64 (/4 frstor, /6 fnsave: below). DF: fild
 * fisttp fist fistp m16, fbld, fild m64, fbstp, fistp m64. */
static const uint8_t mem_kind[8][8] = {
    [1] = {XM_L4, 0, XM_S4, XM_S4},
    [3] = {XM_L4, XM_S4, XM_S4, XM_S4, 0, XM_L10, 0, XM_S10},
    [5] = {XM_L8, XM_S8, XM_S8, XM_S8},
    [7] = {XM_L2, XM_S2, XM_S2, XM_S2, XM_L10, XM_L8, XM_S10, XM_S8},
};
static const Handler mem_fn[] = {
    [XM_L2] = x87_op_ld2, [XM_L4] = x87_op_ld4, [XM_L8] = x87_op_ld8, [XM_L10] = x87_op_ld10,
    [XM_S2] = x87_op_st2, [XM_S4] = x87_op_st4, [XM_S8] = x87_op_st8, [XM_S10] = x87_op_st10,
};

/* FCMOVcc: the host instruction reads the guest's CF/PF/ZF. */
static void op_fcmov(Cpu *c, const Insn *i) {
    x87_wait(c);
    uint64_t fl = (flag_cf(c) ? F_CF : 0) | (flag_pf(c) ? F_PF : 0) | (flag_zf(c) ? F_ZF : 0);
    x87_host(c, i, NULL, fl);
}

/* FENI/FDISI/FSETPM (DB E0 E1 E4): 8087/287 control, ignored since the
 * 387; no-wait encodings, so no pending-exception check. */
static void op_fnop_legacy(Cpu *c, const Insn *i) {}

/* ---- the environment image ---- */

unsigned x87_env_store(const Cpu *c, int o16, uint8_t img[28]) {
    uint16_t tw = x87_ftw_full(c);
    if (o16) {
        uint16_t w[7] = {c->fcw, c->fsw, tw, (uint16_t)c->fip, c->fcs, (uint16_t)c->fdp, c->fds};
        memcpy(img, w, sizeof w);
        return 14;
    }
    uint32_t w[7] = {0xffff0000u | c->fcw,
                     0xffff0000u | c->fsw,
                     0xffff0000u | tw,
                     (uint32_t)c->fip,
                     c->fcs | (uint32_t)(c->fop & 0x7ff) << 16,
                     (uint32_t)c->fdp,
                     0xffff0000u | c->fds};
    memcpy(img, w, sizeof w);
    return 28;
}

unsigned x87_env_parse(const uint8_t *img, int o16, X87Env *e) {
    e->fop = 0;
    if (o16) {
        uint16_t w[7];
        memcpy(w, img, sizeof w);
        e->cw = w[0], e->sw = w[1], e->tw = w[2];
        e->fip = w[3], e->fcs = w[4], e->fdp = w[5], e->fds = w[6];
        return 14;
    }
    uint32_t w[7];
    memcpy(w, img, sizeof w);
    e->cw = (uint16_t)w[0], e->sw = (uint16_t)w[1], e->tw = (uint16_t)w[2];
    e->fip = w[3], e->fcs = (uint16_t)w[4], e->fop = (uint16_t)((w[4] >> 16) & 0x7ff);
    e->fdp = w[5], e->fds = (uint16_t)w[6];
    return 28;
}

void x87_env_apply(Cpu *c, const X87Env *e) {
    c->fcw = x87_fcw_norm(e->cw);
    c->fsw = x87_fsw_norm(e->sw, c->fcw);
    x87_ftw_load(c, e->tw);
    int dep = x87_fcs_deprecated();
    c->fip = e->fip;
    c->fdp = e->fdp;
    c->fop = e->fop;
    c->fcs = dep ? 0 : e->fcs;
    c->fds = dep ? 0 : e->fds;
}

/* ---- FNSAVE / FRSTOR ----
 * The environment image, then ST(0)..ST(7) (108 bytes, or 94 with a 16-bit
 * operand size). Protected-mode formats only (ringside has no real mode). */
static void op_fnsave(Cpu *c, const Insn *i) {
    uint64_t a = insn_ea(c, i);
    uint8_t img[108];
    unsigned hdr = x87_env_store(c, i->flags & I_O16, img);
    unsigned top = X87_FSW_TOP(c->fsw);
    for (unsigned k = 0; k < 8; k++)
        memcpy(img + hdr + 10 * k, c->st[(top + k) & 7], 10);
    cpu_wr_bytes(c, a, img, hdr + 80);
    /* ... then initialise the FPU, as FNINIT does. */
    c->fcw = 0x37f;
    c->fsw = 0;
    c->ftw = 0xffff;
    c->fop = 0;
    c->fip = c->fdp = 0;
    c->fcs = c->fds = 0;
}

static void op_frstor(Cpu *c, const Insn *i) {
    x87_wait(c);
    uint64_t a = insn_ea(c, i);
    uint8_t img[108];
    int o16 = i->flags & I_O16;
    cpu_rd_bytes(c, a, img, (o16 ? 14 : 28) + 80);
    X87Env e;
    unsigned hdr = x87_env_parse(img, o16, &e);
    unsigned top = X87_FSW_TOP(e.sw);
    for (unsigned k = 0; k < 8; k++)
        memcpy(c->st[(top + k) & 7], img + hdr + 10 * k, 10);
    x87_env_apply(c, &e);
}

/* ---- selector ---- */

static int sel_x87_ld(const DecodeCtx *d, Insn *i) {
    switch (i->mnem) {
    case ZYDIS_MNEMONIC_FENI8087_NOP:
    case ZYDIS_MNEMONIC_FDISI8087_NOP:
    case ZYDIS_MNEMONIC_FSETPM287_NOP: i->fn = op_fnop_legacy; return 1;
    case ZYDIS_MNEMONIC_FCMOVB:
    case ZYDIS_MNEMONIC_FCMOVBE:
    case ZYDIS_MNEMONIC_FCMOVE:
    case ZYDIS_MNEMONIC_FCMOVNB:
    case ZYDIS_MNEMONIC_FCMOVNBE:
    case ZYDIS_MNEMONIC_FCMOVNE:
    case ZYDIS_MNEMONIC_FCMOVNU:
    case ZYDIS_MNEMONIC_FCMOVU:
        if (x87_sel_common(d, i, 1) < 0) return 0;
        i->fn = op_fcmov;
        return 1;
    default: break;
    }
    int modrm = x87_sel_common(d, i, 0);
    if (modrm < 0) return 0;
    if (modrm >= 0xc0) {
        i->fn = x87_op_reg;
        return 1;
    }
    unsigned op = i->aux, reg = (unsigned)modrm >> 3 & 7;
    if (i->mnem == ZYDIS_MNEMONIC_FNSAVE && op == 5 && reg == 6) {
        i->fn = op_fnsave;
        return 1;
    }
    if (i->mnem == ZYDIS_MNEMONIC_FRSTOR && op == 5 && reg == 4) {
        i->fn = op_frstor;
        return 1;
    }
    unsigned k = mem_kind[op][reg];
    if (!k) return 0;
    i->fn = mem_fn[k];
    return 1;
}

#define X87LD(m)                                                                                   \
    { ZYDIS_MNEMONIC_##m, 0, sel_x87_ld, "x87_ld" }
FAMILY_TABLE(x87_ld_ops) = {
    X87LD(FLD),
    X87LD(FST),
    X87LD(FSTP),
    X87LD(FSTPNCE),
    X87LD(FILD),
    X87LD(FIST),
    X87LD(FISTP),
    X87LD(FISTTP),
    X87LD(FBLD),
    X87LD(FBSTP),
    X87LD(FLD1),
    X87LD(FLDZ),
    X87LD(FLDPI),
    X87LD(FLDL2E),
    X87LD(FLDL2T),
    X87LD(FLDLG2),
    X87LD(FLDLN2),
    X87LD(FXCH),
    X87LD(FCMOVB),
    X87LD(FCMOVBE),
    X87LD(FCMOVE),
    X87LD(FCMOVNB),
    X87LD(FCMOVNBE),
    X87LD(FCMOVNE),
    X87LD(FCMOVNU),
    X87LD(FCMOVU),
    X87LD(FFREE),
    X87LD(FFREEP),
    X87LD(FINCSTP),
    X87LD(FDECSTP),
    X87LD(FNOP),
    X87LD(FNSAVE),
    X87LD(FRSTOR),
    X87LD(FENI8087_NOP),
    X87LD(FDISI8087_NOP),
    X87LD(FSETPM287_NOP),
    {0},
};
