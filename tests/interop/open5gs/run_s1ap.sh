#!/usr/bin/env bash
# simbind-ue as the eNB of an unmodified Open5GS MME (v2.7.x), with simbind-hss as that MME's HSS: the binding
# through a standard MME over S1AP, on loopback only.
#
#   tests/interop/open5gs/run_s1ap.sh --open5gs DIR [--simbind-build DIR] [--fakemongo PATH] [--out DIR]
#
#   --open5gs DIR        the Open5GS source tree with its build in DIR/build, built with usrsctp (docs/INTEROP.md):
#                        open5gs-mmed, -sgwcd, -sgwud, -smfd, -upfd, -pcrfd and the freeDiameter extensions
#   --simbind-build DIR  simbind's CMake build directory (default: the checkout's build/)
#   --fakemongo PATH     a MongoDB wire-protocol stand-in started on 127.0.0.1:27017 (open5gs-pcrfd reads the
#                        subscriber's session from MongoDB); without it a MongoDB must listen there
#   --out DIR            logs, pcaps, the lab and the generated configurations (default: a new temporary directory)
#
#   simbind-ue (S1AP, usrsctp) --S1-MME--> open5gs-mmed --S6a (TLS)--> simbind-hss <--Bp--> simbind-prov --> keydir
#                                              |-- S11/S5/Gx: open5gs-sgwcd, -sgwud, -smfd, -upfd, -pcrfd
#
# The simbind side is the testbed (scripts/testbed.sh --external-mme 127.0.0.2:36412: keydir, prov, hss, ue, the
# lab's Diameter over TLS; open5gs-mmed gets a lab certificate for mme.localdomain). The Open5GS side runs from a copy
# of DIR/build/configs/attach.yaml with the PLMN set to the lab's (001/01). Cases:
#   unbound    a subscriber without binding: attach with a default bearer (INITIAL CONTEXT SETUP), then detach
#   scenario1  a factory-made device with a KME, imported into simbind-prov and activated: the attach gets a
#              pre-processed vector (RAND* on the air), the device recovers RAND and attaches with a bearer
#   moved-uicc that bound UICC in another device: the challenge fails there (#20 MAC failure at the UE); what the
#              MME does next is recorded from the capture
#   detach     the bound device (UICC back) attaches again and detaches
# Every S1AP PDU of the run is held to tshark's S1AP dissector (no malformed packet, no expert warning or error).
# Needs root (usrsctp on raw IP, the 127.0.0.2/32 alias on lo, the ogstun device of open5gs-upfd). Open5GS is AGPL:
# nothing of it is copied here. Exit status: 0 when every case passed, 1 when one failed, 2 for a usage error.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)

O5=""; SB="$REPO/build"; FAKEMONGO=""; OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --open5gs) O5=${2:?}; shift 2 ;;
    --simbind-build) SB=${2:?}; shift 2 ;;
    --fakemongo) FAKEMONGO=${2:?}; shift 2 ;;
    --out) OUT=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,/^set -u/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run_s1ap.sh: unknown argument '$1' (--help)" >&2; exit 2 ;;
  esac
done
die() { echo "run_s1ap.sh: $*" >&2; exit 2; }
[ -n "$O5" ] || die "--open5gs DIR is required"
[ "$(id -u)" = 0 ] || die "needs root (usrsctp raw sockets, tun device, loopback alias)"
O5=$(cd "$O5" && pwd) || die "no directory $O5"
SB=$(cd "$SB" && pwd) || die "no directory $SB"
OB="$O5/build"
for f in src/mme/open5gs-mmed src/sgwc/open5gs-sgwcd src/sgwu/open5gs-sgwud src/smf/open5gs-smfd src/upf/open5gs-upfd \
         src/pcrf/open5gs-pcrfd configs/attach.yaml subprojects/freeDiameter/extensions/dict_dcca_3gpp/dict_dcca_3gpp.fdx; do
  [ -e "$OB/$f" ] || die "missing $OB/$f (build Open5GS first: docs/INTEROP.md)"
