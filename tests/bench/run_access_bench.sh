#!/usr/bin/env bash
# Attaches per second over S1AP against NAS over TCP, in one run through one simbind-mme: simbind-hss, simbind-mme
# (NAS/TCP and S1AP beside each other) and two simbind-ue processes, one speaking NAS/TCP and one as an S1AP eNB
# (usrsctp on raw IP: needs root). Each has its own N UEs (default 2,000). After a cold run per transport (the HSS's
# first SQN reservation of each subscriber, the devices' first files), the measured repetitions attach and detach
# every UE, alternating the transport that goes first. Prints one JSON line per run and a table of medians with the
# S1AP/TCP ratio of the same run.
#
#   tests/bench/run_access_bench.sh [--ues 2000] [--rate 3000] [--reps 5]
set -euo pipefail
cd "$(dirname "$0")/../.."

UES=2000
RATE=3000
REPS=5
while [ $# -gt 0 ]; do
  case "$1" in
    --ues) UES=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "run_access_bench.sh: needs root (usrsctp on raw IP)" >&2; exit 2; }

BUILD=${SIMBIND_BUILD_DIR:-build}
HSS=$BUILD/services/hss/simbind-hss
MME=$BUILD/services/mme/simbind-mme
UE=$BUILD/services/ue/simbind-ue
CLI=$BUILD/services/cli/simbind
for b in "$HSS" "$MME" "$UE" "$CLI"; do [ -x "$b" ] || { echo "missing $b: build first (scripts/build.sh)" >&2; exit 1; }; done

