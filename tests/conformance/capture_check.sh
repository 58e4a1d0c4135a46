#!/usr/bin/env bash
# Runs one test with dumpcap on loopback, then holds every Diameter message it exchanged (S6a and Bp, any port) to
# the ABNF of TS 29.272 clause 7.2 and of Bp, independently of simbind's own dictionary
# (tests/conformance/diameter_conformance.py). Fails when the test fails, when a message breaks a rule, when tshark
# finds a malformed packet, or when the capture holds no Diameter message at all. With SIMBIND_TEST_ACCESS=s1ap, the
# S1AP PDUs are also held to tshark's S1AP dissector (tests/conformance/s1ap_capture_check.sh).
#   capture_check.sh NAME OUT_DIR -- COMMAND [ARGS...]
# The capture and the report are left in OUT_DIR/NAME.pcapng and OUT_DIR/NAME.txt (the capture only on failure).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

[ $# -ge 4 ] && [ "$3" = "--" ] || { echo "usage: capture_check.sh NAME OUT_DIR -- COMMAND [ARGS...]" >&2; exit 2; }

# The test runs in a network namespace of its own (its own loopback): the capture holds its traffic only, not that
# of tests running beside it (ctest -j2), some of which send malformed Diameter on purpose.
if [ -z "${SIMBIND_CAPTURE_NETNS:-}" ]; then
  ns=(unshare --net)
  [ "$(id -u)" -eq 0 ] || ns=(unshare --map-root-user --net)
  exec "${ns[@]}" env SIMBIND_CAPTURE_NETNS=1 bash -c 'ip link set lo up && exec "$0" "$@"' "$0" "$@"
fi
name=$1; out=$2; shift 3
for tool in dumpcap tshark python3; do
  command -v $tool > /dev/null || { echo "FAIL: $tool is not installed (scripts/setup.sh)"; exit 1; }
done
mkdir -p "$out"
cap="$out/$name.pcapng"; report="$out/$name.txt"
work=$(mktemp -d /tmp/simbind-capture-XXXXXX)
dumpcap_pid=""
cleanup() { [ -n "$dumpcap_pid" ] && kill "$dumpcap_pid" 2> /dev/null; rm -rf "$work"; }
trap cleanup EXIT

# All TCP on loopback: the tests pick free ports, and the checker finds the Diameter ones by their CER. SCTP too
# (S1AP, raw IP: usrsctp), checked by tshark's S1AP dissector when the test runs over S1AP
# (SIMBIND_TEST_ACCESS=s1ap).
dumpcap -q -i lo -f "tcp or sctp" -B 64 -w "$cap" > "$work/dumpcap.log" 2>&1 &
dumpcap_pid=$!
for _ in $(seq 100); do grep -q "Capturing on" "$work/dumpcap.log" 2> /dev/null && break; sleep 0.1; done
grep -q "Capturing on" "$work/dumpcap.log" || { echo "FAIL: dumpcap did not start"; cat "$work/dumpcap.log"; exit 1; }

"$@"
test_rc=$?

sleep 0.5
kill -INT "$dumpcap_pid"; wait "$dumpcap_pid" 2> /dev/null; dumpcap_pid=""
if grep -qE "dropped on interface '[^']*': [0-9]+/[1-9]" "$work/dumpcap.log"; then
  echo "FAIL: dumpcap dropped packets; the capture cannot be checked"; cat "$work/dumpcap.log"; exit 1
fi

# tshark decodes the binding AVPs and Bp with the shipped dictionary (deploy/wireshark). Wireshark ignores
# WIRESHARK_DATA_DIR for root: decode from a user namespace as an ordinary uid then.
"$root/deploy/wireshark/install-dictionary.sh" --config-dir "$work/ws" > /dev/null
tshark_cmd="env WIRESHARK_DATA_DIR=$work/ws/simbind-data tshark"
if [ "$(id -u)" -eq 0 ]; then tshark_cmd="unshare --user --map-user=1000 --map-group=1000 $tshark_cmd"; fi
chmod -R a+rX "$work" "$out"
chmod a+r "$cap"

python3 "$here/diameter_conformance.py" --tshark "$tshark_cmd" "$cap" > "$report" 2>&1
check_rc=$?
echo "--- S6a/Bp conformance of the capture of $name"
cat "$report"

s1ap_rc=0
if [ "${SIMBIND_TEST_ACCESS:-}" = "s1ap" ]; then
  echo "--- S1AP of the capture of $name (tshark's dissector)"
  "$here/s1ap_capture_check.sh" "$cap" "$tshark_cmd"
  s1ap_rc=$?
fi

if [ $test_rc -ne 0 ]; then echo "FAIL: the test itself failed (exit $test_rc)"; exit $test_rc; fi
if [ $check_rc -ne 0 ]; then echo "FAIL: capture check (capture kept in $cap)"; exit 1; fi
if [ $s1ap_rc -ne 0 ]; then echo "FAIL: S1AP capture check (capture kept in $cap)"; exit 1; fi
rm -f "$cap"
exit 0
