// simbind-hss configuration: a validated struct read from YAML, printable as the effective configuration.
#pragma once

#include <chrono>
#include <ostream>
#include <string>

#include "common/crypto/binding.h"
#include "common/crypto/sqn.h"
#include "common/diameter/dictionary.h"
#include "common/diameter/stack_config.h"
#include "common/rpc/tls_files.h"
#include "common/metrics/metrics_config.h"

namespace simbind::hss {

// What the HSS does for a bound subscription when the MME does not advertise the binding feature.
enum class NonBindingMmePolicy {
  pre_processed,  // pre-processed AVs without binding AVPs: scenario 1 works through a standard MME (DESIGN 5.2)
  regular,        // regular AVs: the binding is not enforced through such MMEs
  reject,         // refuse authentication data
};

struct HssConfig {
  std::string log_level = "info";
  diameter::StackConfig diameter;
  diameter::BindingDictionaryConfig dictionary;

  std::string store_path = "hss.db";
  std::string master_key_file;
  // Subscribers kept in memory ahead of their first AIR, with their next SQN block reserved (0: load on use).
  std::size_t store_preload = 1'000'000;

  unsigned max_vectors = 5;
  crypto::HeSqnPolicy sqn;

  crypto::BindingAmfLayout amf_layout;
  NonBindingMmePolicy non_binding_mme = NonBindingMmePolicy::pre_processed;

  // Over-the-air KME establishment (DESIGN 3.3): simbind-prov on Bp and the key-encryption key it wraps KMEs
  // for the HSS with. Without a kek_file the HSS does not provision: PROVISIONING_ONLY access stays as it is.
  struct Provisioning {
    std::string prov_identity = "prov.simbind.lab";  // must be among diameter.peers
    std::string prov_realm;                          // default: diameter.realm
    std::string kek_file;
    std::chrono::milliseconds prov_timeout{5000};    // KME-Establishment answer
    std::chrono::milliseconds ida_timeout{10000};    // IDA: the MME relays to the UE and back
    // Lost KME / device change (DESIGN 3.5): after this many Binding-Failure-Reports a bound subscription gets
    // regular AVs with PROVISIONING_ONLY, so the bound device can prove itself again (or an authorized one bind).
    // 0 = never.
    unsigned fallback_after_reports = 1;
    bool enabled() const { return !kek_file.empty(); }
  } provisioning;

  std::string admin_listen = "127.0.0.1:9080";
  rpc::TlsPaths admin_tls;  // admin.tls: mTLS, clients need a certificate with OU kAdminRole; none = plaintext

  metrics::MetricsConfig metrics;  // metrics.listen: the /metrics and /healthz endpoint (optional)
  std::string source_file;
};

// The role (certificate OU) a client of the admin API needs when admin.tls is set.
inline constexpr const char* kAdminRole = "admin";

Result<HssConfig> load_hss_config(const std::string& path);
// The same from text (`name` stands for the file in messages): tests and the config fuzz target.
Result<HssConfig> parse_hss_config(const std::string& yaml, const std::string& name);
void print_effective(std::ostream& out, const HssConfig& c);

}  // namespace simbind::hss
