#!/usr/bin/env bash
# ringside benchmark suite: runs each workload natively, under ringside and under qemu-x86_64,
# N times each, checks every run's stdout and exit status against the native run, and prints a
# markdown table of medians, slowdown ratios and ringside's guest MIPS.
#
# usage: bench/run.sh [--quick] [--reps N] [--only w1,w2,...] [--list]
# environment:
#   RINGSIDE=path     ringside binary (default: <repo>/build/ringside)
#   QEMU=path         qemu-user binary (default: qemu-x86_64 on PATH)
#   CC=gcc            compiler for bench/programs/*.c (built -O2 -static into bench/out/)
#   BENCH_TIMEOUT=s   wall-clock limit for one run (default 900)
#   BENCH_KEEP=1      keep the temporary directory with every run's stdout/stderr
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
RINGSIDE=${RINGSIDE:-$ROOT/build/ringside}
QEMU=${QEMU:-qemu-x86_64}
TIMEOUT=${BENCH_TIMEOUT:-900}
. "$HERE/common.sh"

quick=0
reps=""
only=""
list=0
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) quick=1 ;;
    --reps) reps=$2; shift ;;
    --reps=*) reps=${1#--reps=} ;;
    --only) only=$2; shift ;;
    --only=*) only=${1#--only=} ;;
    --list) list=1 ;;
    -h | --help)
        awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
        exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done
if [ -z "$reps" ]; then
    if [ $quick = 1 ]; then reps=3; else reps=5; fi
fi
case "$reps" in '' | *[!0-9]* | 0) echo "run.sh: --reps needs a positive integer" >&2; exit 2 ;; esac

if [ $list = 1 ]; then
    for w in "${WORKLOADS[@]}"; do IFS="|" read -r n _ _ _ desc <<<"$w"; echo "$n: $desc"; done
    exit 0
fi

selected() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }

now() { # seconds since the epoch with microseconds; bash 5 has it builtin (no fork)
    if [ -n "${EPOCHREALTIME:-}" ]; then echo "${EPOCHREALTIME/,/.}"; else date +%s.%N; fi
}

