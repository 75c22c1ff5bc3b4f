/* The i386 system-call layer of the modelled 64-bit kernel (Linux's IA32
 * emulation): the dispatcher for table_i386.def, and the compat handlers
 * for ids (the 16-bit uid calls), signal dispositions and masks, resource
 * limits and usage, system information, robust lists, affinity masks,
 * arch_prctl, and the ipc multiplexer (socketcall is compat32_net.c).
 *
 * Files and I/O are in compat32_fs.c, time and waiting in compat32_time.c,
 * the 32-bit address space in compat32_mm.c, TLS and the LDT in tls32.c. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "compat32.h"
#include "vdso/vdso.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kernel32/kernel32.h"

/* ---- the table and the dispatcher ------------------------------------------ */

static const SysDef table_i386[] = {
#define SYSCALL(nr, name, fn, argfmt, retfmt) [nr] = {#name, fn, argfmt, retfmt},
#include "table_i386.def"
#undef SYSCALL
};
#define TABLE_LEN (sizeof table_i386 / sizeof table_i386[0])

const SysDef *sys_lookup_i386(uint64_t nr) {
    if (nr >= TABLE_LEN || !table_i386[nr].name) return NULL;
    return &table_i386[nr];
}

uint64_t c32_task_size(Proc *p) { return p->kernel32 ? TASK_SIZE32 : 0xffffe000ull; }

/* Linux's do_int80_syscall_32 / do_fast_syscall_32: the number is EAX, the
 * arguments EBX, ECX, EDX, ESI, EDI, EBP, each 32 bits wide; the result
 * (a 64-bit long in the kernel) goes to RAX. */
void sys_dispatch_i386(Proc *p, PtRegs *regs) {
    static uint8_t reported[(TABLE_LEN + 7) / 8];
    uint64_t nr = (uint32_t)regs->orig_ax;
    const uint64_t a[6] = {(uint32_t)regs->bx, (uint32_t)regs->cx, (uint32_t)regs->dx,
                           (uint32_t)regs->si, (uint32_t)regs->di, (uint32_t)regs->bp};
    const SysDef *d = sys_lookup_i386(nr);
    PtRegs *outer = sys_cur_regs;
    sys_cur_regs = regs;

    if (time_armed) time_poll(p); /* an interval timer's signal may be due */
    if (p->vvar_base) vvar_refresh(p->mem, p->vvar_base, 0); /* the vDSO's clock page */
    sys_track_cpu(p);
    if (p->exited) {
        sys_cur_regs = outer;
        return;
    }
    if (p->strace) strace_enter(p, nr, d, a);
    int64_t ret;
    if (d && d->fn) {
        ret = d->fn(p, a);
    } else {
        ret = -ENOSYS;
        /* Numbers Linux does not have get -ENOSYS from Linux too: not a gap. */
        if (d && !(reported[nr / 8] & (1u << (nr % 8)))) {
            reported[nr / 8] |= (uint8_t)(1u << (nr % 8));
            fprintf(stderr, "ringside: unimplemented i386 syscall %llu (%s)\n",
                    (unsigned long long)nr, d->name);
        }
    }
    regs->ax = (uint64_t)ret;
    if (p->on_syscall) p->on_syscall(p, nr, a, ret);
    if (p->strace) strace_exit(p, nr, d, a, ret);
    sys_cur_regs = outer;
}

/* Numbers the i386 table names without an entry point (break, stty, the
 * removed module calls...): -ENOSYS natively as well. */
int64_t c32_ni(Proc *p, const uint64_t a[6]) { return -ENOSYS; }

int64_t c32_waitpid(Proc *p, const uint64_t a[6]) {
    const uint64_t w[6] = {a[0], a[1], a[2], 0, 0, 0}; /* wait4 without rusage */
    return sys_wait4(p, w);
}

/* ---- 16-bit uids (linux/highuid.h) ----------------------------------------- */

static uint32_t overflow_id(const char *which) {
    char path[64], buf[16];
    snprintf(path, sizeof path, "/proc/sys/kernel/overflow%s", which);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    uint32_t v = 65534; /* DEFAULT_OVERFLOWUID */
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof buf - 1);
        if (n > 0) {
            buf[n] = 0;
            v = (uint32_t)strtoul(buf, NULL, 10);
        }
        close(fd);
    }
    return v;
}

