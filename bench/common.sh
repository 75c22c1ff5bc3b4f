# shellcheck shell=bash
# Shared by run.sh and profile.sh (sourced, not run): workload table, program build, commands.
# Expects HERE (this directory) to be set by the caller.

OUT="$HERE/out"
CC=${CC:-gcc}
BUSYBOX=${BUSYBOX:-/bin/busybox}

# name | kind (cpu: counts in the geometric mean) | full size | --quick size | description.
# Full sizes give ~0.2-0.3 s natively on the reference host; quick sizes are about a tenth.
WORKLOADS=(
    "int|cpu|100|10|integer: PRNG, FNV hash, sieve, merge sort, 64-bit DIV/IDIV"
    "mem|cpu|80|8|memory/string: glibc memcpy/memset/memcmp/strlen/memchr/memmove, 7 B-256 KiB"
    "fp|cpu|500|50|floating point: n-body (scalar SSE2 doubles) + 96x96 matmul (packed)"
    "syscall|sys|2000000|200000|raw syscall(SYS_getppid) loop: one ring 3->0->3 round trip each"
    "clock|sys|4000000|400000|clock_gettime(CLOCK_MONOTONIC) loop through the vDSO (no system call)"
    "sha256|cpu|32|4|busybox sha256sum of N MiB of pseudo-random bytes (real program, read loop)"
)

# Build bench/programs/*.c into bench/out/ (only when a source is newer than its binary).
build_programs() {
    mkdir -p "$OUT"
    local src bin
    for src in "$HERE"/programs/*.c; do
        bin="$OUT/$(basename "$src" .c)"
        if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
            echo "building $(basename "$bin")" >&2
            "$CC" -O2 -static -o "$bin" "$src" -lm || { echo "cannot build $src" >&2; return 1; }
        fi
    done
}

# workload_field NAME FIELD(1-5) -> that field of NAME's row; fails for an unknown name.
workload_field() {
    local w
    for w in "${WORKLOADS[@]}"; do
        [ "${w%%|*}" = "$1" ] && { echo "$w" | cut -d'|' -f"$2"; return 0; }
    done
    return 1
}

# workload_cmd NAME SIZE DIR -> sets CMD (array) to run NAME in working directory DIR, creating
# its input files there.
# shellcheck disable=SC2034 # CMD is read by the caller
workload_cmd() {
    case $1 in
    sha256)
        [ -x "$BUSYBOX" ] || { echo "no $BUSYBOX (apt-get install busybox-static)" >&2; return 1; }
        "$OUT/mkdata" "$2" >"$3/data.bin" || { echo "cannot write $3/data.bin" >&2; return 1; }
        CMD=("$BUSYBOX" sha256sum data.bin) ;;
    *) CMD=("$OUT/$1" "$2") ;;
    esac
}
