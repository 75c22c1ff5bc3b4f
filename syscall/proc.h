/* The modelled Linux process and the host-side system-call interface.
 *
 * The guest's ring-0 kernel image (syscall/kernel/ (assembly)) builds pt_regs on its
 * kernel stack and hands it to the host with VMCALL; syscall/kernel.c reads
 * pt_regs and calls sys_dispatch(), which looks the number up in the
 * per-ABI table (table_x86_64.def) and calls the handler. Handlers touch
 * guest memory only through the copy helpers below (EFAULT, never a host
 * crash). Knows nothing of any front end (ui/) or of SDL. */
#ifndef RINGSIDE_PROC_H
#define RINGSIDE_PROC_H

#include <stdint.h>
#include <stdio.h>

#include "../cpu/cpu.h"

/* Linux's struct pt_regs (x86-64), as entry_64.S lays it out on the kernel
 * stack; offsets are in kernel/pt_regs.inc as well. */
typedef struct PtRegs {
    uint64_t r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di;
    uint64_t orig_ax, ip, cs, flags, sp, ss;
} PtRegs;

typedef enum { ABI_X86_64 = 0, ABI_I386 = 1 } SysAbi;

#define PROC_MAX_SIG 64

/* One guest thread: its CPU and the state Linux keeps per task_struct.
 * Proc.task is the thread whose code is running (the thread layer switches
 * it, and Proc.cpu with it, when another guest thread takes the CPU). */
typedef struct Task {
    Cpu *cpu;
    int tid;                  /* the host thread's tid: guest tids are host tids */
    uint64_t clear_child_tid; /* set_tid_address / CLONE_CHILD_CLEARTID */
    uint64_t robust_list, robust_len;
    uint64_t rseq_addr;
    uint32_t rseq_len, rseq_sig;
    uint64_t fs_base_saved;
    int cpu_known;              /* cur_cpu/cur_node hold the host CPU last seen */
    uint32_t cur_cpu, cur_node; /* what getcpu, RDTSCP, LSL and rseq report */

    /* signals: the blocked set and the alternate stack are per thread */
    uint64_t sigmask;
    uint64_t altstack_sp, altstack_size;
    int altstack_flags;
    struct SigTask *sig; /* signal.c: caught signals awaiting delivery, fault info */
    int dbg_kicked;      /* its last blocking host call was ended by kernel_debug_kick */
} Task;

typedef struct Proc {
    Cpu *cpu;
    Mem *mem;
    SysAbi abi;
    int kernel32; /* the --kernel=i386 model runs this process */

    /* program */
    char exe_path[4096]; /* absolute host path of the guest program: /proc/self/exe */
    char sysroot[4096];  /* --sysroot: absolute guest paths are looked up here first ("": none) */
    uint8_t auxv[512];   /* the auxv as placed on the initial stack: /proc/self/auxv */
    uint32_t auxv_len;   /* bytes used in auxv[] */
    uint64_t brk_start, brk_cur, brk_max;
    uint64_t mmap_base; /* top-down mmap area ends here */
    uint64_t stack_top;
    uint64_t vdso_base;    /* [vdso] mapping (0: none) */
    uint64_t vvar_base;    /* [vvar] page(s) below it, kept current by ringside (0: none) */
    uint64_t vdso_landing; /* where SYSENTER/compat SYSCALL return (__kernel_vsyscall's pop %ebp) */
    /* RLIMIT_AS and RLIMIT_DATA {cur, max}: the guest's, not ringside's (rlimit.c) */
    uint64_t rlim_as[2], rlim_data[2];
    uint64_t vdso_sigreturn, vdso_rt_sigreturn; /* 32-bit vDSO __kernel_[rt_]sigreturn */

    Task *task;     /* the running thread (main_task until threads exist) */
    Task main_task;

    /* signals: dispositions are process-wide, as Linux's sighand */
    struct {
        uint64_t handler, flags, restorer, mask;
    } sigact[PROC_MAX_SIG + 1];

    /* exit */
    int exited;
    int exit_status; /* as wait() would see it: code << 8 or the signal */

    /* tracing */
    int strace;
    FILE *tracef;

    /* Observer of every system call (ui/compare.c records the sequence):
     * called after the handler ran, also for calls that do not return. */
    void (*on_syscall)(struct Proc *p, uint64_t nr, const uint64_t a[6], int64_t ret);
    void *on_syscall_ud;

    /* A debugger (ui/gdb/): called by signal delivery for each signal about
     * to be delivered, before its disposition is looked at; returns the
     * signal to deliver, 0 to discard it. It may set debug_stop: the run
     * (kernel_run_budget) then returns to the debugger after this call. */
    int (*on_signal)(struct Proc *p, int sig, void *ud);
    void *on_signal_ud;
    int debug_stop;
    /* A debugger (ui/gdb/): runs each guest thread but the main one in
     * place of kernel_run (syscall/thread.c), on that thread's host thread
     * with the kernel lock held; returns as kernel_run does. */
    int (*thread_run)(struct Proc *p, void *ud);
    void *thread_run_ud;

    /* one-time reports of unknown syscalls */
    uint8_t reported_nosys[1024];
} Proc;

/* Copy helpers: 0 on success, -EFAULT (negative) when any byte is not a
 * mapped user page with the needed permission. */
int copy_from_user(Proc *p, void *dst, uint64_t src, size_t n);
int copy_to_user(Proc *p, uint64_t dst, const void *src, size_t n);
/* Copies a NUL-terminated string; returns length, -EFAULT, or
 * -ENAMETOOLONG when no NUL within max bytes. */
long strncpy_from_user(Proc *p, char *dst, uint64_t src, size_t max);

