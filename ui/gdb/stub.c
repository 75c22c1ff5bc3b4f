/* The gdb stub's command loop: one packet at a time from rsp.c, answered as
 * gdb 13 expects (qSupported, registers, memory, breakpoints and
 * watchpoints, c/s/vCont, reverse bs/bc, qXfer, qRcmd, kill and detach),
 * with run control from ui/debug/. Every field of a packet is checked;
 * anything malformed gets "E NN" and leaves the guest as it was. A dropped
 * connection leaves the program stopped until the next gdb connects. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../syscall/kernel.h"
#include "gdb.h"

struct Stub {
    Rsp r;
    GdbCompanion comp; /* --view with --gdb: the viewer (comp.poll NULL: none) */
    int comp_tid;      /* the host thread that may call it (SDL's) */
    Watch w;           /* Ctrl-C while the guest blocks in a system call (watch.c) */
    Dbg d;
    GdbRegs regs;
    DbgStop last;
    int last_sig; /* gdb signal number of the last stop */
    int swbreak;  /* gdb understands swbreak/hwbreak stop reasons */
    int hw_at_stop;
    uint64_t hw[DBG_MAX_BREAK]; /* addresses inserted with Z1: reported as hwbreak */
    int nhw;
    char spec[256];
    /* stopped at a signal inside the kernel's delivery (on_signal): */
    int in_signal;      /* the nested session is running */
    char signal_action; /* the resume command gdb gave there: 'c' or 's' */
    int signal_pass;    /* it passed the signal (C/S with a signal) */
    int detached;       /* D there: run free once out of the delivery */
    int fd_only;        /* gdb_open_fd: one connection, no listening socket */
    /* threads: each guest thread runs under the debugger on its own host
     * thread (Proc.thread_run); the one that stops serves gdb while it
     * holds the kernel lock, so the others stay stopped (all-stop) */
    Task *gsel;          /* Hg: the thread whose registers g/G/p/P use (NULL: the stopped one) */
    uint64_t resume_gen; /* counts gdb's resume commands */
    int free_run;        /* detached: the threads run on without the debugger */
    uint64_t max_insns;  /* Dbg.max_insns */
};
typedef struct Stub Stub;

static const char hexd[] = "0123456789abcdef";

