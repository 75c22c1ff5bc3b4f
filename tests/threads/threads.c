/* Thread behaviours compared natively vs under ringside (tests/threads):
 * one subcommand per behaviour, deterministic output. Built with glibc
 * (64-bit, static, -m32) and musl. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NT 4

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static void check(int e, const char *what) {
    if (e) {
        printf("%s: %s\n", what, strerror(e));
        exit(1);
    }
}

/* ---- 4 threads x 100,000 atomic increments, and a counter under a mutex */
static long atomic_ctr, locked_ctr;
static void *inc(void *arg) {
    for (int i = 0; i < 100000; i++) {
        __atomic_fetch_add(&atomic_ctr, 1, __ATOMIC_SEQ_CST);
        if (i % 10 == 0) {
            pthread_mutex_lock(&mu);
            locked_ctr++;
            pthread_mutex_unlock(&mu);
        }
    }
    return arg;
}
static int t_atomic(void) {
    pthread_t t[NT];
    for (int i = 0; i < NT; i++)
        check(pthread_create(&t[i], NULL, inc, NULL), "create");
    for (int i = 0; i < NT; i++)
        check(pthread_join(t[i], NULL), "join");
    printf("atomic %ld locked %ld\n", atomic_ctr, locked_ctr);
    return 0;
}

/* ---- xchg-based spin lock and cmpxchg counter (LOCK-prefixed forms) */
static volatile int spin;
static long spin_ctr, cas_ctr;
static void *spinner(void *arg) {
    for (int i = 0; i < 20000; i++) {
        while (__atomic_exchange_n(&spin, 1, __ATOMIC_ACQUIRE))
            sched_yield();
        spin_ctr++;
        __atomic_store_n(&spin, 0, __ATOMIC_RELEASE);
        long v = __atomic_load_n(&cas_ctr, __ATOMIC_RELAXED);
        while (!__atomic_compare_exchange_n(&cas_ctr, &v, v + 2, 0, __ATOMIC_SEQ_CST,
                                            __ATOMIC_RELAXED)) {
        }
    }
    return arg;
}
static int t_spin(void) {
    pthread_t t[NT];
    for (int i = 0; i < NT; i++)
        check(pthread_create(&t[i], NULL, spinner, NULL), "create");
    for (int i = 0; i < NT; i++)
        check(pthread_join(t[i], NULL), "join");
    printf("spin %ld cas %ld\n", spin_ctr, cas_ctr);
    return 0;
}

/* ---- join and return values */
static void *retval(void *arg) { return (void *)((intptr_t)arg * 3 + 1); }
static int t_join(void) {
    pthread_t t[8];
    for (intptr_t i = 0; i < 8; i++)
        check(pthread_create(&t[i], NULL, retval, (void *)i), "create");
    for (int i = 0; i < 8; i++) {
        void *r;
        check(pthread_join(t[i], &r), "join");
        printf("thread %d returned %ld\n", i, (long)(intptr_t)r);
    }
    /* many short-lived threads one after the other */
    long sum = 0;
    for (intptr_t i = 0; i < 100; i++) {
        pthread_t x;
        void *r;
        check(pthread_create(&x, NULL, retval, (void *)i), "create");
        check(pthread_join(x, &r), "join");
        sum += (long)(intptr_t)r;
    }
    printf("100 threads: sum %ld\n", sum);
    return 0;
}

