/* The three 32-bit system-call entry paths, exercised directly (built with
 * gcc -m32 -static). Each mode writes a line through its path and prints the
 * result of getppid()-style calls, so native and ringside runs compare:
 *   int80     int $0x80 directly
 *   vsyscall  call __kernel_vsyscall (AT_SYSINFO), however the vDSO enters
 *   sysenter  push %ecx/%edx/%ebp; movl %esp,%ebp; sysenter — as
 *             __kernel_vsyscall does on Intel; returns to the vDSO landing
 *             point (on AMD, SYSENTER in compatibility mode is SIGILL)
 *   syscall   push %ecx/%edx/%ebp; movl %ecx,%ebp; syscall — as on AMD
 *             (on Intel, SYSCALL in compatibility mode is SIGILL)
 */
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

static const char msg[] = "entry path ok\n";

static long via_int80(long nr, long a, long b, long c) {
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}

static long via_vsyscall(long nr, long a, long b, long c) {
    long r;
    void *vs = (void *)getauxval(AT_SYSINFO);
    if (!vs) return -1000;
    __asm__ volatile("call *%[vs]" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c), [vs] "S"(vs) : "memory");
    return r;
}

/* The landing point pops ebp, edx, ecx and returns: push a return address
 * first so that the program continues after the instruction. */
static long via_sysenter(long nr, long a, long b, long c) {
    long r;
    __asm__ volatile("pushl $1f\n\t"
                     "pushl %%ecx\n\tpushl %%edx\n\tpushl %%ebp\n\t"
                     "movl %%esp, %%ebp\n\t"
                     "sysenter\n\t"
                     "1:"
                     : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}

static long via_syscall(long nr, long a, long b, long c) {
    long r;
    __asm__ volatile("pushl $1f\n\t"
                     "pushl %%ecx\n\tpushl %%edx\n\tpushl %%ebp\n\t"
                     "movl %%ecx, %%ebp\n\t"
                     "syscall\n\t"
                     "1:"
                     : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    long (*f)(long, long, long, long) = NULL;
    if (!strcmp(argv[1], "int80")) f = via_int80;
    if (!strcmp(argv[1], "vsyscall")) f = via_vsyscall;
    if (!strcmp(argv[1], "sysenter")) f = via_sysenter;
    if (!strcmp(argv[1], "syscall")) f = via_syscall;
    if (!f) return 2;
    fflush(stdout);
    long w = f(4 /* write */, 1, (long)msg, sizeof msg - 1);
    long pp = f(64 /* getppid */, 0, 0, 0);
    long bad = f(4, 1, 16 /* bad pointer */, 5);
    printf("write=%ld getppid_matches=%d efault=%ld\n", w, pp == (long)getppid(), bad);
    return 0;
}
