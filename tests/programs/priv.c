/* priv: privileged and trapping instructions executed at CPL 3, selected by
 * argv[1]. What the host kernel does with each is the expected result:
 *   #GP -> SIGSEGV (139): cli sti hlt wrmsr rdmsr movcr0 movfromcr0 movdr7 inb outb
 *                         lgdt lidt invlpg clts swapgs sysretq wbinvd ltr lmsw
 *                         int10 xsetbv
 *   #UD -> SIGILL (132):  ud2 into monitor mwait
 *   #BP/#DB -> SIGTRAP (133): int3 int3long icebp
 *   int80: `int $0x80` from 64-bit code is a real i386 system call (no fault).
 * Left out on purpose: vmcall (under a hypervisor it returns to CPL 3 with an
 * error instead of #UD, so the native result depends on the host), sysenter
 * (vendor-specific), rdpmc (CR4.PCE), smsw/sgdt (UMIP emulation).
 * Each instruction carries a global label rs_at_MODE (see divzero.c). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define AT(name, insn) ".globl rs_at_" name "\nrs_at_" name ": " insn
static unsigned char tbl[16];

static void m_cli(void) { __asm__ volatile(AT("cli", "cli")); }
static void m_sti(void) { __asm__ volatile(AT("sti", "sti")); }
static void m_hlt(void) { __asm__ volatile(AT("hlt", "hlt")); }
static void m_wrmsr(void) {
    __asm__ volatile("xor %%eax,%%eax\n\txor %%edx,%%edx\n\tmov $0xc0000082,%%ecx\n\t" AT(
                         "wrmsr", "wrmsr") ::: "rax", "rcx", "rdx");
}
static void m_rdmsr(void) {
    __asm__ volatile("mov $0xc0000082,%%ecx\n\t" AT("rdmsr", "rdmsr") ::: "rax", "rcx", "rdx");
}
static void m_movcr0(void) {
    __asm__ volatile("xor %%eax,%%eax\n\t" AT("movcr0", "mov %%rax,%%cr0") ::: "rax");
}
static void m_movfromcr0(void) { __asm__ volatile(AT("movfromcr0", "mov %%cr0,%%rax") ::: "rax"); }
static void m_movdr7(void) {
    __asm__ volatile("xor %%eax,%%eax\n\t" AT("movdr7", "mov %%rax,%%db7") ::: "rax");
}
static void m_inb(void) { __asm__ volatile(AT("inb", "inb $0x80,%%al") ::: "rax"); }
static void m_outb(void) { __asm__ volatile(AT("outb", "outb %%al,$0x80") ::: "rax"); }
static void m_lgdt(void) { __asm__ volatile(AT("lgdt", "lgdt (%0)") ::"r"(tbl)); }
static void m_lidt(void) { __asm__ volatile(AT("lidt", "lidt (%0)") ::"r"(tbl)); }
static void m_invlpg(void) { __asm__ volatile(AT("invlpg", "invlpg (%0)") ::"r"(tbl)); }
static void m_clts(void) { __asm__ volatile(AT("clts", "clts")); }
static void m_swapgs(void) { __asm__ volatile(AT("swapgs", "swapgs")); }
static void m_sysretq(void) { __asm__ volatile(AT("sysretq", "sysretq")); }
static void m_wbinvd(void) { __asm__ volatile(AT("wbinvd", "wbinvd")); }
static void m_ltr(void) {
    __asm__ volatile("xor %%eax,%%eax\n\t" AT("ltr", "ltr %%ax") ::: "rax");
}
static void m_lmsw(void) {
    __asm__ volatile("xor %%eax,%%eax\n\t" AT("lmsw", "lmsw %%ax") ::: "rax");
}
static void m_int10(void) { __asm__ volatile(AT("int10", "int $0x10")); }
static void m_xsetbv(void) {
    __asm__ volatile("xor %%ecx,%%ecx\n\txor %%edx,%%edx\n\tmov $3,%%eax\n\t" AT(
                         "xsetbv", "xsetbv") ::: "rax", "rcx", "rdx");
}
static void m_ud2(void) { __asm__ volatile(AT("ud2", "ud2")); }
static void m_into(void) { __asm__ volatile(AT("into", ".byte 0xce")); } /* invalid in 64-bit */
static void m_monitor(void) {
    __asm__ volatile(AT("monitor", "monitor") ::"a"(tbl), "c"(0), "d"(0));
}
static void m_mwait(void) { __asm__ volatile(AT("mwait", "mwait") ::"a"(0), "c"(0)); }
static void m_int3(void) { __asm__ volatile(AT("int3", "int3")); }
static void m_int3long(void) { __asm__ volatile(AT("int3long", ".byte 0xcd, 0x03")); } /* int $3 */
static void m_icebp(void) { __asm__ volatile(AT("icebp", ".byte 0xf1")); }

/* i386 system calls through int $0x80 from a 64-bit process: getpid (20)
 * and write (4). Pointers must fit in 32 bits: this binary's data does when
 * it is not PIE; the harness runs this mode on non-PIE builds only. */
static const char int80_msg[] = "written by i386 write via int $0x80\n";
static void m_int80(void) {
    long pid32, n;
    __asm__ volatile("int $0x80" : "=a"(pid32) : "a"(20L) : "memory");
    printf("i386 getpid == getpid: %s\n", pid32 == (long)getpid() ? "yes" : "no");
    fflush(stdout);
    __asm__ volatile("int $0x80"
                     : "=a"(n)
                     : "a"(4L), "b"(1L), "c"((long)(unsigned long)int80_msg),
                       "d"((long)sizeof int80_msg - 1)
                     : "memory");
    printf("i386 write returned %ld\n", n);
    __asm__ volatile("int $0x80" : "=a"(n) : "a"(9999L) : "memory");
    printf("i386 unknown syscall returned %ld\n", n);
}

int main(int argc, char **argv) {
    static const struct {
        const char *name;
        void (*fn)(void);
    } modes[] = {
        {"cli", m_cli},       {"sti", m_sti},         {"hlt", m_hlt},
        {"wrmsr", m_wrmsr},   {"rdmsr", m_rdmsr},     {"movcr0", m_movcr0},
        {"movfromcr0", m_movfromcr0}, {"movdr7", m_movdr7}, {"inb", m_inb},
        {"outb", m_outb},     {"lgdt", m_lgdt},       {"lidt", m_lidt},
        {"invlpg", m_invlpg}, {"clts", m_clts},       {"swapgs", m_swapgs},
        {"sysretq", m_sysretq}, {"wbinvd", m_wbinvd}, {"ltr", m_ltr},
        {"lmsw", m_lmsw},     {"int10", m_int10},     {"xsetbv", m_xsetbv},
        {"ud2", m_ud2},       {"into", m_into},       {"monitor", m_monitor},
        {"mwait", m_mwait},   {"int3", m_int3},       {"int3long", m_int3long},
        {"icebp", m_icebp},   {"int80", m_int80},
    };
    if (argc != 2) {
        fprintf(stderr, "usage: priv MODE\n");
        return 2;
    }
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        if (strcmp(argv[1], modes[i].name)) continue;
        printf("priv: executing %s at CPL 3\n", argv[1]);
        fflush(stdout);
        modes[i].fn();
        printf("priv: %s completed without a fault\n", argv[1]);
        return 0;
    }
    fprintf(stderr, "priv: unknown mode %s\n", argv[1]);
    return 2;
}
