/* One logical x86 CPU: architectural state and the embedding interface.
 *
 * This header is the whole public API of cpu/: create a CPU over a guest
 * address space (mem.h), run it until an event or for N instructions,
 * single-step, set breakpoints, and observe ring transitions, exceptions and
 * retired instructions through hooks that cost nothing when unset. It knows
 * nothing of Linux or of any front end. Instruction handlers see more through
 * cpu/insn.h. */
#ifndef RINGSIDE_CPU_H
#define RINGSIDE_CPU_H

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>

#include "mem.h"

/* GPR numbers (Intel encoding order). */
enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };
#define REG_ZERO 16 /* always-zero slot: "no base/index register" */

/* Segment register numbers (encoding order); SEG_NONE indexes a zero base. */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_NONE, SEG_LDTR, SEG_TR };

/* RFLAGS bits. */
enum {
    F_CF = 1u << 0,
    F_PF = 1u << 2,
    F_AF = 1u << 4,
    F_ZF = 1u << 6,
    F_SF = 1u << 7,
    F_TF = 1u << 8,
    F_IF = 1u << 9,
    F_DF = 1u << 10,
    F_OF = 1u << 11,
    F_IOPL = 3u << 12,
    F_NT = 1u << 14,
    F_RF = 1u << 16,
    F_VM = 1u << 17,
    F_AC = 1u << 18,
    F_VIF = 1u << 19,
    F_VIP = 1u << 20,
    F_ID = 1u << 21,
};
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

/* Exception vectors. */
enum {
    EXC_DE = 0,
    EXC_DB = 1,
    EXC_NMI = 2,
    EXC_BP = 3,
    EXC_OF = 4,
    EXC_BR = 5,
    EXC_UD = 6,
    EXC_NM = 7,
    EXC_DF = 8,
    EXC_TS = 10,
    EXC_NP = 11,
    EXC_SS = 12,
    EXC_GP = 13,
    EXC_PF = 14,
    EXC_MF = 16,
    EXC_AC = 17,
    EXC_MC = 18,
    EXC_XM = 19,
};
/* #PF error code bits. */
enum { PFERR_P = 1, PFERR_W = 2, PFERR_U = 4, PFERR_RSVD = 8, PFERR_I = 16 };

/* Model-specific registers the CPU knows. */
#define MSR_SYSENTER_CS    0x174
#define MSR_SYSENTER_ESP   0x175
#define MSR_SYSENTER_EIP   0x176
#define MSR_EFER           0xc0000080
#define MSR_STAR           0xc0000081
#define MSR_LSTAR          0xc0000082
#define MSR_CSTAR          0xc0000083
#define MSR_SFMASK         0xc0000084
#define MSR_FS_BASE        0xc0000100
#define MSR_GS_BASE        0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_TSC_AUX        0xc0000103
#define MSR_TSC            0x10
#define MSR_APIC_BASE      0x1b
#define MSR_PAT            0x277
#define MSR_MISC_ENABLE    0x1a0

#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)
#define EFER_NXE (1u << 11)

typedef enum { CPU_INTEL, CPU_AMD } CpuVendor;

/* The modelled CPU is a vendor and a CPUID display family. Behaviour that
 * differs between families of one vendor tests Cpu.family (cpu/README.md
 * lists each case). */
#define CPU_FAMILY_INTEL 0x06
#define CPU_FAMILY_ZEN1  0x17 /* Zen, Zen+, Zen 2 */
#define CPU_FAMILY_ZEN3  0x19 /* Zen 3, Zen 4 */
#define CPU_FAMILY_ZEN5  0x1a

/* Execution mode, derived from CR0.PE, EFER.LMA and CS.L/D. Part of the
 * decode-cache key. */
typedef enum { MODE_64 = 0, MODE_COMPAT32 = 1, MODE_PROT32 = 2 } CpuMode;

/* A segment register with its hidden descriptor cache. */
typedef struct Segment {
    uint16_t sel;
    uint64_t base;
    uint32_t limit; /* byte granular, after G scaling */
    uint16_t attr;  /* descriptor bits 40-47 (type,S,DPL,P) | 52-55 (AVL,L,D/B,G) << 8 */
} Segment;
/* attr bits */
#define SEGA_P      0x80
#define SEGA_S      0x10
#define SEGA_DPL(a) (((a) >> 5) & 3)
#define SEGA_L      0x2000
#define SEGA_DB     0x4000
#define SEGA_G      0x8000

