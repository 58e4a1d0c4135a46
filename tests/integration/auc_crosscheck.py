#!/usr/bin/python3
"""Independent cross-check of `simbind auc ...` against a from-the-spec Python implementation.

Step 1 (self-check): the Python implementation below is checked against every entry of
    <vectors>/3gpp-test-vectors.json  (milenage, eea2, eia2, kdf, autn, auts)
    <vectors>/ecies-test-vectors.json (profile_a, profile_b)
The vector files are read at run time; no test-vector number is copied into this script.

Step 2 (cross-check): random inputs (random.Random(seed)) are fed to the C++ binary with `--json`
and every output key is compared with the Python result, plus a few negative cases.

Specs implemented here:
    TS 35.206               Milenage f1, f1*, f2, f3, f4, f5, f5*
    TS 33.102 6.3           AUTN, AUTS, SQN_MS recovery / MAC-S check
    TS 33.220 B.2           generic KDF (HMAC-SHA-256 over S = FC || P0 || L0 || ...)
    TS 33.401 A.2 / A.7     KASME, NAS keys
    TS 33.401 B.1.3         128-EEA2 (AES-CTR)
    TS 33.401 B.2.3         128-EIA2 (AES-CMAC, NIST SP 800-38B, bit-granular)
    TS 33.501 C.3           ECIES Profile A (X25519) and Profile B (P-256)

Only the standard library and Debian's python3-cryptography are used.

Usage:
    auc_crosscheck.py --simbind PATH/TO/simbind --vectors tests/data [--cases N] [--seed S]
    auc_crosscheck.py --vectors tests/data --self-check-only
"""

import argparse
import hashlib
import hmac
import json
import os
import random
import shlex
import subprocess
import sys

from cryptography.hazmat.primitives import cmac as crypto_cmac
from cryptography.hazmat.primitives.asymmetric import ec, x25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------


def xor(a: bytes, b: bytes) -> bytes:
    """Octet-wise XOR of two equally long strings."""
    if len(a) != len(b):
        raise ValueError("xor of strings of different length")
    return bytes(x ^ y for x, y in zip(a, b))


def aes_ecb_encrypt(key: bytes, block: bytes) -> bytes:
    """One AES-128 block encryption E_K(block) (FIPS 197)."""
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return enc.update(block) + enc.finalize()


def aes_ecb_decrypt(key: bytes, block: bytes) -> bytes:
    """One AES-128 block decryption D_K(block) (FIPS 197)."""
    dec = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
    return dec.update(block) + dec.finalize()


def zero_tail_bits(data: bytes, nbits: int) -> bytes:
    """Truncate `data` to ceil(nbits/8) octets and zero the bits beyond `nbits` in the last octet."""
    nbytes = (nbits + 7) // 8
    out = bytearray(data[:nbytes])
    unused = 8 * nbytes - nbits
    if unused and out:
        out[-1] &= (0xFF << unused) & 0xFF
    return bytes(out)


# --------------------------------------------------------------------------------------------------
# Milenage, TS 35.206 clause 4
# --------------------------------------------------------------------------------------------------

# TS 35.206 4.1: rotation constants r1..r5 (bits) and addition constants c1..c5 (128-bit).
_MILENAGE_R = (64, 0, 32, 64, 96)
_MILENAGE_C = tuple(v.to_bytes(16, "big") for v in (0, 1, 2, 4, 8))


def _rot128(x: bytes, r: int) -> bytes:
    """rot(x, r): cyclic rotation of the 128-bit value x by r bit positions towards the MSB (TS 35.206 4.1)."""
    v = int.from_bytes(x, "big")
    r %= 128
    v = ((v << r) | (v >> (128 - r))) & ((1 << 128) - 1)
    return v.to_bytes(16, "big")


def milenage_opc(k: bytes, op: bytes) -> bytes:
    """OPc = OP xor E_K(OP) (TS 35.206 4.1)."""
    return xor(aes_ecb_encrypt(k, op), op)


class Milenage:
    """The Milenage algorithm set for one subscriber key K and operator constant OPc (TS 35.206 4.1)."""

    def __init__(self, k: bytes, opc: bytes):
        if len(k) != 16 or len(opc) != 16:
            raise ValueError("K and OPc must be 16 octets")
        self.k = k
        self.opc = opc

    def _temp(self, rand: bytes) -> bytes:
        """TEMP = E_K(RAND xor OPc)."""
        return aes_ecb_encrypt(self.k, xor(rand, self.opc))

    def _out(self, i: int, temp: bytes) -> bytes:
        """OUTi = E_K(rot(TEMP xor OPc, ri) xor ci) xor OPc for i = 2..5 (1-based as in the spec)."""
        x = xor(_rot128(xor(temp, self.opc), _MILENAGE_R[i - 1]), _MILENAGE_C[i - 1])
        return xor(aes_ecb_encrypt(self.k, x), self.opc)

    def f1_f1star(self, rand: bytes, sqn: bytes, amf: bytes) -> tuple:
        """(MAC-A, MAC-S) = OUT1[0..63], OUT1[64..127] with IN1 = SQN || AMF || SQN || AMF (TS 35.206 4.1)."""
        if len(sqn) != 6 or len(amf) != 2:
            raise ValueError("SQN must be 6 octets and AMF 2 octets")
        temp = self._temp(rand)
        in1 = sqn + amf + sqn + amf
        x = xor(xor(temp, _rot128(xor(in1, self.opc), _MILENAGE_R[0])), _MILENAGE_C[0])
        out1 = xor(aes_ecb_encrypt(self.k, x), self.opc)
        return out1[:8], out1[8:]

    def f2345(self, rand: bytes) -> tuple:
        """(RES, CK, IK, AK): f2 = OUT2[64..127], f5 = OUT2[0..47], f3 = OUT3, f4 = OUT4 (TS 35.206 4.1)."""
        temp = self._temp(rand)
        out2 = self._out(2, temp)
        return out2[8:16], self._out(3, temp), self._out(4, temp), out2[:6]

    def f5star(self, rand: bytes) -> bytes:
        """AK* = f5*(RAND) = OUT5[0..47] (TS 35.206 4.1)."""
        return self._out(5, self._temp(rand))[:6]


def milenage_from_args(k: bytes, op: bytes = None, opc: bytes = None) -> Milenage:
    """Build a Milenage instance from K and either OP or OPc."""
    if opc is None:
        opc = milenage_opc(k, op)
    return Milenage(k, opc)


# --------------------------------------------------------------------------------------------------
# AKA procedures, TS 33.102 clause 6.3
# --------------------------------------------------------------------------------------------------

AUTS_DUMMY_AMF = b"\x00\x00"  # TS 33.102 6.3.3: MAC-S over a dummy AMF of all zeros.


def make_autn(sqn: bytes, ak: bytes, amf: bytes, mac_a: bytes) -> bytes:
    """AUTN = (SQN xor AK) || AMF || MAC-A (TS 33.102 6.3.2)."""
    return xor(sqn, ak) + amf + mac_a


