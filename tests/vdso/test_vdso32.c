/* Tests of the 32-bit vDSO (vdso/vdso.h).
 *   test_vdso32                      map each entry variant into a Mem and check
 *                                    the code by decoding it (Zydis, 32-bit) and
 *                                    the symbols by (name, version) lookup
 *   test_vdso32 --dump FILE          write the embedded image (for readelf)
 *   test_vdso32 --compare-host FILE  compare with the host kernel's own vDSO as
 *                                    printed by host_vdso32_dump (the oracle)
 *   test_vdso32 --dump-mapped KIND FILE  write the mapped image of a variant
 *                                    (host|int80|sysenter|syscall; for native_vdso32)
 * Expected instruction sequences are Linux's vdso32 ABI, written by hand. */
#include <Zydis/Zydis.h>
#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "elf32_vsym.h"
#include "vdso/vdso.h"

static int failures;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                            \
            printf(__VA_ARGS__);                                                                   \
            putchar('\n');                                                                         \
        }                                                                                          \
    } while (0)

#define BASE 0xf7fc0000ull /* where Linux typically puts it for a 32-bit task */

static const char *const kind_name[] = {"int80", "sysenter", "syscall"};

static const struct {
    const char *name, *ver;
} exported[] = {
    {"__kernel_vsyscall", "LINUX_2.5"},     {"__kernel_sigreturn", "LINUX_2.5"},
    {"__kernel_rt_sigreturn", "LINUX_2.5"}, {"__vdso_clock_gettime", "LINUX_2.6"},
    {"__vdso_gettimeofday", "LINUX_2.6"},   {"__vdso_time", "LINUX_2.6"},
    {"__vdso_clock_getres", "LINUX_2.6"},   {"__vdso_clock_gettime64", "LINUX_2.6"},
    {"__vdso_getcpu", "LINUX_2.6"},
};
#define NEXPORTED (sizeof exported / sizeof exported[0])

/* ---- decoding ----------------------------------------------------------- */

static ZydisDecoder dec;
static ZydisFormatter fmt;

static void zydis_init(void) {
    ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_COMPAT_32, ZYDIS_STACK_WIDTH_32);
    ZydisFormatterInit(&fmt, ZYDIS_FORMATTER_STYLE_INTEL);
    ZydisFormatterSetProperty(&fmt, ZYDIS_FORMATTER_PROP_DISP_PADDING, ZYDIS_PADDING_DISABLED);
    ZydisFormatterSetProperty(&fmt, ZYDIS_FORMATTER_PROP_IMM_PADDING, ZYDIS_PADDING_DISABLED);
    ZydisFormatterSetProperty(&fmt, ZYDIS_FORMATTER_PROP_FORCE_SIZE, ZYAN_TRUE);
}

/* Decode the instructions in code[0..len) and compare them with want[] (Intel
 * syntax, case-insensitive; "nop4" = a 4-byte NOP). Every byte must be
 * covered. *after_int80 gets the offset just past the first int 0x80. */
static void expect_code(const char *what, const uint8_t *code, size_t len, const char *const *want,
                        size_t nwant, size_t *after_int80) {
    size_t off = 0, k = 0;
    if (after_int80) *after_int80 = 0;
    for (; off < len && k < nwant; k++) {
        ZydisDecodedInstruction zi;
        ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
        if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, code + off, len - off, &zi, zo))) {
            CHECK(0, "%s: undecodable bytes at +%zu", what, off);
            return;
        }
        char text[96];
        ZydisFormatterFormatInstruction(&fmt, &zi, zo, zi.operand_count_visible, text, sizeof text,
                                        0, NULL);
        if (!strcmp(want[k], "nop4"))
            CHECK(zi.mnemonic == ZYDIS_MNEMONIC_NOP && zi.length == 4,
                  "%s +%zu: got \"%s\" (%u bytes), want a 4-byte nop", what, off, text, zi.length);
        else
            CHECK(!strcasecmp(text, want[k]), "%s +%zu: got \"%s\", want \"%s\"", what, off, text,
                  want[k]);
        off += zi.length;
        if (after_int80 && !*after_int80 && !strcmp(want[k], "int 0x80")) *after_int80 = off;
    }
    CHECK(k == nwant && off == len, "%s: %zu of %zu instructions cover %zu of %zu bytes", what, k,
          nwant, off, len);
}

