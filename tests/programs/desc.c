/* desc: LAR, LSL, VERR and VERW against the descriptors Linux sets up, in
 * every operand form (16-, 32- and, on x86-64, 64-bit destinations; the
 * selector in a register, with junk in its upper bits, or in memory).
 * Selectors probed: every GDT entry 0..31 with RPL 0..3 (null, kernel and
 * user code/data, the TSS, the LDT descriptor, TLS, CPUNODE, past the
 * limit), LDT selectors (none loaded; on i386 after modify_ldt writes data,
 * read-only, expand-down, 16-bit, code, execute-only, conforming and
 * not-present entries, entry 0 included), TLS entries after
 * set_thread_area (i386), and large selectors. Destinations start as junk:
 * a failing instruction must leave them (all 64 bits) untouched.
 * Printed with ZF. LAR's bits 19:16 are masked (the SDM leaves them
 * undefined; AMD returns the limit's bits 19:16).
 *
 *   desc        everything above (a 32-bit build: compared with native only
 *               under a 64-bit kernel model, whose GDT is Linux x86-64's)
 *   desc segs   only the segment registers the program runs with, by
 *               register name, accessed bit masked: the same under
 *               Linux x86-64 and a 32-bit kernel (other selectors there)
 *
 * The CPUNODE entry's limit is the CPU number: the program pins itself to
 * CPU 0 first (or masks the CPU when it cannot). */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef unsigned long ureg; /* a full general register */
#define JUNK ((ureg)0x5a5a5a5a5a5a5a5aull)

static int pinned;

#define LAR_MASK (~(ureg)0xf0000)

/* One instruction with destination `d` (in: junk) and selector `s`. */
#define OP2(insn, d, s) __asm__ volatile(insn "\n\tsetz %1" : "+r"(d), "=q"(z) : "r"(s) : "cc")

struct res {
    uint8_t z;
    ureg v;
};

static void show(const char *name, struct res r, ureg mask) {
    printf(" %s %d:%lx", name, r.z, r.z ? (r.v & mask) : r.v);
}

static void probe(uint16_t sel, int cpunode) {
    ureg s = (ureg)0xdead0000u | sel; /* junk above the 16-bit selector */
    uint8_t z;
    struct res r;
    printf("sel %04x", sel);
    ureg lsl_mask = cpunode && !pinned ? ~(ureg)0xfff : ~(ureg)0;
    /* LAR: 16-bit, 32-bit (and 64-bit) destinations, register source */
    r.v = JUNK;
    OP2("larw %w2, %w0", r.v, s);
    r.z = z;
    show("lar16", r, ~(ureg)0);
    r.v = JUNK;
    OP2("larl %k2, %k0", r.v, s);
    r.z = z;
    show("lar32", r, LAR_MASK);
#ifdef __x86_64__
    r.v = JUNK;
    OP2("larq %w2, %q0", r.v, s);
    r.z = z;
    show("lar64", r, LAR_MASK);
#endif
    r.v = JUNK;
    OP2("lslw %w2, %w0", r.v, s);
    r.z = z;
    show("lsl16", r, lsl_mask);
    r.v = JUNK;
    OP2("lsll %k2, %k0", r.v, s);
    r.z = z;
    show("lsl32", r, lsl_mask);
#ifdef __x86_64__
    r.v = JUNK;
    OP2("lslq %w2, %q0", r.v, s);
    r.z = z;
    show("lsl64", r, lsl_mask);
#endif
    /* memory source */
    volatile uint16_t m = sel;
    r.v = JUNK;
    __asm__ volatile("larl %2, %k0\n\tsetz %1" : "+r"(r.v), "=q"(z) : "m"(m) : "cc");
    r.z = z;
    show("larm", r, LAR_MASK);
    r.v = JUNK;
    __asm__ volatile("lsll %2, %k0\n\tsetz %1" : "+r"(r.v), "=q"(z) : "m"(m) : "cc");
    r.z = z;
    show("lslm", r, lsl_mask);
    uint8_t vr, vw, vrm, vwm;
    __asm__ volatile("verr %w1\n\tsetz %0" : "=q"(vr) : "r"(s) : "cc");
    __asm__ volatile("verw %w1\n\tsetz %0" : "=q"(vw) : "r"(s) : "cc");
    __asm__ volatile("verr %1\n\tsetz %0" : "=q"(vrm) : "m"(m) : "cc");
    __asm__ volatile("verw %1\n\tsetz %0" : "=q"(vwm) : "m"(m) : "cc");
    printf(" verr %d%d verw %d%d\n", vr, vrm, vw, vwm);
}

/* ZF is the only flag these change: the others keep their values. */
static void flags_kept(void) {
    ureg f, v = JUNK;
    __asm__ volatile("push %2\n\tpopf\n\tlarl %k3, %k1\n\tpushf\n\tpop %0"
                     : "=r"(f), "+r"(v)
                     : "r"((ureg)0x895), "r"((ureg)0x2b)
                     : "cc");
    printf("flags after lar 0x2b from 0x895: %#lx\n", f & 0x8d5);
    __asm__ volatile("push %1\n\tpopf\n\tverw %w2\n\tpushf\n\tpop %0"
                     : "=r"(f)
                     : "r"((ureg)0x8d5), "r"((ureg)0)
                     : "cc");
    printf("flags after verw 0 from 0x8d5: %#lx\n", f & 0x8d5);
}

