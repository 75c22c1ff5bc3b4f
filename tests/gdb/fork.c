/* fork() under gdb: the child runs on undebugged, gdb stays with the
 * parent; both outputs and the parent's status match the native run. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        printf("child\n");
        return 4;
    }
    int st;
    waitpid(pid, &st, 0);
    printf("parent: child exited %d\n", WEXITSTATUS(st));
    return 5;
}
