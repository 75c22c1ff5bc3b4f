/* What each key does (the same for the window and a --view-keys script):
 * run control through the debug core (step, step over, continue, run to the
 * next ring transition, back and forward in the history, breakpoints),
 * scrolling, the go-to-address prompt, help and quit; and the script's
 * syntax: one character per key, or a <Name> (<Left>, <F5>, <Enter> ...). */
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#define RINGSIDE_VIEWER_INTERNAL
#include "viewer.h"

void view_mark(View *v) {
    Cpu *c = v->dbg->c;
    memcpy(v->prev_gpr, c->gpr, sizeof v->prev_gpr);
    v->prev_rip = c->rip;
    v->prev_rflags = cpu_get_rflags(c);
    for (int k = 0; k < 6; k++)
        v->prev_sel[k] = c->seg[k].sel;
    v->have_prev = 1;
}

static void stopped(View *v, const DbgStop *st, const char *what) {
    switch (st->kind) {
    case DBG_STOP_STEP: snprintf(v->msg, sizeof v->msg, "%s", what); break;
    case DBG_STOP_BREAK:
        snprintf(v->msg, sizeof v->msg, "breakpoint at 0x%llx", (unsigned long long)v->dbg->c->rip);
        break;
    case DBG_STOP_WATCH: snprintf(v->msg, sizeof v->msg, "watchpoint"); break;
    case DBG_STOP_INTERRUPT: snprintf(v->msg, sizeof v->msg, "interrupted"); break;
    case DBG_STOP_NO_HISTORY: snprintf(v->msg, sizeof v->msg, "oldest recorded instruction"); break;
    default: snprintf(v->msg, sizeof v->msg, "%s (stop kind %d)", what, (int)st->kind); break;
    case DBG_STOP_EXITED: {
        int s = v->p->exit_status;
        v->exited = 1;
        if (WIFSIGNALED(s))
            snprintf(v->msg, sizeof v->msg, "program killed by signal %d", WTERMSIG(s));
        else
            snprintf(v->msg, sizeof v->msg, "program exited with status %d", WEXITSTATUS(s));
        break;
    }
    }
}

/* n / F8: a call runs to its return address; an instruction that enters
 * the kernel (syscall, sysenter, int) runs the whole kernel path. */
static void step_over(View *v, DbgStop *st) {
    Cpu *c = v->dbg->c;
    char text[128] = "";
    int len = 0;
    cpu_disasm(c, c->rip, text, sizeof text, NULL, &len);
    if (!strncmp(text, "syscall", 7) || !strncmp(text, "sysenter", 8) || !strncmp(text, "int", 3)) {
        v->dbg->kernel_steps = 0;
        dbg_step(v->dbg, st);
        v->dbg->kernel_steps = 1;
        return;
    }
    if (!strncmp(text, "call", 4) && len > 0) {
        uint64_t ret = c->rip + (uint64_t)len;
        int had = 0;
        for (int k = 0; k < v->dbg->nbp; k++)
            had |= v->dbg->bp[k] == ret;
        if (!had && dbg_add_break(v->dbg, ret) < 0) {
            dbg_step(v->dbg, st);
            return;
        }
        v->running = 1;
        dbg_continue(v->dbg, st);
        v->running = 0;
        if (!had) dbg_remove_break(v->dbg, ret);
        if (st->kind == DBG_STOP_BREAK && c->rip == ret && !had) st->kind = DBG_STOP_STEP;
        return;
    }
    dbg_step(v->dbg, st);
}

static int at_break(View *v) {
    for (int k = 0; k < v->dbg->nbp; k++)
        if (v->dbg->bp[k] == v->dbg->c->rip) return 1;
    return 0;
}

/* c while replaying: forward through the recorded instructions to a
 * breakpoint or the present (another c then runs on live). */
static void replay_to_break(View *v, DbgStop *st) {
    do {
        dbg_step(v->dbg, st);
    } while (st->kind == DBG_STOP_STEP && !hist_at_live(v->dbg->hist) && !at_break(v));
    if (st->kind == DBG_STOP_STEP && at_break(v))
        stopped(v, &(DbgStop){.kind = DBG_STOP_BREAK}, "");
    else if (st->kind == DBG_STOP_STEP)
        snprintf(v->msg, sizeof v->msg, "replayed to the present (c runs on)");
    else
        stopped(v, st, "replay");
}

