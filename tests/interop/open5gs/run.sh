#!/usr/bin/env bash
# simbind against an unmodified Open5GS (v2.7.x) build tree, on loopback only.
#
#   tests/interop/open5gs/run.sh --open5gs DIR [--simbind-build DIR] [--fakemongo PATH] [--out DIR] [--only a|b]
#
#   --open5gs DIR        the Open5GS source tree with its build in DIR/build (open5gs-mmed, open5gs-hssd, the other
#                        EPC daemons, tests/attach/attach, the freeDiameter extensions; see docs/INTEROP.md)
#   --simbind-build DIR  simbind's CMake build directory (default: the checkout's build/)
#   --fakemongo PATH     a MongoDB wire-protocol stand-in started on 127.0.0.1:27017 (run with /usr/bin/python3);
#                        without it a MongoDB must already listen there (the script then writes and deletes the
#                        test subscriber 999707364000060 in its open5gs.subscribers)
#   --out DIR            logs, pcaps and generated configurations (default: a new temporary directory, printed)
#   --only a|b           direction A only (simbind-hss as the HSS of open5gs-mmed) or B only (simbind-mme and
#                        simbind-ue against open5gs-hssd)
#
# Needs root (the ogstun tun device and the 127.0.0.2/32 alias on lo, which usrsctp needs to bind S1AP), dumpcap
# and tshark, /usr/bin/python3 with PyYAML and pymongo (python3-yaml, python3-pymongo). Everything it starts is
# stopped, and the tun device and alias removed, on exit, on failure and on Ctrl-C. No traffic leaves loopback.
# Open5GS is AGPL: nothing of it is copied here. The configurations are generated into --out; the attach tests'
# YAML is a copy of the user's DIR/build/configs/attach.yaml, edited in --out.
# Exit status: 0 when every case passed, 1 when a case failed, 2 for a usage or environment error.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)

O5=""; SB="$REPO/build"; FAKEMONGO=""; OUT=""; ONLY=""
usage() { sed -n '2,/^set -u/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --open5gs) O5=${2:?}; shift 2 ;;
    --simbind-build) SB=${2:?}; shift 2 ;;
    --fakemongo) FAKEMONGO=${2:?}; shift 2 ;;
    --out) OUT=${2:?}; shift 2 ;;
    --only) ONLY=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (--help)" >&2; exit 2 ;;
  esac
done
die() { echo "run.sh: $*" >&2; exit 2; }
[ -n "$O5" ] || die "--open5gs DIR is required"
case "$ONLY" in ""|a|b) ;; *) die "--only takes a or b";; esac
[ "$(id -u)" = 0 ] || die "needs root (tun device, loopback alias)"
O5=$(cd "$O5" && pwd) || die "no directory $O5"
SB=$(cd "$SB" && pwd) || die "no directory $SB"
OB="$O5/build"
for f in src/mme/open5gs-mmed src/hss/open5gs-hssd tests/attach/attach configs/attach.yaml \
         subprojects/freeDiameter/extensions/dict_dcca_3gpp/dict_dcca_3gpp.fdx; do
  [ -e "$OB/$f" ] || die "missing $OB/$f (build Open5GS first: docs/INTEROP.md)"
done
HSS_BIN="$SB/services/hss/simbind-hss"; MME_BIN="$SB/services/mme/simbind-mme"
UE_BIN="$SB/services/ue/simbind-ue"; CLI="$SB/services/cli/simbind"
for f in "$HSS_BIN" "$MME_BIN" "$UE_BIN" "$CLI"; do [ -x "$f" ] || die "missing $f (build simbind)"; done
command -v dumpcap >/dev/null || die "dumpcap not found (wireshark-common)"
command -v tshark >/dev/null || die "tshark not found"
PY=/usr/bin/python3
$PY -c 'import yaml, pymongo' 2>/dev/null || die "$PY needs PyYAML and pymongo (python3-yaml python3-pymongo)"
if [ -n "$FAKEMONGO" ]; then [ -r "$FAKEMONGO" ] || die "no file $FAKEMONGO"; fi
if [ -z "$OUT" ]; then OUT=$(mktemp -d /tmp/simbind-open5gs.XXXXXX); else mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd); fi
mkdir -p "$OUT/conf" "$OUT/logs" "$OUT/pcap" "$OUT/state"
echo "output (logs, pcaps, generated configs): $OUT"

