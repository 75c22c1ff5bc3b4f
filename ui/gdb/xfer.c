/* qXfer objects: features (target.xml), auxv (the vector the loader placed),
 * exec-file (the program's path) and libraries-svr4: the dynamic linker's
 * link_map list read from guest memory (r_debug through the program's
 * DT_DEBUG; names mapped through --sysroot to the host files), so that gdb
 * finds ld.so and the shared libraries, plus the
 * ring-0 kernel image as one more "library" at its link address so that
 * gdb names entry_SYSCALL_64 and the rest of the modelled kernel. */
#include <elf.h>
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

static uint64_t auxv_get(const Proc *p, int w, uint64_t type) {
    for (uint32_t off = 0; off + 2 * (uint32_t)w <= p->auxv_len; off += 2 * (uint32_t)w) {
        uint64_t t = 0, v = 0;
        memcpy(&t, p->auxv + off, (size_t)w);
        memcpy(&v, p->auxv + off + w, (size_t)w);
        if (t == AT_NULL) break;
        if (t == type) return v;
    }
    return 0;
}

static uint64_t rd_ptr(Dbg *d, uint64_t a, int w, int *ok) {
    uint64_t v = 0;
    if (dbg_read_mem(d, a, &v, (size_t)w) != (size_t)w) *ok = 0;
    return v;
}

/* The r_debug the dynamic linker published through DT_DEBUG, or 0. */
static uint64_t find_r_debug(Dbg *d, int w) {
    const Proc *p = d->p;
    uint64_t phdr = auxv_get(p, w, AT_PHDR), phnum = auxv_get(p, w, AT_PHNUM);
    if (!phdr || phnum > 256) return 0;
    uint64_t bias = 0, dyn = 0;
    int have_bias = 0;
    for (uint64_t k = 0; k < phnum; k++) {
        uint32_t type = 0;
        uint64_t vaddr = 0;
        uint64_t e = phdr + k * (w == 8 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr));
        if (dbg_read_mem(d, e, &type, 4) != 4) return 0;
        if (dbg_read_mem(d, e + (w == 8 ? 16 : 8), &vaddr, (size_t)w) != (size_t)w) return 0;
        if (type == PT_PHDR) {
            bias = phdr - vaddr;
            have_bias = 1;
        }
        if (type == PT_DYNAMIC) dyn = vaddr;
    }
    if (!dyn || !have_bias) return 0;
    dyn += bias;
    for (int k = 0; k < 512; k++) {
        int ok = 1;
        uint64_t tag = rd_ptr(d, dyn + (uint64_t)k * 2 * w, w, &ok);
        uint64_t val = rd_ptr(d, dyn + (uint64_t)k * 2 * w + w, w, &ok);
        if (!ok || tag == DT_NULL) return 0;
        if (tag == DT_DEBUG) return val;
    }
    return 0;
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
    int w = g->is32 ? 4 : 8;
    size_t cap = 65536, n = 0;
    char *x = malloc(cap);
    if (!x) return NULL;
    uint64_t rdebug = find_r_debug(d, w), main_lm = 0;
    int ok = 1;
    uint64_t lm =
        rdebug ? rd_ptr(d, rdebug + (uint64_t)w, w, &ok) : 0; /* r_map after int r_version */
    char libs[60000];
    size_t ln = 0;
    libs[0] = 0;
    for (int count = 0; lm && ok && count < 512; count++) {
        uint64_t l_addr = rd_ptr(d, lm, w, &ok), l_name = rd_ptr(d, lm + w, w, &ok);
        uint64_t l_ld = rd_ptr(d, lm + 2 * (uint64_t)w, w, &ok);
        uint64_t next = rd_ptr(d, lm + 3 * (uint64_t)w, w, &ok);
        if (!ok) break;
        char name[512] = "", esc[1024];
        if (l_name) {
            size_t got = dbg_read_mem(d, l_name, name, sizeof name - 1);
            name[got < sizeof name ? got : sizeof name - 1] = 0;
        }
        if (!count) {
            main_lm = lm;                                /* the program itself */
        } else if (name[0] && ln + 1200 < sizeof libs) { /* unnamed (musl's vDSO): no file */
            /* the file gdb should read: under --sysroot a guest path names a host
             * file elsewhere (gdb reads the local file system: no vFile here) */
            char hostbuf[4096];
            xml_escape(esc, sizeof esc, proc_host_path(d->p, name, hostbuf, sizeof hostbuf));
            ln += (size_t)snprintf(libs + ln, sizeof libs - ln,
                                   "<library name=\"%s\" lm=\"0x%llx\" l_addr=\"0x%llx\" "
                                   "l_ld=\"0x%llx\" lmid=\"0x0\"/>",
                                   esc, (unsigned long long)lm, (unsigned long long)l_addr,
                                   (unsigned long long)l_ld);
        }
        lm = next;
    }
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
