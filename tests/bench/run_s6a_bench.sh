#!/usr/bin/env bash
# S6a benchmark, side by side in one run against two anchors (DESIGN 10; issue 13: simbind-hss >= 1.0 x a bare
# freeDiameter node at W = 64). For each repetition and each window W, simbind-s6a-bench runs against
#   echo   simbind-s6a-echo-node: freeDiameter alone with its stock dictionaries and a fixed AIA (no simbind code);
#   fixed  simbind-s6a-fixed-node: simbind's stack and dictionary with a fixed AIA (no store, no crypto);
#   hss    simbind-hss: real Milenage, KASME, crash-safe SQN;
# in an order that rotates from one repetition to the next. Prints one line per run and a summary of medians and
# of the ratios to the echo node. Everything runs on 127.0.0.1.
#
#   tests/bench/run_s6a_bench.sh [--reps 3] [--seconds 5] [--windows "1 16 64 256"] [--imsis 1000]
#   RESERVATION_BLOCK=N sets the HSS auth.sqn.reservation_block (default: the HSS default, 1000).
set -euo pipefail
cd "$(dirname "$0")/../.."

REPS=3
SECONDS_PER_RUN=5
WINDOWS="1 16 64 256"
IMSIS=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) REPS=$2; shift 2 ;;
    --seconds) SECONDS_PER_RUN=$2; shift 2 ;;
    --windows) WINDOWS=$2; shift 2 ;;
    --imsis) IMSIS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

BUILD=${SIMBIND_BUILD_DIR:-build}
HSS=$BUILD/services/hss/simbind-hss
CLI=$BUILD/services/cli/simbind
BENCH=$BUILD/tests/bench/simbind-s6a-bench
FIXED=$BUILD/tests/bench/simbind-s6a-fixed-node
ECHO=$BUILD/tests/bench/simbind-s6a-echo-node
for b in "$HSS" "$CLI" "$BENCH" "$FIXED" "$ECHO"; do [ -x "$b" ] || { echo "missing $b: build first (scripts/build.sh)" >&2; exit 1; }; done

WORK=$(mktemp -d /tmp/simbind-s6a-bench-XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HSS_PORT=$(port); ADMIN_PORT=$(port); FIXED_PORT=$(port); ECHO_PORT=$(port)

od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$WORK/master.key"; chmod 600 "$WORK/master.key"
cat > "$WORK/hss.yaml" <<YAML
log_level: info
diameter:
  identity: hss.bench.simbind.lab
  port: $HSS_PORT
  peers: [{identity: bench.simbind.lab}]
store: {path: $WORK/hss.db, master_key_file: $WORK/master.key}
auth: {sqn: {reservation_block: ${RESERVATION_BLOCK:-1000}}}
admin: {listen: 127.0.0.1:$ADMIN_PORT}
YAML

"$HSS" --config "$WORK/hss.yaml" > "$WORK/hss.log" 2>&1 & PIDS+=($!)
"$FIXED" --identity fixed.bench.simbind.lab --port "$FIXED_PORT" --peer bench.simbind.lab > "$WORK/fixed.log" 2>&1 & PIDS+=($!)
"$ECHO" --identity echo.bench.simbind.lab --port "$ECHO_PORT" --peer bench.simbind.lab > "$WORK/echo.log" 2>&1 & PIDS+=($!)
for _ in $(seq 100); do grep -q "simbind-hss ready" "$WORK/hss.log" 2>/dev/null && break; sleep 0.1; done
grep -q "simbind-hss ready" "$WORK/hss.log" || { cat "$WORK/hss.log"; exit 1; }

python3 - "$IMSIS" > "$WORK/subscribers.yaml" <<'PY'
import os, sys
print("subscribers:")
for i in range(int(sys.argv[1])):
    print(f"  - {{imsi: '{1010000000001 + i:015d}', k: {os.urandom(16).hex()}, opc: {os.urandom(16).hex()}}}")
PY
"$CLI" hss import "$WORK/subscribers.yaml" --hss "127.0.0.1:$ADMIN_PORT" > "$WORK/import.log"

run() {  # run <label> <peer identity> <port> <window>
  "$BENCH" --peer "$2" --port "$3" --window "$4" --seconds "$SECONDS_PER_RUN" --warmup 1 \
           --imsi-base 001010000000001 --imsis "$IMSIS" --json | sed "s/^{/{\"node\":\"$1\",/"
}

echo "# machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(date -u +%FT%TZ)"
: > "$WORK/results.jsonl"
NODES=(echo fixed hss)
declare -A NODE_ID=([echo]=echo.bench.simbind.lab [fixed]=fixed.bench.simbind.lab [hss]=hss.bench.simbind.lab)
declare -A NODE_PORT=([echo]=$ECHO_PORT [fixed]=$FIXED_PORT [hss]=$HSS_PORT)
for rep in $(seq "$REPS"); do
  for w in $WINDOWS; do
    for i in 0 1 2; do  # echo fixed hss, then fixed hss echo, then hss echo fixed, ...
      node=${NODES[$(((rep - 1 + i) % 3))]}
      run "$node" "${NODE_ID[$node]}" "${NODE_PORT[$node]}" "$w"
    done
  done
done | tee "$WORK/results.jsonl"

python3 - "$WORK/results.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print("\n| W | echo node answers/s | fixed node answers/s | simbind-hss answers/s | fixed / echo | hss / echo "
      "| echo p50/p99 us | hss p50/p99 us |")
print("|---|---|---|---|---|---|---|---|")
# The ratios are the medians of each repetition's own ratios: the three runs of a repetition follow each other, so a
# slow spell of a shared machine weighs on all three alike.
def ratio(node, w):
    runs = [r for r in rows if r["window"] == w]
    per_rep = [runs[i:i + 3] for i in range(0, len(runs), 3)]
    rate = lambda rep, n: next(r["answers_per_s"] for r in rep if r["node"] == n)
    return statistics.median(rate(rep, node) / rate(rep, "echo") for rep in per_rep if len(rep) == 3)
for w in sorted({r["window"] for r in rows}):
    med = lambda node, k: statistics.median(r[k] for r in rows if r["node"] == node and r["window"] == w)
    e, f, h = med("echo", "answers_per_s"), med("fixed", "answers_per_s"), med("hss", "answers_per_s")
    print(f"| {w} | {e:,.0f} | {f:,.0f} | {h:,.0f} | {ratio('fixed', w):.2f} | {ratio('hss', w):.2f} "
          f"| {med('echo','p50_us'):,.0f} / {med('echo','p99_us'):,.0f} "
          f"| {med('hss','p50_us'):,.0f} / {med('hss','p99_us'):,.0f} |")
bad = [r for r in rows if r["errors"] or r["failures"]]
if bad:
    print(f"\n{len(bad)} run(s) had errors or non-success answers", file=sys.stderr)
    sys.exit(1)
PY