def make_auts(m: Milenage, rand: bytes, sqn_ms: bytes) -> bytes:
    """AUTS = (SQN_MS xor f5*_K(RAND)) || f1*_K(SQN_MS || RAND || AMF=0000) (TS 33.102 6.3.3)."""
    _, mac_s = m.f1_f1star(rand, sqn_ms, AUTS_DUMMY_AMF)
    return xor(sqn_ms, m.f5star(rand)) + mac_s


def resync(m: Milenage, rand: bytes, auts: bytes) -> tuple:
    """HSS side of re-synchronisation (TS 33.102 6.3.5): returns (SQN_MS, MAC-S valid?)."""
    if len(auts) != 14:
        raise ValueError("AUTS must be 14 octets")
    sqn_ms = xor(auts[:6], m.f5star(rand))
    _, xmac_s = m.f1_f1star(rand, sqn_ms, AUTS_DUMMY_AMF)
    return sqn_ms, hmac.compare_digest(xmac_s, auts[6:])


# --------------------------------------------------------------------------------------------------
# Key derivation, TS 33.220 Annex B.2 and TS 33.401 Annex A
# --------------------------------------------------------------------------------------------------


def kdf_s(fc: int, *params: bytes) -> bytes:
    """S = FC || P0 || L0 || P1 || L1 || ..., Li = length of Pi in octets, 2 octets big-endian (TS 33.220 B.2)."""
    s = bytes([fc])
    for p in params:
        s += p + len(p).to_bytes(2, "big")
    return s


def kdf(key: bytes, fc: int, *params: bytes) -> bytes:
    """Generic KDF: derived key = HMAC-SHA-256(Key, S) (TS 33.220 B.2.0)."""
    return hmac.new(key, kdf_s(fc, *params), hashlib.sha256).digest()


def plmn_sn_id(mcc: str, mnc: str) -> bytes:
    """SN id as the 3-octet PLMN identity of TS 24.301 (used by TS 33.401 A.2).

    octet 1 = MCC2 MCC1, octet 2 = MNC3 MCC3 (MNC3 = 0xF for a 2-digit MNC), octet 3 = MNC2 MNC1,
    the first digit named in each pair being the high nibble.
    """
    if len(mcc) != 3 or not mcc.isdigit() or len(mnc) not in (2, 3) or not mnc.isdigit():
        raise ValueError(f"bad MCC/MNC {mcc!r}/{mnc!r}")
    d = [int(c) for c in mcc]
    n = [int(c) for c in mnc]
    mnc3 = n[2] if len(n) == 3 else 0xF
    return bytes([(d[1] << 4) | d[0], (mnc3 << 4) | d[2], (n[1] << 4) | n[0]])


def decode_sn_id(sn_id: bytes) -> tuple:
    """Inverse of plmn_sn_id: 3 octets -> (MCC, MNC) digit strings."""
    o1, o2, o3 = sn_id
    mcc = f"{o1 & 0xF}{o1 >> 4}{o2 & 0xF}"
    mnc = f"{o3 & 0xF}{o3 >> 4}" + ("" if o2 >> 4 == 0xF else f"{o2 >> 4}")
    return mcc, mnc


def derive_kasme(ck: bytes, ik: bytes, sn_id: bytes, sqn_xor_ak: bytes) -> bytes:
    """KASME = KDF(CK || IK, FC=0x10, P0=SN id, P1=SQN xor AK) (TS 33.401 A.2)."""
    return kdf(ck + ik, 0x10, sn_id, sqn_xor_ak)


NAS_ENC_ALG = 0x01  # TS 33.401 A.7 algorithm type distinguishers
NAS_INT_ALG = 0x02


def derive_alg_key(kasme: bytes, distinguisher: int, alg_id: int) -> bytes:
    """Algorithm key = last 16 octets of KDF(KASME, FC=0x15, P0=distinguisher, P1=alg id) (TS 33.401 A.7)."""
    return kdf(kasme, 0x15, bytes([distinguisher]), bytes([alg_id]))[16:]


# --------------------------------------------------------------------------------------------------
# 128-EEA2 and 128-EIA2, TS 33.401 Annex B
# --------------------------------------------------------------------------------------------------


def eea2_t1(count: int, bearer: int, direction: int) -> bytes:
    """Initial counter block T1 = COUNT(32) | BEARER(5) | DIRECTION(1) | 0^26 | 0^64 (TS 33.401 B.1.3)."""
    head = (count << 32) | (bearer << 27) | (direction << 26)
    return head.to_bytes(8, "big") + bytes(8)


def eea2(key: bytes, count: int, bearer: int, direction: int, data: bytes, nbits: int) -> bytes:
    """128-EEA2 (TS 33.401 B.1.3): AES-128-CTR keystream XOR data, truncated to nbits, tail bits zeroed.

    The spec increments the 64 least significant bits of the counter block (SP 800-38A B.1, m = 64);
    they start at zero here, so for any realistic length this equals a plain 128-bit CTR increment.
    """
    nbytes = (nbits + 7) // 8
    if len(data) < nbytes:
        raise ValueError("data shorter than LENGTH")
    enc = Cipher(algorithms.AES(key), modes.CTR(eea2_t1(count, bearer, direction))).encryptor()
    keystream = enc.update(bytes(nbytes)) + enc.finalize()
    return zero_tail_bits(xor(data[:nbytes], keystream), nbits)


_MASK128 = (1 << 128) - 1


def _cmac_dbl(v: int) -> int:
    """Doubling in GF(2^128) used for the CMAC subkeys (SP 800-38B 6.1, R128 = 0^120 || 10000111)."""
    v <<= 1
    if v >> 128:
        v = (v & _MASK128) ^ 0x87
    return v


