/* exit42: exit status and exit-time work: atexit handlers run in reverse
 * order, stdio buffers are flushed by exit(), and the status is 42. */
#include <stdio.h>
#include <stdlib.h>

static void first(void) { printf("atexit: registered first, runs last\n"); }
static void second(void) { printf("atexit: registered second, runs first\n"); }

int main(void) {
    atexit(first);
    atexit(second);
    printf("exit42: buffered line, flushed by exit()"); /* no newline: exit must flush */
    printf("\n");
    fprintf(stderr, "exit42: leaving with status 42\n");
    exit(42);
}