/* Up/Down in the disassembly: the selection moves by one drawn line. */
static void select_line(View *v, int dir) {
    int at = -1;
    for (int k = 0; k < v->dis_rows; k++)
        if (v->dis_addr[k] == (v->sel_addr ? v->sel_addr : v->dbg->c->rip)) at = k;
    if (at < 0) return;
    at += dir;
    if (at >= 0 && at < v->dis_rows) v->sel_addr = v->dis_addr[at];
}

/* Travel through the history to the entry rel from the current one. */
static void travel(View *v, int64_t rel) {
    DbgStop st = {0};
    view_mark(v);
    for (; rel < 0 && st.kind != DBG_STOP_NO_HISTORY; rel++)
        if (dbg_reverse_step(v->dbg, &st) < 0) return;
    for (; rel > 0 && !hist_at_live(v->dbg->hist); rel--)
        dbg_step(v->dbg, &st);
    stopped(v, &st, "travelled");
}

void view_click(View *v, int x, int y) {
    int cx = x / v->font.cw, cy = y / v->font.ch;
    const Rect *d = &v->pane[P_DISASM], *h = &v->pane[P_HIST];
    if (cx >= d->x && cx < d->x + d->w && cy > d->y && cy - d->y - 1 < v->dis_rows) {
        v->sel_addr = v->dis_addr[cy - d->y - 1];
    } else if (cx >= h->x && cx < h->x + h->w && cy > h->y && cy - h->y - 1 < v->hist_rows &&
               !v->exited && dbg_has_history(v->dbg)) {
        int64_t rel = v->hist_rel[cy - h->y - 1];
        if (rel != INT64_MIN && rel != 0) travel(v, rel);
    }
}

static void quit(View *v) {
    if (!v->p->exited) proc_exit(v->p, SIGKILL);
    v->quit = 1;
}

static void input_key(View *v, SDL_Keycode k) {
    size_t n = strlen(v->inbuf);
    if (k == SDLK_RETURN || k == SDLK_KP_ENTER) {
        char *end;
        unsigned long long a = strtoull(v->inbuf, &end, 16);
        if (n && !*end)
            v->mem_addr = a & ~15ull;
        else
            snprintf(v->msg, sizeof v->msg, "not a hex address: %s", v->inbuf);
        v->input = 0;
    } else if (k == SDLK_ESCAPE) {
        v->input = 0;
    } else if (k == SDLK_BACKSPACE) {
        if (n) v->inbuf[n - 1] = 0;
    } else if (n + 1 < sizeof v->inbuf &&
               ((k >= '0' && k <= '9') || (k >= 'a' && k <= 'f') || k == 'x')) {
        v->inbuf[n] = (char)k;
        v->inbuf[n + 1] = 0;
    }
}

