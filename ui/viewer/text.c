/* Text for the viewer: the monospace font (DejaVu Sans Mono, found at run
 * time; RINGSIDE_VIEW_FONT names another) opened with SDL2_ttf, one white
 * texture per printable ASCII glyph tinted when drawn, and the cell grid
 * that every pane is laid out on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RINGSIDE_VIEWER_INTERNAL
#include "viewer.h"

static const char *const font_paths[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/TTF/DejaVuSansMono.ttf",
    "/usr/share/fonts/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/dejavu-sans-mono-fonts/DejaVuSansMono.ttf",
};

int font_open(View *v, int size) {
    Font *f = &v->font;
    const char *env = getenv("RINGSIDE_VIEW_FONT");
    const char *path = NULL;
    if (env && *env) {
        path = env;
    } else {
        for (size_t k = 0; k < sizeof font_paths / sizeof font_paths[0]; k++)
            if (access(font_paths[k], R_OK) == 0) {
                path = font_paths[k];
                break;
            }
    }
    if (!path || access(path, R_OK) != 0) {
        fprintf(stderr,
                "ringside: --view: no monospace font: %s not found (install fonts-dejavu-core, "
                "or name a .ttf in RINGSIDE_VIEW_FONT)\n",
                path ? path : font_paths[0]);
        return -1;
    }
    if (TTF_Init() < 0) {
        fprintf(stderr, "ringside: --view: TTF_Init: %s\n", TTF_GetError());
        return -1;
    }
    f->ttf = TTF_OpenFont(path, size);
    if (!f->ttf) {
        fprintf(stderr, "ringside: --view: %s: %s\n", path, TTF_GetError());
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s", path);
    f->size = size;
    TTF_SetFontHinting(f->ttf, TTF_HINTING_NORMAL);
    int adv = 0;
    TTF_GlyphMetrics(f->ttf, 'M', NULL, NULL, NULL, NULL, &adv);
    f->cw = adv > 0 ? adv : size / 2;
    f->ch = TTF_FontLineSkip(f->ttf);
    SDL_Color white = {255, 255, 255, 255};
    for (int k = 0; k < 95; k++) {
        SDL_Surface *s = TTF_RenderGlyph_Blended(f->ttf, (Uint16)(' ' + k), white);
        if (!s) continue;
        f->glyph[k] = SDL_CreateTextureFromSurface(v->ren, s);
        if (f->glyph[k]) SDL_SetTextureBlendMode(f->glyph[k], SDL_BLENDMODE_BLEND);
        SDL_FreeSurface(s);
    }
    return 0;
}

void font_close(View *v) {
    for (int k = 0; k < 95; k++)
        if (v->font.glyph[k]) SDL_DestroyTexture(v->font.glyph[k]);
    if (v->font.ttf) TTF_CloseFont(v->font.ttf);
    v->font.ttf = NULL;
    if (TTF_WasInit()) TTF_Quit();
}

static void set_color(View *v, uint32_t rgb) {
    SDL_SetRenderDrawColor(v->ren, (Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb, 255);
}

void draw_fill(View *v, int cx, int cy, int cw, int ch, uint32_t rgb) {
    SDL_Rect r = {cx * v->font.cw, cy * v->font.ch, cw * v->font.cw, ch * v->font.ch};
    set_color(v, rgb);
    SDL_RenderFillRect(v->ren, &r);
}

void draw_text(View *v, int cx, int cy, int max, const char *s, uint32_t fg, uint32_t bg) {
    int n = (int)strlen(s);
    if (max > 0 && n > max) n = max;
    if (bg != ~0u) draw_fill(v, cx, cy, n, 1, bg);
    for (int k = 0; k < n; k++) {
        unsigned ch = (unsigned char)s[k];
        if (ch <= ' ' || ch > '~') continue;
        SDL_Texture *t = v->font.glyph[ch - ' '];
        if (!t) continue;
        int w, h;
        SDL_QueryTexture(t, NULL, NULL, &w, &h);
        SDL_Rect r = {(cx + k) * v->font.cw, cy * v->font.ch, w, h};
        SDL_SetTextureColorMod(t, (Uint8)(fg >> 16), (Uint8)(fg >> 8), (Uint8)fg);
        SDL_RenderCopy(v->ren, t, NULL, &r);
    }
}

void pane_title(View *v, int pane, const char *title) {
    const Rect *r = &v->pane[pane];
    if (r->w <= 0 || r->h <= 0) return;
    draw_text(v, r->x, r->y, r->w, title, VC_TITLE, ~0u);
}

void pane_line(View *v, int pane, int row, const char *s, uint32_t fg, uint32_t bg) {
    const Rect *r = &v->pane[pane];
    if (row < 0 || row + 1 >= r->h || r->w <= 1) return;
    if (bg != ~0u) draw_fill(v, r->x, r->y + 1 + row, r->w - 1, 1, bg);
    draw_text(v, r->x, r->y + 1 + row, r->w - 1, s, fg, ~0u);
}
