/* Processes: fork, vfork, clone and clone3 for a new process (no CLONE_VM),
 * CLONE_VM|CLONE_VFORK (posix_spawn, vfork) emulated with fork, and wait4 /
 * waitid for both ABIs.
 *
 * A guest process is one ringside host process, so a new guest process is
 * a host fork(): the child keeps running the copied emulator with the same
 * guest memory, CPU state and descriptor tables, and the guest's fds (host
 * fds) are inherited for free. Guest pids are host pids; wait4/waitid pass
 * through to the host, which knows the children.
 *
 * CLONE_VM|CLONE_VFORK shares the address space until the child execs or
 * exits. The emulation: the parent blocks until the child reaches that
 * point (a CLOEXEC pipe), the child then waits while the parent copies
 * back every page of its own user-writable memory the child changed (read
 * from the child with process_vm_readv), so what the child wrote before
 * exec/exit (glibc's posix_spawn stores the exec error in the parent's
 * memory this way) is seen by the parent as under Linux. Pages the parent
 * had never touched, and mappings the child made, are not copied back.
 *
 * Clones with CLONE_VM otherwise are threads: thread_clone() (thread.c). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compat32.h"
#include "sys_internal.h"

#define CLONE_VM_             0x00000100ull
#define CLONE_FS_             0x00000200ull
#define CLONE_FILES_          0x00000400ull
#define CLONE_SIGHAND_        0x00000800ull
#define CLONE_PIDFD_          0x00001000ull
#define CLONE_PTRACE_         0x00002000ull
#define CLONE_VFORK_          0x00004000ull
#define CLONE_PARENT_         0x00008000ull
#define CLONE_THREAD_         0x00010000ull
#define CLONE_NEWNS_          0x00020000ull
#define CLONE_SYSVSEM_        0x00040000ull
#define CLONE_SETTLS_         0x00080000ull
#define CLONE_PARENT_SETTID_  0x00100000ull
#define CLONE_CHILD_CLEARTID_ 0x00200000ull
#define CLONE_DETACHED_       0x00400000ull
#define CLONE_UNTRACED_       0x00800000ull
#define CLONE_CHILD_SETTID_   0x01000000ull
#define CLONE_NEWUSER_        0x10000000ull
#define CLONE_CLEAR_SIGHAND_  0x100000000ull
#define CLONE_INTO_CGROUP_    0x200000000ull
#define CSIGNAL_              0xffull

/* Flags the host clone carries out itself for a new process. */
#define HOST_FLAGS                                                                                 \
    (CLONE_FS_ | CLONE_FILES_ | CLONE_PARENT_ | CLONE_NEWNS_ | CLONE_SYSVSEM_ | CLONE_UNTRACED_ |  \
     0x02000000ull /* NEWCGROUP */ | 0x04000000ull /* NEWUTS */ | 0x08000000ull /* NEWIPC */ |     \
     CLONE_NEWUSER_ | 0x20000000ull /* NEWPID */ | 0x40000000ull /* NEWNET */ |                    \
     0x80000000ull /* IO */ | CLONE_CLEAR_SIGHAND_ | CLONE_INTO_CGROUP_ |                          \
     0x80ull /* NEWTIME (clone3) */)

/* ---- the thread layer's entry points, until syscall/thread.c has them ---- */

__attribute__((weak)) int64_t thread_clone(Proc *p, const CloneArgs *ca) {
    sys_report("clone", 1,
               "clone with CLONE_VM (flags %#llx): threads are not implemented yet (ENOSYS)",
               (unsigned long long)ca->flags);
    return -ENOSYS;
}

/* The forking thread is the child's only thread: the thread layer forgets
 * the others (and resets its locks) here. */
void thread_fork_child(Proc *p);
__attribute__((weak)) void thread_fork_child(Proc *p) { (void)p; }

/* The signal layer's part of a fork child: Linux starts it with no pending
 * signals (signal.c may define it; until then nothing is pending here). */
