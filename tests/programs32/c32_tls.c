/* c32_tls: segments a 32-bit process defines for itself.
 *   get_thread_area of glibc's TLS entry (12) and of free ones; set_thread_area
 *   with entry -1 (allocation, written back), loading the selector into FS
 *   and reading through it, rewriting and clearing an entry while FS holds
 *   it (Linux reloads the register), the validation rules (16-bit, code,
 *   not-present, out of range, no free entry).
 *   modify_ldt: the default LDT, reading before and after writes, an entry
 *   loaded into FS, ES refreshed when its LDT entry changes or is cleared,
 *   old and new write modes, conforming code, the error cases.
 * GS (glibc's thread pointer) is never touched; ES is changed only inside
 * single asm blocks that put it back. Built -m32. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __i386__
#error "an i386 program: build with -m32"
#endif

struct udesc {
    uint32_t entry, base, limit;
    uint32_t seg_32bit : 1, contents : 2, read_exec_only : 1, limit_in_pages : 1,
        seg_not_present : 1, useable : 1, lm : 1;
};

static long sc_r;
#define SC(...)           (errno = 0, sc_r = syscall(__VA_ARGS__), sc_r < 0 ? -errno : sc_r)
#define SHOW(label, expr) printf("%-40s %ld\n", label, (long)(expr))

static void show_desc(const char *label, const struct udesc *d) {
    printf("%s: entry=%d limit=%#x 32bit=%u contents=%u ro=%u pages=%u notpresent=%u useable=%u "
           "lm=%u\n",
           label, (int)d->entry, d->limit, d->seg_32bit, d->contents, d->read_exec_only,
           d->limit_in_pages, d->seg_not_present, d->useable, d->lm);
}

static uint16_t get_fs(void) {
    uint16_t s;
    __asm__ volatile("mov %%fs, %0" : "=r"(s));
    return s;
}
static void set_fs(uint16_t s) { __asm__ volatile("mov %0, %%fs" ::"r"(s)); }
static uint32_t fs_word(uint32_t off) {
    uint32_t v;
    __asm__ volatile("movl %%fs:(%1), %0" : "=r"(v) : "r"(off));
    return v;
}

static uint32_t buf1[4] = {0x11111111, 0x11112222, 0, 0}, buf2[4] = {0x22222222, 0x22223333, 0, 0};

static void tls_checks(void) {
    struct udesc d;
    memset(&d, 0, sizeof d);
    d.entry = 12;
    SHOW("get_thread_area 12 (glibc's)", SC(SYS_get_thread_area, &d));
    uint32_t self;
    __asm__("movl %%gs:0, %0" : "=r"(self));
    show_desc("entry 12", &d);
    printf("entry 12 base == %%gs:0 (the TCB): %d\n", d.base == self);
    uint16_t gs;
    __asm__("mov %%gs, %0" : "=r"(gs));
    printf("gs selector %#x\n", gs);
    d.entry = 13;
    SHOW("get_thread_area 13 (free)", SC(SYS_get_thread_area, &d));
    show_desc("entry 13", &d);
    d.entry = 11;
    SHOW("get_thread_area 11", SC(SYS_get_thread_area, &d));
    d.entry = 15;
    SHOW("get_thread_area 15", SC(SYS_get_thread_area, &d));
    SHOW("get_thread_area EFAULT", SC(SYS_get_thread_area, (void *)16));

    struct udesc n = {(uint32_t)-1, (uint32_t)(uintptr_t)buf1, 0xfffff, 1, 0, 0, 1, 0, 1, 0};
    SHOW("set_thread_area -1", SC(SYS_set_thread_area, &n));
    printf("allocated entry %d\n", (int)n.entry);
    uint16_t sel = (uint16_t)(n.entry << 3 | 3);
    set_fs(sel);
    printf("fs=%#x fs:0=%#x fs:4=%#x\n", get_fs(), fs_word(0), fs_word(4));
    memset(&d, 0, sizeof d);
    d.entry = n.entry;
    (void)SC(SYS_get_thread_area, &d);
    show_desc("read back", &d);
    printf("base == buf1: %d\n", d.base == (uint32_t)(uintptr_t)buf1);
    /* rewritten while FS holds it: Linux reloads FS */
    n.base = (uint32_t)(uintptr_t)buf2;
    SHOW("set_thread_area same entry, new base", SC(SYS_set_thread_area, &n));
    printf("fs=%#x fs:0=%#x (buf2 is 0x22222222)\n", get_fs(), fs_word(0));
    /* a byte-granular limit */
    n.limit = 7;
    n.limit_in_pages = 0;
    SHOW("set_thread_area limit 7 bytes", SC(SYS_set_thread_area, &n));
    printf("fs:4=%#x\n", fs_word(4));
    /* validation */
    struct udesc bad = n;
    bad.seg_32bit = 0;
    SHOW("16-bit TLS segment", SC(SYS_set_thread_area, &bad));
    bad = n, bad.contents = 2;
    SHOW("code TLS segment", SC(SYS_set_thread_area, &bad));
    bad = n, bad.seg_not_present = 1;
    SHOW("not-present TLS segment", SC(SYS_set_thread_area, &bad));
    bad = n, bad.entry = 6;
    SHOW("entry 6", SC(SYS_set_thread_area, &bad));
    bad = n, bad.entry = 15;
    SHOW("entry 15", SC(SYS_set_thread_area, &bad));
    bad = n, bad.lm = 1;
    SHOW("lm bit set", SC(SYS_set_thread_area, &bad));
    SHOW("set_thread_area EFAULT", SC(SYS_set_thread_area, (void *)16));
    struct udesc third = {(uint32_t)-1, 0x1000, 0xfff, 1, 0, 0, 0, 0, 0, 0};
    SHOW("set_thread_area -1 (second free)", SC(SYS_set_thread_area, &third));
    printf("allocated entry %d\n", (int)third.entry);
    third.entry = (uint32_t)-1;
    SHOW("set_thread_area -1 (none free)", SC(SYS_set_thread_area, &third));
    printf("entry field left as %d\n", (int)third.entry);
    /* clearing: the all-zero descriptor and the "empty" one */
    struct udesc zero = {14, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    SHOW("clear 14 (all zero)", SC(SYS_set_thread_area, &zero));
    d.entry = 14;
    (void)SC(SYS_get_thread_area, &d);
    show_desc("entry 14 cleared", &d);
    /* the empty descriptor while FS holds the entry: FS is reloaded -> null */
    struct udesc empty = {n.entry, 0, 0, 0, 0, 1, 0, 1, 0, 0};
    SHOW("clear in-use entry (empty)", SC(SYS_set_thread_area, &empty));
    printf("fs after clearing its entry: %#x\n", get_fs());
    d.entry = n.entry;
    (void)SC(SYS_get_thread_area, &d);
    show_desc("cleared", &d);
}