WORK=$(mktemp -d /tmp/simbind-access-bench-XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_log() { for _ in $(seq 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; cat "$1" >&2; return 1; }
HSS_PORT=$(port); ADMIN_PORT=$(port); MME_PORT=$(port); NAS_PORT=$(port); S1AP_PORT=$(port)
TCP_CONTROL=$(port); S1AP_CONTROL=$(port)

for f in master.key ue.key; do od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$WORK/$f"; chmod 600 "$WORK/$f"; done
cat > "$WORK/hss.yaml" <<YAML
log_level: info
diameter: {identity: hss.bench.simbind.lab, port: $HSS_PORT, peers: [{identity: mme.bench.simbind.lab}]}
store: {path: $WORK/hss.db, master_key_file: $WORK/master.key}
admin: {listen: 127.0.0.1:$ADMIN_PORT}
YAML
cat > "$WORK/mme.yaml" <<YAML
log_level: info
diameter:
  identity: mme.bench.simbind.lab
  port: $MME_PORT
  tc_timer: 1
  peers: [{identity: hss.bench.simbind.lab, address: 127.0.0.1, port: $HSS_PORT}]
nas: {port: $NAS_PORT}
s1ap: {listen: 127.0.0.1, port: $S1AP_PORT, sctp: {backend: usrsctp}}
YAML
for t in tcp s1ap; do
  mkdir -p "$WORK/$t"
  if [ $t = tcp ]; then mme="{address: 127.0.0.1, port: $NAS_PORT}"; ctl=$TCP_CONTROL
  else mme="{address: 127.0.0.1, port: $S1AP_PORT, transport: s1ap}"; ctl=$S1AP_CONTROL; fi
  cat > "$WORK/$t/ue.yaml" <<YAML
log_level: info
mme: $mme
s1ap: {sctp: {backend: usrsctp}}
store: {directory: $WORK/$t/devices, storage_key_file: $WORK/ue.key}
control: {listen: 127.0.0.1:$ctl}
YAML
done

K=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n'); OPC=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
python3 - "$UES" "$K" "$OPC" > "$WORK/subscribers.yaml" <<'PY'
import sys
n, k, opc = int(sys.argv[1]), sys.argv[2], sys.argv[3]
print("subscribers:")
for base in (1013000000000, 1014000000000):
    for i in range(n):
        print(f"  - {{imsi: '{base + i:015d}', k: {k}, opc: {opc}}}")
PY
printf 'generate: {count: %s, imsi_start: "001013000000000", imei_start: "35000000000000", k: %s, opc: %s}\n' \
  "$UES" "$K" "$OPC" > "$WORK/tcp/profiles.yaml"
printf 'generate: {count: %s, imsi_start: "001014000000000", imei_start: "35100000000000", k: %s, opc: %s}\n' \
  "$UES" "$K" "$OPC" > "$WORK/s1ap/profiles.yaml"

"$HSS" --config "$WORK/hss.yaml" > "$WORK/hss.log" 2>&1 & PIDS+=($!)
wait_log "$WORK/hss.log" "simbind-hss ready"
"$MME" --config "$WORK/mme.yaml" > "$WORK/mme.log" 2>&1 & PIDS+=($!)
wait_log "$WORK/mme.log" "simbind-mme ready"
"$CLI" hss import "$WORK/subscribers.yaml" --hss "127.0.0.1:$ADMIN_PORT" > "$WORK/import.log"
for t in tcp s1ap; do
  "$UE" --config "$WORK/$t/ue.yaml" > "$WORK/$t/ue.log" 2>&1 & PIDS+=($!)
  wait_log "$WORK/$t/ue.log" "simbind-ue ready"
done
wait_log "$WORK/s1ap/ue.log" "S1 SETUP accepted"
SIMBIND_UE=127.0.0.1:$TCP_CONTROL "$CLI" ue create --profiles "$WORK/tcp/profiles.yaml" > /dev/null
SIMBIND_UE=127.0.0.1:$S1AP_CONTROL "$CLI" ue create --profiles "$WORK/s1ap/profiles.yaml" > /dev/null

load() {  # load TRANSPORT [--detach] [cold]: one run of every UE of that emulator, as one JSON line
  local t=$1 extra=$2 tag=$3 ctl=$TCP_CONTROL
  [ "$t" = s1ap ] && ctl=$S1AP_CONTROL
  { SIMBIND_UE=127.0.0.1:$ctl "$CLI" ue load --rate "$RATE" $extra --json --timeout 3600 || true; } |
    sed "s/^{/{\"transport\":\"$t\",\"run\":\"$tag\",/" | tee -a "$WORK/results.jsonl"
}
echo "# machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(date -u +%FT%TZ); $UES UEs per transport, offered $RATE/s"
: > "$WORK/results.jsonl"
for t in tcp s1ap; do load $t --detach cold; done
for rep in $(seq "$REPS"); do
  if [ $((rep % 2)) = 1 ]; then order="tcp s1ap"; else order="s1ap tcp"; fi
  for t in $order; do load $t --detach "rep$rep"; done
done

python3 - "$WORK/results.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
runs = lambda t: [r for r in rows if r["transport"] == t and r["run"] != "cold"]
med = lambda t, k: statistics.median(r[k] for r in runs(t))
print("\n| transport | runs | attaches/s (median) | p50 ms | p99 ms | failures |")
print("|---|---|---|---|---|---|")
for t, name in (("tcp", "NAS over TCP"), ("s1ap", "S1AP over SCTP (usrsctp)")):
    print(f"| {name} | {len(runs(t))} | {med(t, 'attaches_per_second'):,.0f} | {med(t, 'p50_ms'):.1f} | "
          f"{med(t, 'p99_ms'):.1f} | {sum(r['failed'] for r in runs(t))} |")
ratios = []
for rep in sorted({r["run"] for r in rows if r["run"] != "cold"}):
    pair = {r["transport"]: r["attaches_per_second"] for r in rows if r["run"] == rep}
    if "tcp" in pair and "s1ap" in pair and pair["tcp"]:
        ratios.append(pair["s1ap"] / pair["tcp"])
print(f"\nS1AP / TCP attaches/s, per repetition: {', '.join(f'{x:.2f}' for x in ratios)}; median {statistics.median(ratios):.2f}")
if any(r["failed"] for r in rows):
    sys.exit(1)
PY
