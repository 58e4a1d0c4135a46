#include "common/crypto/primitives.h"

#include <gtest/gtest.h>

#include "common/util/hex.h"

namespace simbind::crypto {
namespace {

// The bit-granular CMAC is built from AES blocks; on whole octets it must agree with OpenSSL's own CMAC.
TEST(Cmac, when_length_is_whole_octets_then_bitwise_cmac_equals_evp_cmac) {
  const Key128 key = random_octets<16>();
  for (std::size_t len : {0u, 1u, 15u, 16u, 17u, 31u, 32u, 33u, 100u}) {
    SCOPED_TRACE(len);
    Bytes data(len);
    random_fill(data);
    EXPECT_EQ(aes128_cmac_bits(key, data, len * 8), aes128_cmac(key, data));
  }
}

TEST(Cmac, when_bits_beyond_length_change_then_mac_is_unchanged) {
  const Key128 key = random_octets<16>();
  Bytes data{0xde, 0xad, 0xbe, 0xe0};
  const Block mac = aes128_cmac_bits(key, data, 27);
  data[3] |= 0x1f;  // the five bits past bit 27
  EXPECT_EQ(aes128_cmac_bits(key, data, 27), mac);
  data[3] ^= 0x20;  // bit 27 itself (the last one counted)
  EXPECT_NE(aes128_cmac_bits(key, data, 27), mac);
}

TEST(Aes128, when_block_encrypted_then_decrypt_returns_it) {
  const Key128 key = random_octets<16>();
  const Block in = random_octets<16>();
  const Block out = Aes128(key).encrypt(in);
  EXPECT_NE(out, in);
  EXPECT_EQ(aes128_encrypt_block(key, in), out);
  EXPECT_EQ(aes128_decrypt_block(key, out), in);
}

TEST(Random, when_called_twice_then_outputs_differ) {
  EXPECT_NE(random_octets<16>(), random_octets<16>());
}

}  // namespace
}  // namespace simbind::crypto
