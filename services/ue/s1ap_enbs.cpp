#include "services/ue/s1ap_enbs.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "common/log/log.h"
#include "common/nas/emm_messages.h"
#include "common/nas/security_envelope.h"
#include "common/s1ap/error_answers.h"

namespace simbind::ue {
namespace {

constexpr std::uint32_t kMaxEnbUeId = 0xFFFFFF;  // ENB-UE-S1AP-ID ::= INTEGER (0..16777215)
constexpr std::uint8_t kMoSignalling = 3;        // RRC-Establishment-Cause

// The smallest valid UERadioAccessCapabilityInformation (TS 36.331, UPER): criticalExtensions c1,
// ueRadioAccessCapabilityInformation-r8 with an empty ue-CapabilityRAT-ContainerList and no extension.
const Bytes kEmptyUeRadioCapability{0x00, 0x00};

s1ap::PlmnOctets plmn_octets(const Plmn& p) {
  const auto e = p.encode();
  return {e[0], e[1], e[2]};
}

// The S-TMSI an RRC connection would carry: the UE names itself by a GUTI of this PLMN (TS 36.331 5.3.3.3).
std::optional<s1ap::STmsi> s_tmsi_of(ByteView pdu, const s1ap::PlmnOctets& plmn) {
  auto header = nas::security_header_type(pdu);
  if (!header) return std::nullopt;
  ByteView message = pdu;
  if (*header != nas::SecurityHeaderType::plain) {
    if (pdu.size() <= 6) return std::nullopt;
    message = pdu.subspan(6);
  }
  auto decoded = nas::decode_emm(message, crypto::Direction::uplink);
  if (!decoded) return std::nullopt;
  const nas::MobileIdentity* id = nullptr;
  if (const auto* a = std::get_if<nas::AttachRequest>(&*decoded)) id = &a->identity;
  if (const auto* d = std::get_if<nas::DetachRequestUe>(&*decoded)) id = &d->identity;
  if (!id || id->type != nas::MobileIdentity::Type::guti) return std::nullopt;
  if (!std::equal(plmn.begin(), plmn.end(), id->plmn.begin())) return std::nullopt;
  return s1ap::STmsi{id->mme_code, id->m_tmsi};
}

}  // namespace

Result<std::unique_ptr<S1apEnbs>> S1apEnbs::create(S1apUeConfig config) {
  if (config.enbs.empty()) return fail(ErrorCode::config_error, "s1ap.enbs: at least one eNB is needed");
  // SCTP is given addresses: a host name (compose's "mme") is resolved once, here.
  addrinfo hints{};
  hints.ai_family = AF_INET;
  addrinfo* found = nullptr;
  if (getaddrinfo(config.mme_address.c_str(), nullptr, &hints, &found) != 0 || !found) {
    return fail(ErrorCode::config_error, "mme.address: cannot resolve '" + config.mme_address + "' to an IPv4 address");
  }
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr, text, sizeof text);
  freeaddrinfo(found);
  config.mme_address = text;
  in_addr s1u{};
  if (inet_pton(AF_INET, config.s1u_address.c_str(), &s1u) != 1) {
    return fail(ErrorCode::config_error, "s1ap.s1u_address: '" + config.s1u_address + "' is not an IPv4 address");
  }
  std::unique_ptr<S1apEnbs> s(new S1apEnbs(std::move(config)));
  for (const auto& c : s->config_.enbs) {
    Enb e;
    e.config = c;
    s->enbs_.push_back(std::move(e));
  }
  s->epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (s->epoll_fd_ < 0 || s->tasks_.wake_fd() < 0) return fail(ErrorCode::io_error, "S1AP eNBs: no epoll or eventfd");
  epoll_event ev{};
  ev.events = EPOLLIN;
  epoll_ctl(s->epoll_fd_, EPOLL_CTL_ADD, s->tasks_.wake_fd(), &ev);
  return s;
}

