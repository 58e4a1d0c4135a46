#!/usr/bin/env bash
# The testbed demo: four ME-binding scenarios against RUNNING daemons (simbind-keydir, -prov, -hss, -mme, -ue),
# driven only through the `simbind` CLI. Needs bash, coreutils, sed, grep, awk and the CLI (so it also runs in a
# container).
#
#   lab-demo.sh [--lab DIR]      DIR: a testbed made by make-lab.sh; its env.sh is sourced. Without it the
#                                environment must already hold what env.sh sets (SIMBIND_HSS, SIMBIND_UE, ...).
#   SIMBIND_CLI                  the CLI (default: simbind from PATH)
#
#   (a) scenario 2: over-the-air KME. A binding-required subscription's first attach gets no PDN connection while
#       the HSS has prov make a KME, which reaches the device in a binding container; the automatic re-attach is
#       served with a pre-processed vector and gets a bearer.
#   (b) scenario 1: factory KME. The factory's sealed IMEI -> KME export is imported into prov, (IMSI, IMEI) is
#       activated, and the device's very first attach is pre-processed.
#   (c) a stolen UICC: the bound UICC in another (genuine) device fails the pre-processed challenge (#20), the MME
#       reports it, the HSS falls back to a regular vector, and the ULR from the wrong IMEI is refused (#6).
#   (d) an authorized device change: the new device gets its own KME and is bound; the old one is then refused.
#
# Every run makes its own subscribers and devices (IMSIs/IMEIs unique per run), so it can run again against the
# same stores. The report shows, per scenario, who sent what (from `simbind ue events`, `simbind hss audit` and
# the CLI's answers), the binding before and after (`simbind hss binding-status`), and PASS/FAIL; exit 0 only when
# every scenario behaved as designed. Keys (K, OPc, KME, private keys) are never printed.
set -uo pipefail

if [[ ${1:-} == --lab ]]; then
  [[ -f ${2:-}/env.sh ]] || { echo "lab-demo.sh: no env.sh in '${2:-}'" >&2; exit 2; }
  # shellcheck disable=SC1091
  . "$2/env.sh"
  shift 2
