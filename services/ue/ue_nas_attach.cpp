// UE NAS: EPS attach (TS 24.301 5.5.1), EPS authentication with the ME-binding RAND* step (5.4.2, DESIGN 3.2),
// security mode control (5.4.3) and identification (5.4.4).
#include "common/util/hex.h"
#include "common/nas/cause_names.h"
#include "services/ue/ue_nas.h"

namespace simbind::ue {
namespace {

std::string plmn_digits(const Plmn& p) { return p.mcc() + p.mnc(); }

std::string ms_text(std::chrono::milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

}  // namespace

void UeNas::attach(std::optional<std::string> apn, AttachDone done) {
  const auto refuse = [&done](std::string failure, std::string message) {
    AttachOutcome o;
    o.failure = std::move(failure);
    o.message = std::move(message);
    if (done) done(o);
  };
  if (!usim_) return refuse("no UICC", "no UICC is inserted in this ME");
  if (apn) {
    if (auto encoded = nas::encode_apn(*apn); !encoded) return refuse("bad APN", encoded.error().message);
  }
  if (attach_run_ || detach_done_ || state_ == EmmState::detaching) {
    return refuse("busy", "another attach or detach of this UE is in progress");
  }
  if (state_ == EmmState::registered) {
    log(EventLevel::info, "local-detach", "new attach while registered: the old registration is forgotten locally");
    forget_registration(true);
  }
  attach_run_ = AttachRun{};  // not emplace(): clang 16 judges the nested struct not default-constructible here
  attach_run_->apn = std::move(apn);
  attach_run_->started = std::chrono::steady_clock::now();
  attach_run_->outcome.apn = attach_run_->apn.value_or("");
  attach_run_->done = std::move(done);
  start_attempt();
}

void UeNas::start_attempt() {
  AttachRun& run = *attach_run_;
  ++run.outcome.attempts;
  ++counters_.attach_attempts;
  run.request_sent = false;
  run.last_problem.clear();
  // TS 24.301 5.5.1.2.2: attach with the IMSI and no key set (KSI 7), so every attempt starts without a context.
  envelope_.reset();
  native_.reset();
  ksi_ = nas::kNoKeyAvailable;
  bearers_.clear();
  state_ = EmmState::attaching;
  port_.new_connection();
  port_.start_timer(UeTimer::t3410, config_.t3410);
  if (port_.connected()) {
    send_attach_request();
  } else {
    run.last_problem = "no connection to simbind-mme";
    log(EventLevel::info, "attach-waiting", "waiting for the connection to the MME before ATTACH REQUEST");
  }
}

void UeNas::on_connected() {
  if (attach_run_ && state_ == EmmState::attaching && !attach_run_->request_sent) send_attach_request();
}

void UeNas::send_attach_request() {
  AttachRun& run = *attach_run_;
  run.request_sent = true;
  run.last_problem.clear();
  nas::PdnConnectivityRequest pdn;
  pdn.header = {0, 1};  // EBI 0 (none yet), PTI 1
  pdn.request_type = 1;  // initial request
  pdn.pdn_type = me_.pdn_type();
  pdn.apn = run.apn;
  nas::AttachRequest req;
  req.attach_type = 1;  // EPS attach
  req.nas_ksi = nas::kNoKeyAvailable;
  req.identity = nas::MobileIdentity::of(nas::MobileIdentity::Type::imsi, usim_->imsi().str());
  req.ue_network_capability = ue_network_capability();
  auto pdn_request = nas::encode_esm(pdn);
  if (pdn_request) req.esm_container = std::move(*pdn_request);
  const auto attach_request = pdn_request ? nas::encode_emm(req) : Result<Bytes>(std::unexpected(pdn_request.error()));
  if (!send_encoded(attach_request, nas::SecurityHeaderType::plain)) {
    AttachOutcome o = run.outcome;
    o.failure = "cannot encode ATTACH REQUEST";
    o.message = "ATTACH REQUEST could not be encoded: " + attach_request.error().message;
    return finish_attach(std::move(o));
  }
  log(EventLevel::debug, "attach-request",
      "ATTACH REQUEST sent (attempt " + std::to_string(run.outcome.attempts) + " of " +
          std::to_string(config_.max_attach_attempts) + (run.apn ? ", APN " + *run.apn : std::string()) + ")");
}

void UeNas::abort_attempt(const std::string& failure, const std::string& message, bool tell_mme) {
  AttachRun& run = *attach_run_;
  const std::string why = run.last_problem.empty() ? message : message + " (last problem: " + run.last_problem + ")";
  forget_registration(tell_mme);
  if (run.outcome.attempts < config_.max_attach_attempts) {
    // TS 24.301 5.5.1.2.6: below the attempt limit, try again when T3411 expires.
    state_ = EmmState::waiting_retry;
    port_.start_timer(UeTimer::t3411, config_.t3411);
    log(EventLevel::warn, "attach-retry",
        why + "; attempt " + std::to_string(run.outcome.attempts) + " of " +
            std::to_string(config_.max_attach_attempts) + " failed, next attempt in " + ms_text(config_.t3411) +
            " (T3411)");
    return;
  }
  AttachOutcome o = run.outcome;
  o.failure = failure;
  o.message = why + " (" + std::to_string(o.attempts) + " attempts)";
  finish_attach(std::move(o));
}

void UeNas::finish_attach(AttachOutcome o) {
  AttachRun run = std::move(*attach_run_);
  attach_run_.reset();
  port_.stop_timer(UeTimer::t3410);
  port_.stop_timer(UeTimer::t3411);
  o.latency_us = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - run.started).count());
  if (o.emm_cause) last_emm_cause_ = o.emm_cause;
  if (o.esm_cause) last_esm_cause_ = o.esm_cause;
  if (o.success) {
    ++counters_.attach_successes;
  } else {
    ++counters_.attach_failures;
    log(EventLevel::warn, "attach-failed", "attach failed: " + o.message);
  }
  if (run.done) run.done(o);
}