/* ---- the image ---------------------------------------------------------- */

static void test_image(void) {
    size_t len;
    const uint8_t *img = vdso32_image(&len);
    const Elf32_Ehdr *eh = (const Elf32_Ehdr *)img;
    CHECK(len > sizeof *eh && !memcmp(eh->e_ident, ELFMAG, SELFMAG), "not an ELF image");
    CHECK(eh->e_ident[EI_CLASS] == ELFCLASS32 && eh->e_machine == EM_386 && eh->e_type == ET_DYN,
          "not an ELF32 i386 shared object");
    /* whole pages, at least the two Linux 6.18's image takes */
    CHECK(vdso32_size() % PAGE_SIZE == 0 && vdso32_size() >= len &&
              (vdso32_size() - len < PAGE_SIZE || vdso32_size() == 2 * PAGE_SIZE),
          "vdso32_size %zu for a %zu-byte image", vdso32_size(), len);
    const Vdso32Layout *l = vdso32_layout();
    CHECK(eh->e_entry == l->vsyscall, "e_entry %#x, __kernel_vsyscall at %#x", eh->e_entry,
          l->vsyscall);
    CHECK(l->patch == l->vsyscall + 3 && l->patch_len == 4 && l->int80 == l->patch + 4 &&
              l->landing == l->int80 + 2,
          "vsyscall layout: patch %#x len %u int80 %#x landing %#x", l->patch, l->patch_len,
          l->int80, l->landing);
    CHECK(l->vvar == -VDSO32_VVAR_PAGES * (int)PAGE_SIZE && VDSO32_VVAR_PAGES == 6,
          "clock page at %d, want 6 pages below ([vvar] 4, [vvar_vclock] 2)", l->vvar);
    /* The unpatched image carries the int $0x80 variant's bytes. */
    CHECK(!memcmp(img + l->patch, vdso32_entry_bytes(VDSO32_ENTRY_INT80), 4),
          "image patch site is not the int80 variant");
    CHECK(vdso32_entry_bytes(3) == NULL && vdso32_entry_bytes(-1) == NULL, "bad kind accepted");
}

/* ---- mapping ------------------------------------------------------------ */

/* The time functions are compiled C (vdso/common/vclock.c; their results
 * are tested by tests/dynamic/vclock.c): what must hold here is that each
 * decodes cleanly to its end, keeps an int $0x80 fallback, that getcpu
 * reads TSC_AUX with RDTSCP, and that none makes a fast system call. */
static void scan_code(const char *what, const uint8_t *code, size_t len, int want_int80,
                      int want_rdtscp) {
    size_t off = 0;
    int int80 = 0, rdtscp = 0, fast = 0;
    while (off < len) {
        ZydisDecodedInstruction zi;
        ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
        if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, code + off, len - off, &zi, zo))) {
            CHECK(0, "%s: undecodable bytes at +%zu", what, off);
            return;
        }
        rdtscp += zi.mnemonic == ZYDIS_MNEMONIC_RDTSCP;
        int80 += zi.mnemonic == ZYDIS_MNEMONIC_INT && zo[0].imm.value.u == 0x80;
        fast += zi.mnemonic == ZYDIS_MNEMONIC_SYSCALL || zi.mnemonic == ZYDIS_MNEMONIC_SYSENTER;
        off += zi.length;
    }
    CHECK(!want_int80 || int80, "%s: no int $0x80 fallback", what);
    CHECK(!want_rdtscp || rdtscp, "%s: no RDTSCP", what);
    CHECK(!fast, "%s: makes a SYSCALL/SYSENTER", what);
}

