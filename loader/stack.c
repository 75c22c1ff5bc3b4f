/* The initial process stack as Linux's create_elf_tables() lays it out:
 *
 *   top:   8 zero bytes
 *          execfn string, envp strings, argv strings (growing down)
 *          "x86_64" platform string, 16 AT_RANDOM bytes
 *          (16-byte alignment)
 *          auxv pairs ... AT_NULL
 *          envp[] NULL
 *          argv[] NULL
 *   rsp -> argc
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "loader.h"

#define STACK_TOP64   0x7ffffffff000ull
#define STACK_TOP32   0xffffe000ull  /* ia32 STACK_TOP */
#define STACK_SIZE    (8ull << 20)   /* RLIMIT_STACK's usual 8 MiB: room to build in */
#define STACK_EXPAND  (128ull << 10) /* Linux's stack_expand in setup_arg_pages */
#define MAX_ARG_BYTES (2u << 20)
#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif
#ifndef AT_RSEQ_FEATURE_SIZE
#define AT_RSEQ_FEATURE_SIZE 27
#define AT_RSEQ_ALIGN        28
#endif

typedef struct Builder {
    Proc *p;
    uint64_t sp;
    int ok;
} Builder;

static uint64_t put_bytes(Builder *b, const void *data, size_t n) {
    b->sp -= n;
    if (mem_write(b->p->mem, b->sp, data, n, 0) < 0) b->ok = 0;
    return b->sp;
}
static uint64_t put_str(Builder *b, const char *s) { return put_bytes(b, s, strlen(s) + 1); }

/* AT_MINSIGSTKSZ as Linux computes it (init_sigframe_size): the largest
 * frame, sizeof(struct sigframe_ia32) = 748 with IA32 emulation, 15 bytes of
 * alignment, the FPU state and 63 bytes of XSAVE alignment, rounded up to
 * 16. The FPU state is the XSAVE area (CPUID 0Dh:EBX for the enabled
 * features) plus the 4-byte FP_XSTATE_MAGIC2, or the 512-byte FXSAVE area
 * without XSAVE, plus a 112-byte fsave header. Native check: 832 bytes of
 * XSAVE give 1776; ringside's model (no XSAVE) 1456, for 64- and 32-bit. */
static uint64_t min_sigstack(Cpu *cpu, const uint32_t id1[4]) {
    uint64_t fpstate = 512;
    if (id1[2] & (1u << 27)) { /* OSXSAVE */
        uint32_t d[4];
        cpuid_query(cpu, 0xd, 0, d);
        fpstate = (uint64_t)d[1] + 4;
    }
    return (748 + 15 + fpstate + 112 + 63 + 15) & ~15ull;
}

uint64_t stack_setup(Proc *p, LoadInfo *li, int argc, char *const argv[], char *const envp[],
                     const char *execfn) {
    uint64_t top = li->is32 ? (p->kernel32 ? 0xc0000000ull : STACK_TOP32) : STACK_TOP64;
    unsigned w = li->is32 ? 4 : 8; /* word size of the ABI */
    int sprot = MEM_R | MEM_W | MEM_U | (li->exec_stack ? MEM_X : 0);
    if (mem_map(p->mem, top - STACK_SIZE, STACK_SIZE, sprot, "[stack]") < 0) {
        snprintf(li->err, sizeof li->err, "cannot map the stack");
        return 0;
    }
    p->stack_top = top;
    int envc = 0;
    size_t bytes = strlen(execfn) + 1;
    while (envp[envc])
        bytes += strlen(envp[envc++]) + 1;
    for (int k = 0; k < argc; k++)
        bytes += strlen(argv[k]) + 1;
    if (bytes > MAX_ARG_BYTES) {
        snprintf(li->err, sizeof li->err, "argument list too long (E2BIG)");
        return 0;
    }
    Builder b = {p, top, 1};
    uint64_t zero = 0;
    put_bytes(&b, &zero, 8);
    uint64_t execfn_addr = put_str(&b, execfn);
    uint64_t *envaddr = calloc((size_t)envc + 1, sizeof(uint64_t));
    uint64_t *argaddr = calloc((size_t)argc + 1, sizeof(uint64_t));
    if (!envaddr || !argaddr) {
        free(envaddr);
        free(argaddr);
        snprintf(li->err, sizeof li->err, "out of memory");
        return 0;
    }
    for (int k = envc - 1; k >= 0; k--)
        envaddr[k] = put_str(&b, envp[k]);
    for (int k = argc - 1; k >= 0; k--)
        argaddr[k] = put_str(&b, argv[k]);
    uint64_t strings_low = b.sp; /* what Linux's copy_strings placed */
    uint64_t platform = put_str(&b, li->is32 ? "i686" : "x86_64");
    uint8_t rnd[16];
    if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) memset(rnd, 0x5a, sizeof rnd);
    b.sp &= ~0xfull;
    uint64_t random_addr = put_bytes(&b, rnd, sizeof rnd);

    uint32_t id1[4], id7[4];
    cpuid_query(p->cpu, 1, 0, id1);
    cpuid_query(p->cpu, 7, 0, id7);
    uint64_t aux[32][2];
    size_t naux = 0;