def aes_cmac_bits(key: bytes, value: int, nbits: int) -> bytes:
    """AES-CMAC over a bit string of length nbits given as an integer (NIST SP 800-38B 6.1 / 6.2).

    Bit-granular: the last block is completed with 1 || 0* and masked with K2 unless it is a complete block
    (then K1 is used). Returns the full 128-bit tag.
    """
    l_value = int.from_bytes(aes_ecb_encrypt(key, bytes(16)), "big")
    k1 = _cmac_dbl(l_value)
    k2 = _cmac_dbl(k1)
    n = max(1, (nbits + 127) // 128)
    complete_last = nbits > 0 and nbits % 128 == 0
    value &= (1 << nbits) - 1
    last_len = nbits - 128 * (n - 1)
    last = value & ((1 << last_len) - 1)
    if complete_last:
        last ^= k1
    else:
        last = (((last << 1) | 1) << (127 - last_len)) ^ k2
    c = 0
    for i in range(n - 1):
        block = (value >> (nbits - 128 * (i + 1))) & _MASK128
        c = int.from_bytes(aes_ecb_encrypt(key, (c ^ block).to_bytes(16, "big")), "big")
    return aes_ecb_encrypt(key, (c ^ last).to_bytes(16, "big"))


def aes_cmac(key: bytes, data: bytes, nbits: int = None) -> bytes:
    """AES-CMAC over the first nbits bits of `data` (all of it by default)."""
    if nbits is None:
        nbits = 8 * len(data)
    if 8 * len(data) < nbits:
        raise ValueError("data shorter than nbits")
    value = int.from_bytes(data, "big") >> (8 * len(data) - nbits) if data else 0
    return aes_cmac_bits(key, value, nbits)


def eia2(key: bytes, count: int, bearer: int, direction: int, message: bytes, nbits: int) -> bytes:
    """128-EIA2 (TS 33.401 B.2.3): MAC-I = first 32 bits of AES-CMAC over
    M = COUNT(32) | BEARER(5) | DIRECTION(1) | 0^26 | MESSAGE, BLENGTH = LENGTH + 64 bits."""
    if 8 * len(message) < nbits:
        raise ValueError("message shorter than LENGTH")
    msg = int.from_bytes(message, "big") >> (8 * len(message) - nbits) if message else 0
    head = (count << 32) | (bearer << 27) | (direction << 26)
    return aes_cmac_bits(key, (head << nbits) | msg, nbits + 64)[:4]


# --------------------------------------------------------------------------------------------------
# ECIES, TS 33.501 Annex C.3 (Profile A: X25519, Profile B: P-256)
# --------------------------------------------------------------------------------------------------


class EciesError(Exception):
    """Raised when an ECIES scheme output cannot be unwrapped (bad length, bad point, bad tag)."""


ECIES_TAG_LEN = 8  # C.3.4.1 / C.3.4.2: MAC tag length 8 octets
ECIES_EPH_LEN = {"a": 32, "b": 33}  # eph. public key as sent: raw X25519 / compressed P-256 point


def x963_kdf(z: bytes, shared_info: bytes, length: int = 64) -> bytes:
    """ANSI X9.63 KDF with SHA-256: K = SHA-256(Z || counter(32, from 1) || SharedInfo) || ... (TS 33.501 C.3.2)."""
    out = b""
    counter = 1
    while len(out) < length:
        out += hashlib.sha256(z + counter.to_bytes(4, "big") + shared_info).digest()
        counter += 1
    return out[:length]


def aes_ctr32(key: bytes, icb: bytes, data: bytes) -> bytes:
    """AES-128-CTR where only the rightmost 32 bits of the counter block are incremented modulo 2^32
    (NIST SP 800-38A B.1 with m = 32, as required by TS 33.501 C.3.2)."""
    prefix = icb[:12]
    ctr = int.from_bytes(icb[12:], "big")
    stream = b""
    for _ in range((len(data) + 15) // 16):
        stream += aes_ecb_encrypt(key, prefix + ctr.to_bytes(4, "big"))
        ctr = (ctr + 1) & 0xFFFFFFFF
    return xor(data, stream[: len(data)])


def ecies_keys(z: bytes, eph_pub: bytes) -> tuple:
    """(EK, ICB, MK) = K[0:16], K[16:32], K[32:64], K = X9.63-KDF(Z, SharedInfo1 = eph_pub as sent)."""
    k = x963_kdf(z, eph_pub, 64)
    return k[:16], k[16:32], k[32:64]


def ecies_mac(mk: bytes, ciphertext: bytes) -> bytes:
    """Tag = 8 leftmost octets of HMAC-SHA-256(MK, ciphertext) (SharedInfo2 empty, TS 33.501 C.3.2)."""
    return hmac.new(mk, ciphertext, hashlib.sha256).digest()[:ECIES_TAG_LEN]


def p256_private(scalar: bytes) -> ec.EllipticCurvePrivateKey:
    """P-256 private key from a 32-octet big-endian scalar."""
    return ec.derive_private_key(int.from_bytes(scalar, "big"), ec.SECP256R1())


def p256_compressed(pub: ec.EllipticCurvePublicKey) -> bytes:
    """SEC1 compressed encoding (02/03 || X) of a P-256 public key."""
    return pub.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)


def x25519_raw_pub(priv: x25519.X25519PrivateKey) -> bytes:
    """Raw 32-octet X25519 public key (RFC 7748 u-coordinate)."""
    return priv.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def ecies_public_from_private(profile: str, priv: bytes) -> bytes:
    """Public key as sent for a raw private key: Profile A raw 32 octets, Profile B compressed 33 octets."""
    if profile == "a":
        return x25519_raw_pub(x25519.X25519PrivateKey.from_private_bytes(priv))
    return p256_compressed(p256_private(priv).public_key())


def ecies_shared_secret(profile: str, priv: bytes, peer_pub: bytes) -> bytes:
    """Z: X25519 output (Profile A, C.3.4.1) or the ECDH x-coordinate (Profile B, C.3.4.2, cofactor h = 1)."""
    try:
        if profile == "a":
            own = x25519.X25519PrivateKey.from_private_bytes(priv)
            return own.exchange(x25519.X25519PublicKey.from_public_bytes(peer_pub))
        peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), peer_pub)
        return p256_private(priv).exchange(ec.ECDH(), peer)
    except ValueError as exc:
        raise EciesError(f"key agreement failed: {exc}") from exc


def ecies_wrap(profile: str, hn_pub: bytes, plaintext: bytes, eph_priv: bytes) -> bytes:
    """ECIES encryption at the UE side (TS 33.501 C.3.2): output = eph_pub || ciphertext || tag(8)."""
    eph_pub = ecies_public_from_private(profile, eph_priv)
    z = ecies_shared_secret(profile, eph_priv, hn_pub)
    ek, icb, mk = ecies_keys(z, eph_pub)
    ciphertext = aes_ctr32(ek, icb, plaintext)
    return eph_pub + ciphertext + ecies_mac(mk, ciphertext)


def ecies_unwrap(profile: str, hn_priv: bytes, data: bytes) -> bytes:
    """ECIES decryption at the home network side (TS 33.501 C.3.3): verify the tag, then decrypt."""
    elen = ECIES_EPH_LEN[profile]
    if len(data) < elen + ECIES_TAG_LEN:
        raise EciesError("scheme output too short")
    eph_pub = data[:elen]
    if profile == "b" and eph_pub[0] not in (2, 3):
        raise EciesError("Profile B ephemeral key is not a compressed point")
    ciphertext, tag = data[elen:-ECIES_TAG_LEN], data[-ECIES_TAG_LEN:]
    z = ecies_shared_secret(profile, hn_priv, eph_pub)
    ek, icb, mk = ecies_keys(z, eph_pub)
    if not hmac.compare_digest(ecies_mac(mk, ciphertext), tag):
        raise EciesError("MAC tag mismatch")
    return aes_ctr32(ek, icb, ciphertext)


# --------------------------------------------------------------------------------------------------
# Step 1: self-check against the vector files
# --------------------------------------------------------------------------------------------------


def h(s: str) -> bytes:
    """Hex string from a vector file -> bytes."""
    return bytes.fromhex(s)


