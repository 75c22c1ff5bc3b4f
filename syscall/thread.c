/* Guest threads: clone(CLONE_VM|CLONE_THREAD), thread exit, and the
 * "kernel lock" that serialises them.
 *
 * Each guest thread runs on its own host thread (pthread) with its own Cpu
 * (cpu_clone of the parent's: own TLB, shared decode cache) and Task, over
 * the one shared Mem; its guest tid is the host thread's tid.
 *
 * One guest thread at a time runs guest code (user or modelled kernel) or
 * host-side kernel work: it holds the kernel lock, a FIFO ticket lock. The
 * holder hands it over at the end of a time slice (thread_slice()
 * instructions, only at CPL 3 so the one kernel stack and per-CPU area are
 * never shared mid-use) when another thread waits, and drops it around
 * every host call that may block (sys_block_begin/end). This makes guest
 * atomics atomic, lets the CPUs share the decode cache, and keeps every
 * Mem operation single-threaded. What a switch must carry over:
 *   - TLBs: a CPU that runs after mappings changed or new code pages were
 *     marked (mem_generation()) flushes its TLB first;
 *   - decoded code: a CPU with self-modified code pending flushes the
 *     shared cache before it lets go;
 *   - the i386 TLS descriptors (GDT entries set by set_thread_area) are
 *     per thread: saved at release, written back at acquisition; so is the
 *     CPUNODE descriptor (getcpu through LSL) and the rseq cpu fields.
 *
 * Thread exit (exit of one of several threads): the robust list is walked
 * (FUTEX_OWNER_DIED, as Linux's exit_robust_list), CLONE_CHILD_CLEARTID's
 * word is zeroed and woken with the host futex on its host address, and the
 * host thread ends. When the main thread exits first it waits, signals
 * blocked, until the last thread is gone; the process then ends with the
 * last thread's code, as Linux reports it. exit_group, a
 * fatal signal or fault in any thread end the whole host process. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compat32.h"
#include "kernel.h"
#include "kernel/kernel.h"
#include "kernel32/kernel32.h"
#include "sys_internal.h"

#define SLICE_INSNS 200000 /* per time slice when several threads exist */
#define TLS_N       3      /* GDT TLS entries */

typedef struct Thread {
    Task task; /* first: the Task of a clone is its Thread */
    Proc *proc;
    uint64_t serial; /* never reused (a freed Thread's address may be) */
    uint64_t flags;  /* clone flags */
    uint64_t sp;     /* the child's stack pointer (0: the parent's) */
    sem_t started;
    int frame_ready;
    PtRegs frame;            /* the child's pt_regs: the parent's at the clone's return */
    uint8_t rawf[256];       /* the parent's frame as the kernel laid it out */
    uint64_t tls_gdt[TLS_N]; /* i386 TLS descriptors while another thread runs */
    uint64_t gen_seen;       /* mem_generation() when this thread last let go */
    int exit_pending, exit_code;
    jmp_buf exit_jb;
    struct Thread *next;
} Thread;

static pthread_mutex_t kmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t kcv = PTHREAD_COND_INITIALIZER;
static uint64_t ticket_next = 1, ticket_now; /* ticket 0: the one thread holds it */
static atomic_int waiting;                   /* threads queued in kernel_lock */
static int active;                           /* a clone happened: locking is on */
static uint64_t last_serial, serials = 1;
static Thread main_thr; /* the main thread's extra state (its Task is Proc.main_task) */
static Thread *threads; /* clones, newest first */
static int nlive = 1;   /* guest threads not exited */
static int main_gone, main_code;
static pthread_cond_t all_gone = PTHREAD_COND_INITIALIZER;
static _Thread_local Thread *pending; /* a clone whose child waits for its frame */

static Thread *thr(Proc *p, Task *t) {
    return t == &p->main_task ? &main_thr : (Thread *)(void *)t;
}

/* ---- the kernel lock ---------------------------------------------------------------------- */

static uint64_t gdt_tls_addr(Proc *p) {
    return p->kernel32 ? kernel32_gdt() + 8ull * GDT32_ENTRY_TLS_MIN
                       : kernel_symbol(KSYM_GDT) + 8ull * GDT_ENTRY_TLS_MIN;
}

