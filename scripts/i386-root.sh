#!/usr/bin/env bash
# i386-root.sh DIR: an i386 Debian root for `ringside --sysroot=DIR`, made as
# a foreign root is made by hand: Debian's i386 packages (libc6, coreutils,
# python3.11-minimal with its standard library, and what they depend on) downloaded with apt-get and
# unpacked with dpkg -x (nothing is installed on this machine). Enables the
# i386 architecture for apt when needed (root or sudo). Idempotent: a root
# that already has DIR/.complete is left alone. Exit 0 on success, 1 when
# the packages cannot be downloaded (the caller skips what needs the root).
set -euo pipefail
dir=${1:?usage: scripts/i386-root.sh DIR}
[ -f "$dir/.complete" ] && exit 0
command -v apt-get >/dev/null && command -v dpkg >/dev/null ||
    { echo "i386-root: not a Debian system" >&2; exit 1; }
if [ "$(id -u)" = 0 ]; then sudo=(); else sudo=(sudo); fi
if ! dpkg --print-foreign-architectures | grep -qx i386; then
    "${sudo[@]}" dpkg --add-architecture i386
    "${sudo[@]}" apt-get update -qq
fi
top=(libc6:i386 coreutils:i386 python3.11-minimal:i386 libpython3.11-stdlib:i386)
resolve() {
    apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
        --no-replaces --no-enhances "${top[@]}" 2>/dev/null | grep -v '^[ <]' | grep ':i386$' | sort -u
}
pkgs=$(resolve)
if ! echo "$pkgs" | grep -q '^python3.11-minimal:i386$'; then
    "${sudo[@]}" apt-get update -qq
    pkgs=$(resolve)
fi
tmp=$(mktemp -d); chmod 777 "$tmp"; trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2086
(cd "$tmp" && apt-get download -qq $pkgs >/dev/null) ||
    { echo "i386-root: cannot download: $pkgs" | tr '\n' ' ' >&2; echo >&2; exit 1; }
rm -rf "$dir.tmp"
mkdir -p "$dir.tmp"
for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$dir.tmp"; done
# The root's own /etc/ld.so.cache, as ldconfig makes it on an installed
# system: without it the guest's ld.so would read the host's cache (which
# names the host's /lib32 libraries).
if [ ! -f "$dir.tmp/etc/ld.so.conf" ]; then
    mkdir -p "$dir.tmp/etc"
    echo 'include /etc/ld.so.conf.d/*.conf' >"$dir.tmp/etc/ld.so.conf"
fi
ldconfig -r "$dir.tmp" 2>/dev/null || /sbin/ldconfig -r "$dir.tmp" ||
    echo "i386-root: ldconfig -r failed; the root has no ld.so.cache" >&2
rm -rf "$dir"
mv "$dir.tmp" "$dir"
echo "$pkgs" | tr '\n' ' ' >"$dir/.complete"
echo "i386-root: $(wc -w <"$dir/.complete") packages unpacked in $dir"
