#include "services/provisioning/prov_config.h"

#include "common/config/config_reader.h"
#include "common/config/key_file.h"

namespace simbind::prov {
namespace {

Result<ProvConfig> read(config::ConfigReader& reader, const std::string& source) {
  auto root = reader.root();
  root.allow_only(
      {"log_level", "diameter", "keydir", "kek_file", "binding", "store", "import_key_file", "admin", "metrics"});

  ProvConfig c;
  c.source_file = source;
  c.log_level = root.choice("log_level", "info", {"trace", "debug", "info", "warn", "error", "off"});
  c.diameter = diameter::read_stack_config(root.section("diameter"), "prov.simbind.lab");
  if (c.diameter.peers.empty()) root.problem("diameter.peers", "name the HSS (identity, address, port)");

  const auto keydir = root.section("keydir");
  keydir.allow_only({"address", "timeout_ms", "tls"});
  c.keydir.address = keydir.host_port("address", c.keydir.address);
  c.keydir.timeout = std::chrono::milliseconds(keydir.integer("timeout_ms", 3000, 100, 60'000));
  c.keydir.tls = rpc::read_required_tls(keydir);

  c.kek_file = root.required_string("kek_file");

  if (root.has("store")) {
    const auto store = root.section("store");
    store.allow_only({"path", "master_key_file"});
    c.store_path = store.required_string("path");
    c.master_key_file = store.required_string("master_key_file");
    c.import_key_file = root.required_string("import_key_file");
    const auto admin = root.section("admin");
    admin.allow_only({"listen", "hss_timeout_ms", "tls"});
    c.admin_listen = admin.host_port("listen", c.admin_listen);
    c.hss_timeout = std::chrono::milliseconds(admin.integer("hss_timeout_ms", 5000, 100, 60'000));
    c.admin_tls = rpc::read_optional_tls(admin);
  } else {
    if (root.has("admin")) root.problem("admin", "the back office needs store {path, master_key_file}");
    if (root.has("import_key_file")) root.problem("import_key_file", "the back office needs store {path, master_key_file}");
  }

  const auto binding = root.section("binding");
  binding.allow_only({"vendor_id", "bp_application_id", "bp_kme_establishment_code", "bp_binding_activation_code"});
  diameter::read_binding_dictionary_config(binding, c.dictionary);

  c.metrics = metrics::read_metrics_config(root);

  if (auto done = reader.finish(); !done) return std::unexpected(done.error());
  return c;
}

}  // namespace

Result<ProvConfig> load_prov_config(const std::string& path) { return config::load_config_file(path, read); }

Result<ProvConfig> parse_prov_config(const std::string& yaml, const std::string& name) {
  return config::load_config_text(yaml, name, read);
}

Result<rpc::TlsFiles> read_keydir_tls(const ProvConfig& c) {
  return rpc::read_tls_files(c.source_file, "keydir.tls", c.keydir.tls);
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

Result<Octets<32>> read_back_office_key(const ProvConfig& c, const char* key, const std::string& path) {
  auto k = config::read_256_bit_key_file(path);
  if (!k) return fail(ErrorCode::config_error, c.source_file + ": " + key + ": " + k.error().message);
  return k;
}

void print_effective(std::ostream& o, const ProvConfig& c) {
  o << "# effective configuration (from " << c.source_file << ")\n"
    << "log_level: " << c.log_level << "\n";
  diameter::print_stack_config(o, c.diameter);
  o << "keydir:\n  address: " << c.keydir.address << "\n  timeout_ms: " << c.keydir.timeout.count()
    << "\n  tls:\n    cert: " << c.keydir.tls.cert << "\n    key: " << c.keydir.tls.key
    << "\n    ca: " << c.keydir.tls.ca << "\n"
    << "kek_file: " << c.kek_file << "\n";
  if (c.back_office()) {
    o << "store:\n  path: " << c.store_path << "\n  master_key_file: " << c.master_key_file << "\n"
      << "import_key_file: " << c.import_key_file << "\n"
      << "admin:\n  listen: " << c.admin_listen << "\n  hss_timeout_ms: " << c.hss_timeout.count() << "\n";
    rpc::print_optional_tls(o, "  ", c.admin_tls, kAdminRole);
  }
  o
    << "binding:\n  vendor_id: " << c.dictionary.vendor_id << "\n  bp_application_id: "
    << c.dictionary.bp_application_id << "\n  bp_kme_establishment_code: " << c.dictionary.bp_kme_establishment_code
    << "\n  bp_binding_activation_code: " << c.dictionary.bp_binding_activation_code << "\n";
  metrics::print_metrics_config(o, c.metrics);
}

}  // namespace simbind::prov