static void test_variant(int intel, int use_syscall, int want_kind) {
    char what[96];
    snprintf(what, sizeof what, "map(intel=%d, syscall=%d)", intel, use_syscall);
    Mem *m = mem_new();
    Vdso32Info vi;
    memset(&vi, 0xaa, sizeof vi);
    int rc = vdso32_map(m, BASE, intel, use_syscall, &vi);
    CHECK(rc == 0, "%s: failed", what);
    if (rc) {
        mem_free(m);
        return;
    }
    size_t len;
    const uint8_t *img = vdso32_image(&len);
    const Vdso32Layout *l = vdso32_layout();
    CHECK(vi.kind == want_kind, "%s: kind %d, want %s", what, vi.kind, kind_name[want_kind]);
    CHECK(vi.base == BASE && vi.size == vdso32_size() && vi.entry == BASE + l->vsyscall &&
              vi.landing == BASE + l->landing && vi.sigreturn == BASE + l->sigreturn &&
              vi.rt_sigreturn == BASE + l->rt_sigreturn,
          "%s: Vdso32Info addresses", what);

    const MemRegion *r = mem_region(m, BASE);
    CHECK(r && r->start == BASE && r->end == BASE + vdso32_size() && !strcmp(r->name, "[vdso]"),
          "%s: region", what);
    for (uint64_t a = BASE; a < BASE + vdso32_size(); a += PAGE_SIZE)
        CHECK((mem_page_prot(m, a) & ~MEM_CODE) == (MEM_R | MEM_X | MEM_U),
              "%s: page %#llx prot %#x", what, (unsigned long long)a, mem_page_prot(m, a));
    uint64_t vvar = BASE - VDSO32_VVAR_PAGES * PAGE_SIZE;
    const MemRegion *rv = mem_region(m, vvar), *rk = mem_region(m, vvar + 4 * PAGE_SIZE);
    CHECK(rv && rv->start == vvar && rv->end == vvar + 4 * PAGE_SIZE && !strcmp(rv->name, "[vvar]"),
          "%s: [vvar] region", what);
    CHECK(rk && rk->start == vvar + 4 * PAGE_SIZE && rk->end == BASE &&
              !strcmp(rk->name, "[vvar_vclock]"),
          "%s: [vvar_vclock] region", what);
    for (uint64_t a = vvar; a < BASE; a += PAGE_SIZE)
        CHECK((mem_page_prot(m, a) & ~MEM_CODE) == (MEM_R | MEM_U), "%s: vvar page %#llx prot %#x",
              what, (unsigned long long)a, mem_page_prot(m, a));
    CHECK(!mem_is_mapped(m, vvar - PAGE_SIZE, PAGE_SIZE) &&
              !mem_is_mapped(m, BASE + vdso32_size(), PAGE_SIZE),
          "%s: mapped outside its range", what);

    /* Read back as the user would; only the patch site differs from the image. */
    size_t size = vdso32_size();
    uint8_t *g = malloc(size);
    CHECK(mem_read(m, g, BASE, size, MEM_R | MEM_U) == 0, "%s: user read failed", what);
    CHECK(mem_write(m, BASE, "x", 1, MEM_W | MEM_U) != 0, "%s: writable by the user", what);
    for (size_t i = 0; i < size; i++) {
        int in_patch = i >= l->patch && i < l->patch + l->patch_len;
        uint8_t want = in_patch  ? vdso32_entry_bytes(want_kind)[i - l->patch]
                       : i < len ? img[i]
                                 : 0;
        if (g[i] != want) {
            CHECK(0, "%s: byte +%#zx is %02x, want %02x", what, i, g[i], want);
            break;
        }
    }

    /* Find the symbols in the mapped image the way the C libraries do. */
    Elf32View v;
    CHECK(e32_open(&v, g, size) == 0, "%s: mapped image not a usable DSO", what);
    const Elf32_Sym *s[NEXPORTED];
    for (size_t i = 0; i < NEXPORTED; i++) {
        s[i] = e32_lookup(&v, exported[i].name, exported[i].ver);
        CHECK(s[i] && e32_code(&v, s[i]) && ELF32_ST_TYPE(s[i]->st_info) == STT_FUNC,
              "%s: %s@%s not found", what, exported[i].name, exported[i].ver);
        const char *other = !strcmp(exported[i].ver, "LINUX_2.5") ? "LINUX_2.6" : "LINUX_2.5";
        CHECK(!e32_lookup(&v, exported[i].name, other), "%s: %s also found @%s", what,
              exported[i].name, other);
    }
    int globals = 0;
    for (uint32_t i = 1; i < v.nsym; i++)
        globals += ELF32_ST_TYPE(v.sym[i].st_info) == STT_FUNC;
    CHECK(globals == (int)NEXPORTED, "%s: %d functions exported, want %zu", what, globals,
          NEXPORTED);
    for (size_t i = 0; i < NEXPORTED; i++)
        if (!s[i] || !e32_code(&v, s[i])) {
            free(g);
            mem_free(m);
            return;
        }
    CHECK(s[0]->st_value == l->vsyscall && s[1]->st_value == l->sigreturn &&
              s[2]->st_value == l->rt_sigreturn,
          "%s: layout offsets disagree with .dynsym", what);

    /* __kernel_vsyscall: the saves, the patched entry, int $0x80, the landing. */
    const char *vs[11] = {"push ecx", "push edx", "push ebp"};
    size_t n = 3;
    if (want_kind == VDSO32_ENTRY_SYSENTER) vs[n++] = "mov ebp, esp", vs[n++] = "sysenter";
    if (want_kind == VDSO32_ENTRY_SYSCALL) vs[n++] = "mov ebp, ecx", vs[n++] = "syscall";
    if (want_kind == VDSO32_ENTRY_INT80) vs[n++] = "nop4";
    vs[n++] = "int 0x80", vs[n++] = "pop ebp", vs[n++] = "pop edx", vs[n++] = "pop ecx";
    vs[n++] = "ret";
    size_t after = 0;
    snprintf(what, sizeof what, "__kernel_vsyscall (%s)", kind_name[want_kind]);
    expect_code(what, e32_code(&v, s[0]), s[0]->st_size, vs, n, &after);
    CHECK(vi.landing == vi.entry + after, "%s: landing %#llx is not just past int 0x80 (%#llx)",
          what, (unsigned long long)vi.landing, (unsigned long long)(vi.entry + after));

    static const char *const sr[] = {"pop eax", "mov eax, 0x77", "int 0x80", "nop"};
    static const char *const rt[] = {"mov eax, 0xad", "int 0x80", "nop"};
    expect_code("__kernel_sigreturn", e32_code(&v, s[1]), s[1]->st_size, sr, 4, &after);
    CHECK(s[1]->st_value + after == l->sigreturn_landing, "sigreturn landing");
    expect_code("__kernel_rt_sigreturn", e32_code(&v, s[2]), s[2]->st_size, rt, 3, &after);
    CHECK(s[2]->st_value + after == l->rt_sigreturn_landing, "rt_sigreturn landing");
    /* The byte before __kernel_sigreturn (covered by its FDE) is a nop. */
    CHECK(g[l->sigreturn - 1] == 0x90, "byte before __kernel_sigreturn is %02x",
          g[l->sigreturn - 1]);

    for (size_t i = 3; i < NEXPORTED; i++) {
        int getcpu = !strcmp(exported[i].name, "__vdso_getcpu");
        scan_code(exported[i].name, e32_code(&v, s[i]), s[i]->st_size, !getcpu, getcpu);
    }
    free(g);
    mem_free(m);
}

