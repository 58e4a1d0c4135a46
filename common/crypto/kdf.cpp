#include "common/crypto/kdf.h"

#include <algorithm>

namespace simbind::crypto {

Bytes kdf_input_string(std::uint8_t fc, std::initializer_list<ByteView> params) {
  Bytes s{fc};
  for (ByteView p : params) {
    s.insert(s.end(), p.begin(), p.end());
    s.push_back(static_cast<std::uint8_t>(p.size() >> 8));
    s.push_back(static_cast<std::uint8_t>(p.size()));
  }
  return s;
}

Octets<32> kdf(ByteView key, std::uint8_t fc, std::initializer_list<ByteView> params) {
  return hmac_sha256(key, kdf_input_string(fc, params));
}

Kasme derive_kasme(const Key128& ck, const Key128& ik, const Octets<3>& sn_id, const Sqn& sqn_xor_ak) {
  const auto key = concat(ck, ik);
  return kdf(key, 0x10, {sn_id, sqn_xor_ak});
}

Kasme derive_kasme(const Key128& ck, const Key128& ik, const Plmn& serving_network, const Sqn& sqn_xor_ak) {
  return derive_kasme(ck, ik, serving_network.encode(), sqn_xor_ak);
}

Key128 derive_algorithm_key(const Octets<32>& key, AlgorithmDistinguisher distinguisher, std::uint8_t algorithm_id) {
  const std::uint8_t p0 = static_cast<std::uint8_t>(distinguisher);
  const std::uint8_t p1 = algorithm_id;
  const auto out = kdf(key, 0x15, {ByteView(&p0, 1), ByteView(&p1, 1)});
  // The 128-bit key is the 128 least significant bits of the 256-bit output (TS 33.401 A.7).
  Key128 k{};
  std::copy(out.begin() + 16, out.end(), k.begin());
  return k;
}

NasKeys derive_nas_keys(const Kasme& kasme, std::uint8_t enc_alg, std::uint8_t int_alg) {
  return {derive_algorithm_key(kasme, AlgorithmDistinguisher::nas_enc, enc_alg),
          derive_algorithm_key(kasme, AlgorithmDistinguisher::nas_int, int_alg)};
}

CkIkPrime derive_ck_ik_prime(const Key128& ck, const Key128& ik, ByteView access_network_identity,
                             const Sqn& sqn_xor_ak) {
  const auto key = concat(ck, ik);
  const auto out = kdf(key, 0x20, {access_network_identity, sqn_xor_ak});
  CkIkPrime r{};
  std::copy_n(out.begin(), 16, r.ck_prime.begin());
  std::copy_n(out.begin() + 16, 16, r.ik_prime.begin());
  return r;
}

}  // namespace simbind::crypto