static int hexv(int ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* A hex number at *s (at least one digit, at most 16): 0, or -1. */
static int parse_hex(const char **s, uint64_t *v) {
    const char *p = *s;
    uint64_t x = 0;
    int n = 0;
    while (hexv(*p) >= 0) {
        if (++n > 16) return -1;
        x = x << 4 | (uint64_t)hexv(*p);
        p++;
    }
    if (!n) return -1;
    *s = p;
    *v = x;
    return 0;
}

static void to_hex(char *out, const uint8_t *b, size_t n) {
    for (size_t k = 0; k < n; k++) {
        out[2 * k] = hexd[b[k] >> 4];
        out[2 * k + 1] = hexd[b[k] & 15];
    }
    out[2 * n] = 0;
}

static int from_hex(uint8_t *out, const char *s, size_t n) {
    for (size_t k = 0; k < n; k++) {
        int a = hexv(s[2 * k]), b = a >= 0 ? hexv(s[2 * k + 1]) : -1;
        if (b < 0) return -1;
        out[k] = (uint8_t)(a << 4 | b);
    }
    return 0;
}

/* Linux signal number -> gdb's (include/gdb/signals.def). */
static int gdb_signo(int sig) {
    switch (sig) {
    case SIGBUS: return 10;
    case SIGUSR1: return 30;
    case SIGUSR2: return 31;
    case SIGSTKFLT: return 0;
    case SIGCHLD: return 20;
    case SIGCONT: return 19;
    case SIGSTOP: return 17;
    case SIGTSTP: return 18;
    case SIGURG: return 16;
    case SIGIO: return 23;
    case SIGPWR: return 32;
    case SIGSYS: return 12;
    default: return sig;
    }
}

static int tid_of(Stub *s) {
    int t = s->d.p->task ? s->d.p->task->tid : 0;
    return t > 0 ? t : (int)getpid();
}

static int task_tid(const Task *t) { return t->tid > 0 ? t->tid : (int)getpid(); }

/* A thread id of a packet: 0 or -1 (any / all) give NULL with *any set. */
static int parse_tid(Stub *s, const char **a, Task **t, int *any) {
    *t = NULL;
    *any = 0;
    if ((*a)[0] == '-' && (*a)[1] == '1') {
        *a += 2;
        *any = 1;
        return 0;
    }
    uint64_t v;
    if (parse_hex(a, &v) < 0) return -1;
    if (v == 0) {
        *any = 1;
        return 0;
    }
    if (v > 0x7fffffff) return -1;
    if (v == (uint64_t)task_tid(s->d.p->task)) { /* the running one (also without threads) */
        *t = s->d.p->task;
        return 0;
    }
    *t = thread_find(s->d.p, (int)v);
    return *t ? 0 : -1;
}

static int send_ok(Stub *s) { return rsp_send_str(&s->r, "OK"); }
static int send_err(Stub *s, int e) {
    char b[8];
    snprintf(b, sizeof b, "E%02x", e & 0xff);
    return rsp_send_str(&s->r, b);
}
static int send_empty(Stub *s) { return rsp_send(&s->r, "", 0); }

static int send_stop(Stub *s) {
    char b[256];
    s->gsel = NULL; /* gdb selects again after a stop */
    const DbgStop *st = &s->last;
    if (st->kind == DBG_STOP_EXITED) {
        int status = s->d.p->exit_status;
        if (WIFSIGNALED(status))
            snprintf(b, sizeof b, "X%02x", gdb_signo(WTERMSIG(status)) & 0xff);
        else
            snprintf(b, sizeof b, "W%02x", WEXITSTATUS(status) & 0xff);
        return rsp_send_str(&s->r, b);
    }
    int sig = st->kind == DBG_STOP_INTERRUPT ? SIGINT
              : st->kind == DBG_STOP_SIGNAL  ? st->sig
                                             : SIGTRAP;
    int n = snprintf(b, sizeof b, "T%02xthread:%x;", gdb_signo(sig), tid_of(s));
    if (st->kind == DBG_STOP_WATCH) {
        const char *w = st->watch_type == DBG_WATCH_READ     ? "rwatch"
                        : st->watch_type == DBG_WATCH_ACCESS ? "awatch"
                                                             : "watch";
        n += snprintf(b + n, sizeof b - (size_t)n, "%s:%llx;", w,
                      (unsigned long long)st->watch_addr);
    } else if (st->kind == DBG_STOP_BREAK && s->swbreak) {
        n += snprintf(b + n, sizeof b - (size_t)n, "%s", s->hw_at_stop ? "hwbreak:;" : "swbreak:;");
    } else if (st->kind == DBG_STOP_NO_HISTORY) {
        n += snprintf(b + n, sizeof b - (size_t)n, "replaylog:begin;");
    }
    return rsp_send_str(&s->r, b);
}

/* The 32-bit description shows 32-bit addresses: the 64-bit kernel's
 * 0xffffffff8xxxxxxx then appears as 0x8xxxxxxx; map such an address back
 * when nothing is mapped there in the low 4 GiB. */
static uint64_t guest_addr(Stub *s, uint64_t a) {
    if (!s->regs.is32 || s->d.p->kernel32 || a > 0xffffffffull) return a;
    if (a >= 0x80000000ull && !mem_page_prot(s->d.c->mem, a) &&
        mem_page_prot(s->d.c->mem, a | 0xffffffff00000000ull))
        return a | 0xffffffff00000000ull;
    return a;
}

static int cmd_g(Stub *s) {
    size_t cap = 4096;
    char *out = malloc(cap);
    if (!out) return send_err(s, 12);
    size_t n = 0;
    for (int k = 0; k < s->regs.n; k++) {
        uint8_t v[16];
        int sz = gdb_reg_size(&s->regs, k);
        gdb_reg_get(&s->regs, &s->d, k, v);
        if (n + (size_t)sz * 2 + 1 > cap) break;
        to_hex(out + n, v, (size_t)sz);
        n += (size_t)sz * 2;
    }
    int rc = rsp_send(&s->r, out, n);
    free(out);
    return rc;
}

static int cmd_G(Stub *s, const char *a, size_t len) {
    size_t need = 0;
    for (int k = 0; k < s->regs.n; k++)
        need += (size_t)gdb_reg_size(&s->regs, k) * 2;
    if (len < need) return send_err(s, 22);
    const char *p = a;
    for (int k = 0; k < s->regs.n; k++) {
        uint8_t v[16];
        int sz = gdb_reg_size(&s->regs, k);
        if (from_hex(v, p, (size_t)sz) < 0) return send_err(s, 22);
        p += sz * 2;
    }
    p = a;
    for (int k = 0; k < s->regs.n; k++) {
        uint8_t v[16];
        int sz = gdb_reg_size(&s->regs, k);
        from_hex(v, p, (size_t)sz);
        gdb_reg_set(&s->regs, &s->d, k, v); /* selectors and CPL cannot change: ignored */
        p += sz * 2;
    }
    return send_ok(s);
}

static int cmd_p(Stub *s, const char *a) {
    uint64_t n;
    if (parse_hex(&a, &n) < 0 || *a || n >= (uint64_t)s->regs.n) return send_err(s, 22);
    uint8_t v[16];
    char out[40];
    int sz = gdb_reg_size(&s->regs, (int)n);
    gdb_reg_get(&s->regs, &s->d, (int)n, v);
    to_hex(out, v, (size_t)sz);
    return rsp_send_str(&s->r, out);
}

static int cmd_P(Stub *s, const char *a) {
    uint64_t n;
    if (parse_hex(&a, &n) < 0 || *a != '=' || n >= (uint64_t)s->regs.n) return send_err(s, 22);
    a++;
    int sz = gdb_reg_size(&s->regs, (int)n);
    uint8_t v[16];
    if (strlen(a) != (size_t)sz * 2 || from_hex(v, a, (size_t)sz) < 0) return send_err(s, 22);
    if (gdb_reg_set(&s->regs, &s->d, (int)n, v) < 0) return send_err(s, 1);
    return send_ok(s);
}

/* "ADDR,LEN" then *end points past it */
static int parse_addr_len(const char **a, uint64_t *addr, uint64_t *len) {
    if (parse_hex(a, addr) < 0 || **a != ',') return -1;
    (*a)++;
    if (parse_hex(a, len) < 0) return -1;
    return 0;
}

static int cmd_m(Stub *s, const char *a) {
    uint64_t addr, len;
    if (parse_addr_len(&a, &addr, &len) < 0 || *a) return send_err(s, 22);
    if (len > GDB_PACKET_MAX / 2 - 8) len = GDB_PACKET_MAX / 2 - 8;
    uint8_t buf[GDB_PACKET_MAX / 2];
    size_t got = dbg_read_mem(&s->d, guest_addr(s, addr), buf, len);
    if (!got && len) return send_err(s, 14);
    char out[GDB_PACKET_MAX + 1];
    to_hex(out, buf, got);
    return rsp_send(&s->r, out, got * 2);
}

static int cmd_M(Stub *s, const char *a, size_t plen, int binary) {
    const char *start = a;
    uint64_t addr, len;
    if (parse_addr_len(&a, &addr, &len) < 0 || *a != ':') return send_err(s, 22);
    a++;
    size_t avail = plen - (size_t)(a - start);
    if (len > (1u << 20)) return send_err(s, 22);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) return send_err(s, 12);
    if (binary) {
        if (avail != len) {
            free(buf);
            return send_err(s, 22);
        }
        memcpy(buf, a, len);
    } else if (avail != len * 2 || from_hex(buf, a, len) < 0) {
        free(buf);
        return send_err(s, 22);
    }
    size_t done = len ? dbg_write_mem(&s->d, guest_addr(s, addr), buf, len) : 0;
    free(buf);
    return done == len ? send_ok(s) : send_err(s, 14);
}