fi
[[ $# -eq 0 ]] || { echo "usage: lab-demo.sh [--lab DIR]" >&2; exit 2; }
CLI=${SIMBIND_CLI:-simbind}
for v in SIMBIND_HSS SIMBIND_UE SIMBIND_PROV SIMBIND_KEYDIR SIMBIND_KEYDIR_CA SIMBIND_KEYDIR_CERT SIMBIND_KEYDIR_KEY \
  SIMBIND_LAB_TRANSFER_KEY; do
  [[ -n ${!v:-} ]] || { echo "lab-demo.sh: $v is not set (use --lab DIR, or . DIR/env.sh)" >&2; exit 2; }
done
PLMN=${SIMBIND_LAB_PLMN:-00101}
REATTACH_WAIT_S=${SIMBIND_LAB_REATTACH_WAIT_S:-30}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/simbind-lab-demo-XXXXXX")
chmod 700 "$WORK"
EVENTS_PID=
cleanup() {
  [[ -n $EVENTS_PID ]] && kill "$EVENTS_PID" 2>/dev/null
  [[ -n $EVENTS_PID ]] && wait "$EVENTS_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- small tools ------------------------------------------------------------------------------------------------
now_us() { date +%s%6N; }  # microseconds: the UE's events and the HSS's audit of one millisecond are merged
hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
# jset NAME KEY JSON: NAME = the top-level value KEY of a one-line JSON object (a string without its quotes).
# Bash pattern matching only: no process per value.
jset() {
  local re_string="\"$2\":\"([^\"]*)\"" re_other="\"$2\":([^,}\"]*)"
  if [[ $3 =~ $re_string ]] || [[ $3 =~ $re_other ]]; then
    printf -v "$1" '%s' "${BASH_REMATCH[1]}"
  else
    printf -v "$1" '%s' ''
  fi
}
jget() { local v; jset v "$1" "$2"; printf '%s' "$v"; }  # jget KEY JSON: the value, printed
short() { [[ ${#1} -gt 12 ]] && printf '%s…' "${1:0:12}" || printf '%s' "$1"; }

# The CLI; stdout+stderr in OUT, the exit status in RC.
OUT=
RC=0
run() {
  OUT=$("$CLI" "$@" 2>&1)
  RC=$?
}

# --- the report ---------------------------------------------------------------------------------------------------
STEPS=$WORK/steps.tsv  # µs <TAB> scenario <TAB> line: what this script did, for the timeline
: >"$STEPS"
SCENARIO=
# step LINE [MS]: MS (default now) is when the step began, so that it sorts before what it caused.
step() { printf '%s\t%s\t%s\n' "${2:-$(now_us)}" "$SCENARIO" "$1" >>"$STEPS"; }

declare -A LABEL=()  # IMEI -> UE-1, UE-2 ... within the scenario
fails=0
check() {  # check DESCRIPTION EXPECTED ACTUAL
  if [[ $2 == "$3" ]]; then
    printf '    PASS  %s\n' "$1"
  else
    printf '    FAIL  %s (expected %s, got %s)\n' "$1" "$2" "${3:-nothing}"
    fails=$((fails + 1))
  fi
}
yes_no() { "$@" && echo yes || echo no; }

# A lane "FROM → TO" padded to one column (the arrow is one character wide on screen).
lane() {
  local text=$1
  local ascii=${text//→/>}
  local pad=$((18 - ${#ascii}))
  ((pad < 1)) && pad=1
  printf '%s%*s' "$text" "$pad" ''
}
ue_name() { printf '%s' "${LABEL[$1]:-UE $1}"; }

# binding IMSI -> "state, KME-Id, bound IMEI ..." for the report, and BS_* variables for the checks.
binding() {
  run hss binding-status --imsi "$1" --json
  jset BS_STATE state "$OUT"
  jset BS_HAS_KME has_kme "$OUT"
  jset BS_KME_ID kme_id "$OUT"
  jset BS_BOUND bound_imei "$OUT"
  jset BS_AUTHORIZED authorized_imei "$OUT"
  jset BS_REPORTS failure_reports "$OUT"
  if [[ $RC -ne 0 ]]; then
    BS_TEXT="unknown (hss binding-status: $OUT)"
  elif [[ $BS_HAS_KME == true ]]; then
    BS_TEXT="$BS_STATE, KME-Id $BS_KME_ID, bound to ${BS_BOUND:-nobody}"
    [[ -n $BS_BOUND && -n ${LABEL[$BS_BOUND]:-} ]] && BS_TEXT+=" (${LABEL[$BS_BOUND]})"
  else
    BS_TEXT="$BS_STATE, no KME"
  fi
  [[ -n $BS_AUTHORIZED ]] && BS_TEXT+=", next device authorized: $BS_AUTHORIZED"
  [[ ${BS_REPORTS:-0} != 0 ]] && BS_TEXT+=", $BS_REPORTS failure report(s)"
  return 0
}

# --- the timeline: UE events + HSS audit + this script's steps, in time order -----------------------------------
EVENTS=$WORK/events.jsonl

# ue_lines US IMEI IMSI KIND TEXT: the messages behind one UE event, as "U<TAB>µs<TAB>prio<TAB>line".
ue_lines() {
  local us=$1 imei=$2 kind=$4 text=$5 ue prio=0
  ue=$(ue_name "$imei")
  # On a tie in milliseconds with an HSS audit record, what the UE received from the network (prio 2) comes after
  # it, and what the UE started (prio 0) before it.
  case $kind in auth-accepted | auth-reject | attached | attached-without-pdn | attach-failed) prio=2 ;; esac
  out() { printf 'U\t%s\t%s\t%s%s\n' "$us" "$prio" "$(lane "$1")" "$2"; }
  case $kind in
    attach-request)
      local attempt=${text#*attempt }
      attempt=${attempt%% of*}
      out "$ue → MME" "ATTACH REQUEST (IMSI, PDN CONNECTIVITY REQUEST)$([[ $attempt != 1 ]] && echo ", attempt $attempt")" ;;
    reattach) out "$ue" "re-attach required: attaching again" ;;
    auth-accepted)
      if [[ $text == pre-processed* ]]; then
        local id r_air r_uicc
        id=$(sed -n 's/.*KME-Id \([0-9]*\).*/\1/p' <<<"$text")
        r_air=$(sed -n 's/.*RAND on air \([0-9a-f]*\).*/\1/p' <<<"$text")
        r_uicc=$(sed -n 's/.*RAND to UICC \([0-9a-f]*\).*/\1/p' <<<"$text")
        out "MME → $ue" "AUTHENTICATION REQUEST: RAND* $(short "$r_air") (binding bit in AMF)"
        out "$ue" "ME: RAND* decrypted with KME-Id $id -> RAND $(short "$r_uicc"); the UICC accepts"
      else
        out "MME → $ue" "AUTHENTICATION REQUEST: RAND $(short "$(sed -n 's/.*RAND \([0-9a-f]*\).*/\1/p' <<<"$text")") (regular)"
      fi
      out "$ue → MME" "AUTHENTICATION RESPONSE (RES)" ;;
    auth-failure)
      out "MME → $ue" "AUTHENTICATION REQUEST ($(grep -q 'pre-processed' <<<"$text" && echo 'pre-processed: RAND*' || echo regular))"
      out "$ue → MME" "AUTHENTICATION FAILURE, ${text%%:*}: ${text#*: }" ;;
    auth-reject) out "MME → $ue" "AUTHENTICATION REJECT" ;;
    security-mode) out "$ue → MME" "SECURITY MODE COMPLETE with IMEISV ($(sed -n 's/.*(\(.*\)).*/\1/p' <<<"$text"))" ;;
    kme-established)
      local id
      id=$(sed -n 's/.*KME-Id \([0-9]*\).*/\1/p' <<<"$text")
      out "MME → HSS" "ULR (Terminal-Information: IMEI of $ue)"
      out "HSS → prov" "KME-Establishment (IMSI, IMEI): prov gets the device key from keydir, makes KME-Id $id"
      out "HSS → MME" "IDR Binding-Provisioning-Info (KME wrapped for the device, nonce)"
      out "MME → $ue" "binding container (DOWNLINK GENERIC NAS TRANSPORT): KME-Id $id"
      out "$ue → MME" "binding response: KME unwrapped with the device private key, Rsp" ;;
    kme-unwrap-failed) out "$ue → MME" "binding response: unwrap failed ($text)" ;;
    attached-without-pdn)
      out "MME → $ue" "ATTACH ACCEPT without PDN: PDN CONNECTIVITY REJECT ESM #33 (provisioning only)" ;;
    attached) out "MME → $ue" "ATTACH ACCEPT + default bearer (${text#attached: default bearer })" ;;
    network-detach) out "MME → $ue" "DETACH REQUEST ($(sed -n 's/.*(\([^)]*\)).*/\1/p' <<<"$text"))" ;;
    attach-failed)
      if [[ $text == *"attach rejected: EMM cause "* ]]; then
        out "MME → $ue" "ATTACH REJECT ${text#*EMM cause }"
      else
        out "$ue" "attach failed: ${text#attach failed: }"
      fi ;;
    detached) out "$ue → MME" "DETACH REQUEST -> DETACH ACCEPT" ;;
    uicc-moved)
      local from=${text##*IMEI }
      from=${from%)}
      out "lab" "the UICC is moved from $(ue_name "$from") into $ue" ;;
    *) out "$ue" "$kind: $text" ;;
  esac
}