/* high2lowuid: ids that do not fit 16 bits read as the overflow id. */
uint16_t c32_low_uid(uint32_t id) {
    static uint32_t ov = ~0u;
    if (ov == ~0u) ov = overflow_id("uid");
    return (id & ~0xffffu) ? (uint16_t)ov : (uint16_t)id;
}
uint16_t c32_low_gid(uint32_t id) {
    static uint32_t ov = ~0u;
    if (ov == ~0u) ov = overflow_id("gid");
    return (id & ~0xffffu) ? (uint16_t)ov : (uint16_t)id;
}
/* low2highuid: the argument is an old_uid_t (16 bits); (u16)-1 means -1. */
static uint64_t high_id(uint64_t v) { return (uint16_t)v == 0xffff ? 0xffffffffu : (uint16_t)v; }

int64_t c32_getuid16(Proc *p, const uint64_t a[6]) { return c32_low_uid((uint32_t)getuid()); }
int64_t c32_geteuid16(Proc *p, const uint64_t a[6]) { return c32_low_uid((uint32_t)geteuid()); }
int64_t c32_getgid16(Proc *p, const uint64_t a[6]) { return c32_low_gid((uint32_t)getgid()); }
int64_t c32_getegid16(Proc *p, const uint64_t a[6]) { return c32_low_gid((uint32_t)getegid()); }

#define ID16_CALL(name, target, n)                                                                 \
    int64_t name(Proc *p, const uint64_t a[6]) {                                                   \
        uint64_t w[6] = {a[0], a[1], a[2], a[3], a[4], a[5]};                                      \
        for (int i = 0; i < (n); i++)                                                              \
            w[i] = high_id(a[i]);                                                                  \
        return target(p, w);                                                                       \
    }
ID16_CALL(c32_setuid16, sys_setuid, 1)
ID16_CALL(c32_setgid16, sys_setgid, 1)
ID16_CALL(c32_setreuid16, sys_setreuid, 2)
ID16_CALL(c32_setregid16, sys_setregid, 2)
ID16_CALL(c32_setresuid16, sys_setresuid, 3)
ID16_CALL(c32_setresgid16, sys_setresgid, 3)
#undef ID16_CALL

/* chown16(path, uid, gid): the path stays, the two ids widen. */
#define CHOWN16_CALL(name, target)                                                                 \
    int64_t name(Proc *p, const uint64_t a[6]) {                                                   \
        const uint64_t w[6] = {a[0], high_id(a[1]), high_id(a[2]), 0, 0, 0};                       \
        return target(p, w);                                                                       \
    }
CHOWN16_CALL(c32_chown16, sys_chown)
CHOWN16_CALL(c32_lchown16, sys_lchown)
CHOWN16_CALL(c32_fchown16, sys_fchown)
#undef CHOWN16_CALL

int64_t c32_setfsuid16(Proc *p, const uint64_t a[6]) {
    return c32_low_uid((uint32_t)syscall(SYS_setfsuid, (uint32_t)high_id(a[0])));
}
int64_t c32_setfsgid16(Proc *p, const uint64_t a[6]) {
    return c32_low_gid((uint32_t)syscall(SYS_setfsgid, (uint32_t)high_id(a[0])));
}

static int64_t getres16(Proc *p, const uint64_t a[6], long nr, int gid) {
    uint32_t v[3];
    if (syscall(nr, &v[0], &v[1], &v[2]) < 0) return -errno;
    for (int i = 0; i < 3; i++) {
        uint16_t s = gid ? c32_low_gid(v[i]) : c32_low_uid(v[i]);
        if (copy_to_user(p, a[i], &s, 2)) return -EFAULT;
    }
    return 0;
}
int64_t c32_getresuid16(Proc *p, const uint64_t a[6]) { return getres16(p, a, SYS_getresuid, 0); }
int64_t c32_getresgid16(Proc *p, const uint64_t a[6]) { return getres16(p, a, SYS_getresgid, 1); }

