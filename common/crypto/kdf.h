// Key derivation: the generic KDF of TS 33.220 Annex B.2 and the EPS keys of TS 33.401 Annex A.
#pragma once

#include <initializer_list>

#include "common/crypto/milenage.h"
#include "common/util/identifiers.h"

namespace simbind::crypto {

using Kasme = Octets<32>;

// S = FC || P0 || L0 || P1 || L1 || ... (Li = length of Pi, 2 octets big-endian).
Bytes kdf_input_string(std::uint8_t fc, std::initializer_list<ByteView> params);

// derived key = HMAC-SHA-256(Key, S) (TS 33.220 B.2.0).
Octets<32> kdf(ByteView key, std::uint8_t fc, std::initializer_list<ByteView> params);

// KASME (TS 33.401 A.2): Key = CK || IK, FC = 0x10, P0 = SN id, P1 = SQN xor AK.
Kasme derive_kasme(const Key128& ck, const Key128& ik, const Octets<3>& sn_id, const Sqn& sqn_xor_ak);
Kasme derive_kasme(const Key128& ck, const Key128& ik, const Plmn& serving_network, const Sqn& sqn_xor_ak);

// Algorithm type distinguishers of TS 33.401 A.7.
enum class AlgorithmDistinguisher : std::uint8_t {
  nas_enc = 0x01, nas_int = 0x02, rrc_enc = 0x03, rrc_int = 0x04, up_enc = 0x05, up_int = 0x06,
};

// Algorithm identities (TS 33.401 5.1.3, 5.1.4): 0 = EEA0/EIA0, 1 = 128-EEA1/EIA1, 2 = 128-EEA2/EIA2, 3 = 128-EEA3/EIA3.
// Only four bits are defined; values above 15 are rejected by callers that parse user input.
Key128 derive_algorithm_key(const Octets<32>& key, AlgorithmDistinguisher distinguisher, std::uint8_t algorithm_id);

struct NasKeys {
  Key128 k_nas_enc;
  Key128 k_nas_int;
};
NasKeys derive_nas_keys(const Kasme& kasme, std::uint8_t enc_alg, std::uint8_t int_alg);

// CK' || IK' (TS 33.402 A.2, RFC 5448 3.3): FC = 0x20, P0 = access network identity, P1 = SQN xor AK.
struct CkIkPrime {
  Key128 ck_prime;
  Key128 ik_prime;
};
CkIkPrime derive_ck_ik_prime(const Key128& ck, const Key128& ik, ByteView access_network_identity,
                             const Sqn& sqn_xor_ak);

}  // namespace simbind::crypto
