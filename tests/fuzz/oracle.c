/* Run a case on the host CPU and in ringside from the same state and
 * compare: signal, RIP, GPRs, RFLAGS (minus the flags the SDM leaves
 * undefined for the instruction), XMM and MXCSR (when no signal), the data
 * pages, and for x87 cases the FXSAVE image the epilogue stores (minus the
 * last-instruction pointers FIP/FDP/FOP and undefined condition codes). */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "cpu/cpu.h"

static int run_native64(const uint8_t *code, size_t len, RegState *st, uint8_t *data) {
    return native_exec(code, len, st, data);
}
static int run_rs64(const uint8_t *code, size_t len, RegState *st, uint8_t *data) {
    return rs_exec(code, len, st, data);
}
const FuzzMode fz_mode64 = {"64-bit", ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64,
                            run_native64, run_rs64};
static int run_native32(const uint8_t *code, size_t len, RegState *st, uint8_t *data) {
    return native_exec32(code, len, st, data);
}
static int run_rs32(const uint8_t *code, size_t len, RegState *st, uint8_t *data) {
    return rs_exec32(code, len, st, data);
}
const FuzzMode fz_mode32 = {"32-bit compatibility", ZYDIS_MACHINE_MODE_LONG_COMPAT_32,
                            ZYDIS_STACK_WIDTH_32, run_native32, run_rs32};
const FuzzMode *fz_mode = &fz_mode64;

int decode_at(const uint8_t *code, size_t len, ZydisDecodedInstruction *zi,
              ZydisDecodedOperand *zo) {
    static ZydisDecoder d;
    static const FuzzMode *init;
    if (init != fz_mode) {
        ZydisDecoderInit(&d, fz_mode->zmode, fz_mode->zstack);
        init = fz_mode;
    }
    return ZYAN_SUCCESS(ZydisDecoderDecodeFull(&d, code, len, zi, zo)) ? 0 : -1;
}

void insn_text(const uint8_t *code, size_t len, uint64_t addr, char *out, size_t n) {
    static ZydisFormatter f;
    static int ready;
    if (!ready) {
        ZydisFormatterInit(&f, ZYDIS_FORMATTER_STYLE_INTEL);
        ready = 1;
    }
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
    if (decode_at(code, len, &zi, zo) != 0) {
        snprintf(out, n, "(bad)");
        return;
    }
    ZydisFormatterFormatInstruction(&f, &zi, zo, zi.operand_count_visible, out, n, addr, NULL);
}

/* ---- printing ---- */

static const char *const gpr_names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                          "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

const char *sig_name(int s) {
    switch (s) {
    case 0: return "none";
    case SIGSEGV: return "SIGSEGV";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
    case SIGTRAP: return "SIGTRAP";
    case SIGBUS: return "SIGBUS";
    case -2: return "ran-away";
    default: return "?";
    }
}

