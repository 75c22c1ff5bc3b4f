/* Process and thread system calls: ids and credentials, uname, resource
 * limits, exit, arch_prctl (FS/GS bases), set_tid_address, robust lists,
 * rseq, getrandom, personality, prctl, scheduling queries, futex (single
 * thread), sysinfo, getcpu (wait4/waitid: process.c).
 *
 * The guest is the ringside host process as far as the host kernel is
 * concerned: ids, credentials, limits and scheduling pass through. State
 * that belongs to the modelled kernel (FS/GS bases, TID address, robust
 * list, rseq area, comm, personality) is kept here and in Proc. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <linux/futex.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kernel.h"
#include "sys_internal.h"

#define GDT_ENTRY_CPUNODE_ 15 /* Linux x86-64's (syscall/kernel/kernel.h) */

/* ---- exit ------------------------------------------------------------------ */

void proc_exit(Proc *p, int status) {
    proc_vfork_release(p); /* a vfork parent (process.c) runs on */
    p->exited = 1;
    p->exit_status = status;
    if (p->strace) {
        FILE *f = p->tracef ? p->tracef : stderr;
        if (status & 0x7f) {
            int sig = status & 0x7f;
            const char *name = sigabbrev_np(sig);
            fprintf(f, "+++ killed by SIG%s%s +++\n", name ? name : "?",
                    (status & 0x80) ? " (core dumped)" : "");
        } else {
            fprintf(f, "+++ exited with %d +++\n", (status >> 8) & 0xff);
        }
    }
}

/* exit ends the calling thread (syscall/thread.c); the last thread's exit,
 * like exit_group, ends the process. */
int64_t sys_exit(Proc *p, const uint64_t a[6]) {
    if (thread_count(p) > 1) {
        thread_exit(p, (int)(a[0] & 0xff));
        return 0;
    }
    thread_group_robust(p);
    proc_exit(p, (int)((a[0] & 0xff) << 8));
    return 0;
}

int64_t sys_exit_group(Proc *p, const uint64_t a[6]) {
    thread_group_robust(p);
    proc_exit(p, (int)((a[0] & 0xff) << 8));
    return 0;
}

/* ---- ids and credentials (the host process's) ------------------------------- */

int64_t sys_getpid(Proc *p, const uint64_t a[6]) { return getpid(); }
int64_t sys_getppid(Proc *p, const uint64_t a[6]) { return getppid(); }
int64_t sys_gettid(Proc *p, const uint64_t a[6]) { return syscall(SYS_gettid); }
int64_t sys_getuid(Proc *p, const uint64_t a[6]) { return getuid(); }
int64_t sys_geteuid(Proc *p, const uint64_t a[6]) { return geteuid(); }
int64_t sys_getgid(Proc *p, const uint64_t a[6]) { return getgid(); }
int64_t sys_getegid(Proc *p, const uint64_t a[6]) { return getegid(); }
int64_t sys_getpgrp(Proc *p, const uint64_t a[6]) { return getpgrp(); }
int64_t sys_setsid(Proc *p, const uint64_t a[6]) { return host_ret(setsid()); }

int64_t sys_getpgid(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_getpgid, (int)a[0]));
}

int64_t sys_setpgid(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_setpgid, (int)a[0], (int)a[1]));
}

int64_t sys_getsid(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_getsid, (int)a[0]));
}

/* Raw calls: glibc's wrappers would broadcast to every host thread. */
int64_t sys_setuid(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_setuid, (uint32_t)a[0]));
}
int64_t sys_setgid(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_setgid, (uint32_t)a[0]));
}
int64_t sys_setreuid(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_setreuid, (uint32_t)a[0], (uint32_t)a[1]));
}
int64_t sys_setregid(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_setregid, (uint32_t)a[0], (uint32_t)a[1]));
}
int64_t sys_setresuid(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_setresuid, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2]));
}
int64_t sys_setresgid(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_setresgid, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2]));
}
int64_t sys_setfsuid(Proc *p, const uint64_t a[6]) {
    return syscall(SYS_setfsuid, (uint32_t)a[0]); /* returns the old id, never fails */
}
int64_t sys_setfsgid(Proc *p, const uint64_t a[6]) { return syscall(SYS_setfsgid, (uint32_t)a[0]); }

static int64_t put_three(Proc *p, const uint64_t a[6], const uint32_t v[3]) {
    for (int i = 0; i < 3; i++)
        if (put_user_u32(p, a[i], v[i])) return -EFAULT;
    return 0;
}

