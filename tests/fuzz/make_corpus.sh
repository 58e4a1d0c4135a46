#!/usr/bin/env bash
# Makes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/) from captures of the end-to-end tests:
# attach_e2e_test and binding_e2e_test run in a network namespace of their own under dumpcap, and every Diameter
# message (S6a, Bp) and every NAS/TCP stream they exchanged becomes a seed; NAS messages are cut out of the frames.
# S1AP seeds are the PDUs of s1ap_sample_pdus (every message simbind models, held to tshark's dissector by ctest).
# config_fuzz starts from deploy/config. Thousands of captured messages differ only in identifiers: libFuzzer's
# -merge keeps those that reach new code, and only those are committed. Run this again when the protocols change.
#   tests/fuzz/make_corpus.sh BUILD_DIR FUZZ_BUILD_DIR     (FUZZ_BUILD_DIR: scripts/fuzz.sh --build-only made it)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: make_corpus.sh BUILD_DIR FUZZ_BUILD_DIR}" && pwd)
fuzz_build=$(cd "${2:?usage: make_corpus.sh BUILD_DIR FUZZ_BUILD_DIR}" && pwd)

if [ -z "${SIMBIND_CORPUS_NETNS:-}" ]; then
  exec unshare --net env SIMBIND_CORPUS_NETNS=1 bash -c 'ip link set lo up && exec "$0" "$@"' "$0" "$@"
fi

work=$(mktemp -d /tmp/simbind-corpus-XXXXXX)
trap 'rm -rf "$work"' EXIT
dumpcap -q -i lo -f tcp -B 64 -w "$work/e2e.pcapng" > "$work/dumpcap.log" 2>&1 &
dumpcap_pid=$!
for _ in $(seq 100); do grep -q "Capturing on" "$work/dumpcap.log" 2> /dev/null && break; sleep 0.1; done
"$build/tests/integration/attach_e2e_test" > "$work/attach.log" 2>&1 || { tail -20 "$work/attach.log"; exit 1; }
"$build/tests/integration/binding_e2e_test" > "$work/binding.log" 2>&1 || { tail -20 "$work/binding.log"; exit 1; }
sleep 0.5
kill -INT "$dumpcap_pid"; wait "$dumpcap_pid" 2> /dev/null || true

tshark -r "$work/e2e.pcapng" -Y "tcp.len > 0" -T fields -e tcp.stream -e tcp.srcport -e tcp.payload \
  > "$work/segments.txt"
"$build/tests/unit/s1ap_sample_pdus" > "$work/s1ap.txt"
python3 - "$work/segments.txt" "$work/s1ap.txt" "$work/raw" <<'PY'
import hashlib, os, struct, sys
segments, s1ap, out = sys.argv[1:4]
streams = {}
for line in open(segments):
    parts = line.split()
    if len(parts) == 3:
        streams.setdefault((parts[0], parts[1]), bytearray()).extend(bytes.fromhex(parts[2]))

def put(target, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)

counts = {}
for key, data in streams.items():
    if data[:1] == b"\x01" and len(data) >= 20:  # Diameter: version 1, then the 24-bit message length
        at = 0
        while at + 20 <= len(data):
            n = int.from_bytes(data[at + 1:at + 4], "big")
            if n < 20 or at + n > len(data):
                break
            message = bytes(data[at:at + n])
            put("diameter_fuzz", message)
            counts["diameter_fuzz"] = counts.get("diameter_fuzz", 0) + 1
            # hss_s6a_fuzz: the requests the HSS handles (R bit; S6a ULR 316, AIR 318, PUR 321).
            code, app = int.from_bytes(message[5:8], "big"), int.from_bytes(message[8:12], "big")
            if message[4] & 0x80 and app == 16777251 and code in (316, 318, 321):
                put("hss_s6a_fuzz", message)
                counts["hss_s6a_fuzz"] = counts.get("hss_s6a_fuzz", 0) + 1
            at += n
    elif len(data) >= 7:  # NAS/TCP: 2-octet length, 4-octet UE id, 1-octet kind, then the NAS PDU
        put("framing_fuzz", b"\x07" + bytes(data[:4096]))  # first octet: the piece size the harness feeds
        at = 0
        while at + 2 <= len(data):
            n = int.from_bytes(data[at:at + 2], "big")
            if n < 5 or at + 2 + n > len(data):
                break
            pdu = bytes(data[at + 7:at + 2 + n])
            if pdu:
                # nas_fuzz: first octet selects the decoder (0 EMM uplink, 1 EMM downlink, 5 the envelope).
                for selector in (0, 1, 5):
                    put("nas_fuzz", bytes([selector]) + pdu)
                counts["nas_fuzz"] = counts.get("nas_fuzz", 0) + 1
            at += 2 + n
for line in open(s1ap):
    parts = line.split()
    if len(parts) == 2:
        put("s1ap_fuzz", bytes.fromhex(parts[1]))
        counts["s1ap_fuzz"] = counts.get("s1ap_fuzz", 0) + 1
print("seeds:", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
PY
mkdir -p "$work/raw/config_fuzz"
cp "$here/../../deploy/config/"*.yaml "$work/raw/config_fuzz/"
for raw in "$work/raw"/*; do
  target=$(basename "$raw")
  mkdir -p "$here/corpus/$target"
  "$fuzz_build/tests/fuzz/$target" -merge=1 "$here/corpus/$target" "$raw" > "$work/merge-$target.log" 2>&1 ||
    { tail -20 "$work/merge-$target.log"; exit 1; }
  echo "$target: $(ls "$here/corpus/$target" | wc -l) seeds kept"
done
