#!/usr/bin/env bash
# The simbind demo. Until the daemons land this walks through the binding idea with `simbind auc`, on fresh
# random lab keys: the HSS pre-processes a vector with KME; the bound ME recovers RAND and its UICC accepts
# AUTN; the same UICC in another ME (no KME, or another KME) fails the MAC check. Exit status 0 only when
# every step behaves as designed. Keys are never printed.
set -euo pipefail
cd "$(dirname "$0")/.."

# SIMBIND_CLI points at an already built `simbind` (the test suite runs the demo that way); else build.
if [ -n "${SIMBIND_CLI:-}" ]; then
  SIMBIND=$SIMBIND_CLI
else
  scripts/build.sh >/dev/null
  SIMBIND=build/services/cli/simbind
fi

hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
field() { sed -n "s/.*\"$1\":\"\([0-9a-f]*\)\".*/\1/p"; }

failures=0
step() {  # step <description> <expected> <actual>
  if [ "$2" = "$3" ]; then printf '  PASS  %s\n' "$1"; else printf '  FAIL  %s (expected %s, got %s)\n' "$1" "$2" "$3"; failures=$((failures + 1)); fi
}

K=$(hex 16); OPC=$(hex 16); KME=$(hex 16); OTHER_KME=$(hex 16); RAND=$(hex 16)
SQN=000000000041
KME_ID=6
# DESIGN 4: separation bit 0x8000, binding indicator 0x0080, KME-Id mod 4 in 0x0060.
AMF=$(printf '%04x' $(( 0x8000 | 0x0080 | ((KME_ID % 4) << 5) )))

echo "simbind demo: ME binding by RAND pre-processing (lab keys generated for this run, not shown)"
echo
echo "HSS  builds an E-UTRAN vector for the bound subscription (AMF $AMF: binding bit, KME-Id $KME_ID mod 4)"
AV=$($SIMBIND auc milenage --k "$K" --opc "$OPC" --rand "$RAND" --sqn "$SQN" --amf "$AMF" --mcc 001 --mnc 01 --json)
AUTN=$(echo "$AV" | field autn); XRES=$(echo "$AV" | field res)
RAND_STAR=$($SIMBIND auc rand-encrypt --kme "$KME" --rand "$RAND" --json | field rand_star)
echo "     RAND  $RAND (stays in the HSS)"
echo "     RAND* $RAND_STAR (sent in the AIA and on the air)"
echo "     AUTN  $AUTN"
echo

uicc_run() {  # uicc_run <rand the UICC is given> -> MAC-A and RES the UICC computes
  $SIMBIND auc milenage --k "$K" --opc "$OPC" --rand "$1" --sqn "$SQN" --amf "$AMF" --json
}
MAC_IN_AUTN=${AUTN:16:16}

echo "ME 1 (bound, holds KME) decrypts RAND* and runs its UICC"
RAND_ME1=$($SIMBIND auc rand-decrypt --kme "$KME" --rand-star "$RAND_STAR" --json | field rand)
UICC1=$(uicc_run "$RAND_ME1")
step "ME 1 recovers the real RAND" "$RAND" "$RAND_ME1"
step "UICC in ME 1 accepts AUTN (XMAC = MAC-A)" "$MAC_IN_AUTN" "$(echo "$UICC1" | field mac_a)"
step "UICC in ME 1 answers RES = XRES" "$XRES" "$(echo "$UICC1" | field res)"
echo

echo "ME 2 (the same UICC moved into a device without KME) passes RAND* on unchanged"
UICC2=$(uicc_run "$RAND_STAR")
step "UICC in ME 2 rejects AUTN: MAC failure (EMM cause #20)" "mismatch" \
  "$([ "$(echo "$UICC2" | field mac_a)" = "$MAC_IN_AUTN" ] && echo match || echo mismatch)"
echo

echo "ME 3 (another device, with a KME of its own) decrypts RAND* with the wrong key"
RAND_ME3=$($SIMBIND auc rand-decrypt --kme "$OTHER_KME" --rand-star "$RAND_STAR" --json | field rand)
UICC3=$(uicc_run "$RAND_ME3")
step "UICC in ME 3 rejects AUTN: MAC failure (EMM cause #20)" "mismatch" \
  "$([ "$(echo "$UICC3" | field mac_a)" = "$MAC_IN_AUTN" ] && echo match || echo mismatch)"
echo

if [ "$failures" -eq 0 ]; then
  echo "RESULT: PASS - the UICC authenticates only inside the device that holds KME"
else
  echo "RESULT: FAIL - $failures step(s) did not behave as designed"
  exit 1
fi
