#!/usr/bin/env python3
"""A peer's S6a message that breaks its TS 29.272 clause 7.2 ABNF is refused as a stock peer (Open5GS) refuses it,
and the refusing daemon's log names the command, the peer and the AVP.

Real simbind-hss, simbind-mme and simbind-ue run as processes on loopback; between the MME and the HSS sits a relay
written here from RFC 6733 (diameter_wire.py), which removes one AVP from the messages of one command, or sends
requests of its own. Per command:
  requests  AIR, ULR, PUR, NOR to simbind-hss; CLR, IDR to simbind-mme, each without a required AVP:
            answered 5005 DIAMETER_MISSING_AVP with Failed-AVP naming it;
  answers   AIA, ULA to simbind-mme, CLA to simbind-hss, each without Auth-Session-State: dropped, and the attach
            or the cancellation does not complete on it.
Then Bp and the binding IDR, with an HSS whose over-the-air KME establishment is on and two peers written here
(diameter_wire.RawPeer) in the roles of a binding-capable MME and of simbind-prov:
  Binding-Activation-Request without KME-Id to simbind-hss: 5005; KME-Establishment-Answer and the IDA of the
  binding container without Auth-Session-State to simbind-hss: dropped, nothing stored.

  refusal_test.py BUILD_DIR
Prints one PASS/FAIL line per case and "N passed, M failed".
"""

import os
import re
import secrets
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diameter_wire as dw  # noqa: E402
from conformance_run import Daemon, Run, free_port, write_key  # noqa: E402

S6A = 16777251
G = 10415
HSS_ID, MME_ID, MME2_ID, REALM = "hss.refusal.simbind.lab", "mme.refusal.simbind.lab", "mme2.refusal.simbind.lab", "simbind.lab"
IMSI, IMEI = "001010000012345", "35693803564380"
K, OPC = secrets.token_hex(16), secrets.token_hex(16)
AVP_NAMES = {277: "Auth-Session-State", 1407: "Visited-PLMN-Id", 1405: "ULR-Flags", 1: "User-Name",
             1420: "Cancellation-Type", 1400: "Subscription-Data"}


def write_mme_ue_configs(work, mme_log_level, mme_id, hss_id, hss_port, mme_port, nas_port, ue_port, storage_key, ue):
    """work/mme.yaml (mme_id; its S6a peer hss_id at 127.0.0.1:hss_port), work/ue.yaml and work/profiles.yaml with
    one UE (imei, imsi, k, opc)."""
    imei, imsi, k, opc = ue
    with open(f"{work}/mme.yaml", "w") as f:
        f.write(f"""log_level: {mme_log_level}
diameter:
  identity: {mme_id}
  realm: {REALM}
  port: {mme_port}
  tc_timer: 1
  peers:
    - identity: {hss_id}
      address: 127.0.0.1
      port: {hss_port}
hss:
  timeout_ms: 2000
  ulr_timeout_ms: 2000
nas:
  port: {nas_port}
""")
    with open(f"{work}/ue.yaml", "w") as f:
        f.write(f"""log_level: info
mme: {{address: 127.0.0.1, port: {nas_port}}}
network: {{plmn: "00101"}}
store: {{directory: {work}/devices, storage_key_file: {storage_key}}}
control: {{listen: 127.0.0.1:{ue_port}}}
""")
    with open(f"{work}/profiles.yaml", "w") as f:
        f.write(f"""ues:
  - imei: "{imei}"
    uicc: {{imsi: "{imsi}", k: {k}, opc: {opc}}}
""")


