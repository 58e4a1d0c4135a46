#include "common/diameter/peer_metrics.h"

#include "common/diameter/refusals.h"

namespace simbind::diameter {

std::vector<metrics::Exposure> expose_peer_states(metrics::Registry& registry, const DiameterStack& stack) {
  std::vector<metrics::Exposure> out;
  out.push_back(registry.callback(metrics::MetricType::gauge, "diameter_peer_up",
                                  "1 when the configured Diameter peer is open (capabilities exchanged), else 0",
                                  {"peer"}, [&stack] {
                                    std::vector<metrics::Sample> samples;
                                    for (const auto& p : stack.peer_states()) {
                                      samples.push_back({{p.identity}, p.open ? 1.0 : 0.0});
                                    }
                                    return samples;
                                  }));
  out.push_back(registry.callback(metrics::MetricType::counter, "diameter_refused_total",
                                  "Received Diameter messages refused or dropped by the stack, by reason "
                                  "(parsing_error, routing_error, dropped, spoofed_origin)",
                                  {"reason"}, [] {
                                    std::vector<metrics::Sample> samples;
                                    for (std::size_t i = 0; i < kRefusalNames.size(); ++i) {
                                      samples.push_back({{std::string(kRefusalNames[i])},
                                                         static_cast<double>(refusal_counts()[i].load())});
                                    }
                                    return samples;
                                  }));
  return out;
}

}  // namespace simbind::diameter
