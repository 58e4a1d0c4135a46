#include "services/hss/subscriber.h"

namespace simbind::hss {

const char* to_string(BindingPolicy p) { return p == BindingPolicy::required ? "required" : "off"; }

const char* to_string(BindingState s) {
  switch (s) {
    case BindingState::none: return "none";
    case BindingState::pending: return "pending";
    case BindingState::established: return "established";
  }
  return "unknown";
}

}  // namespace simbind::hss