# audit_lines US EVENT DECISION IMEI REASON: the messages behind one HSS audit record, as "A<TAB>µs<TAB>1<TAB>line".
audit_lines() {
  local us=$1 event=$2 decision=$3 imei=$4 reason=$5
  out() { printf 'A\t%s\t1\t%s%s\n' "$us" "$(lane "$1")" "$2"; }
  case $event/$decision in
    air/pre-processed) out "HSS → MME" "AIA pre-processed vector: RAND* = AES(KME, RAND), KME-Id in the AMF" ;;
    air/provisioning-only) out "HSS → MME" "AIA regular vector + Binding-Restriction PROVISIONING_ONLY" ;;
    air/regular) out "HSS → MME" "AIA regular vector" ;;
    air/fallback) out "HSS" "policy: $reason" ;;
    air/*) out "HSS → MME" "AIA $decision: $reason" ;;
    binding-failure-report/*) out "MME → HSS" "AIR with Binding-Failure-Report (the UE's #20 on a pre-processed vector): $reason" ;;
    kme-established/*)
      if [[ $reason == activation* ]]; then
        out "prov → HSS" "Bp Binding-Activation (IMSI, IMEI, factory KME wrapped under the KEK)"
        out "HSS → prov" "answer 2001: ${reason#*: }, bound to $(ue_name "$imei")"
      else
        out "MME → HSS" "IDA with the UE's Rsp: verified; KME stored, bound to $(ue_name "$imei") (${reason%%: *})"
        out "HSS → MME" "ULA (PROVISIONING_ONLY: the UE attaches without PDN, then re-attaches)"
      fi ;;
    ulr/rejected)
      out "MME → HSS" "ULR (Terminal-Information: IMEI of $(ue_name "$imei"))"
      out "HSS → MME" "ULA Experimental-Result 5420: $reason" ;;
    device-change-authorized/*) out "admin → HSS" "authorize device change: next device $(ue_name "$imei")" ;;
    kme-establishment/*) out "HSS" "KME establishment $decision: $reason" ;;
    *) out "HSS" "$event $decision: $reason" ;;
  esac
}

# timeline T0 IMSI: everything about the scenario's subscriber and devices since T0, the three sources merged by
# time, each kept in its own order.
timeline() {
  local t0=$1 imsi=$2 us imei ev_imsi kind text
  sleep 0.3  # the event stream is asynchronous
  {
    awk -F'\t' -v t0="$t0" -v s="$SCENARIO" '$1 >= t0 && $2 == s { print "S\t" $1 "\t0\t" $3 }' "$STEPS"
    sed 's/"imei":""/"imei":"-"/; s/"imsi":""/"imsi":"-"/' "$EVENTS" |
      sed -n 's/^{"unix_ms":[0-9]*,"unix_us":\([0-9]*\),"imei":"\([^"]*\)","imsi":"\([^"]*\)","kind":"\([^"]*\)","text":"\(.*\)"}$/\1\t\2\t\3\t\4\t\5/p' |
      while IFS=$'\t' read -r us imei ev_imsi kind text; do
        [[ $us -ge $t0 && ( -n ${LABEL[$imei]:-} || $ev_imsi == "$imsi" ) ]] || continue
        ue_lines "$us" "$imei" "$ev_imsi" "$kind" "$text"
      done
    run hss audit --imsi "$imsi" --limit 100 --json
    sed 's/^.*"events":\[//; s/\]}$//; s/},{/}\n{/g' <<<"$OUT" | sed 's/"imei":""/"imei":"-"/' |
      sed -n 's/.*"time_us":\([0-9]*\),"imsi":"[^"]*","event":"\([^"]*\)","decision":"\([^"]*\)","imei":"\([^"]*\)","reason":"\(.*\)"}$/\1\t\2\t\3\t\4\t\5/p' |
      tac | while IFS=$'\t' read -r us kind decision imei text; do  # oldest first
        [[ $us -ge $t0 ]] || continue
        audit_lines "$us" "$kind" "$decision" "$imei" "$text"
      done
  } | awk -F'\t' -v t0="$t0" '
    { k = $1; n[k]++; us[k, n[k]] = $2; pr[k, n[k]] = $3; tx[k, n[k]] = $4 }
    function rank(k, j) { return k == "S" ? 0 : k == "A" ? 2 : (pr[k, j] == 2 ? 3 : 1) }
    END {
      split("S U A", src, " ")
      for (;;) {
        best = ""
        for (s = 1; s <= 3; s++) {
          k = src[s]; j = i[k] + 1
          if (j > n[k]) continue
          if (best == "" || us[k, j] + 0 < us[best, bj] + 0 || (us[k, j] == us[best, bj] && rank(k, j) < rank(best, bj))) {
            best = k; bj = j
          }
        }
        if (best == "") break
        i[best] = bj
        printf "    %8s  %s\n", sprintf("+%.3fs", (us[best, bj] - t0) / 1000000), tx[best, bj]
      }
    }'
}

# --- subscribers and devices ----------------------------------------------------------------------------------
declare -A SUB_K=() SUB_OPC=()
new_subscriber() {  # new_subscriber IMSI: binding required, fresh K and OPc (never printed)
  SUB_K[$1]=$(hex 16)
  SUB_OPC[$1]=$(hex 16)
  local t
  t=$(now_us)
  run hss create --imsi "$1" --k "${SUB_K[$1]}" --opc "${SUB_OPC[$1]}" --binding required --json
  if [[ $RC -eq 0 ]]; then
    step "$(lane "admin → HSS")create subscriber $1, binding required" "$t"
  else
    step "$(lane "admin → HSS")create subscriber $1 FAILED: $OUT" "$t"
  fi
}
# make_device LABEL IMEI14 [IMSI] [--with-kme]: a device from the factory (key pair registered in keydir), with the
# UICC of IMSI inserted, created in simbind-ue. Sets DEV (the 15-digit IMEI; empty on failure).
make_device() {
  local label=$1 imei14=$2 imsi=${3:-} kme=${4:-} profile=$WORK/$1-$2.yaml args=() t
  DEV=
  t=$(now_us)
  [[ -n $kme ]] && args=(--with-kme --kme-export "$WORK/$label-$imei14.kme.enc" --export-key-file "$SIMBIND_LAB_TRANSFER_KEY")
  run factory make --imei-start "$imei14" --profiles "$profile" "${args[@]}" --register --json
  if [[ $RC -ne 0 ]]; then
    step "$(lane "factory → keydir")device $imei14 FAILED: $OUT" "$t"
    return 1
  fi
  jset DEV first_imei "$OUT"
  LABEL[$DEV]=$label
  local fp=""
  if [[ -n ${SIMBIND_LAB_OPERATOR_CERT:-} ]]; then
    run keydir get --imei "$DEV" --cert "$SIMBIND_LAB_OPERATOR_CERT" --key "$SIMBIND_LAB_OPERATOR_KEY" --json
    fp=", fingerprint $(short "$(jget fingerprint "$OUT")")"
  fi
  step "$(lane "factory → keydir")RegisterDevice $label = IMEI $DEV (ecies-a public key$fp)$([[ -n $kme ]] && echo ', factory KME exported sealed')" "$t"
  if [[ -n $imsi ]]; then
    printf '    uicc: {imsi: "%s", k: %s, opc: %s}\n' "$imsi" "${SUB_K[$imsi]}" "${SUB_OPC[$imsi]}" >>"$profile"
  fi
  t=$(now_us)
  run ue create --profiles "$profile" --json
  if [[ $RC -ne 0 ]]; then
    step "$(lane "lab → UE")create $label FAILED: $OUT" "$t"
    DEV=
    return 1
  fi
  step "$(lane "lab → UE")$label created in simbind-ue$([[ -n $imsi ]] && echo " with the UICC of $imsi")" "$t"
}
attach() {  # attach IMEI: ATTACH_* from the answer
  run ue attach --imei "$1" --timeout 120 --json
  ATTACH_JSON=$(grep '^{' <<<"$OUT" | head -n 1)
  jset A_SUCCESS success "$ATTACH_JSON"
  jset A_NO_PDN registered_without_pdn "$ATTACH_JSON"
  jset A_EMM emm_cause "$ATTACH_JSON"
  jset A_ESM esm_cause "$ATTACH_JSON"
  jset A_PRE pre_processed "$ATTACH_JSON"
  jset A_KME_ID kme_id "$ATTACH_JSON"
  jset A_IP ip "$ATTACH_JSON"
  jset A_RAND_AIR rand_on_air "$ATTACH_JSON"
  jset A_RAND_USED rand_used "$ATTACH_JSON"
  jset A_MESSAGE message "$ATTACH_JSON"
  [[ -n $ATTACH_JSON ]] || A_MESSAGE=$OUT
}
# wait_bearer IMEI: until the UE is attached with an address (after the network's re-attach request).
wait_bearer() {
  local end=$(( $(date +%s) + REATTACH_WAIT_S ))
  while (( $(date +%s) < end )); do
    run ue status --imei "$1" --json
    local attached ip
    jset attached attached "$OUT"
    jset ip ip "$OUT"
    if [[ $attached == true && -n $ip ]]; then
      UE_STATUS=$OUT
      return 0
    fi
    sleep 0.2
  done
  UE_STATUS=$OUT
  return 1
}
detach() { run ue detach --imei "$1" --timeout 60 --json; }
move_uicc() { run ue move-uicc --imsi "$1" --to-imei "$2" --json; }
audit_has() {  # audit_has IMSI EVENT DECISION REASON-SUBSTRING
  run hss audit --imsi "$1" --limit 100 --json
  sed 's/},{/}\n{/g' <<<"$OUT" | grep "\"event\":\"$2\"" | grep "\"decision\":\"$3\"" | grep -qF -- "$4"
}
event_has() {  # event_has IMEI KIND TEXT-SUBSTRING: in this run's event stream (the IMEIs are new per run)
  grep -F "\"imei\":\"$1\"" "$EVENTS" | grep -F "\"kind\":\"$2\"" | grep -qF -- "$3"
}

# setup_bound IMSI IMEI: the UICC in IMEI attaches once, gets its KME over the air, re-attaches, then detaches.
setup_bound() {
  attach "$2"
  wait_bearer "$2" || return 1
  binding "$1"
  [[ $BS_STATE == established && $BS_BOUND == "$2" ]] || return 1
  detach "$2"
  [[ $RC -eq 0 ]]
}

# --- before anything: the testbed answers ----------------------------------------------------------------------
banner() { printf '\n== %s %s\n' "$1" "$(printf '%*s' $((100 - ${#1})) '' | tr ' ' '=')"; }

echo "simbind testbed demo: ME binding by RAND pre-processing, through all five daemons, driven by the simbind CLI"
echo "  HSS admin $SIMBIND_HSS   UE control $SIMBIND_UE   prov back office $SIMBIND_PROV   keydir $SIMBIND_KEYDIR"
echo "  admin/control APIs: $([[ -n ${SIMBIND_TLS_CA:-} ]] && echo "mTLS (client certificate $(basename "${SIMBIND_TLS_CERT:-none}"))" || echo plaintext)"
ready=no
for _ in $(seq 150); do
  run ue status --json
  if [[ $RC -eq 0 && $(jget mme_connected "$OUT") == true ]]; then
    run hss list --limit 1 --json
    [[ $RC -eq 0 ]] && ready=yes && break
  fi
  sleep 0.2
done
if [[ $ready != yes ]]; then
  echo "the testbed does not answer (simbind-ue connected to the MME, simbind-hss): $OUT"
  echo "RESULT: FAIL - the testbed is not ready"
  exit 1
fi
run prov activate --imsi 001010000000000 --imei 35693803000000 --json  # an unknown IMEI: NOT_FOUND if prov answers
if [[ $OUT != *NOT_FOUND* ]]; then
  echo "simbind-prov's back office does not answer: $OUT"
  echo "RESULT: FAIL - the testbed is not ready"
  exit 1
fi

"$CLI" ue events --json >"$EVENTS" 2>"$WORK/events.err" &
EVENTS_PID=$!
sleep 1

# A run id: IMSIs 00101 77 RRRRR NNN and IMEIs 35693803 RRRRR D, unknown to the HSS, keydir and simbind-ue.
RUN=
for _ in $(seq 20); do
  r=$(( ( $(date +%s%N | cut -c10-16 | sed 's/^0*//;s/^$/0/') + RANDOM * 7 + $$ ) % 100000 ))
  r=$(printf '%05d' "$r")
  run hss get --imsi "${PLMN}77${r}001" --json
  [[ $RC -ne 0 && $OUT == *"no subscriber"* ]] || continue
  run ue status --imei "35693803${r}0" --json
  [[ $RC -ne 0 ]] || continue
  if [[ -n ${SIMBIND_LAB_OPERATOR_CERT:-} ]]; then
    run keydir get --imei "35693803${r}1" --cert "$SIMBIND_LAB_OPERATOR_CERT" --key "$SIMBIND_LAB_OPERATOR_KEY" --json
    [[ $OUT == *NOT_FOUND* ]] || continue
  fi
  RUN=$r
  break
