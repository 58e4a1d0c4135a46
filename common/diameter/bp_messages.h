// Bp, the HSS <-> provisioning server application (DESIGN 5.3), as plain structs. Vendor 32473; application id
// and command codes come from BindingDictionaryConfig (lab defaults in avp_codes.h).
//
// Results: Result-Code 2001 on success; 5030 DIAMETER_USER_UNKNOWN (RFC 4006 9.1) when the device or the
// subscription is unknown (no public key for the IMEI, no factory KME); 5012 DIAMETER_UNABLE_TO_COMPLY when a
// step failed (key directory unreachable, wrap failure, store error); 5004 for a malformed value.
#pragma once

#include <cstdint>
#include <string>

#include "common/diameter/s6a_messages.h"

namespace simbind::diameter {

namespace bp_result {
inline constexpr std::uint32_t device_unknown = 5030;
}

// HSS -> prov: a fresh KME for this subscription and device (DESIGN 3.3 step 8).
struct KmeEstablishmentRequest {
  std::string user_name;  // IMSI
  TerminalInformation terminal;
};
struct KmeEstablishmentAnswer {
  ResultCode result;
  Bytes wrapped_kme;      // for the device, under its public key
  Bytes hss_wrapped_kme;  // for the HSS, RFC 5649 under the shared key-encryption key
  std::uint32_t kme_id = 0;
  std::uint32_t key_wrap_scheme = 0;  // crypto::KeyWrapScheme values
};

// prov -> HSS: a factory KME for (IMSI, IMEI) at activation (DESIGN 3.4).
struct BindingActivationRequest {
  std::string user_name;
  std::string imei;
  Bytes hss_wrapped_kme;
  std::uint32_t kme_id = 0;
};
struct BindingActivationAnswer {
  ResultCode result;
};

}  // namespace simbind::diameter
