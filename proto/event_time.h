// The time of one of simbind-ue's events and of one of simbind-hss's audit rows, in microseconds since the epoch.
// A daemon older than the microsecond fields sends 0 there; its millisecond stands in.
#pragma once

#include <cstdint>

#include "hss_admin.pb.h"
#include "ue_control.pb.h"

namespace simbind {

inline std::int64_t unix_us_of(const ue::v1::Event& e) { return e.unix_us() ? e.unix_us() : e.unix_ms() * 1000; }
inline std::int64_t time_us_of(const hss::v1::AuditEvent& a) { return a.time_us() ? a.time_us() : a.time_ms() * 1000; }

}  // namespace simbind
