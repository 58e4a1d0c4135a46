#include "services/mme/s1ap_server.h"

#include <arpa/inet.h>

#include <algorithm>

#include "common/log/log.h"
#include "common/s1ap/error_answers.h"

namespace simbind::mme {
namespace {

s1ap::PlmnOctets plmn_octets(const Plmn& p) {
  const auto e = p.encode();
  return {e[0], e[1], e[2]};
}

std::string describe(const s1ap::GlobalEnbId& id) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%05x", id.macro_enb_id);
  return std::string("macro eNB ") + buf;
}

}  // namespace

Result<std::unique_ptr<S1apServer>> S1apServer::start(const S1apServerConfig& config, const ServedNetwork& network,
                                                      NasLink& loop, FrameHandler on_frame, CloseHandler on_close) {
  std::unique_ptr<S1apServer> s(new S1apServer(config, network, loop));
  s->on_frame_ = std::move(on_frame);
  s->on_close_ = std::move(on_close);
  in_addr a{};
  if (inet_pton(AF_INET, config.sgw_s1u_address.c_str(), &a) != 1) {
    return fail(ErrorCode::config_error, "s1ap.sgw_s1u_address: '" + config.sgw_s1u_address + "' is not an IPv4 address");
  }
  const auto* octets = reinterpret_cast<const std::uint8_t*>(&a.s_addr);
  s->sgw_address_.assign(octets, octets + 4);

  S1apServer* self = s.get();
  sctp::Handlers h;
  h.on_up = [self](const sctp::AssociationInfo& info) { self->loop_.post([self, info] { self->on_up(info); }); };
  h.on_message = [self](sctp::AssociationId id, std::uint16_t, std::uint32_t ppid, Bytes data) {
    if (ppid != sctp::kS1apPpid) return;  // TS 36.412 7: S1AP is PPID 18
    self->loop_.post([self, id, data = std::move(data)]() mutable { self->on_pdu(sctp::to_uint(id), std::move(data)); });
  };
  h.on_down = [self](sctp::AssociationId id, const std::string& reason) {
    self->loop_.post([self, id, reason] { self->on_down(sctp::to_uint(id), reason); });
  };
  auto endpoint = sctp::listen(config.sctp, config.listen, config.port, std::move(h));
  if (!endpoint) return std::unexpected(endpoint.error());
  s->endpoint_ = std::move(*endpoint);
  return s;
}

void S1apServer::stop() { endpoint_.reset(); }
S1apServer::~S1apServer() { stop(); }

std::uint16_t S1apServer::port() const { return endpoint_ ? endpoint_->local_port() : 0; }
sctp::Backend S1apServer::backend() const { return endpoint_ ? endpoint_->backend() : sctp::Backend::automatic; }

// ---- associations -----------------------------------------------------------------------------------------------

void S1apServer::on_up(const sctp::AssociationInfo& info) {
  ++counters_.associations;
  Enb& enb = enbs_[sctp::to_uint(info.id)];
  enb.association = info.id;
  enb.peer = info.peer;
  enb.out_streams = std::max<std::uint16_t>(1, info.outbound_streams);
  log::info("S1AP: association from {} ({} streams out, {} in): waiting for S1 SETUP", info.peer,
            info.outbound_streams, info.inbound_streams);
}

void S1apServer::on_down(std::uint64_t association, const std::string& reason) {
  auto it = enbs_.find(association);
  if (it == enbs_.end()) return;
  ++counters_.associations_lost;
  std::vector<std::uint32_t> gone;
  for (const auto& [enb_ue_id, mme_ue_id] : it->second.ues) gone.push_back(mme_ue_id);
  log::warn("S1AP: association with {} ({}) lost: {}; {} UE context(s) released", it->second.peer,
            it->second.name.empty() ? "no S1 SETUP" : it->second.name, reason, gone.size());
  for (std::uint32_t id : gone) forget(id);
  enbs_.erase(it);
  on_close_(connection_of(association));  // the engine releases every UE of this eNB
}

// ---- PDUs in ----------------------------------------------------------------------------------------------------

