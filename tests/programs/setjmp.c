/* setjmp: non-local jumps: setjmp/longjmp out of nested calls, the value
 * passed (0 becomes 1), volatile locals kept across the jump, and
 * sigsetjmp/siglongjmp restoring the signal mask (rt_sigprocmask). */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static jmp_buf env;
static sigjmp_buf senv;
static int depth_reached;

static void dive(int depth, int target, int val) {
    char pad[64 + 8 * (depth % 5)]; /* vary frame sizes: rsp must be restored exactly */
    pad[0] = (char)depth;
    depth_reached = depth + pad[0] - depth;
    if (depth >= target) longjmp(env, val);
    if (depth < 1000) dive(depth + 1, target, val);
}

static int blocked(int sig) {
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    return sigismember(&cur, sig);
}

int main(void) {
    static int t; /* static: its value must survive the jumps */
    for (t = 0; t < 6; t++) {
        volatile int counter = 100 + t;
        int r = setjmp(env);
        if (r == 0) {
            counter += 1000;
            dive(0, t * 7, t == 3 ? 0 : t * 11);
            printf("not reached\n");
        } else {
            printf("longjmp from depth %d returned %d, counter=%d\n", depth_reached, r, counter);
        }
    }

    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    printf("before: SIGUSR1 blocked=%d SIGUSR2 blocked=%d\n", blocked(SIGUSR1), blocked(SIGUSR2));
    if (sigsetjmp(senv, 1) == 0) {
        sigprocmask(SIG_BLOCK, &s, NULL);
        sigaddset(&s, SIGUSR2);
        sigprocmask(SIG_BLOCK, &s, NULL);
        printf("inside: SIGUSR1 blocked=%d SIGUSR2 blocked=%d\n", blocked(SIGUSR1),
               blocked(SIGUSR2));
        siglongjmp(senv, 5);
    }
    printf("after siglongjmp(savemask=1): SIGUSR1 blocked=%d SIGUSR2 blocked=%d\n",
           blocked(SIGUSR1), blocked(SIGUSR2));
    sigprocmask(SIG_BLOCK, &s, NULL);
    if (sigsetjmp(senv, 0) == 0) {
        sigprocmask(SIG_UNBLOCK, &s, NULL);
        siglongjmp(senv, 1);
    }
    printf("after siglongjmp(savemask=0): SIGUSR1 blocked=%d\n", blocked(SIGUSR1));
    return 0;
}
