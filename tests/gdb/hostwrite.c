/* Memory a system call writes (read() into buf, clock_gettime into ts) is
 * part of the history: reverse-continue from after the calls to a point
 * before them shows buf and ts as they were, forward again shows the data. */
#include <time.h>
#include <unistd.h>

char buf[16];
struct timespec ts;

__attribute__((noinline)) void before_calls(void) { __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) void after_calls(void) { __asm__ volatile("" ::: "memory"); }

int main(void) {
    int fd[2];
    if (pipe(fd) != 0 || write(fd[1], "hello", 5) != 5) return 1;
    before_calls();
    if (read(fd[0], buf, sizeof buf) != 5) return 2;
    syscall(228 /* clock_gettime */, CLOCK_REALTIME, &ts);
    after_calls();
    return buf[0] == 'h' && ts.tv_sec > 0 ? 0 : 3;
}