static int cmd_Z(Stub *s, const char *a, int insert) {
    int type = *a - '0';
    if (type < 0 || type > 4 || a[1] != ',') return send_err(s, 22);
    a += 2;
    uint64_t addr, kind;
    if (parse_addr_len(&a, &addr, &kind) < 0) return send_err(s, 22);
    if (*a && *a != ';') return send_err(s, 22); /* conditions ;X... are not evaluated here */
    addr = guest_addr(s, addr);
    if (type <= 1) {
        for (int k = 0; k < s->nhw; k++)
            if (s->hw[k] == addr) s->hw[k--] = s->hw[--s->nhw];
        if (insert && type == 1 && s->nhw < DBG_MAX_BREAK) s->hw[s->nhw++] = addr;
        if (insert) return dbg_add_break(&s->d, addr) < 0 ? send_err(s, 28) : send_ok(s);
        dbg_remove_break(&s->d, addr);
        return send_ok(s);
    }
    if (kind == 0 || kind > 8) return send_err(s, 22);
    if (insert)
        return dbg_add_watch(&s->d, type, addr, (unsigned)kind) < 0 ? send_err(s, 28) : send_ok(s);
    dbg_remove_watch(&s->d, type, addr, (unsigned)kind);
    return send_ok(s);
}

static int comp_here(const Stub *s) {
    return s->comp.poll && rsp_is_owner(&s->r) && (int)gettid() == s->comp_tid;
}