/* ---- condition variable: a producer/consumer queue */
static int queue[16], qh, qt, done;
static void *consumer(void *arg) {
    long got = 0;
    pthread_mutex_lock(&mu);
    for (;;) {
        while (qh == qt && !done)
            pthread_cond_wait(&cv, &mu);
        if (qh == qt && done) break;
        got += queue[qh++ % 16];
        pthread_cond_broadcast(&cv);
    }
    pthread_mutex_unlock(&mu);
    return (void *)got;
}
static int t_condvar(void) {
    pthread_t c[2];
    for (int i = 0; i < 2; i++)
        check(pthread_create(&c[i], NULL, consumer, NULL), "create");
    for (int v = 1; v <= 2000; v++) {
        pthread_mutex_lock(&mu);
        while (qt - qh == 16)
            pthread_cond_wait(&cv, &mu);
        queue[qt++ % 16] = v;
        pthread_cond_broadcast(&cv);
        pthread_mutex_unlock(&mu);
    }
    pthread_mutex_lock(&mu);
    done = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    long total = 0;
    for (int i = 0; i < 2; i++) {
        void *r;
        check(pthread_join(c[i], &r), "join");
        total += (long)(intptr_t)r;
    }
    printf("consumed %ld\n", total);
    /* a timed wait that times out */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 20000000;
    if (ts.tv_nsec >= 1000000000) ts.tv_sec++, ts.tv_nsec -= 1000000000;
    pthread_mutex_lock(&mu);
    int e = pthread_cond_timedwait(&cv, &mu, &ts);
    pthread_mutex_unlock(&mu);
    printf("timedwait: %s\n", e == ETIMEDOUT ? "ETIMEDOUT" : strerror(e));
    return 0;
}

/* ---- barrier and semaphores */
static pthread_barrier_t bar;
static int phase_seen[NT][3];
static int phase;
static void *barrier_worker(void *arg) {
    int id = (int)(intptr_t)arg;
    for (int k = 0; k < 3; k++) {
        phase_seen[id][k] = __atomic_load_n(&phase, __ATOMIC_SEQ_CST);
        int r = pthread_barrier_wait(&bar);
        if (r == PTHREAD_BARRIER_SERIAL_THREAD) __atomic_fetch_add(&phase, 1, __ATOMIC_SEQ_CST);
        pthread_barrier_wait(&bar);
    }
    return NULL;
}
static sem_t sem_a, sem_b;
static void *pinger(void *arg) {
    for (int i = 0; i < 500; i++) {
        sem_wait(&sem_a);
        sem_post(&sem_b);
    }
    return arg;
}
static int t_barrier(void) {
    pthread_t t[NT];
    check(pthread_barrier_init(&bar, NULL, NT), "barrier_init");
    for (intptr_t i = 0; i < NT; i++)
        check(pthread_create(&t[i], NULL, barrier_worker, (void *)i), "create");
    for (int i = 0; i < NT; i++)
        check(pthread_join(t[i], NULL), "join");
    for (int i = 0; i < NT; i++)
        printf("thread %d saw phases %d %d %d\n", i, phase_seen[i][0], phase_seen[i][1],
               phase_seen[i][2]);
    sem_init(&sem_a, 0, 0);
    sem_init(&sem_b, 0, 0);
    pthread_t pt;
    check(pthread_create(&pt, NULL, pinger, NULL), "create");
    int n = 0;
    for (int i = 0; i < 500; i++) {
        sem_post(&sem_a);
        sem_wait(&sem_b);
        n++;
    }
    check(pthread_join(pt, NULL), "join");
    printf("ping-pong %d\n", n);
    return 0;
}

/* ---- thread-local storage */
static __thread int tls_var = 42;
static __thread char tls_buf[64];
static void *tls_worker(void *arg) {
    int id = (int)(intptr_t)arg;
    tls_var += id;
    snprintf(tls_buf, sizeof tls_buf, "thread-%d", id);
    usleep(1000 * (4 - id));
    return (void *)(intptr_t)(tls_var * 100 + (int)strlen(tls_buf));
}
static int t_tls(void) {
    pthread_t t[NT];
    for (intptr_t i = 0; i < NT; i++)
        check(pthread_create(&t[i], NULL, tls_worker, (void *)i), "create");
    for (int i = 0; i < NT; i++) {
        void *r;
        check(pthread_join(t[i], &r), "join");
        printf("thread %d: %ld\n", i, (long)(intptr_t)r);
    }
    printf("main: tls_var %d buf '%s'\n", tls_var, tls_buf);
    return 0;
}

/* ---- pthread_exit in main: the process lives until the last thread */
static void *late_worker(void *arg) {
    usleep(20000);
    printf("worker still running after main's pthread_exit\n");
    fflush(stdout);
    return arg;
}
static _Noreturn int t_mainexit(void) {
    pthread_t t;
    check(pthread_create(&t, NULL, late_worker, NULL), "create");
    printf("main calls pthread_exit\n");
    fflush(stdout);
    pthread_exit(NULL);
}