median() { # numbers as arguments -> median on stdout
    printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {
        if (NR == 0) exit 1
        if (NR % 2) printf "%.6f\n", v[(NR + 1) / 2]
        else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

build_programs || exit 2

# --- what is available ----------------------------------------------------------------------
have_rs=1
if [ ! -x "$RINGSIDE" ]; then
    echo "run.sh: no ringside binary at $RINGSIDE (build it, or set RINGSIDE=path);" \
        "ringside columns will be n/a" >&2
    have_rs=0
fi
have_qemu=1
if ! command -v "$QEMU" >/dev/null 2>&1; then
    echo "run.sh: $QEMU not found (apt-get install qemu-user); qemu columns will be n/a" >&2
    have_qemu=0
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ringside-bench.XXXXXX")
if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "run.sh: keeping $TMP" >&2; else trap 'rm -rf "$TMP"' EXIT; fi

load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
    echo "run.sh: warning: load average is $load; timings will be noisy" >&2
fi

# run MODE NAME REP CMD... -> sets R_TIME, R_STATUS (ok|WRONG|FAIL rc|TIMEOUT), R_ICOUNT
run_one() {
    local mode=$1 name=$2 rep=$3
    shift 3
    local o="$TMP/$name.$mode.$rep.out" e="$TMP/$name.$mode.$rep.err" t0 t1 rc
    t0=$(now)
    (cd "$TMP" && exec timeout "$TIMEOUT" "$@" >"$o" 2>"$e" </dev/null)
    rc=$?
    t1=$(now)
    R_TIME=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
    R_ICOUNT=""
    if [ "$mode" = ringside ]; then
        R_ICOUNT=$(sed -n 's/^ringside: \([0-9][0-9]*\) instructions retired$/\1/p' "$e" | tail -1)
    fi
    if [ "$mode" = native ] && [ "$rep" = 1 ]; then
        cp "$o" "$TMP/$name.ref.out"
        REF_RC=$rc
    fi
    if [ $rc = 124 ]; then
        R_STATUS="TIMEOUT"
    elif [ $rc != "$REF_RC" ]; then
        R_STATUS="FAIL rc=$rc"
    elif ! cmp -s "$o" "$TMP/$name.ref.out"; then
        R_STATUS="WRONG"
    else
        R_STATUS=ok
    fi
    if [ "$R_STATUS" != ok ]; then
        {
            echo "run.sh: $name under $mode (run $rep): $R_STATUS (native exit status $REF_RC)"
            echo "  command: $*"
            diff "$TMP/$name.ref.out" "$o" | head -5 | sed 's/^/  stdout diff: /'
            grep -v '^ringside: [0-9.]* \(instructions\|s,\)' "$e" | head -5 | sed 's/^/  stderr: /'
        } >&2
    fi
}

cpu_name=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
echo "ringside bench: $reps run(s) per runner$([ $quick = 1 ] && echo ', --quick sizes'); host: ${cpu_name:-unknown}" >&2
echo "ringside: $RINGSIDE   qemu: $(command -v "$QEMU" 2>/dev/null || echo none)" >&2

rows=()
bad=0
for w in "${WORKLOADS[@]}"; do
    IFS='|' read -r name kind full qsize desc <<<"$w"
    selected "$name" || continue
    size=$full
    [ $quick = 1 ] && size=$qsize
    workload_cmd "$name" "$size" "$TMP" || continue
    cmd=("${CMD[@]}")
    echo "== $name ($desc), size $size" >&2
    nt=() rt=() qt=() ic=()
    rs_state=ok q_state=ok REF_RC=0
    for ((r = 1; r <= reps; r++)); do
        # Interleave the runners so a burst of background load hits all three alike.
        run_one native "$name" $r "${cmd[@]}"
        if [ "$R_STATUS" != ok ]; then
            echo "run.sh: native run of $name is not reproducible: $R_STATUS" >&2
            bad=1
        fi
        nt+=("$R_TIME")
        if [ $have_rs = 1 ] && [ "$rs_state" = ok ]; then
            run_one ringside "$name" $r "$RINGSIDE" --stats "${cmd[@]}"
            if [ "$R_STATUS" = ok ]; then
                rt+=("$R_TIME")
                [ -n "$R_ICOUNT" ] && ic+=("$R_ICOUNT")
            else
                rs_state=$R_STATUS
                bad=1
            fi
        fi
        if [ $have_qemu = 1 ] && [ "$q_state" = ok ]; then
            run_one qemu "$name" $r "$QEMU" "${cmd[@]}"
            if [ "$R_STATUS" = ok ]; then qt+=("$R_TIME"); else q_state=$R_STATUS; bad=1; fi
        fi
        echo "   run $r: native ${nt[-1]}s$([ ${#rt[@]} -ge $r ] && echo ", ringside ${rt[-1]}s")$([ ${#qt[@]} -ge $r ] && echo ", qemu ${qt[-1]}s")" >&2
    done
    nmed=$(median "${nt[@]}")
    if [ $have_rs = 0 ]; then rmed="n/a"
    elif [ "$rs_state" != ok ]; then rmed="$rs_state"
    else rmed=$(median "${rt[@]}"); fi
    if [ $have_qemu = 0 ]; then qmed="n/a"
    elif [ "$q_state" != ok ]; then qmed="$q_state"
    else qmed=$(median "${qt[@]}"); fi
    icount=""
    [ ${#ic[@]} -gt 0 ] && icount=$(median "${ic[@]}")
    rows+=("$name|$kind|$nmed|$rmed|$qmed|$icount")
done

# --- the table --------------------------------------------------------------------------------
is_num() { [[ "$1" =~ ^[0-9]+(\.[0-9]+)?$ ]]; }
ratio() { if is_num "$1" && is_num "$2"; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; else echo "-"; fi; }
secs() { if is_num "$1"; then printf '%.3f' "$1"; else printf '%s' "$1"; fi; }

echo
printf '| %-8s | %9s | %11s | %11s | %14s | %10s | %13s |\n' \
    workload "native s" "ringside s" "qemu s" "ringside/nat" "qemu/nat" "ringside MIPS"
printf '|%s|%s:|%s:|%s:|%s:|%s:|%s:|\n' ---------- ---------- ------------ ------------ \
    --------------- ----------- --------------
rs_logs=() q_logs=() rs_names="" q_names=""
for row in "${rows[@]}"; do
    IFS='|' read -r name kind n rs q icount <<<"$row"
    rr=$(ratio "$rs" "$n")
    qr=$(ratio "$q" "$n")
    mips="-"
    if is_num "$rs" && [ -n "$icount" ]; then
        mips=$(awk -v i="$icount" -v t="$rs" 'BEGIN { printf "%.0f", i / t / 1e6 }')
    fi
    if [ "$kind" = cpu ]; then
        if is_num "$rs"; then
            rs_logs+=("$(awk -v a="$rs" -v b="$n" 'BEGIN { print log(a / b) }')")
            rs_names+=" $name"
        fi
        if is_num "$q"; then
            q_logs+=("$(awk -v a="$q" -v b="$n" 'BEGIN { print log(a / b) }')")
            q_names+=" $name"
        fi
    fi
    printf '| %-8s | %9s | %11s | %11s | %14s | %10s | %13s |\n' \
        "$name" "$(secs "$n")" "$(secs "$rs")" "$(secs "$q")" "$rr" "$qr" "$mips"
done
geo() { if [ $# -eq 0 ]; then echo "-"; else printf '%s\n' "$@" | awk '{ s += $1 } END { printf "%.1f", exp(s / NR) }'; fi; }
echo
echo "geometric mean of ringside/native over the CPU-bound workloads:" \
    "$(geo "${rs_logs[@]}")x over${rs_names:- none}"
echo "geometric mean of qemu/native over the CPU-bound workloads:" \
    "$(geo "${q_logs[@]}")x over${q_names:- none}"
echo "medians of $reps run(s); wall-clock seconds; MIPS = guest instructions retired / ringside median"
[ $bad = 0 ] || echo "SOME RUNS FAILED OR GAVE WRONG OUTPUT (see above); their times are not reported"
exit $bad
