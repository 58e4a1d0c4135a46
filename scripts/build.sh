#!/usr/bin/env bash
# Installs what is missing (scripts/setup.sh), configures and builds.
#   scripts/build.sh             -> build/       (RelWithDebInfo): everything, tests included
#   scripts/build.sh --daemons   -> build/       only the daemons and the CLI (scripts/testbed.sh)
#   scripts/build.sh --sanitize  -> build-asan/  (ASan + UBSan, no benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
targets=()
for arg in "$@"; do
  case "$arg" in
    --sanitize)
      build_dir=build-asan
      cmake_args=(-DCMAKE_BUILD_TYPE=Debug -DSIMBIND_SANITIZE=ON -DSIMBIND_BUILD_BENCH=OFF) ;;
    --daemons) targets=(--target programs) ;;  # services/CMakeLists.txt names them
    *) echo "usage: scripts/build.sh [--daemons] [--sanitize]" >&2; exit 2 ;;
  esac
done

scripts/setup.sh
cmake -S . -B "$build_dir" -G Ninja "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j2 "${targets[@]}"
