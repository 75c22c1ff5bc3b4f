/* Private to the i386 system-call layer (compat32*.c, tls32.c): the
 * handlers table_i386.def names that are not x86-64 handlers, and the
 * helpers they share.
 *
 * An i386 call arrives with its six arguments zero-extended from EBX, ECX,
 * EDX, ESI, EDI, EBP into a[6] (as Linux's ia32 entry does for unsigned and
 * pointer arguments). Where the x86-64 handler reads the same layout it is
 * called directly with that array; these handlers convert what differs:
 * 32-bit longs and pointers inside structures, time32 values, 64-bit
 * values split across two registers, and the 32-bit address space. */
#ifndef RINGSIDE_COMPAT32_H
#define RINGSIDE_COMPAT32_H

#include "sys_internal.h"

/* The entry points dispatch.c calls (it declares them itself as well). */
const SysDef *sys_lookup_i386(uint64_t nr);
void sys_dispatch_i386(Proc *p, PtRegs *regs);

/* The user address space of a 32-bit process: below 0xffffe000 under a
 * 64-bit kernel (IA32_PAGE_OFFSET), below 3 GiB under --kernel=i386. */
uint64_t c32_task_size(Proc *p);

/* 64-bit value from two 32-bit argument registers. */
static inline uint64_t c32_lohi(uint64_t lo, uint64_t hi) {
    return (uint32_t)lo | (uint64_t)(uint32_t)hi << 32;
}
/* A signed 32-bit argument (compat long, off_t) as the 64-bit value. */
static inline int64_t c32_sext(uint64_t v) { return (int32_t)(uint32_t)v; }

/* high2lowuid/high2lowgid: ids that do not fit 16 bits read as the
 * overflow id (/proc/sys/kernel/overflow{u,g}id). */
uint16_t c32_low_uid(uint32_t id);
uint16_t c32_low_gid(uint32_t id);

/* Timestamps in user memory: 32-bit (old_timespec32/timeval32) or the
 * 64-bit ones of the *_time64 calls, whose tv_nsec upper half Linux
 * ignores for a 32-bit caller. */
typedef enum { TS32 = 0, TS64 = 1 } TsKind;
int c32_get_ts(Proc *p, uint64_t addr, TsKind k, int64_t *sec, int64_t *nsec);
int c32_put_ts(Proc *p, uint64_t addr, TsKind k, int64_t sec, int64_t nsec);

#define C32_DECL(name) int64_t name(Proc *p, const uint64_t a[6]);

/* compat32.c: ids, signals, limits, system information, multiplexers */
C32_DECL(c32_timer_create)
C32_DECL(c32_timer_settime)
C32_DECL(c32_timer_settime64)
C32_DECL(c32_timer_gettime)
C32_DECL(c32_timer_gettime64)
C32_DECL(c32_ni)
C32_DECL(c32_waitpid)
/* process.c, exec.c */
C32_DECL(c32_clone)
C32_DECL(c32_wait4)
C32_DECL(c32_waitid)
C32_DECL(c32_execve)
C32_DECL(c32_execveat)
C32_DECL(c32_lchown16)
C32_DECL(c32_chown16)
C32_DECL(c32_fchown16)
C32_DECL(c32_setuid16)
C32_DECL(c32_getuid16)
C32_DECL(c32_setgid16)
C32_DECL(c32_getgid16)
C32_DECL(c32_geteuid16)
C32_DECL(c32_getegid16)
C32_DECL(c32_setreuid16)
C32_DECL(c32_setregid16)
C32_DECL(c32_setresuid16)
C32_DECL(c32_getresuid16)
C32_DECL(c32_setresgid16)
C32_DECL(c32_getresgid16)
C32_DECL(c32_setfsuid16)
C32_DECL(c32_setfsgid16)
C32_DECL(c32_getgroups16)
C32_DECL(c32_nice)
C32_DECL(c32_signal)
C32_DECL(c32_sigaction)
C32_DECL(c32_rt_sigaction)
C32_DECL(c32_sgetmask)
C32_DECL(c32_ssetmask)
C32_DECL(c32_sigprocmask)
C32_DECL(c32_sigpending)
C32_DECL(c32_sigsuspend)
C32_DECL(c32_sigaltstack)
C32_DECL(c32_sigreturn)
C32_DECL(c32_rt_sigreturn)
C32_DECL(c32_rt_sigtimedwait)
C32_DECL(c32_rt_sigtimedwait_time64)
C32_DECL(c32_rt_sigqueueinfo)
C32_DECL(c32_rt_tgsigqueueinfo)
C32_DECL(c32_pidfd_send_signal)
C32_DECL(c32_setrlimit)
C32_DECL(c32_getrlimit)
C32_DECL(c32_old_getrlimit)
C32_DECL(c32_getrusage)
C32_DECL(c32_sysinfo)
C32_DECL(c32_uname)
C32_DECL(c32_olduname)
C32_DECL(c32_oldolduname)
C32_DECL(c32_set_robust_list)
C32_DECL(c32_get_robust_list)
C32_DECL(c32_sched_getaffinity)
C32_DECL(c32_sched_setaffinity)
C32_DECL(c32_arch_prctl)
C32_DECL(c32_ipc)

