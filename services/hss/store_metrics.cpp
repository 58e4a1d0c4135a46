#include "services/hss/store_metrics.h"

namespace simbind::hss {

std::vector<metrics::Exposure> expose_store_metrics(metrics::Registry& registry, const SqliteSubscriberStore& store) {
  std::vector<metrics::Exposure> out;
  const auto counter = [&](const char* name, const char* help, auto field) {
    out.push_back(registry.callback(metrics::MetricType::counter, name, help, {}, [&store, field] {
      return std::vector<metrics::Sample>{{{}, static_cast<double>(store.write_stats().*field)}};
    }));
  };
  counter("store_commit_groups", "Transactions of the store's group committer (one fsync each)",
          &SqliteSubscriberStore::WriteStats::commit_groups);
  counter("store_committed_writes", "Writes carried by those transactions (SQN reservations, locations, audit rows)",
          &SqliteSubscriberStore::WriteStats::committed_writes);
  counter("sqn_reservations_waited", "SQN reservations an AIR waited for (first AIR of a subscriber since start)",
          &SqliteSubscriberStore::WriteStats::reservations_waited);
  counter("sqn_reservations_ahead", "SQN reservations written in the background before the current block ran out",
          &SqliteSubscriberStore::WriteStats::reservations_ahead);
  return out;
}

}  // namespace simbind::hss
