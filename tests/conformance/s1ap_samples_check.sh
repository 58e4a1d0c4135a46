#!/usr/bin/env bash
# Every S1AP message simbind encodes, in one or two variants each (tests/unit/s1ap/sample_messages.h), decoded by
# tshark's S1AP dissector: each must be named as the message it is, with no malformed packet and no expert warning
# or error. The PDUs are wrapped in SCTP DATA chunks (PPID 18, port 36412) by text2pcap.
#   s1ap_samples_check.sh PATH/TO/s1ap_sample_pdus
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d /tmp/simbind-s1ap-samples-XXXXXX)
trap 'rm -rf "$work"' EXIT
"$1" > "$work/pdus.txt" || { echo "FAIL: s1ap_sample_pdus failed"; exit 1; }
# text2pcap's hex dump format: an offset, then the octets.
while read -r name hex; do
  echo "$hex" | sed 's/../& /g' | fold -w 48 | awk '{printf "%06x %s\n", (NR-1)*16, $0}'
  echo
done < "$work/pdus.txt" > "$work/dump.txt"
text2pcap -q -S 36412,36412,18 "$work/dump.txt" "$work/samples.pcap" || { echo "FAIL: text2pcap"; exit 1; }
expected=$(cut -d' ' -f1 "$work/pdus.txt")
seen=$(tshark -r "$work/samples.pcap" -Y s1ap -T fields -e _ws.col.Info 2>/dev/null | sed 's/ *\[.*//; s/,.*//')
fails=0
paste -d' ' <(echo "$expected") <(echo "$seen") | while read -r want got; do
  [ "$want" = "$got" ] || { echo "FAIL: tshark names '$want' as '${got:-nothing}'"; exit 1; }
done || fails=1
"$here/s1ap_capture_check.sh" "$work/samples.pcap" || fails=1
echo "$(wc -l < "$work/pdus.txt") sample PDUs of $(sort -u <<< "$expected" | wc -l) message types"
[ $fails = 0 ] && echo "RESULT: PASS" || { echo "RESULT: FAIL"; exit 1; }