int64_t c32_getgroups16(Proc *p, const uint64_t a[6]) {
    static uint32_t groups[65536];
    static uint16_t g16[65536];
    int size = (int)a[0];
    if (size < 0) return -EINVAL;
    long n = syscall(SYS_getgroups, 0, NULL);
    if (n < 0) return -errno;
    if (!size) return n;
    if (n > size) return -EINVAL;
    n = syscall(SYS_getgroups, n, groups);
    if (n < 0) return -errno;
    for (long i = 0; i < n; i++)
        g16[i] = c32_low_gid(groups[i]);
    return copy_to_user(p, a[1], g16, (size_t)n * 2) ? -EFAULT : n;
}

/* nice(inc): the nice value moves by inc (clamped to [-40, 40]) within
 * [-20, 19]; lowering it without the right is EPERM. */
int64_t c32_nice(Proc *p, const uint64_t a[6]) {
    int inc = (int)a[0];
    if (inc < -40) inc = -40;
    if (inc > 40) inc = 40;
    errno = 0;
    long prio = syscall(SYS_getpriority, PRIO_PROCESS, 0); /* 20 - nice */
    if (prio < 0) return -errno;
    int nice = 20 - (int)prio + inc;
    if (nice < -20) nice = -20;
    if (nice > 19) nice = 19;
    if (syscall(SYS_setpriority, PRIO_PROCESS, 0, nice) < 0)
        return errno == EACCES ? -EPERM : -errno;
    return 0;
}

/* ---- signals: dispositions and masks in the compat layouts ------------------ */

#define SIG_BIT(s)   (1ull << ((s)-1))
#define KERNEL_ONLY  (SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))
#define SA_RESTORER_ 0x04000000u
/* The sa_flags bits Linux keeps (signal.c's SA_KNOWN): unknown ones read
 * back as clear, so programs can probe for them. */
#define SA_KNOWN_                                                                                  \
    (0x1u | 0x2u | 0x4u | 0x800u | SA_RESTORER_ | 0x08000000u | 0x10000000u | 0x40000000u |        \
     0x80000000u)

typedef struct Act32 {
    uint32_t handler, flags, restorer;
    uint64_t mask;
} Act32;

/* do_sigaction on Proc's record. The pending standard signal a new SIG_IGN
 * would discard is dropped when it would be delivered instead (signal.c
 * acts on ignored signals by discarding them): the same outcome. */
static int64_t set_action(Proc *p, int sig, const Act32 *act, Act32 *old) {
    if (sig < 1 || sig > PROC_MAX_SIG || (act && (SIG_BIT(sig) & KERNEL_ONLY))) return -EINVAL;
    if (old) {
        old->handler = (uint32_t)p->sigact[sig].handler;
        old->flags = (uint32_t)p->sigact[sig].flags & ~0x02000000u; /* SA_IA32_ABI hidden */
        old->restorer = (uint32_t)p->sigact[sig].restorer;
        old->mask = p->sigact[sig].mask;
    }
    if (act) {
        p->sigact[sig].handler = act->handler;
        /* SA_IA32_ABI (0x02000000): its frames are ia32 ones */
        p->sigact[sig].flags = (act->flags & SA_KNOWN_) | 0x02000000u;
        p->sigact[sig].restorer = act->restorer;
        p->sigact[sig].mask = act->mask & ~KERNEL_ONLY;
        sig_action_changed(p, sig); /* the host disposition follows (signal.c) */
    }
    return 0;
}

/* struct compat_sigaction: handler, flags, restorer, 64-bit mask (20 bytes). */
int64_t c32_rt_sigaction(Proc *p, const uint64_t a[6]) {
    uint32_t u[5];
    Act32 act, old;
    if (a[3] != 8) return -EINVAL;
    if (a[1]) {
        if (copy_from_user(p, u, a[1], sizeof u)) return -EFAULT;
        act = (Act32){u[0], u[1], u[2], u[3] | (uint64_t)u[4] << 32};
    }
    int64_t r = set_action(p, (int)a[0], a[1] ? &act : NULL, &old);
    if (r || !a[2]) return r;
    const uint32_t o[5] = {old.handler, old.flags, old.restorer, (uint32_t)old.mask,
                           (uint32_t)(old.mask >> 32)};
    return copy_to_user(p, a[2], o, sizeof o) ? -EFAULT : 0;
}

