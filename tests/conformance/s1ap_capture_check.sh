#!/usr/bin/env bash
# Holds every S1AP PDU of a capture to tshark's S1AP dissector (TS 36.413, with the NAS-EPS and LTE RRC
# dissectors under it): no malformed packet and no expert warning or error on any SCTP frame, and at least one S1AP
# PDU (a test meant to run over S1AP that did not is a failure). Prints the PDUs seen by message name.
#   s1ap_capture_check.sh CAPTURE [TSHARK_COMMAND]
set -uo pipefail
cap=$1
tshark_cmd=${2:-tshark}
# NAS inside S1AP is ciphered (128-EEA2) after SECURITY MODE: tshark cannot decipher it without the keys, and by
# default it guesses EEA0 and dissects the ciphertext as plaintext (unknown message types, malformed ESM). It is told
# not to guess: the S1AP and the plain NAS are checked, the ciphered NAS is shown as ciphered.
tshark_cmd="$tshark_cmd -o nas-eps.null_decipher:FALSE"

# Expert severities: 0x00600000 warn, 0x00800000 error (chat and note are informational).
bad=$($tshark_cmd -r "$cap" -Y 'sctp && (_ws.malformed || _ws.expert.severity >= 0x00600000)' \
        -T fields -e frame.number -e _ws.expert.message -e _ws.col.Info 2>/dev/null)
names=$($tshark_cmd -r "$cap" -Y s1ap -T fields -e _ws.col.Info 2>/dev/null |
        tr ',' '\n' | sed 's/^ *//; s/ *\[.*//' | grep -E '^[A-Z][A-Za-z0-9]+(Request|Response|Failure|Message|Transport|Indication|Command|Complete|Acknowledge|Reset)$|^Reset$' |
        sort | uniq -c | sort -rn)
count=$($tshark_cmd -r "$cap" -Y s1ap -T fields -e frame.number 2>/dev/null | wc -l)
echo "S1AP frames: $count"
echo "$names"
if [ "$count" -eq 0 ]; then echo "FAIL: no S1AP PDU in the capture"; exit 1; fi
if [ -n "$bad" ]; then
  echo "FAIL: tshark reports malformed S1AP frames or expert warnings/errors:"
  echo "$bad" | head -40
  exit 1
fi
echo "S1AP check: PASS (no malformed packet, no expert warning or error)"
