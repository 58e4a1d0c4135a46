#!/usr/bin/env bash
# Issue 13, goal 4: simbind-hss with a million subscribers. Two simbind-hss processes side by side on 127.0.0.1,
# the defaults otherwise (store.preload 1,000,000, reservation block 1,000):
#   anchor  holds --anchor subscribers (default 1,000);
#   large   holds --subscribers (default 1,000,000), imported with `simbind hss import` from one srsEPC CSV.
# Prints, for the large one: the import's time and rate, the CLI's peak resident set, the HSS's resident set and
# database size; the time a restart takes to preload them all; then AIRs at W = 64 (simbind-s6a-bench, --seconds
# after 1 s of warm-up) against each HSS in turn, --reps times, and the median ratio large / anchor. Each run over
# the large HSS starts at a new part of its IMSI range, so every AIR there is the first for its subscriber since the
# HSS started: the worst case for its subscriber cache.
#
#   tests/bench/run_million_bench.sh [--subscribers 1000000] [--anchor 1000] [--reps 3] [--seconds 5] [--window 64]
set -euo pipefail
cd "$(dirname "$0")/../.."

SUBSCRIBERS=1000000
ANCHOR=1000
REPS=3
SECONDS_PER_RUN=5
WINDOW=64
while [ $# -gt 0 ]; do
  case "$1" in
    --subscribers) SUBSCRIBERS=$2; shift 2 ;;
    --anchor) ANCHOR=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --seconds) SECONDS_PER_RUN=$2; shift 2 ;;
    --window) WINDOW=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

BUILD=${SIMBIND_BUILD_DIR:-build}
HSS=$BUILD/services/hss/simbind-hss
CLI=$BUILD/services/cli/simbind
BENCH=$BUILD/tests/bench/simbind-s6a-bench
for b in "$HSS" "$CLI" "$BENCH"; do [ -x "$b" ] || { echo "missing $b: build first (scripts/build.sh)" >&2; exit 1; }; done

