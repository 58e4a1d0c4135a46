#include "common/crypto/openssl_handles.h"

#include <openssl/err.h>

#include <cstdlib>
#include <iostream>

namespace simbind::crypto {

std::string drain_openssl_errors() {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "no OpenSSL reason given" : out;
}

std::unexpected<Error> openssl_failure(const std::string& what) {
  return fail(ErrorCode::crypto_failure, what + ": " + drain_openssl_errors());
}

namespace {

// A missing algorithm means a broken OpenSSL installation: nothing in simbind can work, so stop loudly.
template <typename T>
T* must_fetch(T* fetched, const char* name) {
  if (fetched == nullptr) {
    std::cerr << "fatal: OpenSSL has no " << name << " (" << drain_openssl_errors() << ")\n";
    std::abort();
  }
  return fetched;
}

}  // namespace

const EVP_CIPHER* aes_128_ecb() {
  static const CipherPtr c{must_fetch(EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr), "AES-128-ECB")};
  return c.get();
}
const EVP_CIPHER* aes_128_ctr() {
  static const CipherPtr c{must_fetch(EVP_CIPHER_fetch(nullptr, "AES-128-CTR", nullptr), "AES-128-CTR")};
  return c.get();
}
const EVP_CIPHER* aes_128_cbc() {
  static const CipherPtr c{must_fetch(EVP_CIPHER_fetch(nullptr, "AES-128-CBC", nullptr), "AES-128-CBC")};
  return c.get();
}
const EVP_MAC* hmac_mac() {
  static const MacPtr m{must_fetch(EVP_MAC_fetch(nullptr, "HMAC", nullptr), "HMAC")};
  return m.get();
}
const EVP_MAC* cmac_mac() {
  static const MacPtr m{must_fetch(EVP_MAC_fetch(nullptr, "CMAC", nullptr), "CMAC")};
  return m.get();
}
const EVP_MD* sha256_md() {
  static const MdPtr m{must_fetch(EVP_MD_fetch(nullptr, "SHA256", nullptr), "SHA256")};
  return m.get();
}

}  // namespace simbind::crypto
