/* Signal frames exactly as Linux lays them out (arch/x86/kernel/signal*.c):
 * the x86-64 rt_sigframe, and the ia32 sigframe and rt_sigframe that both
 * kernel models (64-bit kernel running 32-bit code, --kernel=i386) build,
 * and rt_sigreturn / sigreturn, which restore every register from the
 * (possibly edited) context with Linux's sanitising. The modelled CPU has
 * no XSAVE, so the FP state is what Linux saves on an FXSR-only CPU: the
 * 512-byte FXSAVE area with the software-reserved fpx_sw_bytes (magic1,
 * no magic2), behind an fsave header for ia32 frames. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <string.h>
#include <unistd.h>

#include "kernel/kernel.h"
#include "kernel32/kernel32.h"
#include "compat32.h"
#include "sig_internal.h"

#define FIX_EFLAGS           0x50dd5u /* AC OF DF TF SF ZF AF PF CF RF */
#define UC_FP_XSTATE         1
#define UC_SIGCONTEXT_SS     2
#define UC_STRICT_RESTORE_SS 4
#define FPX_MAGIC1_          0x46505853u
#define FREGS_SIZE           112 /* struct fregs_state: the ia32 fsave header */
#define SS_ONSTACK_          1
#define SS_DISABLE_          2
#define SS_AUTODISARM_       (1u << 31)

typedef struct Sc64 {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15, di, si, bp, bx, dx, ax, cx, sp, ip, flags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2, fpstate, reserved[8];
} Sc64;
typedef struct Uc64 {
    uint64_t flags, link, ss_sp;
    int32_t ss_flags, pad;
    uint64_t ss_size;
    Sc64 mc;
    uint64_t sigmask;
} Uc64;
typedef struct Sc32 {
    uint32_t gs, fs, es, ds, di, si, bp, sp, bx, dx, cx, ax, trapno, err, ip, cs, flags,
        sp_at_signal, ss, fpstate, oldmask, cr2;
} Sc32;
typedef struct Uc32 {
    uint32_t flags, link, ss_sp, ss_flags, ss_size;
    Sc32 mc;
    uint32_t sigmask[2];
} Uc32;
_Static_assert(sizeof(Sc64) == 256, "sigcontext_64");
_Static_assert(sizeof(Uc64) == 304, "ucontext");
_Static_assert(sizeof(Sc32) == 88, "sigcontext_32");
_Static_assert(sizeof(Uc32) == 116, "ucontext_ia32");

enum { RT64_UC = 8, RT64_INFO = 312, RT64_SIZE = 440 };
enum { SF32_SC = 8, SF32_EXTRAMASK = 720, SF32_RETCODE = 724, SF32_SIZE = 732 };
enum { RT32_INFO = 16, RT32_UC = 144, RT32_RETCODE = 260, RT32_SIZE = 268 };

/* is_ia32_frame: the ABI the handler was installed through (SA_IA32_ABI). */
static int is_ia32(Proc *p, int sig) {
    return p->kernel32 || ((uint32_t)p->sigact[sig].flags & SA_IA32_ABI_);
}

/* ---- siginfo: 64-bit <-> compat ------------------------------------------------------ */

enum { SIL_KILL, SIL_TIMER, SIL_POLL, SIL_FAULT, SIL_CHLD, SIL_RT, SIL_SYS };

static int info_layout(int sig, int code) {
    if (code > 0 && code < 0x80) {
        switch (sig) {
        case SIGILL:
        case SIGFPE:
        case SIGSEGV:
        case SIGBUS:
        case SIGTRAP: return SIL_FAULT;
        case SIGCHLD: return SIL_CHLD;
        case SIGPOLL: return SIL_POLL;
        case SIGSYS: return SIL_SYS;
        default: return code <= 6 ? SIL_POLL : SIL_KILL;
        }
    }
    if (code == -2) return SIL_TIMER; /* SI_TIMER */
    if (code == -5) return SIL_POLL;  /* SI_SIGIO */
    if (code < 0) return SIL_RT;
    return SIL_KILL;
}

static uint32_t rd32(const uint8_t *b, int off) {
    uint32_t v;
    memcpy(&v, b + off, 4);
    return v;
}
static uint64_t rd64(const uint8_t *b, int off) {
    uint64_t v;
    memcpy(&v, b + off, 8);
    return v;
}
static void wr32(uint8_t *b, int off, uint32_t v) { memcpy(b + off, &v, 4); }
static void wr64(uint8_t *b, int off, uint64_t v) { memcpy(b + off, &v, 8); }

