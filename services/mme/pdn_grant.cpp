#include "services/mme/pdn_grant.h"

#include "common/nas/esm_messages.h"

namespace simbind::mme {

PdnGrant grant_pdn_type(std::uint8_t requested, subscription::PdnType subscribed) {
  using subscription::PdnType;
  namespace t = nas::pdn_type;
  namespace c = nas::esm_cause;
  if (requested == t::non_ip) return {0, c::unknown_pdn_type};  // no non-IP PDN connections here
  if (requested != t::ipv4 && requested != t::ipv4v6) requested = t::ipv6;
  switch (requested) {
    case t::ipv4:
      if (subscribed == PdnType::ipv6) return {0, c::pdn_type_ipv6_only_allowed};
      return {t::ipv4, 0};
    case t::ipv6:
      if (subscribed == PdnType::ipv4) return {0, c::pdn_type_ipv4_only_allowed};
      return {t::ipv6, 0};
    default:  // IPv4v6
      switch (subscribed) {
        case PdnType::ipv4: return {t::ipv4, c::pdn_type_ipv4_only_allowed};
        case PdnType::ipv6: return {t::ipv6, c::pdn_type_ipv6_only_allowed};
        case PdnType::ipv4v6: return {t::ipv4v6, 0};
        // Either, not both: IPv4, the one every lab host can reach, with #52 so the UE may ask for IPv6 in a
        // second PDN connection (TS 24.301 6.5.1.3).
        case PdnType::ipv4_or_ipv6: return {t::ipv4, c::single_address_bearers_only_allowed};
      }
  }
  return {0, c::unknown_pdn_type};
}

}  // namespace simbind::mme
