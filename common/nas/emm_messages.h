// EPS mobility management messages (TS 24.301 8.2) as plain structs, and their plain (not security-protected)
// encoding. Only the IEs simbind uses are fields; unknown optional IEs are skipped on decoding.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>

#include "common/crypto/nas_security.h"
#include "common/nas/ies.h"

namespace simbind::nas {

namespace emm_type {  // TS 24.301 9.8
inline constexpr std::uint8_t attach_request = 0x41, attach_accept = 0x42, attach_complete = 0x43,
                              attach_reject = 0x44, detach_request = 0x45, detach_accept = 0x46,
                              authentication_request = 0x52, authentication_response = 0x53,
                              authentication_reject = 0x54, identity_request = 0x55, identity_response = 0x56,
                              authentication_failure = 0x5c, security_mode_command = 0x5d,
                              security_mode_complete = 0x5e, security_mode_reject = 0x5f, emm_status = 0x60,
                              downlink_generic_nas_transport = 0x68, uplink_generic_nas_transport = 0x69;
}

namespace emm_cause {  // TS 24.301 9.9.3.9
inline constexpr std::uint8_t illegal_ue = 3, illegal_me = 6, eps_services_not_allowed = 7,
                              mac_failure = 20, synch_failure = 21, congestion = 22,
                              ue_security_capabilities_mismatch = 23, security_mode_rejected = 24,
                              non_eps_authentication_unacceptable = 26, esm_failure = 19,
                              semantically_incorrect = 95, invalid_mandatory_information = 96,
                              message_type_non_existent = 97, protocol_error = 111;
}

inline constexpr std::uint8_t kNoKeyAvailable = 7;  // NAS key set identifier (TS 24.301 9.9.3.21)

struct AttachRequest {
  std::uint8_t attach_type = 1;  // EPS attach
  std::uint8_t nas_ksi = kNoKeyAvailable;
  MobileIdentity identity;
  Bytes ue_network_capability{0xe0, 0xe0};  // EEA0-2, EIA0-2
  Bytes esm_container;                      // a PDN CONNECTIVITY REQUEST
  bool operator==(const AttachRequest&) const = default;
};
struct AttachAccept {
  std::uint8_t attach_result = 1;  // EPS only
  std::uint8_t t3412 = 0x49;       // GPRS timer (TS 24.008 10.5.7.3): unit 010 (6 min) x 9 = 54 min, the default
  Bytes tai_list;
  Bytes esm_container;  // ACTIVATE DEFAULT EPS BEARER CONTEXT REQUEST
  std::optional<MobileIdentity> guti;
  bool operator==(const AttachAccept&) const = default;
};
struct AttachComplete {
  Bytes esm_container;  // ACTIVATE DEFAULT EPS BEARER CONTEXT ACCEPT
  bool operator==(const AttachComplete&) const = default;
};
struct AttachReject {
  std::uint8_t emm_cause = 0;
  std::optional<Bytes> esm_container;
  bool operator==(const AttachReject&) const = default;
};
struct IdentityRequest {
  std::uint8_t identity_type = 1;  // 1 IMSI, 2 IMEI, 3 IMEISV
  bool operator==(const IdentityRequest&) const = default;
};
struct IdentityResponse {
  MobileIdentity identity;
  bool operator==(const IdentityResponse&) const = default;
};
struct AuthenticationRequest {
  std::uint8_t nas_ksi = 0;
  Octets<16> rand{};
  Octets<16> autn{};
  bool operator==(const AuthenticationRequest&) const = default;
};
struct AuthenticationResponse {
  Bytes res;
  bool operator==(const AuthenticationResponse&) const = default;
};
struct AuthenticationFailure {
  std::uint8_t emm_cause = 0;
  std::optional<Octets<14>> auts;  // with cause #21 synch failure
  bool operator==(const AuthenticationFailure&) const = default;
};
struct AuthenticationReject {
  bool operator==(const AuthenticationReject&) const = default;
};
struct SecurityModeCommand {
  std::uint8_t eea = 2;
  std::uint8_t eia = 2;
  std::uint8_t nas_ksi = 0;
  Bytes replayed_ue_security_capabilities{0xe0, 0xe0};
  bool imeisv_request = false;
  bool operator==(const SecurityModeCommand&) const = default;
};
struct SecurityModeComplete {
  std::optional<MobileIdentity> imeisv;
  bool operator==(const SecurityModeComplete&) const = default;
};
struct SecurityModeReject {
  std::uint8_t emm_cause = 0;
  bool operator==(const SecurityModeReject&) const = default;
};
struct DetachRequestUe {  // UE originating (TS 24.301 8.2.11.1)
  std::uint8_t detach_type = 1;  // EPS detach; bit 4 = switch off
  std::uint8_t nas_ksi = kNoKeyAvailable;
  MobileIdentity identity;
  bool operator==(const DetachRequestUe&) const = default;
};
struct DetachRequestNetwork {  // network originating (TS 24.301 8.2.11.2)
  std::uint8_t detach_type = 1;  // 1 re-attach required, 3 IMSI detach
  std::optional<std::uint8_t> emm_cause;
  bool operator==(const DetachRequestNetwork&) const = default;
};
struct DetachAccept {
  bool operator==(const DetachAccept&) const = default;
};
struct GenericNasTransport {  // downlink (0x68) and uplink (0x69)
  bool downlink = true;
  std::uint8_t container_type = 0;
  Bytes container;
  std::optional<Bytes> additional_information;
  bool operator==(const GenericNasTransport&) const = default;
};
struct EmmStatus {
  std::uint8_t emm_cause = 0;
  bool operator==(const EmmStatus&) const = default;
};

using EmmMessage = std::variant<AttachRequest, AttachAccept, AttachComplete, AttachReject, IdentityRequest,
                                IdentityResponse, AuthenticationRequest, AuthenticationResponse,
                                AuthenticationFailure, AuthenticationReject, SecurityModeCommand,
                                SecurityModeComplete, SecurityModeReject, DetachRequestUe, DetachRequestNetwork,
                                DetachAccept, GenericNasTransport, EmmStatus>;

// A plain EMM message (security header type 0), or the IE that does not fit its length field.
Result<Bytes> encode_emm(const EmmMessage& m);

// Decodes a plain EMM message. `sender` resolves DETACH REQUEST, whose two forms share a message type.
// Errors name the IE; an unknown message type is ErrorCode::not_found (answer EMM STATUS #97).
Result<EmmMessage> decode_emm(ByteView message, crypto::Direction sender);

const char* emm_message_name(const EmmMessage& m);

}  // namespace simbind::nas
