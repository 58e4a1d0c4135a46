// The attach (DESIGN 3.1/3.2, TS 24.301 5.5.1.2): ATTACH REQUEST -> [IDENTITY] -> AIR/AIA -> AUTHENTICATION
// (with MAC failure on a pre-processed AV reported to the HSS, and resynchronisation) -> SECURITY MODE (IMEISV
// requested) -> ULR/ULA with Terminal-Information -> ATTACH ACCEPT (default bearer, or no PDN connection when
// the access is PROVISIONING_ONLY) -> ATTACH COMPLETE.
#include <chrono>

#include "common/crypto/kdf.h"
#include "common/log/log.h"
#include "common/util/hex.h"
#include "common/util/identifiers.h"
#include "common/util/secure.h"
#include "services/mme/emm_engine.h"
#include "common/nas/cause_names.h"
#include "services/mme/s6a_cause_mapping.h"

namespace simbind::mme {
namespace {

using diameter::BindingAvType;
using diameter::BindingRestriction;

// UE network capability (TS 24.301 9.9.3.34): octet 1 = EEA0..EEA7, octet 2 = EIA0..EIA7, MSB first.
bool ue_supports(const Bytes& capability, const nas::NasAlgorithms& algs) {
  if (capability.size() < 2) return false;
  return (capability[0] & (0x80 >> algs.ciphering)) != 0 && (capability[1] & (0x80 >> algs.integrity)) != 0;
}

// TAI list (TS 24.301 9.9.3.33): one list of type 00 (one PLMN, non-consecutive TACs) with one TAC.
Bytes tai_list(const Plmn& plmn, std::uint16_t tac) {
  const auto p = plmn.encode();
  return {0x00, p[0], p[1], p[2], static_cast<std::uint8_t>(tac >> 8), static_cast<std::uint8_t>(tac)};
}

long elapsed_ms(std::chrono::steady_clock::time_point since) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since).count());
}

}  // namespace

void EmmEngine::on_attach_request(const UeKey& key, const nas::AttachRequest& m) {
  ++counters_.attach_requests;
  UeContext& ue = fresh_context(key);
  ue.attach_request = m;

  auto esm = nas::decode_esm(m.esm_container);
  const auto* pdn = esm ? std::get_if<nas::PdnConnectivityRequest>(&*esm) : nullptr;
  if (!pdn) {
    return reject_attach(ue, nas::emm_cause::invalid_mandatory_information,
                         "the ESM message container is not a PDN CONNECTIVITY REQUEST");
  }
  ue.pdn_request = *pdn;
  if (!ue_supports(m.ue_network_capability, config_.algorithms)) {
    return reject_attach(ue, nas::emm_cause::ue_security_capabilities_mismatch,
                         "the UE does not support EEA" + std::to_string(config_.algorithms.ciphering) + "/EIA" +
                             std::to_string(config_.algorithms.integrity));
  }
  if (m.identity.type == nas::MobileIdentity::Type::imsi && Imsi::create(m.identity.digits)) {
    // Not bound to the IMSI yet: an unauthenticated ATTACH REQUEST naming someone's IMSI must not release that
    // UE's context. The binding (and the release of an older context) waits for SECURITY MODE COMPLETE.
    ue.imsi = m.identity.digits;
    log::debug("IMSI {}: ATTACH REQUEST on UE {}", ue.imsi, nas::to_uint(key.ue));
    return request_vectors(ue, std::nullopt);
  }
  // A GUTI we did not allocate (or any other identity): ask for the IMSI (TS 24.301 5.4.4).
  ue.state = EmmState::identifying;
  send_guarded(ue, nas::encode_emm(nas::IdentityRequest{1}), nas::SecurityHeaderType::plain, config_.timers.t3470,
               "IDENTITY REQUEST");
}