int64_t sys_getresuid(Proc *p, const uint64_t a[6]) {
    uint32_t v[3];
    if (syscall(SYS_getresuid, &v[0], &v[1], &v[2]) < 0) return -errno;
    return put_three(p, a, v);
}

int64_t sys_getresgid(Proc *p, const uint64_t a[6]) {
    uint32_t v[3];
    if (syscall(SYS_getresgid, &v[0], &v[1], &v[2]) < 0) return -errno;
    return put_three(p, a, v);
}

#define NGROUPS_MAX_ 65536

int64_t sys_getgroups(Proc *p, const uint64_t a[6]) {
    static _Thread_local uint32_t groups[NGROUPS_MAX_];
    int size = (int)a[0];
    if (size < 0) return -EINVAL;
    long n = syscall(SYS_getgroups, size > NGROUPS_MAX_ ? NGROUPS_MAX_ : size, groups);
    if (n < 0) return -errno;
    if (size && copy_to_user(p, a[1], groups, (size_t)n * 4)) return -EFAULT;
    return n;
}

/* ---- uname, sysinfo, limits ------------------------------------------------- */

int64_t sys_uname(Proc *p, const uint64_t a[6]) {
    struct utsname u; /* six 65-byte fields, as struct new_utsname */
    if (uname(&u) < 0) return -errno;
    snprintf(u.machine, sizeof u.machine, "x86_64");
    return copy_to_user(p, a[0], &u, sizeof u) ? -EFAULT : 0;
}

int64_t sys_sysinfo(Proc *p, const uint64_t a[6]) {
    struct sysinfo si; /* 112 bytes on x86-64, the kernel's layout */
    if (sysinfo(&si) < 0) return -errno;
    return copy_to_user(p, a[0], &si, sizeof si) ? -EFAULT : 0;
}

/* Limits (rlimit.c): the host's, but for the guest's address-space ones. */
int64_t sys_prlimit64(Proc *p, const uint64_t a[6]) {
    uint64_t nv[2], ov[2];
    if (a[2] && copy_from_user(p, nv, a[2], sizeof nv)) return -EFAULT;
    int64_t r = rlimit_op(p, (int)a[0], (unsigned)a[1], a[2] ? nv : NULL, a[3] ? ov : NULL);
    if (r < 0) return r;
    if (a[3] && copy_to_user(p, a[3], ov, sizeof ov)) return -EFAULT;
    return 0;
}

int64_t sys_getrlimit(Proc *p, const uint64_t a[6]) {
    uint64_t v[2];
    int64_t r = rlimit_op(p, 0, (unsigned)a[0], NULL, v);
    if (r < 0) return r;
    return copy_to_user(p, a[1], v, sizeof v) ? -EFAULT : 0;
}

int64_t sys_setrlimit(Proc *p, const uint64_t a[6]) {
    uint64_t v[2];
    if (copy_from_user(p, v, a[1], sizeof v)) return -EFAULT;
    return rlimit_op(p, 0, (unsigned)a[0], v, NULL);
}

int64_t sys_getpriority(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_getpriority, (int)a[0], (int)a[1])); /* 20 - nice, raw */
}

int64_t sys_setpriority(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_setpriority, (int)a[0], (int)a[1], (int)a[2]));
}

/* ---- scheduling --------------------------------------------------------------- */

int64_t sys_sched_yield(Proc *p, const uint64_t a[6]) {
    Task *t = sys_block_begin(p); /* other guest threads run now */
    sched_yield();
    sys_block_end(p, t);
    return 0;
}

#define CPUMASK_MAX 8192 /* bytes: NR_CPUS 65536; Linux copies at most its mask size */

int64_t sys_sched_getaffinity(Proc *p, const uint64_t a[6]) {
    uint64_t len = a[1];
    if (len > CPUMASK_MAX) len = CPUMASK_MAX; /* still a multiple of 8 when it was */
    long r = syscall(SYS_sched_getaffinity, (int)a[0], (size_t)len, sys_bounce);
    if (r < 0) return -errno;
    return copy_to_user(p, a[2], sys_bounce, (size_t)r) ? -EFAULT : r;
}

int64_t sys_sched_setaffinity(Proc *p, const uint64_t a[6]) {
    uint64_t len = a[1] > CPUMASK_MAX ? CPUMASK_MAX : a[1];
    if (copy_from_user(p, sys_bounce, a[2], (size_t)len)) return -EFAULT;
    return host_ret(syscall(SYS_sched_setaffinity, (int)a[0], (size_t)len, sys_bounce));
}

