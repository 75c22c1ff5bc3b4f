/* syscalls: bytes -> a sequence of system calls with fuzzed numbers and
 * arguments through the modelled kernel, on both ABIs (libFuzzer harness;
 * tests/fuzz/harness/README.md).
 *
 * Input: byte 0 picks the ABI (bit 0: an i386 program entering with
 * int $0x80, else x86-64 SYSCALL), the kernel model for i386 (bit 1:
 * --kernel=i386) and the CPU vendor (bit 2: AMD); byte 1 the number of
 * calls (at most MAX_CALLS); then per call the number (2 bytes) and six
 * arguments of 9 bytes: a selector that decides what kind of value it is
 * (raw, small, a pointer into a writable, read-only or unmapped page, the
 * kernel half, the last bytes of a page, a huge size, a path string ...)
 * and 8 value bytes. What is left fills the writable data page.
 *
 * The harness writes a tiny static ELF whose code loads each call's
 * registers and traps into the kernel, and runs it exactly as `ringside
 * FILE` would (exec_image, the ring-0 image, the vDSO). It finishes with
 * exit_group, so every input ends.
 *
 * Isolation: the calls are real. Each input runs as pid 1 of its own user,
 * pid, mount, network, IPC and UTS namespaces (made in a child, so the
 * fuzzer's own process and threads are untouched), chrooted into an empty
 * scratch directory (its only writable place), with every descriptor but 0-2 closed and a file size
 * limit, so no call can reach the host's processes or files. The calls that would leave that box or
 * break the harness (exec, fork, kill, chroot, mount, reboot, ptrace ...) are replaced by getpid.
 * libFuzzer's coverage counters are copied back from the child through shared memory. A child that
 * dies of a crash signal (or a sanitizer report: exit 1 by default) is the failure; one the guest
 * blocked (read on an empty pipe) is ended after BLOCK_MS. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "cpu/mem.h"
#include "loader/loader.h"
#include "syscall/kernel.h"
#include "syscall/proc.h"
#include "tests/fuzz/harness/sandbox.h"

enum {
    MAX_CALLS = 32,
    CALL_BYTES = 2 + 6 * 9,
    CODE_VA = 0x400000, /* r-x: ELF header + generated code */
    DATA_VA = 0x600000, /* rw-: the input's tail, strings at the end */
    RO_VA = 0x700000,   /* r--: a copy of the data page */
    HOLE_VA = 0x800000, /* never mapped */
    PAGE = 4096,
    CODE_OFF = 0x200,
    STR_OFF = PAGE - 256, /* path strings live in the data page's last 256 bytes */
    BLOCK_MS = 1000,
    MAX_INSNS = 2000000,
};

/* Paths the guest may name (inside the chroot only the scratch files exist). */
static const char *const strs[] = {"f0", "d0", ".", "/", "..", "/proc/self/maps", "/dev/null", ""};
#define NSTRS (sizeof strs / sizeof strs[0])

/* Calls that would leave the sandbox or end the harness's own machinery. */
static const char *const denied[] = {
    "fork",
    "vfork",
    "clone",
    "clone3",
    "execve",
    "execveat",
    "kill",
    "tkill",
    "tgkill",
    "rt_sigqueueinfo",
    "rt_tgsigqueueinfo",
    "pidfd_send_signal",
    "reboot",
    "ptrace",
    "chroot",
    "pivot_root",
    "mount",
    "umount",
    "umount2",
    "unshare",
    "setns",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "seccomp",
    "process_vm_writev",
    "process_vm_readv",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "swapon",
    "swapoff",
    "acct",
    "waitpid",
    "timer_create",
    "mq_notify", /* can aim any signal (SIGABRT ...) at the harness */
};

static int is_denied(const char *name) {
    if (!name) return 0;
    for (size_t k = 0; k < sizeof denied / sizeof denied[0]; k++)
        if (!strcmp(name, denied[k])) return 1;
    return 0;
}

static uint64_t get64(const uint8_t *b) {
    uint64_t v;
    memcpy(&v, b, 8);
    return v;
}

