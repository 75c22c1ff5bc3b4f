/* Registers as gdb sees them: the target description (target.xml, in the
 * layout of gdb's own i386/amd64 features: core, sse, linux, segments, plus
 * org.ringside.x86.ring with the CPL) and the transfer of one register by
 * gdb number, little-endian as the protocol wants it. The numbering is
 * gdb's: amd64 rax rbx rcx rdx rsi rdi rbp rsp r8-r15 rip eflags cs ss ds es
 * fs gs st0-7 fctrl..fop xmm0-15 mxcsr orig_rax fs_base gs_base cpl; i386
 * eax ecx edx ebx esp ebp esi edi eip eflags segs st0-7 fctrl..fop xmm0-7
 * mxcsr orig_eax cpl (no segments feature: gdb 13 asserts on it for i386). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdb.h"

enum { K_GPR, K_RIP, K_FLAGS, K_SEG, K_ST, K_FPU, K_XMM, K_MXCSR, K_ORIG, K_BASE, K_CPL };

typedef struct RegDef {
    const char *name;
    int bits;
    const char *type, *group;
    int kind, arg;
    const char *feature; /* starts a new feature */
} RegDef;

/* gdb's amd64 GPR order in terms of the CPU's encoding order */
static const int gpr64[16] = {RAX, RBX, RCX, RDX, RSI, RDI, RBP, RSP,
                              R8,  R9,  R10, R11, R12, R13, R14, R15};
static const int seg_order[6] = {SEG_CS, SEG_SS, SEG_DS, SEG_ES, SEG_FS, SEG_GS};
static const char *const seg_names[6] = {"cs", "ss", "ds", "es", "fs", "gs"};
static const char *const fpu_names[8] = {"fctrl", "fstat", "ftag",  "fiseg",
                                         "fioff", "foseg", "fooff", "fop"};
static const char *const gpr64_names[16] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
                                            "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
static const char *const gpr32_names[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};

#define MAXREGS 72
static RegDef defs[2][MAXREGS];
static int ndefs[2];
static char *xml[2];
static size_t xml_len[2];

static void add(int w, const char *name, int bits, const char *type, const char *group, int kind,
                int arg, const char *feature) {
    defs[w][ndefs[w]++] = (RegDef){name, bits, type, group, kind, arg, feature};
}

static void build_defs(int is32) {
    int w = is32;
    static char stn[8][8], xmmn[16][8];
    for (int k = 0; k < 8; k++)
        snprintf(stn[k], sizeof stn[k], "st%d", k);
    for (int k = 0; k < 16; k++)
        snprintf(xmmn[k], sizeof xmmn[k], "xmm%d", k);
    const char *core = "org.gnu.gdb.i386.core";
    if (is32) {
        for (int k = 0; k < 8; k++)
            add(w, gpr32_names[k], 32, k == 4 || k == 5 ? "data_ptr" : "int32", NULL, K_GPR, k,
                k == 0 ? core : NULL);
        add(w, "eip", 32, "code_ptr", NULL, K_RIP, 0, NULL);
    } else {
        for (int k = 0; k < 16; k++)
            add(w, gpr64_names[k], 64, k == 6 || k == 7 ? "data_ptr" : "int64", NULL, K_GPR,
                gpr64[k], k == 0 ? core : NULL);
        add(w, "rip", 64, "code_ptr", NULL, K_RIP, 0, NULL);
    }
    add(w, "eflags", 32, "i386_eflags", NULL, K_FLAGS, 0, NULL);
    for (int k = 0; k < 6; k++)
        add(w, seg_names[k], 32, "int32", NULL, K_SEG, seg_order[k], NULL);
    for (int k = 0; k < 8; k++)
        add(w, stn[k], 80, "i387_ext", NULL, K_ST, k, NULL);
    for (int k = 0; k < 8; k++)
        add(w, fpu_names[k], 32, "int", "float", K_FPU, k, NULL);
    int nx = is32 ? 8 : 16;
    for (int k = 0; k < nx; k++)
        add(w, xmmn[k], 128, "vec128", NULL, K_XMM, k, k == 0 ? "org.gnu.gdb.i386.sse" : NULL);
    add(w, "mxcsr", 32, "i386_mxcsr", "vector", K_MXCSR, 0, NULL);
    add(w, is32 ? "orig_eax" : "orig_rax", is32 ? 32 : 64, "int", NULL, K_ORIG, 0,
        "org.gnu.gdb.i386.linux");
    if (!is32) { /* gdb 13's i386 numbering asserts on the segments feature: `monitor segs` */
        add(w, "fs_base", 64, "int", NULL, K_BASE, SEG_FS, "org.gnu.gdb.i386.segments");
        add(w, "gs_base", 64, "int", NULL, K_BASE, SEG_GS, NULL);
    }
    add(w, "cpl", 32, "int", "system", K_CPL, 0, "org.ringside.x86.ring");
}

