/* hello: the smallest libc program: stdout through stdio, a line on stderr,
 * exit status 0. */
#include <stdio.h>

int main(void) {
    printf("Hello, world!\n");
    fprintf(stderr, "hello: this line goes to stderr\n");
    return 0;
}
