/* Text views of the modelled CPU's system state for debugger front ends
 * (gdb's `monitor` commands): where the CPU is (CPL, mode, the kernel entry
 * it came through and from which user instruction), MSRs, the GDT, the IDT,
 * the TSS and the segment registers' hidden descriptor caches. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "debug.h"

typedef struct Out {
    char *p;
    size_t n, used;
} Out;

static void put(Out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(Out *o, const char *fmt, ...) {
    if (o->used + 1 >= o->n) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(o->p + o->used, o->n - o->used, fmt, ap);
    va_end(ap);
    if (k > 0) o->used += (size_t)k;
    if (o->used >= o->n) o->used = o->n - 1;
}

static const char *mode_name(int mode) {
    switch (mode) {
    case MODE_64: return "64-bit mode";
    case MODE_COMPAT32: return "compatibility mode (32-bit code under long mode)";
    case MODE_PROT32: return "legacy protected mode (32-bit)";
    }
    return "?";
}

static const char *entry_name(const RingEvent *ev) {
    switch (ev->kind) {
    case RT_SYSCALL: return "SYSCALL";
    case RT_SYSENTER: return "SYSENTER";
    case RT_INT: return "INT";
    case RT_EXCEPTION: return "exception";
    default: return "?";
    }
}

void dbg_view_ring(Dbg *d, char *out, size_t n) {
    Out o = {out, n, 0};
    out[0] = 0;
    Cpu *c = d->c;
    put(&o, "CPL %u, %s, CS 0x%x SS 0x%x, rip 0x%llx\n", c->cpl, mode_name(c->mode),
        c->seg[SEG_CS].sel, c->seg[SEG_SS].sel, (unsigned long long)c->rip);
    const RingEvent *ev = &d->entry.ev;
    const char *what = c->cpl == 3 ? "last kernel entry:" : "in the kernel, entered by";
    if (!d->entry.valid) {
        put(&o, "%s: none yet\n", c->cpl == 3 ? "last kernel entry" : "in the kernel (boot)");
        return;
    }
    char text[128] = "?";
    cpu_disasm_mode(c, ev->before.mode, ev->before.rip, text, sizeof text, NULL, NULL);
    put(&o, "%s %s through %s", what, entry_name(ev), ev->source ? ev->source : "-");
    if (ev->kind == RT_EXCEPTION || ev->kind == RT_INT)
        put(&o, " (vector %d%s%s)", ev->vector, ev->kind == RT_EXCEPTION ? ", " : "",
            ev->kind == RT_EXCEPTION ? cpu_exc_name(ev->vector) : "");
    put(&o, " to 0x%llx\n", (unsigned long long)ev->after.rip);
    put(&o, "from user instruction at 0x%llx: %s (CS 0x%x, %s)\n",
        (unsigned long long)ev->before.rip, text, ev->before.cs, mode_name(ev->before.mode));
    if (ev->kind == RT_SYSCALL || ev->kind == RT_SYSENTER ||
        (ev->kind == RT_INT && ev->vector == 0x80))
        put(&o, "system call %llu\n", (unsigned long long)ev->before.rax);
}

static const uint32_t msr_list[] = {
    MSR_EFER,           MSR_STAR,         MSR_LSTAR,        MSR_CSTAR,     MSR_SFMASK,
    MSR_SYSENTER_CS,    MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_FS_BASE,   MSR_GS_BASE,
    MSR_KERNEL_GS_BASE, MSR_TSC_AUX,      MSR_PAT,          MSR_APIC_BASE, MSR_MISC_ENABLE};

int dbg_view_msr(Dbg *d, const char *name, char *out, size_t n) {
    Out o = {out, n, 0};
    out[0] = 0;
    int found = 0;
    for (size_t k = 0; k < sizeof msr_list / sizeof msr_list[0]; k++) {
        const char *mn = cpu_msr_name(msr_list[k]);
        if (name && *name && strcasecmp(name, mn) && strtoul(name, NULL, 0) != msr_list[k])
            continue;
        uint64_t v = 0;
        if (cpu_rdmsr(d->c, msr_list[k], &v) < 0) continue;
        put(&o, "%-15s (0x%08x) = 0x%016llx", mn, msr_list[k], (unsigned long long)v);
        if (msr_list[k] == MSR_EFER)
            put(&o, "  [%s%s%s%s]", v & EFER_SCE ? " SCE" : "", v & EFER_LME ? " LME" : "",
                v & EFER_LMA ? " LMA" : "", v & EFER_NXE ? " NXE" : "");
        if (msr_list[k] == MSR_STAR)
            put(&o, "  [SYSCALL CS 0x%llx, SYSRET CS base 0x%llx]",
                (unsigned long long)(v >> 32) & 0xffff, (unsigned long long)(v >> 48) & 0xffff);
        put(&o, "\n");
        found++;
    }
    return found ? 0 : -1;
}

static void put_attr(Out *o, uint16_t attr, uint64_t base, uint32_t limit) {
    int s = (attr & SEGA_S) != 0, type = attr & 15;
    put(o, "base 0x%llx limit 0x%x DPL %d %s", (unsigned long long)base, limit, SEGA_DPL(attr),
        (attr & SEGA_P) ? "P" : "not-present");
    if (s)
        put(o, " %s%s%s%s%s%s", (type & 8) ? "code" : "data",
            (type & 8) ? ((type & 2) ? " readable" : "") : ((type & 2) ? " writable" : ""),
            (type & 8) && (type & 4) ? " conforming" : "", (attr & SEGA_L) ? " L" : "",
            (attr & SEGA_DB) ? " D/B" : "", (attr & SEGA_G) ? " G" : "");
    else
        put(o, " system type %d", type);
}

void dbg_view_segs(Dbg *d, char *out, size_t n) {
    Out o = {out, n, 0};
    out[0] = 0;
    static const char *const names[9] = {"es", "cs", "ss", "ds", "fs", "gs", NULL, "ldtr", "tr"};
    for (int k = 0; k < 9; k++) {
        if (!names[k]) continue;
        const Segment *s = &d->c->seg[k];
        put(&o, "%-4s 0x%04x  ", names[k], s->sel);
        put_attr(&o, s->attr, s->base, s->limit);
        put(&o, "\n");
    }
    put(&o, "gdtr base 0x%llx limit 0x%x, idtr base 0x%llx limit 0x%x\n",
        (unsigned long long)d->c->gdtr.base, d->c->gdtr.limit, (unsigned long long)d->c->idtr.base,
        d->c->idtr.limit);
}

void dbg_view_gdt(Dbg *d, char *out, size_t n) {
    Out o = {out, n, 0};
    out[0] = 0;
    Cpu *c = d->c;
    put(&o, "GDT at 0x%llx, limit 0x%x (null entries after the first not shown)\n",
        (unsigned long long)c->gdtr.base, c->gdtr.limit);
    for (unsigned off = 0; off + 7 <= c->gdtr.limit && off < 64 * 8; off += 8) {
        uint64_t e = 0;
        if (dbg_read_mem(d, c->gdtr.base + off, &e, 8) != 8) break;
        if (!e && off) continue;
        put(&o, "  [%2u] sel 0x%02x  %016llx  ", off / 8, off, (unsigned long long)e);
        if (!e) {
            put(&o, "null\n");
            continue;
        }
        uint16_t attr = (uint16_t)(((e >> 40) & 0xff) | (((e >> 52) & 0xf) << 12));
        uint64_t base = ((e >> 16) & 0xffffff) | (((e >> 56) & 0xff) << 24);
        uint32_t limit = (uint32_t)((e & 0xffff) | (((e >> 48) & 0xf) << 16));
        if (attr & SEGA_G) limit = (limit << 12) | 0xfff;
        int sys = !(attr & SEGA_S);
        if (sys && (c->efer & EFER_LMA) && off + 15 <= c->gdtr.limit) {
            uint64_t hi = 0;
            dbg_read_mem(d, c->gdtr.base + off + 8, &hi, 8);
            base |= (hi & 0xffffffff) << 32;
        }
        put_attr(&o, attr, base, limit);
        if (sys && ((attr & 15) == 9 || (attr & 15) == 11))
            put(&o, " (TSS%s)", (attr & 2) ? ", busy" : "");
        put(&o, "\n");
        if (sys && (c->efer & EFER_LMA)) off += 8; /* 16-byte system descriptor */
    }
}

