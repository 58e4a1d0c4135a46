#include <gtest/gtest.h>

#include "common/crypto/key_wrap.h"

namespace simbind::crypto {
namespace {

class RsaOaep : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pair_ = new DeviceKeyPair(generate_device_key_pair(KeyWrapScheme::rsa_oaep_sha256).value()); }
  static void TearDownTestSuite() { delete pair_; }
  static DeviceKeyPair* pair_;
};
DeviceKeyPair* RsaOaep::pair_ = nullptr;

TEST_F(RsaOaep, when_kme_wrapped_then_private_key_recovers_it) {
  const Octets<16> kme = random_octets<16>();
  const auto wrapped = wrap_for_device(KeyWrapScheme::rsa_oaep_sha256, pair_->public_key, kme);
  ASSERT_TRUE(wrapped) << wrapped.error().message;
  EXPECT_EQ(wrapped->size(), 256u);  // RSA-2048
  EXPECT_EQ(unwrap_on_device(KeyWrapScheme::rsa_oaep_sha256, pair_->private_key, *wrapped).value(),
            Bytes(kme.begin(), kme.end()));
  EXPECT_EQ(device_public_key(KeyWrapScheme::rsa_oaep_sha256, pair_->private_key).value(), pair_->public_key);
}

TEST_F(RsaOaep, when_ciphertext_tampered_or_key_wrong_then_verification_fails) {
  auto wrapped = rsa_oaep_wrap(pair_->public_key, Bytes(16, 0x42)).value();
  wrapped[100] ^= 0x01;
  const auto r = rsa_oaep_unwrap(pair_->private_key, wrapped);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::verification_failed);
}

TEST_F(RsaOaep, when_key_is_not_der_then_invalid_argument) {
  const auto r = rsa_oaep_wrap(Bytes(40, 0x30), Bytes(16, 0x42));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_FALSE(rsa_oaep_unwrap(Bytes(10, 0x01), Bytes(256, 0)));
}

TEST_F(RsaOaep, when_given_an_ecies_key_as_rsa_then_refused) {
  const auto x25519 = generate_device_key_pair(KeyWrapScheme::ecies_profile_a).value();
  EXPECT_FALSE(rsa_oaep_wrap(x25519.public_key, Bytes(16, 1)));
}

}  // namespace
}  // namespace simbind::crypto
