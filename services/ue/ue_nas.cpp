// UE NAS: reception (security header, protocol discriminator, decoding), protection of what the UE sends, and
// the TS 24.301 answers to what it cannot use (EMM/ESM STATUS, discarding).
#include "services/ue/ue_nas.h"

#include "common/util/hex.h"
#include "common/nas/cause_names.h"

namespace simbind::ue {
namespace {

// TS 24.301 9.9.3.9 / 9.9.4.4: #96 invalid mandatory information, #97 message type non-existent or not
// implemented, #98 message type not compatible with the protocol state.
constexpr std::uint8_t kInvalidMandatory = 96, kTypeNonExistent = 97, kNotCompatible = 98;
constexpr std::uint8_t kEmmInformation = 0x61;  // TS 24.301 9.8, EMM INFORMATION

// TS 24.301 4.4.4.2: the only messages the UE processes without integrity protection, whether or not a security
// context exists (they may come before the network can activate one). IDENTITY REQUEST only for the IMSI (checked
// where it is handled); ATTACH REJECT unless its cause is #25 (TRACKING AREA UPDATE REJECT and SERVICE REJECT are
// not implemented); DETACH ACCEPT for a non switch-off detach, the only kind this UE sends. EMM STATUS is not
// listed, and no ESM message is. SECURITY MODE COMMAND comes with security header type 3, handled apart.
constexpr std::uint8_t kNotAuthorizedForCsg = 25;

bool allowed_unprotected(const nas::EmmMessage& m) {
  if (const auto* r = std::get_if<nas::AttachReject>(&m)) return r->emm_cause != kNotAuthorizedForCsg;
  return std::holds_alternative<nas::IdentityRequest>(m) || std::holds_alternative<nas::AuthenticationRequest>(m) ||
         std::holds_alternative<nas::AuthenticationReject>(m) || std::holds_alternative<nas::DetachAccept>(m);
}

}  // namespace

const char* to_string(UeTimer t) {
  switch (t) {
    case UeTimer::t3410: return "T3410";
    case UeTimer::t3411: return "T3411";
    case UeTimer::t3421: return "T3421";
    case UeTimer::t3482: return "T3482";
  }
  return "?";
}

const char* to_string(EmmState s) {
  switch (s) {
    case EmmState::deregistered: return "deregistered";
    case EmmState::attaching: return "attaching";
    case EmmState::waiting_retry: return "waiting-retry";
    case EmmState::registered: return "registered";
    case EmmState::detaching: return "detaching";
  }
  return "?";
}

const Bytes& UeNas::ue_network_capability() {
  // TS 24.301 9.9.3.34: octet 3 bit 8 EEA0, bit 7 128-EEA1, bit 6 128-EEA2; octet 4 the same for EIA0-2.
  // Exactly what is implemented: EEA0 and 128-EEA2 | 128-EIA2 (EIA0 only for emergency bearers, never used).
  static const Bytes caps{0xa0, 0x20};
  return caps;
}

UeNas::UeNas(MobileEquipment& me, Usim* usim, const UeNasConfig& config, UeNasPort& port)
    : me_(me), usim_(usim), config_(config), port_(port) {}

void UeNas::log(EventLevel level, const std::string& kind, const std::string& text) { port_.event(level, kind, text); }

void UeNas::discard(const std::string& why) {
  ++counters_.nas_discarded;
  log(EventLevel::warn, "nas-discarded", why);
}

void UeNas::on_pdu(ByteView pdu) {
  if (pdu.empty()) return discard("empty NAS PDU discarded");
  const std::uint8_t pd = pdu[0] & 0x0f;
  if (pd == nas::kProtocolDiscriminatorEsm) {
    // A plain ESM message (its first octet's high nibble is the EPS bearer identity, not a security header):
    // TS 24.301 4.4.4.2 lets no ESM message through without integrity protection.
    return discard("ESM message without integrity protection discarded (TS 24.301 4.4.4.2)");
  }
  if (pd != nas::kProtocolDiscriminatorEmm) {
    return discard("NAS PDU with protocol discriminator " + std::to_string(pd) + " discarded (not EMM or ESM)");
  }
  const auto header = static_cast<nas::SecurityHeaderType>(pdu[0] >> 4);
  switch (header) {
    case nas::SecurityHeaderType::plain: return dispatch(pdu, false);
    case nas::SecurityHeaderType::integrity_new_context: return on_security_mode_command(pdu);
    case nas::SecurityHeaderType::integrity:
    case nas::SecurityHeaderType::integrity_ciphered: break;
    default: return discard("security header type " + std::to_string(pdu[0] >> 4) + " is not sent downlink");
  }
  if (!envelope_) return discard("security-protected NAS PDU discarded: no NAS security context yet");
  auto plain = envelope_->unprotect(pdu);
  if (!plain) {
    if (attach_run_ && plain.error() == nas::UnprotectFailure::mac_failure) {
      attach_run_->last_problem = "a downlink NAS MAC did not verify";
    }
    return discard(std::string(nas::to_string(plain.error())) + ": PDU discarded (TS 24.301 4.4.4.2)");
  }
  dispatch(plain->message, true);
}

void UeNas::dispatch(ByteView message, bool was_protected) {
  if (message.empty()) return discard("empty NAS message discarded");
  const std::uint8_t pd = message[0] & 0x0f;
  if (pd == nas::kProtocolDiscriminatorEsm) {
    auto m = nas::decode_esm(message);
    if (!m) {
      // TS 24.301 7.3.1, 7.4: answer what cannot be decoded with ESM STATUS; the PTI and EBI are echoed.
      const std::uint8_t cause = m.error().code == ErrorCode::not_found ? kTypeNonExistent : kInvalidMandatory;
      log(EventLevel::warn, "nas-error", "undecodable ESM message (" + m.error().message + "): ESM STATUS " +
                                             nas::describe_esm_cause(cause) + " sent");
      const nas::EsmHeader h{static_cast<std::uint8_t>(message[0] >> 4),
                             message.size() > 1 ? message[1] : std::uint8_t{0}};
      send_esm(nas::EsmStatus{h, cause});
      return;
    }
    return on_esm(*m);
  }
  if (pd != nas::kProtocolDiscriminatorEmm || (message[0] >> 4) != 0) {
    return discard("NAS message inside the security envelope is neither plain EMM nor ESM");
  }
  if (message.size() >= 2 && message[1] == kEmmInformation && was_protected) {
    // TS 24.301 5.4.5: network name and time, for the UE to use or not; it needs no answer. Standard MMEs send it
    // after the attach (Open5GS does); it is not an unknown message.
    return log(EventLevel::debug, "emm-information", "EMM INFORMATION received (network name, time): noted");
  }
  auto m = nas::decode_emm(message, crypto::Direction::downlink);
  if (!m) {
    const std::uint8_t cause = m.error().code == ErrorCode::not_found ? kTypeNonExistent : kInvalidMandatory;
    log(EventLevel::warn, "nas-error",
        "undecodable EMM message (" + m.error().message + "): EMM STATUS " + nas::describe_emm_cause(cause) + " sent");
    send_emm_status(cause);
    return;
  }
  on_emm(*m, was_protected);
}

void UeNas::on_emm(const nas::EmmMessage& m, bool was_protected) {
  if (!was_protected && !allowed_unprotected(m)) {
    return discard(std::string(nas::emm_message_name(m)) + " without integrity protection discarded (TS 24.301 4.4.4.2)");
  }
  const bool pre_registered = state_ == EmmState::attaching;
  if (const auto* r = std::get_if<nas::IdentityRequest>(&m)) return on_identity_request(*r, was_protected);
  if (const auto* a = std::get_if<nas::AuthenticationRequest>(&m)) {
    if (!pre_registered && state_ != EmmState::registered) return send_emm_status(kNotCompatible);
    return on_authentication_request(*a);
  }
  if (std::holds_alternative<nas::AuthenticationReject>(m)) return on_authentication_reject();
  if (std::holds_alternative<nas::SecurityModeCommand>(m)) {
    return discard("SECURITY MODE COMMAND with a security header type other than 3 discarded");
  }
  if (const auto* a = std::get_if<nas::AttachAccept>(&m)) {
    if (!pre_registered) return send_emm_status(kNotCompatible);
    return on_attach_accept(*a);
  }
  if (const auto* r = std::get_if<nas::AttachReject>(&m)) {
    if (!pre_registered) return log(EventLevel::info, "nas-ignored", "ATTACH REJECT outside an attach ignored");
    return on_attach_reject(*r);
  }
  if (const auto* d = std::get_if<nas::DetachRequestNetwork>(&m)) return on_network_detach(*d);
  if (std::holds_alternative<nas::DetachAccept>(m)) return on_detach_accept();
  if (const auto* g = std::get_if<nas::GenericNasTransport>(&m)) {
    if (!g->downlink) return send_emm_status(kTypeNonExistent);
    return on_generic_transport(*g);
  }
  if (const auto* s = std::get_if<nas::EmmStatus>(&m)) {
    last_emm_cause_ = s->emm_cause;
    return log(EventLevel::warn, "emm-status", "EMM STATUS from the MME: cause " + nas::describe_emm_cause(s->emm_cause));
  }
  // A message only a UE sends (ATTACH REQUEST, AUTHENTICATION RESPONSE, ...): not implemented in this direction.
  log(EventLevel::warn, "nas-error",
      std::string(nas::emm_message_name(m)) + " is not a downlink message: EMM STATUS #97 sent");
  send_emm_status(kTypeNonExistent);
}

void UeNas::on_esm(const nas::EsmMessage& m) {
  if (state_ != EmmState::registered) return discard("ESM message outside a registration discarded");
  if (const auto* r = std::get_if<nas::ActivateDefaultBearerRequest>(&m)) return on_default_bearer_request(*r);
  if (const auto* r = std::get_if<nas::PdnConnectivityReject>(&m)) return on_pdn_connectivity_reject(*r);
  if (const auto* s = std::get_if<nas::EsmStatus>(&m)) {
    last_esm_cause_ = s->esm_cause;
    return log(EventLevel::warn, "esm-status", "ESM STATUS from the MME: cause " + nas::describe_esm_cause(s->esm_cause));
  }
  const nas::EsmHeader h = std::visit([](const auto& msg) { return msg.header; }, m);
  log(EventLevel::warn, "nas-error", "ESM message the UE never receives: ESM STATUS #98 sent");
  send_esm(nas::EsmStatus{h, kNotCompatible});
}

bool UeNas::send_encoded(const Result<Bytes>& plain, nas::SecurityHeaderType header) {
  if (!plain) {
    log(EventLevel::warn, "nas-error", "a NAS message could not be encoded, nothing sent: " + plain.error().message);
    return false;
  }
  const bool protect = envelope_ && header != nas::SecurityHeaderType::plain;
  port_.send(protect ? envelope_->protect(*plain, header) : *plain);
  return true;
}

void UeNas::send_plain_emm(const nas::EmmMessage& m) { send_encoded(nas::encode_emm(m), nas::SecurityHeaderType::plain); }

void UeNas::send_emm(const nas::EmmMessage& m) {
  send_encoded(nas::encode_emm(m), nas::SecurityHeaderType::integrity_ciphered);
}

void UeNas::send_esm(const nas::EsmMessage& m) {
  // TS 24.301 9.3.1: an ESM message travels in the EMM security envelope (header PD 7, inner PD 2).
  send_encoded(nas::encode_esm(m), nas::SecurityHeaderType::integrity_ciphered);
}

void UeNas::send_emm_status(std::uint8_t cause) {
  ++counters_.status_sent;
  send_emm(nas::EmmStatus{cause});
}

void UeNas::forget_registration(bool tell_mme) {
  envelope_.reset();
  native_.reset();
  ksi_ = nas::kNoKeyAvailable;
  bearers_.clear();
  guti_.reset();
  for (UeTimer t : {UeTimer::t3410, UeTimer::t3411, UeTimer::t3421, UeTimer::t3482}) port_.stop_timer(t);
  port_.drop_connection(tell_mme);
  state_ = EmmState::deregistered;
  if (pending_bearer_) fail_bearer("the registration ended before the network answered", 0);
}

void UeNas::abort_all(const std::string& why) {
  if (attach_run_) {
    AttachOutcome o = attach_run_->outcome;
    o.failure = "aborted";
    o.message = why;
    forget_registration(false);
    finish_attach(std::move(o));
  }
  if (pending_bearer_) fail_bearer(why, 0);
  if (detach_done_) finish_detach({false, true, why});
}

}  // namespace simbind::ue
