/* Command-line traces (see trace.c). */
#ifndef RINGSIDE_TRACE_H
#define RINGSIDE_TRACE_H

#include <stdio.h>

#include "../cpu/insn.h"

enum { TRACE_RING = 1, TRACE_INSN = 2, TRACE_USER_ONLY = 4 };

typedef struct Trace {
    int flags;
    FILE *out;
} Trace;

void trace_attach(Trace *t, Cpu *c);

#endif