int sig_parse(const char *name) {
    static const int sigs[] = {0, SIGSEGV, SIGILL, SIGFPE, SIGTRAP, SIGBUS, -2};
    for (unsigned k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
        if (!strcmp(name, sig_name(sigs[k]))) return sigs[k];
    return -1;
}

static void flags_str(uint64_t f, char *s) {
    static const struct {
        uint64_t bit;
        char on, off;
    } t[] = {{0x1, 'C', 'c'},  {0x4, 'P', 'p'},   {0x10, 'A', 'a'}, {0x40, 'Z', 'z'},
             {0x80, 'S', 's'}, {0x400, 'D', 'd'}, {0x800, 'O', 'o'}};
    for (int k = 0; k < 7; k++)
        s[k] = (f & t[k].bit) ? t[k].on : t[k].off;
    s[7] = 0;
}

static void hex_rev(FILE *f, const uint8_t *b, unsigned n) {
    for (int k = (int)n - 1; k >= 0; k--)
        fprintf(f, "%02x", b[k]);
}

/* The linear address of memory operand o with the case's input registers. */
static int mem_ea(const FuzzCase *c, const ZydisDecodedInstruction *zi,
                  const ZydisDecodedOperand *o, ZyanU64 *ea) {
    static ZydisRegisterContext ctx;
    for (int r = 0; r < 16; r++) {
        uint64_t v = c->in.gpr[r];
        ctx.values[ZYDIS_REGISTER_RAX + r] = v;
        ctx.values[ZYDIS_REGISTER_EAX + r] = (uint32_t)v;
        ctx.values[ZYDIS_REGISTER_AX + r] = (uint16_t)v;
    }
    return ZYAN_SUCCESS(ZydisCalcAbsoluteAddressEx(zi, o, NATIVE_CODE_ADDR + c->at, &ctx, ea)) ? 0
                                                                                               : -1;
}

/* Inputs the instruction reads: registers (explicit and implicit) and the
 * bytes of its explicit memory operand. */
static void print_inputs(FILE *f, const FuzzCase *c, const ZydisDecodedInstruction *zi,
                         const ZydisDecodedOperand *zo, const uint8_t *data) {
    char fl[8];
    flags_str(c->in.rflags, fl);
    fprintf(f, "  in: flags %s mxcsr %08x", fl, c->in.mxcsr);
    uint32_t shown = 0;
    for (int j = 0; j < zi->operand_count; j++) {
        const ZydisDecodedOperand *o = &zo[j];
        ZydisRegister regs[3] = {ZYDIS_REGISTER_NONE, ZYDIS_REGISTER_NONE, ZYDIS_REGISTER_NONE};
        if (o->type == ZYDIS_OPERAND_TYPE_REGISTER && (o->actions & ZYDIS_OPERAND_ACTION_MASK_READ))
            regs[0] = o->reg.value;
        if (o->type == ZYDIS_OPERAND_TYPE_MEMORY) {
            regs[1] = o->mem.base;
            regs[2] = o->mem.index;
        }
        for (int k = 0; k < 3; k++) {
            ZydisRegister rg = regs[k];
            if (rg == ZYDIS_REGISTER_NONE) continue;
            ZydisRegisterClass cl = ZydisRegisterGetClass(rg);
            if (cl == ZYDIS_REGCLASS_GPR8 || cl == ZYDIS_REGCLASS_GPR16 ||
                cl == ZYDIS_REGCLASS_GPR32 || cl == ZYDIS_REGCLASS_GPR64) {
                ZydisRegister big =
                    ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, rg);
                int n = ZydisRegisterGetId(big);
                if (n < 0 || n > 15 || (shown >> n & 1)) continue;
                shown |= 1u << n;
                fprintf(f, " %s=%llx", gpr_names[n], (unsigned long long)c->in.gpr[n]);
            } else if (cl == ZYDIS_REGCLASS_XMM) {
                int n = ZydisRegisterGetId(rg);
                if (shown >> (16 + n) & 1) continue;
                shown |= 1u << (16 + n);
                fprintf(f, " xmm%d=", n);
                hex_rev(f, c->in.xmm[n], 16);
            }
        }
        if (o->type == ZYDIS_OPERAND_TYPE_MEMORY &&
            o->visibility == ZYDIS_OPERAND_VISIBILITY_EXPLICIT &&
            o->mem.type != ZYDIS_MEMOP_TYPE_AGEN) {
            ZyanU64 ea;
            if (mem_ea(c, zi, o, &ea) == 0) {
                fprintf(f, " [%llx]=", (unsigned long long)ea);
                unsigned n = o->size / 8;
                if (n > 16) n = 16;
                if (ea >= DATA_ADDR && ea + n <= DATA_ADDR + DATA_SIZE)
                    hex_rev(f, data + (ea - DATA_ADDR), n);
                else
                    fprintf(f, "(outside the data pages)");
            }
        }
    }
    fprintf(f, "\n");
}

/* FXSAVE stores ST(k) in slot k whatever its tag; an empty register's bits
 * are whatever was there before (on the host: zeros after an XRSTOR of the
 * init state, so not reproducible). Empty per the native image's TOP/FTW. */
