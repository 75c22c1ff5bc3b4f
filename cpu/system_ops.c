/* System instructions: SYSCALL/SYSRET, INT n/INT3/INT1, IRET, SWAPGS,
 * VMCALL (ringside's hypercall), RDMSR/WRMSR, MOV to/from CRn, LGDT/LIDT/
 * LTR, CLI/STI/HLT, segment-register moves, port I/O (#GP at CPL 3), CPUID. */
#include "decode.h"
#include "system.h"

/* ---- SYSCALL / SYSRET (SDM Vol. 2B; AMD APM Vol. 3) ---- */

static void op_syscall(Cpu *c, const Insn *i) {
    if (!(c->efer & EFER_SCE) || !(c->efer & EFER_LMA)) UD(c);
    /* Intel: SYSCALL is #UD outside 64-bit mode; AMD allows it from
     * compatibility mode (target CSTAR). */
    if (c->mode != MODE_64 && c->vendor == CPU_INTEL) UD(c);
    RingEvent ev = {0};
    int hooked = c->hooks.ring != NULL;
    if (hooked) {
        cpu_snap(c, &ev.before);
        ev.before.rip = i->rip;
    }
    uint64_t next = INSN_NEXT(i);
    int from64 = c->mode == MODE_64;
    c->gpr[RCX] = from64 ? next : (uint32_t)next;
    uint64_t fl = cpu_get_rflags(c);
    c->gpr[R11] = fl & ~(uint64_t)F_RF;
    uint16_t ksel = (uint16_t)(c->star >> 32) & 0xfffc;
    cpu_set_flat_cs(c, ksel, 1, 0);
    cpu_set_flat_ss(c, (uint16_t)(ksel + 8), 0);
    cpu_set_rflags(c, fl & ~(c->sfmask | F_RF));
    c->rip = from64 ? c->lstar : c->cstar;
    cpu_update_mode(c);
    if (hooked) {
        ev.kind = RT_SYSCALL;
        ev.source = from64 ? "LSTAR" : "CSTAR";
        cpu_ring_event(c, &ev);
    }
}

static void op_sysret(Cpu *c, const Insn *i) {
    if (!(c->efer & EFER_SCE) || !(c->efer & EFER_LMA)) UD(c);
    /* Intel: #UD outside 64-bit mode, then #GP at CPL > 0; AMD checks CPL
     * (compatibility-mode SYSRET at CPL 0 is the 32-bit issue's kernel's) */
    if (c->vendor == CPU_INTEL && c->mode != MODE_64) UD(c);
    if (c->cpl != 0 || c->mode != MODE_64) GP0(c);
    int to64 = i->osz == 8; /* REX.W: SYSRETQ */
    /* Intel checks RCX before returning (#GP in ring 0); AMD returns and the
     * user-mode fetch faults. */
    if (to64 && !mem_canonical(c->gpr[RCX]) && c->vendor == CPU_INTEL) GP0(c);
    RingEvent ev = {0};
    int hooked = c->hooks.ring != NULL;
    if (hooked) {
        cpu_snap(c, &ev.before);
        ev.before.rip = i->rip;
    }
    uint16_t base = (uint16_t)(c->star >> 48);
    if (to64) {
        cpu_set_flat_cs(c, (uint16_t)((base + 16) | 3), 1, 3);
        c->rip = c->gpr[RCX];
    } else {
        cpu_set_flat_cs(c, (uint16_t)(base | 3), 0, 3);
        c->rip = (uint32_t)c->gpr[RCX];
    }
    cpu_set_flat_ss(c, (uint16_t)((base + 8) | 3), 3);
    cpu_set_rflags(c, (c->gpr[R11] & 0x3c7fd7) | 2);
    cpu_update_mode(c);
    if (hooked) {
        ev.kind = RT_SYSRET;
        ev.source = "RCX";
        cpu_ring_event(c, &ev);
    }
}

static int sel_sysret(const DecodeCtx *d, Insn *i) {
    i->osz = d->zi->raw.rex.W ? 8 : 4; /* SYSRETQ vs SYSRETL */
    i->fn = op_sysret;
    return 1;
}

