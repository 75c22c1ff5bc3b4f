#include <stdio.h>
const char *rs_marker(void);
int main(void) {
    puts(rs_marker());
    return 0;
}
