# Sourced by the tests/bench scripts that run simbind's daemons as separate processes on 127.0.0.1
# (run_fault_test.sh, run_provisioning_bench.sh): the binaries, a work directory removed at exit (KEEP=1 keeps it),
# free ports, the lab PKI and keys, the configurations of the five daemons, and starting one with a wait for its
# ready line. The caller has done `cd` to the repository's root and `set -euo pipefail`.
#
#   bench_setup NAME          BUILD (SIMBIND_BUILD_DIR, default build), BIN[hss|mme|ue|prov|keydir], CLI;
#                             WORK=/tmp/simbind-NAME-XXXXXX; PID[] and EXTRA_PIDS killed at exit, WORK and
#                             EXTRA_DIRS removed (KEEP=1 keeps them)
#   bench_configure DOMAIN    ports (HSS_PORT ADMIN_PORT MME_PORT NAS_PORT PROV_PORT KEYDIR_PORT UE_PORT), the lab CA
#                             in C=$WORK/certs (keydir, factory and prov certificates), master.key and kek.key, and
#                             $WORK/{keydir,hss,prov,mme,ue}.yaml for hss.DOMAIN.simbind.lab and its peers; the UEs do
#                             not re-attach when asked (nas.reattach_on_request: false)
#   bench_ue_config FILE DIR PORT   another simbind-ue configuration: its device store DIR, its control port PORT
#   bench_start NAME [DAEMON] starts BIN[DAEMON] (default NAME) with $WORK/NAME.yaml, appending to $WORK/NAME.log,
#                             and waits for a new "simbind-DAEMON ready" line; PID[NAME]
#   port                      a free TCP port on 127.0.0.1
#   wait_log FILE LINE        until LINE is in FILE (30 s), else its tail on stderr and status 1

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_log() { for _ in $(seq 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; tail -20 "$1" >&2; return 1; }

declare -A BIN PID
EXTRA_PIDS=()
EXTRA_DIRS=()

bench_cleanup() {
  local p
  for p in "${PID[@]}" "${EXTRA_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "work directory kept: $WORK ${EXTRA_DIRS[*]}"; else rm -rf "$WORK" "${EXTRA_DIRS[@]}"; fi
}

bench_setup() {
  BUILD=${SIMBIND_BUILD_DIR:-build}
  BIN=([hss]=$BUILD/services/hss/simbind-hss [mme]=$BUILD/services/mme/simbind-mme
       [ue]=$BUILD/services/ue/simbind-ue [prov]=$BUILD/services/provisioning/simbind-prov
       [keydir]=$BUILD/services/keydir/simbind-keydir)
  CLI=$BUILD/services/cli/simbind
  local b
  for b in "${BIN[@]}" "$CLI"; do [ -x "$b" ] || { echo "missing $b: build first (scripts/build.sh)" >&2; exit 1; }; done
  WORK=$(mktemp -d "/tmp/simbind-$1-XXXXXX")
  trap bench_cleanup EXIT INT TERM
}

bench_ue_config() {
  cat > "$1" <<YAML
log_level: info
mme: {address: 127.0.0.1, port: $NAS_PORT}
store: {directory: $2, storage_key_file: $WORK/kek.key}
control: {listen: 127.0.0.1:$3}
nas: {reattach_on_request: false}
YAML
}

bench_configure() {
  local d=$1 f
  HSS_PORT=$(port); ADMIN_PORT=$(port); MME_PORT=$(port); NAS_PORT=$(port); PROV_PORT=$(port)
  KEYDIR_PORT=$(port); UE_PORT=$(port)
  C=$WORK/certs
  deploy/certs/lab-ca.sh init "$C" > /dev/null
  deploy/certs/lab-ca.sh issue "$C" "keydir.$d.simbind.lab" server > /dev/null
  deploy/certs/lab-ca.sh issue "$C" "factory.$d.simbind.lab" manufacturer > /dev/null
  deploy/certs/lab-ca.sh issue "$C" "prov.$d.simbind.lab" operator > /dev/null
  for f in master.key kek.key; do od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$WORK/$f"; chmod 600 "$WORK/$f"; done

  cat > "$WORK/keydir.yaml" <<YAML
log_level: info
listen: 127.0.0.1:$KEYDIR_PORT
tls: {cert: $C/keydir.$d.simbind.lab.crt, key: $C/keydir.$d.simbind.lab.key, ca: $C/ca.crt}
store: {path: $WORK/keydir.db}
YAML
  cat > "$WORK/hss.yaml" <<YAML
log_level: info
diameter:
  identity: hss.$d.simbind.lab
  port: $HSS_PORT
  peers: [{identity: mme.$d.simbind.lab}, {identity: prov.$d.simbind.lab}]
store: {path: $WORK/hss.db, master_key_file: $WORK/master.key}
binding: {kek_file: $WORK/kek.key, prov_identity: prov.$d.simbind.lab}
admin: {listen: 127.0.0.1:$ADMIN_PORT}
YAML
  cat > "$WORK/prov.yaml" <<YAML
log_level: info
diameter:
  identity: prov.$d.simbind.lab
  port: $PROV_PORT
  tc_timer: 1
  peers: [{identity: hss.$d.simbind.lab, address: 127.0.0.1, port: $HSS_PORT}]
keydir:
  address: 127.0.0.1:$KEYDIR_PORT
  tls: {cert: $C/prov.$d.simbind.lab.crt, key: $C/prov.$d.simbind.lab.key, ca: $C/ca.crt}
kek_file: $WORK/kek.key
YAML
  cat > "$WORK/mme.yaml" <<YAML
log_level: info
diameter:
  identity: mme.$d.simbind.lab
  port: $MME_PORT
  tc_timer: 1
  peers: [{identity: hss.$d.simbind.lab, address: 127.0.0.1, port: $HSS_PORT}]
nas: {port: $NAS_PORT}
YAML
  bench_ue_config "$WORK/ue.yaml" "$WORK/devices" "$UE_PORT"
  # The factory's client of keydir, and the admin APIs, for `simbind`.
  export SIMBIND_KEYDIR=127.0.0.1:$KEYDIR_PORT SIMBIND_KEYDIR_CERT=$C/factory.$d.simbind.lab.crt \
         SIMBIND_KEYDIR_KEY=$C/factory.$d.simbind.lab.key SIMBIND_KEYDIR_CA=$C/ca.crt
  export SIMBIND_HSS=127.0.0.1:$ADMIN_PORT SIMBIND_UE=127.0.0.1:$UE_PORT
}

bench_start() {
  local name=$1 daemon=${2:-$1} before ready
  ready="simbind-$daemon ready"
  before=$(grep -c "$ready" "$WORK/$name.log" 2>/dev/null || true)
  "${BIN[$daemon]}" --config "$WORK/$name.yaml" >> "$WORK/$name.log" 2>&1 & PID[$name]=$!
  for _ in $(seq 300); do
    [ "$(grep -c "$ready" "$WORK/$name.log" 2>/dev/null || true)" -gt "${before:-0}" ] && return 0
    sleep 0.1
  done
  echo "$name did not start (or come back)" >&2; tail -20 "$WORK/$name.log" >&2; return 1
}
