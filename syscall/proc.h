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

/* Process-level helpers used by several subsystems. */
void proc_exit(Proc *p, int status); /* stops the CPU; status as wait() sees it */
const char *errno_name(int err);

#endif