class SelfCheck:
    """Collects comparisons of the Python implementation against the published vectors."""

    def __init__(self):
        self.checks = 0
        self.problems = []
        self.groups = []  # (name, entries, failed entries)

    def eq(self, label: str, got, expected) -> None:
        """Record one comparison; bytes are compared against a hex string or bytes."""
        self.checks += 1
        if isinstance(expected, str) and isinstance(got, (bytes, bytearray)):
            expected = h(expected)
        if got != expected:
            show = lambda v: v.hex() if isinstance(v, (bytes, bytearray)) else repr(v)  # noqa: E731
            self.problems.append(f"{label}: got {show(got)}, expected {show(expected)}")

    def group(self, name: str, entries: list, check_entry) -> None:
        """Run check_entry(label, entry) on each entry; an exception counts as a problem."""
        failed = 0
        for i, entry in enumerate(entries):
            label = f"{name}[{i}]" + (f" ({entry['id']})" if isinstance(entry, dict) and "id" in entry else "")
            before = len(self.problems)
            try:
                check_entry(label, entry)
            except Exception as exc:  # a malformed entry or a crash in our code must fail loudly
                self.problems.append(f"{label}: exception {type(exc).__name__}: {exc}")
            if len(self.problems) != before:
                failed += 1
        if not entries:
            self.problems.append(f"{name}: no entries in the vector file")
        self.groups.append((name, len(entries), failed))


def check_milenage_entry(sc: SelfCheck, label: str, e: dict) -> None:
    """TS 35.208 test set: OPc, f1, f1*, f2, f3, f4, f5, f5*."""
    k = h(e["k"])
    if "op" in e:
        sc.eq(f"{label} opc", milenage_opc(k, h(e["op"])), e["opc"])
    m = Milenage(k, h(e["opc"]))
    rand, sqn, amf = h(e["rand"]), h(e["sqn"]), h(e["amf"])
    mac_a, mac_s = m.f1_f1star(rand, sqn, amf)
    res, ck, ik, ak = m.f2345(rand)
    sc.eq(f"{label} f1", mac_a, e["f1"])
    sc.eq(f"{label} f1star", mac_s, e["f1star"])
    sc.eq(f"{label} f2", res, e["f2"])
    sc.eq(f"{label} f3", ck, e["f3"])
    sc.eq(f"{label} f4", ik, e["f4"])
    sc.eq(f"{label} f5", ak, e["f5"])
    sc.eq(f"{label} f5star", m.f5star(rand), e["f5star"])


def check_eea2_entry(sc: SelfCheck, label: str, e: dict) -> None:
    """TS 33.401 C.1 test set: T1, encryption and decryption."""
    key, count, bearer, direction, n = h(e["key"]), int(e["count"], 16), e["bearer"], e["direction"], e["length_bits"]
    if "counter_block_t1" in e:
        sc.eq(f"{label} T1", eea2_t1(count, bearer, direction), e["counter_block_t1"])
    sc.eq(f"{label} ciphertext", eea2(key, count, bearer, direction, h(e["plaintext"]), n), e["ciphertext"])
    sc.eq(f"{label} decrypt", eea2(key, count, bearer, direction, h(e["ciphertext"]), n),
          zero_tail_bits(h(e["plaintext"]), n))


def check_eia2_entry(sc: SelfCheck, label: str, e: dict) -> None:
    """TS 33.401 C.2 test set: MAC-I."""
    mac = eia2(h(e["key"]), int(e["count"], 16), e["bearer"], e["direction"], h(e["message"]), e["length_bits"])
    sc.eq(f"{label} mac", mac, e["mac"])


def check_kdf_entry(sc: SelfCheck, label: str, e: dict) -> None:
    """KDF entry, dispatched on its `function` (KASME, K_NASenc, K_NASint, CK'||IK', HMAC-SHA-256)."""
    fn = e["function"]
    inp = e.get("inputs", {})
    if fn == "KASME":
        ck, ik, sn_id = h(inp["ck"]), h(inp["ik"]), h(inp["sn_id"])
        sqn_xor_ak = xor(h(inp["sqn"]), h(inp["ak"]))
        sc.eq(f"{label} sqn_xor_ak", sqn_xor_ak, inp["sqn_xor_ak"])
        sc.eq(f"{label} key", ck + ik, e["key"])
        mcc, mnc = decode_sn_id(sn_id)
        sc.eq(f"{label} sn_id re-encoded from MCC {mcc} MNC {mnc}", plmn_sn_id(mcc, mnc), sn_id)
        sc.eq(f"{label} S", kdf_s(0x10, sn_id, sqn_xor_ak), e["s"])
        sc.eq(f"{label} output", derive_kasme(ck, ik, plmn_sn_id(mcc, mnc), sqn_xor_ak), e["output"])
    elif fn in ("K_NASenc", "K_NASint"):
        kasme = h(inp["kasme"])
        dist = int(inp["algorithm_type_distinguisher"], 16)
        alg = int(inp["algorithm_identity"], 16)
        sc.eq(f"{label} distinguisher", dist, NAS_ENC_ALG if fn == "K_NASenc" else NAS_INT_ALG)
        sc.eq(f"{label} key", kasme, e["key"])
        sc.eq(f"{label} S", kdf_s(int(e["fc"], 16), bytes([dist]), bytes([alg])), e["s"])
        sc.eq(f"{label} output", kdf(kasme, 0x15, bytes([dist]), bytes([alg])), e["output"])
        sc.eq(f"{label} key_128", derive_alg_key(kasme, dist, alg), e["key_128"])
    elif fn == "CK'||IK'":
        key = h(inp["ck"]) + h(inp["ik"])
        sc.eq(f"{label} key", key, e["key"])
        anid = h(inp["access_network_identity_hex"])
        sc.eq(f"{label} access network identity", anid, inp["access_network_identity"].encode("ascii"))
        out = kdf(key, int(e["fc"], 16), anid, h(inp["sqn_xor_ak"]))
        sc.eq(f"{label} S", kdf_s(int(e["fc"], 16), anid, h(inp["sqn_xor_ak"])), e["s"])
        sc.eq(f"{label} output", out, e["output"])
        sc.eq(f"{label} ck_prime", out[:16], e["ck_prime"])
        sc.eq(f"{label} ik_prime", out[16:], e["ik_prime"])
    elif fn.startswith("HMAC"):
        sc.eq(f"{label} output", hmac.new(h(e["key"]), h(e["data"]), hashlib.sha256).digest(), e["output"])
    else:
        raise ValueError(f"unknown KDF function {fn!r}")


def check_autn_entry(sc: SelfCheck, label: str, e: dict, milenage_sets: dict) -> None:
    """AUTN construction; when the Milenage set with the same number exists, also recompute AUTN end to end."""
    sqn, ak, amf, mac_a = h(e["sqn"]), h(e["ak"]), h(e["amf"]), h(e["mac_a"])
    sc.eq(f"{label} sqn_xor_ak", xor(sqn, ak), e["sqn_xor_ak"])
    sc.eq(f"{label} autn", make_autn(sqn, ak, amf, mac_a), e["autn"])
    ms = milenage_sets.get(e.get("set"))
    if ms is not None and ms["sqn"] == e["sqn"] and ms["amf"] == e["amf"]:
        m = Milenage(h(ms["k"]), h(ms["opc"]))
        rand = h(ms["rand"])
        full = make_autn(sqn, m.f2345(rand)[3], amf, m.f1_f1star(rand, sqn, amf)[0])
        sc.eq(f"{label} autn from Milenage set {e['set']}", full, e["autn"])


