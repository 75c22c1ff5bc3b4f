/* System architecture: descriptors and segment loads, mode tracking,
 * exception/interrupt delivery through the IDT, IRET, MSRs, ring events. */
#include "decode.h"

/* ---- descriptors ---- */

/* Supervisor ("system") read of descriptor-table memory: not subject to the
 * current privilege, as the CPU's own accesses are not. A failure is a #PF
 * with the address, as on hardware. */
static void sys_read(Cpu *c, uint64_t a, void *dst, unsigned n) {
    if (mem_read(c->mem, dst, a, n, MEM_R) < 0) {
        if (!mem_canonical(a)) cpu_fault(c, EXC_GP, 0);
        c->cr2 = a;
        cpu_fault(c, EXC_PF, mem_page_prot(c->mem, a) ? PFERR_P : 0);
    }
}
static void sys_write(Cpu *c, uint64_t a, const void *src, unsigned n) {
    if (c->hooks.mem_write) c->hooks.mem_write(c->hooks.ud, c, a, n);
    if (mem_write(c->mem, a, src, n, MEM_W) < 0) {
        c->cr2 = a;
        cpu_fault(c, EXC_PF, PFERR_W | (mem_page_prot(c->mem, a) ? PFERR_P : 0));
    }
}

static uint16_t desc_attr(uint64_t d) {
    return (uint16_t)(((d >> 40) & 0xff) | (((d >> 52) & 0xf) << 12));
}
static uint64_t desc_base(uint64_t d) {
    return ((d >> 16) & 0xffffff) | (((d >> 56) & 0xff) << 24);
}
static uint32_t desc_limit(uint64_t d) {
    uint32_t l = (uint32_t)((d & 0xffff) | (((d >> 48) & 0xf) << 16));
    if ((d >> 55) & 1) l = (l << 12) | 0xfff;
    return l;
}

/* Read the 8-byte descriptor for a selector; raises #GP(sel) when outside
 * the table. */
static uint64_t read_desc(Cpu *c, uint16_t sel, uint64_t *addr_out) {
    const DescTable *t = &c->gdtr;
    DescTable ldt;
    if (sel & 4) {
        ldt.base = c->seg[SEG_LDTR].base;
        ldt.limit = (uint16_t)(c->seg[SEG_LDTR].sel ? c->seg[SEG_LDTR].limit : 0);
        if (!c->seg[SEG_LDTR].sel) cpu_fault(c, EXC_GP, sel & 0xfffc);
        t = &ldt;
    }
    uint32_t off = sel & 0xfff8u;
    if (off + 7u > t->limit) cpu_fault(c, EXC_GP, sel & 0xfffc);
    uint64_t d;
    sys_read(c, t->base + off, &d, 8);
    if (addr_out) *addr_out = t->base + off;
    return d;
}

/* The descriptor a selector names, for the instructions that test one
 * without faulting (LAR, LSL, VERR, VERW): 0 for a null selector (GDT
 * index 0), an LDT selector with no LDT loaded, or one past its table's
 * limit; else d[0] = the 8 bytes and 1, or, for a system descriptor in
 * IA-32e mode (16 bytes there), 2 with its upper half in d[1] when that is
 * inside the table too. Reading the table itself can still fault (#PF), as
 * on hardware. */
int cpu_desc_probe(Cpu *c, uint16_t sel, uint64_t d[2]) {
    uint64_t base;
    uint32_t limit;
    if (sel & 4) {
        if (!(c->seg[SEG_LDTR].sel & 0xfffc)) return 0;
        base = c->seg[SEG_LDTR].base;
        limit = c->seg[SEG_LDTR].limit;
    } else {
        if (!(sel & 0xfffc)) return 0;
        base = c->gdtr.base;
        limit = c->gdtr.limit;
    }
    uint32_t off = sel & 0xfff8u;
    if (off + 7u > limit) return 0;
    sys_read(c, base + off, &d[0], 8);
    if ((d[0] & (1ull << 44)) || !(c->efer & EFER_LMA) || off + 15u > limit) return 1;
    sys_read(c, base + off + 8, &d[1], 8);
    return 2;
}

static void recompute_segbase(Cpu *c) {
    for (int s = 0; s < 6; s++)
        c->segbase[s] = (c->mode == MODE_64 && s < SEG_FS) ? 0 : c->seg[s].base;
    c->segbase[SEG_NONE] = 0;
}

