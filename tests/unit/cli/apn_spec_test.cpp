// `simbind hss create/update --apn-config`: the form only (the rules are the HSS's, tested in subscription_test).
#include "services/cli/apn_spec.h"

#include <gtest/gtest.h>

namespace simbind::cli {
namespace {

namespace v1 = simbind::hss::v1;

TEST(ApnSpec, when_every_key_is_given_then_each_lands_in_its_field) {
  auto a = parse_apn_spec("ims,pdn=ipv6,qci=5,arp=2:enabled:disabled,ambr=50M:100M,ipv6=2001:db8:1:2::/64,id=7");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->apn(), "ims");
  EXPECT_EQ(a->pdn_type(), v1::PDN_TYPE_IPV6);
  EXPECT_EQ(a->qci(), 5);
  EXPECT_EQ(a->arp_priority(), 2u);
  EXPECT_EQ(a->pre_emption_capability(), v1::PRE_EMPTION_ENABLED);
  EXPECT_EQ(a->pre_emption_vulnerability(), v1::PRE_EMPTION_DISABLED);
  EXPECT_EQ(a->ambr_ul(), 50'000'000u);
  EXPECT_EQ(a->ambr_dl(), 100'000'000u);
  EXPECT_EQ(a->static_ipv6_prefix(), "2001:db8:1:2::/64");
  EXPECT_EQ(a->context_id(), 7u);
}

TEST(ApnSpec, when_only_the_name_is_given_then_the_rest_is_left_to_the_hss_defaults) {
  auto a = parse_apn_spec("internet");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->pdn_type(), v1::PDN_TYPE_UNSPECIFIED);
  EXPECT_EQ(a->qci(), 0);
  EXPECT_EQ(a->context_id(), 0u);
  auto b = parse_apn_spec("corp,ipv4=10.46.0.7,pdn=ipv4_or_ipv6,arp=3:1:0");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->static_ipv4(), "10.46.0.7");
  EXPECT_EQ(b->pre_emption_capability(), v1::PRE_EMPTION_DISABLED);
  EXPECT_EQ(b->pre_emption_vulnerability(), v1::PRE_EMPTION_ENABLED);
}

TEST(ApnSpec, when_the_form_is_wrong_then_the_message_names_the_key) {
  struct Case {
    const char* spec;
    const char* expected;
  };
  for (const Case& c : std::initializer_list<Case>{{"", "starts with the APN name"},
                                                   {"pdn=ipv4", "starts with the APN name"},
                                                   {"a,pdn=ipv5", "pdn: must be"},
                                                   {"a,qci=0", "qci: must be 1..254"},
                                                   {"a,qci=x", "qci"},
                                                   {"a,arp=16", "priority level must be 1..15"},
                                                   {"a,arp=2:yes:no", "capability"},
                                                   {"a,arp=2:enabled", "PL or PL:CAP:VUL"},
                                                   {"a,ambr=5", "UL:DL"},
                                                   {"a,ambr=0:5", "uplink"},
                                                   {"a,colour=red", "unknown key 'colour'"},
                                                   {"a,qci", "KEY=VALUE"},
                                                   {"a,id=0", "id"}}) {
    auto a = parse_apn_spec(c.spec);
    ASSERT_FALSE(a) << c.spec;
    EXPECT_NE(a.error().message.find(c.expected), std::string::npos) << c.spec << ": " << a.error().message;
  }
}

TEST(ApnSpec, when_bit_rates_have_suffixes_then_they_scale_decimally) {
  EXPECT_EQ(parse_bit_rate("64k").value(), 64'000u);
  EXPECT_EQ(parse_bit_rate("2G").value(), 2'000'000'000u);
  EXPECT_EQ(parse_bit_rate("4294967295").value(), 4'294'967'295u);
  EXPECT_FALSE(parse_bit_rate("5G")) << "over 32 bits";
  EXPECT_FALSE(parse_bit_rate("0"));
  EXPECT_FALSE(parse_bit_rate("M"));
}

}  // namespace
}  // namespace simbind::cli
