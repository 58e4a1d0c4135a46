#include "common/nas/binding_container.h"

#include <gtest/gtest.h>

#include "common/util/hex.h"

namespace simbind::nas {
namespace {

TEST(BindingContainer, when_downlink_round_trips_then_it_comes_back_equal_with_the_documented_layout) {
  BindingDownlink d;
  d.kme_id = 0x01020304;
  d.key_wrap_scheme = 2;
  d.hss_nonce.fill(0xee);
  d.wrapped_kme = Bytes(57, 0x5a);
  const Bytes wire = encode_binding_downlink(d).value();
  EXPECT_EQ(to_hex(ByteView(wire).first(6)), "010102030402");
  EXPECT_EQ(wire.size(), 22u + 57u);
  const auto back = decode_binding_downlink(wire);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, d);
}

TEST(BindingContainer, when_downlink_is_short_long_or_odd_then_refused) {
  BindingDownlink d;
  d.key_wrap_scheme = 1;
  d.wrapped_kme = Bytes(1, 1);
  Bytes wire = encode_binding_downlink(d).value();
  EXPECT_TRUE(decode_binding_downlink(wire));
  EXPECT_FALSE(decode_binding_downlink(ByteView(wire).first(wire.size() - 1)));  // no Wrapped-KME
  Bytes bad_version = wire;
  bad_version[0] = 2;
  EXPECT_FALSE(decode_binding_downlink(bad_version));
  Bytes bad_scheme = wire;
  bad_scheme[5] = 9;
  EXPECT_FALSE(decode_binding_downlink(bad_scheme));
  d.wrapped_kme = Bytes(1025, 1);  // one octet too many: refused by the encoder, not only by the decoder
  const auto too_long = encode_binding_downlink(d);
  ASSERT_FALSE(too_long);
  EXPECT_NE(too_long.error().message.find("1025 octets"), std::string::npos) << too_long.error().message;
  d.wrapped_kme.clear();
  EXPECT_FALSE(encode_binding_downlink(d));
  Bytes longest = wire;  // 1024 octets still decode
  longest.resize(22 + 1024, 7);
  EXPECT_TRUE(decode_binding_downlink(longest));
  longest.push_back(7);
  EXPECT_FALSE(decode_binding_downlink(longest));
}

TEST(BindingContainer, when_uplink_carries_rsp_or_failure_then_both_round_trip_and_garbage_is_refused) {
  Octets<32> rsp{};
  rsp.fill(0x42);
  const auto ok = decode_binding_uplink(encode_binding_uplink(BindingUplink{rsp}));
  ASSERT_TRUE(ok);
  ASSERT_TRUE(ok->rsp);
  EXPECT_EQ(*ok->rsp, rsp);
  const auto failed = decode_binding_uplink(encode_binding_uplink(BindingUplink{}));
  ASSERT_TRUE(failed);
  EXPECT_FALSE(failed->rsp);
  EXPECT_FALSE(decode_binding_uplink(Bytes{1, 0, 1, 2}));  // Rsp cut short
  EXPECT_FALSE(decode_binding_uplink(Bytes{1, 7}));
  EXPECT_FALSE(decode_binding_uplink(Bytes{}));
}

}  // namespace
}  // namespace simbind::nas
