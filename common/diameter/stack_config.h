// A Diameter node's settings (our YAML `diameter:` section) and the freeDiameter configuration made from them.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/config/config_reader.h"

namespace simbind::diameter {

struct PeerConfig {
  std::string identity;  // Diameter identity (Origin-Host) of the peer
  std::string address;   // where to connect; empty = wait for the peer to connect to us
  std::uint16_t port = 3868;
};

struct TlsConfig {
  std::string cert_file;  // empty = no TLS
  std::string key_file;
  std::string ca_file;
  bool enabled() const { return !cert_file.empty(); }
};

struct StackConfig {
  std::string identity;
  std::string realm;
  std::uint16_t port = 3868;
  std::string listen_address = "127.0.0.1";
  TlsConfig tls;
  std::vector<PeerConfig> peers;  // the only peers accepted
  unsigned tc_timer_s = 30;       // reconnect timer (freeDiameter minimum 6 is not enforced for tests)
  unsigned tw_timer_s = 30;       // watchdog
  unsigned app_threads = 4;       // AppServThreads: the default 4 measured best (DESIGN 10)
  std::string extensions_dir;     // where dict_*.fdx live; empty = the directory CMake found
  // Seconds without a routable message after which a peer that connected to us is dropped (RFC 3539 allows it;
  // freeDiameter 1.2.1 does it after 3600 s by default). 0 = never: an MME that attaches nobody for an hour keeps
  // its link.
  unsigned idle_timeout_s = 0;
};

// RFC 6733 DiameterIdentity (an FQDN): what identities, realms and peer names must be.
bool is_diameter_identity(std::string_view name);

// Reads a `diameter:` section. Problems are recorded in the reader (file and key named).
StackConfig read_stack_config(const config::ConfigReader::Section& section, const std::string& default_identity);

// The Bp/binding codes of a `binding:` section (vendor_id, bp_application_id, bp_kme_establishment_code,
// bp_binding_activation_code), shared by the HSS and prov, which must agree on them. The caller's allow_only
// lists these keys beside its own.
struct BindingDictionaryConfig;
void read_binding_dictionary_config(const config::ConfigReader::Section& binding, BindingDictionaryConfig& out);

// The `diameter:` section as --print-config shows it (never key material: TLS files are only named on/off).
void print_stack_config(std::ostream& out, const StackConfig& config);

// The freeDiameter configuration text: No_SCTP (no SCTP in this kernel), the dictionary extensions in the
// order DESIGN 5.1 requires, ConnectPeer for every peer with an address, TLS files when configured.
std::string render_freediameter_conf(const StackConfig& config);

}  // namespace simbind::diameter
