// The shared `diameter:` section: a TLS section is all three files or nothing, never a silent plain fallback.
#include "common/diameter/stack_config.h"

#include <gtest/gtest.h>

#include <sstream>

#include "common/config/config_reader.h"

namespace simbind::diameter {
namespace {

// The problems reported for a `diameter:` section, or "" when it is accepted.
std::string problems_of(const std::string& yaml) {
  auto reader = config::ConfigReader::load_string(yaml, "node.yaml");
  EXPECT_TRUE(reader);
  (void)read_stack_config(reader->root().section("diameter"), "node.simbind.lab");
  auto done = reader->finish();
  return done ? "" : done.error().message;
}

TEST(StackConfig, TlsWithAllThreeFilesIsOn) {
  auto reader = config::ConfigReader::load_string(
      "diameter:\n  tls: {cert: a.crt, key: a.key, ca: ca.crt}\n", "node.yaml");
  ASSERT_TRUE(reader);
  const StackConfig c = read_stack_config(reader->root().section("diameter"), "node.simbind.lab");
  ASSERT_TRUE(reader->finish());
  EXPECT_TRUE(c.tls.enabled());
  EXPECT_EQ(c.tls.ca_file, "ca.crt");
}

TEST(StackConfig, NoTlsSectionIsPlain) {
  EXPECT_EQ(problems_of("diameter:\n  port: 3868\n"), "");
}

TEST(StackConfig, PartialTlsSectionIsAnErrorNamingTheMissingKeyAndFile) {
  const std::string no_cert = problems_of("diameter:\n  tls: {key: a.key, ca: ca.crt}\n");
  EXPECT_NE(no_cert.find("node.yaml"), std::string::npos) << no_cert;
  EXPECT_NE(no_cert.find("diameter.tls.cert"), std::string::npos) << no_cert;
  EXPECT_NE(problems_of("diameter:\n  tls: {cert: a.crt, ca: ca.crt}\n").find("diameter.tls.key"), std::string::npos);
  EXPECT_NE(problems_of("diameter:\n  tls: {cert: a.crt, key: a.key}\n").find("diameter.tls.ca"), std::string::npos);
}

TEST(StackConfig, PrintedConfigurationShowsEveryKeyItRead) {
  auto reader = config::ConfigReader::load_string(
      "diameter:\n  tw_timer: 12\n  extensions_dir: /opt/fd\n  listen: 0.0.0.0\n", "node.yaml");
  ASSERT_TRUE(reader);
  const StackConfig c = read_stack_config(reader->root().section("diameter"), "node.simbind.lab");
  ASSERT_TRUE(reader->finish());
  std::ostringstream out;
  print_stack_config(out, c);
  EXPECT_NE(out.str().find("tw_timer: 12"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("extensions_dir: /opt/fd"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("listen: 0.0.0.0"), std::string::npos) << out.str();
}

TEST(StackConfig, ListenMustBeAnIpv4AddressAndLoopbackIsRenderedForTheStack) {
  EXPECT_NE(problems_of("diameter:\n  listen: not-an-ip\n").find("diameter.listen: must be an IPv4 address"),
            std::string::npos);
  EXPECT_EQ(problems_of("diameter:\n  listen: 127.0.0.1\n"), "");
  auto reader = config::ConfigReader::load_string("diameter:\n  listen: 0.0.0.0\n", "node.yaml");
  ASSERT_TRUE(reader);
  const StackConfig any = read_stack_config(reader->root().section("diameter"), "node.simbind.lab");
  EXPECT_EQ(render_freediameter_conf(any).find("ListenOn"), std::string::npos) << "0.0.0.0: every address";
}

}  // namespace
}  // namespace simbind::diameter