// ---- TS 24.301 5.4.2: authentication -------------------------------------------------------------------------

void UeNas::on_authentication_request(const nas::AuthenticationRequest& m) {
  ++counters_.auth_challenges;
  const crypto::Rand& rand_on_air = m.rand;
  const ChallengeAnswer answer = me_.authenticate(*usim_, rand_on_air, m.autn);
  AttachOutcome* outcome = attach_run_ ? &attach_run_->outcome : nullptr;
  if (outcome) outcome->rand_on_air = rand_on_air;

  if (const auto* ok = std::get_if<ChallengeAccepted>(&answer)) {
    port_.usim_changed();  // the accepted SQN is recorded in the UICC
    if (ok->kme_used) port_.me_changed();  // the KME is confirmed, older ones of that PLMN dropped
    native_ = NativeContext{static_cast<std::uint8_t>(m.nas_ksi & 0x07),
                            crypto::derive_kasme(ok->usim.ck, ok->usim.ik, config_.serving_plmn, ok->usim.sqn_xor_ak)};
    if (outcome) {
      outcome->pre_processed = ok->kme_used.has_value();
      outcome->rand_used = ok->rand;
      outcome->kme_id = ok->kme_used;
    }
    if (ok->kme_used) {
      log(EventLevel::info, "auth-accepted",
          "pre-processed challenge (AMF binding bit), RAND* decrypted with KME-Id " +
              std::to_string(to_uint(*ok->kme_used)) + ": RAND on air " + to_hex(rand_on_air) + " -> RAND to UICC " +
              to_hex(ok->rand) + "; UICC accepted, RES sent");
    } else {
      log(EventLevel::info, "auth-accepted",
          "regular challenge: RAND " + to_hex(rand_on_air) + " to the UICC; UICC accepted, RES sent");
    }
    send_emm(nas::AuthenticationResponse{Bytes(ok->usim.res.begin(), ok->usim.res.end())});
    return;
  }

  const auto& no = std::get<ChallengeRejected>(answer);
  ++counters_.auth_failures;
  if (outcome) {
    // Without a KME the ME hands RAND* to the UICC unchanged (DESIGN 3.2): that is what the UICC ran on.
    if (!no.pre_processed || no.no_kme) outcome->rand_used = rand_on_air;
  }
  last_emm_cause_ = no.emm_cause;
  const std::string home = plmn_digits(usim_->home_plmn());
  const std::string kind = no.pre_processed ? "pre-processed challenge" : "regular challenge";
  std::string text;
  switch (no.emm_cause) {
    case nas::emm_cause::mac_failure:
      text = !no.pre_processed ? "MAC failure (#20): regular challenge (RAND " + to_hex(rand_on_air) +
                                     ") rejected by the UICC: its K/OPc do not match the network's"
             : no.no_kme ? "MAC failure (#20): pre-processed challenge and no KME for PLMN " + home + " in this ME"
                         : "MAC failure (#20): pre-processed challenge, and no KME this ME holds for PLMN " + home +
                               " turns RAND* into a RAND the UICC accepts (wrong or outdated KME)";
      break;
    case nas::emm_cause::synch_failure:
      ++counters_.resyncs;
      if (outcome) ++outcome->resyncs;
      text = "synch failure (#21): " + kind + ", the UICC's SQN check failed; AUTS sent for resynchronisation";
      break;
    default:
      text = nas::describe_emm_cause(no.emm_cause) + ": the AMF separation bit is not set, not an EPS vector";
  }
  if (outcome) {
    outcome->pre_processed = no.pre_processed;
    attach_run_->last_problem = text;
  }
  log(EventLevel::warn, "auth-failure", text);
  send_emm(nas::AuthenticationFailure{no.emm_cause, no.auts});
}