typedef struct DescTable {
    uint64_t base;
    uint16_t limit;
} DescTable;

typedef union Xmm {
    uint8_t b[16];
    uint16_t w[8];
    uint32_t d[4];
    uint64_t q[2];
    int8_t sb[16];
    int16_t sw[8];
    int32_t sd[4];
    int64_t sq[2];
    float f[4];
    double fd[2];
} Xmm;

/* Lazy arithmetic flags: the last flag-setting operation's inputs and result;
 * CF/PF/AF/ZF/SF/OF are computed only when read (cpu/flags.c). */
typedef struct LazyFlags {
    uint64_t res, a, b;
    uint8_t op;   /* LF_* from insn.h; LF_NONE: rflags holds the bits */
    uint8_t size; /* operand size in bytes */
    uint8_t cin;  /* carry in (ADC/SBB) or preserved CF (INC/DEC) */
} LazyFlags;

/* What a ring transition / exception delivery looked like, for hooks. */
typedef struct CpuSnap {
    uint64_t rip, rsp, rcx, r11, rflags, rax;
    uint16_t cs, ss;
    uint8_t cpl;
    uint8_t mode;
} CpuSnap;

typedef enum {
    RT_SYSCALL,
    RT_SYSRET,
    RT_SYSENTER,
    RT_SYSEXIT,
    RT_INT,
    RT_IRET,
    RT_EXCEPTION,
} RingKind;

typedef struct RingEvent {
    RingKind kind;
    CpuSnap before, after;
    int vector;     /* RT_INT / RT_EXCEPTION: the vector */
    uint32_t error; /* RT_EXCEPTION: the error code pushed, if any */
    int has_error;
    uint64_t cr2;       /* #PF */
    const char *source; /* "LSTAR", "CSTAR", "SYSENTER_EIP", "IDT[0x80]", ... */
} RingEvent;

typedef struct Cpu Cpu;
typedef struct Insn Insn;

typedef struct CpuHooks {
    void *ud;
    /* After every ring transition (both directions) and exception delivery. */
    void (*ring)(void *ud, Cpu *c, const RingEvent *ev);
    /* After each retired instruction; `before` is the state before it. Setting
     * this switches the CPU to single-instruction blocks (slow; tracing only). */
    void (*insn)(void *ud, Cpu *c, const Insn *i, const CpuSnap *before,
                 const uint64_t before_gpr[16]);
    /* Before each guest data write by an instruction or by exception/interrupt
     * delivery, with the old bytes still in place (debuggers: watchpoints and
     * the history). Setting this keeps writes off the TLB fast path; unset it
     * costs nothing. The write may still fault after the call. */
    void (*mem_write)(void *ud, Cpu *c, uint64_t addr, unsigned len);
    /* Before each guest data read by an instruction (read and access
     * watchpoints). Setting this keeps reads off the TLB fast path; unset
     * it costs nothing. A read-modify-write goes through mem_write. */
    void (*mem_read)(void *ud, Cpu *c, uint64_t addr, unsigned len);
} CpuHooks;

/* Why cpu_run returned. */
typedef enum {
    CPU_EV_NONE = 0,
    CPU_EV_HYPERCALL,  /* VMCALL at CPL 0: the host-side kernel's turn */
    CPU_EV_EXCEPTION,  /* an exception with no IDT to deliver it (unit tests) */
    CPU_EV_LIMIT,      /* the instruction budget ran out */
    CPU_EV_BREAKPOINT, /* reached a breakpoint address */
    CPU_EV_HALT,       /* HLT at CPL 0 */
    CPU_EV_SHUTDOWN,   /* triple fault */
    CPU_EV_INTERRUPT,  /* irq was raised (a host signal for the guest) while at CPL 3 */
} CpuEvent;

#define CPU_MAX_BREAKPOINTS 64

