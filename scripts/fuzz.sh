#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) in build-fuzz, replays every committed seed and
# regression input, then fuzzes each target for a bounded time. A crash fails the run and leaves the input in
# build-fuzz/crashes/<target>/; copy it to tests/fuzz/regressions/<target>/ with the fix, so that it stays fixed.
#   scripts/fuzz.sh [--seconds N] [--build-only] [TARGET...]
#     --seconds N   fuzzing time per target (default 8: the nine targets in about a minute and a half)
#     --build-only  configure and build only
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=8
build_only=0
targets=()
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
    --build-only) build_only=1; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(nas_fuzz framing_fuzz binding_container_fuzz s1ap_fuzz diameter_fuzz hss_s6a_fuzz
                                     factory_export_fuzz config_fuzz console_fuzz)

scripts/setup.sh
cxx=$(command -v clang++-16 || true)
[ -n "$cxx" ] || { echo "fuzz.sh: clang++-16 is not installed (scripts/setup.sh installs clang-16)" >&2; exit 1; }
build=build-fuzz
if [ ! -f "$build/build.ninja" ]; then
  mkdir -p "$build"
  CC=clang-16 CXX="$cxx" cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIMBIND_FUZZ=ON \
    -DSIMBIND_BUILD_TESTS=OFF > "$build/configure.log" 2>&1 || { cat "$build/configure.log"; exit 1; }
fi
cmake --build "$build" --target fuzz -j"$(nproc)" | grep -v "^\[" || true
[ "${PIPESTATUS[0]}" -eq 0 ] || exit 1
for t in "${targets[@]}"; do [ -x "$build/tests/fuzz/$t" ] || { echo "fuzz.sh: $t was not built" >&2; exit 1; }; done
[ "$build_only" -eq 1 ] && exit 0

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
[ -x /usr/bin/llvm-symbolizer ] && export ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer
failed=0
for t in "${targets[@]}"; do
  work=$(mktemp -d /tmp/simbind-fuzz-XXXXXX)
  mkdir -p "$work/corpus" "$build/crashes/$t"
  # The committed corpus is the start, never written to: new inputs go to a scratch copy.
  cp -r tests/fuzz/corpus/"$t"/. "$work/corpus/" 2> /dev/null || true
  inputs=("$work/corpus")
  [ -d "tests/fuzz/regressions/$t" ] && inputs+=("tests/fuzz/regressions/$t")
  start=$SECONDS
  if "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$build/crashes/$t/" "${inputs[@]}" > "$work/log" 2>&1; then
    runs=$(grep -o "stat::number_of_executed_units: *[0-9]*" "$work/log" | grep -o "[0-9]*$" || echo "?")
    echo "fuzz: $t: $runs runs in $((SECONDS - start)) s, corpus $(ls "$work/corpus" | wc -l), no crash"
  else
    failed=1
    echo "fuzz: $t: FAILED; the input is in $build/crashes/$t/"
    grep -E "ERROR|SUMMARY|runtime error|#[0-9]+ 0x" "$work/log" | head -30
  fi
  rm -rf "$work"
done
exit $failed