/* SYSENTER (SDM Vol. 2B). AMD: #UD in long mode (compatibility or 64-bit).
 * Intel in IA-32e mode: CS = SYSENTER_CS (a 64-bit code segment), SS = +8,
 * RSP/RIP from SYSENTER_ESP/EIP, CPL 0; VM, IF and RF cleared. */
static void op_sysenter(Cpu *c, const Insn *i) {
    if (c->vendor == CPU_AMD && (c->efer & EFER_LMA)) UD(c);
    if (!(c->cr0 & 1) || (c->sysenter_cs & 0xfffc) == 0) GP0(c);
    RingEvent ev = {0};
    int hooked = c->hooks.ring != NULL;
    if (hooked) {
        cpu_snap(c, &ev.before);
        ev.before.rip = i->rip;
    }
    uint16_t cs = (uint16_t)(c->sysenter_cs & 0xfffc);
    int lma = (c->efer & EFER_LMA) != 0;
    cpu_set_flat_cs(c, cs, lma, 0);
    cpu_set_flat_ss(c, (uint16_t)(cs + 8), 0);
    cpu_set_rflags(c, cpu_get_rflags(c) & ~(uint64_t)(F_VM | F_IF | F_RF));
    c->gpr[RSP] = lma ? c->sysenter_esp : (uint32_t)c->sysenter_esp;
    c->rip = lma ? c->sysenter_eip : (uint32_t)c->sysenter_eip;
    cpu_update_mode(c);
    if (hooked) {
        ev.kind = RT_SYSENTER;
        ev.source = "SYSENTER_EIP";
        cpu_ring_event(c, &ev);
    }
}

/* SYSEXIT: CPL 0 only. To 32-bit code: CS = SYSENTER_CS + 16, SS = + 24;
 * with REX.W to 64-bit code: CS = + 32, SS = + 40. EIP = EDX, ESP = ECX. */
static void op_sysexit(Cpu *c, const Insn *i) {
    /* privilege first: SYSEXIT at CPL 3 is #GP on both vendors */
    if (c->cpl != 0 || !(c->cr0 & 1)) GP0(c);
    if (c->vendor == CPU_AMD && (c->efer & EFER_LMA)) UD(c);
    if ((c->sysenter_cs & 0xfffc) == 0) GP0(c);
    int to64 = i->osz == 8;
    if (to64 && !mem_canonical(c->gpr[RDX])) GP0(c);
    RingEvent ev = {0};
    int hooked = c->hooks.ring != NULL;
    if (hooked) {
        cpu_snap(c, &ev.before);
        ev.before.rip = i->rip;
    }
    uint16_t base = (uint16_t)(c->sysenter_cs & 0xfffc);
    cpu_set_flat_cs(c, (uint16_t)((base + (to64 ? 32 : 16)) | 3), to64, 3);
    cpu_set_flat_ss(c, (uint16_t)((base + (to64 ? 40 : 24)) | 3), 3);
    c->gpr[RSP] = to64 ? c->gpr[RCX] : (uint32_t)c->gpr[RCX];
    c->rip = to64 ? c->gpr[RDX] : (uint32_t)c->gpr[RDX];
    cpu_update_mode(c);
    if (hooked) {
        ev.kind = RT_SYSEXIT;
        ev.source = "EDX";
        cpu_ring_event(c, &ev);
    }
}

static int sel_sysexit(const DecodeCtx *d, Insn *i) {
    i->osz = d->zi->raw.rex.W ? 8 : 4;
    i->fn = op_sysexit;
    return 1;
}

/* ---- interrupts ---- */

static void op_int(Cpu *c, const Insn *i) {
    cpu_deliver(c, (int)(i->imm & 0xff), 0, 0, 1, INSN_NEXT(i));
}
static void op_int3(Cpu *c, const Insn *i) { cpu_deliver(c, EXC_BP, 0, 0, 1, INSN_NEXT(i)); }
static void op_int1(Cpu *c, const Insn *i) { cpu_deliver(c, EXC_DB, 0, 0, 0, INSN_NEXT(i)); }
static void op_into(Cpu *c, const Insn *i) {
    if (c->mode == MODE_64) UD(c);
    if (flag_of(c)) cpu_deliver(c, EXC_OF, 0, 0, 1, INSN_NEXT(i));
}
static void op_iret(Cpu *c, const Insn *i) { cpu_iret(c, i->osz); }