int64_t sys_sched_getscheduler(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_sched_getscheduler, (int)a[0]));
}

int64_t sys_sched_getparam(Proc *p, const uint64_t a[6]) {
    int prio;
    if (!a[1] || (int)a[0] < 0) return -EINVAL;
    if (syscall(SYS_sched_getparam, (int)a[0], &prio) < 0) return -errno;
    return put_user_u32(p, a[1], (uint32_t)prio) ? -EFAULT : 0;
}

int64_t sys_sched_get_priority_max(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_sched_get_priority_max, (int)a[0]));
}

int64_t sys_sched_get_priority_min(Proc *p, const uint64_t a[6]) {
    return host_ret(syscall(SYS_sched_get_priority_min, (int)a[0]));
}

int64_t sys_getcpu(Proc *p, const uint64_t a[6]) {
    sys_track_cpu(p);
    if (a[0] && put_user_u32(p, a[0], p->task->cur_cpu)) return -EFAULT;
    if (a[1] && put_user_u32(p, a[1], p->task->cur_node)) return -EFAULT;
    return 0;
}

int64_t sys_membarrier(Proc *p, const uint64_t a[6]) {
    /* Barriers over one thread are no-ops; the host answers queries and
     * registrations exactly as it would natively. */
    return host_ret(syscall(SYS_membarrier, (int)a[0], (unsigned)a[1], (int)a[2]));
}

/* ---- arch_prctl: the FS and GS bases --------------------------------------------- */

#define ARCH_SET_GS    0x1001
#define ARCH_SET_FS    0x1002
#define ARCH_GET_FS    0x1003
#define ARCH_GET_GS    0x1004
#define ARCH_GET_CPUID 0x1011
#define ARCH_SET_CPUID 0x1012

/* FS base: the descriptor cache and the address-generation copy stay equal.
 * GS base: the kernel image executed SWAPGS on entry, so the user's GS
 * base sits in KERNEL_GS_BASE until the SWAPGS on the way out. */
int64_t sys_arch_prctl(Proc *p, const uint64_t a[6]) {
    Cpu *c = p->cpu;
    int code = (int)a[0];
    uint64_t arg = a[1];
    switch (code) {
    case ARCH_SET_FS:
        if (arg >= USER_TOP) return -EPERM;
        c->seg[SEG_FS].base = arg;
        c->segbase[SEG_FS] = arg;
        p->task->fs_base_saved = arg;
        return 0;
    case ARCH_SET_GS:
        if (arg >= USER_TOP) return -EPERM;
        c->kernel_gs_base = arg;
        return 0;
    case ARCH_GET_FS: return put_user_u64(p, arg, c->seg[SEG_FS].base) ? -EFAULT : 0;
    case ARCH_GET_GS: return put_user_u64(p, arg, c->kernel_gs_base) ? -EFAULT : 0;
    case ARCH_GET_CPUID: return 1; /* CPUID does not fault */
    case ARCH_SET_CPUID:
        if (arg) return 0;
        /* CPUID faulting is not modelled: answer as a CPU without it. */
        sys_report("arch_prctl", (uint64_t)code,
                   "ARCH_SET_CPUID(0): CPUID faulting not modelled "
                   "(ENODEV)");
        return -ENODEV;
    case 0x5001:
    case 0x5002:
    case 0x5003:
    case 0x5004:
    case 0x5005: return -EINVAL; /* ARCH_SHSTK_*: a kernel without user shadow stacks says this */
    default:
        sys_report("arch_prctl", (uint64_t)code, "unimplemented arch_prctl %#x (EINVAL)", code);
        return -EINVAL;
    }
}

/* ---- threads: TID address, robust list, rseq ------------------------------------- */

void proc_init(Proc *p, Cpu *c, Mem *m) {
    p->cpu = c;
    p->mem = m;
    p->task = &p->main_task;
    p->main_task.cpu = c;
    p->main_task.tid = (int)syscall(SYS_gettid);
    rlimit_init(p, 0);
}

int64_t sys_set_tid_address(Proc *p, const uint64_t a[6]) {
    p->task->clear_child_tid = a[0];
    return syscall(SYS_gettid);
}

#define ROBUST_HEAD_SIZE 24 /* struct robust_list_head */

int64_t sys_set_robust_list(Proc *p, const uint64_t a[6]) {
    if (a[1] != ROBUST_HEAD_SIZE) return -EINVAL;
    p->task->robust_list = a[0];
    p->task->robust_len = a[1];
    return 0;
}

