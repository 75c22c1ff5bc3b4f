/* Does ringside have a handler for this instruction? Its decoder gives an
 * unimplemented mnemonic or operand form a handler that reports once (per
 * address) and raises #UD. To ask, run the instruction once on a CPU of our
 * own, each time at a fresh address, with the report going to a memory
 * stream: a report means "not implemented"; anything else (running, or any
 * other fault) means a handler exists. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "cpu/cpu.h"
#include "cpu/mem.h"

#define PROBE_BASE 0x60000000ull
#define PROBE_SIZE (1u << 20)

static Mem *p_mem;
static Cpu *p_cpu;
static char *p_buf;
static size_t p_size;
static FILE *p_diag;
static unsigned long p_next;

static int probe_setup(void) {
    p_mem = mem_new();
    if (!p_mem || mem_map(p_mem, PROBE_BASE, PROBE_SIZE, MEM_R | MEM_W | MEM_X | MEM_U, "probe"))
        return -1;
    p_cpu = cpu_new(p_mem, CPU_AMD);
    p_diag = open_memstream(&p_buf, &p_size);
    if (!p_cpu || !p_diag) return -1;
    p_cpu->diag = p_diag;
    return 0;
}

int probe_unimplemented(const uint8_t *insn, size_t len, char *why, size_t whylen) {
    static int ready;
    if (!ready) ready = probe_setup() == 0 ? 1 : -1;
    if (ready < 0 || len > 15) return 0;
    if (fz_vendor >= 0 && (p_cpu->vendor != (CpuVendor)fz_vendor || p_cpu->family != fz_family)) {
        p_cpu->vendor = (CpuVendor)fz_vendor; /* handlers are chosen per model */
        p_cpu->family = (uint16_t)fz_family;
        cpu_flush_code(p_cpu);
    }
    /* 16 bytes per slot, int3 after the instruction; never reuse a slot while
     * ringside may still remember it (its report list is per address). */
    uint64_t rip = PROBE_BASE + (p_next++ * 32) % (PROBE_SIZE - 32);
    uint8_t buf[32];
    memset(buf, 0xcc, sizeof buf);
    memcpy(buf, insn, len);
    if (mem_write(p_mem, rip, buf, sizeof buf, 0) != 0) return 0;
    if (FZ_M32)
        cpu_reset_flat_compat32(p_cpu, 3);
    else
        cpu_reset_flat64(p_cpu, 3);
    p_cpu->rip = rip;
    fflush(p_diag);
    size_t before = p_size;
    cpu_step(p_cpu);
    fflush(p_diag);
    if (p_size == before || !strstr(p_buf + before, "unimplemented")) return 0;
    if (why) {
        /* "ringside: unimplemented instruction at 0x...: <bytes> (<mnem>, <why>) -> #UD" */
        const char *s = strchr(p_buf + before, '(');
        const char *e = s ? strstr(s, ") ->") : NULL;
        if (s && e && (size_t)(e - s - 1) < whylen)
            snprintf(why, whylen, "%.*s", (int)(e - s - 1), s + 1);
        else
            snprintf(why, whylen, "unimplemented");
    }
    return 1;
}
