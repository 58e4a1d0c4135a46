#include "common/crypto/binding.h"

#include <gtest/gtest.h>

#include "common/crypto/sqn.h"
#include "tests/unit/support/vectors.h"

namespace simbind::crypto {
namespace {

using test::octets_field;

TEST(RandCipher, when_encrypted_with_kme_then_only_the_same_kme_recovers_rand) {
  const Kme kme = generate_kme();
  const Rand rand = random_octets<16>();
  const Rand star = encrypt_rand(kme, rand);
  EXPECT_NE(star, rand);
  EXPECT_EQ(decrypt_rand(kme, star), rand);
  Kme other = kme;
  other[0] ^= 1;
  EXPECT_NE(decrypt_rand(other, star), rand);
}

TEST(BindingAmf, when_kme_id_encoded_then_indicator_and_hint_are_read_back) {
  const Amf base = amf_from_value(kAmfSeparationBit);
  EXPECT_FALSE(amf_marks_preprocessed(base));
  for (std::uint32_t id : {0u, 1u, 2u, 3u, 6u, 0xfffffffdu}) {
    SCOPED_TRACE(id);
    const Amf amf = binding_amf(base, KmeId{id});
    EXPECT_TRUE(amf_marks_preprocessed(amf));
    EXPECT_EQ(amf_kme_id_hint(amf), id % 4);
    EXPECT_EQ(amf_value(amf) & kAmfSeparationBit, kAmfSeparationBit) << "separation bit kept";
    EXPECT_EQ(amf_value(amf) & ~std::uint16_t{0x80e0}, 0) << "no other bit touched";
  }
  // DESIGN 4: bit 8 = 0x0080, bits 9-10 = 0x0060.
  EXPECT_EQ(amf_value(binding_amf(amf_from_value(0x8000), KmeId{2})), 0x80c0);
}

TEST(BindingAmf, when_layout_is_configured_then_it_is_followed) {
  const BindingAmfLayout layout{0x0001, 0x0006};
  const Amf amf = binding_amf(amf_from_value(0x8000), KmeId{3}, layout);
  EXPECT_EQ(amf_value(amf), 0x8007);
  EXPECT_TRUE(amf_marks_preprocessed(amf, layout));
  EXPECT_FALSE(amf_marks_preprocessed(amf));  // default layout looks at 0x0080
  EXPECT_EQ(amf_kme_id_hint(amf, layout), 3u);
}

// The whole idea (DESIGN 1, 3.2): the HSS encrypts RAND and sets the binding bit before f1; only an ME with the
// KME gives the UICC a RAND whose MAC verifies.
TEST(PreprocessedVector, when_me_holds_kme_then_uicc_accepts_and_otherwise_mac_fails) {
  const auto& v = test::gpp_vectors().at("milenage").at(0);
  const Milenage uicc(octets_field<16>(v, "k"), octets_field<16>(v, "opc"));
  const Kme kme = generate_kme();
  const KmeId kme_id{0x01020305};
  const Amf amf = binding_amf(amf_from_value(kAmfSeparationBit), kme_id);
  const Rand rand = random_octets<16>();
  const auto av = make_eutran_vector(uicc, rand, sqn_from_value(0x40), amf, Plmn::create("001", "01")->encode());
  const Rand rand_star = encrypt_rand(kme, av.rand);

  // The ME reads the AMF from AUTN (in the clear) and decides to decrypt.
  const AutnFields fields = split_autn(av.autn);
  ASSERT_TRUE(amf_marks_preprocessed(fields.amf));
  EXPECT_EQ(amf_kme_id_hint(fields.amf), to_uint(kme_id) % 4);
  EXPECT_TRUE(verify_autn(uicc, decrypt_rand(kme, rand_star), av.autn).mac_ok);

  EXPECT_FALSE(verify_autn(uicc, rand_star, av.autn).mac_ok) << "an ME without KME passes RAND* on";
  EXPECT_FALSE(verify_autn(uicc, decrypt_rand(generate_kme(), rand_star), av.autn).mac_ok) << "wrong KME";
}

TEST(Rsp, when_kme_and_nonce_match_then_verifies_else_not) {
  const Kme kme = generate_kme();
  const HssNonce n = generate_hss_nonce();
  const Rsp rsp = compute_rsp(kme, n);
  EXPECT_EQ(rsp, hmac_sha256(kme, n));
  EXPECT_TRUE(verify_rsp(kme, n, rsp));
  EXPECT_FALSE(verify_rsp(kme, generate_hss_nonce(), rsp));
  EXPECT_FALSE(verify_rsp(generate_kme(), n, rsp));
  EXPECT_FALSE(verify_rsp(kme, n, ByteView(rsp).first(16))) << "truncated Rsp";
}

TEST(Kme, when_generated_then_fresh_each_time) {
  EXPECT_NE(generate_kme(), generate_kme());
  EXPECT_NE(generate_hss_nonce(), generate_hss_nonce());
}

}  // namespace
}  // namespace simbind::crypto