int64_t sys_get_robust_list(Proc *p, const uint64_t a[6]) {
    int pid = (int)a[0];
    Task *t = pid ? thread_find(p, pid) : p->task; /* any thread of ours */
    if (!t) return kill(pid, 0) == 0 || errno == EPERM ? -EPERM : -ESRCH;
    if (put_user_u64(p, a[2], ROBUST_HEAD_SIZE)) return -EFAULT;
    return put_user_u64(p, a[1], t->robust_list) ? -EFAULT : 0;
}

#define RSEQ_FLAG_UNREGISTER 1
#define RSEQ_ORIG_SIZE       32

/* The kernel keeps cpu_id_start/cpu_id/node_id/mm_cid current in the area
 * (Linux writes them on return to user space). */
static int rseq_write_ids(Proc *p, uint64_t area, uint32_t cpu_start, uint32_t cpu, uint32_t node) {
    uint32_t ids[2] = {cpu_start, cpu};
    uint32_t tail[2] = {node, 0}; /* node_id, mm_cid (one thread: 0) */
    if (copy_to_user(p, area, ids, sizeof ids)) return -EFAULT;
    return copy_to_user(p, area + 20, tail, sizeof tail) ? -EFAULT : 0;
}

/* The guest runs on the host CPU ringside's thread is on. When that changes
 * (checked at system-call boundaries: Linux updates on return to user after
 * a migration), everything that reports it follows: TSC_AUX (RDTSCP,
 * RDPID), the CPUNODE descriptor's limit (LSL, the 64-bit vDSO's getcpu),
 * the rseq area and the getcpu system call. Linux's encoding in both:
 * (node << 12) | cpu. */
void sys_track_cpu(Proc *p) {
    int cpu = sched_getcpu();
    if (cpu < 0 || (p->task->cpu_known && (uint32_t)cpu == p->task->cur_cpu)) return;
    unsigned hcpu = 0, node = 0;
    if (syscall(SYS_getcpu, &hcpu, &node, NULL) == 0) cpu = (int)hcpu;
    p->task->cpu_known = 1;
    p->task->cur_cpu = (uint32_t)cpu;
    p->task->cur_node = node;
    uint32_t v = ((node & 0xff) << 12) | ((uint32_t)cpu & 0xfff);
    p->cpu->tsc_aux = v;
    if (!p->kernel32) {
        uint64_t d, at = kernel_symbol(KSYM_GDT) + 8 * GDT_ENTRY_CPUNODE_;
        if (at != 8 * GDT_ENTRY_CPUNODE_ && mem_read(p->mem, &d, at, 8, 0) == 0) {
            d = (d & ~0x000f00000000ffffull) | (v & 0xffff) | ((uint64_t)(v >> 16) << 48);
            mem_write(p->mem, at, &d, 8, 0);
        }
    }
    if (p->task->rseq_addr) rseq_write_ids(p, p->task->rseq_addr, v & 0xfff, v & 0xfff, node);
}

int64_t sys_rseq(Proc *p, const uint64_t a[6]) {
    uint64_t area = a[0];
    uint32_t len = (uint32_t)a[1], sig = (uint32_t)a[3];
    int flags = (int)a[2];
    if (flags & RSEQ_FLAG_UNREGISTER) {
        if (flags & ~RSEQ_FLAG_UNREGISTER) return -EINVAL;
        if (!p->task->rseq_addr || p->task->rseq_addr != area) return -EINVAL;
        if (len != p->task->rseq_len) return -EINVAL;
        if (sig != p->task->rseq_sig) return -EPERM;
        if (rseq_write_ids(p, area, 0, (uint32_t)-1 /* RSEQ_CPU_ID_UNINITIALIZED */, 0))
            return -EFAULT;
        p->task->rseq_addr = 0;
        p->task->rseq_len = 0;
        p->task->rseq_sig = 0;
        return 0;
    }
    if (flags) return -EINVAL;
    if (p->task->rseq_addr) {
        if (p->task->rseq_addr != area || len != p->task->rseq_len) return -EINVAL;
        if (sig != p->task->rseq_sig) return -EPERM;
        return -EBUSY;
    }
    /* The original 32-byte area, or an extended one: 32-byte aligned and at
     * least up to the fields this kernel fills (offsetof(end) = 28). */
    if (len < RSEQ_ORIG_SIZE || (area & 31) || (len != RSEQ_ORIG_SIZE && len < 28)) return -EINVAL;
    if (!user_access_ok(area, len)) return -EFAULT;
    p->task->rseq_addr = area;
    p->task->rseq_len = len;
    p->task->rseq_sig = sig;
    sys_track_cpu(p);
    /* Linux would deliver SIGSEGV on return if this write faulted. */
    if (rseq_write_ids(p, area, p->task->cur_cpu, p->task->cur_cpu, p->task->cur_node))
        sys_report("rseq", area, "rseq area %#llx not writable", (unsigned long long)area);
    return 0;
}

