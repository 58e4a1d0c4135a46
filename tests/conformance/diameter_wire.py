"""Diameter on the wire (RFC 6733 section 3 and 4), written here from the RFC for the tests: message and AVP framing,
a few encoders, and a tampering relay that sits between two real Diameter nodes. Independent of simbind's stack.
"""

import socket
import struct
import threading

FLAG_R, FLAG_P, FLAG_E = 0x80, 0x40, 0x20
AVP_V, AVP_M = 0x80, 0x40


class Avp:
    def __init__(self, code, data=b"", flags=AVP_M, vendor=0):
        self.code, self.data, self.flags, self.vendor = code, data, flags, vendor
        if vendor:
            self.flags |= AVP_V

    def encode(self):
        head = 12 if self.flags & AVP_V else 8
        length = head + len(self.data)
        out = struct.pack("!IB", self.code, self.flags) + length.to_bytes(3, "big")
        if self.flags & AVP_V:
            out += struct.pack("!I", self.vendor)
        out += self.data
        return out + b"\0" * ((4 - length % 4) % 4)

    def u32(self):
        return struct.unpack("!I", self.data[:4])[0]

    def children(self):
        return parse_avps(self.data)


def parse_avps(data):
    avps, i = [], 0
    while i + 8 <= len(data):
        code, flags = struct.unpack("!IB", data[i:i + 5])
        length = int.from_bytes(data[i + 5:i + 8], "big")
        if length < 8 or i + length > len(data):
            raise ValueError("bad AVP length")
        head = 12 if flags & AVP_V else 8
        vendor = struct.unpack("!I", data[i + 8:i + 12])[0] if flags & AVP_V else 0
        a = Avp(code, data[i + head:i + length], flags & ~AVP_V, vendor)
        a.flags = flags
        avps.append(a)
        i += length + (4 - length % 4) % 4
    return avps


class Message:
    def __init__(self, code, flags, app_id, avps, hbh=0, e2e=0):
        self.code, self.flags, self.app_id, self.avps, self.hbh, self.e2e = code, flags, app_id, avps, hbh, e2e

    @property
    def request(self):
        return bool(self.flags & FLAG_R)

    def find(self, code, vendor=0):
        for a in self.avps:
            if a.code == code and a.vendor == vendor:
                return a
        return None

    def encode(self):
        body = b"".join(a.encode() for a in self.avps)
        length = 20 + len(body)
        return (bytes([1]) + length.to_bytes(3, "big") + bytes([self.flags]) + self.code.to_bytes(3, "big") +
                struct.pack("!III", self.app_id, self.hbh, self.e2e) + body)

    @staticmethod
    def decode(raw):
        flags = raw[4]
        code = int.from_bytes(raw[5:8], "big")
        app, hbh, e2e = struct.unpack("!III", raw[8:20])
        return Message(code, flags, app, parse_avps(raw[20:]), hbh, e2e)


def read_message(sock):
    """One whole Diameter message (bytes), or None at end of stream."""
    head = _read_exact(sock, 4)
    if head is None:
        return None
    length = int.from_bytes(head[1:4], "big")
    rest = _read_exact(sock, length - 4)
    return None if rest is None else head + rest


def _read_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def utf8(code, text, vendor=0, flags=AVP_M):
    return Avp(code, text.encode(), flags, vendor)


def u32(code, value, vendor=0, flags=AVP_M):
    return Avp(code, struct.pack("!I", value), flags, vendor)


def grouped(code, children, vendor=0, flags=AVP_M):
    return Avp(code, b"".join(c.encode() for c in children), flags, vendor)


