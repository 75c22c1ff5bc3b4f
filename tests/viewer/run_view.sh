#!/bin/sh
# run_view.sh RINGSIDE FIND_TEXT SRCDIR CASE: one viewer test (tests/viewer/README.md).
# The program runs natively first (the oracle for its output and status);
# then under `ringside --view` with a key script, headless
# (SDL_VIDEODRIVER=offscreen), and find_text checks the screenshot's panes.
# Exit 77 (skipped) without a display driver, the font or a compiler.
rs=$1 ft=$2 src=$3 case=$4
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

# build NAME SRC [dynamic] [CFLAGS...]: static and -nostdlib, or with
# "dynamic" a dynamic program over the system's C library
build() {
    n=$1 s=$2
    shift 2
    if [ "${1-}" = dynamic ]; then
        shift
    else
        case " $* " in *" -static-pie "*) ;; *) set -- "$@" -static ;; esac
        set -- "$@" -nostdlib
    fi
    if ! gcc "$@" -o "$tmp/$n" "$src/$s" 2>"$tmp/cc.err"; then
        echo "skipped: cannot build $s with gcc $*: $(head -1 "$tmp/cc.err")"
        exit 77
    fi
    "$tmp/$n" >"$tmp/$n.native" 2>&1
    echo $? >"$tmp/$n.native.status"
}

# view NAME KEYS [ringside options...]: run with the script, shot in $tmp/NAME.KEYS.png
view() {
    n=$1 keys=$2
    shift 2
    shot=$tmp/shot.png
    rm -f "$shot"
    "$rs" "$@" --view --view-keys="$keys" --view-shot="$shot" "$tmp/$n" >"$tmp/out" 2>"$tmp/err"
    st=$?
    if grep -q "cannot open a display\|cannot open a window" "$tmp/err"; then
        echo "skipped: $(grep ringside: "$tmp/err" | head -1)"
        exit 77
    fi
    if grep -q "no monospace font" "$tmp/err"; then
        echo "skipped: $(head -1 "$tmp/err")"
        exit 77
    fi
    if [ ! -s "$shot" ]; then
        echo "FAIL: keys '$keys': no screenshot (status $st)"
        cat "$tmp/err"
        exit 1
    fi
    echo "keys '$keys': status $st"
}

# same_as_native NAME: stdout and status of the last view equal the native run's
same_as_native() {
    if ! cmp -s "$tmp/out" "$tmp/$1.native" || [ "$st" != "$(cat "$tmp/$1.native.status")" ]; then
        echo "FAIL: output/status differ from native: ringside $st, native $(cat "$tmp/$1.native.status")"
        diff "$tmp/$1.native" "$tmp/out" | head -5
        fail=1
    fi
}

# has PANE TEXT [find_text options]: the text is in the pane of the last shot
has() {
    "$ft" "$tmp/shot.png" "$@"
    r=$?
    [ $r = 77 ] && exit 77
    [ $r = 0 ] || fail=1
}

# rings_to NAME PATTERN [ringside options...]: the key script that runs (`r`
# per ring transition, two per system call) to the return of the first
# system call --strace shows matching PATTERN (stdout a file, as in view(),
# since a program may ask whether it is a terminal): sets $keys
rings_to() {
    n=$1 pat=$2
    shift 2
    "$rs" "$@" --strace --trace-file="$tmp/strace" "$tmp/$n" >"$tmp/strace.out" 2>&1
    k=$(grep -n "^$pat" "$tmp/strace" | head -1 | cut -d: -f1)
    if [ -z "$k" ]; then
        echo "FAIL: no system call $pat under --strace"
        exit 1
    fi
    keys=$(awk -v n="$k" 'BEGIN { for (i = 0; i < 2 * n; i++) printf "r" }')
}

# defines FILE NAME: the ELF's dynamic symbol table defines the function NAME
defines() {
    if ! nm -D --defined-only "$1" 2>/dev/null | awk -v n="$2" '{ sub(/@.*/, "", $3) } $3 == n' |
        grep -q .; then
        echo "skipped: no $2 in nm -D $1"
        exit 77
    fi
}

# opened_defines LIB NAME: the library LIB* that the program opened under the
# last rings_to (its --strace) defines NAME
opened_defines() {
    f=$(sed -n 's/^openat(.*"\(\/[^"]*\/'"$1"'[^"]*\)".* = [0-9]*$/\1/p' "$tmp/strace" | head -1)
    [ -n "$f" ] || { echo "FAIL: the program opened no $1"; exit 1; }
    defines "$f" "$2"
}