/* struct compat_old_sigaction: handler, 32-bit mask, flags, restorer. */
int64_t c32_sigaction(Proc *p, const uint64_t a[6]) {
    uint32_t u[4];
    Act32 act, old;
    if (a[1]) {
        if (copy_from_user(p, u, a[1], sizeof u)) return -EFAULT;
        act = (Act32){u[0], u[2], u[3], u[1]};
    }
    int64_t r = set_action(p, (int)a[0], a[1] ? &act : NULL, &old);
    if (r || !a[2]) return r;
    const uint32_t o[4] = {old.handler, (uint32_t)old.mask, old.flags, old.restorer};
    return copy_to_user(p, a[2], o, sizeof o) ? -EFAULT : 0;
}

/* signal(sig, handler): SA_RESETHAND|SA_NODEFER, empty mask; the old
 * handler is the result. */
int64_t c32_signal(Proc *p, const uint64_t a[6]) {
    Act32 act = {(uint32_t)a[1], 0x80000000u | 0x40000000u, 0, 0}, old;
    int64_t r = set_action(p, (int)a[0], &act, &old);
    return r ? r : old.handler;
}

/* signal.c acts on pending signals the mask no longer blocks when
 * rt_sigprocmask runs; with no new set and no old one to store, that is
 * all the call does. */
static void flush_pending(Proc *p) {
    const uint64_t w[6] = {0, 0, 0, 8, 0, 0};
    sys_rt_sigprocmask(p, w);
}

static void set_mask(Proc *p, uint64_t m) {
    p->task->sigmask = m & ~KERNEL_ONLY;
    flush_pending(p);
}

int64_t c32_sgetmask(Proc *p, const uint64_t a[6]) { return (int64_t)(uint32_t)p->task->sigmask; }

/* ssetmask(int): siginitset widens the int like a long (sign-extended). */
int64_t c32_ssetmask(Proc *p, const uint64_t a[6]) {
    int64_t old = (int32_t)(uint32_t)p->task->sigmask;
    set_mask(p, (uint64_t)(int64_t)(int32_t)a[0]);
    return old;
}

/* sigprocmask with the 32-bit old_sigset_t: only signals 1-32 change. */
int64_t c32_sigprocmask(Proc *p, const uint64_t a[6]) {
    uint32_t set, old = (uint32_t)p->task->sigmask;
    if (a[1]) {
        if (copy_from_user(p, &set, a[1], 4)) return -EFAULT;
        uint64_t m = p->task->sigmask;
        switch ((int)a[0]) {
        case SIG_BLOCK: m |= set; break;
        case SIG_UNBLOCK: m &= ~(uint64_t)set; break;
        case SIG_SETMASK: m = (m & ~0xffffffffull) | set; break;
        default: return -EINVAL;
        }
        set_mask(p, m);
    }
    if (a[2] && copy_to_user(p, a[2], &old, 4)) return -EFAULT;
    return 0;
}

/* sigpending(old_sigset_t *): the low word of rt_sigpending's set. */
int64_t c32_sigpending(Proc *p, const uint64_t a[6]) {
    const uint64_t w[6] = {a[0], 4, 0, 0, 0, 0};
    return sys_rt_sigpending(p, w);
}

/* sigsuspend(history0, history1, mask) (OLD_SIGSUSPEND3): the mask is a
 * value (siginitset: the high word clear); signal.c's sigsuspend. */
int64_t c32_sigsuspend(Proc *p, const uint64_t a[6]) { return sig_suspend(p, (uint32_t)a[2]); }

/* sigaltstack with compat_stack_t {u32 ss_sp; s32 ss_flags; u32 ss_size},
 * on the alternate-stack record signal.c keeps in Proc. */
#define SS_ONSTACK_    1
#define SS_DISABLE_    2
#define SS_AUTODISARM_ (1u << 31)

static int on_altstack(Proc *p, uint64_t sp) {
    if ((uint32_t)p->task->altstack_flags & SS_AUTODISARM_) return 0;
    return sp > p->task->altstack_sp && sp - p->task->altstack_sp <= p->task->altstack_size;
}