static int x87_slot_empty(const uint8_t *img, unsigned k) {
    unsigned top = (img[3] >> 3) & 7;
    return !((img[4] >> ((top + k) & 7)) & 1);
}

/* Parts of x87 state images not compared: the last-instruction pointers
 * (FIP, FDP, FOP, FCS, FDS: ringside does not track them yet; the host's
 * point into the prologue) and registers tagged empty. */
static void ignore_range(uint8_t *ign, uint64_t off, unsigned n) {
    for (unsigned k = 0; k < n; k++)
        if (off + k < DATA_SIZE) ign[off + k] = 1;
}
static void ignore_fxsave(uint8_t *ign, const uint8_t *dn, uint64_t off) {
    if (off + 512 > DATA_SIZE) return;
    ignore_range(ign, off + 6, 18);
    for (unsigned k = 0; k < 8; k++)
        if (x87_slot_empty(dn + off, k)) ignore_range(ign, off + 32 + 16 * k, 16);
}
/* FNSTENV/FNSAVE: 28-byte environment (14 with a 16-bit operand size), then
 * for FNSAVE ST(0)..ST(7), 10 bytes each. */
static void ignore_fnsave(uint8_t *ign, const uint8_t *dn, uint64_t off, int o16, int regs) {
    unsigned env = o16 ? 14 : 28;
    if (off + env + (regs ? 80 : 0) > DATA_SIZE) return;
    ignore_range(ign, off + (o16 ? 6 : 12), o16 ? 8 : 16);
    if (!regs) return;
    uint16_t fsw, ftw;
    memcpy(&fsw, dn + off + (o16 ? 2 : 4), 2);
    memcpy(&ftw, dn + off + (o16 ? 4 : 8), 2);
    unsigned top = (fsw >> 11) & 7;
    for (unsigned k = 0; k < 8; k++)
        if (((ftw >> (2 * ((top + k) & 7))) & 3) == 3) ignore_range(ign, off + env + 10 * k, 10);
}
static void ignore_images(const FuzzCase *c, const ZydisDecodedInstruction *zi,
                          const ZydisDecodedOperand *zo, uint8_t *ign, const uint8_t *dn) {
    ZydisMnemonic m = zi->mnemonic;
    if (m != ZYDIS_MNEMONIC_FXSAVE && m != ZYDIS_MNEMONIC_FXSAVE64 && m != ZYDIS_MNEMONIC_FNSAVE &&
        m != ZYDIS_MNEMONIC_FNSTENV)
        return;
    ZyanU64 ea;
    if (zo[0].type != ZYDIS_OPERAND_TYPE_MEMORY || mem_ea(c, zi, &zo[0], &ea) != 0 ||
        ea < DATA_ADDR || ea >= DATA_ADDR + DATA_SIZE)
        return;
    uint64_t off = ea - DATA_ADDR;
    if (m == ZYDIS_MNEMONIC_FXSAVE || m == ZYDIS_MNEMONIC_FXSAVE64)
        ignore_fxsave(ign, dn, off);
    else
        ignore_fnsave(ign, dn, off, zi->operand_width == 16, m == ZYDIS_MNEMONIC_FNSAVE);
}