struct Cpu {
    /* --- hot state first --- */
    uint64_t gpr[17]; /* [REG_ZERO] stays 0 */
    uint64_t rip;     /* valid between blocks; see insn.h for within a block */
    uint64_t rflags;  /* non-arithmetic bits always; arithmetic bits when lf.op == LF_NONE */
    LazyFlags lf;
    uint64_t segbase[7]; /* ES CS SS DS FS GS, [SEG_NONE] = 0: what address generation adds */
    struct TlbEnt *tlb_r, *tlb_w; /* the TLB sets for the current privilege */
    const Insn *cur;              /* instruction being executed */
    const Insn *stop_at;          /* block loop runs while ++i < stop_at; NULL ends it */
    const Insn *blk_first;        /* first instruction of the running block */
    Mem *mem;
    uint64_t icount; /* retired guest instructions */

    Xmm xmm[16];
    uint32_t mxcsr;

    /* --- system state --- */
    Segment seg[9]; /* ES CS SS DS FS GS, -, LDTR, TR */
    DescTable gdtr, idtr;
    uint64_t cr0, cr2, cr3, cr4, cr8;
    uint64_t efer, star, lstar, cstar, sfmask, kernel_gs_base, tsc_aux;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t pat, apic_base, misc_enable;
    uint8_t cpl;
    uint8_t mode; /* CpuMode */
    CpuVendor vendor;
    uint16_t family; /* CPUID display family: CPU_FAMILY_* */

    /* x87 state. st[k] is PHYSICAL register Rk (80-bit, little-endian
     * bytes); ST(i) = st[(TOP + i) & 7] with TOP = (fsw >> 11) & 7. ftw is
     * the full 16-bit tag word, 2 bits per physical register (00 valid,
     * 01 zero, 10 special, 11 empty); FXSAVE's abridged form is derived.
     * fop/fip/fdp: last instruction opcode and pointers (FNSTENV/FXSAVE). */
    uint16_t fcw, fsw, ftw, fop;
    uint64_t fip, fdp;
    uint16_t fcs, fds;
    uint8_t st[8][10];

    /* --- run control --- */
    CpuEvent event;
    int exc_vector; /* CPU_EV_EXCEPTION */
    uint32_t exc_error;
    int exc_has_error;
    int in_delivery; /* nesting depth of exception delivery (#DF, triple fault) */
    jmp_buf jb;
    int jb_valid;
    uint64_t budget;  /* instructions left before CPU_EV_LIMIT */
    int smc_pending;  /* a guest write hit a page with decoded code */
    volatile int irq; /* set asynchronously (signal catcher): stop at the next block boundary */
    int step_blocks;  /* single-instruction blocks (insn hook, stepping, breakpoints) */
    uint64_t bp[CPU_MAX_BREAKPOINTS];
    int nbp;
    uint64_t bp_skip; /* resume past the breakpoint at this address once */
    CpuHooks hooks;

    struct DecodeCache *dc;
    struct Block *prev_block; /* for the decode cache's successor links */
    struct TlbEnt *tlb;       /* [2 privilege][2 read/write][TLB_SIZE] */
    /* Diagnostics: where "not implemented" reports go (default stderr). */
    FILE *diag;
    uint32_t host_mxcsr_saved;
    int dc_shared; /* cpu_clone: dc belongs to the CPU this one was cloned from */
};

/* --- embedding API --- */
/* A CPU of that vendor, family CPU_FAMILY_INTEL or CPU_FAMILY_ZEN5 (set
 * c->family afterwards for another family). */
Cpu *cpu_new(Mem *m, CpuVendor vendor);
void cpu_free(Cpu *c);
/* A second CPU over the same Mem (a guest thread): a copy of parent's
 * architectural state with its own TLB, sharing parent's decode cache.
 * Only one of the CPUs sharing a cache may run at a time (syscall/thread.c
 * hands them a lock), and a CPU that runs after another changed mappings
 * or decoded code must cpu_flush_tlb() first (mem_generation() tells).
 * Clones do not take over mem_on_change(); free clones before parent. */
Cpu *cpu_clone(Cpu *parent);
/* The host's vendor and display family (CPUID leaves 0 and 1). */
void cpu_host_model(CpuVendor *vendor, unsigned *family);
/* "intel", "amd" (Zen 5), "amd-17h" (Zen 1/2), "amd-19h", "amd-1ah", "host":
 * 0, or -1 for an unknown name. */
