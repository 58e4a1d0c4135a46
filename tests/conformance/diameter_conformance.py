#!/usr/bin/env python3
"""An independent Diameter conformance check of captured traffic.

tshark decodes the capture (its Diameter dissector; TCP reassembly; every TCP port that carried a CER is taken as a
Diameter port); this script holds each message to the command ABNF and AVP flag rules in the data files
(tests/conformance/*.abnf, written from TS 29.272 clause 7.2/7.3, RFC 6733 and the Bp ABNF of docs/DIAMETER.md).
It reports, per message: a required AVP missing, an AVP more often than allowed, an AVP the ABNF does not allow,
the fixed AVP (Session-Id) out of place, an M or V flag against the table, and an answer with neither or both of
Result-Code and Experimental-Result. It recurses into grouped AVPs that have an ABNF.

  diameter_conformance.py [--abnf FILE ...] [--tshark CMD] CAPTURE.pcapng ...
  diameter_conformance.py --self-test

Exit status: 0 when at least one Diameter message was checked and none broke a rule; 1 otherwise; 2 usage.
"""

import argparse
import collections
import json
import os
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from abnf import INF, Grammar  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_ABNF = [os.path.join(HERE, "ts29272_s6a.abnf"), os.path.join(HERE, "simbind_bp.abnf")]

FLAG_R, FLAG_E = 0x80, 0x20
AVP_V, AVP_M = 0x80, 0x40


class Avp:
    def __init__(self, code, vendor, flags, children=None, value=None):
        self.code, self.vendor, self.flags = code, vendor, flags
        self.children = children or []
        self.value = value


class Msg:
    def __init__(self, frame, code, flags, app_id, avps):
        self.frame, self.code, self.flags, self.app_id, self.avps = frame, code, flags, app_id, avps

    @property
    def request(self):
        return bool(self.flags & FLAG_R)


# ----- checking ---------------------------------------------------------------------------------------------

class Checker:
    def __init__(self, grammar):
        self.g = grammar

    def name_of(self, avp):
        d = self.g.avps.get((avp.code, avp.vendor))
        return d.name if d else f"AVP {avp.code} (vendor {avp.vendor})"

    def check_flags(self, avp, where, out):
        d = self.g.avps.get((avp.code, avp.vendor))
        if d is None or not d.flags_known:
            return
        for flag, bit in (("M", AVP_M), ("V", AVP_V)):
            is_set = bool(avp.flags & bit)
            if flag in d.must and not is_set:
                out.append(f"{where}: {d.name} must have the {flag} bit set")
            if flag in d.mustnot and is_set:
                out.append(f"{where}: {d.name} must not have the {flag} bit set")

    def check_elements(self, rule, avps, where, out):
        counts = collections.Counter()
        for a in avps:
            counts[self.name_of(a)] += 1
        # Fixed elements at the head, in order (RFC 6733 3.2: "<" ">" fixed position).
        fixed = [e for e in rule.elements if e.fixed]
        for i, e in enumerate(fixed):
            if e.min == 0 and e.name not in counts:
                continue
            if i >= len(avps) or self.name_of(avps[i]) != e.name:
                out.append(f"{where}: {e.name} must be AVP number {i + 1}")
        for e in rule.elements:
            n = counts.get(e.name, 0)
            if n < e.min:
                out.append(f"{where}: missing required {e.name}" if e.min == 1 and n == 0
                           else f"{where}: {e.name} {n} times, at least {e.min} required")
            if n > e.max:
                out.append(f"{where}: {e.name} {n} times, at most {e.max} allowed")
        if not rule.wildcard:
            named = {e.name for e in rule.elements}
            for name in sorted(set(counts) - named):
                out.append(f"{where}: {name} is not allowed here (no *[ AVP ] in the ABNF)")
        for a in avps:
            self.check_avp(a, where, out)

    def check_avp(self, avp, where, out):
        name = self.name_of(avp)
        self.check_flags(avp, where, out)
        group = self.g.groups.get(name)
        if group is not None:
            self.check_elements(group, avp.children, f"{where} > {name}", out)

    def check_message(self, msg):
        out = []
        kind = "request" if msg.request else "answer"
        if msg.flags & FLAG_E and not msg.request:
            rule = self.g.answer_message
            label = f"error answer {msg.code}"
        else:
            rule = self.g.command(msg.code, msg.request, msg.app_id)
            label = rule.name if rule else f"command {msg.code} {kind} (application {msg.app_id})"
        where = f"frame {msg.frame} {label}"
        if rule is None:
            return label, [f"{where}: no ABNF for this command: not one simbind may send"]
        self.check_elements(rule, msg.avps, where, out)
        if not msg.request:
            names = [self.name_of(a) for a in msg.avps]
            results = names.count("Result-Code") + names.count("Experimental-Result")
            if results != 1:
                out.append(f"{where}: an answer carries exactly one of Result-Code and Experimental-Result "
                           f"(RFC 6733 7.1, TS 29.272 7.2), found {results}")
        return label, out