/* The x87 part of the FXSAVE images, when it differs. */
static void print_x87(FILE *f, const uint8_t *n, const uint8_t *r, uint16_t fsw_undef) {
    uint16_t a, b;
    memcpy(&a, n, 2), memcpy(&b, r, 2);
    if (a != b) fprintf(f, "  x87 FCW: native %04x ringside %04x\n", a, b);
    memcpy(&a, n + 2, 2), memcpy(&b, r + 2, 2);
    if ((a ^ b) & ~fsw_undef)
        fprintf(f, "  x87 FSW: native %04x ringside %04x (TOP %u/%u; undefined C bits %04x)\n", a,
                b, (a >> 11) & 7, (b >> 11) & 7, fsw_undef);
    if (n[4] != r[4]) fprintf(f, "  x87 FTW(abridged): native %02x ringside %02x\n", n[4], r[4]);
    for (unsigned k = 0; k < 8; k++)
        if (!x87_slot_empty(n, k) && memcmp(n + 32 + 16 * k, r + 32 + 16 * k, 16)) {
            fprintf(f, "  x87 ST(%d): native ", k);
            hex_rev(f, n + 32 + 16 * k, 10);
            fprintf(f, " ringside ");
            hex_rev(f, r + 32 + 16 * k, 10);
            if (memcmp(n + 42 + 16 * k, r + 42 + 16 * k, 6)) fprintf(f, " (reserved bytes differ)");
            fprintf(f, "\n");
        }
    if (memcmp(n + 24, r + 24, 8)) {
        uint32_t x, y;
        memcpy(&x, n + 24, 4), memcpy(&y, r + 24, 4);
        fprintf(f, "  fxsave MXCSR: native %08x ringside %08x", x, y);
        memcpy(&x, n + 28, 4), memcpy(&y, r + 28, 4);
        fprintf(f, "  MXCSR_MASK: native %08x ringside %08x\n", x, y);
    }
    for (int k = 0; k < 16; k++)
        if (memcmp(n + 160 + 16 * k, r + 160 + 16 * k, 16))
            fprintf(f, "  fxsave XMM%d differs\n", k);
    if (memcmp(n + 416, r + 416, 96)) fprintf(f, "  fxsave bytes 416..511 differ\n");
}

/* ---- comparing ---- */

static int quiet_stderr(int on) {
    static int saved = -1, devnull = -1;
    if (on) {
        if (devnull < 0) devnull = open("/dev/null", O_WRONLY);
        if (saved < 0) saved = dup(2);
        fflush(stderr);
        return dup2(devnull, 2);
    }
    fflush(stderr);
    return dup2(saved, 2);
}

/* ---- the model, the native side ---- */

int fz_vendor = -1;
unsigned fz_family;
/* The CPU whose native outcomes are compared: the host's, unless a recorded
 * corpus names another (its undefined flags are then that CPU's). */
static int undef_recorded;
static int undef_vendor;
static unsigned undef_family, undef_model;

void fz_set_model(int vendor, unsigned family) {
    fz_vendor = vendor;
    fz_family = family;
    rs_set_model(vendor, family);
}

void fz_set_recorded_cpu(int vendor, unsigned family, unsigned model) {
    undef_recorded = 1;
    undef_vendor = vendor;
    undef_family = family;
    undef_model = model;
}

static void model_default(void) {
    if (fz_vendor >= 0) return;
    CpuVendor v;
    unsigned fam;
    cpu_host_model(&v, &fam);
    fz_vendor = (int)v; /* ringside's harness models the host by default too */
    fz_family = fam;
}

/* RFLAGS bits the model leaves undefined for this instruction and input. */
static uint64_t model_undef(const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *zo,
                            const RegState *in, int *skip) {
    model_default();
    if (undef_recorded)
        return fz_undef_mask(undef_vendor, undef_family, undef_model, zi, zo, in, skip);
    return undef_flags(zi, zo, in, skip);
}

/* The native side's si_addr: native.c's signal handler does not keep it, so
 * ours runs first and chains to it (it longjmps out). */
static struct sigaction sa_prev[32];
static volatile uint64_t sa_last;
static void sa_chain(int sig, siginfo_t *si, void *uc) {
    sa_last = (uint64_t)(uintptr_t)si->si_addr;
    sa_prev[sig].sa_sigaction(sig, si, uc);
}
static int sa_install(void) {
    static int done;
    if (done) return done;
    /* native.c installs its handlers on its first run */
    static const uint8_t nop = 0x90;
    RegState st;
    memset(&st, 0, sizeof st);
    st.gpr[4] = DATA_ADDR + DATA_SIZE / 2;
    st.mxcsr = 0x1f80;
    static uint8_t data[DATA_SIZE];
    if (native_exec(&nop, 1, &st, data) < 0) return done = -1;
    static const int sigs[] = {SIGFPE, SIGSEGV, SIGILL, SIGTRAP, SIGBUS};
    for (unsigned k = 0; k < sizeof sigs / sizeof sigs[0]; k++) {
        struct sigaction sa;
        if (sigaction(sigs[k], NULL, &sa_prev[sigs[k]]) != 0 ||
            !(sa_prev[sigs[k]].sa_flags & SA_SIGINFO))
            return done = -1;
        sa = sa_prev[sigs[k]];
        sa.sa_sigaction = sa_chain;
        if (sigaction(sigs[k], &sa, NULL) != 0) return done = -1;
    }
    return done = 1;
}