case $case in
dynlibc64)
    # stopped in libc's write (a stripped libc: its .dynsym) on the
    # system call's return
    build dynw dyncall.c dynamic -O1
    rings_to dynw 'write(1, "hello'
    opened_defines libc.so write
    view dynw "$keys"
    same_as_native dynw
    has status "ring 3, write+" --bg cur
    has disasm "write+"
    has history "write+" --bg cur
    ;;
vdso64)
    # on the first instruction of the vDSO's __vdso_clock_gettime
    [ -f "$RS_VDSO_DIR/vdso64.so" ] || { echo "skipped: no vdso64.so"; exit 77; }
    defines "$RS_VDSO_DIR/vdso64.so" __vdso_clock_gettime
    build dynv dyncall.c dynamic -O1 -DLIB='"linux-vdso.so.1"' -DFN='"__vdso_clock_gettime"' -DARG0=1
    rings_to dynv 'getppid('
    view dynv "${keys}sss"
    same_as_native dynv
    has status "ring 3, __vdso_clock_gettime" --bg cur
    has status "ring 3, __vdso_clock_gettime+" --bg cur --absent
    has disasm "__vdso_clock_gettime+0x"
    ;;
dlopen64)
    # a library dlopen()ed after startup (the link_map list changed): libm's frexp
    build dynl dyncall.c dynamic -O1 -DLIB='"libm.so.6"' -DFN='"frexp"' -DARG0='(unsigned long)&e'
    rings_to dynl 'getppid('
    opened_defines libm.so frexp
    view dynl "${keys}sss"
    same_as_native dynl
    has status "ring 3, frexp" --bg cur
    has disasm "frexp+0x"
    has history "main+"
    ;;
vdso32)
    # a 32-bit glibc program: write enters the kernel through the vDSO's
    # __kernel_vsyscall, returns there (its four-instruction landing pad:
    # vdso/README.md), then to libc's write
    [ -f "$RS_VDSO_DIR/vdso32.so" ] || { echo "skipped: no vdso32.so"; exit 77; }
    defines "$RS_VDSO_DIR/vdso32.so" __kernel_vsyscall
    build dynw32 dyncall.c dynamic -O1 -m32
    for vendor in intel amd; do
        rings_to dynw32 'write(1, "hello' --cpu=$vendor
        view dynw32 "$keys" --cpu=$vendor
        same_as_native dynw32
        has status "ring 3, __kernel_vsyscall+" --bg cur
        has disasm "__kernel_vsyscall+0x"
        view dynw32 "${keys}ssss" --cpu=$vendor
        has status "ring 3, write+" --bg cur
    done
    ;;
sysroot32)
    # under --sysroot: ld.so and libc exist only in the i386 root (the
    # host has no /lib/i386-linux-gnu/libc.so.6), read through it
    root=$RS_ROOT32
    if [ ! -x "$root/bin/echo" ] || [ ! -f "$root/.complete" ]; then
        echo "skipped: no i386 root"
        exit 77
    fi
    libc=$root/lib/i386-linux-gnu/libc.so.6
    defines "$libc" write
    cp "$root/bin/echo" "$tmp/echo32"
    echo >"$tmp/echo32.native" # what echo without arguments writes
    echo 0 >"$tmp/echo32.native.status"
    rings_to echo32 'write(1, ' --sysroot="$root"
    view echo32 "${keys}ssss" --sysroot="$root"
    same_as_native echo32
    has status "ring 3, write+" --bg cur
    has disasm "write+0x"
    ;;
syscall64)
    build v64 view64.S
    view v64 ss
    same_as_native v64
    has mode "CPL 3"
    has mode "CPL 0" --absent
    has regs "rbx 0x0000000000002222" --bg changed
    has regs "rax 0x0000000000000000"
    view v64 ssr
    same_as_native v64
    has mode "CPL 0"
    has mode "CPL 3" --absent
    has status "ring 0, entry_SYSCALL_64" --bg statusbg
    # the address of msg from the program's symbol table
    msg=$(nm "$tmp/v64" | awk '$3 == "msg" { print $1 }' | sed 's/^0*//')
    has status "serving write(1, 0x$msg, 6)" --bg statusbg
    has history "syscall -> entry_SYSCALL_64"
    has disasm "entry_SYSCALL_64"
    has regs "rax 0x0000000000000001" --bg changed
    has regs "rbx 0x0000000000002222"
    has stack "user stack at CPL 0"
    has msrs "entry_SYSCALL_64"
    # continue: runs to the end at full speed, the status line says how it ended
    view v64 c
    same_as_native v64
    has status "program exited with status 0" --bg statusbg
    ;;
