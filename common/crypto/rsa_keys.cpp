#include "common/crypto/rsa_keys.h"

#include <openssl/x509.h>

namespace simbind::crypto {
namespace {

Result<Bytes> der_of(int (*encode)(const EVP_PKEY*, unsigned char**), const EVP_PKEY* key, const char* what) {
  unsigned char* buf = nullptr;
  const int len = encode(key, &buf);
  if (len <= 0) return openssl_failure(what);
  Bytes out(buf, buf + len);
  OPENSSL_clear_free(buf, static_cast<std::size_t>(len));
  return out;
}

}  // namespace

Result<PkeyPtr> load_rsa_public_der(ByteView der) {
  const unsigned char* p = der.data();
  PkeyPtr key{d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()))};
  if (!key || p != der.data() + der.size()) {
    drain_openssl_errors();
    return fail(ErrorCode::invalid_argument, "not a DER SubjectPublicKeyInfo");
  }
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) return fail(ErrorCode::invalid_argument, "not an RSA key");
  return key;
}

Result<PkeyPtr> load_rsa_private_der(ByteView der) {
  const unsigned char* p = der.data();
  PkeyPtr key{d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size()))};
  if (!key) {
    drain_openssl_errors();
    return fail(ErrorCode::invalid_argument, "not a DER private key");
  }
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) return fail(ErrorCode::invalid_argument, "not an RSA key");
  return key;
}

Result<Bytes> encode_public_der(const EVP_PKEY* key) {
  return der_of([](const EVP_PKEY* k, unsigned char** out) { return i2d_PUBKEY(k, out); }, key, "encoding public key");
}

Result<Bytes> encode_private_der(const EVP_PKEY* key) {
  return der_of([](const EVP_PKEY* k, unsigned char** out) { return i2d_PrivateKey(k, out); }, key,
                "encoding private key");
}

}  // namespace simbind::crypto
