/* insn_stream: bytes -> a page of guest code run at CPL 3 for a bounded
 * number of instructions (libFuzzer harness; tests/fuzz/harness/README.md).
 *
 * Input: byte 0 picks the mode (bit 0: 32-bit compatibility mode) and the
 * modelled CPU (bits 1-2: Intel, Zen 1, Zen 3, Zen 5); the rest is the code
 * page. The sixteen general registers start from a hash of the input (some
 * of them pointing into the mapped data and stack pages, so memory forms
 * reach memory as often as they fault). One CPU and address space serve
 * every input: each starts from a reset CPU, an empty decode cache and
 * zeroed data. The guest may fault: an exception skips one
 * byte and execution goes on, up to MAX_FAULTS times. What must never
 * happen is a crash, a sanitizer report or a hang of ringside itself. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/mem.h"

enum {
    CODE_ADDR = 0x10000,
    DATA_ADDR = 0x20000,
    DATA_LEN = 0x10000,
    STACK_ADDR = 0x30000,
    STACK_LEN = 0x10000,
    MAX_INSNS = 20000, /* per input, across all faults */
    MAX_FAULTS = 64,
};

static FILE *quiet(void) {
    static FILE *f;
    if (!f) f = fopen("/dev/null", "w");
    return f ? f : stderr;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    static const struct {
        CpuVendor v;
        unsigned fam;
    } models[4] = {{CPU_INTEL, CPU_FAMILY_INTEL},
                   {CPU_AMD, CPU_FAMILY_ZEN1},
                   {CPU_AMD, CPU_FAMILY_ZEN3},
                   {CPU_AMD, CPU_FAMILY_ZEN5}};
    int m32 = data[0] & 1;
    unsigned model = (data[0] >> 1) & 3;
    data++, size--;

    if (size > 4096) size = 4096;
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a of the input: the registers */
    for (size_t k = 0; k < size; k++)
        h = (h ^ data[k]) * 0x100000001b3ull;

    static Mem *m;
    static Cpu *c;
    static uint8_t zero[DATA_LEN];
    if (!m) {
        m = mem_new();
        if (!m || mem_map(m, CODE_ADDR, 4096, MEM_R | MEM_X | MEM_U, "code") < 0 ||
            mem_map(m, DATA_ADDR, DATA_LEN, MEM_R | MEM_W | MEM_U, "data") < 0 ||
            mem_map(m, STACK_ADDR, STACK_LEN, MEM_R | MEM_W | MEM_U, "[stack]") < 0)
            abort();
        c = cpu_new(m, CPU_INTEL);
        if (!c) abort();
        c->diag = quiet();
    }
    uint8_t page[4096];
    memset(page, 0xcc, sizeof page); /* INT3 after the input: the run ends there */
    memcpy(page, data, size);
    if (mem_write(m, CODE_ADDR, page, sizeof page, 0) < 0 ||
        mem_write(m, DATA_ADDR, zero, DATA_LEN, 0) < 0 ||
        mem_write(m, STACK_ADDR, zero, STACK_LEN, 0) < 0)
        abort();
    cpu_flush_code(c);
    cpu_flush_tlb(c);
    c->vendor = models[model].v;
    c->family = (uint16_t)models[model].fam;
    if (m32)
        cpu_reset_flat_compat32(c, 3);
    else
        cpu_reset_flat64(c, 3);
    for (int r = 0; r < 16; r++) {
        h ^= h >> 31, h *= 0x9e3779b97f4a7c15ull, h ^= h >> 29;
        uint64_t v = h;
        /* every other register near the data page: memory forms then hit
         * mapped memory, page edges included */
        if (r % 2 == 1) v = DATA_ADDR + (v & (DATA_LEN - 1));
        c->gpr[r] = m32 ? (uint32_t)v : v;
    }
    c->gpr[4] = STACK_ADDR + STACK_LEN - 256; /* rsp */
    c->rip = CODE_ADDR;

    uint64_t left = MAX_INSNS;
    for (int faults = 0; left > 0 && faults <= MAX_FAULTS; faults++) {
        uint64_t before = c->icount;
        CpuEvent ev = cpu_run(c, left);
        uint64_t ran = c->icount - before;
        left = ran >= left ? 0 : left - ran - 1; /* a fault costs one */
        if (ev != CPU_EV_EXCEPTION) break;
        /* skip one byte and go on while still inside the code page */
        uint64_t next = c->rip + 1;
        if (next < CODE_ADDR || next >= CODE_ADDR + size) break;
        c->rip = next;
    }
    return 0;
}