void signal_fork_child(Proc *p);
__attribute__((weak)) void signal_fork_child(Proc *p) { (void)p; }

/* Live guest threads of the process. */
int thread_count(const Proc *p);
__attribute__((weak)) int thread_count(const Proc *p) {
    (void)p;
    return 1;
}

/* Around a host call that may block (the kernel lock is dropped). */
Task *sys_block_begin(Proc *p);
void sys_block_end(Proc *p, Task *t);
__attribute__((weak)) Task *sys_block_begin(Proc *p) { return p->task; }
__attribute__((weak)) void sys_block_end(Proc *p, Task *t) {
    (void)p;
    (void)t;
}

/* ---- vfork: the parent waits, then takes the child's writes ---------------- */

static int vfork_release_fd = -1, vfork_ack_fd = -1; /* in a vfork child */

/* The child's /proc/PID/pagemap, read in blocks: a page the child wrote
 * since the fork is its own copy (present or swapped, and exclusively
 * mapped); every other page is still the one the parent has. Without a
 * readable pagemap every page is a candidate (then compared). */
#define PM_SWAP      (1ull << 62)
#define PM_PRESENT   (1ull << 63)
#define PM_EXCLUSIVE (1ull << 56)
#define PM_BLOCK     512

typedef struct PageMap {
    int fd;
    uint64_t base; /* host page number of ent[0] */
    int n;         /* entries in ent[] (0: none cached) */
    uint64_t ent[PM_BLOCK];
} PageMap;

static int child_wrote(PageMap *pm, const void *host) {
    if (pm->fd < 0) return 1;
    uint64_t pn = (uint64_t)(uintptr_t)host / PAGE_SIZE;
    if (!pm->n || pn < pm->base || pn >= pm->base + (uint64_t)pm->n) {
        pm->base = pn & ~(uint64_t)(PM_BLOCK - 1);
        ssize_t got = pread(pm->fd, pm->ent, sizeof pm->ent, (off_t)(pm->base * 8));
        pm->n = got > 0 ? (int)(got / 8) : 0;
        if (pn >= pm->base + (uint64_t)pm->n) return 1; /* unreadable: compare it */
    }
    uint64_t e = pm->ent[pn - pm->base];
    if (e & PM_SWAP) return 1;
    return (e & PM_PRESENT) && (e & PM_EXCLUSIVE);
}

/* Guest pages the parent has host memory for, compared with the child's
 * same host page and copied back when they differ. While the parent has
 * other threads (which ran on meanwhile), a difference may be their write:
 * then only the region holding the vforking thread's stack (sp), where
 * vfork and posix_spawn children write, is taken. */
static void vfork_copy_back(Proc *p, pid_t child, uint64_t sp) {
    static uint8_t theirs[PAGE_SIZE];
    static PageMap pm;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/pagemap", (int)child);
    pm.fd = open(path, O_RDONLY | O_CLOEXEC);
    pm.n = 0;
    const MemRegion *only = thread_count(p) > 1 ? mem_region(p->mem, sp) : NULL;
    uint64_t only_start = only ? only->start : 0;
    for (size_t i = 0;; i++) {
        const MemRegion *r = mem_region_at(p->mem, i);
        if (!r) break;
        if ((r->prot & (MEM_W | MEM_U)) != (MEM_W | MEM_U) || r->shared) continue;
        if (only && r->start != only_start) continue;
        uint64_t start = r->start, end = r->end; /* r may move when we write */
        uint8_t *file = r->host;                 /* a private file mapping: the host's own mmap */
        for (uint64_t a = start; a < end; a += PAGE_SIZE) {
            uint8_t *mine = file ? (mem_page_prot(p->mem, a) ? file + (a - start) : NULL)
                                 : mem_page_present(p->mem, a);
            if (!mine || !child_wrote(&pm, mine)) continue;
            struct iovec l = {theirs, PAGE_SIZE}, rv = {mine, PAGE_SIZE};
            if (process_vm_readv(child, &l, 1, &rv, 1, 0) != (ssize_t)PAGE_SIZE) continue;
            if (memcmp(mine, theirs, PAGE_SIZE)) mem_write(p->mem, a, theirs, PAGE_SIZE, 0);
        }
    }
    if (pm.fd >= 0) close(pm.fd);
}