S1apEnbs::~S1apEnbs() {
  stopping_ = true;
  tasks_.wake();
  if (thread_.joinable()) thread_.join();
  enbs_.clear();  // endpoints abort their associations; no callback runs after this
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

void S1apEnbs::start(FrameHandler on_frame, StateHandler on_state) {
  on_frame_ = std::move(on_frame);
  on_state_ = std::move(on_state);
  tasks_.post([this] {
    for (std::size_t i = 0; i < enbs_.size(); ++i) connect(i);
  });
  thread_ = std::thread([this] { run(); });
}

void S1apEnbs::run() {
  epoll_event ev[4];
  while (!stopping_) {
    const int timeout = tasks_.run_due_timers();
    const int n = epoll_wait(epoll_fd_, ev, 4, timeout);
    if (n > 0 && !stopping_) tasks_.drain();
  }
}

void S1apEnbs::post(std::function<void()> work) { tasks_.post(std::move(work)); }
S1apEnbs::TimerId S1apEnbs::schedule(std::chrono::milliseconds delay, std::function<void()> work) {
  return tasks_.schedule(delay, std::move(work));
}
void S1apEnbs::cancel(TimerId id) { tasks_.cancel(id); }

std::string S1apEnbs::peer() const {
  return "S1AP over SCTP (" + std::string(sctp::to_string(config_.sctp.backend)) + ") to " + config_.mme_address + ":" +
         std::to_string(config_.mme_port) + " as " + std::to_string(enbs_.size()) + " eNB(s)";
}

bool S1apEnbs::any_up() const {
  for (const auto& e : enbs_) {
    if (e.state == EnbState::up) return true;
  }
  return false;
}
bool S1apEnbs::connected() const { return any_up(); }

// ---- associations -------------------------------------------------------------------------------------------

void S1apEnbs::connect(std::size_t i) {
  if (stopping_) return;
  Enb& e = enbs_[i];
  e.endpoint.reset();
  const std::uint64_t epoch = ++e.epoch;
  sctp::Handlers h;
  h.on_up = [this, i, epoch](const sctp::AssociationInfo& info) { post([=, this] { on_up(i, epoch, info); }); };
  h.on_message = [this, i, epoch](sctp::AssociationId, std::uint16_t, std::uint32_t ppid, Bytes data) {
    if (ppid != sctp::kS1apPpid) return;  // TS 36.412 7: S1AP is PPID 18; anything else is not ours
    post([=, this, data = std::move(data)]() mutable { on_pdu(i, epoch, std::move(data)); });
  };
  h.on_down = [this, i, epoch](sctp::AssociationId, const std::string& reason) {
    post([=, this] { on_down(i, epoch, reason); });
  };
  e.state = EnbState::connecting;
  auto ep = sctp::connect(config_.sctp, config_.mme_address, config_.mme_port, std::move(h), e.config.local_address);
  if (!ep) {
    log::warn("eNB {}: {}; retrying in {} ms", e.config.enb_id, ep.error().message, config_.reconnect.count());
    e.state = EnbState::down;
    schedule(config_.reconnect, [this, i] { connect(i); });
    return;
  }
  e.endpoint = std::move(*ep);
}

void S1apEnbs::on_up(std::size_t i, std::uint64_t epoch, const sctp::AssociationInfo& info) {
  Enb& e = enbs_[i];
  if (epoch != e.epoch) return;
  ++counters_.associations_up;
  e.association = info.id;
  e.out_streams = std::max<std::uint16_t>(1, info.outbound_streams);
  log::info("eNB {}: SCTP association to {} up ({} streams out, {} in)", e.config.enb_id, info.peer,
            info.outbound_streams, info.inbound_streams);
  send_s1_setup(i);
}

void S1apEnbs::send_s1_setup(std::size_t i) {
  Enb& e = enbs_[i];
  s1ap::S1SetupRequest req;
  req.global_enb_id = {plmn_octets(config_.plmn), e.config.enb_id};
  if (!e.config.name.empty()) req.enb_name = e.config.name;
  req.supported_tas = {s1ap::SupportedTa{e.config.tac, {plmn_octets(config_.plmn)}}};
  req.default_paging_drx = 1;  // v64
  e.state = EnbState::setting_up;
  send_pdu(i, req, 0);
}

void S1apEnbs::on_down(std::size_t i, std::uint64_t epoch, const std::string& reason) {
  Enb& e = enbs_[i];
  if (epoch != e.epoch) return;
  const bool was_up = e.state == EnbState::up;
  if (was_up || e.state == EnbState::setting_up) {
    ++counters_.associations_lost;
    log::warn("eNB {}: association to {}:{} lost ({}): {} UE(s) released; reconnecting in {} ms", e.config.enb_id,
              config_.mme_address, config_.mme_port, reason, e.ues.size(), config_.reconnect.count());
  } else {
    log::debug("eNB {}: cannot connect to {}:{} ({})", e.config.enb_id, config_.mme_address, config_.mme_port, reason);
  }
  e.state = EnbState::down;
  ++e.epoch;  // nothing more from this endpoint
  std::vector<std::uint32_t> lost;
  for (const auto& [enb_ue_id, connection] : e.ues) lost.push_back(connection);
  for (std::uint32_t c : lost) {
    const bool tell = !ues_.at(c).releasing;
    forget(c);
    if (tell && any_up()) deliver(nas::Frame{nas::UeConnectionId{c}, nas::FrameKind::ue_context_release, {}});
  }
  if (was_up && was_up_ && !any_up()) {
    was_up_ = false;
    if (on_state_) on_state_(false);
  }
  // Not from inside the endpoint's own callback chain: the endpoint is replaced on the next loop turn.
  schedule(config_.reconnect, [this, i] { connect(i); });
}

// ---- PDUs in -------------------------------------------------------------------------------------------------

void S1apEnbs::on_pdu(std::size_t i, std::uint64_t epoch, Bytes pdu) {
  if (epoch != enbs_[i].epoch) return;
  ++counters_.pdus_in;
  auto decoded = s1ap::decode(pdu);
  if (!decoded) {
    return refuse(i, "undecodable S1AP PDU: " + decoded.error().message, s1ap::error_indication_for(decoded.error()));
  }
  if (auto notify = s1ap::notification_for(*decoded)) refuse(i, "IEs not comprehended (notify)", *notify);
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, s1ap::S1SetupResponse> || std::is_same_v<T, s1ap::S1SetupFailure> ||
                      std::is_same_v<T, s1ap::DownlinkNasTransport> ||
                      std::is_same_v<T, s1ap::InitialContextSetupRequest> ||
                      std::is_same_v<T, s1ap::UeContextReleaseCommand> || std::is_same_v<T, s1ap::ErrorIndication> ||
                      std::is_same_v<T, s1ap::Reset>) {
          on_message(i, m);
        } else if constexpr (std::is_same_v<T, s1ap::ResetAcknowledge>) {
          // we never reset the MME's side; nothing to do
        } else {
          refuse(i, std::string(s1ap::name_of(decoded->message)) + " is not a message an eNB receives",
                 s1ap::not_compatible(decoded->message, std::nullopt, std::nullopt));
        }
      },
      decoded->message);
}