void UeNas::on_authentication_reject() {
  // TS 24.301 5.4.2.5: the network refused the UE; delete the security context and stop.
  log(EventLevel::warn, "auth-reject", "AUTHENTICATION REJECT: authentication rejected by the network");
  if (!attach_run_) return forget_registration(false);
  AttachOutcome o = attach_run_->outcome;
  o.failure = "authentication rejected";
  o.message = "authentication rejected by the network";
  if (!attach_run_->last_problem.empty()) o.message += " (after " + attach_run_->last_problem + ")";
  forget_registration(false);
  finish_attach(std::move(o));
}

// ---- TS 24.301 5.4.3: security mode control ------------------------------------------------------------------

void UeNas::on_security_mode_command(ByteView pdu) {
  // Header type 3: integrity protected with a new context, not ciphered; the message follows the 6-octet header.
  if (pdu.size() < 9) return discard("SECURITY MODE COMMAND too short, discarded");
  auto decoded = nas::decode_emm(pdu.subspan(6), crypto::Direction::downlink);
  if (!decoded || !std::holds_alternative<nas::SecurityModeCommand>(*decoded)) {
    return discard("security header type 3 carries only SECURITY MODE COMMAND: PDU discarded");
  }
  if (state_ != EmmState::attaching && state_ != EmmState::registered) {
    return discard("SECURITY MODE COMMAND outside a registration discarded");
  }
  const auto& smc = std::get<nas::SecurityModeCommand>(*decoded);
  const std::uint8_t ksi = smc.nas_ksi & 0x07;
  // The KSI chooses the context: the one the last authentication made (taken into use now, counts from 0), or
  // the one in use (the MME's T3460 retransmission, or a replay: the running counts go on).
  const bool take_native = native_ && ksi == native_->ksi;
  const bool current = !take_native && envelope_ && ksi == ksi_;
  if (!take_native && !current) {
    if (!native_ && !envelope_) {
      return reject_security_mode(nas::emm_cause::security_mode_rejected, "no authentication made a KASME for it");
    }
    std::string known;
    if (native_) known += "the authentication's " + std::to_string(native_->ksi);
    if (envelope_) known += std::string(native_ ? " nor " : "") + "that of the context in use " + std::to_string(ksi_);
    return reject_security_mode(nas::emm_cause::security_mode_rejected,
                                "its NAS KSI " + std::to_string(smc.nas_ksi) + " is not " + known);
  }
  if (smc.replayed_ue_security_capabilities != ue_network_capability()) {
    return reject_security_mode(nas::emm_cause::ue_security_capabilities_mismatch,
                                "the replayed UE security capabilities " +
                                    to_hex(smc.replayed_ue_security_capabilities) + " are not those sent (" +
                                    to_hex(ue_network_capability()) + ")");
  }
  // TS 33.401 5.1.4.2: EIA0 only for emergency bearers, which this UE never has.
  if (smc.eia != 2 || (smc.eea != 0 && smc.eea != 2)) {
    return reject_security_mode(nas::emm_cause::security_mode_rejected,
                                "EEA" + std::to_string(smc.eea) + "/EIA" + std::to_string(smc.eia) +
                                    " not supported (128-EIA2 with 128-EEA2 or EEA0)");
  }
  if (current) return repeat_security_mode_complete(pdu, smc);

  const crypto::NasKeys keys = crypto::derive_nas_keys(native_->kasme, smc.eea, smc.eia);
  nas::SecurityEnvelope envelope(nas::NasKeysInUse{keys.k_nas_int, keys.k_nas_enc, {smc.eia, smc.eea}},
                                 crypto::Direction::uplink);
  if (auto checked = envelope.unprotect(pdu); !checked) {
    return reject_security_mode(
        nas::emm_cause::security_mode_rejected,
        "its NAS MAC does not verify with the KASME from the authentication. KASME includes the serving PLMN: this "
        "UE uses network.plmn " + plmn_digits(config_.serving_plmn) + ", which must equal the MME's PLMN");
  }
  envelope_.emplace(std::move(envelope));
  ksi_ = native_->ksi;
  algorithms_ = nas::NasAlgorithms{smc.eia, smc.eea};
  // Taken into use: only a new authentication makes another context whose counts start from 0 (a second copy
  // of this SMC must not reset them: 128-EEA2 keystream reuse uplink, a reopened replay window downlink).
  native_.reset();
  send_security_mode_complete(smc);
  log(EventLevel::debug, "security-mode",
      "NAS security active (EEA" + std::to_string(smc.eea) + ", EIA" + std::to_string(smc.eia) +
          "): SECURITY MODE COMPLETE sent" + (smc.imeisv_request ? " with IMEISV" : ""));
}

