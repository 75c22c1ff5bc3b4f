/* The viewer's window and event loop: SDL2 video with a resizable window
 * (a software renderer under --view-keys, so screenshots do not depend on
 * the GPU), the pane layout computed from the window size on every frame,
 * the key loop (interactive, or the --view-keys script followed by the
 * --view-shot PNG with the layout in a tEXt chunk), and the debug core's
 * poll while running: events every poll, repaints at most 30 times a
 * second, nothing at all drawn in between. */
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../syscall/kernel.h"
#include "../gdb/gdb.h"
#define RINGSIDE_VIEWER_INTERNAL
#include "viewer.h"

#define HISTORY_DEFAULT 100000
#define LEFT_W          58  /* cells: the CPU-state column */
#define RUN_PAINT_MS    250 /* repaint interval while running (stopped: on every event) */

static void set_rect(Rect *r, int x, int y, int w, int h) {
    r->x = x, r->y = y, r->w = w > 0 ? w : 0, r->h = h > 0 ? h : 0;
}

static void layout(View *v) {
    int w = 0, h = 0;
    SDL_GetRendererOutputSize(v->ren, &w, &h);
    v->cols = w / v->font.cw;
    v->rows = h / v->font.ch;
    int body = v->rows - 1, y = 0;
    int lw = v->cols < LEFT_W * 2 ? v->cols / 2 : LEFT_W;
    int heights[5] = {10, 4, 5, 11, 12};
    int ids[5] = {P_REGS, P_FLAGS, P_MODE, P_SEGS, P_MSRS};
    for (int k = 0; k < 5; k++) {
        int hh = heights[k];
        if (y + hh > body) hh = body - y;
        set_rect(&v->pane[ids[k]], 0, y, lw, hh);
        y += hh;
    }
    int rx = lw + 1, rw = v->cols - rx, top = body / 2;
    int lw2 = rw * 11 / 20;
    set_rect(&v->pane[P_DISASM], rx, 0, lw2, top);
    set_rect(&v->pane[P_STACK], rx + lw2 + 1, 0, rw - lw2 - 1, top);
    set_rect(&v->pane[P_HIST], rx, top, lw2, body - top);
    set_rect(&v->pane[P_MEM], rx + lw2 + 1, top, rw - lw2 - 1, body - top);
    set_rect(&v->pane[P_STATUS], 0, body, v->cols, 1);
}

static void draw_all(View *v) {
    SDL_SetRenderDrawColor(v->ren, VC_BG >> 16, (VC_BG >> 8) & 255, VC_BG & 255, 255);
    SDL_RenderClear(v->ren);
    layout(v);
    draw_cpu_panes(v);
    draw_code_panes(v);
    if (v->help) draw_help(v);
}

void view_paint(View *v) {
    draw_all(v);
    SDL_RenderPresent(v->ren);
    v->last_paint = SDL_GetTicks();
}

static int keycode_of(const SDL_KeyboardEvent *e) {
    SDL_Keycode k = e->keysym.sym;
    if (k == '/' && (e->keysym.mod & KMOD_SHIFT)) return '?';
    return k;
}

/* The guest fork()ed and this is the child: it must not touch the
 * window (its connection is the parent's); it runs on undebugged. */
static int forked(const View *v) { return (int)getpid() != v->owner; }

int view_poll(void *ud) {
    View *v = ud;
    SDL_Event e;
    if (forked(v)) return 0;
    int stop = 0;
    while (SDL_PollEvent(&e)) {
        if (e.type == SDL_QUIT) v->quit = stop = 1;
        if (e.type == SDL_KEYDOWN) stop = 1; /* any key interrupts a run */
    }
    /* a frame costs about as much as 2M instructions: a few per second
     * while running keep the guest within a few percent of full speed */
    if (SDL_GetTicks() - v->last_paint >= RUN_PAINT_MS) view_paint(v);
    return stop;
}

static int pane_at(View *v, int px, int py) {
    int cx = px / v->font.cw, cy = py / v->font.ch;
    for (int k = 0; k < P_N; k++) {
        const Rect *r = &v->pane[k];
        if (cx >= r->x && cx < r->x + r->w && cy >= r->y && cy < r->y + r->h) return k;
    }
    return -1;
}

static void wheel(View *v, int dy) {
    int mx = 0, my = 0;
    SDL_GetMouseState(&mx, &my);
    switch (pane_at(v, mx, my)) {
    case P_MEM: v->mem_addr -= (uint64_t)(dy * 3 * v->mem_per); break;
    case P_STACK: v->stack_scroll -= dy * 3; break;
    case P_HIST: v->hist_scroll -= dy * 3; break;
    default: break;
    }
}