rewind64)
    build v64 view64.S
    view v64 "ss<Left>"
    has regs "rbx 0x0000000000001111" --bg changed
    has status "replaying" --bg statusbg
    view v64 "ss<Left><Left>"
    has regs "rbx 0x0000000000000000" --bg changed
    view v64 "ss<Left><Left><Right>"
    has regs "rbx 0x0000000000001111" --bg changed
    # back across the ring transition: from entry_SYSCALL_64 to the syscall
    view v64 "sssssss"
    has mode "CPL 0"
    view v64 "sssssss<Left>"
    has mode "CPL 3"
    has regs "rip 0x" --bg changed
    same_as_native v64
    ;;
memory64)
    build v64 view64.S
    # the message's address from the program's own symbol table
    msg=$(nm "$tmp/v64" | awk '$3 == "msg" { print $1 }' | sed 's/^0*//')
    [ -n "$msg" ] || { echo "skipped: no nm"; exit 77; }
    view v64 "g${msg}<Enter>"
    has memory "68 65 6c 6c 6f 0a"
    has memory "hello."
    view v64 "g${msg}<Enter><PgDn><PgUp>"
    has memory "68 65 6c 6c 6f 0a"
    same_as_native v64
    ;;
break64)
    build v64 view64.S
    # a breakpoint at the second instruction, hit again while replaying
    view v64 "sb<Left>c"
    has status "breakpoint at" --bg statusbg
    has regs "rbx 0x0000000000001111" --bg changed
    # without one: forward to the present, then live to the end
    view v64 "ss<Left>c"
    has status "replayed to the present" --bg statusbg
    has regs "rbx 0x0000000000002222" --bg changed
    # a breakpoint at a selected line ahead, hit live: stopped before it ran
    view v64 "<Down><Down>bc"
    has status "breakpoint at" --bg statusbg
    has regs "rbx 0x0000000000002222" --bg changed
    has regs "rax 0x0000000000000000"
    view v64 "sb<Left>cc"
    has status "program exited with status 0" --bg statusbg
    same_as_native v64
    ;;
fork)
    [ -x /bin/busybox ] || { echo "skipped: no /bin/busybox (busybox-static)"; exit 77; }
    cmd='echo a; (echo b); /bin/busybox true | /bin/busybox cat; echo c'
    /bin/busybox sh -c "$cmd" >"$tmp/native" 2>&1
    nst=$?
    "$rs" --view --view-keys=c --view-shot="$tmp/shot.png" /bin/busybox sh -c "$cmd" \
        >"$tmp/out" 2>"$tmp/err"
    st=$?
    grep -q "cannot open a display\|no monospace font" "$tmp/err" && { cat "$tmp/err"; exit 77; }
    if ! cmp -s "$tmp/native" "$tmp/out" || [ $st != $nst ]; then
        echo "FAIL: forking shell under --view: status $st (native $nst)"
        diff "$tmp/native" "$tmp/out"
        cat "$tmp/err"
        fail=1
    fi
    has status "program exited with status 0" --bg statusbg
    ;;
openfd)
    # the program's first open() gets the descriptor it gets natively
    build openfd openfd.S
    view openfd s
    same_as_native openfd
    view openfd c
    same_as_native openfd
    ;;
pie64)
    # a static PIE: its symbols moved by the load bias
    build v64pie view64.S -static-pie
    view v64pie ss
    same_as_native v64pie
    has disasm "_start+0x7"
    has history "_start+0x7"
    ;;
stepover64)
    build v64 view64.S
    view v64 ssssssn
    same_as_native v64
    has mode "CPL 3"
    has regs "rax 0x0000000000000006" --bg changed
    has history "sysret -> user"
    ;;
int80_32)
    build v32 view32.S -m32
    view v32 ss
    same_as_native v32
    has mode "CPL 3"
    has mode "compatibility mode"
    has regs "rbp 0x0000000000002222" --bg changed
    view v32 ssr
    same_as_native v32
    has mode "CPL 0"
    has history "int \$0x80 -> entry_INT80_compat"
    msg=$(nm "$tmp/v32" | awk '$3 == "msg" { print $1 }' | sed 's/^0*//')
    has status "serving write(1, 0x$msg, 6)" --bg statusbg
    ;;
