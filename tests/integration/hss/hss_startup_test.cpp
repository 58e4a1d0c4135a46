// simbind-hss start-up refusals: bad configuration and a wrong master key end the process with a message that
// names the problem, and touch nothing.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace simbind::test
