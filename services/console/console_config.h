// simbind-console configuration (docs/CONSOLE.md): where the page is served, how to reach the daemons through the
// APIs the CLI uses, and the lab's own settings for the demo actions. A validated struct read from YAML.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>

#include "common/crypto/secret_box.h"
#include "common/metrics/metrics_config.h"
#include "common/rpc/tls_files.h"
#include "common/util/error.h"

namespace simbind::console {

struct Endpoint {
  std::string address;     // HOST:PORT
  rpc::TlsPaths tls;       // empty: plaintext
  std::string server_name; // expected in the server's certificate; empty: HOST
};

struct ConsoleConfig {
  std::string log_level = "info";
  struct Http {
    std::string listen = "127.0.0.1:8088";
    std::string tls_cert, tls_key;  // HTTPS; required when listen is not a loopback address
    std::string token_file;         // the admin token; required when listen is not a loopback address
  } http;
  Endpoint hss{"127.0.0.1:9080", {}, ""};
  Endpoint ue{"127.0.0.1:9090", {}, ""};
  Endpoint prov{"127.0.0.1:9081", {}, ""};
  Endpoint keydir{"127.0.0.1:9443", {}, ""};  // mTLS as the device factory (OU manufacturer): always TLS
  std::string plmn = "00101";                 // the lab network's MCC+MNC: new IMSIs and factory KMEs use it
  std::string transfer_key_file;              // factory exports (prov's import_key_file); empty: no factory KMEs
  std::map<std::string, std::string> counters;  // daemon -> HOST:PORT of its /metrics
  metrics::MetricsConfig metrics;               // the console's own /metrics and /healthz
  std::string source_file;
};

Result<ConsoleConfig> load_console_config(const std::string& path);
Result<ConsoleConfig> parse_console_config(const std::string& yaml, const std::string& name);
void print_effective(std::ostream& out, const ConsoleConfig& c);

// What the configuration names and must be readable before anything starts: TLS files, the token, the transfer key.
struct ConsoleSecrets {
  std::optional<rpc::TlsFiles> hss_tls, ue_tls, prov_tls;
  rpc::TlsFiles keydir_tls;
  std::string http_cert_pem, http_key_pem;  // the files' paths are handed to httplib; these only prove them readable
  std::string token;                        // empty: no token (loopback)
  std::optional<crypto::MasterKey> transfer_key;
};
Result<ConsoleSecrets> read_console_secrets(const ConsoleConfig& c);

}  // namespace simbind::console