/* Parent side: blocks until the child execs or exits. */
static void vfork_wait(Proc *p, pid_t child, int rel, int ack) {
    uint64_t sp = sys_cur_regs ? sys_cur_regs->sp : 0;
    char c = 0;
    ssize_t n;
    Task *t = sys_block_begin(p);
    do {
        n = read(rel, &c, 1);
    } while (n < 0 && errno == EINTR);
    sys_block_end(p, t);
    if (n == 1 && c == 'R') vfork_copy_back(p, child, sp);
    close(ack); /* lets the child go on */
    close(rel);
}

void proc_vfork_release(Proc *p) {
    if (vfork_release_fd < 0) return;
    char c = 'R', buf[1];
    if (write(vfork_release_fd, &c, 1) == 1) {
        while (read(vfork_ack_fd, buf, 1) < 0 && errno == EINTR) {
        }
    }
    close(vfork_release_fd);
    close(vfork_ack_fd);
    vfork_release_fd = vfork_ack_fd = -1;
}

/* ---- a new process ---------------------------------------------------------- */

/* The child's side of the clone: the guest sees 0 in RAX. */
static void child_setup(Proc *p, const CloneArgs *ca, uint64_t sp) {
    p->task->tid = (int)syscall(SYS_gettid);
    p->main_task.tid = p->task->tid;
    p->on_syscall = NULL; /* --compare records the process it started, as its ptrace side does */
    thread_fork_child(p);
    signal_fork_child(p);
    if (sp && sys_cur_regs) sys_cur_regs->sp = sp;
    if (ca->flags & CLONE_SETTLS_) {
        if (p->abi == ABI_I386) {
            const uint64_t t[6] = {ca->tls};
            int64_t e = c32_set_thread_area(p, t);
            if (e)
                sys_report("clone", 2, "clone CLONE_SETTLS: set_thread_area failed (%lld)",
                           (long long)e);
        } else {
            p->cpu->seg[SEG_FS].base = ca->tls;
            p->cpu->segbase[SEG_FS] = ca->tls;
            p->task->fs_base_saved = ca->tls;
        }
    }
    if (ca->flags & CLONE_CHILD_CLEARTID_) p->task->clear_child_tid = ca->child_tid;
    if (ca->flags & CLONE_CHILD_SETTID_)
        put_user_u32(p, ca->child_tid, (uint32_t)p->task->tid); /* errors ignored, as Linux */
    if (ca->flags & CLONE_CLEAR_SIGHAND_)
        for (int s = 1; s <= PROC_MAX_SIG; s++)
            if (p->sigact[s].handler > 1) p->sigact[s].handler = 0; /* SIG_IGN stays */
}

/* Host clone3's struct clone_args (CLONE_ARGS_SIZE_VER2). */
struct host_clone_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
    uint64_t set_tid, set_tid_size, cgroup;
};

