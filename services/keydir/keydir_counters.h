// What simbind-keydir counts: every RegisterDevice and GetDevicePublicKey call by the gRPC status it ended with
// (refused callers included). Main shows the families on the metrics endpoint (simbind_keydir_...).
#pragma once

#include <vector>

#include "common/metrics/registry.h"

namespace simbind::keydir {

struct KeydirCounters {
  metrics::CounterFamily lookups{"lookups", "GetDevicePublicKey calls, by gRPC status", {"status"}};
  metrics::CounterFamily registrations{"registrations", "RegisterDevice calls, by gRPC status", {"status"}};
  metrics::Counter lookups_ok = lookups.labels({"OK"});  // the common case takes no lock

  std::vector<const metrics::Family*> families() const { return {&lookups, &registrations}; }
};

}  // namespace simbind::keydir
