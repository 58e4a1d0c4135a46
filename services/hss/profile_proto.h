// The admin API's Profile (proto/hss_admin.proto) and the stored subscription, both ways. Reading a Profile
// applies the API's defaults and its shortcut fields for the default APN, and checks the result whole
// (common/subscription), so that a refused request changes nothing.
#pragma once

#include "hss_admin.pb.h"
#include "services/hss/subscriber.h"

namespace simbind::hss {

Result<SubscriptionProfile> profile_from_proto(const v1::Profile& p);
void profile_to_proto(const SubscriptionProfile& p, v1::Profile* out);

}  // namespace simbind::hss
