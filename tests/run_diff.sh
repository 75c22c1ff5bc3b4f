#!/usr/bin/env bash
# run_diff.sh: run one program natively and under ringside, compare the two.
#
#   run_diff.sh --ringside PATH [options] -- PROGRAM [ARGS...]
#
# Both runs get the same arguments, the same small fixed environment (env -i
# plus --env extras and any *SAN_OPTIONS), the same stdin file, and the same current directory: a
# fresh empty scratch directory (same path both times, emptied and re-made
# before each run, then --setup run in it). "@WORK@" in ARGS becomes that
# directory's path. Native is the oracle: stdout, stderr and the exit status
# must match byte for byte, unless a mode below says otherwise.
#
# Options:
#   --ringside PATH      the emulator (or $RINGSIDE)
#   --ringside-arg ARG   extra option for ringside, before PROGRAM (repeatable)
#   --stdin FILE         stdin for both runs (default /dev/null)
#   --setup 'CMDS'       bash commands run in the scratch dir before each run
#   --env NAME=VALUE     add to the environment (repeatable)
#   --timeout SECONDS    per run (default 120)
#   --stdout-only        compare exit status and stdout only (for programs that
#                        make ringside print a by-design report on stderr)
#   --fault              the program dies of a signal: compare status and
#                        stdout; ringside's stderr must be the native stderr
#                        plus exactly one line
#                          ringside: SIGNAME (description) at 0xADDR: insn
#                        whose SIGNAME matches the exit status (128+signal)
#   --fault-at SYM|0xN   ...and ADDR must be symbol SYM's address in PROGRAM
#                        (nm; checked for ET_EXEC only, PIE load bases vary)
#   --fault-insn WORD    ...and the text after the address must contain WORD
#
# Exit: 0 same, 1 different (a unified diff is printed), 77 skipped
# (ringside binary missing, so nothing to compare against).
set -u

die() { echo "run_diff: $*" >&2; exit 1; }

ringside=${RINGSIDE:-}
stdin_file=/dev/null
setup=
timeout_s=120
mode=full
fault_at=
fault_insn=
rs_args=()
envs=(PATH=/usr/bin:/bin HOME=/nonexistent LC_ALL=C TZ=UTC RS_TEST=1)
# Sanitizer settings for an ASan/UBSan ringside (scripts/test.sh --asan) pass
# through to both runs, so the guest's environment stays the same in each.
for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
    [ -n "${!v:-}" ] && envs+=("$v=${!v}")
done

while [ $# -gt 0 ]; do
    case $1 in
    --ringside) ringside=$2; shift 2 ;;
    --ringside-arg) rs_args+=("$2"); shift 2 ;;
    --stdin) stdin_file=$2; shift 2 ;;
    --setup) setup=$2; shift 2 ;;
    --env) envs+=("$2"); shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --stdout-only) mode=stdout; shift ;;
    --fault) mode=fault; shift ;;
    --fault-at) mode=fault; fault_at=$2; shift 2 ;;
    --fault-insn) mode=fault; fault_insn=$2; shift 2 ;;
    --) shift; break ;;
    -*) die "unknown option $1" ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] || die "no PROGRAM given"
[ -n "$ringside" ] || die "no --ringside given"
prog=$1
shift

if [ ! -x "$ringside" ] || [ -d "$ringside" ]; then
    echo "SKIP: ringside binary not found at $ringside (not built?)"
    exit 77
fi
# The program is built by this project: its absence is a failure, not a skip.
[ -f "$prog" ] || die "program $prog does not exist (test programs not built?)"
[ -r "$stdin_file" ] || die "stdin file $stdin_file is not readable"
# Both runs happen inside the scratch directory: make the paths absolute.
prog=$(readlink -f -- "$prog")
ringside=$(readlink -f -- "$ringside")
stdin_file=$(readlink -f -- "$stdin_file")

