// simbind-hss start-up refusals: bad configuration and a wrong master key end the process with a message that
// names the problem, and touch nothing.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "tests/integration/support/hss_harness.h"

namespace simbind::test {
namespace {

TEST(HssStartup, when_master_key_differs_from_the_one_the_store_was_made_with_then_refuses_to_start) {
  HssHarness hss;
  ASSERT_TRUE(hss.start()) << hss.process().log();
  ASSERT_EQ(hss.process().stop(), 0);

  hss.dir().write("master.key", random_hex(32));  // another key for the same database
  DaemonProcess again("simbind-hss", daemon_path("services/hss/simbind-hss"), {"--config", hss.config_path()},
                      hss.dir().file("again.log"));
  ASSERT_TRUE(again.start());
  EXPECT_EQ(again.wait_exit(std::chrono::seconds(20)), 1);
  EXPECT_NE(again.log().find("created with another master key"), std::string::npos) << again.log();
}

TEST(HssStartup, when_config_has_an_unknown_key_and_a_bad_value_then_both_are_named_with_the_file) {
  HssHarnessConfig config;
  config.extra_yaml = "auth:\n  max_vectors: 99\n  vectors: 2\n";
  HssHarness hss(config);
  ASSERT_TRUE(hss.process().start());
  EXPECT_EQ(hss.process().wait_exit(std::chrono::seconds(20)), 2);
  const std::string log = hss.process().log();
  EXPECT_NE(log.find(hss.config_path() + ": auth.max_vectors: must be 1..32, got 99"), std::string::npos) << log;
  EXPECT_NE(log.find(hss.config_path() + ": auth.vectors: unknown key"), std::string::npos) << log;
}

TEST(HssStartup, when_master_key_file_is_world_readable_then_refuses) {
  HssHarness hss;
  const std::string key = hss.dir().write("master.key", random_hex(32));
  ::chmod(key.c_str(), 0644);
  ASSERT_TRUE(hss.process().start());
  EXPECT_EQ(hss.process().wait_exit(std::chrono::seconds(20)), 2);
  const std::string log = hss.process().log();
  EXPECT_NE(log.find(hss.config_path() + ": store.master_key_file: "), std::string::npos) << log;
  EXPECT_NE(log.find("accessible by group or others"), std::string::npos) << log;
}

// The local addresses of the IPv4 TCP sockets listening on `port` (from /proc/net/tcp: hex address, state 0A).
std::set<std::string> listening_addresses(int port) {
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);  // header
  std::set<std::string> out;
  char port_hex[8];
  std::snprintf(port_hex, sizeof port_hex, "%04X", port);
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string slot, local, remote, state;
    f >> slot >> local >> remote >> state;
    if (state == "0A" && local.substr(local.find(':') + 1) == port_hex) out.insert(local.substr(0, local.find(':')));
  }
  return out;
}

TEST(HssStartup, when_diameter_listens_on_loopback_then_it_binds_loopback_only) {
  // freeDiameter 1.2.1 drops a loopback ListenOn and binds every address; the stack adds it past that filter.
  HssHarness hss;  // diameter.listen: 127.0.0.1 (the default)
  ASSERT_TRUE(hss.start()) << hss.process().log();
  EXPECT_EQ(listening_addresses(hss.diameter_port()), std::set<std::string>{"0100007F"})
      << "127.0.0.1 only, not 0.0.0.0 (00000000)";
}

TEST(HssStartup, when_diameter_listen_is_not_an_ipv4_address_then_the_key_is_named) {
  HssHarnessConfig config;
  config.diameter_yaml = "  listen: not-an-ip\n";
  HssHarness hss(config);
  ASSERT_TRUE(hss.process().start());
  EXPECT_EQ(hss.process().wait_exit(std::chrono::seconds(20)), 2);
  const std::string log = hss.process().log();
  EXPECT_NE(log.find(hss.config_path() + ": diameter.listen: must be an IPv4 address"), std::string::npos) << log;
}

}  // namespace
}  // namespace simbind::test
