// EVP_PKEY construction for the ECIES profiles from raw octets (internal to common/crypto).
#pragma once

#include "common/crypto/key_wrap.h"
#include "common/crypto/openssl_handles.h"

namespace simbind::crypto {

Result<PkeyPtr> ecies_public_key(EciesProfile profile, ByteView encoded);
Result<PkeyPtr> ecies_private_key(EciesProfile profile, ByteView raw);
Result<PkeyPtr> ecies_generate_key(EciesProfile profile);

// Profile A: the 32-octet X25519 public key; Profile B: the 33-octet compressed point.
Result<Bytes> ecies_encoded_public_key(EciesProfile profile, const EVP_PKEY* key);
// Profile A: the 32-octet X25519 private key; Profile B: the 32-octet big-endian scalar.
Result<Bytes> ecies_raw_private_key(EciesProfile profile, const EVP_PKEY* key);

// Z: the X25519 output, or the x-coordinate of the P-256 ECDH point (cofactor 1).
Result<Bytes> ecdh_shared_secret(EVP_PKEY* own, EVP_PKEY* peer);

}  // namespace simbind::crypto
