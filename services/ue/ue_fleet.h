// Every UE the emulator holds (an ME, the UICC inserted in it, its NAS), the UE connection ids they use on the one
// TCP connection to the MME, and their persistence. Lives on the NasClient's event-loop thread: every method
// except load_all() (called before the loop starts) must run there; the gRPC service posts to it.
#pragma once

#include <expected>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "services/ue/device_persister.h"
#include "services/ue/event_hub.h"
#include "services/ue/ue_transport.h"
#include "services/ue/ue_metrics.h"
#include "services/ue/ue_nas.h"
#include "services/ue/ue_profiles.h"

namespace simbind::ue {

// Why a control request was refused; the service maps the code to a gRPC status.
struct ControlError {
  enum class Code { not_found, invalid_argument, busy, already_exists, internal };
  Code code;
  std::string message;
};
template <typename T>
using ControlResult = std::expected<T, ControlError>;
inline std::unexpected<ControlError> refuse(ControlError::Code code, std::string message) {
  return std::unexpected(ControlError{code, std::move(message)});
}

struct KmeView {
  std::string plmn;
  std::uint32_t kme_id = 0;
  bool confirmed = false;
};

// What Status/ListUes report about one UE (never a key).
struct UeView {
  std::string imei;
  std::string imsi;  // empty: no UICC
  std::string software_version;
  std::string pdn_type;  // what the device asks for
  std::string key_scheme;
  Bytes public_key;  // the device's (public: for registering it in simbind-keydir)
  EmmState state = EmmState::deregistered;
  bool registered_without_pdn = false;
  std::vector<Bearer> bearers;
  std::uint8_t last_emm_cause = 0;
  std::uint8_t last_esm_cause = 0;
  UeCounters counters;
  std::vector<KmeView> kmes;
};

class UeFleet {
 public:
  UeFleet(UeTransport& client, const DeviceStore& store, DevicePersister& persister, EventHub& events,
          const UeNasConfig& config);
  ~UeFleet();

  // Before the loop starts: every ME and UICC in the store, with the UICCs inserted where the MEs say.
  Result<std::size_t> load_all();

  // Transport input.
  void on_frame(nas::Frame frame);
  void on_connection(bool up);

  // Control.
  ControlResult<std::vector<std::string>> add(std::vector<NewDevice> devices);  // all or nothing; the new IMEIs
  ControlResult<UeView> status(const std::string& imei) const;
  bool contains(const std::string& imei) const { return find(imei) != nullptr; }
  std::vector<UeView> list() const;
  ControlResult<UeView> move_uicc(const std::string& imsi, const std::string& to_imei);
  ControlResult<UeView> set_kme(const std::string& imei, const Plmn& home, KmeId id, const crypto::Kme& kme);
  ControlResult<UeView> factory_reset(const std::string& imei);
  ControlResult<void> attach(const std::string& imei, std::optional<std::string> apn, UeNas::AttachDone done);
  ControlResult<void> detach(const std::string& imei, UeNas::DetachDone done);
  ControlResult<void> request_bearer(const std::string& imei, std::string apn, UeNas::BearerDone done);
  // UEs with a UICC, in IMEI order (the load generator's population).
  std::vector<std::string> attachable() const;
  std::size_t size() const { return ues_.size(); }
  std::size_t registered() const;
  std::uint64_t unknown_ue_frames() const { return unknown_ue_frames_; }
  const UeMetrics& metrics() const { return metrics_; }  // any thread

  // Ends every pending procedure (their callbacks run) before the daemon stops.
  void shutdown(const std::string& why);

 private:
  struct Ue;
  Ue* find(const std::string& imei) const;
  Ue& insert(MobileEquipment me);
  UeView view(const Ue& ue) const;
  void save_me(const Ue& ue);
  void save_usim(const Usim& usim);
  std::uint32_t next_connection_id();

  UeTransport& client_;
  const DeviceStore& store_;
  DevicePersister& persister_;
  EventHub& events_;
  const UeNasConfig& config_;
  std::map<std::string, std::unique_ptr<Ue>> ues_;      // by IMEI
  std::map<std::string, std::unique_ptr<Usim>> usims_;  // by IMSI
  std::unordered_map<std::uint32_t, Ue*> by_connection_;
  std::uint32_t last_connection_id_ = 0;
  std::uint64_t unknown_ue_frames_ = 0;
  UeMetrics metrics_;
};

}  // namespace simbind::ue
