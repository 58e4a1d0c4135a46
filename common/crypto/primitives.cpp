#include "common/crypto/primitives.h"

#include <openssl/core_names.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

namespace simbind::crypto {

void check_openssl(bool ok, std::string_view what) {
  if (ok) return;
  std::cerr << "fatal: OpenSSL " << what << " failed: " << drain_openssl_errors() << "\n";
  std::abort();
}

namespace {

CipherCtxPtr make_ecb_ctx(const Key128& key, bool encrypt) {
  CipherCtxPtr ctx{EVP_CIPHER_CTX_new()};
  check_openssl(ctx != nullptr, "EVP_CIPHER_CTX_new");
  check_openssl(EVP_CipherInit_ex2(ctx.get(), aes_128_ecb(), key.data(), nullptr, encrypt ? 1 : 0, nullptr) == 1,
                "AES-128-ECB init");
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
  return ctx;
}

Block run_block(EVP_CIPHER_CTX* ctx, const Block& in) {
  Block out{};
  int len = 0;
  check_openssl(EVP_CipherUpdate(ctx, out.data(), &len, in.data(), static_cast<int>(in.size())) == 1 && len == 16,
                "AES-128-ECB block");
  return out;
}

// SP 800-38B 6.1: K1 = L << 1 (xor Rb if MSB(L)), K2 = K1 << 1 (xor Rb if MSB(K1)), L = AES_K(0^128).
Block cmac_subkey_shift(const Block& in) {
  Block out{};
  for (std::size_t i = 0; i < 16; ++i) {
    out[i] = static_cast<std::uint8_t>(in[i] << 1 | (i + 1 < 16 ? in[i + 1] >> 7 : 0));
  }
  if (in[0] & 0x80) out[15] ^= 0x87;
  return out;
}

}  // namespace

Aes128::Aes128(const Key128& key) : ctx_(make_ecb_ctx(key, true)) {}

Block Aes128::encrypt(const Block& in) const { return run_block(ctx_.get(), in); }

Block aes128_encrypt_block(const Key128& key, const Block& in) { return run_block(make_ecb_ctx(key, true).get(), in); }
Block aes128_decrypt_block(const Key128& key, const Block& in) { return run_block(make_ecb_ctx(key, false).get(), in); }

Bytes aes128_ctr(const Key128& key, const Block& icb, ByteView data) {
  CipherCtxPtr ctx{EVP_CIPHER_CTX_new()};
  check_openssl(ctx != nullptr, "EVP_CIPHER_CTX_new");
  check_openssl(EVP_EncryptInit_ex2(ctx.get(), aes_128_ctr(), key.data(), icb.data(), nullptr) == 1,
                "AES-128-CTR init");
  Bytes out(data.size());
  int len = 0;
  if (!data.empty()) {
    check_openssl(EVP_EncryptUpdate(ctx.get(), out.data(), &len, data.data(), static_cast<int>(data.size())) == 1,
                  "AES-128-CTR");
  }
  return out;
}

Octets<32> hmac_sha256(ByteView key, ByteView data) {
  // Setting the digest by name costs a provider fetch; a per-thread context keeps it, and each call only
  // re-keys (EVP_MAC_init with no parameters keeps the digest). KASME and every KDF call come through here.
  thread_local const MacCtxPtr prototype = [] {
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    MacCtxPtr ctx{EVP_MAC_CTX_new(const_cast<EVP_MAC*>(hmac_mac()))};
    check_openssl(ctx && EVP_MAC_CTX_set_params(ctx.get(), params) == 1, "HMAC-SHA-256 setup");
    return ctx;
  }();
  // HMAC accepts an empty key; OpenSSL wants a non-null pointer for it.
  static const std::uint8_t empty = 0;
  if (key.empty()) key = ByteView(&empty, 0);
  EVP_MAC_CTX* ctx = prototype.get();
  check_openssl(EVP_MAC_init(ctx, key.data(), key.size(), nullptr) == 1, "HMAC-SHA-256 init");
  check_openssl(EVP_MAC_update(ctx, data.data(), data.size()) == 1, "HMAC-SHA-256 update");
  Octets<32> out{};
  std::size_t len = 0;
  check_openssl(EVP_MAC_final(ctx, out.data(), &len, out.size()) == 1 && len == 32, "HMAC-SHA-256 final");
  return out;
}

Octets<32> sha256(ByteView data) {
  Octets<32> out{};
  unsigned int len = 0;
  check_openssl(EVP_Digest(data.data(), data.size(), out.data(), &len, sha256_md(), nullptr) == 1, "SHA-256");
  return out;
}

Block aes128_cmac(const Key128& key, ByteView data) {
  char cipher[] = "AES-128-CBC";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
                               OSSL_PARAM_construct_end()};
  MacCtxPtr ctx{EVP_MAC_CTX_new(const_cast<EVP_MAC*>(cmac_mac()))};
  check_openssl(ctx != nullptr, "CMAC");
  check_openssl(EVP_MAC_init(ctx.get(), key.data(), key.size(), params) == 1, "CMAC init");
  check_openssl(EVP_MAC_update(ctx.get(), data.data(), data.size()) == 1, "CMAC update");
  Block out{};
  std::size_t len = 0;
  check_openssl(EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) == 1 && len == 16, "CMAC final");
  return out;
}

Block aes128_cmac_bits(const Key128& key, ByteView data, std::size_t length_bits) {
  length_bits = std::min(length_bits, data.size() * 8);  // never read past the data
  const Aes128 aes(key);
  const Block k1 = cmac_subkey_shift(aes.encrypt(Block{}));
  const Block k2 = cmac_subkey_shift(k1);

  // SP 800-38B 6.2: n blocks; the last is complete (xor K1) or padded with 1 0* (xor K2).
  const std::size_t n = length_bits == 0 ? 1 : (length_bits + 127) / 128;
  const bool last_complete = length_bits != 0 && length_bits % 128 == 0;

  Block x{};
  for (std::size_t i = 0; i < n; ++i) {
    Block m{};
    const std::size_t first_bit = i * 128;
    const std::size_t bits_here = std::min<std::size_t>(128, length_bits - std::min(length_bits, first_bit));
    const std::size_t full_octets = bits_here / 8;
    std::copy_n(data.begin() + static_cast<std::ptrdiff_t>(first_bit / 8), full_octets, m.begin());
    if (i + 1 == n) {
      if (last_complete) {
        m = xor_octets(m, k1);
      } else {
        const std::size_t rem = bits_here % 8;
        if (rem != 0) {
          // keep the `rem` leading bits of the partial octet, then the padding 1 bit
          const auto keep = static_cast<std::uint8_t>(0xff << (8 - rem));
          m[full_octets] = static_cast<std::uint8_t>((data[first_bit / 8 + full_octets] & keep) | (0x80 >> rem));
        } else {
          m[full_octets] = 0x80;
        }
        m = xor_octets(m, k2);
      }
    }
    x = aes.encrypt(xor_octets(x, m));
  }
  return x;
}

void random_fill(MutableByteView out) {
  if (out.empty()) return;
  check_openssl(RAND_bytes(out.data(), static_cast<int>(out.size())) == 1, "RAND_bytes");
}

}  // namespace simbind::crypto
