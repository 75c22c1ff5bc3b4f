/* The code-side panes: disassembly around RIP (the instructions just run,
 * from the history, then the ones ahead, with symbols), the current stack
 * (user or kernel, labelled, the TSS.RSP0 top marked), the history (the
 * last instructions with each ring transition a marked row naming the
 * path), the memory pane, the status line and the key help. */
#include <stdio.h>
#include <string.h>

#define RINGSIDE_VIEWER_INTERNAL
#include "viewer.h"

/* names and argument formats (one letter per argument) of the system calls */
typedef struct SysName {
    const char *name, *fmt;
} SysName;
static const SysName names64[] = {
#define SYSCALL(nr, name, handler, fmt, ret) [nr] = {#name, fmt},
#include "../../syscall/table_x86_64.def"
#undef SYSCALL
};
static const SysName names32[] = {
#define SYSCALL(nr, name, handler, fmt, ret) [nr] = {#name, fmt},
#include "../../syscall/table_i386.def"
#undef SYSCALL
};

/* "write(1, 0x402000, 6)": the call being served, its arguments as the
 * registers held them at the entry (small values decimal, others hex) */
static void sys_call_text(View *v, int use32, uint64_t nr, char *out, size_t n) {
    const SysName *s = NULL;
    if (use32 && nr < sizeof names32 / sizeof names32[0]) s = &names32[nr];
    if (!use32 && nr < sizeof names64 / sizeof names64[0]) s = &names64[nr];
    if (!s || !s->name) {
        snprintf(out, n, "system call %llu", (unsigned long long)nr);
        return;
    }
    static const int r64[6] = {RDI, RSI, RDX, R10, R8, R9}, r32[6] = {RBX, RCX, RDX, RSI, RDI, RBP};
    size_t o = (size_t)snprintf(out, n, "%s(", s->name);
    int na = s->fmt ? (int)strlen(s->fmt) : 0;
    for (int k = 0; k < na && k < 6 && o < n; k++) {
        uint64_t a = v->dbg->entry.gpr[use32 ? r32[k] : r64[k]];
        if (use32) a = (uint32_t)a;
        o += (size_t)snprintf(out + o, n - o, a < 0x10000 ? "%s%llu" : "%s0x%llx", k ? ", " : "",
                              (unsigned long long)a);
    }
    if (o < n) snprintf(out + o, n - o, ")");
}

void sym_name(View *v, uint64_t addr, char *out, size_t n) {
    uint64_t off = 0;
    const char *s = syms_find(&v->ksyms, addr, &off);
    if (!s) s = syms_find(&v->usyms, addr, &off);
    if (!s) {
        /* the vDSO and the libraries: the link_map list checked once per stop */
        syms_refresh(&v->usyms, v->dbg, v->is32);
        s = syms_find_mapped(&v->usyms, addr, &off);
    }
    if (!s)
        out[0] = 0;
    else if (off)
        snprintf(out, n, "%s+0x%llx", s, (unsigned long long)off);
    else
        snprintf(out, n, "%s", s);
}

/* The mode code at that CPL runs in (history entries keep no mode). */
static int mode_for(View *v, int cpl) {
    if (v->p->kernel32) return MODE_PROT32;
    if (cpl != 3) return MODE_64;
    return v->is32 ? MODE_COMPAT32 : MODE_64;
}

static int is_break(View *v, uint64_t a) {
    for (int k = 0; k < v->dbg->nbp; k++)
        if (v->dbg->bp[k] == a) return 1;
    return 0;
}

/* Zydis text of the instruction at a as code of that mode and CPL ran it
 * (kernel code read from user mode is fetched as CPL 0 would fetch it). */
static int disasm_as(View *v, int mode, int cpl, uint64_t a, char *text, size_t n) {
    Cpu *c = v->dbg->c;
    uint8_t saved = c->cpl;
    int len = 0;
    c->cpl = (uint8_t)cpl;
    if (cpu_disasm_mode(c, mode, a, text, n, NULL, &len) < 0 || len <= 0) len = 1;
    c->cpl = saved;
    return len;
}

static int insn_line(View *v, int mode, int cpl, uint64_t a, const char *mark, char *b, size_t n) {
    char text[128] = "(not mapped)", sym[96];
    int len = disasm_as(v, mode, cpl, a, text, sizeof text);
    sym_name(v, a, sym, sizeof sym);
    if (mode == MODE_64)
        snprintf(b, n, "%s%016llx %-26.26s %s", mark, (unsigned long long)a, sym, text);
    else
        snprintf(b, n, "%s%08llx %-26.26s %s", mark, (unsigned long long)a, sym, text);
    return len;
}