/* ---- exit() from a thread other than main ends the whole process */
static void *exiter(void *arg) {
    usleep(10000);
    printf("thread calls exit(7)\n");
    fflush(stdout);
    exit(7);
}
static void *sleeper(void *arg) {
    for (;;)
        pause();
    return arg;
}
static _Noreturn int t_exitgroup(void) {
    pthread_t a, b;
    check(pthread_create(&b, NULL, sleeper, NULL), "create");
    check(pthread_create(&a, NULL, exiter, NULL), "create");
    for (;;)
        pause();
}

/* ---- robust mutex whose owner died */
static pthread_mutex_t rmu;
static void *robust_owner(void *arg) {
    pthread_mutex_lock(&rmu);
    return arg; /* exits holding it */
}
static int t_robust(void) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&rmu, &a);
    pthread_t t;
    check(pthread_create(&t, NULL, robust_owner, NULL), "create");
    check(pthread_join(t, NULL), "join");
    int e = pthread_mutex_lock(&rmu);
    printf("lock after owner died: %s\n", e == EOWNERDEAD ? "EOWNERDEAD" : strerror(e));
    if (e == EOWNERDEAD) printf("consistent: %d\n", pthread_mutex_consistent(&rmu));
    printf("unlock: %d\n", pthread_mutex_unlock(&rmu));
    printf("relock: %d\n", pthread_mutex_lock(&rmu));
    pthread_mutex_unlock(&rmu);
    return 0;
}

/* ---- priority-inheritance mutex under contention (FUTEX_LOCK_PI/UNLOCK_PI) */
static pthread_mutex_t pimu;
static long pi_ctr;
static void *pi_worker(void *arg) {
    for (int i = 0; i < 3000; i++) {
        pthread_mutex_lock(&pimu);
        long v = pi_ctr;
        if (i % 100 == 0) sched_yield();
        pi_ctr = v + 1;
        pthread_mutex_unlock(&pimu);
    }
    return arg;
}
static int t_pi(void) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
    pthread_mutex_init(&pimu, &a);
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        check(pthread_create(&t[i], NULL, pi_worker, NULL), "create");
    for (int i = 0; i < 3; i++)
        check(pthread_join(t[i], NULL), "join");
    printf("pi counter %ld\n", pi_ctr);
    return 0;
}

/* ---- a thread-directed signal (pthread_kill): needs guest signal delivery */
static volatile int sig_tid_ok, sig_count;
static pid_t target_tid;
static void on_usr1(int s) {
    sig_count++;
    sig_tid_ok = (pid_t)syscall(SYS_gettid) == target_tid;
}
static void *sig_target(void *arg) {
    target_tid = (pid_t)syscall(SYS_gettid);
    sem_post(&sem_a);
    while (!sig_count)
        usleep(1000);
    return arg;
}
static int t_signal(void) {
    signal(SIGUSR1, on_usr1);
    sem_init(&sem_a, 0, 0);
    pthread_t t;
    check(pthread_create(&t, NULL, sig_target, NULL), "create");
    sem_wait(&sem_a);
    check(pthread_kill(t, SIGUSR1), "pthread_kill");
    check(pthread_join(t, NULL), "join");
    printf("signal delivered %d time(s), in the target thread: %s\n", sig_count,
           sig_tid_ok ? "yes" : "no");
    return 0;
}

/* ---- gettid differs per thread and is not the pid; getpid is shared */
static void *ids(void *arg) {
    pid_t *out = arg;
    out[0] = getpid();
    out[1] = (pid_t)syscall(SYS_gettid);
    return NULL;
}
static int t_ids(void) {
    pid_t v[2];
    pthread_t t;
    check(pthread_create(&t, NULL, ids, v), "create");
    check(pthread_join(t, NULL), "join");
    printf("same pid: %s, own tid: %s\n", v[0] == getpid() ? "yes" : "no",
           v[1] != getpid() && v[1] > 0 ? "yes" : "no");
    return 0;
}

/* ---- a thread blocked in read() while another writes: blocking calls let
 * the others run */