/* 64-bit: the union at 16; compat: at 12, pointers/longs/clock_t 32-bit. */
void sig_info_to_compat(uint8_t o[128], const uint8_t in[128]) {
    memset(o, 0, 128);
    memcpy(o, in, 12);
    int sig = (int)rd32(in, 0), code = (int)rd32(in, 8);
    switch (info_layout(sig, code)) {
    case SIL_KILL: wr32(o, 12, rd32(in, 16)), wr32(o, 16, rd32(in, 20)); break;
    case SIL_TIMER:
        wr32(o, 12, rd32(in, 16)), wr32(o, 16, rd32(in, 20)), wr32(o, 20, rd32(in, 24));
        break;
    case SIL_RT:
        wr32(o, 12, rd32(in, 16)), wr32(o, 16, rd32(in, 20)), wr32(o, 20, rd32(in, 24));
        break;
    case SIL_CHLD:
        wr32(o, 12, rd32(in, 16)), wr32(o, 16, rd32(in, 20)), wr32(o, 20, rd32(in, 24));
        wr32(o, 24, (uint32_t)rd64(in, 32)), wr32(o, 28, (uint32_t)rd64(in, 40));
        break;
    case SIL_POLL: wr32(o, 12, (uint32_t)rd64(in, 16)), wr32(o, 16, rd32(in, 24)); break;
    case SIL_FAULT:
        wr32(o, 12, (uint32_t)rd64(in, 16));
        memcpy(o + 16, in + 24, 12); /* addr_lsb / bounds / pkey (short + pointers) */
        break;
    case SIL_SYS:
        wr32(o, 12, (uint32_t)rd64(in, 16)), wr32(o, 16, rd32(in, 24)), wr32(o, 20, rd32(in, 28));
        break;
    }
}

void sig_info_from_compat(uint8_t o[128], const uint8_t in[128]) {
    memset(o, 0, 128);
    memcpy(o, in, 12);
    int sig = (int)rd32(in, 0), code = (int)rd32(in, 8);
    switch (info_layout(sig, code)) {
    case SIL_KILL: wr32(o, 16, rd32(in, 12)), wr32(o, 20, rd32(in, 16)); break;
    case SIL_TIMER:
    case SIL_RT:
        wr32(o, 16, rd32(in, 12)), wr32(o, 20, rd32(in, 16)), wr32(o, 24, rd32(in, 20));
        break;
    case SIL_CHLD:
        wr32(o, 16, rd32(in, 12)), wr32(o, 20, rd32(in, 16)), wr32(o, 24, rd32(in, 20));
        wr64(o, 32, (uint64_t)(int64_t)(int32_t)rd32(in, 24));
        wr64(o, 40, (uint64_t)(int64_t)(int32_t)rd32(in, 28));
        break;
    case SIL_POLL:
        wr64(o, 16, (uint64_t)(int64_t)(int32_t)rd32(in, 12)), wr32(o, 24, rd32(in, 16));
        break;
    case SIL_FAULT: wr64(o, 16, rd32(in, 12)); break;
    case SIL_SYS:
        wr64(o, 16, rd32(in, 12)), wr32(o, 24, rd32(in, 16)), wr32(o, 28, rd32(in, 20));
        break;
    }
}

/* ---- the alternate stack ---------------------------------------------------------------- */

static int on_sig_stack(const Task *t, uint64_t sp) {
    if ((uint32_t)t->altstack_flags & SS_AUTODISARM_) return 0;
    return sp > t->altstack_sp && sp - t->altstack_sp <= t->altstack_size;
}
static int sas_ss_flags(const Task *t, uint64_t sp) {
    if (!t->altstack_size) return SS_DISABLE_;
    return on_sig_stack(t, sp) ? SS_ONSTACK_ : 0;
}

/* __save_altstack stores the flags sigaltstack last set, raw (0 before any). */
static int32_t saved_ss_flags(const Task *t) { return t->altstack_flags; }

