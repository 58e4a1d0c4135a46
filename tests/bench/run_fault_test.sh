#!/usr/bin/env bash
# Faults under load (issue 14): while first attaches run (half of the subscribers with over-the-air KME
# establishment, half plain), each daemon in turn is killed with SIGKILL and started again: simbind-hss, simbind-mme,
# simbind-prov, simbind-keydir, then simbind-ue (with the load run it serves). Afterwards:
#   1. no SQN was issued twice: every AIA on the HSS's Diameter port is captured, and the SQN of each plain
#      subscriber's vector is recovered from its AUTN (SQN xor AK, AK = f5(K, RAND), Milenage written here);
#   2. no binding is half-written: each binding-required subscriber is either bound, with a kme-established audit
#      record and the same KME-Id in the ME's key store of the bound IMEI, or not bound with no KME in that ME;
#   3. the load recovers: a second run attaches every UE with 0 failures.
# Separate processes on 127.0.0.1; prints a table for docs/PERFORMANCE.md and exits 1 when a check fails.
#
#   tests/bench/run_fault_test.sh [--devices 200] [--rate 40]
set -euo pipefail
cd "$(dirname "$0")/../.."

DEVICES=200  # per kind: DEVICES binding-required and DEVICES plain
RATE=40
while [ $# -gt 0 ]; do
  case "$1" in
    --devices) DEVICES=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

source tests/bench/lib/daemons.sh
bench_setup fault
command -v dumpcap > /dev/null || { echo "dumpcap is needed (tshark)" >&2; exit 1; }
bench_configure fault
start() { bench_start "$1"; }

# Every AIA of the run, for the SQN check.
dumpcap -q -i lo -f "tcp port $HSS_PORT" -B 64 -w "$WORK/s6a.pcapng" > "$WORK/dumpcap.log" 2>&1 & DUMPCAP=$!
EXTRA_PIDS+=("$DUMPCAP")
for _ in $(seq 100); do grep -q "Capturing on" "$WORK/dumpcap.log" 2> /dev/null && break; sleep 0.1; done
for n in keydir hss prov mme ue; do start "$n"; done

K=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n'); OPC=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
BIND0=001019000000000; PLAIN0=001019500000000
python3 - "$DEVICES" "$BIND0" "$PLAIN0" "$K" "$OPC" > "$WORK/subs.yaml" <<'PY'
import sys
n, bind0, plain0, k, opc = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
print("subscribers:")
for i in range(n):
    print(f"  - {{imsi: '{bind0 + i:015d}', k: {k}, opc: {opc}, binding: required}}")
    print(f"  - {{imsi: '{plain0 + i:015d}', k: {k}, opc: {opc}}}")
PY
"$CLI" hss import "$WORK/subs.yaml" > /dev/null
printf 'generate: {count: %s, imsi_start: "%s", imei_start: "35190000000000", k: %s, opc: %s, key_scheme: ecies-a}\n' \
  "$DEVICES" "$BIND0" "$K" "$OPC" > "$WORK/profiles-bind.yaml"
printf 'generate: {count: %s, imsi_start: "%s", imei_start: "35195000000000", k: %s, opc: %s}\n' \
  "$DEVICES" "$PLAIN0" "$K" "$OPC" > "$WORK/profiles-plain.yaml"
"$CLI" ue create --profiles "$WORK/profiles-bind.yaml" --timeout 600 > /dev/null
"$CLI" ue create --profiles "$WORK/profiles-plain.yaml" --timeout 600 > /dev/null
"$CLI" ue list --json --timeout 60 | python3 -c '
import json, sys
devices = [{"imei": ue["imei"], "scheme": "ecies-a", "public_key": ue["public_key"]}
           for ue in json.load(sys.stdin)["ues"] if ue.get("public_key")]
json.dump({"devices": devices}, sys.stdout)
' > "$WORK/device-keys.json"
"$CLI" keydir register --from "$WORK/device-keys.json" > /dev/null

echo "# machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(date -u +%FT%TZ)"
echo "# $DEVICES binding-required + $DEVICES plain subscribers, first attaches offered at $RATE/s"
# Round 1: the load, and the faults while it runs.
{ "$CLI" ue load --rate "$RATE" --json --timeout 3600 > "$WORK/round1.json" 2> "$WORK/round1.err" || true; } &
LOAD=$!
FAULTS=()
# Five faults spread over the first round (2 x DEVICES attaches at RATE per second).
GAP=$(python3 -c "print(max(1.0, 2 * $DEVICES / $RATE / 7))")
for n in hss mme prov keydir; do
  sleep "$GAP"
  t0=$(date +%s.%N)
  kill -9 "${PID[$n]}"; wait "${PID[$n]}" 2>/dev/null || true
  sleep 0.5
  start "$n"
  FAULTS+=("$n back in $(python3 -c "print(f'{$(date +%s.%N) - $t0:.1f}')") s")
done
sleep "$GAP"
kill -9 "${PID[ue]}"; wait "${PID[ue]}" 2>/dev/null || true
wait "$LOAD" || true
start ue
FAULTS+=("ue killed with its load run")
echo "# faults: ${FAULTS[*]}"
sleep 3  # the restarted UE reconnects to the MME; the MME to the HSS

# Round 2: every UE again, after the faults.
"$CLI" ue load --rate "$RATE" --json --timeout 3600 > "$WORK/round2.json" 2> "$WORK/round2.err" || true