def check_auts_entry(sc: SelfCheck, label: str, e: dict) -> None:
    """AUTS generation, SQN_MS recovery and MAC-S check (plus a wrong-K negative)."""
    k, rand, auts, sqn_ms = h(e["k"]), h(e["rand"]), h(e["auts"]), h(e["sqn_ms"])
    m = Milenage(k, h(e["opc"]))
    if "ak_star" in e:
        sc.eq(f"{label} ak_star", m.f5star(rand), e["ak_star"])
    if "mac_s" in e:
        sc.eq(f"{label} mac_s", m.f1_f1star(rand, sqn_ms, AUTS_DUMMY_AMF)[1], e["mac_s"])
    sc.eq(f"{label} auts", make_auts(m, rand, sqn_ms), auts)
    sc.eq(f"{label} resync", resync(m, rand, auts), (sqn_ms, True))
    wrong = Milenage(xor(k, bytes(15) + b"\x01"), m.opc)
    sc.eq(f"{label} resync with wrong K rejects MAC-S", resync(wrong, rand, auts)[1], False)


def check_ecies_entry(sc: SelfCheck, label: str, e: dict, profile: str) -> None:
    """TS 33.501 C.4 test set: public keys, Z, KDF output, EK/ICB/MK, ciphertext, tag, scheme output, unwrap."""
    hn_priv, eph_priv, pt = h(e["hn_private_key"]), h(e["eph_private_key"]), h(e["plaintext"])
    eph_pub = ecies_public_from_private(profile, eph_priv)
    sc.eq(f"{label} eph_public_key", eph_pub, e["eph_public_key"])
    if profile == "a":
        hn_pubs = [h(e["hn_public_key"])]
        sc.eq(f"{label} hn_public_key", ecies_public_from_private("a", hn_priv), hn_pubs[0])
    else:
        hn_pubs = [h(e["hn_public_key_compressed"]), h(e["hn_public_key_uncompressed"])]
        hn_key = p256_private(hn_priv).public_key()
        sc.eq(f"{label} hn_public_key_compressed", p256_compressed(hn_key), hn_pubs[0])
        sc.eq(f"{label} hn_public_key_uncompressed",
              hn_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint), hn_pubs[1])
        if "eph_public_key_uncompressed" in e:
            sc.eq(f"{label} eph_public_key_uncompressed",
                  p256_private(eph_priv).public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint),
                  e["eph_public_key_uncompressed"])
    z = ecies_shared_secret(profile, eph_priv, hn_pubs[0])
    sc.eq(f"{label} shared_secret (UE side)", z, e["shared_secret"])
    sc.eq(f"{label} shared_secret (HN side)", ecies_shared_secret(profile, hn_priv, eph_pub), e["shared_secret"])
    sc.eq(f"{label} kdf_output", x963_kdf(z, eph_pub, 64), e["kdf_output"])
    ek, icb, mk = ecies_keys(z, eph_pub)
    sc.eq(f"{label} enc_key", ek, e["enc_key"])
    sc.eq(f"{label} icb", icb, e["icb"])
    sc.eq(f"{label} mac_key", mk, e["mac_key"])
    sc.eq(f"{label} ciphertext", aes_ctr32(ek, icb, pt), e["ciphertext"])
    sc.eq(f"{label} mac_tag", ecies_mac(mk, h(e["ciphertext"])), e["mac_tag"])
    for hp in hn_pubs:
        sc.eq(f"{label} scheme_output (hn pub {len(hp)} octets)", ecies_wrap(profile, hp, pt, eph_priv),
              e["scheme_output"])
    sc.eq(f"{label} unwrap", ecies_unwrap(profile, hn_priv, h(e["scheme_output"])), pt)
    tampered = bytearray(h(e["scheme_output"]))
    tampered[-1] ^= 0x01
    try:
        ecies_unwrap(profile, hn_priv, bytes(tampered))
        sc.eq(f"{label} unwrap with tampered tag is rejected", "accepted", "rejected")
    except EciesError:
        sc.eq(f"{label} unwrap with tampered tag is rejected", "rejected", "rejected")


def check_internal_consistency(sc: SelfCheck, label: str, _entry) -> None:
    """Checks not tied to a vector entry: PLMN encoding rule, bit CMAC vs library CMAC, CTR32 wrap-around."""
    # TS 24.301 PLMN encoding, spelled out from the rule (MCC2 MCC1 | MNC3 MCC3 | MNC2 MNC1).
    sc.eq(f"{label} PLMN 310/410", plmn_sn_id("310", "410"), bytes([0x13, 0x00, 0x14]))
    sc.eq(f"{label} PLMN 262/01", plmn_sn_id("262", "01"), bytes([0x62, 0xF2, 0x10]))
    sc.eq(f"{label} PLMN 001/001 vs 001/01 differ", plmn_sn_id("001", "001") != plmn_sn_id("001", "01"), True)
    # The bit-granular CMAC must equal the library's byte-oriented CMAC on byte-aligned input.
    rng = random.Random(0)
    for length in (0, 1, 15, 16, 17, 31, 32, 33, 64, 100):
        key, data = rng.randbytes(16), rng.randbytes(length)
        lib = crypto_cmac.CMAC(algorithms.AES(key))
        lib.update(data)
        sc.eq(f"{label} CMAC {length} octets vs library", aes_cmac(key, data), lib.finalize())
    # Bit-granular CMAC ignores bits beyond nbits.
    key = rng.randbytes(16)
    sc.eq(f"{label} CMAC ignores tail bits", aes_cmac(key, b"\xab\xff", 9), aes_cmac(key, b"\xab\x80", 9))
    # ECIES CTR: the counter wraps within the rightmost 32 bits without carrying into the left 96 bits.
    key, icb = rng.randbytes(16), rng.randbytes(12) + b"\xff\xff\xff\xff"
    ks = aes_ctr32(key, icb, bytes(32))
    sc.eq(f"{label} CTR32 block 1", ks[:16], aes_ecb_encrypt(key, icb))
    sc.eq(f"{label} CTR32 block 2 wraps", ks[16:], aes_ecb_encrypt(key, icb[:12] + bytes(4)))
    # ECIES CTR equals the library CTR when no 32-bit wrap occurs.
    icb = rng.randbytes(12) + bytes(4)
    enc = Cipher(algorithms.AES(key), modes.CTR(icb)).encryptor()
    data = rng.randbytes(70)
    sc.eq(f"{label} CTR32 vs library CTR", aes_ctr32(key, icb, data), enc.update(data) + enc.finalize())
    # AES-ECB decrypt inverts encrypt (rand-encrypt / rand-decrypt).
    block = rng.randbytes(16)
    sc.eq(f"{label} AES decrypt(encrypt)", aes_ecb_decrypt(key, aes_ecb_encrypt(key, block)), block)


