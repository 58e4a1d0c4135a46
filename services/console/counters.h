// Counters at a glance: the few series of the daemons' /metrics (Prometheus text format) that tell a demo's
// story (attaches by outcome, vectors by type, binding outcomes, KME establishments). The scrape itself is in
// console_http.cpp, the console's only file with cpp-httplib.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace simbind::console {

struct CounterValue {
  std::string daemon;  // hss, mme, prov, keydir, ue
  std::string name;    // without prefix and _total: "attaches_completed"
  std::string labels;  // as rendered: `type="pre-processed"`; empty when none
  double value = 0;
};

// The series of `text` (one daemon's /metrics) that the console shows.
std::vector<CounterValue> pick_counters(const std::string& daemon, std::string_view text);

}  // namespace simbind::console