static void draw_disasm(View *v) {
    Cpu *c = v->dbg->c;
    const Rect *r = &v->pane[P_DISASM];
    char b[256];
    pane_title(v, P_DISASM, "disassembly (> next, * breakpoint; Up/Down select, b toggle)");
    int rows = r->h - 1, row = 0;
    if (rows > VIEW_MAX_ROWS) rows = VIEW_MAX_ROWS;
    /* up to a quarter of the pane: the instructions that ran just before */
    int before = rows / 4;
    for (int k = before; k >= 1 && row < rows; k--) {
        uint64_t pc;
        int cpl;
        if (dbg_history_at(v->dbg, -k, &pc, &cpl, NULL) < 0 || cpl != c->cpl) continue;
        int bp = is_break(v, pc);
        insn_line(v, mode_for(v, cpl), cpl, pc, bp ? "* " : "  ", b, sizeof b);
        v->dis_addr[row] = pc;
        pane_line(v, P_DISASM, row++, b, VC_DIM, v->sel_addr == pc ? VC_SEL : bp ? VC_BREAK : ~0u);
    }
    uint64_t a = c->rip;
    for (int k = 0; row < rows; k++) {
        int bp = is_break(v, a);
        int len = insn_line(v, c->mode, c->cpl, a, k == 0 ? "> " : bp ? "* " : "  ", b, sizeof b);
        v->dis_addr[row] = a;
        uint32_t bg = ~0u;
        if (v->sel_addr == a)
            bg = VC_SEL;
        else if (k == 0)
            bg = VC_CUR;
        else if (bp)
            bg = VC_BREAK;
        pane_line(v, P_DISASM, row++, b, VC_FG, bg);
        a += (uint64_t)len;
    }
    v->dis_rows = row;
}

static void draw_stack(View *v) {
    Cpu *c = v->dbg->c;
    int w8 = c->mode == MODE_64 ? 8 : 4;
    uint64_t sp = c->gpr[RSP] + (uint64_t)(v->stack_scroll * w8);
    if (w8 == 4) sp &= 0xffffffffu;
    uint64_t rsp0 = 0;
    uint8_t t[8] = {0};
    if (c->efer & EFER_LMA) {
        dbg_read_mem(v->dbg, c->seg[SEG_TR].base + 4, t, 8);
        memcpy(&rsp0, t, 8);
    } else {
        dbg_read_mem(v->dbg, c->seg[SEG_TR].base + 4, t, 4);
        memcpy(&rsp0, t, 4);
    }
    char title[128], b[200], sym[96];
    /* which stack by where RSP points (at the SYSCALL entry, before the
     * switch, the kernel still runs on the user stack) */
    uint64_t top = c->gpr[RSP];
    int kstack = v->p->kernel32 ? (top & 0xffffffffu) >= 0xc0000000u : (top >> 63) != 0;
    snprintf(title, sizeof title, "%s stack%s (%s 0x%llx; TSS.RSP0 0x%llx)",
             kstack ? "kernel" : "user", c->cpl != 3 && !kstack ? " at CPL 0" : "",
             w8 == 8 ? "rsp" : "esp", (unsigned long long)c->gpr[RSP], (unsigned long long)rsp0);
    pane_title(v, P_STACK, title);
    const Rect *r = &v->pane[P_STACK];
    for (int row = 0; row + 1 < r->h; row++) {
        uint64_t a = sp + (uint64_t)(row * w8), val = 0;
        int ok = dbg_read_mem(v->dbg, a, &val, (size_t)w8) == (size_t)w8;
        sym_name(v, val, sym, sizeof sym);
        const char *mark = kstack && a + (uint64_t)w8 == rsp0 ? "  <- top (TSS.RSP0)" : "";
        if (!ok)
            snprintf(b, sizeof b, "%0*llx  ??", w8 * 2, (unsigned long long)a);
        else
            snprintf(b, sizeof b, "%0*llx  %0*llx %s%s", w8 * 2, (unsigned long long)a, w8 * 2,
                     (unsigned long long)val, sym, mark);
        pane_line(v, P_STACK, row, b, a == c->gpr[RSP] ? VC_FG : VC_DIM,
                  a == c->gpr[RSP] ? VC_CUR : ~0u);
    }
}

