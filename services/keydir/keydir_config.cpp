#include "services/keydir/keydir_config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/config/config_reader.h"
#include "common/config/pem_file.h"

namespace simbind::keydir {
namespace {

Result<KeydirConfig> read(config::ConfigReader& reader, const std::string& source) {
  auto root = reader.root();
  root.allow_only({"log_level", "listen", "tls", "store"});

  KeydirConfig c;
  c.source_file = source;
  c.log_level = root.choice("log_level", "info", {"trace", "debug", "info", "warn", "error", "off"});
  c.listen = root.string("listen", "127.0.0.1:9443");
  if (c.listen.empty() || c.listen.rfind(':') == std::string::npos || c.listen.back() == ':') {
    root.problem("listen", "expected HOST:PORT, got '" + c.listen + "'");
  }

  const auto tls = root.section("tls");
  tls.allow_only({"cert", "key", "ca"});
  c.tls_cert = tls.required_string("cert");
  c.tls_key = tls.required_string("key");
  c.tls_ca = tls.required_string("ca");

  const auto store = root.section("store");
  store.allow_only({"path"});
  c.store_path = store.string("path", "keydir.db");
  if (c.store_path.empty()) store.problem("path", "must not be empty");

  if (auto done = reader.finish(); !done) return std::unexpected(done.error());
  return c;
}

Result<std::string> read_file(const KeydirConfig& c, const char* key, const std::string& path) {
  return config::read_pem_file(c.source_file, key, path);
}

}  // namespace

Result<KeydirConfig> load_keydir_config(const std::string& path) {
  auto reader = config::ConfigReader::load_file(path);
  if (!reader) return std::unexpected(reader.error());
  return read(*reader, path);
}

Result<KeydirConfig> parse_keydir_config(const std::string& yaml, const std::string& name) {
  auto reader = config::ConfigReader::load_string(yaml, name);
  if (!reader) return std::unexpected(reader.error());
  return read(*reader, name);
}

Result<TlsFiles> read_tls_files(const KeydirConfig& c) {
  TlsFiles files;
  auto cert = read_file(c, "tls.cert", c.tls_cert);
  if (!cert) return std::unexpected(cert.error());
  auto key = read_file(c, "tls.key", c.tls_key);
  if (!key) return std::unexpected(key.error());
  auto ca = read_file(c, "tls.ca", c.tls_ca);
  if (!ca) return std::unexpected(ca.error());
  files.cert = std::move(*cert);
  files.key = std::move(*key);
  files.ca = std::move(*ca);
  return files;
}

void print_effective(std::ostream& o, const KeydirConfig& c) {
  o << "# effective configuration (from " << c.source_file << ")\n"
    << "log_level: " << c.log_level << "\n"
    << "listen: " << c.listen << "\n"
    << "tls:\n  cert: " << c.tls_cert << "\n  key: " << c.tls_key << "\n  ca: " << c.tls_ca << "\n"
    << "store:\n  path: " << c.store_path << "\n";
}

}  // namespace simbind::keydir