static void switch_out(Proc *p, Task *t) {
    Thread *th = thr(p, t);
    Cpu *c = t->cpu;
    if (c->smc_pending) { /* code written: no CPU may run the old decode */
        c->smc_pending = 0;
        cpu_flush_code(c);
    }
    mem_read(p->mem, th->tls_gdt, gdt_tls_addr(p), sizeof th->tls_gdt, 0);
    th->gen_seen = mem_generation(p->mem);
}

static void switch_in(Proc *p, Task *t) {
    Thread *th = thr(p, t);
    if (th->serial != last_serial) {
        last_serial = th->serial;
        mem_write(p->mem, gdt_tls_addr(p), th->tls_gdt, sizeof th->tls_gdt, 0);
        t->cpu_known = 0; /* the shared CPUNODE descriptor: this thread's CPU */
        sys_track_cpu(p);
    }
    if (th->gen_seen != mem_generation(p->mem)) cpu_flush_tlb(t->cpu);
}

void kernel_lock(Proc *p, Task *t) {
    if (active) {
        pthread_mutex_lock(&kmu);
        uint64_t mine = ticket_next++;
        atomic_fetch_add(&waiting, 1);
        while (ticket_now != mine)
            pthread_cond_wait(&kcv, &kmu);
        atomic_fetch_sub(&waiting, 1);
        pthread_mutex_unlock(&kmu);
    }
    p->task = t;
    p->cpu = t->cpu;
    if (active) switch_in(p, t);
}

void kernel_unlock(Proc *p) {
    if (!active) return;
    switch_out(p, p->task);
    pthread_mutex_lock(&kmu);
    ticket_now++;
    pthread_cond_broadcast(&kcv);
    pthread_mutex_unlock(&kmu);
}

/* ---- the debugger's kick ------------------------------------------------------------------
 * A debugger's interrupt (gdb's Ctrl-C) must also stop a guest whose threads
 * all wait in blocking host calls, where no instruction runs to notice it.
 * Each host thread marks its slot while it waits; kernel_debug_kick (called
 * by the stub's socket watcher, any host thread) sends the waiting ones
 * SIGTRAP, which ringside owns on the host (signal.c ignores the ones it
 * sends itself), so the host call ends with EINTR. The thread notes the kick
 * (Task.dbg_kicked); delivery then restarts the call as a ptrace stop does
 * and hands the run back to the debugger (sigdeliver.c). */
#define KICK_SLOTS 256 /* waiting threads beyond this are not kickable */
typedef struct KickSlot {
    atomic_int tid; /* 0: free */
    atomic_int waiting, kicked;
} KickSlot;
static KickSlot kick_slots[KICK_SLOTS];
static _Thread_local KickSlot *my_kick;

static KickSlot *kick_slot(int tid) {
    if (my_kick && atomic_load(&my_kick->tid) == tid) return my_kick;
    for (int k = 0; k < KICK_SLOTS; k++) {
        int free_tid = 0;
        if (atomic_compare_exchange_strong(&kick_slots[k].tid, &free_tid, tid))
            return my_kick = &kick_slots[k];
    }
    return my_kick = NULL;
}

static void kick_release(void) {
    if (my_kick) atomic_store(&my_kick->tid, 0);
    my_kick = NULL;
}

int kernel_debug_kick(void) {
    int n = 0, self = getpid();
    for (int k = 0; k < KICK_SLOTS; k++) {
        KickSlot *s = &kick_slots[k];
        int tid = atomic_load(&s->tid);
        if (!tid || !atomic_load(&s->waiting)) continue;
        atomic_store(&s->kicked, 1);
        if (syscall(SYS_tgkill, self, tid, SIGTRAP) == 0) n++;
    }
    return n;
}

/* Nesting-safe: a blocking helper called from a handler that already let
 * go keeps the lock let go. */
static _Thread_local int block_depth;

