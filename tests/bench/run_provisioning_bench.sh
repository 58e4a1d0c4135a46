#!/usr/bin/env bash
# Over-the-air KME establishment through the whole chain (DESIGN 3.3), per device key scheme: simbind-keydir
# (mTLS), simbind-prov (Bp), simbind-hss, simbind-mme and simbind-ue as separate processes on 127.0.0.1. For each
# scheme, N fresh binding-required subscribers and N fresh devices (keys registered in keydir as a factory
# would); `simbind ue load` then runs every device's first attach, i.e. one provisioning each: AIR, authentication,
# security mode, ULR -> KME-Establishment (keydir lookup, wrap for the device and for the HSS) -> IDR -> binding
# container -> unwrap and Rsp at the UE -> IDA -> Rsp check and store -> ULA -> attach without PDN -> detach.
# The UEs do not re-attach here (nas.reattach_on_request: false), so the figure is provisionings per second.
#
#   tests/bench/run_provisioning_bench.sh [--devices 500] [--rate 400] [--reps 3]
set -euo pipefail
cd "$(dirname "$0")/../.."

DEVICES=500
RATE=400
REPS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --devices) DEVICES=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

BUILD=${SIMBIND_BUILD_DIR:-build}
HSS=$BUILD/services/hss/simbind-hss
MME=$BUILD/services/mme/simbind-mme
UE=$BUILD/services/ue/simbind-ue
PROV=$BUILD/services/provisioning/simbind-prov
KEYDIR=$BUILD/services/keydir/simbind-keydir
CLI=$BUILD/services/cli/simbind
for b in "$HSS" "$MME" "$UE" "$PROV" "$KEYDIR" "$CLI"; do
  [ -x "$b" ] || { echo "missing $b: build first (scripts/build.sh)" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/simbind-prov-bench-XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_log() { for _ in $(seq 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; cat "$1" >&2; return 1; }
HSS_PORT=$(port); ADMIN_PORT=$(port); MME_PORT=$(port); NAS_PORT=$(port); PROV_PORT=$(port); KEYDIR_PORT=$(port)

C=$WORK/certs
deploy/certs/lab-ca.sh init "$C" > /dev/null
deploy/certs/lab-ca.sh issue "$C" keydir.bench.simbind.lab server > /dev/null
deploy/certs/lab-ca.sh issue "$C" factory.bench.simbind.lab manufacturer > /dev/null
deploy/certs/lab-ca.sh issue "$C" prov.bench.simbind.lab operator > /dev/null
for f in master.key kek.key; do od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$WORK/$f"; chmod 600 "$WORK/$f"; done

cat > "$WORK/keydir.yaml" <<YAML
log_level: warn
listen: 127.0.0.1:$KEYDIR_PORT
tls: {cert: $C/keydir.bench.simbind.lab.crt, key: $C/keydir.bench.simbind.lab.key, ca: $C/ca.crt}
store: {path: $WORK/keydir.db}
YAML
cat > "$WORK/hss.yaml" <<YAML
log_level: warn
diameter:
  identity: hss.bench.simbind.lab
  port: $HSS_PORT
  peers: [{identity: mme.bench.simbind.lab}, {identity: prov.bench.simbind.lab}]
store: {path: $WORK/hss.db, master_key_file: $WORK/master.key}
binding: {kek_file: $WORK/kek.key, prov_identity: prov.bench.simbind.lab}
admin: {listen: 127.0.0.1:$ADMIN_PORT}
YAML
cat > "$WORK/prov.yaml" <<YAML
log_level: warn
diameter:
  identity: prov.bench.simbind.lab
  port: $PROV_PORT
  tc_timer: 1
  peers: [{identity: hss.bench.simbind.lab, address: 127.0.0.1, port: $HSS_PORT}]
keydir:
  address: 127.0.0.1:$KEYDIR_PORT
  tls: {cert: $C/prov.bench.simbind.lab.crt, key: $C/prov.bench.simbind.lab.key, ca: $C/ca.crt}
kek_file: $WORK/kek.key
YAML
cat > "$WORK/mme.yaml" <<YAML
log_level: warn
diameter:
  identity: mme.bench.simbind.lab
  port: $MME_PORT
  tc_timer: 1
  peers: [{identity: hss.bench.simbind.lab, address: 127.0.0.1, port: $HSS_PORT}]
nas: {port: $NAS_PORT}
YAML

# The ready lines are logged at info: start at info, the load runs are what matter.
sed 's/^log_level: warn/log_level: info/' -i "$WORK/keydir.yaml" "$WORK/hss.yaml" "$WORK/prov.yaml" "$WORK/mme.yaml"
"$KEYDIR" --config "$WORK/keydir.yaml" > "$WORK/keydir.log" 2>&1 & PIDS+=($!)
"$HSS" --config "$WORK/hss.yaml" > "$WORK/hss.log" 2>&1 & PIDS+=($!)
wait_log "$WORK/keydir.log" "simbind-keydir ready"
wait_log "$WORK/hss.log" "simbind-hss ready"
"$PROV" --config "$WORK/prov.yaml" > "$WORK/prov.log" 2>&1 & PIDS+=($!)
"$MME" --config "$WORK/mme.yaml" > "$WORK/mme.log" 2>&1 & PIDS+=($!)
wait_log "$WORK/prov.log" "simbind-prov ready"
wait_log "$WORK/mme.log" "simbind-mme ready"
export SIMBIND_KEYDIR=127.0.0.1:$KEYDIR_PORT SIMBIND_KEYDIR_CERT=$C/factory.bench.simbind.lab.crt \
       SIMBIND_KEYDIR_KEY=$C/factory.bench.simbind.lab.key SIMBIND_KEYDIR_CA=$C/ca.crt

echo "# machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(date -u +%FT%TZ); $DEVICES devices per run at $RATE/s"
: > "$WORK/results.jsonl"
batch=0
for rep in $(seq "$REPS"); do
  for scheme in ecies-a ecies-b rsa-2048; do
    batch=$((batch + 1))
    K=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n'); OPC=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
    IMSI0=$(printf '0010130%02d000000' "$batch"); IMEI0=$(printf '3510%02d00000000' "$batch")
    python3 - "$DEVICES" "$IMSI0" "$K" "$OPC" > "$WORK/subs-$batch.yaml" <<'PY'
import sys
n, first, k, opc = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
print("subscribers:")
for i in range(n):
    print(f"  - {{imsi: '{first + i:015d}', k: {k}, opc: {opc}, binding: required}}")
PY
    "$CLI" hss import "$WORK/subs-$batch.yaml" --hss "127.0.0.1:$ADMIN_PORT" > /dev/null
    UE_PORT=$(port)
    cat > "$WORK/ue-$batch.yaml" <<YAML
log_level: info
mme: {address: 127.0.0.1, port: $NAS_PORT}
store: {directory: $WORK/devices-$batch, storage_key_file: $WORK/kek.key}
control: {listen: 127.0.0.1:$UE_PORT}
nas: {reattach_on_request: false}
YAML
    "$UE" --config "$WORK/ue-$batch.yaml" > "$WORK/ue-$batch.log" 2>&1 & UE_PID=$!; PIDS+=($UE_PID)
    wait_log "$WORK/ue-$batch.log" "simbind-ue ready"
    printf 'generate: {count: %s, imsi_start: "%s", imei_start: "%s", k: %s, opc: %s, key_scheme: %s}\n' \
      "$DEVICES" "$IMSI0" "$IMEI0" "$K" "$OPC" "$scheme" > "$WORK/profiles-$batch.yaml"
    "$CLI" ue create --profiles "$WORK/profiles-$batch.yaml" --ue "127.0.0.1:$UE_PORT" --timeout 600 > /dev/null
    # The factory's part: every device's public key into keydir.
    "$CLI" ue list --json --ue "127.0.0.1:$UE_PORT" --timeout 60 | python3 -c '
import json, subprocess, sys
names = {"ecies-a": "ecies-a", "ecies-b": "ecies-b", "rsa-2048": "rsa-oaep"}
for ue in json.load(sys.stdin)["ues"]:
    subprocess.run([sys.argv[1], "keydir", "register", "--imei", ue["imei"], "--scheme", names[ue["key_scheme"]],
                    "--public-key", ue["public_key"]], check=True, stdout=subprocess.DEVNULL)
' "$CLI"
    { "$CLI" ue load --rate "$RATE" --json --timeout 3600 --ue "127.0.0.1:$UE_PORT" || true; } |
      sed "s/^{/{\"scheme\":\"$scheme\",/" | tee -a "$WORK/results.jsonl"
    kill "$UE_PID"; wait "$UE_PID" 2>/dev/null || true
  done
done

python3 - "$WORK/results.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print("\n| device key | provisionings/s (median) | p50 ms | p99 ms | failures |")
print("|---|---|---|---|---|")
for scheme in ("ecies-a", "ecies-b", "rsa-2048"):
    r = [x for x in rows if x["scheme"] == scheme]
    med = lambda k: statistics.median(x[k] for x in r)
    print(f"| {scheme} | {med('attaches_per_second'):,.0f} | {med('p50_ms'):.1f} | {med('p99_ms'):.1f} | "
          f"{sum(x['failed'] for x in r)} of {sum(x['count'] for x in r)} |")
if any(x["failed"] for x in rows):
    sys.exit(1)
PY
