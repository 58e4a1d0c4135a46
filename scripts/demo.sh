#!/usr/bin/env bash
# The simbind demo. Lab keys are generated for the run and never printed.
# Steps 1-3: a real simbind-hss, and this script in the roles of an MME (`simbind s6a air`), of devices and of
# a UICC (`simbind auc`), one message at a time:
#   1. An unbound subscription gets regular vectors; its UICC accepts them.
#   2. A bound subscription (KME loaded into the HSS) gets pre-processed vectors: RAND* on the air.
#      The bound ME decrypts RAND* and its UICC accepts; the same UICC in a device without the KME, or with
#      another KME, fails the MAC check (EMM cause #20).
#   3. The HSS audit log records the binding decisions.
# Step 4: the same cases as real attaches, with simbind-mme and simbind-ue beside the HSS (NAS over TCP, S6a).
# Exit status 0 only when every step behaves as designed. Every daemon is stopped on exit and on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

# SIMBIND_CLI / SIMBIND_HSS / SIMBIND_MME / SIMBIND_UE point at built binaries (the test suite runs the demo
# that way); else build.
if [ -z "${SIMBIND_CLI:-}" ] || [ -z "${SIMBIND_HSS:-}" ] || [ -z "${SIMBIND_MME:-}" ] || [ -z "${SIMBIND_UE:-}" ]; then
  scripts/build.sh >/dev/null
  SIMBIND_CLI=build/services/cli/simbind
  SIMBIND_HSS=build/services/hss/simbind-hss
  SIMBIND_MME=build/services/mme/simbind-mme
  SIMBIND_UE=build/services/ue/simbind-ue
fi
CLI=$SIMBIND_CLI