static void test_bad_addresses(void) {
    Mem *m = mem_new();
    Vdso32Info vi;
    uint64_t bad[] = {0,
                      BASE + 1,
                      BASE + 0x800,
                      1ull << 32,
                      (1ull << 32) - vdso32_size() + PAGE_SIZE,
                      0x7ffff7fc0000ull};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(vdso32_map(m, bad[i], 1, 0, &vi) == -1, "accepted address %#llx",
              (unsigned long long)bad[i]);
    }
    CHECK(mem_region_at(m, 0) == NULL, "a refused map left a region behind");
    CHECK(vdso32_map(NULL, BASE, 0, 0, &vi) == -1, "accepted a NULL Mem");
    /* The highest legal place: ends exactly at 4 GiB. */
    CHECK(vdso32_map(m, (1ull << 32) - vdso32_size(), 0, 0, NULL) == 0, "refused the top of 4 GiB");
    mem_free(m);
}

/* ---- against the host kernel's vDSO ------------------------------------- */

/* The entry the host kernel patches in: Linux sets X86_FEATURE_SYSENTER32
 * on Intel, Centaur and Zhaoxin CPUs and X86_FEATURE_SYSCALL32 on AMD and
 * Hygon ones (64-bit kernels). -1 for anything else. */
static int host_kind(char vendor[13]) {
    unsigned a, b, c, d;
    __cpuid(0, a, b, c, d);
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &c, 4);
    vendor[12] = 0;
    if (!strcmp(vendor, "GenuineIntel") || !strcmp(vendor, "CentaurHauls") ||
        !strcmp(vendor, "  Shanghai  "))
        return VDSO32_ENTRY_SYSENTER;
    if (!strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine"))
        return VDSO32_ENTRY_SYSCALL;
    return -1;
}

