// The subscription rules every stored profile keeps (TS 29.272 7.3.34/7.3.35, TS 23.003 9.1).
#include "common/subscription/apn_config.h"

#include <gtest/gtest.h>

namespace simbind::subscription {
namespace {

Profile two_apns() {
  Profile p;
  ApnConfig ims;
  ims.context_id = 2;
  ims.apn = "ims";
  ims.pdn_type = PdnType::ipv6;
  ims.qci = 5;
  p.apns.push_back(ims);
  return p;
}

std::string problem_of(const Profile& p) {
  auto r = check(p);
  return r ? std::string() : r.error().message;
}

TEST(Subscription, when_profile_is_the_default_then_one_ipv4v6_apn_is_its_default) {
  const Profile p;
  ASSERT_TRUE(check(p));
  ASSERT_NE(p.default_apn(), nullptr);
  EXPECT_EQ(p.default_apn()->apn, "internet");
  EXPECT_EQ(p.default_apn()->pdn_type, PdnType::ipv4v6);
}

TEST(Subscription, when_several_apns_are_valid_then_check_accepts_them) {
  Profile p = two_apns();
  p.apns[0].static_ipv4 = Octets<4>{10, 46, 0, 7};
  p.apns[1].static_ipv6_prefix = parse_ipv6_prefix("2001:db8:1:2::/64").value();
  EXPECT_TRUE(check(p)) << problem_of(p);
  p.default_context_id = 2;
  EXPECT_EQ(p.default_apn()->apn, "ims");
}

TEST(Subscription, when_a_rule_is_broken_then_the_problem_names_the_field) {
  struct Case {
    const char* what;
    void (*change)(Profile&);
    const char* expected;
  };
  const Case cases[] = {
      {"no APN", [](Profile& p) { p.apns.clear(); }, "at least one"},
      {"51 APNs", [](Profile& p) {
         p.apns.clear();
         for (std::uint32_t i = 1; i <= 51; ++i) {
           ApnConfig a;
           a.context_id = i;
           a.apn = "apn" + std::to_string(i);
           p.apns.push_back(a);
         }
       }, "at most 50"},
      {"default missing", [](Profile& p) { p.default_context_id = 9; }, "no APN configuration has context id 9"},
      {"same context id", [](Profile& p) { p.apns[1].context_id = 1; }, "used twice"},
      {"same name, other case", [](Profile& p) { p.apns[1].apn = "INTERNET"; }, "configured twice"},
      {"context id 0", [](Profile& p) { p.apns[1].context_id = 0; }, "at least 1"},
      {"QCI 0", [](Profile& p) { p.apns[0].qci = 0; }, "qci: must be 1..254"},
      {"QCI 255", [](Profile& p) { p.apns[0].qci = 255; }, "qci: must be 1..254"},
      {"ARP 16", [](Profile& p) { p.apns[0].arp.priority_level = 16; }, "priority level must be 1..15"},
      {"ARP 0", [](Profile& p) { p.apns[0].arp.priority_level = 0; }, "priority level must be 1..15"},
      {"pre-emption 2", [](Profile& p) { p.apns[0].arp.capability = static_cast<PreEmption>(2); }, "pre-emption"},
      {"PDN type 4", [](Profile& p) { p.apns[0].pdn_type = static_cast<PdnType>(4); }, "pdn_type"},
      {"half an APN-AMBR", [](Profile& p) { p.apns[0].ambr_ul = 5; }, "both uplink and downlink"},
      {"static IPv4 on an IPv6 APN", [](Profile& p) { p.apns[1].static_ipv4 = Octets<4>{10, 0, 0, 1}; },
       "needs a PDN type that allows IPv4"},
      {"static IPv6 on an IPv4 APN", [](Profile& p) {
         p.apns[0].pdn_type = PdnType::ipv4;
         p.apns[0].static_ipv6_prefix = Octets<8>{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1};
       }, "needs a PDN type that allows IPv6"},
      {"multicast IPv4", [](Profile& p) { p.apns[0].static_ipv4 = Octets<4>{224, 0, 0, 1}; }, "not a unicast"},
      {"MSISDN letters", [](Profile& p) { p.msisdn = "4670x"; }, "msisdn"},
      {"UE-AMBR 0", [](Profile& p) { p.ue_ambr_dl = 0; }, "ue_ambr"},
      {"network access mode 1", [](Profile& p) { p.network_access_mode = static_cast<NetworkAccessMode>(1); },
       "network_access_mode"},
      {"subscriber status 2", [](Profile& p) { p.status = static_cast<SubscriberStatus>(2); }, "subscriber_status"},
      {"control character", [](Profile& p) { p.apns[1].apn = std::string("im\x01s"); }, "control character"},
  };
  for (const auto& c : cases) {
    Profile p = two_apns();
    c.change(p);
    EXPECT_NE(problem_of(p).find(c.expected), std::string::npos) << c.what << ": got '" << problem_of(p) << "'";
  }
}

TEST(Subscription, when_apn_names_are_checked_then_ts_23003_labels_pass_and_others_fail) {
  for (const char* ok : {"internet", "ims", "a.b-c.d1", "operator.mnc001.mcc001.gprs", "X"}) {
    EXPECT_FALSE(apn_problem(ok)) << ok;
  }
  for (const char* bad : {"", ".", "a..b", "-a", "a-", "a b", "a_b", "wild*", "a.", "\x7f"}) {
    EXPECT_TRUE(apn_problem(bad)) << "'" << bad << "'";
  }
  EXPECT_FALSE(apn_problem(std::string(63, 'a') + "." + std::string(35, 'b')));   // 99 octets encoded + 1
  EXPECT_TRUE(apn_problem(std::string(63, 'a') + "." + std::string(36, 'b')));    // 101 octets encoded
  EXPECT_TRUE(apn_problem(std::string(64, 'a')));                                  // a label over 63
}

TEST(Subscription, when_addresses_are_parsed_then_text_round_trips) {
  EXPECT_EQ(ipv4_text(parse_ipv4("192.0.2.10").value()), "192.0.2.10");
  EXPECT_FALSE(parse_ipv4("192.0.2"));
  EXPECT_EQ(ipv6_prefix_text(parse_ipv6_prefix("2001:db8:1:2::/64").value()), "2001:db8:1:2::/64");
  EXPECT_FALSE(parse_ipv6_prefix("2001:db8::/48")) << "only /64";
  EXPECT_FALSE(parse_ipv6_prefix("2001:db8::1/64")) << "bits beyond /64";
  EXPECT_FALSE(parse_ipv6_prefix("2001:db8::"));
}

TEST(Subscription, when_names_are_read_then_every_value_has_one) {
  for (auto t : {PdnType::ipv4, PdnType::ipv6, PdnType::ipv4v6, PdnType::ipv4_or_ipv6}) {
    EXPECT_EQ(pdn_type_from(to_string(t)), t);
  }
  EXPECT_FALSE(pdn_type_from("ipv5"));
  EXPECT_EQ(subscriber_status_from("operator_determined_barring"), SubscriberStatus::operator_determined_barring);
  EXPECT_EQ(network_access_mode_from("packet_and_circuit"), NetworkAccessMode::packet_and_circuit);
}

}  // namespace
}  // namespace simbind::subscription