static int poll_cb(void *ud) {
    Stub *s = ud;
    int stop = rsp_poll_interrupt(&s->r);
    if (comp_here(s) && s->comp.poll(s->comp.ud, 1, 0)) stop = 1;
    return stop;
}

/* Rsp.idle: waiting for gdb, the companion's events */
static int idle_cb(void *ud) {
    Stub *s = ud;
    if (!comp_here(s)) return 0;
    return s->comp.poll(s->comp.ud, 0, !s->in_signal) || s->d.p->exited;
}

void gdb_set_companion(Stub *s, const GdbCompanion *c) { s->comp = *c; }

/* action: 'c' or 's'; gsig: the gdb signal of C/S (0: none). Stopped at a
 * signal (in_signal), a resume only records what to do and ends the nested
 * session (-4): passing a nonzero signal delivers the one stopped at. A
 * signal given anywhere else is not injected. */
static int resume(Stub *s, char action, const char *addr_arg, int gsig) {
    if (addr_arg && *addr_arg) {
        uint64_t a;
        const char *p = addr_arg;
        if (parse_hex(&p, &a) < 0 || *p) return send_err(s, 22);
        s->d.c->rip = guest_addr(s, a);
    }
    if (s->in_signal) {
        s->signal_action = action;
        s->signal_pass = gsig != 0;
        return -4;
    }
    if (s->last.kind == DBG_STOP_EXITED) return send_stop(s);
    s->hw_at_stop = 0;
    uint64_t gen = ++s->resume_gen;
    DbgStop st;
    for (;;) {
        int was = watch_state(&s->w, WATCH_RUNNING);
        if (comp_here(s) && s->comp.resumed) s->comp.resumed(s->comp.ud);
        if (action == 's')
            dbg_step(&s->d, &st);
        else
            dbg_continue(&s->d, &st);
        if (comp_here(s) && s->comp.stopped) s->comp.stopped(s->comp.ud);
        watch_state(&s->w, was);
        if (s->free_run && !s->d.p->exited) { /* gdb detached while this thread waited */
            dbg_run_free(&s->d);
            return -3;
        }
        if (gen != s->resume_gen && st.kind == DBG_STOP_STEP) {
            /* another thread stopped meanwhile and gdb resumed from there:
             * this thread's step is stale, it runs on under that resume */
            gen = s->resume_gen;
            action = 'c';
            continue;
        }
        s->last = st;
        if (s->last.kind != DBG_STOP_RESUMED || !rsp_is_owner(&s->r)) break;
        /* gdb stopped at a signal during that run and resumed from there */
        s->d.resume_pending = 0;
        if (s->detached) {
            if (!s->d.p->exited) dbg_run_free(&s->d);
            return -3;
        }
        if (s->d.p->exited) {
            s->last.kind = DBG_STOP_EXITED;
            break;
        }
        action = s->signal_action;
    }
    if (s->last.kind == DBG_STOP_BREAK)
        for (int k = 0; k < s->nhw; k++)
            if (s->hw[k] == s->d.c->rip) s->hw_at_stop = 1;
    if (!rsp_is_owner(&s->r)) {
        /* the guest fork()ed and this is the child: it runs on undebugged
         * (gdb follows the parent, as with `set follow-fork-mode parent`) */
        rsp_abandon(&s->r);
        if (!s->d.p->exited) dbg_run_free(&s->d);
        return -2;
    }
    return send_stop(s);
}

/* vCont;ACTION[:TID];...: the leftmost action that applies to the thread
 * that stopped (the one holding the kernel lock) is carried out; the
 * other threads run on in all-stop fashion when that thread lets go. A
 * step of another thread than the stopped one is refused. */
