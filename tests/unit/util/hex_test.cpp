#include "common/util/hex.h"

#include <gtest/gtest.h>

namespace simbind {
namespace {

TEST(Hex, when_bytes_round_trip_then_output_is_lowercase) {
  const Bytes b{0x00, 0xab, 0xcd, 0xef, 0x7f};
  EXPECT_EQ(to_hex(b), "00abcdef7f");
  EXPECT_EQ(from_hex("00ABcdEF7f").value(), b);
}

TEST(Hex, when_odd_length_then_error_says_so) {
  auto r = from_hex("abc");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("odd"), std::string::npos);
}

TEST(Hex, when_non_hex_digit_then_error_names_position) {
  auto r = from_hex("00zz");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(r.error().message.find("position 2"), std::string::npos);
}

TEST(Hex, when_fixed_size_mismatch_then_error_names_expected_digits) {
  auto r = octets_from_hex<4>("0011");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("expected 8 hex digits, got 4"), std::string::npos);
  EXPECT_EQ(octets_from_hex<2>("beef").value(), (Octets<2>{0xbe, 0xef}));
}

}  // namespace
}  // namespace simbind
