// AES key wrap with padding (RFC 5649), through OpenSSL's AES-*-WRAP-PAD ciphers.
#include <string>

#include "common/crypto/key_wrap.h"

namespace simbind::crypto {
namespace {

Result<const char*> kwp_cipher_name(std::size_t kek_len) {
  switch (kek_len) {
    case 16: return "AES-128-WRAP-PAD";
    case 24: return "AES-192-WRAP-PAD";
    case 32: return "AES-256-WRAP-PAD";
    default: return fail(ErrorCode::invalid_argument, "key-encryption key must be 16, 24 or 32 octets");
  }
}

Result<Bytes> run_kwp(ByteView kek, ByteView input, bool wrap) {
  auto name = kwp_cipher_name(kek.size());
  if (!name) return std::unexpected(name.error());
  CipherPtr cipher{EVP_CIPHER_fetch(nullptr, *name, nullptr)};
  CipherCtxPtr ctx{EVP_CIPHER_CTX_new()};
  if (!cipher || !ctx) return openssl_failure(std::string("fetching ") + *name);
  EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
  if (EVP_CipherInit_ex2(ctx.get(), cipher.get(), kek.data(), nullptr, wrap ? 1 : 0, nullptr) != 1) {
    return openssl_failure("AES key wrap init");
  }
  Bytes out(input.size() + 16);
  int len = 0;
  if (EVP_CipherUpdate(ctx.get(), out.data(), &len, input.data(), static_cast<int>(input.size())) != 1 || len < 0) {
    drain_openssl_errors();
    if (wrap) return fail(ErrorCode::invalid_argument, "AES key wrap refused the input (empty?)");
    return fail(ErrorCode::verification_failed, "AES key unwrap failed integrity check (wrong KEK or altered input)");
  }
  out.resize(static_cast<std::size_t>(len));
  return out;
}

}  // namespace

Result<Bytes> aes_key_wrap_pad(ByteView kek, ByteView plaintext) {
  if (plaintext.empty()) return fail(ErrorCode::invalid_argument, "nothing to wrap");
  return run_kwp(kek, plaintext, true);
}

Result<Bytes> aes_key_unwrap_pad(ByteView kek, ByteView wrapped) {
  if (wrapped.size() < 16 || wrapped.size() % 8 != 0) {
    return fail(ErrorCode::invalid_argument, "wrapped key must be a multiple of 8 octets, at least 16");
  }
  return run_kwp(kek, wrapped, false);
}

}  // namespace simbind::crypto
