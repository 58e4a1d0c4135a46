#!/usr/bin/env bash
# The simbind demo: a real simbind-hss, and this script in the roles of an MME (`simbind s6a air`), of two
# devices and of a UICC (`simbind auc`). Lab keys are generated for the run and never printed.
#   1. An unbound subscription gets regular vectors; its UICC accepts them.
#   2. A bound subscription (KME loaded into the HSS) gets pre-processed vectors: RAND* on the air.
#      The bound ME decrypts RAND* and its UICC accepts; the same UICC in a device without the KME, or with
#      another KME, fails the MAC check (EMM cause #20).
#   3. The HSS audit log records the binding decisions.
# Exit status 0 only when every step behaves as designed. The HSS is stopped on exit and on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

# SIMBIND_CLI / SIMBIND_HSS point at built binaries (the test suite runs the demo that way); else build.
if [ -z "${SIMBIND_CLI:-}" ] || [ -z "${SIMBIND_HSS:-}" ]; then
  scripts/build.sh >/dev/null
  SIMBIND_CLI=build/services/cli/simbind
  SIMBIND_HSS=build/services/hss/simbind-hss
fi
CLI=$SIMBIND_CLI

WORK=$(mktemp -d /tmp/simbind-demo-XXXXXX)
HSS_PID=""
cleanup() {
  [ -n "$HSS_PID" ] && kill "$HSS_PID" 2>/dev/null && wait "$HSS_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
field() { sed -n "s/.*\"$1\":\"\{0,1\}\([0-9a-z-]*\)\"\{0,1\}[,}].*/\1/p" | head -1; }

failures=0
step() {  # step <description> <expected> <actual>
  if [ "$2" = "$3" ]; then printf '  PASS  %s\n' "$1"; else printf '  FAIL  %s (expected %s, got %s)\n' "$1" "$2" "$3"; failures=$((failures + 1)); fi
}

# --- the HSS --------------------------------------------------------------------------------------------------
DIAMETER_PORT=$(port); ADMIN_PORT=$(port)
hex 32 > "$WORK/master.key"; chmod 600 "$WORK/master.key"
cat > "$WORK/hss.yaml" <<YAML
diameter: {identity: hss.demo.simbind.lab, port: $DIAMETER_PORT, peers: [{identity: mme.simbind.lab}]}
store: {path: $WORK/hss.db, master_key_file: $WORK/master.key}
admin: {listen: 127.0.0.1:$ADMIN_PORT}
YAML
"$SIMBIND_HSS" --config "$WORK/hss.yaml" > "$WORK/hss.log" 2>&1 & HSS_PID=$!
for _ in $(seq 100); do grep -q "simbind-hss ready" "$WORK/hss.log" 2>/dev/null && break; sleep 0.1; done
grep -q "simbind-hss ready" "$WORK/hss.log" || { echo "simbind-hss did not start:"; cat "$WORK/hss.log"; exit 1; }
ADMIN=(--hss "127.0.0.1:$ADMIN_PORT")
AIR=(s6a air --peer hss.demo.simbind.lab --port "$DIAMETER_PORT" --binding --json)

echo "simbind demo: ME binding by RAND pre-processing, against a running simbind-hss (S6a on port $DIAMETER_PORT)"
echo

# The UICC's side of TS 33.102 6.3.3, with `simbind auc`: recover SQN with AK = f5(RAND), recompute MAC-A
# with the AMF from AUTN, and answer RES. Prints "<mac_a computed> <res>".
uicc() {  # uicc <k> <opc> <rand the UICC is given> <autn>
  local ak sqn
  ak=$($CLI auc milenage --k "$1" --opc "$2" --rand "$3" --sqn 000000000000 --amf 0000 --json | field ak)
  sqn=$(printf '%012x' $(( 0x${4:0:12} ^ 0x$ak )))
  $CLI auc milenage --k "$1" --opc "$2" --rand "$3" --sqn "$sqn" --amf "${4:12:4}" --json |
    python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["mac_a"], j["res"])'
}