done
[[ -n $RUN ]] || { echo "RESULT: FAIL - no unused run id found (is the HSS answering? $OUT)"; exit 1; }
imsi() { printf '%s77%s%03d' "$PLMN" "$RUN" "$1"; }
imei14() { printf '35693803%s%d' "$RUN" "$1"; }
echo "  run $RUN: subscribers $(imsi 1)..$(imsi 4), devices with IMEIs 35693803${RUN}1..6 (+ check digit)"

declare -A RESULT=()
finish() {  # finish KEY: the scenario's verdict from its failed checks
  if [[ $fails -eq 0 ]]; then RESULT[$1]=PASS; else RESULT[$1]=FAIL; fi
  printf '  RESULT (%s): %s\n' "$1" "${RESULT[$1]}"
}

# begin_scenario LETTER TITLE: a new section of the report with its own checks.
begin_scenario() {
  SCENARIO=$1
  fails=0
  LABEL=()
  banner "$2"
}

# bound_pair N_IMSI N_IMEI1 N_IMEI2: a binding-required subscriber S whose UICC is in UE-1 (FIRST) and bound to it
# over the air, and a second genuine device UE-2 (SECOND, registered in keydir, empty). Sets SETUP (ok or why not)
# and the binding before the scenario: BEFORE (text), B_BOUND, B_KME_ID.
bound_pair() {
  S=$(imsi "$1")
  new_subscriber "$S"
  make_device UE-1 "$(imei14 "$2")" "$S"
  FIRST=$DEV
  make_device UE-2 "$(imei14 "$3")"
  SECOND=$DEV
  SETUP=ok
  setup_bound "$S" "$FIRST" || SETUP="FAILED ($A_MESSAGE)"
  binding "$S"
  BEFORE=$BS_TEXT
  B_BOUND=$BS_BOUND B_KME_ID=$BS_KME_ID
}