static int cmd_vcont(Stub *s, const char *a) {
    if (!strcmp(a, "?")) return rsp_send_str(&s->r, "vCont;c;C;s;S");
    if (*a != ';') return send_err(s, 22);
    char mine = 0;
    int mine_sig = 0, other_step = 0;
    while (*a == ';') {
        a++;
        char act = *a++;
        uint64_t sig = 0;
        if (act == 'C' || act == 'S') {
            if (parse_hex(&a, &sig) < 0) return send_err(s, 22);
            act = (char)(act + ('a' - 'A'));
        } else if (act != 'c' && act != 's') {
            return send_err(s, 22);
        }
        Task *t = NULL;
        int any = 1;
        if (*a == ':') {
            a++;
            if (parse_tid(s, &a, &t, &any) < 0) return send_err(s, 22);
        }
        int applies = any || t == s->d.p->task;
        if (applies && !mine) {
            mine = act;
            mine_sig = (int)(sig & 0xff);
        } else if (!applies && act == 's') {
            other_step = 1;
        }
    }
    if (*a) return send_err(s, 22);
    if (!mine) mine = other_step ? 0 : 'c';
    if (!mine) return send_err(s, 1); /* only the stopped thread can step */
    return resume(s, mine, NULL, mine_sig);
}

static int cmd_reverse(Stub *s, char what) {
    if (!dbg_has_history(&s->d)) return send_err(s, 1);
    int rc =
        what == 's' ? dbg_reverse_step(&s->d, &s->last) : dbg_reverse_continue(&s->d, &s->last);
    if (rc < 0) return send_err(s, 1);
    return send_stop(s);
}

/* qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH */
static int cmd_xfer(Stub *s, const char *a) {
    char object[32], annex[256];
    const char *c1 = strchr(a, ':');
    if (!c1 || (size_t)(c1 - a) >= sizeof object) return send_err(s, 22);
    memcpy(object, a, (size_t)(c1 - a));
    object[c1 - a] = 0;
    if (strncmp(c1 + 1, "read:", 5)) return send_empty(s);
    const char *an = c1 + 6, *c2 = strchr(an, ':');
    if (!c2 || (size_t)(c2 - an) >= sizeof annex) return send_err(s, 22);
    memcpy(annex, an, (size_t)(c2 - an));
    annex[c2 - an] = 0;
    const char *p = c2 + 1;
    uint64_t off, len;
    if (parse_addr_len(&p, &off, &len) < 0 || *p) return send_err(s, 22);
    char *data;
    size_t dlen;
    if (!strcmp(object, "threads")) {
        Task *t[256];
        int n = thread_tasks(s->d.p, t, 256);
        if (!n) t[n++] = s->d.p->task;
        size_t cap = 64 + (size_t)n * 64;
        data = malloc(cap);
        if (!data) return send_err(s, 12);
        dlen = (size_t)snprintf(data, cap, "<?xml version=\"1.0\"?>\n<threads>\n");
        for (int k = 0; k < n; k++)
            dlen += (size_t)snprintf(data + dlen, cap - dlen, "<thread id=\"%x\" name=\"%s\"/>\n",
                                     task_tid(t[k]), t[k] == &s->d.p->main_task ? "main" : "");
        dlen += (size_t)snprintf(data + dlen, cap - dlen, "</threads>\n");
    } else if (gdb_xfer_object(&s->d, &s->regs, object, annex, &data, &dlen) < 0) {
        if (!strcmp(object, "features") || !strcmp(object, "auxv") ||
            !strcmp(object, "exec-file") || !strcmp(object, "libraries-svr4"))
            return send_err(s, 0);
        return send_empty(s);
    }
    if (len > GDB_PACKET_MAX - 16) len = GDB_PACKET_MAX - 16;
    char *out = malloc(len + 2);
    if (!out) {
        free(data);
        return send_err(s, 12);
    }
    size_t n = 0;
    if (off >= dlen) {
        out[n++] = 'l';
    } else {
        size_t k = dlen - off < len ? dlen - off : len;
        out[n++] = off + k >= dlen ? 'l' : 'm';
        memcpy(out + n, data + off, k);
        n += k;
    }
    int rc = rsp_send(&s->r, out, n);
    free(out);
    free(data);
    return rc;
}

static int cmd_rcmd(Stub *s, const char *hex) {
    size_t n = strlen(hex);
    if (n % 2) return send_err(s, 22);
    char *cmd = malloc(n / 2 + 1);
    if (!cmd) return send_err(s, 12);
    if (from_hex((uint8_t *)cmd, hex, n / 2) < 0) {
        free(cmd);
        return send_err(s, 22);
    }
    cmd[n / 2] = 0;
    char *text =
        s->comp.monitor && comp_here(s) ? s->comp.monitor(s->comp.ud, cmd, !s->in_signal) : NULL;
    if (!text) text = gdb_monitor(&s->d, cmd);
    free(cmd);
    if (!text) return send_err(s, 12);
    /* the output as one or more O packets, then OK */
    size_t tl = strlen(text);
    int rc = 0;
    for (size_t off = 0; off < tl && rc == 0;) {
        size_t k = tl - off > 1500 ? 1500 : tl - off;
        char *pk = malloc(2 * k + 2);
        if (!pk) break;
        pk[0] = 'O';
        to_hex(pk + 1, (const uint8_t *)text + off, k);
        rc = rsp_send(&s->r, pk, 2 * k + 1);
        free(pk);
        off += k;
    }
    free(text);
    return rc < 0 ? rc : send_ok(s);
}

