#!/usr/bin/env python3
"""A configured Diameter peer acting as an attacker would must not take simbind-hss's Diameter service away from the
other peers (issue 14: H1, H2 and their kin), speak for another peer, or see its idle link dropped.

A real simbind-hss runs as a process on loopback; the peers are written here from RFC 6733 (diameter_wire.RawPeer).
  H1   bursts of requests that freeDiameter refuses by itself (R and E bits both set; no Destination-Realm; the P bit
       clear and no Destination-Realm; application 0; a realm the HSS does not serve), the sender closing at once,
       so that the stack's error answers find the peer gone;
  H2   an AIR whose Session-Id holds a NUL octet: answered 5004;
  after each, the HSS still runs, /healthz is 200 and another MME gets a valid AIA (2001);
  spoof  an MME whose requests carry another peer's Origin-Host (another MME's, simbind-prov's): 5012, no effect;
  idle   a peer link with no traffic but watchdogs stays up (diameter.idle_timeout 0, the default), and one with
         diameter.idle_timeout: 2 is dropped (the freeDiameter expiry that the default turns off).

  hostile_peer_test.py BUILD_DIR
Prints one PASS/FAIL line per case and "N passed, M failed". Run it with LD_LIBRARY_PATH pointing at Debian's
unpatched libfdcore to see H1/H2 stop the stack (and the HSS exit 69 with /healthz 503).
"""

import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diameter_wire as dw  # noqa: E402
from conformance_run import Daemon, Run, free_port, log_problems  # noqa: E402
from refusal_test import (G, HSS_ID, MME_ID, MME2_ID, REALM, S6A, air, head, request, result_of,  # noqa: E402
                          write_hss_config)

PROV_ID = "prov.refusal.simbind.lab"
BP_APP, BP_ACT, BV = 16809689, 16777215, 32473
IMSI = "001010000077001"
APPS = [(0, S6A), (G, S6A)]


