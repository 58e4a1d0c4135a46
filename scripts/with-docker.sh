#!/usr/bin/env bash
# Runs a command with a Docker engine: when dockerd is installed but not running (a CI machine, a fresh VM), it
# is started for the command and stopped afterwards; a running engine is used and left alone.
#   scripts/with-docker.sh tests/docker/compose_test.sh
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: with-docker.sh COMMAND [ARG...]" >&2; exit 2; }

if docker info >/dev/null 2>&1; then
  exec "$@"
fi
command -v dockerd >/dev/null || { echo "with-docker.sh: no Docker engine runs and dockerd is not installed (scripts/setup.sh --docker)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "with-docker.sh: starting dockerd needs root; start the engine (systemctl start docker) and run again" >&2; exit 1; }

log=$(mktemp /tmp/simbind-dockerd-XXXXXX.log)
dockerd > "$log" 2>&1 &
dockerd_pid=$!
stop_engine() {
  kill "$dockerd_pid" 2>/dev/null || true
  # dockerd stops its containers and containerd; give it the time it asks for.
  for _ in $(seq 60); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$dockerd_pid" 2>/dev/null || true
  rm -f "$log"
}
trap stop_engine EXIT
for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
docker info >/dev/null 2>&1 || { echo "with-docker.sh: dockerd did not come up:" >&2; tail -20 "$log" >&2; exit 1; }
echo "with-docker.sh: started dockerd for this command (it is stopped afterwards)"
set +e
"$@"
rc=$?
set -e
exit "$rc"