int cpu_parse_model(const char *name, CpuVendor *vendor, unsigned *family);
const char *cpu_model_name(CpuVendor vendor, unsigned family); /* static buffer */
/* A flat 64-bit state without any GDT (hidden caches set directly): for
 * unit tests and the instruction fuzzer. CPL as given; no IDT, so exceptions
 * return CPU_EV_EXCEPTION. */
void cpu_reset_flat64(Cpu *c, int cpl);
/* The same for 32-bit compatibility mode (CS.L=0, D=1) under long mode. */
void cpu_reset_flat_compat32(Cpu *c, int cpl);
/* Run until an event, or at most max_insns instructions (0 = no limit). */
CpuEvent cpu_run(Cpu *c, uint64_t max_insns);
/* Execute exactly one instruction (or deliver one exception). */
CpuEvent cpu_step(Cpu *c);
int cpu_add_breakpoint(Cpu *c, uint64_t addr);
void cpu_remove_breakpoint(Cpu *c, uint64_t addr);
void cpu_set_hooks(Cpu *c, const CpuHooks *h);
/* From a hook: end cpu_run with CPU_EV_LIMIT once the running instruction
 * has retired (a debugger's watchpoint stops after the writing instruction). */
void cpu_stop_after_insn(Cpu *c);

/* Full RFLAGS with lazily computed arithmetic flags materialised. */
uint64_t cpu_get_rflags(Cpu *c);
void cpu_set_rflags(Cpu *c, uint64_t v); /* all bits, no privilege checks */
/* The FXSAVE image of the x87/SSE state (outside cpu_run), as FXSAVE64
 * (fx64) or FXSAVE stores it with nxmm XMM registers; bytes 416-511 zero.
 * cpu_fxrstor_image loads one: -1 (nothing changed) when MXCSR has reserved
 * bits set. cpu_fpu_init: the state after FNINIT + MXCSR 0x1f80, XMM zero
 * (what Linux gives a signal handler). */
void cpu_fxsave_image(Cpu *c, uint8_t img[512], int fx64, int nxmm);
int cpu_fxrstor_image(Cpu *c, const uint8_t img[512], int fx64, int nxmm);
void cpu_fpu_init(Cpu *c);
void cpu_snap(Cpu *c, CpuSnap *s);

/* MSR access with the architectural checks (used by RDMSR/WRMSR): returns 0,
 * or -1 for an unknown MSR or a bad value (the caller raises #GP). */
int cpu_rdmsr(Cpu *c, uint32_t msr, uint64_t *val);
int cpu_wrmsr(Cpu *c, uint32_t msr, uint64_t val);
const char *cpu_msr_name(uint32_t msr);

/* Load a segment register through the GDT/LDT with the protected-mode
 * checks; raises #GP/#NP/#SS inside cpu_run. For embedders outside cpu_run
 * (before the first run), cpu_load_seg_raw sets selector and cache directly. */
void cpu_load_seg_raw(Cpu *c, int seg, uint16_t sel, uint64_t base, uint32_t limit, uint16_t attr);
/* Change CPL/mode bookkeeping after CS changed (TLB sets, decode mode). */
void cpu_update_mode(Cpu *c);

/* Flush the TLB; flush the decoded-instruction cache. */
void cpu_flush_tlb(Cpu *c);
void cpu_flush_code(Cpu *c);

/* Zydis text of the instruction at addr in the current mode (for traces). */
int cpu_disasm(Cpu *c, uint64_t addr, char *out, size_t outlen, uint8_t *bytes, int *len);
/* The same, decoding as code of `mode` (CpuMode) runs: e.g. a 32-bit
 * program's instruction while the CPU is in the 64-bit kernel. */
int cpu_disasm_mode(Cpu *c, int mode, uint64_t addr, char *out, size_t outlen, uint8_t *bytes,
                    int *len);

const char *cpu_exc_name(int vector);

/* The modelled CPU's CPUID answer (also used for AT_HWCAP). */
void cpuid_query(Cpu *c, uint32_t leaf, uint32_t sub, uint32_t out[4]);

/* Host MXCSR handling: guest SSE arithmetic runs on the host's SSE unit with
 * the guest's rounding/DAZ/FTZ bits, so cpu_run swaps MXCSR on entry/exit. */

#endif