/* Handler signature: arguments as the ABI passes them (x86-64: rdi, rsi,
 * rdx, r10, r8, r9). Return the value for RAX: >= 0, or -errno. */
typedef int64_t (*SysFn)(Proc *p, const uint64_t a[6]);

/* One table row: also drives --strace (argument formats, see strace.c). */
typedef struct SysDef {
    const char *name;
    SysFn fn;
    const char *args; /* one char per argument; see strace.c */
    char ret;         /* return format: 'd' decimal, 'x' hex (pointers), 'o' octal */
} SysDef;

/* Dispatch one system call from pt_regs (sets regs->ax). */
void sys_dispatch(Proc *p, PtRegs *regs);
const SysDef *sys_lookup(SysAbi abi, uint64_t nr);

/* --strace output for one call (before/after). */
void strace_enter(Proc *p, uint64_t nr, const SysDef *d, const uint64_t a[6]);
void strace_exit(Proc *p, uint64_t nr, const SysDef *d, const uint64_t a[6], int64_t ret);

/* --sysroot: the host path for a guest path. An absolute path that exists
 * (lstat) under p->sysroot is redirected there, as qemu-user's -L does;
 * /proc, /dev and /sys never are; everything else is returned unchanged.
 * Returns `path` itself or `buf` (of size n) holding the redirected path. */
const char *proc_host_path(const Proc *p, const char *path, char *buf, size_t n);

/* A new process (zeroed Proc) over that CPU and address space: the main
 * thread is the calling host thread. */
void proc_init(Proc *p, Cpu *c, Mem *m);

/* clone/clone3/fork/vfork arguments, normalised from either ABI (the
 * fields of Linux's struct clone_args). syscall/process.c parses them; a
 * clone with CLONE_VM (other than CLONE_VM|CLONE_VFORK) goes to
 * thread_clone() (syscall/thread.c), which returns the new tid or -errno. */
typedef struct CloneArgs {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
} CloneArgs;
int64_t thread_clone(Proc *p, const CloneArgs *ca);

/* Guest threads (syscall/thread.c). One guest thread at a time runs guest
 * code or kernel work: it holds the "kernel lock", handed over at time
 * slices (at CPL 3) and dropped around every host call that may block.
 * With a single thread all of this costs a test of one flag. */
void kernel_lock(Proc *p, Task *t); /* acquire; sets p->task = t, p->cpu = t->cpu */
void kernel_unlock(Proc *p);
Task *sys_block_begin(Proc *p);       /* before a host call that may block: drops the lock */
void sys_block_end(Proc *p, Task *t); /* after it: re-takes it, restores p->task/p->cpu */
int thread_count(const Proc *p);      /* live guest threads (1 until a clone) */
uint64_t thread_slice(void);          /* instructions per time slice, 0: one thread */
void thread_yield(Proc *p);           /* end of a slice: let a waiting thread run */
void thread_after_syscall(Proc *p, PtRegs *r); /* kernel.c: a clone's child takes r */
int thread_exit_pending(Proc *p);    /* kernel.c: carry out a thread's exit(); 1: process over */
void thread_exit(Proc *p, int code); /* exit() of one thread of several (task.c) */
void thread_fork_child(Proc *p);     /* in a fork() child: the caller is the only thread */
Task *thread_find(Proc *p, int tid); /* the guest thread with that tid, or NULL */
/* The live guest threads, the main one first, then the clones oldest first
 * (at most max into out): how many. */
int thread_tasks(Proc *p, Task **out, int max);
void thread_group_robust(Proc *p); /* process exit: every thread's robust list walked */

/* execve re-executes ringside itself (syscall/exec.c): the host path of
 * ringside's binary and the user's options to give the new image
 * (--strace, --cpu=..., ...), recorded once by the front end at start-up.
 * The strings are copied. */
void exec_set_runner(const char *self_path, int nopts, char *const opts[]);
/* Called by proc_exit(): a vfork child (CLONE_VM|CLONE_VFORK emulated
 * with fork) hands its memory writes back and lets the parent run on. */
void proc_vfork_release(Proc *p);

/* Signals (signal.c, sigdeliver.c). signal_init: once per process before it
 * first runs (host dispositions/mask inherited at exec become the guest's).
 * signal_thread_init: on each host thread that runs a guest Task (the host
 * catcher records signals on the thread's Task). signal_deliver: before
 * pt_regs go back to user mode (after an exception or CPU_EV_INTERRUPT);
 * signal_deliver_syscall: the same after a system call (restart rules).
 * Both return 1 when pt_regs changed so the exit must be IRET. */
void signal_init(Proc *p);
void signal_thread_init(Proc *p, Task *t);
void signal_fork_child(Proc *p); /* in a fork child: nothing pending (process.c) */
int signal_deliver(Proc *p, PtRegs *r);
int signal_deliver_syscall(Proc *p, PtRegs *r);
/* A fault (vector, error code, cr2) as the synchronous signal Linux sends:
 * queued for delivery (0), or the signal number when it kills (default
 * action: the caller reports the fault and ends the process). */
int signal_fault(Proc *p, PtRegs *r, int vector, uint64_t err, uint64_t cr2);

/* The guest's address-space limits (RLIMIT_AS, RLIMIT_DATA) from the host's,
 * RLIMIT_AS lowered to max_memory when that is not 0 (--max-memory).
 * proc_init calls it with 0. */
void rlimit_init(Proc *p, uint64_t max_memory);

/* Process-level helpers used by several subsystems. */
void proc_exit(Proc *p, int status); /* stops the CPU; status as wait() sees it */
const char *errno_name(int err);

#endif
