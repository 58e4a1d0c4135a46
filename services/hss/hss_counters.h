// What simbind-hss counts, where it happens (S6a handler and path, binding provisioner, Bp path); main shows
// the families on the metrics endpoint (simbind_hss_...). Thread-safe: freeDiameter threads count concurrently.
#pragma once

#include <string>
#include <vector>

#include "common/diameter/s6a_messages.h"
#include "common/metrics/registry.h"

namespace simbind::hss {

struct HssCounters {
  // AIA/ULA/PUA sent, by Result-Code or Experimental-Result-Code.
  metrics::CounterFamily s6a_answers{"s6a_answers", "S6a answers sent, by command and result code",
                                     {"command", "result"}};
  metrics::Counter aia_success = s6a_answers.labels({"AIR", "2001"});  // the common cases take no lock
  metrics::Counter ula_success = s6a_answers.labels({"ULR", "2001"});

  metrics::CounterFamily vectors_issued{"vectors_issued", "E-UTRAN authentication vectors issued, by type", {"type"}};
  metrics::Counter regular_vectors = vectors_issued.labels({"regular"});
  metrics::Counter pre_processed_vectors = vectors_issued.labels({"pre-processed"});

  // The binding decisions that the audit log records: outcome is its decision (established, rejected, failed,
  // fallback), reason a fixed short word (never an IMSI or IMEI: one series per reason).
  metrics::CounterFamily binding_outcomes{"binding_outcomes", "Binding decisions, by outcome and reason",
                                          {"outcome", "reason"}};
  metrics::CounterFamily binding_failure_reports{"binding_failure_reports",
                                                 "Binding-Failure-Reports received in AIRs, by report", {"report"}};
  metrics::CounterFamily binding_activations{"binding_activations",
                                             "Binding-Activation answers sent to prov, by result code", {"result"}};

  void count_answer(const char* command, const diameter::ResultCode& result) {
    if (!result.experimental && result.code == 2001) {
      if (std::string_view(command) == "AIR") return aia_success.inc();
      if (std::string_view(command) == "ULR") return ula_success.inc();
    }
    s6a_answers.inc({command, std::to_string(result.code)});
  }
  void binding(const char* outcome, const char* reason) { binding_outcomes.inc({outcome, reason}); }

  std::vector<const metrics::Family*> families() const {
    return {&s6a_answers, &vectors_issued, &binding_outcomes, &binding_failure_reports, &binding_activations};
  }
};

}  // namespace simbind::hss
