// simbind-console's configuration: loopback by default; beyond loopback, HTTPS and the admin token are required.
#include "services/console/console_config.h"

#include <gtest/gtest.h>

namespace simbind::console {
namespace {

const std::string kKeydir =
    "keydir: {address: \"127.0.0.1:9443\", tls: {cert: f.crt, key: f.key, ca: ca.crt}}\n";

TEST(ConsoleConfig, when_only_keydir_is_given_then_the_page_is_on_loopback_without_a_token) {
  const auto c = parse_console_config(kKeydir, "console.yaml");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->http.listen, "127.0.0.1:8088");
  EXPECT_TRUE(c->http.token_file.empty());
  EXPECT_EQ(c->hss.address, "127.0.0.1:9080");
  EXPECT_FALSE(c->hss.tls.enabled());
  EXPECT_EQ(c->plmn, "00101");
}

TEST(ConsoleConfig, when_the_page_listens_beyond_loopback_then_tls_and_a_token_are_required) {
  const auto c = parse_console_config(kKeydir + "http: {listen: \"0.0.0.0:8088\"}\n", "console.yaml");
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message.find("http.tls: is required when listen is not a loopback address"), std::string::npos)
      << c.error().message;
  EXPECT_NE(c.error().message.find("http.token_file: is required"), std::string::npos) << c.error().message;
  const auto ok = parse_console_config(
      kKeydir + "http: {listen: \"0.0.0.0:8088\", tls: {cert: c.crt, key: c.key}, token_file: t.token}\n", "x");
  EXPECT_TRUE(ok.has_value()) << ok.error().message;
}

TEST(ConsoleConfig, when_keydir_has_no_tls_then_the_configuration_is_refused) {
  const auto c = parse_console_config("keydir: {address: \"127.0.0.1:9443\"}\n", "console.yaml");
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message.find("keydir.tls"), std::string::npos) << c.error().message;
}

TEST(ConsoleConfig, when_values_are_wrong_then_each_problem_names_its_key) {
  const auto c = parse_console_config(kKeydir +
                                          "lab: {plmn: \"0010\"}\n"
                                          "counters: {hss: \"nohost\", smf: \"127.0.0.1:1\"}\n"
                                          "http: {tls: {cert: only.crt}}\n"
                                          "colour: blue\n",
                                      "console.yaml");
  ASSERT_FALSE(c.has_value());
  for (const char* key : {"lab.plmn", "counters.hss", "counters.smf", "http.tls.cert", "colour"}) {
    EXPECT_NE(c.error().message.find(key), std::string::npos) << key << " in " << c.error().message;
  }
}

TEST(ConsoleConfig, when_a_named_file_is_missing_then_reading_the_secrets_names_the_key) {
  auto c = parse_console_config(kKeydir, "console.yaml");
  ASSERT_TRUE(c.has_value());
  const auto s = read_console_secrets(*c);
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("keydir.tls"), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace simbind::console