void S1apServer::on_pdu(std::uint64_t association, Bytes pdu) {
  auto it = enbs_.find(association);
  if (it == enbs_.end()) return;
  Enb& enb = it->second;
  ++counters_.pdus_in;
  auto decoded = s1ap::decode(pdu);
  if (!decoded) {
    const auto& e = decoded.error();
    // TS 36.413 10.3.4.2: an S1 SETUP REQUEST refused for its contents gets S1 SETUP FAILURE, the rest ERROR
    // INDICATION.
    if (e.kind == s1ap::DecodeError::Kind::abstract_syntax && e.diagnostics.procedure_code &&
        *e.diagnostics.procedure_code == static_cast<std::uint8_t>(s1ap::ProcedureCode::s1_setup) &&
        e.diagnostics.triggering_message == s1ap::MessageType::initiating) {
      ++counters_.pdus_refused;
      ++counters_.setups_refused;
      log::warn("S1AP: S1 SETUP REQUEST from {} refused: {}", enb.peer, e.message);
      s1ap::S1SetupFailure f;
      f.cause = s1ap::error_indication_for(e).cause.value_or(s1ap::cause::kProtocolUnspecified);
      f.diagnostics = e.diagnostics;
      return send_pdu(enb, f, 0);
    }
    return refuse(enb, "undecodable S1AP PDU: " + e.message, s1ap::error_indication_for(e));
  }
  if (auto notify = s1ap::notification_for(*decoded)) refuse(enb, "IEs not comprehended (notify)", *notify);
  const s1ap::Message& message = decoded->message;
  if (!enb.set_up && !std::holds_alternative<s1ap::S1SetupRequest>(message) &&
      !std::holds_alternative<s1ap::ErrorIndication>(message)) {
    return refuse(enb, std::string(s1ap::name_of(message)) + " before S1 SETUP",
                  s1ap::not_compatible(message, std::nullopt, std::nullopt));
  }
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, s1ap::S1SetupRequest> || std::is_same_v<T, s1ap::InitialUeMessage> ||
                      std::is_same_v<T, s1ap::UplinkNasTransport> ||
                      std::is_same_v<T, s1ap::NasNonDeliveryIndication> ||
                      std::is_same_v<T, s1ap::InitialContextSetupResponse> ||
                      std::is_same_v<T, s1ap::InitialContextSetupFailure> ||
                      std::is_same_v<T, s1ap::UeContextReleaseRequest> ||
                      std::is_same_v<T, s1ap::UeContextReleaseComplete> ||
                      std::is_same_v<T, s1ap::UeCapabilityInfoIndication> || std::is_same_v<T, s1ap::ErrorIndication> ||
                      std::is_same_v<T, s1ap::Reset>) {
          on_message(enb, m);
        } else if constexpr (std::is_same_v<T, s1ap::ResetAcknowledge>) {
          // we never reset an eNB; nothing to do
        } else {
          refuse(enb, std::string(s1ap::name_of(message)) + " is not a message an MME receives",
                 s1ap::not_compatible(message, std::nullopt, std::nullopt));
        }
      },
      message);
}

void S1apServer::refuse(Enb& enb, const std::string& why, const s1ap::ErrorIndication& indication) {
  ++counters_.pdus_refused;
  log::warn("S1AP: from {}: {}: ERROR INDICATION", enb.peer, why);
  send_pdu(enb, indication, indication.enb_ue_id ? stream_for(enb, *indication.enb_ue_id) : 0);
}

void S1apServer::on_message(Enb& enb, const s1ap::S1SetupRequest& m) {
  const auto ours = plmn_octets(network_.plmn);
  bool plmn_ok = false, tac_ok = false;
  for (const auto& ta : m.supported_tas) {
    const bool plmn = std::find(ta.broadcast_plmns.begin(), ta.broadcast_plmns.end(), ours) != ta.broadcast_plmns.end();
    plmn_ok = plmn_ok || plmn;
    tac_ok = tac_ok || (plmn && ta.tac == network_.tac);
  }
  enb.global_id = m.global_enb_id;
  enb.name = m.enb_name.value_or(describe(m.global_enb_id));
  if (!plmn_ok || !tac_ok) {
    // TS 36.413 8.7.3.4: no common PLMN (or no TA the MME serves): S1 SETUP FAILURE, with a time to wait.
    ++counters_.setups_refused;
    log::warn("S1AP: S1 SETUP from {} ({}) refused: {} (this MME serves PLMN {} TAC {})", enb.peer, enb.name,
              plmn_ok ? "no supported TA has our TAC" : "no supported TA broadcasts our PLMN", network_.plmn.to_string(),
              network_.tac);
    s1ap::S1SetupFailure f;
    f.cause = s1ap::cause::kMiscUnknownPlmn;
    f.time_to_wait = config_.setup_failure_time_to_wait;
    return send_pdu(enb, f, 0);
  }
  enb.set_up = true;
  ++counters_.setups_accepted;
  s1ap::S1SetupResponse r;
  r.mme_name = config_.mme_name;
  r.served_gummeis = {s1ap::ServedGummei{{ours}, {network_.mme_group_id}, {network_.mme_code}}};
  r.relative_mme_capacity = config_.relative_capacity;
  log::info("S1AP: eNB {} ({}) set up from {}", enb.name, describe(m.global_enb_id), enb.peer);
  send_pdu(enb, r, 0);
}