static int sel_int(const DecodeCtx *d, Insn *i) {
    switch (d->zi->mnemonic) {
    case ZYDIS_MNEMONIC_INT: i->fn = op_int; break;
    case ZYDIS_MNEMONIC_INT3: i->fn = op_int3; break;
    case ZYDIS_MNEMONIC_INT1: i->fn = op_int1; break;
    case ZYDIS_MNEMONIC_INTO: i->fn = op_into; break;
    case ZYDIS_MNEMONIC_IRET:
    case ZYDIS_MNEMONIC_IRETD:
    case ZYDIS_MNEMONIC_IRETQ:
        i->osz = d->zi->mnemonic == ZYDIS_MNEMONIC_IRETQ   ? 8
                 : d->zi->mnemonic == ZYDIS_MNEMONIC_IRETD ? 4
                                                           : 2;
        i->fn = op_iret;
        break;
    default: return 0;
    }
    return 1;
}

/* ---- privileged state ---- */

static void need_cpl0(Cpu *c) {
    if (c->cpl != 0) GP0(c);
}

static void op_swapgs(Cpu *c, const Insn *i) {
    if (c->mode != MODE_64) UD(c);
    need_cpl0(c);
    uint64_t t = c->seg[SEG_GS].base;
    c->seg[SEG_GS].base = c->kernel_gs_base;
    c->segbase[SEG_GS] = c->kernel_gs_base;
    c->kernel_gs_base = t;
}

/* VMCALL is ringside's hypercall: the modelled kernel hands pt_regs to the
 * host-side dispatcher with it. Outside VMX operation real CPUs raise #UD,
 * which is what user code gets here. */
static void op_vmcall(Cpu *c, const Insn *i) {
    if (c->cpl != 0) UD(c);
    c->event = CPU_EV_HYPERCALL;
}

static void op_rdmsr(Cpu *c, const Insn *i) {
    need_cpl0(c);
    uint64_t v;
    if (cpu_rdmsr(c, (uint32_t)c->gpr[RCX], &v) < 0) GP0(c);
    c->gpr[RAX] = (uint32_t)v;
    c->gpr[RDX] = v >> 32;
}

static void op_wrmsr(Cpu *c, const Insn *i) {
    need_cpl0(c);
    uint64_t v = (c->gpr[RDX] << 32) | (uint32_t)c->gpr[RAX];
    if (cpu_wrmsr(c, (uint32_t)c->gpr[RCX], v) < 0) GP0(c);
    cpu_end_block(c);
}

static void op_mov_cr(Cpu *c, const Insn *i) {
    need_cpl0(c);
    uint64_t *cr;
    int n = i->aux;
    switch (n) {
    case 0: cr = &c->cr0; break;
    case 2: cr = &c->cr2; break;
    case 3: cr = &c->cr3; break;
    case 4: cr = &c->cr4; break;
    case 8: cr = &c->cr8; break;
    default: UD(c);
    }
    if (i->aux2) { /* to CRn */
        uint64_t v = c->gpr[i->r[1] / 8];
        if (c->mode != MODE_64) v = (uint32_t)v;
        if (n == 0 && (!(v & 1) || !(v & 0x80000000u)))
            cpu_unimplemented(c, i, "leaving paged protected mode");
        *cr = v;
        if (n == 3 || n == 4 || n == 0) cpu_flush_tlb(c);
        cpu_end_block(c);
    } else {
        c->gpr[i->r[0] / 8] = c->mode == MODE_64 ? *cr : (uint32_t)*cr;
    }
}

