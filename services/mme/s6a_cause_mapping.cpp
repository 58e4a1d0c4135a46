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

std::string emm_cause_text(std::uint8_t cause) {
  const char* name = "unspecified";
  switch (cause) {
    case 3: name = "Illegal UE"; break;
    case 6: name = "Illegal ME"; break;
    case 7: name = "EPS services not allowed"; break;
    case 11: name = "PLMN not allowed"; break;
    case 15: name = "No suitable cells in tracking area"; break;
    case 17: name = "Network failure"; break;
    case 19: name = "ESM failure"; break;
    case 20: name = "MAC failure"; break;
    case 21: name = "Synch failure"; break;
    case 22: name = "Congestion"; break;
    case 23: name = "UE security capabilities mismatch"; break;
    case 24: name = "Security mode rejected, unspecified"; break;
    case 26: name = "Non-EPS authentication unacceptable"; break;
    case 95: name = "Semantically incorrect message"; break;
    case 96: name = "Invalid mandatory information"; break;
    case 97: name = "Message type non-existent or not implemented"; break;
    case 111: name = "Protocol error, unspecified"; break;
    default: break;
  }
  return "#" + std::to_string(cause) + " " + name;
}

std::string esm_cause_text(std::uint8_t cause) {
  const char* name = "unspecified";
  switch (cause) {
    case 8: name = "Operator determined barring"; break;
    case 26: name = "Insufficient resources"; break;
    case 27: name = "Missing or unknown APN"; break;
    case 31: name = "Request rejected, unspecified"; break;
    case 33: name = "Requested service option not subscribed"; break;
    case 111: name = "Protocol error, unspecified"; break;
    default: break;
  }
  return "#" + std::to_string(cause) + " " + name;
}

}  // namespace simbind::mme