void cpu_update_mode(Cpu *c) {
    uint8_t old = c->mode;
    if (c->efer & EFER_LMA)
        c->mode = (c->seg[SEG_CS].attr & SEGA_L) ? MODE_64 : MODE_COMPAT32;
    else
        c->mode = MODE_PROT32;
    c->cpl = c->seg[SEG_CS].sel & 3;
    recompute_segbase(c);
    cpu_select_tlb(c);
    if (old != c->mode) cpu_end_block(c);
}

void cpu_load_seg_raw(Cpu *c, int s, uint16_t sel, uint64_t base, uint32_t limit, uint16_t attr) {
    c->seg[s].sel = sel;
    c->seg[s].base = base;
    c->seg[s].limit = limit;
    c->seg[s].attr = attr;
    if (s < 6) c->segbase[s] = (c->mode == MODE_64 && s < SEG_FS) ? 0 : base;
}

static void load_from_desc(Cpu *c, int s, uint16_t sel, uint64_t d) {
    cpu_load_seg_raw(c, s, sel, desc_base(d), desc_limit(d), desc_attr(d));
}

/* MOV/POP to a data segment register or SS, with the protected-mode checks. */
void cpu_load_seg(Cpu *c, int s, uint16_t sel) {
    if (s == SEG_CS) UD(c);
    if ((sel & 0xfffc) == 0) {
        if (s == SEG_SS && (c->mode != MODE_64 || c->cpl == 3)) cpu_fault(c, EXC_GP, 0);
        /* AMD keeps the old base on a null load (Linux: X86_BUG_NULL_SEG);
         * Intel clears it. */
        uint64_t base = (c->vendor == CPU_AMD && c->mode == MODE_64) ? c->seg[s].base : 0;
        cpu_load_seg_raw(c, s, sel, base, 0, 0);
        return;
    }
    uint64_t da;
    uint64_t d = read_desc(c, sel, &da);
    uint16_t a = desc_attr(d);
    unsigned dpl = SEGA_DPL(a), rpl = sel & 3, type = a & 0xf;
    if (!(a & SEGA_S)) cpu_fault(c, EXC_GP, sel & 0xfffc);
    if (s == SEG_SS) {
        if (rpl != c->cpl || dpl != c->cpl || (type & 8) || !(type & 2))
            cpu_fault(c, EXC_GP, sel & 0xfffc);
        if (!(a & SEGA_P)) cpu_fault(c, EXC_SS, sel & 0xfffc);
    } else {
        if ((type & 8) && !(type & 2)) cpu_fault(c, EXC_GP, sel & 0xfffc); /* execute-only */
        int conforming = (type & 0xc) == 0xc;
        if (!conforming && (dpl < c->cpl || dpl < rpl)) cpu_fault(c, EXC_GP, sel & 0xfffc);
        if (!(a & SEGA_P)) cpu_fault(c, EXC_NP, sel & 0xfffc);
    }
    if (!(d & (1ull << 40))) { /* set the accessed bit, as the CPU does */
        d |= 1ull << 40;
        sys_write(c, da + 5, (uint8_t *)&d + 5, 1);
    }
    load_from_desc(c, s, sel, d);
}

/* Load CS for a control transfer to privilege `cpl` (checks done by caller). */
static void load_cs(Cpu *c, uint16_t sel, uint64_t d, int cpl) {
    load_from_desc(c, SEG_CS, (uint16_t)((sel & ~3) | cpl), d);
    cpu_update_mode(c);
}

/* ---- ring events ---- */

void cpu_ring_event(Cpu *c, RingEvent *ev) {
    if (c->hooks.ring) {
        cpu_snap(c, &ev->after);
        c->hooks.ring(c->hooks.ud, c, ev);
    }
}

/* ---- legacy protected mode (the --kernel=i386 model) ---- */

static void ring_done(Cpu *c, RingEvent *ev, int hooked, RingKind kind, int vector, int has_error,
                      uint32_t error) {
    if (!hooked) return;
    static char src[16];
    ev->kind = kind;
    ev->vector = vector;
    ev->has_error = has_error;
    ev->error = error;
    ev->cr2 = c->cr2;
    if (kind == RT_IRET) {
        ev->source = "stack";
    } else {
        snprintf(src, sizeof src, "IDT[0x%02x]", vector);
        ev->source = src;
    }
    cpu_ring_event(c, ev);
}

