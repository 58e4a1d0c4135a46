#include <gtest/gtest.h>

#include "common/crypto/key_wrap.h"
#include "common/util/hex.h"

namespace simbind::crypto {
namespace {

Bytes hex(std::string_view s) { return from_hex(s).value(); }

// RFC 5649 section 6 known answers (192-bit KEK).
TEST(AesKeyWrapPad, when_run_on_rfc5649_examples_then_outputs_match) {
  const Bytes kek = hex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8");
  EXPECT_EQ(to_hex(aes_key_wrap_pad(kek, hex("c37b7e6492584340bed12207808941155068f738")).value()),
            "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a");
  EXPECT_EQ(to_hex(aes_key_wrap_pad(kek, hex("466f7250617369")).value()), "afbeb0f07dfbf5419200f2ccb50bb24f");
  EXPECT_EQ(to_hex(aes_key_unwrap_pad(kek, hex("afbeb0f07dfbf5419200f2ccb50bb24f")).value()), "466f7250617369");
}

TEST(AesKeyWrapPad, when_kme_wrapped_under_256_bit_kek_then_unwraps_only_with_that_kek) {
  const auto kek = random_octets<32>();
  const auto kme = random_octets<16>();
  const Bytes wrapped = aes_key_wrap_pad(kek, kme).value();
  EXPECT_EQ(wrapped.size(), 24u);
  EXPECT_EQ(aes_key_unwrap_pad(kek, wrapped).value(), Bytes(kme.begin(), kme.end()));

  auto other = kek;
  other[0] ^= 1;
  const auto r = aes_key_unwrap_pad(other, wrapped);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::verification_failed);

  Bytes tampered = wrapped;
  tampered[5] ^= 0x10;
  EXPECT_FALSE(aes_key_unwrap_pad(kek, tampered));
}

TEST(AesKeyWrapPad, when_lengths_are_wrong_then_invalid_argument) {
  EXPECT_EQ(aes_key_wrap_pad(Bytes(15), Bytes(16)).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(aes_key_wrap_pad(Bytes(16), Bytes{}).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(aes_key_unwrap_pad(Bytes(16), Bytes(12)).error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace simbind::crypto
