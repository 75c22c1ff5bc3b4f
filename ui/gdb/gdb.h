/* ui/gdb/: the GDB remote serial protocol stub (--gdb=PORT, --gdb=unix:PATH).
 *
 * rsp.c frames packets over one TCP or Unix-socket connection (checksums,
 * acks, escapes, Ctrl-C); regs.c describes and transfers the registers
 * (target.xml for i386/x86-64 with the sse, linux and segments features
 * plus ringside's own CPL); xfer.c serves qXfer objects; monitor.c the
 * `monitor` commands; stub.c dispatches packets and drives ui/debug/. */
#ifndef RINGSIDE_UI_GDB_H
#define RINGSIDE_UI_GDB_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "../debug/debug.h"

#define GDB_PACKET_MAX 0x4000 /* what qSupported offers as PacketSize (bytes) */

typedef struct Rsp {
    int listen_fd, fd;
    int noack;
    int interrupted; /* a Ctrl-C (0x03) byte arrived */
    char where[256]; /* "127.0.0.1:PORT" or the socket path, for messages */
    char unix_path[200];
    uint8_t rx[4096];
    size_t rx_len, rx_pos;
    char *pkt; /* the last packet received, NUL-terminated (binary data may hold NULs) */
    size_t pkt_len, pkt_cap;
    char *last_sent;
    size_t last_len;
    int owner; /* the pid that serves gdb: a fork()ed guest child never touches the sockets */
    /* Called every RSP_IDLE_MS while waiting for gdb (a connection or the
     * next byte), when set: a companion front end's events. Nonzero: stop
     * waiting (rsp_accept -2, rsp_recv -1). */
    int (*idle)(void *ud);
    void *idle_ud;
} Rsp;
#define RSP_IDLE_MS 30

/* The socket watcher (watch.c): kicks guest threads blocked in system calls
 * when gdb sends bytes (Ctrl-C) while the guest runs. Each host thread tells
 * it what it does: running the guest under gdb, serving gdb, or neither. */
enum { WATCH_NONE, WATCH_RUNNING, WATCH_SERVING };
typedef struct Watch {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t th;
    const int *fd; /* the connection (Rsp.fd) */
    int running, serving, quit, started, owner;
} Watch;
void watch_init(Watch *w, const int *fd);
int watch_state(Watch *w, int state); /* this host thread's new state: the previous one */
void watch_stop(Watch *w);

/* Listen on "PORT" (127.0.0.1) or "unix:PATH": 0, or -1 with a message. */
int rsp_listen(Rsp *r, const char *spec);
int rsp_accept(Rsp *r); /* waits until gdb connects: 0 / -1; -2: Rsp.idle asked to stop */
/* No listening socket: serve fd, already connected (taken over, moved to
 * 1000+ with close-on-exec). */
void rsp_adopt(Rsp *r, int fd);
void rsp_close_conn(Rsp *r);
void rsp_close(Rsp *r);
/* In a forked child: drop the descriptors without a word to gdb. */
void rsp_abandon(Rsp *r);
int rsp_is_owner(const Rsp *r);
/* Next packet into r->pkt: 1 packet, 0 a lone Ctrl-C, -1 the connection closed. */
int rsp_recv(Rsp *r);
/* Send one packet (adds $, the checksum, escapes). 0 / -1 (connection lost). */
int rsp_send(Rsp *r, const char *data, size_t len);
int rsp_send_str(Rsp *r, const char *s);
/* Non-blocking: did a Ctrl-C arrive? (consumes it) */
int rsp_poll_interrupt(Rsp *r);

/* Registers (regs.c). */
typedef struct GdbRegs {
    int is32; /* the i386 description (32-bit programs) */
    int n;    /* how many */
} GdbRegs;
void gdb_regs_init(GdbRegs *g, int is32);
const char *gdb_target_xml(const GdbRegs *g, size_t *len);
int gdb_reg_size(const GdbRegs *g, int regno); /* bytes, or -1 for no such register */
void gdb_reg_get(const GdbRegs *g, Dbg *d, int regno, uint8_t *out);
int gdb_reg_set(const GdbRegs *g, Dbg *d, int regno, const uint8_t *in); /* 0 / -1 */

/* qXfer objects (xfer.c): fills *out (malloc'ed) and *len; -1 unknown. */
int gdb_xfer_object(Dbg *d, const GdbRegs *g, const char *object, const char *annex, char **out,
                    size_t *len);

/* Monitor commands (monitor.c): the text to print (malloc'ed). */
char *gdb_monitor(Dbg *d, const char *cmd);
/* The kernel image with symbols for add-symbol-file (next to the binary). */
const char *gdb_kernel_elf(const Proc *p);
/* The one gdb should load for a session with the i386 (is32) or the
 * x86-64 description. */
const char *gdb_kernel_elf_for(const Proc *p, int is32);

/* Listen on spec ("PORT" or "unix:PATH"): NULL with a message when that
 * fails (called before anything else is set up). */
typedef struct Stub GdbStub;
GdbStub *gdb_open(const char *spec);
void gdb_close(GdbStub *s); /* without serving (the program could not be loaded) */
/* Serve one already-connected descriptor (taken over), for a fuzz harness
 * over a socketpair: no listening socket; when that connection ends the
 * process is ended (SIGKILL) rather than left waiting. max_insns: as
 * Dbg.max_insns (0: unbounded). */
GdbStub *gdb_open_fd(int fd, uint64_t max_insns);
/* A second front end on the stub's debug core (the viewer, --view with
 * --gdb): both drive the same CPU. The stub calls it from the host thread
 * that serves gdb; it must not run anything but on `may_drive`. */
typedef struct GdbCompanion {
    void *ud;
    void (*start)(void *ud, Dbg *d); /* the core is set up (before the first connection) */
    /* Events. running 0: the stub waits for gdb (every RSP_IDLE_MS); with
     * may_drive the companion may run the core itself (gdb is not inside a
     * signal delivery); nonzero: stop waiting (the program was killed).
     * running 1: the program runs; nonzero stops it (reported as SIGINT). */
    int (*poll)(void *ud, int running, int may_drive);
    void (*resumed)(void *ud); /* gdb resumes the program */
    void (*stopped)(void *ud); /* ... and it stopped again */
    /* `monitor view...`: a malloc'ed reply, or NULL when not its command
     * (may_drive as for poll) */
    char *(*monitor)(void *ud, const char *cmd, int may_drive);
} GdbCompanion;
void gdb_set_companion(GdbStub *s, const GdbCompanion *c);

/* Serve gdb until the program ends or gdb lets it go; returns with the
 * process ended (exit status in p->exit_status) and the stub freed.
 * history: the --history size (0: no reverse execution); is32: a 32-bit
 * program (the i386 description). */
int gdb_serve(GdbStub *s, Proc *p, uint64_t history, int is32);

#endif