Task *sys_block_begin(Proc *p) {
    Task *t = p->task;
    if (block_depth++ == 0) {
        KickSlot *k = kick_slot(t->tid);
        if (k) {
            atomic_store(&k->kicked, 0); /* a kick that came too late for the last wait */
            atomic_store(&k->waiting, 1);
        }
        if (active) kernel_unlock(p);
    }
    return t;
}

void sys_block_end(Proc *p, Task *t) {
    if (--block_depth == 0) {
        if (active) kernel_lock(p, t);
        if (my_kick) {
            atomic_store(&my_kick->waiting, 0);
            if (atomic_exchange(&my_kick->kicked, 0)) t->dbg_kicked = 1;
        }
    }
}

/* The main thread that exited first still counts: the group lives on. */
int thread_count(const Proc *p) { return active ? nlive + main_gone : 1; }

uint64_t thread_slice(void) { return active ? SLICE_INSNS : 0; }

void thread_yield(Proc *p) {
    if (!active || p->cpu->cpl != 3 || atomic_load(&waiting) == 0) return;
    Task *t = p->task;
    kernel_unlock(p);
    kernel_lock(p, t);
}

Task *thread_find(Proc *p, int tid) {
    if (tid == p->task->tid) return p->task;
    if (tid == p->main_task.tid) return &p->main_task;
    for (Thread *th = threads; th; th = th->next)
        if (th->task.tid == tid) return &th->task;
    return NULL;
}

int thread_tasks(Proc *p, Task **out, int max) {
    int n = 0;
    if (!main_gone && n < max) out[n++] = &p->main_task;
    int first = n;
    for (Thread *th = threads; th && n < max; th = th->next)
        if (!th->exit_pending && th->task.tid > 0) out[n++] = &th->task;
    for (int a = first, b = n - 1; a < b; a++, b--) { /* newest first -> oldest first */
        Task *t = out[a];
        out[a] = out[b];
        out[b] = t;
    }
    return n;
}

/* ---- memory changes while several CPUs exist ------------------------------------------- */

/* Replaces the first CPU's mem_on_change: the CPU to flush now is the one
 * running (the others flush at their next kernel_lock). */
static void mem_changed(void *ud, int code_changed) {
    Proc *p = ud;
    cpu_flush_tlb(p->cpu);
    if (code_changed) p->cpu->smc_pending = 1;
}

/* A fork() child of a threaded process has only the forking thread
 * (syscall/process.c calls this in the child). */
void thread_fork_child(Proc *p) {
    /* the other threads' kick slots went with them */
    for (int k = 0; k < KICK_SLOTS; k++)
        if (&kick_slots[k] != my_kick) atomic_store(&kick_slots[k].tid, 0);
    if (!active) return;
    pthread_mutex_init(&kmu, NULL);
    pthread_cond_init(&kcv, NULL);
    pthread_cond_init(&all_gone, NULL);
    ticket_now = 0;
    ticket_next = 1;
    atomic_store(&waiting, 0);
    nlive = 1;
    main_gone = 0;
    threads = NULL; /* the others' records are lost with their host threads */
    p->task->tid = (int)syscall(SYS_gettid);
}

static void activate(Proc *p) {
    if (active) return;
    active = 1;
    main_thr.serial = 1;
    main_thr.proc = p;
    last_serial = thr(p, p->task)->serial;
    mem_on_change(p->mem, mem_changed, p);
}

/* ---- clone -------------------------------------------------------------------------------- */

static void *thread_start(void *arg);

