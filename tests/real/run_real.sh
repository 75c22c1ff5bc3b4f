#!/usr/bin/env bash
# run_real.sh RINGSIDE CASE WORK [I386_ROOT]: one real program of this machine
# (Debian's own binaries, dynamically linked) under ringside, with the native
# run as the oracle.
#   64-bit cases: `ringside --compare` (stdout, stderr, exit status and the
#     system-call sequence against the native run under ptrace).
#   pipeline cases: each stage under ringside, the bytes compared with the
#     same pipeline run natively.
#   i386-root cases: programs of an i386 Debian root (scripts/i386-root.sh)
#     under `ringside --sysroot=ROOT`, against the same programs run natively
#     by the root's own dynamic linker with --library-path.
# Exit 0 same, 1 different, 77 cannot run here (says why).
set -u
rs=$1 case=$2 work=$3 root=${4:-}
[ -x "$rs" ] || { echo "skip: ringside missing: $rs"; exit 77; }
mkdir -p "$work"
cd "$work" || exit 1
need() { for p in "$@"; do [ -x "$p" ] || { echo "skip: $p not installed"; exit 77; }; done; }

# Fixed inputs, made natively.
if [ ! -f "$work/.inputs" ]; then
    seq 1 40000 | awk '{ printf "%d %s line-%d\n", ($1 * 7919) % 10007, ($1 % 3 ? "odd" : "even"), $1 }' >words.txt
    head -c 300000 words.txt >blob
    gzip -9 -c blob >blob.gz
    mkdir -p tree/a/b tree/c
    for k in 1 2 3 4 5; do
        printf 'alpha %d\nbeta\nringside %d\n' "$k" "$k" >"tree/a/f$k.txt"
        printf 'gamma\nringside\n' >"tree/a/b/g$k.txt"
        printf 'delta %d\n' "$k" >"tree/c/h$k.txt"
    done
    printf 'static int sq(int x) { return x * x; }\nint table[16];\n'\
'int main(void) {\n  int s = 0;\n  for (int i = 0; i < 16; i++) table[i] = sq(i) ^ (s += i);\n'\
'  return s & 1;\n}\n' >small.c
    touch .inputs
fi

# A stable environment for both runs: same locale, zone, no hash seed.
export LC_ALL=C TZ=UTC PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1 HOME=$work
unset LANG LANGUAGE PYTHONSTARTUP

compare() { # ringside --compare PROGRAM ARGS...
    need "$1"
    if [ -n "${RS_REAL_PLAIN:-}" ]; then # while debugging: outputs only, no system calls
        "$@" >native.out 2>native.err; local nrc=$?
        "$rs" "$@" >rs.out 2>rs.err; local rrc=$?
        if [ $nrc = $rrc ] && cmp -s native.out rs.out && cmp -s native.err rs.err; then
            echo "same output: $*"; return 0
        fi
        echo "FAIL: status $nrc/$rrc"; diff native.out rs.out | head; diff native.err rs.err | head
        exit 1
    fi
    "$rs" --compare "$@" >out.txt 2>err.txt
    local rc=$?
    if [ $rc = 0 ] && [ "$(cat out.txt)" = same ]; then echo "same: $*"; return 0; fi
    echo "FAIL (status $rc): ringside --compare $*"
    cat out.txt err.txt | head -60
    exit 1
}

PY='import json, hashlib, re, math, decimal, sqlite3, struct, zlib, base64
d = {"k": [1, 2.5, None, True, "s\u00e9"], "n": {"x": -3}}
s = json.dumps(d, sort_keys=True)
print(s, json.loads(s) == d)
print(hashlib.sha256(b"x").hexdigest(), hashlib.md5(b"ringside").hexdigest(), hashlib.sha1(s.encode()).hexdigest())
print(re.findall(r"(\w+)-(\d+)", "a-1 bb-22 ccc-333"), re.sub(r"\s+", " ", "a  b\t\tc"))
print(math.sqrt(2), math.sin(1.0), math.log(10), math.factorial(30), math.gcd(1071, 462), 2 ** 0.5 * 3.1)
decimal.getcontext().prec = 50
print(decimal.Decimal(1) / decimal.Decimal(7), decimal.Decimal("1.1") + decimal.Decimal("2.2"))
db = sqlite3.connect(":memory:")
db.execute("create table t(a integer, b text)")
db.executemany("insert into t values (?, ?)", [(i, str(i * i)) for i in range(100)])
print(db.execute("select count(*), sum(a), max(b) from t where a % 3 = 0").fetchall())
print(zlib.crc32(b"ringside"), base64.b64encode(zlib.compress(b"abc" * 50)).decode()[:40], struct.pack("<dq", 1.5, -2).hex())
print(sorted({"b": 1, "a": 2}.items()), [x * x for x in range(10) if x % 2], f"{3.14159:.3f} {255:#x} {1e300 * 1e10}")'

