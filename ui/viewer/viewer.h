/* ui/viewer/: the SDL2 register/trace viewer (--view).
 *
 * One window over the shared debug core (ui/debug/debug.h): panes for the
 * registers, flags, segments, CPL/mode, fast-syscall MSRs, disassembly,
 * stack, memory and the instruction history, and a status line. Keys (or a
 * --view-keys script) drive the core; --view-shot writes the frame as PNG.
 * This header is the viewer's entry point and the state its files share. */
#ifndef RINGSIDE_UI_VIEWER_H
#define RINGSIDE_UI_VIEWER_H

#include <stdint.h>

#include "../../syscall/proc.h"

typedef struct ViewOpts {
    const char *keys;   /* --view-keys script, or NULL (interactive) */
    const char *shot;   /* --view-shot PNG path, written when the script ends */
    uint64_t history;   /* instructions of history to record (0: the viewer's default) */
    int is32;           /* a 32-bit program */
    uint64_t load_bias; /* where a PIE program was loaded (its symbols move with it) */
} ViewOpts;

/* Drive the booted process p from the window until it ends or the user
 * quits (the guest then dies as by SIGKILL). 0, or -1 with a message when
 * the window, the font or the history could not be set up. */
int viewer_run(Proc *p, const ViewOpts *o);
/* --view with --gdb: open the window and fill *out with the companion the
 * gdb stub drives it through (ui/gdb/gdb.h: gdb_set_companion); the stub's
 * debug core is then the viewer's. NULL (message) when the window cannot
 * open. o->keys is not used (gdb's `monitor view-keys` presses keys);
 * o->shot is written by viewer_gdb_close, after the gdb session. */
struct GdbCompanion;
void *viewer_gdb_open(Proc *p, const ViewOpts *o, struct GdbCompanion *out);
int viewer_gdb_close(void *v); /* 0, or -1 when the --view-shot could not be written */

#ifdef RINGSIDE_VIEWER_INTERNAL
#include <SDL.h>
#include <SDL_ttf.h>

#include "../debug/debug.h"

/* colours (0xRRGGBB); the tests read them from the screenshot's layout text */
#define VC_BG      0x101418u
#define VC_FG      0xd8d8d8u
#define VC_DIM     0x8890a0u
#define VC_TITLE   0x70b8ffu
#define VC_CHANGED 0x6a4a00u /* background of a value changed since the last stop */
#define VC_CUR     0x20406au /* background of the current line (RIP, history position) */
#define VC_RING    0xff9040u /* ring-transition rows, kernel labels */
#define VC_BREAK   0x802020u
#define VC_SEL     0x2a6a3au /* the selected disassembly line */
#define VC_STATUS0 0x603010u /* the status line while the CPU is in the kernel */

typedef struct Font {
    TTF_Font *ttf;
    char path[512];
    int size;
    int cw, ch;             /* cell size in pixels */
    SDL_Texture *glyph[95]; /* ' '..'~', white: tinted per draw */
} Font;

typedef struct Syms {
    struct Sym *s;
    int n;
    uint64_t lo, hi; /* address range the table covers */
    /* the program's table only: what it maps at run time, the vDSO and the
     * shared libraries (syms_refresh, syms_find_mapped; freed by syms_free) */
    struct SymsMore *more;
} Syms;

enum { P_REGS, P_FLAGS, P_MODE, P_SEGS, P_MSRS, P_DISASM, P_STACK, P_HIST, P_MEM, P_STATUS, P_N };

typedef struct Rect {
    int x, y, w, h; /* in cells */
} Rect;