int64_t thread_clone(Proc *p, const CloneArgs *ca) {
    uint64_t f = ca->flags;
    if (!(f & CLONE_THREAD)) {
        sys_report("clone", 1,
                   "clone with CLONE_VM but without CLONE_THREAD (a process sharing the "
                   "address space) is not implemented (ENOSYS)");
        return -ENOSYS;
    }
    if (!(f & CLONE_SIGHAND) || !(f & CLONE_VM)) return -EINVAL;
    if (f & (CLONE_NEWUSER | CLONE_NEWPID)) return -EINVAL;
    if (f & (CLONE_VFORK | CLONE_PIDFD | CLONE_PTRACE | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
             CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_UNTRACED)) {
        sys_report("clone", 2, "clone flags %#llx for a thread are not implemented (ENOSYS)",
                   (unsigned long long)f);
        return -ENOSYS;
    }
    Thread *th = calloc(1, sizeof *th);
    Cpu *c = th ? cpu_clone(p->cpu) : NULL;
    if (!c) {
        free(th);
        return -ENOMEM;
    }
    activate(p);
    Thread *parent = thr(p, p->task);
    th->proc = p;
    th->serial = ++serials;
    th->flags = f;
    th->task.cpu = c;
    th->task.sigmask = p->task->sigmask;
    th->task.clear_child_tid = (f & CLONE_CHILD_CLEARTID) ? ca->child_tid : 0;
    th->sp = ca->stack ? ca->stack + ca->stack_size : 0;
    if (p->abi == ABI_I386) th->sp = (uint32_t)th->sp;
    mem_read(p->mem, th->tls_gdt, gdt_tls_addr(p), sizeof th->tls_gdt, 0);
    th->gen_seen = parent->gen_seen;
    if (f & CLONE_SETTLS) {
        if (p->abi == ABI_X86_64) {
            if (ca->tls >= USER_TOP) {
                cpu_free(c);
                free(th);
                return -EPERM;
            }
            c->seg[SEG_FS].base = c->segbase[SEG_FS] = ca->tls;
            th->task.fs_base_saved = ca->tls;
        } else {
            /* a struct user_desc, read now (it may live on the parent's
             * stack): the child's descriptor, loaded into its segments */
            uint64_t saved[TLS_N], a[6] = {ca->tls, 0, 0, 0, 0, 0};
            mem_read(p->mem, saved, gdt_tls_addr(p), sizeof saved, 0);
            Task *pt = p->task;
            p->task = &th->task;
            p->cpu = c;
            int64_t r = c32_set_thread_area(p, a);
            p->task = pt;
            p->cpu = pt->cpu;
            mem_read(p->mem, th->tls_gdt, gdt_tls_addr(p), sizeof th->tls_gdt, 0);
            mem_write(p->mem, gdt_tls_addr(p), saved, sizeof saved, 0);
            if (r < 0) {
                cpu_free(c);
                free(th);
                return r;
            }
        }
    }
    sem_init(&th->started, 0, 0);
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    pthread_t ht;
    int e = pthread_create(&ht, &at, thread_start, th);
    pthread_attr_destroy(&at);
    if (e) {
        sem_destroy(&th->started);
        cpu_free(c);
        free(th);
        return -EAGAIN;
    }
    while (sem_wait(&th->started) < 0) {
    }
    int tid = th->task.tid;
    th->next = threads;
    threads = th;
    pthread_mutex_lock(&kmu); /* a main thread waiting for the last one reads it */
    nlive++;
    pthread_mutex_unlock(&kmu);
    if (f & CLONE_PARENT_SETTID) put_user_u32(p, ca->parent_tid, (uint32_t)tid);
    if (f & CLONE_CHILD_SETTID) put_user_u32(p, ca->child_tid, (uint32_t)tid);
    pending = th;
    return tid;
}

/* After the clone's system call, before signals are delivered: the child
 * returns 0 from it with the parent's registers, on its own stack. */
void thread_after_syscall(Proc *p, PtRegs *r) {
    Thread *th = pending;
    if (!th) return;
    pending = NULL;
    uint64_t at = p->kernel32 ? (uint32_t)p->cpu->gpr[RDI] : p->cpu->gpr[RDI];
    size_t n = kernel_regs_size(p);
    if (n > sizeof th->rawf || mem_read(p->mem, th->rawf, at, n, 0) < 0) n = 0;
    th->frame = *r;
    th->frame.ax = 0;
    if (th->sp) th->frame.sp = th->sp;
    /* the compat fast exits (SYSRETL/SYSEXIT) read the host's verdict in
     * EAX, as hypercall() gives it; the other exits ignore it */
    th->task.cpu->gpr[RAX] = !p->vdso_landing || r->ip == p->vdso_landing;
    th->frame_ready = n != 0;
}

