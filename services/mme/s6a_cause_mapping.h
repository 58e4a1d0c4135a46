// Which EMM cause an ATTACH REJECT carries when the HSS refuses (TS 29.272 Annex A, adapted as the issue asks):
//   Experimental-Result 5001 USER_UNKNOWN            -> #3  Illegal UE
//   5420 UNKNOWN_EPS_SUBSCRIPTION in an AIA          -> #7  EPS services not allowed (e.g. binding required and
//                                                           this MME does not do binding)
//   5420 UNKNOWN_EPS_SUBSCRIPTION in a ULA           -> #6  Illegal ME (the device is not the one the subscription
//                                                           is bound to, DESIGN 3.5)
//   5004 ROAMING_NOT_ALLOWED                         -> #11 PLMN not allowed
//   5421 RAT_NOT_ALLOWED                             -> #15 No suitable cells in tracking area
//   4181 AUTHENTICATION_DATA_UNAVAILABLE, other 4xxx -> #17 Network failure (transient)
//   no answer in time                                -> #22 Congestion
//   HSS unreachable, malformed answer, anything else -> #17 Network failure
#pragma once

#include <cstdint>
#include <string>

#include "common/diameter/s6a_messages.h"
#include "services/mme/hss_link.h"

namespace simbind::mme {

enum class S6aProcedure { air, ulr };

std::uint8_t emm_cause_for(S6aProcedure procedure, const diameter::ResultCode& result);
std::uint8_t emm_cause_for(const S6aFailure& failure);

}  // namespace simbind::mme
