#!/usr/bin/env bash
# test.sh [--asan]: set up and build (scripts/setup.sh), then run every ctest
# suite in ./build. With --asan, also build ./build-asan with
# -DRINGSIDE_SANITIZE=ON (AddressSanitizer + UBSan) and run the same suites
# there. Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

asan=0
for a in "$@"; do
    case $a in
    --asan) asan=1 ;;
    -h | --help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "usage: scripts/test.sh [--asan]" >&2; exit 2 ;;
    esac
done

scripts/setup.sh build
jobs=2 # the project's machines have two cores

status=0
ctest --test-dir build --output-on-failure -j"$jobs" || status=1

# The coverage-guided harnesses (libFuzzer, ASan + UBSan; built with clang
# into ./build-fuzz): a short run of each, a fixed number of executions.
scripts/fuzz.sh --short 20000 || status=1

if [ "$asan" = 1 ]; then
    scripts/setup.sh build-asan -DRINGSIDE_SANITIZE=ON
    # Memory errors and undefined behaviour fail a test (the build does not
    # recover from UBSan reports). Leak checking is off: ringside ends the
    # process at the guest's exit_group without tearing its state down.
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --test-dir build-asan --output-on-failure -j"$jobs" || status=1
fi

if [ "$status" = 0 ]; then
    echo "test.sh: all suites passed"
else
    echo "test.sh: FAILURES (see above)" >&2
fi
exit "$status"