static int64_t fork_process(Proc *p, const CloneArgs *ca, uint64_t sp, uint64_t set_tid,
                            uint64_t set_tid_size, uint64_t cgroup) {
    uint64_t f = ca->flags;
    if ((f & CLONE_SETTLS_) && p->abi != ABI_I386 && ca->tls >= USER_TOP) return -EPERM;
    if (f & CLONE_PIDFD_) {
        /* Linux stores the pidfd before the child exists: a bad pointer fails the call */
        if (put_user_u32(p, ca->pidfd, 0)) return -EFAULT;
    }
    int32_t tids[32];
    if (set_tid_size) {
        if (set_tid_size > 32) return -EINVAL;
        if (copy_from_user(p, tids, set_tid, set_tid_size * 4)) return -EFAULT;
    }
    int vf = (f & CLONE_VFORK_) != 0, rel[2] = {-1, -1}, ack[2] = {-1, -1};
    if (vf) {
        if (pipe2(rel, O_CLOEXEC) < 0) return -errno;
        if (pipe2(ack, O_CLOEXEC) < 0) {
            int e = errno;
            close(rel[0]), close(rel[1]);
            return -e;
        }
        /* out of the way of the guest's lowest-free descriptor numbers (but
         * below its RLIMIT_NOFILE) */
        struct rlimit nf;
        int at = 900;
        if (getrlimit(RLIMIT_NOFILE, &nf) == 0 && nf.rlim_cur != RLIM_INFINITY && nf.rlim_cur < 912)
            at = nf.rlim_cur > 16 ? (int)nf.rlim_cur - 8 : 3;
        for (int i = 0; i < 2; i++) {
            int h = fcntl(rel[i], F_DUPFD_CLOEXEC, at), g = fcntl(ack[i], F_DUPFD_CLOEXEC, at);
            if (h >= 0) close(rel[i]), rel[i] = h;
            if (g >= 0) close(ack[i]), ack[i] = g;
        }
    }
    fflush(NULL); /* no buffered ringside output (traces) is written twice */
    uint64_t hflags = (f & HOST_FLAGS) | (f & CLONE_PIDFD_);
    int hpidfd = -1;
    long pid;
    if (!hflags && ca->exit_signal == SIGCHLD && !set_tid_size && !cgroup) {
        pid = fork(); /* glibc's own: its cached thread id follows */
    } else {
        struct host_clone_args h = {0};
        h.flags = hflags;
        h.pidfd = (uint64_t)(uintptr_t)&hpidfd;
        h.exit_signal = ca->exit_signal;
        h.set_tid = set_tid_size ? (uint64_t)(uintptr_t)tids : 0;
        h.set_tid_size = set_tid_size;
        h.cgroup = cgroup;
        pid = syscall(SYS_clone3, &h, sizeof h);
    }
    if (pid < 0) {
        int e = errno;
        if (vf) close(rel[0]), close(rel[1]), close(ack[0]), close(ack[1]);
        return -e;
    }
    if (pid == 0) {
        if (vf) {
            close(rel[0]), close(ack[1]);
            vfork_release_fd = rel[1];
            vfork_ack_fd = ack[0];
        }
        child_setup(p, ca, sp);
        return 0;
    }
    if (f & CLONE_PIDFD_) put_user_u32(p, ca->pidfd, (uint32_t)hpidfd);
    if (f & CLONE_PARENT_SETTID_) put_user_u32(p, ca->parent_tid, (uint32_t)pid);
    if (vf) {
        close(rel[1]), close(ack[0]);
        vfork_wait(p, (pid_t)pid, rel[0], ack[1]);
    }
    return pid;
}

/* copy_process's checks on the flags, then a thread or a process. */
static int64_t do_clone(Proc *p, const CloneArgs *ca, uint64_t set_tid, uint64_t set_tid_size,
                        uint64_t cgroup) {
    uint64_t f = ca->flags;
    if ((f & (CLONE_NEWNS_ | CLONE_FS_)) == (CLONE_NEWNS_ | CLONE_FS_)) return -EINVAL;
    if ((f & (CLONE_NEWUSER_ | CLONE_FS_)) == (CLONE_NEWUSER_ | CLONE_FS_)) return -EINVAL;
    if ((f & CLONE_THREAD_) && !(f & CLONE_SIGHAND_)) return -EINVAL;
    if ((f & CLONE_SIGHAND_) && !(f & CLONE_VM_)) return -EINVAL;
    if ((f & CLONE_CLEAR_SIGHAND_) && (f & CLONE_SIGHAND_)) return -EINVAL;
    if ((f & CLONE_VM_) && ((f & (CLONE_THREAD_ | CLONE_SIGHAND_)) || !(f & CLONE_VFORK_)))
        return thread_clone(p, ca);
    uint64_t sp = ca->stack ? ca->stack + ca->stack_size : 0;
    return fork_process(p, ca, sp, set_tid, set_tid_size, cgroup);
}

