#!/usr/bin/env bash
# Captures AIR/AIA and ULR/ULA exchanges between a Diameter client (simbind-s6a-bench) and simbind-hss with dumpcap on
# loopback, decodes the capture with tshark and the shipped dictionary (deploy/wireshark), and checks that the
# binding AVPs decode by name and that no packet is malformed.
#   wireshark_decode_test.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
HSS=$BUILD/services/hss/simbind-hss
CLI=$BUILD/services/cli/simbind
BENCH=$BUILD/tests/bench/simbind-s6a-bench
for tool in dumpcap tshark; do command -v $tool >/dev/null || { echo "FAIL: $tool is not installed (scripts/setup.sh)"; exit 1; }; done

WORK=$(mktemp -d /tmp/simbind-ws-test-XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HSS_PORT=$(port); ADMIN_PORT=$(port)
od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$WORK/master.key"; chmod 600 "$WORK/master.key"
cat > "$WORK/hss.yaml" <<YAML
diameter:
  identity: hss.ws.simbind.lab
  port: $HSS_PORT
  peers: [{identity: bench.simbind.lab}]
store: {path: $WORK/hss.db, master_key_file: $WORK/master.key}
admin: {listen: 127.0.0.1:$ADMIN_PORT}
YAML
"$HSS" --config "$WORK/hss.yaml" > "$WORK/hss.log" 2>&1 & PIDS+=($!)
for _ in $(seq 100); do grep -q "simbind-hss ready" "$WORK/hss.log" 2>/dev/null && break; sleep 0.1; done

IMSI=001010000000777
ADMIN=(--hss "127.0.0.1:$ADMIN_PORT")
"$CLI" hss create --imsi $IMSI --k "$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')" \
  --opc "$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')" --binding required "${ADMIN[@]}" \
  --apn-config 'internet,ipv4=10.46.0.7,ipv6=2001:db8:7::/64,ambr=50M:100M' --apn-config 'ims,pdn=ipv6,qci=5' \
  > /dev/null
"$CLI" hss set-kme --imsi $IMSI --kme "$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')" --kme-id 6 "${ADMIN[@]}" > /dev/null

dumpcap -q -i lo -f "tcp port $HSS_PORT" -w "$WORK/s6a.pcapng" > "$WORK/dumpcap.log" 2>&1 & DUMPCAP=$!; PIDS+=($DUMPCAP)
for _ in $(seq 50); do grep -q "Capturing on" "$WORK/dumpcap.log" 2>/dev/null && break; sleep 0.1; done
"$BENCH" --peer hss.ws.simbind.lab --port "$HSS_PORT" --imsi-base $IMSI --imsis 1 --window 1 --count 3 --binding \
  > "$WORK/bench.log" 2>&1
# A ULR: the ULA's Subscription-Data with both APN configurations and their Served-Party-IP-Address (Address).
"$BENCH" --peer hss.ws.simbind.lab --port "$HSS_PORT" --imsi-base $IMSI --imsis 1 --window 1 --count 1 --binding \
  --procedure ulr >> "$WORK/bench.log" 2>&1
sleep 0.5
kill -INT $DUMPCAP; wait $DUMPCAP 2>/dev/null || true

deploy/wireshark/install-dictionary.sh --config-dir "$WORK/ws" > "$WORK/install.log"
DATA_DIR="$WORK/ws/simbind-data"
# Wireshark ignores WIRESHARK_DATA_DIR for root: decode from a user namespace as an ordinary uid then.
TSHARK=(env WIRESHARK_DATA_DIR="$DATA_DIR" tshark)
if [ "$(id -u)" -eq 0 ]; then TSHARK=(unshare --user --map-user=1000 --map-group=1000 "${TSHARK[@]}"); fi
chmod -R a+rX "$WORK"
"${TSHARK[@]}" -r - -d "tcp.port==$HSS_PORT,diameter" -V -Y diameter < "$WORK/s6a.pcapng" > "$WORK/decoded.txt"
MALFORMED=$("${TSHARK[@]}" -r - -d "tcp.port==$HSS_PORT,diameter" -Y "_ws.malformed || _ws.expert.severity >= error" \
  < "$WORK/s6a.pcapng" | wc -l)

fail=0
check() { if grep -q "$1" "$WORK/decoded.txt"; then echo "  PASS  $2"; else echo "  FAIL  $2"; fail=1; fi; }
check "Command Code: 3GPP-Authentication-Information (318)" "AIR/AIA captured and decoded as S6a"
check "Binding-AV-Type.*PRE_PROCESSED" "Binding-AV-Type decodes by name (PRE_PROCESSED)"
check "KME-Id" "KME-Id decodes by name"
check "Binding-Restriction" "Binding-Restriction decodes by name"
check "Served-Party-IP-Address Address: 10.46.0.7" "Served-Party-IP-Address (IPv4) decodes in the ULA"
check "Served-Party-IP-Address Address: 2001:db8:7::" "Served-Party-IP-Address (IPv6 prefix) decodes in the ULA"
check "Service-Selection: ims" "the second APN-Configuration decodes"
if [ "$MALFORMED" -eq 0 ]; then echo "  PASS  no malformed packet, no expert error"; else echo "  FAIL  $MALFORMED malformed/error packets"; fail=1; fi
if [ $fail -ne 0 ]; then
  echo "--- bench"; cat "$WORK/bench.log"; echo "--- hss"; tail -20 "$WORK/hss.log"
  exit 1
fi
echo "RESULT: PASS"
