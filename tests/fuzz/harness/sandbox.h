/* The sandbox the harnesses that run a real guest share (syscalls.c,
 * gdb_packets.c): each input runs as pid 1 of its own user, pid, mount,
 * network, IPC and UTS namespaces, chrooted into an empty scratch
 * directory, so nothing the guest does can reach the host's processes or
 * files; coverage comes back to libFuzzer through its extra-counters
 * section. */
#ifndef RINGSIDE_FUZZ_SANDBOX_H
#define RINGSIDE_FUZZ_SANDBOX_H

#include <stddef.h>
#include <stdio.h>

/* The scratch directory (made on first use, removed at exit). */
const char *sandbox_scratch(void);
/* Write a file into it (e.g. the guest program); aborts on failure. */
void sandbox_write(const char *name, const void *buf, size_t n);

/* Run body in a grandchild: descriptors 3+ closed, `quiet` open on
 * /dev/null, chrooted into the scratch dir, RLIMIT_FSIZE 1 MiB with
 * SIGXFSZ ignored. body returns when the guest ended (exit 3: it could not
 * set up, 4: the program was refused). A child still running after
 * block_ms is ended (a guest blocked in a system call, not a failure); one
 * that dies of SIGSEGV/SIGBUS/SIGILL/SIGFPE/SIGABRT/SIGTRAP/SIGSYS (sanitizer
 * reports abort) or exits 3/4 aborts the harness, so the fuzzer keeps the
 * input. Where no namespaces can be made the harness exits 77. */
void sandbox_run(const char *who, void (*body)(FILE *quiet), int block_ms);

#endif
