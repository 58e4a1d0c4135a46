#!/usr/bin/env bash
# ctest: scripts/testbed.sh on the built binaries (SIMBIND_BIN_DIR).
#   0. make-lab.sh with SIMBIND_LAB_HSS_EXTRA_PEERS: the HSS's effective configuration lists them.
#   1. A full run: exit 0, and the report says PASS for the four scenarios (a) to (d).
#   2. The same lab directory again (its CA, keys and stores kept), stopped with SIGTERM to testbed.sh alone while
#      the demo runs: exit 143, and its trap leaves no daemon running.
#   3. Again, with SIGINT to its whole process group (Ctrl-C) while the daemons start: exit 130, no daemon left.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
[[ -n ${SIMBIND_BIN_DIR:-} ]] || { echo "SIMBIND_BIN_DIR must name the build tree"; exit 2; }
D=$(mktemp -d "${TMPDIR:-/tmp}/simbind-testbed-test-XXXXXX")
LAB=$D/lab
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# The daemons of this lab still running: every process whose command line names its configuration directory (grep
# finds itself too, but it is gone once it has answered).
leftovers() {
  local found p
  found=$(grep -laF -e "$LAB/config/" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3)
  for p in $found; do [[ -e /proc/$p ]] && echo "$p"; done
  return 0
}
# no_leftovers WHAT: none within 20 s, else fail (and stop them: they are this test's).
no_leftovers() {
  local left
  for _ in $(seq 200); do
    left=$(leftovers)
    [[ -z $left ]] && { echo "ok: $1: no daemon left running"; return; }
    sleep 0.1
  done
  fail "$1: daemons left running:"
  for p in $left; do
    { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null; echo
    kill -9 "$p" 2>/dev/null
  done
}
cleanup() {
  for p in $(leftovers); do kill -9 "$p" 2>/dev/null; done
  rm -rf "$D"
}
trap cleanup EXIT

# --- 0. make-lab.sh alone: extra HSS peers (an external MME) reach the HSS's effective configuration -----------
if SIMBIND_LAB_HSS_EXTRA_PEERS="mme.localdomain mme2.localdomain" "$REPO/deploy/testbed/make-lab.sh" "$D/extra" \
    >"$D/extra.out" 2>&1; then
  hss_bin=$(ls "$SIMBIND_BIN_DIR"/services/hss/simbind-hss "$SIMBIND_BIN_DIR"/simbind-hss 2>/dev/null | head -1)
  printed=$("$hss_bin" --config "$D/extra/config/hss.yaml" --print-config 2>&1)
  for p in mme.localdomain mme2.localdomain mme.simbind.lab prov.simbind.lab; do
    grep -q "$p" <<<"$printed" && echo "ok: extra peers: the HSS accepts $p" || fail "extra peers: $p not in the HSS's peers"
  done
else
  fail "make-lab.sh with SIMBIND_LAB_HSS_EXTRA_PEERS:"; cat "$D/extra.out"
fi

# --- 1. a full run --------------------------------------------------------------------------------------------------
"$REPO/scripts/testbed.sh" --dir "$LAB" >"$D/run1.out" 2>&1
rc=$?
cat "$D/run1.out"
[[ $rc -eq 0 ]] && echo "ok: run 1 exit 0" || fail "run 1: testbed.sh exit $rc"
for s in a b c d; do
  grep -qE "^  PASS  \($s\) " "$D/run1.out" && echo "ok: run 1 scenario ($s) PASS" || fail "run 1: no PASS for scenario ($s)"
done
grep -q '^RESULT: PASS' "$D/run1.out" || fail "run 1: no 'RESULT: PASS'"
# The timeline of (a) merges simbind-ue's events and the HSS's audit by time. The first attach's end, the network
# detach and the re-attach's AIA often share one millisecond: only microseconds keep them in this order.
reached=$(sed -n '/^== (a)/,/^== (b)/p' "$D/run1.out" | awk '
  s == 0 && /ATTACH ACCEPT without PDN/ { s = 1; next }
  s == 1 && /DETACH REQUEST \(re-attach required\)/ { s = 2; next }
  s == 2 && /ATTACH REQUEST/ { s = 3; next }
  s == 3 && /AIA pre-processed/ { s = 4; next }
  s == 4 && /AUTHENTICATION REQUEST: RAND\*/ { s = 5; next }
  s == 5 && /SECURITY MODE COMPLETE/ { s = 6; next }
  s == 6 && /ATTACH ACCEPT \+ default bearer/ { s = 7; next }
  END { print s + 0 }')
[[ $reached -eq 7 ]] && echo "ok: run 1: the timeline of (a) is in the order of the procedure" ||
  fail "run 1: the timeline of (a) is out of order (reached step $reached of 7)"
if grep -qiE '[0-9a-f]{32}' "$D/run1.out"; then  # K, OPc and KMEs are 32 hex digits; RANDs are shortened
  fail "run 1: the report holds a 128-bit hex value"
fi
no_leftovers "run 1"

# --- 2. SIGTERM to testbed.sh during the demo -------------------------------------------------------------------
rm -f "$LAB/report.txt"
"$REPO/scripts/testbed.sh" --dir "$LAB" >"$D/run2.out" 2>&1 &
pid=$!
for _ in $(seq 1200); do
  grep -q '^== (a)' "$LAB/report.txt" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if grep -q '^== (a)' "$LAB/report.txt" 2>/dev/null; then
  [[ -n $(leftovers) ]] || fail "run 2: no daemon seen running during the demo (the check would prove nothing)"
  kill -TERM "$pid"
  wait "$pid"
  rc=$?
  [[ $rc -eq 143 ]] && echo "ok: run 2 (SIGTERM during the demo) exit 143" || fail "run 2: exit $rc after SIGTERM, not 143"
else
  wait "$pid"
  fail "run 2: the demo never started:"
  cat "$D/run2.out"
fi
no_leftovers "run 2 (SIGTERM to testbed.sh)"

# --- 3. Ctrl-C (SIGINT to the process group) while the daemons start ----------------------------------------------
rm -f "$LAB"/logs/*.log
set -m  # its own process group, as a terminal's foreground job
"$REPO/scripts/testbed.sh" --dir "$LAB" >"$D/run3.out" 2>&1 &
pid=$!
set +m
for _ in $(seq 600); do
  grep -q 'simbind-hss ready' "$LAB/logs/hss.log" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n $(leftovers) ]] || fail "run 3: no daemon seen running before the Ctrl-C"
kill -INT -- "-$pid"
wait "$pid"
rc=$?
[[ $rc -eq 130 ]] && echo "ok: run 3 (Ctrl-C while starting) exit 130" || { fail "run 3: exit $rc after SIGINT, not 130"; cat "$D/run3.out"; }
no_leftovers "run 3 (Ctrl-C)"

if [[ $failures -eq 0 ]]; then
  echo "testbed_test: PASS"
  exit 0
fi
echo "testbed_test: $failures failure(s); testbed output and logs above and in $LAB/logs (removed on exit)"
exit 1