def self_check(vectors_dir: str) -> bool:
    """Step 1: check the Python implementation against every vector entry. Prints a report; True if all pass."""
    with open(os.path.join(vectors_dir, "3gpp-test-vectors.json"), encoding="utf-8") as f:
        v3 = json.load(f)
    with open(os.path.join(vectors_dir, "ecies-test-vectors.json"), encoding="utf-8") as f:
        vecies = json.load(f)

    sc = SelfCheck()
    milenage_sets = {e.get("set"): e for e in v3["milenage"]}
    sc.group("milenage", v3["milenage"], lambda lb, e: check_milenage_entry(sc, lb, e))
    sc.group("eea2", v3["eea2"], lambda lb, e: check_eea2_entry(sc, lb, e))
    sc.group("eia2", v3["eia2"], lambda lb, e: check_eia2_entry(sc, lb, e))
    sc.group("kdf", v3["kdf"], lambda lb, e: check_kdf_entry(sc, lb, e))
    sc.group("autn", v3["autn"], lambda lb, e: check_autn_entry(sc, lb, e, milenage_sets))
    sc.group("auts", v3["auts"], lambda lb, e: check_auts_entry(sc, lb, e))
    sc.group("ecies profile_a", vecies["profile_a"], lambda lb, e: check_ecies_entry(sc, lb, e, "a"))
    sc.group("ecies profile_b", vecies["profile_b"], lambda lb, e: check_ecies_entry(sc, lb, e, "b"))
    sc.group("internal", [None], lambda lb, e: check_internal_consistency(sc, lb, e))

    for name, entries, failed in sc.groups:
        print(f"self-check {name}: {entries - failed}/{entries} entries ok")
    if sc.problems:
        for p in sc.problems:
            print(f"SELF-CHECK FAIL {p}")
        print(f"self-check FAILED: {len(sc.problems)} of {sc.checks} comparisons wrong")
        return False
    print(f"self-check: all {sc.checks} comparisons passed")
    return True


# --------------------------------------------------------------------------------------------------
# Step 2: cross-check of the C++ binary
# --------------------------------------------------------------------------------------------------


class Runner:
    """Runs `simbind auc ...`, compares results and keeps per-subcommand statistics."""

    MAX_REPORTED_PER_NAME = 5

    def __init__(self, simbind: str, timeout: float):
        self.simbind = simbind
        self.timeout = timeout
        self.stats = {}  # name -> [passed, failed], in insertion order

    def run(self, args: list):
        """Run `simbind auc <args>` (args[0] is the subcommand).

        Returns (CompletedProcess, "") or (None, error text) on timeout / launch error."""
        cmd = [self.simbind, "auc"] + args
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=self.timeout), ""
        except subprocess.TimeoutExpired:
            return None, f"timed out after {self.timeout} s"
        except OSError as exc:
            return None, f"could not start: {exc}"

    def record(self, name: str, args: list, problems: list) -> None:
        """Count one case; report its problems (only the first few per subcommand)."""
        st = self.stats.setdefault(name, [0, 0])
        if not problems:
            st[0] += 1
            return
        st[1] += 1
        if st[1] <= self.MAX_REPORTED_PER_NAME:
            print(f"FAIL {name}: " + "; ".join(problems))
            print(f"  command: {shlex.join([self.simbind, 'auc'] + args)}")
        elif st[1] == self.MAX_REPORTED_PER_NAME + 1:
            print(f"FAIL {name}: further failures not shown")

    def run_json(self, args: list) -> tuple:
        """Run a command that must succeed and print exactly one JSON object; returns (object or None, problems)."""
        proc, err = self.run(args)
        if proc is None:
            return None, [err]
        if proc.returncode != 0:
            return None, [f"exit status {proc.returncode}, stderr: {proc.stderr.strip()[:300]!r}"]
        try:
            obj = json.loads(proc.stdout)
        except json.JSONDecodeError as exc:
            return None, [f"stdout is not one JSON object ({exc}): {proc.stdout[:300]!r}"]
        if not isinstance(obj, dict):
            return None, [f"stdout JSON is not an object: {proc.stdout[:300]!r}"]
        return obj, []

    def expect(self, name: str, args: list, expected: dict, absent: tuple = ()) -> None:
        """One positive case: every expected key must be present with exactly the expected value."""
        obj, problems = self.run_json(args + ["--json"])
        if obj is not None:
            problems += compare_json(obj, expected, absent)
        self.record(name, args + ["--json"], problems)

    def summary(self) -> tuple:
        """Print one line per subcommand; return (passed, failed) totals."""
        passed = failed = 0
        for name, (p, f) in self.stats.items():
            print(f"{name}: {p}/{p + f} match")
            passed += p
            failed += f
        return passed, failed


def compare_json(obj: dict, expected: dict, absent: tuple = ()) -> list:
    """Compare a parsed JSON object with expected values (bytes -> lowercase hex, bool -> JSON boolean)."""
    problems = []
    for key, exp in expected.items():
        if key not in obj:
            problems.append(f"key {key!r} missing")
            continue
        got = obj[key]
        if isinstance(exp, bool):
            if not isinstance(got, bool) or got != exp:
                problems.append(f"{key}: got {json.dumps(got)}, expected {json.dumps(exp)}")
        else:
            want = exp.hex() if isinstance(exp, (bytes, bytearray)) else exp
            if got != want:
                problems.append(f"{key}: got {json.dumps(got)}, expected {json.dumps(want)}")
    for key in absent:
        if key in obj:
            problems.append(f"key {key!r} must not be present")
    return problems


def random_plmn(rng: random.Random, mnc_digits: int) -> tuple:
    """Random MCC (3 digits) and MNC (2 or 3 digits); the first digit is 0 half of the time, so that
    e.g. MNC "01" vs "001" (different SN ids) is exercised often."""
    def digits(n: int) -> str:
        first = "0" if rng.random() < 0.5 else rng.choice("0123456789")
        return first + "".join(rng.choice("0123456789") for _ in range(n - 1))
    return digits(3), digits(mnc_digits)


def random_subscriber(rng: random.Random, use_op: bool) -> tuple:
    """Random K and OP/OPc: returns (Milenage, CLI options for OP or OPc)."""
    k, o = rng.randbytes(16), rng.randbytes(16)
    if use_op:
        return milenage_from_args(k, op=o), ["--k", k.hex(), "--op", o.hex()]
    return milenage_from_args(k, opc=o), ["--k", k.hex(), "--opc", o.hex()]


