/* Cases as one-line regression records, and the data-page fill they rely on.
 *
 *   v1 mn=<mnemonic> at=<offset> x87=<0|1> code=<hex> gpr=<rax>,...,<r15> fl=<rflags>
 *      mx=<mxcsr> xmm=<16 x 32 hex digits, byte 0 first> fill=<seed> mem=<off>:<hex>,...
 *      # <Zydis text>
 *
 * (one line). The data pages are data_fill(fill) with the mem= patches
 * applied in order. data_fill must never change: recorded lines depend on it. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

void data_fill(uint64_t seed, uint8_t *data) {
    static const uint64_t edge[8] = {0,
                                     1,
                                     ~0ull,
                                     0x7fffffffffffffffull,
                                     0x8000000000000000ull,
                                     0x80000000ull,
                                     0xffffffffull,
                                     0x7fffffffull};
    uint64_t s = seed ? seed : 1;
    for (unsigned k = 0; k < DATA_SIZE; k += 8) {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        uint64_t v = s * 0x2545F4914F6CDD1Dull;
        if ((v & 15) == 0) v = edge[(v >> 4) & 7];
        memcpy(data + k, &v, 8);
    }
}

void case_data(const FuzzCase *c, uint8_t *data) {
    data_fill(c->fill, data);
    for (int k = 0; k < c->npatch; k++)
        memcpy(data + c->patch[k].off, c->patch[k].b, c->patch[k].len);
}

static void hex(FILE *f, const uint8_t *b, size_t n) {
    for (size_t k = 0; k < n; k++)
        fprintf(f, "%02x", b[k]);
}

void regress_write(FILE *f, const FuzzCase *c) {
    char text[256];
    insn_text(c->code + c->at, c->ilen, NATIVE_CODE_ADDR + c->at, text, sizeof text);
    regress_write_fields(f, c);
    fprintf(f, "  # %s\n", text);
}

void regress_write_fields(FILE *f, const FuzzCase *c) {
    fprintf(f, "v1 mn=%s at=%zu x87=%d code=", ZydisMnemonicGetString((ZydisMnemonic)c->mnem),
            c->at, c->x87);
    hex(f, c->code, c->len);
    fprintf(f, " gpr=");
    for (int k = 0; k < 16; k++)
        fprintf(f, "%s%llx", k ? "," : "", (unsigned long long)c->in.gpr[k]);
    fprintf(f, " fl=%llx mx=%x xmm=", (unsigned long long)c->in.rflags, c->in.mxcsr);
    for (int k = 0; k < 16; k++) {
        if (k) fputc(',', f);
        hex(f, c->in.xmm[k], 16);
    }
    fprintf(f, " fill=%llx mem=", (unsigned long long)c->fill);
    for (int k = 0; k < c->npatch; k++) {
        fprintf(f, "%s%x:", k ? "," : "", c->patch[k].off);
        hex(f, c->patch[k].b, c->patch[k].len);
    }
    if (!c->npatch) fputc('-', f);
}

static int unhex(const char *s, size_t n, uint8_t *out, size_t max) {
    if (n % 2 || n / 2 > max) return -1;
    for (size_t k = 0; k < n / 2; k++) {
        char t[3] = {s[2 * k], s[2 * k + 1], 0};
        char *e;
        out[k] = (uint8_t)strtoul(t, &e, 16);
        if (*e) return -1;
    }
    return (int)(n / 2);
}

int regress_parse(const char *line, FuzzCase *c) {
    while (*line == ' ' || *line == '\t')
        line++;
    if (!*line || *line == '#' || *line == '\n') return 0;
    if (strncmp(line, "v1 ", 3) != 0) return -1;
    memset(c, 0, sizeof *c);
    c->form = -1;
    char buf[16384];
    snprintf(buf, sizeof buf, "%s", line + 3);
    char *hash = strstr(buf, " #");
    if (hash) *hash = 0;
    int have = 0;
    for (char *save, *tok = strtok_r(buf, " \t\n", &save); tok;
         tok = strtok_r(NULL, " \t\n", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq) return -1;
        *eq = 0;
        const char *k = tok, *v = eq + 1;
        if (!strcmp(k, "mn")) {
            continue; /* informational: the mnemonic comes from decoding */
        } else if (!strcmp(k, "at")) {
            c->at = strtoul(v, NULL, 10);
        } else if (!strcmp(k, "x87")) {
            c->x87 = atoi(v);
        } else if (!strcmp(k, "code")) {
            int n = unhex(v, strlen(v), c->code, sizeof c->code);
            if (n <= 0) return -1;
            c->len = (size_t)n;
            have |= 1;
        } else if (!strcmp(k, "gpr")) {
            char *p = (char *)v;
            for (int r = 0; r < 16; r++) {
                c->in.gpr[r] = strtoull(p, &p, 16);
                if (r < 15 && *p++ != ',') return -1;
            }
            have |= 2;
        } else if (!strcmp(k, "fl")) {
            c->in.rflags = strtoull(v, NULL, 16);
        } else if (!strcmp(k, "mx")) {
            c->in.mxcsr = (uint32_t)strtoul(v, NULL, 16);
        } else if (!strcmp(k, "xmm")) {
            for (int r = 0; r < 16; r++, v += 33)
                if (strlen(v) < 32 || unhex(v, 32, c->in.xmm[r], 16) != 16) return -1;
        } else if (!strcmp(k, "fill")) {
            c->fill = strtoull(v, NULL, 16);
        } else if (!strcmp(k, "mem")) {
            if (!strcmp(v, "-")) continue;
            char *p = (char *)v;
            while (*p && c->npatch < FZ_MAX_PATCH) {
                Patch *q = &c->patch[c->npatch++];
                q->off = (uint16_t)strtoul(p, &p, 16);
                if (*p++ != ':') return -1;
                size_t n = strcspn(p, ",");
                int got = unhex(p, n, q->b, 16);
                if (got <= 0 || q->off + got > (int)DATA_SIZE) return -1;
                q->len = (uint8_t)got;
                p += n;
                if (*p == ',') p++;
            }
        } else {
            return -1;
        }
    }
    if (have != 3 || c->at >= c->len) return -1;
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
    if (decode_at(c->code + c->at, c->len - c->at, &zi, zo) != 0) return -1;
    c->ilen = zi.length;
    c->mnem = (uint16_t)zi.mnemonic;
    return 1;
}