static void all_gdt(void) {
    for (unsigned idx = 0; idx < 32; idx++)
        for (unsigned rpl = 0; rpl < 4; rpl++)
            probe((uint16_t)(idx << 3 | rpl), idx == 15);
}
static void some_ldt(void) {
    for (unsigned idx = 0; idx < 12; idx++)
        for (unsigned rpl = 0; rpl < 4; rpl += 3)
            probe((uint16_t)(idx << 3 | 4 | rpl), 0);
}

#ifdef __i386__
struct udesc {
    uint32_t entry, base, limit;
    uint32_t seg_32bit : 1, contents : 2, read_exec_only : 1, limit_in_pages : 1,
        seg_not_present : 1, useable : 1, lm : 1;
};
static char area[8192];

static void ldt_entry(unsigned e, unsigned limit, unsigned b32, unsigned contents, unsigned ro,
                      unsigned pages, unsigned np, unsigned useable) {
    struct udesc d = {e, (uint32_t)(uintptr_t)area, limit, b32, contents, ro, pages, np, useable,
                      0};
    long r = syscall(SYS_modify_ldt, 0x11, &d, sizeof d);
    printf("modify_ldt entry %u: %ld\n", e, r);
}

static void i386_tables(void) {
    /* set_thread_area: two new TLS entries (one a read-only data segment,
     * one 16-bit with a byte limit) */
    struct udesc t1 = {(uint32_t)-1, (uint32_t)(uintptr_t)area, 0xfffff, 1, 0, 1, 1, 0, 1, 0};
    long r = syscall(SYS_set_thread_area, &t1);
    printf("set_thread_area: %ld entry %d\n", r, (int)t1.entry);
    struct udesc t2 = {(uint32_t)-1, (uint32_t)(uintptr_t)area, 0x1234, 0, 0, 0, 0, 0, 0, 0};
    r = syscall(SYS_set_thread_area, &t2);
    printf("set_thread_area: %ld entry %d\n", r, (int)t2.entry);
    /* LDT entries: data rw, data ro, expand-down, 16-bit, code readable,
     * code execute-only, conforming not present, data not present, paged */
    ldt_entry(0, 0xfff, 1, 0, 0, 0, 0, 0);
    ldt_entry(1, 0x1fff, 1, 0, 1, 0, 0, 1);
    ldt_entry(2, 0xff, 1, 1, 0, 0, 0, 0);
    ldt_entry(3, 0x7ff, 0, 0, 0, 0, 0, 0);
    ldt_entry(4, 0xfffff, 1, 2, 0, 1, 0, 0);
    ldt_entry(5, 0x10, 1, 2, 1, 0, 0, 0);
    ldt_entry(6, 0x20, 1, 3, 0, 0, 1, 0);
    ldt_entry(7, 0x30, 1, 0, 0, 0, 1, 0);
    ldt_entry(8, 0x3, 1, 0, 0, 1, 0, 1);
    ldt_entry(9, 0x3, 0, 2, 1, 1, 1, 1);
}
#endif

/* The selectors the program runs with, by register: what a 32-bit and a
 * 64-bit kernel agree on (their selector numbers differ). */
static void segs(void) {
    static const char *const name[] = {"cs", "ds", "es", "ss", "fs", "gs"};
    for (int k = 0; k < 6; k++) {
        uint16_t s = 0;
        switch (k) {
        case 0: __asm__("mov %%cs, %0" : "=r"(s)); break;
        case 1: __asm__("mov %%ds, %0" : "=r"(s)); break;
        case 2: __asm__("mov %%es, %0" : "=r"(s)); break;
        case 3: __asm__("mov %%ss, %0" : "=r"(s)); break;
        case 4: __asm__("mov %%fs, %0" : "=r"(s)); break;
        case 5: __asm__("mov %%gs, %0" : "=r"(s)); break;
        }
        ureg ar = JUNK, lim = JUNK, sr = s;
        uint8_t z, zl, vr, vw;
        OP2("larl %k2, %k0", ar, sr);
        uint8_t za = z;
        OP2("lsll %k2, %k0", lim, sr);
        zl = z;
        __asm__ volatile("verr %w1\n\tsetz %0" : "=q"(vr) : "r"(sr) : "cc");
        __asm__ volatile("verw %w1\n\tsetz %0" : "=q"(vw) : "r"(sr) : "cc");
        printf("%s: null %d rpl %u ti %u lar %d:%lx lsl %d:%lx verr %d verw %d\n", name[k],
               (s & 0xfffc) == 0, s & 3u, (s >> 2) & 1u, za, za ? ar & ~(ureg)0xf0100 : 0, zl,
               zl ? lim : 0, vr, vw);
    }
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "segs") == 0) {
        segs();
        return 0;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    pinned = sched_setaffinity(0, sizeof set, &set) == 0;
    flags_kept();
    all_gdt();
    some_ldt(); /* no LDT yet */
#ifdef __i386__
    i386_tables();
    all_gdt();
    some_ldt();
#endif
    static const uint16_t big[] = {0x0080, 0x0083, 0x00ff, 0x0100, 0x1000, 0x7ffb,
                                   0x8000, 0xfff8, 0xfffb, 0xfffc, 0xffff};
    for (unsigned k = 0; k < sizeof big / sizeof *big; k++)
        probe(big[k], 0);
    return 0;
}
