/* The dynamic gdb test subject: a call into the C library (a breakpoint on
 * puts must stop inside libc.so), then work(): a long loop for Ctrl-C and a
 * function of our own to reverse-finish out of. */
#include <stdio.h>
#include <stdlib.h>

volatile unsigned long counter;

__attribute__((noinline)) unsigned long work(unsigned long n) {
    for (unsigned long k = 0; k < n; k++)
        counter++;
    return counter;
}

int main(int argc, char **argv) {
    puts("dyn hello");
    unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000;
    unsigned long r = work(n);
    printf("%lu\n", r);
    return 3;
}
