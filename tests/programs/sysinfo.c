/* sysinfo: simple "who/where/when am I" system calls whose results are the
 * same for any two runs, or are compared only as relations: uname
 * (sysname, machine), ids, getcwd, umask, getpid vs the raw syscall,
 * monotonic clocks, nanosleep, getrandom length, rlimits, sched_yield. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

static double ts(struct timespec t) { return (double)t.tv_sec + t.tv_nsec * 1e-9; }

int main(void) {
    struct utsname u;
    if (uname(&u) == 0) printf("uname: sysname=%s machine=%s\n", u.sysname, u.machine);
    printf("uid=%d euid=%d gid=%d egid=%d\n", (int)getuid(), (int)geteuid(), (int)getgid(),
           (int)getegid());
    pid_t pid = getpid();
    printf("getpid == syscall(SYS_getpid): %d, getppid > 0: %d, gettid == getpid: %d\n",
           pid == (pid_t)syscall(SYS_getpid), getppid() > 0, (pid_t)syscall(SYS_gettid) == pid);
    char cwd[4096];
    struct stat a, b;
    printf("getcwd is \".\": %d\n", getcwd(cwd, sizeof cwd) && stat(cwd, &a) == 0 &&
                                        stat(".", &b) == 0 && a.st_ino == b.st_ino);
    mode_t old = umask(027);
    printf("umask: old=%03o now=%03o\n", (unsigned)old, (unsigned)umask(old));

    struct timespec t0, t1, r0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct timespec nap = {0, 2000000};
    int slept = nanosleep(&nap, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("nanosleep(2ms)=%d, monotonic advanced >= 2ms: %d\n", slept, ts(t1) - ts(t0) >= 0.002);
    clock_gettime(CLOCK_REALTIME, &r0);
    printf("realtime after 2020: %d\n", r0.tv_sec > 1577836800);
    time_t tt = time(NULL);
    printf("time() within 100s of CLOCK_REALTIME: %d\n", tt - r0.tv_sec < 100 && r0.tv_sec - tt < 100);
    struct timespec res;
    printf("clock_getres(MONOTONIC) ok: %d\n", clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0);

    unsigned char rnd[64];
    printf("getrandom(64) = %zd\n", getrandom(rnd, sizeof rnd, 0));
    struct rlimit rl;
    printf("getrlimit(RLIMIT_NOFILE) ok: %d\n", getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > 0);
    printf("sched_yield = %d\n", sched_yield());
    printf("sysconf(_SC_PAGESIZE) = %ld\n", sysconf(_SC_PAGESIZE));
    printf("isatty(1) = %d\n", isatty(1)); /* stdout is a file under the harness */
    return 0;
}