def start_hss_mme_ue(build, work, daemons, hss_config, hss_id, subscriber, admin_port, ue_port):
    """simbind-hss, simbind-mme (work/mme.yaml, its S6a peer hss_id) and simbind-ue (work/ue.yaml) started in order,
    each appended to `daemons`; the subscriber (imsi, k, opc) created at the HSS and work/profiles.yaml's UEs at the
    UE. Returns (hss, mme, ue), or None after printing why one did not come up."""
    cli = f"{build}/services/cli/simbind"
    steps = [("hss", "simbind-hss", hss_config, "simbind-hss ready", 20),
             ("mme", "simbind-mme", f"{work}/mme.yaml", f"S6a connection to {re.escape(hss_id)} open", 30),
             ("ue", "simbind-ue", f"{work}/ue.yaml", "simbind-ue ready", 20)]
    started = []
    for name, binary, config, ready, timeout in steps:
        d = Daemon(name, [f"{build}/services/{name}/{binary}", "--config", config], f"{work}/{name}.log")
        daemons.append(d)
        if not d.wait_log(ready, timeout):
            print(f"FAIL: {binary} did not come up ({ready})\n" + d.log()[-2000:])
            return None
        started.append(d)
    imsi, k, opc = subscriber
    subprocess.run([cli, "hss", "create", "--imsi", imsi, "--k", k, "--opc", opc, "--hss", f"127.0.0.1:{admin_port}"],
                   check=True, capture_output=True)
    subprocess.run([cli, "ue", "create", "--profiles", f"{work}/profiles.yaml", "--ue", f"127.0.0.1:{ue_port}"],
                   check=True, capture_output=True)
    return tuple(started)


def write_hss_config(work, name, hss_port, admin_port, peers, extra=""):
    """An HSS configuration whose store and master key are named after `name`; returns its path."""
    key = write_key(work, f"{name}-master.key", secrets.token_hex(32))
    path = f"{work}/{name}.yaml"
    with open(path, "w") as f:
        f.write(f"""log_level: info
diameter:
  identity: {HSS_ID}
  realm: {REALM}
  port: {hss_port}
  tc_timer: 1
  peers:
""" + "".join(f"    - identity: {p}\n" for p in peers) + f"""store: {{path: {work}/{name}.db, master_key_file: {key}}}
admin: {{listen: 127.0.0.1:{admin_port}}}
""" + extra)
    return path


def request(code, avps, app=S6A):
    return dw.Message(code, dw.FLAG_R | dw.FLAG_P, app, avps)


def head(origin, dest_host=None):
    avps = [dw.utf8(263, f"{origin};refusal;{secrets.randbelow(1 << 30)}"), dw.u32(277, 1), dw.utf8(264, origin),
            dw.utf8(296, REALM)]
    if dest_host:
        avps.append(dw.utf8(293, dest_host))
    return avps + [dw.utf8(283, REALM)]


def air(origin=MME_ID):
    return head(origin) + [dw.utf8(1, IMSI), dw.Avp(1407, b"\x00\xf1\x10", dw.AVP_M, G),
                           dw.grouped(1408, [dw.u32(1410, 1, G)], G)]


def ulr(origin=MME_ID):
    return head(origin) + [dw.utf8(1, IMSI), dw.u32(1032, 1004, G), dw.u32(1405, 34, G),
                           dw.Avp(1407, b"\x00\xf1\x10", dw.AVP_M, G)]


def pur():
    return head(MME_ID) + [dw.utf8(1, IMSI)]


def nor():
    return head(MME_ID) + [dw.utf8(1, IMSI)]


def clr():
    return head(HSS_ID, MME_ID) + [dw.utf8(1, IMSI), dw.u32(1420, 0, G)]


def idr():
    return head(HSS_ID, MME_ID) + [dw.utf8(1, IMSI), dw.grouped(1400, [], G), dw.u32(1490, 0, G)]


def result_of(answer):
    rc = answer.find(268)
    if rc:
        return rc.u32()
    er = answer.find(297)
    if er:
        for c in er.children():
            if c.code == 298:
                return c.u32()
    return None


def failed_avp_codes(answer):
    f = answer.find(279)
    return [c.code for c in f.children()] if f else []


PROV_ID, BP_APP, BP_KME, BP_ACT, BV = "prov.refusal.simbind.lab", 16809689, 16777214, 16777215, 32473


