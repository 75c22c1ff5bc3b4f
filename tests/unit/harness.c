/* The ringside side of the differential unit tests, and the comparison. */
#include "harness.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/mem.h"

/* ---- ringside execution ---- */

static Mem *g_mem;
static Cpu *g_cpu;
static uint8_t g_last_code[4096];
static size_t g_last_len = ~(size_t)0;
static int g_last_m32;
static int g_model_set; /* rs_set_model */
static CpuVendor g_model_vendor;
static unsigned g_model_family;

static int rs_setup(void) {
    g_mem = mem_new();
    if (!g_mem) return -1;
    if (mem_map(g_mem, NATIVE_CODE_ADDR, 4096, MEM_R | MEM_W | MEM_X | MEM_U, "code") ||
        mem_map(g_mem, DATA_ADDR, DATA_SIZE, MEM_R | MEM_W | MEM_U, "data") ||
        mem_map(g_mem, STACK_ADDR, STACK_SIZE, MEM_R | MEM_W | MEM_U, "stack") ||
        mem_map(g_mem, RO_ADDR, 4096, MEM_R | MEM_W | MEM_U, "ro"))
        return -1;
    uint8_t pat[4096];
    for (unsigned k = 0; k < 4096; k++)
        pat[k] = (uint8_t)(7 * k + 3);
    if (mem_write(g_mem, RO_ADDR, pat, sizeof pat, 0) ||
        mem_protect(g_mem, RO_ADDR, 4096, MEM_R | MEM_U))
        return -1;
    /* the modelled vendor is the host's, as ringside's default: vendor
     * differences must compare against the CPU actually running the test */
    CpuVendor v;
    unsigned fam;
    cpu_host_model(&v, &fam);
    if (g_model_set) v = g_model_vendor, fam = g_model_family;
    g_cpu = cpu_new(g_mem, v);
    if (g_cpu) g_cpu->family = (uint16_t)fam;
    return g_cpu ? 0 : -1;
}

/* Replaying native results recorded on another host (tests/fuzz --check-recorded):
 * ringside models the recorded CPU; the native side is untouched. */
void rs_set_model(int vendor, unsigned family) {
    g_model_set = 1;
    g_model_vendor = (CpuVendor)vendor;
    g_model_family = family;
    if (!g_cpu) return;
    g_cpu->vendor = g_model_vendor;
    g_cpu->family = (uint16_t)family;
    cpu_flush_code(g_cpu); /* handlers are chosen by model at decode time */
}

struct Cpu *rs_cpu(void) {
    return g_cpu;
}

/* The signal Linux delivers for an exception in user mode. */
static int vector_signal(int v) {
    switch (v) {
    case EXC_DE:
    case EXC_MF:
    case EXC_XM: return SIGFPE;
    case EXC_DB:
    case EXC_BP: return SIGTRAP;
    case EXC_UD: return SIGILL;
    case EXC_NP:
    case EXC_SS:
    case EXC_AC: return SIGBUS;
    default: return SIGSEGV; /* #GP, #PF, #OF, #BR, #TS */
    }
}

/* The address of ringside's last #PF in rs_exec (~0: none). */
static uint64_t g_pf_addr = ~0ull;

/* Under AddressSanitizer the native side's address space also holds ASan's
 * shadow memory (x86-64: 0x7fff8000 up to 0x10007fff8000), so a random
 * pointer there reads natively where the guest, as on a plain host, faults.
 * Such a case compares nothing: it is dropped, not failed. */
#if defined(__SANITIZE_ADDRESS__)
#define RS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RS_ASAN 1
#endif
#endif
static int asan_shadow_artefact(int nsig, int rsig) {
#ifdef RS_ASAN
    return nsig == 0 && rsig == SIGSEGV && g_pf_addr >= 0x7fff8000ull &&
           g_pf_addr < 0x10007fff8000ull;
#else
    (void)nsig, (void)rsig;
    return 0;
#endif
}

