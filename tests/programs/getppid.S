/* getppid: the ring-transition trace test's subject (tests/trace/).
 *
 * Two getppid() calls, one write() of "ppid=N\n", one exit_group(0), all
 * through SYSCALL with RFLAGS, RCX and R11 set to known values first. Global
 * labels name each SYSCALL (rs_sysN) and the instruction after it (rs_retN,
 * where SYSRET must return and what RCX must hold); absolute symbols
 * rs_flagsN give the RFLAGS value in force at each SYSCALL (R11 on entry).
 * The checker reads all of them with nm, so nothing is written down twice.
 * Built with gcc -nostdlib -static -no-pie. */

        .globl  rs_flags1, rs_flags2, rs_flags3, rs_flags4
        .set    rs_flags1, 0xad7        /* OF SF ZF AF PF CF, IF, bit 1 */
        .set    rs_flags2, 0x687        /* DF SF PF CF, IF, bit 1 (entry must clear DF) */
        .set    rs_flags3, 0x202        /* IF, bit 1 */
        .set    rs_flags4, 0x246        /* ZF PF, IF, bit 1 */

        /* Set RFLAGS; then load rax/rcx/r11 with MOVs, which leave flags alone. */
        .macro  PREP flags, nr
        mov     $\flags, %eax
        push    %rax
        popfq
        mov     $\nr, %eax
        mov     $0x5a5a5a5a, %ecx
        mov     $0xa5a5a5a5, %r11d
        .endm

        .text
        .globl  _start, rs_sys1, rs_ret1, rs_sys2, rs_ret2, rs_sys3, rs_ret3, rs_sys4
_start:
        PREP    rs_flags1, 110          /* getppid */
rs_sys1: syscall
rs_ret1: mov    %rax, %rbx
        PREP    rs_flags2, 110
rs_sys2: syscall
rs_ret2: cld
        cmp     %rax, %rbx
        je      1f
        mov     $-1, %rbx               /* the two answers differ: print ppid=-1 */
1:
        /* "ppid=" then rbx in decimal, then "\n", built backwards in buf. */
        lea     buf_end(%rip), %rdi
        movb    $'\n', -1(%rdi)
        dec     %rdi
        mov     %rbx, %rax
        test    %rax, %rax
        jns     2f
        neg     %rax
2:      mov     $10, %ecx
3:      xor     %edx, %edx
        div     %rcx
        add     $'0', %dl
        dec     %rdi
        mov     %dl, (%rdi)
        test    %rax, %rax
        jnz     3b
        test    %rbx, %rbx
        jns     4f
        dec     %rdi
        movb    $'-', (%rdi)
4:      sub     $5, %rdi
        movl    $0x64697070, (%rdi)     /* "ppid" */
        movb    $'=', 4(%rdi)
        lea     buf_end(%rip), %rdx
        sub     %rdi, %rdx              /* length */
        mov     %rdi, %rsi
        PREP    rs_flags3, 1            /* write(1, rsi, rdx) */
        mov     $1, %edi
rs_sys3: syscall
rs_ret3: mov    %rax, %rdi              /* bytes written; unused */
        PREP    rs_flags4, 231          /* exit_group(0) */
        xor     %edi, %edi
rs_sys4: syscall
        hlt

        .bss
buf:    .skip   64
buf_end:
        .section .note.GNU-stack, "", @progbits
