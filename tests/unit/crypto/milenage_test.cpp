#include "common/crypto/milenage.h"

#include <gtest/gtest.h>

#include "tests/unit/support/vectors.h"

namespace simbind::crypto {
namespace {

using test::gpp_vectors;
using test::octets_field;

TEST(Milenage, when_run_on_every_ts35208_set_then_all_functions_match) {
  const auto& sets = gpp_vectors().at("milenage");
  ASSERT_GE(sets.size(), 1u);
  for (const auto& v : sets) {
    SCOPED_TRACE(test::label(v));
    const auto k = octets_field<16>(v, "k");
    const auto rand = octets_field<16>(v, "rand");
    const auto sqn = octets_field<6>(v, "sqn");
    const auto amf = octets_field<2>(v, "amf");
    const Opc opc = compute_opc(k, octets_field<16>(v, "op"));
    EXPECT_EQ(opc, octets_field<16>(v, "opc"));

    const Milenage m(k, opc);
    EXPECT_EQ(m.f1(rand, sqn, amf), octets_field<8>(v, "f1"));
    EXPECT_EQ(m.f1star(rand, sqn, amf), octets_field<8>(v, "f1star"));
    const MilenageF2345 f = m.f2345(rand);
    EXPECT_EQ(f.res, octets_field<8>(v, "f2"));
    EXPECT_EQ(f.ck, octets_field<16>(v, "f3"));
    EXPECT_EQ(f.ik, octets_field<16>(v, "f4"));
    EXPECT_EQ(f.ak, octets_field<6>(v, "f5"));
    EXPECT_EQ(m.f5star(rand), octets_field<6>(v, "f5star"));
  }
}

TEST(Milenage, when_key_differs_by_one_bit_then_mac_differs) {
  const auto& v = gpp_vectors().at("milenage").at(0);
  auto k = octets_field<16>(v, "k");
  const auto opc = octets_field<16>(v, "opc");
  const auto rand = octets_field<16>(v, "rand");
  const auto sqn = octets_field<6>(v, "sqn");
  const auto amf = octets_field<2>(v, "amf");
  const auto mac = Milenage(k, opc).f1(rand, sqn, amf);
  k[15] ^= 1;
  EXPECT_NE(Milenage(k, opc).f1(rand, sqn, amf), mac);
}

}  // namespace
}  // namespace simbind::crypto