/* m32: 32-bit compatibility mode (native_exec32's code page and contract). */
static int rs_exec_mode(const uint8_t *code, size_t len, RegState *st, uint8_t *data, int m32) {
    static int ready;
    if (!ready) ready = rs_setup() == 0 ? 1 : -1;
    if (ready < 0 || len > (m32 ? CODE32_MAX : CODE_MAX)) return -1;
    Cpu *c = g_cpu;

    /* Rewriting the code page flushes the decode cache: skip it when the
     * snippet did not change. The page is byte-identical to native's. */
    if (len != g_last_len || m32 != g_last_m32 || memcmp(code, g_last_code, len) != 0) {
        uint8_t buf[4096];
        if (m32)
            native_code_page32(code, len, buf);
        else
            native_code_page(code, len, buf);
        if (mem_write(g_mem, NATIVE_CODE_ADDR, buf, sizeof buf, 0) != 0) return -1;
        memcpy(g_last_code, code, len);
        g_last_len = len;
        g_last_m32 = m32;
    }
    static const uint8_t zero[STACK_SIZE];
    if (mem_write(g_mem, DATA_ADDR, data, DATA_SIZE, 0) != 0 ||
        mem_write(g_mem, STACK_ADDR, zero, STACK_SIZE, 0) != 0)
        return -1;

    if (m32) {
        cpu_reset_flat_compat32(c, 3);
        memset(c->gpr, 0, sizeof st->gpr);
        for (int r = 0; r < 8; r++)
            c->gpr[r] = (uint32_t)st->gpr[r];
    } else {
        cpu_reset_flat64(c, 3);
        memcpy(c->gpr, st->gpr, sizeof st->gpr);
    }
    c->gpr[REG_ZERO] = 0;
    memcpy(c->xmm, st->xmm, sizeof st->xmm);
    c->mxcsr = st->mxcsr;
    cpu_set_rflags(c, (st->rflags & RS_FLAGS_LOADABLE) | 0x202);
    c->rip = NATIVE_CODE_ADDR;

    /* Stop where native's return jump sits: a breakpoint at the end (blocks
     * are cut before it; branches that skip ahead land on it too). */
    static uint64_t bp_at;
    const uint64_t end = NATIVE_CODE_ADDR + len;
    if (bp_at != end) {
        if (bp_at) cpu_remove_breakpoint(c, bp_at);
        if (cpu_add_breakpoint(c, end) != 0) return -1;
        bp_at = end;
    }
    c->bp_skip = ~0ull; /* not a resumption */
    CpuEvent ev = cpu_run(c, 10000000);

    int sig = 0;
    g_pf_addr = ~0ull;
    if (ev == CPU_EV_EXCEPTION) {
        sig = vector_signal(c->exc_vector);
        if (c->exc_vector == EXC_PF) g_pf_addr = c->cr2;
    }
    else if (ev != CPU_EV_BREAKPOINT || c->rip != end)
        sig = -2; /* ran away, or stopped for another reason */

    memcpy(st->gpr, c->gpr, sizeof st->gpr);
    st->rflags = cpu_get_rflags(c);
    st->rip = c->rip;
    memcpy(st->xmm, c->xmm, sizeof st->xmm);
    st->mxcsr = c->mxcsr;
    if (m32) {
        for (int r = 0; r < 16; r++)
            st->gpr[r] = r < 8 ? (uint32_t)st->gpr[r] : 0;
        st->rip = (uint32_t)st->rip;
        st->rflags &= 0xffffffffull;
    }
    if (mem_read(g_mem, data, DATA_ADDR, DATA_SIZE, 0) != 0) return -1;
    return sig;
}

int rs_exec(const uint8_t *code, size_t len, RegState *st, uint8_t *data) {
    return rs_exec_mode(code, len, st, data, 0);
}

int rs_exec32(const uint8_t *code, size_t len, RegState *st, uint8_t *data) {
    return rs_exec_mode(code, len, st, data, 1);
}

/* ---- random inputs ---- */

Rng rng_seeded(uint64_t salt) {
    const char *e = getenv("RS_SEED");
    uint64_t seed = e ? strtoull(e, NULL, 0) : 0x5eed1234abcdull;
    Rng r = {seed ^ (salt * 0x9E3779B97F4A7C15ull)};
    if (!r.s) r.s = 1;
    for (int k = 0; k < 4; k++)
        rng_u64(&r);
    return r;
}