static int cmd_q(Stub *s, const char *p) {
    char b[512];
    if (!strncmp(p, "qSupported", 10)) {
        s->swbreak = strstr(p, "swbreak+") != NULL;
        snprintf(b, sizeof b,
                 "PacketSize=%x;QStartNoAckMode+;qXfer:features:read+;qXfer:auxv:read+;"
                 "qXfer:exec-file:read+;qXfer:libraries-svr4:read+;qXfer:threads:read+;swbreak+;"
                 "hwbreak+;"
                 "vContSupported+%s",
                 GDB_PACKET_MAX, dbg_has_history(&s->d) ? ";ReverseStep+;ReverseContinue+" : "");
        return rsp_send_str(&s->r, b);
    }
    if (!strcmp(p, "QStartNoAckMode")) {
        int rc = send_ok(s);
        s->r.noack = 1;
        return rc;
    }
    if (!strcmp(p, "qAttached") || !strncmp(p, "qAttached:", 10)) return rsp_send_str(&s->r, "0");
    if (!strcmp(p, "qC")) {
        snprintf(b, sizeof b, "QC%x", tid_of(s));
        return rsp_send_str(&s->r, b);
    }
    if (!strcmp(p, "qfThreadInfo")) {
        Task *t[256];
        int n = thread_tasks(s->d.p, t, 256);
        size_t at = (size_t)snprintf(b, sizeof b, "m%x", tid_of(s));
        for (int k = 0; k < n && at + 12 < sizeof b; k++)
            if (t[k] != s->d.p->task)
                at += (size_t)snprintf(b + at, sizeof b - at, ",%x", task_tid(t[k]));
        return rsp_send_str(&s->r, b);
    }
    if (!strcmp(p, "qsThreadInfo")) return rsp_send_str(&s->r, "l");
    if (!strncmp(p, "qSymbol", 7)) return send_ok(s);
    if (!strncmp(p, "qXfer:", 6)) return cmd_xfer(s, p + 6);
    if (!strncmp(p, "qRcmd,", 6)) return cmd_rcmd(s, p + 6);
    if (!strncmp(p, "QPassSignals:", 13) || !strncmp(p, "QProgramSignals:", 16)) return send_ok(s);
    if (!strncmp(p, "qThreadExtraInfo,", 17)) {
        const char *a = p + 17;
        Task *th;
        int any;
        if (parse_tid(s, &a, &th, &any) < 0 || *a) return send_err(s, 22);
        const char *what = !th || th == &s->d.p->main_task ? "main" : "thread";
        char t[64] = "";
        to_hex(t, (const uint8_t *)what, strlen(what));
        return rsp_send_str(&s->r, t);
    }
    return send_empty(s);
}

static int session_loop(Stub *s);

/* One session on a connection: 1 when the debugging is over (killed,
 * detached, or the program ended and gdb left), 0 when gdb went away. */
static int session(Stub *s) {
    int was = watch_state(&s->w, WATCH_SERVING);
    int rc = session_loop(s);
    watch_state(&s->w, was);
    return rc;
}