WORK=$(mktemp -d /tmp/simbind-million-bench-XXXXXX)
declare -A PID
cleanup() { for p in "${PID[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
now() { date +%s.%N; }
declare -A S6A_PORT ADMIN_PORT
for node in anchor large; do
  S6A_PORT[$node]=$(port); ADMIN_PORT[$node]=$(port)
  od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$WORK/$node.key"; chmod 600 "$WORK/$node.key"
  cat > "$WORK/$node.yaml" <<YAML
log_level: info
diameter:
  identity: $node.bench.simbind.lab
  port: ${S6A_PORT[$node]}
  peers: [{identity: bench.simbind.lab}]
store: {path: $WORK/$node.db, master_key_file: $WORK/$node.key}
admin: {listen: 127.0.0.1:${ADMIN_PORT[$node]}}
YAML
done

start() {  # start <node>: returns once the HSS says it is ready
  "$HSS" --config "$WORK/$1.yaml" >> "$WORK/$1.log" 2>&1 &
  PID[$1]=$!
  for _ in $(seq 600); do [ "$(grep -c 'simbind-hss ready' "$WORK/$1.log" 2>/dev/null)" -ge "$2" ] && return 0; sleep 0.1; done
  cat "$WORK/$1.log" >&2; exit 1
}
csv() {  # csv <count> <file>: srsEPC user_db.csv lines from IMSI 001010000000001 on, random K and OPc
  python3 - "$1" > "$2" <<'PY'
import os, sys
out = sys.stdout
for i in range(int(sys.argv[1])):
    out.write(f"ue{i},mil,{1010000000001 + i:015d},{os.urandom(16).hex()},opc,{os.urandom(16).hex()},8000,000000000000,9,dynamic\n")
PY
}
import_file() {  # import_file <node> <file>: prints "seconds peak_rss_kib" of the CLI process
  python3 - "$CLI" hss import "$2" --hss "127.0.0.1:${ADMIN_PORT[$1]}" --json --timeout 60 <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
if r.returncode != 0:
    sys.exit(f"import failed ({r.returncode}): {r.stdout}")
print(f"{time.monotonic() - t:.2f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
PY
}

echo "# machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(date -u +%FT%TZ)"
start anchor 1
start large 1
csv "$ANCHOR" "$WORK/anchor.csv"
import_file anchor "$WORK/anchor.csv" > /dev/null

csv "$SUBSCRIBERS" "$WORK/large.csv"
RSS_BEFORE=$(rss_kib "${PID[large]}")
read -r IMPORT_S CLI_KIB < <(import_file large "$WORK/large.csv")
RSS_AFTER=$(rss_kib "${PID[large]}")
DB_BYTES=$(( $(stat -c %s "$WORK/large.db") + $(stat -c %s "$WORK/large.db-wal" 2>/dev/null || echo 0) ))
python3 - "$SUBSCRIBERS" "$IMPORT_S" "$CLI_KIB" "$RSS_BEFORE" "$RSS_AFTER" "$DB_BYTES" "$(stat -c %s "$WORK/large.csv")" <<'PY'
import sys
n, secs, cli, before, after, db, size = int(sys.argv[1]), float(sys.argv[2]), *map(int, sys.argv[3:])
print(f"import: {n:,} subscribers ({size / 1e6:.0f} MB of CSV) in {secs:.1f} s = {n / secs:,.0f}/s; "
      f"CLI peak RSS {cli / 1024:.0f} MiB")
print(f"simbind-hss RSS {before / 1024:.0f} MiB before, {after / 1024:.0f} MiB after "
      f"({(after - before) * 1024 / n:.0f} bytes per subscriber); database {db / 1e6:.0f} MB")
PY

# A restart: the HSS is ready at once and preloads in the background; the log says when it has finished.
kill "${PID[large]}"; wait "${PID[large]}" 2>/dev/null || true
T0=$(now)
start large 2
T_READY=$(now)
for _ in $(seq 6000); do grep -q "preloaded with their next SQN block" <(tail -n 50 "$WORK/large.log") && break; sleep 0.1; done
T_PRELOADED=$(now)
grep "preloaded with their next SQN block" "$WORK/large.log" | tail -1 | sed 's/^.*store: /restart: /'
python3 -c "import sys; r, p = float(sys.argv[2]) - float(sys.argv[1]), float(sys.argv[3]) - float(sys.argv[1]); \
print(f'restart: ready after {r:.1f} s, preloaded after {p:.1f} s; RSS {int(sys.argv[4]) / 1024:.0f} MiB')" \
  "$T0" "$T_READY" "$T_PRELOADED" "$(rss_kib "${PID[large]}")"

run() {  # run <node> <rep>
  local base=1010000000001 imsis=$ANCHOR
  if [ "$1" = large ]; then  # a fresh stretch of the range for every repetition
    imsis=$(( SUBSCRIBERS / REPS )); base=$(( base + ($2 - 1) * imsis ))
  fi
  "$BENCH" --peer "$1.bench.simbind.lab" --port "${S6A_PORT[$1]}" --window "$WINDOW" --seconds "$SECONDS_PER_RUN" \
           --warmup 1 --imsi-base "$(printf %015d "$base")" --imsis "$imsis" --json | sed "s/^{/{\"node\":\"$1\",\"rep\":$2,/"
}
for rep in $(seq "$REPS"); do
  if [ $((rep % 2)) -eq 1 ]; then run anchor "$rep"; run large "$rep"; else run large "$rep"; run anchor "$rep"; fi
done | tee "$WORK/results.jsonl"
echo "simbind-hss RSS after the AIR runs: large $(( $(rss_kib "${PID[large]}") / 1024 )) MiB, anchor $(( $(rss_kib "${PID[anchor]}") / 1024 )) MiB"

python3 - "$WORK/results.jsonl" "$SUBSCRIBERS" "$ANCHOR" "$WINDOW" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
n, a, w = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
med = lambda node, k: statistics.median(r[k] for r in rows if r["node"] == node)
# The ratio of each repetition's pair (run back to back), then the median: a slow spell weighs on both alike.
reps = sorted({r["rep"] for r in rows})
rate = lambda node, rep: next(r["answers_per_s"] for r in rows if r["node"] == node and r["rep"] == rep)
ratios = [rate("large", rep) / rate("anchor", rep) for rep in reps]
print(f"\n| W | {a:,} subscribers AIRs/s | {n:,} subscribers AIRs/s | ratio (median of {len(ratios)}) "
      f"| p50 / p99 us, {a:,} | p50 / p99 us, {n:,} |")
print("|---|---|---|---|---|---|")
print(f"| {w} | {med('anchor', 'answers_per_s'):,.0f} | {med('large', 'answers_per_s'):,.0f} "
      f"| {statistics.median(ratios):.2f} ({', '.join(f'{x:.2f}' for x in ratios)}) "
      f"| {med('anchor', 'p50_us'):,.0f} / {med('anchor', 'p99_us'):,.0f} "
      f"| {med('large', 'p50_us'):,.0f} / {med('large', 'p99_us'):,.0f} |")
bad = [r for r in rows if r["errors"] or r["failures"]]
if bad:
    print(f"\n{len(bad)} run(s) had errors or non-success answers", file=sys.stderr)
    sys.exit(1)
PY
