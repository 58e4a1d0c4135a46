// The store's durable-write figures on the metrics endpoint (simbind_hss_store_...): how many fsyncs the group
// committer made for how many writes, and how many SQN reservations an AIR had to wait for.
#pragma once

#include <vector>

#include "common/metrics/registry.h"
#include "services/hss/sqlite_subscriber_store.h"

namespace simbind::hss {

// `store` must outlive the returned handles.
std::vector<metrics::Exposure> expose_store_metrics(metrics::Registry& registry, const SqliteSubscriberStore& store);

}  // namespace simbind::hss
