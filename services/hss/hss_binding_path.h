// The Diameter side of binding provisioning at the HSS: Bp towards simbind-prov (KME-Establishment out,
// Binding-Activation in) and the IDR towards the MME. The procedure itself is binding_provisioner.cpp.
#pragma once

#include <chrono>
#include <string>

#include "services/hss/binding_links.h"
#include "services/hss/hss_config.h"
#include "services/hss/hss_counters.h"
#include "services/hss/subscriber_store.h"

namespace simbind::hss {

class DiameterProvLink final : public ProvLink {
 public:
  explicit DiameterProvLink(const HssConfig& config) : config_(config) {}
  void establish_kme(const diameter::KmeEstablishmentRequest& request, Done done) override;

 private:
  const HssConfig& config_;
};

class DiameterMmeLink final : public MmeLink {
 public:
  explicit DiameterMmeLink(const HssConfig& config) : config_(config) {}
  void insert_subscriber_data(const PeerIdentity& mme, const diameter::InsertSubscriberDataRequest& request,
                              Done done) override;

 private:
  const HssConfig& config_;
};

// Bp in DiameterStack::start's setup: the application advertised, and Binding-Activation (DESIGN 3.4: a factory
// KME for (IMSI, IMEI), HSS-Wrapped-KME under the key-encryption key) stored with its audit row.
Result<void> register_bp_handlers(SubscriberStore& store, const HssConfig& config, const Bytes& kek,
                                  HssCounters& counters);

}  // namespace simbind::hss
