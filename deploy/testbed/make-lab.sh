#!/usr/bin/env bash
# Everything a simbind testbed needs, in one directory:
#
#   make-lab.sh OUT_DIR
#
#   OUT_DIR/certs/    a lab CA (deploy/certs/lab-ca.sh) and certificates: the Diameter nodes hss/mme/prov.simbind.lab
#                     (prov's is also its "operator" client certificate for keydir), keydir.simbind.lab (server),
#                     ue.simbind.lab (UE control API), factory.simbind.lab (OU manufacturer: registers devices),
#                     operator.simbind.lab (OU operator: looks keys up), admin (OU admin: the admin/control APIs)
#   OUT_DIR/keys/     per-testbed keys, mode 0600, never printed: hss-master.key, prov-master.key, kek.key (shared by
#                     the HSS and prov), transfer.key (factory exports -> prov), ue-storage.key
#   OUT_DIR/config/   keydir.yaml prov.yaml hss.yaml mme.yaml ue.yaml: Diameter over TLS between all nodes, keydir
#                     mTLS, over-the-air KME establishment on, prov's back office on
#   OUT_DIR/data/     the daemons' stores (SQLite databases, the UE device store; SIMBIND_LAB_DATA_DIR elsewhere)
#   OUT_DIR/env.sh    `. OUT_DIR/env.sh` points the simbind CLI at this testbed (SIMBIND_HSS, SIMBIND_UE, ...)
#
# Idempotent: an existing OUT_DIR keeps its CA, certificates and keys (a certificate is issued again only when its
# host names changed); the configurations and env.sh are written again. So a docker volume survives down/up.
#
# Environment (defaults: one host, 127.0.0.1, the fixed lab ports):
#   SIMBIND_LAB_LISTEN            address every daemon listens on (127.0.0.1; 0.0.0.0 in containers)
#   SIMBIND_LAB_{KEYDIR,PROV,HSS,MME,UE}_HOST   how the others reach each daemon (127.0.0.1; e.g. keydir, prov ...)
#   SIMBIND_LAB_KEYDIR_PORT (9443)  SIMBIND_LAB_HSS_DIAMETER_PORT (3868)  SIMBIND_LAB_MME_DIAMETER_PORT (3869)
#   SIMBIND_LAB_PROV_DIAMETER_PORT (3870)  SIMBIND_LAB_HSS_ADMIN_PORT (9080)  SIMBIND_LAB_PROV_ADMIN_PORT (9081)
#   SIMBIND_LAB_UE_CONTROL_PORT (9090)  SIMBIND_LAB_NAS_PORT (36412)
#   SIMBIND_LAB_{HSS,MME,PROV,KEYDIR,UE,CONSOLE}_METRICS_PORT (9100 9101 9102 9103 9104 9105)
#   SIMBIND_LAB_CONSOLE_PORT (8088)  simbind-console's web page; SIMBIND_LAB_CONSOLE_HOST its host name (127.0.0.1)
#   SIMBIND_LAB_ROOT              the path under which the daemons see OUT_DIR (default: OUT_DIR made absolute)
#   SIMBIND_LAB_DATA_DIR          where each daemon keeps its store (default: ROOT/data; in containers, a volume per
#                                 daemon mounted at the same path)
#   SIMBIND_LAB_LOG_LEVEL         every daemon's log_level (info)
#   SIMBIND_LAB_HSS_EXTRA_PEERS   more Diameter identities the HSS accepts, space-separated: an external MME such as
#                                 Open5GS's (README: "Pointing an Open5GS MME at simbind-hss")
#   SIMBIND_LAB_ADMIN_TLS         on (default) or off: mTLS on the HSS/prov admin and UE control APIs (OU admin)
#   SIMBIND_LAB_METRICS           on (default) or off: every daemon's metrics and /healthz over HTTP
#   SIMBIND_LAB_UE_ACCESS         nas-tcp (default: simbind-ue -> simbind-mme over NAS/TCP) or s1ap (simbind-ue as
#                                 an eNB over SCTP, to simbind-mme's S1AP or to the MME of SIMBIND_LAB_S1AP_MME)
#   SIMBIND_LAB_S1AP_MME          ADDRESS[:PORT] of an external MME's S1AP (e.g. Open5GS's 127.0.0.2:36412);
#                                 implies s1ap. Unset with s1ap: simbind-mme, which then serves S1AP on
#                                 SIMBIND_LAB_S1AP_PORT (36412) beside NAS/TCP
#   SIMBIND_LAB_SCTP              the SCTP of S1AP: auto (default: the kernel's if it has SCTP), usrsctp, kernel
#   SIMBIND_LAB_PLMN              MCC+MNC digits of the network (00101): the MME's PLMN, and so the UE's
# Every configuration written is checked with `<daemon> --print-config`; a refused one stops make-lab.sh. Binaries:
# SIMBIND_BIN_DIR (flat, or a build tree), the build/ tree of this checkout, then PATH.
set -euo pipefail

