// Frames in, NAS security checks, sending with retransmission, UE contexts. The procedures themselves are in
// emm_attach.cpp and emm_session.cpp.
#include "services/mme/emm_engine.h"

#include "common/log/log.h"
#include "common/nas/cause_names.h"
#include "services/mme/s6a_cause_mapping.h"

namespace simbind::mme {
namespace {

constexpr std::uint8_t kMessageNotCompatibleWithState = 98;  // TS 24.301 9.9.3.9

std::uint8_t protocol_discriminator(ByteView message) { return message.empty() ? 0 : message[0] & 0x0f; }

// TS 24.301 4.4.4.3: with a security context in place, the MME still processes these without integrity
// protection (the UE may have lost its context); everything else unprotected is discarded.
bool allowed_unprotected(const nas::EmmMessage& m) {
  return std::holds_alternative<nas::AttachRequest>(m) || std::holds_alternative<nas::IdentityResponse>(m) ||
         std::holds_alternative<nas::AuthenticationResponse>(m) ||
         std::holds_alternative<nas::AuthenticationFailure>(m) ||
         std::holds_alternative<nas::SecurityModeReject>(m) || std::holds_alternative<nas::DetachRequestUe>(m) ||
         std::holds_alternative<nas::DetachAccept>(m);
}

}  // namespace

const char* to_string(EmmState s) {
  switch (s) {
    case EmmState::identifying: return "identifying";
    case EmmState::waiting_aia: return "waiting for AIA";
    case EmmState::authenticating: return "authenticating";
    case EmmState::securing: return "security mode";
    case EmmState::waiting_ula: return "waiting for ULA";
    case EmmState::accepting: return "attach accept sent";
    case EmmState::registered: return "registered";
    case EmmState::detaching: return "detaching";
  }
  return "?";
}

EmmEngine::EmmEngine(const MmeConfig& config, HssLink& hss) : config_(config), hss_(hss), pool_(config.pdn_pool), pool6_(config.pdn_pool6) {}

// ---- contexts ---------------------------------------------------------------------------------------------------

UeContext* EmmEngine::find(const UeKey& key) {
  auto it = ues_.find(key);
  return it == ues_.end() ? nullptr : it->second.get();
}

UeContext& EmmEngine::fresh_context(const UeKey& key) {
  if (UeContext* old = find(key)) {
    stop_guard(*old);
    release_bearers(*old);
    if (auto it = by_imsi_.find(old->imsi); it != by_imsi_.end() && it->second == key) by_imsi_.erase(it);
  }
  auto ue = std::make_unique<UeContext>();
  ue->key = key;
  ue->generation = next_generation_++;
  ue->attach_started = std::chrono::steady_clock::now();
  UeContext& ref = *ue;
  ues_[key] = std::move(ue);
  return ref;
}

void EmmEngine::bind_imsi(UeContext& ue, std::string imsi) {
  ue.imsi = std::move(imsi);
  if (auto it = by_imsi_.find(ue.imsi); it != by_imsi_.end() && !(it->second == ue.key)) {
    // The same subscriber attaches again under another UE id (a new connection, or an emulator restart):
    // the old context is implicitly detached (TS 24.301 5.5.1.2.4, "attach request ... in state registered").
    if (UeContext* old = find(it->second)) release(*old, true, "superseded by a new attach of the same IMSI");
  }
  by_imsi_[ue.imsi] = ue.key;
}

void EmmEngine::release(UeContext& ue, bool tell_ue, const std::string& why) {
  const UeKey key = ue.key;
  stop_guard(ue);
  release_bearers(ue);
  if (auto it = by_imsi_.find(ue.imsi); it != by_imsi_.end() && it->second == key) by_imsi_.erase(it);
  log::debug("UE {}/{} (IMSI {}): context released: {}", static_cast<std::uint64_t>(key.connection),
             nas::to_uint(key.ue), ue.imsi.empty() ? "unknown" : ue.imsi, why);
  ues_.erase(key);  // `ue` is gone from here on
  if (tell_ue) link_->send(key.connection, nas::Frame{key.ue, nas::FrameKind::ue_context_release, {}});
}

void EmmEngine::on_connection_closed(ConnectionId connection) {
  std::vector<UeKey> gone;
  for (const auto& [key, ue] : ues_) {
    if (key.connection == connection) gone.push_back(key);
  }
  for (const auto& key : gone) {
    if (UeContext* ue = find(key)) release(*ue, false, "NAS connection closed");
  }
  if (!gone.empty()) log::info("NAS connection {} closed: {} UE context(s) released", static_cast<std::uint64_t>(connection), gone.size());
}

void EmmEngine::cancel_location(const std::string& imsi) {
  link_->post([this, imsi] {
    auto it = by_imsi_.find(imsi);
    if (it == by_imsi_.end()) return;
    if (UeContext* ue = find(it->second)) {
      log::info("IMSI {}: cancelled by the HSS (CLR), context released", imsi);
      release(*ue, true, "Cancel-Location from the HSS");
    }
  });
}

void EmmEngine::post_for(const UeKey& key, std::uint64_t generation, std::function<void(UeContext&)> work) {
  link_->post([this, key, generation, work = std::move(work)] {
    UeContext* ue = find(key);
    if (ue && ue->generation == generation) work(*ue);  // else: the UE left or restarted its attach meanwhile
  });
}

// ---- frames in --------------------------------------------------------------------------------------------------

void EmmEngine::on_frame(ConnectionId connection, nas::Frame frame) {
  const UeKey key{connection, frame.ue};
  if (frame.kind == nas::FrameKind::ue_context_release) {
    if (UeContext* ue = find(key)) release(*ue, false, "released by the UE side");
    return;
  }
  on_nas_pdu(key, frame.payload);
}

void EmmEngine::on_nas_pdu(const UeKey& key, ByteView pdu) {
  UeContext* ue = find(key);
  auto header = nas::security_header_type(pdu);
  if (!header || (pdu[0] & 0x0f) != nas::kProtocolDiscriminatorEmm) {
    // A PDU that is neither EMM nor security protected: an ESM message outside a security context, or noise.
    ++counters_.nas_malformed;
    log::debug("UE {}: NAS PDU with protocol discriminator {} dropped", nas::to_uint(key.ue), pdu.empty() ? -1 : pdu[0] & 0x0f);
    return;
  }

  Bytes message;
  bool integrity_ok = false;
  if (*header == nas::SecurityHeaderType::plain) {
    message.assign(pdu.begin(), pdu.end());
  } else if (ue && ue->security) {
    auto unprotected = ue->security->unprotect(pdu);
    if (!unprotected) {
      ++counters_.nas_integrity_failures;
      log::info("UE {} (IMSI {}): NAS PDU discarded: {}", nas::to_uint(key.ue), ue->imsi,
                nas::to_string(unprotected.error()));
      return;
    }
    message = std::move(unprotected->message);
    integrity_ok = true;
  } else if (*header == nas::SecurityHeaderType::integrity && pdu.size() > 6) {
    // Integrity protected but we hold no context (TS 24.301 4.4.4.3): only an ATTACH REQUEST is acted on.
    message.assign(pdu.begin() + 6, pdu.end());
  } else {
    ++counters_.nas_integrity_failures;
    log::debug("UE {}: protected NAS PDU without a security context dropped", nas::to_uint(key.ue));
    return;
  }

  if (protocol_discriminator(message) == nas::kProtocolDiscriminatorEsm) {
    if (ue && integrity_ok) {
      dispatch_esm(*ue, message);
    } else {
      ++counters_.nas_integrity_failures;  // ESM only travels inside the security context
    }
    return;
  }
  auto decoded = nas::decode_emm(message, crypto::Direction::uplink);
  if (!decoded) {
    ++counters_.nas_malformed;
    const bool unknown_type = decoded.error().code == ErrorCode::not_found;
    log::info("UE {}: malformed EMM message ({}): EMM STATUS", nas::to_uint(key.ue), decoded.error().message);
    send_emm_status(ue, key, unknown_type ? nas::emm_cause::message_type_non_existent
                                          : nas::emm_cause::invalid_mandatory_information);
    return;
  }
  if (*header != nas::SecurityHeaderType::plain && !integrity_ok &&
      !std::holds_alternative<nas::AttachRequest>(*decoded)) {
    ++counters_.nas_integrity_failures;
    return;
  }
  if (ue && ue->security && !integrity_ok && !allowed_unprotected(*decoded)) {
    ++counters_.nas_integrity_failures;
    log::info("UE {} (IMSI {}): unprotected {} discarded", nas::to_uint(key.ue), ue->imsi,
              nas::emm_message_name(*decoded));
    return;
  }
  dispatch_emm(ue, key, *decoded, integrity_ok);
}

void EmmEngine::dispatch_emm(UeContext* ue, const UeKey& key, const nas::EmmMessage& m, bool integrity_ok) {
  if (const auto* attach = std::get_if<nas::AttachRequest>(&m)) return on_attach_request(key, *attach);
  if (!ue) {
    if (std::holds_alternative<nas::DetachRequestUe>(m)) {
      send_plain(key, nas::encode_emm(nas::DetachAccept{}));  // nothing to detach: say it is done
      return;
    }
    send_emm_status(nullptr, key, kMessageNotCompatibleWithState);
    return;
  }
  const EmmState s = ue->state;
  if (const auto* r = std::get_if<nas::IdentityResponse>(&m); r && s == EmmState::identifying) {
    return on_identity_response(*ue, *r);
  }
  if (const auto* r = std::get_if<nas::AuthenticationResponse>(&m); r && s == EmmState::authenticating) {
    return on_authentication_response(*ue, *r);
  }
  if (const auto* r = std::get_if<nas::AuthenticationFailure>(&m); r && s == EmmState::authenticating) {
    return on_authentication_failure(*ue, *r);
  }
  if (const auto* r = std::get_if<nas::SecurityModeComplete>(&m); r && s == EmmState::securing && integrity_ok) {
    return on_security_mode_complete(*ue, *r);
  }
  if (const auto* r = std::get_if<nas::SecurityModeReject>(&m); r && s == EmmState::securing) {
    log::info("IMSI {}: SECURITY MODE REJECT {}", ue->imsi, nas::describe_emm_cause(r->emm_cause));
    ue->security.reset();  // the UE did not take the new context: the reject goes out plain
    return reject_attach(*ue, r->emm_cause, "the UE rejected the security mode command");
  }
  if (const auto* r = std::get_if<nas::AttachComplete>(&m); r && s == EmmState::accepting && integrity_ok) {
    return on_attach_complete(*ue, *r);
  }
  if (const auto* r = std::get_if<nas::DetachRequestUe>(&m)) return on_detach_request(*ue, *r);
  if (std::holds_alternative<nas::DetachAccept>(m)) {
    if (s == EmmState::detaching) release(*ue, true, "network detach (re-attach required) accepted");
    return;
  }
  if (const auto* r = std::get_if<nas::GenericNasTransport>(&m); r && !r->downlink && integrity_ok) {
    return on_uplink_generic_transport(*ue, *r);
  }
  if (const auto* r = std::get_if<nas::EmmStatus>(&m)) {
    log::info("IMSI {}: EMM STATUS from the UE: {}", ue->imsi, nas::describe_emm_cause(r->emm_cause));
    return;
  }
  // A retransmission that crossed our answer, or a message that makes no sense now (TS 24.301 7.4).
  log::debug("IMSI {}: {} in state '{}' ignored", ue->imsi, nas::emm_message_name(m), to_string(s));
  send_emm_status(ue, key, kMessageNotCompatibleWithState);
}

// ---- sending ----------------------------------------------------------------------------------------------------

void EmmEngine::send_plain(const UeKey& key, const Bytes& plain) {
  link_->send(key.connection, nas::Frame{key.ue, nas::FrameKind::nas_pdu, plain});
}

void EmmEngine::send_nas(UeContext& ue, const Bytes& plain, nas::SecurityHeaderType header) {
  if (header == nas::SecurityHeaderType::plain || !ue.security) return send_plain(ue.key, plain);
  Bytes pdu = ue.security->protect(plain, header);
  if (ue.context_setup) {
    const ContextSetup setup = std::move(*ue.context_setup);
    ue.context_setup.reset();
    return link_->send_context_setup(ue.key.connection, nas::Frame{ue.key.ue, nas::FrameKind::nas_pdu, std::move(pdu)},
                                     setup);
  }
  send_plain(ue.key, pdu);
}

bool EmmEngine::encoded(UeContext& ue, const Result<Bytes>& plain) {
  if (plain) return true;
  log::error("UE {}/{} (IMSI {}): a NAS message could not be encoded, nothing sent, the context is released: {}",
             static_cast<std::uint64_t>(ue.key.connection), nas::to_uint(ue.key.ue),
             ue.imsi.empty() ? "unknown" : ue.imsi, plain.error().message);
  post_for(ue.key, ue.generation, [this](UeContext& gone) { release(gone, true, "a NAS message could not be encoded"); });
  return false;
}

void EmmEngine::send_nas(UeContext& ue, const Result<Bytes>& plain, nas::SecurityHeaderType header) {
  if (encoded(ue, plain)) send_nas(ue, *plain, header);
}

void EmmEngine::send_plain(const UeKey& key, const Result<Bytes>& plain) {
  if (plain) return send_plain(key, *plain);
  log::error("UE {}/{}: a NAS message could not be encoded, nothing sent: {}", static_cast<std::uint64_t>(key.connection),
             nas::to_uint(key.ue), plain.error().message);
}

void EmmEngine::send_emm_status(UeContext* ue, const UeKey& key, std::uint8_t cause) {
  const auto status = nas::encode_emm(nas::EmmStatus{cause});
  if (ue && ue->security) return send_nas(*ue, status, nas::SecurityHeaderType::integrity_ciphered);
  send_plain(key, status);
}

void EmmEngine::send_guarded(UeContext& ue, Result<Bytes> plain, nas::SecurityHeaderType header,
                             std::chrono::milliseconds interval, const char* name) {
  stop_guard(ue);
  if (!encoded(ue, plain)) return;
  send_nas(ue, *plain, header);
  UeContext::Pending p;
  p.message = std::move(*plain);
  p.header = header;
  p.transmissions = 1;
  p.interval = interval;
  p.name = name;
  const UeKey key = ue.key;
  const std::uint64_t generation = ue.generation;
  p.timer = link_->schedule(interval, [this, key, generation] { on_guard_expiry(key, generation); });
  ue.pending = std::move(p);
}

void EmmEngine::stop_guard(UeContext& ue) {
  if (ue.pending) link_->cancel(ue.pending->timer);
  ue.pending.reset();
}

void EmmEngine::on_guard_expiry(const UeKey& key, std::uint64_t generation) {
  UeContext* ue = find(key);
  if (!ue || ue->generation != generation || !ue->pending) return;
  UeContext::Pending& p = *ue->pending;
  if (p.transmissions >= config_.timers.max_transmissions) {
    ++counters_.procedures_timed_out;
    const std::string why = std::string("no answer to ") + p.name + " after " + std::to_string(p.transmissions) +
                            " transmissions";
    log::info("IMSI {}: {}: procedure aborted", ue->imsi, why);
    ue->pending.reset();
    if (ue->state == EmmState::registered) {
      // A standalone bearer the UE never accepted (T3485): only that bearer goes.
      std::erase_if(ue->bearers, [this](const Bearer& b) {
        if (!b.active) release_addresses(b.addresses);
        return !b.active;
      });
      return;
    }
    return release(*ue, true, why);
  }
  ++p.transmissions;
  // Re-protected each time: a fresh NAS COUNT, so the UE's replay check does not drop the retransmission.
  send_nas(*ue, p.message, p.header);
  p.timer = link_->schedule(p.interval, [this, key, generation] { on_guard_expiry(key, generation); });
}

}  // namespace simbind::mme