static int pfd[2];
static void *pipe_reader(void *arg) {
    char buf[64];
    long total = 0;
    for (;;) {
        ssize_t n = read(pfd[0], buf, sizeof buf);
        if (n <= 0) break;
        total += n;
    }
    return (void *)total;
}
static void *napper(void *arg) {
    struct timespec ts = {0, 30000000};
    nanosleep(&ts, NULL);
    return arg;
}
static int t_pipe(void) {
    if (pipe(pfd)) return 1;
    pthread_t r, n[3];
    check(pthread_create(&r, NULL, pipe_reader, NULL), "create");
    for (int i = 0; i < 3; i++)
        check(pthread_create(&n[i], NULL, napper, NULL), "create");
    for (int i = 0; i < 100; i++) {
        usleep(100);
        if (write(pfd[1], "0123456789", 10) != 10) return 1;
    }
    close(pfd[1]);
    void *got;
    check(pthread_join(r, &got), "join");
    for (int i = 0; i < 3; i++)
        check(pthread_join(n[i], NULL), "join");
    printf("reader got %ld bytes\n", (long)(intptr_t)got);
    return 0;
}

/* ---- mappings changed by one thread are seen by another (its TLB) */
#include <sys/mman.h>
static volatile int step, seen[4];
static volatile int *shared_page;
static void *map_watcher(void *arg) {
    for (int k = 0; k < 4; k++) {
        while (__atomic_load_n(&step, __ATOMIC_ACQUIRE) != 2 * k + 1)
            sched_yield();
        seen[k] = shared_page[10];
        __atomic_store_n(&step, 2 * k + 2, __ATOMIC_RELEASE);
    }
    return arg;
}
static int t_remap(void) {
    void *at = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    shared_page = at;
    pthread_t w;
    check(pthread_create(&w, NULL, map_watcher, NULL), "create");
    for (int k = 0; k < 4; k++) {
        /* a fresh mapping at the same address each round */
        munmap(at, 4096);
        void *q =
            mmap(at, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (q != at) return 1;
        shared_page[10] = 100 + k;
        __atomic_store_n(&step, 2 * k + 1, __ATOMIC_RELEASE);
        while (__atomic_load_n(&step, __ATOMIC_ACQUIRE) != 2 * k + 2)
            sched_yield();
    }
    check(pthread_join(w, NULL), "join");
    printf("watcher saw %d %d %d %d\n", seen[0], seen[1], seen[2], seen[3]);
    return 0;
}

/* ---- code written by one thread, run by another (decoded-code cache) */
#if defined(__x86_64__) || defined(__i386__)
static unsigned char *code;
static volatile int code_step;
static int code_result[3];
static void *code_runner(void *arg) {
    for (int k = 0; k < 3; k++) {
        while (__atomic_load_n(&code_step, __ATOMIC_ACQUIRE) != 2 * k + 1)
            sched_yield();
        code_result[k] = ((int (*)(void))code)();
        __atomic_store_n(&code_step, 2 * k + 2, __ATOMIC_RELEASE);
    }
    return arg;
}
static int t_smc(void) {
    code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) return 1;
    pthread_t r;
    check(pthread_create(&r, NULL, code_runner, NULL), "create");
    for (int k = 0; k < 3; k++) {
        int v = 7 * (k + 1);
        code[0] = 0xb8; /* mov $v, %eax; ret */
        memcpy(code + 1, &v, 4);
        code[5] = 0xc3;
        __atomic_store_n(&code_step, 2 * k + 1, __ATOMIC_RELEASE);
        while (__atomic_load_n(&code_step, __ATOMIC_ACQUIRE) != 2 * k + 2)
            sched_yield();
    }
    check(pthread_join(r, NULL), "join");
    printf("runner got %d %d %d\n", code_result[0], code_result[1], code_result[2]);
    return 0;
}
#endif

/* ---- a fault in a thread other than main kills the whole process */
static void *faulter(void *arg) {
    usleep(5000);
    return (void *)(intptr_t) * (volatile int *)arg;
}
static int t_threadfault(void) {
    pthread_t a, b;
    check(pthread_create(&b, NULL, sleeper, NULL), "create");
    check(pthread_create(&a, NULL, faulter, NULL), "create");
    pthread_join(a, NULL);
    printf("not reached\n");
    return 0;
}