class TamperRelay:
    """A TCP relay between a Diameter client (which connects here) and a server, forwarding every message as it
    is except those a rule changes: `drop(code, request, avp_code)` removes a top-level AVP from each matching
    message. `inject(side, message)` sends a request of our own to one side; its answer comes back to us
    (`answers`), not to the other side. CER/CEA pass through unchanged, so each node sees the other's identity."""

    def __init__(self, listen_port, server_port, log):
        self.listen_port, self.server_port, self.log = listen_port, server_port, log
        self.rules = []  # (code, request, avp_code)
        self.lock = threading.Lock()
        self.answers = {}  # hop-by-hop id -> answer Message, for injected requests
        self.injected = set()
        self.seen = []  # (direction, Message) of everything forwarded, for the test's checks
        self.sides = {}
        self.next_hbh = 0x5EED0000
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", listen_port))
        self.server.listen(4)
        threading.Thread(target=self._accept, daemon=True).start()

    def drop(self, code, request, avp_code):
        with self.lock:
            self.rules = [(code, request, avp_code)]

    def clear(self):
        with self.lock:
            self.rules = []

    def _accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.server_port))
            self.sides = {"client": client, "server": upstream}
            threading.Thread(target=self._pump, args=(client, upstream, "client->server"), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, "server->client"), daemon=True).start()

    def _pump(self, src, dst, direction):
        while True:
            try:
                raw = read_message(src)
            except OSError:
                raw = None
            if raw is None:
                for s in (src, dst):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                return
            msg = Message.decode(raw)
            with self.lock:
                if not msg.request and msg.hbh in self.injected:
                    self.injected.discard(msg.hbh)
                    self.answers[msg.hbh] = msg
                    continue
                for code, request, avp_code in self.rules:
                    if msg.code == code and msg.request == request:
                        msg.avps = [a for a in msg.avps if a.code != avp_code]
                        raw = msg.encode()
                        self.log(f"relay {direction}: removed AVP {avp_code} from command {code} "
                                 f"{'request' if request else 'answer'}")
                self.seen.append((direction, msg))
            try:
                dst.sendall(raw)
            except OSError:
                return

    def inject(self, side, msg):
        """Sends `msg` (a request) to "client" or "server"; returns its hop-by-hop id."""
        with self.lock:
            self.next_hbh += 1
            msg.hbh = msg.e2e = self.next_hbh
            self.injected.add(msg.hbh)
            self.sides[side].sendall(msg.encode())
            return msg.hbh

    def answer(self, hbh):
        with self.lock:
            return self.answers.get(hbh)


def address(ipv4):
    return bytes([0, 1]) + bytes(int(x) for x in ipv4.split("."))


class RawPeer:
    """A Diameter peer written here from RFC 6733: connects to a node as `identity`, exchanges CER/CEA for the
    given (vendor, application) pairs, answers DWR, sends requests (`send` returns the answer) and hands requests
    from the node to `on_request(message) -> answer Message or None`."""

    def __init__(self, identity, realm, port, apps, on_request=None):
        self.identity, self.realm = identity, realm
        self.on_request = on_request or (lambda m: None)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.lock = threading.Lock()
        self.answers = {}
        self.cond = threading.Condition(self.lock)
        self.hbh = 0x0A000000
        self.closed = threading.Event()  # set when the node closes the connection (or sends DPR)
        self.watchdog = threading.Event()  # set once a DWR from the node is answered
        cer = Message(257, FLAG_R, 0, [
            utf8(264, identity), utf8(296, realm), Avp(257, address("127.0.0.1")), u32(266, 0),
            Avp(269, b"simbind-raw-peer", 0)] +
            [grouped(260, [u32(266, v), u32(258, a)]) for v, a in apps] +
            [u32(265, v) for v in sorted({v for v, _ in apps})])
        self.sock.sendall(self._stamp(cer).encode())
        raw = read_message(self.sock)
        if raw is None:
            raise RuntimeError("the node closed the connection before its CEA")
        cea = Message.decode(raw)
        rc = cea.find(268)
        if cea.code != 257 or rc is None or rc.u32() != 2001:
            raise RuntimeError(f"CEA refused: {rc.u32() if rc else None}")
        self.sock.settimeout(None)
        threading.Thread(target=self._read, daemon=True).start()

    def _stamp(self, msg):
        self.hbh += 1
        msg.hbh = msg.e2e = self.hbh
        return msg

    def answer_to(self, req, avps):
        """An answer to `req` with its Session-Id, then `avps` (Origin-Host/Realm added when not given)."""
        sid = req.find(263)
        head = [sid] if sid else []
        names = {a.code for a in avps}
        tail = ([utf8(264, self.identity)] if 264 not in names else []) + ([utf8(296, self.realm)] if 296 not in names else [])
        return Message(req.code, req.flags & FLAG_P, req.app_id, head + avps + tail, req.hbh, req.e2e)

    def _read(self):
        while True:
            try:
                raw = read_message(self.sock)
            except OSError:
                raw = None
            if raw is None:
                self.closed.set()
                return
            msg = Message.decode(raw)
            if msg.request and msg.code == 280:  # DWR
                self.sock.sendall(self.answer_to(msg, [u32(268, 2001)]).encode())
                self.watchdog.set()
            elif msg.request and msg.code == 282:  # DPR: the node is leaving
                self.closed.set()
                try:
                    self.sock.sendall(self.answer_to(msg, [u32(268, 2001)]).encode())
                except OSError:
                    return
            elif msg.request:
                answer = self.on_request(msg)
                if answer is not None:
                    self.sock.sendall(answer.encode())
            else:
                with self.cond:
                    self.answers[msg.hbh] = msg
                    self.cond.notify_all()

    def send(self, msg, timeout=10.0):
        with self.cond:
            self._stamp(msg)
            self.sock.sendall(msg.encode())
            self.cond.wait_for(lambda: msg.hbh in self.answers, timeout)
            return self.answers.pop(msg.hbh, None)

    def close(self):
        try:
            # shutdown first: close() alone leaves the connection open while the reader thread sits in recv().
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass
