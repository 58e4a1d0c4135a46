// Round trips through real freeDiameter messages: encode as the MME would, decode as the HSS would, and back.
// The process starts a Diameter stack with no peers (freeDiameter's dictionary lives in the running core).
#include "common/diameter/s6a_codec.h"

#include "common/diameter/bp_codec.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "common/diameter/dictionary.h"
#include "common/diameter/dictionary_prune.h"
#include "common/diameter/exchange.h"
#include "common/diameter/fd.h"
#include "common/diameter/stack.h"
#include "common/util/hex.h"
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

// freeDiameter writes the low 24 bits of a longer length without a word; simbind refuses such a message.
TEST(DiameterLength, when_a_message_outgrows_the_24_bit_length_then_it_is_refused_not_wrapped) {
  AuthInfoRequest r;
  r.user_name = "001010123456789";
  r.visited_plmn = Plmn::create("001", "01")->encode();
  Message fits = encode_air(r, "simbind.lab", kVendor);
  // A second User-Name is no valid AIR, but the length check looks at octets only.
  fits.add_octets(0, avp::user_name, Bytes(0xFFFF00, 1));
  EXPECT_TRUE(fits_on_the_wire(fits.get()));
  Message too_long = encode_air(r, "simbind.lab", kVendor);
  too_long.add_octets(0, avp::user_name, Bytes(0x1000000, 1));  // 16 MiB of value alone
  const auto refused = fits_on_the_wire(too_long.get());
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("16,777,215"), std::string::npos) << refused.error().message;
  bool called = false;
  const auto sent = send_request(std::move(too_long), std::chrono::seconds(1), [&called](Result<Message>) { called = true; });
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("request not sent"), std::string::npos) << sent.error().message;
  EXPECT_FALSE(called);
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


// TS 29.272 7.3.34/7.3.35: every APN configuration, with up to two Served-Party-IP-Address (Address type:
// family 1 + 4 octets, family 2 + 16 octets), reaches the MME.
TEST(S6aCodec, when_ula_carries_several_apn_configurations_then_each_survives_with_its_static_addresses) {
  UpdateLocationRequest r;
  r.user_name = "001010123456789";
  Message request = over_the_wire(encode_ulr(r, "simbind.lab"));
  Message answer = Message::answer_to(std::move(request));
  UpdateLocationAnswer a;
  SubscriptionData sd;
  sd.msisdn = "46700123456";
  sd.subscriber_status = 1;
  sd.network_access_mode = 0;
  sd.access_restriction_data = 0x20;
  sd.ambr_ul = 1000;
  sd.ambr_dl = 2000;
  sd.default_context_identifier = 7;
  ApnConfiguration internet;
  internet.context_identifier = 1;
  internet.service_selection = "internet";
  internet.pdn_type = 2;
  internet.served_ipv4 = Octets<4>{10, 46, 0, 7};
  internet.served_ipv6_prefix = Octets<8>{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2};
  ApnConfiguration ims;
  ims.context_identifier = 7;
  ims.service_selection = "ims";
  ims.pdn_type = 1;
  ims.qci = 5;
  ims.priority_level = 1;
  ims.pre_emption_capability = 0;
  ims.pre_emption_vulnerability = 1;
  ims.ambr_ul = 64000;
  ims.ambr_dl = 128000;
  ApnConfiguration corp;
  corp.context_identifier = 3;
  corp.service_selection = "corp.example";
  corp.pdn_type = 3;
  corp.served_ipv4 = Octets<4>{192, 0, 2, 1};
  sd.apns = {internet, ims, corp};
  a.subscription = sd;
  fill_ula(answer, a, kVendor);

  unsigned char* buf = nullptr;
  size_t len = 0;
  ASSERT_EQ(fd_msg_bufferize(answer.get(), &buf, &len), 0);
  const Bytes raw(buf, buf + len);
  free(buf);
  const std::string hex = to_hex(raw);
  // AVP 848, flags V (and M as dict_dcca_3gpp defines it), vendor 10415, Address family 1 and 2.
  EXPECT_NE(hex.find("0001" "0a2e0007"), std::string::npos);
  EXPECT_NE(hex.find("0002" "20010db800010002" "0000000000000000"), std::string::npos);
  EXPECT_NE(hex.find("00000350" "c0"), std::string::npos) << "AVP code 848, flags V and M (TS 29.272 table 7.3.1)";

  const Message wire = over_the_wire(std::move(answer));
  const auto back = decode_ula(wire, kVendor);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_TRUE(back->subscription);
  const SubscriptionData& s = *back->subscription;
  EXPECT_EQ(s.msisdn, "46700123456");
  EXPECT_EQ(s.subscriber_status, 1);
  EXPECT_EQ(s.network_access_mode, 0);
  EXPECT_EQ(s.access_restriction_data, 0x20u);
  EXPECT_EQ(s.default_context_identifier, 7u);
  ASSERT_EQ(s.apns.size(), 3u);
  EXPECT_EQ(s.apns[0].service_selection, "internet");
  EXPECT_EQ(s.apns[0].pdn_type, 2);
  EXPECT_EQ(s.apns[0].served_ipv4, internet.served_ipv4);
  EXPECT_EQ(s.apns[0].served_ipv6_prefix, internet.served_ipv6_prefix);
  EXPECT_EQ(s.apns[1].service_selection, "ims");
  EXPECT_EQ(s.apns[1].qci, 5);
  EXPECT_EQ(s.apns[1].priority_level, 1u);
  EXPECT_EQ(s.apns[1].pre_emption_capability, 0);
  EXPECT_EQ(s.apns[1].pre_emption_vulnerability, 1);
  EXPECT_EQ(s.apns[1].ambr_ul, 64000u);
  EXPECT_EQ(s.apns[1].ambr_dl, 128000u);
  EXPECT_FALSE(s.apns[1].served_ipv4);
  EXPECT_FALSE(s.apns[1].served_ipv6_prefix);
  EXPECT_EQ(s.apns[2].context_identifier, 3u);
  EXPECT_EQ(s.apns[2].pdn_type, 3);
  EXPECT_EQ(s.apns[2].served_ipv4, corp.served_ipv4);
}

