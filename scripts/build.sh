#!/usr/bin/env bash
# Installs what is missing (scripts/setup.sh), configures and builds.
#   scripts/build.sh             -> build/       (RelWithDebInfo)
#   scripts/build.sh --sanitize  -> build-asan/  (ASan + UBSan, no benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [ "${1:-}" = "--sanitize" ]; then
  build_dir=build-asan
  cmake_args=(-DCMAKE_BUILD_TYPE=Debug -DSIMBIND_SANITIZE=ON -DSIMBIND_BUILD_BENCH=OFF)
fi

scripts/setup.sh
cmake -S . -B "$build_dir" -G Ninja "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j2