int fz_native(const FuzzCase *c, FuzzNative *n) {
    if (sa_install() < 0) return -1;
    memset(n, 0, sizeof *n);
    n->out = c->in;
    case_data(c, n->data);
    sa_last = 0;
    n->sig = fz_mode->run_native(c->code, c->len, &n->out, n->data);
    if (n->sig < 0) return -1;
    n->fault_addr = n->sig ? sa_last : 0;
    n->sa_known = 1;
    n->fl_known = ~0ull;
    n->xmm_known = 1;
    return 0;
}

/* The si_addr Linux reports for ringside's exception (arch/x86/kernel/traps.c,
 * fault.c): CR2 for #PF, the instruction for #UD #DE #MF #XM, 0 (SI_KERNEL)
 * for the rest (#GP #SS #NP #AC #BP ...). */
static uint64_t rs_si_addr(int sig, const RegState *r) {
    const Cpu *cpu = rs_cpu();
    if (sig <= 0 || !cpu) return 0;
    switch (cpu->exc_vector) {
    case EXC_PF: return FZ_M32 ? (uint32_t)cpu->cr2 : cpu->cr2;
    case EXC_UD:
    case EXC_DE:
    case EXC_MF:
    case EXC_XM: return r->rip;
    default: return 0;
    }
}

/* Under AddressSanitizer the native side's address space also holds ASan's
 * shadow memory (x86-64: 0x7fff8000 up to 0x10007fff8000), so a random
 * pointer there works natively where the guest, as on a plain host, faults:
 * such a case compares nothing (skipped). */
#if defined(__SANITIZE_ADDRESS__)
#define FZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FZ_ASAN 1
#endif
#endif
static int asan_shadow_artefact(int nsig, int rsig, uint64_t rsa) {
#ifdef FZ_ASAN
    return nsig == 0 && rsig == SIGSEGV && rs_cpu() && rs_cpu()->exc_vector == EXC_PF &&
           rsa >= 0x7fff8000ull && rsa < 0x10007fff8000ull;
#else
    (void)nsig, (void)rsig, (void)rsa;
    return 0;
#endif
}

Outcome oracle_run(const FuzzCase *c, FuzzNative *keep, int print, int verbose) {
    static FuzzNative nat;
    FuzzNative *n = keep ? keep : &nat;
    if (fz_native(c, n) != 0) {
        Outcome out;
        memset(&out, 0, sizeof out);
        out.result = RES_SETUP;
        snprintf(out.why, sizeof out.why, "cannot set up the native side");
        return out;
    }
    return fz_compare(c, n, print, verbose);
}

/* ---- ringside, and the comparison ---- */