static const char *const types_core =
    "<flags id=\"i386_eflags\" size=\"4\">"
    "<field name=\"\" start=\"22\" end=\"31\"/><field name=\"CF\" start=\"0\" end=\"0\"/>"
    "<field name=\"\" start=\"1\" end=\"1\"/><field name=\"PF\" start=\"2\" end=\"2\"/>"
    "<field name=\"AF\" start=\"4\" end=\"4\"/><field name=\"ZF\" start=\"6\" end=\"6\"/>"
    "<field name=\"SF\" start=\"7\" end=\"7\"/><field name=\"TF\" start=\"8\" end=\"8\"/>"
    "<field name=\"IF\" start=\"9\" end=\"9\"/><field name=\"DF\" start=\"10\" end=\"10\"/>"
    "<field name=\"OF\" start=\"11\" end=\"11\"/><field name=\"NT\" start=\"14\" end=\"14\"/>"
    "<field name=\"RF\" start=\"16\" end=\"16\"/><field name=\"VM\" start=\"17\" end=\"17\"/>"
    "<field name=\"AC\" start=\"18\" end=\"18\"/><field name=\"VIF\" start=\"19\" end=\"19\"/>"
    "<field name=\"VIP\" start=\"20\" end=\"20\"/><field name=\"ID\" start=\"21\" end=\"21\"/>"
    "</flags>";

static const char *const types_sse =
    "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
    "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
    "<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"
    "<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>"
    "<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"
    "<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>"
    "<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>"
    "<field name=\"v2_double\" type=\"v2d\"/><field name=\"v16_int8\" type=\"v16i8\"/>"
    "<field name=\"v8_int16\" type=\"v8i16\"/><field name=\"v4_int32\" type=\"v4i32\"/>"
    "<field name=\"v2_int64\" type=\"v2i64\"/><field name=\"uint128\" type=\"uint128\"/>"
    "</union>"
    "<flags id=\"i386_mxcsr\" size=\"4\">"
    "<field name=\"IE\" start=\"0\" end=\"0\"/><field name=\"DE\" start=\"1\" end=\"1\"/>"
    "<field name=\"ZE\" start=\"2\" end=\"2\"/><field name=\"OE\" start=\"3\" end=\"3\"/>"
    "<field name=\"UE\" start=\"4\" end=\"4\"/><field name=\"PE\" start=\"5\" end=\"5\"/>"
    "<field name=\"DAZ\" start=\"6\" end=\"6\"/><field name=\"IM\" start=\"7\" end=\"7\"/>"
    "<field name=\"DM\" start=\"8\" end=\"8\"/><field name=\"ZM\" start=\"9\" end=\"9\"/>"
    "<field name=\"OM\" start=\"10\" end=\"10\"/><field name=\"UM\" start=\"11\" end=\"11\"/>"
    "<field name=\"PM\" start=\"12\" end=\"12\"/><field name=\"FZ\" start=\"15\" end=\"15\"/>"
    "</flags>";

static void build_xml(int w) {
    size_t cap = 32768, n = 0;
    char *x = malloc(cap);
    if (!x) return;
    n += (size_t)snprintf(x + n, cap - n,
                          "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
                          "<target version=\"1.0\"><architecture>%s</architecture>"
                          "<osabi>GNU/Linux</osabi>",
                          w ? "i386" : "i386:x86-64");
    for (int k = 0; k < ndefs[w]; k++) {
        const RegDef *r = &defs[w][k];
        if (r->feature) {
            if (k) n += (size_t)snprintf(x + n, cap - n, "</feature>");
            n += (size_t)snprintf(x + n, cap - n, "<feature name=\"%s\">", r->feature);
            if (!strcmp(r->feature, "org.gnu.gdb.i386.core"))
                n += (size_t)snprintf(x + n, cap - n, "%s", types_core);
            if (!strcmp(r->feature, "org.gnu.gdb.i386.sse"))
                n += (size_t)snprintf(x + n, cap - n, "%s", types_sse);
        }
        n += (size_t)snprintf(x + n, cap - n,
                              "<reg name=\"%s\" bitsize=\"%d\" type=\"%s\" regnum=\"%d\"", r->name,
                              r->bits, r->type, k);
        if (r->group) n += (size_t)snprintf(x + n, cap - n, " group=\"%s\"", r->group);
        n += (size_t)snprintf(x + n, cap - n, "/>");
    }
    n += (size_t)snprintf(x + n, cap - n, "</feature></target>\n");
    xml[w] = x;
    xml_len[w] = n;
}