/* The value one argument selector stands for. */
static uint64_t arg_value(int m32, uint8_t sel, uint64_t v) {
    switch (sel % 12) {
    case 0: return v;
    case 1: return v % 64; /* descriptors, flags, small counts */
    case 2: return DATA_VA + v % PAGE;
    case 3: return RO_VA + v % PAGE;
    case 4: return HOLE_VA + v % PAGE;
    case 5: return m32 ? 0xc0000000u | (uint32_t)v : 0xffffffff80000000ull | v;
    case 6: return DATA_VA + PAGE - 1 - v % 16; /* runs into the unmapped page */
    case 7: return (v & 1) ? ~0ull : 1ull << (v % 64);
    case 8: return 0;
    case 9: {
        uint64_t off = STR_OFF;
        for (size_t k = 0; k < (v % NSTRS); k++)
            off += strlen(strs[k]) + 1;
        return DATA_VA + off;
    }
    case 10: return (uint64_t) - (int64_t)(v % 16);
    default: return DATA_VA + 2048; /* a buffer with room */
    }
}

static size_t put(uint8_t *code, size_t at, const void *b, size_t n) {
    memcpy(code + at, b, n);
    return at + n;
}

/* mov $imm, reg for the seven argument registers, then the trap. */
static size_t emit_call(uint8_t *code, size_t at, int m32, uint64_t nr, const uint64_t a[6]) {
    if (m32) {
        static const uint8_t op[7] = {0xb8, 0xbb, 0xb9, 0xba,
                                      0xbe, 0xbf, 0xbd}; /* eax ebx ecx
                                                           edx esi edi ebp */
        uint64_t v[7] = {nr, a[0], a[1], a[2], a[3], a[4], a[5]};
        for (int k = 0; k < 7; k++) {
            uint32_t x = (uint32_t)v[k];
            code[at++] = op[k];
            at = put(code, at, &x, 4);
        }
        code[at++] = 0xcd, code[at++] = 0x80;
    } else {
        static const uint8_t op[7][2] = {{0x48, 0xb8}, {0x48, 0xbf}, {0x48, 0xbe}, {0x48, 0xba},
                                         {0x49, 0xba}, {0x49, 0xb8}, {0x49, 0xb9}};
        uint64_t v[7] = {nr, a[0], a[1], a[2], a[3], a[4], a[5]};
        for (int k = 0; k < 7; k++) {
            code[at++] = op[k][0], code[at++] = op[k][1];
            at = put(code, at, &v[k], 8);
        }
        code[at++] = 0x0f, code[at++] = 0x05;
    }
    return at;
}

/* A static ELF (class by m32) of three PT_LOAD pages: code, data, read-only. */
static void build_elf(uint8_t *f, int m32, const uint8_t *code, size_t code_len,
                      const uint8_t *data) {
    memset(f, 0, 3 * PAGE);
    static const uint8_t ident[] = {0x7f, 'E', 'L', 'F'};
    memcpy(f, ident, 4);
    f[5] = 1, f[6] = 1; /* little-endian, version 1 */
    struct {
        uint64_t va, off;
        uint32_t flags;
    } seg[3] = {{CODE_VA, 0, 5}, {DATA_VA, PAGE, 6}, {RO_VA, 2 * PAGE, 4}};
    if (m32) {
        f[4] = 1;
        uint16_t h16[] = {2, 3}; /* ET_EXEC, EM_386 */
        uint32_t ver = 1, entry = CODE_VA + CODE_OFF, phoff = 52;
        memcpy(f + 16, h16, 4), memcpy(f + 20, &ver, 4), memcpy(f + 24, &entry, 4);
        memcpy(f + 28, &phoff, 4);
        uint16_t h[] = {52, 32, 3}; /* ehsize, phentsize, phnum */
        memcpy(f + 40, h, 6);
        for (int k = 0; k < 3; k++) {
            uint32_t ph[8] = {1,
                              (uint32_t)seg[k].off,
                              (uint32_t)seg[k].va,
                              (uint32_t)seg[k].va,
                              PAGE,
                              PAGE,
                              seg[k].flags,
                              PAGE};
            memcpy(f + 52 + 32 * k, ph, sizeof ph);
        }
    } else {
        f[4] = 2;
        uint16_t h16[] = {2, 62}; /* ET_EXEC, EM_X86_64 */
        uint32_t ver = 1;
        uint64_t entry = CODE_VA + CODE_OFF, phoff = 64;
        memcpy(f + 16, h16, 4), memcpy(f + 20, &ver, 4), memcpy(f + 24, &entry, 8);
        memcpy(f + 32, &phoff, 8);
        uint16_t h[] = {64, 56, 3};
        memcpy(f + 52, h, 6);
        for (int k = 0; k < 3; k++) {
            uint8_t *ph = f + 64 + 56 * k;
            uint32_t type = 1, flags = seg[k].flags;
            uint64_t q[6] = {seg[k].off, seg[k].va, seg[k].va, PAGE, PAGE, PAGE};
            memcpy(ph, &type, 4), memcpy(ph + 4, &flags, 4), memcpy(ph + 8, q, sizeof q);
        }
    }
    memcpy(f + CODE_OFF, code, code_len);
    memcpy(f + PAGE, data, PAGE);
    memcpy(f + 2 * PAGE, data, PAGE);
}

