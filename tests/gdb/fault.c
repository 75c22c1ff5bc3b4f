/* A user page fault (a read of address 16): stepi on the faulting
 * instruction enters the page-fault entry with the error code pushed. */
int main(void) {
    int v;
    __asm__ volatile(".globl fault_insn\nfault_insn: movl 16, %0\n.globl after_fault\nafter_fault:"
                     : "=r"(v));
    return v;
}