static int sel_mov_cr(const DecodeCtx *d, Insn *i) {
    int to_cr = ZydisRegisterGetClass(d->zo[0].reg.value) == ZYDIS_REGCLASS_CONTROL;
    ZydisRegister cr = to_cr ? d->zo[0].reg.value : d->zo[1].reg.value;
    i->aux = (uint8_t)ZydisRegisterGetId(cr);
    i->aux2 = (uint8_t)to_cr;
    i->fn = op_mov_cr;
    return 1;
}

static void op_mov_dr(Cpu *c, const Insn *i) {
    need_cpl0(c);
    cpu_unimplemented(c, i, "debug registers");
}

static void op_lgdt_lidt(Cpu *c, const Insn *i) {
    need_cpl0(c);
    uint64_t a = insn_ea(c, i);
    uint16_t lim = mem_rd16(c, a);
    uint64_t base = c->mode == MODE_64 ? mem_rd64(c, a + 2) : mem_rd32(c, a + 2);
    DescTable *t = i->aux ? &c->idtr : &c->gdtr;
    t->limit = lim;
    t->base = base;
}
static void op_sgdt_sidt(Cpu *c, const Insn *i) {
    /* UMIP is not modelled as enabled; Linux would emulate these anyway. */
    uint64_t a = insn_ea(c, i);
    DescTable *t = i->aux ? &c->idtr : &c->gdtr;
    cpu_probe_w(c, a, c->mode == MODE_64 ? 10 : 6);
    mem_wr16(c, a, t->limit);
    if (c->mode == MODE_64)
        mem_wr64(c, a + 2, t->base);
    else
        mem_wr32(c, a + 2, (uint32_t)t->base);
}
static int sel_dt(const DecodeCtx *d, Insn *i) {
    if (i->k[0] != K_MEM) return 0;
    switch (d->zi->mnemonic) {
    case ZYDIS_MNEMONIC_LGDT:
        i->aux = 0;
        i->fn = op_lgdt_lidt;
        break;
    case ZYDIS_MNEMONIC_LIDT:
        i->aux = 1;
        i->fn = op_lgdt_lidt;
        break;
    case ZYDIS_MNEMONIC_SGDT:
        i->aux = 0;
        i->fn = op_sgdt_sidt;
        break;
    case ZYDIS_MNEMONIC_SIDT:
        i->aux = 1;
        i->fn = op_sgdt_sidt;
        break;
    default: return 0;
    }
    return 1;
}

static void op_ltr(Cpu *c, const Insn *i) {
    need_cpl0(c);
    cpu_load_tr(c, (uint16_t)op_get(c, i, 0, 2));
}
static void op_str(Cpu *c, const Insn *i) {
    uint16_t v = c->seg[SEG_TR].sel;
    if (i->k[0] == K_REG)
        reg_set(c, i->r[0], i->osz, v);
    else
        mem_wr16(c, insn_ea(c, i), v);
}

static void op_cli(Cpu *c, const Insn *i) {
    if (c->cpl > ((c->rflags >> 12) & 3)) GP0(c);
    c->rflags &= ~(uint64_t)F_IF;
}
static void op_sti(Cpu *c, const Insn *i) {
    if (c->cpl > ((c->rflags >> 12) & 3)) GP0(c);
    c->rflags |= F_IF;
}
static void op_hlt(Cpu *c, const Insn *i) {
    need_cpl0(c);
    c->event = CPU_EV_HALT;
}
static void op_io(Cpu *c, const Insn *i) {
    /* Linux runs user code with IOPL 0 and an all-ones I/O bitmap. */
    if (c->cpl > ((c->rflags >> 12) & 3)) GP0(c);
    cpu_unimplemented(c, i, "port I/O at CPL 0");
}
static void op_clts_invd(Cpu *c, const Insn *i) {
    need_cpl0(c);
    cpu_unimplemented(c, i, "privileged instruction");
}
static void op_rdpmc(Cpu *c, const Insn *i) {
    if (c->cpl != 0 && !(c->cr4 & (1u << 8))) GP0(c);
    cpu_unimplemented(c, i, "performance counters");
}

static int sel_mov_dr(const DecodeCtx *d, Insn *i);