void EmmEngine::on_identity_response(UeContext& ue, const nas::IdentityResponse& m) {
  if (m.identity.type != nas::MobileIdentity::Type::imsi || !Imsi::create(m.identity.digits)) {
    return reject_attach(ue, nas::emm_cause::invalid_mandatory_information, "IDENTITY RESPONSE without an IMSI");
  }
  stop_guard(ue);
  ue.imsi = m.identity.digits;  // bound at SECURITY MODE COMPLETE, as above
  request_vectors(ue, std::nullopt);
}

void EmmEngine::request_vectors(UeContext& ue, std::optional<Bytes> resync_info) {
  ue.state = EmmState::waiting_aia;
  diameter::AuthInfoRequest req;
  req.user_name = ue.imsi;
  req.visited_plmn = config_.plmn.encode();
  req.requested_vectors = 1;
  req.resync_info = std::move(resync_info);
  req.supported_features.push_back(
      {config_.dictionary.vendor_id, diameter::kBindingFeatureListId, diameter::kBindingFeatureBit});
  if (auto it = pending_reports_.find(ue.imsi); it != pending_reports_.end()) {
    req.binding_failure_report = it->second;
    pending_reports_.erase(it);
  }
  const UeKey key = ue.key;
  const std::uint64_t generation = ue.generation;
  hss_.air(req, [this, key, generation](S6aResult<diameter::AuthInfoAnswer> aia) {
    counters_.count_s6a_answer("AIR", aia, counters_.aia_success);  // here: late answers count too
    post_for(key, generation, [this, aia = std::move(aia)](UeContext& u) { on_aia(u, aia); });
  });
}

void EmmEngine::on_aia(UeContext& ue, S6aResult<diameter::AuthInfoAnswer> aia) {
  if (!aia) {
    ++counters_.s6a_failures;
    return reject_attach(ue, emm_cause_for(aia.error()), aia.error().message);
  }
  if (!aia->result.success()) {
    return reject_attach(ue, emm_cause_for(S6aProcedure::air, aia->result),
                         "the HSS answered the AIR with " + std::string(aia->result.experimental ? "Experimental-Result " : "Result-Code ") +
                             std::to_string(aia->result.code));
  }
  if (aia->vectors.empty()) return reject_attach(ue, 17, "AIA without an E-UTRAN vector");
  ue.av = aia->vectors.front();
  ue.restriction = aia->binding_restriction.value_or(BindingRestriction::none);
  ue.ksi = next_ksi_;
  next_ksi_ = static_cast<std::uint8_t>((next_ksi_ + 1) % nas::kNoKeyAvailable);
  ue.state = EmmState::authenticating;
  if (ue.av.av_type == BindingAvType::pre_processed) {
    log::info("IMSI {}: pre-processed AV (KME-Id {}): RAND* {} goes to the UE", ue.imsi, ue.av.kme_id.value_or(0),
              to_hex(ue.av.rand));
  }
  send_guarded(ue, nas::encode_emm(nas::AuthenticationRequest{ue.ksi, ue.av.rand, ue.av.autn}),
               nas::SecurityHeaderType::plain, config_.timers.t3460, "AUTHENTICATION REQUEST");
}

void EmmEngine::on_authentication_response(UeContext& ue, const nas::AuthenticationResponse& m) {
  stop_guard(ue);
  if (!constant_time_equal(m.res, ue.av.xres)) {
    return reject_authentication(ue, "RES does not match XRES");
  }
  start_security_mode(ue);
}

void EmmEngine::on_authentication_failure(UeContext& ue, const nas::AuthenticationFailure& m) {
  stop_guard(ue);
  const bool pre_processed = ue.av.av_type == BindingAvType::pre_processed;
  switch (m.emm_cause) {
    case nas::emm_cause::mac_failure:
      if (!pre_processed) {
        return reject_authentication(ue, "MAC failure (#20) on a regular AV: this UICC does not match the subscription");
      }
      // DESIGN 3.2: the ME had no KME (or the wrong one) for a pre-processed AV. The HSS hears of it in the next
      // AIR; one fresh AV follows, since the HSS policy may answer the report differently (DESIGN 3.5).
      ++counters_.mac_failures_reported;
      pending_reports_[ue.imsi] = diameter::BindingFailureReport::mac_failure_pre_processed;
      if (ue.binding_retry_done) {
        return reject_authentication(ue, "MAC failure (#20) again on a pre-processed AV: the device does not hold "
                                         "this subscription's KME");
      }
      ue.binding_retry_done = true;
      log::info("IMSI {}: MAC failure (#20) on a pre-processed AV: Binding-Failure-Report to the HSS", ue.imsi);
      return request_vectors(ue, std::nullopt);
    case nas::emm_cause::synch_failure: {
      if (!m.auts) return reject_authentication(ue, "synch failure (#21) without AUTS");
      if (ue.resyncs >= config_.max_resyncs) {
        return reject_authentication(ue, "synch failure (#21) again after " + std::to_string(ue.resyncs) + " resynchronisation(s)");
      }
      ++ue.resyncs;
      ++counters_.resyncs;
      // DESIGN 3.6: RAND as it went to the UE (RAND* for a pre-processed AV; the HSS maps it back) || AUTS.
      Bytes resync(ue.av.rand.begin(), ue.av.rand.end());
      resync.insert(resync.end(), m.auts->begin(), m.auts->end());
      log::info("IMSI {}: synch failure (#21): AIR with Re-Synchronization-Info", ue.imsi);
      return request_vectors(ue, std::move(resync));
    }
    default:
      return reject_authentication(ue, "AUTHENTICATION FAILURE " + nas::describe_emm_cause(m.emm_cause));
  }
}

void EmmEngine::start_security_mode(UeContext& ue) {
  const auto keys = crypto::derive_nas_keys(ue.av.kasme, config_.algorithms.ciphering, config_.algorithms.integrity);
  ue.security.emplace(nas::NasKeysInUse{keys.k_nas_int, keys.k_nas_enc, config_.algorithms}, crypto::Direction::downlink);
  nas::SecurityModeCommand smc;
  smc.eea = config_.algorithms.ciphering;
  smc.eia = config_.algorithms.integrity;
  smc.nas_ksi = ue.ksi;
  smc.replayed_ue_security_capabilities = ue.attach_request.ue_network_capability;
  smc.imeisv_request = true;
  ue.state = EmmState::securing;
  send_guarded(ue, nas::encode_emm(smc), nas::SecurityHeaderType::integrity_new_context, config_.timers.t3460,
               "SECURITY MODE COMMAND");
}

void EmmEngine::on_security_mode_complete(UeContext& ue, const nas::SecurityModeComplete& m) {
  stop_guard(ue);
  // The UE has proven the keys of this IMSI (its SECURITY MODE COMPLETE verified): now it is the IMSI's context, and
  // an older one is implicitly detached (TS 24.301 5.5.1.2.4).
  bind_imsi(ue, ue.imsi);
  if (m.imeisv && m.imeisv->type == nas::MobileIdentity::Type::imeisv && m.imeisv->digits.size() == 16) {
    ue.imeisv = m.imeisv->digits;
  } else {
    log::warn("IMSI {}: SECURITY MODE COMPLETE without the requested IMEISV: ULR without Terminal-Information",
              ue.imsi);
  }
  update_location(ue);
}