/* restore_altstack(): do_sigaltstack with the restored sp, errors squashed. */
static void restore_altstack(Task *t, uint64_t ss_sp, uint32_t flags, uint64_t size, uint64_t sp,
                             uint64_t minsz) {
    uint32_t mode = flags & ~SS_AUTODISARM_;
    if (on_sig_stack(t, sp)) return;
    if (mode != SS_DISABLE_ && mode != SS_ONSTACK_ && mode != 0) return;
    if (t->altstack_sp == ss_sp && t->altstack_size == size && (uint32_t)t->altstack_flags == flags)
        return;
    if (mode == SS_DISABLE_) {
        ss_sp = size = 0;
    } else if (size < minsz) {
        return;
    }
    t->altstack_sp = ss_sp;
    t->altstack_size = size;
    t->altstack_flags = (int)flags;
}

/* ---- FP state ------------------------------------------------------------------------------ */

/* twd_fxsr_to_i387: the full tag word from the FXSAVE image. */
static uint32_t twd_fxsr_to_i387(const uint8_t *fx) {
    uint16_t swd;
    memcpy(&swd, fx + 2, 2);
    uint32_t tos = (swd >> 11) & 7, twd = fx[4], ret = 0xffff0000u;
    for (int i = 0; i < 8; i++, twd >>= 1) {
        uint32_t tag = 3;
        if (twd & 1) {
            const uint8_t *st = fx + 32 + 16 * ((i - (int)tos) & 7);
            uint16_t sig[4], exp;
            memcpy(sig, st, 8);
            memcpy(&exp, st + 8, 2);
            switch (exp & 0x7fff) {
            case 0x7fff: tag = 2; break;
            case 0: tag = (sig[0] | sig[1] | sig[2] | sig[3]) ? 2 : 1; break;
            default: tag = (sig[3] & 0x8000) ? 0 : 2; break;
            }
        }
        ret |= tag << (2 * i);
    }
    return ret;
}

/* fpu__alloc_mathframe + copy_fpstate_to_sigframe: returns the new sp
 * and writes the state; *fpstate gets what sigcontext points at. */
static int fp_save(Proc *p, int ia32, const PtRegs *r, uint64_t sp, uint64_t *newsp,
                   uint64_t *fpstate) {
    Cpu *c = p->cpu;
    uint8_t fx[512];
    int fx64 = !p->kernel32;
    cpu_fxsave_image(c, fx, fx64, p->kernel32 ? 8 : 16);
    /* fpx_sw_bytes in the software-reserved bytes 464..511 */
    uint32_t ext = 512 + 4 + (ia32 ? FREGS_SIZE : 0);
    wr32(fx, 464, FPX_MAGIC1_);
    wr32(fx, 468, ext);
    wr64(fx, 472, 3); /* xfeatures: FP | SSE */
    wr32(fx, 480, 512);
    uint64_t buf_fx = (sp - 512) & ~63ull;
    sp = buf_fx;
    if (ia32) {
        sp -= FREGS_SIZE;
        uint32_t env[28];
        memset(env, 0, sizeof env);
        uint16_t cwd, swd, fop, fcs, fds;
        memcpy(&cwd, fx, 2);
        memcpy(&swd, fx + 2, 2);
        memcpy(&fop, fx + 6, 2);
        env[0] = cwd | 0xffff0000u;
        env[1] = swd | 0xffff0000u;
        env[2] = twd_fxsr_to_i387(fx);
        if (p->kernel32) {
            memcpy(&fcs, fx + 12, 2);
            memcpy(&fds, fx + 20, 2);
            env[3] = rd32(fx, 8);
            env[4] = fcs | (uint32_t)fop << 16;
            env[5] = rd32(fx, 16);
            env[6] = fds;
        } else {
            env[3] = rd32(fx, 8);  /* fxsave->rip */
            env[5] = rd32(fx, 16); /* fxsave->rdp */
            env[4] = (uint32_t)r->cs;
            env[6] = c->seg[SEG_DS].sel | 0xffff0000u;
        }
        uint8_t hdr[FREGS_SIZE];
        memcpy(hdr, env, 28);
        for (int i = 0; i < 8; i++)
            memcpy(hdr + 28 + 10 * i, fx + 32 + 16 * i, 10);
        memcpy(hdr + 108, &swd, 2); /* status */
        memset(hdr + 110, 0, 2);    /* magic: X86_FXSR_MAGIC */
        if (copy_to_user(p, sp, hdr, sizeof hdr)) return -1;
        *fpstate = sp;
    } else {
        *fpstate = buf_fx;
    }
    if (copy_to_user(p, buf_fx, fx, sizeof fx)) return -1;
    *newsp = sp;
    return 0;
}

