/* ui/: the command line (and, later, the SDL2 viewer). Depends on loader/,
 * syscall/ and cpu/; nothing below depends on ui/. */
#ifndef RINGSIDE_UI_H
#define RINGSIDE_UI_H

#include <stdio.h>

#include "../cpu/cpu.h"

#define RINGSIDE_VERSION "0.1.0"

#include "../syscall/proc.h"

int ui_main(int argc, char **argv, char **envp);

/* One emulated run (the main job), also used by --compare. */
typedef struct RunConfig {
    const char *path; /* resolved program path */
    int argc;
    char **argv, **envp;
    int strace, trace, stats;
    const char *trace_file;
    int vendor;   /* -1: host */
    unsigned family; /* with vendor >= 0: CPUID display family */
    int kernel32; /* --kernel=i386 */
    void (*on_syscall)(Proc *p, uint64_t nr, const uint64_t a[6], int64_t ret);
    void *on_syscall_ud;
} RunConfig;
int ui_run(const RunConfig *rc); /* returns the exit status to use */

/* --compare (ui/compare.c). */
int compare_main(const char *path, int argc, char **argv, char **envp, const char *unused);
int compare_list_main(const char *file, char **envp);
void ui_print_stats(FILE *f, Cpu *c, double seconds);

#endif
