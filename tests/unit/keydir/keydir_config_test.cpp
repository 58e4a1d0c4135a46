// simbind-keydir's configuration: defaults, TLS required, and errors that name the file and the key.
#include "services/keydir/keydir_config.h"

#include <gtest/gtest.h>

namespace simbind::keydir {
namespace {

std::string error_of(const std::string& yaml) {
  auto r = parse_keydir_config(yaml, "keydir.yaml");
  return r ? std::string("(no error)") : r.error().message;
}

TEST(KeydirConfig, when_only_tls_is_given_then_the_defaults_apply) {
  const auto c = parse_keydir_config("tls: {cert: s.crt, key: s.key, ca: ca.crt}\n", "keydir.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->listen, "127.0.0.1:9443");
  EXPECT_EQ(c->log_level, "info");
  EXPECT_EQ(c->store_path, "keydir.db");
  EXPECT_EQ(c->tls.cert, "s.crt");
  EXPECT_EQ(c->tls.key, "s.key");
  EXPECT_EQ(c->tls.ca, "ca.crt");
}

TEST(KeydirConfig, when_tls_is_missing_then_each_file_is_required) {
  const std::string e = error_of("listen: 0.0.0.0:9443\n");
  EXPECT_NE(e.find("keydir.yaml: tls.cert: is required"), std::string::npos) << e;
  EXPECT_NE(e.find("keydir.yaml: tls.key: is required"), std::string::npos) << e;
  EXPECT_NE(e.find("keydir.yaml: tls.ca: is required"), std::string::npos) << e;
}

TEST(KeydirConfig, when_keys_are_wrong_then_every_problem_names_file_and_key) {
  const std::string e = error_of(
      "log_level: loud\nlisten: nowhere\nplaintext: true\ntls: {cert: a, key: b, ca: c, crl: d}\n"
      "store: {path: k.db, wal: false}\n");
  EXPECT_NE(e.find("keydir.yaml: log_level: must be one of"), std::string::npos) << e;
  EXPECT_NE(e.find("keydir.yaml: listen: must be HOST:PORT with a port 1..65535, got 'nowhere'"), std::string::npos) << e;
  EXPECT_NE(e.find("keydir.yaml: plaintext: unknown key"), std::string::npos) << e;
  EXPECT_NE(e.find("keydir.yaml: tls.crl: unknown key"), std::string::npos) << e;
  EXPECT_NE(e.find("keydir.yaml: store.wal: unknown key"), std::string::npos) << e;
}

TEST(KeydirConfig, when_a_tls_file_cannot_be_read_then_the_error_names_key_and_file) {
  const auto c = parse_keydir_config("tls: {cert: /nonexistent/s.crt, key: s.key, ca: ca.crt}\n", "keydir.yaml");
  ASSERT_TRUE(c);
  const auto files = read_tls_files(*c);
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().message.rfind("keydir.yaml: tls.cert: cannot read /nonexistent/s.crt", 0), 0u)
      << files.error().message;
}

}  // namespace
}  // namespace simbind::keydir
