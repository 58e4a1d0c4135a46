#!/usr/bin/env python3
"""A hostile UE against the real simbind-mme (issue 14): thousands of mutated NAS/TCP frames, then a real UE still
attaches, the attached UE keeps its context, and the MME's log holds no sanitizer report.

simbind-hss, simbind-mme and simbind-ue run as processes on loopback. The hostile side opens raw NAS/TCP connections
(docs/MME.md, "NAS over TCP: the framing") and sends frames whose NAS PDUs are the committed fuzz seeds
(tests/fuzz/corpus/nas_fuzz, cut from e2e captures) altered as a fuzzer would: some with a correct frame length,
some with a broken stream. Before and after, a real UE attaches through simbind-ue.

  hostile_ue_test.py BUILD_DIR
Prints one PASS/FAIL line per case and "N passed, M failed". SIMBIND_MUTATIONS sets the number of frames (3000).
"""

import os
import random
import secrets
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conformance_run import Run, free_port, log_problems, write_key  # noqa: E402
from refusal_test import start_hss_mme_ue, write_hss_config, write_mme_ue_configs  # noqa: E402

HSS_ID, MME_ID, REALM = "hss.hostile-ue.simbind.lab", "mme.hostile-ue.simbind.lab", "simbind.lab"
IMSI, IMEI = "001010000066001", "35693803564381"
K, OPC = secrets.token_hex(16), secrets.token_hex(16)
MUTATIONS = int(os.environ.get("SIMBIND_MUTATIONS", "3000"))
CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fuzz", "corpus", "nas_fuzz")


def frame(ue_id, payload, kind=0):
    return (5 + len(payload)).to_bytes(2, "big") + ue_id.to_bytes(4, "big") + bytes([kind]) + payload


def mutate(pdu, rng):
    b = bytearray(pdu)
    kind = rng.randrange(5)
    if kind == 0 and b:
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
    elif kind == 1 and b:
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(len(b))] = rng.choice((0, 0xFF, 0x7F, 0x80, 0x07, 0x41))
    elif kind == 2:
        b = b[:rng.randint(0, len(b))]
    elif kind == 3 and b:
        i = rng.randrange(len(b))
        b = b[:i] + b[i:i + rng.randint(1, 32)] * rng.randint(1, 30) + b[i:]
    else:
        b = bytes([0x07, rng.choice((0x41, 0x44, 0x45, 0x4C, 0x5D, 0x5E, 0x68))]) + bytes(
            rng.randrange(256) for _ in range(rng.randint(0, 120)))
    return bytes(b[:65000])


def send_mutations(nas_port, count, seeds):
    rng = random.Random(24301)
    sent = connections = 0
    while sent < count:
        try:
            s = socket.create_connection(("127.0.0.1", nas_port), timeout=5)
        except OSError:
            time.sleep(0.2)
            continue
        connections += 1
        try:
            for _ in range(100):
                if rng.randrange(50) == 0:  # now and then a broken stream: a length below 5, or garbage
                    s.sendall(rng.choice((b"\x00\x02\x00\x00", bytes(rng.randrange(256) for _ in range(64)))))
                    sent += 1
                    break
                s.sendall(frame(rng.randrange(1, 50), mutate(rng.choice(seeds), rng), rng.choice((0, 0, 0, 1, 9))))
                sent += 1
            time.sleep(0.01)
        except OSError:
            pass
        finally:
            s.close()
    return sent, connections


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
    run = Run("simbind-hostile-ue-")
    work, check, daemons = run.work, run.check, run.daemons

    hss_port, admin_port, mme_port, nas_port, ue_port = (free_port() for _ in range(5))
    storage_key = write_key(work, "storage.key", secrets.token_hex(32))
    hss_config = write_hss_config(work, "hss", hss_port, admin_port, [MME_ID])
    with open(hss_config) as f:
        text = f.read().replace("hss.refusal.simbind.lab", HSS_ID)
    with open(hss_config, "w") as f:
        f.write(text)
    write_mme_ue_configs(work, "info", MME_ID, HSS_ID, hss_port, mme_port, nas_port, ue_port, storage_key,
                         (IMEI, IMSI, K, OPC))
    seeds = []
    if os.path.isdir(CORPUS):
        for name in sorted(os.listdir(CORPUS)):
            with open(os.path.join(CORPUS, name), "rb") as fh:
                data = fh.read()
            if len(data) > 1:
                seeds.append(data[1:])  # the first octet selects the harness's decoder
    if not seeds:
        print("FAIL: no seed in tests/fuzz/corpus/nas_fuzz")
        return 1

    cli = f"{build}/services/cli/simbind"
    try:
        started = start_hss_mme_ue(build, work, daemons, hss_config, HSS_ID, (IMSI, K, OPC), admin_port, ue_port)
        if started is None:
            return 1
        hss, mme, ue = started

        def ue_cmd(*args):
            r = subprocess.run([cli, "ue", *args, "--imei", IMEI, "--ue", f"127.0.0.1:{ue_port}"],
                               capture_output=True, text=True)
            return r.returncode == 0, (r.stdout + r.stderr).strip()

        ok, out = ue_cmd("attach", "--timeout", "30")
        check("baseline: the real UE attaches", ok, out)

        sent, connections = send_mutations(nas_port, MUTATIONS, seeds)
        alive = mme.proc.poll() is None
        check(f"{sent} mutated NAS frames on {connections} connections: simbind-mme still runs", alive,
              f"exit status {mme.proc.returncode}")
        ok, out = ue_cmd("status")
        check("the UE attached before the flood keeps its context (still registered)",
              ok and "registered" in out and "deregistered" not in out, out[-300:])
        ok, out = ue_cmd("detach")
        time.sleep(1)
        ok, out = ue_cmd("attach", "--timeout", "30")
        check("afterwards the real UE detaches and attaches again", ok, out)
        mme.stop()  # its last line counts what it refused
        import re
        malformed = re.search(r"NAS malformed (\d+)", mme.log())
        check("the MME counted the malformed NAS it refused (NAS malformed > 0 in its last line)",
              malformed is not None and int(malformed.group(1)) > 0, malformed.group(0) if malformed else "no count")
        sanitizer, unprintable = log_problems(mme)
        check("no sanitizer report in the MME log", not sanitizer, "; ".join(sanitizer[:2]))
        check("no unprintable octet in any line of the MME log", not unprintable, repr(unprintable[:2]))
    finally:
        run.close()
    return run.status()


if __name__ == "__main__":
    sys.exit(main())