std::uint32_t S1apServer::allocate_mme_ue_id() {
  while (ues_.count(next_mme_ue_id_)) ++next_mme_ue_id_;
  return next_mme_ue_id_++;
}

void S1apServer::on_message(Enb& enb, const s1ap::InitialUeMessage& m) {
  const std::uint64_t association = sctp::to_uint(enb.association);
  if (auto old = enb.ues.find(m.enb_ue_id); old != enb.ues.end()) {
    // The eNB reuses an id we still hold: the old logical connection is gone (TS 36.413 8.6.2.1 leaves this to
    // the MME): the engine forgets that UE first.
    const std::uint32_t stale = old->second;
    forget(stale);
    engine_release(association, stale);
  }
  const std::uint32_t mme_ue_id = allocate_mme_ue_id();
  ues_[mme_ue_id] = UeLink{association, m.enb_ue_id, false, false};
  enb.ues[m.enb_ue_id] = mme_ue_id;
  on_frame_(connection_of(association), nas::Frame{nas::UeConnectionId{mme_ue_id}, nas::FrameKind::nas_pdu, m.nas_pdu});
}

S1apServer::UeLink* S1apServer::ue_for(Enb& enb, std::uint32_t mme_ue_id, std::uint32_t enb_ue_id,
                                       const s1ap::Message& m) {
  auto it = ues_.find(mme_ue_id);
  if (it != ues_.end() && it->second.association == sctp::to_uint(enb.association) &&
      it->second.enb_ue_id == enb_ue_id) {
    return &it->second;
  }
  const bool mme_known = it != ues_.end() && it->second.association == sctp::to_uint(enb.association);
  const bool enb_known = enb.ues.count(enb_ue_id) != 0;
  s1ap::ErrorIndication ind{mme_ue_id, enb_ue_id,
                            !mme_known && !enb_known ? s1ap::cause::kUnknownPairUeId
                            : !mme_known             ? s1ap::cause::kUnknownMmeUeId
                                                     : s1ap::cause::kUnknownPairUeId,
                            std::nullopt};
  refuse(enb, std::string(s1ap::name_of(m)) + " for unknown UE (MME-UE-S1AP-ID " + std::to_string(mme_ue_id) +
                  ", eNB-UE-S1AP-ID " + std::to_string(enb_ue_id) + ")",
         ind);
  return nullptr;
}

void S1apServer::on_message(Enb& enb, const s1ap::UplinkNasTransport& m) {
  UeLink* ue = ue_for(enb, m.mme_ue_id, m.enb_ue_id, m);
  if (!ue || ue->releasing) return;
  on_frame_(connection_of(ue->association), nas::Frame{nas::UeConnectionId{m.mme_ue_id}, nas::FrameKind::nas_pdu, m.nas_pdu});
}

void S1apServer::on_message(Enb& enb, const s1ap::NasNonDeliveryIndication& m) {
  if (!ue_for(enb, m.mme_ue_id, m.enb_ue_id, m)) return;
  ++counters_.nas_non_delivered;
  // The NAS procedure's own timer retransmits or gives up (TS 24.301 guards every message the MME waits on).
  log::info("S1AP: NAS PDU to MME-UE-S1AP-ID {} not delivered by eNB {}: {}", m.mme_ue_id, enb.name,
            s1ap::to_string(m.cause));
}

void S1apServer::on_message(Enb& enb, const s1ap::InitialContextSetupResponse& m) {
  if (!ue_for(enb, m.mme_ue_id, m.enb_ue_id, m)) return;
  for (const auto& f : m.failed) {
    log::warn("S1AP: eNB {} could not set up E-RAB {} of MME-UE-S1AP-ID {}: {}", enb.name, f.erab_id, m.mme_ue_id,
              s1ap::to_string(f.cause));
  }
  log::debug("S1AP: initial context of MME-UE-S1AP-ID {} set up ({} E-RAB(s))", m.mme_ue_id, m.setup.size());
}

