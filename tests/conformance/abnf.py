"""Command and grouped-AVP ABNF (RFC 6733 section 3.2 notation) read from data files written from the
specifications, and the AVP flag table that goes with them.

Nothing here comes from simbind's own dictionary: the files under tests/conformance/ are transcriptions of
TS 29.272 section 7.2/7.3, RFC 6733 and the documented Bp ABNF (docs/DIAMETER.md), so that a misreading shared
by our encoder and our dictionary still shows up.

File format, line by line ('#' starts a comment):
  < Name > ::= < Diameter Header: CODE, [REQ,] [PXY,] APPID >   a command; elements follow
  Name ::= < AVP Header: CODE [VENDOR] >                        a grouped AVP; elements follow
  < X >  { X }  [ X ]  *[ X ]  1*{ X }  *2[ X ]                  elements: fixed, required, optional, repeated
  AVP Name CODE VENDOR TYPE must=FLAGS mustnot=FLAGS           an AVP; FLAGS: M, V, M,V, - or ? (unknown)
"""

import re
from dataclasses import dataclass, field

INF = 1 << 30


@dataclass
class Element:
    name: str
    min: int
    max: int
    fixed: bool = False


@dataclass
class Rule:
    """A command (code, request flag, application id) or a grouped AVP, with its elements."""
    name: str
    elements: list = field(default_factory=list)
    code: int = 0
    request: bool = False
    app_id: int = 0
    wildcard: bool = False  # *[ AVP ]: AVPs not named are allowed

    def element(self, name):
        for e in self.elements:
            if e.name == name:
                return e
        return None


@dataclass
class AvpDef:
    name: str
    code: int
    vendor: int
    type: str
    must: set
    mustnot: set
    flags_known: bool


COMMAND_RE = re.compile(r"^<\s*([\w-]+)\s*>\s*::=\s*<\s*Diameter Header:\s*([^>]*)>", re.I)
GROUP_RE = re.compile(r"^<?\s*([\w-]+)\s*>?\s*::=\s*<\s*AVP[\s-]*Header:\s*(\d+)(?:\s+(\d+))?\s*>", re.I)
ELEMENT_RE = re.compile(r"^(\d*)(\*?)(\d*)\s*([<{\[])\s*([\w-]+)\s*([>}\]])$")
AVP_RE = re.compile(r"^AVP\s+([\w-]+)\s+(\d+)\s+(\d+)\s+(\w+)\s+must=(\S+)\s+mustnot=(\S+)")


def _flags(text):
    if text == "?":
        return None
    if text == "-":
        return set()
    return {f.strip() for f in text.split(",") if f.strip()}


class Grammar:
    def __init__(self):
        self.commands = {}  # (code, request, app_id) -> Rule
        self.commands_any_app = {}  # (code, request) -> Rule, for RFC 6733 base commands (application 0)
        self.groups = {}  # name -> Rule
        self.avps = {}  # (code, vendor) -> AvpDef
        self.avps_by_name = {}
        self.answer_message = None  # RFC 6733 7.2 generic error answer

    def load(self, path):
        current = None
        with open(path, encoding="utf-8") as f:
            for lineno, raw in enumerate(f, 1):
                line = raw.split("#", 1)[0].strip()
                if not line:
                    continue
                m = AVP_RE.match(line)
                if m:
                    must, mustnot = _flags(m.group(5)), _flags(m.group(6))
                    d = AvpDef(m.group(1), int(m.group(2)), int(m.group(3)), m.group(4), must or set(),
                               mustnot or set(), must is not None and mustnot is not None)
                    self.avps[(d.code, d.vendor)] = d
                    self.avps_by_name[d.name] = d
                    current = None
                    continue
                m = COMMAND_RE.match(line)
                if m:
                    parts = [p.strip(" []") for p in m.group(2).split(",") if p.strip(" []")]
                    code = int(parts[0]) if parts[0].isdigit() else -1  # answer-message: any code
                    flags = {p.upper() for p in parts[1:] if not p.isdigit()}
                    apps = [int(p) for p in parts[1:] if p.isdigit()]
                    current = Rule(m.group(1), code=code, request="REQ" in flags, app_id=apps[0] if apps else 0)
                    if current.name.lower() == "answer-message":
                        self.answer_message = current
                    elif apps:
                        self.commands[(code, current.request, current.app_id)] = current
                    else:
                        self.commands_any_app[(code, current.request)] = current
                    continue
                m = GROUP_RE.match(line)
                if m:
                    current = Rule(m.group(1), code=int(m.group(2)))
                    self.groups[current.name] = current
                    continue
                m = ELEMENT_RE.match(re.sub(r"\s+", "", line))  # "* [ IDR- Flags ]" as the spec prints it
                if m and current is not None:
                    lo, star, hi, opening, name, closing = m.groups()
                    pairs = {"<": ">", "{": "}", "[": "]"}
                    if pairs[opening] != closing:
                        raise ValueError(f"{path}:{lineno}: brackets do not match: {line}")
                    if name == "AVP":
                        current.wildcard = True
                        continue
                    if star:
                        mn = int(lo) if lo else 0
                        mx = int(hi) if hi else INF
                    else:
                        mn, mx = 0, 1
                    if opening == "{" or (opening == "<" and not star):
                        mn = max(mn, 1)  # "0*1< Session-Id >" of answer-message keeps its 0
                    current.elements.append(Element(name, mn, mx, fixed=opening == "<"))
                    continue
                raise ValueError(f"{path}:{lineno}: cannot read: {line}")

    def command(self, code, request, app_id):
        return self.commands.get((code, request, app_id)) or self.commands_any_app.get((code, request))

    def check_complete(self):
        """Every element named by a command or group must be in the AVP table: a typo in a data file is an
        error of the checker, not a pass."""
        missing = set()
        for rule in list(self.commands.values()) + list(self.commands_any_app.values()) + list(self.groups.values()) + (
                [self.answer_message] if self.answer_message else []):
            for e in rule.elements:
                if e.name not in self.avps_by_name:
                    missing.add(f"{rule.name}: {e.name}")
        return sorted(missing)