/* 32-bit IDT: 8-byte gates; an inner-privilege transfer takes SS:ESP from
 * the TSS (SS0 at +8, ESP0 at +4) and pushes SS, ESP, EFLAGS, CS, EIP and
 * the error code as dwords (SDM Vol. 3A, 6.12). */
static void deliver_legacy(Cpu *c, int vector, int has_error, uint32_t error, int soft,
                           uint64_t ret_rip, RingEvent *ev, int hooked) {
    uint32_t ext = soft ? 0 : 1;
    uint32_t gate_err = (uint32_t)vector * 8 + 2 + ext;
    if ((uint32_t)vector * 8 + 7 > c->idtr.limit) cpu_fault(c, EXC_GP, gate_err);
    uint64_t g;
    sys_read(c, c->idtr.base + (uint64_t)vector * 8, &g, 8);
    unsigned type = (g >> 40) & 0xf, gdpl = (g >> 45) & 3, present = (g >> 47) & 1;
    if (type != 0xe && type != 0xf) cpu_fault(c, EXC_GP, gate_err);
    if (soft && gdpl < c->cpl) cpu_fault(c, EXC_GP, gate_err);
    if (!present) cpu_fault(c, EXC_NP, gate_err);
    uint16_t tsel = (uint16_t)(g >> 16);
    uint32_t target = (uint32_t)((g & 0xffff) | ((g >> 32) & 0xffff0000u));
    if ((tsel & 0xfffc) == 0) cpu_fault(c, EXC_GP, ext);
    uint64_t cd = read_desc(c, tsel, NULL);
    uint16_t ca = desc_attr(cd);
    if (!(ca & SEGA_S) || !(ca & 8)) cpu_fault(c, EXC_GP, (tsel & 0xfffc) + ext);
    unsigned newcpl = SEGA_DPL(ca);
    if (newcpl > c->cpl) cpu_fault(c, EXC_GP, (tsel & 0xfffc) + ext);
    if (!(ca & SEGA_P)) cpu_fault(c, EXC_NP, (tsel & 0xfffc) + ext);

    uint32_t frame[6];
    int nf = 0;
    uint32_t old_esp = (uint32_t)c->gpr[RSP];
    uint32_t old_flags = (uint32_t)cpu_get_rflags(c);
    uint16_t old_ss = c->seg[SEG_SS].sel, old_cs = c->seg[SEG_CS].sel;
    uint64_t ssd = 0;
    uint16_t nss = old_ss;
    uint32_t esp = old_esp;
    int inner = newcpl < c->cpl;
    if (inner) {
        uint32_t esp0;
        uint16_t ss0;
        sys_read(c, c->seg[SEG_TR].base + 4 + 8 * newcpl, &esp0, 4);
        sys_read(c, c->seg[SEG_TR].base + 8 + 8 * newcpl, &ss0, 2);
        if ((ss0 & 0xfffc) == 0) cpu_fault(c, EXC_TS, ext);
        ssd = read_desc(c, ss0, NULL);
        nss = ss0;
        esp = esp0;
        frame[nf++] = old_ss;
        frame[nf++] = old_esp;
    }
    frame[nf++] = old_flags;
    frame[nf++] = old_cs;
    frame[nf++] = (uint32_t)ret_rip;
    if (has_error) frame[nf++] = error;
    uint64_t ssbase = inner ? desc_base(ssd) : c->segbase[SEG_SS];
    uint32_t sp = esp;
    for (int k = 0; k < nf; k++) {
        sp -= 4;
        uint64_t a = (uint32_t)(ssbase + sp);
        if (c->hooks.mem_write) c->hooks.mem_write(c->hooks.ud, c, a, 4);
        if (mem_write(c->mem, a, &frame[k], 4, MEM_W | (newcpl == 3 ? MEM_U : 0)) < 0) {
            c->cr2 = a;
            cpu_fault(c, EXC_PF,
                      PFERR_W | (mem_page_prot(c->mem, a) ? PFERR_P : 0) |
                          (c->cpl == 3 ? PFERR_U : 0));
        }
    }
    if (inner) load_from_desc(c, SEG_SS, nss, ssd);
    load_cs(c, tsel, cd, (int)newcpl);
    c->gpr[RSP] = sp;
    uint64_t nfl = old_flags & ~(uint64_t)(F_TF | F_NT | F_RF | F_VM);
    if (type == 0xe) nfl &= ~(uint64_t)F_IF;
    cpu_set_rflags(c, nfl);
    c->rip = target;
    cpu_end_block(c);
    ring_done(c, ev, hooked, soft ? RT_INT : RT_EXCEPTION, vector, has_error, error);
}