# --- (a) scenario 2: over-the-air KME -----------------------------------------------------------------------------
begin_scenario a "(a) Scenario 2: KME established over the air (binding required, no KME yet)"
T0=$(now_us)
S=$(imsi 1)
new_subscriber "$S"
make_device UE-1 "$(imei14 1)" "$S"
A=$DEV
binding "$S"
BEFORE=$BS_TEXT
B_STATE=$BS_STATE B_KME=$BS_HAS_KME
attach "$A"
FIRST_NO_PDN=$A_NO_PDN FIRST_ESM=$A_ESM FIRST_MSG=$A_MESSAGE
binding "$S"
MID_STATE=$BS_STATE MID_BOUND=$BS_BOUND MID_KME_ID=$BS_KME_ID
wait_bearer "$A"
BEARER=$?
jset ST_KMES kmes "$UE_STATUS"
jset ST_IP ip "$UE_STATUS"
binding "$S"
echo "  subscriber $S (binding required) in UE-1 = device $A"
echo "  binding before: $BEFORE"
echo "  what happened:"
timeline "$T0" "$S"
echo "  binding after:  $BS_TEXT"
echo "  checks:"
check "binding before: none, no KME" "none false" "$B_STATE $B_KME"
check "first attach: registered without PDN connection, ESM #33 ($FIRST_MSG)" "true 33" "$FIRST_NO_PDN $FIRST_ESM"
check "KME delivered in the binding container, Rsp sent (ue events: kme-established)" yes \
  "$(yes_no event_has "$A" kme-established "KME-Id $MID_KME_ID ")"