/* int $0x80 modify_ldt with ES = sel around it, then ES:0 read and ES
 * restored; returns the syscall result, *val the word, *es the selector. */
static long ldt_with_es(uint16_t sel, int func, void *ptr, unsigned long count, uint32_t *val,
                        uint16_t *es) {
    long r;
    uint32_t v;
    uint16_t after;
    __asm__ volatile("push %%es\n\t"
                     "mov %w[sel], %%es\n\t"
                     "push %%ebx\n\t"
                     "mov %[func], %%ebx\n\t"
                     "int $0x80\n\t"
                     "pop %%ebx\n\t"
                     "mov %%es, %w[after]\n\t"
                     "xor %[v], %[v]\n\t"
                     "test $0xfffc, %w[after]\n\t"
                     "jz 1f\n\t"
                     "movl %%es:0, %[v]\n"
                     "1:\n\t"
                     "pop %%es"
                     : "=a"(r), [v] "=&r"(v), [after] "=&r"(after)
                     : "a"(SYS_modify_ldt), [func] "g"(func), "c"(ptr), "d"(count), [sel] "r"(sel)
                     : "memory");
    *val = v;
    *es = after;
    return r;
}

static void ldt_checks(void) {
    uint8_t raw[256];
    memset(raw, 0x5a, sizeof raw);
    SHOW("modify_ldt read default (200)", SC(SYS_modify_ldt, 2, raw, 200));
    int zeros = 1;
    for (int i = 0; i < 128; i++)
        zeros &= raw[i] == 0;
    printf("default LDT bytes zero: %d, byte 128 untouched: %d\n", zeros, raw[128] == 0x5a);
    SHOW("modify_ldt read (no LDT)", SC(SYS_modify_ldt, 0, raw, 64));
    struct udesc e0 = {0, (uint32_t)(uintptr_t)buf1, 0xfff, 1, 0, 0, 0, 0, 1, 0};
    SHOW("write entry 0 (new mode)", SC(SYS_modify_ldt, 0x11, &e0, sizeof e0));
    memset(raw, 0x5a, sizeof raw);
    SHOW("read 64 bytes", SC(SYS_modify_ldt, 0, raw, 64));
    uint64_t desc0;
    memcpy(&desc0, raw, 8);
    uint32_t base0 = (uint32_t)((desc0 >> 16 & 0xffffff) | (desc0 >> 56) << 24);
    printf("entry 0 descriptor without base %#llx, base == buf1 %d, rest zero: %d\n",
           (unsigned long long)(desc0 & ~(0xffffffull << 16 | 0xffull << 56)),
           base0 == (uint32_t)(uintptr_t)buf1, raw[8] == 0 && raw[63] == 0 && raw[64] == 0x5a);
    set_fs(0x7); /* entry 0, LDT, RPL 3 */
    printf("fs=%#x fs:0=%#x\n", get_fs(), fs_word(0));
    struct udesc e3 = {3, 0x2000, 0xff, 1, 3, 0, 0, 1, 0, 0};
    SHOW("conforming code, not present (new)", SC(SYS_modify_ldt, 0x11, &e3, sizeof e3));
    e3.seg_not_present = 0;
    SHOW("conforming code, present", SC(SYS_modify_ldt, 0x11, &e3, sizeof e3));
    e3.seg_not_present = 1;
    SHOW("conforming code, old mode", SC(SYS_modify_ldt, 1, &e3, sizeof e3));
    struct udesc e5 = {5, 0x3000, 0xffff, 0, 0, 0, 0, 0, 0, 0};
    SHOW("16-bit data segment", SC(SYS_modify_ldt, 1, &e5, sizeof e5));
    SHOW("read 48 bytes", SC(SYS_modify_ldt, 0, raw, 48));
    for (int i = 0; i < 6; i++) {
        uint64_t d;
        memcpy(&d, raw + 8 * i, 8);
        printf("  ldt[%d] = %#llx\n", i,
               (unsigned long long)(d & ~(0xffffffull << 16 | 0xffull << 56)));
    }
    e5.entry = 8192;
    SHOW("entry 8192", SC(SYS_modify_ldt, 1, &e5, sizeof e5));
    SHOW("bytecount 8", SC(SYS_modify_ldt, 1, &e5, 8));
    SHOW("func 5", SC(SYS_modify_ldt, 5, &e5, sizeof e5));
    SHOW("write EFAULT", SC(SYS_modify_ldt, 1, (void *)16, 16));
    SHOW("read EFAULT", SC(SYS_modify_ldt, 0, (void *)16, 16));
    /* ES holds entry 0 while it changes: refreshed (refresh_ldt_segments) */
    struct udesc e0b = e0;
    e0b.base = (uint32_t)(uintptr_t)buf2;
    uint32_t v;
    uint16_t es;
    long r = ldt_with_es(0x7, 0x11, &e0b, sizeof e0b, &v, &es);
    printf("rewrite entry 0 with ES on it: %ld es=%#x es:0=%#x\n", r, es, v);
    /* old mode with base 0 and limit 0 clears the entry: ES becomes null */
    struct udesc clr = {0, 0, 0, 1, 0, 0, 0, 0, 1, 0};
    r = ldt_with_es(0x7, 1, &clr, sizeof clr, &v, &es);
    printf("clear entry 0 with ES on it: %ld es=%#x\n", r, es);
    SHOW("read 8 bytes", SC(SYS_modify_ldt, 0, raw, 8));
    memcpy(&desc0, raw, 8);
    printf("entry 0 now %#llx\n", (unsigned long long)desc0);
    set_fs(0);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    tls_checks();
    ldt_checks();
    return 0;
}
