#!/usr/bin/env bash
# run_dyn.sh: one dynamically linked program natively (under setarch -R,
# Linux's layout without ASLR, which ringside models) and under ringside;
# stdout, stderr and the exit status must match byte for byte.
#
#   run_dyn.sh RINGSIDE [options] -- PROGRAM [ARGS...]
#     --rs-arg ARG      extra ringside option (repeatable)
#     --native CMD...-- the native command instead of PROGRAM ARGS (ends at --)
#     --need-vvar       skip (77) while ringside maps no [vvar] for PROGRAM:
#                       the comparison includes placements below the vDSO
# Exit: 0 same, 1 different, 77 skipped.
set -u
rs=$1
shift
rs_args=()
native=()
need_vvar=0
while [ $# -gt 0 ]; do
    case $1 in
    --rs-arg) rs_args+=("$2"); shift 2 ;;
    --need-vvar) need_vvar=1; shift ;;
    --native)
        shift
        while [ $# -gt 0 ] && [ "$1" != -- ]; do native+=("$1"); shift; done
        ;;
    --) shift; break ;;
    *) break ;;
    esac
done
[ -x "$rs" ] || { echo "SKIP: ringside not built at $rs"; exit 77; }
command -v setarch >/dev/null || { echo "SKIP: setarch(1) missing: no native layout without ASLR"; exit 77; }
[ ${#native[@]} -gt 0 ] || native=("$@")
[ -e "$1" ] || { echo "FAIL: $1 does not exist (not built?)"; exit 1; }
envs=(PATH=/usr/bin:/bin HOME=/nonexistent LC_ALL=C TZ=UTC)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rs-dyn.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

if [ "$need_vvar" = 1 ]; then
    env -i "${envs[@]}" "$rs" "${rs_args[@]}" /bin/cat /proc/self/maps >"$tmp/maps" 2>&1
    if ! grep -q '\[vvar' "$tmp/maps"; then
        echo "SKIP: ringside maps no [vvar] yet (the 64-bit/32-bit vDSO with its vvar pages is"
        echo "      not in this build): the placements below it cannot match native"
        exit 77
    fi
fi

(cd "$tmp" && exec setarch -R env -i "${envs[@]}" "${native[@]}" </dev/null >"$tmp/n.out" 2>"$tmp/n.err")
nrc=$?
(cd "$tmp" && exec timeout -k 5 120 env -i "${envs[@]}" "$rs" "${rs_args[@]}" "$@" </dev/null \
    >"$tmp/r.out" 2>"$tmp/r.err")
rrc=$?
fail=0
[ "$nrc" = "$rrc" ] || { echo "exit status: native $nrc, ringside $rrc"; fail=1; }
for s in out err; do
    if ! cmp -s "$tmp/n.$s" "$tmp/r.$s"; then
        echo "--- std$s differs (native vs ringside):"
        diff -u --text --label native --label ringside "$tmp/n.$s" "$tmp/r.$s" | head -n 80
        fail=1
    fi
done
if [ $fail = 0 ]; then
    echo "same: status $nrc, stdout $(wc -c <"$tmp/n.out") bytes, stderr $(wc -c <"$tmp/n.err") bytes"
else
    echo "native stdout was:"; head -n 40 "$tmp/n.out"
fi
exit $fail
