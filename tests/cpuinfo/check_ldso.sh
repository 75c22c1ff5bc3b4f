#!/usr/bin/env bash
# check_ldso.sh: the CPU the dynamic linker sees.
#
#   check_ldso.sh RINGSIDE MODE [CPU [RINGSIDE-OPTIONS...]]
#     facts64 [CPU]  cpufacts-64 (what glibc should derive from CPUID and the
#                    auxv) against `ld-linux-x86-64.so.2 --list-diagnostics`
#                    and `--help`; natively without CPU (validates the rules
#                    against the host's glibc), under `ringside --cpu=CPU` with
#     facts32 [CPU]  the same for cpufacts-32 and /lib/ld-linux.so.2
#     host64, host32 ld.so --list-diagnostics natively and under ringside's
#                    default (host vendor) model: the lines that depend
#                    neither on the features or caches of the CPU nor on
#                    addresses must be identical
# Extra RINGSIDE-OPTIONS (e.g. --kernel=i386) go to every ringside run.
# The cpufacts programs (built by CMakeLists.txt): CPUFACTS64 and CPUFACTS32
# in the environment.
# Exit: 0 pass, 1 fail, 77 skipped (with the reason).
set -u
rs=$1
mode=$2
cpu=${3:-}
shift 2
[ $# -gt 0 ] && shift
rs_opts=("$@")
ld64=/lib64/ld-linux-x86-64.so.2
ld32=/lib/ld-linux.so.2
envs=(PATH=/usr/bin:/bin HOME=/nonexistent LC_ALL=C TZ=UTC)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rs-cpuinfo.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

[ -x "$rs" ] || { echo "SKIP: ringside not built at $rs"; exit 77; }
rs=$(realpath "$rs")
case $mode in
facts64 | host64) ld=$ld64 facts=${CPUFACTS64:-} ;;
facts32 | host32) ld=$ld32 facts=${CPUFACTS32:-} ;;
*) echo "usage: check_ldso.sh RINGSIDE facts64|facts32|host64|host32 [CPU [OPTIONS...]]"; exit 2 ;;
esac
[ -n "$facts" ] && facts=$(realpath "$facts")
[ -x "$ld" ] || { echo "SKIP: no $ld on this machine"; exit 77; }

# run [ringside] CMD...: stdout to the named file, under a fixed environment
run() {
    local out=$1
    shift
    (cd "$tmp" && exec timeout -k 5 180 env -i "${envs[@]}" "$@" </dev/null >"$out" 2>"$out.err")
}
rsrun() {
    local out=$1
    shift
    run "$out" "$rs" ${cpu:+--cpu=$cpu} "${rs_opts[@]}" "$@"
}

# ld.so's output as key=value lines: auxv index pairs become auxv.TYPE=VALUE,
# leaf 1 EBX loses its APIC ID byte (whichever CPU ran it), and --help's
# glibc-hwcaps list becomes help.LEVEL=supported|unsupported.
normalise() {
    awk '
    /^auxv\[[^]]*\]\.a_type=/ { split($0, a, "="); t = a[2]; next }
    /^auxv\[[^]]*\]\.a_val=/  { v = substr($0, index($0, "=") + 1); print "auxv." t "=" v; next }
    /^x86\.cpu_features\.features\[0x0\]\.cpuid\[0x1\]=/ {
        v = substr($0, index($0, "=") + 3)   # hex digits after 0x
        n = length(v); if (n > 6) v = substr(v, n - 5)
        sub(/^0+/, "", v); if (v == "") v = "0"
        print "x86.cpu_features.features[0x0].cpuid[0x1]=0x" v; next }
    { print }' "$1"
}
help_lines() {
    awk '/^Subdirectories of glibc-hwcaps/ { on = 1; next }
         on && /^$/ { on = 0 }
         on && $1 ~ /^x86-64-v/ { print "help." $1 "=" ($0 ~ /supported/ ? "supported" : "unsupported") }' "$1"
}

