#include "common/rpc/tls_files.h"

#include "common/config/pem_file.h"

namespace simbind::rpc {

TlsPaths read_required_tls(const config::ConfigReader::Section& parent, const std::string& key) {
  const auto tls = parent.section(key);
  tls.allow_only({"cert", "key", "ca"});
  TlsPaths p;
  p.cert = tls.required_string("cert");
  p.key = tls.required_string("key");
  p.ca = tls.required_string("ca");
  return p;
}

TlsPaths read_optional_tls(const config::ConfigReader::Section& parent, const std::string& key) {
  if (!parent.has(key)) return {};
  const auto tls = parent.section(key);
  tls.allow_only({"cert", "key", "ca"});
  TlsPaths p;
  p.cert = tls.string("cert", "");
  p.key = tls.string("key", "");
  p.ca = tls.string("ca", "");
  // All three or the section is wrong: a server with only some of them would silently be plaintext or half-TLS.
  const struct {
    const char* name;
    const std::string& value;
  } fields[] = {{"cert", p.cert}, {"key", p.key}, {"ca", p.ca}};
  bool missing = false;
  for (const auto& f : fields) {
    if (f.value.empty()) {
      tls.problem(f.name, "is required: tls needs cert, key and ca together (or no tls section for plaintext)");
      missing = true;
    }
  }
  return missing ? TlsPaths{} : p;
}

Result<TlsFiles> read_tls_files(const std::string& config_file, const std::string& key_path, const TlsPaths& paths) {
  auto cert = config::read_pem_file(config_file, key_path + ".cert", paths.cert);
  if (!cert) return std::unexpected(cert.error());
  auto key = config::read_pem_file(config_file, key_path + ".key", paths.key);
  if (!key) return std::unexpected(key.error());
  auto ca = config::read_pem_file(config_file, key_path + ".ca", paths.ca);
  if (!ca) return std::unexpected(ca.error());
  return TlsFiles{std::move(*cert), std::move(*key), std::move(*ca)};
}

Result<std::optional<TlsFiles>> read_optional_tls_files(const std::string& config_file, const std::string& key_path,
                                                        const TlsPaths& paths) {
  if (!paths.enabled()) return std::optional<TlsFiles>();
  auto files = read_tls_files(config_file, key_path, paths);
  if (!files) return std::unexpected(files.error());
  return std::optional<TlsFiles>(std::move(*files));
}

void print_optional_tls(std::ostream& o, const std::string& indent, const TlsPaths& p, const std::string& role) {
  if (!p.enabled()) {
    o << indent << "tls: off  # plaintext\n";
    return;
  }
  o << indent << "tls: on  # mTLS: cert " << p.cert << ", key " << p.key << ", ca " << p.ca
    << "; clients need a certificate from ca with OU " << role << "\n";
}

}  // namespace simbind::rpc
