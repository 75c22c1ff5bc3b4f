/* Running a code snippet on the host CPU with a given register state: the
 * oracle for the unit tests. The code runs in-process at fixed addresses
 * (the same ones harness.c maps for ringside), so instructions that encode
 * absolute data addresses behave identically on both sides. */
#ifndef RINGSIDE_TESTS_NATIVE_H
#define RINGSIDE_TESTS_NATIVE_H

#include <stddef.h>
#include <stdint.h>

#define NATIVE_CODE_ADDR 0x10000000ull /* one RWX page */
#define DATA_ADDR        0x20000000ull /* DATA_SIZE bytes, RW */
#define DATA_SIZE        8192u
#define STACK_ADDR       0x30000000ull /* one RW page, zeroed before every run */
#define STACK_SIZE       4096u
#define RO_ADDR          0x38000000ull /* one read-only page: byte k = 7k + 3 */
#define CODE_MAX         (4096u - 16u) /* room for the return sequence */

/* Register state in and out. rip is output only: the address where the
 * code ended, or of the instruction that faulted. */
typedef struct RegState {
    uint64_t gpr[16]; /* Intel order: rax rcx rdx rbx rsp rbp rsi rdi r8..r15 */
    uint64_t rflags;  /* in: arithmetic bits and DF are used; IF and bit 1 forced */
    uint64_t rip;
    uint8_t xmm[16][16];
    uint32_t mxcsr;
    uint32_t pad_;
} RegState;

/* RFLAGS bits a test may load (the rest belong to the host). */
#define RS_FLAGS_LOADABLE 0xcd5ull /* CF PF AF ZF SF DF OF */

/* The code page as both sides see it: the snippet, native's return jump,
 * int3 filler. (Bit-offset instructions can read it.) */
void native_code_page(const uint8_t *code, size_t len, uint8_t page[4096]);

/* Run `code` (len <= CODE_MAX) natively with registers from *st and the data
 * pages from data[DATA_SIZE]; write registers, flags and data back. Returns
 * 0, or the signal the code raised (SIGFPE, SIGSEGV, SIGILL, SIGTRAP,
 * SIGBUS); on a signal *st holds the state at the faulting instruction and
 * data the memory at that point. Returns -1 if the fixed mappings cannot be
 * set up (caller skips). */
int native_exec(const uint8_t *code, size_t len, RegState *st, uint8_t *data);

/* 32-bit compatibility mode (CS 0x23, DS/ES/SS/GS 0x2b, flat): the same
 * contract, with len <= CODE32_MAX; the low 32 bits of RAX..RDI go in and
 * come out (R8-R15 and the upper halves come out as 0). The code page ends
 * the snippet with a far jump to CS 0x33 and a 64-bit stub back to the
 * trampoline (both in the code page: a compat-mode far pointer is 32-bit). */
#define CODE32_MAX (CODE_MAX - 8)
void native_code_page32(const uint8_t *code, size_t len, uint8_t page[4096]);
int native_exec32(const uint8_t *code, size_t len, RegState *st, uint8_t *data);

#endif