static _Noreturn void group_exit_here(Proc *p);

static void *thread_start(void *arg) {
    Thread *th = arg;
    Proc *p = th->proc;
    th->task.tid = (int)syscall(SYS_gettid);
    signal_thread_init(p, &th->task); /* host signals caught here are this Task's */
    /* without CLONE_FILES / CLONE_FS the thread has its own copies */
    if (!(th->flags & CLONE_FILES)) unshare(CLONE_FILES);
    if (!(th->flags & CLONE_FS)) unshare(CLONE_FS);
    sem_post(&th->started);
    kernel_lock(p, &th->task);
    Cpu *c = th->task.cpu;
    uint64_t at = p->kernel32 ? (uint32_t)c->gpr[RDI] : c->gpr[RDI];
    if (!th->frame_ready || mem_write(p->mem, at, th->rawf, kernel_regs_size(p), 0) < 0 ||
        kernel_put_regs(p, at, &th->frame) < 0) {
        fprintf(stderr, "ringside: internal error: no pt_regs for the new thread %d\n",
                th->task.tid);
        proc_exit(p, SIGSEGV);
        group_exit_here(p);
    }
    if (setjmp(th->exit_jb) == 0) {
        while ((p->thread_run ? p->thread_run(p, p->thread_run_ud) : kernel_run(p)) != 0) {
        }
        group_exit_here(p); /* exit_group, a fatal signal or fault: the whole process */
    }
    kick_release();
    return NULL; /* this thread's exit(): thread_exit_pending cleaned up */
}

/* ---- exit --------------------------------------------------------------------------------- */

/* The process ends from a thread other than the main one: what the front
 * end does at the end of main(), stdio flushed, then the host process
 * ends with the guest's status (dying of its signal, without a core file). */
static _Noreturn void group_exit_here(Proc *p) {
    int st = p->exit_status;
    fflush(NULL);
    if (WIFSIGNALED(st)) {
        int sig = WTERMSIG(st);
        struct rlimit rl = {0, 0};
        setrlimit(RLIMIT_CORE, &rl);
        signal(sig, SIG_DFL);
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, sig);
        pthread_sigmask(SIG_UNBLOCK, &s, NULL);
        syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
        _exit(128 + sig);
    }
    exit(WEXITSTATUS(st));
}

#define FUTEX_TID_MASK_    0x3fffffffu
#define ROBUST_LIST_LIMIT_ 2048

