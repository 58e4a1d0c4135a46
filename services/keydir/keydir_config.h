// simbind-keydir configuration: a validated struct read from YAML. TLS is mandatory (there is no plaintext
// mode): the directory decides roles from client certificates.
#pragma once

#include <ostream>
#include <string>

#include "common/metrics/metrics_config.h"
#include "common/rpc/tls_files.h"
#include "common/util/error.h"

namespace simbind::keydir {

struct KeydirConfig {
  std::string log_level = "info";
  std::string listen = "127.0.0.1:9443";
  rpc::TlsPaths tls;  // the server's certificate and key, and the CA(s) whose client certificates are accepted
  std::string store_path = "keydir.db";

  metrics::MetricsConfig metrics;  // metrics.listen: the /metrics and /healthz endpoint (optional)
  std::string source_file;
};

Result<KeydirConfig> load_keydir_config(const std::string& path);
// The same from YAML text; `name` stands for the file in messages.
Result<KeydirConfig> parse_keydir_config(const std::string& yaml, const std::string& name);
// Reads the three TLS files; a missing or unreadable file is a config_error naming the file and the key.
Result<rpc::TlsFiles> read_tls_files(const KeydirConfig& c);
void print_effective(std::ostream& out, const KeydirConfig& c);

}  // namespace simbind::keydir
