/* Maps the embedded 32-bit vDSO (linux-gate.so.1) into a guest address space
 * and patches __kernel_vsyscall's entry for the CPU being modelled. */
#include "vdso/vdso.h"
#include "vdso/vvar.h"

#include "vdso32_offsets.h" /* generated at build time from the linked image */

extern const uint8_t ringside_vdso32_image[], ringside_vdso32_image_end[];

_Static_assert(VDSO32_OFF_INT80 - VDSO32_OFF_PATCH == 4, "vsyscall patch site is 4 bytes");
_Static_assert(VDSO32_OFF_LANDING - VDSO32_OFF_INT80 == 2, "int $0x80 precedes the landing");

/* The entry sequences (SDM encodings), indexed by VDSO32_ENTRY_*. The int $0x80
 * variant is the image's own content: a NOP that falls through. */
static const uint8_t entry_bytes[3][4] = {
    [VDSO32_ENTRY_INT80] = {0x0f, 0x1f, 0x40, 0x00},    /* nopl 0x0(%eax) */
    [VDSO32_ENTRY_SYSENTER] = {0x89, 0xe5, 0x0f, 0x34}, /* movl %esp,%ebp; sysenter */
    [VDSO32_ENTRY_SYSCALL] = {0x89, 0xcd, 0x0f, 0x05},  /* movl %ecx,%ebp; syscall */
};

static const Vdso32Layout layout = {
    .vsyscall = VDSO32_OFF_VSYSCALL,
    .patch = VDSO32_OFF_PATCH,
    .patch_len = VDSO32_OFF_INT80 - VDSO32_OFF_PATCH,
    .int80 = VDSO32_OFF_INT80,
    .landing = VDSO32_OFF_LANDING,
    .sigreturn = VDSO32_OFF_SIGRETURN,
    .rt_sigreturn = VDSO32_OFF_RT_SIGRETURN,
    .sigreturn_landing = VDSO32_OFF_SIGRETURN_LANDING,
    .rt_sigreturn_landing = VDSO32_OFF_RT_SIGRETURN_LANDING,
    .vvar = VDSO32_OFF_VVAR,
};

const uint8_t *vdso32_image(size_t *len) {
    if (len) *len = (size_t)(ringside_vdso32_image_end - ringside_vdso32_image);
    return ringside_vdso32_image;
}

const Vdso32Layout *vdso32_layout(void) { return &layout; }

const uint8_t *vdso32_entry_bytes(int kind) {
    if (kind < VDSO32_ENTRY_INT80 || kind > VDSO32_ENTRY_SYSCALL) return NULL;
    return entry_bytes[kind];
}

_Static_assert(VDSO32_VVAR_PAGES == RS_VVAR_PAGES + RS_VCLOCK_PAGES, "vvar pages");

/* Linux 6.18's image takes two pages; a smaller one is padded to two so that
 * everything mapped below it lands where it does natively. */
#define VDSO32_MIN_PAGES 2

size_t vdso32_size(void) {
    size_t n = (size_t)(ringside_vdso32_image_end - ringside_vdso32_image);
    n = (n + PAGE_SIZE - 1) & PAGE_MASK;
    return n < VDSO32_MIN_PAGES * PAGE_SIZE ? VDSO32_MIN_PAGES * PAGE_SIZE : n;
}

int vdso32_map(Mem *m, uint64_t addr, int vendor_is_intel_sysenter, int use_syscall,
               Vdso32Info *out) {
    size_t len, size = vdso32_size();
    const uint8_t *img = vdso32_image(&len);
    /* A 32-bit task sees only the low 4 GiB (AT_SYSINFO is a 32-bit word);
     * a base of 0 would read as "no vDSO" in AT_SYSINFO_EHDR. */
    uint64_t vvar = addr - (uint64_t)VDSO32_VVAR_PAGES * PAGE_SIZE;
    if (!m || addr < VDSO32_VVAR_PAGES * PAGE_SIZE + PAGE_SIZE || (addr & ~PAGE_MASK) ||
        addr > (1ull << 32) - size)
        return -1;
    int kind = use_syscall                ? VDSO32_ENTRY_SYSCALL
               : vendor_is_intel_sysenter ? VDSO32_ENTRY_SYSENTER
                                          : VDSO32_ENTRY_INT80;
    /* The region is read+execute for the guest; need=0 lets us fill it. */
    if (mem_map(m, vvar, RS_VVAR_PAGES * PAGE_SIZE, MEM_R | MEM_U, "[vvar]") != 0 ||
        mem_map(m, vvar + RS_VVAR_PAGES * PAGE_SIZE, RS_VCLOCK_PAGES * PAGE_SIZE, MEM_R | MEM_U,
                "[vvar_vclock]") != 0 ||
        mem_map(m, addr, size, MEM_R | MEM_X | MEM_U, "[vdso]") != 0) {
        mem_unmap(m, vvar, addr + size - vvar);
        return -1;
    }
    if (mem_write(m, addr, img, len, 0) != 0 ||
        mem_write(m, addr + layout.patch, entry_bytes[kind], layout.patch_len, 0) != 0) {
        mem_unmap(m, vvar, addr + size - vvar);
        return -1;
    }
    vvar_refresh(m, vvar, 1);
    if (out) {
        *out = (Vdso32Info){
            .base = addr,
            .size = size,
            .entry = addr + layout.vsyscall,
            .landing = addr + layout.landing,
            .sigreturn = addr + layout.sigreturn,
            .rt_sigreturn = addr + layout.rt_sigreturn,
            .kind = kind,
        };
    }
    return 0;
}
