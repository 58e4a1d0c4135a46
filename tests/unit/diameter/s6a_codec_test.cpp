// Round trips through real freeDiameter messages: encode as the MME would, decode as the HSS would, and back.
// The process starts a Diameter stack with no peers (freeDiameter's dictionary lives in the running core).
#include "common/diameter/s6a_codec.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "common/diameter/dictionary.h"
#include "common/diameter/fd.h"
#include "common/diameter/stack.h"
#include "common/util/identifiers.h"

namespace simbind::diameter {
namespace {

class Environment : public ::testing::Environment {
 public:
  void SetUp() override {
    StackConfig c;
    c.identity = "codec-test.simbind.lab";
    c.port = 39000 + static_cast<std::uint16_t>(::getpid() % 20000);
    auto stack = DiameterStack::start(c, [] {
      auto d = define_dictionary(BindingDictionaryConfig{});
      return d ? Result<void>{} : Result<void>(std::unexpected(d.error()));
    });
    ASSERT_TRUE(stack) << stack.error().message;
    stack_ = std::move(*stack);
  }
  void TearDown() override { stack_.reset(); }

 private:
  std::unique_ptr<DiameterStack> stack_;
};

constexpr std::uint32_t kVendor = kDefaultBindingVendor;

// A request as it arrives at the HSS: serialised by freeDiameter and parsed again against the dictionary.
Message over_the_wire(Message m) {
  unsigned char* buf = nullptr;
  size_t len = 0;
  EXPECT_EQ(fd_msg_bufferize(m.get(), &buf, &len), 0);
  struct msg* parsed = nullptr;
  EXPECT_EQ(fd_msg_parse_buffer(&buf, len, &parsed), 0);
  EXPECT_EQ(fd_msg_parse_dict(parsed, fd_g_config->cnf_dict, nullptr), 0);
  return Message::adopt(parsed);
}

TEST(S6aCodec, when_air_round_trips_then_every_field_survives) {
  AuthInfoRequest r;
  r.user_name = "001010123456789";
  r.visited_plmn = Plmn::create("001", "01")->encode();
  r.requested_vectors = 3;
  r.immediate_response_preferred = true;
  r.resync_info = Bytes(30, 0xab);
  r.supported_features.push_back({kVendor, kBindingFeatureListId, kBindingFeatureBit});
  r.binding_failure_report = BindingFailureReport::no_kme;
  const Message wire = over_the_wire(encode_air(r, "simbind.lab", kVendor));
  const auto back = decode_air(wire, kVendor);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->user_name, r.user_name);
  EXPECT_EQ(back->visited_plmn, r.visited_plmn);
  EXPECT_EQ(back->requested_vectors, 3u);
  EXPECT_TRUE(back->immediate_response_preferred);
  EXPECT_EQ(back->resync_info, r.resync_info);
  EXPECT_TRUE(advertises_binding(back->supported_features, kVendor));
  EXPECT_FALSE(advertises_binding(back->supported_features, kVendor + 1));
  EXPECT_EQ(back->binding_failure_report, BindingFailureReport::no_kme);
}

TEST(S6aCodec, when_user_name_is_not_an_imsi_then_decode_names_the_avp) {
  AuthInfoRequest r;
  r.user_name = "not-an-imsi";
  const auto back = decode_air(over_the_wire(encode_air(r, "simbind.lab", kVendor)), kVendor);
  ASSERT_FALSE(back);
  EXPECT_NE(back.error().message.find("User-Name"), std::string::npos);
}

TEST(S6aCodec, when_resync_info_has_the_wrong_length_then_refused) {
  AuthInfoRequest r;
  r.user_name = "001010123456789";
  r.resync_info = Bytes(29, 0x01);
  const auto back = decode_air(over_the_wire(encode_air(r, "simbind.lab", kVendor)), kVendor);
  ASSERT_FALSE(back);
  EXPECT_NE(back.error().message.find("Re-Synchronization-Info"), std::string::npos);
}

TEST(S6aCodec, when_ulr_carries_terminal_information_then_it_is_decoded_and_bad_imei_refused) {
  UpdateLocationRequest r;
  r.user_name = "001010123456789";
  r.ulr_flags = 34;
  r.terminal_information = TerminalInformation{"35209900176148", "01"};
  const auto back = decode_ulr(over_the_wire(encode_ulr(r, "simbind.lab")));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->ulr_flags, 34u);
  ASSERT_TRUE(back->terminal_information);
  EXPECT_EQ(back->terminal_information->imei, "35209900176148");
  EXPECT_EQ(back->terminal_information->software_version, "01");

  r.terminal_information->imei = "35x09900176148";
  EXPECT_FALSE(decode_ulr(over_the_wire(encode_ulr(r, "simbind.lab"))));
}

TEST(S6aCodec, when_msisdn_is_tbcd_encoded_then_odd_lengths_get_the_f_filler) {
  EXPECT_EQ(encode_tbcd("46700123456"), (Bytes{0x64, 0x07, 0x10, 0x32, 0x54, 0xf6}));
  EXPECT_EQ(decode_tbcd(encode_tbcd("46700123456")), "46700123456");
  EXPECT_EQ(decode_tbcd(encode_tbcd("1234")), "1234");
}

}  // namespace
}  // namespace simbind::diameter

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new simbind::diameter::Environment);
  return RUN_ALL_TESTS();
}