static int write_shot(View *v, const char *path) {
    draw_all(v);
    int w = 0, h = 0;
    SDL_GetRendererOutputSize(v->ren, &w, &h);
    uint8_t *px = malloc((size_t)w * (size_t)h * 3);
    if (!px) return -1;
    int rc = SDL_RenderReadPixels(v->ren, NULL, SDL_PIXELFORMAT_RGB24, px, w * 3);
    if (rc < 0) {
        fprintf(stderr, "ringside: --view-shot: SDL_RenderReadPixels: %s\n", SDL_GetError());
        free(px);
        return -1;
    }
    static const char *const pname[P_N] = {"regs",   "flags", "mode",    "segs",   "msrs",
                                           "disasm", "stack", "history", "memory", "status"};
    char text[2048];
    int o = snprintf(text, sizeof text,
                     "font=%s size=%d cell=%d,%d bg=%06x fg=%06x changed=%06x cur=%06x "
                     "statusbg=%06x",
                     v->font.path, v->font.size, v->font.cw, v->font.ch, VC_BG, VC_FG, VC_CHANGED,
                     VC_CUR, v->dbg->c->cpl == 3 ? VC_CUR : VC_STATUS0);
    for (int k = 0; k < P_N && o < (int)sizeof text; k++) {
        const Rect *r = &v->pane[k];
        o += snprintf(text + o, sizeof text - (size_t)o, " %s=%d,%d,%d,%d", pname[k],
                      r->x * v->font.cw, r->y * v->font.ch, r->w * v->font.cw, r->h * v->font.ch);
    }
    rc = png_write(path, px, w, h, w * 3, "ringside-view", text);
    free(px);
    if (rc < 0) fprintf(stderr, "ringside: --view-shot: cannot write %s\n", path);
    SDL_RenderPresent(v->ren);
    return rc;
}

/* Stopped: wait for events; repaint after those that can change the
 * picture, at most 30 times a second (a burst of events is one frame). */
static void interactive(View *v) {
    int dirty = 1;
    while (!v->quit) {
        uint32_t since = SDL_GetTicks() - v->last_paint;
        if (dirty && since >= 33) {
            view_paint(v);
            dirty = 0;
        }
        SDL_Event e;
        int got = dirty ? SDL_WaitEventTimeout(&e, (int)(33 - (since < 33 ? since : 33)))
                        : SDL_WaitEvent(&e);
        if (!got) {
            if (!dirty) break; /* SDL_WaitEvent failed: the event queue is gone */
            continue;          /* the frame's time has come */
        }
        do {
            if (e.type == SDL_QUIT) {
                if (!v->p->exited) proc_exit(v->p, SIGKILL);
                v->quit = 1;
            } else if (e.type == SDL_KEYDOWN) {
                view_key(v, keycode_of(&e.key));
                if (forked(v)) return;
                dirty = 1;
            } else if (e.type == SDL_MOUSEBUTTONDOWN && e.button.button == SDL_BUTTON_LEFT) {
                view_click(v, e.button.x, e.button.y);
                if (forked(v)) return;
                dirty = 1;
            } else if (e.type == SDL_MOUSEWHEEL) {
                wheel(v, e.wheel.y);
                dirty = 1;
            } else if (e.type == SDL_WINDOWEVENT) {
                dirty = 1;
            }
            if (v->quit) break;
        } while (SDL_PollEvent(&e));
    }
}

static int scripted(View *v, const ViewOpts *o) {
    const char *s = o->keys;
    SDL_Keycode k;
    int r;
    while (!v->quit && (r = view_script_next(&s, &k)) == 1) {
        draw_all(v); /* each key sees the frame a user would (rows to select, click) */
        if ((k == 'q' || k == SDLK_ESCAPE) && !v->input && !v->help) {
            if (o->shot && write_shot(v, o->shot) < 0) return -1;
            view_key(v, k);
            return 0;
        }
        view_key(v, k);
        if (forked(v)) return 0;
        SDL_PumpEvents();
    }
    /* the script is over: the program runs on once the window is closed */
    return o->shot && write_shot(v, o->shot) < 0 ? -1 : 0;
}

/* The guest's descriptors are ringside's own: the display connection and
 * the open font must not take the low numbers the program's open() would
 * get natively. While SDL and the font are set up, every free descriptor
 * below RESERVE_FDS is held by a copy of /dev/null, so theirs land above. */
#define RESERVE_FDS 256
static int reserve_low_fds(uint8_t held[RESERVE_FDS]) {
    memset(held, 0, RESERVE_FDS);
    int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (nul < 0) return -1;
    held[nul] = nul < RESERVE_FDS;
    for (int fd = 3; fd < RESERVE_FDS; fd++)
        if (fcntl(fd, F_GETFD) < 0 && fcntl(nul, F_DUPFD_CLOEXEC, fd) == fd) held[fd] = 1;
    if (nul >= RESERVE_FDS) close(nul);
    return 0;
}