void UeNas::repeat_security_mode_complete(ByteView pdu, const nas::SecurityModeCommand& smc) {
  // TS 24.301 5.4.3.3: an SMC for the context in use. The MME retransmits on T3460 re-protected under a fresh
  // downlink COUNT and waits for SECURITY MODE COMPLETE; it is checked and answered under the running counts.
  if (smc.eea != algorithms_.ciphering || smc.eia != algorithms_.integrity) {
    return reject_security_mode(nas::emm_cause::security_mode_rejected,
                                "it selects EEA" + std::to_string(smc.eea) + "/EIA" + std::to_string(smc.eia) +
                                    " for the context in use (KSI " + std::to_string(ksi_) + ", EEA" +
                                    std::to_string(algorithms_.ciphering) + "/EIA" +
                                    std::to_string(algorithms_.integrity) +
                                    "): changing the algorithms of a running context is not supported");
  }
  auto checked = envelope_->unprotect(pdu);
  if (!checked && checked.error() == nas::UnprotectFailure::replay) {
    return discard("SECURITY MODE COMMAND with an old NAS COUNT for the context in use discarded (replay)");
  }
  if (!checked) {
    return reject_security_mode(nas::emm_cause::security_mode_rejected,
                                std::string("for the context in use (KSI ") + std::to_string(ksi_) +
                                    "): " + nas::to_string(checked.error()));
  }
  send_security_mode_complete(smc);
  log(EventLevel::debug, "security-mode",
      "SECURITY MODE COMMAND again for the context in use (KSI " + std::to_string(ksi_) +
          "): SECURITY MODE COMPLETE sent under the running NAS COUNTs");
}

void UeNas::send_attach_complete(const nas::EsmMessage& esm) {
  auto container = nas::encode_esm(esm);
  if (!container) {
    send_encoded(container, nas::SecurityHeaderType::integrity_ciphered);  // says why, sends nothing
    return;
  }
  send_emm(nas::AttachComplete{std::move(*container)});
}

void UeNas::send_security_mode_complete(const nas::SecurityModeCommand& smc) {
  nas::SecurityModeComplete complete;
  if (smc.imeisv_request) {
    // IMEISV (TS 23.003 6.2.2): the 14-digit IMEI body and the 2-digit software version.
    complete.imeisv = nas::MobileIdentity::of(nas::MobileIdentity::Type::imeisv,
                                              std::string(me_.imei().tac_snr()) + me_.software_version());
  }
  send_encoded(nas::encode_emm(complete), nas::SecurityHeaderType::integrity_ciphered_new_context);
}

void UeNas::reject_security_mode(std::uint8_t cause, const std::string& why) {
  const std::string text = "SECURITY MODE COMMAND rejected (" + nas::describe_emm_cause(cause) + "): " + why;
  if (attach_run_) attach_run_->last_problem = text;
  log(EventLevel::warn, "security-mode-reject", text);
  send_plain_emm(nas::SecurityModeReject{cause});
}

// ---- TS 24.301 5.4.4: identification -------------------------------------------------------------------------

