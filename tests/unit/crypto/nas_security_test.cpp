#include "common/crypto/nas_security.h"

#include <gtest/gtest.h>

#include "tests/unit/support/vectors.h"

namespace simbind::crypto {
namespace {

using test::gpp_vectors;
using test::hex_field;
using test::octets_field;

NasSecurityInput input_of(const nlohmann::json& v) {
  return {static_cast<std::uint32_t>(from_big_endian(hex_field(v, "count"))), v.at("bearer").get<std::uint8_t>(),
          static_cast<Direction>(v.at("direction").get<int>())};
}

TEST(Eea2, when_run_on_every_ts33401_set_then_ciphertext_matches_both_ways) {
  const auto& sets = gpp_vectors().at("eea2");
  ASSERT_GE(sets.size(), 1u);
  for (const auto& v : sets) {
    SCOPED_TRACE(test::label(v));
    const auto key = octets_field<16>(v, "key");
    const std::size_t bits = v.at("length_bits");
    const auto enc = eea2(key, input_of(v), hex_field(v, "plaintext"), bits);
    ASSERT_TRUE(enc) << enc.error().message;
    EXPECT_EQ(*enc, hex_field(v, "ciphertext"));
    const auto dec = eea2(key, input_of(v), hex_field(v, "ciphertext"), bits);
    ASSERT_TRUE(dec);
    EXPECT_EQ(*dec, hex_field(v, "plaintext"));
  }
}

TEST(Eia2, when_run_on_every_ts33401_set_then_mac_matches) {
  const auto& sets = gpp_vectors().at("eia2");
  ASSERT_GE(sets.size(), 1u);
  for (const auto& v : sets) {
    SCOPED_TRACE(test::label(v));
    const auto mac = eia2(octets_field<16>(v, "key"), input_of(v), hex_field(v, "message"), v.at("length_bits"));
    ASSERT_TRUE(mac) << mac.error().message;
    EXPECT_EQ(*mac, octets_field<4>(v, "mac"));
  }
}

TEST(Eia2, when_message_or_count_changes_then_mac_changes) {
  const auto& v = gpp_vectors().at("eia2").at(1);  // byte-aligned set
  const auto key = octets_field<16>(v, "key");
  Bytes msg = hex_field(v, "message");
  const auto mac = eia2_bytes(key, input_of(v), msg);
  EXPECT_EQ(mac, octets_field<4>(v, "mac"));
  msg[0] ^= 1;
  EXPECT_NE(eia2_bytes(key, input_of(v), msg), mac);
  msg[0] ^= 1;
  auto in = input_of(v);
  ++in.count;
  EXPECT_NE(eia2_bytes(key, in, msg), mac);
  in = input_of(v);
  in.direction = in.direction == Direction::uplink ? Direction::downlink : Direction::uplink;
  EXPECT_NE(eia2_bytes(key, in, msg), mac);
}

TEST(Eea2, when_data_length_disagrees_with_length_bits_then_rejected) {
  const Key128 key{};
  const auto r = eea2(key, {0, 0, Direction::uplink}, Bytes(3), 25);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_FALSE(eia2(key, {0, 32, Direction::uplink}, Bytes(1), 8)) << "BEARER 32 is out of range";
}

}  // namespace
}  // namespace simbind::crypto
