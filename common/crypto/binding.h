// The ME-binding constructions of DESIGN section 4: RAND pre-processing with KME, the AMF binding indicator,
// KME generation and the receipt proof Rsp.
#pragma once

#include "common/crypto/auth_vector.h"
#include "common/util/identifiers.h"

namespace simbind::crypto {

using Kme = Key128;
using HssNonce = Octets<16>;
using Rsp = Octets<32>;

// RAND* = AES-128-ECB-Encrypt(KME, RAND), one block, no padding; the ME decrypts.
Rand encrypt_rand(const Kme& kme, const Rand& rand);
Rand decrypt_rand(const Kme& kme, const Rand& rand_star);

// Where the binding information sits in the AMF (both under MAC-A, since the AMF is an f1 input).
struct BindingAmfLayout {
  std::uint16_t indicator_mask = 0x0080;  // AMF bit 8 (bit 0 = MSB)
  std::uint16_t kme_id_mask = 0x0060;     // AMF bits 9-10: KME-Id mod 4
};

// The AMF for a pre-processed vector: `base` with the indicator set and KME-Id's low bits in kme_id_mask.
Amf binding_amf(const Amf& base, KmeId kme_id, const BindingAmfLayout& layout = {});
bool amf_marks_preprocessed(const Amf& amf, const BindingAmfLayout& layout = {});
// KME-Id modulo (kme_id_mask's range): what the ME uses to choose among the KMEs it holds.
std::uint32_t amf_kme_id_hint(const Amf& amf, const BindingAmfLayout& layout = {});

// A fresh KME (128 random bits) and a 32-bit KME-Id.
Kme generate_kme();
KmeId generate_kme_id();
HssNonce generate_hss_nonce();

// Rsp = HMAC-SHA-256(key = KME, message = NHSS).
Rsp compute_rsp(const Kme& kme, const HssNonce& nhss);
// Constant-time check of a received Rsp (any length accepted; a wrong length simply fails).
bool verify_rsp(const Kme& kme, const HssNonce& nhss, ByteView received);

}  // namespace simbind::crypto