uint64_t rng_edge(Rng *r, unsigned size) {
    const uint64_t m = size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
    const uint64_t sb = 1ull << (size * 8 - 1);
    uint64_t v;
    switch (rng_below(r, 2) ? 99 : rng_below(r, 20)) {
    case 0: v = 0; break;
    case 1: v = 1; break;
    case 2: v = m; break;      /* -1 */
    case 3: v = sb - 1; break; /* signed max */
    case 4: v = sb; break;     /* signed min */
    case 5: v = sb + 1; break;
    case 6: v = m - 1; break;
    case 7: v = 2; break;
    case 8: v = 0x7f; break;
    case 9: v = 0x80; break;
    case 10: v = 0xff; break;
    case 11: v = 0x100; break;
    case 12: v = 0x7fff; break;
    case 13: v = 0x8000; break;
    case 14: v = 0xffff; break;
    case 15: v = 0x7fffffff; break;
    case 16: v = 0x80000000; break;
    case 17: v = 0xffffffff; break;
    case 18: v = 0x0f; break;
    case 19: v = 0x10; break;
    default: {
        /* random, with a random density of set bits */
        uint64_t a = rng_u64(r);
        switch (rng_below(r, 4)) {
        case 0: v = a & rng_u64(r); break;
        case 1: v = a | rng_u64(r); break;
        case 2: v = a >> rng_below(r, 64); break;
        default: v = a; break;
        }
        break;
    }
    }
    return v & m;
}

uint64_t rng_reg(Rng *r, unsigned size) {
    uint64_t m = size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
    uint64_t hi = rng_below(r, 4) == 0 ? 0 : rng_u64(r);
    return (hi & ~m) | rng_edge(r, size);
}

void state_random(Rng *r, RegState *st) {
    memset(st, 0, sizeof *st);
    for (int k = 0; k < 16; k++)
        st->gpr[k] = rng_reg(r, 8);
    st->gpr[4] = STACK_ADDR + 0x800;
    st->rflags = rng_u64(r) & RS_FLAGS_LOADABLE;
    for (int k = 0; k < 16; k++)
        for (int b = 0; b < 16; b += 8) {
            uint64_t v = rng_u64(r);
            memcpy(&st->xmm[k][b], &v, 8);
        }
    st->mxcsr = 0x1f80;
}

void data_random(Rng *r, uint8_t *data) {
    for (unsigned k = 0; k < DATA_SIZE; k += 8) {
        uint64_t v = rng_below(r, 8) == 0 ? rng_edge(r, 8) : rng_u64(r);
        memcpy(data + k, &v, 8);
    }
}

/* ---- encoding ---- */

ZydisEncoderOperand E_reg(ZydisRegister reg) {
    ZydisEncoderOperand o;
    memset(&o, 0, sizeof o);
    o.type = ZYDIS_OPERAND_TYPE_REGISTER;
    o.reg.value = reg;
    return o;
}

ZydisEncoderOperand E_mem(unsigned size, ZydisRegister base, ZydisRegister index, unsigned scale,
                          int64_t disp) {
    ZydisEncoderOperand o;
    memset(&o, 0, sizeof o);
    o.type = ZYDIS_OPERAND_TYPE_MEMORY;
    o.mem.base = base;
    o.mem.index = index;
    o.mem.scale = (ZyanU8)(index == ZYDIS_REGISTER_NONE ? 0 : scale);
    o.mem.displacement = disp;
    o.mem.size = (ZyanU16)size;
    return o;
}

ZydisEncoderOperand E_imm(int64_t v) {
    ZydisEncoderOperand o;
    memset(&o, 0, sizeof o);
    o.type = ZYDIS_OPERAND_TYPE_IMMEDIATE;
    o.imm.s = v;
    return o;
}

