#include "common/crypto/kdf.h"

#include <gtest/gtest.h>

#include "tests/unit/support/vectors.h"

namespace simbind::crypto {
namespace {

using test::gpp_vectors;
using test::hex_field;
using test::octets_field;

// Every "kdf" entry, dispatched on its "function" field; an unknown function fails the test, so a new kind of
// entry in the shared file cannot pass unnoticed.
TEST(Kdf, when_run_on_every_kdf_entry_then_outputs_match) {
  const auto& entries = gpp_vectors().at("kdf");
  ASSERT_GE(entries.size(), 1u);
  int checked = 0;
  for (const auto& v : entries) {
    SCOPED_TRACE(test::label(v));
    const std::string function = v.at("function");
    const auto& in = v.contains("inputs") ? v.at("inputs") : v;
    if (function == "KASME") {
      const auto ck = octets_field<16>(in, "ck");
      const auto ik = octets_field<16>(in, "ik");
      const auto sn_id = octets_field<3>(in, "sn_id");
      const auto sqn_xor_ak = xor_octets(octets_field<6>(in, "sqn"), octets_field<6>(in, "ak"));
      EXPECT_EQ(sqn_xor_ak, octets_field<6>(in, "sqn_xor_ak"));
      EXPECT_EQ(kdf_input_string(0x10, {sn_id, sqn_xor_ak}), hex_field(v, "s"));
      EXPECT_EQ(derive_kasme(ck, ik, sn_id, sqn_xor_ak), octets_field<32>(v, "output"));
    } else if (function == "K_NASenc" || function == "K_NASint") {
      const auto kasme = octets_field<32>(in, "kasme");
      const auto distinguisher = static_cast<AlgorithmDistinguisher>(hex_field(in, "algorithm_type_distinguisher").at(0));
      EXPECT_EQ(distinguisher, function == "K_NASenc" ? AlgorithmDistinguisher::nas_enc : AlgorithmDistinguisher::nas_int);
      const std::uint8_t alg = hex_field(in, "algorithm_identity").at(0);
      EXPECT_EQ(kdf(kasme, 0x15, {hex_field(in, "algorithm_type_distinguisher"), hex_field(in, "algorithm_identity")}),
                octets_field<32>(v, "output"));
      EXPECT_EQ(derive_algorithm_key(kasme, distinguisher, alg), octets_field<16>(v, "key_128"));
      const NasKeys keys = derive_nas_keys(kasme, alg, alg);
      EXPECT_EQ(function == "K_NASenc" ? keys.k_nas_enc : keys.k_nas_int, octets_field<16>(v, "key_128"));
    } else if (function == "CK'||IK'") {
      const auto r = derive_ck_ik_prime(octets_field<16>(in, "ck"), octets_field<16>(in, "ik"),
                                        hex_field(in, "access_network_identity_hex"), octets_field<6>(in, "sqn_xor_ak"));
      EXPECT_EQ(r.ck_prime, octets_field<16>(v, "ck_prime"));
      EXPECT_EQ(r.ik_prime, octets_field<16>(v, "ik_prime"));
    } else if (function.starts_with("HMAC-SHA-256")) {
      EXPECT_EQ(hmac_sha256(hex_field(v, "key"), hex_field(v, "data")), octets_field<32>(v, "output"));
    } else {
      ADD_FAILURE() << "unknown KDF function '" << function << "' in the vector file";
      continue;
    }
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(entries.size()));
}

TEST(Kdf, when_parameter_lengths_encoded_then_two_octets_big_endian) {
  const Bytes p0(300, 0xaa);
  const Bytes s = kdf_input_string(0x42, {p0});
  ASSERT_EQ(s.size(), 1u + 300u + 2u);
  EXPECT_EQ(s[0], 0x42);
  EXPECT_EQ(s[301], 0x01);
  EXPECT_EQ(s[302], 0x2c);
}

}  // namespace
}  // namespace simbind::crypto
