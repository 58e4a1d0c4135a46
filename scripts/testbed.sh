#!/usr/bin/env bash
# The local testbed in one command: the five daemons as local processes, and the demo of the four binding
# scenarios through the simbind CLI (deploy/testbed/lab-demo.sh).
#
#   scripts/testbed.sh [--dir D] [--console] [--s1ap | --external-mme ADDRESS[:PORT]]
#
#   --console           also starts simbind-console and prints its URL (http://127.0.0.1:PORT/; SIMBIND_LAB_CONSOLE_PORT
#                       fixes the port); instead of the text demo, the testbed runs until Ctrl-C and the demo is
#                       played from the page: its four scenario buttons, or the lab actions one by one
#   --s1ap              simbind-ue reaches simbind-mme as an emulated eNB over S1AP (SCTP) instead of NAS/TCP; the
#                       demo is the same
#   --external-mme A:P  simbind-ue's eNBs connect to another MME's S1AP (e.g. Open5GS's open5gs-mmed, 127.0.0.2:36412):
#                       no simbind-mme, no demo. The testbed runs until Ctrl-C; point that MME's S6a at simbind-hss
#                       (README, "simbind-ue as eNBs of a standard MME") and drive the UEs with the CLI
#                       (`. D/env.sh; simbind ue create/attach ...`). Set SIMBIND_LAB_HSS_EXTRA_PEERS to its Diameter
#                       identity and SIMBIND_LAB_PLMN to its PLMN.
#
# 1. Builds the daemons and the CLI if needed (scripts/build.sh --daemons, showing ninja's [n/N]), unless
#    SIMBIND_BIN_DIR names the binaries (a flat directory or a build tree).
# 2. Makes the lab (deploy/testbed/make-lab.sh) in the work directory: a fresh temporary directory, or D with
#    --dir (an existing D keeps its CA, keys and stores). Ports: SIMBIND_LAB_*_PORT from the environment, any other
#    a free one below the ephemeral range (so neither a second testbed nor ctest's daemons collide with it).
# 3. Starts simbind-keydir, -prov, -hss, -mme and -ue (logs in WORK/logs), waits until each is ready and the HSS
#    has its MME and prov peers, then runs the demo; its report is also saved as WORK/report.txt.
# Every process it started is stopped on exit and on Ctrl-C. Exit status: the demo's (0 = every scenario PASS).
# A temporary work directory is removed after a passing run, and kept (logs!) after a failing one.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

WORK=
KEEP=0
CONSOLE=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --dir)
      [[ -n ${2:-} ]] || { echo "testbed.sh: --dir needs a directory" >&2; exit 2; }
      mkdir -p "$2"
      WORK=$(cd "$2" && pwd)
      KEEP=1
      shift 2 ;;
    --s1ap) export SIMBIND_LAB_UE_ACCESS=s1ap; shift ;;
    --console) CONSOLE=1; shift ;;
    --external-mme)
      [[ -n ${2:-} ]] || { echo "testbed.sh: --external-mme needs ADDRESS[:PORT]" >&2; exit 2; }
      export SIMBIND_LAB_S1AP_MME=$2
      shift 2 ;;
    -h | --help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: scripts/testbed.sh [--dir D] [--console] [--s1ap | --external-mme ADDRESS[:PORT]]" >&2; exit 2 ;;
  esac
done
[[ -n $WORK ]] || WORK=$(mktemp -d "${TMPDIR:-/tmp}/simbind-testbed-XXXXXX")