PERL='my %h = map { $_ => $_ * $_ } 1 .. 20; my $s = 0; $s += $h{$_} for keys %h;
printf "%d %s %.6f\n", $s, join(",", sort { $a <=> $b } grep { $_ % 3 == 0 } keys %h), atan2(1, 1) * 4;
my $t = "The quick brown fox"; (my $u = $t) =~ s/(\w+)/\u\L$1/g; print scalar(reverse $t), " | $u\n";
print join(" ", map { sprintf "%02x", ord } split //, "ringside"), "\n"; print 2**53 + 1, " ", 7 / 3, "\n";'

BASH='declare -A m=([one]=1 [two]=2 [three]=3); s=0; for k in "${!m[@]}"; do s=$((s + m[$k])); done
echo "sum=$s"; for ((i = 0; i < 5; i++)); do printf "%d:%s " "$i" "$((i * i))"; done; echo
x="Hello, World"; echo "${x,,} ${x^^} ${x/World/ringside} ${#x} ${x:7:5}"
arr=(c a b); IFS=,; echo "${arr[*]}"; unset IFS; read -r a b <<<"first second"; echo "$b $a"
case $x in H*) echo matched ;; esac; printf "%05.1f|%-6s|%x\n" 3.14159 ab 255; [[ abc =~ ^a(b)c$ ]] && echo "${BASH_REMATCH[1]}"'

case $case in
ls) compare /bin/ls -la /usr ;;
cat) compare /bin/cat words.txt ;;
sha256sum) compare /usr/bin/sha256sum blob words.txt ;;
md5sum) compare /usr/bin/md5sum blob words.txt ;;
gzip) compare /bin/gzip -c -6 blob ;;
gunzip) compare /bin/gzip -d -c blob.gz ;; # /bin/gunzip is a shell script
gzip-pipe)
    need /bin/gzip
    "$rs" /bin/gzip -c blob | "$rs" /bin/gzip -d -c >round.txt
    st=("${PIPESTATUS[@]}")
    [ "${st[0]}" = 0 ] && [ "${st[1]}" = 0 ] || { echo "FAIL: pipeline statuses ${st[*]}"; exit 1; }
    cmp blob round.txt || { echo "FAIL: gzip | gunzip under ringside changed the bytes"; exit 1; }
    gzip -c blob | cmp - <("$rs" /bin/gzip -c blob) || { echo "FAIL: gzip output differs from native"; exit 1; }
    echo "same: gzip -c | gunzip -c round trip, and gzip's bytes" ;;
sort) compare /usr/bin/sort -k1,1n -k3 words.txt ;;
sort-u) compare /usr/bin/sort -u -r -t ' ' -k2,2 -k1,1n words.txt ;;
grep) compare /bin/grep -r -n ringside tree ;;
grep-count) compare /bin/grep -r -c -E 'define|struct' /usr/include/linux ;;
find) compare /usr/bin/find /usr/include -name '*.h' ;;
date) compare /bin/date -d @0 ;;
date-fmt) compare /bin/date -u -d '2024-02-29 13:14:15' '+%A %j %s %Y-%m-%dT%H:%M:%S%z' ;;
python3) compare /usr/bin/python3 -c "$PY" ;;
perl) compare /usr/bin/perl -e "$PERL" ;;
bash) compare /bin/bash -c "$BASH" ;;
cc1)
    cc1=$(ls /usr/lib/gcc/x86_64-linux-gnu/*/cc1 2>/dev/null | head -1)
    [ -n "$cc1" ] || { echo "skip: no cc1 under /usr/lib/gcc/x86_64-linux-gnu"; exit 77; }
    compare "$cc1" -quiet -O2 small.c -o - ;;
i386-*)
    [ -n "$root" ] && [ -f "$root/.complete" ] ||
        { echo "skip: no i386 root (scripts/i386-root.sh could not download the packages)"; exit 77; }
    ld="$root/lib/ld-linux.so.2"
    lp="$root/lib/i386-linux-gnu:$root/usr/lib/i386-linux-gnu"
    prog=() # the program and its arguments, with the program's path inside the root
    case ${case#i386-} in
    ls) # a relative directory: absolute ones (/usr) are the root's under --sysroot
        mkdir -p listing/sub && printf 'abc\n' >listing/file && ln -sf file listing/link
        prog=(/bin/ls -l -R --time-style=+%Y listing) ;;
    sha256sum) prog=(/usr/bin/sha256sum blob words.txt) ;;
    sort) prog=(/usr/bin/sort -k1,1n -k3 words.txt) ;;
    date) prog=(/bin/date -d @0) ;;
    python3) prog=(/usr/bin/python3.11 -c "$PY") ;;
    *) echo "unknown case $case"; exit 2 ;;
    esac
    exe="$root${prog[0]}"
    [ -x "$exe" ] || { echo "FAIL: $exe missing from the root"; exit 1; }
    "$ld" --library-path "$lp" "$exe" "${prog[@]:1}" >native.out 2>native.err; nrc=$?
    "$rs" --sysroot="$root" "$exe" "${prog[@]:1}" >rs.out 2>rs.err; rrc=$?
    ok=1
    [ $nrc = $rrc ] || { echo "FAIL: exit status native $nrc, ringside $rrc"; ok=0; }
    cmp -s native.out rs.out || { echo "FAIL: stdout differs"; diff native.out rs.out | head -20; ok=0; }
    cmp -s native.err rs.err || { echo "FAIL: stderr differs"; diff native.err rs.err | head -20; ok=0; }
    [ $ok = 1 ] || exit 1
    echo "same: --sysroot=$root ${prog[0]}" ;;
*) echo "unknown case $case"; exit 2 ;;
esac
