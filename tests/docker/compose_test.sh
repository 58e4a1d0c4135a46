#!/usr/bin/env bash
# The compose testbed against a real Docker engine, as a lab would run it:
#   1. the base image (pulled, or built locally by deploy/docker/make-base-image.sh when no registry answers);
#   2. `up -d`: the image is built, init makes the lab, the six daemons become healthy;
#   3. the lab demo inside the testbed (`run --rm demo`): its report must pass every scenario;
#   4. every daemon's /metrics and /healthz over the published ports; the daemons do not run as root; the console's
#      API over HTTPS (lab CA) answers only with its admin token, and lists the demo's bindings;
#   5. no per-testbed key (master keys, KEK, transfer key, UE storage key) nor the console's token appears in any
#      container's log;
#   6. `down` then `up -d`: subscribers, SQN reservations and bindings are kept by the named volumes;
#   7. `down -v`, also when a step fails (trap).
# Uses `docker compose` when the engine's client has it, else `docker-compose`; SIMBIND_COMPOSE overrides
# ("docker compose" or "docker-compose"). Exit status 0 only when every check passed.
#   tests/docker/compose_test.sh                    the image as a user gets it: compiled from source
#   tests/docker/compose_test.sh --prebuilt BUILD   the image's `prebuilt` stage with the daemons and CLI of BUILD
#                                                   (a Debian 12 build tree, e.g. build/): CI, which has just built
#                                                   them, does not compile the project a second time
set -euo pipefail
cd "$(dirname "$0")/../.."

