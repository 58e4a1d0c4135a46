#include "common/diameter/stack_supervision.h"

#include "common/log/log.h"
#include "common/util/signals.h"

namespace simbind::diameter {

void exit_when_stack_stops(DiameterStack& stack, metrics::Health& health) {
  stack.on_failure([&health](const std::string& why) {
    health.set_not_ready("Diameter stack stopped: " + why);
    request_termination(kExitServiceLost);
  });
}

void log_shutdown(const std::string& daemon, int signal) {
  if (termination_exit_code() != 0) {
    log::error("shutting down: no Diameter service; exit status {} for the supervisor to restart {}",
               termination_exit_code(), daemon);
  } else {
    log::info("signal {}: shutting down", signal);
  }
}

}  // namespace simbind::diameter