void gdb_regs_init(GdbRegs *g, int is32) {
    g->is32 = is32 ? 1 : 0;
    if (!ndefs[g->is32]) {
        build_defs(g->is32);
        build_xml(g->is32);
    }
    g->n = ndefs[g->is32];
}

const char *gdb_target_xml(const GdbRegs *g, size_t *len) {
    *len = xml_len[g->is32];
    return xml[g->is32];
}

int gdb_reg_size(const GdbRegs *g, int regno) {
    if (regno < 0 || regno >= ndefs[g->is32]) return -1;
    return defs[g->is32][regno].bits / 8;
}

static uint64_t fpu_get(Cpu *c, int k) {
    switch (k) {
    case 0: return c->fcw;
    case 1: return c->fsw;
    case 2: return c->ftw;
    case 3: return c->fcs;
    case 4: return (uint32_t)c->fip;
    case 5: return c->fds;
    case 6: return (uint32_t)c->fdp;
    default: return c->fop & 0x7ff;
    }
}

void gdb_reg_get(const GdbRegs *g, Dbg *d, int regno, uint8_t *out) {
    const RegDef *r = &defs[g->is32][regno];
    Cpu *c = d->c;
    uint64_t v = 0;
    int bytes = r->bits / 8;
    switch (r->kind) {
    case K_GPR: v = c->gpr[r->arg]; break;
    case K_RIP: v = c->rip; break;
    case K_FLAGS: v = cpu_get_rflags(c); break;
    case K_SEG: v = c->seg[r->arg].sel; break;
    case K_ST: memcpy(out, c->st[(((c->fsw >> 11) & 7) + r->arg) & 7], 10); return;
    case K_FPU: v = fpu_get(c, r->arg); break;
    case K_XMM: memcpy(out, &c->xmm[r->arg], 16); return;
    case K_MXCSR: v = c->mxcsr; break;
    case K_ORIG: v = ~0ull; break;
    case K_BASE: v = c->seg[r->arg].base; break;
    case K_CPL: v = c->cpl; break;
    }
    memcpy(out, &v, (size_t)bytes); /* little-endian host */
}

int gdb_reg_set(const GdbRegs *g, Dbg *d, int regno, const uint8_t *in) {
    if (regno < 0 || regno >= ndefs[g->is32]) return -1;
    const RegDef *r = &defs[g->is32][regno];
    Cpu *c = d->c;
    uint64_t v = 0;
    int bytes = r->bits / 8;
    if (bytes <= 8) memcpy(&v, in, (size_t)bytes);
    switch (r->kind) {
    case K_GPR:
        if (g->is32)
            c->gpr[r->arg] = (c->gpr[r->arg] & ~0xffffffffull) | (uint32_t)v;
        else
            c->gpr[r->arg] = v;
        return 0;
    case K_RIP: c->rip = g->is32 ? (c->rip & ~0xffffffffull) | (uint32_t)v : v; return 0;
    case K_FLAGS: cpu_set_rflags(c, (cpu_get_rflags(c) & ~0xffffffffull) | (uint32_t)v); return 0;
    case K_SEG: return v == c->seg[r->arg].sel ? 0 : -1; /* a selector load needs the GDT */
    case K_ST: memcpy(c->st[(((c->fsw >> 11) & 7) + r->arg) & 7], in, 10); return 0;
    case K_FPU:
        switch (r->arg) {
        case 0: c->fcw = (uint16_t)v; break;
        case 1: c->fsw = (uint16_t)v; break;
        case 2: c->ftw = (uint16_t)v; break;
        case 3: c->fcs = (uint16_t)v; break;
        case 4: c->fip = (uint32_t)v; break;
        case 5: c->fds = (uint16_t)v; break;
        case 6: c->fdp = (uint32_t)v; break;
        default: c->fop = (uint16_t)(v & 0x7ff); break;
        }
        return 0;
    case K_XMM: memcpy(&c->xmm[r->arg], in, 16); return 0;
    case K_MXCSR: c->mxcsr = (uint32_t)v; return 0;
    case K_ORIG: return 0; /* no system call restart to steer */
    case K_BASE:
        c->seg[r->arg].base = v;
        c->segbase[r->arg] = v;
        return 0;
    case K_CPL: return v == c->cpl ? 0 : -1;
    }
    return -1;
}