/* ---- does this system deliver signals to handlers at all (single thread)? */
static volatile int probe_hit;
static void on_probe(int s) { probe_hit = 1; }
static int t_sigprobe(void) {
    signal(SIGUSR2, on_probe);
    raise(SIGUSR2);
    printf(probe_hit ? "handled\n" : "not handled\n");
    return 0;
}

/* ---- raw exit(2) in every thread: the process ends with the main
 * thread's code when the last one is gone (Linux reports the leader's) */
static void *raw_exiter(void *arg) {
    usleep(20000);
    printf("last thread exits with 9\n");
    fflush(stdout);
    syscall(SYS_exit, 9);
    return arg;
}
static int t_rawexit(void) {
    pthread_t t;
    check(pthread_create(&t, NULL, raw_exiter, NULL), "create");
    printf("main exits with 5\n");
    fflush(stdout);
    syscall(SYS_exit, 5);
    return 1;
}

/* ---- futex operations directly (REQUEUE, WAKE_OP, PI, errors) */
/* the kernel's numbers (musl's headers have no linux/futex.h) */
#define FUTEX_WAIT_PRIVATE        128
#define FUTEX_WAKE_PRIVATE        129
#define FUTEX_WAKE                1
#define FUTEX_WAIT                0
#define FUTEX_FD_                 2
#define FUTEX_CMP_REQUEUE_PRIVATE 132
#define FUTEX_WAKE_OP_PRIVATE     133
#define FUTEX_UNLOCK_PI_PRIVATE   135
#define FUTEX_TRYLOCK_PI_PRIVATE  136
#define FUTEX_WAIT_BITSET_PRIVATE 137
#define FUTEX_OP_ADD              1
#define FUTEX_OP_CMP_EQ           0
#define FUTEX_OP(op, oparg, cmp, cmparg)                                                           \
    (((op & 0xf) << 28) | ((cmp & 0xf) << 24) | ((oparg & 0xfff) << 12) | (cmparg & 0xfff))
static long fx(uint32_t *u, int op, uint32_t val, long t, uint32_t *u2, uint32_t v3) {
    long r = syscall(SYS_futex, u, op, val, t, u2, v3);
    return r < 0 ? -errno : r;
}
static uint32_t fa, fb;
static void *fwaiter(void *arg) {
    long r = fx(&fa, FUTEX_WAIT_PRIVATE, 0, 0, NULL, 0);
    return (void *)r;
}
static int t_futex(void) {
    struct timespec ts = {0, 10000000};
    printf("wait wrong value: %ld\n", fx(&fa, FUTEX_WAIT_PRIVATE, 1, 0, NULL, 0));
    printf("wait timeout: %ld\n", fx(&fa, FUTEX_WAIT_PRIVATE, 0, (long)&ts, NULL, 0));
    printf("wait bitset 0: %ld\n", fx(&fa, FUTEX_WAIT_BITSET_PRIVATE, 0, 0, NULL, 0));
    printf("wake nobody: %ld\n", fx(&fa, FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0));
    printf("unaligned: %ld\n", fx((uint32_t *)((char *)&fa + 1), FUTEX_WAKE, 1, 0, NULL, 0));
    printf("unmapped wait: %ld\n", fx((uint32_t *)16, FUTEX_WAIT, 0, 0, NULL, 0));
    printf("FUTEX_FD: %ld\n", fx(&fa, FUTEX_FD_, 0, 0, NULL, 0));
    /* two waiters on fa requeued to fb, then woken there one by one */
    pthread_t w[2];
    for (int i = 0; i < 2; i++)
        check(pthread_create(&w[i], NULL, fwaiter, NULL), "create");
    long moved = 0;
    while (moved < 2) {
        long r = fx(&fa, FUTEX_CMP_REQUEUE_PRIVATE, 0, 100, &fb, 0);
        if (r < 0) {
            printf("cmp_requeue: %ld\n", r);
            return 1;
        }
        moved += r;
        if (moved < 2) usleep(1000);
    }
    printf("requeued %ld\n", moved);
    printf("cmp_requeue, value changed: %ld\n", fx(&fa, FUTEX_CMP_REQUEUE_PRIVATE, 0, 1, &fb, 5));
    long woke = fx(&fb, FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0);
    woke += fx(&fb, FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0);
    for (int i = 0; i < 2; i++) {
        void *r;
        check(pthread_join(w[i], &r), "join");
        printf("waiter %d: %ld\n", i, (long)r);
    }
    printf("woke %ld\n", woke);
    /* WAKE_OP: fb = fb + 5 (old value compared with 0), nobody waiting */
    fb = 2;
    long r =
        fx(&fa, FUTEX_WAKE_OP_PRIVATE, 1, 1, &fb, FUTEX_OP(FUTEX_OP_ADD, 5, FUTEX_OP_CMP_EQ, 0));
    printf("wake_op: %ld, fb now %u\n", r, fb);
    /* PI: trylock takes the word (our tid), unlock frees it */
    uint32_t pi = 0;
    r = fx(&pi, FUTEX_TRYLOCK_PI_PRIVATE, 0, 0, NULL, 0);
    printf("trylock_pi: %ld, owner is me: %s\n", r,
           pi == (uint32_t)syscall(SYS_gettid) ? "yes" : "no");
    r = fx(&pi, FUTEX_UNLOCK_PI_PRIVATE, 0, 0, NULL, 0);
    printf("unlock_pi: %ld, word %u\n", r, pi);
    pi = 1; /* not ours */
    printf("unlock_pi of another's: %ld\n", fx(&pi, FUTEX_UNLOCK_PI_PRIVATE, 0, 0, NULL, 0));
    return 0;
}

