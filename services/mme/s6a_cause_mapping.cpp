#include "services/mme/s6a_cause_mapping.h"

#include "common/diameter/avp_codes.h"
#include "common/nas/emm_messages.h"
#include "common/nas/esm_messages.h"

namespace simbind::mme {
namespace {
constexpr std::uint8_t kPlmnNotAllowed = 11, kNoSuitableCells = 15, kNetworkFailure = 17;
}

std::uint8_t emm_cause_for(S6aProcedure procedure, const diameter::ResultCode& result) {
  namespace exp = diameter::experimental;
  if (result.experimental) {
    switch (result.code) {
      case exp::user_unknown: return nas::emm_cause::illegal_ue;
      case exp::unknown_eps_subscription:
        return procedure == S6aProcedure::ulr ? nas::emm_cause::illegal_me : nas::emm_cause::eps_services_not_allowed;
      case exp::roaming_not_allowed: return kPlmnNotAllowed;
      case exp::rat_not_allowed: return kNoSuitableCells;
      default: break;
    }
  }
  return kNetworkFailure;
}

std::uint8_t emm_cause_for(const S6aFailure& failure) {
  return failure.kind == S6aFailure::Kind::timeout ? nas::emm_cause::congestion : kNetworkFailure;
}

}  // namespace simbind::mme