int64_t c32_sigaltstack(Proc *p, const uint64_t a[6]) {
    uint32_t ss[3];
    uint64_t sp = sys_cur_regs ? (uint32_t)sys_cur_regs->sp : 0;
    if (a[0] && copy_from_user(p, ss, a[0], sizeof ss)) return -EFAULT;
    uint32_t old[3] = {(uint32_t)p->task->altstack_sp,
                       (p->task->altstack_size ? (on_altstack(p, sp) ? SS_ONSTACK_ : 0) : SS_DISABLE_) |
                           ((uint32_t)p->task->altstack_flags & SS_AUTODISARM_),
                       (uint32_t)p->task->altstack_size};
    if (a[0]) {
        uint32_t mode = ss[1] & ~SS_AUTODISARM_;
        if (on_altstack(p, sp)) return -EPERM;
        if (mode != SS_DISABLE_ && mode != SS_ONSTACK_ && mode != 0) return -EINVAL;
        if (p->task->altstack_sp == ss[0] && p->task->altstack_size == ss[2] &&
            (uint32_t)p->task->altstack_flags == ss[1]) {
            /* no change: Linux returns before the size check */
        } else if (mode == SS_DISABLE_) {
            p->task->altstack_sp = p->task->altstack_size = 0;
            p->task->altstack_flags = (int)ss[1];
        } else if (ss[2] < 2048) { /* COMPAT_MINSIGSTKSZ */
            return -ENOMEM;
        } else {
            p->task->altstack_sp = ss[0];
            p->task->altstack_size = ss[2];
            p->task->altstack_flags = (int)ss[1];
        }
    }
    if (a[1] && copy_to_user(p, a[1], old, sizeof old)) return -EFAULT;
    return 0;
}

/* ---- resource limits and usage ---------------------------------------------- */

#define RLIM32_INF 0xffffffffu /* COMPAT_RLIM_INFINITY */

static int64_t put_rlim32(Proc *p, uint64_t addr, const uint64_t v[2], uint32_t cap) {
    uint32_t r[2] = {v[0] > cap ? cap : (uint32_t)v[0], v[1] > cap ? cap : (uint32_t)v[1]};
    return copy_to_user(p, addr, r, sizeof r) ? -EFAULT : 0;
}

int64_t c32_getrlimit(Proc *p, const uint64_t a[6]) {
    uint64_t v[2];
    int64_t r = rlimit_op(p, 0, (unsigned)a[0], NULL, v);
    if (r < 0) return r;
    return put_rlim32(p, a[1], v, RLIM32_INF);
}

/* The original getrlimit: infinity reads as 0x7fffffff. */
int64_t c32_old_getrlimit(Proc *p, const uint64_t a[6]) {
    uint64_t v[2];
    int64_t r = rlimit_op(p, 0, (unsigned)a[0], NULL, v);
    if (r < 0) return r;
    return put_rlim32(p, a[1], v, 0x7fffffffu);
}

int64_t c32_setrlimit(Proc *p, const uint64_t a[6]) {
    uint32_t r[2];
    if (copy_from_user(p, r, a[1], sizeof r)) return -EFAULT;
    uint64_t v[2];
    for (int i = 0; i < 2; i++)
        v[i] = r[i] == RLIM32_INF ? ~0ull : r[i];
    return rlimit_op(p, 0, (unsigned)a[0], v, NULL);
}

/* struct compat_rusage: two timeval32 and fourteen 32-bit longs. */
int64_t c32_getrusage(Proc *p, const uint64_t a[6]) {
    struct rusage ru;
    if (syscall(SYS_getrusage, (int)a[0], &ru) < 0) return -errno;
    uint32_t r[18];
    const long *rest = &ru.ru_maxrss;
    r[0] = (uint32_t)ru.ru_utime.tv_sec;
    r[1] = (uint32_t)ru.ru_utime.tv_usec;
    r[2] = (uint32_t)ru.ru_stime.tv_sec;
    r[3] = (uint32_t)ru.ru_stime.tv_usec;
    for (int i = 0; i < 14; i++)
        r[4 + i] = (uint32_t)rest[i];
    return copy_to_user(p, a[1], r, sizeof r) ? -EFAULT : 0;
}

/* ---- system information ------------------------------------------------------ */

/* struct compat_sysinfo (64 bytes). Memory sizes that do not fit 32 bits
 * are given in pages instead (compat_sys_sysinfo's scaling); a 32-bit
 * kernel (do_sysinfo with 32-bit longs) stays in pages unless the total of
 * RAM and swap in bytes fits. */
