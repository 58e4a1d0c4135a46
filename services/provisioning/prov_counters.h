// What simbind-prov counts: KME-Establishment answers (Bp path), key directory lookups (a decorator around the
// directory, so the procedure stays unaware) and Binding-Activations (around the admin API's sender). Main shows
// the families on the metrics endpoint (simbind_prov_...).
#pragma once

#include <string>
#include <vector>

#include "common/metrics/registry.h"
#include "services/provisioning/device_key_directory.h"
#include "services/provisioning/prov_admin_service.h"

namespace simbind::prov {

struct ProvCounters {
  metrics::CounterFamily kme_establishments{"kme_establishments",
                                            "KME-Establishment answers sent to the HSS, by result code", {"result"}};
  metrics::Counter kme_established = kme_establishments.labels({"2001"});  // the common case takes no lock
  metrics::CounterFamily keydir_lookups{"keydir_lookups",
                                        "Device key lookups at simbind-keydir, by result (found, not-found, error)",
                                        {"result"}};
  metrics::CounterFamily binding_activations{
      "binding_activations", "Binding-Activations sent to the HSS, by result code (or no-answer)", {"result"}};

  std::vector<const metrics::Family*> families() const {
    return {&kme_establishments, &keydir_lookups, &binding_activations};
  }
};

// Counts every lookup's outcome, then hands it on.
class CountingKeyDirectory final : public DeviceKeyDirectory {
 public:
  CountingKeyDirectory(DeviceKeyDirectory& inner, ProvCounters& counters) : inner_(inner), counters_(counters) {}
  void lookup(const std::string& imei, Done done) override;

 private:
  DeviceKeyDirectory& inner_;
  ProvCounters& counters_;
};

// `send`, counting each Binding-Activation by its answer's result code.
ActivationSender counting_activation_sender(ActivationSender send, ProvCounters& counters);

}  // namespace simbind::prov