void S1apEnbs::refuse(std::size_t i, const std::string& why, s1ap::ErrorIndication indication) {
  ++counters_.pdus_refused;
  log::warn("eNB {}: {}: ERROR INDICATION", enbs_[i].config.enb_id, why);
  const bool ue = indication.mme_ue_id || indication.enb_ue_id;
  send_pdu(i, indication, ue && indication.enb_ue_id ? stream_for(enbs_[i], *indication.enb_ue_id) : 0);
}

void S1apEnbs::on_message(std::size_t i, const s1ap::S1SetupResponse& m) {
  Enb& e = enbs_[i];
  if (e.state != EnbState::setting_up) return;
  e.state = EnbState::up;
  log::info("eNB {}: S1 SETUP accepted{} ({} served GUMMEI(s), relative capacity {})", e.config.enb_id,
            m.mme_name ? " by MME " + *m.mme_name : std::string(), m.served_gummeis.size(), m.relative_mme_capacity);
  if (!was_up_) {
    was_up_ = true;
    if (on_state_) on_state_(true);
  }
}

void S1apEnbs::on_message(std::size_t i, const s1ap::S1SetupFailure& m) {
  Enb& e = enbs_[i];
  ++counters_.setups_failed;
  // TS 36.413 8.7.3.3: with a Time to wait the eNB waits at least that long before it tries again.
  const std::chrono::milliseconds wait =
      m.time_to_wait ? std::chrono::seconds(s1ap::time_to_wait_seconds(*m.time_to_wait)) : config_.reconnect;
  log::warn("eNB {}: S1 SETUP FAILURE ({}); trying again in {} ms", e.config.enb_id, s1ap::to_string(m.cause),
            wait.count());
  e.state = EnbState::setting_up;
  const std::uint64_t epoch = e.epoch;
  schedule(wait, [this, i, epoch] {
    if (enbs_[i].epoch == epoch) send_s1_setup(i);
  });
}

