// Thin, typed calls onto OpenSSL EVP: AES-128 blocks, HMAC-SHA-256, AES-CMAC, SHA-256, random bytes.
//
// Error policy: inputs here have fixed, type-checked sizes, so the only way these calls fail is an OpenSSL
// internal failure (no memory, broken provider). That is an invariant violation, not bad input: it aborts with
// OpenSSL's reason (check_openssl). Functions that take untrusted, variable input return Result instead.
#pragma once

#include <string_view>

#include "common/crypto/openssl_handles.h"
#include "common/util/bytes.h"

namespace simbind::crypto {

using Key128 = Octets<16>;
using Block = Octets<16>;

// Aborts with "<what>: <OpenSSL reasons>" when ok is false (see the error policy above).
void check_openssl(bool ok, std::string_view what);

// AES-128 encryption of single blocks with a key schedule made once: Milenage runs several blocks per vector
// under one K, so the context is kept instead of re-keying per block.
class Aes128 {
 public:
  explicit Aes128(const Key128& key);
  Block encrypt(const Block& in) const;

 private:
  CipherCtxPtr ctx_;
};

// One-block AES-128-ECB, for the single-block uses (RAND pre-processing on the HSS and the ME).
Block aes128_encrypt_block(const Key128& key, const Block& in);
Block aes128_decrypt_block(const Key128& key, const Block& in);

// AES-128-CTR keystream XOR over `data`, starting at counter block `icb` (full 128-bit increment).
Bytes aes128_ctr(const Key128& key, const Block& icb, ByteView data);

Octets<32> hmac_sha256(ByteView key, ByteView data);
Octets<32> sha256(ByteView data);

// AES-CMAC (NIST SP 800-38B) over a byte string, via EVP_MAC "CMAC".
Block aes128_cmac(const Key128& key, ByteView data);

// AES-CMAC over the first `length_bits` bits of `data` (bit-granular, SP 800-38B 6.2): the MAC mode is built
// from EVP AES-128 block encryptions, because EVP_MAC only takes whole octets.
Block aes128_cmac_bits(const Key128& key, ByteView data, std::size_t length_bits);

// Cryptographically strong random bytes (RAND_bytes).
void random_fill(MutableByteView out);
template <std::size_t N>
Octets<N> random_octets() {
  Octets<N> out{};
  random_fill(out);
  return out;
}

}  // namespace simbind::crypto