size_t enc(uint8_t *out, ZydisMnemonic m, uint32_t prefixes, const ZydisEncoderOperand *ops,
           unsigned nops) {
    ZydisEncoderRequest req;
    memset(&req, 0, sizeof req);
    req.machine_mode = ZYDIS_MACHINE_MODE_LONG_64;
    req.mnemonic = m;
    req.prefixes = prefixes;
    req.operand_count = (ZyanU8)nops;
    for (unsigned k = 0; k < nops; k++)
        req.operands[k] = ops[k];
    ZyanUSize len = ZYDIS_MAX_INSTRUCTION_LENGTH;
    if (!ZYAN_SUCCESS(ZydisEncoderEncodeInstruction(&req, out, &len))) return 0;
    return len;
}

ZydisRegister gpr_reg(unsigned size, unsigned n) {
    switch (size) {
    case 1:
        if (n >= 16) {
            static const ZydisRegister hi[4] = {ZYDIS_REGISTER_AH, ZYDIS_REGISTER_CH,
                                                ZYDIS_REGISTER_DH, ZYDIS_REGISTER_BH};
            return hi[n - 16];
        }
        if (n < 4) return (ZydisRegister)(ZYDIS_REGISTER_AL + n);
        return (ZydisRegister)(ZYDIS_REGISTER_SPL + (n - 4));
    case 2: return (ZydisRegister)(ZYDIS_REGISTER_AX + n);
    case 4: return (ZydisRegister)(ZYDIS_REGISTER_EAX + n);
    default: return (ZydisRegister)(ZYDIS_REGISTER_RAX + n);
    }
}

unsigned rng_gpr(Rng *r, unsigned size) { return rng_below(r, size == 1 ? 20 : 16); }

void disasm(const uint8_t *code, size_t len, char *out, size_t outlen) {
    ZydisDecoder d;
    ZydisDecoderInit(&d, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    ZydisFormatter f;
    ZydisFormatterInit(&f, ZYDIS_FORMATTER_STYLE_INTEL);
    size_t off = 0, w = 0;
    out[0] = 0;
    while (off < len && w + 8 < outlen) {
        ZydisDecodedInstruction zi;
        ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
        if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&d, code + off, len - off, &zi, zo))) {
            snprintf(out + w, outlen - w, "%s(bad)", w ? "; " : "");
            return;
        }
        if (w) w += (size_t)snprintf(out + w, outlen - w, "; ");
        ZydisFormatterFormatInstruction(&f, &zi, zo, zi.operand_count_visible, out + w, outlen - w,
                                        NATIVE_CODE_ADDR + off, NULL);
        w = strlen(out);
        off += zi.length;
    }
}

ZydisEncoderOperand mem_at(Rng *r, uint64_t addr, unsigned size, MemSpec *ms) {
    memset(ms, 0, sizeof *ms);
    ms->addr = addr;
    if (rng_below(r, 2) == 0) { /* absolute [disp32] */
        return E_mem(size, ZYDIS_REGISTER_NONE, ZYDIS_REGISTER_NONE, 0, (int64_t)addr);
    }
    ms->use_regs = 1;
    ms->b = rng_below(r, 16);
    int with_index = rng_below(r, 2);
    ms->x = 16;
    if (with_index) {
        do
            ms->x = rng_below(r, 16);
        while (ms->x == 4 || ms->x == ms->b);
        ms->scale = 1u << rng_below(r, 4);
        ms->xv = rng_below(r, 256);
    }
    ms->disp = rng_below(r, 3) == 0 ? 0 : (int64_t)rng_below(r, 2001) - 1000;
    unsigned asz = 8;
    if (rng_below(r, 4) == 0) {
        ms->asz32 = 1;
        ms->hi = rng_u64(r) & ~0xffffffffull;
        asz = 4;
    }
    return E_mem(size, gpr_reg(asz, ms->b), with_index ? gpr_reg(asz, ms->x) : ZYDIS_REGISTER_NONE,
                 ms->scale, ms->disp);
}

uint64_t data_addr_pick(Rng *r, unsigned size) {
    switch (rng_below(r, 4)) {
    case 0: /* straddle the boundary between the two data pages */
        return DATA_ADDR + 0x1000 - size + 1 + rng_below(r, size > 1 ? size - 1 : 1);
    case 1: /* aligned */ return DATA_ADDR + (rng_below(r, DATA_SIZE / size) * size);
    default: return DATA_ADDR + rng_below(r, DATA_SIZE - size + 1);
    }
}