static int session_loop(Stub *s) {
    for (;;) {
        int k = rsp_recv(&s->r);
        if (k < 0) return s->d.p->exited ? 1 : 0;
        if (k == 0) { /* Ctrl-C while stopped: report the stop again */
            s->last.kind = DBG_STOP_INTERRUPT;
            if (send_stop(s) < 0) return 0;
            continue;
        }
        const char *p = s->r.pkt;
        size_t len = s->r.pkt_len;
        int rc;
        if (len == 0) {
            rc = send_empty(s);
        } else if (memchr(p, 0, len) && *p != 'X') {
            rc = send_err(s, 22); /* NUL inside a text packet */
        } else {
            switch (*p) {
            case '?': rc = send_stop(s); break;
            case 'g':
            case 'G':
            case 'p':
            case 'P': {
                /* Hg's thread: its CPU, parked at the kernel lock or in a blocking call */
                Cpu *cur = s->d.c;
                if (s->gsel && s->gsel->cpu) s->d.c = s->gsel->cpu;
                rc = *p == 'g'   ? (len == 1 ? cmd_g(s) : send_err(s, 22))
                     : *p == 'G' ? cmd_G(s, p + 1, len - 1)
                     : *p == 'p' ? cmd_p(s, p + 1)
                                 : cmd_P(s, p + 1);
                s->d.c = cur;
                break;
            }
            case 'm': rc = cmd_m(s, p + 1); break;
            case 'M': rc = cmd_M(s, p + 1, len - 1, 0); break;
            case 'X': rc = cmd_M(s, p + 1, len - 1, 1); break;
            case 'c':
            case 's': rc = resume(s, *p, p + 1, 0); break;
            case 'C':
            case 'S': {
                const char *a = p + 1;
                uint64_t sig;
                if (parse_hex(&a, &sig) < 0 || (*a && *a != ';')) {
                    rc = send_err(s, 22);
                    break;
                }
                rc = resume(s, (char)(*p + ('a' - 'A')), *a ? a + 1 : NULL, (int)(sig & 0xff));
                break;
            }
            case 'Z':
            case 'z': rc = cmd_Z(s, p + 1, *p == 'Z'); break;
            case 'b':
                if (len == 2 && (p[1] == 's' || p[1] == 'c'))
                    rc = cmd_reverse(s, p[1]);
                else
                    rc = send_empty(s);
                break;
            case 'H': {
                const char *a = p + 2;
                Task *t;
                int any;
                if (len < 3 || (p[1] != 'g' && p[1] != 'c') || parse_tid(s, &a, &t, &any) < 0 ||
                    *a) {
                    rc = send_err(s, 22);
                    break;
                }
                if (p[1] == 'g') s->gsel = t; /* Hc: resumes always start from the stopped one */
                rc = send_ok(s);
                break;
            }
            case 'T': { /* is that thread alive */
                const char *a = p + 1;
                Task *t;
                int any;
                rc = parse_tid(s, &a, &t, &any) < 0 || *a || any ? send_err(s, 1) : send_ok(s);
                break;
            }
            case 'k':
                if (!s->d.p->exited) proc_exit(s->d.p, SIGKILL);
                return 1;
            case 'D':
                send_ok(s);
                rsp_close_conn(&s->r);
                s->free_run = 1;
                if (s->in_signal)
                    s->detached = 1; /* runs free once out of the signal delivery */
                else if (!s->d.p->exited)
                    dbg_run_free(&s->d);
                return 1;
            case 'v':
                if (!strncmp(p, "vCont", 5)) {
                    rc = cmd_vcont(s, p + 5);
                } else if (!strncmp(p, "vKill", 5)) {
                    if (!s->d.p->exited) proc_exit(s->d.p, SIGKILL);
                    send_ok(s);
                    return 1;
                } else if (!strcmp(p, "vMustReplyEmpty")) {
                    rc = send_empty(s);
                } else {
                    rc = send_empty(s);
                }
                break;
            case 'q':
            case 'Q': rc = cmd_q(s, p); break;
            default: rc = send_empty(s); break;
            }
        }
        if (rc == -2 || rc == -3) return 1; /* a forked child, now on its own; detached */
        if (rc == -4) return 2;             /* resumed from a signal stop */
        if (rc < 0) return s->d.p->exited ? 1 : 0;
    }
}

GdbStub *gdb_open(const char *spec) {
    Stub *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    if (rsp_listen(&s->r, spec) < 0) {
        free(s);
        return NULL;
    }
    watch_init(&s->w, &s->r.fd);
    snprintf(s->spec, sizeof s->spec, "%s", spec);
    return s;
}

/* Proc.on_signal: the kernel is about to deliver sig. Report it and serve
 * gdb from here (the CPU is in the kernel's delivery path) until it
 * resumes; the run in progress then ends (debug_stop, resume_pending) and
 * resume() carries out the new command. */
static int on_signal(Proc *p, int sig, void *ud) {
    Stub *s = ud;
    if (s->in_signal || !rsp_is_owner(&s->r) || s->r.fd < 0) return sig;
    s->d.c = p->cpu; /* the thread it is delivered to */
    s->last.kind = DBG_STOP_SIGNAL;
    s->last.sig = sig;
    if (send_stop(s) < 0) return sig;
    s->in_signal = 1;
    s->signal_pass = 1;
    s->signal_action = 'c';
    int rc = session(s);
    s->in_signal = 0;
    if (rc == 2) { /* resumed */
        s->d.resume_pending = 1;
        p->debug_stop = 1;
        return s->signal_pass ? sig : 0;
    }
    if (s->detached) { /* D: deliver, then run free */
        s->d.resume_pending = 1;
        p->debug_stop = 1;
        return sig;
    }
    return p->exited ? 0 : sig; /* killed, or gdb went away: as without it */
}