void UeNas::on_identity_request(const nas::IdentityRequest& m, bool was_protected) {
  using Type = nas::MobileIdentity::Type;
  if (!usim_) return discard("IDENTITY REQUEST without a UICC discarded");
  nas::MobileIdentity id;
  switch (m.identity_type) {
    case 2:
    case 3:
      // TS 24.301 4.4.4.2: without integrity protection the UE gives only its IMSI.
      if (!was_protected) return discard("IDENTITY REQUEST for the IMEI(SV) without integrity protection discarded");
      id = m.identity_type == 2
               ? nas::MobileIdentity::of(Type::imei, me_.imei().str())
               : nas::MobileIdentity::of(Type::imeisv, std::string(me_.imei().tac_snr()) + me_.software_version());
      break;
    default:  // 1, and (TS 24.008 10.5.5.9) every other value means IMSI
      id = nas::MobileIdentity::of(Type::imsi, usim_->imsi().str());
  }
  log(EventLevel::debug, "identity", "IDENTITY RESPONSE sent (identity type " + std::to_string(m.identity_type) + ")");
  send_emm(nas::IdentityResponse{id});
}

// ---- TS 24.301 5.5.1.2.4 / 5.5.1.2.5: the network's answer ---------------------------------------------------

void UeNas::on_attach_accept(const nas::AttachAccept& m) {
  AttachOutcome o = attach_run_->outcome;
  auto esm = nas::decode_esm(m.esm_container);
  if (const auto* bearer = esm ? std::get_if<nas::ActivateDefaultBearerRequest>(&*esm) : nullptr) {
    const std::uint8_t ebi = bearer->header.ebi;
    // The accept names the bearer and echoes the PTI of the PDN CONNECTIVITY REQUEST it answers.
    send_attach_complete(nas::ActivateDefaultBearerAccept{{ebi, bearer->header.pti}});
    const Bearer b = granted_bearer(*bearer);
    bearers_[ebi] = b;
    if (b.esm_cause) last_esm_cause_ = b.esm_cause;
    o.success = true;
    o.apn = bearer->apn;
    o.ip = b.ip;
    o.ipv6_iid = b.ipv6_iid;
    o.pdn_type = b.pdn_type;
    o.esm_cause = b.esm_cause;
    o.message = "attached: default bearer EBI " + std::to_string(ebi) + ", " + describe(b);
    log(EventLevel::info, "attached", o.message);
  } else if (const auto* refused = esm ? std::get_if<nas::PdnConnectivityReject>(&*esm) : nullptr) {
    // TS 24.301 5.5.1.2.4 "attach without PDN connectivity": registered; ATTACH COMPLETE carries an ESM DUMMY
    // MESSAGE in place of a bearer accept.
    send_attach_complete(nas::EsmDummyMessage{});
    o.success = true;
    o.registered_without_pdn = true;
    o.esm_cause = refused->esm_cause;
    const std::string why = refused->esm_cause == nas::esm_cause::service_option_not_authorized
                                ? ": access restricted to ME-binding provisioning"
                                : "";
    o.message = "attached without PDN connection: the network refused the bearer (ESM cause " +
                nas::describe_esm_cause(refused->esm_cause) + ")" + why;
    log(EventLevel::info, "attached-without-pdn", o.message);
  } else {
    const std::string problem = esm ? "an ESM message that is neither a default bearer nor a PDN CONNECTIVITY REJECT"
                                    : esm.error().message;
    send_emm_status(96);
    o.failure = "bad ATTACH ACCEPT";
    o.message = "ATTACH ACCEPT carries " + problem + ": EMM STATUS #96 sent";
    forget_registration(true);
    return finish_attach(std::move(o));
  }
  if (m.guti) guti_ = *m.guti;
  port_.stop_timer(UeTimer::t3410);
  state_ = EmmState::registered;
  finish_attach(std::move(o));
}

void UeNas::on_attach_reject(const nas::AttachReject& m) {
  AttachOutcome o = attach_run_->outcome;
  o.emm_cause = m.emm_cause;
  o.failure = "EMM " + nas::describe_emm_cause(m.emm_cause);
  o.message = "attach rejected: EMM cause " + nas::describe_emm_cause(m.emm_cause);
  if (m.esm_container) {
    auto esm = nas::decode_esm(*m.esm_container);
    if (const auto* r = esm ? std::get_if<nas::PdnConnectivityReject>(&*esm) : nullptr) {
      o.esm_cause = r->esm_cause;
      o.message += ", ESM cause " + nas::describe_esm_cause(r->esm_cause);
    }
  }
  forget_registration(false);  // TS 24.301 5.5.1.2.5: the network releases the connection
  finish_attach(std::move(o));
}

}  // namespace simbind::ue
