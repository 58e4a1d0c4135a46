// simbind-mme's counters on the metrics endpoint (simbind_mme_...). The counters stay where they are counted
// (EmmEngine, NasServer); this only shows them.
#pragma once

#include <vector>

#include "common/metrics/registry.h"
#include "services/mme/mme_counters.h"
#include "services/mme/nas_server.h"
#include "services/mme/s1ap_server.h"

namespace simbind::mme {

// The counters must outlive the returned handles.
[[nodiscard]] std::vector<metrics::Exposure> expose_mme_counters(metrics::Registry& registry, const MmeCounters& c);
[[nodiscard]] std::vector<metrics::Exposure> expose_nas_server_counters(metrics::Registry& registry,
                                                                        const NasServerCounters& c);
[[nodiscard]] std::vector<metrics::Exposure> expose_s1ap_counters(metrics::Registry& registry,
                                                                  const S1apServerCounters& c);

}  // namespace simbind::mme