def healthz(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError as e:
        return f"unreachable ({e})"


def metric(port, series):
    """The value of one series of the daemon's /metrics, or None."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=3) as r:
            for line in r.read().decode().splitlines():
                if line.startswith(series + " "):
                    return float(line.split()[-1])
    except OSError:
        pass
    return None


def air_for(origin, imsi=IMSI):
    avps = air(origin)
    return [dw.utf8(1, imsi) if a.code == 1 else a for a in avps]


def hostile_requests(kind):
    """One request of the given kind, and what freeDiameter does with it."""
    avps = air_for(MME_ID)
    if kind == "R and E bits":
        return dw.Message(318, dw.FLAG_R | dw.FLAG_P | dw.FLAG_E, S6A, avps)
    if kind == "no Destination-Realm":
        return dw.Message(318, dw.FLAG_R | dw.FLAG_P, S6A, [a for a in avps if a.code != 283])
    if kind == "P bit clear, no Destination-Realm":
        return dw.Message(318, dw.FLAG_R, S6A, [a for a in avps if a.code != 283])
    if kind == "application 0":
        return dw.Message(318, dw.FLAG_R | dw.FLAG_P, 0, avps)
    if kind == "a realm not served":
        return dw.Message(318, dw.FLAG_R | dw.FLAG_P, S6A,
                          [dw.utf8(283, "elsewhere.example") if a.code == 283 else a for a in avps])
    raise ValueError(kind)


def connect(identity, port, within=8.0, apps=APPS):
    """A RawPeer, once the HSS has let go of the same identity's previous connection (closed without DPR, it is
    refused with 5012 for a moment); the error text when it never connects."""
    deadline, error = time.time() + within, ""
    while time.time() < deadline:
        try:
            peer = dw.RawPeer(identity, REALM, port, apps)
            # A peer that comes back is in REOPEN until three watchdog exchanges (RFC 3539 3.4.1): freeDiameter
            # sends the DWRs at once and drops its answers to our requests until then. Wait for the DWRs to stop.
            for _ in range(10):
                if not peer.watchdog.wait(0.2):
                    break
                peer.watchdog.clear()
            return peer
        except (OSError, RuntimeError) as e:
            error = str(e)
            time.sleep(0.3)
    return error


def still_serves(hss, metrics_port):
    """The HSS runs, says it is healthy, and answers a valid AIR from another MME with 2001."""
    if hss.proc.poll() is not None:
        return False, f"simbind-hss exited with status {hss.proc.returncode}"
    health = healthz(metrics_port)
    other = connect(MME2_ID, hss.port)
    if isinstance(other, str):
        return False, f"/healthz {health}; MME2 cannot connect: {other}"
    try:
        aia = other.send(request(318, air_for(MME2_ID)), timeout=5)
    finally:
        other.close()
    code = result_of(aia) if aia else None
    return health == 200 and code == 2001, f"/healthz {health}, AIA to MME2: {code}"


MUTATIONS = int(os.environ.get("SIMBIND_MUTATIONS", "3000"))
CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fuzz", "corpus", "diameter_fuzz")


def mutate(message, rng):
    """One fuzzer-like change to a Diameter message, its header length kept equal to its size."""
    b = bytearray(message)
    kind = rng.randrange(6)
    if kind == 0:  # flip a few bits
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
    elif kind == 1:  # set bytes to edge values
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(20, len(b)) if len(b) > 20 else 0] = rng.choice((0, 0xFF, 0x7F, 0x80, 0x01))
    elif kind == 2:  # cut the tail
        b = b[:rng.randint(20, len(b))]
    elif kind == 3:  # repeat a slice (AVPs twice)
        i = rng.randrange(20, len(b)) if len(b) > 20 else 20
        j = min(len(b), i + rng.randint(4, 64))
        b = b[:j] + b[i:j] * rng.randint(1, 20) + b[j:]
    elif kind == 4:  # an AVP length made wrong
        if len(b) > 28:
            i = 20 + 4 * rng.randrange((len(b) - 28) // 4 + 1)
            b[i + 5:i + 8] = rng.randrange(1 << 24).to_bytes(3, "big")
    else:  # random bytes after the header
        b = b[:20] + bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))
    b[0] = 1  # version 1: anything else is not even a Diameter message
    b[1:4] = len(b).to_bytes(3, "big")
    if len(b) < 20:
        b += bytes(20 - len(b))
        b[1:4] = len(b).to_bytes(3, "big")
    return bytes(b)


def mutate_and_send(port, count):
    import random
    rng = random.Random(14)
    seeds = []
    if os.path.isdir(CORPUS):
        for name in sorted(os.listdir(CORPUS)):
            with open(os.path.join(CORPUS, name), "rb") as f:
                seeds.append(f.read())
    seeds.append(request(318, air_for(MME_ID)).encode())
    sent = reconnects = 0
    peer = None
    while sent < count:
        if peer is None:
            peer = connect(MME_ID, port)
            if isinstance(peer, str):
                return sent, reconnects
            reconnects += 1
        batch = b"".join(mutate(rng.choice(seeds), rng) for _ in range(50))
        try:
            peer.sock.sendall(batch)
            sent += 50
        except OSError:
            peer.close()
            peer = None
            time.sleep(0.2)
            continue
        if peer.closed.wait(0.05):
            peer.close()
            peer = None
    if peer:
        peer.close()
    return sent, reconnects - 1


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
    run = Run("simbind-hostile-")
    work, check, daemons = run.work, run.check, run.daemons

    try:
        hss_port, admin_port, metrics_port = free_port(), free_port(), free_port()
        config = write_hss_config(work, "hss", hss_port, admin_port, [MME_ID, MME2_ID, PROV_ID],
                                  f"metrics: {{listen: 127.0.0.1:{metrics_port}}}\n")
        hss = Daemon("hss", [f"{build}/services/hss/simbind-hss", "--config", config], f"{work}/hss.log")
        hss.port = hss_port
        daemons.append(hss)
        if not hss.wait_log("simbind-hss ready"):
            print("FAIL: simbind-hss did not start\n" + hss.log()[-2000:])
            return 1
        subprocess.run([f"{build}/services/cli/simbind", "hss", "create", "--imsi", IMSI, "--k", secrets.token_hex(16),
                        "--opc", secrets.token_hex(16), "--hss", f"127.0.0.1:{admin_port}"],
                       check=True, capture_output=True)
        ok, detail = still_serves(hss, metrics_port)
        check("baseline: a valid AIR from MME2 is answered 2001, /healthz 200", ok, detail)

        # H1 and its kin: each request is refused by freeDiameter itself (return_error), whose answer goes to a
        # peer that has already closed. 400 of them queue up so that most are refused after the close.
        h1_started = time.time()
        for kind in ["R and E bits", "no Destination-Realm", "P bit clear, no Destination-Realm", "application 0",
                     "a realm not served"]:
            peer = connect(MME_ID, hss_port)
            if isinstance(peer, str):
                check(f"H1 ({kind}): MME1 connects", False, peer)
                continue
            burst = b"".join(peer._stamp(hostile_requests(kind)).encode() for _ in range(400))
            peer.sock.sendall(burst)
            peer.close()
            time.sleep(1.0)
            ok, detail = still_serves(hss, metrics_port)
            check(f"H1: 400 requests with {kind}, the sender gone at once: the HSS still serves", ok, detail)

        # H3: counted, and the log keeps to a few lines a second (2,000 refusals above).
        # (Most of each burst never gets read: freeDiameter drops what is left in a connection once it breaks.)
        refused = sum(metric(metrics_port, f'simbind_hss_diameter_refused_total{{reason="{r}"}}') or 0
                      for r in ("parsing_error", "routing_error", "dropped"))
        lines = sum(hss.log().count(f"diameter: {what}") for what in ("refused ", "routing error", "dropped"))
        budget = 20 * (time.time() - h1_started + 1)
        check("H3: the refusals are counted (diameter_refused_total) and logged at most 20 lines a second",
              refused >= 200 and lines <= budget, f"counted {refused:.0f}, logged {lines}, budget {budget:.0f}")

        # H2: a Session-Id with a NUL octet, on a connection that stays open: answered, and the next AIR too.
        peer = connect(MME_ID, hss_port)
        if isinstance(peer, str):
            check("H2: MME1 connects", False, peer)
            return 1
        try:
            avps = air_for(MME_ID)
            avps[0] = dw.utf8(263, f"{MME_ID};\x00;{secrets.randbelow(1 << 30)}")
            answer = peer.send(request(318, avps), timeout=5)
            code = result_of(answer) if answer else None
            check("H2: an AIR whose Session-Id holds a NUL octet is answered 5004 DIAMETER_INVALID_AVP_VALUE",
                  code == 5004, f"answer {code}")
            # AIRs that are well formed but mean nothing (issue 14): refused, not answered with a vector.
            base = air_for(MME_ID)

            def swap(code, new):
                return [new if a.code == code else a for a in base]

            edge = {
                "Visited-PLMN-Id ff ff ff": (swap(1407, dw.Avp(1407, b"\xff\xff\xff", dw.AVP_M, G)), 5004),
                "Number-Of-Requested-Vectors 0": (swap(1408, dw.grouped(1408, [dw.u32(1410, 0, G)], G)), 5004),
                "1,000 Requested-EUTRAN-Authentication-Info": (
                    base + [dw.grouped(1408, [dw.u32(1410, 1, G)], G)] * 999, 5009),
                "Supported-Features without Feature-List": (
                    base + [dw.grouped(628, [dw.u32(266, G), dw.u32(629, 1, G, 0)], G, 0)], 5004),
            }
            for name, (avps, expected) in edge.items():
                answer = peer.send(request(318, avps), timeout=5)
                code = result_of(answer) if answer else None
                vectors = answer.find(1413, G) if answer else None
                check(f"AIR with {name}: answered {expected}, no vector", code == expected and vectors is None,
                      f"answer {code}, Authentication-Info {'present' if vectors else 'absent'}")
            valid = peer.send(request(318, air_for(MME_ID)), timeout=5)
            check("H2: the same peer's next, valid AIR is answered 2001",
                  valid is not None and result_of(valid) == 2001, f"answer {result_of(valid) if valid else None}")
        finally:
            peer.close()
        ok, detail = still_serves(hss, metrics_port)
        check("H2: afterwards the HSS still serves", ok, detail)

        # One configured peer speaking for another: refused before any handler runs, whatever the command.
        mme2 = connect(MME2_ID, hss_port)
        if isinstance(mme2, str):
            check("spoof: MME2 connects", False, mme2)
            return 1
        prov_like = None
        try:
            pur = mme2.send(request(321, head(MME_ID) + [dw.utf8(1, IMSI)]), timeout=5)
            check("spoof: MME2 sending a PUR with MME1's Origin-Host gets 5012 DIAMETER_UNABLE_TO_COMPLY",
                  pur is not None and result_of(pur) == 5012, f"answer {result_of(pur) if pur else None}")
            mme2.close()
            prov_like = connect(MME2_ID, hss_port, apps=[(BV, BP_APP)] + APPS)
            bar = prov_like.send(dw.Message(BP_ACT, dw.FLAG_R | dw.FLAG_P, BP_APP, head(PROV_ID, HSS_ID) + [
                dw.utf8(1, IMSI), dw.grouped(1401, [dw.utf8(1402, "35693803564380", G)], G),
                dw.Avp(2, (7).to_bytes(4, "big"), 0, BV), dw.Avp(10, secrets.token_bytes(24), 0, BV)]), timeout=5)
            check("spoof: MME2 sending a Binding-Activation-Request as simbind-prov gets 5012",
                  bar is not None and result_of(bar) == 5012, f"answer {result_of(bar) if bar else None}")
        finally:
            mme2.close()
            if prov_like and not isinstance(prov_like, str):
                prov_like.close()
        logged = hss.wait_log(r"refused Purge-UE-Request from peer " + MME2_ID.replace(".", r"\.") +
                              r": its Origin-Host " + MME_ID.replace(".", r"\.") + " names another node", 5)
        check("spoof: the HSS log names the peer and the Origin-Host it claimed", logged)
        status = subprocess.run([f"{build}/services/cli/simbind", "hss", "get", "--imsi", IMSI, "--hss",
                                 f"127.0.0.1:{admin_port}"], capture_output=True, text=True)
        check("spoof: the subscriber is still there", status.returncode == 0 and IMSI in status.stdout,
              status.stderr[-300:])

        # Idle links: the default keeps them; idle_timeout: 2 shows the expiry it turns off is real.
        idle = connect(MME_ID, hss_port)
        dropped = idle.closed.wait(9)
        idle.close()
        check("idle: with the default idle_timeout (0), a link with only watchdogs for 9 s stays up", not dropped)
        hss2_port, admin2_port = free_port(), free_port()
        config2 = write_hss_config(work, "hss-idle", hss2_port, admin2_port, [MME_ID])
        with open(config2) as f:
            text = f.read()
        with open(config2, "w") as f:
            f.write(text.replace("  tc_timer: 1\n", "  tc_timer: 1\n  idle_timeout: 2\n"))
        hss2 = Daemon("hss-idle", [f"{build}/services/hss/simbind-hss", "--config", config2], f"{work}/hss-idle.log")
        daemons.append(hss2)
        if hss2.wait_log("simbind-hss ready"):
            idle2 = dw.RawPeer(MME_ID, REALM, hss2_port, APPS)
            started = time.time()
            dropped = idle2.closed.wait(9)
            idle2.close()
            check("idle: with idle_timeout: 2, the same idle link is dropped (after "
                  f"{time.time() - started:.1f} s)", dropped)
        else:
            check("idle: simbind-hss with idle_timeout: 2 starts", False, hss2.log()[-1000:])

        # Mutation: thousands of S6a/Bp messages from the committed fuzz seeds (captured from the e2e tests) and
        # a valid AIR, each altered as a fuzzer would, with the Diameter length kept right so that each reaches
        # the parser; the peer reconnects whenever the HSS drops the connection.
        sent, reconnects = mutate_and_send(hss_port, MUTATIONS)
        ok, detail = still_serves(hss, metrics_port)
        check(f"mutation: {sent} mutated messages ({reconnects} reconnections), then the HSS still serves", ok, detail)
        sanitizer, unprintable = log_problems(hss)
        check("mutation: no sanitizer report in the HSS log", not sanitizer, "; ".join(sanitizer[:2]))

        ok, detail = still_serves(hss, metrics_port)
        check("at the end: the HSS still serves", ok, detail)
        unprintable = log_problems(hss)[1]
        check("no unprintable octet in any line of the HSS log", not unprintable, repr(unprintable[:2]))
    finally:
        run.close()
    return run.status()


if __name__ == "__main__":
    sys.exit(main())
