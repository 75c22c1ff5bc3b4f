/* stacklimit: stack growth stops at RLIMIT_STACK. Lowers the limit to
 * 1 MiB, then recurses through 2 MiB of stack: Linux refuses to grow the
 * stack VMA further and the program dies of SIGSEGV (compared by
 * run_diff.sh --fault). "ok" recurses 512 KiB only and exits 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static int deep(int n) {
    volatile char buf[4096];
    memset((char *)buf, n, sizeof buf);
    return n ? deep(n - 1) + buf[100] : 0;
}

int main(int argc, char **argv) {
    struct rlimit rl = {1 << 20, 1 << 20};
    if (setrlimit(RLIMIT_STACK, &rl) != 0) {
        perror("setrlimit");
        return 1;
    }
    int ok = argc > 1 && strcmp(argv[1], "ok") == 0;
    printf("%d\n", deep(ok ? 128 : 512));
    return 0;
}