usage() {
  echo "usage: make-lab.sh OUT_DIR   (settings from SIMBIND_LAB_* in the environment; see the header)" >&2
  exit 2
}
[[ $# -eq 1 && $1 != -* ]] || usage

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LAB_CA=$REPO/deploy/certs/lab-ca.sh
[[ -x $LAB_CA ]] || LAB_CA="bash $REPO/deploy/certs/lab-ca.sh"

mkdir -p "$1"
OUT=$(cd "$1" && pwd)
ROOT=${SIMBIND_LAB_ROOT:-$OUT}

LISTEN=${SIMBIND_LAB_LISTEN:-127.0.0.1}
KEYDIR_HOST=${SIMBIND_LAB_KEYDIR_HOST:-127.0.0.1}
PROV_HOST=${SIMBIND_LAB_PROV_HOST:-127.0.0.1}
HSS_HOST=${SIMBIND_LAB_HSS_HOST:-127.0.0.1}
MME_HOST=${SIMBIND_LAB_MME_HOST:-127.0.0.1}
UE_HOST=${SIMBIND_LAB_UE_HOST:-127.0.0.1}
KEYDIR_PORT=${SIMBIND_LAB_KEYDIR_PORT:-9443}
HSS_DIAMETER_PORT=${SIMBIND_LAB_HSS_DIAMETER_PORT:-3868}
MME_DIAMETER_PORT=${SIMBIND_LAB_MME_DIAMETER_PORT:-3869}
PROV_DIAMETER_PORT=${SIMBIND_LAB_PROV_DIAMETER_PORT:-3870}
HSS_ADMIN_PORT=${SIMBIND_LAB_HSS_ADMIN_PORT:-9080}
PROV_ADMIN_PORT=${SIMBIND_LAB_PROV_ADMIN_PORT:-9081}
UE_CONTROL_PORT=${SIMBIND_LAB_UE_CONTROL_PORT:-9090}
NAS_PORT=${SIMBIND_LAB_NAS_PORT:-36412}
HSS_METRICS_PORT=${SIMBIND_LAB_HSS_METRICS_PORT:-9100}
MME_METRICS_PORT=${SIMBIND_LAB_MME_METRICS_PORT:-9101}
PROV_METRICS_PORT=${SIMBIND_LAB_PROV_METRICS_PORT:-9102}
KEYDIR_METRICS_PORT=${SIMBIND_LAB_KEYDIR_METRICS_PORT:-9103}
UE_METRICS_PORT=${SIMBIND_LAB_UE_METRICS_PORT:-9104}
CONSOLE_METRICS_PORT=${SIMBIND_LAB_CONSOLE_METRICS_PORT:-9105}
CONSOLE_PORT=${SIMBIND_LAB_CONSOLE_PORT:-8088}
CONSOLE_HOST=${SIMBIND_LAB_CONSOLE_HOST:-127.0.0.1}
LOG_LEVEL=${SIMBIND_LAB_LOG_LEVEL:-info}
read -r -a HSS_EXTRA_PEERS <<< "${SIMBIND_LAB_HSS_EXTRA_PEERS:-}"
S1AP_MME=${SIMBIND_LAB_S1AP_MME:-}
UE_ACCESS=${SIMBIND_LAB_UE_ACCESS:-nas-tcp}
[[ -n $S1AP_MME ]] && UE_ACCESS=s1ap
S1AP_PORT=${SIMBIND_LAB_S1AP_PORT:-36412}
SCTP_BACKEND=${SIMBIND_LAB_SCTP:-auto}
LAB_PLMN=${SIMBIND_LAB_PLMN:-00101}
ADMIN_TLS_MODE=${SIMBIND_LAB_ADMIN_TLS:-on}
METRICS_MODE=${SIMBIND_LAB_METRICS:-on}

REALM=simbind.lab
HSS_ID=hss.$REALM
MME_ID=mme.$REALM
PROV_ID=prov.$REALM
KEYDIR_NAME=keydir.$REALM
UE_NAME=ue.$REALM
PLMN_MCC=${LAB_PLMN:0:3}
PLMN_MNC=${LAB_PLMN:3}

die() {
  echo "make-lab.sh: $*" >&2
  exit 1
}
for v in KEYDIR_PORT HSS_DIAMETER_PORT MME_DIAMETER_PORT PROV_DIAMETER_PORT HSS_ADMIN_PORT PROV_ADMIN_PORT \
  UE_CONTROL_PORT NAS_PORT HSS_METRICS_PORT MME_METRICS_PORT PROV_METRICS_PORT KEYDIR_METRICS_PORT UE_METRICS_PORT \
  CONSOLE_METRICS_PORT CONSOLE_PORT; do
  [[ ${!v} =~ ^[0-9]+$ && ${!v} -ge 1 && ${!v} -le 65535 ]] || die "SIMBIND_LAB_$v: not a port: '${!v}'"
done
[[ $LAB_PLMN =~ ^[0-9]{5,6}$ ]] || die "SIMBIND_LAB_PLMN: MCC and MNC as 5 or 6 digits, got '$LAB_PLMN'"
[[ $UE_ACCESS =~ ^(nas-tcp|s1ap)$ ]] || die "SIMBIND_LAB_UE_ACCESS: nas-tcp or s1ap, got '$UE_ACCESS'"
[[ $SCTP_BACKEND =~ ^(auto|usrsctp|kernel)$ ]] || die "SIMBIND_LAB_SCTP: auto, usrsctp or kernel, got '$SCTP_BACKEND'"
[[ $S1AP_PORT =~ ^[0-9]+$ && $S1AP_PORT -ge 1 && $S1AP_PORT -le 65535 ]] || die "SIMBIND_LAB_S1AP_PORT: not a port"
# The MME the UEs' eNBs reach: an external one, or simbind-mme's S1AP.
if [[ -n $S1AP_MME ]]; then
  UE_MME_ADDRESS=${S1AP_MME%%:*}
  UE_MME_PORT=36412
  [[ $S1AP_MME == *:* ]] && UE_MME_PORT=${S1AP_MME##*:}
  [[ $UE_MME_PORT =~ ^[0-9]+$ ]] || die "SIMBIND_LAB_S1AP_MME: ADDRESS[:PORT], got '$S1AP_MME'"
elif [[ $UE_ACCESS == s1ap ]]; then
  UE_MME_ADDRESS=$MME_HOST; UE_MME_PORT=$S1AP_PORT
else
  UE_MME_ADDRESS=$MME_HOST; UE_MME_PORT=$NAS_PORT
fi
for m in ADMIN_TLS_MODE METRICS_MODE; do
  [[ ${!m} =~ ^(on|off)$ ]] || die "SIMBIND_LAB_${m%_MODE}: must be on or off, got '${!m}'"
done

mkdir -p "$OUT/certs" "$OUT/keys" "$OUT/config" "$OUT/data" "$OUT/logs"
chmod 700 "$OUT/keys"

# --- the lab CA and certificates -------------------------------------------------------------------------------
$LAB_CA init "$OUT/certs" >/dev/null

# issue NAME ROLE HOST...: a certificate for NAME with the extra DNS names of the hosts (addresses are left out:
# lab-ca.sh adds IP:127.0.0.1 itself), issued again only when that list changed.
issue() {
  local name=$1 role=$2 dns=() h
  shift 2
  for h in "$@"; do
    [[ -z $h || $h =~ ^[0-9.]+$ || $h == "$name" ]] && continue
    [[ " ${dns[*]-} " == *" $h "* ]] || dns+=("$h")
  done
  local want="$role ${dns[*]-}" force=()
  if [[ -f $OUT/certs/$name.crt && -f $OUT/certs/$name.key ]]; then
    [[ $(cat "$OUT/certs/$name.san" 2>/dev/null) == "$want" ]] && return 0
    force=(--force)
  fi
  $LAB_CA issue "${force[@]}" "$OUT/certs" "$name" "$role" "${dns[@]}" >/dev/null
  echo "$want" >"$OUT/certs/$name.san"
}
issue "$HSS_ID" diameter localhost "$HSS_HOST"
issue "$MME_ID" diameter localhost "$MME_HOST"
issue "$PROV_ID" operator localhost "$PROV_HOST"  # Bp over TLS, and prov's client certificate for keydir
issue "$KEYDIR_NAME" server localhost "$KEYDIR_HOST"
issue "$UE_NAME" server localhost "$UE_HOST"
issue factory.$REALM manufacturer
issue operator.$REALM operator
issue admin admin
issue console server localhost "$CONSOLE_HOST"  # the console's HTTPS when it listens beyond loopback

# --- per-testbed keys: made once, mode 0600, never printed -----------------------------------------------------
make_key() {
  local file=$OUT/keys/$1
  if [[ ! -s $file ]]; then
    (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$file.tmp" && echo >>"$file.tmp" && mv "$file.tmp" "$file")
  fi
  chmod 600 "$file"
}
for k in hss-master.key prov-master.key kek.key transfer.key ue-storage.key console.token; do make_key "$k"; done

# --- the configurations ----------------------------------------------------------------------------------------
C=$ROOT/certs
K=$ROOT/keys
D=${SIMBIND_LAB_DATA_DIR:-$ROOT/data}
tls_of() { echo "{cert: $C/$1.crt, key: $C/$1.key, ca: $C/ca.crt}"; }

# Optional keys, written only when the daemon takes them (decided below). Each is on (1) or off (0).
ADMIN_TLS=0
declare -A METRICS=([keydir]=0 [prov]=0 [hss]=0 [mme]=0 [ue]=0 [console]=0)
declare -A METRICS_PORT=([keydir]=$KEYDIR_METRICS_PORT [prov]=$PROV_METRICS_PORT [hss]=$HSS_METRICS_PORT
  [mme]=$MME_METRICS_PORT [ue]=$UE_METRICS_PORT [console]=$CONSOLE_METRICS_PORT)
declare -A METRICS_HOST=([keydir]=$KEYDIR_HOST [prov]=$PROV_HOST [hss]=$HSS_HOST [mme]=$MME_HOST [ue]=$UE_HOST)

metrics_block() {  # metrics_block DAEMON
  local line="metrics: {listen: \"$LISTEN:${METRICS_PORT[$1]}\"}"
  if [[ ${METRICS[$1]} == 1 ]]; then
    echo "$line   # Prometheus text format (GET /metrics)"
  else
    echo "# metrics off (SIMBIND_LAB_METRICS=off):"
    echo "# $line"
  fi
}
admin_tls_line() {  # admin_tls_line INDENT DAEMON CERTNAME: the admin/control API's TLS, clients need OU admin
  if [[ $ADMIN_TLS == 1 ]]; then
    echo "$1tls: $(tls_of "$3")   # clients must present a certificate from ca with OU admin"
  else
    echo "$1# plaintext (SIMBIND_LAB_ADMIN_TLS=off): keep it on loopback"
    echo "$1# tls: $(tls_of "$3")"
  fi
}
diameter_section() {  # diameter_section IDENTITY PORT TC_TIMER; then the peers lines on stdin
  cat <<YAML
diameter:                       # over TLS (TLS-on-connect): peers present lab-CA certificates naming their identity
  identity: $1
  realm: $REALM
  port: $2
  listen: $LISTEN
  tc_timer: $3                   # reconnect timer (s): short, so that the start order of the daemons does not matter
  tls: $(tls_of "$1")
  peers:
YAML
  cat
}

gen_keydir() {
  cat <<YAML
# simbind-keydir for the testbed (written by deploy/testbed/make-lab.sh; documented in deploy/config/keydir.yaml)
log_level: $LOG_LEVEL
listen: "$LISTEN:$KEYDIR_PORT"
tls: $(tls_of "$KEYDIR_NAME")   # mTLS: OU manufacturer registers, OU operator looks up
store: {path: $D/keydir.db}
$(metrics_block keydir)
YAML
}

gen_prov() {
  cat <<YAML
# simbind-prov for the testbed (written by deploy/testbed/make-lab.sh; documented in deploy/config/prov.yaml)
log_level: $LOG_LEVEL
$(diameter_section "$PROV_ID" "$PROV_DIAMETER_PORT" 3 <<PEERS
    - {identity: $HSS_ID, address: $HSS_HOST, port: $HSS_DIAMETER_PORT}
PEERS
)
keydir:
  address: "$KEYDIR_HOST:$KEYDIR_PORT"
  timeout_ms: 3000              # below the HSS's binding.prov_timeout_ms
  tls: $(tls_of "$PROV_ID")   # OU operator
kek_file: $K/kek.key             # shared with the HSS (binding.kek_file)
store: {path: $D/prov.db, master_key_file: $K/prov-master.key}   # the back office (scenario 1)
import_key_file: $K/transfer.key   # opens the factory exports (simbind factory make --export-key-file)
admin:
  listen: "$LISTEN:$PROV_ADMIN_PORT"
  hss_timeout_ms: 5000
$(admin_tls_line "  " prov "$PROV_ID")
$(metrics_block prov)
YAML
}

gen_hss() {
  cat <<YAML
# simbind-hss for the testbed (written by deploy/testbed/make-lab.sh; documented in deploy/config/hss.yaml)
log_level: $LOG_LEVEL
$(diameter_section "$HSS_ID" "$HSS_DIAMETER_PORT" 3 <<PEERS
    - {identity: $MME_ID}         # connects to us
    - {identity: $PROV_ID}        # connects to us (Bp)
$(for p in "${HSS_EXTRA_PEERS[@]}"; do echo "    - {identity: $p}   # SIMBIND_LAB_HSS_EXTRA_PEERS"; done)
PEERS
)
store: {path: $D/hss.db, master_key_file: $K/hss-master.key}
binding:
  kek_file: $K/kek.key           # over-the-air KME establishment with simbind-prov
  prov_identity: $PROV_ID
  prov_timeout_ms: 5000
  ida_timeout_ms: 10000
  fallback_after_reports: 1
admin:
  listen: "$LISTEN:$HSS_ADMIN_PORT"
$(admin_tls_line "  " hss "$HSS_ID")
$(metrics_block hss)
YAML
}

gen_mme() {
  cat <<YAML
# simbind-mme for the testbed (written by deploy/testbed/make-lab.sh; documented in deploy/config/mme.yaml)
log_level: $LOG_LEVEL
$(diameter_section "$MME_ID" "$MME_DIAMETER_PORT" 3 <<PEERS
    - {identity: $HSS_ID, address: $HSS_HOST, port: $HSS_DIAMETER_PORT}
PEERS
)
hss: {timeout_ms: 5000, ulr_timeout_ms: 20000}
network: {mcc: "$PLMN_MCC", mnc: "$PLMN_MNC", tac: 1, mme_group_id: 1, mme_code: 1}
nas: {listen: $LISTEN, port: $NAS_PORT}
$(if [[ $UE_ACCESS == s1ap && -z $S1AP_MME ]]; then
  echo "s1ap: {listen: $LISTEN, port: $S1AP_PORT, sctp: {backend: $SCTP_BACKEND}}   # S1-MME for eNBs (SIMBIND_LAB_UE_ACCESS=s1ap)"
fi)
$(metrics_block mme)
YAML
}

gen_ue() {
  cat <<YAML
# simbind-ue for the testbed (written by deploy/testbed/make-lab.sh; documented in deploy/config/ue.yaml)
log_level: $LOG_LEVEL
$(if [[ $UE_ACCESS == s1ap ]]; then
  echo "mme: {address: $UE_MME_ADDRESS, port: $UE_MME_PORT, transport: s1ap}   # the UEs behind an emulated eNB"
  echo "s1ap: {sctp: {backend: $SCTP_BACKEND}}"
else
  echo "mme: {address: $MME_HOST, port: $NAS_PORT}"
fi)
network: {plmn: "$PLMN_MCC$PLMN_MNC"}
store: {directory: $D/ue-devices, storage_key_file: $K/ue-storage.key}
control:
  listen: "$LISTEN:$UE_CONTROL_PORT"
$(admin_tls_line "  " ue "$UE_NAME")
$(metrics_block ue)
YAML
}

counters_block() {  # the daemons' /metrics the console's counters come from
  local d lines=()
  for d in hss mme prov keydir ue; do
    [[ ${METRICS[$d]} == 1 ]] && lines+=("  $d: \"${METRICS_HOST[$d]}:${METRICS_PORT[$d]}\"")
  done
  if [[ ${#lines[@]} -eq 0 ]]; then
    echo "counters: {}   # metrics off (SIMBIND_LAB_METRICS=off): no counters on the page"
  else
    echo "counters:                       # the daemons' /metrics the page's counters come from"
    printf '%s\n' "${lines[@]}"
  fi
}
gen_console() {
  local tls_client=
  [[ $ADMIN_TLS == 1 ]] && tls_client=", tls: $(tls_of admin)"
  cat <<YAML
# simbind-console for the testbed (written by deploy/testbed/make-lab.sh; documented in deploy/config/console.yaml)
log_level: $LOG_LEVEL
http:
  listen: "$LISTEN:$CONSOLE_PORT"
$(if [[ $LISTEN =~ ^(127\.|localhost$|::1$) ]]; then
  echo "  # loopback: no TLS, no token. Beyond loopback both are required:"
  echo "  # tls: {cert: $C/console.crt, key: $C/console.key}"
  echo "  # token_file: $K/console.token"
else
  echo "  tls: {cert: $C/console.crt, key: $C/console.key}   # HTTPS, a lab-CA certificate"
  echo "  token_file: $K/console.token   # the admin token the page asks for (64 hex digits, mode 0600)"
fi)
hss: {address: "$HSS_HOST:$HSS_ADMIN_PORT"$tls_client}
ue: {address: "$UE_HOST:$UE_CONTROL_PORT"$tls_client}
prov: {address: "$PROV_HOST:$PROV_ADMIN_PORT"$tls_client}
keydir: {address: "$KEYDIR_HOST:$KEYDIR_PORT", tls: $(tls_of "factory.$REALM")}   # registers new devices' keys
lab: {plmn: "$PLMN_MCC$PLMN_MNC", transfer_key_file: $K/transfer.key}   # factory KMEs, sealed as prov expects
$(counters_block)
$(metrics_block console)
YAML
}

write_all() {
  local d
  for d in keydir prov hss mme ue console; do
    "gen_$d" >"$OUT/config/$d.yaml.tmp"
    mv "$OUT/config/$d.yaml.tmp" "$OUT/config/$d.yaml"
  done
}

# --- which optional keys the daemons take ----------------------------------------------------------------------
declare -A DAEMON_FILE=([keydir]=simbind-keydir [prov]=simbind-prov [hss]=simbind-hss [mme]=simbind-mme
  [ue]=simbind-ue [console]=simbind-console [cli]=simbind)
find_bin() {  # find_bin NAME: the path of a binary, or nothing
  local name=$1 dir f
  for dir in "${SIMBIND_BIN_DIR:-}" "$REPO/build"; do
    [[ -n $dir && -d $dir ]] || continue
    [[ -x $dir/$name ]] && { echo "$dir/$name"; return; }
    for f in "$dir"/services/*/"$name"; do [[ -x $f ]] && { echo "$f"; return; }; done
  done
  command -v "$name" 2>/dev/null || true
}
# The configuration as written must be valid for every daemon we can ask (--print-config reads no file but the
# configuration, so this works for a SIMBIND_LAB_ROOT other than OUT_DIR too).
accepts() {  # accepts DAEMON: does its --print-config take the configuration just written?
  local bin
  bin=$(find_bin "${DAEMON_FILE[$1]}")
  [[ -n $bin ]] || return 2
  "$bin" --config "$OUT/config/$1.yaml" --print-config >/dev/null 2>"$OUT/config/.$1.check"
}

[[ $METRICS_MODE == on ]] && for d in keydir prov hss mme ue console; do METRICS[$d]=1; done
[[ $ADMIN_TLS_MODE == on ]] && ADMIN_TLS=1
write_all
missing=()
for d in keydir prov hss mme ue console; do
  if accepts "$d"; then
    rm -f "$OUT/config/.$d.check"
  else
    rc=$?
    [[ $rc -eq 2 && -z $(find_bin "${DAEMON_FILE[$d]}") ]] && { missing+=("$d"); continue; }
    cat "$OUT/config/.$d.check" >&2
    die "the generated $OUT/config/$d.yaml is refused by simbind-$d (see above)"
  fi
done
[[ ${#missing[@]} -eq 0 ]] || echo "make-lab.sh: no binary found for ${missing[*]}: its configuration is unchecked" >&2

# --- env.sh: the CLI's endpoints for this testbed --------------------------------------------------------------
{
  echo "# simbind testbed $ROOT (written by deploy/testbed/make-lab.sh). Use: . $ROOT/env.sh"
  echo "export SIMBIND_LAB_DIR=$ROOT"
  echo "export SIMBIND_HSS=$HSS_HOST:$HSS_ADMIN_PORT"
  echo "export SIMBIND_UE=$UE_HOST:$UE_CONTROL_PORT"
  echo "export SIMBIND_PROV=$PROV_HOST:$PROV_ADMIN_PORT"
  echo "export SIMBIND_KEYDIR=$KEYDIR_HOST:$KEYDIR_PORT"
  echo "export SIMBIND_KEYDIR_CA=$C/ca.crt"
  echo "# keydir as the device factory (simbind factory make --register, simbind keydir register)"
  echo "export SIMBIND_KEYDIR_CERT=$C/factory.$REALM.crt"
  echo "export SIMBIND_KEYDIR_KEY=$C/factory.$REALM.key"
  echo "# keydir as the operator (simbind keydir get --cert \$SIMBIND_LAB_OPERATOR_CERT --key \$SIMBIND_LAB_OPERATOR_KEY)"
  echo "export SIMBIND_LAB_OPERATOR_CERT=$C/operator.$REALM.crt"
  echo "export SIMBIND_LAB_OPERATOR_KEY=$C/operator.$REALM.key"
  echo "# the transfer key of factory exports (simbind factory make --export-key-file; prov's import_key_file)"
  echo "export SIMBIND_LAB_TRANSFER_KEY=$K/transfer.key"
  echo "export SIMBIND_LAB_PLMN=$PLMN_MCC$PLMN_MNC"
  if [[ $LISTEN =~ ^(127\.|localhost$|::1$) ]]; then
    echo "# simbind-console's page (scripts/testbed.sh --console)"
    echo "export SIMBIND_CONSOLE_URL=http://$CONSOLE_HOST:$CONSOLE_PORT/"
  else
    echo "# simbind-console's page: HTTPS (lab CA), sign in with the token in $K/console.token"
    echo "export SIMBIND_CONSOLE_URL=https://$CONSOLE_HOST:$CONSOLE_PORT/"
  fi
  echo "# Diameter: $HSS_ID $HSS_HOST:$HSS_DIAMETER_PORT, $MME_ID $MME_HOST:$MME_DIAMETER_PORT, $PROV_ID $PROV_HOST:$PROV_DIAMETER_PORT (TLS); NAS $MME_HOST:$NAS_PORT"
  echo "# UEs: $UE_ACCESS to $UE_MME_ADDRESS:$UE_MME_PORT${S1AP_MME:+ (an external MME)}"
  if [[ $ADMIN_TLS == 1 ]]; then
    echo "# the admin/control APIs of the HSS, prov and the UEs are TLS with client certificates (OU admin)"
    echo "export SIMBIND_TLS_CERT=$C/admin.crt"
    echo "export SIMBIND_TLS_KEY=$C/admin.key"
    echo "export SIMBIND_TLS_CA=$C/ca.crt"
  else
    echo "# admin/control TLS is off (SIMBIND_LAB_ADMIN_TLS=off); with it on:"
    echo "# export SIMBIND_TLS_CERT=$C/admin.crt SIMBIND_TLS_KEY=$C/admin.key SIMBIND_TLS_CA=$C/ca.crt"
  fi
} >"$OUT/env.sh.tmp"
mv "$OUT/env.sh.tmp" "$OUT/env.sh"

on_off() { [[ $1 == 1 ]] && echo on || echo off; }
metrics_summary=""
for d in keydir prov hss mme ue console; do metrics_summary+=" $d:$(on_off "${METRICS[$d]}")"; done
echo "lab: $OUT (CA $OUT/certs/ca.crt; configs in config/; keys in keys/, never printed; . $OUT/env.sh for the CLI)"
echo "lab: Diameter TLS on, keydir mTLS on, admin/control TLS $(on_off $ADMIN_TLS), metrics$metrics_summary"