# --- the binaries ---------------------------------------------------------------------------------------------------
find_in() {  # find_in DIR NAME
  local f
  [[ -x $1/$2 ]] && { echo "$1/$2"; return; }
  for f in "$1"/services/*/"$2"; do [[ -x $f ]] && { echo "$f"; return; }; done
  return 0
}
# ninja's "[n/N]" lines as progress: one line rewritten in place on a terminal, a line per tenth otherwise.
build_progress() {
  local line shown=-1 done total tenth
  while IFS= read -r line; do
    [[ $line =~ ^\[([0-9]+)/([0-9]+)\] ]] || continue
    done=${BASH_REMATCH[1]} total=${BASH_REMATCH[2]}
    if [[ -t 1 ]]; then
      printf '\rtestbed: building [%d/%d]' "$done" "$total"
    else
      tenth=$((done * 10 / total))
      ((tenth > shown)) && { shown=$tenth; echo "testbed: building [$done/$total]"; }
    fi
  done
  [[ -t 1 ]] && echo
  return 0
}
if [[ -z ${SIMBIND_BIN_DIR:-} ]]; then
  echo "testbed: building the daemons and the CLI (scripts/build.sh --daemons; log in $WORK/build.log)"
  scripts/build.sh --daemons 2>&1 | tee "$WORK/build.log" | build_progress \
    || { tail -n 30 "$WORK/build.log"; echo "testbed: the build failed"; exit 1; }
  SIMBIND_BIN_DIR=$REPO/build
fi
declare -A BIN=()
for name in simbind simbind-keydir simbind-prov simbind-hss simbind-mme simbind-ue simbind-console; do
  [[ $name == simbind-console && $CONSOLE -eq 0 ]] && continue
  BIN[$name]=$(find_in "$SIMBIND_BIN_DIR" "$name")
  [[ -n ${BIN[$name]} ]] || { echo "testbed: no $name in $SIMBIND_BIN_DIR" >&2; exit 1; }
done
export SIMBIND_BIN_DIR

# --- ports ------------------------------------------------------------------------------------------------------------
# A free TCP port on 127.0.0.1 below the kernel's ephemeral range (ctest's daemons take theirs from that range).
read -r EPHEMERAL_LOW _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || EPHEMERAL_LOW=32768
TAKEN=" "
free_port() {
  local p span=$((EPHEMERAL_LOW - 20000))
  ((span > 1000)) || span=10000
  for _ in $(seq 200); do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % span))
    [[ $TAKEN == *" $p "* ]] && continue
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue  # something listens there
    echo "$p"
    return
  done
  echo "testbed: no free port found" >&2
  exit 1
}
for v in KEYDIR_PORT HSS_DIAMETER_PORT MME_DIAMETER_PORT PROV_DIAMETER_PORT HSS_ADMIN_PORT PROV_ADMIN_PORT \
  UE_CONTROL_PORT NAS_PORT HSS_METRICS_PORT MME_METRICS_PORT PROV_METRICS_PORT KEYDIR_METRICS_PORT UE_METRICS_PORT \
  CONSOLE_PORT CONSOLE_METRICS_PORT; do
  var=SIMBIND_LAB_$v
  if [[ -z ${!var:-} ]]; then
    p=$(free_port)
    TAKEN+="$p "
    export "$var=$p"
  fi
done

# --- processes and cleanup --------------------------------------------------------------------------------------------
PIDS=()
NAMES=()
DEMO_PID=
stop_all() {
  local i pid
  [[ -n $DEMO_PID ]] && kill "$DEMO_PID" 2>/dev/null
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill "${PIDS[$i]}" 2>/dev/null || true; done
  for _ in $(seq 150); do  # up to 15 s for a clean stop (freeDiameter closes its TLS peers first)
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [[ $alive -eq 0 ]] && break
    sleep 0.1
  done
  for i in "${!PIDS[@]}"; do
    if kill -0 "${PIDS[$i]}" 2>/dev/null; then
      echo "testbed: ${NAMES[$i]} (pid ${PIDS[$i]}) did not stop: killed" >&2
      kill -9 "${PIDS[$i]}" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
  PIDS=()
}
STATUS=1
on_exit() {
  STATUS=$?
  trap - EXIT INT TERM
  stop_all
  if [[ $KEEP -eq 0 && $STATUS -eq 0 ]]; then
    rm -rf "$WORK"
  else
    echo "testbed: work directory (configs, logs, report) kept: $WORK"
  fi
  exit "$STATUS"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the lab ----------------------------------------------------------------------------------------------------------
echo "testbed: making the lab in $WORK"
deploy/testbed/make-lab.sh "$WORK" | sed 's/^/testbed: /'
mkdir -p "$WORK/logs"

# start NAME BINARY READY-LINE: a daemon with its configuration, ready when its log says so.
start() {
  local name=$1 bin=$2 ready=$3 log=$WORK/logs/$1.log
  : >"$log"
  "$bin" --config "$WORK/config/$name.yaml" >>"$log" 2>&1 &
  PIDS+=($!)
  NAMES+=("simbind-$name")
  wait_log "$name" "$ready" 30
}
wait_log() {  # wait_log NAME LINE SECONDS: the daemon started last
  local log=$WORK/logs/$1.log pid=${PIDS[${#PIDS[@]} - 1]} i
  for ((i = 0; i < $3 * 10; i++)); do
    grep -qF -- "$2" "$log" && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "testbed: simbind-$1 exited before it was ready:"
      tail -n 20 "$log"
      exit 1
    fi
    sleep 0.1
  done
  echo "testbed: simbind-$1 not ready after $3 s (no '$2' in $log):"
  tail -n 20 "$log"
  exit 1
}
start keydir "${BIN[simbind-keydir]}" "simbind-keydir ready"
start prov "${BIN[simbind-prov]}" "simbind-prov ready"
start hss "${BIN[simbind-hss]}" "simbind-hss ready"
PEERS=(prov)
if [[ -z ${SIMBIND_LAB_S1AP_MME:-} ]]; then
  start mme "${BIN[simbind-mme]}" "simbind-mme ready"
  PEERS+=(mme)
fi
start ue "${BIN[simbind-ue]}" "simbind-ue ready"
if [[ -n ${SIMBIND_LAB_UE_ACCESS:-} || -n ${SIMBIND_LAB_S1AP_MME:-} ]]; then
  # The eNB's S1 SETUP: the UEs can attach once it is accepted.
  wait_log ue "S1 SETUP accepted" 30
fi
# The HSS must have its Diameter peers (over TLS) before the first binding-required attach.
for peer in "${PEERS[@]}"; do
  for ((i = 0; i < 300; i++)); do
    grep -qF "peer $peer.simbind.lab is open" "$WORK/logs/hss.log" && break
    sleep 0.1
  done
  grep -qF "peer $peer.simbind.lab is open" "$WORK/logs/hss.log" ||
    { echo "testbed: simbind-hss has no connection from $peer.simbind.lab after 30 s"; tail -n 20 "$WORK/logs/hss.log"; exit 1; }
done
if [[ -n ${SIMBIND_LAB_S1AP_MME:-} ]]; then
  echo "testbed: simbind-keydir, -prov, -hss and -ue are running (pids ${PIDS[*]}; logs in $WORK/logs);"
  echo "testbed: the UEs' eNB is set up with the MME at $SIMBIND_LAB_S1AP_MME. In another shell: . $WORK/env.sh"
  echo "testbed: then simbind hss create ..., simbind ue create/attach ... (README). Ctrl-C stops the testbed."
  KEEP=1
  while true; do sleep 3600 & wait $!; done
fi
echo "testbed: simbind-keydir, -prov, -hss, -mme and -ue are running (pids ${PIDS[*]}; logs in $WORK/logs)"
if [[ $CONSOLE -eq 1 ]]; then
  start console "${BIN[simbind-console]}" "simbind-console ready"
  echo "testbed: the console: http://127.0.0.1:$SIMBIND_LAB_CONSOLE_PORT/"
  echo "testbed: play the scenarios from the page; the CLI in another shell: . $WORK/env.sh. Ctrl-C stops the testbed."
  KEEP=1
  while true; do sleep 3600 & wait $!; done
fi

# --- the demo ---------------------------------------------------------------------------------------------------------
# In the background, so that Ctrl-C and TERM reach the trap at once.
SIMBIND_CLI=${BIN[simbind]} bash deploy/testbed/lab-demo.sh --lab "$WORK" > >(tee "$WORK/report.txt") 2>&1 &
DEMO_PID=$!
set +e
wait "$DEMO_PID"
STATUS=$?
set -e
DEMO_PID=
exit "$STATUS"