/* IRETD in protected mode, same or outer privilege (no task returns). */
static void iret_legacy(Cpu *c, unsigned osz, RingEvent *ev, int hooked) {
    if (c->rflags & F_NT) cpu_unimplemented(c, c->cur, "IRET task return");
    if (osz != 4) cpu_unimplemented(c, c->cur, "16-bit IRET");
    uint32_t sp = (uint32_t)c->gpr[RSP];
    uint64_t b = c->segbase[SEG_SS];
    uint32_t eip = mem_rd32(c, (uint32_t)(b + sp));
    uint16_t cs = (uint16_t)mem_rd32(c, (uint32_t)(b + sp + 4));
    uint32_t fl = mem_rd32(c, (uint32_t)(b + sp + 8));
    unsigned rpl = cs & 3;
    if ((cs & 0xfffc) == 0) cpu_fault(c, EXC_GP, 0);
    uint64_t cd = read_desc(c, cs, NULL);
    uint16_t ca = desc_attr(cd);
    if (!(ca & SEGA_S) || !(ca & 8) || rpl < c->cpl) cpu_fault(c, EXC_GP, cs & 0xfffc);
    if (!(ca & SEGA_P)) cpu_fault(c, EXC_NP, cs & 0xfffc);
    uint32_t nesp = 0;
    uint16_t ss = 0;
    uint64_t ssd = 0;
    if (rpl > c->cpl) {
        nesp = mem_rd32(c, (uint32_t)(b + sp + 12));
        ss = (uint16_t)mem_rd32(c, (uint32_t)(b + sp + 16));
        if ((ss & 0xfffc) == 0 || (ss & 3) != rpl) cpu_fault(c, EXC_GP, ss & 0xfffc);
        ssd = read_desc(c, ss, NULL);
        uint16_t sa = desc_attr(ssd);
        if (!(sa & SEGA_S) || (sa & 8) || !(sa & 2) || SEGA_DPL(sa) != rpl)
            cpu_fault(c, EXC_GP, ss & 0xfffc);
        if (!(sa & SEGA_P)) cpu_fault(c, EXC_SS, ss & 0xfffc);
    }
    unsigned oldcpl = c->cpl;
    uint64_t cur = cpu_get_rflags(c);
    uint64_t changeable = F_ARITH | F_TF | F_DF | F_NT | F_RF | F_AC | F_ID | F_VIF | F_VIP;
    if (oldcpl == 0) changeable |= F_IOPL;
    if (oldcpl <= ((cur >> 12) & 3)) changeable |= F_IF;
    load_cs(c, cs, cd, (int)rpl);
    if (rpl > oldcpl) {
        load_from_desc(c, SEG_SS, ss, ssd);
        c->gpr[RSP] = nesp;
        for (int s = SEG_ES; s <= SEG_GS; s++) {
            if (s == SEG_CS || s == SEG_SS) continue;
            uint16_t a = c->seg[s].attr;
            int conf = (a & 0x1c) == 0x1c;
            if ((c->seg[s].sel & 0xfffc) && !conf && SEGA_DPL(a) < rpl)
                cpu_load_seg_raw(c, s, 0, 0, 0, 0);
        }
    } else {
        c->gpr[RSP] = (uint32_t)(sp + 12);
    }
    cpu_set_rflags(c, (cur & ~changeable) | (fl & changeable));
    c->rip = eip;
    cpu_update_mode(c);
    cpu_end_block(c);
    ring_done(c, ev, hooked, RT_IRET, 0, 0, 0);
}

/* ---- exception and interrupt delivery (IA-32e mode) ---- */

