/* find_text SHOT.png PANE TEXT [--bg NAME|RRGGBB] [--absent]
 *
 * Checks a --view-shot screenshot the way a reader would: decodes the PNG
 * (zlib; every chunk's CRC checked), reads the pane layout the viewer put
 * in its tEXt chunk (font, size, colours, pane rectangles in pixels),
 * renders TEXT with the same font through SDL2_ttf and looks for it inside
 * the pane's rectangle: a match is a position where every confidently inked
 * pixel of the rendering is ink on the screen and every confidently empty
 * one is background (the background the viewer uses, or --bg: "changed"
 * for the highlight of a value changed since the last stop). Exit 0 found
 * (or, with --absent, not found), 1 otherwise, 77 when the font is missing.
 * Independent of the viewer's code: only the PNG and its layout text. */
#include <SDL.h>
#include <SDL_ttf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t *img;
static int W, H;
static char layout[4096];

static int load_png(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n);
    if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) return -1;
    fclose(f);
    if (n < 8 || memcmp(b, "\x89PNG\r\n\x1a\n", 8)) return -1;
    uint8_t *z = NULL;
    size_t zn = 0;
    for (long p = 8; p + 12 <= n;) {
        uint32_t len = be32(b + p);
        if (p + 12 + (long)len > n) return -1;
        const uint8_t *type = b + p + 4, *data = b + p + 8;
        if (crc32(0, type, len + 4) != be32(data + len)) {
            fprintf(stderr, "find_text: bad CRC in chunk %.4s\n", type);
            return -1;
        }
        if (!memcmp(type, "IHDR", 4)) {
            W = (int)be32(data), H = (int)be32(data + 4);
            if (data[8] != 8 || data[9] != 2 || data[12] != 0) {
                fprintf(stderr, "find_text: not 8-bit RGB non-interlaced\n");
                return -1;
            }
        } else if (!memcmp(type, "tEXt", 4)) {
            size_t kl = strnlen((const char *)data, len);
            if (kl < len && !strcmp((const char *)data, "ringside-view"))
                snprintf(layout, sizeof layout, "%.*s", (int)(len - kl - 1), data + kl + 1);
        } else if (!memcmp(type, "IDAT", 4)) {
            z = realloc(z, zn + len);
            memcpy(z + zn, data, len);
            zn += len;
        }
        p += 12 + len;
    }
    if (!W || !H || !z) return -1;
    uLongf rn = (uLongf)(W * 3 + 1) * (uLongf)H;
    uint8_t *raw = malloc(rn);
    if (uncompress(raw, &rn, z, zn) != Z_OK || rn != (uLongf)(W * 3 + 1) * (uLongf)H) {
        fprintf(stderr, "find_text: the image data does not inflate\n");
        return -1;
    }
    img = malloc((size_t)W * (size_t)H * 3);
    for (int y = 0; y < H; y++) { /* filters 0 (none) and 1 (sub), 2 (up) */
        const uint8_t *r = raw + (size_t)y * (size_t)(W * 3 + 1);
        uint8_t *o = img + (size_t)y * (size_t)W * 3;
        for (int x = 0; x < W * 3; x++) {
            int a = x >= 3 ? o[x - 3] : 0, up = y ? o[x - W * 3] : 0, v = r[1 + x];
            o[x] = (uint8_t)(r[0] == 1 ? v + a : r[0] == 2 ? v + up : v);
        }
    }
    return 0;
}

static const char *field(const char *key) {
    static char out[600];
    char pat[64];
    snprintf(pat, sizeof pat, "%s=", key);
    const char *p = layout;
    while ((p = strstr(p, pat)))
        if (p == layout || p[-1] == ' ')
            break;
        else
            p++;
    if (!p) return NULL;
    p += strlen(pat);
    size_t n = strcspn(p, " ");
    snprintf(out, sizeof out, "%.*s", (int)n, p);
    return out;
}

