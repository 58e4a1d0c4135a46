#!/usr/bin/env bash
# The image's build stage gets only the paths its COPY lines name. CI's compose test uses the `prebuilt` stage and
# never compiles inside the image, so this check stands in for that part: the paths the build stage copies, and
# nothing else, must configure with the same cmake command (-DSIMBIND_BUILD_TESTS=OFF). A new top-level folder that
# the daemons need, or a file outside the copied ones, fails here, before a user's `docker-compose up` would.
# It configures with this machine's packages; the build stage's apt list is not checked here.
#   tests/docker/image_sources_test.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

dockerfile=deploy/docker/Dockerfile
work=$(mktemp -d /tmp/simbind-image-sources-XXXXXX)
trap 'rm -rf "$work"' EXIT

# COPY lines of the stage `FROM ... AS build`, up to the next FROM: "COPY <source>... /src/<dest>".
mapfile -t copies < <(awk '/^FROM /{in_build = ($NF == "build")} in_build && /^COPY /' "$dockerfile")
[ "${#copies[@]}" -gt 0 ] || { echo "FAIL: no COPY line in the build stage of $dockerfile"; exit 1; }
for line in "${copies[@]}"; do
  read -r -a words <<< "$line"
  dest=${words[-1]}
  case "$dest" in /src/*) ;; *) echo "FAIL: $line: copies outside /src"; exit 1 ;; esac
  for src in "${words[@]:1:${#words[@]}-2}"; do
    target="$work/${dest#/src/}"
    [ "${dest: -1}" = "/" ] && target="$target$(basename "$src")"
    mkdir -p "$(dirname "$target")"
    cp -r "$src" "$target"
  done
  echo "  copied: ${line#COPY }"
done

if cmake -S "$work" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIMBIND_BUILD_TESTS=OFF \
     > "$work/configure.log" 2>&1; then
  echo "RESULT: PASS (the build stage's sources configure)"
else
  tail -20 "$work/configure.log"
  echo "RESULT: FAIL (the build stage's sources do not configure: a COPY line is missing)"
  exit 1
fi
