/* elf_loader: bytes -> the ELF loader, up to the first instruction
 * (libFuzzer harness; README.md here).
 *
 * The input is the program file: written to a memfd and handed to
 * exec_image() exactly as `ringside FILE` would (ELF32 or ELF64 headers,
 * program headers, PT_INTERP naming whatever the bytes say, PT_TLS,
 * PT_GNU_STACK, notes, huge or overlapping segments, truncation), with a
 * fresh address space, CPU model and kernel image each time. It either
 * loads or is refused with a one-line error and 126/127; nothing else may
 * happen. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "cpu/mem.h"
#include "loader/loader.h"
#include "syscall/kernel.h"
#include "syscall/proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int fd = -1;
    static FILE *quiet;
    if (fd < 0) {
        fd = memfd_create("elf_loader", 0);
        quiet = fopen("/dev/null", "w");
        if (fd < 0 || !quiet) abort();
    }
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size) abort();
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

    Mem *m = mem_new();
    Cpu *c = m ? cpu_new(m, size && (data[0] & 1) ? CPU_AMD : CPU_INTEL) : NULL;
    Proc *p = calloc(1, sizeof *p);
    if (!m || !c || !p || kernel_map(m) < 0) abort();
    c->diag = quiet;
    proc_init(p, c, m);
    char *argv[] = {path, "arg", NULL};
    char *envp[] = {"A=1", NULL};
    LoadInfo li;
    uint64_t sp = 0;
    if (exec_image(p, path, 2, argv, envp, path, &li, &sp) < 0) {
        /* refused: one line, an exit status a shell can tell apart */
        if (li.exit_status != 126 && li.exit_status != 127) abort();
        if (!li.err[0] || strchr(li.err, '\n')) abort();
    }
    cpu_free(c);
    mem_free(m);
    free(p);
    return 0;
}
