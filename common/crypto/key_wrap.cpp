// Device key pairs and the scheme dispatch used by simbind-prov (wrap) and the ME (unwrap).
#include "common/crypto/key_wrap.h"

#include "common/crypto/ecies_keys.h"
#include "common/crypto/rsa_keys.h"

namespace simbind::crypto {
namespace {

EciesProfile profile_of(KeyWrapScheme s) {
  return s == KeyWrapScheme::ecies_profile_a ? EciesProfile::a : EciesProfile::b;
}

}  // namespace

const char* to_string(KeyWrapScheme scheme) {
  switch (scheme) {
    case KeyWrapScheme::ecies_profile_a: return "ecies-a";
    case KeyWrapScheme::ecies_profile_b: return "ecies-b";
    case KeyWrapScheme::rsa_oaep_sha256: return "rsa-oaep";
  }
  return "unknown";
}

Result<KeyWrapScheme> key_wrap_scheme_from_string(std::string_view name) {
  if (name == "ecies-a") return KeyWrapScheme::ecies_profile_a;
  if (name == "ecies-b") return KeyWrapScheme::ecies_profile_b;
  if (name == "rsa-oaep") return KeyWrapScheme::rsa_oaep_sha256;
  return fail(ErrorCode::invalid_argument, "unknown key wrap scheme '" + std::string(name) +
                                               "' (expected ecies-a, ecies-b or rsa-oaep)");
}

Result<DeviceKeyPair> generate_device_key_pair(KeyWrapScheme scheme) {
  if (scheme == KeyWrapScheme::rsa_oaep_sha256) {
    PkeyPtr key{EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048))};
    if (!key) return openssl_failure("generating RSA-2048 key");
    auto priv = encode_private_der(key.get());
    auto pub = encode_public_der(key.get());
    if (!priv) return std::unexpected(priv.error());
    if (!pub) return std::unexpected(pub.error());
    return DeviceKeyPair{scheme, std::move(*priv), std::move(*pub)};
  }
  const EciesProfile profile = profile_of(scheme);
  auto key = ecies_generate_key(profile);
  if (!key) return std::unexpected(key.error());
  auto priv = ecies_raw_private_key(profile, key->get());
  auto pub = ecies_encoded_public_key(profile, key->get());
  if (!priv) return std::unexpected(priv.error());
  if (!pub) return std::unexpected(pub.error());
  return DeviceKeyPair{scheme, std::move(*priv), std::move(*pub)};
}

Result<Bytes> device_public_key(KeyWrapScheme scheme, ByteView private_key) {
  if (scheme == KeyWrapScheme::rsa_oaep_sha256) {
    auto key = load_rsa_private_der(private_key);
    if (!key) return std::unexpected(key.error());
    return encode_public_der(key->get());
  }
  auto key = ecies_private_key(profile_of(scheme), private_key);
  if (!key) return std::unexpected(key.error());
  return ecies_encoded_public_key(profile_of(scheme), key->get());
}

Result<Bytes> wrap_for_device(KeyWrapScheme scheme, ByteView public_key, ByteView plaintext) {
  if (scheme == KeyWrapScheme::rsa_oaep_sha256) return rsa_oaep_wrap(public_key, plaintext);
  return ecies_wrap(profile_of(scheme), public_key, plaintext);
}

Result<Bytes> unwrap_on_device(KeyWrapScheme scheme, ByteView private_key, ByteView wrapped) {
  if (scheme == KeyWrapScheme::rsa_oaep_sha256) return rsa_oaep_unwrap(private_key, wrapped);
  return ecies_unwrap(profile_of(scheme), private_key, wrapped);
}

}  // namespace simbind::crypto