# ----- tshark ----------------------------------------------------------------------------------------------

def pairs_hook(pairs):
    return pairs  # keep order and repeated keys ("diameter.avp_tree" appears once per AVP)


def values(pairs, key):
    return [v for k, v in pairs if k == key] if isinstance(pairs, list) else []


def first(pairs, key, default=None):
    v = values(pairs, key)
    return v[0] if v else default


def child_avp_trees(tree):
    """The AVP trees directly below `tree` (a grouped AVP's children may sit below intermediate subtrees)."""
    out = []
    for k, v in tree if isinstance(tree, list) else []:
        if k == "diameter.avp_tree":
            out.append(v)
        elif isinstance(v, list) and k != "diameter.avp.flags_tree":
            out.extend(child_avp_trees(v))
    return out


def to_int(text):
    text = str(text)
    return int(text, 16) if text.startswith("0x") else int(text)


def avp_from_tree(tree):
    code = to_int(first(tree, "diameter.avp.code", "0"))
    flags = to_int(first(tree, "diameter.avp.flags", "0"))
    vendor = to_int(first(tree, "diameter.avp.vendorId", "0")) if flags & AVP_V else 0
    return Avp(code, vendor, flags, [avp_from_tree(t) for t in child_avp_trees(tree)])


def diameter_ports(capture, tshark):
    """TCP ports that carried a CER (command 257, R bit): Diameter servers, whatever port a test chose."""
    cmd = tshark + ["-r", capture, "-T", "fields", "-e", "tcp.dstport", "-e", "tcp.payload", "-Y", "tcp.len >= 20"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    ports = set()
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 2:
            continue
        payload = parts[1].replace(":", "")
        if len(payload) >= 16 and payload[0:2] == "01" and payload[8:10] in ("80", "c0") and payload[10:16] == "000101":
            ports.add(int(parts[0]))
    return sorted(ports)


def read_messages(capture, tshark):
    ports = diameter_ports(capture, tshark)
    if not ports:
        return [], []
    cmd = list(tshark) + ["-r", capture, "-o", "tcp.desegment_tcp_streams:TRUE"]
    for p in ports:
        cmd += ["-d", f"tcp.port=={p},diameter"]
    cmd += ["-Y", "diameter", "-T", "json"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    packets = json.loads(out or "[]", object_pairs_hook=pairs_hook)
    msgs = []
    for pkt in packets:
        source = first(pkt, "_source")
        layers = first(source, "layers")
        frame = first(first(layers, "frame", []), "frame.number", "?")
        for d in values(layers, "diameter"):
            flags = to_int(first(d, "diameter.flags", "0"))
            code = to_int(first(d, "diameter.cmd.code", "0"))
            app = to_int(first(d, "diameter.applicationId", "0"))
            avps = [avp_from_tree(t) for t in values(d, "diameter.avp_tree")]
            msgs.append(Msg(frame, code, flags, app, avps))
    return ports, msgs


def expert_errors(capture, tshark, ports):
    cmd = list(tshark) + ["-r", capture]
    for p in ports:
        cmd += ["-d", f"tcp.port=={p},diameter"]
    cmd += ["-Y", "diameter && (_ws.malformed || _ws.expert.severity >= error)"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line.strip()]


# ----- self-test --------------------------------------------------------------------------------------------

def self_test(grammar):
    """The checker must catch what it is for: the AIA without Auth-Session-State that Open5GS dropped, and the
    other kinds of breach, and must pass a conforming message."""
    c = Checker(grammar)
    g = grammar.avps_by_name

    def avp(name, children=None, flags=None):
        d = g[name]
        f = flags if flags is not None else ((AVP_M if "M" in d.must else 0) | (AVP_V if d.vendor else 0))
        return Avp(d.code, d.vendor, f, children or [])

    def vector():
        return avp("E-UTRAN-Vector", [avp("RAND"), avp("XRES"), avp("AUTN"), avp("KASME")])

    base = [avp("Session-Id"), avp("Auth-Session-State"), avp("Origin-Host"), avp("Origin-Realm"),
            avp("Result-Code"), avp("Authentication-Info", [vector()])]
    aia = lambda avps: Msg("t", 318, 0x40, 16777251, avps)  # noqa: E731
    cases = [
        ("conforming AIA", aia(base), None),
        ("AIA without Auth-Session-State (the Open5GS drop)", aia([a for a in base if a.code != 277]),
         "missing required Auth-Session-State"),
        ("Session-Id not first", aia(base[1:] + base[:1]), "Session-Id must be AVP number 1"),
        ("two Origin-Host", aia(base + [avp("Origin-Host")]), "Origin-Host 2 times"),
        ("E-UTRAN-Vector without KASME",
         aia(base[:-1] + [avp("Authentication-Info", [avp("E-UTRAN-Vector", [avp("RAND"), avp("XRES"), avp("AUTN")])])]),
         "missing required KASME"),
        ("Origin-Host without its M bit", aia([avp("Origin-Host", flags=0) if a.code == 264 else a for a in base]),
         "Origin-Host must have the M bit set"),
        ("a binding AVP with the M bit (a stock MME would have to refuse it)",
         aia(base + [avp("Binding-Restriction", flags=AVP_V | AVP_M)]), "Binding-Restriction must not have the M bit"),
        ("neither Result-Code nor Experimental-Result", aia([a for a in base if a.code != 268]),
         "exactly one of Result-Code and Experimental-Result"),
        ("an AVP in Experimental-Result, which has no *[ AVP ]",
         aia([a for a in base if a.code != 268] + [avp("Experimental-Result", [
             avp("Vendor-Id"), avp("Experimental-Result-Code"), avp("User-Name")])]), "User-Name is not allowed"),
    ]
    failed = 0
    for name, msg, expect in cases:
        _, problems = c.check_message(msg)
        ok = (not problems) if expect is None else any(expect in p for p in problems)
        print(f"  {'PASS' if ok else 'FAIL'}  {name}" + ("" if ok else f": got {problems}"))
        failed += not ok
    print(f"{len(cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("captures", nargs="*")
    ap.add_argument("--abnf", action="append", help="ABNF data file (default: the two in this folder)")
    ap.add_argument("--tshark", default="tshark", help="tshark command (e.g. with a user namespace for root)")
    ap.add_argument("--self-test", action="store_true")
    ap.add_argument("--max-report", type=int, default=40, help="violations printed (all are counted)")
    args = ap.parse_args()

    grammar = Grammar()
    for path in args.abnf or DEFAULT_ABNF:
        grammar.load(path)
    missing = grammar.check_complete()
    if missing:
        print("checker data incomplete: elements without an AVP line:\n  " + "\n  ".join(missing))
        return 2
    if args.self_test:
        return self_test(grammar)
    if not args.captures:
        ap.error("no capture given")

    tshark = shlex.split(args.tshark)
    checker = Checker(grammar)
    per_command = collections.Counter()
    problems = []
    expert = []
    for cap in args.captures:
        ports, msgs = read_messages(cap, tshark)
        for m in msgs:
            label, p = checker.check_message(m)
            per_command[label] += 1
            problems += [f"{os.path.basename(cap)} {x}" for x in p]
        if ports:
            expert += expert_errors(cap, tshark, ports)
    total = sum(per_command.values())
    print(f"diameter conformance: {total} messages checked in {len(args.captures)} capture(s)")
    for label, n in sorted(per_command.items()):
        print(f"  {n:7d}  {label}")
    for p in problems[:args.max_report]:
        print(f"  VIOLATION  {p}")
    if len(problems) > args.max_report:
        print(f"  ... and {len(problems) - args.max_report} more")
    for e in expert[:args.max_report]:
        print(f"  TSHARK  malformed or expert error: {e}")
    if total == 0:
        print("RESULT: FAIL - no Diameter message in the capture: nothing was checked")
        return 1
    if problems or expert:
        print(f"RESULT: FAIL - {len(problems)} ABNF/flag violations, {len(expert)} tshark errors")
        return 1
    print("RESULT: PASS - every message follows its command ABNF and AVP flag rules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