PREBUILT_DIR=deploy/docker/prebuilt/bin
if [ "${1:-}" = "--prebuilt" ]; then
  build=${2:?--prebuilt needs a build directory}
  # The programs services/CMakeLists.txt names, installed and stripped as the image's build stage does.
  cmake --build "$build" --target programs >/dev/null \
    || { echo "compose_test.sh: cannot build the programs in $build" >&2; exit 1; }
  cmake --install "$build" --component programs --prefix "$PWD/$PREBUILT_DIR/.." >/dev/null
  for b in "$PREBUILT_DIR"/*; do strip --strip-debug "$b"; done
  export SIMBIND_IMAGE_TARGET=prebuilt
  echo "image: the prebuilt stage, with the binaries of $build"
fi

PROJECT=${SIMBIND_COMPOSE_PROJECT:-simbind-test}
if [ -n "${SIMBIND_COMPOSE:-}" ]; then
  read -r -a COMPOSE <<< "$SIMBIND_COMPOSE"
elif docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
else
  COMPOSE=(docker-compose)
fi
compose() { "${COMPOSE[@]}" -p "$PROJECT" "$@"; }

WORK=$(mktemp -d /tmp/simbind-compose-XXXXXX)
failures=0
check() {  # check <description> <expected> <actual>
  if [ "$2" = "$3" ]; then printf '  PASS  %s\n' "$1"; else printf '  FAIL  %s (expected %s, got %s)\n' "$1" "$2" "$3"; failures=$((failures + 1)); fi
}
cleanup() {
  local rc=$?
  if [ "$rc" -ne 0 ] || [ "$failures" -ne 0 ]; then
    echo "--- container logs (last 40 lines each)"
    compose logs --no-color --tail 40 2>/dev/null || true
  fi
  compose --profile demo down -v --remove-orphans >/dev/null 2>&1 || compose down -v --remove-orphans >/dev/null 2>&1 || true
  find "$PREBUILT_DIR" -type f -name 'simbind*' -delete
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
elapsed() { echo "$(( $(date +%s) - START ))s"; }
START=$(date +%s)

echo "== compose testbed test with ${COMPOSE[*]} (project $PROJECT)"
docker info >/dev/null 2>&1 || { echo "no Docker engine answers" >&2; exit 1; }

# 1. The base image.
if ! docker image inspect debian:12-slim >/dev/null 2>&1; then
  if timeout 90 docker pull -q debian:12-slim >/dev/null 2>&1; then
    echo "base image: pulled debian:12-slim"
  else
    echo "base image: no registry answered; building it locally (deploy/docker/make-base-image.sh)"
    deploy/docker/make-base-image.sh
  fi
fi

# 2. Up: the image, the lab, six healthy daemons.
compose down -v --remove-orphans >/dev/null 2>&1 || true
echo "building the image and starting the testbed ($(elapsed))"
compose build > "$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log"; exit 1; }
compose up -d > "$WORK/up.log" 2>&1 || { cat "$WORK/up.log"; exit 1; }
health() { docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$(compose ps -q "$1")"; }
for _ in $(seq 90); do
  all=yes
  for s in keydir prov hss mme ue console; do [ "$(health $s 2>/dev/null)" = healthy ] || all=no; done
  [ $all = yes ] && break
  sleep 2
done
for s in keydir prov hss mme ue console; do check "$s is healthy" healthy "$(health $s 2>/dev/null || echo missing)"; done
check "init made the lab and exited 0" "0" \
  "$(docker inspect --format '{{.State.ExitCode}}' "$(compose ps -a -q init 2>/dev/null || compose ps -q init)")"
echo "testbed up ($(elapsed))"

# 3. The lab demo inside the testbed.
set +e
compose run -T --rm demo > "$WORK/demo.txt" 2> "$WORK/demo.err"
demo_rc=$?
set -e
sed 's/^/    | /' "$WORK/demo.txt"
[ "$demo_rc" -eq 0 ] || sed 's/^/    ! /' "$WORK/demo.err"
check "the demo exits 0" "0" "$demo_rc"
for scenario in "(a) scenario 2" "(b) scenario 1" "(c) stolen UICC" "(d) authorized device change"; do
  check "the report passes: $scenario" "yes" "$(grep -qF "PASS  $scenario" "$WORK/demo.txt" && echo yes || echo no)"
done

# 4. Metrics and health over the published ports; nobody runs as root.
declare -A METRICS_PORT=([hss]=9100 [mme]=9101 [prov]=9102 [keydir]=9103 [ue]=9104 [console]=9105)
for s in hss mme prov keydir ue console; do
  curl -fsS "http://127.0.0.1:${METRICS_PORT[$s]}/metrics" > "$WORK/$s.metrics" || true
  check "$s serves /healthz" "ok" "$(curl -fsS "http://127.0.0.1:${METRICS_PORT[$s]}/healthz" | tr -d '\n' || true)"
  check "$s serves Prometheus text (# TYPE lines)" "yes" "$(grep -q '^# TYPE simbind_' "$WORK/$s.metrics" && echo yes || echo no)"
  check "$s does not run as root" "10001" "$(compose exec -T "$s" id -u | tr -d '\n')"
done
positive() { awk -v m="$1" 'index($0, m) == 1 && $NF > 0 {found = 1} END {print found ? "yes" : "no"}' "$2"; }
check "the MME counted completed attaches" "yes" "$(positive simbind_mme_attaches_completed_total "$WORK/mme.metrics")"
check "the HSS counted successful AIRs" "yes" "$(positive 'simbind_hss_s6a_answers_total{command="AIR",result="2001"}' "$WORK/hss.metrics")"
check "the HSS counted over-the-air KME establishments" "yes" "$(positive 'simbind_hss_binding_outcomes_total{outcome="established"' "$WORK/hss.metrics")"
check "the MME's Diameter peer (the HSS) is up" "yes" "$(positive simbind_mme_diameter_peer_up "$WORK/mme.metrics")"

TOKEN=$(compose exec -T console cat /var/lib/simbind/lab/keys/console.token | tr -d '\n\r ')
compose exec -T console cat /var/lib/simbind/lab/certs/ca.crt > "$WORK/ca.crt"
page() { curl -sS --cacert "$WORK/ca.crt" "$@"; }
check "the console refuses its API without the token" "401" \
  "$(page -o /dev/null -w '%{http_code}' https://127.0.0.1:8088/api/overview || true)"
check "the console's API answers over HTTPS with the token, UE events live" "yes" \
  "$(page -H "Authorization: Bearer $TOKEN" https://127.0.0.1:8088/api/overview | grep -q '"ue_stream":true' && echo yes || echo no)"
check "the console lists the demo's subscribers with established bindings" "yes" \
  "$(page -H "Authorization: Bearer $TOKEN" https://127.0.0.1:8088/api/subscribers | grep -q '"state":"established"' && echo yes || echo no)"
check "the console's page is served (lab-CA certificate valid for 127.0.0.1)" "yes" \
  "$(page -H "Authorization: Bearer $TOKEN" https://127.0.0.1:8088/ | grep -q 'simbind console' && echo yes || echo no)"

# 5. No per-testbed key in any log.
compose logs --no-color > "$WORK/all.log" 2>&1
leaked=0 keys=0
for k in $(compose run -T --rm --entrypoint sh demo -c 'cat /var/lib/simbind/lab/keys/*.key' 2>/dev/null); do
  keys=$((keys + 1))
  grep -qi "$k" "$WORK/all.log" "$WORK/demo.txt" && leaked=$((leaked + 1))
done
check "the lab has its five per-testbed keys" "5" "$keys"
check "no per-testbed key appears in the logs or the demo report" "0" "$leaked"
check "the console's token is 64 hex digits and appears in no log" "64 no" \
  "${#TOKEN} $(grep -qi "$TOKEN" "$WORK/all.log" "$WORK/demo.txt" && echo yes || echo no)"

# 6. down and up again: the named volumes keep the stores.
cli() { compose run -T --rm --entrypoint bash demo -c ". /var/lib/simbind/lab/env.sh && simbind $*" 2>/dev/null; }
cli hss list --json > "$WORK/before.json"
first_bound=$(grep -o '"imsi":"[0-9]*"' "$WORK/before.json" | head -1 | cut -d'"' -f4)  # scenario (a)'s: bound
[ -n "$first_bound" ] || { echo "no subscriber listed after the demo"; exit 1; }
cli hss get --imsi "$first_bound" --json > "$WORK/get-before.json"
compose down > /dev/null 2>&1
compose up -d > "$WORK/up2.log" 2>&1 || { cat "$WORK/up2.log"; exit 1; }
for _ in $(seq 90); do [ "$(health ue 2>/dev/null)" = healthy ] && [ "$(health prov 2>/dev/null)" = healthy ] && break; sleep 2; done
cli hss list --json > "$WORK/after.json"
cli hss get --imsi "$first_bound" --json > "$WORK/get-after.json"
# The same subscribers, profiles and bindings. SQN reservations may only have grown: simbind-hss reserves each
# subscriber's next block at start (store.preload), and a reservation that went down would let an SQN be reused.
same_but_sqn() {
  python3 - "$1" "$2" <<'PY'
import json, sys
def load(path):
    doc = json.load(open(path))
    return doc["subscribers"] if isinstance(doc, dict) and "subscribers" in doc else [doc]
def strip(s):
    return {k: v for k, v in s.items() if k != "sqn_reserved"}
before, after = load(sys.argv[1]), load(sys.argv[2])
same = [strip(s) for s in before] == [strip(s) for s in after]
grown = len(before) == len(after) and all(int(a.get("sqn_reserved", 0)) >= int(b.get("sqn_reserved", 0))
                                          for b, a in zip(before, after))
print("same, SQN reservations not lower" if same and grown else
      f"differs (same apart from SQN: {same}; reservations not lower: {grown})")
PY
}
check "subscribers and bindings survive down/up ($(grep -o '"imsi"' "$WORK/before.json" | wc -l) subscribers)" \
  "same, SQN reservations not lower" "$(same_but_sqn "$WORK/before.json" "$WORK/after.json")"
check "subscriber $first_bound (profile, binding, SQN reservation) survives down/up" \
  "same, SQN reservations not lower" "$(same_but_sqn "$WORK/get-before.json" "$WORK/get-after.json")"
set +e
compose run -T --rm demo > "$WORK/demo2.txt" 2>&1
demo2_rc=$?
set -e
check "the demo passes again on the kept stores" "0" "$demo2_rc"
[ "$demo2_rc" -eq 0 ] || sed 's/^/    | /' "$WORK/demo2.txt"

echo "compose testbed test done in $(elapsed)"
if [ "$failures" -ne 0 ]; then echo "RESULT: FAIL ($failures checks)"; exit 1; fi
echo "RESULT: PASS"