/* XSETBV is privileged; XGETBV needs CR4.OSXSAVE, which the model leaves
 * clear because XSAVE is not advertised. MONITOR/MWAIT are not enabled for
 * user mode (Linux leaves MSR_MISC_ENABLE/ring-3 MWAIT off): #UD at CPL 3. */
static void op_xsetbv(Cpu *c, const Insn *i) {
    need_cpl0(c); /* checked first, as the hardware does */
    if (!(c->cr4 & (1u << 18))) UD(c);
    cpu_unimplemented(c, i, "XSAVE state");
}
static void op_xgetbv(Cpu *c, const Insn *i) {
    if (!(c->cr4 & (1u << 18))) UD(c);
    cpu_unimplemented(c, i, "XSAVE state");
}
static void op_monitor(Cpu *c, const Insn *i) {
    if (c->cpl != 0) UD(c);
    cpu_unimplemented(c, i, "MONITOR/MWAIT at CPL 0");
}

/* MONITORX/MWAITX (AMD, any CPL; #UD on Intel): there is one CPU and no
 * other writer, so the monitor is never armed and MWAITX returns at once (a
 * wake-up the instruction allows). As the AMD CPUs (Zen 1, Zen 5) do:
 * MONITORX raises #GP(0) when ECX (extensions) is nonzero and does not check
 * the address in RAX (unmapped and non-canonical addresses do not fault);
 * MWAITX raises #GP(0) when RCX (ECX outside 64-bit mode) has bits other
 * than 0 (interrupt break event) and 1 (timer in EBX). */
static void op_monitorx(Cpu *c, const Insn *i) {
    if ((uint32_t)c->gpr[RCX] != 0) GP0(c);
}
static void op_mwaitx(Cpu *c, const Insn *i) {
    uint64_t ext = c->mode == MODE_64 ? c->gpr[RCX] : (uint32_t)c->gpr[RCX];
    if (ext & ~3ull) GP0(c);
}
static int sel_monitorx(const DecodeCtx *d, Insn *i) {
    if (d->cpu->vendor != CPU_AMD)
        i->fn = op_monitor;
    else
        i->fn = d->zi->mnemonic == ZYDIS_MNEMONIC_MONITORX ? op_monitorx : op_mwaitx;
    return 1;
}

/* ---- segment registers ---- */

static void op_mov_to_seg(Cpu *c, const Insn *i) {
    uint16_t sel = (uint16_t)op_get(c, i, 1, 2);
    cpu_load_seg(c, i->r[0], sel);
    cpu_end_block(c);
}
static void op_mov_from_seg(Cpu *c, const Insn *i) {
    uint16_t sel = c->seg[i->r[1]].sel;
    if (i->k[0] == K_REG)
        reg_set(c, i->r[0], i->osz >= 4 ? 4 : 2, sel); /* 32/64-bit forms zero-extend */
    else
        mem_wr16(c, insn_ea(c, i), sel);
}
static int sel_mov_seg(const DecodeCtx *d, Insn *i) {
    if (ZydisRegisterGetClass(d->zo[0].reg.value) == ZYDIS_REGCLASS_SEGMENT &&
        d->zo[0].type == ZYDIS_OPERAND_TYPE_REGISTER) {
        i->fn = op_mov_to_seg;
        return 1;
    }
    i->fn = op_mov_from_seg;
    return 1;
}

static void op_pop_seg(Cpu *c, const Insn *i) {
    unsigned sz = i->osz;
    uint64_t sp = c->gpr[RSP];
    uint16_t sel =
        (uint16_t)mem_rd(c, c->mode == MODE_64 ? sp : c->segbase[SEG_SS] + (uint32_t)sp, 2);
    cpu_load_seg(c, i->aux, sel);
    c->gpr[RSP] = c->mode == MODE_64 ? sp + sz : (uint32_t)(sp + sz);
    cpu_end_block(c);
}
/* PUSH Sreg with a 32-bit operand size: Intel CPUs write only the 16-bit
 * selector into the slot (SDM: "all recent Core processors perform a 16-bit
 * move"), AMD CPUs zero-extend it; 64-bit pushes are zero-extended (measured
 * on the host). */
