// The EPS session management messages an attach carries (TS 24.301 8.3), as plain structs with their encoding.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "common/nas/ies.h"

namespace simbind::nas {

namespace esm_type {  // TS 24.301 9.8
inline constexpr std::uint8_t activate_default_bearer_request = 0xc1, activate_default_bearer_accept = 0xc2,
                              pdn_connectivity_request = 0xd0, pdn_connectivity_reject = 0xd1, esm_dummy_message = 0xdc,
                              esm_status = 0xe8;
}

namespace esm_cause {  // TS 24.301 9.9.4.4
inline constexpr std::uint8_t operator_determined_barring = 8, insufficient_resources = 26, missing_or_unknown_apn = 27,
                              unknown_pdn_type = 28, request_rejected_unspecified = 31,
                              service_option_not_authorized = 33, pdn_type_ipv4_only_allowed = 50,
                              pdn_type_ipv6_only_allowed = 51, single_address_bearers_only_allowed = 52,
                              protocol_error = 111;
}

namespace pdn_type {  // TS 24.301 9.9.4.10 (PDN type) and 9.9.4.9 (PDN address): 3 bits
inline constexpr std::uint8_t ipv4 = 1, ipv6 = 2, ipv4v6 = 3, non_ip = 5;
}

struct EsmHeader {
  std::uint8_t ebi = 0;  // EPS bearer identity
  std::uint8_t pti = 0;  // procedure transaction identity
  bool operator==(const EsmHeader&) const = default;
};

struct PdnConnectivityRequest {
  EsmHeader header;
  std::uint8_t request_type = 1;  // initial request
  std::uint8_t pdn_type = 1;      // IPv4
  std::optional<std::string> apn;
  bool operator==(const PdnConnectivityRequest&) const = default;
};
struct PdnConnectivityReject {
  EsmHeader header;
  std::uint8_t esm_cause = 0;
  bool operator==(const PdnConnectivityReject&) const = default;
};
struct ActivateDefaultBearerRequest {
  EsmHeader header;
  std::uint8_t qci = 9;
  std::string apn;
  // PDN address (TS 24.301 9.9.4.9): the PDN type says which of the two are carried, IPv4 (4 octets), IPv6
  // (the 8-octet interface identifier) or IPv4v6 (the interface identifier, then the IPv4 address).
  std::uint8_t pdn_type = pdn_type::ipv4;
  Octets<4> ipv4{};
  Octets<8> ipv6_iid{};
  std::optional<Bytes> apn_ambr;  // TS 24.301 9.9.4.2, as encoded
  // Why the PDN type differs from the one asked for (#50, #51, #52; TS 24.301 6.5.1.3).
  std::optional<std::uint8_t> esm_cause;
  bool operator==(const ActivateDefaultBearerRequest&) const = default;
};
struct ActivateDefaultBearerAccept {
  EsmHeader header;
  bool operator==(const ActivateDefaultBearerAccept&) const = default;
};
struct EsmStatus {
  EsmHeader header;
  std::uint8_t esm_cause = 0;
  bool operator==(const EsmStatus&) const = default;
};

// What an ATTACH COMPLETE carries when the attach brought no PDN connection (TS 24.301 5.5.1.2.4, 8.3.12A).
struct EsmDummyMessage {
  EsmHeader header;
  bool operator==(const EsmDummyMessage&) const = default;
};

using EsmMessage = std::variant<PdnConnectivityRequest, PdnConnectivityReject, ActivateDefaultBearerRequest,
                                ActivateDefaultBearerAccept, EsmStatus, EsmDummyMessage>;

// An ESM message, or the IE that does not fit its length field.
Result<Bytes> encode_esm(const EsmMessage& m);
Result<EsmMessage> decode_esm(ByteView message);

}  // namespace simbind::nas