static void put_gate(Dbg *d, Out *o, unsigned v) {
    Cpu *c = d->c;
    int lm = (c->efer & EFER_LMA) != 0;
    unsigned sz = lm ? 16 : 8;
    if ((v + 1) * sz - 1 > c->idtr.limit) {
        put(o, "  [%3u] beyond the IDT limit\n", v);
        return;
    }
    uint64_t g[2] = {0, 0};
    dbg_read_mem(d, c->idtr.base + v * sz, g, sz);
    uint64_t off = (g[0] & 0xffff) | (((g[0] >> 48) & 0xffff) << 16);
    if (lm) off |= (g[1] & 0xffffffff) << 32;
    unsigned sel = (g[0] >> 16) & 0xffff, type = (g[0] >> 40) & 15, dpl = (g[0] >> 45) & 3,
             p = (g[0] >> 47) & 1, ist = lm ? (g[0] >> 32) & 7 : 0;
    put(o, "  [%3u] %-24s %s gate  %04x:0x%llx  DPL %u%s", v, v < 32 ? cpu_exc_name((int)v) : "",
        (type & 7) == 6   ? "interrupt"
        : (type & 7) == 7 ? "trap"
                          : (type == 5 ? "task" : "?"),
        sel, (unsigned long long)off, dpl, p ? "" : " not-present");
    if (ist) put(o, " IST%u", ist);
    put(o, "\n");
}

