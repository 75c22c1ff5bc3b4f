/* c32_legacy: instructions that exist only outside 64-bit mode, as real
 * 32-bit programs use them. Built -m32.
 *   (no argument)  ARPL (register and memory destinations, every RPL pair),
 *                  BOUND with 16- and 32-bit operands for indices inside
 *                  and at the edges of the range, INTO with OF clear, and
 *                  the BCD adjustments (DAA DAS AAA AAS AAM AAD) for a
 *                  sweep of inputs, printing only the flags the SDM defines
 *                  (tests/fuzz compares the rest on this host)
 *   bound32-low | bound32-high | bound16   BOUND out of range: #BR, SIGSEGV
 *   into           INTO with OF set: #OF through the IDT's DPL-3 gate, SIGSEGV
 *   aam0           AAM with base 0: #DE, SIGFPE
 * Each faulting instruction carries a global label rs_at_MODE. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef __i386__
#error "an i386 program: build with -m32"
#endif

#define AT(name, insn) ".globl rs_at_" name "\nrs_at_" name ": " insn

#define CF 0x001u
#define PF 0x004u
#define AF 0x010u
#define ZF 0x040u
#define SF 0x080u
#define OF 0x800u

static void arpl_checks(void) {
    for (unsigned d = 0; d < 4; d++)
        for (unsigned s = 0; s < 4; s++) {
            uint32_t dst = 0xabcd1230u | d, src = 0x5670u | s, fl;
            __asm__ volatile("arpl %w2, %w0\n\tpushf\n\tpop %1"
                             : "+r"(dst), "=r"(fl)
                             : "r"(src)
                             : "cc");
            uint16_t m = (uint16_t)(0x4560u | d);
            uint32_t flm;
            __asm__ volatile("arpl %w1, %0\n\tpushf\n\tpop %1"
                             : "+m"(m), "=r"(flm)
                             : "1"(src)
                             : "cc");
            printf("arpl dst rpl %u src rpl %u: reg %#x zf %u, mem %#x zf %u\n", d, s, dst,
                   !!(fl & ZF), m, !!(flm & ZF));
        }
}

static int32_t b32[2] = {-5, 100};
static int16_t b16[2] = {-300, 7};

static void bound_checks(void) {
    static const int32_t idx32[] = {-5, 0, 99, 100};
    for (unsigned k = 0; k < sizeof idx32 / sizeof *idx32; k++) {
        int32_t v = idx32[k];
        __asm__ volatile("bound %0, %1" ::"r"(v), "m"(b32));
        printf("bound32 %d in [%d, %d]: no trap\n", v, b32[0], b32[1]);
    }
    static const int16_t idx16[] = {-300, -1, 7};
    for (unsigned k = 0; k < sizeof idx16 / sizeof *idx16; k++) {
        int16_t v = idx16[k];
        /* upper half of the register is ignored with a 16-bit operand */
        uint32_t r = 0x7fff0000u | (uint16_t)v;
        __asm__ volatile("boundw %w0, %1" ::"r"(r), "m"(b16));
        printf("bound16 %d in [%d, %d]: no trap\n", v, b16[0], b16[1]);
    }
}

static void into_checks(void) {
    uint32_t fl;
    /* 0x7fffffff + 0 leaves OF clear: INTO falls through */
    __asm__ volatile("mov $0x7fffffff, %%eax\n\tadd $0, %%eax\n\tinto\n\tpushf\n\tpop %0"
                     : "=r"(fl)
                     :
                     : "eax", "cc");
    printf("into with OF clear: no trap, of %u\n", !!(fl & OF));
}

/* One BCD instruction with AX = ax, EFLAGS = fl in; prints AX and `mask`. */
#define BCD(insn, mask)                                                                            \
    static void run_##insn(uint32_t ax, uint32_t fl) {                                             \
        uint32_t a = ax, f = fl;                                                                   \
        __asm__ volatile("push %1\n\tpopf\n\t" #insn "\n\tpushf\n\tpop %1"                         \
                         : "+a"(a), "+r"(f)                                                        \
                         :                                                                         \
                         : "cc");                                                                  \
        printf(#insn " ax %04x fl %03x -> ax %04x fl %03x\n", ax & 0xffff, fl, a & 0xffff,         \
               f & (mask));                                                                        \
    }
BCD(daa, CF | AF | SF | ZF | PF)
BCD(das, CF | AF | SF | ZF | PF)
BCD(aaa, CF | AF)
BCD(aas, CF | AF)
#define BCDI(name, insn, mask)                                                                     \
    static void run_##name(uint32_t ax, uint32_t fl) {                                             \
        uint32_t a = ax, f = fl;                                                                   \
        __asm__ volatile("push %1\n\tpopf\n\t" insn "\n\tpushf\n\tpop %1"                          \
                         : "+a"(a), "+r"(f)                                                        \
                         :                                                                         \
                         : "cc");                                                                  \
        printf(insn " ax %04x fl %03x -> ax %04x fl %03x\n", ax & 0xffff, fl, a & 0xffff,          \
               f & (mask));                                                                        \
    }
BCDI(aam10, "aam", SF | ZF | PF)
BCDI(aam16, "aam $16", SF | ZF | PF)
BCDI(aam3, "aam $3", SF | ZF | PF)
BCDI(aad10, "aad", SF | ZF | PF)
BCDI(aad7, "aad $7", SF | ZF | PF)
BCDI(aad255, "aad $255", SF | ZF | PF)

static void bcd_checks(void) {
    static const uint32_t flags_in[] = {0x002, 0x003, 0x012, 0x013, 0x8d7};
    for (uint32_t al = 0; al < 256; al += 7)
        for (unsigned k = 0; k < sizeof flags_in / sizeof *flags_in; k++) {
            uint32_t ax = 0x3400u | al, fl = flags_in[k];
            run_daa(ax, fl);
            run_das(ax, fl);
            run_aaa(ax, fl);
            run_aas(ax, fl);
        }
    for (uint32_t ax = 0; ax < 0x10000; ax += 0x0b3b) {
        run_aam10(ax, 0x2);
        run_aam16(ax, 0x8d7);
        run_aam3(ax, 0x2);
        run_aad10(ax, 0x2);
        run_aad7(ax, 0x8d7);
        run_aad255(ax, 0x2);
    }
}

int main(int argc, char **argv) {
    if (argc > 1) {
        const char *m = argv[1];
        fflush(stdout);
        if (!strcmp(m, "bound32-low")) {
            int32_t v = -6;
            __asm__ volatile(AT("bound32_low", "bound %0, %1")::"r"(v), "m"(b32));
        } else if (!strcmp(m, "bound32-high")) {
            int32_t v = 101;
            __asm__ volatile(AT("bound32_high", "bound %0, %1")::"r"(v), "m"(b32));
        } else if (!strcmp(m, "bound16")) {
            uint32_t v = 8; /* 16-bit index 8 > 7 */
            __asm__ volatile(AT("bound16", "boundw %w0, %1")::"r"(v), "m"(b16));
        } else if (!strcmp(m, "into")) {
            __asm__ volatile("mov $0x7fffffff, %%eax\n\tadd $1, %%eax\n\t" AT("into", "into")::
                                 : "eax", "cc");
        } else if (!strcmp(m, "aam0")) {
            __asm__ volatile(AT("aam0", ".byte 0xd4, 0x00")::: "eax", "cc");
        } else {
            printf("unknown mode %s\n", m);
            return 2;
        }
        printf("%s: no fault\n", m);
        return 1;
    }
    arpl_checks();
    bound_checks();
    into_checks();
    bcd_checks();
    return 0;
}