void cpu_deliver(Cpu *c, int vector, int has_error, uint32_t error, int soft, uint64_t ret_rip) {
    RingEvent ev = {0};
    int hooked = c->hooks.ring != NULL;
    if (hooked) {
        cpu_snap(c, &ev.before);
        /* the instruction that raised it: INT n's own address, or the
         * faulting instruction (whose address is also the return address) */
        ev.before.rip = (soft && c->cur) ? c->cur->rip : ret_rip;
    }
    if (!(c->efer & EFER_LMA)) {
        deliver_legacy(c, vector, has_error, error, soft, ret_rip, &ev, hooked);
        return;
    }
    uint32_t ext = soft ? 0 : 1;
    uint32_t gate_err = (uint32_t)vector * 8 + 2 + ext;
    if ((uint32_t)vector * 16 + 15 > c->idtr.limit) cpu_fault(c, EXC_GP, gate_err);
    uint64_t g[2];
    sys_read(c, c->idtr.base + (uint64_t)vector * 16, g, 16);
    unsigned type = (g[0] >> 40) & 0xf, gdpl = (g[0] >> 45) & 3, present = (g[0] >> 47) & 1;
    if (type != 0xe && type != 0xf) cpu_fault(c, EXC_GP, gate_err);
    if (soft && gdpl < c->cpl) cpu_fault(c, EXC_GP, gate_err);
    if (!present) cpu_fault(c, EXC_NP, gate_err);
    uint16_t tsel = (uint16_t)(g[0] >> 16);
    uint64_t target = (g[0] & 0xffff) | (((g[0] >> 48) & 0xffff) << 16) | (g[1] << 32);
    unsigned ist = (g[0] >> 32) & 7;
    if ((tsel & 0xfffc) == 0) cpu_fault(c, EXC_GP, ext);
    uint64_t cd = read_desc(c, tsel, NULL);
    uint16_t ca = desc_attr(cd);
    if (!(ca & SEGA_S) || !(ca & 8) || !(ca & SEGA_L) || (ca & SEGA_DB))
        cpu_fault(c, EXC_GP, (tsel & 0xfffc) + ext);
    unsigned newcpl = SEGA_DPL(ca);
    if (newcpl > c->cpl) cpu_fault(c, EXC_GP, (tsel & 0xfffc) + ext);
    if (!(ca & SEGA_P)) cpu_fault(c, EXC_NP, (tsel & 0xfffc) + ext);

    uint64_t old_rsp = c->gpr[RSP], old_flags = cpu_get_rflags(c);
    uint16_t old_ss = c->seg[SEG_SS].sel, old_cs = c->seg[SEG_CS].sel;
    uint64_t rsp = old_rsp;
    if (ist) {
        sys_read(c, c->seg[SEG_TR].base + 0x24 + 8 * (ist - 1), &rsp, 8);
    } else if (newcpl < c->cpl) {
        sys_read(c, c->seg[SEG_TR].base + 4 + 8 * newcpl, &rsp, 8);
    }
    if (newcpl < c->cpl || ist) {
        /* fallthrough: new stack */
    } else if (c->mode != MODE_64) {
        rsp = (uint32_t)rsp;
    }
    rsp &= ~0xfull;
    /* Build the frame with supervisor rights: switch privilege first so the
     * pushes are checked as the CPU does them. */
    Segment saved_cs = c->seg[SEG_CS], saved_ss = c->seg[SEG_SS];
    uint8_t saved_cpl = c->cpl;
    load_cs(c, tsel, cd, (int)newcpl);
    uint64_t frame[6];
    int nf = 0;
    frame[nf++] = old_ss;
    frame[nf++] = old_rsp;
    frame[nf++] = old_flags;
    frame[nf++] = old_cs;
    frame[nf++] = ret_rip;
    if (has_error) frame[nf++] = error;
    uint64_t sp = rsp;
    int ok = 1;
    for (int k = 0; k < nf; k++) {
        sp -= 8;
        if (c->hooks.mem_write) c->hooks.mem_write(c->hooks.ud, c, sp, 8);
        if (mem_write(c->mem, sp, &frame[k], 8, MEM_W | (newcpl == 3 ? MEM_U : 0)) < 0) {
            ok = 0;
            break;
        }
    }
    if (!ok) {
        c->seg[SEG_CS] = saved_cs;
        c->seg[SEG_SS] = saved_ss;
        c->cpl = saved_cpl;
        cpu_update_mode(c);
        c->cr2 = sp;
        cpu_fault(c, EXC_PF, PFERR_W | (mem_page_prot(c->mem, sp) ? PFERR_P : 0));
    }
    c->gpr[RSP] = sp;
    if (newcpl != saved_cpl || ist)
        cpu_load_seg_raw(c, SEG_SS, (uint16_t)newcpl, 0, 0, 0); /* NULL SS with RPL = CPL */
    uint64_t nf_flags = old_flags & ~(uint64_t)(F_TF | F_NT | F_RF | F_VM);
    if (type == 0xe) nf_flags &= ~(uint64_t)F_IF;
    cpu_set_rflags(c, nf_flags);
    c->rip = target;
    cpu_end_block(c);
    if (hooked) {
        static char src[16];
        snprintf(src, sizeof src, "IDT[0x%02x]", vector);
        ev.kind = soft ? RT_INT : RT_EXCEPTION;
        ev.vector = vector;
        ev.has_error = has_error;
        ev.error = error;
        ev.cr2 = c->cr2;
        ev.source = src;
        cpu_ring_event(c, &ev);
    }
}