void view_key(View *v, SDL_Keycode k) {
    if (v->input) {
        input_key(v, k);
        return;
    }
    if (v->help) {
        v->help = 0;
        return;
    }
    int shift = (SDL_GetModState() & KMOD_SHIFT) != 0;
    int rows = v->pane[P_MEM].h > 1 ? v->pane[P_MEM].h - 1 : 1;
    switch (k) {
    case 'q':
    case SDLK_ESCAPE: quit(v); return;
    case '?':
    case SDLK_F1: v->help = 1; return;
    case SDLK_UP:
    case SDLK_DOWN:
        if (shift)
            v->hist_scroll += k == SDLK_UP ? -1 : 1;
        else
            select_line(v, k == SDLK_UP ? -1 : 1);
        return;
    case SDLK_PAGEUP:
        if (shift)
            v->stack_scroll -= rows;
        else
            v->mem_addr -= (uint64_t)(rows * v->mem_per);
        return;
    case SDLK_PAGEDOWN:
        if (shift)
            v->stack_scroll += rows;
        else
            v->mem_addr += (uint64_t)(rows * v->mem_per);
        return;
    case 'g':
        v->input = 1;
        v->inbuf[0] = 0;
        return;
    default: break;
    }
    if (v->exited) {
        snprintf(v->msg, sizeof v->msg, "the program has ended (q quits)");
        return;
    }
    if (v->no_drive) {
        snprintf(v->msg, sizeof v->msg, "gdb is stopped inside a signal delivery: resume from gdb");
        return;
    }
    DbgStop st;
    v->hist_scroll = 0;
    v->stack_scroll = 0;
    uint64_t sel = v->sel_addr;
    if (k != 'b') v->sel_addr = 0; /* after a run the selection follows RIP again */
    switch (k) {
    case 's':
    case SDLK_F11:
        view_mark(v);
        dbg_step(v->dbg, &st);
        stopped(v, &st, "step");
        break;
    case 'n':
    case SDLK_F8:
        view_mark(v);
        step_over(v, &st);
        stopped(v, &st, "step over");
        break;
    case 'c':
    case SDLK_F5: {
        view_mark(v);
        if (dbg_has_history(v->dbg) && !hist_at_live(v->dbg->hist)) {
            /* replaying: forward to a breakpoint or the present */
            replay_to_break(v, &st);
            break;
        }
        /* recording costs ~30x: continue runs without it, and the history
         * starts again where it stops */
        uint64_t keep = v->history;
        if (keep && dbg_set_history(v->dbg, 0) < 0) keep = 0;
        v->running = 1;
        dbg_continue(v->dbg, &st);
        v->running = 0;
        if (keep && !v->exited && dbg_set_history(v->dbg, keep) < 0)
            snprintf(v->msg, sizeof v->msg, "history: out of memory");
        stopped(v, &st, keep ? "continue (history restarts here)" : "continue");
        break;
    }
    case 'r':
        view_mark(v);
        v->running = 1;
        dbg_run_to_ring(v->dbg, &st);
        v->running = 0;
        stopped(v, &st, "ring transition");
        break;
    case SDLK_LEFT:
        view_mark(v);
        if (dbg_reverse_step(v->dbg, &st) < 0)
            snprintf(v->msg, sizeof v->msg, "no history");
        else
            stopped(v, &st, "back one instruction");
        break;
    case SDLK_RIGHT:
        if (!dbg_has_history(v->dbg) || hist_at_live(v->dbg->hist)) {
            snprintf(v->msg, sizeof v->msg, "at the newest instruction (s steps on)");
            break;
        }
        view_mark(v);
        dbg_step(v->dbg, &st);
        stopped(v, &st, "forward one instruction");
        break;
    case 'b': {
        uint64_t a = sel ? sel : v->dbg->c->rip;
        int had = 0;
        for (int j = 0; j < v->dbg->nbp; j++)
            had |= v->dbg->bp[j] == a;
        if (had)
            dbg_remove_break(v->dbg, a);
        else if (dbg_add_break(v->dbg, a) < 0)
            snprintf(v->msg, sizeof v->msg, "too many breakpoints");
        snprintf(v->msg, sizeof v->msg, "breakpoint %s at 0x%llx", had ? "removed" : "set",
                 (unsigned long long)a);
        break;
    }
    default: break;
    }
}

static const struct {
    const char *name;
    SDL_Keycode k;
} named[] = {{"Left", SDLK_LEFT},    {"Right", SDLK_RIGHT},
             {"Up", SDLK_UP},        {"Down", SDLK_DOWN},
             {"PgUp", SDLK_PAGEUP},  {"PgDn", SDLK_PAGEDOWN},
             {"Enter", SDLK_RETURN}, {"Esc", SDLK_ESCAPE},
             {"BS", SDLK_BACKSPACE}, {"F1", SDLK_F1},
             {"F5", SDLK_F5},        {"F8", SDLK_F8},
             {"F11", SDLK_F11},      {"lt", '<'}};

int view_script_next(const char **s, SDL_Keycode *k) {
    const char *p = *s;
    if (!*p) return 0;
    if (*p == '<') {
        const char *e = strchr(p, '>');
        for (size_t j = 0; e && j < sizeof named / sizeof named[0]; j++)
            if ((size_t)(e - p - 1) == strlen(named[j].name) &&
                !strncmp(p + 1, named[j].name, (size_t)(e - p - 1))) {
                *k = named[j].k;
                *s = e + 1;
                return 1;
            }
        fprintf(stderr,
                "ringside: --view-keys: unknown key '%.*s' (a character, or <Left> <Right> <Up> "
                "<Down> <PgUp> <PgDn> <Enter> <Esc> <BS> <F1> <F5> <F8> <F11> <lt>)\n",
                e ? (int)(e - p + 1) : (int)strlen(p), p);
        return -1;
    }
    *k = (SDL_Keycode)(unsigned char)*p;
    *s = p + 1;
    return 1;
}