S1apEnbs::UeLink* S1apEnbs::find_ue(std::size_t i, std::uint32_t enb_ue_id, std::optional<std::uint32_t> mme_ue_id,
                                    std::uint32_t* connection_id) {
  const auto it = enbs_[i].ues.find(enb_ue_id);
  if (it == enbs_[i].ues.end()) return nullptr;
  UeLink& ue = ues_.at(it->second);
  if (mme_ue_id && ue.mme_ue_id && *ue.mme_ue_id != *mme_ue_id) return nullptr;
  *connection_id = it->second;
  return &ue;
}

void S1apEnbs::learned_mme_id(std::uint32_t connection_id, UeLink& ue, std::uint32_t mme_ue_id) {
  if (ue.mme_ue_id) return;
  ue.mme_ue_id = mme_ue_id;
  for (auto& pdu : ue.queued) {
    send_pdu(ue.enb,
             s1ap::UplinkNasTransport{mme_ue_id, ue.enb_ue_id, std::move(pdu),
                                      s1ap::Ecgi{plmn_octets(config_.plmn), (enbs_[ue.enb].config.enb_id << 8) |
                                                                                enbs_[ue.enb].config.cell_id},
                                      s1ap::Tai{plmn_octets(config_.plmn), enbs_[ue.enb].config.tac}},
             stream_for(enbs_[ue.enb], ue.enb_ue_id));
  }
  ue.queued.clear();
  if (ue.releasing) release_request(connection_id, ue);
}

void S1apEnbs::on_message(std::size_t i, const s1ap::DownlinkNasTransport& m) {
  std::uint32_t c = 0;
  UeLink* ue = find_ue(i, m.enb_ue_id, m.mme_ue_id, &c);
  if (!ue) {
    return refuse(i, "DOWNLINK NAS TRANSPORT for unknown eNB-UE-S1AP-ID " + std::to_string(m.enb_ue_id),
                  s1ap::ErrorIndication{m.mme_ue_id, m.enb_ue_id, s1ap::cause::kUnknownEnbUeId, std::nullopt});
  }
  learned_mme_id(c, *ue, m.mme_ue_id);
  if (ue->releasing) {
    // The UE has gone from the radio side: tell the MME its NAS was not delivered (TS 36.413 8.6.2.5).
    send_pdu(i, s1ap::NasNonDeliveryIndication{m.mme_ue_id, m.enb_ue_id, m.nas_pdu, s1ap::cause::kRadioConnectionWithUeLost},
             stream_for(enbs_[i], m.enb_ue_id));
    return;
  }
  deliver(nas::Frame{nas::UeConnectionId{c}, nas::FrameKind::nas_pdu, m.nas_pdu});
}

