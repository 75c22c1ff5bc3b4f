/* ui/: the command line (and, later, the SDL2 viewer). Depends on loader/,
 * syscall/ and cpu/; nothing below depends on ui/. */
#ifndef RINGSIDE_UI_H
#define RINGSIDE_UI_H

#include <stdio.h>

#include "../cpu/cpu.h"

#define RINGSIDE_VERSION "0.1.0"

int ui_main(int argc, char **argv, char **envp);
void ui_print_stats(FILE *f, Cpu *c, double seconds);

#endif
