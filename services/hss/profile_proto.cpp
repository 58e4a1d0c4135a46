#include "services/hss/profile_proto.h"

#include <set>

namespace simbind::hss {
namespace {

using namespace simbind::subscription;

std::unexpected<Error> bad(const std::string& field, const std::string& why) {
  return fail(ErrorCode::invalid_argument, "profile." + field + ": " + why);
}

Result<PdnType> pdn_type_of(v1::PdnType t, const std::string& at) {
  switch (t) {
    case v1::PDN_TYPE_UNSPECIFIED:
    case v1::PDN_TYPE_IPV4V6: return PdnType::ipv4v6;
    case v1::PDN_TYPE_IPV4: return PdnType::ipv4;
    case v1::PDN_TYPE_IPV6: return PdnType::ipv6;
    case v1::PDN_TYPE_IPV4_OR_IPV6: return PdnType::ipv4_or_ipv6;
    default: return bad(at + ".pdn_type", "unknown value " + std::to_string(static_cast<int>(t)));
  }
}

v1::PdnType pdn_type_to(PdnType t) {
  switch (t) {
    case PdnType::ipv4: return v1::PDN_TYPE_IPV4;
    case PdnType::ipv6: return v1::PDN_TYPE_IPV6;
    case PdnType::ipv4v6: return v1::PDN_TYPE_IPV4V6;
    case PdnType::ipv4_or_ipv6: return v1::PDN_TYPE_IPV4_OR_IPV6;
  }
  return v1::PDN_TYPE_UNSPECIFIED;
}

Result<PreEmption> pre_emption_of(v1::PreEmption p, PreEmption unspecified, const std::string& at) {
  switch (p) {
    case v1::PRE_EMPTION_UNSPECIFIED: return unspecified;
    case v1::PRE_EMPTION_ENABLED: return PreEmption::enabled;
    case v1::PRE_EMPTION_DISABLED: return PreEmption::disabled;
    default: return bad(at, "unknown value " + std::to_string(static_cast<int>(p)));
  }
}

v1::PreEmption pre_emption_to(PreEmption p) {
  return p == PreEmption::enabled ? v1::PRE_EMPTION_ENABLED : v1::PRE_EMPTION_DISABLED;
}

Result<ApnConfig> apn_from_proto(const v1::ApnConfig& in, std::size_t index) {
  const std::string at = "apns[" + std::to_string(index) + "]";
  ApnConfig a;
  a.context_id = in.context_id();  // 0: assigned below
  a.apn = in.apn();
  auto pdn = pdn_type_of(in.pdn_type(), at);
  if (!pdn) return std::unexpected(pdn.error());
  a.pdn_type = *pdn;
  a.qci = in.qci() ? in.qci() : a.qci;
  a.arp.priority_level = in.arp_priority() ? in.arp_priority() : a.arp.priority_level;
  auto cap = pre_emption_of(in.pre_emption_capability(), PreEmption::disabled, at + ".pre_emption_capability");
  if (!cap) return std::unexpected(cap.error());
  auto vul = pre_emption_of(in.pre_emption_vulnerability(), PreEmption::enabled, at + ".pre_emption_vulnerability");
  if (!vul) return std::unexpected(vul.error());
  a.arp.capability = *cap;
  a.arp.vulnerability = *vul;
  a.ambr_ul = in.ambr_ul();
  a.ambr_dl = in.ambr_dl();
  if (!in.static_ipv4().empty()) {
    auto v4 = parse_ipv4(in.static_ipv4());
    if (!v4) return bad(at + ".static_ipv4", v4.error().message);
    a.static_ipv4 = *v4;
  }
  if (!in.static_ipv6_prefix().empty()) {
    auto v6 = parse_ipv6_prefix(in.static_ipv6_prefix());
    if (!v6) return bad(at + ".static_ipv6_prefix", v6.error().message);
    a.static_ipv6_prefix = *v6;
  }
  return a;
}

}  // namespace

Result<SubscriptionProfile> profile_from_proto(const v1::Profile& p) {
  SubscriptionProfile out;
  out.msisdn = p.msisdn();
  if (p.ambr_ul()) out.ue_ambr_ul = p.ambr_ul();
  if (p.ambr_dl()) out.ue_ambr_dl = p.ambr_dl();
  switch (p.subscriber_status()) {
    case v1::SUBSCRIBER_STATUS_SERVICE_GRANTED: out.status = SubscriberStatus::service_granted; break;
    case v1::SUBSCRIBER_STATUS_OPERATOR_DETERMINED_BARRING:
      out.status = SubscriberStatus::operator_determined_barring;
      break;
    default: return bad("subscriber_status", "unknown value " + std::to_string(static_cast<int>(p.subscriber_status())));
  }
  switch (p.network_access_mode()) {
    case v1::NETWORK_ACCESS_MODE_UNSPECIFIED:
    case v1::NETWORK_ACCESS_MODE_ONLY_PACKET: out.network_access_mode = NetworkAccessMode::only_packet; break;
    case v1::NETWORK_ACCESS_MODE_PACKET_AND_CIRCUIT:
      out.network_access_mode = NetworkAccessMode::packet_and_circuit;
      break;
    default:
      return bad("network_access_mode", "unknown value " + std::to_string(static_cast<int>(p.network_access_mode())));
  }
  out.access_restriction = p.access_restriction();

  if (p.apns().empty()) {
    // The old single-APN form: one configuration, context id 1, the default.
    ApnConfig a;
    if (!p.apn().empty()) a.apn = p.apn();
    if (p.qci()) a.qci = p.qci();
    if (p.arp_priority()) a.arp.priority_level = p.arp_priority();
    out.apns = {a};
    out.default_context_id = a.context_id;
  } else {
    out.apns.clear();
    for (int i = 0; i < p.apns_size(); ++i) {
      auto a = apn_from_proto(p.apns(i), static_cast<std::size_t>(i));
      if (!a) return std::unexpected(a.error());
      out.apns.push_back(std::move(*a));
    }
    std::set<std::uint32_t> used;
    for (const auto& a : out.apns) used.insert(a.context_id);
    std::uint32_t next = 1;
    for (auto& a : out.apns) {
      if (a.context_id != 0) continue;
      while (used.contains(next)) ++next;
      a.context_id = next;
      used.insert(next);
    }
    if (p.default_context_id() != 0) {
      out.default_context_id = p.default_context_id();
    } else if (!p.default_apn().empty()) {
      const ApnConfig* found = nullptr;
      for (const auto& a : out.apns) {
        if (same_apn(a.apn, p.default_apn())) found = &a;
      }
      if (!found) return bad("default_apn", "no APN configuration named '" + p.default_apn() + "'");
      out.default_context_id = found->context_id;
    } else {
      out.default_context_id = out.apns.front().context_id;
    }
    if (ApnConfig* d = out.default_apn()) {  // the shortcut fields act on the default configuration
      if (!p.apn().empty()) d->apn = p.apn();
      if (p.qci()) d->qci = p.qci();
      if (p.arp_priority()) d->arp.priority_level = p.arp_priority();
    }
  }
  if (auto r = check(out); !r) return fail(ErrorCode::invalid_argument, "profile." + r.error().message);
  return out;
}

void profile_to_proto(const SubscriptionProfile& p, v1::Profile* out) {
  out->set_msisdn(p.msisdn);
  out->set_ambr_ul(p.ue_ambr_ul);
  out->set_ambr_dl(p.ue_ambr_dl);
  out->set_subscriber_status(p.status == SubscriberStatus::operator_determined_barring
                                 ? v1::SUBSCRIBER_STATUS_OPERATOR_DETERMINED_BARRING
                                 : v1::SUBSCRIBER_STATUS_SERVICE_GRANTED);
  out->set_network_access_mode(p.network_access_mode == NetworkAccessMode::packet_and_circuit
                                   ? v1::NETWORK_ACCESS_MODE_PACKET_AND_CIRCUIT
                                   : v1::NETWORK_ACCESS_MODE_ONLY_PACKET);
  out->set_access_restriction(p.access_restriction);
  out->set_default_context_id(p.default_context_id);
  if (const ApnConfig* d = p.default_apn()) {
    out->set_apn(d->apn);
    out->set_qci(d->qci);
    out->set_arp_priority(d->arp.priority_level);
    out->set_default_apn(d->apn);
  }
  for (const auto& a : p.apns) {
    auto* c = out->add_apns();
    c->set_context_id(a.context_id);
    c->set_apn(a.apn);
    c->set_pdn_type(pdn_type_to(a.pdn_type));
    c->set_qci(a.qci);
    c->set_arp_priority(a.arp.priority_level);
    c->set_pre_emption_capability(pre_emption_to(a.arp.capability));
    c->set_pre_emption_vulnerability(pre_emption_to(a.arp.vulnerability));
    c->set_ambr_ul(a.ambr_ul);
    c->set_ambr_dl(a.ambr_dl);
    if (a.static_ipv4) c->set_static_ipv4(ipv4_text(*a.static_ipv4));
    if (a.static_ipv6_prefix) c->set_static_ipv6_prefix(ipv6_prefix_text(*a.static_ipv6_prefix));
  }
}

}  // namespace simbind::hss
