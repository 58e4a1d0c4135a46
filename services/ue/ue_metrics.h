// What simbind-ue counts, from the events its UEs report (UeNasPort::event: one place on the loop thread, the
// same events the log and StreamEvents show), and the state of its one NAS/TCP connection to simbind-mme. Main
// shows the families on the metrics endpoint (simbind_ue_...).
#pragma once

#include <string>
#include <vector>

#include "common/metrics/registry.h"

namespace simbind::ue {

struct UeMetrics {
  metrics::CounterFamily attaches{"attaches", "Attach procedures ended, by outcome", {"outcome"}};
  metrics::Counter attached = attaches.labels({"attached"});
  metrics::Counter attached_without_pdn = attaches.labels({"attached-without-pdn"});
  metrics::Counter attach_failed = attaches.labels({"failed"});
  // Binding containers from the MME (DESIGN 3.3 steps 10-12): KME unwrapped and stored, not unwrappable with
  // the device key, or refused (malformed, no UICC).
  metrics::CounterFamily kmes_received{"kmes_received", "Over-the-air KMEs received from the MME, by result",
                                       {"result"}};
  metrics::Counter kme_stored = kmes_received.labels({"stored"});
  metrics::Counter kme_unwrap_failed = kmes_received.labels({"unwrap-failed"});
  metrics::Counter kme_refused = kmes_received.labels({"refused"});
  metrics::GaugeFamily nas_connected{"nas_connected", "1 while the NAS/TCP connection to simbind-mme is up, else 0"};

  // The event kinds of ue_nas*.cpp that are counted.
  void on_event(const std::string& kind) {
    if (kind == "attached") {
      attached.inc();
    } else if (kind == "attached-without-pdn") {
      attached_without_pdn.inc();
    } else if (kind == "attach-failed") {
      attach_failed.inc();
    } else if (kind == "kme-established") {
      kme_stored.inc();
    } else if (kind == "kme-unwrap-failed") {
      kme_unwrap_failed.inc();
    } else if (kind == "binding-container") {
      kme_refused.inc();
    }
  }
  std::vector<const metrics::Family*> families() const { return {&attaches, &kmes_received, &nas_connected}; }
};

}  // namespace simbind::ue
