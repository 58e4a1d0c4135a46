// RSA-OAEP with SHA-256 and MGF1-SHA-256, for devices with RSA key pairs.
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "common/crypto/key_wrap.h"
#include "common/crypto/rsa_keys.h"

namespace simbind::crypto {
namespace {

bool set_oaep_sha256(EVP_PKEY_CTX* ctx) {
  return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_oaep_md(ctx, sha256_md()) == 1 && EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, sha256_md()) == 1;
}

}  // namespace

Result<Bytes> rsa_oaep_wrap(ByteView public_key_der, ByteView plaintext) {
  auto key = load_rsa_public_der(public_key_der);
  if (!key) return std::unexpected(key.error());
  PkeyCtxPtr ctx{EVP_PKEY_CTX_new_from_pkey(nullptr, key->get(), nullptr)};
  std::size_t len = 0;
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 || !set_oaep_sha256(ctx.get()) ||
      EVP_PKEY_encrypt(ctx.get(), nullptr, &len, plaintext.data(), plaintext.size()) != 1) {
    return openssl_failure("RSA-OAEP setup");
  }
  Bytes out(len);
  if (EVP_PKEY_encrypt(ctx.get(), out.data(), &len, plaintext.data(), plaintext.size()) != 1) {
    return fail(ErrorCode::invalid_argument, "RSA-OAEP encryption failed (plaintext too long?): " +
                                                 drain_openssl_errors());
  }
  out.resize(len);
  return out;
}

Result<Bytes> rsa_oaep_unwrap(ByteView private_key_der, ByteView input) {
  auto key = load_rsa_private_der(private_key_der);
  if (!key) return std::unexpected(key.error());
  PkeyCtxPtr ctx{EVP_PKEY_CTX_new_from_pkey(nullptr, key->get(), nullptr)};
  std::size_t len = 0;
  if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 || !set_oaep_sha256(ctx.get()) ||
      EVP_PKEY_decrypt(ctx.get(), nullptr, &len, input.data(), input.size()) != 1) {
    return openssl_failure("RSA-OAEP setup");
  }
  Bytes out(len);
  if (EVP_PKEY_decrypt(ctx.get(), out.data(), &len, input.data(), input.size()) != 1) {
    drain_openssl_errors();  // the reason is deliberately not shown: OAEP errors must not become an oracle
    return fail(ErrorCode::verification_failed, "RSA-OAEP decryption failed (wrong key or altered input)");
  }
  out.resize(len);
  return out;
}

}  // namespace simbind::crypto