/* ---- a process-shared robust mutex whose owner process died (exit_group
 * walks the robust list); needs fork and MAP_SHARED memory */
#include <sys/wait.h>
static int t_robustproc(void) {
    pthread_mutex_t *m =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return 1;
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(m, &a);
    pid_t c = fork();
    if (c == 0) {
        pthread_mutex_lock(m);
        _exit(3); /* exit_group holding it */
    }
    int st;
    waitpid(c, &st, 0);
    printf("child exited %d\n", WEXITSTATUS(st));
    int e = pthread_mutex_lock(m);
    printf("lock after the owner process died: %s\n", e == EOWNERDEAD ? "EOWNERDEAD" : strerror(e));
    return 0;
}

/* ---- helper: does a fork child's write to MAP_SHARED|MAP_ANONYMOUS memory reach the parent? */
static int t_shmprobe(void) {
    int *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return 1;
    *m = 1;
    pid_t c = fork();
    if (c == 0) {
        *m = 42;
        _exit(0);
    }
    waitpid(c, NULL, 0);
    printf(*m == 42 ? "shared\n" : "not shared\n");
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) return 2;
    const char *c = argv[1];
    if (!strcmp(c, "atomic")) return t_atomic();
    if (!strcmp(c, "spin")) return t_spin();
    if (!strcmp(c, "join")) return t_join();
    if (!strcmp(c, "condvar")) return t_condvar();
    if (!strcmp(c, "barrier")) return t_barrier();
    if (!strcmp(c, "tls")) return t_tls();
    if (!strcmp(c, "mainexit")) return t_mainexit();
    if (!strcmp(c, "exitgroup")) return t_exitgroup();
    if (!strcmp(c, "robust")) return t_robust();
    if (!strcmp(c, "pi")) return t_pi();
    if (!strcmp(c, "signal")) return t_signal();
    if (!strcmp(c, "ids")) return t_ids();
    if (!strcmp(c, "pipe")) return t_pipe();
    if (!strcmp(c, "shmprobe")) return t_shmprobe();
    if (!strcmp(c, "robustproc")) return t_robustproc();
    if (!strcmp(c, "futex")) return t_futex();
    if (!strcmp(c, "rawexit")) return t_rawexit();
    if (!strcmp(c, "threadfault")) return t_threadfault();
    if (!strcmp(c, "sigprobe")) return t_sigprobe();
    if (!strcmp(c, "remap")) return t_remap();
    if (!strcmp(c, "smc")) return t_smc();
    return 2;
}