void S1apServer::on_message(Enb& enb, const s1ap::InitialContextSetupFailure& m) {
  if (!ue_for(enb, m.mme_ue_id, m.enb_ue_id, m)) return;
  ++counters_.context_setups_failed;
  log::warn("S1AP: eNB {} failed the initial context setup of MME-UE-S1AP-ID {}: {}; UE released", enb.name,
            m.mme_ue_id, s1ap::to_string(m.cause));
  engine_release(sctp::to_uint(enb.association), m.mme_ue_id);
  release_command(enb, m.mme_ue_id, s1ap::cause::kNasUnspecified);
}

void S1apServer::on_message(Enb& enb, const s1ap::UeContextReleaseRequest& m) {
  UeLink* ue = ue_for(enb, m.mme_ue_id, m.enb_ue_id, m);
  if (!ue) return;
  log::debug("S1AP: eNB {} asks to release MME-UE-S1AP-ID {}: {}", enb.name, m.mme_ue_id, s1ap::to_string(m.cause));
  if (!ue->releasing) engine_release(ue->association, m.mme_ue_id);
  release_command(enb, m.mme_ue_id, m.cause);
}

void S1apServer::on_message(Enb& enb, const s1ap::UeContextReleaseComplete& m) {
  auto it = ues_.find(m.mme_ue_id);
  if (it == ues_.end() || it->second.association != sctp::to_uint(enb.association)) {
    log::debug("S1AP: UE CONTEXT RELEASE COMPLETE for unknown MME-UE-S1AP-ID {} ignored", m.mme_ue_id);
    return;
  }
  forget(m.mme_ue_id);
}

void S1apServer::on_message(Enb& enb, const s1ap::UeCapabilityInfoIndication& m) {
  if (!ue_for(enb, m.mme_ue_id, m.enb_ue_id, m)) return;
  log::debug("S1AP: UE radio capability of MME-UE-S1AP-ID {}: {} octets", m.mme_ue_id, m.ue_radio_capability.size());
}

void S1apServer::on_message(Enb& enb, const s1ap::ErrorIndication& m) {
  log::warn("S1AP: ERROR INDICATION from eNB {}{}{}{}", enb.name.empty() ? enb.peer : enb.name,
            m.cause ? ": " + s1ap::to_string(*m.cause) : std::string(),
            m.mme_ue_id ? ", MME-UE-S1AP-ID " + std::to_string(*m.mme_ue_id) : std::string(),
            m.enb_ue_id ? ", eNB-UE-S1AP-ID " + std::to_string(*m.enb_ue_id) : std::string());
}

void S1apServer::on_message(Enb& enb, const s1ap::Reset& m) {
  const std::uint64_t association = sctp::to_uint(enb.association);
  std::vector<std::uint32_t> gone;
  if (m.part.empty()) {
    for (const auto& [enb_ue_id, mme_ue_id] : enb.ues) gone.push_back(mme_ue_id);
  } else {
    for (const auto& item : m.part) {
      if (item.mme_ue_id && ues_.count(*item.mme_ue_id) && ues_.at(*item.mme_ue_id).association == association) {
        gone.push_back(*item.mme_ue_id);
      } else if (item.enb_ue_id && enb.ues.count(*item.enb_ue_id)) {
        gone.push_back(enb.ues.at(*item.enb_ue_id));
      }
    }
  }
  log::warn("S1AP: RESET from eNB {} ({}): {} UE context(s) released", enb.name, s1ap::to_string(m.cause), gone.size());
  for (std::uint32_t id : gone) {
    const bool engine_knows = !ues_.at(id).releasing;
    forget(id);
    if (engine_knows) engine_release(association, id);
  }
  send_pdu(enb, s1ap::ResetAcknowledge{m.part}, 0);
}

// ---- the engine's frames ----------------------------------------------------------------------------------------

void S1apServer::send(ConnectionId connection, nas::Frame frame) {
  loop_.post([this, connection, frame = std::move(frame)]() mutable { do_send(connection, std::move(frame), nullptr); });
}

void S1apServer::send_context_setup(ConnectionId connection, nas::Frame frame, const ContextSetup& setup) {
  loop_.post([this, connection, frame = std::move(frame), setup]() mutable { do_send(connection, std::move(frame), &setup); });
}

