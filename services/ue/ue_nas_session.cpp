// UE NAS after attach: detach in both directions (TS 24.301 5.5.2), PDN connectivity for more bearers (6.5.1),
// the default bearer activation (6.4.1), the lower layers going away, timers, and the ME-binding container.
#include <cstdio>

#include "common/nas/cause_names.h"
#include "services/ue/ue_nas.h"

namespace simbind::ue {
namespace {

constexpr unsigned kMaxDetachRequests = 5;  // TS 24.301 5.5.2.2.4 c): the first plus 4 retransmissions
constexpr unsigned kMaxPdnRequests = 5;     // TS 24.301 6.5.1.6 a): the first plus 4 retransmissions (T3482)
constexpr std::uint8_t kImsiDetach = 3;     // TS 24.301 9.9.3.7, network to UE: detach for non-EPS services only
constexpr std::uint8_t kInvalidPti = 81;     // ESM cause #81 invalid PTI value

std::string ipv4_text(const Octets<4>& a) {
  return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." + std::to_string(a[3]);
}

std::string iid_text(const Octets<8>& iid) {
  char text[24];
  std::snprintf(text, sizeof text, "%x:%x:%x:%x", iid[0] << 8 | iid[1], iid[2] << 8 | iid[3], iid[4] << 8 | iid[5],
                iid[6] << 8 | iid[7]);
  return text;
}

}  // namespace

Bearer granted_bearer(const nas::ActivateDefaultBearerRequest& m) {
  Bearer b;
  b.ebi = m.header.ebi;
  b.apn = m.apn;
  const bool v4 = m.pdn_type == nas::pdn_type::ipv4 || m.pdn_type == nas::pdn_type::ipv4v6;
  const bool v6 = m.pdn_type == nas::pdn_type::ipv6 || m.pdn_type == nas::pdn_type::ipv4v6;
  if (v4) b.ip = ipv4_text(m.ipv4);
  if (v6) b.ipv6_iid = iid_text(m.ipv6_iid);
  b.pdn_type = v4 && v6 ? "ipv4v6" : v6 ? "ipv6" : "ipv4";
  b.esm_cause = m.esm_cause.value_or(0);
  return b;
}

std::string describe(const Bearer& b) {
  std::string out = "APN " + b.apn;
  if (!b.ip.empty()) out += ", IPv4 " + b.ip;
  if (!b.ipv6_iid.empty()) out += ", IPv6 interface identifier " + b.ipv6_iid;
  if (b.esm_cause) out += " (ESM cause " + nas::describe_esm_cause(b.esm_cause) + ")";
  return out;
}

// ---- UE-initiated detach (TS 24.301 5.5.2.2) -----------------------------------------------------------------

void UeNas::detach(DetachDone done) {
  if (detach_done_ || state_ == EmmState::detaching) {
    return done(DetachOutcome{false, false, "a detach of this UE is already in progress"});
  }
  if (attach_run_) {
    // An attach that has not completed holds no registration to announce: abort it and detach locally.
    AttachOutcome o = attach_run_->outcome;
    o.failure = "aborted by detach";
    o.message = "attach aborted by a detach request";
    forget_registration(true);
    finish_attach(std::move(o));
    ++counters_.detaches;
    return done(DetachOutcome{true, true, "detached locally: the attach had not completed"});
  }
  if (state_ != EmmState::registered) return done(DetachOutcome{true, true, "already deregistered"});
  detach_done_ = std::move(done);
  detach_sends_ = 0;
  state_ = EmmState::detaching;
  if (pending_bearer_) fail_bearer("the UE is detaching", 0);
  send_detach_request();
}

void UeNas::send_detach_request() {
  ++detach_sends_;
  nas::DetachRequestUe req;
  req.detach_type = 1;  // EPS detach, normal (not switch off): the UE waits for DETACH ACCEPT
  req.nas_ksi = ksi_;
  req.identity = nas::MobileIdentity::of(nas::MobileIdentity::Type::imsi, usim_->imsi().str());
  send_emm(req);
  port_.start_timer(UeTimer::t3421, config_.t3421);
}

void UeNas::finish_detach(DetachOutcome outcome) {
  DetachDone done = std::move(detach_done_);
  detach_done_ = nullptr;
  ++counters_.detaches;
  log(EventLevel::info, "detached", outcome.message);
  if (done) done(outcome);
}

void UeNas::on_detach_accept() {
  if (state_ != EmmState::detaching) return log(EventLevel::info, "nas-ignored", "DETACH ACCEPT outside a detach ignored");
  forget_registration(false);  // the MME releases the UE context
  finish_detach(DetachOutcome{true, false, "detached (DETACH ACCEPT)"});
}

// ---- network-initiated detach (TS 24.301 5.5.2.3) ------------------------------------------------------------

void UeNas::on_network_detach(const nas::DetachRequestNetwork& m) {
  ++counters_.network_detaches;
  send_emm(nas::DetachAccept{});  // under the context still in use, before it is deleted
  if (m.detach_type == kImsiDetach) {
    // TS 24.301 5.5.2.3.2: "IMSI detach" concerns non-EPS services only; the EPS registration, its security
    // context and bearers, and any procedure running stay as they are.
    if (m.emm_cause) last_emm_cause_ = *m.emm_cause;
    return log(EventLevel::info, "network-detach",
               std::string("the network sent an IMSI detach (non-EPS services") +
                   (m.emm_cause ? ", EMM cause " + nas::describe_emm_cause(*m.emm_cause) : std::string()) +
                   "): DETACH ACCEPT sent, the EPS registration is kept");
  }
  const bool reattach_required = m.detach_type == 1;
  std::string text = std::string("the network detached the UE (") +
                     (reattach_required ? "re-attach required" : "type " + std::to_string(m.detach_type)) +
                     (m.emm_cause ? ", EMM cause " + nas::describe_emm_cause(*m.emm_cause) : std::string()) +
                     "): DETACH ACCEPT sent";
  if (m.emm_cause) last_emm_cause_ = *m.emm_cause;
  std::optional<AttachOutcome> aborted;
  if (attach_run_) {
    aborted = attach_run_->outcome;
    aborted->emm_cause = m.emm_cause.value_or(0);
    aborted->failure = "detached by the network";
    aborted->message = "the network detached the UE during the attach";
  }
  forget_registration(false);
  log(EventLevel::info, "network-detach", text);
  // Callbacks last: they may start new procedures on this UE.
  if (aborted) finish_attach(std::move(*aborted));
  if (detach_done_) finish_detach(DetachOutcome{true, false, "detached (the network's DETACH REQUEST crossed ours)"});
  if (!reattach_required) return;
  if (!config_.reattach_on_request) {
    return log(EventLevel::info, "reattach", "re-attach required, but nas.reattach_on_request is off: staying deregistered");
  }
  if (!idle()) return;
  log(EventLevel::info, "reattach", "re-attach required: attaching again");
  attach(std::nullopt, nullptr);
}

// ---- ME-binding container (DESIGN 3.3 steps 10-12) -----------------------------------------------------------

void UeNas::on_generic_transport(const nas::GenericNasTransport& m) {
  if (m.container_type != config_.binding_container_type) {
    log(EventLevel::info, "generic-transport",
        "DOWNLINK GENERIC NAS TRANSPORT with container type " + std::to_string(m.container_type) + " ignored");
    return;
  }
  // DESIGN 3.3 steps 10-12: unwrap KME with the device private key, store it for the UICC's home PLMN, answer Rsp.
  auto container = nas::decode_binding_downlink(m.container);
  if (!container) {
    log(EventLevel::warn, "binding-container", "binding container refused: " + container.error().message);
    return send_emm(nas::GenericNasTransport{false, m.container_type, nas::encode_binding_uplink({}), std::nullopt});
  }
  if (!usim_) return log(EventLevel::warn, "binding-container", "binding container without a UICC: ignored");
  const Plmn home = usim_->home_plmn();
  const auto kme_id = static_cast<KmeId>(container->kme_id);
  auto rsp = me_.establish_kme(home, kme_id, static_cast<crypto::KeyWrapScheme>(container->key_wrap_scheme),
                               container->wrapped_kme, container->hss_nonce);
  if (!rsp) {
    log(EventLevel::warn, "kme-unwrap-failed",
        "over-the-air KME-Id " + std::to_string(container->kme_id) +
            " does not unwrap with this device's private key (" + rsp.error().message + "): failure reported");
    return send_emm(nas::GenericNasTransport{false, m.container_type, nas::encode_binding_uplink({}), std::nullopt});
  }
  port_.me_changed();  // the new KME is kept beside the previous one until a pre-processed AV succeeds under it
  log(EventLevel::info, "kme-established",
      "over-the-air KME-Id " + std::to_string(container->kme_id) + " for PLMN " + home.mcc() + home.mnc() +
          " unwrapped with the device private key and stored; Rsp sent");
  send_emm(nas::GenericNasTransport{false, m.container_type, nas::encode_binding_uplink({*rsp}), std::nullopt});
}

// ---- PDN connectivity (TS 24.301 6.5.1) and default bearer activation (6.4.1) --------------------------------

std::uint8_t UeNas::next_pti() {
  last_pti_ = last_pti_ >= 254 ? 2 : static_cast<std::uint8_t>(last_pti_ + 1);  // 1..254; 1 is the attach's
  return last_pti_;
}

void UeNas::request_bearer(std::string apn, BearerDone done) {
  if (state_ != EmmState::registered) {
    return done(BearerOutcome{false, 0, 0, "", apn, std::string("the UE is not registered (") + to_string(state_) + ")", "", ""});
  }
  if (pending_bearer_) return done(BearerOutcome{false, 0, 0, "", apn, "a PDN connectivity request is already pending", "", ""});
  if (auto encoded = nas::encode_apn(apn); !encoded) {
    return done(BearerOutcome{false, 0, 0, "", apn, "bad APN: " + encoded.error().message, "", ""});
  }
  ++counters_.bearer_requests;
  const std::uint8_t pti = next_pti();
  pending_bearer_ = PendingBearer{pti, apn, std::move(done), 0};
  send_pdn_connectivity_request();
}

void UeNas::send_pdn_connectivity_request() {
  ++pending_bearer_->sends;
  nas::PdnConnectivityRequest req;
  req.header = {0, pending_bearer_->pti};  // a retransmission keeps its PTI
  req.request_type = 1;  // initial request
  req.pdn_type = me_.pdn_type();
  req.apn = pending_bearer_->apn;
  send_esm(req);
  port_.start_timer(UeTimer::t3482, config_.t3482);
}

void UeNas::fail_bearer(const std::string& message, std::uint8_t esm_cause) {
  PendingBearer p = std::move(*pending_bearer_);
  pending_bearer_.reset();
  port_.stop_timer(UeTimer::t3482);
  if (esm_cause) last_esm_cause_ = esm_cause;
  log(EventLevel::warn, "bearer-failed", "PDN connectivity for APN " + p.apn + " failed: " + message);
  if (p.done) p.done(BearerOutcome{false, esm_cause, 0, "", p.apn, message, "", ""});
}

void UeNas::on_default_bearer_request(const nas::ActivateDefaultBearerRequest& m) {
  if (!pending_bearer_ || m.header.pti != pending_bearer_->pti) {
    // TS 24.301 6.4.1.5 / 7.3.1: a PTI the UE did not use.
    log(EventLevel::warn, "nas-error", "ACTIVATE DEFAULT EPS BEARER CONTEXT REQUEST with unknown PTI " +
                                           std::to_string(m.header.pti) + ": ESM STATUS #81 sent");
    return send_esm(nas::EsmStatus{m.header, kInvalidPti});
  }
  PendingBearer p = std::move(*pending_bearer_);
  pending_bearer_.reset();
  port_.stop_timer(UeTimer::t3482);
  send_esm(nas::ActivateDefaultBearerAccept{{m.header.ebi, m.header.pti}});
  const Bearer b = granted_bearer(m);
  bearers_[m.header.ebi] = b;
  if (b.esm_cause) last_esm_cause_ = b.esm_cause;
  log(EventLevel::info, "bearer", "PDN connection: default bearer EBI " + std::to_string(m.header.ebi) + ", " + describe(b));
  if (p.done) {
    p.done(BearerOutcome{true, b.esm_cause, m.header.ebi, b.ip, m.apn, "default bearer activated: " + describe(b),
                         b.ipv6_iid, b.pdn_type});
  }
}

void UeNas::on_pdn_connectivity_reject(const nas::PdnConnectivityReject& m) {
  if (!pending_bearer_ || m.header.pti != pending_bearer_->pti) {
    last_esm_cause_ = m.esm_cause;
    return log(EventLevel::warn, "esm", "PDN CONNECTIVITY REJECT for an unknown PTI, cause " +
                                            nas::describe_esm_cause(m.esm_cause));
  }
  fail_bearer("the network refused it, ESM cause " + nas::describe_esm_cause(m.esm_cause), m.esm_cause);
}

// ---- timers and lower layers ---------------------------------------------------------------------------------

void UeNas::on_timer(UeTimer t) {
  switch (t) {
    case UeTimer::t3410:
      if (state_ == EmmState::attaching && attach_run_) {
        abort_attempt("T3410 expired", "no ATTACH ACCEPT within T3410 (" + std::to_string(config_.t3410.count()) + " ms)",
                      true);
      }
      return;
    case UeTimer::t3411:
      if (state_ == EmmState::waiting_retry && attach_run_) start_attempt();
      return;
    case UeTimer::t3421:
      if (state_ != EmmState::detaching) return;
      if (detach_sends_ < kMaxDetachRequests) return send_detach_request();
      forget_registration(true);
      return finish_detach(DetachOutcome{true, true,
                                         "no DETACH ACCEPT after " + std::to_string(kMaxDetachRequests) +
                                             " DETACH REQUESTs (T3421): detached locally"});
    case UeTimer::t3482:
      if (!pending_bearer_) return;
      // TS 24.301 6.5.1.6 a): resend on each expiry, four times; the fifth expiry aborts the procedure.
      if (pending_bearer_->sends < kMaxPdnRequests) {
        log(EventLevel::info, "bearer-retransmit",
            "T3482 expired: PDN CONNECTIVITY REQUEST for APN " + pending_bearer_->apn + " sent again (transmission " +
                std::to_string(pending_bearer_->sends + 1) + " of " + std::to_string(kMaxPdnRequests) + ")");
        return send_pdn_connectivity_request();
      }
      fail_bearer("no answer to " + std::to_string(kMaxPdnRequests) + " PDN CONNECTIVITY REQUESTs (T3482, " +
                      std::to_string(config_.t3482.count()) + " ms each)",
                  0);
      return;
  }
}

void UeNas::on_context_release() {
  switch (state_) {
    case EmmState::attaching:
      return abort_attempt("context released", "the MME released the UE context before ATTACH ACCEPT", false);
    case EmmState::registered:
      forget_registration(false);
      return log(EventLevel::warn, "context-release", "the MME released the UE context: deregistered");
    case EmmState::detaching:
      forget_registration(false);
      return finish_detach(DetachOutcome{true, false, "detached (the MME released the UE context)"});
    default: return;
  }
}

void UeNas::on_connection_lost() {
  if (attach_run_ && state_ == EmmState::attaching && attach_run_->request_sent) {
    AttachOutcome o = attach_run_->outcome;
    o.failure = "connection lost";
    o.message = "the connection to the MME was lost during the attach";
    forget_registration(false);
    return finish_attach(std::move(o));
  }
  if (state_ == EmmState::detaching) {
    forget_registration(false);
    return finish_detach(DetachOutcome{true, true, "the connection to the MME was lost: detached locally"});
  }
  if (state_ == EmmState::registered) {
    forget_registration(false);
    log(EventLevel::warn, "connection-lost", "the connection to the MME was lost: deregistered");
  }
}

}  // namespace simbind::ue
