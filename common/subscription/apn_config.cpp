#include "common/subscription/apn_config.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <cctype>
#include <set>

namespace simbind::subscription {
namespace {

std::unexpected<Error> bad(const std::string& field, const std::string& why) {
  return fail(ErrorCode::invalid_argument, field + ": " + why);
}

}  // namespace

bool allows_ipv4(PdnType t) { return t != PdnType::ipv6; }
bool allows_ipv6(PdnType t) { return t != PdnType::ipv4; }

const ApnConfig* Profile::default_apn() const {
  for (const auto& a : apns) {
    if (a.context_id == default_context_id) return &a;
  }
  return nullptr;
}
ApnConfig* Profile::default_apn() {
  return const_cast<ApnConfig*>(static_cast<const Profile*>(this)->default_apn());
}

const char* to_string(PdnType t) {
  switch (t) {
    case PdnType::ipv4: return "ipv4";
    case PdnType::ipv6: return "ipv6";
    case PdnType::ipv4v6: return "ipv4v6";
    case PdnType::ipv4_or_ipv6: return "ipv4_or_ipv6";
  }
  return "?";
}

std::optional<PdnType> pdn_type_from(std::string_view name) {
  for (auto t : {PdnType::ipv4, PdnType::ipv6, PdnType::ipv4v6, PdnType::ipv4_or_ipv6}) {
    if (name == to_string(t)) return t;
  }
  return std::nullopt;
}

const char* to_string(PreEmption p) { return p == PreEmption::enabled ? "enabled" : "disabled"; }

const char* to_string(SubscriberStatus s) {
  return s == SubscriberStatus::service_granted ? "service_granted" : "operator_determined_barring";
}
std::optional<SubscriberStatus> subscriber_status_from(std::string_view name) {
  for (auto s : {SubscriberStatus::service_granted, SubscriberStatus::operator_determined_barring}) {
    if (name == to_string(s)) return s;
  }
  return std::nullopt;
}

const char* to_string(NetworkAccessMode m) {
  return m == NetworkAccessMode::packet_and_circuit ? "packet_and_circuit" : "only_packet";
}
std::optional<NetworkAccessMode> network_access_mode_from(std::string_view name) {
  for (auto m : {NetworkAccessMode::packet_and_circuit, NetworkAccessMode::only_packet}) {
    if (name == to_string(m)) return m;
  }
  return std::nullopt;
}

Result<Octets<4>> parse_ipv4(std::string_view text) {
  in_addr a{};
  const std::string s(text);
  if (inet_pton(AF_INET, s.c_str(), &a) != 1) return bad("address", "'" + s + "' is not an IPv4 address (A.B.C.D)");
  Octets<4> out{};
  std::memcpy(out.data(), &a, 4);
  return out;
}

std::string ipv4_text(const Octets<4>& a) {
  return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." + std::to_string(a[3]);
}

Result<Octets<8>> parse_ipv6_prefix(std::string_view text) {
  const std::string s(text);
  const auto slash = s.find('/');
  if (slash == std::string::npos || s.substr(slash + 1) != "64") {
    return bad("prefix", "'" + s + "' is not an IPv6 /64 prefix (e.g. 2001:db8:1:2::/64)");
  }
  in6_addr a{};
  if (inet_pton(AF_INET6, s.substr(0, slash).c_str(), &a) != 1) {
    return bad("prefix", "'" + s.substr(0, slash) + "' is not an IPv6 address");
  }
  if (std::any_of(a.s6_addr + 8, a.s6_addr + 16, [](std::uint8_t b) { return b != 0; })) {
    return bad("prefix", "'" + s + "' has bits set beyond /64");
  }
  Octets<8> out{};
  std::copy(a.s6_addr, a.s6_addr + 8, out.begin());
  return out;
}

std::string ipv6_prefix_text(const Octets<8>& prefix) {
  in6_addr a{};
  std::copy(prefix.begin(), prefix.end(), a.s6_addr);
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, &a, text, sizeof text);
  return std::string(text) + "/64";
}

std::optional<std::string> apn_problem(std::string_view apn) {
  if (apn.empty()) return "must not be empty";
  for (unsigned char c : apn) {
    if (c < 0x20 || c == 0x7f) return "contains a control character";
  }
  if (apn.size() + 1 > kMaxApnOctets) {
    return "must be at most " + std::to_string(kMaxApnOctets) + " octets encoded, got " + std::to_string(apn.size() + 1);
  }
  std::size_t start = 0;
  for (;;) {
    const auto dot = apn.find('.', start);
    const std::string_view label = apn.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) return "'" + std::string(apn) + "' has an empty label";
    if (label.size() > 63) return "a label is longer than 63 characters";
    for (unsigned char c : label) {
      if (!std::isalnum(c) && c != '-') {
        return "'" + std::string(apn) + "': labels hold only letters, digits and '-' (TS 23.003 9.1)";
      }
    }
    if (label.front() == '-' || label.back() == '-') return "'" + std::string(apn) + "': a label starts or ends with '-'";
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return std::nullopt;
}