ZydisEncoderOperand mem_pick(Rng *r, unsigned size, MemSpec *ms) {
    return mem_at(r, data_addr_pick(r, size), size, ms);
}

void mem_apply(const MemSpec *ms, RegState *st) {
    if (!ms->use_regs) return;
    uint64_t x = ms->x < 16 ? ms->xv * ms->scale : 0;
    if (ms->x < 16) st->gpr[ms->x] = ms->xv;
    st->gpr[ms->b] = ms->addr - (uint64_t)ms->disp - x;
    if (ms->asz32) {
        st->gpr[ms->b] = (st->gpr[ms->b] & 0xffffffffull) | ms->hi;
        if (ms->x < 16) st->gpr[ms->x] |= ms->hi ^ 0xffffffff00000000ull;
    }
}

/* ---- comparing ---- */

static const char *g_name = "test";
static unsigned long g_cases, g_fail, g_undef, g_sigs[32];
static const char *const gpr_names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                          "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

static void flags_str(uint64_t f, char *s) {
    static const struct {
        uint64_t bit;
        char on, off;
    } t[] = {{0x1, 'C', 'c'},  {0x4, 'P', 'p'},   {0x10, 'A', 'a'}, {0x40, 'Z', 'z'},
             {0x80, 'S', 's'}, {0x400, 'D', 'd'}, {0x800, 'O', 'o'}};
    for (int k = 0; k < 7; k++)
        s[k] = (f & t[k].bit) ? t[k].on : t[k].off;
    s[7] = 0;
}

static void print_case(const uint8_t *code, size_t len, const RegState *in, const RegState *n,
                       int nsig, const RegState *r, int rsig, uint64_t defined, const char *why) {
    char text[256], fi[8], fn[8], fr[8], fd[8];
    disasm(code, len, text, sizeof text);
    fprintf(stderr, "%s: MISMATCH (%s): %s   [", g_name, why, text);
    for (size_t k = 0; k < len; k++)
        fprintf(stderr, "%s%02x", k ? " " : "", code[k]);
    fprintf(stderr, "]\n");
    flags_str(in->rflags, fi);
    flags_str(n->rflags, fn);
    flags_str(r->rflags, fr);
    flags_str(defined | 0x400, fd);
    fprintf(stderr, "  flags in %s  native %s  ringside %s  (compared: %s)\n", fi, fn, fr, fd);
    fprintf(stderr, "  signal native %d ringside %d; rip native %#llx ringside %#llx\n", nsig, rsig,
            (unsigned long long)n->rip, (unsigned long long)r->rip);
    fprintf(stderr, "  mxcsr in %08x  native %08x  ringside %08x\n", in->mxcsr, n->mxcsr, r->mxcsr);
    for (int k = 0; k < 16; k++) {
        if (!memcmp(n->xmm[k], r->xmm[k], 16)) continue;
        fprintf(stderr, " *xmm%-2d in ", k);
        for (int b = 15; b >= 0; b--)
            fprintf(stderr, "%02x", in->xmm[k][b]);
        fprintf(stderr, "\n         native ");
        for (int b = 15; b >= 0; b--)
            fprintf(stderr, "%02x", n->xmm[k][b]);
        fprintf(stderr, "\n       ringside ");
        for (int b = 15; b >= 0; b--)
            fprintf(stderr, "%02x", r->xmm[k][b]);
        fprintf(stderr, "\n");
    }
    for (int k = 0; k < 16; k++) {
        int bad = n->gpr[k] != r->gpr[k];
        fprintf(stderr, "  %c%-3s in %016llx  native %016llx  ringside %016llx\n", bad ? '*' : ' ',
                gpr_names[k], (unsigned long long)in->gpr[k], (unsigned long long)n->gpr[k],
                (unsigned long long)r->gpr[k]);
    }
}

static unsigned g_retries;
void diff_set_retries(unsigned n) { g_retries = n; }