/* The row naming a transition from the instruction at pc (CPL from) into
 * to_pc (CPL to). */
static void transition_row(View *v, uint64_t pc, int from, uint64_t to_pc, int to, char *b,
                           size_t n) {
    char text[128] = "?", sym[96];
    disasm_as(v, mode_for(v, from), from, pc, text, sizeof text);
    if (from != 3 && to != 3) {
        snprintf(text, sizeof text, "fault");
    }
    char *sp = strchr(text, ' ');
    if (sp && strncmp(text, "int", 3)) *sp = 0; /* the mnemonic ("int $0x80" kept whole) */
    sym_name(v, to_pc, sym, sizeof sym);
    if (to == 3)
        snprintf(b, n, "==== ring %d -> 3: %s -> user ====", from, text);
    else
        snprintf(b, n, "==== ring %d -> %d: %s -> %s ====", from, to, from == 3 ? text : "event",
                 sym[0] ? sym : "kernel");
}

static void draw_history(View *v) {
    const Rect *r = &v->pane[P_HIST];
    Cpu *c = v->dbg->c;
    char b[256], title[96];
    int have = dbg_has_history(v->dbg);
    uint64_t total = have ? hist_count(v->dbg->hist) : 0;
    snprintf(title, sizeof title, "history (%llu recorded; Left/Right or click: travel)",
             (unsigned long long)total);
    pane_title(v, P_HIST, title);
    v->hist_rows = 0;
    if (!have) {
        pane_line(v, P_HIST, 0, "(no history)", VC_DIM, ~0u);
        return;
    }
    int rows = r->h - 1;
    if (rows > VIEW_MAX_ROWS) rows = VIEW_MAX_ROWS;
    /* rows: executed entries (rel < 0), the current instruction (rel 0:
     * the live CPU, or the entry being replayed), undone ones ahead; the
     * current row two thirds down (moved by hist_scroll) */
    int live = hist_at_live(v->dbg->hist);
    int64_t start = -(int64_t)(rows * 2 / 3) + v->hist_scroll;
    int row = 0, prev_cpl = -1;
    uint64_t prev_pc = 0;
    for (int64_t rel = start; row < rows; rel++) {
        uint64_t pc, ic;
        int cpl;
        if (live && rel == 0) {
            pc = c->rip, cpl = c->cpl, ic = c->icount;
        } else if (live && rel > 0) {
            break;
        } else if (dbg_history_at(v->dbg, rel, &pc, &cpl, &ic) < 0) {
            if (rel >= 0) break;
            continue;
        }
        if (prev_cpl >= 0 && cpl != prev_cpl) {
            transition_row(v, prev_pc, prev_cpl, pc, cpl, b, sizeof b);
            v->hist_rel[row] = INT64_MIN;
            pane_line(v, P_HIST, row++, b, VC_RING, ~0u);
            if (row >= rows) break;
        }
        char line[200];
        insn_line(v, mode_for(v, cpl), cpl, pc, rel == 0 ? "> " : "  ", line, sizeof line);
        snprintf(b, sizeof b, "%8llu r%d %s", (unsigned long long)ic, cpl, line);
        v->hist_rel[row] = rel;
        pane_line(v, P_HIST, row++, b, rel > 0 ? VC_DIM : VC_FG, rel == 0 ? VC_CUR : ~0u);
        prev_cpl = cpl, prev_pc = pc;
    }
    v->hist_rows = row;
}

static void draw_memory(View *v) {
    const Rect *r = &v->pane[P_MEM];
    char title[96], b[200];
    snprintf(title, sizeof title, "memory at 0x%llx (g: go to, PgUp/PgDn)",
             (unsigned long long)v->mem_addr);
    pane_title(v, P_MEM, title);
    /* 16 bytes a line when the pane is wide enough, else 8 */
    int per = r->w - 1 >= 17 + 16 * 3 + 1 + 16 ? 16 : 8;
    v->mem_per = per;
    for (int row = 0; row + 1 < r->h; row++) {
        uint64_t a = v->mem_addr + (uint64_t)(row * per);
        uint8_t m[16];
        size_t got = dbg_read_mem(v->dbg, a, m, (size_t)per);
        int o = snprintf(b, sizeof b, "%016llx ", (unsigned long long)a);
        for (int k = 0; k < per; k++) {
            const char *gap = k == 7 ? "  " : " ";
            if ((size_t)k < got)
                o += snprintf(b + o, sizeof b - (size_t)o, "%02x%s", m[k], gap);
            else
                o += snprintf(b + o, sizeof b - (size_t)o, "??%s", gap);
        }
        for (int k = 0; k < per; k++)
            b[o++] = (size_t)k < got && m[k] >= 32 && m[k] < 127 ? (char)m[k] : '.';
        b[o] = 0;
        pane_line(v, P_MEM, row, b, VC_FG, ~0u);
    }
}

