#!/usr/bin/env bash
# Over-the-air KME establishment through the whole chain (DESIGN 3.3), per device key scheme: simbind-keydir
# (mTLS), simbind-prov (Bp), simbind-hss, simbind-mme and simbind-ue as separate processes on 127.0.0.1. For each
# scheme, N fresh binding-required subscribers and N fresh devices (keys registered in keydir as a factory
# would); `simbind ue load` then runs every device's first attach, i.e. one provisioning each: AIR, authentication,
# security mode, ULR -> KME-Establishment (keydir lookup, wrap for the device and for the HSS) -> IDR -> binding
# container -> unwrap and Rsp at the UE -> IDA -> Rsp check and store -> ULA -> attach without PDN -> detach.
# The UEs do not re-attach here (nas.reattach_on_request: false), so the figure is provisionings per second.
#
# --ue-store DIR puts the emulator's device files under DIR (e.g. /dev/shm, a tmpfs) instead of the work directory:
# simbind-ue is the load tool, not the system under test, and on a shared two-core machine its file writes (a
# new file renamed over the old one per KME received) take CPU from the daemons. The daemons' databases stay in
# the work directory either way.
#
#   tests/bench/run_provisioning_bench.sh [--devices 500] [--rate 400] [--reps 3] [--schemes "ecies-a ecies-b rsa-2048"]
#                                         [--ue-store DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."

DEVICES=500
RATE=400
REPS=3
SCHEMES="ecies-a ecies-b rsa-2048"
UE_STORE=
while [ $# -gt 0 ]; do
  case "$1" in
    --devices) DEVICES=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --schemes) SCHEMES=$2; shift 2 ;;
    --ue-store) UE_STORE=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

source tests/bench/lib/daemons.sh
bench_setup prov-bench
bench_configure bench
if [ -n "$UE_STORE" ]; then
  UE_STORE=$(mktemp -d "$UE_STORE/simbind-prov-bench-devices-XXXXXX")
  EXTRA_DIRS+=("$UE_STORE")
else
  UE_STORE=$WORK
fi
for n in keydir hss prov mme; do bench_start "$n"; done

echo "# machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(date -u +%FT%TZ); $DEVICES devices per run at $RATE/s; device files in $UE_STORE"
: > "$WORK/results.jsonl"
batch=0
for rep in $(seq "$REPS"); do
  for scheme in $SCHEMES; do
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
    bench_ue_config "$WORK/ue-$batch.yaml" "$UE_STORE/devices-$batch" "$UE_PORT"
    bench_start "ue-$batch" ue
    printf 'generate: {count: %s, imsi_start: "%s", imei_start: "%s", k: %s, opc: %s, key_scheme: %s}\n' \
      "$DEVICES" "$IMSI0" "$IMEI0" "$K" "$OPC" "$scheme" > "$WORK/profiles-$batch.yaml"
    "$CLI" ue create --profiles "$WORK/profiles-$batch.yaml" --ue "127.0.0.1:$UE_PORT" --timeout 600 > /dev/null
    # The factory's part: every device's public key into keydir, as one file (RegisterDevices, 1,000 per call).
    "$CLI" ue list --json --ue "127.0.0.1:$UE_PORT" --timeout 60 | python3 -c '
import json, sys
names = {"ecies-a": "ecies-a", "ecies-b": "ecies-b", "rsa-2048": "rsa-oaep"}
devices = [{"imei": ue["imei"], "scheme": names[ue["key_scheme"]], "public_key": ue["public_key"]}
           for ue in json.load(sys.stdin)["ues"]]
json.dump({"devices": devices}, sys.stdout)
' > "$WORK/devices-$batch.json"
    started=$(date +%s.%N)
    "$CLI" keydir register --from "$WORK/devices-$batch.json" > /dev/null
    echo "# $DEVICES $scheme device keys registered in keydir in $(python3 -c "print(round($(date +%s.%N) - $started, 2))") s"
    { "$CLI" ue load --rate "$RATE" --json --timeout 3600 --ue "127.0.0.1:$UE_PORT" || true; } |
      sed "s/^{/{\"scheme\":\"$scheme\",/" | tee -a "$WORK/results.jsonl"
    kill "${PID[ue-$batch]}"; wait "${PID[ue-$batch]}" 2>/dev/null || true; unset "PID[ue-$batch]"
  done
done

python3 - "$WORK/results.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print("\n| device key | provisionings/s (median) | p50 ms | p99 ms | failures |")
print("|---|---|---|---|---|")
for scheme in ("ecies-a", "ecies-b", "rsa-2048"):
    r = [x for x in rows if x["scheme"] == scheme]
    if not r:
        continue
    med = lambda k: statistics.median(x[k] for x in r)
    print(f"| {scheme} | {med('attaches_per_second'):,.0f} | {med('p50_ms'):.1f} | {med('p99_ms'):.1f} | "
          f"{sum(x['failed'] for x in r)} of {sum(x['count'] for x in r)} |")
if any(x["failed"] for x in rows):
    sys.exit(1)
PY
