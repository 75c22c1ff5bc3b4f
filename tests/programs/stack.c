/* stack: the initial stack is big enough and grows as Linux's does: deep
 * recursion (about 5 MiB of frames under the default 8 MiB limit), a large
 * alloca, and an ABI check that every call sees a 16-byte aligned stack. */
#include <alloca.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int misaligned;

__attribute__((noinline)) static uint64_t deep(uint64_t n, uint64_t acc) {
    volatile unsigned char frame[200];
    frame[n % 200] = (unsigned char)n;
    /* psABI: at a call, rsp+8 is 16-byte aligned inside the callee. */
    if (((uintptr_t)__builtin_frame_address(0) + 16) % 16) misaligned++;
    if (n == 0) return acc;
    return deep(n - 1, acc * 31 + frame[n % 200]) + 1;
}

__attribute__((noinline)) static uint64_t big_alloca(size_t n) {
    unsigned char *p = alloca(n);
    memset(p, 0xab, n);
    uint64_t s = 0;
    for (size_t i = 0; i < n; i += 4096) s += p[i] + i;
    return s;
}

static long ack(long m, long n) {
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

int main(void) {
    printf("deep(20000) = %llu\n", (unsigned long long)deep(20000, 1));
    printf("alloca 2 MiB: %llu\n", (unsigned long long)big_alloca(2u << 20));
    printf("ackermann(2, 300) = %ld, ackermann(3, 6) = %ld\n", ack(2, 300), ack(3, 6));
    int n = 1000;
    volatile double vla[n];
    for (int i = 0; i < n; i++) vla[i] = i * 0.5;
    printf("vla sum = %g\n", vla[n - 1] + vla[0]);
    printf("misaligned frames: %d\n", misaligned);
    return 0;
}
