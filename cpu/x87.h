/* The x87 FPU, shared by its family files (x87_host.c: the engine;
 * x87_ld.c: loads, stores and stack/data instructions; x87_arith.c:
 * arithmetic, comparisons and transcendentals). Internal to cpu/.
 *
 * Method: the host's x87 unit is the oracle and the engine. For each guest
 * instruction the guest's x87 state is packed into a host save image
 * (FXSAVE or FNSAVE format, see x87_host.c), a tiny host stub restores it,
 * runs the SAME opcode byte and ModRM (memory forms address a host copy of
 * the operand through [rsi]), saves the state and re-initialises the host
 * FPU, and the image is unpacked back into c->fsw/c->ftw/c->st. Results,
 * rounding, precision control, NaN propagation, C0-C3, stack faults, tags
 * and the unmasked-exception behaviour (destination left alone or written
 * with the biased exponent; ES/B set) are the hardware's: the image
 * carries the guest's real control word, and the save instructions do not
 * wait, so the host never takes #MF itself; the guest gets #MF from its
 * next waiting x87 instruction (x87_wait, FWAIT). The host FPU is left
 * initialised (FCW 0x37f, empty stack), as the C ABI expects.
 *
 * State convention (cpu.h): st[p] is PHYSICAL register Rp, ST(i) =
 * st[(TOP + i) & 7]; ftw is the full 16-bit tag word (00 valid, 01 zero,
 * 10 special, 11 empty); fop/fip/fdp/fcs/fds are the last-instruction
 * pointers, updated exactly when the host updates them (found with
 * sentinel values in the image: on current Intel hosts FIP always, FOP and
 * FDP only for unmasked exceptions, FCS/FDS read 0). */
#ifndef RINGSIDE_X87_H
#define RINGSIDE_X87_H

#include "insn.h"

#define X87_FSW_ES      0x0080u
#define X87_FSW_B       0x8000u
#define X87_FSW_TOP(sw) (((sw) >> 11) & 7u)

/* The 32-bit protected-mode FNSAVE/FRSTOR image (also the FN engine's). */
typedef struct X87Img {
    uint32_t cw, sw, tw;
    uint32_t fip;
    uint32_t fcs_fop; /* FCS in bits 0-15, FOP in 16-26 */
    uint32_t fdp;
    uint32_t fds;
    uint8_t st[8][10]; /* ST(0)..ST(7) */
} X87Img;
_Static_assert(sizeof(X87Img) == 108, "FNSAVE image");

/* A waiting x87 instruction delivers a pending unmasked exception first. */
static inline void x87_wait(Cpu *c) {
    if (unlikely(c->fsw & X87_FSW_ES)) cpu_fault_noerr(c, EXC_MF);
}

/* FLDCW-style normalisation of a loaded control word: bit 6 reads 1,
 * bits 7 and 13-15 read 0 (as the host's FRSTOR/FLDCW do). */
static inline uint16_t x87_fcw_norm(uint32_t v) { return (uint16_t)((v & 0x1f3f) | 0x40); }

/* ES and B follow "some exception flag is set and unmasked". */
static inline uint16_t x87_fsw_norm(uint16_t sw, uint16_t cw) {
    if (sw & 0x3f & ~cw) return (uint16_t)(sw | X87_FSW_ES | X87_FSW_B);
    return (uint16_t)(sw & ~(X87_FSW_ES | X87_FSW_B));
}

/* Tag of a non-empty register from its contents. */
static inline unsigned x87_tag_of(const uint8_t r[10]) {
    uint64_t mant;
    memcpy(&mant, r, 8);
    unsigned exp = (r[8] | (unsigned)r[9] << 8) & 0x7fff;
    if (exp == 0) return mant == 0 ? 1 : 2;
    if (exp == 0x7fff || !(mant >> 63)) return 2;
    return 0;
}
/* Full tag word with the non-empty tags recomputed (FNSAVE/FNSTENV). */
static inline uint16_t x87_ftw_full(const Cpu *c) {
    uint16_t t = 0;
    for (int p = 0; p < 8; p++) {
        unsigned tag = ((c->ftw >> (2 * p)) & 3) == 3 ? 3 : x87_tag_of(c->st[p]);
        t |= (uint16_t)(tag << (2 * p));
    }
    return t;
}
/* Load a tag word: only "empty or not" is kept (FRSTOR/FLDENV). */
static inline void x87_ftw_load(Cpu *c, uint16_t full) {
    uint16_t t = 0;
    for (int p = 0; p < 8; p++) {
        unsigned tag = ((full >> (2 * p)) & 3) == 3 ? 3 : x87_tag_of(c->st[p]);
        t |= (uint16_t)(tag << (2 * p));
    }
    c->ftw = t;
}