static void op_push_seg(Cpu *c, const Insn *i) {
    uint16_t sel = c->seg[i->aux].sel;
    if (i->osz != 4 || c->vendor == CPU_AMD) { /* 64-bit pushes zero-extend on both */
        cpu_push(c, i->osz, sel);
        return;
    }
    int big = c->mode == MODE_64 || (c->seg[SEG_SS].attr & SEGA_DB);
    uint64_t sp = c->gpr[RSP] - i->osz;
    if (c->mode != MODE_64) sp = big ? (uint32_t)sp : (uint16_t)sp;
    uint64_t a = c->mode == MODE_64 ? sp : (uint32_t)(c->segbase[SEG_SS] + sp);
    cpu_probe_w(c, a, i->osz); /* the whole slot must be writable */
    mem_wr16(c, a, sel);
    c->gpr[RSP] = big ? sp : (c->gpr[RSP] & ~0xffffull) | sp;
}
static int sel_pushpop_seg(const DecodeCtx *d, Insn *i) {
    const ZydisDecodedOperand *o = &d->zo[0];
    if (o->type != ZYDIS_OPERAND_TYPE_REGISTER ||
        ZydisRegisterGetClass(o->reg.value) != ZYDIS_REGCLASS_SEGMENT)
        return 0;
    i->aux = i->r[0];
    i->fn = d->zi->mnemonic == ZYDIS_MNEMONIC_POP ? op_pop_seg : op_push_seg;
    return 1;
}
/* PUSH/POP/MOV of segment registers are selected from stack.c and
 * datamov.c through these. */
int system_sel_pushpop_seg(const DecodeCtx *d, Insn *i) { return sel_pushpop_seg(d, i); }
int system_sel_mov_seg(const DecodeCtx *d, Insn *i) { return sel_mov_seg(d, i); }
int system_sel_mov_cr(const DecodeCtx *d, Insn *i) { return sel_mov_cr(d, i); }
int system_sel_mov_dr(const DecodeCtx *d, Insn *i) { return sel_mov_dr(d, i); }

/* ---- CPUID ---- */

static void op_cpuid(Cpu *c, const Insn *i) {
    uint32_t r[4];
    cpuid_query(c, (uint32_t)c->gpr[RAX], (uint32_t)c->gpr[RCX], r);
    c->gpr[RAX] = r[0];
    c->gpr[RBX] = r[1];
    c->gpr[RCX] = r[2];
    c->gpr[RDX] = r[3];
}

#define SIMPLE(name, fnname)                                                                       \
    static int name(const DecodeCtx *d, Insn *i) {                                                 \
        i->fn = fnname;                                                                            \
        return 1;                                                                                  \
    }
SIMPLE(sel_syscall, op_syscall)
SIMPLE(sel_sysenter, op_sysenter)
SIMPLE(sel_swapgs, op_swapgs)
SIMPLE(sel_vmcall, op_vmcall)
SIMPLE(sel_rdmsr, op_rdmsr)
SIMPLE(sel_wrmsr, op_wrmsr)
SIMPLE(sel_mov_dr, op_mov_dr)
SIMPLE(sel_ltr, op_ltr)
SIMPLE(sel_str, op_str)
SIMPLE(sel_cli, op_cli)
SIMPLE(sel_sti, op_sti)
SIMPLE(sel_hlt, op_hlt)
SIMPLE(sel_io, op_io)
SIMPLE(sel_priv, op_clts_invd)
SIMPLE(sel_rdpmc, op_rdpmc)
SIMPLE(sel_cpuid, op_cpuid)
SIMPLE(sel_xsetbv, op_xsetbv)
SIMPLE(sel_xgetbv, op_xgetbv)
SIMPLE(sel_monitor, op_monitor)