void S1apServer::do_send(ConnectionId connection, nas::Frame frame, const ContextSetup* setup) {
  const std::uint32_t mme_ue_id = nas::to_uint(frame.ue);
  auto it = ues_.find(mme_ue_id);
  const std::uint64_t association = static_cast<std::uint64_t>(connection) & ~kS1apConnectionBit;
  if (it == ues_.end() || it->second.association != association || it->second.releasing) return;
  auto enb_it = enbs_.find(association);
  if (enb_it == enbs_.end()) return;
  Enb& enb = enb_it->second;
  UeLink& ue = it->second;
  if (frame.kind == nas::FrameKind::ue_context_release) {
    // The engine has forgotten the UE (detach, reject, a new attach elsewhere, CLR): release the S1 connection.
    return release_command(enb, mme_ue_id, s1ap::cause::kNasNormalRelease);
  }
  if (setup && !ue.context_set_up) {
    s1ap::InitialContextSetupRequest r;
    r.mme_ue_id = mme_ue_id;
    r.enb_ue_id = ue.enb_ue_id;
    // UE-AMBR is mandatory here; a subscription without one gets the largest value the IE allows.
    r.ue_ambr_dl = setup->ue_ambr_dl ? setup->ue_ambr_dl : 10'000'000'000ull;
    r.ue_ambr_ul = setup->ue_ambr_ul ? setup->ue_ambr_ul : 10'000'000'000ull;
    for (const auto& e : setup->erabs) {
      s1ap::ErabToBeSetup item;
      item.erab_id = e.ebi;
      item.qci = e.qci;
      item.arp_priority = e.arp_priority;
      item.pre_emption_capability = e.may_pre_empt;
      item.pre_emption_vulnerability = e.pre_emptable;
      item.transport_layer_address = sgw_address_;
      item.gtp_teid = next_teid_++;
      if (r.erabs.empty()) item.nas_pdu = frame.payload;  // TS 23.401 5.3.2.1 step 17: the ATTACH ACCEPT rides here
      r.erabs.push_back(std::move(item));
    }
    r.encryption_algorithms = setup->encryption_algorithms;
    r.integrity_algorithms = setup->integrity_algorithms;
    r.security_key = setup->k_enb;
    ue.context_set_up = true;
    return send_pdu(enb, r, stream_for(enb, ue.enb_ue_id));
  }
  send_pdu(enb, s1ap::DownlinkNasTransport{mme_ue_id, ue.enb_ue_id, std::move(frame.payload)}, stream_for(enb, ue.enb_ue_id));
}

void S1apServer::release_command(Enb& enb, std::uint32_t mme_ue_id, const s1ap::Cause& cause) {
  auto it = ues_.find(mme_ue_id);
  if (it == ues_.end()) return;
  it->second.releasing = true;
  send_pdu(enb, s1ap::UeContextReleaseCommand{mme_ue_id, it->second.enb_ue_id, cause},
           stream_for(enb, it->second.enb_ue_id));
}

void S1apServer::engine_release(std::uint64_t association, std::uint32_t mme_ue_id) {
  on_frame_(connection_of(association), nas::Frame{nas::UeConnectionId{mme_ue_id}, nas::FrameKind::ue_context_release, {}});
}

void S1apServer::forget(std::uint32_t mme_ue_id) {
  auto it = ues_.find(mme_ue_id);
  if (it == ues_.end()) return;
  if (auto enb = enbs_.find(it->second.association); enb != enbs_.end()) {
    auto e = enb->second.ues.find(it->second.enb_ue_id);
    if (e != enb->second.ues.end() && e->second == mme_ue_id) enb->second.ues.erase(e);
  }
  ues_.erase(it);
}

// ---- sending ----------------------------------------------------------------------------------------------------

std::uint16_t S1apServer::stream_for(const Enb& enb, std::uint32_t enb_ue_id) const {
  if (enb.out_streams <= 1) return 0;  // TS 36.412 7: stream 0 is for non-UE-associated signalling
  return static_cast<std::uint16_t>(1 + enb_ue_id % (enb.out_streams - 1u));
}

void S1apServer::send_pdu(Enb& enb, const s1ap::Message& m, std::uint16_t stream) {
  auto bytes = s1ap::encode(m);
  if (!bytes) {
    log::error("S1AP: cannot encode {}: {}", s1ap::name_of(m), bytes.error().message);
    return;
  }
  if (!endpoint_) return;
  if (auto sent = endpoint_->send(enb.association, stream, *bytes); !sent) {
    log::debug("S1AP: {} to {} not sent: {}", s1ap::name_of(m), enb.peer, sent.error().message);
    return;
  }
  ++counters_.pdus_out;
}

}  // namespace simbind::mme
