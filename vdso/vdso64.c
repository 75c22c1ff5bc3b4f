/* Maps the embedded 64-bit vDSO (linux-vdso.so.1) and the [vvar] pages below
 * it into a guest address space, in Linux 6.18's layout:
 *   [vvar]        4 pages, r--  (the first holds the clock data, vvar.h)
 *   [vvar_vclock] 2 pages, r--  (paravirtual clock pages: zero here)
 *   [vdso]        the image, r-x */
#include "vdso/vdso.h"
#include "vdso/vvar.h"

extern const uint8_t ringside_vdso64_image[], ringside_vdso64_image_end[];

#define VVAR_BYTES ((uint64_t)(RS_VVAR_PAGES + RS_VCLOCK_PAGES) * PAGE_SIZE)

const uint8_t *vdso64_image(size_t *len) {
    if (len) *len = (size_t)(ringside_vdso64_image_end - ringside_vdso64_image);
    return ringside_vdso64_image;
}

/* Linux 6.18's image takes two pages; a smaller one is padded to two so that
 * everything mapped below it lands where it does natively. */
#define VDSO64_MIN_PAGES 2

size_t vdso64_size(void) {
    size_t n = (size_t)(ringside_vdso64_image_end - ringside_vdso64_image);
    n = (n + PAGE_SIZE - 1) & PAGE_MASK;
    if (n < VDSO64_MIN_PAGES * PAGE_SIZE) n = VDSO64_MIN_PAGES * PAGE_SIZE;
    return VVAR_BYTES + n;
}

int vdso64_map(Mem *m, uint64_t addr, Vdso64Info *out) {
    size_t len, size = vdso64_size();
    const uint8_t *img = vdso64_image(&len);
    if (!m || !addr || (addr & ~PAGE_MASK) || !mem_canonical(addr + size) ||
        addr + size > (1ull << 47))
        return -1;
    uint64_t vclock = addr + (uint64_t)RS_VVAR_PAGES * PAGE_SIZE, base = addr + VVAR_BYTES;
    if (mem_map(m, addr, RS_VVAR_PAGES * PAGE_SIZE, MEM_R | MEM_U, "[vvar]") != 0 ||
        mem_map(m, vclock, RS_VCLOCK_PAGES * PAGE_SIZE, MEM_R | MEM_U, "[vvar_vclock]") != 0 ||
        mem_map(m, base, size - VVAR_BYTES, MEM_R | MEM_X | MEM_U, "[vdso]") != 0 ||
        mem_write(m, base, img, len, 0) != 0) {
        mem_unmap(m, addr, size);
        return -1;
    }
    vvar_refresh(m, addr, 1);
    if (out) *out = (Vdso64Info){.vvar = addr, .base = base, .size = size};
    return 0;
}