void S1apEnbs::on_message(std::size_t i, const s1ap::InitialContextSetupRequest& m) {
  std::uint32_t c = 0;
  UeLink* ue = find_ue(i, m.enb_ue_id, m.mme_ue_id, &c);
  const std::uint16_t stream = stream_for(enbs_[i], m.enb_ue_id);
  if (!ue || ue->releasing) {
    send_pdu(i, s1ap::InitialContextSetupFailure{m.mme_ue_id, m.enb_ue_id, s1ap::cause::kUnknownEnbUeId}, stream);
    return;
  }
  learned_mme_id(c, *ue, m.mme_ue_id);
  s1ap::InitialContextSetupResponse rsp{m.mme_ue_id, m.enb_ue_id, {}, {}};
  in_addr s1u{};
  inet_pton(AF_INET, config_.s1u_address.c_str(), &s1u);  // checked in create()
  const auto* octets = reinterpret_cast<const std::uint8_t*>(&s1u.s_addr);
  const Bytes address(octets, octets + 4);
  for (const auto& erab : m.erabs) rsp.setup.push_back(s1ap::ErabSetupItem{erab.erab_id, address, next_teid_++});
  send_pdu(i, rsp, stream);
  if (config_.send_ue_capability) {
    send_pdu(i, s1ap::UeCapabilityInfoIndication{m.mme_ue_id, m.enb_ue_id, kEmptyUeRadioCapability}, stream);
  }
  // After the answer, as RRC would: the UE's reply to the NAS inside (ATTACH COMPLETE) then follows the response.
  for (const auto& erab : m.erabs) {
    if (erab.nas_pdu) deliver(nas::Frame{nas::UeConnectionId{c}, nas::FrameKind::nas_pdu, *erab.nas_pdu});
  }
}

void S1apEnbs::on_message(std::size_t i, const s1ap::UeContextReleaseCommand& m) {
  Enb& e = enbs_[i];
  std::optional<std::uint32_t> enb_ue_id = m.enb_ue_id;
  if (!enb_ue_id) {  // the MME id alone: find the UE by it
    for (const auto& [id, c] : e.ues) {
      if (ues_.at(c).mme_ue_id == m.mme_ue_id) enb_ue_id = id;
    }
  }
  std::uint32_t c = 0;
  UeLink* ue = enb_ue_id ? find_ue(i, *enb_ue_id, m.mme_ue_id, &c) : nullptr;
  // TS 36.413 8.3.3.2: the eNB releases and answers, also for a UE it no longer knows.
  send_pdu(i, s1ap::UeContextReleaseComplete{m.mme_ue_id, enb_ue_id.value_or(0)},
           enb_ue_id ? stream_for(e, *enb_ue_id) : 0);
  if (!ue) return;
  const bool tell = !ue->releasing;
  forget(c);
  if (tell) deliver(nas::Frame{nas::UeConnectionId{c}, nas::FrameKind::ue_context_release, {}});
}

void S1apEnbs::on_message(std::size_t i, const s1ap::ErrorIndication& m) {
  log::warn("eNB {}: ERROR INDICATION from the MME{}{}{}", enbs_[i].config.enb_id,
            m.cause ? ": " + s1ap::to_string(*m.cause) : std::string(),
            m.mme_ue_id ? ", MME-UE-S1AP-ID " + std::to_string(*m.mme_ue_id) : std::string(),
            m.enb_ue_id ? ", eNB-UE-S1AP-ID " + std::to_string(*m.enb_ue_id) : std::string());
}

void S1apEnbs::on_message(std::size_t i, const s1ap::Reset& m) {
  Enb& e = enbs_[i];
  std::vector<std::uint32_t> gone;
  if (m.part.empty()) {
    for (const auto& [id, c] : e.ues) gone.push_back(c);
  } else {
    for (const auto& item : m.part) {
      for (const auto& [id, c] : e.ues) {
        if ((item.enb_ue_id && *item.enb_ue_id == id) || (item.mme_ue_id && ues_.at(c).mme_ue_id == item.mme_ue_id)) {
          gone.push_back(c);
        }
      }
    }
  }
  log::warn("eNB {}: RESET from the MME ({}): {} UE(s) released", e.config.enb_id, s1ap::to_string(m.cause), gone.size());
  for (std::uint32_t c : gone) {
    const bool tell = !ues_.at(c).releasing;
    forget(c);
    if (tell) deliver(nas::Frame{nas::UeConnectionId{c}, nas::FrameKind::ue_context_release, {}});
  }
  send_pdu(i, s1ap::ResetAcknowledge{m.part}, 0);
}

// ---- frames from the UEs ---------------------------------------------------------------------------------------

std::optional<std::size_t> S1apEnbs::pick_enb() {
  for (std::size_t n = 0; n < enbs_.size(); ++n) {
    const std::size_t i = (round_robin_ + n) % enbs_.size();
    if (enbs_[i].state == EnbState::up) {
      round_robin_ = i + 1;
      return i;
    }
  }
  return std::nullopt;
}

