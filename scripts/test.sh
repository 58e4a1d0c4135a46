#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (unit and integration).
#   scripts/test.sh             -> every test in build/
#   scripts/test.sh --sanitize  -> the unit tests, and the hostile-peer test against the real simbind-hss (label
#                                  sanitize), in an ASan + UBSan build (build-asan/)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--sanitize" ]; then
  scripts/build.sh --sanitize
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  ctest --test-dir build-asan -L '^(unit|sanitize)$' --output-on-failure -j2
else
  scripts/build.sh
  ctest --test-dir build --output-on-failure -j2
fi