int64_t sys_fork(Proc *p, const uint64_t a[6]) {
    CloneArgs ca = {.exit_signal = SIGCHLD};
    return do_clone(p, &ca, 0, 0, 0);
}

int64_t sys_vfork(Proc *p, const uint64_t a[6]) {
    CloneArgs ca = {.flags = CLONE_VM_ | CLONE_VFORK_, .exit_signal = SIGCHLD};
    return do_clone(p, &ca, 0, 0, 0);
}

/* Legacy clone: the exit signal is the low byte of the flags; with
 * CLONE_PIDFD the pidfd goes where parent_tid points. */
static int64_t legacy_clone(Proc *p, uint64_t flags, uint64_t stack, uint64_t ptid, uint64_t ctid,
                            uint64_t tls) {
    CloneArgs ca = {0};
    ca.flags = flags & ~CSIGNAL_;
    ca.exit_signal = flags & CSIGNAL_;
    ca.stack = stack;
    ca.parent_tid = ptid;
    ca.child_tid = ctid;
    ca.tls = tls;
    if (flags & CLONE_PIDFD_) {
        if (flags & (CLONE_DETACHED_ | CLONE_PARENT_SETTID_)) return -EINVAL;
        ca.pidfd = ptid;
    }
    ca.flags &= ~CLONE_DETACHED_; /* ignored by legacy clone */
    return do_clone(p, &ca, 0, 0, 0);
}

/* x86-64: clone(flags, stack, parent_tid, child_tid, tls) */
int64_t sys_clone(Proc *p, const uint64_t a[6]) {
    return legacy_clone(p, a[0], a[1], a[2], a[3], a[4]);
}

/* i386 (CLONE_BACKWARDS): clone(flags, stack, parent_tid, tls, child_tid) */
int64_t c32_clone(Proc *p, const uint64_t a[6]) {
    return legacy_clone(p, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[4],
                        (uint32_t)a[3]);
}

#define CLONE_ARGS_SIZE_VER0 64
#define CLONE_ARGS_SIZE_VER2 88

/* clone3(struct clone_args *, size): copy_struct_from_user, then
 * clone3_args_valid. The same layout for both ABIs (all fields u64). */
int64_t sys_clone3(Proc *p, const uint64_t a[6]) {
    uint64_t size = a[1], u[11] = {0};
    if (size > PAGE_SIZE) return -E2BIG;
    if (size < CLONE_ARGS_SIZE_VER0) return -EINVAL;
    size_t known = size < CLONE_ARGS_SIZE_VER2 ? (size_t)size : CLONE_ARGS_SIZE_VER2;
    if (copy_from_user(p, u, a[0], known)) return -EFAULT;
    for (uint64_t off = known; off < size; off += 8) { /* unknown tail: must be zero */
        uint8_t b[8] = {0};
        size_t k = size - off < 8 ? (size_t)(size - off) : 8;
        if (copy_from_user(p, b, a[0] + off, k)) return -EFAULT;
        for (size_t i = 0; i < k; i++)
            if (b[i]) return -E2BIG;
    }
    CloneArgs ca = {u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7]};
    uint64_t set_tid = u[8], set_tid_size = u[9], cgroup = u[10];
    if (set_tid_size > 32 || (!set_tid && set_tid_size) || (set_tid && !set_tid_size))
        return -EINVAL;
    if (ca.flags & (CLONE_DETACHED_ | (CSIGNAL_ & ~0x80ull))) return -EINVAL;
    if ((ca.exit_signal & ~CSIGNAL_) || ca.exit_signal > 64) return -EINVAL;
    if ((ca.flags & CLONE_INTO_CGROUP_) && (cgroup > 0x7fffffff || size < CLONE_ARGS_SIZE_VER2))
        return -EINVAL;
    if ((ca.flags & (CLONE_THREAD_ | CLONE_PARENT_)) && ca.exit_signal) return -EINVAL;
    if (ca.stack ? !ca.stack_size || !user_access_ok(ca.stack, ca.stack_size) : ca.stack_size != 0)
        return -EINVAL;
    return do_clone(p, &ca, set_tid, set_tid_size, cgroup);
}

