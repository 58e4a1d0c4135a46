// Milenage f1, f1*, f2, f3, f4, f5, f5* (TS 35.206 clause 4).
#pragma once

#include "common/crypto/primitives.h"

namespace simbind::crypto {

using Rand = Octets<16>;
using Opc = Octets<16>;
using Sqn = Octets<6>;
using Amf = Octets<2>;
using Mac64 = Octets<8>;
using Res = Octets<8>;
using Ak = Octets<6>;

// OPc = E_K(OP) xor OP (TS 35.206 4.1).
Opc compute_opc(const Key128& k, const Octets<16>& op);

struct MilenageF2345 {
  Res res;        // f2
  Key128 ck;      // f3
  Key128 ik;      // f4
  Ak ak;          // f5
};

// One subscriber's Milenage: K's AES key schedule is made once and reused for every function.
class Milenage {
 public:
  Milenage(const Key128& k, const Opc& opc);

  Mac64 f1(const Rand& rand, const Sqn& sqn, const Amf& amf) const;       // MAC-A
  Mac64 f1star(const Rand& rand, const Sqn& sqn, const Amf& amf) const;   // MAC-S
  MilenageF2345 f2345(const Rand& rand) const;
  Ak f5star(const Rand& rand) const;                                      // AK*

 private:
  Octets<16> out1(const Rand& rand, const Sqn& sqn, const Amf& amf) const;
  Block temp(const Rand& rand) const;
  Block out_n(const Block& temp, unsigned rotate_octets, std::uint8_t c_last) const;

  Aes128 aes_;
  Opc opc_;
};

}  // namespace simbind::crypto