static void release_low_fds(const uint8_t held[RESERVE_FDS]) {
    for (int fd = 3; fd < RESERVE_FDS; fd++)
        if (held[fd]) close(fd);
}

/* The window, renderer and font, with the guest's low descriptors kept
 * free: NULL (message) when any of them cannot be set up. */
static View *view_open(Proc *p, const ViewOpts *o) {
    View *v = calloc(1, sizeof *v);
    if (!v) return NULL;
    v->p = p;
    v->dbg = &v->own;
    v->is32 = o->is32;
    v->owner = (int)getpid();
    v->mem_per = 16;
    v->shot = o->shot;
    v->load_bias = o->load_bias;
    if (o->keys || o->shot) SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    /* signals are the guest's (syscall/signal.c mirrors its dispositions) */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    uint8_t held[RESERVE_FDS];
    int reserved = reserve_low_fds(held) == 0;
    if (SDL_Init(SDL_INIT_VIDEO) < 0) {
        fprintf(stderr, "ringside: --view: cannot open a display: %s\n", SDL_GetError());
        if (reserved) release_low_fds(held);
        free(v);
        return NULL;
    }
    char title[300];
    const char *base = strrchr(p->exe_path, '/');
    snprintf(title, sizeof title, "ringside --view %.200s", base ? base + 1 : p->exe_path);
    v->win = SDL_CreateWindow(title, SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, 1600, 900,
                              SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    int soft = o->keys || o->shot;
    if (v->win)
        v->ren =
            SDL_CreateRenderer(v->win, -1, soft ? SDL_RENDERER_SOFTWARE : SDL_RENDERER_ACCELERATED);
    if (v->win && !v->ren) v->ren = SDL_CreateRenderer(v->win, -1, SDL_RENDERER_SOFTWARE);
    if (!v->ren) {
        fprintf(stderr, "ringside: --view: cannot open a window: %s\n", SDL_GetError());
        if (v->win) SDL_DestroyWindow(v->win);
        SDL_Quit();
        if (reserved) release_low_fds(held);
        free(v);
        return NULL;
    }
    int rc = font_open(v, 13);
    SDL_PumpEvents(); /* the window system's first round trips, still above the guest's fds */
    if (reserved) release_low_fds(held);
    if (rc < 0) {
        SDL_DestroyRenderer(v->ren);
        SDL_DestroyWindow(v->win);
        SDL_Quit();
        free(v);
        return NULL;
    }
    return v;
}

/* Bind the window to a debug core (the viewer's own, or the gdb stub's). */
static void view_bind(View *v, Dbg *d) {
    v->dbg = d;
    syms_load(&v->ksyms, gdb_kernel_elf(v->p), 0);
    syms_load(&v->usyms, v->p->exe_path, v->load_bias);
    v->mem_addr = d->c->gpr[RSP] & ~15ull;
}

static void view_close(View *v) {
    syms_free(&v->ksyms);
    syms_free(&v->usyms);
    font_close(v);
    SDL_DestroyRenderer(v->ren);
    SDL_DestroyWindow(v->win);
    SDL_Quit();
}

int viewer_run(Proc *p, const ViewOpts *o) {
    if (o->keys) { /* a bad script is refused before anything runs */
        const char *s = o->keys;
        SDL_Keycode k;
        int r;
        while ((r = view_script_next(&s, &k)) == 1) {
        }
        if (r < 0) return -1;
    }
    View *v = view_open(p, o);
    if (!v) return -1;
    int rc = 0;
    v->history = o->history ? o->history : HISTORY_DEFAULT;
    if (dbg_init(&v->own, p, v->history) < 0) {
        fprintf(stderr, "ringside: --view: history: out of memory\n");
        view_close(v);
        free(v);
        return -1;
    }
    v->own.poll = view_poll;
    v->own.poll_ud = v;
    /* the boot code runs first: the view opens at the program's first instruction */
    while (!p->exited && p->cpu->cpl != 3)
        if (kernel_run_budget(p, 1) == 0) break;
    view_bind(v, &v->own);
    snprintf(v->msg, sizeof v->msg, "at the first instruction");
    if (o->keys)
        rc = scripted(v, o);
    else
        interactive(v);
    if (forked(v)) { /* the child leaves the parent's window alone */
        if (!p->exited) dbg_run_free(&v->own);
        dbg_free(&v->own);
        return 0;
    }
    int quit = v->quit;
    view_close(v);
    if (rc == 0 && !p->exited && !quit) dbg_run_free(&v->own); /* on, without the window */
    dbg_free(&v->own);
    free(v);
    return rc;
}

/* ---- --view with --gdb: the viewer as the stub's companion ---- */

static void comp_start(void *ud, Dbg *d) {
    View *v = ud;
    view_bind(v, d);
    snprintf(v->msg, sizeof v->msg, "at the first instruction; waiting for gdb");
    view_paint(v);
}

/* Events while the stub waits for gdb (or, running, while the program runs). */
static int comp_poll(void *ud, int running, int may_drive) {
    View *v = ud;
    if (forked(v)) return 0;
    if (running) return view_poll(v);
    v->no_drive = !may_drive;
    SDL_Event e;
    int dirty = 0;
    while (!v->quit && SDL_PollEvent(&e)) {
        if (e.type == SDL_QUIT) {
            if (!v->p->exited) proc_exit(v->p, SIGKILL);
            v->quit = 1;
        } else if (e.type == SDL_KEYDOWN) {
            view_key(v, keycode_of(&e.key));
            if (forked(v)) return 0;
            dirty = 1;
        } else if (e.type == SDL_MOUSEBUTTONDOWN && e.button.button == SDL_BUTTON_LEFT) {
            view_click(v, e.button.x, e.button.y);
            if (forked(v)) return 0;
            dirty = 1;
        } else if (e.type == SDL_MOUSEWHEEL) {
            wheel(v, e.wheel.y);
            dirty = 1;
        } else if (e.type == SDL_WINDOWEVENT) {
            dirty = 1;
        }
    }
    v->no_drive = 0;
    if (dirty) view_paint(v);
    return v->quit;
}

static void comp_resumed(void *ud) {
    View *v = ud;
    if (forked(v)) return;
    view_mark(v);
    v->running = 1;
    snprintf(v->msg, sizeof v->msg, "running (gdb)");
}

static void comp_stopped(void *ud) {
    View *v = ud;
    if (forked(v)) return;
    v->running = 0;
    v->sel_addr = 0;
    if (v->p->exited) {
        int s = v->p->exit_status;
        v->exited = 1;
        if (WIFSIGNALED(s))
            snprintf(v->msg, sizeof v->msg, "program killed by signal %d", WTERMSIG(s));
        else
            snprintf(v->msg, sizeof v->msg, "program exited with status %d", WEXITSTATUS(s));
    } else {
        snprintf(v->msg, sizeof v->msg, "stopped by gdb");
    }
    view_paint(v);
}

static char *reply(const char *fmt, const char *arg) {
    size_t n = strlen(fmt) + (arg ? strlen(arg) : 0) + 1;
    char *out = malloc(n);
    if (out) snprintf(out, n, fmt, arg ? arg : "");
    return out;
}

static char *comp_monitor(void *ud, const char *cmd, int may_drive) {
    View *v = ud;
    while (*cmd == ' ')
        cmd++;
    if (strncmp(cmd, "view", 4) || (cmd[4] && cmd[4] != ' ' && cmd[4] != '-')) return NULL;
    if (!strncmp(cmd, "view-shot ", 10)) {
        const char *path = cmd + 10;
        return write_shot(v, path) < 0 ? reply("view-shot: cannot write %s\n", path)
                                       : reply("view-shot: %s written\n", path);
    }
    if (!strncmp(cmd, "view-keys ", 10)) {
        const char *s = cmd + 10, *chk = s;
        SDL_Keycode k;
        int r;
        while ((r = view_script_next(&chk, &k)) == 1) {
        }
        if (r < 0) return reply("view-keys: unknown key name in '%s'\n", s);
        v->no_drive = !may_drive;
        uint64_t before = v->dbg->c->icount;
        while (!v->quit && view_script_next(&s, &k) == 1) {
            draw_all(v); /* each key sees the frame a user would */
            view_key(v, k);
            if (forked(v)) return NULL;
        }
        v->no_drive = 0;
        view_paint(v);
        return reply(v->dbg->c->icount != before ? "view-keys: done; the CPU moved: `maintenance "
                                                   "flush register-cache` shows gdb its new state\n"
                                                 : "view-keys: done\n",
                     NULL);
    }
    return reply("view commands (--view with --gdb):\n"
                 "  view-keys KEYS       press KEYS in the viewer (as --view-keys)\n"
                 "  view-shot FILE.png   write the viewer's window as PNG (as --view-shot)\n",
                 NULL);
}

void *viewer_gdb_open(Proc *p, const ViewOpts *o, struct GdbCompanion *out) {
    View *v = view_open(p, o);
    if (!v) return NULL;
    *out = (GdbCompanion){.ud = v,
                          .start = comp_start,
                          .poll = comp_poll,
                          .resumed = comp_resumed,
                          .stopped = comp_stopped,
                          .monitor = comp_monitor};
    return v;
}

int viewer_gdb_close(void *h) {
    View *v = h;
    if (!v || forked(v)) return 0;
    int rc = 0;
    if (v->shot && v->dbg != &v->own) rc = write_shot(v, v->shot);
    view_close(v);
    free(v);
    return rc;
}
