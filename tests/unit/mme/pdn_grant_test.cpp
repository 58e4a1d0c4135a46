// The PDN type decision table (TS 24.301 6.5.1.3/6.5.1.4) and the IPv6 pool.
#include "services/mme/pdn_grant.h"

#include <gtest/gtest.h>

#include "common/nas/esm_messages.h"
#include "common/subscription/apn_config.h"
#include "services/mme/ip_pool.h"

namespace simbind::mme {
namespace {

using subscription::PdnType;
using subscription::ipv6_prefix_text;
namespace t = nas::pdn_type;
namespace c = nas::esm_cause;

TEST(PdnGrant, when_each_request_meets_each_subscription_then_the_table_holds) {
  struct Row {
    std::uint8_t asked;
    PdnType subscribed;
    std::uint8_t granted;
    std::uint8_t cause;
  };
  const Row table[] = {
      {t::ipv4, PdnType::ipv4, t::ipv4, 0},
      {t::ipv4, PdnType::ipv6, 0, c::pdn_type_ipv6_only_allowed},
      {t::ipv4, PdnType::ipv4v6, t::ipv4, 0},
      {t::ipv4, PdnType::ipv4_or_ipv6, t::ipv4, 0},
      {t::ipv6, PdnType::ipv4, 0, c::pdn_type_ipv4_only_allowed},
      {t::ipv6, PdnType::ipv6, t::ipv6, 0},
      {t::ipv6, PdnType::ipv4v6, t::ipv6, 0},
      {t::ipv6, PdnType::ipv4_or_ipv6, t::ipv6, 0},
      {t::ipv4v6, PdnType::ipv4, t::ipv4, c::pdn_type_ipv4_only_allowed},
      {t::ipv4v6, PdnType::ipv6, t::ipv6, c::pdn_type_ipv6_only_allowed},
      {t::ipv4v6, PdnType::ipv4v6, t::ipv4v6, 0},
      {t::ipv4v6, PdnType::ipv4_or_ipv6, t::ipv4, c::single_address_bearers_only_allowed},
      {t::non_ip, PdnType::ipv4v6, 0, c::unknown_pdn_type},
      {4, PdnType::ipv6, t::ipv6, 0},  // unused values count as IPv6 (TS 24.301 9.9.4.10)
      {7, PdnType::ipv4, 0, c::pdn_type_ipv4_only_allowed},
  };
  for (const Row& r : table) {
    const PdnGrant g = grant_pdn_type(r.asked, r.subscribed);
    EXPECT_EQ(g.pdn_type, r.granted) << "asked " << int{r.asked} << ", subscribed " << subscription::to_string(r.subscribed);
    EXPECT_EQ(g.esm_cause, r.cause) << "asked " << int{r.asked} << ", subscribed " << subscription::to_string(r.subscribed);
    EXPECT_EQ(g.granted(), r.granted != 0);
  }
}

TEST(Ipv6Pool, when_prefixes_are_allocated_then_each_is_a_distinct_64_with_its_own_identifier) {
  auto range = Ipv6Pool::parse_cidr("2001:db8:45::/62");
  ASSERT_TRUE(range) << range.error().message;
  Ipv6Pool pool(*range);
  std::vector<Ipv6Pool::Lease> leases;
  for (int i = 0; i < 4; ++i) {
    auto l = pool.allocate();
    ASSERT_TRUE(l);
    leases.push_back(*l);
  }
  EXPECT_FALSE(pool.allocate()) << "a /62 holds four /64s";
  EXPECT_EQ(ipv6_prefix_text(leases[0].prefix), "2001:db8:45::/64");
  EXPECT_EQ(ipv6_prefix_text(leases[3].prefix), "2001:db8:45:3::/64");
  EXPECT_EQ(iid_text(leases[0].iid), "0:0:0:1");
  EXPECT_EQ(iid_text(leases[3].iid), "0:0:0:4");
  pool.release(leases[1]);
  auto again = pool.allocate();
  ASSERT_TRUE(again);
  EXPECT_EQ(ipv6_prefix_text(again->prefix), "2001:db8:45:1::/64");
  pool.release(Ipv6Pool::Lease{leases[0].prefix, kStaticPrefixIid, std::nullopt});  // a static one: not the pool's
  EXPECT_EQ(pool.in_use(), 4u);
}

TEST(Ipv6Pool, when_the_range_is_malformed_then_parse_says_why) {
  EXPECT_FALSE(Ipv6Pool::parse_cidr("2001:db8::"));
  EXPECT_FALSE(Ipv6Pool::parse_cidr("2001:db8::/31"));
  EXPECT_FALSE(Ipv6Pool::parse_cidr("2001:db8::/65"));
  EXPECT_FALSE(Ipv6Pool::parse_cidr("10.45.0.0/16"));
  auto host_bits = Ipv6Pool::parse_cidr("2001:db8:45:7::/48");
  ASSERT_TRUE(host_bits);
  EXPECT_EQ(ipv6_prefix_text(host_bits->base), "2001:db8:45::/64") << "bits below the prefix length are cleared";
}

TEST(Ipv4Pool, when_a_static_address_is_reserved_then_the_pool_skips_it_until_released) {
  Ipv4Pool pool(Ipv4Pool::parse_cidr("10.45.0.0/29").value());  // .2 .. .6
  EXPECT_TRUE(pool.reserve(0x0a2d0002));
  EXPECT_FALSE(pool.reserve(0x0a2d0002)) << "held by another connection";
  EXPECT_TRUE(pool.reserve(0xc0000201)) << "outside the range: the operator's business";
  EXPECT_EQ(pool.allocate(), 0x0a2d0003u);
  pool.release(0x0a2d0002);
  EXPECT_TRUE(pool.reserve(0x0a2d0002));
}

}  // namespace
}  // namespace simbind::mme
