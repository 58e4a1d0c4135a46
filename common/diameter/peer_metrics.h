// The Diameter peers of a node as a scrape-time gauge: simbind_<daemon>_diameter_peer_up{peer="..."} 1 when the
// peer is OPEN (capabilities exchanged), 0 otherwise; one series per configured peer. And
// simbind_<daemon>_diameter_refused_total{reason="..."}: received messages the stack refused (refusals.h).
#pragma once

#include "common/diameter/stack.h"
#include "common/metrics/registry.h"

#include <vector>

namespace simbind::diameter {

// The stack must outlive the returned handle.
[[nodiscard]] std::vector<metrics::Exposure> expose_peer_states(metrics::Registry& registry, const DiameterStack& stack);

}  // namespace simbind::diameter