/* IRET with 64-, 32- or 16-bit operand size, in IA-32e mode. */
void cpu_iret(Cpu *c, unsigned osz) {
    RingEvent ev = {0};
    int hooked = c->hooks.ring != NULL;
    if (hooked) {
        cpu_snap(c, &ev.before);
        ev.before.rip = c->cur ? c->cur->rip : c->rip;
    }
    if (!(c->efer & EFER_LMA)) {
        iret_legacy(c, osz, &ev, hooked);
        return;
    }
    if (c->rflags & F_NT) cpu_fault(c, EXC_GP, 0); /* no task switches in IA-32e mode */
    uint64_t sp = c->gpr[RSP];
    uint64_t base = c->mode == MODE_64 ? 0 : c->segbase[SEG_SS];
    uint64_t rip = mem_rd(c, base + sp, osz);
    uint16_t cs = (uint16_t)mem_rd(c, base + sp + osz, osz);
    uint64_t fl = mem_rd(c, base + sp + 2 * osz, osz);
    uint64_t nrsp = 0;
    uint16_t ss = 0;
    unsigned rpl = cs & 3;
    int pop_stack = c->mode == MODE_64 || rpl > c->cpl;
    if (pop_stack) {
        nrsp = mem_rd(c, base + sp + 3 * osz, osz);
        ss = (uint16_t)mem_rd(c, base + sp + 4 * osz, osz);
    }
    if ((cs & 0xfffc) == 0) cpu_fault(c, EXC_GP, 0);
    uint64_t cd = read_desc(c, cs, NULL);
    uint16_t ca = desc_attr(cd);
    if (!(ca & SEGA_S) || !(ca & 8) || rpl < c->cpl) cpu_fault(c, EXC_GP, cs & 0xfffc);
    int conforming = (ca & 0xc) == 0xc;
    if (conforming ? SEGA_DPL(ca) > rpl : SEGA_DPL(ca) != rpl) cpu_fault(c, EXC_GP, cs & 0xfffc);
    if (!(ca & SEGA_P)) cpu_fault(c, EXC_NP, cs & 0xfffc);
    if ((ca & SEGA_L) && (ca & SEGA_DB)) cpu_fault(c, EXC_GP, cs & 0xfffc);
    if ((ca & SEGA_L) && !mem_canonical(rip)) cpu_fault(c, EXC_GP, 0);
    uint64_t ssd = 0;
    if (pop_stack) {
        if ((ss & 0xfffc) == 0) {
            /* NULL SS is allowed only returning to 64-bit mode at CPL < 3 */
            if (!(ca & SEGA_L) || rpl == 3) cpu_fault(c, EXC_GP, 0);
        } else {
            if ((ss & 3) != rpl) cpu_fault(c, EXC_GP, ss & 0xfffc);
            ssd = read_desc(c, ss, NULL);
            uint16_t sa = desc_attr(ssd);
            if (!(sa & SEGA_S) || (sa & 8) || !(sa & 2) || SEGA_DPL(sa) != rpl)
                cpu_fault(c, EXC_GP, ss & 0xfffc);
            if (!(sa & SEGA_P)) cpu_fault(c, EXC_SS, ss & 0xfffc);
        }
    }
    /* Commit. Which RFLAGS bits may change depends on the old CPL/IOPL. */
    unsigned oldcpl = c->cpl;
    uint64_t cur = cpu_get_rflags(c);
    uint64_t changeable = F_ARITH | F_TF | F_DF | F_NT | F_RF | F_AC | F_ID | F_VIF | F_VIP;
    if (oldcpl == 0) changeable |= F_IOPL;
    if (oldcpl <= ((cur >> 12) & 3)) changeable |= F_IF;
    if (osz == 2) changeable &= 0xffff;
    uint64_t nfl = (cur & ~changeable) | (fl & changeable);
    load_cs(c, cs, cd, (int)rpl);
    if (pop_stack) {
        if (ss & 0xfffc)
            load_from_desc(c, SEG_SS, ss, ssd);
        else
            cpu_load_seg_raw(c, SEG_SS, ss, 0, 0, 0);
        c->gpr[RSP] = osz == 8   ? nrsp
                      : osz == 4 ? (uint32_t)nrsp
                                 : (c->gpr[RSP] & ~0xffffull) | (uint16_t)nrsp;
    } else {
        c->gpr[RSP] = sp + 3 * osz;
    }
    if (rpl > oldcpl) {
        /* data segments not accessible at the new CPL are nulled */
        for (int s = SEG_ES; s <= SEG_GS; s++) {
            if (s == SEG_CS || s == SEG_SS) continue;
            uint16_t a = c->seg[s].attr;
            int conf = (a & 0x1c) == 0x1c;
            if ((c->seg[s].sel & 0xfffc) && !conf && SEGA_DPL(a) < rpl) {
                uint64_t b = c->seg[s].base;
                cpu_load_seg_raw(c, s, 0, (s >= SEG_FS) ? b : 0, 0, 0);
            }
        }
    }
    cpu_set_rflags(c, nfl);
    c->rip = c->mode == MODE_64 ? rip : (uint32_t)rip;
    cpu_update_mode(c);
    cpu_end_block(c);
    if (hooked) {
        ev.kind = RT_IRET;
        ev.source = "stack";
        cpu_ring_event(c, &ev);
    }
}

