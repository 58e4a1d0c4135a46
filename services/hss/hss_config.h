// simbind-hss configuration: a validated struct read from YAML, printable as the effective configuration.
#pragma once

#include <ostream>
#include <string>

#include "common/crypto/binding.h"
#include "common/crypto/sqn.h"
#include "common/diameter/dictionary.h"
#include "common/diameter/stack_config.h"

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

  unsigned max_vectors = 5;
  crypto::HeSqnPolicy sqn;

  crypto::BindingAmfLayout amf_layout;
  NonBindingMmePolicy non_binding_mme = NonBindingMmePolicy::pre_processed;

  std::string admin_listen = "127.0.0.1:9080";

  std::string source_file;
};

Result<HssConfig> load_hss_config(const std::string& path);
void print_effective(std::ostream& out, const HssConfig& c);

}  // namespace simbind::hss
