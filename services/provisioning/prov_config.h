// simbind-prov configuration: a validated struct read from YAML, printable as the effective configuration.
#pragma once

#include <chrono>
#include <ostream>
#include <string>

#include "common/diameter/dictionary.h"
#include "common/diameter/stack_config.h"
#include "common/util/bytes.h"
#include "common/util/error.h"

namespace simbind::prov {

// The key directory (simbind-keydir) as a gRPC client over mTLS: our certificate's OU must be "operator".
struct KeydirClientConfig {
  std::string address = "127.0.0.1:9443";  // HOST:PORT; HOST must match a name (or IP) in keydir's certificate
  std::chrono::milliseconds timeout{3000};  // per lookup; the HSS's Bp timeout should be longer
  std::string tls_cert;                     // PEM: our client certificate (OU operator)
  std::string tls_key;                      // PEM: its private key
  std::string tls_ca;                       // PEM: the CA that issued keydir's certificate
};

struct ProvConfig {
  std::string log_level = "info";
  diameter::StackConfig diameter;  // peers: the HSS
  diameter::BindingDictionaryConfig dictionary;
  KeydirClientConfig keydir;
  std::string kek_file;  // 32 or 64 hex digits: the key-encryption key shared with the HSS (RFC 5649)

  std::string source_file;
};

Result<ProvConfig> load_prov_config(const std::string& path);
Result<ProvConfig> parse_prov_config(const std::string& yaml, const std::string& name);
void print_effective(std::ostream& out, const ProvConfig& c);

// The PEM texts named by keydir.tls.{cert,key,ca}; a file that is missing or not PEM is a config_error naming
// the file and the key.
struct TlsPem {
  std::string cert, key, ca;
};
Result<TlsPem> read_keydir_tls(const ProvConfig& c);

// The key-encryption key from kek_file (16 or 32 octets, mode 0600); errors name the file and the key.
Result<Bytes> read_kek(const ProvConfig& c);

}  // namespace simbind::prov
