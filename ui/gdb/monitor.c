/* gdb's `monitor` commands (qRcmd): views of the modelled CPU's system state
 * from ui/debug/views.c, and the kernel-steps switch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdb.h"

#define OUT_MAX 65536

static const char *const help =
    "ringside monitor commands:\n"
    "  ring                 CPL, mode, the kernel entry path and the user instruction it came "
    "from\n"
    "  msr [NAME|NUMBER]    EFER STAR LSTAR CSTAR SFMASK SYSENTER_CS/ESP/EIP FS_BASE GS_BASE\n"
    "                       KERNEL_GS_BASE TSC_AUX PAT APIC_BASE MISC_ENABLE\n"
    "  gdt                  the GDT's descriptors\n"
    "  idt [VECTOR]         the IDT's present gates (or one)\n"
    "  tss                  the TSS (RSP0-2, IST1-7 / ESP0, SS0 ...)\n"
    "  segs                 segment registers with their hidden base, limit, DPL, L/D\n"
    "  cpu [intel|amd]      the modelled CPU (read-only: --cpu= chooses it)\n"
    "  kernel-steps on|off  on: stepi enters the kernel; off: a system call steps as one\n"
    "                       instruction, as on real Linux\n"
    "  kernel-symbols       the add-symbol-file command for the kernel image\n"
    "  history              how many instructions reverse execution can undo\n";

static const char *skip_ws(const char *s) {
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

char *gdb_monitor(Dbg *d, const char *cmd) {
    char *out = malloc(OUT_MAX);
    if (!out) return NULL;
    out[0] = 0;
    cmd = skip_ws(cmd);
    char word[32] = "";
    size_t k = 0;
    while (cmd[k] && cmd[k] != ' ' && k < sizeof word - 1) {
        word[k] = cmd[k];
        k++;
    }
    word[k] = 0;
    const char *arg = skip_ws(cmd + k);
    char argbuf[64];
    snprintf(argbuf, sizeof argbuf, "%s", arg);
    for (char *e = argbuf + strlen(argbuf); e > argbuf && (e[-1] == ' ' || e[-1] == '\n');)
        *--e = 0;
    if (!strcmp(word, "ring")) {
        dbg_view_ring(d, out, OUT_MAX);
    } else if (!strcmp(word, "msr")) {
        if (dbg_view_msr(d, argbuf, out, OUT_MAX) < 0)
            snprintf(out, OUT_MAX, "unknown MSR '%s' (monitor help lists them)\n", argbuf);
    } else if (!strcmp(word, "gdt")) {
        dbg_view_gdt(d, out, OUT_MAX);
    } else if (!strcmp(word, "idt")) {
        if (dbg_view_idt(d, argbuf, out, OUT_MAX) < 0)
            snprintf(out, OUT_MAX, "bad vector '%s' (0-255)\n", argbuf);
    } else if (!strcmp(word, "tss")) {
        dbg_view_tss(d, out, OUT_MAX);
    } else if (!strcmp(word, "segs")) {
        dbg_view_segs(d, out, OUT_MAX);
    } else if (!strcmp(word, "cpu")) {
        dbg_view_cpu(d, out, OUT_MAX);
        if (argbuf[0]) {
            int want_amd = !strncmp(argbuf, "amd", 3);
            int is_amd = d->c->vendor == CPU_AMD;
            size_t n = strlen(out);
            snprintf(out + n, OUT_MAX - n,
                     "%s: the model is chosen at start with --cpu=%s (read-only here)\n",
                     want_amd == is_amd ? "already modelled" : "not changed",
                     want_amd ? "amd" : "intel");
        }
    } else if (!strcmp(word, "kernel-steps")) {
        if (!strcmp(argbuf, "on"))
            d->kernel_steps = 1;
        else if (!strcmp(argbuf, "off"))
            d->kernel_steps = 0;
        else if (argbuf[0]) {
            snprintf(out, OUT_MAX, "kernel-steps on|off\n");
            return out;
        }
        snprintf(out, OUT_MAX, "kernel-steps %s\n", d->kernel_steps ? "on" : "off");
    } else if (!strcmp(word, "kernel-symbols")) {
        const char *k = gdb_kernel_elf(d->p);
        if (k)
            snprintf(out, OUT_MAX, "add-symbol-file %s\n", k);
        else
            snprintf(out, OUT_MAX,
                     "the kernel image (ringside-kernel.elf) is not next to ringside\n");
    } else if (!strcmp(word, "history")) {
        if (dbg_has_history(d))
            snprintf(out, OUT_MAX, "history on: %llu instructions can be undone\n",
                     (unsigned long long)hist_count(d->hist));
        else
            snprintf(out, OUT_MAX, "history off (start ringside with --history[=N])\n");
    } else if (!strcmp(word, "help") || !word[0]) {
        snprintf(out, OUT_MAX, "%s", help);
    } else {
        snprintf(out, OUT_MAX, "unknown monitor command '%s'\n%s", word, help);
    }
    return out;
}
