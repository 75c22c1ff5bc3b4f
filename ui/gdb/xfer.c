/* qXfer objects: features (target.xml), auxv (the vector the loader placed),
 * exec-file (the program's path) and libraries-svr4: the dynamic linker's
 * link_map list read from guest memory (dbg_link_map, ui/debug/linkmap.c;
 * names mapped through --sysroot to the host files), so that gdb
 * finds ld.so and the shared libraries, plus the
 * ring-0 kernel image as one more "library" at its link address so that
 * gdb names entry_SYSCALL_64 and the rest of the modelled kernel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gdb.h"

static char *dupmem(const void *p, size_t n) {
    char *r = malloc(n + 1);
    if (!r) return NULL;
    memcpy(r, p, n);
    r[n] = 0;
    return r;
}

static void xml_escape(char *out, size_t n, const char *s) {
    size_t k = 0;
    for (; *s && k + 7 < n; s++) {
        const char *e = NULL;
        if (*s == '<') e = "&lt;";
        if (*s == '>') e = "&gt;";
        if (*s == '&') e = "&amp;";
        if (*s == '"') e = "&quot;";
        if (e) {
            k += (size_t)snprintf(out + k, n - k, "%s", e);
        } else {
            out[k++] = *s;
        }
    }
    out[k] = 0;
}

static char *libraries_svr4(Dbg *d, const GdbRegs *g, size_t *len) {
    size_t cap = 65536, n = 0;
    char *x = malloc(cap);
    if (!x) return NULL;
    uint64_t main_lm = 0;
    char libs[60000];
    size_t ln = 0;
    libs[0] = 0;
    enum { MAX_LIBS = 512 };
    DbgLib *lm = malloc(MAX_LIBS * sizeof *lm);
    int nlm = lm ? dbg_link_map(d, g->is32, lm, MAX_LIBS, NULL) : -1;
    for (int k = 0; k < nlm; k++) {
        char esc[1024];
        if (!k) {
            main_lm = lm[k].lm;                                /* the program itself */
        } else if (lm[k].name[0] && ln + 1200 < sizeof libs) { /* unnamed (musl's vDSO): no file */
            /* the file gdb should read: under --sysroot a guest path names a host
             * file elsewhere (gdb reads the local file system: no vFile here) */
            char hostbuf[4096];
            xml_escape(esc, sizeof esc, proc_host_path(d->p, lm[k].name, hostbuf, sizeof hostbuf));
            ln +=
                (size_t)snprintf(libs + ln, sizeof libs - ln,
                                 "<library name=\"%s\" lm=\"0x%llx\" l_addr=\"0x%llx\" "
                                 "l_ld=\"0x%llx\" lmid=\"0x0\"/>",
                                 esc, (unsigned long long)lm[k].lm,
                                 (unsigned long long)lm[k].l_addr, (unsigned long long)lm[k].l_ld);
        }
    }
    free(lm);
    n += (size_t)snprintf(x + n, cap - n, "<library-list-svr4 version=\"1.0\"");
    if (main_lm)
        n += (size_t)snprintf(x + n, cap - n, " main-lm=\"0x%llx\"", (unsigned long long)main_lm);
    n += (size_t)snprintf(x + n, cap - n, ">%s", libs);
    /* the kernel image's symbols (a 32-bit view of the 64-bit kernel for
     * 32-bit programs under it) */
    const char *k = gdb_kernel_elf_for(d->p, g->is32);
    if (k) {
        char esc[1024];
        xml_escape(esc, sizeof esc, k);
        n += (size_t)snprintf(x + n, cap - n,
                              "<library name=\"%s\" lm=\"0x0\" l_addr=\"0x0\" l_ld=\"0x0\" "
                              "lmid=\"0x0\"/>",
                              esc);
    }
    n += (size_t)snprintf(x + n, cap - n, "</library-list-svr4>\n");
    *len = n;
    return x;
}

int gdb_xfer_object(Dbg *d, const GdbRegs *g, const char *object, const char *annex, char **out,
                    size_t *len) {
    if (!strcmp(object, "features")) {
        if (strcmp(annex, "target.xml")) return -1;
        const char *x = gdb_target_xml(g, len);
        *out = dupmem(x, *len);
        return *out ? 0 : -1;
    }
    if (!strcmp(object, "auxv")) {
        *len = d->p->auxv_len;
        *out = dupmem(d->p->auxv, *len);
        return *out ? 0 : -1;
    }
    if (!strcmp(object, "exec-file")) {
        *len = strlen(d->p->exe_path);
        *out = dupmem(d->p->exe_path, *len);
        return *out ? 0 : -1;
    }
    if (!strcmp(object, "libraries-svr4")) {
        *out = libraries_svr4(d, g, len);
        return *out ? 0 : -1;
    }
    return -1;
}

const char *gdb_kernel_elf(const Proc *p) { return gdb_kernel_elf_for(p, p->kernel32); }

const char *gdb_kernel_elf_for(const Proc *p, int is32) {
    static char path[4096 + 32];
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return NULL;
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (slash) *slash = 0;
    const char *name = p->kernel32 ? "ringside-kernel32.elf"
                       : is32      ? "ringside-kernel.i386-view.elf"
                                   : "ringside-kernel.elf";
    snprintf(path, sizeof path, "%s/%s", exe, name);
    return access(path, R_OK) == 0 ? path : NULL;
}