int dbg_view_idt(Dbg *d, const char *vector, char *out, size_t n) {
    Out o = {out, n, 0};
    out[0] = 0;
    Cpu *c = d->c;
    put(&o, "IDT at 0x%llx, limit 0x%x\n", (unsigned long long)c->idtr.base, c->idtr.limit);
    if (vector && *vector) {
        char *end;
        unsigned long v = strtoul(vector, &end, 0);
        if (*end || v > 255) return -1;
        put_gate(d, &o, (unsigned)v);
        return 0;
    }
    unsigned sz = (c->efer & EFER_LMA) ? 16 : 8;
    for (unsigned v = 0; v < 256 && (v + 1) * sz - 1 <= c->idtr.limit; v++) {
        uint64_t g = 0;
        dbg_read_mem(d, c->idtr.base + v * sz, &g, 8);
        if ((g >> 47) & 1) put_gate(d, &o, v);
    }
    return 0;
}

void dbg_view_tss(Dbg *d, char *out, size_t n) {
    Out o = {out, n, 0};
    out[0] = 0;
    Cpu *c = d->c;
    uint64_t b = c->seg[SEG_TR].base;
    put(&o, "TR 0x%x: TSS at 0x%llx, limit 0x%x\n", c->seg[SEG_TR].sel, (unsigned long long)b,
        c->seg[SEG_TR].limit);
    if (c->efer & EFER_LMA) {
        uint8_t t[104] = {0};
        dbg_read_mem(d, b, t, sizeof t);
        uint64_t v;
        for (int k = 0; k < 3; k++) {
            memcpy(&v, t + 4 + 8 * k, 8);
            put(&o, "  rsp%d 0x%016llx\n", k, (unsigned long long)v);
        }
        for (int k = 1; k <= 7; k++) {
            memcpy(&v, t + 36 + 8 * (k - 1), 8);
            put(&o, "  ist%d 0x%016llx\n", k, (unsigned long long)v);
        }
        uint16_t io;
        memcpy(&io, t + 102, 2);
        put(&o, "  I/O map base 0x%x\n", io);
    } else {
        uint32_t t[26] = {0};
        dbg_read_mem(d, b, t, sizeof t);
        put(&o, "  esp0 0x%08x ss0 0x%x\n  esp1 0x%08x ss1 0x%x\n  esp2 0x%08x ss2 0x%x\n", t[1],
            t[2] & 0xffff, t[3], t[4] & 0xffff, t[5], t[6] & 0xffff);
        put(&o, "  cr3 0x%x eip 0x%x eflags 0x%x\n", t[7], t[8], t[9]);
    }
}

void dbg_view_cpu(Dbg *d, char *out, size_t n) {
    Out o = {out, n, 0};
    out[0] = 0;
    Cpu *c = d->c;
    uint32_t r[4];
    char vendor[13];
    cpuid_query(c, 0, 0, r);
    memcpy(vendor, &r[1], 4);
    memcpy(vendor + 4, &r[3], 4);
    memcpy(vendor + 8, &r[2], 4);
    vendor[12] = 0;
    put(&o, "modelled CPU: %s (CPUID vendor %s, family 0x%x), %s\n",
        cpu_model_name(c->vendor, c->family), vendor, c->family, mode_name(c->mode));
    put(&o, "fast system calls: %s\n",
        c->vendor == CPU_INTEL
            ? "SYSCALL in 64-bit mode; SYSENTER in 32-bit code (SYSCALL there is #UD)"
            : "SYSCALL in 64-bit and 32-bit code; SYSENTER in long mode is #UD");
    put(&o, "kernel: %s; cr0 0x%llx cr3 0x%llx cr4 0x%llx\n",
        (c->efer & EFER_LMA) ? "x86_64 (long mode)" : "i386 (legacy protected mode)",
        (unsigned long long)c->cr0, (unsigned long long)c->cr3, (unsigned long long)c->cr4);
    put(&o, "retired instructions: %llu\n", (unsigned long long)c->icount);
}