#define AUX(t, v) (aux[naux][0] = (t), aux[naux][1] = (v), naux++)
    if (li->vdso_entry) AUX(AT_SYSINFO, li->vdso_entry);
    if (li->vdso_base) AUX(AT_SYSINFO_EHDR, li->vdso_base);
    AUX(AT_MINSIGSTKSZ, min_sigstack(p->cpu, id1));
    AUX(AT_HWCAP, id1[3]); /* Linux: x86_capability[CPUID_1_EDX], 64- and 32-bit */
    AUX(AT_PAGESZ, PAGE_SIZE);
    AUX(AT_CLKTCK, (uint64_t)sysconf(_SC_CLK_TCK));
    AUX(AT_PHDR, li->phdr);
    AUX(AT_PHENT, li->phent);
    AUX(AT_PHNUM, li->phnum);
    AUX(AT_BASE, li->interp_base);
    AUX(AT_FLAGS, 0);
    AUX(AT_ENTRY, li->entry);
    AUX(AT_UID, getuid());
    AUX(AT_EUID, geteuid());
    AUX(AT_GID, getgid());
    AUX(AT_EGID, getegid());
    AUX(AT_SECURE, 0);
    AUX(AT_RANDOM, random_addr);
    /* HWCAP2_RING3MWAIT (bit 0) is Xeon Phi only; HWCAP2_FSGSBASE (bit 1)
     * when the CPU has RDFSBASE & co (CPUID 7:EBX[0]) and Linux enabled them */
    AUX(AT_HWCAP2, (id7[1] & 1u) ? 2u : 0u);
    AUX(AT_EXECFN, execfn_addr);
    AUX(AT_PLATFORM, platform);
    AUX(AT_RSEQ_FEATURE_SIZE, 28);
    AUX(AT_RSEQ_ALIGN, 32);
    AUX(AT_NULL, 0);
#undef AUX
    size_t words = 1 + (size_t)argc + 1 + (size_t)envc + 1 + naux * 2;
    /* the stack pointer is 16-byte aligned at the entry point */
    b.sp -= words * w;
    b.sp &= ~0xfull;
    uint64_t sp = b.sp, at = sp;
    /* little-endian: the low w bytes of each value form the ABI's word */
#define PUTW(v)                                                                                    \
    do {                                                                                           \
        uint64_t v_ = (v);                                                                         \
        if (mem_write(p->mem, at, &v_, w, 0) < 0) b.ok = 0;                                        \
        at += w;                                                                                   \
    } while (0)
    PUTW((uint64_t)argc);
    for (int k = 0; k <= argc; k++)
        PUTW(argaddr[k]);
    for (int k = 0; k <= envc; k++)
        PUTW(envaddr[k]);
    for (size_t k = 0; k < naux; k++) {
        PUTW(aux[k][0]);
        PUTW(aux[k][1]);
    }
#undef PUTW
    /* /proc/self/auxv: the vector as placed, in the ABI's word size. Linux
     * sizes the file by scanning its zero-padded copy in 16-byte (two u64)
     * steps for a first u64 of 0, and includes that whole step: a 32-bit
     * vector gets one zero pair more when its AT_NULL starts a step, two
     * when it ends one. */
    size_t pairs = naux;
    if (w == 4) pairs += 1 + (naux - 1) % 2;
    size_t abytes = pairs * 2 * w;
    memset(p->auxv, 0, sizeof p->auxv);
    p->auxv_len = 0;
    if (abytes <= sizeof p->auxv) {
        for (size_t k = 0; k < naux; k++) {
            memcpy(p->auxv + k * 2 * w, &aux[k][0], w);
            memcpy(p->auxv + k * 2 * w + w, &aux[k][1], w);
        }
        p->auxv_len = (uint32_t)abytes;
    }
    free(envaddr);
    free(argaddr);
    if (!b.ok) {
        snprintf(li->err, sizeof li->err, "cannot build the initial stack");
        return 0;
    }
    /* The stack VMA Linux leaves (setup_arg_pages): the strings' pages and
     * 128 KiB below them (or down to the vector if that is lower); it grows
     * on demand up to RLIMIT_STACK (syscall/fault.c). */
    uint64_t low = (strings_low & PAGE_MASK) - STACK_EXPAND;
    if ((sp & PAGE_MASK) < low) low = sp & PAGE_MASK;
    if (low > top - STACK_SIZE) mem_unmap(p->mem, top - STACK_SIZE, low - (top - STACK_SIZE));
    return sp;
}