int64_t c32_sysinfo(Proc *p, const uint64_t a[6]) {
    struct sysinfo s;
    if (sysinfo(&s) < 0) return -errno;
    unsigned long *mem[] = {&s.totalram,  &s.freeram,  &s.sharedram, &s.bufferram,
                            &s.totalswap, &s.freeswap, &s.totalhigh, &s.freehigh};
    int scale;
    if (p->kernel32) {
        unsigned long total = s.totalram + s.totalswap;
        scale = (total * s.mem_unit) >> 32 != 0 || total < s.totalram;
    } else {
        scale = (s.totalram >> 32) || (s.totalswap >> 32);
    }
    if (scale) {
        int bits = 0;
        while (s.mem_unit < PAGE_SIZE)
            s.mem_unit <<= 1, bits++;
        for (size_t i = 0; i < sizeof mem / sizeof mem[0]; i++)
            *mem[i] >>= bits;
    }
    struct {
        int32_t uptime;
        uint32_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
        uint16_t procs, pad;
        uint32_t totalhigh, freehigh, mem_unit;
        char f[8];
    } s32;
    memset(&s32, 0, sizeof s32);
    s32.uptime = (int32_t)s.uptime;
    for (int i = 0; i < 3; i++)
        s32.loads[i] = (uint32_t)s.loads[i];
    s32.totalram = (uint32_t)s.totalram;
    s32.freeram = (uint32_t)s.freeram;
    s32.sharedram = (uint32_t)s.sharedram;
    s32.bufferram = (uint32_t)s.bufferram;
    s32.totalswap = (uint32_t)s.totalswap;
    s32.freeswap = (uint32_t)s.freeswap;
    s32.procs = s.procs;
    s32.totalhigh = (uint32_t)s.totalhigh;
    s32.freehigh = (uint32_t)s.freehigh;
    s32.mem_unit = s.mem_unit;
    return copy_to_user(p, a[0], &s32, sizeof s32) ? -EFAULT : 0;
}

/* The machine name: "x86_64" under a 64-bit kernel (a 32-bit process sees
 * the kernel's) unless the personality is PER_LINUX32; "i686" under the
 * 32-bit kernel. */
static void uts(Proc *p, struct utsname *u) {
    uname(u);
    const uint64_t q[6] = {0xffffffff, 0, 0, 0, 0, 0};
    int linux32 = (sys_personality(p, q) & 0xff) == 0x0008; /* PER_LINUX32 */
    snprintf(u->machine, sizeof u->machine, "%s", p->kernel32 || linux32 ? "i686" : "x86_64");
}

int64_t c32_uname(Proc *p, const uint64_t a[6]) {
    struct utsname u; /* struct new_utsname: six 65-byte fields */
    uts(p, &u);
    return copy_to_user(p, a[0], &u, sizeof u) ? -EFAULT : 0;
}

/* struct old_utsname: the first five 65-byte fields. */
int64_t c32_olduname(Proc *p, const uint64_t a[6]) {
    struct utsname u;
    uts(p, &u);
    return copy_to_user(p, a[0], &u, 5 * 65) ? -EFAULT : 0;
}

/* struct oldold_utsname: five 9-byte fields, each cut to 8 characters. */
int64_t c32_oldolduname(Proc *p, const uint64_t a[6]) {
    struct utsname u;
    char o[5][9];
    if (!a[0]) return -EFAULT;
    uts(p, &u);
    const char *f[5] = {u.sysname, u.nodename, u.release, u.version, u.machine};
    memset(o, 0, sizeof o);
    for (int i = 0; i < 5; i++)
        memcpy(o[i], f[i], strnlen(f[i], 8));
    return copy_to_user(p, a[0], o, sizeof o) ? -EFAULT : 0;
}

/* ---- robust list, affinity, arch_prctl ---------------------------------------- */

#define ROBUST_HEAD32 12 /* struct compat_robust_list_head */

int64_t c32_set_robust_list(Proc *p, const uint64_t a[6]) {
    if (a[1] != ROBUST_HEAD32) return -EINVAL;
    p->task->robust_list = a[0];
    p->task->robust_len = a[1];
    return 0;
}

