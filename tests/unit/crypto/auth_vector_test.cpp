#include "common/crypto/auth_vector.h"

#include <gtest/gtest.h>

#include "common/crypto/sqn.h"
#include "tests/unit/support/vectors.h"

namespace simbind::crypto {
namespace {

using test::gpp_vectors;
using test::octets_field;

TEST(Autn, when_built_from_every_autn_entry_then_matches) {
  const auto& entries = gpp_vectors().at("autn");
  ASSERT_GE(entries.size(), 1u);
  for (const auto& v : entries) {
    SCOPED_TRACE(test::label(v));
    const Autn autn = build_autn(octets_field<6>(v, "sqn"), octets_field<6>(v, "ak"), octets_field<2>(v, "amf"),
                                 octets_field<8>(v, "mac_a"));
    EXPECT_EQ(autn, octets_field<16>(v, "autn"));
    const AutnFields f = split_autn(autn);
    EXPECT_EQ(f.sqn_xor_ak, octets_field<6>(v, "sqn_xor_ak"));
  }
}

TEST(Autn, when_verified_by_the_usim_then_mac_ok_and_sqn_recovered) {
  for (const auto& v : gpp_vectors().at("milenage")) {
    SCOPED_TRACE(test::label(v));
    const Milenage m(octets_field<16>(v, "k"), octets_field<16>(v, "opc"));
    const auto rand = octets_field<16>(v, "rand");
    const auto sqn = octets_field<6>(v, "sqn");
    const auto amf = octets_field<2>(v, "amf");
    const auto f = m.f2345(rand);
    Autn autn = build_autn(sqn, f.ak, amf, m.f1(rand, sqn, amf));
    const auto ok = verify_autn(m, rand, autn);
    EXPECT_TRUE(ok.mac_ok);
    EXPECT_EQ(ok.sqn, sqn);
    EXPECT_EQ(ok.amf, amf);

    autn[15] ^= 0x01;  // tampered MAC
    EXPECT_FALSE(verify_autn(m, rand, autn).mac_ok);
    autn[15] ^= 0x01;
    autn[7] ^= 0x80;  // tampered AMF: covered by MAC-A
    EXPECT_FALSE(verify_autn(m, rand, autn).mac_ok);
  }
}

TEST(Auts, when_checked_against_every_auts_entry_then_sqn_ms_and_mac_s_match) {
  const auto& entries = gpp_vectors().at("auts");
  ASSERT_GE(entries.size(), 1u);
  for (const auto& v : entries) {
    SCOPED_TRACE(test::label(v));
    const Milenage m(octets_field<16>(v, "k"), octets_field<16>(v, "opc"));
    const auto rand = octets_field<16>(v, "rand");
    const auto auts = octets_field<14>(v, "auts");
    EXPECT_EQ(m.f5star(rand), octets_field<6>(v, "ak_star"));
    const auto r = verify_auts(m, rand, auts);
    EXPECT_EQ(r.sqn_ms, octets_field<6>(v, "sqn_ms"));
    EXPECT_TRUE(r.mac_s_valid);
    EXPECT_EQ(build_auts(m, rand, r.sqn_ms), auts);
  }
}

TEST(Auts, when_key_is_wrong_then_mac_s_fails) {
  // The free5gc entry's note: the same AUTS under another K must fail.
  const auto& v = gpp_vectors().at("auts").at(0);
  auto k = octets_field<16>(v, "k");
  k[9] ^= 0x12;
  const Milenage wrong(k, octets_field<16>(v, "opc"));
  EXPECT_FALSE(verify_auts(wrong, octets_field<16>(v, "rand"), octets_field<14>(v, "auts")).mac_s_valid);
}

TEST(Auts, when_mac_s_tampered_then_invalid) {
  const auto& v = gpp_vectors().at("auts").at(1);
  const Milenage m(octets_field<16>(v, "k"), octets_field<16>(v, "opc"));
  auto auts = octets_field<14>(v, "auts");
  auts[13] ^= 0x40;
  EXPECT_FALSE(verify_auts(m, octets_field<16>(v, "rand"), auts).mac_s_valid);
}

TEST(EutranVector, when_generated_then_usim_side_reproduces_res_and_kasme) {
  const auto& v = gpp_vectors().at("milenage").at(2);
  const Milenage m(octets_field<16>(v, "k"), octets_field<16>(v, "opc"));
  const Rand rand = random_octets<16>();
  const Sqn sqn = sqn_from_value(0x123456);
  const Amf amf = amf_from_value(kAmfSeparationBit);
  const Octets<3> sn_id = Plmn::create("001", "01").value().encode();
  const EutranVector av = make_eutran_vector(m, rand, sqn, amf, sn_id);

  const auto check = verify_autn(m, av.rand, av.autn);
  ASSERT_TRUE(check.mac_ok);
  EXPECT_EQ(check.sqn, sqn);
  const auto f = m.f2345(av.rand);
  EXPECT_EQ(f.res, av.xres);
  EXPECT_EQ(derive_kasme(f.ck, f.ik, sn_id, split_autn(av.autn).sqn_xor_ak), av.kasme);
  EXPECT_NE(derive_kasme(f.ck, f.ik, Plmn::create("001", "02").value().encode(), split_autn(av.autn).sqn_xor_ak),
            av.kasme);
}

}  // namespace
}  // namespace simbind::crypto