static int hexbytes(const char *hex, uint8_t *out, size_t max) {
    size_t n = strlen(hex) / 2;
    if (n > max) return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) return -1;
        out[i] = (uint8_t)v;
    }
    return (int)n;
}

static int compare_host(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("cannot open %s\n", path);
        return 1;
    }
    char vendor[13];
    int kind = host_kind(vendor);
    Mem *m = mem_new();
    Vdso32Info vi;
    CHECK(vdso32_map(m, BASE, kind == VDSO32_ENTRY_SYSENTER, kind == VDSO32_ENTRY_SYSCALL, &vi) ==
              0,
          "map failed");
    uint8_t *g = calloc(1, vdso32_size());
    mem_read(m, g, BASE, vdso32_size(), MEM_R);
    Elf32View v;
    CHECK(e32_open(&v, g, vdso32_size()) == 0, "own image not a usable DSO");

    char line[8192], name[64], ver[32], hex[4096];
    unsigned long sysinfo = 0, host_vsyscall = 0, value, size;
    int seen = 0;
    int fdes = 0;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "sysinfo %lx", &sysinfo) == 1) continue;
        int delta;
        unsigned range;
        char cie[160], insns[512];
        if (sscanf(line, "fde %63s %d %u %159s %511s", name, &delta, &range, cie, insns) == 5) {
            /* The unwind info of the entry and the trampolines, byte for byte. */
            const char *ver = "LINUX_2.5";
            const Elf32_Sym *s = e32_lookup(&v, name, ver);
            E32Fde fde;
            CHECK(s && e32_fde(&v, s->st_value, &fde) == 0, "%s: ringside has no FDE", name);
            if (!s || e32_fde(&v, s->st_value, &fde)) continue;
            fdes++;
            int same = (int)(fde.pc_begin - s->st_value) == delta && fde.pc_range == range &&
                       !strcmp(fde.cie, cie) && !strcmp(fde.insns, insns);
            CHECK(same, "%s unwind info: ringside %d %u %s %s, host %d %u %s %s", name,
                  (int)(fde.pc_begin - s->st_value), fde.pc_range, fde.cie, fde.insns, delta, range,
                  cie, insns);
            if (same) printf("ok   %s: unwind info identical to the host's\n", name);
            continue;
        }
        if (sscanf(line, "%63s %31s missing", name, ver) == 2 && strstr(line, " missing")) {
            CHECK(0, "the host vDSO has no %s@%s", name, ver);
            continue;
        }
        if (sscanf(line, "%63s %31s %lx %lu %4095s", name, ver, &value, &size, hex) != 5) continue;
        seen++;
        const Elf32_Sym *s = e32_lookup(&v, name, ver);
        CHECK(s != NULL, "%s@%s exported by the host, not by ringside", name, ver);
        if (!s) continue;
        if (!strcmp(name, "__kernel_vsyscall")) host_vsyscall = value;
        int exact = !strcmp(name, "__kernel_sigreturn") || !strcmp(name, "__kernel_rt_sigreturn");
        if (!strcmp(name, "__kernel_vsyscall")) {
            if (kind < 0) {
                printf("note: CPU vendor \"%s\" unknown: __kernel_vsyscall not compared\n", vendor);
                continue;
            }
            exact = 1;
        }
        if (!exact) continue; /* the time functions read vvar on the host */
        uint8_t host[2048];
        int hn = hexbytes(hex, host, sizeof host);
        const uint8_t *own = e32_code(&v, s);
        CHECK(hn == (int)size && s->st_size == size && own && !memcmp(own, host, size),
              "%s: ringside's %u bytes differ from the host's %lu (%s)", name, s->st_size, size,
              hex);
        if (hn == (int)size && own && !memcmp(own, host, size))
            printf("ok   %s: %lu bytes identical to the host's%s%s\n", name, size,
                   kind >= 0 && !strcmp(name, "__kernel_vsyscall") ? " for " : "",
                   kind >= 0 && !strcmp(name, "__kernel_vsyscall") ? vendor : "");
    }
    fclose(f);
    CHECK(seen == (int)NEXPORTED, "host dump had %d symbol lines, want %zu", seen, NEXPORTED);
    CHECK(fdes == 3, "host dump had %d FDE lines, want 3", fdes);
    /* AT_SYSINFO is __kernel_vsyscall on the host, as vdso32_map() reports. */
    CHECK(sysinfo && sysinfo == host_vsyscall, "host AT_SYSINFO offset %#lx, vsyscall %#lx",
          sysinfo, host_vsyscall);
    free(g);
    mem_free(m);
    return failures ? 1 : 0;
}