static int dist(const uint8_t *p, uint32_t rgb) {
    return abs(p[0] - (int)(rgb >> 16)) + abs(p[1] - (int)((rgb >> 8) & 255)) +
           abs(p[2] - (int)(rgb & 255));
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: find_text SHOT.png PANE TEXT [--bg NAME|RRGGBB] [--absent]\n");
        return 2;
    }
    const char *bgname = "bg";
    int absent = 0;
    for (int k = 4; k < argc; k++) {
        if (!strcmp(argv[k], "--bg") && k + 1 < argc)
            bgname = argv[++k];
        else if (!strcmp(argv[k], "--absent"))
            absent = 1;
    }
    if (load_png(argv[1]) < 0 || !layout[0]) {
        fprintf(stderr, "find_text: %s: not a viewer screenshot\n", argv[1]);
        return 1;
    }
    char font[600];
    const char *f = field("font");
    snprintf(font, sizeof font, "%s", f ? f : "");
    int size = atoi(field("size") ? field("size") : "0"), cw = 0, ch = 0;
    if (field("cell")) sscanf(field("cell"), "%d,%d", &cw, &ch);
    const char *bgs = field(bgname);
    uint32_t bg = (uint32_t)strtoul(bgs ? bgs : bgname, NULL, 16);
    int px, py, pw, ph;
    if (!field(argv[2]) || sscanf(field(argv[2]), "%d,%d,%d,%d", &px, &py, &pw, &ph) != 4) {
        fprintf(stderr, "find_text: no pane '%s' in the layout\n", argv[2]);
        return 1;
    }
    if (access(font, R_OK) != 0) {
        printf("find_text: font %s not readable: skipped\n", font);
        return 77;
    }
    if (TTF_Init() < 0) return 77;
    TTF_Font *tf = TTF_OpenFont(font, size);
    if (!tf) return 77;
    TTF_SetFontHinting(tf, TTF_HINTING_NORMAL);
    /* the expected rendering: one glyph per cell, as a monospace terminal */
    const char *text = argv[3];
    int n = (int)strlen(text), tw = n * cw, th = ch;
    uint8_t *alpha = calloc((size_t)tw * (size_t)th, 1);
    SDL_Color white = {255, 255, 255, 255};
    for (int k = 0; k < n; k++) {
        if (text[k] == ' ') continue;
        SDL_Surface *s = TTF_RenderGlyph_Blended(tf, (Uint16)(unsigned char)text[k], white);
        if (!s) continue;
        SDL_Surface *c = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
        for (int y = 0; y < c->h && y < th; y++)
            for (int x = 0; x < c->w && k * cw + x < tw; x++) {
                uint32_t pix = ((uint32_t *)((uint8_t *)c->pixels + y * c->pitch))[x];
                uint8_t a = (uint8_t)(pix >> 24);
                uint8_t *d = &alpha[y * tw + k * cw + x];
                if (a > *d) *d = a;
            }
        SDL_FreeSurface(c);
        SDL_FreeSurface(s);
    }
    int ink_total = 0;
    for (int k = 0; k < tw * th; k++)
        ink_total += alpha[k] >= 200;
    int best = -1, bx = 0, by = 0;
    for (int y = py; y + th <= py + ph && y + th <= H; y++)
        for (int x = px; x + tw <= px + pw && x + tw <= W; x++) {
            int bad = 0, good = 0;
            for (int j = 0; j < th && bad <= 3; j++)
                for (int i = 0; i < tw && bad <= 3; i++) {
                    uint8_t a = alpha[j * tw + i];
                    const uint8_t *p = img + ((size_t)(y + j) * (size_t)W + (size_t)(x + i)) * 3;
                    if (a >= 200) {
                        if (dist(p, bg) > 120)
                            good++;
                        else
                            bad++;
                    } else if (a == 0) {
                        if (dist(p, bg) > 30) bad++;
                    }
                }
            if (bad <= 3 && good > best) best = good, bx = x, by = y;
        }
    int found = best >= 0 && best * 10 >= ink_total * 9;
    if (found)
        printf("find_text: '%s' found in %s at %d,%d (on %06x)\n", text, argv[2], bx, by, bg);
    else
        printf("find_text: '%s' not found in %s (%d,%d %dx%d) on %06x\n", text, argv[2], px, py, pw,
               ph, bg);
    return found != absent ? 0 : 1;
}
