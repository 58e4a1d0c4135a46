// simbind-keydir configuration: a validated struct read from YAML. TLS is mandatory (there is no plaintext
// mode): the directory decides roles from client certificates.
#pragma once

#include <ostream>
#include <string>

#include "common/util/error.h"

namespace simbind::keydir {

struct KeydirConfig {
  std::string log_level = "info";
  std::string listen = "127.0.0.1:9443";
  std::string tls_cert;  // PEM: the server's certificate (chain)
  std::string tls_key;   // PEM: its private key
  std::string tls_ca;    // PEM: the CA(s) whose client certificates are accepted
  std::string store_path = "keydir.db";

  std::string source_file;
};

// The PEM texts named by tls.{cert,key,ca}.
struct TlsFiles {
  std::string cert;
  std::string key;
  std::string ca;
};

Result<KeydirConfig> load_keydir_config(const std::string& path);
// The same from YAML text; `name` stands for the file in messages.
Result<KeydirConfig> parse_keydir_config(const std::string& yaml, const std::string& name);
// Reads the three TLS files; a missing or unreadable file is a config_error naming the file and the key.
Result<TlsFiles> read_tls_files(const KeydirConfig& c);
void print_effective(std::ostream& out, const KeydirConfig& c);

}  // namespace simbind::keydir
