#include "services/ue/ue_fleet.h"

#include <algorithm>

#include "common/log/log.h"

namespace simbind::ue {

// One UE: its ME, its NAS, and the port through which the NAS reaches the loop (ids, timers, events, disk).
struct UeFleet::Ue final : UeNasPort {
  UeFleet& fleet;
  MobileEquipment me;
  Usim* usim = nullptr;
  std::unique_ptr<UeNas> nas;
  std::optional<std::uint32_t> connection;
  std::map<UeTimer, UeTransport::TimerId> timers;

  Ue(UeFleet& f, MobileEquipment m) : fleet(f), me(std::move(m)) {
    nas = std::make_unique<UeNas>(me, nullptr, fleet.config_, *this);
  }
  void set_usim(Usim* u) {
    usim = u;
    nas->set_usim(u);
  }

  bool connected() const override { return fleet.client_.connected(); }
  void new_connection() override {
    drop_connection(false);
    connection = fleet.next_connection_id();
    fleet.by_connection_[*connection] = this;
  }
  void drop_connection(bool tell_mme) override {
    if (!connection) return;
    const std::uint32_t id = *connection;
    fleet.by_connection_.erase(id);
    connection.reset();
    if (tell_mme) fleet.client_.send(nas::Frame{nas::UeConnectionId{id}, nas::FrameKind::ue_context_release, {}});
  }
  void send(Bytes pdu) override {
    if (!connection) return;
    fleet.client_.send(nas::Frame{nas::UeConnectionId{*connection}, nas::FrameKind::nas_pdu, std::move(pdu)});
  }
  void start_timer(UeTimer t, std::chrono::milliseconds after) override {
    stop_timer(t);
    timers[t] = fleet.client_.schedule(after, [this, t] {
      timers.erase(t);
      nas->on_timer(t);
    });
  }
  void stop_timer(UeTimer t) override {
    if (auto it = timers.find(t); it != timers.end()) {
      fleet.client_.cancel(it->second);
      timers.erase(it);
    }
  }
  void event(EventLevel level, const std::string& kind, const std::string& text) override {
    fleet.metrics_.on_event(kind);
    const std::string imsi = usim ? usim->imsi().str() : std::string("-");
    switch (level) {
      case EventLevel::debug: log::debug("IMSI {} in IMEI {}: {}", imsi, me.imei().str(), text); break;
      case EventLevel::info: log::info("IMSI {} in IMEI {}: {}", imsi, me.imei().str(), text); break;
      case EventLevel::warn: log::warn("IMSI {} in IMEI {}: {}", imsi, me.imei().str(), text); break;
    }
    if (!fleet.events_.has_subscribers()) return;
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    fleet.events_.publish(UeEvent{std::chrono::duration_cast<std::chrono::microseconds>(now).count(),
                                  me.imei().str(), usim ? usim->imsi().str() : "", kind, text});
  }
  void usim_changed() override {
    if (usim) fleet.save_usim(*usim);
  }
  void me_changed() override { fleet.save_me(*this); }
};

UeFleet::UeFleet(UeTransport& client, const DeviceStore& store, DevicePersister& persister, EventHub& events,
                 const UeNasConfig& config)
    : client_(client), store_(store), persister_(persister), events_(events), config_(config) {}

UeFleet::~UeFleet() = default;

Result<std::size_t> UeFleet::load_all() {
  auto listing = store_.list();
  if (!listing) return std::unexpected(listing.error());
  for (const auto& name : listing->ignored) log::debug("device store: {} ignored (not a device file)", name);
  for (const auto& imsi : listing->uiccs) {
    auto usim = store_.load_usim(imsi);
    if (!usim) return std::unexpected(usim.error());
    usims_[imsi.str()] = std::make_unique<Usim>(std::move(*usim));
  }
  for (const auto& imei : listing->mes) {
    auto me = store_.load_me(imei);
    if (!me) return std::unexpected(me.error());
    Ue& ue = insert(std::move(*me));
    if (!ue.me.inserted_uicc()) continue;
    const std::string imsi = ue.me.inserted_uicc()->str();
    const auto it = usims_.find(imsi);
    const bool taken = std::any_of(ues_.begin(), ues_.end(), [&](const auto& kv) {
      return kv.second.get() != &ue && kv.second->usim && kv.second->usim->imsi().str() == imsi;
    });
    if (it == usims_.end() || taken) {
      log::warn("device store: ME {} names UICC {}, which is {}: the ME has no UICC", imei.str(), imsi,
                taken ? "in another ME" : "missing");
      ue.me.insert_uicc(std::nullopt);
      continue;
    }
    ue.set_usim(it->second.get());
  }
  return ues_.size();
}

UeFleet::Ue& UeFleet::insert(MobileEquipment me) {
  const std::string imei = me.imei().str();
  auto ue = std::make_unique<Ue>(*this, std::move(me));
  Ue& ref = *ue;
  ues_[imei] = std::move(ue);
  return ref;
}

UeFleet::Ue* UeFleet::find(const std::string& imei) const {
  // Accept the 14-digit body too: the check digit is computed.
  auto parsed = Imei::create(imei);
  const auto it = ues_.find(parsed ? parsed->str() : imei);
  return it == ues_.end() ? nullptr : it->second.get();
}

std::uint32_t UeFleet::next_connection_id() {
  do {
    ++last_connection_id_;
  } while (last_connection_id_ == 0 || by_connection_.count(last_connection_id_));
  return last_connection_id_;
}

void UeFleet::save_me(const Ue& ue) { persister_.save(store_.render(ue.me)); }
void UeFleet::save_usim(const Usim& usim) { persister_.save(store_.render(usim.profile(), usim.sqn_window())); }

void UeFleet::on_frame(nas::Frame frame) {
  const auto it = by_connection_.find(nas::to_uint(frame.ue));
  if (it == by_connection_.end()) {
    // A UE that has moved on (a new attempt, a detach): its old id is forgotten on purpose.
    ++unknown_ue_frames_;
    log::debug("frame for unknown UE connection id {} dropped", nas::to_uint(frame.ue));
    return;
  }
  Ue* ue = it->second;
  if (frame.kind == nas::FrameKind::ue_context_release) {
    ue->connection.reset();  // the MME has forgotten it already: no release back
    by_connection_.erase(it);
    return ue->nas->on_context_release();
  }
  ue->nas->on_pdu(frame.payload);
}

void UeFleet::on_connection(bool up) {
  metrics_.nas_connected.series().set(up ? 1 : 0);
  for (auto& [imei, ue] : ues_) {
    if (up) {
      ue->nas->on_connected();
    } else {
      ue->nas->on_connection_lost();
    }
  }
}

ControlResult<std::vector<std::string>> UeFleet::add(std::vector<NewDevice> devices) {
  std::string clashes;
  for (const auto& d : devices) {
    if (ues_.count(d.me.imei().str())) clashes += (clashes.empty() ? "" : ", ") + ("IMEI " + d.me.imei().str());
    if (d.usim && usims_.count(d.usim->imsi().str())) {
      clashes += (clashes.empty() ? "" : ", ") + ("IMSI " + d.usim->imsi().str());
    }
  }
  if (!clashes.empty()) return refuse(ControlError::Code::already_exists, "already present: " + clashes + "; nothing created");
  std::vector<std::string> created;
  for (auto& d : devices) {
    Ue& ue = insert(std::move(d.me));
    if (d.usim) {
      auto usim = std::make_unique<Usim>(std::move(*d.usim));
      ue.set_usim(usim.get());
      save_usim(*usim);
      usims_[usim->imsi().str()] = std::move(usim);
    }
    save_me(ue);
    created.push_back(ue.me.imei().str());
  }
  log::info("{} UE(s) created", created.size());
  return created;
}

UeView UeFleet::view(const Ue& ue) const {
  UeView v;
  v.imei = ue.me.imei().str();
  v.imsi = ue.usim ? ue.usim->imsi().str() : "";
  v.software_version = ue.me.software_version();
  v.pdn_type = ue.me.pdn_type() == 1 ? "ipv4" : ue.me.pdn_type() == 2 ? "ipv6" : "ipv4v6";
  v.key_scheme = profile_key_scheme_name(ue.me.device_key().scheme);
  v.public_key = ue.me.device_key().public_key;
  v.state = ue.nas->state();
  v.registered_without_pdn = ue.nas->registered_without_pdn();
  for (const auto& [ebi, b] : ue.nas->bearers()) v.bearers.push_back(b);
  v.last_emm_cause = ue.nas->last_emm_cause();
  v.last_esm_cause = ue.nas->last_esm_cause();
  v.counters = ue.nas->counters();
  for (const auto& k : ue.me.kme_store().entries()) {
    v.kmes.push_back(KmeView{k.home_plmn.mcc() + k.home_plmn.mnc(), to_uint(k.id), k.confirmed});
  }
  return v;
}

ControlResult<UeView> UeFleet::status(const std::string& imei) const {
  const Ue* ue = find(imei);
  if (!ue) return refuse(ControlError::Code::not_found, "no UE with IMEI " + imei);
  return view(*ue);
}

std::vector<UeView> UeFleet::list() const {
  std::vector<UeView> out;
  out.reserve(ues_.size());
  for (const auto& [imei, ue] : ues_) out.push_back(view(*ue));
  return out;
}

std::size_t UeFleet::registered() const {
  return static_cast<std::size_t>(std::count_if(ues_.begin(), ues_.end(), [](const auto& kv) {
    return kv.second->nas->state() == EmmState::registered;
  }));
}

std::vector<std::string> UeFleet::attachable() const {
  std::vector<std::string> out;
  for (const auto& [imei, ue] : ues_) {
    if (ue->usim) out.push_back(imei);
  }
  return out;
}

ControlResult<UeView> UeFleet::move_uicc(const std::string& imsi, const std::string& to_imei) {
  const auto it = usims_.find(imsi);
  if (it == usims_.end()) return refuse(ControlError::Code::not_found, "no UICC with IMSI " + imsi);
  Ue* target = find(to_imei);
  if (!target) return refuse(ControlError::Code::not_found, "no UE with IMEI " + to_imei);
  Ue* source = nullptr;
  for (auto& [imei, ue] : ues_) {
    if (ue->usim == it->second.get()) source = ue.get();
  }
  if (source == target) return view(*target);
  for (const Ue* ue : {source, target}) {
    if (ue && !ue->nas->idle()) {
      return refuse(ControlError::Code::busy, "UE " + ue->me.imei().str() + " is " + to_string(ue->nas->state()) +
                                                  ": detach it before moving a UICC");
    }
  }
  if (target->usim) {
    log::info("UICC {} taken out of ME {} (UICC {} goes in)", target->usim->imsi().str(), target->me.imei().str(), imsi);
  }
  if (source) {
    source->me.insert_uicc(std::nullopt);
    source->set_usim(nullptr);
    save_me(*source);
  }
  target->me.insert_uicc(it->second->imsi());
  target->set_usim(it->second.get());
  save_me(*target);
  target->event(EventLevel::info, "uicc-moved",
                "UICC inserted" + (source ? " (taken from IMEI " + source->me.imei().str() + ")" : std::string()));
  return view(*target);
}

ControlResult<UeView> UeFleet::set_kme(const std::string& imei, const Plmn& home, KmeId id, const crypto::Kme& kme) {
  Ue* ue = find(imei);
  if (!ue) return refuse(ControlError::Code::not_found, "no UE with IMEI " + imei);
  ue->me.kme_store().add(StoredKme{home, id, kme, false});
  save_me(*ue);
  ue->event(EventLevel::info, "kme-set",
            "KME-Id " + std::to_string(to_uint(id)) + " for PLMN " + home.mcc() + home.mnc() +
                " stored in the ME's key store (set by the control API)");
  return view(*ue);
}

ControlResult<UeView> UeFleet::factory_reset(const std::string& imei) {
  Ue* ue = find(imei);
  if (!ue) return refuse(ControlError::Code::not_found, "no UE with IMEI " + imei);
  const std::size_t dropped = ue->me.kme_store().entries().size();
  ue->me.kme_store().clear();
  save_me(*ue);
  ue->event(EventLevel::info, "factory-reset",
            "factory reset: " + std::to_string(dropped) + " KME(s) erased from the ME's key store");
  return view(*ue);
}

ControlResult<void> UeFleet::attach(const std::string& imei, std::optional<std::string> apn, UeNas::AttachDone done) {
  Ue* ue = find(imei);
  if (!ue) return refuse(ControlError::Code::not_found, "no UE with IMEI " + imei);
  ue->nas->attach(std::move(apn), std::move(done));
  return {};
}

ControlResult<void> UeFleet::detach(const std::string& imei, UeNas::DetachDone done) {
  Ue* ue = find(imei);
  if (!ue) return refuse(ControlError::Code::not_found, "no UE with IMEI " + imei);
  ue->nas->detach(std::move(done));
  return {};
}

ControlResult<void> UeFleet::request_bearer(const std::string& imei, std::string apn, UeNas::BearerDone done) {
  Ue* ue = find(imei);
  if (!ue) return refuse(ControlError::Code::not_found, "no UE with IMEI " + imei);
  ue->nas->request_bearer(std::move(apn), std::move(done));
  return {};
}

void UeFleet::shutdown(const std::string& why) {
  for (auto& [imei, ue] : ues_) ue->nas->abort_all(why);
}

}  // namespace simbind::ue
