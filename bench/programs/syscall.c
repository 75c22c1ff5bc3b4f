/* Raw system-call loop: getppid through syscall(2) so glibc cannot cache or batch it.
 * Measures the cost of one SYSCALL -> ring-0 -> SYSRETQ round trip.
 * usage: syscall [ITERATIONS]   (default 200000; prints a checksum) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 200000;
    long ppid = syscall(SYS_getppid), bad = 0;
    for (long i = 0; i < n; i++)
        if (syscall(SYS_getppid) != ppid) bad++;
    /* ppid differs between runs, so print only whether it stayed constant. */
    printf("syscall: %ld getppid calls, %ld mismatches\n", n, bad);
    return bad != 0;
}