case $mode in
facts*)
    [ -n "$facts" ] && [ -x "$facts" ] || { echo "FAIL: cpufacts program missing ($facts)"; exit 1; }
    where=native
    if [ -n "$cpu" ]; then
        where="ringside --cpu=$cpu${rs_opts[*]:+ ${rs_opts[*]}}"
        rsrun "$tmp/facts" "$facts"; rc=$?
        rsrun "$tmp/diag" "$ld" --list-diagnostics; drc=$?
        [ "$mode" = facts64 ] && rsrun "$tmp/help" "$ld" --help
    else
        run "$tmp/facts" "$facts"; rc=$?
        run "$tmp/diag" "$ld" --list-diagnostics; drc=$?
        [ "$mode" = facts64 ] && run "$tmp/help" "$ld" --help
    fi
    if [ "$rc" = 77 ]; then cat "$tmp/facts"; exit 77; fi
    [ "$rc" = 0 ] || { echo "FAIL: cpufacts exited $rc ($where)"; cat "$tmp/facts.err"; exit 1; }
    [ "$drc" = 0 ] || { echo "FAIL: $ld --list-diagnostics exited $drc ($where)"; cat "$tmp/diag.err"; exit 1; }
    normalise "$tmp/diag" >"$tmp/got"
    [ -f "$tmp/help" ] && help_lines "$tmp/help" >>"$tmp/got"
    fail=0 n=0
    while IFS= read -r line; do
        key=${line%%=*}
        case $key in
        leaf8000001d.* | leaf80000006.*)
            # the CPU's own consistency: 8000_001Dh vs 8000_0005h/6h (AMD),
            # 8000_0006h vs leaf 4 (Intel)
            [ "${line#*=}" = agrees ] || { echo "FAIL: $line: CPUID cache leaves disagree ($where)"; fail=1; }
            continue ;;
        esac
        n=$((n + 1))
        got=$(grep -F -m1 -- "$key=" "$tmp/got" || true)
        if [ "$got" != "$line" ]; then
            echo "FAIL ($where): expected $line"
            echo "     $ld gives: ${got:-(no such line)}"
            fail=1
        fi
    done <"$tmp/facts"
    if [ "$fail" = 0 ]; then
        echo "ok: $n facts from CPUID and the auxv agree with $ld ($where)"
        grep -E '^help\.|isa_1|data_cache_size|shared_cache_size' "$tmp/facts"
    fi
    exit $fail
    ;;
host*)
    run "$tmp/n" "$ld" --list-diagnostics || { echo "FAIL: native $ld --list-diagnostics failed"; exit 1; }
    rsrun "$tmp/r" "$ld" --list-diagnostics || { echo "FAIL: $ld --list-diagnostics under ringside failed"; cat "$tmp/r.err"; exit 1; }
    # Compared: the environment, paths, versions, uname, the dynamic
    # linker's platform and hwcap bookkeeping, vendor kind and family, line
    # sizes and the auxv entries that hold neither addresses nor features.
    # Not compared (legitimately different): CPUID words, ISA level, cache
    # sizes and what glibc derives from them (the model's own table),
    # dl_hwcap2 and dl_hwcaps_subdirs_active (host FSGSBASE, AVX2), display
    # model/stepping, addresses.  CHECK_LDSO_SHOW=1 prints the compared lines.
    keep='^(env(_filtered)?\[|path\.|version\.|uname\.|dso\.|dl_dst_lib=|dl_hwcap=|dl_hwcap_important=|dl_hwcaps_subdirs=|dl_pagesize=|dl_platform=|dl_profile_output=|dl_string_platform=|x86\.cpu_features\.basic\.(kind|family)=|x86\.cpu_features\.preferred\.I[56]86=|x86\.cpu_features\.level[123]_(i|d)?cache_linesize=|x86\.cpu_features\.rep_stosb_threshold=|auxv\.(0x4|0x5|0x6|0x8|0xb|0xc|0xd|0xe|0xf|0x11|0x17|0x1b|0x1c|0x1f)=)'
    # ... and the auxv's entry types in order (Linux's create_elf_tables)
    for x in n r; do
        { normalise "$tmp/$x" | grep -E "$keep" | sort
          printf 'auxv.order=%s\n' "$(sed -n 's/^auxv\[[^]]*\]\.a_type=//p' "$tmp/$x" | tr '\n' ' ')"
        } >"$tmp/$x.k"
    done
    if ! [ -s "$tmp/n.k" ]; then echo "FAIL: no comparable lines natively"; exit 1; fi
    [ -n "${CHECK_LDSO_SHOW:-}" ] && cat "$tmp/n.k"
    if diff -u "$tmp/n.k" "$tmp/r.k" >"$tmp/d"; then
        echo "ok: $(wc -l <"$tmp/n.k") feature-independent lines of $ld --list-diagnostics as native"
        exit 0
    fi
    echo "FAIL: $ld --list-diagnostics differs from native (- native, + ringside):"
    cat "$tmp/d"
    exit 1
    ;;
esac