/* fpu__restore_sig: 0, or -1 for a bad frame (SIGSEGV). */
static int fp_restore(Proc *p, int ia32, uint64_t buf) {
    Cpu *c = p->cpu;
    if (!buf) {
        cpu_fpu_init(c);
        return 0;
    }
    uint8_t fx[512];
    uint64_t buf_fx = ia32 ? buf + FREGS_SIZE : buf;
    if (copy_from_user(p, fx, buf_fx, sizeof fx)) return -1;
    int fx64 = !p->kernel32;
    if (ia32) {
        /* convert_to_fxsr: the x87 part comes from the fsave header */
        uint8_t hdr[FREGS_SIZE];
        if (copy_from_user(p, hdr, buf, sizeof hdr)) return -1;
        uint32_t cwd = rd32(hdr, 0), swd = rd32(hdr, 4), twd = rd32(hdr, 8);
        uint16_t w = (uint16_t)cwd;
        memcpy(fx, &w, 2);
        w = (uint16_t)swd;
        memcpy(fx + 2, &w, 2);
        uint8_t abr = 0;
        for (int i = 0; i < 8; i++)
            if (((twd >> (2 * i)) & 3) != 3) abr |= (uint8_t)(1u << i);
        fx[4] = abr;
        w = (uint16_t)(rd32(hdr, 16) >> 16); /* fop from fcs's high half */
        memcpy(fx + 6, &w, 2);
        if (fx64) {
            wr64(fx, 8, rd32(hdr, 12));
            wr64(fx, 16, rd32(hdr, 20));
        } else {
            wr32(fx, 8, rd32(hdr, 12));
            uint16_t cs = (uint16_t)rd32(hdr, 16), ds = (uint16_t)rd32(hdr, 24);
            memcpy(fx + 12, &cs, 2);
            wr32(fx, 16, rd32(hdr, 20));
            memcpy(fx + 20, &ds, 2);
        }
        for (int i = 0; i < 8; i++) {
            memcpy(fx + 32 + 16 * i, hdr + 28 + 10 * i, 10);
            memset(fx + 42 + 16 * i, 0, 6);
        }
    }
    return cpu_fxrstor_image(c, fx, fx64, p->kernel32 ? 8 : 16) < 0 ? -1 : 0;
}

/* ---- frame setup ------------------------------------------------------------------------------
 */

/* get_sigframe(): where the frame goes; 0 when it cannot. */
static uint64_t get_sigframe(Proc *p, const PtRegs *r, int sig, int ia32, uint64_t frame_size,
                             uint64_t *fpstate) {
    Task *t = p->task;
    uint64_t sp = ia32 ? (uint32_t)r->sp : r->sp;
    int nested = on_sig_stack(t, sp), entering = 0;
    if (!ia32) sp -= 128; /* the red zone */
    if ((uint32_t)p->sigact[sig].flags & SA_ONSTACK_) {
        if (sas_ss_flags(t, sp) == 0) {
            sp = t->altstack_sp + t->altstack_size;
            entering = 1;
        }
    }
    if (fp_save(p, ia32, r, sp, &sp, fpstate) < 0) return 0;
    sp -= frame_size;
    if (ia32)
        sp = ((sp + 4) & ~15ull) - 4;
    else
        sp = (sp & ~15ull) - 8;
    /* __on_sig_stack: the range alone, whatever SS_AUTODISARM says */
    if ((nested || entering) && !(sp > t->altstack_sp && sp - t->altstack_sp <= t->altstack_size))
        return 0;
    return sp;
}

static void handler_regs_common(PtRegs *r) { r->flags &= ~(0x400ull | 0x10000ull | 0x100ull); }