# ---- the test subscriber of Open5GS' attach tests (tests/common) ----------------------------------------------
IMSI=999707364000060
K=465b5ce8b199b49faa5f0a2ee238a6bc
OPC=e8ed289deba952e4283b54e88e6183ca
AMF=8000
MCC=999; MNC=70

# ---- addresses and ports (all loopback) -----------------------------------------------------------------------
HSS_DIA_PORT=13868          # simbind-hss Diameter (direction A)
HSS_ADMIN=127.0.0.1:19080   # simbind-hss admin API
O5_MME_DIA=3871; O5_HSS_DIA=3872; O5_SMF_DIA=3873; O5_PCRF_DIA=3874   # Open5GS freeDiameter ports
MME1_DIA=13869; MME2_DIA=13870   # simbind-mme Diameter
MME1_NAS=13641; MME2_NAS=13642   # simbind-mme NAS over TCP
UE1_CTL=127.0.0.1:19191; UE2_CTL=127.0.0.1:19192

# ---- process and environment bookkeeping, teardown -----------------------------------------------------------
PGIDS=()          # process groups we started (setsid)
ADDED_ALIAS=0; ADDED_TUN=0
stop_group() {    # stop_group PGID: TERM, then KILL what is left
  local g=$1 i
  kill -TERM -- "-$g" 2>/dev/null || return 0
  for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 -- "-$g" 2>/dev/null || return 0; sleep 0.3; done
  kill -KILL -- "-$g" 2>/dev/null || true
}
forget_group() { local g=$1 n=() x; for x in "${PGIDS[@]}"; do [ "$x" = "$g" ] || n+=("$x"); done; PGIDS=("${n[@]}"); }
stop_and_forget() { [ -n "${1:-}" ] || return 0; stop_group "$1"; forget_group "$1"; }
cleanup() {
  local rc=$? g
  trap - EXIT INT TERM
  for ((i=${#PGIDS[@]}-1; i>=0; i--)); do stop_group "${PGIDS[$i]}"; done
  PGIDS=()
  if [ "$ADDED_TUN" = 1 ]; then ip link del ogstun 2>/dev/null || true; fi
  if [ "$ADDED_ALIAS" = 1 ]; then ip addr del 127.0.0.2/32 dev lo 2>/dev/null || true; fi
  return $rc
}
exec 9>&2         # the caller's stderr, for the interrupt message (a trap may run inside a redirected block)
trap cleanup EXIT
trap 'echo "run.sh: interrupted, tearing down" >&9; exit 130' INT TERM

# start NAME CMD...: run CMD in its own session (process group), output to logs/NAME.log; sets LAST_PGID
start() {
  local name=$1; shift
  setsid "$@" >"$OUT/logs/$name.log" 2>&1 < /dev/null &
  LAST_PGID=$!
  PGIDS+=("$LAST_PGID")
}
# wait_log FILE REGEX SECONDS
wait_log() {
  local f=$1 re=$2 t=$(( $3 * 5 )) i
  for ((i=0; i<t; i++)); do grep -qE "$re" "$f" 2>/dev/null && return 0; sleep 0.2; done
  return 1
}
# capture NAME FILTER [more dumpcap args]: dumpcap on lo into pcap/NAME.pcapng; sets CAP_PGID
capture() {
  local name=$1 filter=$2; shift 2
  start "dumpcap-$name" dumpcap -q -i lo -f "$filter" "$@" -w "$OUT/pcap/$name.pcapng"
  CAP_PGID=$LAST_PGID
  wait_log "$OUT/logs/dumpcap-$name.log" "Capturing on|File:" 5 || sleep 1
  sleep 0.5
}
end_capture() { sleep 0.5; stop_and_forget "$CAP_PGID"; }

# ---- results --------------------------------------------------------------------------------------------------
R_DIR=(); R_CASE=(); R_RES=(); R_DET=()
record() { R_DIR+=("$1"); R_CASE+=("$2"); R_RES+=("$3"); R_DET+=("$4"); echo "  -> $1 $2: $3 - $4"; }

gen_key() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }
hex16() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }

# ---- shared environment: MongoDB (or the stand-in) -----------------------------------------------------------
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
start_mongo() {
  if [ -n "$FAKEMONGO" ]; then
    port_open 127.0.0.1 27017 && die "127.0.0.1:27017 is already in use; stop it or leave out --fakemongo"
    start fakemongo $PY "$FAKEMONGO" 127.0.0.1 27017
    MONGO_PGID=$LAST_PGID
    local i; for i in $(seq 50); do port_open 127.0.0.1 27017 && return 0; sleep 0.2; done
    die "fakemongo did not listen on 127.0.0.1:27017 (logs/fakemongo.log)"
  else
    port_open 127.0.0.1 27017 || die "no MongoDB on 127.0.0.1:27017: give --fakemongo PATH"
    MONGO_PGID=""
  fi
}

# ---- freeDiameter .conf for an Open5GS daemon (generated; TCP, no TLS, no SCTP) -------------------------------
# fd_conf FILE IDENTITY REALM LISTEN PORT "PEER ADDR PORT" ...
fd_conf() {
  local file=$1 id=$2 realm=$3 listen=$4 port=$5 p; shift 5
  local ext="$OB/subprojects/freeDiameter/extensions"
  {
    echo "# generated by simbind tests/interop/open5gs/run.sh"
    echo "Identity = \"$id\";"
    echo "Realm = \"$realm\";"
    echo "ListenOn = \"$listen\";"
    echo "Port = $port;"
    echo "SecPort = 0;"
    echo "No_SCTP;"
    echo "NoRelay;"
    echo "LoadExtension = \"$ext/dbg_msg_dumps.fdx\" : \"0x8888\";"
    for x in dict_rfc5777 dict_mip6i dict_nasreq dict_nas_mipv6 dict_dcca; do
      echo "LoadExtension = \"$ext/$x.fdx\";"
    done
    echo "LoadExtension = \"$ext/dict_dcca_3gpp/dict_dcca_3gpp.fdx\";"
    for p in "$@"; do
      set -- $p
      echo "ConnectPeer = \"$1\" { ConnectTo = \"$2\"; Port = $3; No_TLS; No_SCTP; };"
    done
  } > "$file"
}

# ---- simbind daemon configurations ----------------------------------------------------------------------------
# mme_conf FILE IDENTITY DIA_PORT NAS_PORT HSS_IDENTITY HSS_ADDR HSS_PORT
mme_conf() {
  cat > "$1" <<EOF
# generated by simbind tests/interop/open5gs/run.sh
log_level: info
diameter:
  identity: $2
  realm: simbind.lab
  port: $3
  listen: 127.0.0.1
  tc_timer: 3
  peers:
    - identity: $5
      address: $6
      port: $7
hss:
  realm: simbind.lab
  timeout_ms: 5000
  ulr_timeout_ms: 10000
network:
  mcc: "$MCC"
  mnc: "$MNC"
  tac: 1
  mme_group_id: 1
  mme_code: 1
nas:
  listen: 127.0.0.1
  port: $4
EOF
}
# ue_conf DIR NAS_PORT CONTROL IMEI
ue_conf() {
  od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$1/ue-storage.key"; chmod 600 "$1/ue-storage.key"
  cat > "$1/ue.yaml" <<EOF
# generated by simbind tests/interop/open5gs/run.sh
log_level: info
mme:
  address: 127.0.0.1
  port: $2
  reconnect_ms: 500
network:
  plmn: "$MCC$MNC"
store:
  directory: $1/ue-devices
  storage_key_file: $1/ue-storage.key
control:
  listen: $3
timers:
  t3410_ms: 15000
  max_attach_attempts: 1
EOF
  cat > "$1/ue-profiles.yaml" <<EOF
ues:
  - imei: "$4"
    software_version: "01"
    pdn_type: ipv4v6
    uicc:
      imsi: "$IMSI"
      k: $K
      opc: $OPC
      mnc_length: 2
EOF
}
# start_ue NAME DIR CONTROL: start simbind-ue, create its UE; sets UE_PGID
start_ue() {
  start "$1" "$UE_BIN" --config "$2/ue.yaml"; UE_PGID=$LAST_PGID
  wait_log "$OUT/logs/$1.log" "simbind-ue ready" 15 || { echo "  $1 did not start (logs/$1.log)"; return 1; }
  "$CLI" ue create --ue "$3" --profiles "$2/ue-profiles.yaml" > "$OUT/logs/$1-create.txt" 2>&1
}

######################################################################################################################
# Direction A: simbind-hss as the HSS of an unmodified open5gs-mmed, driven by Open5GS' attach test program
######################################################################################################################
direction_a() {
  echo "== Direction A: Open5GS attach tests (open5gs-mmed and the other Open5GS daemons) with simbind-hss as HSS"
  local d="$OUT/state/a"; mkdir -p "$d"
  # simbind-hss
  gen_key > "$d/master.key"; chmod 600 "$d/master.key"
  cat > "$OUT/conf/simbind-hss.yaml" <<EOF
# generated by simbind tests/interop/open5gs/run.sh
log_level: info
diameter:
  identity: hss.simbind.lab
  realm: simbind.lab
  port: $HSS_DIA_PORT
  listen: 127.0.0.1
  peers:
    - identity: mme.localdomain      # open5gs-mmed
    - identity: mme2.simbind.lab     # simbind-mme, for the CLR case
store:
  path: $d/hss.db
  master_key_file: $d/master.key
binding:
  non_binding_mme: pre-processed
admin:
  listen: $HSS_ADMIN
EOF
  # freeDiameter .conf files of the Open5GS daemons (the MME's realm is simbind-hss's: Open5GS routes by realm)
  fd_conf "$OUT/conf/mme.conf" mme.localdomain simbind.lab 127.0.0.2 $O5_MME_DIA "hss.simbind.lab 127.0.0.1 $HSS_DIA_PORT"
  fd_conf "$OUT/conf/smf.conf" smf.localdomain localdomain 127.0.0.4 $O5_SMF_DIA "pcrf.localdomain 127.0.0.9 $O5_PCRF_DIA"
  fd_conf "$OUT/conf/pcrf.conf" pcrf.localdomain localdomain 127.0.0.9 $O5_PCRF_DIA "smf.localdomain 127.0.0.4 $O5_SMF_DIA"
  # the attach tests' YAML: a copy of the user's build/configs/attach.yaml, edited
  local y
  for y in attach attach-own-mme; do
    $PY - "$OB/configs/attach.yaml" "$OUT/conf/$y.yaml" "$OUT/conf" "$y" <<'EOF' || die "cannot derive $y.yaml"
import sys, yaml
src, dst, conf, kind = sys.argv[1:5]
c = yaml.safe_load(open(src))
c["db_uri"] = "mongodb://127.0.0.1/open5gs"
p = c.setdefault("global", {}).setdefault("parameter", {}) or {}
c["global"]["parameter"] = p
p["no_hss"] = True                   # simbind-hss is the HSS
if kind == "attach-own-mme":
    p["no_mme"] = True               # open5gs-mmed started by run.sh, so it outlives the test
for nf in ("mme", "smf", "pcrf"):
    c[nf]["freeDiameter"] = "%s/%s.conf" % (conf, nf)   # a scalar: a freeDiameter .conf path
yaml.safe_dump(c, open(dst, "w"), sort_keys=False, default_flow_style=False)
EOF
  done

  "$HSS_BIN" --config "$OUT/conf/simbind-hss.yaml" --print-config > "$OUT/logs/simbind-hss.print-config.txt" 2>&1 \
    || die "simbind-hss refused its configuration (logs/simbind-hss.print-config.txt)"
  start simbind-hss "$HSS_BIN" --config "$OUT/conf/simbind-hss.yaml"; HSS_PGID=$LAST_PGID
  local i ok=0
  for i in $(seq 50); do "$CLI" hss list --hss $HSS_ADMIN >/dev/null 2>&1 && { ok=1; break; }; sleep 0.2; done
  [ $ok = 1 ] || { record A setup FAIL "simbind-hss did not start (logs/simbind-hss.log)"; return; }

  APN_OPT=()
  if "$CLI" hss create --help 2>&1 | grep -q -- '--apn-config'; then
    APN_OPT=(--apn-config 'internet,pdn=ipv4v6')
    echo "  simbind hss create has --apn-config: default APN internet, PDN type IPv4v6"
  else
    echo "  simbind hss create has no --apn-config: the HSS's default APN (simple-test's IPv6 step needs IPv4v6)"
  fi
  create_sub() {
    "$CLI" hss delete --hss $HSS_ADMIN --imsi $IMSI >/dev/null 2>&1
    "$CLI" hss create --hss $HSS_ADMIN --imsi $IMSI --k $K --opc $OPC --amf $AMF "${APN_OPT[@]}" "$@" \
      >> "$OUT/logs/simbind-hss-admin.txt" 2>&1
  }
  create_sub || { record A setup FAIL "simbind hss create failed (logs/simbind-hss-admin.txt)"; return; }

  local t
  for t in simple-test auth-test emm-status-test guti-test ue-context-test idle-test; do
    attach_case "$t" "$OUT/conf/attach.yaml" 150
    if [ "$ATT_RC" = 0 ] && grep -q "All tests passed" "$ATT_LOG"; then
      record A "$t" PASS "$(attach_summary "$ATT_LOG")"
    else
      record A "$t" FAIL "$(attach_summary "$ATT_LOG")"
    fi
  done

  clr_case_a
  bound_case_a
  stop_and_forget "$HSS_PGID"
}

# attach_case TEST YAML TIMEOUT: run Open5GS' attach test program in its own session; sets ATT_RC, ATT_LOG
attach_case() {
  local t=$1 yaml=$2 to=$3 tag=${4:-$1}
  echo "  running $tag"
  capture "A-$tag" "sctp or tcp port $HSS_DIA_PORT or tcp portrange 3871-3874 or udp port 2152 or tcp port $MME2_DIA or tcp port $MME2_NAS" -i ogstun
  ATT_LOG="$OUT/logs/A-$tag.log"
  ( cd "$OB" && exec setsid timeout -k 5 "$to" ./tests/attach/attach -c "$yaml" -e info "$t" ) > "$ATT_LOG" 2>&1 < /dev/null &
  local p=$!
  PGIDS+=("$p")
  { wait "$p"; ATT_RC=$?; } 2>/dev/null   # (no job notice when the test program aborts)
  stop_and_forget "$p"            # the daemons it spawned, if the test left them
  sed -e 's/\x1b\[[0-9;]*m//g' "$ATT_LOG" > "${ATT_LOG%.log}.clean.log"
  ATT_LOG="${ATT_LOG%.log}.clean.log"
  end_capture
  sleep 1
}
attach_summary() {
  local f=$1 s drops
  drops=$(grep -c "DROPPED" "$f")
  if grep -q "All tests passed" "$f"; then s="All tests passed"
  else
    s=$(grep -m1 -E "Assertion|FAIL|Test Failed|failed" "$f" | sed 's/^ *//' | cut -c1-110)
    [ "$ATT_RC" = 124 ] && s="timeout; $s"
    [ -n "$s" ] || s="exit $ATT_RC"
  fi
  echo "$s; DROPPED lines: $drops"
}

# CLR simbind-hss -> open5gs-mmed: open5gs-mmed (started here, so it outlives the test) attaches and detaches the
# test UE in simple-test; then simbind-mme (mme2.simbind.lab) sends a ULR for the same IMSI, so simbind-hss sends
# a CLR to mme.localdomain. Its CLA must be accepted.
clr_case_a() {
  echo "  running CLR simbind-hss -> open5gs-mmed"
  local d="$OUT/state/a-clr"; mkdir -p "$d"
  create_sub
  start open5gs-mmed "$OB/src/mme/open5gs-mmed" -c "$OUT/conf/attach-own-mme.yaml" -e info
  local mmed=$LAST_PGID
  if ! wait_log "$OUT/logs/open5gs-mmed.log" "CONNECTED TO 'hss.simbind.lab'" 20; then
    record A clr-to-open5gs-mmed FAIL "open5gs-mmed did not connect to simbind-hss (logs/open5gs-mmed.log)"
    stop_and_forget "$mmed"; return
  fi
  attach_case simple-test "$OUT/conf/attach-own-mme.yaml" 150 clr-simple-test
  local pre="simple-test via own open5gs-mmed: rc $ATT_RC"
  capture "A-clr" "tcp port $HSS_DIA_PORT or tcp port $MME2_DIA or tcp port $MME2_NAS"
  mme_conf "$OUT/conf/simbind-mme-a.yaml" mme2.simbind.lab $MME2_DIA $MME2_NAS hss.simbind.lab 127.0.0.1 $HSS_DIA_PORT
  start simbind-mme-a "$MME_BIN" --config "$OUT/conf/simbind-mme-a.yaml"; local mme=$LAST_PGID
  wait_log "$OUT/logs/simbind-mme-a.log" "simbind-mme ready" 15
  sleep 2
  ue_conf "$d" $MME2_NAS $UE2_CTL 35693803564382
  local attach_out="" ue=""
  if start_ue simbind-ue-a "$d" $UE2_CTL; then
    ue=$UE_PGID
    "$CLI" ue attach --ue $UE2_CTL --imei 35693803564382 --timeout 40 > "$OUT/logs/A-clr-ue-attach.txt" 2>&1
    attach_out="simbind-ue attach via simbind-mme: exit $?"
    sleep 2
  fi
  end_capture
  local hl="$OUT/logs/simbind-hss.log" ml="$OUT/logs/open5gs-mmed.log"
  local clr refused drops
  clr=$(grep -E "CLR $IMSI to mme.localdomain" "$hl" | tail -1 | sed 's/^.*CLR /CLR /')
  refused=$(grep -c "refused" "$hl")
  drops=$(grep -cE "DROPPED|Conflicting rule|PARSING ERROR" "$ml")
  local cla_rc
  cla_rc=$(tshark -r "$OUT/pcap/A-clr.pcapng" -d tcp.port==$HSS_DIA_PORT,diameter \
      -Y "diameter.cmd.code == 317 && diameter.flags.request == 0" -T fields \
      -e diameter.Result-Code -e diameter.Experimental-Result-Code 2>/dev/null | head -1 | tr '\t' ' ')
  local det="$pre; $attach_out; hss: '${clr:-no CLR logged}'; CLA in pcap: ${cla_rc:-none}; 'refused' in hss log: $refused; mmed DROPPED/rule errors: $drops"
  if [ -n "$clr" ] && echo "$clr" | grep -q "answered" && [ "$refused" = 0 ] && [ "$drops" = 0 ] && [ -n "$cla_rc" ]; then
    record A clr-to-open5gs-mmed PASS "$det"
  else
    record A clr-to-open5gs-mmed FAIL "$det"
  fi
  stop_and_forget "$ue"; stop_and_forget "$mme"; stop_and_forget "$mmed"
  sleep 1
}

# Scenario 1 through a standard MME: a bound subscription (binding required, KME set). The AIA carries RAND* and
# an AUTN with the binding bit; open5gs-mmed must pass them to the test UE untouched; the test UE has no KME, so
# the attach fails at authentication.
bound_case_a() {
  local kme kme_id=1
  kme=$(hex16)
  create_sub --binding required || { record A bound-simple-test FAIL "create --binding required failed"; return; }
  "$CLI" hss set-kme --hss $HSS_ADMIN --imsi $IMSI --kme "$kme" --kme-id $kme_id >> "$OUT/logs/simbind-hss-admin.txt" 2>&1 \
    || { record A bound-simple-test FAIL "set-kme failed (logs/simbind-hss-admin.txt)"; return; }
  attach_case simple-test "$OUT/conf/attach.yaml" 60 bound-simple-test
  local pc="$OUT/pcap/A-bound-simple-test.pcapng"
  local aia nas
  aia=$(tshark -r "$pc" -d tcp.port==$HSS_DIA_PORT,diameter -Y "diameter.cmd.code == 318 && diameter.flags.request == 0" \
        -T fields -e diameter.RAND -e diameter.AUTN 2>/dev/null | tr -d ':' | head -1)
  nas=$(tshark -r "$pc" -Y "nas_eps.nas_msg_emm_type == 0x52" -T fields -e gsm_a.dtap.rand -e gsm_a.dtap.autn \
        -e gsm_a.dtap.autn.amf 2>/dev/null | tr -d ':' | head -1)
  local a_rand a_autn n_rand n_autn n_amf
  read -r a_rand a_autn <<< "$aia"
  read -r n_rand n_autn n_amf <<< "$nas"
  # the AMF is octets 7-8 of AUTN (SQN^AK 6, AMF 2, MAC 8)
  local a_amf=${a_autn:12:4}
  local passed=0; grep -q "All tests passed" "$ATT_LOG" && passed=1
  local rej; rej=$(tshark -r "$pc" -Y "nas_eps.nas_msg_emm_type == 0x54" 2>/dev/null | wc -l)
  local pp; pp=$(grep -c "AIR $IMSI from mme.localdomain: .*pre-processed" "$OUT/logs/simbind-hss.log")
  local det="hss: $pp pre-processed AIA; AIA RAND ${a_rand:0:12}.. AMF ${a_amf:-?}; NAS Auth Req RAND ${n_rand:0:12}.. AMF ${n_amf:-?}; Auth Reject msgs: $rej; test rc $ATT_RC"
  if [ -n "$a_rand" ] && [ "$a_rand" = "$n_rand" ] && [ "$a_autn" = "$n_autn" ] && \
     [ $(( 0x${a_amf:-0} & 0x0080 )) != 0 ] && [ $passed = 0 ] && [ "$pp" -ge 1 ] && [ "$rej" -ge 1 ]; then
    record A bound-simple-test PASS "RAND*/AUTN untouched, binding bit set, attach failed at auth as expected: $det"
  else
    record A bound-simple-test FAIL "$det"
  fi
}

######################################################################################################################
# Direction B: simbind-mme + simbind-ue against an unmodified open5gs-hssd
######################################################################################################################
direction_b() {
  echo "== Direction B: simbind-mme and simbind-ue against open5gs-hssd"
  local d="$OUT/state/b"; mkdir -p "$d/ue1" "$d/ue2"
  # the subscriber, in Open5GS' document format
  $PY - "$IMSI" "$K" "$OPC" "$AMF" > "$OUT/logs/B-subscriber.txt" 2>&1 <<'EOF' || { record B setup FAIL "cannot store the subscriber in MongoDB (logs/B-subscriber.txt)"; return; }
import sys, pymongo
from bson.int64 import Int64
imsi, k, opc, amf = sys.argv[1:5]
gbps = lambda: {"downlink": {"value": 1, "unit": 3}, "uplink": {"value": 1, "unit": 3}}
doc = {
    "imsi": imsi,
    "msisdn": [],
    "ambr": gbps(),
    "slice": [{"sst": 1, "default_indicator": True, "session": [{
        "name": "internet", "type": 3,            # 3 = IPv4v6
        "ambr": gbps(),
        "qos": {"index": 9, "arp": {"priority_level": 8, "pre_emption_vulnerability": 1, "pre_emption_capability": 1}},
    }]}],
    "security": {"k": k, "opc": opc, "amf": amf, "sqn": Int64(64)},
    "subscribed_rau_tau_timer": 12,
    "network_access_mode": 0,
    "subscriber_status": 0,
    "operator_determined_barring": 0,
    "access_restriction_data": 32,
}
c = pymongo.MongoClient("mongodb://127.0.0.1:27017/", serverSelectionTimeoutMS=5000)
s = c["open5gs"]["subscribers"]
s.delete_many({"imsi": imsi})
s.insert_one(doc)
print("stored", imsi, len(list(s.find({"imsi": imsi}))))   # find, not count: enough for the stand-in too
EOF
  fd_conf "$OUT/conf/hss.conf" hss.simbind.lab simbind.lab 127.0.0.8 $O5_HSS_DIA \
    "mme1.simbind.lab 127.0.0.1 $MME1_DIA" "mme2.simbind.lab 127.0.0.1 $MME2_DIA"
  cat > "$OUT/conf/open5gs-hssd.yaml" <<EOF
# generated by simbind tests/interop/open5gs/run.sh
db_uri: mongodb://127.0.0.1/open5gs
logger:
  file:
    path: $OUT/logs/open5gs-hssd.file.log
global:
  max:
    ue: 64
hss:
  freeDiameter: $OUT/conf/hss.conf
EOF
  mme_conf "$OUT/conf/simbind-mme1.yaml" mme1.simbind.lab $MME1_DIA $MME1_NAS hss.simbind.lab 127.0.0.8 $O5_HSS_DIA
  mme_conf "$OUT/conf/simbind-mme2.yaml" mme2.simbind.lab $MME2_DIA $MME2_NAS hss.simbind.lab 127.0.0.8 $O5_HSS_DIA
  ue_conf "$d/ue1" $MME1_NAS $UE1_CTL 35693803564380
  ue_conf "$d/ue2" $MME2_NAS $UE2_CTL 35693803564381

  capture B "tcp port $O5_HSS_DIA or tcp port $MME1_DIA or tcp port $MME2_DIA or tcp port $MME1_NAS or tcp port $MME2_NAS"
  start open5gs-hssd "$OB/src/hss/open5gs-hssd" -c "$OUT/conf/open5gs-hssd.yaml" -e info; local hssd=$LAST_PGID
  sleep 2
  start simbind-mme1 "$MME_BIN" --config "$OUT/conf/simbind-mme1.yaml"; local mme1=$LAST_PGID
  local hl="$OUT/logs/open5gs-hssd.log"
  if ! wait_log "$hl" "CONNECTED TO 'mme1.simbind.lab'" 20; then
    record B setup FAIL "open5gs-hssd and simbind-mme1 did not connect (logs/open5gs-hssd.log, logs/simbind-mme1.log)"
    end_capture; stop_and_forget "$mme1"; stop_and_forget "$hssd"; return
  fi
  local ue1="" ue2="" mme2="" out rc
  if start_ue simbind-ue1 "$d/ue1" $UE1_CTL; then
    ue1=$UE_PGID
    ue_step B attach $UE1_CTL 35693803564380 attach
    ue_step B detach $UE1_CTL 35693803564380 detach
    sleep 1
    ue_step B re-attach $UE1_CTL 35693803564380 attach
  else
    record B attach FAIL "simbind-ue1 did not start (logs/simbind-ue1.log)"
  fi
  # CLR open5gs-hssd -> simbind-mme1: the same IMSI attaches through another MME identity
  start simbind-mme2 "$MME_BIN" --config "$OUT/conf/simbind-mme2.yaml"; mme2=$LAST_PGID
  wait_log "$hl" "CONNECTED TO 'mme2.simbind.lab'" 20
  local a2="UE2 not started"
  if start_ue simbind-ue2 "$d/ue2" $UE2_CTL; then
    ue2=$UE_PGID
    "$CLI" ue attach --ue $UE2_CTL --imei 35693803564381 --timeout 40 > "$OUT/logs/B-ue2-attach.txt" 2>&1
    a2="UE2 attach via mme2: exit $?"
    sleep 3
  fi
  end_capture
  local sent drops cla
  sent=$(grep -c "Sending Cancel Location to previous MME" "$hl")
  drops=$(grep -cE "DROPPED|Conflicting rule|PARSING ERROR|DIAMETER_MISSING_AVP" "$hl")
  cla=$(tshark -r "$OUT/pcap/B.pcapng" -d tcp.port==$O5_HSS_DIA,diameter -d tcp.port==$MME1_DIA,diameter \
        -Y "diameter.cmd.code == 317 && diameter.flags.request == 0" -T fields -e diameter.Origin-Host \
        -e diameter.Result-Code -e diameter.Experimental-Result-Code 2>/dev/null | head -1 | tr '\t' ' ')
  local mlog; mlog=$(grep -iE "CLR|cancel" "$OUT/logs/simbind-mme1.log" | tail -1 | sed 's/^.*simbind-mme: //' | cut -c1-90)
  local det="$a2; hssd 'Sending Cancel Location' x$sent; CLA in pcap: ${cla:-none}; hssd DROPPED/rule errors: $drops; mme1: ${mlog:-no CLR line}"
  if [ "$sent" -ge 1 ] && [ "$drops" = 0 ] && echo "$cla" | grep -q "mme1.simbind.lab 2001"; then
    record B clr-from-open5gs-hssd PASS "$det"
  else
    record B clr-from-open5gs-hssd FAIL "$det"
  fi
  stop_and_forget "$ue2"; stop_and_forget "$mme2"; stop_and_forget "$ue1"; stop_and_forget "$mme1"; stop_and_forget "$hssd"
}
# ue_step DIR CASE CONTROL IMEI attach|detach
ue_step() {
  local f="$OUT/logs/$1-$2.txt" rc
  "$CLI" ue "$5" --ue "$3" --imei "$4" --timeout 40 > "$f" 2>&1; rc=$?
  local s; s=$(sed -n 's/^message  *//p' "$f" | head -1)
  [ -n "$s" ] || s=$(grep -vE '^\s*$' "$f" | tr -s ' ' | tr '\n' ';' | cut -c1-150)
  if [ $rc = 0 ]; then record "$1" "$2" PASS "$s"; else record "$1" "$2" FAIL "exit $rc: $s"; fi
}

######################################################################################################################
start_mongo
if ! ip -o addr show dev lo | grep -q ' 127.0.0.2/32'; then ip addr add 127.0.0.2/32 dev lo && ADDED_ALIAS=1; fi
if [ "$ONLY" != b ]; then
  if ! ip link show ogstun >/dev/null 2>&1; then
    ip tuntap add name ogstun mode tun && ADDED_TUN=1
    ip addr add 10.45.0.1/16 dev ogstun; ip addr add 2001:db8:cafe::1/48 dev ogstun; ip link set ogstun up
  fi
  direction_a
fi
[ "$ONLY" != a ] && direction_b

O5V=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$OB/meson-info/intro-projectinfo.json" 2>/dev/null)
echo
echo "== Results ($(date -u '+%Y-%m-%d %H:%M UTC'); Open5GS ${O5V:-?} in $O5; simbind $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null), binaries $SB)"
printf '%-4s %-22s %-5s %s\n' DIR CASE RESULT DETAIL
fails=0
for ((i=0; i<${#R_DIR[@]}; i++)); do
  printf '%-4s %-22s %-5s %s\n' "${R_DIR[$i]}" "${R_CASE[$i]}" "${R_RES[$i]}" "${R_DET[$i]}"
  [ "${R_RES[$i]}" = PASS ] || fails=$((fails+1))
done
[ ${#R_DIR[@]} -gt 0 ] || fails=1
echo "logs and pcaps: $OUT"
[ $fails = 0 ] && exit 0 || exit 1
