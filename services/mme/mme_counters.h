// What simbind-mme counts: read by the shutdown summary and the metrics endpoint (mme_metrics.h).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "common/metrics/registry.h"
#include "services/mme/hss_link.h"

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

  // AIA/ULA by Result-Code / Experimental-Result-Code, or why none came (timeout, unreachable, malformed).
  metrics::CounterFamily s6a_answers{"s6a_answers", "S6a answers received from the HSS, by command and result",
                                     {"command", "result"}};
  metrics::Counter aia_success = s6a_answers.labels({"AIR", "2001"});  // the common case takes no lock
  metrics::Counter ula_success = s6a_answers.labels({"ULR", "2001"});

  template <typename Answer>
  void count_s6a_answer(const char* command, const S6aResult<Answer>& answer, const metrics::Counter& success) {
    if (!answer) {
      const auto kind = answer.error().kind;
      s6a_answers.inc({command, kind == S6aFailure::Kind::timeout       ? "timeout"
                                : kind == S6aFailure::Kind::unreachable ? "unreachable"
                                                                        : "malformed"});
    } else if (!answer->result.experimental && answer->result.code == 2001) {
      success.inc();
    } else {
      s6a_answers.inc({command, std::to_string(answer->result.code)});
    }
  }
};

}  // namespace simbind::mme
