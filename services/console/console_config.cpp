#include "services/console/console_config.h"

#include <fstream>
#include <sstream>

#include "common/config/config_reader.h"
#include "common/config/key_file.h"
#include "common/rpc/credentials.h"
#include "common/util/hex.h"
#include "common/util/secure.h"

namespace simbind::console {
namespace {

Endpoint read_endpoint(const config::ConfigReader::Section& root, const char* key, const Endpoint& fallback,
                       bool tls_required) {
  const auto s = root.section(key);
  s.allow_only({"address", "tls", "server_name"});
  Endpoint e;
  e.address = s.host_port("address", fallback.address);
  e.tls = tls_required ? rpc::read_required_tls(s) : rpc::read_optional_tls(s);
  e.server_name = s.string("server_name", "");
  return e;
}

Result<ConsoleConfig> read(config::ConfigReader& reader, const std::string& source) {
  auto root = reader.root();
  root.allow_only({"log_level", "http", "hss", "ue", "prov", "keydir", "lab", "counters", "metrics"});
  ConsoleConfig c;
  c.source_file = source;
  c.log_level = root.choice("log_level", "info", {"trace", "debug", "info", "warn", "error", "off"});

  const auto http = root.section("http");
  http.allow_only({"listen", "tls", "token_file"});
  c.http.listen = http.host_port("listen", c.http.listen);
  const auto tls = http.section("tls");
  tls.allow_only({"cert", "key"});
  c.http.tls_cert = tls.string("cert", "");
  c.http.tls_key = tls.string("key", "");
  if (c.http.tls_cert.empty() != c.http.tls_key.empty()) tls.problem("cert", "cert and key go together");
  c.http.token_file = http.string("token_file", "");
  // A demo page that anyone on the lab network could drive (create subscribers, detach UEs) needs both.
  if (!rpc::is_loopback_listen(c.http.listen)) {
    if (c.http.tls_cert.empty()) http.problem("tls", "is required when listen is not a loopback address (HTTPS)");
    if (c.http.token_file.empty()) {
      http.problem("token_file", "is required when listen is not a loopback address (the admin token)");
    }
  }

  c.hss = read_endpoint(root, "hss", c.hss, false);
  c.ue = read_endpoint(root, "ue", c.ue, false);
  c.prov = read_endpoint(root, "prov", c.prov, false);
  c.keydir = read_endpoint(root, "keydir", c.keydir, true);

  const auto lab = root.section("lab");
  lab.allow_only({"plmn", "transfer_key_file"});
  c.plmn = lab.string("plmn", c.plmn);
  if (c.plmn.size() < 5 || c.plmn.size() > 6 || c.plmn.find_first_not_of("0123456789") != std::string::npos) {
    lab.problem("plmn", "MCC and MNC as 5 or 6 digits, got '" + c.plmn + "'");
  }
  c.transfer_key_file = lab.string("transfer_key_file", "");

  const auto counters = root.section("counters");
  counters.allow_only({"hss", "mme", "prov", "keydir", "ue"});
  for (const char* d : {"hss", "mme", "prov", "keydir", "ue"}) {
    if (counters.has(d)) c.counters[d] = counters.host_port(d, "");
  }
  c.metrics = metrics::read_metrics_config(root);
  if (auto done = reader.finish(); !done) return std::unexpected(done.error());
  return c;
}

Result<std::string> read_text(const std::string& config_file, const std::string& key, const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  if (in) s << in.rdbuf();
  if (!in || s.str().empty()) {
    return fail(ErrorCode::config_error, config_file + ": " + key + ": cannot read " + path);
  }
  return s.str();
}

}  // namespace

Result<ConsoleConfig> load_console_config(const std::string& path) { return config::load_config_file(path, read); }

Result<ConsoleConfig> parse_console_config(const std::string& yaml, const std::string& name) {
  return config::load_config_text(yaml, name, read);
}

Result<ConsoleSecrets> read_console_secrets(const ConsoleConfig& c) {
  ConsoleSecrets s;
  const std::string& f = c.source_file;
  auto hss = rpc::read_optional_tls_files(f, "hss.tls", c.hss.tls);
  if (!hss) return std::unexpected(hss.error());
  auto ue = rpc::read_optional_tls_files(f, "ue.tls", c.ue.tls);
  if (!ue) return std::unexpected(ue.error());
  auto prov = rpc::read_optional_tls_files(f, "prov.tls", c.prov.tls);
  if (!prov) return std::unexpected(prov.error());
  auto keydir = rpc::read_tls_files(f, "keydir.tls", c.keydir.tls);
  if (!keydir) return std::unexpected(keydir.error());
  s.hss_tls = std::move(*hss);
  s.ue_tls = std::move(*ue);
  s.prov_tls = std::move(*prov);
  s.keydir_tls = std::move(*keydir);
  if (!c.http.tls_cert.empty()) {
    auto cert = read_text(f, "http.tls.cert", c.http.tls_cert);
    if (!cert) return std::unexpected(cert.error());
    auto key = read_text(f, "http.tls.key", c.http.tls_key);
    if (!key) return std::unexpected(key.error());
    s.http_cert_pem = std::move(*cert);
    secure_wipe(*key);
  }
  if (!c.http.token_file.empty()) {
    auto token = config::read_key_file(c.http.token_file, 32);
    if (!token) return fail(ErrorCode::config_error, f + ": http.token_file: " + token.error().message);
    s.token = to_hex(*token);
    secure_wipe(*token);
  }
  if (!c.transfer_key_file.empty()) {
    auto key = config::read_256_bit_key_file(c.transfer_key_file);
    if (!key) return fail(ErrorCode::config_error, f + ": lab.transfer_key_file: " + key.error().message);
    s.transfer_key = *key;
  }
  return s;
}

void print_effective(std::ostream& o, const ConsoleConfig& c) {
  const auto endpoint = [&o](const char* name, const Endpoint& e) {
    o << name << ":\n  address: " << e.address << "\n";
    if (!e.server_name.empty()) o << "  server_name: " << e.server_name << "\n";
    if (e.tls.enabled()) {
      o << "  tls: {cert: " << e.tls.cert << ", key: " << e.tls.key << ", ca: " << e.tls.ca << "}\n";
    } else {
      o << "  tls: off  # plaintext\n";
    }
  };
  o << "# effective configuration (from " << c.source_file << ")\n"
    << "log_level: " << c.log_level << "\n"
    << "http:\n  listen: " << c.http.listen << "\n"
    << "  tls: " << (c.http.tls_cert.empty() ? "off" : "{cert: " + c.http.tls_cert + ", key: " + c.http.tls_key + "}")
    << "\n  token_file: " << (c.http.token_file.empty() ? "none (loopback only)" : c.http.token_file) << "\n";
  endpoint("hss", c.hss);
  endpoint("ue", c.ue);
  endpoint("prov", c.prov);
  endpoint("keydir", c.keydir);
  o << "lab:\n  plmn: " << c.plmn << "\n  transfer_key_file: "
    << (c.transfer_key_file.empty() ? "none (no factory KMEs)" : c.transfer_key_file) << "\n";
  o << "counters:" << (c.counters.empty() ? " {}" : "") << "\n";
  for (const auto& [d, a] : c.counters) o << "  " << d << ": " << a << "\n";
  metrics::print_metrics_config(o, c.metrics);
}

}  // namespace simbind::console