Outcome fz_compare(const FuzzCase *c, const FuzzNative *nat, int print, int verbose) {
    static uint8_t d0[DATA_SIZE], dr[DATA_SIZE];
    const uint8_t *dn = nat->data;
    Outcome out;
    memset(&out, 0, sizeof out);
    case_data(c, d0);
    memcpy(dr, d0, DATA_SIZE);
    const RegState n = nat->out;
    RegState r = c->in;
    out.nsig = nat->sig;
    model_default();
    if (!verbose) quiet_stderr(1);
    out.rsig = fz_mode->run_rs(c->code, c->len, &r, dr);
    if (!verbose) quiet_stderr(0);
    if (out.rsig == -1) {
        out.result = RES_SETUP;
        snprintf(out.why, sizeof out.why, "cannot set up the ringside side");
        return out;
    }
    const uint64_t rsa = rs_si_addr(out.rsig, &r);

    ZydisDecodedInstruction zi;
    ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
    if (decode_at(c->code + c->at, c->len - c->at, &zi, zo) != 0) {
        out.result = RES_SKIP;
        return out;
    }
    int skip;
    uint64_t undef = model_undef(&zi, zo, &c->in, &skip);
    if (skip) {
        out.result = RES_SKIP;
        snprintf(out.why, sizeof out.why, "result undefined for this input");
        return out;
    }
    if (asan_shadow_artefact(out.nsig, out.rsig, rsa)) {
        out.result = RES_SKIP;
        snprintf(out.why, sizeof out.why, "native address space has ASan's shadow there");
        return out;
    }

    /* Ringside #UD where the host ran: an unimplemented form is a known gap,
     * not a wrong result; tell the two apart by asking ringside's decoder. */
    if (out.rsig == SIGILL && out.nsig != SIGILL && r.rip >= NATIVE_CODE_ADDR &&
        r.rip < NATIVE_CODE_ADDR + c->len) {
        size_t off = r.rip - NATIVE_CODE_ADDR;
        ZydisDecodedInstruction fi;
        ZydisDecodedOperand fo[ZYDIS_MAX_OPERAND_COUNT];
        char why[160];
        if (decode_at(c->code + off, c->len - off, &fi, fo) == 0 &&
            probe_unimplemented(c->code + off, fi.length, why, sizeof why)) {
            out.result = RES_UNIMPL;
            snprintf(out.why, sizeof out.why, "%s", why);
            return out;
        }
    }

    const uint64_t cmpmask = ((0x8d5ull & ~undef) | 0x400 | 0x200000) & nat->fl_known;
    const int nosig = out.nsig == 0 && out.rsig == 0;
    const uint16_t fsw_undef = c->x87 ? undef_fsw(&zi) : 0;
    char *rep = NULL;
    size_t replen = 0;
    FILE *f = open_memstream(&rep, &replen);
    int bad = 0;
    if (out.nsig != out.rsig) {
        fprintf(f, "  signal: native %s ringside %s\n", sig_name(out.nsig), sig_name(out.rsig));
        bad = 1;
    } else if (out.nsig && nat->sa_known &&
               (rs_cpu() && rs_cpu()->exc_vector == EXC_PF ? (nat->fault_addr ^ rsa) >> 12
                                                           : nat->fault_addr != rsa)) {
        /* #PF: the page only; which byte of a split or multi-part access
         * (FXSAVE, FRSTOR) the CPU reports first is its access order */
        fprintf(f, "  si_addr: native %llx ringside %llx\n", (unsigned long long)nat->fault_addr,
                (unsigned long long)rsa);
        bad = 1;
    }
    if (n.rip != r.rip) {
        fprintf(
            f, "  rip: native %+lld ringside %+lld (from the snippet start; instruction at +%zu)\n",
            (long long)(n.rip - NATIVE_CODE_ADDR), (long long)(r.rip - NATIVE_CODE_ADDR), c->at);
        bad = 1;
    }
    for (int k = 0; k < 16; k++)
        if (n.gpr[k] != r.gpr[k]) {
            fprintf(f, "  %s: in %016llx native %016llx ringside %016llx\n", gpr_names[k],
                    (unsigned long long)c->in.gpr[k], (unsigned long long)n.gpr[k],
                    (unsigned long long)r.gpr[k]);
            bad = 1;
        }
    if ((n.rflags ^ r.rflags) & cmpmask) {
        char fi[8], fn[8], fr[8], fc[8];
        flags_str(c->in.rflags, fi);
        flags_str(n.rflags, fn);
        flags_str(r.rflags, fr);
        flags_str(cmpmask, fc);
        fprintf(f, "  flags: in %s native %s ringside %s (compared %s%s)\n", fi, fn, fr, fc,
                ((n.rflags ^ r.rflags) & 0x200000) ? ", ID differs" : "");
        bad = 1;
    }
    if (nosig && nat->xmm_known) {
        for (int k = 0; k < 16; k++)
            if (memcmp(n.xmm[k], r.xmm[k], 16)) {
                fprintf(f, "  xmm%d: in ", k);
                hex_rev(f, c->in.xmm[k], 16);
                fprintf(f, " native ");
                hex_rev(f, n.xmm[k], 16);
                fprintf(f, " ringside ");
                hex_rev(f, r.xmm[k], 16);
                fprintf(f, "\n");
                bad = 1;
            }
        if (n.mxcsr != r.mxcsr) {
            fprintf(f, "  mxcsr: in %08x native %08x ringside %08x\n", c->in.mxcsr, n.mxcsr,
                    r.mxcsr);
            bad = 1;
        }
    }
    /* Memory, with the unreproducible parts of x87 state images ignored. */
    static uint8_t ign[DATA_SIZE];
    memcpy(ign, nat->unknown, sizeof ign);
    if (nosig) {
        if (c->x87) ignore_fxsave(ign, dn, X87_SCR);
        ignore_images(c, &zi, zo, ign, dn);
    }
    /* Both faulted on a store running off the end of the data pages: the
     * host may have written the part before the page boundary (seen with
     * FBSTP); the instruction restarts, so neither choice is visible. */
    if (out.nsig && out.nsig == out.rsig)
        for (int j = 0; j < zi.operand_count_visible; j++) {
            ZyanU64 ea;
            const ZydisDecodedOperand *o = &zo[j];
            if (o->type != ZYDIS_OPERAND_TYPE_MEMORY ||
                !(o->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) || mem_ea(c, &zi, o, &ea) != 0)
                continue;
            if (ea < DATA_ADDR + DATA_SIZE && ea + o->size / 8 > DATA_ADDR + DATA_SIZE &&
                ea >= DATA_ADDR)
                ignore_range(ign, ea - DATA_ADDR, o->size / 8);
        }
    int shown = 0, x87bad = 0;
    for (unsigned k = 0; k < DATA_SIZE; k++) {
        if (dn[k] == dr[k] || ign[k]) continue;
        if (c->x87 && nosig && k >= X87_SCR && k < X87_SCR + 512) {
            if (k == X87_SCR + 2 || k == X87_SCR + 3) {
                uint16_t a, b;
                memcpy(&a, dn + X87_SCR + 2, 2), memcpy(&b, dr + X87_SCR + 2, 2);
                if (!((a ^ b) & ~fsw_undef)) continue;
            }
            x87bad = 1;
            bad = 1;
            continue;
        }
        bad = 1;
        if (shown < 4) {
            unsigned s = k & ~15u;
            fprintf(f, "  mem %llx: in ", (unsigned long long)(DATA_ADDR + s));
            hex_rev(f, d0 + s, 16);
            fprintf(f, " native ");
            hex_rev(f, dn + s, 16);
            fprintf(f, " ringside ");
            hex_rev(f, dr + s, 16);
            fprintf(f, "\n");
            k = s + 15;
        }
        shown++;
    }
    if (x87bad) print_x87(f, dn + X87_SCR, dr + X87_SCR, fsw_undef);
    fclose(f);

    out.undef_diff = (n.rflags ^ r.rflags) & 0x8d5 & undef;
    if (!bad) {
        free(rep);
        out.result = RES_SAME;
        return out;
    }
    out.result = RES_DIVERGE;
    snprintf(out.why, sizeof out.why, "%s", out.nsig != out.rsig ? "signal" : "state");
    if (print) {
        char text[256];
        insn_text(c->code + c->at, c->ilen, NATIVE_CODE_ADDR + c->at, text, sizeof text);
        printf("DIVERGENCE %s: %s   [", ZydisMnemonicGetString(zi.mnemonic), text);
        for (size_t k = 0; k < c->ilen; k++)
            printf("%s%02x", k ? " " : "", c->code[c->at + k]);
        printf("]%s\n", c->x87 ? "  (x87 prologue/epilogue around it)" : "");
        print_inputs(stdout, c, &zi, zo, d0);
        fputs(rep, stdout);
        printf("  regress: ");
        regress_write(stdout, c);
    }
    free(rep);
    return out;
}