/* ---- MSRs ---- */

const char *cpu_msr_name(uint32_t msr) {
    switch (msr) {
    case MSR_SYSENTER_CS: return "SYSENTER_CS";
    case MSR_SYSENTER_ESP: return "SYSENTER_ESP";
    case MSR_SYSENTER_EIP: return "SYSENTER_EIP";
    case MSR_EFER: return "EFER";
    case MSR_STAR: return "STAR";
    case MSR_LSTAR: return "LSTAR";
    case MSR_CSTAR: return "CSTAR";
    case MSR_SFMASK: return "SFMASK";
    case MSR_FS_BASE: return "FS_BASE";
    case MSR_GS_BASE: return "GS_BASE";
    case MSR_KERNEL_GS_BASE: return "KERNEL_GS_BASE";
    case MSR_TSC_AUX: return "TSC_AUX";
    case MSR_TSC: return "TSC";
    case MSR_APIC_BASE: return "APIC_BASE";
    case MSR_PAT: return "PAT";
    case MSR_MISC_ENABLE: return "MISC_ENABLE";
    default: return NULL;
    }
}

int cpu_rdmsr(Cpu *c, uint32_t msr, uint64_t *v) {
    switch (msr) {
    case MSR_SYSENTER_CS: *v = c->sysenter_cs; return 0;
    case MSR_SYSENTER_ESP: *v = c->sysenter_esp; return 0;
    case MSR_SYSENTER_EIP: *v = c->sysenter_eip; return 0;
    case MSR_EFER: *v = c->efer; return 0;
    case MSR_STAR: *v = c->star; return 0;
    case MSR_LSTAR: *v = c->lstar; return 0;
    case MSR_CSTAR: *v = c->cstar; return 0;
    case MSR_SFMASK: *v = c->sfmask; return 0;
    case MSR_FS_BASE: *v = c->seg[SEG_FS].base; return 0;
    case MSR_GS_BASE: *v = c->seg[SEG_GS].base; return 0;
    case MSR_KERNEL_GS_BASE: *v = c->kernel_gs_base; return 0;
    case MSR_TSC_AUX: *v = c->tsc_aux; return 0;
    case MSR_TSC: *v = __builtin_ia32_rdtsc(); return 0;
    case MSR_APIC_BASE: *v = c->apic_base; return 0;
    case MSR_PAT: *v = c->pat; return 0;
    case MSR_MISC_ENABLE:
        if (c->vendor != CPU_INTEL) return -1;
        *v = c->misc_enable;
        return 0;
    default: return -1;
    }
}

