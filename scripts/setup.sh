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
          busybox-static qemu-user gdb strace binutils make)

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

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
cmake --build "$build_dir" -j"$jobs"
echo "setup: built $build_dir/ringside"
