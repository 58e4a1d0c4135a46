// Wrapping a KME: ECIES (TS 33.501 Annex C, Profiles A and B) or RSA-OAEP-SHA-256 for the device's public key,
// and AES key wrap with padding (RFC 5649) between simbind-prov and the HSS.
#pragma once

#include <optional>
#include <string_view>

#include "common/crypto/primitives.h"
#include "common/util/error.h"

namespace simbind::crypto {

// Values of the Key-Wrap-Scheme AVP (DESIGN 5.2).
enum class KeyWrapScheme : std::uint32_t { ecies_profile_a = 1, ecies_profile_b = 2, rsa_oaep_sha256 = 3 };

const char* to_string(KeyWrapScheme scheme);
Result<KeyWrapScheme> key_wrap_scheme_from_string(std::string_view name);  // "ecies-a", "ecies-b", "rsa-oaep"

// ---------------------------------------------------------------------------------------------------------
// ECIES. Keys are raw octets: Profile A private and public keys are 32-octet X25519 values; Profile B private
// keys are 32-octet P-256 scalars, public keys SEC1 points, compressed (33 octets) or uncompressed (65).
// Output: ephemeral public key (32 octets A, 33 compressed B) || ciphertext || 8-octet MAC tag.

enum class EciesProfile { a, b };

// `eph_private` fixes the ephemeral key (known-answer tests, `simbind auc --eph-priv`); otherwise a fresh one.
Result<Bytes> ecies_wrap(EciesProfile profile, ByteView hn_public, ByteView plaintext,
                         std::optional<ByteView> eph_private = std::nullopt);
// Fails with verification_failed when the tag does not match (wrong key, tampered input).
Result<Bytes> ecies_unwrap(EciesProfile profile, ByteView hn_private, ByteView input);

// ANSI X9.63 KDF with SHA-256 as ECIES uses it: 64 octets = EK (16) || ICB (16) || MK (32).
Octets<64> ecies_kdf(ByteView shared_secret, ByteView shared_info);

// ---------------------------------------------------------------------------------------------------------
// RSA-OAEP with SHA-256 and MGF1-SHA-256. Public keys are DER SubjectPublicKeyInfo, private keys DER
// (PKCS#1 or PKCS#8).

Result<Bytes> rsa_oaep_wrap(ByteView public_key_der, ByteView plaintext);
Result<Bytes> rsa_oaep_unwrap(ByteView private_key_der, ByteView input);

// ---------------------------------------------------------------------------------------------------------
// A device's key pair, in the encodings above.

struct DeviceKeyPair {
  KeyWrapScheme scheme;
  Bytes private_key;
  Bytes public_key;
};

Result<DeviceKeyPair> generate_device_key_pair(KeyWrapScheme scheme);
// The public key that belongs to a private key (for checks and for profile files that keep only the private key).
Result<Bytes> device_public_key(KeyWrapScheme scheme, ByteView private_key);

Result<Bytes> wrap_for_device(KeyWrapScheme scheme, ByteView public_key, ByteView plaintext);
Result<Bytes> unwrap_on_device(KeyWrapScheme scheme, ByteView private_key, ByteView wrapped);

// ---------------------------------------------------------------------------------------------------------
// AES key wrap with padding (RFC 5649) under a 16-, 24- or 32-octet key-encryption key.

Result<Bytes> aes_key_wrap_pad(ByteView kek, ByteView plaintext);
Result<Bytes> aes_key_unwrap_pad(ByteView kek, ByteView wrapped);

}  // namespace simbind::crypto