/* ---- getrandom ---------------------------------------------------------------- */

#define GRND_NONBLOCK_ 1
#define GRND_RANDOM_   2
#define GRND_INSECURE_ 4

static long random_xfer(void *ctx, void *buf, size_t n, uint64_t done) {
    return syscall(SYS_getrandom, buf, n, *(unsigned *)ctx);
}

int64_t sys_getrandom(Proc *p, const uint64_t a[6]) {
    unsigned flags = (unsigned)a[2];
    if (flags & ~(GRND_NONBLOCK_ | GRND_RANDOM_ | GRND_INSECURE_)) return -EINVAL;
    if ((flags & (GRND_INSECURE_ | GRND_RANDOM_)) == (GRND_INSECURE_ | GRND_RANDOM_))
        return -EINVAL;
    if (!user_access_ok(a[0], a[1])) return -EFAULT;
    UserSeg s = {a[0], a[1]};
    return user_xfer_out(p, &s, 1, random_xfer, &flags, 1);
}

/* ---- personality, prctl ------------------------------------------------------- */

/* Starts as the host process's (so setarch -R and friends carry over). */
int64_t sys_personality(Proc *p, const uint64_t a[6]) {
    static int64_t persona = -1;
    if (persona < 0) persona = (uint32_t)personality(0xffffffff);
    int64_t old = persona;
    if ((uint32_t)a[0] != 0xffffffffu) persona = (uint32_t)a[0];
    return old;
}

int64_t sys_prctl(Proc *p, const uint64_t a[6]) {
    int opt = (int)a[0];
    switch (opt) {
    /* The name is the host thread's (ui/main.c sets it to the program's
     * at start-up and after execve), per thread as in Linux. */
    case PR_SET_NAME: {
        char name[16] = {0};
        long n = strncpy_from_user(p, name, a[1], sizeof name);
        if (n == -ENAMETOOLONG) {
            if (copy_from_user(p, name, a[1], sizeof name - 1)) return -EFAULT;
            name[15] = 0;
        } else if (n < 0) {
            return -EFAULT;
        }
        return host_ret(prctl(PR_SET_NAME, name, 0, 0, 0));
    }
    case PR_GET_NAME: {
        char name[16] = {0};
        if (prctl(PR_GET_NAME, name, 0, 0, 0) < 0) return -errno;
        return copy_to_user(p, a[1], name, sizeof name) ? -EFAULT : 0;
    }
    case PR_GET_TID_ADDRESS: return put_user_u64(p, a[1], p->task->clear_child_tid) ? -EFAULT : 0;
    case PR_GET_PDEATHSIG:
    case PR_GET_CHILD_SUBREAPER: {
        int v;
        if (prctl(opt, &v, 0, 0, 0) < 0) return -errno;
        return put_user_u32(p, a[1], (uint32_t)v) ? -EFAULT : 0;
    }
    /* Options whose arguments are plain values: the host process's state
     * is the guest's. */
    case PR_SET_PDEATHSIG:
    case PR_GET_DUMPABLE:
    case PR_SET_DUMPABLE:
    case PR_GET_KEEPCAPS:
    case PR_SET_KEEPCAPS:
    case PR_GET_SECCOMP:
    case PR_CAPBSET_READ:
    case PR_GET_TIMERSLACK:
    case PR_SET_TIMERSLACK:
    case PR_SET_CHILD_SUBREAPER:
    case PR_GET_NO_NEW_PRIVS:
    case PR_SET_NO_NEW_PRIVS:
    case PR_GET_THP_DISABLE:
    case PR_SET_THP_DISABLE:
    case PR_MCE_KILL:
    case PR_MCE_KILL_GET:
    case PR_SET_PTRACER:
    case PR_CAP_AMBIENT: return host_ret(syscall(SYS_prctl, opt, a[1], a[2], a[3], a[4]));
    case 0x53564d41: /* PR_SET_VMA (anonymous VMA names): accepted, names not kept */ return 0;
    default:
        sys_report("prctl", (uint64_t)opt, "unimplemented prctl option %d (EINVAL)", opt);
        return -EINVAL;
    }
}
