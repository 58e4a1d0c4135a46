// Which PDN type a UE gets (TS 24.301 6.5.1.3/6.5.1.4, TS 23.401 5.3.1.1): what it asked for in its PDN
// CONNECTIVITY REQUEST, within what the APN configuration subscribes. A pure decision, so that the whole table
// is tested in one place.
#pragma once

#include <cstdint>

#include "common/subscription/apn_config.h"

namespace simbind::mme {

struct PdnGrant {
  std::uint8_t pdn_type = 0;   // NAS PDN type granted (nas::pdn_type); 0 = refused
  std::uint8_t esm_cause = 0;  // refused: the PDN CONNECTIVITY REJECT cause; granted: the cause the ACTIVATE
                               // DEFAULT EPS BEARER CONTEXT REQUEST carries (#50, #51, #52), 0 for none
  bool granted() const { return pdn_type != 0; }
};

// `requested` is the NAS PDN type (1 IPv4, 2 IPv6, 3 IPv4v6; 5 non-IP is refused with #28, and the unused
// values count as IPv6, as TS 24.301 9.9.4.10 tells the network). `subscribed` is the APN configuration's.
//
//   asked \ subscribed  IPv4           IPv6           IPv4v6    IPv4_OR_IPv6
//   IPv4                IPv4           reject #51     IPv4      IPv4
//   IPv6                reject #50     IPv6           IPv6      IPv6
//   IPv4v6              IPv4 + #50     IPv6 + #51     IPv4v6    IPv4 + #52
PdnGrant grant_pdn_type(std::uint8_t requested, subscription::PdnType subscribed);

}  // namespace simbind::mme
