// simbind-mme configuration: a validated struct read from YAML.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

#include "common/diameter/dictionary.h"
#include "common/diameter/stack_config.h"
#include "common/nas/binding_container.h"
#include "common/nas/security_envelope.h"
#include "common/util/identifiers.h"
#include "services/mme/ip_pool.h"
#include "services/mme/s1ap_server.h"
#include "common/metrics/metrics_config.h"

namespace simbind::mme {

// TS 24.301 10.2 network-side timers, and how often a message is retransmitted before the procedure is aborted
// (TS 24.301 5.4.2.7 (c), 5.4.3.7 (c), 5.5.1.2.7 (c): "on the fifth expiry").
struct NasTimers {
  std::chrono::milliseconds t3450{6000};  // ATTACH ACCEPT
  std::chrono::milliseconds t3460{6000};  // AUTHENTICATION REQUEST, SECURITY MODE COMMAND
  std::chrono::milliseconds t3470{6000};  // IDENTITY REQUEST
  std::chrono::milliseconds t3485{8000};  // ACTIVATE DEFAULT EPS BEARER CONTEXT REQUEST (standalone)
  std::chrono::milliseconds t3422{6000};  // DETACH REQUEST (network: re-attach required)
  // The UE's answer to a binding container (DESIGN 3.3 step 12): past this the IDA reports failure (5012).
  std::chrono::milliseconds binding_response{8000};
  unsigned max_transmissions = 5;
};

struct MmeConfig {
  std::string log_level = "info";
  diameter::StackConfig diameter;
  diameter::BindingDictionaryConfig dictionary;
  std::string hss_realm;  // Destination-Realm of AIR/ULR; default: our own realm

  // The serving network: its PLMN is the Visited-PLMN-Id of AIR/ULR and the SN id in KASME (TS 33.401 A.2).
  Plmn plmn = *Plmn::create("001", "01");
  std::uint16_t tac = 1;
  std::uint16_t mme_group_id = 1;
  std::uint8_t mme_code = 1;

  std::string nas_listen = "127.0.0.1";
  std::uint16_t nas_port = 36412;
  nas::NasAlgorithms algorithms;  // 128-EIA2/EEA2 by default; null algorithms only where configured
  std::uint8_t binding_container_type = nas::kDefaultBindingContainerType;  // generic message container type

  S1apServerConfig s1ap;  // s1ap: S1-MME for standard eNBs (off unless s1ap.listen is set)

  NasTimers timers;
  std::chrono::milliseconds s6a_timeout{5000};  // AIR: past this the attach is rejected with #22 congestion
  // ULR: the HSS may hold it while it establishes a KME over the air (its binding.prov_timeout_ms +
  // ida_timeout_ms, 15 s by default), so it gets longer before #22.
  std::chrono::milliseconds ulr_timeout{20000};
  unsigned max_resyncs = 2;

  std::string pdn_pool_cidr = "10.45.0.0/16";
  Ipv4Pool::Range pdn_pool;
  std::string pdn_pool6_cidr = "2001:db8:45::/48";
  Ipv6Pool::Range pdn_pool6;
  metrics::MetricsConfig metrics;  // metrics.listen: the /metrics and /healthz endpoint (optional)
  std::string source_file;
};

Result<MmeConfig> load_mme_config(const std::string& path);
// The same from text (`name` stands for the file in messages): tests and the config fuzz target.
Result<MmeConfig> parse_mme_config(const std::string& yaml, const std::string& name);
void print_effective(std::ostream& out, const MmeConfig& c);

}  // namespace simbind::mme