def binding_cases(build, work, check):
    """Bp and the binding IDR towards simbind-hss, with raw peers as the MME and as simbind-prov."""
    from cryptography.hazmat.primitives.keywrap import aes_key_wrap_with_padding
    hss_port, admin_port = free_port(), free_port()
    kek = secrets.token_bytes(16)
    kek_file = write_key(work, "kek.key", kek.hex())
    config = write_hss_config(work, "hss-binding", hss_port, admin_port, [MME_ID, PROV_ID], f"""binding:
  kek_file: {kek_file}
  prov_identity: {PROV_ID}
  prov_timeout_ms: 1500
  ida_timeout_ms: 1500
""")
    hss = Daemon("hss-binding", [f"{build}/services/hss/simbind-hss", "--config", config],
                 f"{work}/hss-binding.log")
    peers = []
    try:
        if not hss.wait_log("simbind-hss ready"):
            check("simbind-hss with over-the-air KME starts", False, hss.log()[-1500:])
            return [hss]
        imsi = "001010000054321"
        subprocess.run([f"{build}/services/cli/simbind", "hss", "create", "--imsi", imsi, "--k", K, "--opc", OPC,
                        "--binding", "required", "--hss", f"127.0.0.1:{admin_port}"], check=True, capture_output=True)
        mode = {"kma": "no-auth-session-state", "ida": "no-auth-session-state"}

        def prov_request(req):
            if req.code != BP_KME:
                return None
            if mode["kma"] == "no-auth-session-state":
                return prov.answer_to(req, [dw.u32(268, 2001), dw.Avp(5, b"\x01" * 40, 0, BV)])
            kme = secrets.token_bytes(16)
            return prov.answer_to(req, [dw.u32(268, 2001), dw.u32(277, 1), dw.Avp(5, b"\x02" * 48, 0, BV),
                                        dw.Avp(10, aes_key_wrap_with_padding(kek, kme), 0, BV),
                                        dw.Avp(2, struct.pack("!I", 77), 0, BV), dw.Avp(7, struct.pack("!I", 1), 0, BV)])

        def mme_request(req):
            if req.code == 319:  # the IDR with the binding container: answered without Auth-Session-State
                return mme.answer_to(req, [dw.u32(268, 2001)])
            return None

        mme = dw.RawPeer(MME_ID, REALM, hss_port, [(G, S6A)], mme_request)
        prov = dw.RawPeer(PROV_ID, REALM, hss_port, [(BV, BP_APP)], prov_request)
        peers += [mme, prov]

        def binding_ulr():
            # Within 5 s although prov_timeout_ms and ida_timeout_ms are 1.5 s: a refused answer ends its request
            # at once, it does not leave it pending for ever.
            avps = head(MME_ID) + [
                dw.utf8(1, imsi),
                dw.grouped(628, [dw.u32(266, BV), dw.u32(629, 1, G, 0), dw.u32(630, 1, G, 0)], G, 0),
                dw.grouped(1401, [dw.utf8(1402, IMEI, G), dw.utf8(1403, "01", G)], G),
                dw.u32(1032, 1004, G), dw.u32(1405, 34, G), dw.Avp(1407, b"\x00\xf1\x10", dw.AVP_M, G)]
            return mme.send(request(316, avps), timeout=5.0)

        def binding_state():
            r = subprocess.run([f"{build}/services/cli/simbind", "hss", "binding-status", "--imsi", imsi, "--json",
                                "--hss", f"127.0.0.1:{admin_port}"], capture_output=True, text=True)
            return r.stdout

        since = len(hss.log())
        ula = binding_ulr()
        logged = hss.wait_log(rf"refused KME-Establishment-Answer from {re.escape(PROV_ID)}: missing Auth-Session-State",
                              5, since)
        state = binding_state()
        check("KME-Establishment-Answer without Auth-Session-State to simbind-hss: dropped, logged, the ULR answered "
              "with an error at once, nothing stored",
              logged and ula is not None and result_of(ula) != 2001 and '"none"' in state,
              f"logged {logged}, ULA {result_of(ula) if ula else None}, binding {state}")

        mode["kma"] = "conforming"
        since = len(hss.log())
        ula = binding_ulr()
        logged = hss.wait_log(rf"refused Insert-Subscriber-Data-Answer from {re.escape(MME_ID)}: "
                              r"missing Auth-Session-State", 5, since)
        state = binding_state()
        check("IDA (binding container) without Auth-Session-State to simbind-hss: dropped, logged, the ULR answered "
              "with an error at once, nothing stored",
              logged and ula is not None and result_of(ula) != 2001 and '"none"' in state,
              f"logged {logged}, ULA {result_of(ula) if ula else None}, binding {state}")

        since = len(hss.log())
        bar = prov.send(dw.Message(BP_ACT, dw.FLAG_R | dw.FLAG_P, BP_APP, head(PROV_ID, HSS_ID) + [
            dw.utf8(1, imsi), dw.grouped(1401, [dw.utf8(1402, IMEI, G)], G),
            dw.Avp(10, secrets.token_bytes(24), 0, BV)]))
        logged = hss.wait_log(rf"refused Binding-Activation-Request from {re.escape(PROV_ID)}: missing KME-Id", 5, since)
        check("Binding-Activation-Request without KME-Id to simbind-hss: 5005 with Failed-AVP KME-Id, logged",
              bar is not None and result_of(bar) == 5005 and 2 in failed_avp_codes(bar) and logged,
              f"result {result_of(bar) if bar else None}, Failed-AVP {failed_avp_codes(bar) if bar else None}, "
              f"logged {logged}")
    finally:
        for p in peers:
            p.close()
    return [hss]


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
    run = Run("simbind-refusal-")
    work, check, daemons = run.work, run.check, run.daemons

    hss_port, admin_port, relay_port = free_port(), free_port(), free_port()
    mme_port, nas_port, ue_port = free_port(), free_port(), free_port()
    storage_key = write_key(work, "storage.key", secrets.token_hex(32))
    hss_config = write_hss_config(work, "hss", hss_port, admin_port, [MME_ID, MME2_ID])
    write_mme_ue_configs(work, "debug", MME_ID, HSS_ID, relay_port, mme_port, nas_port, ue_port, storage_key,
                         (IMEI, IMSI, K, OPC))

    relay_log = []
    relay = dw.TamperRelay(relay_port, hss_port, relay_log.append)
    cli = f"{build}/services/cli/simbind"
    try:
        started = start_hss_mme_ue(build, work, daemons, hss_config, HSS_ID, (IMSI, K, OPC), admin_port, ue_port)
        if started is None:
            return 1
        hss, mme, ue = started

        def attach():
            r = subprocess.run([cli, "ue", "attach", "--imei", IMEI, "--ue", f"127.0.0.1:{ue_port}", "--timeout", "30"],
                               capture_output=True, text=True)
            subprocess.run([cli, "ue", "detach", "--imei", IMEI, "--ue", f"127.0.0.1:{ue_port}"], capture_output=True)
            return r.returncode == 0, (r.stdout + r.stderr).strip()

        ok, out = attach()
        check("baseline: an attach through the relay, nothing removed", ok, out)

        # diameter.listen 127.0.0.1: the HSS's CEA advertises that address alone, not the host's others.
        ceas = [m for d, m in relay.seen if d == "server->client" and m.code == 257 and not m.request]
        addrs = sorted({".".join(str(b) for b in a.data[2:6]) for m in ceas for a in m.avps if a.code == 257})
        check("the HSS (diameter.listen 127.0.0.1) advertises only 127.0.0.1 in its CEA", addrs == ["127.0.0.1"],
              f"Host-IP-Address {addrs}")

        # ----- requests without a required AVP: 5005 and Failed-AVP, and a log line naming all three -----------
        cases = [("server", 318, "Authentication-Information-Request", air(), 1407, hss),
                 ("server", 318, "Authentication-Information-Request", air(), 277, hss),
                 ("server", 316, "Update-Location-Request", ulr(), 1405, hss),
                 ("server", 321, "Purge-UE-Request", pur(), 1, hss),
                 ("server", 323, "Notify-Request", nor(), 1, hss),
                 ("client", 317, "Cancel-Location-Request", clr(), 1420, mme),
                 ("client", 319, "Insert-Subscriber-Data-Request", idr(), 1400, mme)]
        for side, code, name, avps, missing, daemon in cases:
            since = len(daemon.log())
            peer = MME_ID if side == "server" else HSS_ID
            hbh = relay.inject(side, request(code, [a for a in avps if a.code != missing]))
            answer = None
            for _ in range(50):
                answer = relay.answer(hbh)
                if answer:
                    break
                time.sleep(0.1)
            label = f"{name} without {AVP_NAMES[missing]} to simbind-{daemon.name}"
            if answer is None:
                check(label, False, "no answer")
                continue
            rc, failed = result_of(answer), failed_avp_codes(answer)
            logged = daemon.wait_log(rf"refused {name} from {re.escape(peer)}: missing {AVP_NAMES[missing]}", 5, since)
            state = answer.find(277)
            check(f"{label}: 5005 with Failed-AVP {AVP_NAMES[missing]} and Auth-Session-State, logged with command, "
                  "peer and AVP", rc == 5005 and missing in failed and logged and state is not None,
                  f"result {rc}, Failed-AVP {failed}, logged {logged}, Auth-Session-State {state is not None}")

        # ----- answers without Auth-Session-State: dropped by the receiver, which logs why -----------------------
        for code, name in ((318, "Authentication-Information-Answer"), (316, "Update-Location-Answer")):
            relay.drop(code, False, 277)
            since = len(mme.log())
            ok, out = attach()
            relay.clear()
            logged = mme.wait_log(rf"refused {name} from {re.escape(HSS_ID)}: missing Auth-Session-State", 5, since)
            check(f"{name} without Auth-Session-State to simbind-mme: dropped (the attach fails), logged",
                  not ok and logged, f"attach ok={ok} ({out}); logged {logged}")

        ok, out = attach()
        check("an attach after the tampering: the MME and the HSS serve as before", ok, out)

        # CLR from the HSS when another MME registers the subscriber: a ULR from mme2, on a connection of its own
        # (the HSS refuses a request whose Origin-Host is not the peer it came from).
        relay.drop(317, False, 277)
        since = len(hss.log())
        mme2 = dw.RawPeer(MME2_ID, REALM, hss_port, [(G, S6A)])
        try:
            ula = mme2.send(request(316, ulr(MME2_ID)), timeout=10)
        finally:
            mme2.close()
        logged = hss.wait_log(rf"refused Cancel-Location-Answer from {re.escape(MME_ID)}: missing Auth-Session-State",
                              10, since)
        relay.clear()
        check("Cancel-Location-Answer without Auth-Session-State to simbind-hss: dropped, logged",
              logged, f"ULA to mme2: {result_of(ula) if ula else None}; hss log tail: {hss.log()[since:][-600:]}")
        daemons.extend(binding_cases(build, work, check))

        # At log level debug, freeDiameter's thread cancellation used to cut a log line ("LOG ERROR").
        lost = [d.name for d in daemons if "LOG ERROR" in d.log()]
        check("no log line lost (the MME logs at debug level)", not lost, f"LOG ERROR in {lost}")
    finally:
        def show_logs():
            for d in daemons:
                print(f"--- {d.name} log (tail)\n{d.log()[-3000:]}")
            print("--- relay\n" + "\n".join(relay_log[-20:]))
        run.close(show_logs)
    return run.status()


if __name__ == "__main__":
    sys.exit(main())