check "HSS audit: kme-established, first binding, Rsp verified" yes \
  "$(yes_no audit_has "$S" kme-established established "first binding")"
check "binding after the first attach: established, bound to UE-1" "established $A" "$MID_STATE $MID_BOUND"
check "automatic re-attach with a default bearer (ue status: attached, IP)" "0 yes" "$BEARER $([[ -n $ST_IP ]] && echo yes || echo no)"
check "the re-attach was pre-processed under the new KME (HSS audit air pre-processed; ME KME confirmed)" "yes yes" \
  "$(yes_no audit_has "$S" air pre-processed "") $([[ $ST_KMES == *"/$MID_KME_ID (confirmed)"* ]] && echo yes || echo no)"
finish a

# --- (b) scenario 1: factory KME ----------------------------------------------------------------------------------
begin_scenario b "(b) Scenario 1: factory KME imported into prov and activated; the first attach is pre-processed"
T0=$(now_us)
S=$(imsi 2)
new_subscriber "$S"
make_device UE-1 "$(imei14 2)" "$S" --with-kme
A=$DEV
EXPORT=$WORK/UE-1-$(imei14 2).kme.enc
run ue status --imei "$A" --json
jset FACTORY_KMES kmes "$OUT"  # "PLMN/KME-Id"
FACTORY_KME_ID=
[[ $FACTORY_KMES =~ ^$PLMN/([0-9]+) ]] && FACTORY_KME_ID=${BASH_REMATCH[1]}
binding "$S"
BEFORE=$BS_TEXT
B_STATE=$BS_STATE
t=$(now_us)
run prov import --file "$EXPORT" --json
jset IMPORTED imported "$OUT"
step "$(lane "admin → prov")import the factory export (sealed under the transfer key): imported ${IMPORTED:-?}$([[ $RC -ne 0 ]] && echo " FAILED: $OUT")" "$t"
t=$(now_us)
run prov activate --imsi "$S" --imei "$A" --json
jset ACT_CODE result_code "$OUT"
jset ACT_KME_ID kme_id "$OUT"
step "$(lane "admin → prov")activate ($S, UE-1) -> Result-Code ${ACT_CODE:-none}: $(jget message "$OUT")" "$t"
binding "$S"
MID_STATE=$BS_STATE MID_BOUND=$BS_BOUND MID_KME_ID=$BS_KME_ID
attach "$A"
echo "  subscriber $S (binding required) in UE-1 = device $A, made at the factory with KME-Id ${FACTORY_KME_ID:-?}"
echo "  binding before: $BEFORE"
echo "  what happened:"
timeline "$T0" "$S"
binding "$S"
echo "  binding after:  $BS_TEXT"
echo "  checks:"
check "binding before: none" none "$B_STATE"
check "the device holds its factory KME (ue status)" yes "$([[ -n $FACTORY_KME_ID ]] && echo yes || echo no)"
check "prov imported the factory export" 1 "$IMPORTED"
check "activation: Binding-Activation answered 2001 with the factory KME-Id" "2001 $FACTORY_KME_ID" "$ACT_CODE $ACT_KME_ID"
check "binding after activation: established, factory KME-Id, bound to UE-1" "established $FACTORY_KME_ID $A" \
  "$MID_STATE $MID_KME_ID $MID_BOUND"
