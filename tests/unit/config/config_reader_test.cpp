#include "common/config/config_reader.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "common/config/key_file.h"

namespace simbind::config {
namespace {

TEST(ConfigReader, when_values_are_valid_then_read_with_defaults_for_missing_keys) {
  auto r = ConfigReader::load_string("a:\n  port: 3868\n  name: hss\n  on: true\n  list: [x, y]\n", "t.yaml");
  ASSERT_TRUE(r);
  auto a = r->root().section("a");
  EXPECT_EQ(a.integer("port", 1, 1, 65535), 3868);
  EXPECT_EQ(a.string("name", ""), "hss");
  EXPECT_TRUE(a.boolean("on", false));
  EXPECT_EQ(a.strings("list"), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(a.integer("missing", 7, 0, 10), 7);
  EXPECT_EQ(r->root().section("nothing").string("x", "dflt"), "dflt");
  EXPECT_TRUE(r->finish());
}

TEST(ConfigReader, when_several_problems_then_all_are_reported_with_file_and_key) {
  auto r = ConfigReader::load_string("a:\n  port: 70000\n  prot: 1\n  mode: fast\n  b: [1]\n", "hss.yaml");
  ASSERT_TRUE(r);
  auto a = r->root().section("a");
  a.allow_only({"port", "mode", "b"});
  (void)a.integer("port", 3868, 1, 65535);
  (void)a.choice("mode", "slow", {"slow", "safe"});
  (void)a.section("b");
  (void)a.required_string("identity");
  auto done = r->finish();
  ASSERT_FALSE(done);
  const std::string& m = done.error().message;
  EXPECT_NE(m.find("hss.yaml: a.port: must be 1..65535, got 70000"), std::string::npos) << m;
  EXPECT_NE(m.find("hss.yaml: a.prot: unknown key"), std::string::npos) << m;
  EXPECT_NE(m.find("hss.yaml: a.mode: must be one of slow, safe, got 'fast'"), std::string::npos) << m;
  EXPECT_NE(m.find("hss.yaml: a.b: must be a mapping"), std::string::npos) << m;
  EXPECT_NE(m.find("hss.yaml: a.identity: is required"), std::string::npos) << m;
}

// Issue 14: a repeated key used to run with the first value, silently.
TEST(ConfigReader, when_a_key_is_given_twice_then_each_repetition_is_a_problem_with_its_path) {
  auto r = ConfigReader::load_string("admin:\n  listen: a:1\nd:\n  port: 1\n  port: 2\n  peers:\n    - {x: 1, x: 2}\n"
                                     "admin: {listen: b:2}\n",
                                     "hss.yaml");
  ASSERT_TRUE(r);
  auto done = r->finish();
  ASSERT_FALSE(done);
  const std::string& m = done.error().message;
  EXPECT_NE(m.find("hss.yaml: admin: given twice"), std::string::npos) << m;
  EXPECT_NE(m.find("hss.yaml: d.port: given twice"), std::string::npos) << m;
  EXPECT_NE(m.find("hss.yaml: d.peers[0].x: given twice"), std::string::npos) << m;
}

TEST(ConfigReader, when_a_listen_address_has_no_valid_port_then_the_key_is_named) {
  auto r = ConfigReader::load_string("a: {ok: '127.0.0.1:50051', v6: '[::1]:9100', big: '127.0.0.1:99999', "
                                     "none: '127.0.0.1', empty_host: ':80', zero: 'h:0'}\n",
                                     "t.yaml");
  ASSERT_TRUE(r);
  auto a = r->root().section("a");
  EXPECT_EQ(a.host_port("ok", ""), "127.0.0.1:50051");
  EXPECT_EQ(a.host_port("v6", ""), "[::1]:9100");
  for (const char* bad : {"big", "none", "empty_host", "zero"}) (void)a.host_port(bad, "");
  auto done = r->finish();
  ASSERT_FALSE(done);
  const std::string& m = done.error().message;
  EXPECT_NE(m.find("t.yaml: a.big: must be HOST:PORT with a port 1..65535, got '127.0.0.1:99999'"), std::string::npos) << m;
  for (const char* bad : {"a.none", "a.empty_host", "a.zero"}) EXPECT_NE(m.find(bad), std::string::npos) << bad << m;
  EXPECT_EQ(m.find("a.ok"), std::string::npos) << m;
  EXPECT_EQ(m.find("a.v6"), std::string::npos) << m;
}

TEST(KeyFile, when_the_path_is_a_directory_then_it_says_so) {
  char dir[] = "/tmp/simbind-keydir-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  chmod(dir, 0700);
  auto key = read_key_file(dir, 32);
  rmdir(dir);
  ASSERT_FALSE(key);
  EXPECT_NE(key.error().message.find("is a directory, not a key file"), std::string::npos) << key.error().message;
}

TEST(KeyFile, when_a_256_bit_key_is_read_then_its_octets_come_back_and_a_short_one_is_refused) {
  char path[] = "/tmp/simbind-key-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  chmod(path, 0600);
  std::ofstream(path) << "  000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";
  auto key = read_256_bit_key_file(path);
  ASSERT_TRUE(key) << key.error().message;
  for (std::size_t i = 0; i < key->size(); ++i) EXPECT_EQ((*key)[i], i) << i;
  std::ofstream(path) << "000102030405060708090a0b0c0d0e0f\n";  // 128 bits
  auto short_key = read_256_bit_key_file(path);
  std::remove(path);
  ASSERT_FALSE(short_key);
  EXPECT_NE(short_key.error().message.find("must hold a 256-bit key as 64 hex digits"), std::string::npos)
      << short_key.error().message;
}

TEST(ConfigReader, when_yaml_is_malformed_then_error_has_file_and_line) {
  auto r = ConfigReader::load_string("a:\n  b: [1, 2\n", "bad.yaml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::config_error);
  EXPECT_NE(r.error().message.find("bad.yaml: line"), std::string::npos) << r.error().message;
}

TEST(ConfigReader, when_file_is_missing_then_error_names_it) {
  auto r = ConfigReader::load_file("/nonexistent/simbind.yaml");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("/nonexistent/simbind.yaml"), std::string::npos);
}

TEST(ConfigReader, when_list_items_are_read_then_paths_carry_the_index) {
  auto r = ConfigReader::load_string("peers:\n  - identity: a\n  - port: x\n", "p.yaml");
  ASSERT_TRUE(r);
  auto peers = r->root().list("peers");
  ASSERT_EQ(peers.size(), 2u);
  EXPECT_EQ(peers[0].required_string("identity"), "a");
  (void)peers[1].required_string("identity");
  (void)peers[1].integer("port", 1, 1, 10);
  auto done = r->finish();
  ASSERT_FALSE(done);
  EXPECT_NE(done.error().message.find("p.yaml: peers[1].identity: is required"), std::string::npos);
  EXPECT_NE(done.error().message.find("p.yaml: peers[1].port: must be an integer, got 'x'"), std::string::npos);
}

}  // namespace
}  // namespace simbind::config
