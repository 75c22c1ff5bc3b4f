#!/usr/bin/env bash
# setup.sh [BUILD_DIR [CMAKE_ARGS...]]: make this machine able to build and
# test ringside, then build it.
#
# Installs the Debian packages below that are missing (apt-get, as root or
# through sudo; `apt-get update` only when something must be installed), then
# configures and builds into BUILD_DIR (default ./build, RelWithDebInfo).
# Idempotent: a second run installs nothing and rebuilds incrementally.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_dir=${1:-build}
[ $# -gt 0 ] && shift

packages=(cmake gcc g++ gcc-multilib musl-tools libzydis-dev libzycore-dev libsdl2-dev
          libsdl2-ttf-dev fonts-dejavu-core busybox-static qemu-user gdb strace binutils make)

missing=()
if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    echo "setup: not a Debian-like system; install by hand: ${packages[*]}" >&2
    packages=()
fi
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    if [ "$(id -u)" = 0 ]; then
        sudo=()
    elif command -v sudo >/dev/null; then
        sudo=(sudo)
    else
        echo "setup: missing packages (${missing[*]}) and neither root nor sudo" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update
    "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
else
    echo "setup: all packages present"
fi

# The 32-bit busybox suite runs Debian's i386 busybox-static: download the
# package (not install it) and unpack it into the build folder.
bb32="$build_dir/busybox-i386/bin/busybox"
if [ ! -x "$bb32" ] && command -v apt-get >/dev/null && [ ${#packages[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then sudo=(); else sudo=(sudo); fi
    if ! dpkg --print-foreign-architectures | grep -qx i386; then
        echo "setup: enabling the i386 architecture for apt-get download busybox-static:i386"
        "${sudo[@]}" dpkg --add-architecture i386
        "${sudo[@]}" apt-get update -qq
    fi
    tmpd=$(mktemp -d)
    if (cd "$tmpd" && apt-get download -qq busybox-static:i386 >/dev/null 2>&1) ||
       { "${sudo[@]}" apt-get update -qq && (cd "$tmpd" && apt-get download -qq busybox-static:i386); }; then
        mkdir -p "$build_dir/busybox-i386"
        dpkg -x "$tmpd"/busybox-static_*_i386.deb "$build_dir/busybox-i386.tmp"
        mkdir -p "$build_dir/busybox-i386/bin"
        cp "$build_dir/busybox-i386.tmp/bin/busybox" "$bb32"
        rm -rf "$build_dir/busybox-i386.tmp"
        echo "setup: i386 busybox in $bb32"
    else
        echo "setup: could not download busybox-static:i386; the busybox32 suite will be skipped" >&2
    fi
    rm -rf "$tmpd"
fi

# The i386 Debian root the tests run under --sysroot (tests/real): Debian's
# i386 libc6, coreutils and python3.11 unpacked, not installed.
if [ ${#packages[@]} -gt 0 ] && [ ! -f "$build_dir/i386-root/.complete" ]; then
    scripts/i386-root.sh "$build_dir/i386-root" ||
        echo "setup: could not make the i386 root; the real/i386-* tests will be skipped" >&2
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
cmake --build "$build_dir" -j"$jobs"
echo "setup: built $build_dir/ringside"
