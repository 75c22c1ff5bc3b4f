/* x87 arithmetic: FADD FSUB FSUBR FMUL FDIV FDIVR (ST forms, P forms,
 * m32/m64 real and m16/m32 integer sources), FCHS FABS FSQRT FRNDINT
 * FSCALE FXTRACT FPREM FPREM1, the transcendentals (FSIN FCOS FSINCOS FPTAN
 * FPATAN FYL2X FYL2XP1 F2XM1), and the comparisons (FCOM/FCOMP/FCOMPP,
 * FUCOM*, FICOM/FICOMP, FTST, FXAM; FCOMI/FCOMIP/FUCOMI/FUCOMIP, which set
 * ZF PF CF and clear OF SF AF). All run on the host's x87 through the
 * engine in x87_host.c, so results are the host's to the bit. */
#include "x87.h"

/* FCOMI family: RFLAGS as the host instruction left them (ZF PF CF from
 * the comparison, OF SF AF cleared). */
static void op_fcomi(Cpu *c, const Insn *i) {
    x87_wait(c);
    uint64_t fl = x87_host(c, i, NULL, 0);
    flags_put(c, F_ARITH, fl);
}

static int sel_x87_arith(const DecodeCtx *d, Insn *i) {
    int fcomi = 0;
    switch (i->mnem) {
    case ZYDIS_MNEMONIC_FCOMI:
    case ZYDIS_MNEMONIC_FCOMIP:
    case ZYDIS_MNEMONIC_FUCOMI:
    case ZYDIS_MNEMONIC_FUCOMIP: fcomi = 1; break;
    default: break;
    }
    int modrm = x87_sel_common(d, i, fcomi);
    if (modrm < 0) return 0;
    if (fcomi) {
        i->fn = op_fcomi;
        return 1;
    }
    if (modrm >= 0xc0) {
        i->fn = x87_op_reg;
        return 1;
    }
    /* Memory sources: D8 m32fp, DA m32int, DC m64fp, DE m16int. */
    switch (i->aux) {
    case 0:
    case 2: i->fn = x87_op_ld4; return 1;
    case 4: i->fn = x87_op_ld8; return 1;
    case 6: i->fn = x87_op_ld2; return 1;
    default: return 0;
    }
}

#define X87AR(m)                                                                                   \
    { ZYDIS_MNEMONIC_##m, 0, sel_x87_arith, "x87_arith" }
FAMILY_TABLE(x87_arith_ops) = {
    X87AR(FADD),   X87AR(FADDP),  X87AR(FIADD),   X87AR(FSUB),    X87AR(FSUBP),   X87AR(FISUB),
    X87AR(FSUBR),  X87AR(FSUBRP), X87AR(FISUBR),  X87AR(FMUL),    X87AR(FMULP),   X87AR(FIMUL),
    X87AR(FDIV),   X87AR(FDIVP),  X87AR(FIDIV),   X87AR(FDIVR),   X87AR(FDIVRP),  X87AR(FIDIVR),
    X87AR(FCHS),   X87AR(FABS),   X87AR(FSQRT),   X87AR(FRNDINT), X87AR(FSCALE),  X87AR(FXTRACT),
    X87AR(FPREM),  X87AR(FPREM1), X87AR(FSIN),    X87AR(FCOS),    X87AR(FSINCOS), X87AR(FPTAN),
    X87AR(FPATAN), X87AR(FYL2X),  X87AR(FYL2XP1), X87AR(F2XM1),   X87AR(FCOM),    X87AR(FCOMP),
    X87AR(FCOMPP), X87AR(FUCOM),  X87AR(FUCOMP),  X87AR(FUCOMPP), X87AR(FICOM),   X87AR(FICOMP),
    X87AR(FTST),   X87AR(FXAM),   X87AR(FCOMI),   X87AR(FCOMIP),  X87AR(FUCOMI),  X87AR(FUCOMIP),
    {0},
};