int64_t c32_get_robust_list(Proc *p, const uint64_t a[6]) {
    int pid = (int)a[0];
    Task *t = pid ? thread_find(p, pid) : p->task; /* any thread of ours */
    if (!t) return kill(pid, 0) == 0 || errno == EPERM ? -EPERM : -ESRCH;
    if (put_user_u32(p, a[2], ROBUST_HEAD32)) return -EFAULT;
    return put_user_u32(p, a[1], (uint32_t)t->robust_list) ? -EFAULT : 0;
}

/* Masks are arrays of 32-bit words: the same bytes as the host's 64-bit
 * words, but lengths only need to be multiples of 4. */
#define CPUMASK_MAX 8192

/* The kernel's cpumask_size(): what getaffinity returns for a big buffer. */
static uint32_t cpumask_bytes(void) {
    static uint32_t n;
    if (!n) {
        long r = syscall(SYS_sched_getaffinity, 0, (size_t)CPUMASK_MAX, sys_bounce);
        n = r > 0 ? (uint32_t)r : 8;
    }
    return n;
}

int64_t c32_sched_getaffinity(Proc *p, const uint64_t a[6]) {
    uint32_t len = (uint32_t)a[1];
    if (len & 3) return -EINVAL;
    if (len > CPUMASK_MAX) len = CPUMASK_MAX;
    long r = syscall(SYS_sched_getaffinity, (int)a[0], (size_t)((len + 7) & ~7u), sys_bounce);
    if (r < 0) return -errno;
    if ((uint32_t)r > len) r = len;
    return copy_to_user(p, a[2], sys_bounce, (size_t)r) ? -EFAULT : r;
}

int64_t c32_sched_setaffinity(Proc *p, const uint64_t a[6]) {
    uint32_t len = (uint32_t)a[1], cap = cpumask_bytes();
    if (len > cap) len = cap;
    len = (len + 3) & ~3u; /* compat_get_bitmap reads whole words */
    memset(sys_bounce, 0, (size_t)cap + 8);
    if (copy_from_user(p, sys_bounce, a[2], len)) return -EFAULT;
    return host_ret(syscall(SYS_sched_setaffinity, (int)a[0], (size_t)len, sys_bounce));
}

/* compat arch_prctl: only the codes common to both ABIs (CPUID faulting,
 * XSTATE permissions); the FS/GS base codes are 64-bit only. */
int64_t c32_arch_prctl(Proc *p, const uint64_t a[6]) {
    switch ((int)a[0]) {
    case 0x1011: /* ARCH_GET_CPUID */
    case 0x1012: /* ARCH_SET_CPUID */ return sys_arch_prctl(p, a);
    case 0x1021: /* ARCH_GET_XCOMP_SUPP */
    case 0x1022: /* ARCH_GET_XCOMP_PERM */
    case 0x1023: /* ARCH_REQ_XCOMP_PERM */
    case 0x1024: /* ARCH_GET_XCOMP_GUEST_PERM */
    case 0x1025: /* ARCH_REQ_XCOMP_GUEST_PERM */
        sys_report("arch_prctl32", a[0],
                   "i386 arch_prctl %#x (XSTATE permissions) "
                   "unimplemented (EINVAL)",
                   (unsigned)a[0]);
        return -EINVAL;
    default: return -EINVAL;
    }
}

/* ipc(call, first, second, third, ptr, fifth): SysV IPC, which ringside
 * does not have for either ABI. The version lives in the top 16 bits. */
int64_t c32_ipc(Proc *p, const uint64_t a[6]) {
    static const char *const names[] = {
        [1] = "semop",   [2] = "semget",  [3] = "semctl",  [4] = "semtimedop",
        [11] = "msgsnd", [12] = "msgrcv", [13] = "msgget", [14] = "msgctl",
        [21] = "shmat",  [22] = "shmdt",  [23] = "shmget", [24] = "shmctl"};
    uint32_t call = (uint32_t)a[0] & 0xffff;
    if (call >= sizeof names / sizeof names[0] || !names[call]) return -ENOSYS;
    sys_report("ipc", call, "unimplemented ipc call %u (%s) (ENOSYS)", call, names[call]);
    return -ENOSYS;
}