def cross_milenage(r: Runner, rng: random.Random, n: int) -> None:
    """`auc milenage`: all of opc, mac_a, mac_s, res, ck, ik, ak, ak_star, autn (+ kasme with --mcc/--mnc)."""
    for i in range(n):
        use_op = i % 2 == 0
        plmn_kind = (i // 2) % 3  # 0: no PLMN, 1: 2-digit MNC, 2: 3-digit MNC
        m, args = random_subscriber(rng, use_op)
        rand, sqn, amf = rng.randbytes(16), rng.randbytes(6), rng.randbytes(2)
        args += ["--rand", rand.hex(), "--sqn", sqn.hex(), "--amf", amf.hex()]
        mac_a, mac_s = m.f1_f1star(rand, sqn, amf)
        res, ck, ik, ak = m.f2345(rand)
        expected = {"opc": m.opc, "mac_a": mac_a, "mac_s": mac_s, "res": res, "ck": ck, "ik": ik, "ak": ak,
                    "ak_star": m.f5star(rand), "autn": make_autn(sqn, ak, amf, mac_a)}
        absent = ("kasme",)
        if plmn_kind:
            mcc, mnc = random_plmn(rng, 1 + plmn_kind)
            args += ["--mcc", mcc, "--mnc", mnc]
            expected["kasme"] = derive_kasme(ck, ik, plmn_sn_id(mcc, mnc), xor(sqn, ak))
            absent = ()
        r.expect("milenage", ["milenage"] + args, expected, absent)


def cross_auts(r: Runner, rng: random.Random, n: int) -> None:
    """`auc auts`: AUTS token from SQN_MS."""
    for i in range(n):
        m, args = random_subscriber(rng, i % 2 == 0)
        rand, sqn_ms = rng.randbytes(16), rng.randbytes(6)
        args += ["--rand", rand.hex(), "--sqn-ms", sqn_ms.hex()]
        r.expect("auts", ["auts"] + args, {"auts": make_auts(m, rand, sqn_ms)})


def cross_resync(r: Runner, rng: random.Random, n: int) -> None:
    """`auc resync`: SQN_MS recovery and MAC-S check; 3 of 4 tokens are valid, 1 of 4 random."""
    for i in range(n):
        m, args = random_subscriber(rng, i % 2 == 0)
        rand = rng.randbytes(16)
        auts = make_auts(m, rand, rng.randbytes(6)) if i % 4 != 3 else rng.randbytes(14)
        sqn_ms, valid = resync(m, rand, auts)
        args += ["--rand", rand.hex(), "--auts", auts.hex()]
        r.expect("resync", ["resync"] + args, {"sqn_ms": sqn_ms, "mac_s_valid": valid})


def cross_nas_keys(r: Runner, rng: random.Random, n: int) -> None:
    """`auc nas-keys`: K_NASenc / K_NASint for random KASME and algorithm ids 0..3."""
    for _ in range(n):
        kasme, enc_alg, int_alg = rng.randbytes(32), rng.randrange(4), rng.randrange(4)
        args = ["nas-keys", "--kasme", kasme.hex(), "--enc-alg", str(enc_alg), "--int-alg", str(int_alg)]
        r.expect("nas-keys", args, {"k_nas_enc": derive_alg_key(kasme, NAS_ENC_ALG, enc_alg),
                                    "k_nas_int": derive_alg_key(kasme, NAS_INT_ALG, int_alg)})


_EDGE_LENGTHS = (1, 7, 8, 9, 63, 64, 65, 127, 128, 129, 255, 256, 257, 800)


def random_bearer_case(rng: random.Random, i: int) -> tuple:
    """Random (key, count, bearer, direction, nbits, data) for EEA2/EIA2; edge lengths first, then
    a mix of byte-aligned and non-aligned lengths up to 100 octets. Bits beyond nbits are zero."""
    if i < len(_EDGE_LENGTHS):
        nbits = _EDGE_LENGTHS[i]
    elif i % 4 == 0:
        nbits = 8 * rng.randint(1, 100)
    else:
        nbits = rng.randint(1, 800)
    data = zero_tail_bits(rng.randbytes((nbits + 7) // 8), nbits)
    return rng.randbytes(16), rng.getrandbits(32), rng.randrange(32), rng.randrange(2), nbits, data


def bearer_args(key: bytes, count: int, bearer: int, direction: int, nbits: int, data: bytes) -> list:
    """CLI options shared by `auc eea2` and `auc eia2`."""
    return ["--key", key.hex(), "--count", f"{count:08x}", "--bearer", str(bearer), "--direction", str(direction),
            "--length-bits", str(nbits), "--data", data.hex()]


def cross_eea2(r: Runner, rng: random.Random, n: int) -> None:
    """`auc eea2`: 128-EEA2 output."""
    for i in range(n):
        key, count, bearer, direction, nbits, data = random_bearer_case(rng, i)
        r.expect("eea2", ["eea2"] + bearer_args(key, count, bearer, direction, nbits, data),
                 {"output": eea2(key, count, bearer, direction, data, nbits)})


def cross_eia2(r: Runner, rng: random.Random, n: int) -> None:
    """`auc eia2`: 128-EIA2 MAC-I."""
    for i in range(n):
        key, count, bearer, direction, nbits, data = random_bearer_case(rng, i)
        r.expect("eia2", ["eia2"] + bearer_args(key, count, bearer, direction, nbits, data),
                 {"mac": eia2(key, count, bearer, direction, data, nbits)})


def cross_rand_crypt(r: Runner, rng: random.Random, n: int) -> None:
    """`auc rand-encrypt` / `auc rand-decrypt`: one AES-128-ECB block."""
    for _ in range(n):
        kme, rand = rng.randbytes(16), rng.randbytes(16)
        r.expect("rand-encrypt", ["rand-encrypt", "--kme", kme.hex(), "--rand", rand.hex()],
                 {"rand_star": aes_ecb_encrypt(kme, rand)})
    for _ in range(n):
        kme, rand_star = rng.randbytes(16), rng.randbytes(16)
        r.expect("rand-decrypt", ["rand-decrypt", "--kme", kme.hex(), "--rand-star", rand_star.hex()],
                 {"rand": aes_ecb_decrypt(kme, rand_star)})


def random_ecies_keypair(rng: random.Random, profile: str) -> tuple:
    """Random (private raw, public as sent, public uncompressed or None) from the seeded generator.

    P-256 scalars are drawn from the seeded generator (reproducible with --seed) and turned into keys with
    ec.derive_private_key; exported as 32 octets big-endian."""
    if profile == "a":
        priv = x25519.X25519PrivateKey.from_private_bytes(rng.randbytes(32))
        raw = priv.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return raw, x25519_raw_pub(priv), None
    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551  # P-256 group order n
    priv = ec.derive_private_key(rng.randrange(1, order), ec.SECP256R1())
    raw = priv.private_numbers().private_value.to_bytes(32, "big")
    pub = priv.public_key()
    return raw, p256_compressed(pub), pub.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


def random_plaintext(rng: random.Random) -> bytes:
    """ECIES plaintext: 16 octets (a KME) half of the time, otherwise 1..64 octets."""
    return rng.randbytes(16 if rng.random() < 0.5 else rng.randint(1, 64))


def cross_ecies(r: Runner, rng: random.Random, n: int) -> None:
    """`auc ecies-wrap` (fixed and random ephemeral key) and `auc ecies-unwrap`, both profiles."""
    for i in range(n):
        profile = "ab"[i % 2]
        hn_priv, hn_pub, hn_pub_unc = random_ecies_keypair(rng, profile)
        eph_priv = random_ecies_keypair(rng, profile)[0]
        pt = random_plaintext(rng)
        given_pub = hn_pub_unc if (profile == "b" and (i // 2) % 2 == 1) else hn_pub
        args = ["ecies-wrap", "--profile", profile, "--hn-pub", given_pub.hex(), "--plaintext", pt.hex(),
                "--eph-priv", eph_priv.hex()]
        r.expect("ecies-wrap", args, {"output": ecies_wrap(profile, hn_pub, pt, eph_priv)})

    for i in range(n):
        profile = "ab"[i % 2]
        hn_priv, hn_pub, hn_pub_unc = random_ecies_keypair(rng, profile)
        pt = random_plaintext(rng)
        given_pub = hn_pub_unc if (profile == "b" and (i // 2) % 2 == 1) else hn_pub
        args = ["ecies-wrap", "--profile", profile, "--hn-pub", given_pub.hex(), "--plaintext", pt.hex(), "--json"]
        obj, problems = r.run_json(args)
        if obj is not None:
            try:
                out = bytes.fromhex(obj["output"])
                if ecies_unwrap(profile, hn_priv, out) != pt:
                    problems.append("Python unwrap gives a different plaintext")
            except (KeyError, TypeError, ValueError, EciesError) as exc:
                problems.append(f"Python unwrap of {obj.get('output')!r} failed: {exc}")
        r.record("ecies-wrap (random eph)", args, problems)

    for i in range(n):
        profile = "ab"[i % 2]
        hn_priv, hn_pub, _ = random_ecies_keypair(rng, profile)
        eph_priv = random_ecies_keypair(rng, profile)[0]
        pt = random_plaintext(rng)
        wrapped = ecies_wrap(profile, hn_pub, pt, eph_priv)
        args = ["ecies-unwrap", "--profile", profile, "--hn-priv", hn_priv.hex(), "--input", wrapped.hex()]
        r.expect("ecies-unwrap", args, {"plaintext": pt})


def cross_negative(r: Runner, rng: random.Random) -> None:
    """Negative cases: tampered ECIES tag/ciphertext, resync with a wrong K, malformed hex options."""
    # (a) ecies-unwrap of a tampered scheme output must fail with a non-zero exit status.
    for i in range(8):
        profile = "ab"[i % 2]
        hn_priv, hn_pub, _ = random_ecies_keypair(rng, profile)
        eph_priv = random_ecies_keypair(rng, profile)[0]
        wrapped = bytearray(ecies_wrap(profile, hn_pub, random_plaintext(rng), eph_priv))
        if i < 6:  # flip one bit of the tag
            bit = rng.randrange(8 * ECIES_TAG_LEN)
            wrapped[len(wrapped) - ECIES_TAG_LEN + bit // 8] ^= 0x80 >> (bit % 8)
        else:  # flip one bit of the ciphertext
            ct_start = ECIES_EPH_LEN[profile]
            pos = rng.randrange(ct_start, len(wrapped) - ECIES_TAG_LEN)
            wrapped[pos] ^= 1 << rng.randrange(8)
        args = ["ecies-unwrap", "--profile", profile, "--hn-priv", hn_priv.hex(), "--input", bytes(wrapped).hex(),
                "--json"]
        proc, err = r.run(args)
        problems = [err] if proc is None else []
        if proc is not None and proc.returncode == 0:
            problems.append(f"tampered input accepted (exit 0), stdout: {proc.stdout.strip()[:200]!r}")
        r.record("ecies-unwrap (tampered, must fail)", args, problems)

    # (b) resync with a wrong K must report mac_s_valid = false.
    for i in range(6):
        m, _ = random_subscriber(rng, True)
        rand = rng.randbytes(16)
        auts = make_auts(m, rand, rng.randbytes(6))
        wrong, args = random_subscriber(rng, i % 2 == 0)
        sqn_ms, valid = resync(wrong, rand, auts)
        args = ["resync"] + args + ["--rand", rand.hex(), "--auts", auts.hex()]
        problems = [] if valid is False else ["test setup: random wrong K accepted?"]
        obj, p = r.run_json(args + ["--json"])
        problems += p
        if obj is not None:
            problems += compare_json(obj, {"sqn_ms": sqn_ms, "mac_s_valid": False})
        r.record("resync (wrong K, must be invalid)", args + ["--json"], problems)

    # (c) malformed hex options: exit status 2 and the option named on stderr.
    k, o, rand = rng.randbytes(16).hex(), rng.randbytes(16).hex(), rng.randbytes(16).hex()
    bad_cases = [
        ("--k", ["milenage", "--k", "00", "--opc", o, "--rand", rand, "--sqn", "000000000001", "--amf", "8000"]),
        ("--opc", ["milenage", "--k", k, "--opc", "zz" * 16, "--rand", rand, "--sqn", "000000000001", "--amf", "8000"]),
        ("--rand", ["auts", "--k", k, "--op", o, "--rand", rand[:-1], "--sqn-ms", "000000000001"]),
        ("--kasme", ["nas-keys", "--kasme", rand, "--enc-alg", "0", "--int-alg", "2"]),
        ("--key", ["eia2", "--key", k + "00", "--count", "00000001", "--bearer", "1", "--direction", "0",
                   "--length-bits", "8", "--data", "ab"]),
        ("--kme", ["rand-encrypt", "--kme", k[:30], "--rand", rand]),
    ]
    for option, args in bad_cases:
        args = args + ["--json"]
        proc, err = r.run(args)
        problems = [err] if proc is None else []
        if proc is not None:
            if proc.returncode != 2:
                problems.append(f"exit status {proc.returncode}, expected 2")
            if option not in proc.stderr:
                problems.append(f"stderr does not name {option}: {proc.stderr.strip()[:200]!r}")
        r.record("malformed hex (exit 2, option named)", args, problems)


def cross_check(simbind: str, cases: int, seed: int, timeout: float) -> bool:
    """Step 2: run every subcommand on random inputs; print per-subcommand lines and the final tally."""
    r = Runner(simbind, timeout)
    rng = random.Random(seed)
    cross_milenage(r, rng, cases)
    cross_auts(r, rng, cases)
    cross_resync(r, rng, cases)
    cross_nas_keys(r, rng, cases)
    cross_eea2(r, rng, cases)
    cross_eia2(r, rng, cases)
    cross_rand_crypt(r, rng, cases)
    cross_ecies(r, rng, cases)
    cross_negative(r, rng)
    passed, failed = r.summary()
    print(f"{passed} passed, {failed} failed")
    return failed == 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Cross-check `simbind auc` against an independent Python implementation.")
    parser.add_argument("--simbind", help="path to the simbind binary")
    parser.add_argument("--vectors", required=True, help="directory of the test vectors (tests/data)")
    parser.add_argument("--cases", type=int, default=200, help="random cases per subcommand (default 200)")
    parser.add_argument("--seed", type=int, default=1, help="seed of random.Random (default 1)")
    parser.add_argument("--timeout", type=float, default=10.0, help="timeout per simbind run in seconds (default 10)")
    parser.add_argument("--self-check-only", action="store_true", help="run only step 1 (no binary needed)")
    args = parser.parse_args(argv)

    try:
        if not self_check(args.vectors):
            return 1
    except (OSError, KeyError, json.JSONDecodeError) as exc:
        print(f"self-check FAILED: cannot read the vector files: {type(exc).__name__}: {exc}")
        return 1
    if args.self_check_only:
        return 0

    if not args.simbind:
        parser.error("--simbind is required unless --self-check-only is given")
    if not (os.path.isfile(args.simbind) and os.access(args.simbind, os.X_OK)):
        print(f"error: simbind binary not found or not executable: {args.simbind}", file=sys.stderr)
        return 1
    if args.cases < 1:
        parser.error("--cases must be at least 1")
    return 0 if cross_check(args.simbind, args.cases, args.seed, args.timeout) else 1


if __name__ == "__main__":
    sys.exit(main())