typedef struct View {
    Proc *p;
    Dbg *dbg; /* the debug core it drives: its own, or the gdb stub's (--view with --gdb) */
    Dbg own;
    int is32;
    SDL_Window *win;
    SDL_Renderer *ren;
    Font font;
    Syms ksyms, usyms;
    Rect pane[P_N];
    int cols, rows;

    uint64_t prev_gpr[16], prev_rip, prev_rflags; /* state at the stop before */
    uint16_t prev_sel[6];
    int have_prev;

    uint64_t history; /* the history's size in instructions */
    int owner;        /* the pid that owns the window: a fork()ed guest child never draws */
    int running;      /* 1 while continue/run executes (repaints show "running") */
    int no_drive;     /* with gdb: keys may not run the CPU (gdb is inside a signal delivery) */
    const char *shot; /* --view-shot */
    uint64_t load_bias;
    int quit, exited;
    char msg[160]; /* the last stop's reason, shown in the status line */
    uint64_t mem_addr;
    int mem_per; /* bytes a memory line shows (the pane's width decides) */
    int stack_scroll, hist_scroll;
    /* what the last frame showed, for selection and clicks */
#define VIEW_MAX_ROWS 256
    uint64_t dis_addr[VIEW_MAX_ROWS]; /* the disassembly rows' addresses */
    int dis_rows;
    uint64_t sel_addr;               /* the selected disassembly line (0: the RIP line) */
    int64_t hist_rel[VIEW_MAX_ROWS]; /* the history rows' entries (INT64_MIN: a marker row) */
    int hist_rows;
    int help;
    int input; /* 1: typing an address for g */
    char inbuf[40];
    uint32_t last_paint;
} View;

/* text.c */
int font_open(View *v, int size); /* 0, or -1 with a message */
void font_close(View *v);
void draw_fill(View *v, int cx, int cy, int cw, int ch, uint32_t rgb);
/* Text at cell (cx, cy), clipped to max cells (0: no limit); bg ~0u: none. */
void draw_text(View *v, int cx, int cy, int max, const char *s, uint32_t fg, uint32_t bg);
void pane_title(View *v, int pane, const char *title);
/* Line `row` of a pane's body (row 0 is under the title). */
void pane_line(View *v, int pane, int row, const char *s, uint32_t fg, uint32_t bg);

/* panes_cpu.c: registers, flags, CPL/mode, segments, MSRs */
void draw_cpu_panes(View *v);
/* panes_code.c: disassembly, stack, history, memory, status line, help */
void draw_code_panes(View *v);
void draw_help(View *v);
/* "name+0xoff" for addr from the symbols of the kernel, the program, the
 * vDSO or a shared library (in that order), or "" */
void sym_name(View *v, uint64_t addr, char *out, size_t n);

/* symbols.c */
void syms_load(Syms *s, const char *elf_path, uint64_t bias); /* bias: added to ET_DYN's */
const char *syms_find(const Syms *s, uint64_t addr, uint64_t *off);
void syms_free(Syms *s);
/* On the program's table: load the vDSO's symbols (once) and reload the
 * libraries' when the link_map list changed; does nothing more than once per
 * stop (the CPU's instruction count), so callers may call it per lookup. */
void syms_refresh(Syms *s, Dbg *d, int is32);
/* The vDSO's symbols, then the libraries' (after syms_refresh). */
const char *syms_find_mapped(const Syms *s, uint64_t addr, uint64_t *off);

/* keys.c: one key (SDL keycode) as the window or the script delivers it */
void view_key(View *v, SDL_Keycode k);
/* Parse the next key of a script ("s", "<Left>", "<F5>" ...): the keycode and
 * the script advanced, 0 at the end, -1 (message) for an unknown name. */
int view_script_next(const char **s, SDL_Keycode *k);
/* A click at pixel (x, y): select a disassembly line, or travel to the
 * history row's instruction. */
void view_click(View *v, int x, int y);
/* Snapshot for the changed-register highlight (before running anything). */
void view_mark(View *v);

/* window.c */
void view_paint(View *v);
int view_poll(void *ud); /* Dbg.poll while running: events, throttled repaints */

/* png.c: RGB rows (pitch bytes apart) as a PNG with optional tEXt chunks */
int png_write(const char *path, const uint8_t *rgb, int w, int h, int pitch, const char *key,
              const char *text);
#endif

#endif
