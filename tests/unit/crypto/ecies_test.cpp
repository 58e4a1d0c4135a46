#include <gtest/gtest.h>

#include "common/crypto/key_wrap.h"
#include "tests/unit/support/vectors.h"

namespace simbind::crypto {
namespace {

using test::ecies_vectors;
using test::hex_field;

struct ProfileCase {
  const char* key;
  EciesProfile profile;
  const char* hn_public_field;
};

const ProfileCase kProfiles[] = {{"profile_a", EciesProfile::a, "hn_public_key"},
                                 {"profile_b", EciesProfile::b, "hn_public_key_compressed"}};

TEST(Ecies, when_run_on_every_ts33501_annex_c4_set_then_kdf_and_scheme_output_match) {
  int sets = 0;
  for (const auto& pc : kProfiles) {
    for (const auto& v : ecies_vectors().at(pc.key)) {
      SCOPED_TRACE(std::string(pc.key) + " " + test::label(v));
      ++sets;
      const auto k = ecies_kdf(hex_field(v, "shared_secret"), hex_field(v, "eph_public_key"));
      EXPECT_EQ(Bytes(k.begin(), k.end()), hex_field(v, "kdf_output"));
      const Bytes eph_priv = hex_field(v, "eph_private_key");
      const auto out = ecies_wrap(pc.profile, hex_field(v, pc.hn_public_field), hex_field(v, "plaintext"),
                                  ByteView(eph_priv));
      ASSERT_TRUE(out) << out.error().message;
      EXPECT_EQ(*out, hex_field(v, "scheme_output"));
      const auto back = ecies_unwrap(pc.profile, hex_field(v, "hn_private_key"), hex_field(v, "scheme_output"));
      ASSERT_TRUE(back) << back.error().message;
      EXPECT_EQ(*back, hex_field(v, "plaintext"));
    }
  }
  EXPECT_GE(sets, 2);
}

TEST(Ecies, when_profile_b_key_is_uncompressed_then_same_output) {
  const auto& v = ecies_vectors().at("profile_b").at(0);
  const Bytes eph_priv = hex_field(v, "eph_private_key");
  const auto out = ecies_wrap(EciesProfile::b, hex_field(v, "hn_public_key_uncompressed"), hex_field(v, "plaintext"),
                              ByteView(eph_priv));
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, hex_field(v, "scheme_output"));
}

TEST(Ecies, when_tag_or_ciphertext_tampered_then_verification_fails) {
  for (const auto& pc : kProfiles) {
    SCOPED_TRACE(pc.key);
    const auto& v = ecies_vectors().at(pc.key).at(0);
    const Bytes priv = hex_field(v, "hn_private_key");
    Bytes input = hex_field(v, "scheme_output");
    for (std::size_t pos : {input.size() - 1, input.size() - 9}) {  // tag, then last ciphertext octet
      input[pos] ^= 0x01;
      const auto r = ecies_unwrap(pc.profile, priv, input);
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error().code, ErrorCode::verification_failed);
      input[pos] ^= 0x01;
    }
  }
}

TEST(Ecies, when_key_is_wrong_or_input_truncated_then_refused) {
  for (const auto& pc : kProfiles) {
    SCOPED_TRACE(pc.key);
    const auto& v = ecies_vectors().at(pc.key).at(0);
    const Bytes input = hex_field(v, "scheme_output");
    const auto other = generate_device_key_pair(pc.profile == EciesProfile::a ? KeyWrapScheme::ecies_profile_a
                                                                              : KeyWrapScheme::ecies_profile_b);
    ASSERT_TRUE(other);
    const auto wrong = ecies_unwrap(pc.profile, other->private_key, input);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, ErrorCode::verification_failed);

    const auto truncated = ecies_unwrap(pc.profile, hex_field(v, "hn_private_key"), ByteView(input).first(20));
    ASSERT_FALSE(truncated);
    EXPECT_EQ(truncated.error().code, ErrorCode::invalid_argument);
  }
}

TEST(Ecies, when_public_key_is_not_on_the_curve_then_refused) {
  const auto& v = ecies_vectors().at("profile_b").at(0);
  Bytes off_curve = hex_field(v, "hn_public_key_uncompressed");
  off_curve.back() ^= 0x01;  // same x, another y: not a point of P-256
  const auto r = ecies_wrap(EciesProfile::b, off_curve, Bytes(16, 0x11));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_FALSE(ecies_wrap(EciesProfile::a, Bytes(31, 0x09), Bytes(16, 0x11))) << "short X25519 key";
}

TEST(Ecies, when_wrapping_a_kme_with_fresh_ephemeral_keys_then_outputs_differ_and_unwrap) {
  for (auto scheme : {KeyWrapScheme::ecies_profile_a, KeyWrapScheme::ecies_profile_b}) {
    SCOPED_TRACE(to_string(scheme));
    const auto pair = generate_device_key_pair(scheme);
    ASSERT_TRUE(pair);
    EXPECT_EQ(device_public_key(scheme, pair->private_key).value(), pair->public_key);
    const Octets<16> kme = random_octets<16>();
    const auto a = wrap_for_device(scheme, pair->public_key, kme);
    const auto b = wrap_for_device(scheme, pair->public_key, kme);
    ASSERT_TRUE(a && b);
    EXPECT_NE(*a, *b);
    EXPECT_EQ(a->size(), (scheme == KeyWrapScheme::ecies_profile_a ? 32u : 33u) + 16u + 8u);
    EXPECT_EQ(unwrap_on_device(scheme, pair->private_key, *a).value(), Bytes(kme.begin(), kme.end()));
  }
}

TEST(Ecies, when_plaintext_spans_many_blocks_then_round_trips) {
  const auto pair = generate_device_key_pair(KeyWrapScheme::ecies_profile_a).value();
  Bytes plaintext(1000);
  random_fill(plaintext);
  const auto wrapped = ecies_wrap(EciesProfile::a, pair.public_key, plaintext).value();
  EXPECT_EQ(ecies_unwrap(EciesProfile::a, pair.private_key, wrapped).value(), plaintext);
}

}  // namespace
}  // namespace simbind::crypto