/* compat32_fs.c: files, descriptors, directories, positional I/O */
C32_DECL(c32_write)
C32_DECL(c32_open)
C32_DECL(c32_openat)
C32_DECL(c32_openat2)
C32_DECL(c32_creat)
C32_DECL(c32_close)
C32_DECL(c32_dup)
C32_DECL(c32_dup2)
C32_DECL(c32_dup3)
C32_DECL(c32_fcntl64)
C32_DECL(c32_lseek)
C32_DECL(c32_llseek)
C32_DECL(c32_truncate)
C32_DECL(c32_ftruncate)
C32_DECL(c32_truncate64)
C32_DECL(c32_ftruncate64)
C32_DECL(c32_oldstat)
C32_DECL(c32_oldlstat)
C32_DECL(c32_oldfstat)
C32_DECL(c32_newstat)
C32_DECL(c32_newlstat)
C32_DECL(c32_newfstat)
C32_DECL(c32_stat64)
C32_DECL(c32_lstat64)
C32_DECL(c32_fstat64)
C32_DECL(c32_fstatat64)
C32_DECL(c32_statfs)
C32_DECL(c32_fstatfs)
C32_DECL(c32_statfs64)
C32_DECL(c32_fstatfs64)
C32_DECL(c32_getdents)
C32_DECL(c32_getdents64)
C32_DECL(c32_old_readdir)
C32_DECL(c32_readv)
C32_DECL(c32_writev)
C32_DECL(c32_pread64)
C32_DECL(c32_pwrite64)
C32_DECL(c32_preadv)
C32_DECL(c32_pwritev)
C32_DECL(c32_preadv2)
C32_DECL(c32_pwritev2)
C32_DECL(c32_sendfile)
C32_DECL(c32_readahead)
C32_DECL(c32_fadvise64)
C32_DECL(c32_fadvise64_64)
C32_DECL(c32_sync_file_range)
C32_DECL(c32_fallocate)
C32_DECL(c32_utime)
C32_DECL(c32_utimes)
C32_DECL(c32_futimesat)
C32_DECL(c32_utimensat)
C32_DECL(c32_utimensat_time64)

/* compat32_time.c: clocks, sleeps, timers, select/poll, futex */
C32_DECL(c32_time)
C32_DECL(c32_gettimeofday)
C32_DECL(c32_clock_gettime)
C32_DECL(c32_clock_getres)
C32_DECL(c32_nanosleep)
C32_DECL(c32_clock_nanosleep)
C32_DECL(c32_clock_nanosleep_time64)
C32_DECL(c32_times)
C32_DECL(c32_getitimer)
C32_DECL(c32_setitimer)
C32_DECL(c32_select)
C32_DECL(c32_old_select)
C32_DECL(c32_pselect6)
C32_DECL(c32_pselect6_time64)
C32_DECL(c32_ppoll)
C32_DECL(c32_ppoll_time64)
C32_DECL(c32_futex)
C32_DECL(c32_futex_time64)
C32_DECL(c32_sched_rr_get_interval)
C32_DECL(c32_sched_rr_get_interval_time64)
C32_DECL(c32_timerfd_settime)
C32_DECL(c32_timerfd_gettime)
C32_DECL(c32_timerfd_settime64)

/* compat32_mm.c: the 32-bit address space */
C32_DECL(c32_brk)
C32_DECL(c32_mmap2)
C32_DECL(c32_old_mmap)
C32_DECL(c32_munmap)
C32_DECL(c32_mremap)

/* compat32_net.c: socketcall, the i386 socket layouts, vmsplice, setgroups16 */
C32_DECL(c32_sock_call)
C32_DECL(c32_sendmsg)
C32_DECL(c32_recvmsg)
C32_DECL(c32_sendmmsg)
C32_DECL(c32_recvmmsg)
C32_DECL(c32_recvmmsg_time64)
C32_DECL(c32_setsockopt)
C32_DECL(c32_getsockopt)
C32_DECL(c32_vmsplice)
C32_DECL(c32_setgroups16)

/* tls32.c: GDT TLS entries and the LDT */
C32_DECL(c32_set_thread_area)
C32_DECL(c32_get_thread_area)
C32_DECL(c32_modify_ldt)

#undef C32_DECL

#endif