static void futex_wake_host(Proc *p, uint64_t uaddr) {
    if ((uaddr & 3) || !(mem_page_prot(p->mem, uaddr) & MEM_U)) return;
    uint8_t *h = mem_page(p->mem, uaddr);
    if (h) syscall(SYS_futex, h + (uaddr & (PAGE_SIZE - 1)), FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* handle_futex_death: a lock word the dying thread owns gets OWNER_DIED
 * (keeping WAITERS) and one waiter is woken. */
static void futex_death(Proc *p, uint64_t uaddr, int tid, int pi) {
    if ((uaddr & 3) ||
        (mem_page_prot(p->mem, uaddr) & (MEM_U | MEM_W | MEM_R)) != (MEM_U | MEM_W | MEM_R))
        return;
    uint8_t *h = mem_page(p->mem, uaddr);
    if (!h) return;
    _Atomic uint32_t *w = (_Atomic uint32_t *)(void *)(h + (uaddr & (PAGE_SIZE - 1)));
    uint32_t v = atomic_load(w);
    for (;;) {
        if ((v & FUTEX_TID_MASK_) != (uint32_t)tid) return;
        uint32_t nv = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
        if (atomic_compare_exchange_weak(w, &v, nv)) break;
    }
    if (!pi && (v & FUTEX_WAITERS)) futex_wake_host(p, uaddr);
}

/* exit_robust_list (and the compat form for a 32-bit list head). */
static void robust_walk(Proc *p, Task *t) {
    if (!t->robust_list) return;
    int tid = t == p->task ? (int)syscall(SYS_gettid) : t->tid; /* a fork child's is new */
    int w32 = t->robust_len == 12;
    unsigned ps = w32 ? 4 : 8;
    uint64_t head = t->robust_list, next = 0, op_pend = 0;
    int64_t off = 0;
    uint8_t hb[24];
    if (copy_from_user(p, hb, head, w32 ? 12 : 24)) return;
    if (w32) {
        uint32_t n32, p32;
        int32_t o32;
        memcpy(&n32, hb, 4), memcpy(&o32, hb + 4, 4), memcpy(&p32, hb + 8, 4);
        next = n32, off = o32, op_pend = p32;
    } else {
        memcpy(&next, hb, 8), memcpy(&off, hb + 8, 8), memcpy(&op_pend, hb + 16, 8);
    }
    for (int limit = ROBUST_LIST_LIMIT_; (next & ~1ull) != head && limit-- > 0;) {
        uint64_t e = next & ~1ull;
        int pi = (int)(next & 1);
        uint64_t nx = 0;
        if (copy_from_user(p, &nx, e, ps)) return;
        if (e != (op_pend & ~1ull))
            futex_death(p, (e + (uint64_t)off) & (w32 ? 0xffffffffu : ~0ull), tid, pi);
        next = nx;
        if (!next) return;
    }
    if (op_pend)
        futex_death(p, ((op_pend & ~1ull) + (uint64_t)off) & (w32 ? 0xffffffffu : ~0ull), tid,
                    (int)(op_pend & 1));
}

/* mm_release: CLONE_CHILD_CLEARTID / set_tid_address. */
static void clear_tid(Proc *p, Task *t) {
    if (!t->clear_child_tid) return;
    if (put_user_u32(p, t->clear_child_tid, 0) == 0) futex_wake_host(p, t->clear_child_tid);
}

/* The whole process ends (exit_group, or the last thread's exit): every
 * thread's robust list, as each task's do_exit walks it on Linux (locks
 * in memory shared with other processes get FUTEX_OWNER_DIED). */
void thread_group_robust(Proc *p) {
    robust_walk(p, p->task);
    if (!active) return;
    if (p->task != &p->main_task && !main_gone) robust_walk(p, &p->main_task);
    for (Thread *th = threads; th; th = th->next)
        if (&th->task != p->task) robust_walk(p, &th->task);
}

void thread_exit(Proc *p, int code) {
    Thread *th = thr(p, p->task);
    th->exit_pending = 1;
    th->exit_code = code & 0xff;
}

int thread_exit_pending(Proc *p) {
    if (!active) return 0;
    Task *t = p->task;
    Thread *th = thr(p, t);
    if (!th->exit_pending) return 0;
    robust_walk(p, t);
    clear_tid(p, t);
    pthread_mutex_lock(&kmu);
    int last = --nlive == 0;
    if (last) { /* the group's status is the last thread's code (as Linux 6.x reports it) */
        main_code = th->exit_code;
        pthread_cond_broadcast(&all_gone);
    }
    pthread_mutex_unlock(&kmu);
    if (th == &main_thr) {
        /* the leader waits, as a zombie, for the rest of the group */
        main_gone = 1;
        main_code = th->exit_code;
        sigset_t all;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, NULL);
        kernel_unlock(p);
        pthread_mutex_lock(&kmu);
        while (nlive > 0)
            pthread_cond_wait(&all_gone, &kmu);
        pthread_mutex_unlock(&kmu);
        kernel_lock(p, &p->main_task); /* after the last thread let go */
        proc_exit(p, main_code << 8);
        return 1;
    }
    for (Thread **l = &threads; *l; l = &(*l)->next)
        if (*l == th) {
            *l = th->next;
            break;
        }
    kernel_unlock(p);
    cpu_free(th->task.cpu);
    sem_destroy(&th->started);
    /* no host signal may reach this thread's catcher once its record is gone
     * (process-directed ones go to the other threads) */
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    free(th->task.sig);
    th->task.sig = NULL;
    /* th is freed only after the jump: the jmp_buf lives in it */
    static _Thread_local jmp_buf jb;
    memcpy(jb, th->exit_jb, sizeof jb);
    free(th);
    longjmp(jb, 1);
}
