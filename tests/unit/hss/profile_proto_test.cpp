// The admin API's Profile: defaults, the old single-APN fields, and the refusals (nothing half-applied).
#include "services/hss/profile_proto.h"

#include <gtest/gtest.h>

namespace simbind::hss {
namespace {

using subscription::PdnType;

v1::ApnConfig apn(const std::string& name, std::uint32_t id = 0) {
  v1::ApnConfig a;
  a.set_apn(name);
  a.set_context_id(id);
  return a;
}

TEST(ProfileProto, when_only_the_old_fields_are_given_then_one_default_ipv4v6_apn_is_made) {
  v1::Profile p;
  p.set_apn("corp");
  p.set_qci(6);
  p.set_arp_priority(2);
  auto out = profile_from_proto(p);
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->apns.size(), 1u);
  EXPECT_EQ(out->default_apn()->apn, "corp");
  EXPECT_EQ(out->default_apn()->qci, 6);
  EXPECT_EQ(out->default_apn()->arp.priority_level, 2u);
  EXPECT_EQ(out->default_apn()->pdn_type, PdnType::ipv4v6);
  EXPECT_EQ(out->ue_ambr_ul, 50'000'000u);

  auto empty = profile_from_proto(v1::Profile{});
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->default_apn()->apn, "internet");
}

TEST(ProfileProto, when_apns_are_given_then_ids_are_assigned_and_the_default_is_chosen_by_name) {
  v1::Profile p;
  *p.add_apns() = apn("internet");
  *p.add_apns() = apn("ims", 1);
  *p.add_apns() = apn("corp");
  p.mutable_apns(1)->set_pdn_type(v1::PDN_TYPE_IPV6);
  p.mutable_apns(2)->set_static_ipv4("10.46.0.7");
  p.mutable_apns(2)->set_pre_emption_capability(v1::PRE_EMPTION_ENABLED);
  p.set_default_apn("IMS");
  p.set_subscriber_status(v1::SUBSCRIBER_STATUS_OPERATOR_DETERMINED_BARRING);
  p.set_network_access_mode(v1::NETWORK_ACCESS_MODE_PACKET_AND_CIRCUIT);
  auto out = profile_from_proto(p);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->apns[0].context_id, 2u) << "the lowest id not taken";
  EXPECT_EQ(out->apns[1].context_id, 1u);
  EXPECT_EQ(out->apns[2].context_id, 3u);
  EXPECT_EQ(out->default_context_id, 1u);
  EXPECT_EQ(out->apns[1].pdn_type, PdnType::ipv6);
  EXPECT_EQ(out->apns[2].static_ipv4, (Octets<4>{10, 46, 0, 7}));
  EXPECT_EQ(out->apns[2].arp.capability, subscription::PreEmption::enabled);
  EXPECT_EQ(out->apns[2].arp.vulnerability, subscription::PreEmption::enabled);
  EXPECT_EQ(out->status, subscription::SubscriberStatus::operator_determined_barring);
  EXPECT_EQ(out->network_access_mode, subscription::NetworkAccessMode::packet_and_circuit);

  // And back: the shortcut fields describe the default configuration.
  v1::Profile back;
  profile_to_proto(*out, &back);
  EXPECT_EQ(back.apn(), "ims");
  EXPECT_EQ(back.default_context_id(), 1u);
  EXPECT_EQ(back.apns_size(), 3);
  EXPECT_EQ(back.apns(2).static_ipv4(), "10.46.0.7");
  auto again = profile_from_proto(back);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, *out) << "what the API answers can be sent back unchanged";
}

TEST(ProfileProto, when_an_old_client_renames_the_default_through_the_shortcut_then_the_default_is_renamed) {
  v1::Profile p;
  *p.add_apns() = apn("internet", 1);
  *p.add_apns() = apn("ims", 2);
  p.set_default_context_id(1);
  p.set_default_apn("internet");
  p.set_apn("web");  // an old client's `--apn web` on a profile it read
  auto out = profile_from_proto(p);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->default_apn()->apn, "web");
  EXPECT_EQ(out->apns[1].apn, "ims");
}

TEST(ProfileProto, when_the_profile_breaks_a_rule_then_it_is_refused_with_the_field) {
  struct Case {
    const char* what;
    void (*change)(v1::Profile&);
    const char* expected;
  };
  const Case cases[] = {
      {"default by unknown name", [](v1::Profile& p) { p.set_default_apn("nope"); }, "profile.default_apn"},
      {"default by unknown id", [](v1::Profile& p) { p.set_default_context_id(9); }, "default_context_id"},
      {"bad static IPv4", [](v1::Profile& p) { p.mutable_apns(0)->set_static_ipv4("10.1"); }, "static_ipv4"},
      {"bad IPv6 prefix", [](v1::Profile& p) { p.mutable_apns(0)->set_static_ipv6_prefix("2001:db8::/56"); },
       "static_ipv6_prefix"},
      {"bad APN", [](v1::Profile& p) { p.mutable_apns(1)->set_apn("a b"); }, "letters, digits"},
      {"duplicate", [](v1::Profile& p) { p.mutable_apns(1)->set_apn("Internet"); }, "configured twice"},
      // Issue 14 M2: 300 characters once made a malformed ATTACH ACCEPT (the NAS length wrapped to 44).
      {"APN of 300 characters", [](v1::Profile& p) { p.mutable_apns(1)->set_apn(std::string(300, 'a')); },
       "at most 100 octets"},
      {"APN with a newline", [](v1::Profile& p) { p.mutable_apns(1)->set_apn("inter\nnet"); }, "control character"},
      {"QCI 300", [](v1::Profile& p) { p.mutable_apns(0)->set_qci(300); }, "qci"},
      {"unknown PDN type", [](v1::Profile& p) { p.mutable_apns(0)->set_pdn_type(static_cast<v1::PdnType>(9)); },
       "pdn_type"},
  };
  for (const auto& c : cases) {
    v1::Profile p;
    *p.add_apns() = apn("internet");
    *p.add_apns() = apn("ims");
    c.change(p);
    auto out = profile_from_proto(p);
    ASSERT_FALSE(out) << c.what;
    EXPECT_EQ(out.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(out.error().message.find(c.expected), std::string::npos) << c.what << ": " << out.error().message;
  }
}

}  // namespace
}  // namespace simbind::hss
