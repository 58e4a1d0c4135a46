// A subscriber's EPS subscription as the HSS keeps it and S6a carries it (TS 29.272 7.3.2, 7.3.34, 7.3.35):
// several APN configurations, one of them the default, and the subscriber-level data beside them. Shared by
// simbind-hss (store, admin API, ULA) and the `simbind` command line (which checks input before sending it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/util/bytes.h"
#include "common/util/error.h"

namespace simbind::subscription {

// PDN-Type (TS 29.272 7.3.62): the values are the AVP's.
enum class PdnType : std::int32_t { ipv4 = 0, ipv6 = 1, ipv4v6 = 2, ipv4_or_ipv6 = 3 };
// Pre-emption-Capability / -Vulnerability (TS 29.212 5.3.46/5.3.47): ENABLED 0, DISABLED 1.
enum class PreEmption : std::int32_t { enabled = 0, disabled = 1 };
// Subscriber-Status (TS 29.272 7.3.29).
enum class SubscriberStatus : std::int32_t { service_granted = 0, operator_determined_barring = 1 };
// Network-Access-Mode (TS 29.272 7.3.21); 1 is reserved.
enum class NetworkAccessMode : std::int32_t { packet_and_circuit = 0, only_packet = 2 };

bool allows_ipv4(PdnType t);
bool allows_ipv6(PdnType t);

// Allocation-Retention-Priority (TS 29.272 7.3.40). The defaults are the ones simbind-hss always sent.
struct Arp {
  std::uint32_t priority_level = 8;  // 1 (highest) .. 15
  PreEmption capability = PreEmption::disabled;
  PreEmption vulnerability = PreEmption::enabled;
  bool operator==(const Arp&) const = default;
};

inline constexpr std::size_t kMaxApnConfigs = 50;  // TS 29.272 7.3.34: 1 to 50 APN-Configuration AVPs
inline constexpr std::size_t kMaxApnOctets = 100;  // TS 23.003 9.1: the APN, encoded, is at most 100 octets

// One APN-Configuration (TS 29.272 7.3.35).
struct ApnConfig {
  std::uint32_t context_id = 1;  // Context-Identifier, unique within the subscriber
  std::string apn = "internet";  // Service-Selection
  PdnType pdn_type = PdnType::ipv4v6;
  std::int32_t qci = 9;
  Arp arp;
  std::uint32_t ambr_ul = 0;  // APN-AMBR, bit/s; both 0: no AMBR AVP in the APN-Configuration (UE-AMBR only)
  std::uint32_t ambr_dl = 0;
  std::optional<Octets<4>> static_ipv4;         // Served-Party-IP-Address (IPv4)
  std::optional<Octets<8>> static_ipv6_prefix;  // Served-Party-IP-Address (IPv6), the /64 prefix
  bool operator==(const ApnConfig&) const = default;
};

// The subscription of one subscriber (TS 29.272 7.3.2 Subscription-Data, the EPS part simbind serves).
struct Profile {
  std::string msisdn;  // digits, empty = none
  SubscriberStatus status = SubscriberStatus::service_granted;
  NetworkAccessMode network_access_mode = NetworkAccessMode::only_packet;
  std::uint32_t access_restriction = 0;  // Access-Restriction-Data bits (TS 29.272 7.3.31)
  std::uint32_t ue_ambr_ul = 50'000'000;  // AMBR in Subscription-Data, bit/s
  std::uint32_t ue_ambr_dl = 100'000'000;
  std::uint32_t default_context_id = 1;  // the APN-Configuration-Profile's Context-Identifier
  std::vector<ApnConfig> apns{ApnConfig{}};

  // The default APN configuration, or nullptr when default_context_id names none (check() refuses that).
  const ApnConfig* default_apn() const;
  ApnConfig* default_apn();
  bool operator==(const Profile&) const = default;
};

// Names as the admin API, the command line and the import files write them.
const char* to_string(PdnType t);                 // ipv4, ipv6, ipv4v6, ipv4_or_ipv6
std::optional<PdnType> pdn_type_from(std::string_view name);
const char* to_string(PreEmption p);              // enabled, disabled
const char* to_string(SubscriberStatus s);        // service_granted, operator_determined_barring
std::optional<SubscriberStatus> subscriber_status_from(std::string_view name);
const char* to_string(NetworkAccessMode m);       // packet_and_circuit, only_packet
std::optional<NetworkAccessMode> network_access_mode_from(std::string_view name);

// Addresses: "192.0.2.10"; an IPv6 prefix as "2001:db8:1:2::/64" (only /64 prefixes are subscribed: TS 23.401
// 5.3.1.2.2 gives every PDN connection one /64).
Result<Octets<4>> parse_ipv4(std::string_view text);
std::string ipv4_text(const Octets<4>& a);
Result<Octets<8>> parse_ipv6_prefix(std::string_view text);
std::string ipv6_prefix_text(const Octets<8>& prefix);

// What is wrong with an APN name (TS 23.003 9.1: labels of letters, digits and hyphens, at most 100 octets
// encoded), or nothing.
std::optional<std::string> apn_problem(std::string_view apn);
// APNs compare without regard to case (TS 23.003 9.1).
bool same_apn(std::string_view a, std::string_view b);

// Every rule a subscription must keep before it is stored: 1..50 APN configurations with unique non-zero
// context ids and unique names, exactly one default that exists, QCI 1..254, ARP priority 1..15, static
// addresses only where the PDN type allows them, MSISDN of up to 15 digits. The first problem, with the field
// (`apns[1].qci: must be 1..254, got 0`).
Result<void> check(const Profile& p);

}  // namespace simbind::subscription
