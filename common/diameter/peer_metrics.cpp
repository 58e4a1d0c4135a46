#include "common/diameter/peer_metrics.h"

namespace simbind::diameter {

metrics::Exposure expose_peer_states(metrics::Registry& registry, const DiameterStack& stack) {
  return registry.callback(metrics::MetricType::gauge, "diameter_peer_up",
                           "1 when the configured Diameter peer is open (capabilities exchanged), else 0", {"peer"},
                           [&stack] {
                             std::vector<metrics::Sample> out;
                             for (const auto& p : stack.peer_states()) out.push_back({{p.identity}, p.open ? 1.0 : 0.0});
                             return out;
                           });
}

}  // namespace simbind::diameter
