// What simbind-keydir counts: every RegisterDevice and GetDevicePublicKey call by the gRPC status it ended with
// (refused callers included). Main shows the families on the metrics endpoint (simbind_keydir_...).
#pragma once

#include <grpcpp/grpcpp.h>

#include <vector>

#include "common/metrics/registry.h"

namespace simbind::keydir {

// "OK", "NOT_FOUND", "PERMISSION_DENIED", ...: the names of grpc::StatusCode as gRPC spells them.
const char* grpc_status_name(grpc::StatusCode code);

struct KeydirCounters {
  metrics::CounterFamily lookups{"lookups", "GetDevicePublicKey calls, by gRPC status", {"status"}};
  metrics::CounterFamily registrations{"registrations", "RegisterDevice calls, by gRPC status", {"status"}};
  metrics::Counter lookups_ok = lookups.labels({"OK"});  // the common case takes no lock

  std::vector<const metrics::Family*> families() const { return {&lookups, &registrations}; }
};

}  // namespace simbind::keydir
