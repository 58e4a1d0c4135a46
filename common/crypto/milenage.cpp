#include "common/crypto/milenage.h"

#include <algorithm>

namespace simbind::crypto {
namespace {

// rot(x, r) of TS 35.206: cyclic left rotation by r bits; every r in Milenage is a whole number of octets.
Block rotate_left_octets(const Block& x, unsigned octets) {
  Block out{};
  for (std::size_t i = 0; i < 16; ++i) out[i] = x[(i + octets) % 16];
  return out;
}

}  // namespace

Opc compute_opc(const Key128& k, const Octets<16>& op) { return xor_octets(Aes128(k).encrypt(op), op); }

Milenage::Milenage(const Key128& k, const Opc& opc) : aes_(k), opc_(opc) {}

Block Milenage::temp(const Rand& rand) const { return aes_.encrypt(xor_octets(rand, opc_)); }

// OUT1 = E_K(TEMP xor rot(IN1 xor OPc, r1) xor c1) xor OPc, IN1 = SQN || AMF || SQN || AMF, r1 = 64, c1 = 0.
Octets<16> Milenage::out1(const Rand& rand, const Sqn& sqn, const Amf& amf) const {
  Block in1{};
  std::copy(sqn.begin(), sqn.end(), in1.begin());
  std::copy(amf.begin(), amf.end(), in1.begin() + 6);
  std::copy(sqn.begin(), sqn.end(), in1.begin() + 8);
  std::copy(amf.begin(), amf.end(), in1.begin() + 14);
  const Block rotated = rotate_left_octets(xor_octets(in1, opc_), 8);
  return xor_octets(aes_.encrypt(xor_octets(temp(rand), rotated)), opc_);
}

// OUTn = E_K(rot(TEMP xor OPc, rn) xor cn) xor OPc for n = 2..5; cn has a single 1 in its last octet.
Block Milenage::out_n(const Block& t, unsigned rotate_octets, std::uint8_t c_last) const {
  Block x = rotate_left_octets(xor_octets(t, opc_), rotate_octets);
  x[15] ^= c_last;
  return xor_octets(aes_.encrypt(x), opc_);
}

Mac64 Milenage::f1(const Rand& rand, const Sqn& sqn, const Amf& amf) const {
  const auto o = out1(rand, sqn, amf);
  Mac64 mac{};
  std::copy_n(o.begin(), 8, mac.begin());
  return mac;
}

Mac64 Milenage::f1star(const Rand& rand, const Sqn& sqn, const Amf& amf) const {
  const auto o = out1(rand, sqn, amf);
  Mac64 mac{};
  std::copy_n(o.begin() + 8, 8, mac.begin());
  return mac;
}

MilenageF2345 Milenage::f2345(const Rand& rand) const {
  const Block t = temp(rand);
  const Block o2 = out_n(t, 0, 1);   // r2 = 0,  c2 = ...01
  const Block o3 = out_n(t, 4, 2);   // r3 = 32, c3 = ...02
  const Block o4 = out_n(t, 8, 4);   // r4 = 64, c4 = ...04
  MilenageF2345 r{};
  std::copy_n(o2.begin(), 6, r.ak.begin());        // f5 = OUT2[0..47]
  std::copy_n(o2.begin() + 8, 8, r.res.begin());   // f2 = OUT2[64..127]
  r.ck = o3;
  r.ik = o4;
  return r;
}

Ak Milenage::f5star(const Rand& rand) const {
  const Block o5 = out_n(temp(rand), 12, 8);  // r5 = 96, c5 = ...08
  Ak ak{};
  std::copy_n(o5.begin(), 6, ak.begin());
  return ak;
}

}  // namespace simbind::crypto
