// What simbind-hss, simbind-mme and simbind-prov do when their Diameter stack stops by itself
// (DiameterStack::on_failure): /healthz turns 503 with the reason, and the daemon shuts down and exits with
// kExitServiceLost so that its supervisor (compose restart:, systemd Restart=on-failure) restarts it.
#pragma once

#include <string>

#include "common/diameter/stack.h"
#include "common/metrics/health.h"

namespace simbind::diameter {

// Call after health.set_ready() (daemon::Runtime::serve's on_ready): a stack that has already stopped turns
// /healthz 503 at once. The runner's shutdown line then gives the reason ("Diameter stack stopped: ...").
void exit_when_stack_stops(DiameterStack& stack, metrics::Health& health);

}  // namespace simbind::diameter
