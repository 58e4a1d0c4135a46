#include "services/mme/mme_metrics.h"

namespace simbind::mme {

std::vector<metrics::Exposure> expose_mme_counters(metrics::Registry& r, const MmeCounters& c) {
  std::vector<metrics::Exposure> out;
  const auto counter = [&](const char* name, const char* help, const std::atomic<std::uint64_t>& cell) {
    out.push_back(metrics::expose_counter(r, name, help, cell));
  };
  counter("attach_requests", "ATTACH REQUESTs received", c.attach_requests);
  counter("attaches_completed", "Attaches completed with a default bearer (ATTACH COMPLETE)", c.attaches_completed);
  counter("attaches_without_pdn", "Attaches completed without PDN connectivity (Binding-Restriction PROVISIONING_ONLY)",
          c.attaches_without_pdn);
  counter("attaches_rejected", "Attaches rejected (ATTACH REJECT or AUTHENTICATION REJECT)", c.attaches_rejected);
  out.push_back(r.callback(metrics::MetricType::counter, "attach_rejects", "ATTACH REJECTs sent, by EMM cause",
                           {"emm_cause"}, [&c] {
                             std::vector<metrics::Sample> samples;
                             for (std::size_t cause = 0; cause < c.attach_rejects_by_cause.size(); ++cause) {
                               const auto n = c.attach_rejects_by_cause[cause].load(std::memory_order_relaxed);
                               if (n) samples.push_back({{std::to_string(cause)}, static_cast<double>(n)});
                             }
                             return samples;
                           }));
  counter("authentication_rejects", "AUTHENTICATION REJECTs sent", c.authentication_rejects);
  counter("mac_failures_reported", "MAC failures (#20) on pre-processed AVs, reported to the HSS (Binding-Failure-Report)",
          c.mac_failures_reported);
  counter("resyncs", "Synch failures (#21) answered with an AIR carrying Re-Synchronization-Info", c.resyncs);
  counter("bearers_refused", "Default or additional bearers refused", c.bearers_refused);
  counter("detaches", "Detaches", c.detaches);
  counter("nas_malformed", "Undecodable NAS messages (EMM STATUS sent or dropped)", c.nas_malformed);
  counter("nas_integrity_failures", "NAS messages dropped: wrong MAC, replay, or protection missing",
          c.nas_integrity_failures);
  counter("procedures_timed_out", "NAS procedures aborted on the fifth expiry of T3450/T3460/T3470",
          c.procedures_timed_out);
  counter("s6a_failures", "AIR/ULR without a usable answer (timeout, unreachable, malformed)", c.s6a_failures);
  out.push_back(r.expose(c.s6a_answers));
  return out;
}

std::vector<metrics::Exposure> expose_nas_server_counters(metrics::Registry& r, const NasServerCounters& c) {
  std::vector<metrics::Exposure> out;
  out.push_back(metrics::expose_counter(r, "nas_connections", "NAS/TCP connections accepted", c.connections));
  out.push_back(metrics::expose_counter(r, "nas_connections_broken", "NAS/TCP connections closed on unframeable input",
                                        c.connections_broken));
  out.push_back(metrics::expose_counter(r, "nas_frames_in", "NAS/TCP frames received", c.frames_in));
  out.push_back(metrics::expose_counter(r, "nas_frames_out", "NAS/TCP frames sent", c.frames_out));
  return out;
}

std::vector<metrics::Exposure> expose_s1ap_counters(metrics::Registry& r, const S1apServerCounters& c) {
  std::vector<metrics::Exposure> out;
  out.push_back(metrics::expose_counter(r, "s1ap_associations", "S1AP SCTP associations accepted", c.associations));
  out.push_back(metrics::expose_counter(r, "s1ap_associations_lost", "S1AP SCTP associations lost", c.associations_lost));
  out.push_back(metrics::expose_counter(r, "s1ap_setups_accepted", "S1 SETUP REQUESTs answered with S1 SETUP RESPONSE",
                                        c.setups_accepted));
  out.push_back(metrics::expose_counter(r, "s1ap_setups_refused", "S1 SETUP REQUESTs answered with S1 SETUP FAILURE",
                                        c.setups_refused));
  out.push_back(metrics::expose_counter(r, "s1ap_pdus_in", "S1AP PDUs received", c.pdus_in));
  out.push_back(metrics::expose_counter(r, "s1ap_pdus_out", "S1AP PDUs sent", c.pdus_out));
  out.push_back(metrics::expose_counter(r, "s1ap_pdus_refused", "S1AP PDUs answered with ERROR INDICATION or a failure",
                                        c.pdus_refused));
  out.push_back(metrics::expose_counter(r, "s1ap_nas_non_delivered", "NAS NON DELIVERY INDICATIONs received",
                                        c.nas_non_delivered));
  out.push_back(metrics::expose_counter(r, "s1ap_context_setups_failed", "INITIAL CONTEXT SETUP FAILUREs received",
                                        c.context_setups_failed));
  return out;
}

}  // namespace simbind::mme