void EmmEngine::update_location(UeContext& ue) {
  ue.state = EmmState::waiting_ula;
  diameter::UpdateLocationRequest req;
  req.user_name = ue.imsi;
  req.visited_plmn = config_.plmn.encode();
  req.ulr_flags = 0x22;  // S6a/S6d-Indicator | Initial-Attach-Indicator (TS 29.272 7.3.7)
  req.supported_features.push_back(
      {config_.dictionary.vendor_id, diameter::kBindingFeatureListId, diameter::kBindingFeatureBit});
  if (!ue.imeisv.empty()) {
    // IMEISV = TAC (8) SNR (6) SVN (2); the IMEI the HSS sees is TAC SNR with its check digit (TS 23.003 6.2).
    const std::string body = ue.imeisv.substr(0, 14);
    req.terminal_information = diameter::TerminalInformation{body + Imei::luhn_check_digit(body), ue.imeisv.substr(14)};
  }
  const UeKey key = ue.key;
  const std::uint64_t generation = ue.generation;
  hss_.ulr(req, [this, key, generation](S6aResult<diameter::UpdateLocationAnswer> ula) {
    counters_.count_s6a_answer("ULR", ula, counters_.ula_success);
    post_for(key, generation, [this, ula = std::move(ula)](UeContext& u) { on_ula(u, ula); });
  });
}

void EmmEngine::on_ula(UeContext& ue, S6aResult<diameter::UpdateLocationAnswer> ula) {
  if (!ula) {
    ++counters_.s6a_failures;
    return reject_attach(ue, emm_cause_for(ula.error()), ula.error().message);
  }
  if (!ula->result.success()) {
    return reject_attach(ue, emm_cause_for(S6aProcedure::ulr, ula->result),
                         "the HSS answered the ULR with " + std::string(ula->result.experimental ? "Experimental-Result " : "Result-Code ") +
                             std::to_string(ula->result.code));
  }
  ue.subscription = ula->subscription;
  if (ula->binding_restriction) ue.restriction = *ula->binding_restriction;

  nas::AttachAccept accept;
  accept.tai_list = tai_list(config_.plmn, config_.tac);
  nas::MobileIdentity guti;
  guti.type = nas::MobileIdentity::Type::guti;
  guti.plmn = config_.plmn.encode();
  guti.mme_group_id = config_.mme_group_id;
  guti.mme_code = config_.mme_code;
  guti.m_tmsi = ue.m_tmsi = next_m_tmsi_++;
  accept.guti = guti;

  auto bearer = default_bearer_for(ue, ue.pdn_request);
  if (auto* request = std::get_if<nas::ActivateDefaultBearerRequest>(&bearer)) {
    auto esm = nas::encode_esm(*request);
    if (!esm) {
      return reject_attach(ue, nas::emm_cause::protocol_error,
                           "ACTIVATE DEFAULT EPS BEARER CONTEXT REQUEST could not be encoded: " + esm.error().message);
    }
    accept.esm_container = std::move(*esm);
    ue.context_setup = context_setup_for(ue, request->header.ebi);
  } else {
    const std::uint8_t esm_cause = std::get<std::uint8_t>(bearer);
    auto encoded_reject = nas::encode_esm(nas::PdnConnectivityReject{{0, ue.pdn_request.header.pti}, esm_cause});
    if (!encoded_reject) {
      return reject_attach(ue, nas::emm_cause::protocol_error,
                           "PDN CONNECTIVITY REJECT could not be encoded: " + encoded_reject.error().message);
    }
    const Bytes reject = std::move(*encoded_reject);
    if (ue.restriction != BindingRestriction::provisioning_only) {
      return reject_attach(ue, nas::emm_cause::esm_failure, "PDN connectivity refused: " + nas::describe_esm_cause(esm_cause),
                           reject);
    }
    // Binding-Restriction PROVISIONING_ONLY: the attach completes without a PDN connection (TS 24.301 5.5.1.2.4,
    // "EPS attach without PDN connectivity"), and the container says why instead of an ESM DUMMY MESSAGE.
    ++counters_.bearers_refused;
    log::info("IMSI {}: Binding-Restriction PROVISIONING_ONLY: attach without PDN connection ({})", ue.imsi,
              nas::describe_esm_cause(esm_cause));
    accept.esm_container = reject;
  }
  ue.state = EmmState::accepting;
  send_guarded(ue, nas::encode_emm(accept), nas::SecurityHeaderType::integrity_ciphered, config_.timers.t3450,
               "ATTACH ACCEPT");
}

