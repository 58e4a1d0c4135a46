#include "services/provisioning/prov_config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/config/config_reader.h"
#include "common/config/pem_file.h"
#include "common/config/key_file.h"

namespace simbind::prov {
namespace {

Result<ProvConfig> read(config::ConfigReader& reader, const std::string& source) {
  auto root = reader.root();
  root.allow_only({"log_level", "diameter", "keydir", "kek_file", "binding", "store", "import_key_file", "admin"});

  ProvConfig c;
  c.source_file = source;
  c.log_level = root.choice("log_level", "info", {"trace", "debug", "info", "warn", "error", "off"});
  c.diameter = diameter::read_stack_config(root.section("diameter"), "prov.simbind.lab");
  if (c.diameter.peers.empty()) root.problem("diameter.peers", "name the HSS (identity, address, port)");

  const auto keydir = root.section("keydir");
  keydir.allow_only({"address", "timeout_ms", "tls"});
  c.keydir.address = keydir.string("address", c.keydir.address);
  const auto colon = c.keydir.address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == c.keydir.address.size()) {
    keydir.problem("address", "expected HOST:PORT, got '" + c.keydir.address + "'");
  }
  c.keydir.timeout = std::chrono::milliseconds(keydir.integer("timeout_ms", 3000, 100, 60'000));
  const auto tls = keydir.section("tls");
  tls.allow_only({"cert", "key", "ca"});
  c.keydir.tls_cert = tls.required_string("cert");
  c.keydir.tls_key = tls.required_string("key");
  c.keydir.tls_ca = tls.required_string("ca");

  c.kek_file = root.required_string("kek_file");

  if (root.has("store")) {
    const auto store = root.section("store");
    store.allow_only({"path", "master_key_file"});
    c.store_path = store.required_string("path");
    c.master_key_file = store.required_string("master_key_file");
    c.import_key_file = root.required_string("import_key_file");
    const auto admin = root.section("admin");
    admin.allow_only({"listen", "hss_timeout_ms"});
    c.admin_listen = admin.string("listen", c.admin_listen);
    const auto admin_colon = c.admin_listen.rfind(':');
    if (admin_colon == std::string::npos || admin_colon == 0 || admin_colon + 1 == c.admin_listen.size()) {
      admin.problem("listen", "expected HOST:PORT, got '" + c.admin_listen + "'");
    }
    c.hss_timeout = std::chrono::milliseconds(admin.integer("hss_timeout_ms", 5000, 100, 60'000));
  } else {
    if (root.has("admin")) root.problem("admin", "the back office needs store {path, master_key_file}");
    if (root.has("import_key_file")) root.problem("import_key_file", "the back office needs store {path, master_key_file}");
  }

  const auto binding = root.section("binding");
  binding.allow_only({"vendor_id", "bp_application_id", "bp_kme_establishment_code", "bp_binding_activation_code"});
  diameter::read_binding_dictionary_config(binding, c.dictionary);

  if (auto done = reader.finish(); !done) return std::unexpected(done.error());
  return c;
}

Result<std::string> read_pem(const ProvConfig& c, const char* key, const std::string& path) {
  return config::read_pem_file(c.source_file, key, path);
}

}  // namespace

Result<ProvConfig> load_prov_config(const std::string& path) {
  auto reader = config::ConfigReader::load_file(path);
  if (!reader) return std::unexpected(reader.error());
  return read(*reader, path);
}

Result<ProvConfig> parse_prov_config(const std::string& yaml, const std::string& name) {
  auto reader = config::ConfigReader::load_string(yaml, name);
  if (!reader) return std::unexpected(reader.error());
  return read(*reader, name);
}

Result<TlsPem> read_keydir_tls(const ProvConfig& c) {
  TlsPem pem;
  auto cert = read_pem(c, "keydir.tls.cert", c.keydir.tls_cert);
  if (!cert) return std::unexpected(cert.error());
  auto key = read_pem(c, "keydir.tls.key", c.keydir.tls_key);
  if (!key) return std::unexpected(key.error());
  auto ca = read_pem(c, "keydir.tls.ca", c.keydir.tls_ca);
  if (!ca) return std::unexpected(ca.error());
  pem.cert = std::move(*cert);
  pem.key = std::move(*key);
  pem.ca = std::move(*ca);
  return pem;
}

Result<Bytes> read_kek(const ProvConfig& c) {
  // RFC 5649 takes a 128- or 256-bit KEK; read_key_file checks one length at a time.
  auto k256 = config::read_key_file(c.kek_file, 32);
  if (k256) return k256;
  auto k128 = config::read_key_file(c.kek_file, 16);
  if (k128) return k128;
  if (k128.error().message == k256.error().message) {  // unreadable, or open to group/others
    return fail(ErrorCode::config_error, c.source_file + ": kek_file: " + k256.error().message);
  }
  return fail(ErrorCode::config_error, c.source_file + ": kek_file: " + c.kek_file +
                                           ": must hold a 128- or 256-bit key as 32 or 64 hex digits");
}

Result<Bytes> read_back_office_key(const ProvConfig& c, const char* key, const std::string& path) {
  auto k = config::read_key_file(path, 32);
  if (!k) return fail(ErrorCode::config_error, c.source_file + ": " + key + ": " + k.error().message);
  return k;
}

void print_effective(std::ostream& o, const ProvConfig& c) {
  o << "# effective configuration (from " << c.source_file << ")\n"
    << "log_level: " << c.log_level << "\n";
  diameter::print_stack_config(o, c.diameter);
  o << "keydir:\n  address: " << c.keydir.address << "\n  timeout_ms: " << c.keydir.timeout.count()
    << "\n  tls:\n    cert: " << c.keydir.tls_cert << "\n    key: " << c.keydir.tls_key
    << "\n    ca: " << c.keydir.tls_ca << "\n"
    << "kek_file: " << c.kek_file << "\n";
  if (c.back_office()) {
    o << "store:\n  path: " << c.store_path << "\n  master_key_file: " << c.master_key_file << "\n"
      << "import_key_file: " << c.import_key_file << "\n"
      << "admin:\n  listen: " << c.admin_listen << "\n  hss_timeout_ms: " << c.hss_timeout.count() << "\n";
  }
  o
    << "binding:\n  vendor_id: " << c.dictionary.vendor_id << "\n  bp_application_id: "
    << c.dictionary.bp_application_id << "\n  bp_kme_establishment_code: " << c.dictionary.bp_kme_establishment_code
    << "\n  bp_binding_activation_code: " << c.dictionary.bp_binding_activation_code << "\n";
}

}  // namespace simbind::prov
