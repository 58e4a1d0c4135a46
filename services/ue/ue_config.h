// simbind-ue configuration: a validated struct read from YAML (deploy/config/ue.yaml documents every key),
// printable as the effective configuration.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "common/metrics/metrics_config.h"
#include "common/rpc/tls_files.h"
#include "services/ue/s1ap_enbs.h"
#include "services/ue/ue_nas.h"

namespace simbind::ue {

struct UeDaemonConfig {
  std::string log_level = "info";
  std::string mme_address = "127.0.0.1";
  std::uint16_t mme_port = 36412;
  std::chrono::milliseconds reconnect{1000};
  // mme.transport: "nas-tcp" (our framing, to simbind-mme) or "s1ap" (emulated eNBs, to any MME).
  enum class Transport { nas_tcp, s1ap } transport = Transport::nas_tcp;
  S1apUeConfig s1ap;  // s1ap: the eNBs and their SCTP (mme address, port and PLMN are filled in from above)
  UeNasConfig nas;  // network.plmn, timers, nas.reattach_on_request
  std::string store_directory = "ue-devices";
  std::string storage_key_file;
  std::string control_listen = "127.0.0.1:9090";
  rpc::TlsPaths control_tls;  // control.tls: mTLS, clients need a certificate with OU kControlRole; none = plaintext
  metrics::MetricsConfig metrics;  // metrics.listen: the /metrics and /healthz endpoint (optional)
  std::string source_file;
};

// The role (certificate OU) a client of the control API needs when control.tls is set.
inline constexpr const char* kControlRole = "admin";

Result<UeDaemonConfig> load_ue_config(const std::string& path);
// The same from YAML text (`name` stands for the file in messages); for tests.
Result<UeDaemonConfig> parse_ue_config(const std::string& yaml, const std::string& name);
void print_effective(std::ostream& out, const UeDaemonConfig& c);

// "00101" or "310410": MCC and a 2- or 3-digit MNC.
Result<Plmn> parse_plmn_digits(const std::string& digits);

}  // namespace simbind::ue