TEST(S6aCodec, when_idr_carries_binding_provisioning_info_then_it_round_trips_and_its_ida_too) {
  InsertSubscriberDataRequest r;
  r.user_name = "001010123456789";
  BindingProvisioningInfo b;
  b.wrapped_kme = Bytes(56, 0x5a);
  b.hss_nonce.fill(0x11);
  b.kme_id = 0xdeadbeef;
  b.key_wrap_scheme = 2;
  r.binding = b;
  Message wire = over_the_wire(encode_idr(r, "simbind.lab", "mme.simbind.lab", kVendor));
  const auto back = decode_idr(wire, kVendor);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_TRUE(back->binding);
  EXPECT_EQ(back->binding->wrapped_kme, b.wrapped_kme);
  EXPECT_EQ(back->binding->hss_nonce, b.hss_nonce);
  EXPECT_EQ(back->binding->kme_id, b.kme_id);
  EXPECT_EQ(back->binding->key_wrap_scheme, 2u);

  InsertSubscriberDataAnswer a;
  a.binding_response = Octets<32>{};
  a.binding_response->fill(0x77);
  Message answer = Message::answer_to(std::move(wire));
  fill_ida(answer, a, kVendor);
  const auto ida = decode_ida(over_the_wire(std::move(answer)), kVendor);
  ASSERT_TRUE(ida) << ida.error().message;
  EXPECT_TRUE(ida->result.success());
  ASSERT_TRUE(ida->binding_response);
  EXPECT_EQ(*ida->binding_response, *a.binding_response);
  EXPECT_FALSE(ida->binding_failure_report);
}

TEST(S6aCodec, when_binding_provisioning_info_is_incomplete_or_odd_then_refused) {
  InsertSubscriberDataRequest r;
  r.user_name = "001010123456789";
  r.binding = BindingProvisioningInfo{Bytes(40, 1), {}, 1, 9};
  const auto bad_scheme = decode_idr(over_the_wire(encode_idr(r, "simbind.lab", "mme", kVendor)), kVendor);
  ASSERT_FALSE(bad_scheme);
  EXPECT_NE(bad_scheme.error().message.find("Key-Wrap-Scheme"), std::string::npos);
}