int main(int argc, char **argv) {
    zydis_init();
    if (argc == 3 && !strcmp(argv[1], "--dump")) {
        size_t len;
        const uint8_t *img = vdso32_image(&len);
        FILE *f = fopen(argv[2], "wb");
        if (!f || fwrite(img, 1, len, f) != len || fclose(f)) {
            perror(argv[2]);
            return 1;
        }
        return 0;
    }
    if (argc == 4 && !strcmp(argv[1], "--dump-mapped")) {
        /* The guest's view of the mapping for a variant ("host" = the host
         * kernel's choice for this CPU, int80 when the vendor is unknown). */
        char vendor[13];
        int kind = !strcmp(argv[2], "host")       ? host_kind(vendor)
                   : !strcmp(argv[2], "sysenter") ? VDSO32_ENTRY_SYSENTER
                   : !strcmp(argv[2], "syscall")  ? VDSO32_ENTRY_SYSCALL
                                                  : VDSO32_ENTRY_INT80;
        Mem *m = mem_new();
        uint8_t *g = malloc(vdso32_size());
        FILE *f = fopen(argv[3], "wb");
        if (vdso32_map(m, BASE, kind == VDSO32_ENTRY_SYSENTER, kind == VDSO32_ENTRY_SYSCALL,
                       NULL) ||
            mem_read(m, g, BASE, vdso32_size(), MEM_R | MEM_U) || !f ||
            fwrite(g, 1, vdso32_size(), f) != vdso32_size() || fclose(f)) {
            perror(argv[3]);
            return 1;
        }
        printf("%s\n", kind_name[kind < 0 ? VDSO32_ENTRY_INT80 : kind]);
        free(g);
        mem_free(m);
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "--compare-host")) {
        int rc = compare_host(argv[2]);
        printf("%s\n", rc ? "FAILED" : "vdso32 matches the host kernel's");
        return rc;
    }
    test_image();
    test_variant(0, 0, VDSO32_ENTRY_INT80);
    test_variant(1, 0, VDSO32_ENTRY_SYSENTER);
    test_variant(0, 1, VDSO32_ENTRY_SYSCALL);
    test_variant(1, 1, VDSO32_ENTRY_SYSCALL); /* ALTERNATIVE_2: the later one wins */
    test_bad_addresses();
    printf("%s (%d failures)\n", failures ? "FAILED" : "ok", failures);
    return failures ? 1 : 0;
}
