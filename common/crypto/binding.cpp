#include "common/crypto/binding.h"

#include <bit>

#include "common/util/secure.h"

namespace simbind::crypto {

Rand encrypt_rand(const Kme& kme, const Rand& rand) { return aes128_encrypt_block(kme, rand); }
Rand decrypt_rand(const Kme& kme, const Rand& rand_star) { return aes128_decrypt_block(kme, rand_star); }

Amf binding_amf(const Amf& base, KmeId kme_id, const BindingAmfLayout& layout) {
  std::uint16_t v = amf_value(base);
  v |= layout.indicator_mask;
  v &= static_cast<std::uint16_t>(~layout.kme_id_mask);
  if (layout.kme_id_mask != 0) {
    const int shift = std::countr_zero(layout.kme_id_mask);
    v |= static_cast<std::uint16_t>((to_uint(kme_id) << shift) & layout.kme_id_mask);
  }
  return amf_from_value(v);
}

bool amf_marks_preprocessed(const Amf& amf, const BindingAmfLayout& layout) {
  return layout.indicator_mask != 0 && (amf_value(amf) & layout.indicator_mask) == layout.indicator_mask;
}

std::uint32_t amf_kme_id_hint(const Amf& amf, const BindingAmfLayout& layout) {
  if (layout.kme_id_mask == 0) return 0;
  return static_cast<std::uint32_t>((amf_value(amf) & layout.kme_id_mask) >> std::countr_zero(layout.kme_id_mask));
}

Kme generate_kme() { return random_octets<16>(); }

KmeId generate_kme_id() { return KmeId{static_cast<std::uint32_t>(from_big_endian(random_octets<4>()))}; }

HssNonce generate_hss_nonce() { return random_octets<16>(); }

Rsp compute_rsp(const Kme& kme, const HssNonce& nhss) { return hmac_sha256(kme, nhss); }

bool verify_rsp(const Kme& kme, const HssNonce& nhss, ByteView received) {
  const Rsp expected = compute_rsp(kme, nhss);
  return constant_time_equal(expected, received);
}

}  // namespace simbind::crypto