static int setup_rt64(Proc *p, PtRegs *r, int sig, const uint8_t info[128], uint64_t mask) {
    Task *t = p->task;
    SigTask *s = sig_task(t);
    uint32_t flags = (uint32_t)p->sigact[sig].flags;
    uint64_t fpstate;
    if (!(flags & SA_RESTORER_)) return -1; /* x86-64 requires a restorer */
    uint64_t frame = get_sigframe(p, r, sig, 0, RT64_SIZE, &fpstate);
    if (!frame) return -1;
    Uc64 uc;
    memset(&uc, 0, sizeof uc);
    uc.flags =
        UC_SIGCONTEXT_SS | ((r->cs & ~3ull) == (__USER_CS & ~3ull) ? UC_STRICT_RESTORE_SS : 0);
    uc.ss_sp = t->altstack_sp;
    uc.ss_flags = saved_ss_flags(t);
    uc.ss_size = t->altstack_size;
    Sc64 *m = &uc.mc;
    m->r8 = r->r8, m->r9 = r->r9, m->r10 = r->r10, m->r11 = r->r11;
    m->r12 = r->r12, m->r13 = r->r13, m->r14 = r->r14, m->r15 = r->r15;
    m->di = r->di, m->si = r->si, m->bp = r->bp, m->bx = r->bx, m->dx = r->dx, m->ax = r->ax;
    m->cx = r->cx, m->sp = r->sp, m->ip = r->ip, m->flags = r->flags;
    m->cs = (uint16_t)r->cs, m->ss = (uint16_t)r->ss;
    m->err = s->error_code, m->trapno = s->trap_nr, m->oldmask = mask, m->cr2 = s->cr2;
    m->fpstate = fpstate;
    uc.sigmask = mask;
    uint64_t pret = p->sigact[sig].restorer;
    if (copy_to_user(p, frame, &pret, 8) || copy_to_user(p, frame + RT64_UC, &uc, sizeof uc))
        return -1;
    if ((flags & SA_SIGINFO_) && copy_to_user(p, frame + RT64_INFO, info, 128)) return -1;
    if ((uint32_t)t->altstack_flags & SS_AUTODISARM_) {
        t->altstack_sp = t->altstack_size = 0;
        t->altstack_flags = SS_DISABLE_;
    }
    r->di = (uint64_t)sig;
    r->ax = 0;
    r->si = frame + RT64_INFO;
    r->dx = frame + RT64_UC;
    r->ip = p->sigact[sig].handler;
    r->sp = frame;
    r->cs = __USER_CS;
    r->ss = __USER_DS;
    handler_regs_common(r);
    return 0;
}

static void fill_sc32(Proc *p, const PtRegs *r, Sc32 *m, uint64_t fpstate, uint32_t mask) {
    Cpu *c = p->cpu;
    SigTask *s = sig_task(p->task);
    m->gs = c->seg[SEG_GS].sel, m->fs = c->seg[SEG_FS].sel;
    m->es = c->seg[SEG_ES].sel, m->ds = c->seg[SEG_DS].sel;
    m->di = (uint32_t)r->di, m->si = (uint32_t)r->si, m->bp = (uint32_t)r->bp;
    m->sp = (uint32_t)r->sp, m->bx = (uint32_t)r->bx, m->dx = (uint32_t)r->dx;
    m->cx = (uint32_t)r->cx, m->ax = (uint32_t)r->ax;
    m->trapno = (uint32_t)s->trap_nr, m->err = (uint32_t)s->error_code;
    m->ip = (uint32_t)r->ip, m->cs = (uint32_t)r->cs, m->flags = (uint32_t)r->flags;
    m->sp_at_signal = (uint32_t)r->sp, m->ss = (uint32_t)r->ss;
    m->fpstate = (uint32_t)fpstate, m->oldmask = mask, m->cr2 = (uint32_t)s->cr2;
}

static void handler_regs32(Proc *p, PtRegs *r, int sig, uint64_t frame, uint64_t dx, uint64_t cx) {
    r->sp = frame;
    r->ip = (uint32_t)p->sigact[sig].handler;
    r->ax = (uint64_t)sig;
    r->dx = dx;
    r->cx = cx;
    r->cs = p->kernel32 ? __USER_CS32 : __USER32_CS;
    r->ss = p->kernel32 ? __USER_DS32 : __USER_DS;
    handler_regs_common(r);
}

