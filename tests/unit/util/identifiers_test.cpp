#include "common/util/identifiers.h"

#include <gtest/gtest.h>

#include "common/util/hex.h"

namespace simbind {
namespace {

TEST(Plmn, when_two_digit_mnc_then_filler_nibble_is_f) {
  EXPECT_EQ(to_hex(Plmn::create("208", "34").value().encode()), "02f843");
  EXPECT_EQ(to_hex(Plmn::create("001", "01").value().encode()), "00f110");
}

TEST(Plmn, when_three_digit_mnc_then_mnc3_in_high_nibble_of_octet_2) {
  EXPECT_EQ(to_hex(Plmn::create("208", "034").value().encode()), "024830");
  EXPECT_EQ(to_hex(Plmn::create("123", "456").value().encode()), "216354");
}

TEST(Plmn, when_decoded_then_digits_come_back) {
  for (auto [mcc, mnc] : {std::pair{"208", "34"}, {"310", "410"}, {"001", "01"}}) {
    const auto p = Plmn::create(mcc, mnc).value();
    EXPECT_EQ(Plmn::decode(p.encode()).value(), p);
  }
}

TEST(Plmn, when_digits_malformed_then_rejected) {
  EXPECT_FALSE(Plmn::create("20", "01"));
  EXPECT_FALSE(Plmn::create("208", "1"));
  EXPECT_FALSE(Plmn::create("2a8", "01"));
}

TEST(Imsi, when_length_or_digits_wrong_then_rejected) {
  EXPECT_TRUE(Imsi::create("001010123456789"));
  EXPECT_FALSE(Imsi::create("0010101234567890"));
  EXPECT_FALSE(Imsi::create("00101x"));
  EXPECT_FALSE(Imsi::create("12345"));
}

TEST(Imei, when_made_from_14_digits_then_luhn_digit_is_appended) {
  // TS 23.003 Annex B example: IMEI 49015420323751 has check digit 8.
  EXPECT_EQ(Imei::create("49015420323751").value().str(), "490154203237518");
  EXPECT_EQ(Imei::create("35209900176148").value().str(), "352099001761481");
}

TEST(Imei, when_an_mme_sends_14_or_15_digits_then_s6a_gives_one_imei_with_its_check_digit) {
  // TS 29.272 7.3.4: 14 digits (Open5GS), or 15 with the check digit (simbind-mme) or a spare digit.
  EXPECT_EQ(Imei::from_s6a("35209900176148").value().str(), "352099001761481");
  EXPECT_EQ(Imei::from_s6a("352099001761481").value().str(), "352099001761481");
  EXPECT_EQ(Imei::from_s6a("352099001761480").value().str(), "352099001761481");
  EXPECT_FALSE(Imei::from_s6a("3520990017614"));
  EXPECT_FALSE(Imei::from_s6a("35209900176148a"));
}

TEST(Imei, when_check_digit_wrong_then_rejected) {
  EXPECT_TRUE(Imei::create("490154203237518"));
  auto bad = Imei::create("490154203237517");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("expected 8"), std::string::npos);
}

}  // namespace
}  // namespace simbind
