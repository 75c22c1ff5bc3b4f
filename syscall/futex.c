/* futex: every operation is the host kernel's own, on the host address of
 * the guest word.
 *
 * Guest pages are host pages of this one host process, so the host futex
 * implements WAIT/WAKE, REQUEUE/CMP_REQUEUE, WAKE_OP (its atomic operation
 * on the guest word), the bitset forms, the PI family (the owner's tid in
 * the word is the host thread's, which is the guest tid) with FUTEX_PRIVATE
 * and FUTEX_CLOCK_REALTIME exactly as Linux does; a word never crosses a
 * page. Waits drop the kernel lock (sys_block_begin), so a waiting thread
 * never stops the others. What ringside checks itself is what the host
 * cannot see: a word on a page the guest may not read (or write, for the
 * operations that write it) is given to the host as an address in a page
 * with no access at all, so the host answers as Linux would (-EFAULT, or 0
 * for a private wake that touches no memory). The i386 forms differ only
 * in the timeout's layout (compat32_time.c reads it and calls futex_op). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <linux/futex.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sys_internal.h"

#define FUTEX_LOCK_PI2_ 13

/* A host page nobody may touch: the stand-in for words the guest cannot access. */
static uint8_t *none_page;
static void none_init(void) {
    void *m = mmap(NULL, PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    none_page = m == MAP_FAILED ? NULL : m;
}

/* A shared (not FUTEX_PRIVATE) operation keys the word by its page: Linux
 * refuses a read-only anonymous page ("will never change") with EFAULT. */
static int ro_anon(Proc *p, uint64_t uaddr, int prot) {
    if (prot & MEM_W) return 0;
    const MemRegion *r = mem_region(p->mem, uaddr);
    return r && !r->dev && !r->inode;
}

static uint32_t *host_word(Proc *p, uint64_t uaddr, int write, int shared) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    int need = MEM_U | MEM_R | (write ? MEM_W : 0);
    uint8_t *h = NULL;
    int prot = mem_canonical(uaddr) && uaddr < USER_TOP ? mem_page_prot(p->mem, uaddr) : 0;
    if ((prot & need) == need && !(shared && ro_anon(p, uaddr, prot))) h = mem_page(p->mem, uaddr);
    if (!h) {
        pthread_once(&once, none_init);
        h = none_page;
    }
    return h ? (uint32_t *)(void *)(h + (uaddr & (PAGE_SIZE - 1))) : NULL;
}

/* Operations whose fourth argument is a timeout (futex_cmd_has_timeout). */
int futex_has_timeout(int cmd) {
    return cmd == FUTEX_WAIT || cmd == FUTEX_LOCK_PI || cmd == FUTEX_WAIT_BITSET ||
           cmd == FUTEX_WAIT_REQUEUE_PI || cmd == FUTEX_LOCK_PI2_;
}

int64_t futex_op(Proc *p, uint64_t uaddr, int op, uint32_t val, const struct timespec *ts,
                 uint64_t val2, uint64_t uaddr2, uint32_t val3) {
    int cmd = op & FUTEX_CMD_MASK;
    int w1 = 0, w2 = 0, uses2 = 0, blocks = futex_has_timeout(cmd);
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAKE:
    case FUTEX_WAIT_BITSET:
    case FUTEX_WAKE_BITSET: break;
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: uses2 = 1; break;
    case FUTEX_WAKE_OP: uses2 = w2 = 1; break;
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2_:
    case FUTEX_UNLOCK_PI:
    case FUTEX_TRYLOCK_PI: w1 = 1; break;
    case FUTEX_WAIT_REQUEUE_PI:
    case FUTEX_CMP_REQUEUE_PI: uses2 = w2 = 1; break;
    case 2: /* FUTEX_FD: removed from Linux long ago */ return -ENOSYS;
    default:
        sys_report("futex", (uint64_t)cmd + 1, "unimplemented futex op %d (ENOSYS)", cmd);
        return -ENOSYS;
    }
    /* alignment first (get_futex_key), as the host would see it */
    int shared = !(op & FUTEX_PRIVATE_FLAG);
    uint32_t *h1 = (uaddr & 3) ? (uint32_t *)(uintptr_t)1 : host_word(p, uaddr, w1, shared);
    uint32_t *h2 = NULL;
    if (uses2) h2 = (uaddr2 & 3) ? (uint32_t *)(uintptr_t)1 : host_word(p, uaddr2, w2, shared);
    if (!h1 || (uses2 && !h2)) return -EFAULT;
    const void *arg4 = blocks ? (const void *)ts : (const void *)(uintptr_t)(uint32_t)val2;
    Task *t = blocks ? sys_block_begin(p) : NULL;
    long r = syscall(SYS_futex, h1, op, val, arg4, h2, val3);
    int err = errno;
    if (blocks) sys_block_end(p, t);
    return r < 0 ? -(int64_t)err : r;
}

int64_t sys_futex(Proc *p, const uint64_t a[6]) {
    int op = (int)a[1], cmd = op & FUTEX_CMD_MASK;
    struct timespec ts, *tp = NULL;
    if (a[3] && futex_has_timeout(cmd)) {
        if (copy_from_user(p, &ts, a[3], sizeof ts)) return -EFAULT;
        tp = &ts;
    }
    return futex_op(p, a[0], op, (uint32_t)a[2], tp, a[3], a[4], (uint32_t)a[5]);
}