kill -INT "$DUMPCAP"; wait "$DUMPCAP" 2>/dev/null || true; EXTRA_PIDS=()
tshark -r "$WORK/s6a.pcapng" -d "tcp.port==$HSS_PORT,diameter" -Y "diameter.cmd.code == 318" -T fields -E separator='|' -E occurrence=a \
  -e diameter.Session-Id -e diameter.flags.request -e diameter.User-Name -e diameter.RAND -e diameter.AUTN \
  > "$WORK/air.txt" 2> /dev/null
for n in $(seq 0 $((DEVICES - 1))); do
  imsi=$(printf '%015d' $((10#$BIND0 + n)))
  "$CLI" hss binding-status --imsi "$imsi" --json
done > "$WORK/bindings.jsonl"
"$CLI" hss audit --limit 10000 --json > "$WORK/audit.json"
"$CLI" ue list --json --timeout 60 > "$WORK/ues.json"

python3 - "$WORK" "$K" "$OPC" "$PLAIN0" "$DEVICES" <<'PY'
import json, os, re, sys
sys.path.insert(0, os.path.join(os.getcwd(), "tests", "integration"))
from auc_crosscheck import milenage_from_args  # Milenage from TS 35.206, written in Python for the tests

work, k, opc, plain0, n = sys.argv[1], bytes.fromhex(sys.argv[2]), bytes.fromhex(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
m = milenage_from_args(k, opc=opc)
ok = True

def load(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return None

# 1. SQNs of the plain subscribers' vectors, from the AIAs (RAND is plain for them: no KME).
imsi_of, sqns = {}, {}
for line in open(f"{work}/air.txt"):
    sid, request, user, rands, autns = (line.rstrip("\n").split("|") + [""] * 5)[:5]
    if request in ("1", "True", "true"):
        imsi_of[sid] = user
        continue
    imsi = imsi_of.get(sid)
    if not imsi or not rands or int(imsi) < plain0:
        continue
    for rand, autn in zip(rands.split(","), autns.split(",")):
        rand, autn = bytes.fromhex(rand.replace(":", "")), bytes.fromhex(autn.replace(":", ""))
        ak = m.f5(rand) if hasattr(m, "f5") else m.f2345(rand)[3]
        sqn = int.from_bytes(bytes(a ^ b for a, b in zip(autn[:6], ak)), "big")
        sqns.setdefault(imsi, []).append(sqn)
issued = sum(len(v) for v in sqns.values())
reused = {i: v for i, v in sqns.items() if len(v) != len(set(v))}
# In the order the AIAs went out, each subscriber's SQNs only grow (the HSS's reservations survive SIGKILL).
backwards = {i: v for i, v in sqns.items() if any(b <= a for a, b in zip(v, v[1:]))}
print(f"| SQN | {issued} vectors to {len(sqns)} plain subscribers recovered from AIAs; reused: {len(reused)}; "
      f"not increasing: {len(backwards)} |")
ok &= issued > 0 and not reused and not backwards

# 2. Bindings: the HSS row, its audit record, the ME's key store.
audit = load(f"{work}/audit.json") or {}
events = audit.get("events", audit if isinstance(audit, list) else [])
established = {e.get("imsi") for e in events if e.get("event") == "kme-established"}
ues = {u["imei"]: u for u in (load(f"{work}/ues.json") or {"ues": []})["ues"]}
bound = half = 0
problems = []
for line in open(f"{work}/bindings.jsonl"):
    line = line.strip()
    if not line:
        continue
    b = json.loads(line)
    imsi, state, kme_id, imei = b.get("imsi"), b.get("state"), b.get("kme_id"), b.get("bound_imei")
    if state in ("bound", "established"):
        bound += 1
        me = ues.get(imei, {})
        held = me.get("kmes") or ""  # "PLMN/KME-Id (confirmed), ..."
        ids = {int(x) for x in re.findall(r"/(\d+)", held)}
        if imsi not in established or int(kme_id) not in ids:
            half += 1
            problems.append(f"{imsi}: HSS {state} KME-Id {kme_id} IMEI {imei}; audit {'yes' if imsi in established else 'no'}; ME holds {held}")
        continue
    # Not bound at the HSS: the ME may hold a KME it received and never saw confirmed (the IDA lost with a killed
    # daemon; the next attach replaces it), never a confirmed one.
    me = next((u for u in ues.values() if u.get("imsi") == imsi), {})
    if "(confirmed)" in (me.get("kmes") or ""):
        half += 1
        problems.append(f"{imsi}: HSS {state}, but its ME {me.get('imei')} holds {me.get('kmes')}")
print(f"| bindings | {bound} of {n} bound; half-written: {half} |")
for p in problems[:5]:
    print(f"|   | {p} |")
ok &= half == 0

# 3. Recovery.
for r in ("round1", "round2"):
    s = load(f"{work}/{r}.json")
    if s is None:
        print(f"| {r} | no summary ({open(f'{work}/{r}.err').read().strip()[:120]}) |")
        if r == "round2":
            ok = False
        continue
    print(f"| {r} | {s['count']} attaches, {s['failed']} failed, {s['attaches_per_second']:.0f}/s, p50 {s['p50_ms']:.0f} ms, p99 {s['p99_ms']:.0f} ms |")
    if r == "round2":
        ok &= s["failed"] == 0 and s["count"] > 0
print("fault test:", "PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
