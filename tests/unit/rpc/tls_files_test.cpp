// The `tls: {cert, key, ca}` section of an API: optional (all three or none) or required, the files read with
// errors that name the configuration file and the key, and what --print-config shows.
#include "common/rpc/tls_files.h"

#include <gtest/gtest.h>

#include <sstream>

#include "common/rpc/credentials.h"

namespace simbind::rpc {
namespace {

struct Parsed {
  TlsPaths paths;
  std::string errors;  // empty when the reader found no problem
};

Parsed optional_tls(const std::string& yaml) {
  auto reader = config::ConfigReader::load_string(yaml, "hss.yaml");
  EXPECT_TRUE(reader.has_value());
  Parsed p;
  p.paths = read_optional_tls(reader->root().section("admin"));
  if (auto done = reader->finish(); !done) p.errors = done.error().message;
  return p;
}

TEST(TlsSection, when_admin_has_no_tls_then_it_is_off_without_a_problem) {
  const auto p = optional_tls("admin: {listen: 127.0.0.1:9080}\n");
  EXPECT_EQ(p.errors, "");
  EXPECT_FALSE(p.paths.enabled());
}

TEST(TlsSection, when_all_three_files_are_named_then_tls_is_on_with_them) {
  const auto p = optional_tls("admin: {tls: {cert: s.crt, key: s.key, ca: ca.crt}}\n");
  EXPECT_EQ(p.errors, "");
  EXPECT_TRUE(p.paths.enabled());
  EXPECT_EQ(p.paths.cert, "s.crt");
  EXPECT_EQ(p.paths.key, "s.key");
  EXPECT_EQ(p.paths.ca, "ca.crt");
}

TEST(TlsSection, when_a_file_is_missing_then_the_error_names_file_and_each_missing_key) {
  const auto p = optional_tls("admin: {tls: {cert: s.crt}}\n");
  EXPECT_NE(p.errors.find("hss.yaml: admin.tls.key: is required"), std::string::npos) << p.errors;
  EXPECT_NE(p.errors.find("hss.yaml: admin.tls.ca: is required"), std::string::npos) << p.errors;
  EXPECT_EQ(p.errors.find("admin.tls.cert"), std::string::npos) << p.errors;
  EXPECT_FALSE(p.paths.enabled()) << "a half-configured section never turns TLS on";

  const auto no_cert = optional_tls("admin: {tls: {key: s.key, ca: ca.crt}}\n");
  EXPECT_NE(no_cert.errors.find("hss.yaml: admin.tls.cert: is required"), std::string::npos) << no_cert.errors;
}

TEST(TlsSection, when_the_section_has_an_unknown_key_then_it_is_named) {
  const auto p = optional_tls("admin: {tls: {cert: a, key: b, ca: c, crl: d}}\n");
  EXPECT_NE(p.errors.find("hss.yaml: admin.tls.crl: unknown key"), std::string::npos) << p.errors;
}

TEST(TlsSection, when_tls_is_required_and_absent_then_each_key_is_required) {
  auto reader = config::ConfigReader::load_string("listen: x:1\n", "keydir.yaml");
  ASSERT_TRUE(reader.has_value());
  read_required_tls(reader->root());
  const auto done = reader->finish();
  ASSERT_FALSE(done);
  EXPECT_NE(done.error().message.find("keydir.yaml: tls.cert: is required"), std::string::npos);
  EXPECT_NE(done.error().message.find("keydir.yaml: tls.ca: is required"), std::string::npos);
}

TEST(TlsFilesRead, when_a_file_cannot_be_read_then_the_error_names_file_key_and_path) {
  const auto files = read_tls_files("ue.yaml", "control.tls", TlsPaths{"/nonexistent/c.crt", "k", "ca"});
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().code, ErrorCode::config_error);
  EXPECT_EQ(files.error().message.rfind("ue.yaml: control.tls.cert: cannot read /nonexistent/c.crt", 0), 0u)
      << files.error().message;
}

TEST(TlsPrint, when_printed_then_on_or_off_with_paths_and_role_but_no_content) {
  std::ostringstream off, on;
  print_optional_tls(off, "  ", TlsPaths{}, "admin");
  EXPECT_EQ(off.str(), "  tls: off  # plaintext\n");
  print_optional_tls(on, "  ", TlsPaths{"s.crt", "s.key", "ca.crt"}, "admin");
  EXPECT_EQ(on.str().rfind("  tls: on  # mTLS: cert s.crt, key s.key, ca ca.crt;", 0), 0u) << on.str();
  EXPECT_NE(on.str().find("OU admin"), std::string::npos) << on.str();
}

TEST(Loopback, when_host_is_loopback_then_true_else_false) {
  EXPECT_TRUE(is_loopback_listen("127.0.0.1:9080"));
  EXPECT_TRUE(is_loopback_listen("127.1.2.3:1"));
  EXPECT_TRUE(is_loopback_listen("localhost:9080"));
  EXPECT_TRUE(is_loopback_listen("[::1]:9080"));
  EXPECT_FALSE(is_loopback_listen("0.0.0.0:9080"));
  EXPECT_FALSE(is_loopback_listen("[::]:9080"));
  EXPECT_FALSE(is_loopback_listen("10.0.0.5:9080"));
  EXPECT_FALSE(is_loopback_listen("hss.simbind.lab:9080"));
}

}  // namespace
}  // namespace simbind::rpc
