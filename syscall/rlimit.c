/* Resource limits. Most pass straight to the host (the guest's limits are
 * the host process's: open files, stack, CPU time ... behave natively).
 * The two that describe the guest's address space cannot: the host process
 * is ringside, whose own mappings are not the guest's. RLIMIT_AS and
 * RLIMIT_DATA of the process itself are kept here and enforced by mm.c over
 * the guest's mappings (may_expand_vm), starting from the host's values or
 * from --max-memory. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys_internal.h"

static uint64_t *virtual_limit(Proc *p, int pid, unsigned res) {
    if (pid != 0 && pid != getpid()) return NULL; /* another process: the host's */
    if (res == RLIMIT_AS) return p->rlim_as;
    if (res == RLIMIT_DATA) return p->rlim_data;
    return NULL;
}

/* Raising a hard limit needs CAP_SYS_RESOURCE in the effective set. */
static int has_cap_resource(void) {
    struct {
        uint32_t version;
        int pid;
    } hdr = {0x20080522 /* _LINUX_CAPABILITY_VERSION_3 */, 0};
    struct {
        uint32_t effective, permitted, inheritable;
    } data[2];
    if (syscall(SYS_capget, &hdr, data) != 0) return 0;
    return (data[0].effective >> 24 /* CAP_SYS_RESOURCE */) & 1;
}

void rlimit_init(Proc *p, uint64_t max_memory) {
    struct rlimit r;
    p->rlim_as[0] = p->rlim_as[1] = p->rlim_data[0] = p->rlim_data[1] = RLIM_INFINITY;
    if (getrlimit(RLIMIT_AS, &r) == 0) p->rlim_as[0] = r.rlim_cur, p->rlim_as[1] = r.rlim_max;
    if (getrlimit(RLIMIT_DATA, &r) == 0) p->rlim_data[0] = r.rlim_cur, p->rlim_data[1] = r.rlim_max;
    if (max_memory) {
        for (int k = 0; k < 2; k++)
            if (p->rlim_as[k] > max_memory) p->rlim_as[k] = max_memory;
    }
}

int64_t rlimit_op(Proc *p, int pid, unsigned res, const uint64_t *nv, uint64_t *ov) {
    uint64_t *v = virtual_limit(p, pid, res);
    if (!v) return host_ret(syscall(SYS_prlimit64, pid, res, nv, ov));
    if (nv && nv[0] > nv[1]) return -EINVAL;
    if (nv && nv[1] > v[1] && !has_cap_resource()) return -EPERM; /* as the host would say */
    if (ov) ov[0] = v[0], ov[1] = v[1];
    if (nv) v[0] = nv[0], v[1] = nv[1];
    return 0;
}
