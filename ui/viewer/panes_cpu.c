/* The CPU-state panes: general registers (a value changed since the last
 * stop on the highlight background), RFLAGS bit by bit, CPL and mode with
 * the kernel entry the CPU came through, the segment registers with their
 * hidden descriptor caches, and the MSRs of the fast system-call paths. */
#include <stdio.h>
#include <string.h>

#define RINGSIDE_VIEWER_INTERNAL
#include "viewer.h"

static const char *const r64[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                    "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
static const char *const r32[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
/* display order: rax rbx rcx rdx rsi rdi rbp rsp, r8-r15 */
static const int order[16] = {0, 3, 1, 2, 6, 7, 5, 4, 8, 9, 10, 11, 12, 13, 14, 15};

static void draw_regs(View *v) {
    Cpu *c = v->dbg->c;
    const Rect *r = &v->pane[P_REGS];
    pane_title(v, P_REGS, v->p->kernel32 ? "registers" : "registers (64-bit)");
    char b[64];
    int wide = !v->p->kernel32, n = wide ? 16 : 8, half = n / 2, colw = wide ? 23 : 15;
    for (int k = 0; k < n; k++) {
        int g = order[k], row = k % half, col = k / half;
        if (wide)
            snprintf(b, sizeof b, "%-3s 0x%016llx", r64[g], (unsigned long long)c->gpr[g]);
        else
            snprintf(b, sizeof b, "%s 0x%08x", r32[g], (unsigned)c->gpr[g]);
        int changed = v->have_prev && v->prev_gpr[g] != c->gpr[g];
        if (row + 2 > r->h) continue;
        int room = r->w - col * colw; /* clipped to the pane in a narrow window */
        if (room > 0)
            draw_text(v, r->x + col * colw, r->y + 1 + row, room, b, VC_FG,
                      changed ? VC_CHANGED : ~0u);
    }
    snprintf(b, sizeof b, wide ? "rip 0x%016llx" : "eip 0x%08llx", (unsigned long long)c->rip);
    if (half + 2 <= r->h)
        draw_text(v, r->x, r->y + 1 + half, r->w, b, VC_FG,
                  v->have_prev && v->prev_rip != c->rip ? VC_CHANGED : ~0u);
}

static void draw_flags(View *v) {
    static const struct {
        const char *name;
        uint32_t bit;
    } fl[] = {{"CF", F_CF}, {"PF", F_PF},   {"AF", F_AF},   {"ZF", F_ZF},
              {"SF", F_SF}, {"TF", F_TF},   {"IF", F_IF},   {"DF", F_DF},
              {"OF", F_OF}, {"NT", F_NT},   {"RF", F_RF},   {"VM", F_VM},
              {"AC", F_AC}, {"VIF", F_VIF}, {"VIP", F_VIP}, {"ID", F_ID}};
    Cpu *c = v->dbg->c;
    const Rect *r = &v->pane[P_FLAGS];
    uint64_t f = cpu_get_rflags(c);
    char b[64];
    snprintf(b, sizeof b, "rflags 0x%016llx  IOPL %u", (unsigned long long)f,
             (unsigned)(f >> 12) & 3);
    pane_title(v, P_FLAGS, "flags");
    pane_line(v, P_FLAGS, 0, b, VC_FG, ~0u);
    int x = 0, row = 1;
    for (size_t k = 0; k < sizeof fl / sizeof fl[0]; k++) {
        int set = (f & fl[k].bit) != 0;
        int changed = v->have_prev && ((v->prev_rflags ^ f) & fl[k].bit);
        int w = (int)strlen(fl[k].name) + 1;
        if (x + w > r->w) x = 0, row++;
        if (row + 2 > r->h) break;
        char lc[4]; /* a clear flag: its name in lower case, dimmed */
        snprintf(lc, sizeof lc, "%s", fl[k].name);
        for (char *q = lc; *q && !set; q++)
            *q = (char)(*q - 'A' + 'a');
        draw_text(v, r->x + x, r->y + 1 + row, 0, lc, set ? VC_FG : VC_DIM,
                  changed ? VC_CHANGED : ~0u);
        x += w;
    }
}

static const char *mode_short(int mode) {
    switch (mode) {
    case MODE_64: return "64-bit mode";
    case MODE_COMPAT32: return "compatibility mode";
    case MODE_PROT32: return "legacy protected mode";
    }
    return "?";
}

static void draw_mode(View *v) {
    Cpu *c = v->dbg->c;
    char b[160];
    pane_title(v, P_MODE, "ring");
    snprintf(b, sizeof b, "CPL %u  %s  %s", c->cpl, c->cpl == 3 ? "user" : "kernel",
             mode_short(c->mode));
    pane_line(v, P_MODE, 0, b, c->cpl == 3 ? VC_FG : VC_RING, ~0u);
    char ring[1024];
    dbg_view_ring(v->dbg, ring, sizeof ring);
    /* the first line repeats CPL/mode: show the entry lines after it */
    char *line = strchr(ring, '\n');
    int row = 1;
    while (line && line[1]) {
        char *next = strchr(line + 1, '\n');
        int len = next ? (int)(next - line - 1) : (int)strlen(line + 1);
        snprintf(b, sizeof b, "%.*s", len, line + 1);
        pane_line(v, P_MODE, row++, b, VC_DIM, ~0u);
        line = next;
    }
}

static void draw_segs(View *v) {
    static const char *const names[9] = {"es", "cs", "ss", "ds", "fs", "gs", NULL, "ldtr", "tr"};
    Cpu *c = v->dbg->c;
    char b[160];
    pane_title(v, P_SEGS, "segments: selector and descriptor cache");
    int row = 0;
    for (int k = 0; k < 9; k++) {
        if (!names[k]) continue;
        const Segment *s = &c->seg[k];
        int type = s->attr & 15, code = (s->attr & SEGA_S) && (type & 8);
        const char *kind = !(s->attr & SEGA_S) ? "sys " : code ? "code" : "data";
        snprintf(b, sizeof b, "%-4s %04x base %016llx lim %08x dpl%d %s %s%s%s", names[k], s->sel,
                 (unsigned long long)s->base, s->limit, SEGA_DPL(s->attr), kind,
                 (s->attr & SEGA_L) ? "L " : "", (s->attr & SEGA_DB) ? "D " : "",
                 (s->attr & SEGA_P) ? "" : "!P");
        int changed = v->have_prev && k < 6 && v->prev_sel[k] != s->sel;
        pane_line(v, P_SEGS, row++, b, VC_FG, changed ? VC_CHANGED : ~0u);
    }
    snprintf(b, sizeof b, "gdtr %016llx/%04x  idtr %016llx/%04x", (unsigned long long)c->gdtr.base,
             c->gdtr.limit, (unsigned long long)c->idtr.base, c->idtr.limit);
    pane_line(v, P_SEGS, row, b, VC_DIM, ~0u);
}

static void draw_msrs(View *v) {
    static const uint32_t list[] = {MSR_EFER,         MSR_STAR,         MSR_LSTAR,
                                    MSR_CSTAR,        MSR_SFMASK,       MSR_SYSENTER_CS,
                                    MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_KERNEL_GS_BASE,
                                    MSR_GS_BASE,      MSR_FS_BASE};
    char b[160], sym[96];
    pane_title(v, P_MSRS, "fast system-call MSRs");
    int row = 0;
    for (size_t k = 0; k < sizeof list / sizeof list[0]; k++) {
        uint64_t val = 0;
        if (cpu_rdmsr(v->dbg->c, list[k], &val) < 0) continue;
        sym_name(v, val, sym, sizeof sym);
        snprintf(b, sizeof b, "%-14s 0x%016llx %s", cpu_msr_name(list[k]), (unsigned long long)val,
                 sym);
        pane_line(v, P_MSRS, row++, b, VC_FG, ~0u);
    }
}

void draw_cpu_panes(View *v) {
    draw_regs(v);
    draw_flags(v);
    draw_mode(v);
    draw_segs(v);
    draw_msrs(v);
}
