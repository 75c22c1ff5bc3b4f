/* Command-line traces built on the CPU hooks: --trace=ring (one line per
 * ring transition) and --trace=insn (address, bytes, instruction, and the
 * registers it changed). */
#include "trace.h"

#include <string.h>

static const char *ring_name(const RingEvent *ev) {
    switch (ev->kind) {
    case RT_SYSCALL: return "syscall";
    case RT_SYSRET: return ev->after.mode == MODE_64 ? "sysretq" : "sysretl";
    case RT_SYSENTER: return "sysenter";
    case RT_SYSEXIT: return "sysexit";
    case RT_INT: return "int";
    case RT_IRET: return ev->before.mode == MODE_64 ? "iretq" : "iretd";
    case RT_EXCEPTION: return "fault";
    }
    return "?";
}

static void on_ring(void *ud, Cpu *c, const RingEvent *ev) {
    Trace *t = ud;
    if (!(t->flags & TRACE_RING)) return;
    const CpuSnap *a = &ev->before, *b = &ev->after;
    FILE *f = t->out;
    fprintf(f,
            "ring %u->%u  %-8s rip 0x%llx -> 0x%llx (%s)  cs 0x%x->0x%x  ss 0x%x->0x%x  rsp "
            "0x%llx->0x%llx",
            a->cpl, b->cpl, ring_name(ev), (unsigned long long)a->rip, (unsigned long long)b->rip,
            ev->source ? ev->source : "-", a->cs, b->cs, a->ss, b->ss, (unsigned long long)a->rsp,
            (unsigned long long)b->rsp);
    if (ev->kind == RT_SYSCALL || ev->kind == RT_SYSENTER) {
        /* SYSCALL does not switch stacks: show the kernel stack the entry
         * code is about to load (TSS.RSP0, where Linux keeps it too). */
        uint64_t rsp0 = 0; /* ESP0 is 4 bytes in a 32-bit TSS */
        unsigned w = (c->efer & EFER_LMA) ? 8 : 4;
        if (c->seg[SEG_TR].base && mem_read(c->mem, &rsp0, c->seg[SEG_TR].base + 4, w, MEM_R) == 0)
            fprintf(f, "  tss.rsp0=0x%llx", (unsigned long long)rsp0);
    }
    if (a->rcx != b->rcx || a->r11 != b->r11)
        fprintf(f, "  rcx=0x%llx r11=0x%llx", (unsigned long long)b->rcx,
                (unsigned long long)b->r11);
    fprintf(f, "  rflags 0x%llx->0x%llx", (unsigned long long)a->rflags,
            (unsigned long long)b->rflags);
    if (ev->kind == RT_SYSRET || ev->kind == RT_SYSEXIT || ev->kind == RT_IRET)
        fprintf(f, "  rax=0x%llx", (unsigned long long)b->rax);
    if (ev->kind == RT_EXCEPTION || ev->kind == RT_INT) {
        fprintf(f, "  vec %d (%s)", ev->vector,
                ev->kind == RT_INT ? "int" : cpu_exc_name(ev->vector));
        if (ev->has_error) fprintf(f, " err 0x%x", ev->error);
        if (ev->vector == EXC_PF) fprintf(f, " cr2 0x%llx", (unsigned long long)ev->cr2);
    }
    fputc('\n', f);
}

static const char *const gpr_names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                          "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

static void on_insn(void *ud, Cpu *c, const Insn *i, const CpuSnap *before,
                    const uint64_t before_gpr[16]) {
    Trace *t = ud;
    if (!(t->flags & TRACE_INSN)) return;
    if ((t->flags & TRACE_USER_ONLY) && before->cpl != 3) return;
    char text[160];
    uint8_t bytes[16];
    int len = 0;
    FILE *f = t->out;
    /* Disassemble at the address that ran, in the mode it ran in. */
    uint8_t mode = c->mode, cpl = c->cpl;
    c->mode = before->mode;
    c->cpl = before->cpl;
    cpu_disasm(c, before->rip, text, sizeof text, bytes, &len);
    c->mode = mode;
    c->cpl = cpl;
    char hex[48];
    int n = 0;
    for (int k = 0; k < len && k < 15; k++)
        n += snprintf(hex + n, sizeof hex - n, "%02x", bytes[k]);
    fprintf(f, "%u %016llx  %-24s %-40s", before->cpl, (unsigned long long)before->rip, hex, text);
    for (int r = 0; r < 16; r++)
        if (c->gpr[r] != before_gpr[r])
            fprintf(f, " %s=0x%llx", gpr_names[r], (unsigned long long)c->gpr[r]);
    uint64_t fl = cpu_get_rflags(c);
    if (fl != before->rflags) fprintf(f, " rflags=0x%llx", (unsigned long long)fl);
    if (c->seg[SEG_CS].sel != before->cs) fprintf(f, " cs=0x%x", c->seg[SEG_CS].sel);
    if (c->seg[SEG_SS].sel != before->ss) fprintf(f, " ss=0x%x", c->seg[SEG_SS].sel);
    fputc('\n', f);
    (void)i;
}

void trace_attach(Trace *t, Cpu *c) {
    CpuHooks h = {0};
    h.ud = t;
    if (t->flags & TRACE_RING) h.ring = on_ring;
    if (t->flags & TRACE_INSN) h.insn = on_insn;
    cpu_set_hooks(c, &h);
}
