/* gdb_packets: bytes -> the gdb stub's remote-protocol parser and command
 * dispatch (libFuzzer harness; README.md here).
 *
 * Byte 0 picks the set-up (bit 0: the AMD model, bit 1: a 4096-entry
 * history, so that bs/bc replay); the rest is what "gdb" sends, byte for
 * byte (packets, acks, Ctrl-C, garbage), over one end of a socketpair that
 * ui/gdb serves (gdb_open_fd) against a real tiny guest: a static x86-64
 * program that makes 3000 getpid calls, writing a counter into its data
 * page, then exit_group(7). The guest may run (c, s, vCont, D) but at most
 * MAX_INSNS instructions, then it is ended; the connection closing ends
 * it too. Registers and memory are gdb's to write, so the guest can make
 * any system call: each input runs in a child process inside user, pid,
 * mount, network, IPC and UTS namespaces, chrooted into an empty scratch
 * directory, with a 1 MiB file-size limit, ended after BLOCK_MS (a guest
 * that gdb made block in a system call), as the syscalls harness does. A child that dies of
 * SIGSEGV/SIGBUS/SIGILL/ SIGFPE/SIGABRT (sanitizer reports abort) is the failure; where the
 * namespaces cannot be made the harness refuses to run (exit 77). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "cpu/mem.h"
#include "loader/loader.h"
#include "syscall/kernel.h"
#include "syscall/proc.h"
#include "tests/fuzz/harness/sandbox.h"
#include "ui/gdb/gdb.h"

enum {
    CODE_VA = 0x400000, /* r-x: ELF header + code */
    DATA_VA = 0x600000, /* rw- */
    PAGE = 4096,
    CODE_OFF = 0x200,
    BLOCK_MS = 2000,
    MAX_INSNS = 300000,
};

#define PROG "/prog" /* in the chroot: the scratch dir's "prog" */
static int run_amd, run_hist;
static const uint8_t *run_data;
static size_t run_size;

/* mov ecx,3000; 1: mov eax,39; push rcx; syscall; pop rcx; mov [DATA_VA],ecx;
 * dec ecx; jnz 1b; mov eax,231; mov edi,7; syscall */
static const uint8_t code[] = {0xb9, 0xb8, 0x0b, 0x00, 0x00, 0xb8, 0x27, 0x00, 0x00, 0x00,
                               0x51, 0x0f, 0x05, 0x59, 0x89, 0x0c, 0x25, 0x00, 0x00, 0x60,
                               0x00, 0xff, 0xc9, 0x75, 0xec, 0xb8, 0xe7, 0x00, 0x00, 0x00,
                               0xbf, 0x07, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xf4};

/* A static ELF64 of two PT_LOAD pages: code, data. */
static void build_elf(uint8_t *f) {
    memset(f, 0, 2 * PAGE);
    static const uint8_t ident[] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    memcpy(f, ident, sizeof ident);
    uint16_t h16[] = {2, 62}; /* ET_EXEC, EM_X86_64 */
    uint32_t ver = 1;
    uint64_t entry = CODE_VA + CODE_OFF, phoff = 64;
    memcpy(f + 16, h16, 4), memcpy(f + 20, &ver, 4), memcpy(f + 24, &entry, 8);
    memcpy(f + 32, &phoff, 8);
    uint16_t h[] = {64, 56, 2};
    memcpy(f + 52, h, 6);
    struct {
        uint64_t va, off;
        uint32_t flags;
    } seg[2] = {{CODE_VA, 0, 5}, {DATA_VA, PAGE, 6}};
    for (int k = 0; k < 2; k++) {
        uint8_t *ph = f + 64 + 56 * k;
        uint32_t type = 1, flags = seg[k].flags;
        uint64_t q[6] = {seg[k].off, seg[k].va, seg[k].va, PAGE, PAGE, PAGE};
        memcpy(ph, &type, 4), memcpy(ph + 4, &flags, 4), memcpy(ph + 8, q, sizeof q);
    }
    memcpy(f + CODE_OFF, code, sizeof code);
}

/* --- the sandbox (as syscalls.c) ----------------------------------------- */

/* gdb's side: whatever the stub sends is read and dropped. */
static void *drain(void *arg) {
    int fd = *(int *)arg;
    char b[4096];
    while (read(fd, b, sizeof b) > 0) {
    }
    return NULL;
}

static void run_guest(FILE *quiet) {
    signal(SIGPIPE, SIG_IGN);
    /* the stub's and the guest's messages (fd 2) go nowhere */
    if (quiet) dup2(fileno(quiet), 0), dup2(fileno(quiet), 1), dup2(fileno(quiet), 2);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) _exit(3);
    /* the whole input is queued before the stub reads (socket buffers
     * hold far more than the longest input), then gdb's side stops writing */
    int big = 1 << 20;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    for (size_t off = 0; off < run_size;) {
        ssize_t k = write(sv[0], run_data + off, run_size - off);
        if (k <= 0) _exit(3);
        off += (size_t)k;
    }
    shutdown(sv[0], SHUT_WR);
    pthread_t dt;
    if (pthread_create(&dt, NULL, drain, &sv[0]) != 0) _exit(3);

    Mem *m = mem_new();
    Cpu *c = m ? cpu_new(m, run_amd ? CPU_AMD : CPU_INTEL) : NULL;
    Proc *p = calloc(1, sizeof *p);
    if (!m || !c || !p) _exit(3);
    if (quiet) c->diag = quiet;
    proc_init(p, c, m);
    if (kernel_map(m) < 0) _exit(3);
    char *argv[] = {PROG, NULL};
    char *envp[] = {"A=1", NULL};
    LoadInfo li;
    uint64_t sp = 0;
    if (exec_image(p, PROG, 1, argv, envp, PROG, &li, &sp) < 0) _exit(4);
    GdbStub *s = gdb_open_fd(sv[1], MAX_INSNS);
    if (!s) _exit(3);
    kernel_boot(p, li.start, sp, li.is32);
    if (gdb_serve(s, p, run_hist ? 4096 : 0, 0) < 0) _exit(3);
    if (!p->exited) _exit(3); /* gdb_serve returns with the process ended */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t head = size ? data[0] : 0;
    run_amd = head & 1;
    run_hist = (head >> 1) & 1;
    run_data = size ? data + 1 : data;
    run_size = size ? size - 1 : 0;

    /* every input: a guest gdb drove may have rewritten the last one's */
    static uint8_t elf[2 * PAGE];
    build_elf(elf);
    sandbox_write("prog", elf, sizeof elf);
    sandbox_run("gdb_packets", run_guest, BLOCK_MS);
    return 0;
}