int diff_run(const uint8_t *code, size_t len, const RegState *in, const uint8_t *data,
             uint64_t defined) {
    static uint8_t dn[DATA_SIZE], dr[DATA_SIZE];
    RegState n, r;
    unsigned attempt = 0;
again:
    n = *in, r = *in;
    memcpy(dn, data, DATA_SIZE);
    memcpy(dr, data, DATA_SIZE);
    int nsig = native_exec(code, len, &n, dn);
    if (nsig < 0) {
        fprintf(stderr, "%s: cannot set up the native side (fixed mappings): SKIP\n", g_name);
        exit(77);
    }
    int rsig = rs_exec(code, len, &r, dr);
    if (rsig == -1) {
        fprintf(stderr, "%s: cannot set up ringside's memory\n", g_name);
        exit(1);
    }
    if (asan_shadow_artefact(nsig, rsig)) return 0;
    g_cases++;

    const uint64_t cmpmask = (defined & 0x8d5) | 0x400; /* + DF */
    char why[128] = "";
    if (nsig != rsig)
        snprintf(why, sizeof why, "signal");
    else if (n.rip != r.rip)
        snprintf(why, sizeof why, "rip");
    else if (memcmp(n.gpr, r.gpr, sizeof n.gpr) != 0)
        snprintf(why, sizeof why, "registers");
    else if ((n.rflags ^ r.rflags) & cmpmask)
        snprintf(why, sizeof why, "flags");
    else if (!nsig && memcmp(n.xmm, r.xmm, sizeof n.xmm) != 0)
        snprintf(why, sizeof why, "xmm");
    else if (!nsig && n.mxcsr != r.mxcsr)
        snprintf(why, sizeof why, "mxcsr");
    else {
        for (unsigned k = 0; k < DATA_SIZE; k++)
            if (dn[k] != dr[k]) {
                snprintf(why, sizeof why, "memory at %#llx: native %02x ringside %02x",
                         (unsigned long long)(DATA_ADDR + k), dn[k], dr[k]);
                break;
            }
    }
    if (why[0] && attempt++ < g_retries) {
        g_cases--;
        goto again;
    }
    if (why[0]) {
        if (++g_fail <= 12) print_case(code, len, in, &n, nsig, &r, rsig, defined, why);
        return 1;
    }
    if (nsig > 0 && nsig < 32) g_sigs[nsig]++;
    static int undef = -1;
    if (undef < 0) undef = getenv("RS_UNDEF") && atoi(getenv("RS_UNDEF"));
    if (undef && ((n.rflags ^ r.rflags) & 0x8d5 & ~cmpmask)) {
        if (++g_undef <=
            (unsigned long)atoi(getenv("RS_UNDEF_MAX") ? getenv("RS_UNDEF_MAX") : "40")) {
            char text[256], fi[8], fn[8], fr[8];
            disasm(code, len, text, sizeof text);
            flags_str(in->rflags, fi);
            flags_str(n.rflags, fn);
            flags_str(r.rflags, fr);
            fprintf(stderr,
                    "%s: note: undefined flags differ: %s  in %s native %s ringside %s"
                    "  (rax=%llx rcx=%llx rdx=%llx)\n",
                    g_name, text, fi, fn, fr, (unsigned long long)in->gpr[0],
                    (unsigned long long)in->gpr[1], (unsigned long long)in->gpr[2]);
        }
    }
    return 0;
}

void test_begin(const char *name) {
    g_name = name;
    setvbuf(stdout, NULL, _IOLBF, 0);
}

unsigned long test_failures(void) { return g_fail; }

unsigned iters(unsigned base) {
    const char *e = getenv("RS_ITERS");
    unsigned m = e ? (unsigned)atoi(e) : 1;
    return base * (m ? m : 1);
}

int test_end(void) {
    printf("%s: %lu cases, %lu mismatches", g_name, g_cases, g_fail);
    if (g_undef) printf(", %lu with differing undefined flags (RS_UNDEF)", g_undef);
    for (int s = 1; s < 32; s++)
        if (g_sigs[s]) printf(", %lu %s", g_sigs[s], strsignal(s));
    printf("\n");
    return g_fail ? 1 : 0;
}
