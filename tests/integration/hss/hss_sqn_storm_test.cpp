// simbind-hss killed with SIGKILL in the middle of an AIR storm, then started again on the same database: no SQN
// is ever handed out twice. Eight threads of this process (acting as the MME) send AIRs for 40 subscribers while
// the HSS answers from SQN blocks it reserves ahead in the background (a block of 8, so reservations are always
// in flight when it dies); every SQN is recovered from the AUTN with the subscriber's own keys.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/crypto/auth_vector.h"
#include "common/crypto/sqn.h"
#include "common/util/hex.h"
#include "tests/integration/support/hss_harness.h"
#include "tests/integration/support/s6a_client.h"

namespace simbind::test {
namespace {

using namespace std::chrono_literals;

constexpr int kSubscribers = 40;
constexpr int kThreads = 8;

struct Seen {
  std::mutex mutex;
  std::map<std::string, std::multiset<std::uint64_t>> sqns;  // per IMSI, every SQN received
  std::atomic<int> answers{0};
  std::atomic<int> failures{0};
};

diameter::AuthInfoRequest air_for(const std::string& imsi) {
  diameter::AuthInfoRequest r;
  r.user_name = imsi;
  r.visited_plmn = Plmn::create("001", "01")->encode();
  r.requested_vectors = 2;
  return r;
}

// Sends AIRs round-robin over the subscribers until `stop`; records the SQN of every vector that comes back.
void storm(S6aClient& mme, const std::vector<HssHarness::Created>& subs, int offset, const std::atomic<bool>& stop,
           Seen& seen) {
  for (int i = offset; !stop; i += kThreads) {
    const auto& sub = subs[static_cast<std::size_t>(i % kSubscribers)];
    const auto aia = mme.air(air_for(sub.imsi));
    if (!aia || !aia->result.success()) {
      ++seen.failures;  // the HSS is down, or the answer was lost with it
      continue;
    }
    const crypto::Milenage m(octets_from_hex<16>(sub.k).value(), octets_from_hex<16>(sub.opc).value());
    std::lock_guard lock(seen.mutex);
    for (const auto& v : aia->vectors) {
      const auto check = crypto::verify_autn(m, v.rand, v.autn);
      EXPECT_TRUE(check.mac_ok);
      seen.sqns[sub.imsi].insert(crypto::sqn_value(check.sqn));
    }
    ++seen.answers;
  }
}

TEST(HssSqnStorm, when_the_hss_is_killed_mid_storm_and_restarted_then_no_sqn_is_ever_issued_twice) {
  HssHarnessConfig config;
  config.extra_yaml = "auth:\n  sqn:\n    reservation_block: 8\n";
  HssHarness hss(config);
  ASSERT_TRUE(hss.start()) << hss.process().log();
  auto mme = S6aClient::start(S6aClientConfig{"mme.test.simbind.lab", "simbind.lab", "hss.test.simbind.lab",
                                              hss.diameter_port()});
  ASSERT_NE(mme, nullptr);
  ASSERT_TRUE(mme->wait_open(20s)) << hss.process().log();
  std::vector<HssHarness::Created> subs;
  for (int i = 0; i < kSubscribers; ++i) subs.push_back(hss.create_subscriber("00101" + std::to_string(4200000000 + i)));

  Seen seen;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back([&, t] { storm(*mme, subs, t, stop, seen); });

  // Kill it once it has answered a good part of the storm (reservations ahead in flight all along).
  for (int i = 0; i < 600 && seen.answers < 2000; ++i) std::this_thread::sleep_for(10ms);
  const int before_kill = seen.answers;
  hss.process().kill9();
  ASSERT_TRUE(hss.start()) << hss.process().log();
  ASSERT_TRUE(mme->wait_open(30s));
  const int at_restart = seen.answers;
  for (int i = 0; i < 600 && seen.answers < at_restart + 2000; ++i) std::this_thread::sleep_for(10ms);
  stop = true;
  for (auto& th : threads) th.join();
  const int after_restart = seen.answers - at_restart;

  EXPECT_GE(before_kill, 500) << "the storm before the kill was too small to mean anything";
  EXPECT_GE(after_restart, 500) << "the restarted HSS served too little of the storm: " << hss.process().log();
  std::size_t vectors = 0;
  for (const auto& [imsi, sqns] : seen.sqns) {
    vectors += sqns.size();
    for (auto it = sqns.begin(); it != sqns.end(); it = sqns.upper_bound(*it)) {
      ASSERT_EQ(sqns.count(*it), 1u) << "IMSI " << imsi << ": SQN " << *it << " issued twice";
    }
  }
  // And the next vector of every subscriber, the storm over, is above all that came before.
  for (const auto& sub : subs) {
    const auto aia = mme->air(air_for(sub.imsi));
    ASSERT_TRUE(aia && aia->result.success());
    const crypto::Milenage m(octets_from_hex<16>(sub.k).value(), octets_from_hex<16>(sub.opc).value());
    const auto sqn = crypto::sqn_value(crypto::verify_autn(m, aia->vectors[0].rand, aia->vectors[0].autn).sqn);
    ASSERT_FALSE(seen.sqns[sub.imsi].empty());
    EXPECT_GT(sqn, *seen.sqns[sub.imsi].rbegin()) << sub.imsi;
  }
  std::printf("storm: %d answers before the kill, %d after the restart, %zu vectors checked, %d AIRs failed\n",
              before_kill, after_restart, vectors, seen.failures.load());
  EXPECT_EQ(hss.process().stop(), 0);
}

}  // namespace
}  // namespace simbind::test