GdbStub *gdb_open_fd(int fd, uint64_t max_insns) {
    Stub *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    rsp_adopt(&s->r, fd);
    watch_init(&s->w, &s->r.fd);
    s->fd_only = 1;
    s->max_insns = max_insns;
    snprintf(s->spec, sizeof s->spec, "fd");
    return s;
}

/* Proc.thread_run: a guest thread other than the main one, on its own
 * host thread. It runs under gdb's last resume (for this thread a
 * continue); when it stops it reports the stop and serves gdb from here,
 * holding the kernel lock so that the other threads stay stopped, until
 * the debugging ends (gdb's next resume runs this thread from inside the
 * session). Returns as kernel_run does. */
static int thread_run(Proc *p, void *ud) {
    Stub *s = ud;
    if (s->free_run || !rsp_is_owner(&s->r) || s->r.fd < 0 || p->exited)
        return p->exited ? 0 : kernel_run(p);
    s->d.c = p->cpu;
    int rc = resume(s, 'c', NULL, 0);
    if (rc == -2 || rc == -3) return p->exited ? 0 : kernel_run(p); /* on its own now */
    for (;;) {
        int done = rc < 0 ? 0 : session(s);
        if (done || p->exited) break;
        /* gdb went away: everything stays stopped until the next one */
        rsp_close_conn(&s->r);
        if (s->fd_only || rsp_accept(&s->r) < 0) {
            if (!p->exited) proc_exit(p, SIGKILL);
            break;
        }
        rc = 0;
    }
    return p->exited ? 0 : kernel_run(p);
}

void gdb_close(Stub *s) {
    if (!s) return;
    watch_stop(&s->w);
    rsp_close(&s->r);
    free(s);
}

int gdb_serve(Stub *s, Proc *p, uint64_t history, int is32) {
    const char *spec = s->spec;
    if (dbg_init(&s->d, p, history) < 0) {
        fprintf(stderr, "ringside: --history: out of memory\n");
        rsp_close(&s->r);
        free(s);
        return -1;
    }
    s->d.max_insns = s->max_insns;
    s->d.poll = poll_cb;
    s->d.poll_ud = s;
    if (s->comp.poll) {
        s->comp_tid = (int)gettid();
        s->r.idle = idle_cb;
        s->r.idle_ud = s;
    }
    p->on_signal = on_signal;
    p->on_signal_ud = s;
    p->thread_run = thread_run;
    p->thread_run_ud = s;
    gdb_regs_init(&s->regs, p->kernel32 || is32);
    s->last.kind = DBG_STOP_STEP;
    /* the boot code runs first: gdb meets the program at its first instruction */
    while (!p->exited && p->cpu->cpl != 3)
        if (kernel_run_budget(p, 1) == 0) break;
    if (s->comp.start) s->comp.start(s->comp.ud, &s->d);
    if (!s->fd_only)
        fprintf(stderr, "ringside: waiting for gdb on %s (target remote %s)\n", s->r.where,
                spec[0] == 'u' ? s->r.where : s->r.where + 9);
    for (int first = 1;; first = 0) {
        if (s->fd_only && !first) { /* the one connection ended */
            if (!p->exited) proc_exit(p, SIGKILL);
            break;
        }
        int acc = s->fd_only ? 0 : rsp_accept(&s->r);
        if (acc == -2) break; /* the companion ended the program (or saw it end) */
        if (acc < 0) {
            fprintf(stderr, "ringside: gdb stub: accept failed; running on\n");
            dbg_run_free(&s->d);
            break;
        }
        int done = session(s);
        rsp_close_conn(&s->r);
        if (done || p->exited) break;
        if (!s->fd_only)
            fprintf(stderr, "ringside: gdb disconnected; the program waits for gdb on %s\n",
                    s->r.where);
    }
    p->on_signal = NULL;
    p->on_signal_ud = NULL;
    p->thread_run = NULL;
    p->thread_run_ud = NULL;
    watch_stop(&s->w);
    rsp_close(&s->r);
    dbg_free(&s->d);
    free(s);
    return 0;
}
