// What simbind-mme counts: read by the shutdown summary (and the metrics endpoint of the testbed issue).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace simbind::mme {

struct MmeCounters {
  std::atomic<std::uint64_t> attach_requests{0};
  std::atomic<std::uint64_t> attaches_completed{0};
  std::atomic<std::uint64_t> attaches_without_pdn{0};   // Binding-Restriction PROVISIONING_ONLY
  std::atomic<std::uint64_t> attaches_rejected{0};
  std::array<std::atomic<std::uint64_t>, 256> attach_rejects_by_cause{};
  std::atomic<std::uint64_t> authentication_rejects{0};
  std::atomic<std::uint64_t> mac_failures_reported{0};  // #20 on a pre-processed AV: Binding-Failure-Report
  std::atomic<std::uint64_t> resyncs{0};
  std::atomic<std::uint64_t> bearers_refused{0};
  std::atomic<std::uint64_t> detaches{0};
  std::atomic<std::uint64_t> nas_malformed{0};          // undecodable NAS: EMM STATUS or dropped
  std::atomic<std::uint64_t> nas_integrity_failures{0};  // wrong MAC, replay, or protection missing: dropped
  std::atomic<std::uint64_t> procedures_timed_out{0};    // fifth expiry of T3450/T3460/T3470
  std::atomic<std::uint64_t> s6a_failures{0};            // no usable AIA/ULA
};

}  // namespace simbind::mme
