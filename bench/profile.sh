#!/usr/bin/env bash
# Profile ringside itself while it runs one benchmark workload, and print its hottest functions
# (self time), to guide optimisation of the interpreter.
#
# usage: bench/profile.sh [--quick] [--top N] [WORKLOAD]     (WORKLOAD default: int; --list)
# environment:
#   RINGSIDE=path           ringside binary (default: <repo>/build/ringside)
#   PROFILER=auto|perf|callgrind
#       auto (default): perf record on the hardware instructions counter when
#       `perf stat -e instructions true` can count it, else perf record on the cpu-clock
#       software timer (virtual machines often lack the counter), else valgrind callgrind.
# The profile data stays in bench/out/profile-WORKLOAD.{perf.data,callgrind} for perf report /
# perf annotate / callgrind_annotate.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
RINGSIDE=${RINGSIDE:-$ROOT/build/ringside}
PROFILER=${PROFILER:-auto}
. "$HERE/common.sh"

quick=0
top=25
name=int
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) quick=1 ;;
    --top) top=$2; shift ;;
    --top=*) top=${1#--top=} ;;
    --list)
        for w in "${WORKLOADS[@]}"; do echo "${w%%|*}: $(echo "$w" | cut -d'|' -f5)"; done
        exit 0 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "profile.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    *) name=$1 ;;
    esac
    shift
done

workload_field "$name" 1 >/dev/null || { echo "profile.sh: unknown workload '$name' (--list)" >&2; exit 2; }
[ -x "$RINGSIDE" ] || { echo "profile.sh: no ringside binary at $RINGSIDE (set RINGSIDE=path)" >&2; exit 2; }
RINGSIDE=$(cd "$(dirname "$RINGSIDE")" && pwd)/$(basename "$RINGSIDE")
build_programs || exit 2
size=$(workload_field "$name" 3)
[ $quick = 1 ] && size=$(workload_field "$name" 4)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ringside-profile.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
workload_cmd "$name" "$size" "$TMP" || exit 2

# Which profiler: perf needs a working perf_event_open (perf_event_paranoid, containers).
event=""
if [ "$PROFILER" = auto ] || [ "$PROFILER" = perf ]; then
    if command -v perf >/dev/null 2>&1; then
        n=$(perf stat -x, -e instructions true 2>&1 >/dev/null | awk -F, '/instructions/ { print $1 }')
        if [[ "$n" =~ ^[0-9]+$ ]]; then
            event=instructions
        elif perf record -q -e cpu-clock -o "$TMP/probe.data" true >/dev/null 2>&1; then
            event=cpu-clock
        fi
    fi
    if [ -z "$event" ] && [ "$PROFILER" = perf ]; then
        echo "profile.sh: perf cannot record here (see perf_event_paranoid)" >&2
        exit 2
    fi
fi
if [ -z "$event" ] && ! command -v valgrind >/dev/null 2>&1; then
    echo "profile.sh: neither a working perf nor valgrind (apt-get install valgrind)" >&2
    exit 2
fi

echo "workload: $name ($(workload_field "$name" 5)), size $size"
echo "command:  $RINGSIDE --stats ${CMD[*]}"
if [ -n "$event" ]; then
    data="$OUT/profile-$name.perf.data"
    echo "profiler: perf record -e $event (self time; data in $data)"
    (cd "$TMP" && perf record -q -e "$event" -o "$data" -- "$RINGSIDE" --stats "${CMD[@]}" \
        >"$TMP/stdout" 2>"$TMP/stderr")
    rc=$?
else
    data="$OUT/profile-$name.callgrind"
    echo "profiler: valgrind --tool=callgrind (instructions executed; data in $data)"
    (cd "$TMP" && valgrind -q --tool=callgrind --callgrind-out-file="$data" \
        "$RINGSIDE" --stats "${CMD[@]}" >"$TMP/stdout" 2>"$TMP/stderr")
    rc=$?
fi
grep '^ringside: ' "$TMP/stderr" | sed 's/^/guest:    /'
if [ $rc != 0 ]; then
    echo "profile.sh: ringside exited with status $rc; its stderr:" >&2
    grep -v '^ringside: [0-9.]* \(instructions\|s,\)' "$TMP/stderr" | head -10 >&2
fi
echo

bin=$(basename "$RINGSIDE")
if [ -n "$event" ]; then
    # Lines look like "  12.34%  ringside  [.] op_add_r64": keep ringside's own code.
    perf report -i "$data" --stdio --no-children --sort dso,symbol --percent-limit 0 2>/dev/null |
        awk -v bin="$bin" -v top="$top" '
        /^#/ || NF < 4 { next }
        { pct = $1; sub(/%/, "", pct); total[$2 == bin ? "ringside" : $2] += pct }
        $2 == bin && shown < top {
            sym = $4 # (newer perf appends IPC columns "-  -" after the symbol)
            if (!shown) printf "%8s  %s\n", "self %", "function (ringside only, share of all samples)"
            printf "%7.2f%%  %s\n", pct, sym; shown++ }
        END {
            printf "\nshare by object:"
            for (d in total) if (total[d] >= 0.5) printf "  %s %.1f%%", d, total[d]
            printf "\n" }'
else
    # "1,234 (12.34%)  file.c:function [/path/ringside]": keep ringside's own code.
    callgrind_annotate --threshold=100 "$data" 2>/dev/null |
        awk -v bin="$bin" -v top="$top" '
        /PROGRAM TOTALS/ || !match($0, /\( *[0-9.]+%\)/) { next }
        {
            pct = substr($0, RSTART, RLENGTH); gsub(/[() %]/, "", pct)
            nr = split(substr($0, RSTART + RLENGTH), rest, " ")
            fn = rest[1]; sub(/^.*:/, "", fn)
            obj = rest[nr]; gsub(/[][]/, "", obj); n = split(obj, parts, "/"); obj = parts[n]
            total[obj] += pct
            if (obj == bin && shown < top) {
                if (!shown) printf "%8s  %s\n", "self %", "function (ringside only, share of all instructions)"
                printf "%7.2f%%  %s\n", pct, fn; shown++
            }
        }
        END {
            printf "\nshare by object:"
            for (d in total) if (total[d] >= 0.5) printf "  %s %.1f%%", d, total[d]
            printf "\n" }'
fi
exit $rc