static int setup_ia32(Proc *p, PtRegs *r, int sig, const uint8_t info[128], uint64_t mask) {
    Task *t = p->task;
    uint32_t flags = (uint32_t)p->sigact[sig].flags;
    int rt = (flags & SA_SIGINFO_) != 0;
    uint64_t fpstate;
    uint64_t frame = get_sigframe(p, r, sig, 1, rt ? RT32_SIZE : SF32_SIZE, &fpstate);
    if (!frame || frame > 0xffffffffull) return -1;
    uint32_t restorer;
    if (flags & SA_RESTORER_)
        restorer = (uint32_t)p->sigact[sig].restorer;
    else if (rt ? p->vdso_rt_sigreturn : p->vdso_sigreturn)
        restorer = (uint32_t)(rt ? p->vdso_rt_sigreturn : p->vdso_sigreturn);
    else
        restorer = (uint32_t)frame + (rt ? RT32_RETCODE : SF32_RETCODE);
    if (!rt) {
        uint8_t f[SF32_SIZE];
        memset(f, 0, sizeof f);
        wr32(f, 0, restorer);
        wr32(f, 4, (uint32_t)sig);
        Sc32 sc;
        fill_sc32(p, r, &sc, fpstate, (uint32_t)mask);
        memcpy(f + SF32_SC, &sc, sizeof sc);
        wr32(f, SF32_EXTRAMASK, (uint32_t)(mask >> 32));
        static const uint8_t code[8] = {0x58, 0xb8, 119, 0, 0, 0, 0xcd, 0x80};
        memcpy(f + SF32_RETCODE, code, 8);
        /* only the fields Linux writes: the unused fpstate stays as it was */
        if (copy_to_user(p, frame, f, SF32_SC + sizeof sc) ||
            copy_to_user(p, frame + SF32_EXTRAMASK, f + SF32_EXTRAMASK, 12))
            return -1;
        handler_regs32(p, r, sig, frame, 0, 0);
    } else {
        uint8_t f[RT32_SIZE];
        memset(f, 0, sizeof f);
        wr32(f, 0, restorer);
        wr32(f, 4, (uint32_t)sig);
        wr32(f, 8, (uint32_t)frame + RT32_INFO);
        wr32(f, 12, (uint32_t)frame + RT32_UC);
        sig_info_to_compat(f + RT32_INFO, info);
        Uc32 uc;
        memset(&uc, 0, sizeof uc);
        uc.ss_sp = (uint32_t)t->altstack_sp;
        uc.ss_flags = (uint32_t)saved_ss_flags(t);
        uc.ss_size = (uint32_t)t->altstack_size;
        fill_sc32(p, r, &uc.mc, fpstate, (uint32_t)mask);
        uc.sigmask[0] = (uint32_t)mask;
        uc.sigmask[1] = (uint32_t)(mask >> 32);
        memcpy(f + RT32_UC, &uc, sizeof uc);
        static const uint8_t code[8] = {0xb8, 173, 0, 0, 0, 0xcd, 0x80, 0};
        memcpy(f + RT32_RETCODE, code, 8);
        if (copy_to_user(p, frame, f, sizeof f)) return -1;
        handler_regs32(p, r, sig, frame, frame + RT32_INFO, frame + RT32_UC);
    }
    if ((uint32_t)t->altstack_flags & SS_AUTODISARM_) {
        t->altstack_sp = t->altstack_size = 0;
        t->altstack_flags = SS_DISABLE_;
    }
    return 0;
}

int sigframe_setup(Proc *p, PtRegs *r, int sig, const uint8_t info[128], uint64_t oldmask) {
    int rc = is_ia32(p, sig) ? setup_ia32(p, r, sig, info, oldmask)
                             : setup_rt64(p, r, sig, info, oldmask);
    if (rc == 0) cpu_fpu_init(p->cpu); /* fpu__clear_user_states: the handler starts clean */
    return rc;
}

/* ---- sigreturn ------------------------------------------------------------------------------- */

static void set_blocked(Proc *p, uint64_t mask) {
    p->task->sigmask = mask & ~KERNEL_ONLY;
    sig_sync_host_mask(p->task);
}

/* badframe: signal_fault(regs, frame, "rt_sigreturn") -> force_sig(SIGSEGV) */
static int64_t badframe(Proc *p) {
    uint8_t info[128];
    sig_info_user(info, SIGSEGV, 0x80 /* SI_KERNEL */);
    memset(info + 16, 0, 8);
    Task *t = p->task;
    if ((t->sigmask & SIG_BIT(SIGSEGV)) ||
        p->sigact[SIGSEGV].handler == (uint64_t)(uintptr_t)SIG_IGN) {
        p->sigact[SIGSEGV].handler = (uint64_t)(uintptr_t)SIG_DFL;
        t->sigmask &= ~SIG_BIT(SIGSEGV);
    }
    sig_queue(t, SIGSEGV, info);
    return 0;
}

