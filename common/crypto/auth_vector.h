// EPS-AKA authentication data: AUTN, AUTS and the E-UTRAN vector (TS 33.102 6.3, TS 33.401 6.1).
#pragma once

#include "common/crypto/kdf.h"
#include "common/crypto/milenage.h"

namespace simbind::crypto {

using Autn = Octets<16>;
using Auts = Octets<14>;

// AMF bit 0 (the most significant) is the E-UTRAN "separation bit" (TS 33.401 6.1.2).
inline constexpr std::uint16_t kAmfSeparationBit = 0x8000;

constexpr std::uint16_t amf_value(const Amf& amf) { return static_cast<std::uint16_t>(amf[0] << 8 | amf[1]); }
constexpr Amf amf_from_value(std::uint16_t v) {
  return {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}

// AUTN = SQN xor AK || AMF || MAC-A (TS 33.102 6.3.2).
Autn build_autn(const Sqn& sqn, const Ak& ak, const Amf& amf, const Mac64& mac_a);

struct AutnFields {
  Sqn sqn_xor_ak;
  Amf amf;
  Mac64 mac_a;
};
AutnFields split_autn(const Autn& autn);

// USIM side of TS 33.102 6.3.3 up to the MAC check (the SQN range check is SqnWindow's).
struct AutnVerification {
  bool mac_ok;  // XMAC == MAC, compared in constant time
  Sqn sqn;      // SQN recovered with AK
  Amf amf;
};
AutnVerification verify_autn(const Milenage& milenage, const Rand& rand, const Autn& autn);

// AUTS = SQN_MS xor AK* || MAC-S, MAC-S = f1*(SQN_MS || RAND || AMF = 0000) (TS 33.102 6.3.3).
Auts build_auts(const Milenage& milenage, const Rand& rand, const Sqn& sqn_ms);

// HE side of TS 33.102 6.3.5: recover SQN_MS with AK* and check MAC-S (constant time).
struct ResyncVerification {
  Sqn sqn_ms;
  bool mac_s_valid;
};
ResyncVerification verify_auts(const Milenage& milenage, const Rand& rand, const Auts& auts);

// One E-UTRAN authentication vector with everything derived from it (TS 33.401 6.1.2, A.2).
struct EutranVector {
  Rand rand;
  Res xres;
  Autn autn;
  Kasme kasme;
  // Intermediate values, for calculators and tests; the HSS sends only the four above.
  Key128 ck;
  Key128 ik;
  Ak ak;
  Sqn sqn;
  Amf amf;
};
EutranVector make_eutran_vector(const Milenage& milenage, const Rand& rand, const Sqn& sqn, const Amf& amf,
                                const Octets<3>& sn_id);

}  // namespace simbind::crypto
