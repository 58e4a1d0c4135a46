#include "services/keydir/keydir_config.h"

#include "common/config/config_reader.h"

namespace simbind::keydir {
namespace {

Result<KeydirConfig> read(config::ConfigReader& reader, const std::string& source) {
  auto root = reader.root();
  root.allow_only({"log_level", "listen", "tls", "store", "metrics"});

  KeydirConfig c;
  c.source_file = source;
  c.log_level = root.choice("log_level", "info", {"trace", "debug", "info", "warn", "error", "off"});
  c.listen = root.host_port("listen", "127.0.0.1:9443");

  c.tls = rpc::read_required_tls(root);

  const auto store = root.section("store");
  store.allow_only({"path"});
  c.store_path = store.string("path", "keydir.db");
  if (c.store_path.empty()) store.problem("path", "must not be empty");

  c.metrics = metrics::read_metrics_config(root);

  if (auto done = reader.finish(); !done) return std::unexpected(done.error());
  return c;
}

}  // namespace

Result<KeydirConfig> load_keydir_config(const std::string& path) { return config::load_config_file(path, read); }

Result<KeydirConfig> parse_keydir_config(const std::string& yaml, const std::string& name) {
  return config::load_config_text(yaml, name, read);
}

Result<rpc::TlsFiles> read_tls_files(const KeydirConfig& c) { return rpc::read_tls_files(c.source_file, "tls", c.tls); }

void print_effective(std::ostream& o, const KeydirConfig& c) {
  o << "# effective configuration (from " << c.source_file << ")\n"
    << "log_level: " << c.log_level << "\n"
    << "listen: " << c.listen << "\n"
    << "tls:\n  cert: " << c.tls.cert << "\n  key: " << c.tls.key << "\n  ca: " << c.tls.ca << "\n"
    << "store:\n  path: " << c.store_path << "\n";
  metrics::print_metrics_config(o, c.metrics);
}

}  // namespace simbind::keydir