TEST(BpCodec, when_kme_establishment_round_trips_then_every_field_survives) {
  KmeEstablishmentRequest r{"001010123456789", {"35693803564380", "01"}};
  Message wire = over_the_wire(encode_kme_establishment(r, "simbind.lab", "prov.simbind.lab", kVendor));
  EXPECT_EQ(wire.command_code(), kDefaultBpKmeEstablishmentCode);
  EXPECT_EQ(wire.application_id(), kDefaultBpApplicationId);
  const auto back = decode_kme_establishment(wire);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->user_name, r.user_name);
  EXPECT_EQ(back->terminal.imei, "356938035643809");  // the check digit added
  EXPECT_EQ(back->terminal.software_version, "01");

  KmeEstablishmentAnswer a;
  a.wrapped_kme = Bytes(57, 0x21);
  a.hss_wrapped_kme = Bytes(24, 0x42);
  a.kme_id = 77;
  a.key_wrap_scheme = 1;
  Message answer = Message::answer_to(std::move(wire));
  fill_kme_establishment_answer(answer, a, kVendor);
  const auto kea = decode_kme_establishment_answer(over_the_wire(std::move(answer)), kVendor);
  ASSERT_TRUE(kea) << kea.error().message;
  EXPECT_TRUE(kea->result.success());
  EXPECT_EQ(kea->wrapped_kme, a.wrapped_kme);
  EXPECT_EQ(kea->hss_wrapped_kme, a.hss_wrapped_kme);
  EXPECT_EQ(kea->kme_id, 77u);
  EXPECT_EQ(kea->key_wrap_scheme, 1u);
}

TEST(BpCodec, when_binding_activation_round_trips_then_every_field_survives_and_a_bad_imei_is_refused) {
  BindingActivationRequest r{"001010123456789", "356938035643809", Bytes(24, 0x42), 5};
  const auto back = decode_binding_activation(
      over_the_wire(encode_binding_activation(r, "simbind.lab", "hss.simbind.lab", kVendor)), kVendor);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->imei, r.imei);
  EXPECT_EQ(back->hss_wrapped_kme, r.hss_wrapped_kme);
  EXPECT_EQ(back->kme_id, 5u);
  r.imei = "356938035643800";  // wrong check digit
  const auto bad = decode_binding_activation(
      over_the_wire(encode_binding_activation(r, "simbind.lab", "hss.simbind.lab", kVendor)), kVendor);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("IMEI"), std::string::npos);
}

bool defined(std::uint32_t vendor, std::uint32_t code) {
  struct dict_avp_request req{vendor, code, nullptr};
  dict_object* obj = nullptr;
  return fd_dict_search(fd_g_config->cnf_dict, DICT_AVP, AVP_BY_CODE_AND_VENDOR, &req, &obj, ENOENT) == 0 && obj;
}

// dictionary_prune.h: the stock 3GPP AVPs that no S6a or Bp message carries are gone, what S6a carries stays.
TEST(DictionaryTest, when_defined_then_gx_and_charging_avps_are_gone_and_what_s6a_carries_stays) {
  const PruneOutcome& p = dictionary().pruned;
  EXPECT_GT(p.removed, 300) << "dict_dcca_3gpp defines some 440 3GPP AVPs below 1400";
  EXPECT_GE(p.kept_below, static_cast<int>(std::size(kS6aImported3gppAvpsBelow1400)));
  for (std::uint32_t code : kS6aImported3gppAvpsBelow1400) {
    // Extended-Max-Requested-BW-DL/UL (Rel-12) are newer than dict_dcca_3gpp 1.2.1: never defined, M bit clear.
    if (code == 554 || code == 555) continue;
    EXPECT_TRUE(defined(10415, code)) << code;
  }
  EXPECT_FALSE(defined(10415, 1001)) << "Charging-Rule-Install (Gx)";
  EXPECT_FALSE(defined(10415, 873)) << "Service-Information (charging)";
  EXPECT_TRUE(defined(10415, 1400)) << "Subscription-Data";
  EXPECT_TRUE(defined(10415, 1407)) << "Visited-PLMN-Id";
  EXPECT_TRUE(defined(0, 263)) << "Session-Id";
  EXPECT_TRUE(defined(0, 439)) << "Service-Identifier (DCCA, vendor 0: untouched)";
}

// A ULR with the imported AVPs below 1400 (RAT-Type, Supported-Features) still parses against the trimmed
// dictionary: an unknown mandatory AVP would fail fd_msg_parse_dict.
TEST(DictionaryTest, when_an_mme_sends_rat_type_and_supported_features_then_they_parse) {
  UpdateLocationRequest r;
  r.user_name = "001010000000001";
  r.visited_plmn = {0x00, 0xf1, 0x10};
  r.rat_type = 1005;
  r.ulr_flags = 0x22;
  r.supported_features.push_back(SupportedFeatures{10415, 1, 0x0000000f});
  auto back = decode_ulr(over_the_wire(encode_ulr(r, "simbind.lab")));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->rat_type, 1005u);
  ASSERT_EQ(back->supported_features.size(), 1u);
  EXPECT_EQ(back->supported_features[0].feature_list, 0x0000000fu);
}

}  // namespace
}  // namespace simbind::diameter

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new simbind::diameter::Environment);
  return RUN_ALL_TESTS();
}