/* ---- the FNSTENV/FNSAVE environment (x87_ld.c) ----
 * 28-byte protected-mode image (32-bit operand size): FCW FSW FTW as dwords
 * whose upper halves store as 0xffff, FIP, FCS | FOP << 16, FDP, FDS (upper
 * half 0xffff); 14 bytes with a 16-bit operand size: seven words FCW FSW FTW
 * FIP FCS FDP FDS (no FOP). FNSAVE/FRSTOR follow it with ST(0)..ST(7). */
typedef struct X87Env {
    uint16_t cw, sw, tw, fcs, fds, fop;
    uint32_t fip, fdp;
} X87Env;
/* The image of the current state into img; returns its size (14 or 28). */
unsigned x87_env_store(const Cpu *c, int o16, uint8_t img[28]);
/* Parse an image (14 or 28 bytes as o16 says); returns its size. */
unsigned x87_env_parse(const uint8_t *img, int o16, X87Env *e);
/* Load a parsed image: control, status and tag words (tags recomputed from
 * the registers, so load st[] first), and the pointers (FCS/FDS as 0 on
 * hosts that deprecate them, as there). */
void x87_env_apply(Cpu *c, const X87Env *e);

/* ---- the engine (x87_host.c) ---- */

/* Stub entry (current engine) for the instruction with opcode byte 0xD8 +
 * op and this ModRM (memory forms: any mod != 3; the stub addresses [rsi]).
 * flags: the stub also loads CF/PF/ZF from its third argument before the
 * instruction and returns RFLAGS after it (FCMOVcc, FCOMI*); only for
 * opcodes DA, DB, DF with register operands. Selectors put it in i->imm. */
uint64_t x87_stub(unsigned op, unsigned modrm, int flags);

/* Run the instruction on the host: i->imm = stub, i->aux = opcode & 7,
 * i->aux2 = ModRM. mem: host copy of the memory operand (NULL for register
 * forms). fl_in: guest CF/PF/ZF for flag stubs. Returns RFLAGS after the
 * instruction for flag stubs. Updates st/fsw/ftw and fip/fop/fdp. */
uint64_t x87_host(Cpu *c, const Insn *i, void *mem, uint64_t fl_in);

/* Generic handlers (x87_host.c): register/no operand forms, and memory
 * source/destination forms by operand size (2, 4, 8, 10 bytes). */
void x87_op_reg(Cpu *c, const Insn *i);
void x87_op_ld2(Cpu *c, const Insn *i);
void x87_op_ld4(Cpu *c, const Insn *i);
void x87_op_ld8(Cpu *c, const Insn *i);
void x87_op_ld10(Cpu *c, const Insn *i);
void x87_op_st2(Cpu *c, const Insn *i);
void x87_op_st4(Cpu *c, const Insn *i);
void x87_op_st8(Cpu *c, const Insn *i);
void x87_op_st10(Cpu *c, const Insn *i);

/* Selector helper: checks the opcode byte (D8..DF), fills aux/aux2 and
 * i->imm (the stub) and returns the ModRM byte, or -1 if this is not an
 * x87 escape opcode. */
int x87_sel_common(const DecodeCtx *d, Insn *i, int flags);

/* Engine for instructions decoded from now on: 1 FX (FXRSTOR/FXSAVE), 0 FN
 * (FRSTOR/FNSAVE), -1 automatic (FX when the host's FXSAVE reports the
 * instruction pointers as FNSAVE does). Returns the engine chosen. For
 * tests; already decoded instructions keep theirs (both stay valid). */
int x87_engine_select(int want);

/* Whether the host stores FCS/FDS as 0 (CPUID.7.EBX[13]). */
int x87_fcs_deprecated(void);

#endif