FAMILY_TABLE(system_ops) = {
    {ZYDIS_MNEMONIC_SYSCALL, OPF_END, sel_syscall, "system"},
    {ZYDIS_MNEMONIC_SYSRET, OPF_END, sel_sysret, "system"},
    {ZYDIS_MNEMONIC_SYSENTER, OPF_END, sel_sysenter, "system"},
    {ZYDIS_MNEMONIC_SYSEXIT, OPF_END, sel_sysexit, "system"},
    {ZYDIS_MNEMONIC_INT, OPF_END, sel_int, "system"},
    {ZYDIS_MNEMONIC_INT3, OPF_END, sel_int, "system"},
    {ZYDIS_MNEMONIC_INT1, OPF_END, sel_int, "system"},
    {ZYDIS_MNEMONIC_INTO, OPF_END, sel_int, "system"},
    {ZYDIS_MNEMONIC_IRET, OPF_END, sel_int, "system"},
    {ZYDIS_MNEMONIC_IRETD, OPF_END, sel_int, "system"},
    {ZYDIS_MNEMONIC_IRETQ, OPF_END, sel_int, "system"},
    {ZYDIS_MNEMONIC_SWAPGS, OPF_END, sel_swapgs, "system"},
    {ZYDIS_MNEMONIC_VMCALL, OPF_END, sel_vmcall, "system"},
    {ZYDIS_MNEMONIC_RDMSR, 0, sel_rdmsr, "system"},
    {ZYDIS_MNEMONIC_WRMSR, OPF_END, sel_wrmsr, "system"},
    {ZYDIS_MNEMONIC_LGDT, OPF_END, sel_dt, "system"},
    {ZYDIS_MNEMONIC_LIDT, OPF_END, sel_dt, "system"},
    {ZYDIS_MNEMONIC_SGDT, 0, sel_dt, "system"},
    {ZYDIS_MNEMONIC_SIDT, 0, sel_dt, "system"},
    {ZYDIS_MNEMONIC_LTR, OPF_END, sel_ltr, "system"},
    {ZYDIS_MNEMONIC_STR, 0, sel_str, "system"},
    {ZYDIS_MNEMONIC_CLI, 0, sel_cli, "system"},
    {ZYDIS_MNEMONIC_STI, 0, sel_sti, "system"},
    {ZYDIS_MNEMONIC_HLT, OPF_END, sel_hlt, "system"},
    {ZYDIS_MNEMONIC_IN, 0, sel_io, "system"},
    {ZYDIS_MNEMONIC_OUT, 0, sel_io, "system"},
    {ZYDIS_MNEMONIC_INSB, 0, sel_io, "system"},
    {ZYDIS_MNEMONIC_INSW, 0, sel_io, "system"},
    {ZYDIS_MNEMONIC_INSD, 0, sel_io, "system"},
    {ZYDIS_MNEMONIC_OUTSB, 0, sel_io, "system"},
    {ZYDIS_MNEMONIC_OUTSW, 0, sel_io, "system"},
    {ZYDIS_MNEMONIC_OUTSD, 0, sel_io, "system"},
    {ZYDIS_MNEMONIC_CLTS, 0, sel_priv, "system"},
    {ZYDIS_MNEMONIC_INVD, 0, sel_priv, "system"},
    {ZYDIS_MNEMONIC_WBINVD, 0, sel_priv, "system"},
    {ZYDIS_MNEMONIC_INVLPG, 0, sel_priv, "system"},
    {ZYDIS_MNEMONIC_LLDT, 0, sel_priv, "system"},
    {ZYDIS_MNEMONIC_LMSW, 0, sel_priv, "system"},
    {ZYDIS_MNEMONIC_RDPMC, 0, sel_rdpmc, "system"},
    {ZYDIS_MNEMONIC_CPUID, 0, sel_cpuid, "system"},
    {ZYDIS_MNEMONIC_XSETBV, 0, sel_xsetbv, "system"},
    {ZYDIS_MNEMONIC_XGETBV, 0, sel_xgetbv, "system"},
    {ZYDIS_MNEMONIC_MONITOR, 0, sel_monitor, "system"},
    {ZYDIS_MNEMONIC_MWAIT, 0, sel_monitor, "system"},
    {ZYDIS_MNEMONIC_MONITORX, 0, sel_monitorx, "system"},
    {ZYDIS_MNEMONIC_MWAITX, 0, sel_monitorx, "system"},
    {0},
};