int cpu_wrmsr(Cpu *c, uint32_t msr, uint64_t v) {
    switch (msr) {
    case MSR_SYSENTER_CS: c->sysenter_cs = v & 0xffff; return 0;
    case MSR_SYSENTER_ESP:
        if (!mem_canonical(v)) return -1;
        c->sysenter_esp = v;
        return 0;
    case MSR_SYSENTER_EIP:
        if (!mem_canonical(v)) return -1;
        c->sysenter_eip = v;
        return 0;
    case MSR_EFER: {
        uint64_t allowed = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
        if (v & ~allowed) return -1;
        /* LMA is read-only (set by paging + LME); keep it. */
        c->efer = (v & ~EFER_LMA) | (c->efer & EFER_LMA);
        return 0;
    }
    case MSR_STAR: c->star = v; return 0;
    case MSR_LSTAR:
        if (!mem_canonical(v)) return -1;
        c->lstar = v;
        return 0;
    case MSR_CSTAR:
        if (!mem_canonical(v)) return -1;
        c->cstar = v;
        return 0;
    case MSR_SFMASK: c->sfmask = v & 0xffffffff; return 0;
    case MSR_FS_BASE:
    case MSR_GS_BASE: {
        if (!mem_canonical(v)) return -1;
        int s = msr == MSR_FS_BASE ? SEG_FS : SEG_GS;
        c->seg[s].base = v;
        c->segbase[s] = v;
        return 0;
    }
    case MSR_KERNEL_GS_BASE:
        if (!mem_canonical(v)) return -1;
        c->kernel_gs_base = v;
        return 0;
    case MSR_TSC_AUX: c->tsc_aux = v & 0xffffffff; return 0;
    case MSR_PAT: c->pat = v; return 0;
    case MSR_APIC_BASE: c->apic_base = v; return 0;
    case MSR_MISC_ENABLE:
        if (c->vendor != CPU_INTEL) return -1;
        c->misc_enable = v;
        return 0;
    default: return -1;
    }
}

const char *cpu_exc_name(int v) {
    static const char *const n[] = {"divide error",
                                    "debug",
                                    "NMI",
                                    "breakpoint",
                                    "overflow",
                                    "BOUND range exceeded",
                                    "invalid opcode",
                                    "device not available",
                                    "double fault",
                                    "coprocessor overrun",
                                    "invalid TSS",
                                    "segment not present",
                                    "stack fault",
                                    "general protection fault",
                                    "page fault",
                                    "reserved",
                                    "x87 floating-point error",
                                    "alignment check",
                                    "machine check",
                                    "SIMD floating-point exception"};
    return v >= 0 && v < (int)(sizeof n / sizeof *n) ? n[v] : "interrupt";
}

/* Descriptor-table registers and task register (LGDT/LIDT/LTR). */
void cpu_load_tr(Cpu *c, uint16_t sel) {
    if ((sel & 0xfffc) == 0 || (sel & 4)) cpu_fault(c, EXC_GP, sel & 0xfffc);
    uint32_t off = sel & 0xfff8u;
    if (off + 15u > c->gdtr.limit) cpu_fault(c, EXC_GP, sel & 0xfffc);
    uint64_t d[2];
    sys_read(c, c->gdtr.base + off, d, 16);
    uint16_t a = desc_attr(d[0]);
    if ((a & SEGA_S) || (a & 0xf) != 9) cpu_fault(c, EXC_GP, sel & 0xfffc);
    if (!(a & SEGA_P)) cpu_fault(c, EXC_NP, sel & 0xfffc);
    d[0] |= 2ull << 40; /* mark busy */
    sys_write(c, c->gdtr.base + off + 5, (uint8_t *)&d[0] + 5, 1);
    cpu_load_seg_raw(c, SEG_TR, sel, desc_base(d[0]) | (d[1] << 32), desc_limit(d[0]),
                     desc_attr(d[0]));
}

/* Far control transfer helpers used by SYSCALL/SYSRET (flat caches). */
void cpu_set_flat_cs(Cpu *c, uint16_t sel, int l, int dpl) {
    cpu_load_seg_raw(c, SEG_CS, sel, 0, 0xffffffff,
                     (uint16_t)(0x9b | (dpl << 5) | SEGA_G | (l ? SEGA_L : SEGA_DB)));
}
void cpu_set_flat_ss(Cpu *c, uint16_t sel, int dpl) {
    cpu_load_seg_raw(c, SEG_SS, sel, 0, 0xffffffff,
                     (uint16_t)(0x93 | (dpl << 5) | SEGA_G | SEGA_DB));
}