# --- 1. an unbound subscription ------------------------------------------------------------------------------
K1=$(hex 16); OPC1=$(hex 16)
$CLI hss create --imsi 001010000000001 --k "$K1" --opc "$OPC1" "${ADMIN[@]}" > /dev/null
echo "1. Unbound subscription 001010000000001: the MME asks the HSS for a vector"
AIA=$($CLI "${AIR[@]}" --imsi 001010000000001)
RAND=$(echo "$AIA" | field rand); AUTN=$(echo "$AIA" | field autn); XRES=$(echo "$AIA" | field xres)
echo "     AIA: RAND $RAND, AUTN $AUTN, Binding-AV-Type $(echo "$AIA" | field av_type)"
read -r MAC RES <<< "$(uicc "$K1" "$OPC1" "$RAND" "$AUTN")"
step "the HSS sends a regular vector" "regular" "$(echo "$AIA" | field av_type)"
step "the UICC accepts AUTN and answers RES = XRES" "${AUTN:16:16} $XRES" "$MAC $RES"
echo

# --- 2. a bound subscription ---------------------------------------------------------------------------------
K2=$(hex 16); OPC2=$(hex 16); KME=$(hex 16); OTHER_KME=$(hex 16); KME_ID=6
$CLI hss create --imsi 001010000000002 --k "$K2" --opc "$OPC2" --binding required "${ADMIN[@]}" > /dev/null
$CLI hss set-kme --imsi 001010000000002 --kme "$KME" --kme-id $KME_ID "${ADMIN[@]}" > /dev/null
echo "2. Bound subscription 001010000000002 (KME-Id $KME_ID loaded into the HSS and into device 1)"
AIA=$($CLI "${AIR[@]}" --imsi 001010000000002)
RAND_STAR=$(echo "$AIA" | field rand); AUTN=$(echo "$AIA" | field autn); XRES=$(echo "$AIA" | field xres)
echo "     AIA: RAND* $RAND_STAR, AUTN $AUTN (AMF ${AUTN:12:4}), KME-Id $(echo "$AIA" | field kme_id)"
step "the HSS sends a pre-processed vector" "pre-processed" "$(echo "$AIA" | field av_type)"
step "the binding bit (0x0080) and KME-Id mod 4 are in the AMF" "1 $((KME_ID % 4))" \
  "$(( (0x${AUTN:12:4} & 0x80) >> 7 )) $(( (0x${AUTN:12:4} & 0x60) >> 5 ))"

RAND1=$($CLI auc rand-decrypt --kme "$KME" --rand-star "$RAND_STAR" --json | field rand)
read -r MAC RES <<< "$(uicc "$K2" "$OPC2" "$RAND1" "$AUTN")"
echo "     device 1 decrypts RAND* with its KME: RAND $RAND1"
step "the UICC in device 1 accepts AUTN and answers RES = XRES" "${AUTN:16:16} $XRES" "$MAC $RES"

read -r MAC RES <<< "$(uicc "$K2" "$OPC2" "$RAND_STAR" "$AUTN")"
step "the same UICC in device 2 (no KME, RAND* passed on) fails the MAC: cause #20" "mismatch" \
  "$([ "$MAC" = "${AUTN:16:16}" ] && echo match || echo mismatch)"
RAND3=$($CLI auc rand-decrypt --kme "$OTHER_KME" --rand-star "$RAND_STAR" --json | field rand)
read -r MAC RES <<< "$(uicc "$K2" "$OPC2" "$RAND3" "$AUTN")"
step "the same UICC in device 3 (another KME) fails the MAC: cause #20" "mismatch" \
  "$([ "$MAC" = "${AUTN:16:16}" ] && echo match || echo mismatch)"
echo

# --- 3. the audit log ----------------------------------------------------------------------------------------
echo "3. The HSS audit log for 001010000000002"
$CLI hss audit --imsi 001010000000002 "${ADMIN[@]}" | sed 's/^/     /'
step "the pre-processed vector is audited" "yes" \
  "$($CLI hss audit --imsi 001010000000002 --json "${ADMIN[@]}" | grep -q '"decision":"pre-processed"' && echo yes || echo no)"
echo

if [ "$failures" -eq 0 ]; then
  echo "RESULT: PASS - the UICC authenticates only inside the device that holds KME"
else
  echo "RESULT: FAIL - $failures step(s) did not behave as designed"
  exit 1
fi