static void draw_status(View *v) {
    Cpu *c = v->dbg->c;
    const Rect *r = &v->pane[P_STATUS];
    char b[512], sym[96], serving[160] = "";
    sym_name(v, c->rip, sym, sizeof sym);
    const RingEvent *ev = &v->dbg->entry.ev;
    if (c->cpl != 3 && v->dbg->entry.valid &&
        (ev->kind == RT_SYSCALL || ev->kind == RT_SYSENTER ||
         (ev->kind == RT_INT && ev->vector == 0x80))) {
        int use32 = ev->kind != RT_SYSCALL || ev->before.mode != MODE_64;
        uint64_t nr = use32 ? (uint32_t)ev->before.rax : ev->before.rax;
        char call[128];
        sys_call_text(v, use32, nr, call, sizeof call);
        snprintf(serving, sizeof serving, ", serving %s from 0x%llx", call,
                 (unsigned long long)ev->before.rip);
    } else if (c->cpl != 3 && v->dbg->entry.valid && ev->kind == RT_EXCEPTION) {
        snprintf(serving, sizeof serving, ", handling %s from 0x%llx", cpu_exc_name(ev->vector),
                 (unsigned long long)ev->before.rip);
    }
    const char *state = v->exited                                            ? "exited"
                        : v->running                                         ? "running"
                        : dbg_has_history(v->dbg) && !hist_at_live(v->dbg->hist) ? "replaying"
                                                                             : "stopped";
    snprintf(b, sizeof b, " ring %u, %s%s%s  |  insn %llu  |  %s%s%s  |  ? help", c->cpl,
             sym[0] ? sym : "", sym[0] ? "" : "", serving, (unsigned long long)c->icount, state,
             v->msg[0] ? ": " : "", v->msg);
    if (!sym[0]) {
        char a[32];
        snprintf(a, sizeof a, "0x%llx", (unsigned long long)c->rip);
        snprintf(b, sizeof b, " ring %u, %s%s  |  insn %llu  |  %s%s%s  |  ? help", c->cpl, a,
                 serving, (unsigned long long)c->icount, state, v->msg[0] ? ": " : "", v->msg);
    }
    if (v->input) snprintf(b, sizeof b, " go to address: %s_  (Enter, Esc)", v->inbuf);
    draw_fill(v, r->x, r->y, r->w, 1, c->cpl == 3 ? VC_CUR : VC_STATUS0);
    draw_text(v, r->x, r->y, r->w, b, VC_FG, ~0u);
}

void draw_code_panes(View *v) {
    draw_disasm(v);
    draw_stack(v);
    draw_history(v);
    draw_memory(v);
    draw_status(v);
}

void draw_help(View *v) {
    static const char *const lines[] = {
        "keys",
        "  s, F11      step one instruction (into the kernel too)",
        "  n, F8       step over: a call, or a whole kernel path from syscall/int/sysenter",
        "  c, F5       continue (to a breakpoint or the end; any key stops)",
        "  r           run to the next ring transition",
        "  Up/Down     select a disassembly line (or click it)",
        "  b           toggle a breakpoint at the selected line (or RIP)",
        "  Left/Right  one instruction back / forward in the history (or click a row)",
        "  Shift+Up/Dn scroll the history pane (or the mouse wheel)",
        "  PgUp/PgDn   scroll the memory pane (Shift: the stack pane)",
        "  g           go to an address in the memory pane",
        "  q, Esc      quit (the program is killed as by SIGKILL)",
        "  ?           this help (any key closes it)",
    };
    int n = (int)(sizeof lines / sizeof lines[0]), w = 84;
    int x = (v->cols - w) / 2, y = (v->rows - n - 2) / 2;
    if (x < 0) x = 0;
    if (y < 0) y = 0;
    draw_fill(v, x, y, w, n + 2, 0x203040u);
    for (int k = 0; k < n; k++)
        draw_text(v, x + 2, y + 1 + k, w - 3, lines[k], k ? VC_FG : VC_TITLE, ~0u);
}