done
CLI="$SB/services/cli/simbind"
for f in hss/simbind-hss ue/simbind-ue keydir/simbind-keydir provisioning/simbind-prov cli/simbind; do
  [ -x "$SB/services/$f" ] || die "missing $SB/services/$f (build simbind)"
done
for t in dumpcap tshark; do command -v $t >/dev/null || die "$t not found"; done
PY=/usr/bin/python3
$PY -c 'import yaml, pymongo' 2>/dev/null || die "$PY needs PyYAML and pymongo (python3-yaml python3-pymongo)"
if [ -z "$OUT" ]; then OUT=$(mktemp -d /tmp/simbind-open5gs-s1ap.XXXXXX); else mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd); fi
mkdir -p "$OUT/conf" "$OUT/logs" "$OUT/pcap"
LAB="$OUT/lab"
echo "output (logs, pcaps, lab, generated configs): $OUT"

HSS_DIA_PORT=13888; O5_MME_DIA=3881; O5_SMF_DIA=3883; O5_PCRF_DIA=3884

# ---- processes and teardown (as run.sh) -------------------------------------------------------------------------
PGIDS=(); ADDED_ALIAS=0; ADDED_TUN=0
stop_group() {
  local g=$1 i
  kill -TERM -- "-$g" 2>/dev/null || return 0
  for i in $(seq 30); do kill -0 -- "-$g" 2>/dev/null || return 0; sleep 0.3; done
  kill -KILL -- "-$g" 2>/dev/null || true
}
cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  for ((i=${#PGIDS[@]}-1; i>=0; i--)); do stop_group "${PGIDS[$i]}"; done
  [ "$ADDED_TUN" = 1 ] && ip link del ogstun 2>/dev/null
  [ "$ADDED_ALIAS" = 1 ] && ip addr del 127.0.0.2/32 dev lo 2>/dev/null
  return $rc
}
trap cleanup EXIT
trap 'echo "run_s1ap.sh: interrupted" >&2; exit 130' INT TERM
start() { local name=$1; shift; setsid "$@" >"$OUT/logs/$name.log" 2>&1 </dev/null & LAST_PGID=$!; PGIDS+=("$LAST_PGID"); }
wait_log() { local f=$1 re=$2 t=$(($3 * 5)) i; for ((i=0; i<t; i++)); do grep -qE "$re" "$f" 2>/dev/null && return 0; sleep 0.2; done; return 1; }
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

R_CASE=(); R_RES=(); R_DET=()
record() { R_CASE+=("$1"); R_RES+=("$2"); R_DET+=("$3"); echo "  -> $1: $2 - $3"; }
jget() { $PY -c 'import json,sys; d=json.loads(sys.argv[2]); v=d.get(sys.argv[1], ""); print(str(v).lower() if isinstance(v,bool) else v)' "$1" "$2" 2>/dev/null; }

# ---- environment ---------------------------------------------------------------------------------------------------
if ! ip -o addr show dev lo | grep -q ' 127.0.0.2/32'; then ip addr add 127.0.0.2/32 dev lo && ADDED_ALIAS=1; fi
if ! ip link show ogstun >/dev/null 2>&1; then
  ip tuntap add name ogstun mode tun && ADDED_TUN=1
  ip addr add 10.45.0.1/16 dev ogstun; ip addr add 2001:db8:cafe::1/48 dev ogstun; ip link set ogstun up
fi
if [ -n "$FAKEMONGO" ]; then
  port_open 127.0.0.1 27017 && die "127.0.0.1:27017 is in use; leave out --fakemongo"
  start fakemongo $PY "$FAKEMONGO" 127.0.0.1 27017
  for i in $(seq 50); do port_open 127.0.0.1 27017 && break; sleep 0.2; done
fi
port_open 127.0.0.1 27017 || die "no MongoDB on 127.0.0.1:27017 (give --fakemongo PATH)"

# ---- the lab: configurations, CA, a certificate for open5gs-mmed's Diameter identity --------------------------------
export SIMBIND_BIN_DIR="$SB" SIMBIND_LAB_HSS_EXTRA_PEERS=mme.localdomain SIMBIND_LAB_HSS_DIAMETER_PORT=$HSS_DIA_PORT \
       SIMBIND_LAB_PLMN=00101 SIMBIND_LAB_SCTP=usrsctp
"$REPO/deploy/testbed/make-lab.sh" "$LAB" > "$OUT/logs/make-lab.log" 2>&1 || die "make-lab.sh failed (logs/make-lab.log)"
"$REPO/deploy/certs/lab-ca.sh" issue "$LAB/certs" mme.localdomain diameter > "$OUT/logs/lab-ca.log" 2>&1 \
  || die "cannot issue mme.localdomain's certificate (logs/lab-ca.log)"

# ---- Open5GS: freeDiameter .conf files and the YAML, from the user's attach.yaml ------------------------------------
EXT="$OB/subprojects/freeDiameter/extensions"
fd_conf() {  # fd_conf FILE IDENTITY REALM LISTEN PORT TLS(yes|no) "PEER ADDR PORT TLS" ...
  local file=$1 id=$2 realm=$3 listen=$4 port=$5 tls=$6 p x; shift 6
  {
    echo "Identity = \"$id\";"; echo "Realm = \"$realm\";"; echo "ListenOn = \"$listen\";"; echo "Port = $port;"
    echo "SecPort = 0;"; echo "No_SCTP;"; echo "NoRelay;"
    [ "$tls" = yes ] && { echo "TLS_Cred = \"$LAB/certs/$id.crt\", \"$LAB/certs/$id.key\";"; echo "TLS_CA = \"$LAB/certs/ca.crt\";"; }
    echo "LoadExtension = \"$EXT/dbg_msg_dumps.fdx\" : \"0x8888\";"
    for x in dict_rfc5777 dict_mip6i dict_nasreq dict_nas_mipv6 dict_dcca; do echo "LoadExtension = \"$EXT/$x.fdx\";"; done
    echo "LoadExtension = \"$EXT/dict_dcca_3gpp/dict_dcca_3gpp.fdx\";"
    for p in "$@"; do
      set -- $p
      if [ "$4" = tls ]; then echo "ConnectPeer = \"$1\" { ConnectTo = \"$2\"; Port = $3; No_SCTP; };"
      else echo "ConnectPeer = \"$1\" { ConnectTo = \"$2\"; Port = $3; No_TLS; No_SCTP; };"; fi
    done
  } > "$file"
}
# The MME's realm is simbind-hss's (Open5GS routes AIR/ULR by realm); S6a over TLS with the lab CA (README).
fd_conf "$OUT/conf/mme.conf" mme.localdomain simbind.lab 127.0.0.2 $O5_MME_DIA yes "hss.simbind.lab 127.0.0.1 $HSS_DIA_PORT tls"
fd_conf "$OUT/conf/smf.conf" smf.localdomain localdomain 127.0.0.4 $O5_SMF_DIA no "pcrf.localdomain 127.0.0.9 $O5_PCRF_DIA plain"
fd_conf "$OUT/conf/pcrf.conf" pcrf.localdomain localdomain 127.0.0.9 $O5_PCRF_DIA no "smf.localdomain 127.0.0.4 $O5_SMF_DIA plain"
$PY - "$OB/configs/attach.yaml" "$OUT/conf/open5gs.yaml" "$OUT/conf" "$OUT/logs" <<'EOF' || die "cannot derive open5gs.yaml"
import sys, yaml
src, dst, conf, logs = sys.argv[1:5]
c = yaml.safe_load(open(src))
c["db_uri"] = "mongodb://127.0.0.1/open5gs"
for nf in ("mme", "smf", "pcrf"):
    c[nf]["freeDiameter"] = "%s/%s.conf" % (conf, nf)
plmn = {"mcc": "001", "mnc": "01"}                  # the lab's PLMN
for g in c["mme"]["gummei"]: g["plmn_id"] = dict(plmn)
for t in c["mme"]["tai"]: t["plmn_id"] = dict(plmn); t["tac"] = 1
c["mme"].pop("metrics", None)
yaml.safe_dump(c, open(dst, "w"), sort_keys=False, default_flow_style=False)
EOF

# ---- start: Open5GS (its MME first: the eNB's S1 SETUP needs it), then the testbed ---------------------------------
dumpcap -q -i lo -f "sctp or tcp port $HSS_DIA_PORT or tcp port 3868" -w "$OUT/pcap/s1ap.pcapng" > "$OUT/logs/dumpcap.log" 2>&1 &
DUMPCAP=$!
sleep 1
for nf in sgwc sgwu smf upf pcrf mme; do
  start "open5gs-${nf}d" "$OB/src/$nf/open5gs-${nf}d" -c "$OUT/conf/open5gs.yaml" -e info
  sleep 0.5
done
start testbed "$REPO/scripts/testbed.sh" --dir "$LAB" --external-mme 127.0.0.2:36412
wait_log "$OUT/logs/testbed.log" "Ctrl-C stops the testbed" 120 || { tail -30 "$OUT/logs/testbed.log"; die "the testbed did not come up (logs/testbed.log)"; }
wait_log "$OUT/logs/open5gs-mmed.log" "CONNECTED TO 'hss.simbind.lab'" 30 \
  || record setup FAIL "open5gs-mmed has no S6a connection to simbind-hss (logs/open5gs-mmed.log)"
. "$LAB/env.sh"
echo "testbed up; eNB set up with open5gs-mmed: $(grep -m1 'S1 SETUP accepted' "$LAB/logs/ue.log" | sed 's/^.*eNB/eNB/')"

hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
IMSI1=001010000009001; K1=$(hex 16); OPC1=$(hex 16)
IMSI2=001010000009002; K2=$(hex 16); OPC2=$(hex 16)
"$CLI" hss create --imsi $IMSI1 --k "$K1" --opc "$OPC1" > "$OUT/logs/admin.txt" 2>&1
"$CLI" hss create --imsi $IMSI2 --k "$K2" --opc "$OPC2" --binding required >> "$OUT/logs/admin.txt" 2>&1
# open5gs-pcrfd reads the subscriber's session (APN internet, IPv4v6) from MongoDB; the HSS is simbind-hss.
$PY - $IMSI1 $IMSI2 > "$OUT/logs/mongo.txt" 2>&1 <<'EOF' || record setup FAIL "cannot store the PCRF's subscribers in MongoDB"
import sys, pymongo
gbps = lambda: {"downlink": {"value": 1, "unit": 3}, "uplink": {"value": 1, "unit": 3}}
s = pymongo.MongoClient("mongodb://127.0.0.1:27017/", serverSelectionTimeoutMS=5000)["open5gs"]["subscribers"]
for imsi in sys.argv[1:]:
    s.delete_many({"imsi": imsi})
    s.insert_one({"imsi": imsi, "msisdn": [], "ambr": gbps(), "security": {"k": "", "opc": "", "amf": "8000"},
                  "slice": [{"sst": 1, "default_indicator": True, "session": [{"name": "internet", "type": 3,
                   "ambr": gbps(), "qos": {"index": 9, "arp": {"priority_level": 8, "pre_emption_vulnerability": 1,
                   "pre_emption_capability": 1}}}]}], "subscriber_status": 0, "network_access_mode": 0,
                  "access_restriction_data": 32, "operator_determined_barring": 0, "subscribed_rau_tau_timer": 12})
print("stored", sys.argv[1:])
EOF

attach() {  # attach IMEI: sets A (the JSON result)
  A=$("$CLI" ue attach --imei "$1" --timeout 40 --json 2>>"$OUT/logs/cli-errors.txt")
  echo "$A" >> "$OUT/logs/attaches.json"
}

# ---- unbound: attach with a bearer, detach ---------------------------------------------------------------------------
"$CLI" factory make --imei-start 35693803564901 --profiles "$OUT/conf/unbound.yaml" --register --json \
  > "$OUT/logs/factory-unbound.json" 2>&1
IMEI1=$(jget first_imei "$(cat "$OUT/logs/factory-unbound.json")")
printf '    pdn_type: ipv4v6\n    uicc: {imsi: "%s", k: %s, opc: %s}\n' $IMSI1 "$K1" "$OPC1" >> "$OUT/conf/unbound.yaml"
"$CLI" ue create --profiles "$OUT/conf/unbound.yaml" --json > "$OUT/logs/create-unbound.json" 2>&1
attach "$IMEI1"
det="success $(jget success "$A"), IP $(jget ip "$A"), APN $(jget apn "$A"), pre-processed $(jget pre_processed "$A")"
if [ "$(jget success "$A")" = true ] && [ -n "$(jget ip "$A")" ]; then record unbound-attach PASS "$det"
else record unbound-attach FAIL "$det; $(jget message "$A")"; fi
D=$("$CLI" ue detach --imei "$IMEI1" --json 2>&1)
if [ "$(jget success "$D")" = true ] && [ "$(jget local "$D")" != true ]; then record unbound-detach PASS "$(jget message "$D")"
else record unbound-detach FAIL "$D"; fi

# ---- scenario 1: factory KME, prov import and activation, pre-processed attach --------------------------------------
# The factory writes the device's profile (device key, factory KME); the operator's UICC goes in it.
"$CLI" factory make --imei-start 35693803564902 --profiles "$OUT/conf/bound.yaml" --with-kme \
  --kme-export "$OUT/conf/factory.kme.enc" --export-key-file "$SIMBIND_LAB_TRANSFER_KEY" --register --json \
  > "$OUT/logs/factory.json" 2>&1
BOUND=$(jget first_imei "$(cat "$OUT/logs/factory.json")")
printf '    pdn_type: ipv4v6\n    uicc: {imsi: "%s", k: %s, opc: %s}\n' $IMSI2 "$K2" "$OPC2" >> "$OUT/conf/bound.yaml"
"$CLI" ue create --profiles "$OUT/conf/bound.yaml" --json > "$OUT/logs/create-bound.json" 2>&1
"$CLI" prov import --file "$OUT/conf/factory.kme.enc" --json > "$OUT/logs/prov-import.json" 2>&1
ACT=$("$CLI" prov activate --imsi $IMSI2 --imei "$BOUND" --json 2>&1); echo "$ACT" > "$OUT/logs/prov-activate.json"
attach "$BOUND"
det="device $BOUND: activation Result-Code $(jget result_code "$ACT"); attach success $(jget success "$A"), pre-processed $(jget pre_processed "$A"), KME-Id $(jget kme_id "$A"), RAND on air ${A_RAND:=$(jget rand_on_air "$A")} vs used $(jget rand_used "$A" | cut -c1-12).., IP $(jget ip "$A")"
if [ "$(jget success "$A")" = true ] && [ "$(jget pre_processed "$A")" = true ] && \
   [ "$(jget rand_on_air "$A")" != "$(jget rand_used "$A")" ] && [ -n "$(jget ip "$A")" ]; then
  record scenario1-attach PASS "$det"
else record scenario1-attach FAIL "$det; $(jget message "$A")"; fi
"$CLI" ue detach --imei "$BOUND" --json > "$OUT/logs/detach-bound-1.json" 2>&1

# ---- the bound UICC in another (genuine) device: #20 at the UE, and what open5gs-mmed does next ----------------------
"$CLI" factory make --imei-start 35693803564903 --profiles "$OUT/conf/thief.yaml" --register --json > "$OUT/logs/factory-thief.json" 2>&1
THIEF=$(jget first_imei "$(cat "$OUT/logs/factory-thief.json")")
"$CLI" ue create --profiles "$OUT/conf/thief.yaml" --json > "$OUT/logs/create-thief.json" 2>&1
"$CLI" ue move-uicc --imsi $IMSI2 --to-imei "$THIEF" > "$OUT/logs/move.txt" 2>&1
attach "$THIEF"
sleep 1
mac=$(grep -c "MAC failure" "$LAB/logs/ue.log")
# What open5gs-mmed did after the UE's AUTHENTICATION FAILURE (#20), from the capture so far.
next=$(tshark -r "$OUT/pcap/s1ap.pcapng" -Y s1ap -T fields -e _ws.col.Info 2>/dev/null | sed 's/SACK ([^)]*) , //' |
       sed -n '/Authentication failure/,$p' | sed -n '2,3p' | tr '\n' ';' | sed 's/;$//')
mmed=$(sed 's/\x1b\[[0-9;]*m//g' "$OUT/logs/open5gs-mmed.log" | grep -E "Authentication failure" | tail -1 | sed 's/ (\.\.\/.*//')
det="attach success $(jget success "$A"), pre-processed $(jget pre_processed "$A"), RAND* passed to the UICC unchanged $([ "$(jget rand_on_air "$A")" = "$(jget rand_used "$A")" ] && echo yes || echo no); UE: $(jget message "$A"); MME next: ${next:-nothing}; open5gs-mmed log: ${mmed:-nothing}"
if [ "$(jget success "$A")" != true ] && [ "$mac" -ge 1 ] && [ "$(jget pre_processed "$A")" = true ]; then record moved-uicc PASS "$det"
else record moved-uicc FAIL "$det"; fi

# ---- back in its device: attach again, detach -------------------------------------------------------------------------
"$CLI" ue move-uicc --imsi $IMSI2 --to-imei "$BOUND" >> "$OUT/logs/move.txt" 2>&1
attach "$BOUND"
D=$("$CLI" ue detach --imei "$BOUND" --json 2>&1)
det="re-attach success $(jget success "$A"), pre-processed $(jget pre_processed "$A"); detach success $(jget success "$D"), local $(jget local "$D")"
if [ "$(jget success "$A")" = true ] && [ "$(jget success "$D")" = true ] && [ "$(jget local "$D")" != true ]; then
  record bound-detach PASS "$det"
else record bound-detach FAIL "$det; $(jget message "$A") $(jget message "$D")"; fi

# ---- the capture: every S1AP PDU through tshark's dissector ----------------------------------------------------------
sleep 1; kill -INT $DUMPCAP; wait $DUMPCAP 2>/dev/null
if "$REPO/tests/conformance/s1ap_capture_check.sh" "$OUT/pcap/s1ap.pcapng" > "$OUT/logs/s1ap-check.txt" 2>&1; then
  record s1ap-dissector PASS "$(grep -m1 'S1AP frames' "$OUT/logs/s1ap-check.txt"); $(tail -1 "$OUT/logs/s1ap-check.txt")"
else
  record s1ap-dissector FAIL "$(grep -m1 'FAIL' "$OUT/logs/s1ap-check.txt")"
fi
tshark -r "$OUT/pcap/s1ap.pcapng" -Y s1ap 2>/dev/null > "$OUT/logs/s1ap-ladder.txt"

O5V=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$OB/meson-info/intro-projectinfo.json" 2>/dev/null)
echo
echo "== Results ($(date -u '+%Y-%m-%d %H:%M UTC'); Open5GS ${O5V:-?}; simbind $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null))"
fails=0
for ((i=0; i<${#R_CASE[@]}; i++)); do
  printf '%-18s %-5s %s\n' "${R_CASE[$i]}" "${R_RES[$i]}" "${R_DET[$i]}"
  [ "${R_RES[$i]}" = PASS ] || fails=$((fails+1))
done
echo "S1AP ladder: $OUT/logs/s1ap-ladder.txt; logs and pcaps: $OUT"
[ $fails = 0 ] && exit 0 || exit 1