ContextSetup EmmEngine::context_setup_for(const UeContext& ue, std::uint8_t ebi) const {
  ContextSetup setup;
  // The uplink NAS COUNT of the last message the UE sent under this context (its SECURITY MODE COMPLETE).
  const std::int64_t count = ue.security ? ue.security->last_rx_count() : 0;
  setup.k_enb = derive_k_enb(ue.av.kasme, static_cast<std::uint32_t>(std::max<std::int64_t>(count, 0)));
  setup.encryption_algorithms = s1ap_encryption_algorithms(ue.attach_request.ue_network_capability);
  setup.integrity_algorithms = s1ap_integrity_algorithms(ue.attach_request.ue_network_capability);
  if (ue.subscription) {
    setup.ue_ambr_ul = ue.subscription->ambr_ul;
    setup.ue_ambr_dl = ue.subscription->ambr_dl;
  }
  diameter::ApnConfiguration apn;  // QCI 9, ARP 8 unless the subscription says otherwise
  for (const Bearer& b : ue.bearers) {
    if (b.ebi != ebi || !ue.subscription) continue;
    for (const auto& a : ue.subscription->apns) {
      if (a.service_selection == b.apn) apn = a;
    }
  }
  setup.erabs.push_back(erab_for(ebi, apn));
  return setup;
}

void EmmEngine::on_attach_complete(UeContext& ue, const nas::AttachComplete& m) {
  stop_guard(ue);
  if (!m.esm_container.empty()) {
    auto esm = nas::decode_esm(m.esm_container);
    if (const auto* accept = esm ? std::get_if<nas::ActivateDefaultBearerAccept>(&*esm) : nullptr) {
      on_bearer_accept(ue, *accept);
    }
  }
  ue.state = EmmState::registered;
  const Bearer* bearer = ue.bearers.empty() ? nullptr : &ue.bearers.front();
  if (bearer && bearer->active) {
    ++counters_.attaches_completed;
    log::info("IMSI {} attached (IMEISV {}): default bearer EBI {} APN {} address {}, {} ms", ue.imsi, ue.imeisv,
              bearer->ebi, bearer->apn, bearer->addresses.text(), elapsed_ms(ue.attach_started));
  } else {
    ++counters_.attaches_without_pdn;
    log::info("IMSI {} attached without PDN connection (IMEISV {}), {} ms", ue.imsi, ue.imeisv,
              elapsed_ms(ue.attach_started));
    if (ue.kme_delivered && ue.restriction == BindingRestriction::provisioning_only) detach_for_reattach(ue);
  }
}

void EmmEngine::reject_attach(UeContext& ue, std::uint8_t emm_cause, const std::string& why,
                              std::optional<Bytes> esm_container) {
  ++counters_.attaches_rejected;
  ++counters_.attach_rejects_by_cause[emm_cause];
  log::info("IMSI {}: ATTACH REJECT {}: {}", ue.imsi.empty() ? "unknown" : ue.imsi, nas::describe_emm_cause(emm_cause), why);
  send_nas(ue, nas::encode_emm(nas::AttachReject{emm_cause, std::move(esm_container)}),
           nas::SecurityHeaderType::integrity_ciphered);
  release(ue, true, why);
}

void EmmEngine::reject_authentication(UeContext& ue, const std::string& why) {
  ++counters_.authentication_rejects;
  ++counters_.attaches_rejected;
  log::info("IMSI {}: AUTHENTICATION REJECT: {}", ue.imsi, why);
  send_nas(ue, nas::encode_emm(nas::AuthenticationReject{}), nas::SecurityHeaderType::plain);
  release(ue, true, why);
}

}  // namespace simbind::mme