void S1apEnbs::send(const nas::Frame& frame) {
  const std::uint32_t c = nas::to_uint(frame.ue);
  auto it = ues_.find(c);
  if (frame.kind == nas::FrameKind::ue_context_release) {
    if (it == ues_.end() || it->second.releasing) return;
    it->second.releasing = true;
    it->second.queued.clear();
    if (it->second.mme_ue_id) release_request(c, it->second);
    return;  // otherwise when the MME's first answer names the UE
  }
  if (it == ues_.end()) {
    const auto enb = pick_enb();
    if (!enb) {
      ++counters_.frames_dropped;
      return;
    }
    Enb& e = enbs_[*enb];
    std::uint32_t id = e.next_enb_ue_id;
    while (e.ues.count(id)) id = (id + 1) & kMaxEnbUeId;
    e.next_enb_ue_id = (id + 1) & kMaxEnbUeId;
    e.ues[id] = c;
    ues_[c] = UeLink{*enb, id, std::nullopt, false, false, {}};
    const auto plmn = plmn_octets(config_.plmn);
    s1ap::InitialUeMessage m;
    m.enb_ue_id = id;
    m.nas_pdu = frame.payload;
    m.tai = {plmn, e.config.tac};
    m.ecgi = {plmn, (e.config.enb_id << 8) | e.config.cell_id};
    m.rrc_establishment_cause = kMoSignalling;
    m.s_tmsi = s_tmsi_of(frame.payload, plmn);
    send_pdu(*enb, m, stream_for(e, id));
    return;
  }
  UeLink& ue = it->second;
  if (ue.releasing) return;
  if (!ue.mme_ue_id) {
    ue.queued.push_back(frame.payload);
    return;
  }
  const Enb& e = enbs_[ue.enb];
  const auto plmn = plmn_octets(config_.plmn);
  send_pdu(ue.enb,
           s1ap::UplinkNasTransport{*ue.mme_ue_id, ue.enb_ue_id, frame.payload,
                                    s1ap::Ecgi{plmn, (e.config.enb_id << 8) | e.config.cell_id},
                                    s1ap::Tai{plmn, e.config.tac}},
           stream_for(e, ue.enb_ue_id));
}

void S1apEnbs::release_request(std::uint32_t, UeLink& ue) {
  if (ue.release_requested || !ue.mme_ue_id) return;
  ue.release_requested = true;
  send_pdu(ue.enb, s1ap::UeContextReleaseRequest{*ue.mme_ue_id, ue.enb_ue_id, s1ap::cause::kUserInactivity},
           stream_for(enbs_[ue.enb], ue.enb_ue_id));
}

void S1apEnbs::forget(std::uint32_t connection_id) {
  auto it = ues_.find(connection_id);
  if (it == ues_.end()) return;
  enbs_[it->second.enb].ues.erase(it->second.enb_ue_id);
  ues_.erase(it);
}

void S1apEnbs::deliver(nas::Frame frame) {
  if (on_frame_) on_frame_(std::move(frame));
}

// ---- sending -------------------------------------------------------------------------------------------------

std::uint16_t S1apEnbs::stream_for(const Enb& e, std::uint32_t enb_ue_id) const {
  // TS 36.412 7: stream 0 is for non-UE-associated signalling; a UE keeps one of the others.
  if (e.out_streams <= 1) return 0;
  return static_cast<std::uint16_t>(1 + enb_ue_id % (e.out_streams - 1u));
}

void S1apEnbs::send_pdu(std::size_t i, const s1ap::Message& m, std::uint16_t stream) {
  Enb& e = enbs_[i];
  if (!e.endpoint) return;
  auto bytes = s1ap::encode(m);
  if (!bytes) {
    log::error("eNB {}: cannot encode {}: {}", e.config.enb_id, s1ap::name_of(m), bytes.error().message);
    return;
  }
  auto sent = e.endpoint->send(e.association, stream, *bytes);
  if (!sent) {
    log::debug("eNB {}: {} not sent: {}", e.config.enb_id, s1ap::name_of(m), sent.error().message);
    return;
  }
  ++counters_.pdus_out;
}

}  // namespace simbind::ue
