/* A minimal PNG writer for --view-shot: 8-bit RGB, filter 0 on every row,
 * the zlib stream made of stored (uncompressed) deflate blocks, with the
 * CRC-32 and Adler-32 computed here, and one optional tEXt chunk (the
 * viewer puts its pane layout there for the tests). No dependency. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RINGSIDE_VIEWER_INTERNAL
#include "viewer.h"

static uint32_t crc_table[256];

static void crc_init(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static uint32_t crc_update(uint32_t crc, const uint8_t *b, size_t n) {
    for (size_t k = 0; k < n; k++)
        crc = crc_table[(crc ^ b[k]) & 0xff] ^ (crc >> 8);
    return crc;
}

static void be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static int chunk(FILE *f, const char *type, const uint8_t *data, size_t n) {
    uint8_t hdr[8];
    be32(hdr, (uint32_t)n);
    memcpy(hdr + 4, type, 4);
    uint32_t crc = crc_update(0xffffffffu, hdr + 4, 4);
    crc = crc_update(crc, data, n) ^ 0xffffffffu;
    uint8_t tail[4];
    be32(tail, crc);
    return fwrite(hdr, 1, 8, f) == 8 && (n == 0 || fwrite(data, 1, n, f) == n) &&
                   fwrite(tail, 1, 4, f) == 4
               ? 0
               : -1;
}

int png_write(const char *path, const uint8_t *rgb, int w, int h, int pitch, const char *key,
              const char *text) {
    crc_init();
    size_t row = (size_t)w * 3 + 1, raw_n = row * (size_t)h;
    size_t nblocks = raw_n / 65535 + 1;
    size_t z_n = 2 + raw_n + nblocks * 5 + 4;
    uint8_t *z = malloc(z_n);
    uint8_t *raw = malloc(raw_n);
    if (!z || !raw) {
        free(z);
        free(raw);
        return -1;
    }
    uint32_t a = 1, b = 0; /* Adler-32 */
    for (int y = 0; y < h; y++) {
        uint8_t *r = raw + row * (size_t)y;
        r[0] = 0; /* filter: none */
        memcpy(r + 1, rgb + (size_t)pitch * (size_t)y, (size_t)w * 3);
    }
    for (size_t k = 0; k < raw_n; k++) {
        a = (a + raw[k]) % 65521;
        b = (b + a) % 65521;
    }
    size_t o = 0;
    z[o++] = 0x78, z[o++] = 0x01; /* deflate, 32K window, no dictionary, check bits */
    for (size_t done = 0; done < raw_n || done == 0;) {
        size_t n = raw_n - done > 65535 ? 65535 : raw_n - done;
        z[o++] = done + n == raw_n ? 1 : 0; /* BFINAL, BTYPE 00 (stored) */
        z[o++] = (uint8_t)n, z[o++] = (uint8_t)(n >> 8);
        z[o++] = (uint8_t)~n, z[o++] = (uint8_t)(~n >> 8);
        memcpy(z + o, raw + done, n);
        o += n;
        done += n;
        if (!n) break;
    }
    be32(z + o, b << 16 | a);
    o += 4;
    free(raw);

    FILE *f = fopen(path, "wb");
    if (!f) {
        free(z);
        return -1;
    }
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    uint8_t ihdr[13];
    be32(ihdr, (uint32_t)w);
    be32(ihdr + 4, (uint32_t)h);
    ihdr[8] = 8, ihdr[9] = 2, ihdr[10] = 0, ihdr[11] = 0, ihdr[12] = 0; /* 8-bit RGB */
    int rc = fwrite(sig, 1, 8, f) == 8 ? 0 : -1;
    if (!rc) rc = chunk(f, "IHDR", ihdr, sizeof ihdr);
    if (!rc && key && text) {
        size_t kn = strlen(key), tn = strlen(text);
        uint8_t *t = malloc(kn + 1 + tn);
        if (t) {
            memcpy(t, key, kn + 1);
            memcpy(t + kn + 1, text, tn);
            rc = chunk(f, "tEXt", t, kn + 1 + tn);
            free(t);
        }
    }
    if (!rc) rc = chunk(f, "IDAT", z, o);
    if (!rc) rc = chunk(f, "IEND", NULL, 0);
    free(z);
    if (fclose(f) != 0) rc = -1;
    return rc;
}