static void mark_iret(Proc *p) { sig_task(p->task)->force_iret = 1; }

int64_t sys_rt_sigreturn(Proc *p, const uint64_t a[6]) {
    PtRegs *r = sys_cur_regs;
    if (!r) return -ENOSYS;
    if (p->kernel32) return c32_rt_sigreturn(p, a);
    uint64_t frame = r->sp - 8;
    Uc64 uc;
    if (copy_from_user(p, &uc, frame + RT64_UC, sizeof uc)) return badframe(p);
    set_blocked(p, uc.sigmask);
    const Sc64 *m = &uc.mc;
    r->r8 = m->r8, r->r9 = m->r9, r->r10 = m->r10, r->r11 = m->r11;
    r->r12 = m->r12, r->r13 = m->r13, r->r14 = m->r14, r->r15 = m->r15;
    r->di = m->di, r->si = m->si, r->bp = m->bp, r->bx = m->bx, r->dx = m->dx;
    r->cx = m->cx, r->sp = m->sp, r->ip = m->ip;
    r->cs = m->cs | 3u;
    r->ss = m->ss | 3u;
    r->flags = (r->flags & ~(uint64_t)FIX_EFLAGS) | (m->flags & FIX_EFLAGS);
    r->orig_ax = (uint64_t)-1;
    if (!(uc.flags & UC_STRICT_RESTORE_SS) && (r->cs & ~3ull) == (__USER_CS & ~3ull))
        r->ss = __USER_DS; /* force_valid_ss */
    mark_iret(p);
    if (fp_restore(p, 0, m->fpstate) < 0) return badframe(p);
    restore_altstack(p->task, uc.ss_sp, (uint32_t)uc.ss_flags, uc.ss_size, r->sp, 2048);
    return (int64_t)m->ax;
}

static int64_t restore_sc32(Proc *p, PtRegs *r, const Sc32 *m) {
    Cpu *c = p->cpu;
    r->bx = m->bx, r->cx = m->cx, r->dx = m->dx, r->si = m->si, r->di = m->di, r->bp = m->bp;
    r->sp = m->sp, r->ip = m->ip;
    r->cs = m->cs | 3u;
    r->ss = m->ss | 3u;
    r->flags = (r->flags & ~(uint64_t)FIX_EFLAGS) | (m->flags & FIX_EFLAGS);
    r->orig_ax = (uint64_t)-1;
    if ((m->gs & 0xffff) != c->seg[SEG_GS].sel || (m->fs & 0xffff) != c->seg[SEG_FS].sel)
        sys_report("sigreturn-seg", 0,
                   "sigreturn: fs/gs selectors changed by the handler are not reloaded");
    mark_iret(p);
    if (fp_restore(p, 1, m->fpstate) < 0) badframe(p);
    return (int64_t)(int32_t)m->ax;
}

int64_t c32_sigreturn(Proc *p, const uint64_t a[6]) {
    PtRegs *r = sys_cur_regs;
    if (!r) return -ENOSYS;
    uint64_t frame = (uint32_t)(r->sp - 8);
    Sc32 sc;
    uint32_t extra;
    if (copy_from_user(p, &sc, frame + SF32_SC, sizeof sc) ||
        copy_from_user(p, &extra, frame + SF32_EXTRAMASK, 4))
        return badframe(p);
    set_blocked(p, sc.oldmask | (uint64_t)extra << 32);
    return restore_sc32(p, r, &sc);
}

int64_t c32_rt_sigreturn(Proc *p, const uint64_t a[6]) {
    PtRegs *r = sys_cur_regs;
    if (!r) return -ENOSYS;
    uint64_t frame = (uint32_t)(r->sp - 4);
    Uc32 uc;
    if (copy_from_user(p, &uc, frame + RT32_UC, sizeof uc)) return badframe(p);
    set_blocked(p, uc.sigmask[0] | (uint64_t)uc.sigmask[1] << 32);
    int64_t ax = restore_sc32(p, r, &uc.mc);
    restore_altstack(p->task, uc.ss_sp, uc.ss_flags, uc.ss_size, (uint32_t)r->sp, 2048);
    return ax;
}