scratch=$(mktemp -d "${TMPDIR:-/tmp}/rs-diff.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$scratch"' EXIT
work=$scratch/work

args=()
for a in "$@"; do args+=("${a//@WORK@/$work}"); done

# run_one TAG CMD...: one run in a fresh work dir; output in $scratch/TAG.*
run_one() {
    local tag=$1
    shift
    rm -rf "$work" && mkdir "$work" || die "cannot make $work"
    if [ -n "$setup" ]; then
        (cd "$work" && bash -e -c "$setup") >"$scratch/$tag.setup" 2>&1 ||
            { cat "$scratch/$tag.setup"; die "--setup failed"; }
    fi
    # The braces with 2>/dev/null swallow bash's own "Segmentation fault"
    # notice; the program's stderr has its own redirection inside.
    {
        (cd "$work" && ulimit -c 0 &&
            exec timeout -k 5 "$timeout_s" env -i "${envs[@]}" "$@" \
                <"$stdin_file" >"$scratch/$tag.out" 2>"$scratch/$tag.err")
        echo $? >"$scratch/$tag.rc"
    } 2>/dev/null
}

run_one native "$prog" "${args[@]}"
run_one ringside "$ringside" "${rs_args[@]}" "$prog" "${args[@]}"

nrc=$(cat "$scratch/native.rc")
rrc=$(cat "$scratch/ringside.rc")
[ "$nrc" = 124 ] && die "the native run timed out after ${timeout_s}s: the test itself is broken"

fail=0
problems=()
show_diff() { # FILE-SUFFIX LABEL
    echo "--- $2 differs (native vs ringside):"
    diff -u --text --label "native $2" --label "ringside $2" \
        "$scratch/native.$1" "$scratch/ringside.$1" | head -n 150
}

if [ "$nrc" != "$rrc" ]; then
    fail=1
    why="exit status: native $nrc, ringside $rrc"
    [ "$rrc" = 124 ] && why="$why (ringside timed out after ${timeout_s}s)"
    problems+=("$why")
fi
if ! cmp -s "$scratch/native.out" "$scratch/ringside.out"; then
    fail=1
    problems+=("stdout differs")
fi

case $mode in
full)
    if ! cmp -s "$scratch/native.err" "$scratch/ringside.err"; then
        fail=1
        problems+=("stderr differs")
    fi
    ;;
fault)
    # ringside's stderr = native stderr + one report line.
    nlen=$(stat -c %s "$scratch/native.err")
    if ! head -c "$nlen" "$scratch/ringside.err" | cmp -s - "$scratch/native.err"; then
        fail=1
        problems+=("stderr before the fault report differs")
    fi
    tail -c +$((nlen + 1)) "$scratch/ringside.err" >"$scratch/report"
    nlines=$(wc -l <"$scratch/report")
    line=$(head -n 1 "$scratch/report")
    re='^ringside: (SIG[A-Z]+) \((.+)\) at (0x[0-9a-fA-F]+): (.+)$'
    if [ "$nlines" != 1 ] || [ "$(tail -c 1 "$scratch/report" | od -An -c | tr -d ' ')" != '\n' ]; then
        fail=1
        problems+=("expected exactly one fault report line on stderr, got $nlines line(s)")
    elif ! [[ $line =~ $re ]]; then
        fail=1
        problems+=("fault report not in the form 'ringside: SIGNAME (why) at 0xADDR: insn': $line")
    else
        sig=${BASH_REMATCH[1]} addr=${BASH_REMATCH[3]} insn=${BASH_REMATCH[4]}
        case $nrc in
        131) want=SIGQUIT ;; 132) want=SIGILL ;; 133) want=SIGTRAP ;; 134) want=SIGABRT ;; 135) want=SIGBUS ;;
        136) want=SIGFPE ;; 139) want=SIGSEGV ;; *) want="(native status $nrc is not a fault)" ;;
        esac
        if [ "$sig" != "$want" ]; then
            fail=1
            problems+=("fault report names $sig, native died of $want")
        fi
        if [ -n "$fault_at" ]; then
            if [[ $fault_at == 0x* ]]; then
                expect=$fault_at
            else
                etype=$(od -An -t u2 -j 16 -N 2 "$prog" | tr -d ' ')
                expect=
                if [ "$etype" = 2 ]; then
                    expect=$(nm -P "$prog" | awk -v s="$fault_at" '$1 == s { print "0x" $3 }')
                    [ -n "$expect" ] || die "symbol $fault_at not found in $prog"
                else
                    echo "note: $prog is not ET_EXEC; fault address not checked"
                fi
            fi
            if [ -n "$expect" ] && [ $((addr)) -ne $((expect)) ]; then
                fail=1
                problems+=("fault reported at $addr, the faulting instruction is at $expect ($fault_at)")
            fi
        fi
        if [ -n "$fault_insn" ] && [[ $insn != *"$fault_insn"* ]]; then
            fail=1
            problems+=("fault report names instruction '$insn', expected it to mention '$fault_insn'")
        fi
    fi
    ;;
stdout) ;;
esac

if [ "$fail" = 0 ]; then
    printf 'same: status %s, stdout %s bytes, stderr %s bytes (%s)\n' "$nrc" \
        "$(stat -c %s "$scratch/native.out")" "$(stat -c %s "$scratch/native.err")" "$mode"
    [ "$mode" = fault ] && echo "ringside said: $(cat "$scratch/report")"
    exit 0
fi

echo "DIFFERENT: $prog ${args[*]}"
for p in "${problems[@]}"; do echo "  - $p"; done
cmp -s "$scratch/native.out" "$scratch/ringside.out" || show_diff out stdout
if [ "$mode" = full ]; then
    cmp -s "$scratch/native.err" "$scratch/ringside.err" || show_diff err stderr
else
    echo "--- ringside stderr (first 40 lines):"
    head -n 40 "$scratch/ringside.err"
fi
exit 1
