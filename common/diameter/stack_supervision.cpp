#include "common/diameter/stack_supervision.h"

#include "common/util/signals.h"

namespace simbind::diameter {

void exit_when_stack_stops(DiameterStack& stack, metrics::Health& health) {
  stack.on_failure([&health](const std::string& why) {
    health.set_not_ready("Diameter stack stopped: " + why);
    request_termination(kExitServiceLost);
  });
}

}  // namespace simbind::diameter