WORK=$(mktemp -d /tmp/simbind-demo-XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
field() { sed -n "s/.*\"$1\":\"\{0,1\}\([0-9a-z-]*\)\"\{0,1\}[,}].*/\1/p" | head -1; }
jget() { python3 -c 'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print(str(v).lower() if isinstance(v,bool) else v)' "$1"; }
wait_ready() {  # wait_ready <log> <line> <name>
  for _ in $(seq 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "$3 did not start:"; cat "$1"; exit 1
}

failures=0
step() {  # step <description> <expected> <actual>
  if [ "$2" = "$3" ]; then printf '  PASS  %s\n' "$1"; else printf '  FAIL  %s (expected %s, got %s)\n' "$1" "$2" "$3"; failures=$((failures + 1)); fi
}

# --- the HSS --------------------------------------------------------------------------------------------------
DIAMETER_PORT=$(port); ADMIN_PORT=$(port)
hex 32 > "$WORK/master.key"; chmod 600 "$WORK/master.key"
cat > "$WORK/hss.yaml" <<YAML
diameter:
  identity: hss.demo.simbind.lab
  port: $DIAMETER_PORT
  peers: [{identity: mme.simbind.lab}, {identity: mme1.demo.simbind.lab}]
store: {path: $WORK/hss.db, master_key_file: $WORK/master.key}
admin: {listen: 127.0.0.1:$ADMIN_PORT}
YAML
"$SIMBIND_HSS" --config "$WORK/hss.yaml" > "$WORK/hss.log" 2>&1 & PIDS+=($!)
wait_ready "$WORK/hss.log" "simbind-hss ready" simbind-hss
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

# --- 4. real attaches: simbind-mme and simbind-ue --------------------------------------------------------------
MME_DIAMETER_PORT=$(port); NAS_PORT=$(port); UE_PORT=$(port)
cat > "$WORK/mme.yaml" <<YAML
diameter:
  identity: mme1.demo.simbind.lab
  port: $MME_DIAMETER_PORT
  tc_timer: 1
  peers: [{identity: hss.demo.simbind.lab, address: 127.0.0.1, port: $DIAMETER_PORT}]
nas: {port: $NAS_PORT}
YAML
hex 32 > "$WORK/ue.key"; chmod 600 "$WORK/ue.key"
cat > "$WORK/ue.yaml" <<YAML
mme: {address: 127.0.0.1, port: $NAS_PORT}
store: {directory: $WORK/devices, storage_key_file: $WORK/ue.key}
control: {listen: 127.0.0.1:$UE_PORT}
YAML
"$SIMBIND_MME" --config "$WORK/mme.yaml" > "$WORK/mme.log" 2>&1 & PIDS+=($!)
"$SIMBIND_UE" --config "$WORK/ue.yaml" > "$WORK/ue.log" 2>&1 & PIDS+=($!)
wait_ready "$WORK/mme.log" "simbind-mme ready" simbind-mme
wait_ready "$WORK/ue.log" "simbind-ue ready" simbind-ue
UE=(--ue "127.0.0.1:$UE_PORT" --timeout 60)

K3=$(hex 16); OPC3=$(hex 16); K4=$(hex 16); OPC4=$(hex 16)
$CLI hss create --imsi 001010000000003 --k "$K3" --opc "$OPC3" "${ADMIN[@]}" > /dev/null
$CLI hss create --imsi 001010000000004 --k "$K4" --opc "$OPC4" --binding required "${ADMIN[@]}" > /dev/null
cat > "$WORK/profiles.yaml" <<YAML
ues:
  - imei: "35693803564001"   # device A: the UICC of the unbound subscription 001010000000003
    uicc: {imsi: "001010000000003", k: $K3, opc: $OPC3}
  - imei: "35693803564002"   # device 1: the bound UICC 001010000000002, and its KME
    uicc: {imsi: "001010000000002", k: $K2, opc: $OPC2}
    kme: [{plmn: "00101", kme_id: $KME_ID, kme: $KME}]
  - imei: "49015420323003"   # device 2: no UICC, no KME
  - imei: "35693803564004"   # device B: binding required, no KME established yet
    uicc: {imsi: "001010000000004", k: $K4, opc: $OPC4}
YAML
$CLI ue create --profiles "$WORK/profiles.yaml" "${UE[@]}" > /dev/null
echo "4. Real attaches: UEs in simbind-ue, NAS over TCP to simbind-mme, S6a to the HSS"

R=$($CLI ue attach --imei 35693803564001 --json "${UE[@]}" || true)
echo "     unbound 001010000000003 in device A: $(echo "$R" | jget message)"
step "an unbound subscription attaches and gets a default bearer" "true 10.45" \
  "$(echo "$R" | jget success) $(echo "$R" | jget ip | cut -d. -f1-2)"

R=$($CLI ue attach --imei 35693803564002 --json "${UE[@]}" || true)
echo "     bound 001010000000002 in device 1: RAND on air $(echo "$R" | jget rand_on_air), RAND to the UICC $(echo "$R" | jget rand_used)"
step "the bound UICC attaches in its device, with a pre-processed vector" "true true" \
  "$(echo "$R" | jget success) $(echo "$R" | jget pre_processed)"
step "RAND on the air (RAND*) differs from the RAND the UICC ran on" "differ" \
  "$([ "$(echo "$R" | jget rand_on_air)" != "$(echo "$R" | jget rand_used)" ] && echo differ || echo same)"

$CLI ue detach --imei 35693803564002 "${UE[@]}" > /dev/null
$CLI ue move-uicc --imsi 001010000000002 --to-imei 49015420323003 "${UE[@]}" > /dev/null
R=$($CLI ue attach --imei 49015420323003 --json "${UE[@]}" 2>/dev/null || true)
echo "     the bound UICC moved into device 2: $(echo "$R" | jget message)"
step "the bound UICC in another device gets no service" "false" "$(echo "$R" | jget success)"
step "the MME reported the MAC failure to the HSS (Binding-Failure-Report)" "yes" \
  "$([ "$($CLI hss binding-status --imsi 001010000000002 --json "${ADMIN[@]}" | jget failure_reports)" -ge 1 ] && echo yes || echo no)"

R=$($CLI ue attach --imei 35693803564004 --json "${UE[@]}" || true)
echo "     binding required, no KME yet (001010000000004): $(echo "$R" | jget message)"
step "a subscription awaiting its KME is attached without a PDN connection (ESM #33)" "true 33" \
  "$(echo "$R" | jget registered_without_pdn) $(echo "$R" | jget esm_cause)"
step "... and every bearer request is refused" "refused" \
  "$($CLI ue bearer --imei 35693803564004 --apn internet "${UE[@]}" > /dev/null 2>&1 && echo granted || echo refused)"
echo

if [ "$failures" -eq 0 ]; then
  echo "RESULT: PASS - the UICC authenticates only inside the device that holds KME"
else
  echo "RESULT: FAIL - $failures step(s) did not behave as designed"
  exit 1
fi