#define PROG "prog" /* the generated program, in the scratch dir ("/prog" in the chroot) */
static int run_amd, run_k32;

static void tick(int sig) { (void)sig; } /* interrupts a blocking host call (EINTR) */

static void run_guest(FILE *quiet) {
    struct sigaction sa = {.sa_handler = tick}; /* no SA_RESTART */
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 100000}, {0, 100000}};
    setitimer(ITIMER_REAL, &it, NULL);
    Mem *m = mem_new();
    Cpu *c = m ? cpu_new(m, run_amd ? CPU_AMD : CPU_INTEL) : NULL;
    Proc *p = calloc(1, sizeof *p);
    if (!m || !c || !p) _exit(3);
    if (quiet) c->diag = quiet;
    proc_init(p, c, m);
    p->kernel32 = run_k32;
    if (p->kernel32 ? kernel32_map(m) < 0 : kernel_map(m) < 0) _exit(3);
    char *argv[] = {"/" PROG, NULL};
    char *envp[] = {"A=1", NULL};
    LoadInfo li;
    uint64_t sp = 0;
    if (exec_image(p, "/" PROG, 1, argv, envp, "/" PROG, &li, &sp) < 0) {
        fprintf(stderr, "syscalls harness: the generated ELF was refused: %s\n", li.err);
        _exit(4);
    }
    if (p->kernel32)
        kernel32_boot(p, li.start, sp);
    else
        kernel_boot(p, li.start, sp, li.is32);
    kernel_run_budget(p, MAX_INSNS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t head[2] = {size > 0 ? data[0] : 0, size > 1 ? data[1] : 0}; /* short: no calls */
    int m32 = head[0] & 1, k32 = (head[0] >> 1) & 1, amd = (head[0] >> 2) & 1;
    size_t ncalls = head[1] % (MAX_CALLS + 1);
    size_t skip = size < 2 ? size : 2;
    data += skip, size -= skip;
    if (ncalls > size / CALL_BYTES) ncalls = size / CALL_BYTES;

    static uint8_t code[PAGE - CODE_OFF], page[PAGE], elf[3 * PAGE];
    memset(code, 0xcc, sizeof code);
    size_t at = 0;
    SysAbi abi = m32 ? ABI_I386 : ABI_X86_64;
    for (size_t k = 0; k < ncalls; k++, data += CALL_BYTES, size -= CALL_BYTES) {
        uint64_t nr = (data[0] | (unsigned)data[1] << 8) % 470; /* both tables end below 470 */
        const SysDef *d = sys_lookup(abi, nr);
        if (d && is_denied(d->name)) nr = m32 ? 20 : 39; /* getpid */
        uint64_t a[6];
        for (int j = 0; j < 6; j++)
            a[j] = arg_value(m32, data[2 + 9 * j], get64(data + 3 + 9 * j));
        at = emit_call(code, at, m32, nr, a);
    }
    uint64_t none[6] = {0};
    at = emit_call(code, at, m32, m32 ? 252 : 231, none); /* exit_group(0) */

    memset(page, 0, sizeof page);
    memcpy(page, data, size < STR_OFF ? size : STR_OFF);
    size_t off = STR_OFF;
    for (size_t k = 0; k < NSTRS; k++) {
        memcpy(page + off, strs[k], strlen(strs[k]) + 1);
        off += strlen(strs[k]) + 1;
    }
    build_elf(elf, m32, code, at, page);

    sandbox_write(PROG, elf, sizeof elf);
    run_amd = amd, run_k32 = m32 && k32;
    sandbox_run("syscalls", run_guest, BLOCK_MS);
    return 0;
}
