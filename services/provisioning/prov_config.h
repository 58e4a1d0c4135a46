// simbind-prov configuration: a validated struct read from YAML, printable as the effective configuration.
#pragma once

#include <chrono>
#include <ostream>
#include <string>

#include "common/diameter/dictionary.h"
#include "common/diameter/stack_config.h"
#include "common/rpc/tls_files.h"
#include "common/util/bytes.h"
#include "common/util/error.h"
#include "common/metrics/metrics_config.h"

namespace simbind::prov {

// The key directory (simbind-keydir) as a gRPC client over mTLS: our certificate's OU must be "operator".
struct KeydirClientConfig {
  std::string address = "127.0.0.1:9443";  // HOST:PORT; HOST must match a name (or IP) in keydir's certificate
  std::chrono::milliseconds timeout{3000};  // per lookup; the HSS's Bp timeout should be longer
  rpc::TlsPaths tls;                        // our client certificate (OU operator) and key; the CA of keydir's
};

struct ProvConfig {
  std::string log_level = "info";
  diameter::StackConfig diameter;  // peers: the HSS
  diameter::BindingDictionaryConfig dictionary;
  KeydirClientConfig keydir;
  std::string kek_file;  // 32 or 64 hex digits: the key-encryption key shared with the HSS (RFC 5649)

  // The back office (DESIGN 3.4), optional: with `store`, prov keeps factory KMEs and serves the admin API.
  bool back_office() const { return !store_path.empty(); }
  std::string store_path;                      // SQLite
  std::string master_key_file;                 // 64 hex digits, mode 0600: seals the factory KMEs at rest
  std::string import_key_file;                 // 64 hex digits, mode 0600: the transfer key of factory exports
  std::string admin_listen = "127.0.0.1:9081";  // gRPC ProvAdmin
  rpc::TlsPaths admin_tls;  // admin.tls: mTLS, clients need OU kAdminRole; none = plaintext
  std::chrono::milliseconds hss_timeout{5000};  // Binding-Activation answer deadline

  metrics::MetricsConfig metrics;  // metrics.listen: the /metrics and /healthz endpoint (optional)
  std::string source_file;
};

Result<ProvConfig> load_prov_config(const std::string& path);
Result<ProvConfig> parse_prov_config(const std::string& yaml, const std::string& name);
void print_effective(std::ostream& out, const ProvConfig& c);

// The role (certificate OU) a client of the admin API needs when admin.tls is set.
inline constexpr const char* kAdminRole = "admin";

// The PEM texts named by keydir.tls.{cert,key,ca}; a file that is missing or not PEM is a
// config_error naming the file and the key.
Result<rpc::TlsFiles> read_keydir_tls(const ProvConfig& c);

// The key-encryption key from kek_file (16 or 32 octets, mode 0600); errors name the file and the key.
Result<Bytes> read_kek(const ProvConfig& c);

// The back office's 32-octet keys (master_key_file, import_key_file); errors name the file and the key.
Result<Octets<32>> read_back_office_key(const ProvConfig& c, const char* key, const std::string& path);

}  // namespace simbind::prov
