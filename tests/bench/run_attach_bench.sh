#!/usr/bin/env bash
# End-to-end attach benchmark: simbind-hss, simbind-mme and simbind-ue as separate processes on 127.0.0.1, and
# `simbind ue load` driving N UEs (default 10,000) through the whole attach of DESIGN 3.1 (AIR, authentication,
# security mode, ULR, default bearer, ATTACH COMPLETE). Each measured repetition attaches every UE and detaches it;
# the first (cold) run leaves all N attached to measure the MME's memory per attached UE (VmRSS difference / the
# number attached).
# Prints one JSON summary per run and a table of medians.
#
#   tests/bench/run_attach_bench.sh [--ues 10000] [--rate 3000] [--cold-rate RATE] [--reps 3] [--import-batch 1000]
# --import-batch: subscribers per ImportSubscribers call when the HSS is filled (1: one transaction each).
set -euo pipefail
cd "$(dirname "$0")/../.."

UES=10000
RATE=3000
COLD_RATE=
REPS=3
IMPORT_BATCH=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --ues) UES=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --cold-rate) COLD_RATE=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --import-batch) IMPORT_BATCH=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
COLD_RATE=${COLD_RATE:-$RATE}

BUILD=${SIMBIND_BUILD_DIR:-build}
HSS=$BUILD/services/hss/simbind-hss
MME=$BUILD/services/mme/simbind-mme
UE=$BUILD/services/ue/simbind-ue
CLI=$BUILD/services/cli/simbind
for b in "$HSS" "$MME" "$UE" "$CLI"; do [ -x "$b" ] || { echo "missing $b: build first (scripts/build.sh)" >&2; exit 1; }; done

WORK=$(mktemp -d /tmp/simbind-attach-bench-XXXXXX)
PIDS=()
cleanup() { [ -n "${KEEP:-}" ] && { cp "$WORK/results.jsonl" /tmp/attach-results.jsonl || true; }; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_log() { for _ in $(seq 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; cat "$1" >&2; return 1; }
HSS_PORT=$(port); ADMIN_PORT=$(port); MME_PORT=$(port); NAS_PORT=$(port); CONTROL_PORT=$(port)

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
# Room for --ues attached at once (the defaults, a /16 and a /48, hold 65,534 and 65,536).
pdn: {pool: 10.32.0.0/11, ipv6_pool: "2001:db8:4500::/40"}
YAML
cat > "$WORK/ue.yaml" <<YAML
log_level: info
mme: {address: 127.0.0.1, port: $NAS_PORT}
store: {directory: $WORK/devices, storage_key_file: $WORK/ue.key}
control: {listen: 127.0.0.1:$CONTROL_PORT}
YAML

K=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n'); OPC=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
python3 - "$UES" "$K" "$OPC" > "$WORK/subscribers.csv" <<'PY'
import sys
n, k, opc = int(sys.argv[1]), sys.argv[2], sys.argv[3]
for i in range(n):
    print(f"ue{i},mil,{1012000000000 + i:015d},{k},opc,{opc},8000,000000000000,9,dynamic")
PY
"$HSS" --config "$WORK/hss.yaml" > "$WORK/hss.log" 2>&1 & PIDS+=($!)
wait_log "$WORK/hss.log" "simbind-hss ready"
"$MME" --config "$WORK/mme.yaml" > "$WORK/mme.log" 2>&1 & MME_PID=$!; PIDS+=($MME_PID)
"$UE" --config "$WORK/ue.yaml" > "$WORK/ue.log" 2>&1 & PIDS+=($!)
"$CLI" hss import "$WORK/subscribers.csv" --batch "$IMPORT_BATCH" --hss "127.0.0.1:$ADMIN_PORT" --timeout 300 > "$WORK/import.log"
wait_log "$WORK/ue.log" "simbind-ue ready"
export SIMBIND_UE=127.0.0.1:$CONTROL_PORT
# 20,000 UEs per call: the answer lists each UE, and gRPC's default limit on an answer is 4 MB.
for ((first = 0; first < UES; first += 20000)); do
  printf 'generate: {count: %s, imsi_start: "%015d", imei_start: "%014d", k: %s, opc: %s}\n' \
    $((UES - first < 20000 ? UES - first : 20000)) $((1012000000000 + first)) $((35000000000000 + first)) \
    "$K" "$OPC" > "$WORK/profiles.yaml"
  "$CLI" ue create --profiles "$WORK/profiles.yaml" > /dev/null
done
# simbind-ue writes the new devices' files (an ME and a UICC file each) on its own thread after answering: let it
# finish, so that the cold run measures attaches, not the emulator's file creation.
for _ in $(seq 3000); do
  files=$(find "$WORK/devices" -name '*.json' | wc -l)
  [ "$files" -ge $((2 * UES)) ] && [ -z "$(find "$WORK/devices" -name '*.tmp' -print -quit)" ] && break
  sleep 0.1
done

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$MME_PID/status"; }
echo "# machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(date -u +%FT%TZ); $UES UEs, offered $RATE/s (cold run $COLD_RATE/s)"
: > "$WORK/results.jsonl"
# The first attach of every UE is the cold one: for each subscriber, the MME makes a context and the emulator's
# UICC records its first SQN; the HSS has each subscriber in memory with an SQN block reserved (store.preload)
# unless it holds more than that limit. It is reported apart from the medians and compared with them (cold/warm),
# and it leaves every UE attached: the MME's resident memory before and after gives the memory per attached UE.
sleep 1
before=$(rss_kib)
{ "$CLI" ue load --rate "$COLD_RATE" --json --timeout 3600 || true; } | sed 's/^{/{"cold":true,/' | tee -a "$WORK/results.jsonl"
after=$(rss_kib)
echo "{\"mme_rss_kib_before\":$before,\"mme_rss_kib_after\":$after,\"ues\":$UES}" | tee -a "$WORK/results.jsonl"
# Then the measured runs: every UE attaches again (the MME replaces its old context) and detaches.
for rep in $(seq "$REPS"); do
  { "$CLI" ue load --rate "$RATE" --detach --json --timeout 3600 || true; } | tee -a "$WORK/results.jsonl"
done

python3 - "$WORK/results.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
runs = [r for r in rows if "attaches_per_second" in r and not r.get("cold")]
cold = [r for r in rows if r.get("cold")][0]
mem = [r for r in rows if "mme_rss_kib_after" in r][0]
med = lambda k: statistics.median(r[k] for r in runs)
print(f"\ncold run (first attach of each UE): {cold['attaches_per_second']:,.0f} attaches/s, p50 {cold['p50_ms']:.1f} ms, "
      f"p99 {cold['p99_ms']:.1f} ms, {cold['failed']} failures; cold/warm {cold['attaches_per_second'] / med('attaches_per_second'):.2f}")
print(f"\n| runs | attaches/s (median) | p50 ms | p99 ms | failures | MME memory per attached UE |")
print("|---|---|---|---|---|---|")
# Over the UEs the cold run left attached (a failed attach leaves no context).
per_ue = (mem["mme_rss_kib_after"] - mem["mme_rss_kib_before"]) * 1024 / max(cold["succeeded"], 1)
print(f"| {len(runs)} | {med('attaches_per_second'):,.0f} | {med('p50_ms'):.1f} | {med('p99_ms'):.1f} | "
      f"{sum(r['failed'] for r in runs)} | {per_ue:,.0f} bytes |")
if any(r["failed"] for r in runs) or cold["failed"]:
    sys.exit(1)
PY
