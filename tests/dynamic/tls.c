/* Thread-local storage of the main thread (ld.so's PT_TLS set-up),
 * constructors and destructors, errno (itself TLS). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static __thread int counter = 42;
static __thread char tbuf[100] = "initial";
static __thread long zeroed[64];
__thread double __attribute__((aligned(64))) aligned_tls = 1.5;
static int ctor_ran;

__attribute__((constructor)) static void ctor(void) {
    ctor_ran = 1;
    counter++;
}
__attribute__((destructor)) static void dtor(void) { printf("destructor: counter %d\n", counter); }

int main(void) {
    printf("constructor ran: %d, counter %d, tbuf '%s'\n", ctor_ran, counter, tbuf);
    long sum = 0;
    for (int k = 0; k < 64; k++)
        sum += zeroed[k];
    printf("zeroed sum %ld, aligned_tls %.1f at 64-byte boundary: %s\n", sum, aligned_tls,
           ((uintptr_t)&aligned_tls & 63) == 0 ? "yes" : "no");
    strcpy(tbuf, "changed");
    counter += 100;
    errno = 0;
    if (close(-1) < 0) printf("errno after close(-1): %d (%s)\n", errno, strerror(errno));
    printf("counter %d tbuf %s\n", counter, tbuf);
    return 3;
}