int80_i386)
    build v32 view32.S -m32
    view v32 ssr --kernel=i386
    same_as_native v32
    has mode "CPL 0"
    has mode "legacy protected mode"
    has regs "ebp 0x00002222"
    has history "int \$0x80 -> entry_INT80_32"
    ;;
quit)
    build v64 view64.S
    view v64 sq
    # natively: a process killed by SIGKILL
    sh -c 'kill -9 $$'
    native=$?
    if [ "$st" != "$native" ] || [ -s "$tmp/out" ]; then
        echo "FAIL: q: status $st (native SIGKILL: $native), stdout '$(cat "$tmp/out")'"
        fail=1
    fi
    has mode "CPL 3"
    ;;
usage)
    build v64 view64.S
    for a in "--view --view-shot=$tmp/x.png" "--view --view-keys=s<Nope>" "--view-keys=s" \
        "--gdb=0 --view --view-keys=s"; do
        # shellcheck disable=SC2086
        "$rs" $a "$tmp/v64" >"$tmp/out" 2>"$tmp/err"
        st=$?
        if [ $st != 125 ] || [ "$(grep -c ringside: "$tmp/err")" != 1 ]; then
            echo "FAIL: $a: status $st (want 125 and one line)"
            cat "$tmp/err"
            fail=1
        else
            echo "ok: $a: $(cat "$tmp/err")"
        fi
    done
    # the environment twin
    RINGSIDE_VIEW=1 "$rs" --view-keys=s --view-shot="$tmp/shot.png" "$tmp/v64" >"$tmp/out" 2>"$tmp/err"
    st=$?
    grep -q "cannot open a display\|no monospace font" "$tmp/err" && { cat "$tmp/err"; exit 77; }
    same_as_native v64
    has mode "CPL 3"
    ;;
gdb64)
    # --view with --gdb: gdb steps into the kernel and the window follows;
    # `monitor view-keys` drives the same CPU from the viewer (r: back to
    # user mode), gdb sees where it went; the final shot shows the end.
    command -v gdb >/dev/null 2>&1 || { echo "skipped: no gdb"; exit 77; }
    build v64 view64.S
    "$rs" --gdb=0 --view --view-shot="$tmp/final.png" "$tmp/v64" >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    port=
    for i in $(seq 1 200); do
        port=$(sed -n 's/^ringside: waiting for gdb on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/err" | head -1)
        [ -n "$port" ] && break
        grep -q "cannot open a display\|no monospace font" "$tmp/err" && { cat "$tmp/err"; exit 77; }
        sleep 0.05
    done
    [ -n "$port" ] || { echo "FAIL: no gdb port"; cat "$tmp/err"; kill $pid; exit 1; }
    # the address after the first syscall, from the program's own code
    after=$(objdump -d "$tmp/v64" | awk '/syscall/ { getline; sub(":", "", $1); print $1; exit }')
    cat >"$tmp/s.gdb" <<EOS
set pagination off
target remote :$port
stepi 2
monitor view-shot $tmp/a.png
stepi 5
monitor view-shot $tmp/b.png
monitor view-keys r
maintenance flush register-cache
printf "pc-after %lx\\n", \$pc
monitor view-shot $tmp/c.png
continue
EOS
    timeout 60 gdb -nx -batch -x "$tmp/s.gdb" "$tmp/v64" >"$tmp/gdb.out" 2>&1
    wait $pid
    st=$?
    cat "$tmp/gdb.out"
    same_as_native v64
    grep -q "pc-after $after\$" "$tmp/gdb.out" || { echo "FAIL: gdb does not see the viewer's run to user mode (want pc $after)"; fail=1; }
    cp "$tmp/a.png" "$tmp/shot.png" || fail=1
    has mode "CPL 3"
    has regs "rbx 0x0000000000002222" --bg changed
    has status "stopped by gdb" --bg statusbg
    cp "$tmp/b.png" "$tmp/shot.png" || fail=1
    has mode "CPL 0"
    has status "ring 0, entry_SYSCALL_64" --bg statusbg
    has disasm "entry_SYSCALL_64"
    cp "$tmp/c.png" "$tmp/shot.png" || fail=1
    has mode "CPL 3"
    cp "$tmp/final.png" "$tmp/shot.png" || fail=1
    has status "program exited with status 0" --bg statusbg
    ;;
*)
    echo "unknown case $case"
    exit 2
    ;;
esac
[ $fail = 0 ] && echo PASS
exit $fail
