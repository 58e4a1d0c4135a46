// What simbind-console counts (simbind_console_... on its metrics endpoint): the lab actions by name and outcome
// (an unknown name counts as "unknown", so the label set stays bounded), the ladder steps taken in by source, and
// the pages listening to the live feed.
#pragma once

#include <vector>

#include "common/metrics/registry.h"

namespace simbind::console {

struct ConsoleCounters {
  metrics::CounterFamily actions{"actions", "Lab actions run, by action and outcome (ok, refused)",
                                 {"action", "outcome"}};
  metrics::CounterFamily ladder_steps{"ladder_steps", "Ladder steps taken in, by source (ue-events, hss-audit)",
                                      {"source"}};
  metrics::GaugeFamily event_streams{"event_streams", "Pages listening to the live feed"};

  std::vector<const metrics::Family*> families() const { return {&actions, &ladder_steps, &event_streams}; }
};

}  // namespace simbind::console
