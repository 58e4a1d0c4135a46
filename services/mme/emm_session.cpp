// Bearers and the end of a UE's stay: the default bearer of the attach (or its refusal), standalone PDN
// connectivity, detach, and the place where the over-the-air binding container will be relayed.
#include <algorithm>
#include <cctype>

#include "common/diameter/avp_codes.h"
#include "common/log/log.h"
#include "common/nas/binding_container.h"
#include "common/subscription/apn_config.h"
#include "services/mme/emm_engine.h"
#include "services/mme/pdn_grant.h"
#include "common/nas/cause_names.h"
#include "services/mme/s6a_cause_mapping.h"

namespace simbind::mme {
namespace {

subscription::PdnType subscribed_type(std::int32_t avp_value) {
  // An HSS that sends a value TS 29.272 7.3.62 does not define gets the most restrictive reading, IPv4.
  return avp_value >= 0 && avp_value <= 3 ? static_cast<subscription::PdnType>(avp_value) : subscription::PdnType::ipv4;
}

}  // namespace

std::string PdnAddresses::text() const {
  std::string out;
  if (ipv6) {
    out = "IPv6 IID " + iid_text(ipv6->iid) + " (prefix " + subscription::ipv6_prefix_text(ipv6->prefix) + (ipv6->slot ? "" : ", static") +
          ")";
  }
  if (ipv4) out = ipv4_text(*ipv4) + (ipv4_static ? " (static)" : "") + (out.empty() ? "" : ", " + out);
  return out;
}

std::optional<PdnAddresses> EmmEngine::assign_addresses(std::uint8_t pdn_type, const diameter::ApnConfiguration& apn) {
  PdnAddresses a;
  a.pdn_type = pdn_type;
  if (pdn_type == nas::pdn_type::ipv4 || pdn_type == nas::pdn_type::ipv4v6) {
    if (apn.served_ipv4) {
      const std::uint32_t v = ipv4_value(*apn.served_ipv4);
      if (!pool_.reserve(v)) return std::nullopt;
      a.ipv4 = v;
      a.ipv4_static = true;
    } else {
      a.ipv4 = pool_.allocate();
      if (!a.ipv4) return std::nullopt;
    }
  }
  if (pdn_type == nas::pdn_type::ipv6 || pdn_type == nas::pdn_type::ipv4v6) {
    if (apn.served_ipv6_prefix) {
      a.ipv6 = Ipv6Pool::Lease{*apn.served_ipv6_prefix, kStaticPrefixIid, std::nullopt};
    } else {
      a.ipv6 = pool6_.allocate();
      if (!a.ipv6) {
        release_addresses(a);
        return std::nullopt;
      }
    }
  }
  return a;
}

void EmmEngine::release_addresses(const PdnAddresses& a) {
  if (a.ipv4) pool_.release(*a.ipv4);  // a static address outside the range was never held: release ignores it
  if (a.ipv6) pool6_.release(*a.ipv6);
}

// APN selection (TS 23.401 5.3.1.1): the requested APN if it is subscribed (#27 if not), none requested: the
// default APN configuration. Then the PDN type (pdn_grant.h) and its addresses.
std::variant<nas::ActivateDefaultBearerRequest, std::uint8_t> EmmEngine::default_bearer_for(
    UeContext& ue, const nas::PdnConnectivityRequest& r) {
  if (ue.restriction == diameter::BindingRestriction::provisioning_only) {
    return nas::esm_cause::service_option_not_authorized;  // #33: the access is for ME-binding provisioning only
  }
  if (!ue.subscription || ue.subscription->apns.empty()) return nas::esm_cause::missing_or_unknown_apn;
  const auto& apns = ue.subscription->apns;
  const diameter::ApnConfiguration* apn = nullptr;
  for (const auto& a : apns) {
    if (r.apn ? subscription::same_apn(a.service_selection, *r.apn)
              : a.context_identifier == ue.subscription->default_context_identifier) {
      apn = &a;
      break;
    }
  }
  if (!apn && !r.apn) apn = &apns.front();  // an HSS whose default names no configuration: the first
  if (!apn) {
    log::info("IMSI {}: APN {} is not in the subscription", ue.imsi, *r.apn);
    return nas::esm_cause::missing_or_unknown_apn;
  }

  const PdnGrant grant = grant_pdn_type(r.pdn_type, subscribed_type(apn->pdn_type));
  if (!grant.granted()) {
    log::info("IMSI {}: APN {}: PDN type {} asked, {} subscribed: {}", ue.imsi, apn->service_selection,
              unsigned{r.pdn_type}, subscription::to_string(subscribed_type(apn->pdn_type)),
              nas::describe_esm_cause(grant.esm_cause));
    return grant.esm_cause;
  }

  std::uint8_t ebi = 5;  // EPS bearer identities 5..15 (TS 24.007 11.2.3.1.5)
  while (ebi <= 15 && std::any_of(ue.bearers.begin(), ue.bearers.end(), [ebi](const Bearer& b) { return b.ebi == ebi; })) {
    ++ebi;
  }
  if (ebi > 15) return nas::esm_cause::insufficient_resources;
  auto addresses = assign_addresses(grant.pdn_type, *apn);
  if (!addresses) return nas::esm_cause::insufficient_resources;
  ue.bearers.push_back(Bearer{ebi, apn->service_selection, *addresses, false});

  nas::ActivateDefaultBearerRequest request;
  request.header = {ebi, r.header.pti};
  request.qci = static_cast<std::uint8_t>(apn->qci);
  request.apn = apn->service_selection;
  request.pdn_type = grant.pdn_type;
  if (addresses->ipv4) request.ipv4 = ipv4_octets(*addresses->ipv4);
  if (addresses->ipv6) request.ipv6_iid = addresses->ipv6->iid;
  if (grant.esm_cause) request.esm_cause = grant.esm_cause;
  return request;
}

void EmmEngine::dispatch_esm(UeContext& ue, ByteView message) {
  auto esm = nas::decode_esm(message);
  if (!esm) {
    ++counters_.nas_malformed;
    log::info("IMSI {}: malformed ESM message: {}", ue.imsi, esm.error().message);
    const std::uint8_t pti = message.size() > 1 ? message[1] : 0;
    return send_nas(ue, nas::encode_esm(nas::EsmStatus{{0, pti}, 96}), nas::SecurityHeaderType::integrity_ciphered);
  }
  if (const auto* r = std::get_if<nas::PdnConnectivityRequest>(&*esm)) return on_pdn_connectivity_request(ue, *r);
  if (const auto* a = std::get_if<nas::ActivateDefaultBearerAccept>(&*esm)) return on_bearer_accept(ue, *a);
  if (const auto* s = std::get_if<nas::EsmStatus>(&*esm)) {
    log::info("IMSI {}: ESM STATUS from the UE: {}", ue.imsi, nas::describe_esm_cause(s->esm_cause));
    return;
  }
  log::debug("IMSI {}: ESM message ignored", ue.imsi);
}

void EmmEngine::on_pdn_connectivity_request(UeContext& ue, const nas::PdnConnectivityRequest& m) {
  if (ue.state != EmmState::registered) {
    return send_nas(ue, nas::encode_esm(nas::PdnConnectivityReject{{0, m.header.pti}, nas::esm_cause::request_rejected_unspecified}),
                    nas::SecurityHeaderType::integrity_ciphered);
  }
  auto bearer = default_bearer_for(ue, m);
  if (auto* request = std::get_if<nas::ActivateDefaultBearerRequest>(&bearer)) {
    log::info("IMSI {}: PDN connectivity for APN {}: EBI {}", ue.imsi, request->apn, request->header.ebi);
    return send_guarded(ue, nas::encode_esm(*request), nas::SecurityHeaderType::integrity_ciphered,
                        config_.timers.t3485, "ACTIVATE DEFAULT EPS BEARER CONTEXT REQUEST");
  }
  const std::uint8_t cause = std::get<std::uint8_t>(bearer);
  ++counters_.bearers_refused;
  log::info("IMSI {}: PDN CONNECTIVITY REJECT {}{}", ue.imsi, nas::describe_esm_cause(cause),
            ue.restriction == diameter::BindingRestriction::provisioning_only ? " (Binding-Restriction PROVISIONING_ONLY)" : "");
  send_nas(ue, nas::encode_esm(nas::PdnConnectivityReject{{0, m.header.pti}, cause}),
           nas::SecurityHeaderType::integrity_ciphered);
}

void EmmEngine::on_bearer_accept(UeContext& ue, const nas::ActivateDefaultBearerAccept& m) {
  for (auto& b : ue.bearers) {
    if (b.ebi != m.header.ebi || b.active) continue;
    b.active = true;
    if (ue.state == EmmState::registered) {
      stop_guard(ue);  // T3485 of a standalone bearer
      log::info("IMSI {}: bearer EBI {} APN {} address {} active", ue.imsi, b.ebi, b.apn, b.addresses.text());
    }
    return;
  }
}

void EmmEngine::on_detach_request(UeContext& ue, const nas::DetachRequestUe& m) {
  ++counters_.detaches;
  const bool switch_off = (m.detach_type & 0x08) != 0;
  if (!switch_off) send_nas(ue, nas::encode_emm(nas::DetachAccept{}), nas::SecurityHeaderType::integrity_ciphered);
  log::info("IMSI {}: detached{}", ue.imsi, switch_off ? " (switch off)" : "");
  release(ue, true, "UE-initiated detach");
}

void EmmEngine::insert_subscriber_data(diameter::InsertSubscriberDataRequest request, IdaReply reply) {
  link_->post([this, request = std::move(request), reply = std::move(reply)] {
    auto it = by_imsi_.find(request.user_name);
    UeContext* ue = it == by_imsi_.end() ? nullptr : find(it->second);
    if (!ue) {
      log::info("IDR {}: no such UE here: DIAMETER_ERROR_USER_UNKNOWN", request.user_name);
      return reply({diameter::ResultCode::exp(diameter::experimental::user_unknown), std::nullopt, std::nullopt});
    }
    if (!request.binding) return reply({});  // nothing simbind-mme keeps from the subscription data: accepted
    relay_binding(*ue, request, reply);
  });
}

void EmmEngine::relay_binding(UeContext& ue, const diameter::InsertSubscriberDataRequest& request, IdaReply reply) {
  const diameter::ResultCode unable = diameter::ResultCode::base(diameter::result::unable_to_comply);
  if (!ue.security || ue.binding_relay) {
    log::info("IMSI {}: IDR binding container refused: {}", ue.imsi,
              ue.binding_relay ? "another one is in progress" : "no NAS security context (DESIGN 3.3 needs ciphering)");
    return reply({unable, std::nullopt, std::nullopt});
  }
  const auto& b = *request.binding;
  nas::BindingDownlink container{b.kme_id, static_cast<std::uint8_t>(b.key_wrap_scheme), b.hss_nonce, b.wrapped_kme};
  auto encoded = nas::encode_binding_downlink(container);
  if (!encoded) {
    log::info("IMSI {}: IDR binding container refused: {}", ue.imsi, encoded.error().message);
    return reply({unable, std::nullopt, std::nullopt});
  }
  send_nas(ue, nas::encode_emm(nas::GenericNasTransport{true, config_.binding_container_type, std::move(*encoded),
                                                        std::nullopt}),
           nas::SecurityHeaderType::integrity_ciphered);
  const UeKey key = ue.key;
  const std::uint64_t generation = ue.generation;
  const NasLink::TimerId timer = link_->schedule(config_.timers.binding_response, [this, key, generation] {
    UeContext* u = find(key);
    if (!u || u->generation != generation || !u->binding_relay) return;
    log::info("IMSI {}: no answer to the binding container in time: IDA 5012", u->imsi);
    end_binding_relay(*u, {diameter::ResultCode::base(diameter::result::unable_to_comply), std::nullopt, std::nullopt});
  });
  ue.binding_relay = UeContext::BindingRelay{std::move(reply), timer};
  log::info("IMSI {}: binding container (KME-Id {}) relayed in DOWNLINK GENERIC NAS TRANSPORT", ue.imsi, b.kme_id);
}

void EmmEngine::end_binding_relay(UeContext& ue, const diameter::InsertSubscriberDataAnswer& ida) {
  if (!ue.binding_relay) return;
  link_->cancel(ue.binding_relay->timer);
  IdaReply reply = std::move(ue.binding_relay->reply);
  ue.binding_relay.reset();
  reply(ida);
}

void EmmEngine::on_uplink_generic_transport(UeContext& ue, const nas::GenericNasTransport& m) {
  if (m.container_type != config_.binding_container_type || !ue.binding_relay) {
    log::info("IMSI {}: UPLINK GENERIC NAS TRANSPORT (container type {}, {} octets) with no binding container "
              "outstanding: dropped", ue.imsi, m.container_type, m.container.size());
    return;
  }
  auto answer = nas::decode_binding_uplink(m.container);
  if (!answer) {
    ++counters_.nas_malformed;
    log::info("IMSI {}: binding container answer refused: {}", ue.imsi, answer.error().message);
    return end_binding_relay(ue, {diameter::ResultCode::base(diameter::result::unable_to_comply), std::nullopt, std::nullopt});
  }
  if (!answer->rsp) {
    log::info("IMSI {}: the UE could not unwrap KME: IDA with Binding-Failure-Report UNWRAP_FAILED", ue.imsi);
    return end_binding_relay(ue, {diameter::ResultCode::ok(), std::nullopt, diameter::BindingFailureReport::unwrap_failed});
  }
  ue.kme_delivered = true;
  log::info("IMSI {}: Rsp from the UE: IDA with Binding-Response", ue.imsi);
  end_binding_relay(ue, {diameter::ResultCode::ok(), *answer->rsp, std::nullopt});
}

void EmmEngine::detach_for_reattach(UeContext& ue) {
  ue.state = EmmState::detaching;
  log::info("IMSI {}: KME delivered under PROVISIONING_ONLY: DETACH REQUEST (re-attach required)", ue.imsi);
  send_guarded(ue, nas::encode_emm(nas::DetachRequestNetwork{1, std::nullopt}),
               nas::SecurityHeaderType::integrity_ciphered, config_.timers.t3422, "DETACH REQUEST");
}

void EmmEngine::release_bearers(UeContext& ue) {
  if (ue.binding_relay) {  // the UE is going: the HSS hears so now rather than at its IDA timeout
    link_->cancel(ue.binding_relay->timer);
    IdaReply reply = std::move(ue.binding_relay->reply);
    ue.binding_relay.reset();
    reply({diameter::ResultCode::base(diameter::result::unable_to_comply), std::nullopt, std::nullopt});
  }
  for (const auto& b : ue.bearers) release_addresses(b.addresses);
  ue.bearers.clear();
}

}  // namespace simbind::mme