bool same_apn(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

Result<void> check(const Profile& p) {
  if (p.msisdn.size() > 15 || p.msisdn.find_first_not_of("0123456789") != std::string::npos) {
    return bad("msisdn", "must be up to 15 digits");
  }
  if (p.status != SubscriberStatus::service_granted && p.status != SubscriberStatus::operator_determined_barring) {
    return bad("subscriber_status", "must be service_granted (0) or operator_determined_barring (1)");
  }
  if (p.network_access_mode != NetworkAccessMode::packet_and_circuit &&
      p.network_access_mode != NetworkAccessMode::only_packet) {
    return bad("network_access_mode", "must be packet_and_circuit (0) or only_packet (2)");
  }
  if (p.ue_ambr_ul == 0 || p.ue_ambr_dl == 0) return bad("ue_ambr", "uplink and downlink must be at least 1 bit/s");
  if (p.apns.empty()) return bad("apns", "at least one APN configuration is required");
  if (p.apns.size() > kMaxApnConfigs) {
    return bad("apns", "at most " + std::to_string(kMaxApnConfigs) + " APN configurations, got " +
                           std::to_string(p.apns.size()));
  }
  std::set<std::uint32_t> ids;
  std::set<std::string> names;
  for (std::size_t i = 0; i < p.apns.size(); ++i) {
    const ApnConfig& a = p.apns[i];
    const std::string at = "apns[" + std::to_string(i) + "] (" + a.apn + ")";
    if (auto problem = apn_problem(a.apn)) return bad(at + ".apn", *problem);
    std::string lower = a.apn;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!names.insert(lower).second) return bad(at + ".apn", "APN " + a.apn + " is configured twice");
    if (a.context_id == 0) return bad(at + ".context_id", "must be at least 1");
    if (!ids.insert(a.context_id).second) {
      return bad(at + ".context_id", "context id " + std::to_string(a.context_id) + " is used twice");
    }
    if (static_cast<std::int32_t>(a.pdn_type) < 0 || static_cast<std::int32_t>(a.pdn_type) > 3) {
      return bad(at + ".pdn_type", "must be ipv4, ipv6, ipv4v6 or ipv4_or_ipv6");
    }
    if (a.qci < 1 || a.qci > 254) return bad(at + ".qci", "must be 1..254, got " + std::to_string(a.qci));
    if (a.arp.priority_level < 1 || a.arp.priority_level > 15) {
      return bad(at + ".arp", "priority level must be 1..15, got " + std::to_string(a.arp.priority_level));
    }
    for (auto pe : {a.arp.capability, a.arp.vulnerability}) {
      if (pe != PreEmption::enabled && pe != PreEmption::disabled) {
        return bad(at + ".arp", "pre-emption capability and vulnerability are enabled (0) or disabled (1)");
      }
    }
    if ((a.ambr_ul == 0) != (a.ambr_dl == 0)) {
      return bad(at + ".ambr", "give both uplink and downlink APN-AMBR, or neither");
    }
    if (a.static_ipv4) {
      if (!allows_ipv4(a.pdn_type)) return bad(at + ".ipv4", "a static IPv4 address needs a PDN type that allows IPv4");
      const auto& v4 = *a.static_ipv4;
      if (v4[0] == 0 || v4[0] == 127 || v4[0] >= 224) {
        return bad(at + ".ipv4", ipv4_text(v4) + " is not a unicast host address");
      }
    }
    if (a.static_ipv6_prefix) {
      if (!allows_ipv6(a.pdn_type)) return bad(at + ".ipv6", "a static IPv6 prefix needs a PDN type that allows IPv6");
      const auto& v6 = *a.static_ipv6_prefix;
      if (std::all_of(v6.begin(), v6.end(), [](std::uint8_t b) { return b == 0; }) || v6[0] == 0xff) {
        return bad(at + ".ipv6", ipv6_prefix_text(v6) + " is not a unicast prefix");
      }
    }
  }
  if (!p.default_apn()) {
    return bad("default_context_id", "no APN configuration has context id " + std::to_string(p.default_context_id));
  }
  return {};
}

}  // namespace simbind::subscription