/* ---- waiting for children ------------------------------------------------- */

#define WAIT_OPTS (WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL)

static int64_t wait4_host(Proc *p, const uint64_t a[6], struct rusage *ru, int *found) {
    int status = 0;
    Task *t = sys_block_begin(p);
    long r = syscall(SYS_wait4, (pid_t)a[0], &status, (int)a[2], ru);
    int e = errno;
    sys_block_end(p, t);
    if (r < 0) return -e;
    *found = r > 0;
    if (r > 0 && a[1] && put_user_u32(p, a[1], (uint32_t)status)) return -EFAULT;
    return r;
}

int64_t sys_wait4(Proc *p, const uint64_t a[6]) {
    struct rusage ru;
    int found = 0;
    int64_t r = wait4_host(p, a, a[3] ? &ru : NULL, &found);
    if (found && a[3] && copy_to_user(p, a[3], &ru, sizeof ru)) return -EFAULT;
    return r;
}

/* struct compat_rusage: two compat timevals and fourteen 32-bit longs. */
static int put_rusage32(Proc *p, uint64_t addr, const struct rusage *ru) {
    uint32_t r[18];
    const long *rest = &ru->ru_maxrss;
    r[0] = (uint32_t)ru->ru_utime.tv_sec;
    r[1] = (uint32_t)ru->ru_utime.tv_usec;
    r[2] = (uint32_t)ru->ru_stime.tv_sec;
    r[3] = (uint32_t)ru->ru_stime.tv_usec;
    for (int i = 0; i < 14; i++)
        r[4 + i] = (uint32_t)rest[i];
    return copy_to_user(p, addr, r, sizeof r);
}

int64_t c32_wait4(Proc *p, const uint64_t a[6]) {
    struct rusage ru;
    int found = 0;
    const uint64_t w[6] = {(uint64_t)(int64_t)(int32_t)a[0], a[1], a[2], a[3]};
    int64_t r = wait4_host(p, w, a[3] ? &ru : NULL, &found);
    if (found && a[3] && put_rusage32(p, a[3], &ru)) return -EFAULT;
    return r;
}

/* waitid: Linux writes si_signo, si_errno, si_code, si_pid, si_uid and
 * si_status (zeros when WNOHANG found nothing) and nothing else of the
 * siginfo; the rusage only when a child was found. */
static int64_t waitid_common(Proc *p, const uint64_t a[6], int compat) {
    siginfo_t si;
    struct rusage ru;
    memset(&si, 0, sizeof si);
    Task *t = sys_block_begin(p);
    long r = syscall(SYS_waitid, (int)a[0], (pid_t)a[1], &si, (int)a[3], a[4] ? &ru : NULL);
    int e = errno;
    sys_block_end(p, t);
    if (r < 0) return -e;
    if (si.si_signo == SIGCHLD && a[4] &&
        (compat ? put_rusage32(p, a[4], &ru) : copy_to_user(p, a[4], &ru, sizeof ru)))
        return -EFAULT;
    if (!a[2]) return 0;
    int32_t head[3] = {si.si_signo, si.si_errno, si.si_code};
    int32_t body[3] = {si.si_pid, (int32_t)si.si_uid, si.si_status};
    /* the union starts at 16 (64-bit: pointer-aligned) or 12 (i386) */
    if (copy_to_user(p, a[2], head, sizeof head) ||
        copy_to_user(p, a[2] + (compat ? 12 : 16), body, sizeof body))
        return -EFAULT;
    return 0;
}

int64_t sys_waitid(Proc *p, const uint64_t a[6]) { return waitid_common(p, a, 0); }

int64_t c32_waitid(Proc *p, const uint64_t a[6]) {
    const uint64_t w[6] = {a[0], (uint64_t)(int64_t)(int32_t)a[1], a[2], a[3], a[4]};
    return waitid_common(p, w, 1);
}
