#include "common/crypto/secret_box.h"

#include <algorithm>
#include <string_view>

namespace simbind::crypto {
namespace {

constexpr std::size_t kNonce = 12;
constexpr std::size_t kTag = 16;

const EVP_CIPHER* aes_256_gcm() {
  static const CipherPtr c{EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr)};
  check_openssl(c != nullptr, "fetching AES-256-GCM");
  return c.get();
}

}  // namespace

Bytes seal(const MasterKey& key, ByteView plaintext, ByteView associated_data) {
  const auto nonce = random_octets<kNonce>();
  CipherCtxPtr ctx{EVP_CIPHER_CTX_new()};
  check_openssl(ctx && EVP_EncryptInit_ex2(ctx.get(), aes_256_gcm(), key.data(), nonce.data(), nullptr) == 1,
                "AES-256-GCM init");
  int len = 0;
  if (!associated_data.empty()) {
    check_openssl(EVP_EncryptUpdate(ctx.get(), nullptr, &len, associated_data.data(),
                                    static_cast<int>(associated_data.size())) == 1, "AES-256-GCM AAD");
  }
  Bytes out(kNonce + plaintext.size() + kTag);
  std::copy(nonce.begin(), nonce.end(), out.begin());
  if (!plaintext.empty()) {
    check_openssl(EVP_EncryptUpdate(ctx.get(), out.data() + kNonce, &len, plaintext.data(),
                                    static_cast<int>(plaintext.size())) == 1, "AES-256-GCM encrypt");
  }
  check_openssl(EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonce + plaintext.size(), &len) == 1, "AES-256-GCM final");
  check_openssl(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, out.data() + kNonce + plaintext.size()) == 1,
                "AES-256-GCM tag");
  return out;
}

Result<Bytes> open_sealed(const MasterKey& key, ByteView sealed, ByteView associated_data) {
  if (sealed.size() < kNonce + kTag) return fail(ErrorCode::invalid_argument, "sealed value too short");
  const ByteView nonce = sealed.first(kNonce);
  const ByteView body = sealed.subspan(kNonce, sealed.size() - kNonce - kTag);
  const ByteView tag = sealed.last(kTag);
  CipherCtxPtr ctx{EVP_CIPHER_CTX_new()};
  check_openssl(ctx && EVP_DecryptInit_ex2(ctx.get(), aes_256_gcm(), key.data(), nonce.data(), nullptr) == 1,
                "AES-256-GCM init");
  int len = 0;
  if (!associated_data.empty()) {
    check_openssl(EVP_DecryptUpdate(ctx.get(), nullptr, &len, associated_data.data(),
                                    static_cast<int>(associated_data.size())) == 1, "AES-256-GCM AAD");
  }
  Bytes out(body.size());
  if (!body.empty()) {
    check_openssl(EVP_DecryptUpdate(ctx.get(), out.data(), &len, body.data(), static_cast<int>(body.size())) == 1,
                  "AES-256-GCM decrypt");
  }
  check_openssl(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, const_cast<std::uint8_t*>(tag.data())) == 1,
                "AES-256-GCM tag");
  if (EVP_DecryptFinal_ex(ctx.get(), out.data() + out.size(), &len) != 1) {
    drain_openssl_errors();
    return fail(ErrorCode::verification_failed, "sealed value does not open (wrong master key or altered data)");
  }
  return out;
}

Octets<8> master_key_fingerprint(const MasterKey& key) {
  constexpr std::string_view label = "simbind master key fingerprint v1";
  const auto digest = sha256(concat(ByteView(reinterpret_cast<const std::uint8_t*>(label.data()), label.size()), key));
  Octets<8> out{};
  std::copy_n(digest.begin(), 8, out.begin());
  return out;
}

}  // namespace simbind::crypto
