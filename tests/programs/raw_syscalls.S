/* raw_syscalls: system calls without libc, each result turned into one
 * "name: ok" or "name: FAIL" line, then exit_group(3).
 *   brk       brk(0) then brk(cur+8192) returns the new break; memory is writable
 *   mmap      anonymous 2-page mapping, zero-filled, writable; munmap -> 0
 *   efault    write(1, 0x10, 5) returns -EFAULT (-14)
 *   ebadf     close(-1) returns -EBADF (-9)
 *   pidtid    getpid() == gettid()
 *   regs      SYSCALL keeps every register but rax, rcx, r11; rcx = the return
 *             address, r11 = RFLAGS from before, and RFLAGS comes back intact
 *   uname     uname().sysname is "Linux"
 *   stdin     read(0) of the harness's input, echoed back with write(1)
 * Built with gcc -nostdlib -static -no-pie. */

        .macro  SAY label, len
        mov     $1, %eax
        mov     $1, %edi
        lea     \label(%rip), %rsi
        mov     $\len, %edx
        syscall
        .endm

        /* Print "NAME: ok" when ZF is set, else "NAME: FAIL". */
        .macro  VERDICT name, len
        pushfq
        SAY     \name, \len
        popfq
        jnz     9001f
        SAY     ok, 3
        jmp     9002f
9001:   SAY     fail, 5
9002:
        .endm

        .text
        .globl  _start
_start:
        /* brk */
        mov     $12, %eax
        xor     %edi, %edi
        syscall
        mov     %rax, %rbx              /* current break */
        lea     8192(%rbx), %rdi
        mov     $12, %eax
        syscall
        lea     8192(%rbx), %rdx
        cmp     %rdx, %rax
        jne     1f
        movq    $0x1234, 8000(%rbx)     /* the new memory is writable */
        cmpq    $0x1234, 8000(%rbx)
1:      VERDICT n_brk, 5

        /* mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) */
        mov     $9, %eax
        xor     %edi, %edi
        mov     $8192, %esi
        mov     $3, %edx
        mov     $0x22, %r10d
        mov     $-1, %r8
        xor     %r9d, %r9d
        syscall
        cmp     $-4096, %rax
        ja      2f                      /* -errno: ZF is clear */
        mov     %rax, %rbx
        cmpq    $0, 4096(%rbx)          /* anonymous memory starts zeroed */
        jne     2f
        movl    $0xabcdef, 4100(%rbx)
        mov     $11, %eax               /* munmap */
        mov     %rbx, %rdi
        mov     $8192, %esi
        syscall
        test    %rax, %rax
2:      VERDICT n_mmap, 6

        mov     $1, %eax                /* write(1, 0x10, 5) */
        mov     $1, %edi
        mov     $0x10, %esi
        mov     $5, %edx
        syscall
        cmp     $-14, %rax
        VERDICT n_efault, 8

        mov     $3, %eax                /* close(-1) */
        mov     $-1, %edi
        syscall
        cmp     $-9, %rax
        VERDICT n_ebadf, 7

        mov     $39, %eax               /* getpid */
        syscall
        mov     %rax, %rbx
        mov     $186, %eax              /* gettid */
        syscall
        cmp     %rax, %rbx
        VERDICT n_pidtid, 8

        /* Register effects of SYSCALL as user mode sees them. */
        mov     $0x1111, %rbx
        mov     $0x2222, %rdx
        mov     $0x3333, %rsi
        mov     $0x4444, %rdi
        mov     $0x5555, %rbp
        mov     $0x8888, %r8
        mov     $0x9999, %r9
        mov     $0xaaaa, %r10
        mov     $0xcccc, %r12
        mov     $0xdddd, %r13
        mov     $0xeeee, %r14
        mov     $0xffff, %r15
        mov     %rsp, saved_rsp(%rip)
        mov     $0x8d7, %eax            /* OF SF ZF AF PF CF and bit 1 (IF stays set) */
        push    %rax
        popfq
        pushfq                          /* the flags really in force, for comparing */
        popq    saved_flags(%rip)
        mov     $39, %eax               /* getpid; MOVs leave the flags alone */
        mov     $0x7777, %ecx
        mov     $0xbbbb, %r11d
        syscall
        .globl  rs_after_regs_syscall
rs_after_regs_syscall:
        pushfq
        popq    flags_after(%rip)
        cmp     $0x1111, %rbx
        jne     3f
        cmp     $0x2222, %rdx
        jne     3f
        cmp     $0x3333, %rsi
        jne     3f
        cmp     $0x4444, %rdi
        jne     3f
        cmp     $0x5555, %rbp
        jne     3f
        cmp     $0x8888, %r8
        jne     3f
        cmp     $0x9999, %r9
        jne     3f
        cmp     $0xaaaa, %r10
        jne     3f
        cmp     $0xcccc, %r12
        jne     3f
        cmp     $0xdddd, %r13
        jne     3f
        cmp     $0xeeee, %r14
        jne     3f
        cmp     $0xffff, %r15
        jne     3f
        cmp     saved_rsp(%rip), %rsp
        jne     3f
        lea     rs_after_regs_syscall(%rip), %rax
        cmp     %rax, %rcx
        jne     3f
        cmp     saved_flags(%rip), %r11
        jne     3f
        mov     flags_after(%rip), %rax
        cmp     saved_flags(%rip), %rax
3:      VERDICT n_regs, 6

        mov     $63, %eax               /* uname */
        lea     utsname(%rip), %rdi
        syscall
        test    %rax, %rax
        jnz     4f
        cmpl    $0x756e694c, utsname(%rip)      /* "Linu" */
        jne     4f
        cmpw    $0x0078, utsname+4(%rip)        /* "x\0" */
4:      VERDICT n_uname, 7

        SAY     n_stdin, 7
        xor     %eax, %eax              /* read(0, buf, 256) */
        xor     %edi, %edi
        lea     buf(%rip), %rsi
        mov     $256, %edx
        syscall
        test    %rax, %rax
        js      5f
        mov     %rax, %rdx              /* write(1, buf, n) */
        mov     $1, %eax
        mov     $1, %edi
        lea     buf(%rip), %rsi
        syscall
5:
        mov     $231, %eax              /* exit_group(3) */
        mov     $3, %edi
        syscall
        hlt

        .section .rodata
ok:       .ascii "ok\n"
fail:     .ascii "FAIL\n"
n_brk:    .ascii "brk: "
n_mmap:   .ascii "mmap: "
n_efault: .ascii "efault: "
n_ebadf:  .ascii "ebadf: "
n_pidtid: .ascii "pidtid: "
n_regs:   .ascii "regs: "
n_uname:  .ascii "uname: "
n_stdin:  .ascii "stdin: "

        .bss
        .balign 8
saved_rsp:   .skip 8
saved_flags: .skip 8
flags_after: .skip 8
utsname:     .skip 6 * 65
buf:         .skip 256
        .section .note.GNU-stack, "", @progbits
