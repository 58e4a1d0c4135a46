#include "services/provisioning/prov_counters.h"

namespace simbind::prov {

void CountingKeyDirectory::lookup(const std::string& imei, Done done) {
  inner_.lookup(imei, [this, done = std::move(done)](Result<DeviceKey> key) {
    counters_.keydir_lookups.inc({key                                           ? "found"
                                  : key.error().code == ErrorCode::not_found ? "not-found"
                                                                              : "error"});
    done(std::move(key));
  });
}

ActivationSender counting_activation_sender(ActivationSender send, ProvCounters& counters) {
  return [send = std::move(send), &counters](const diameter::BindingActivationRequest& r) {
    auto answer = send(r);
    counters.binding_activations.inc({answer ? std::to_string(answer->result.code) : std::string("no-answer")});
    return answer;
  };
}

}  // namespace simbind::prov