check "first attach: success, pre-processed, under the factory KME-Id ($A_MESSAGE)" "true true $FACTORY_KME_ID" \
  "$A_SUCCESS $A_PRE $A_KME_ID"
check "RAND on the air (RAND*) differs from the RAND the UICC ran on" differ \
  "$([[ -n $A_RAND_AIR && $A_RAND_AIR != "$A_RAND_USED" ]] && echo differ || echo same)"
check "a default bearer on the first attach" yes "$([[ -n $A_IP ]] && echo yes || echo no)"
finish b

# --- (c) a stolen UICC ------------------------------------------------------------------------------------------
begin_scenario c "(c) A stolen UICC: the bound UICC in another device is refused"
bound_pair 3 3 4
OWNER=$FIRST THIEF=$SECOND
T0=$(now_us)
move_uicc "$S" "$THIEF"
attach "$THIEF"
echo "  subscriber $S; UE-1 = device $OWNER (the owner), UE-2 = device $THIEF (genuine, registered in keydir)"
echo "  setup: the UICC attached in UE-1, got its KME over the air, re-attached, detached: $SETUP"
echo "  binding before: $BEFORE"
echo "  what happened:"
timeline "$T0" "$S"
binding "$S"
echo "  binding after:  $BS_TEXT"
echo "  checks:"
check "setup: bound to UE-1 over the air" "ok $OWNER" "$SETUP $B_BOUND"
check "UE-2 fails the pre-processed challenge: MAC failure #20 (no KME for it)" yes \
  "$(yes_no event_has "$THIEF" auth-failure "MAC failure (#20)")"
check "the MME reported it: HSS audit binding-failure-report, then the regular-vector fallback" "yes yes" \
  "$(yes_no audit_has "$S" binding-failure-report recorded "") $(yes_no audit_has "$S" air fallback "")"
check "the ULR from UE-2 is refused: not the bound device" yes \
  "$(yes_no audit_has "$S" ulr rejected "is not the bound device $OWNER")"
check "the attach in UE-2 is rejected with #6 Illegal ME ($A_MESSAGE)" "false 6" "$A_SUCCESS $A_EMM"
check "the binding did not move: still UE-1, same KME-Id" "$OWNER $B_KME_ID" "$BS_BOUND $BS_KME_ID"
finish c

# --- (d) an authorized device change ------------------------------------------------------------------------------
begin_scenario d "(d) An authorized device change: the new device is bound, the old one refused"
bound_pair 4 5 6
OLD=$FIRST NEW=$SECOND
T0=$(now_us)
run hss authorize-device --imsi "$S" --imei "$NEW" --json
jset AUTHORIZED authorized_imei "$OUT"
move_uicc "$S" "$NEW"
attach "$NEW"
NEW_NO_PDN=$A_NO_PDN NEW_MSG=$A_MESSAGE
binding "$S"
MID_BOUND=$BS_BOUND MID_KME_ID=$BS_KME_ID MID_AUTH=$BS_AUTHORIZED
wait_bearer "$NEW"
BEARER=$?
jset ST_KMES kmes "$UE_STATUS"
detach "$NEW"
move_uicc "$S" "$OLD"
attach "$OLD"
echo "  subscriber $S; UE-1 = device $OLD (the old device), UE-2 = device $NEW (the new one)"
echo "  setup: the UICC attached in UE-1, got its KME over the air, re-attached, detached: $SETUP"
echo "  binding before: $BEFORE"
echo "  what happened:"
timeline "$T0" "$S"
binding "$S"
echo "  binding after:  $BS_TEXT"
echo "  checks:"
check "setup: bound to UE-1 over the air" "ok $OLD" "$SETUP $B_BOUND"
check "admin authorized UE-2 as the next device" "$NEW" "$AUTHORIZED"
check "UE-2's first attach: registered without PDN while its KME is established ($NEW_MSG)" true "$NEW_NO_PDN"
check "HSS audit: kme-established for the authorized device change" yes \
  "$(yes_no audit_has "$S" kme-established established "authorized device change from IMEI $OLD")"
check "binding: UE-2, a new KME-Id, no authorization left" "$NEW yes none" \
  "$MID_BOUND $([[ -n $MID_KME_ID && $MID_KME_ID != "$B_KME_ID" ]] && echo yes || echo no) ${MID_AUTH:-none}"
check "UE-2 re-attaches with a bearer, pre-processed under its new KME (confirmed)" "0 yes" \
  "$BEARER $([[ $ST_KMES == *"/$MID_KME_ID (confirmed)"* ]] && echo yes || echo no)"
check "the old device UE-1 with the UICC is rejected with #6 Illegal ME ($A_MESSAGE)" "false 6" "$A_SUCCESS $A_EMM"
check "the binding stays with UE-2" "$NEW" "$BS_BOUND"
finish d

# --- summary ------------------------------------------------------------------------------------------------------
banner "Summary (run $RUN)"
passed=0
for key in a b c d; do
  case $key in
    a) what="scenario 2: KME over the air, then a pre-processed re-attach with a bearer" ;;
    b) what="scenario 1: factory KME imported and activated, the first attach pre-processed" ;;
    c) what="stolen UICC: #20, Binding-Failure-Report, fallback, ULR refused, #6 Illegal ME" ;;
    d) what="authorized device change: the new device bound, the old one refused with #6" ;;
  esac
  printf '  %s  (%s) %s\n' "${RESULT[$key]:-FAIL}" "$key" "$what"
  [[ ${RESULT[$key]:-} == PASS ]] && passed=$((passed + 1))
done
if [[ $passed -eq 4 ]]; then
  echo "RESULT: PASS - 4 of 4 scenarios behaved as designed: the UICC authenticates only inside its bound device"
  exit 0
fi
echo "RESULT: FAIL - $((4 - passed)) of 4 scenarios did not behave as designed"
exit 1
