// simbind-ue in S1AP mode: one or more emulated eNodeBs, each with its own SCTP association to an MME (ours or any
// standard one), carrying the UEs' NAS in S1AP (TS 36.413) instead of our TCP framing. To the UEs it is the same
// UeTransport: a NAS PDU of a new UE connection id becomes an INITIAL UE MESSAGE, later ones UPLINK NAS TRANSPORT;
// DOWNLINK NAS TRANSPORT and the NAS-PDUs of INITIAL CONTEXT SETUP REQUEST come back as frames; a UE's release
// becomes UE CONTEXT RELEASE REQUEST, and the MME's UE CONTEXT RELEASE COMMAND a release frame.
//
// There is no radio and no user plane: an E-RAB is "set up" with the eNB's configured S1-U address and a TEID of
// its own, and nothing is sent on it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/s1ap/messages.h"
#include "common/sctp/sctp.h"
#include "common/util/error.h"
#include "common/util/identifiers.h"
#include "common/util/loop_tasks.h"
#include "services/ue/ue_transport.h"

namespace simbind::ue {

struct EnbConfig {
  std::uint32_t enb_id = 1;    // macro eNB id, 20 bits
  std::string name;            // eNB name in S1 SETUP ("" = none)
  std::uint16_t tac = 1;
  std::uint32_t cell_id = 0;   // 8-bit cell within the eNB: E-CGI cell identity = enb_id << 8 | cell_id
  std::string local_address;   // SCTP source address ("" = any)
};

struct S1apUeConfig {
  sctp::TransportConfig sctp;
  std::string mme_address = "127.0.0.1";
  std::uint16_t mme_port = sctp::kS1apPort;
  Plmn plmn = *Plmn::create("001", "01");
  std::vector<EnbConfig> enbs{EnbConfig{}};
  std::string s1u_address = "127.0.0.1";  // the eNB F-TEID address in INITIAL CONTEXT SETUP RESPONSE
  bool send_ue_capability = true;         // UE CAPABILITY INFO INDICATION after INITIAL CONTEXT SETUP
  std::chrono::milliseconds reconnect{1000};
};

struct S1apEnbCounters {
  std::atomic<std::uint64_t> associations_up{0};
  std::atomic<std::uint64_t> associations_lost{0};
  std::atomic<std::uint64_t> setups_failed{0};
  std::atomic<std::uint64_t> pdus_in{0};
  std::atomic<std::uint64_t> pdus_out{0};
  std::atomic<std::uint64_t> pdus_refused{0};  // undecodable or unexpected: answered with ERROR INDICATION
  std::atomic<std::uint64_t> frames_dropped{0};  // UE frames while no eNB was set up
};

class S1apEnbs final : public UeTransport {
 public:
  static Result<std::unique_ptr<S1apEnbs>> create(S1apUeConfig config);
  ~S1apEnbs() override;  // stops the loop, aborts the associations

  void start(FrameHandler on_frame, StateHandler on_state) override;
  void post(std::function<void()> work) override;
  std::string peer() const override;
  bool connected() const override;
  void send(const nas::Frame& frame) override;
  TimerId schedule(std::chrono::milliseconds delay, std::function<void()> work) override;
  void cancel(TimerId id) override;

  const S1apEnbCounters& counters() const { return counters_; }
  TransportStats stats() const override {
    return {counters_.associations_up, counters_.associations_lost, counters_.pdus_in, counters_.pdus_out,
            counters_.frames_dropped + counters_.pdus_refused};
  }

 private:
  enum class EnbState { down, connecting, setting_up, up };
  struct Enb {
    EnbConfig config;
    std::unique_ptr<sctp::Endpoint> endpoint;
    std::uint64_t epoch = 0;  // callbacks of an older endpoint are ignored
    sctp::AssociationId association{};
    std::uint16_t out_streams = 1;
    EnbState state = EnbState::down;
    std::uint32_t next_enb_ue_id = 0;
    std::unordered_map<std::uint32_t, std::uint32_t> ues;  // eNB-UE-S1AP-ID -> UE connection id
  };
  struct UeLink {
    std::size_t enb = 0;
    std::uint32_t enb_ue_id = 0;
    std::optional<std::uint32_t> mme_ue_id;
    bool releasing = false;         // the UE side let go: waiting for UE CONTEXT RELEASE COMMAND
    bool release_requested = false;
    std::vector<Bytes> queued;      // uplink NAS before the MME's first answer named its MME-UE-S1AP-ID
  };

  explicit S1apEnbs(S1apUeConfig config) : config_(std::move(config)) {}
  void run();
  void connect(std::size_t enb);
  void on_up(std::size_t enb, std::uint64_t epoch, const sctp::AssociationInfo& info);
  void on_down(std::size_t enb, std::uint64_t epoch, const std::string& reason);
  void on_pdu(std::size_t enb, std::uint64_t epoch, Bytes pdu);
  void send_s1_setup(std::size_t enb);
  void send_pdu(std::size_t enb, const s1ap::Message& m, std::uint16_t stream);
  std::uint16_t stream_for(const Enb& e, std::uint32_t enb_ue_id) const;
  void refuse(std::size_t enb, const std::string& why, s1ap::ErrorIndication indication);

  void on_message(std::size_t enb, const s1ap::S1SetupResponse& m);
  void on_message(std::size_t enb, const s1ap::S1SetupFailure& m);
  void on_message(std::size_t enb, const s1ap::DownlinkNasTransport& m);
  void on_message(std::size_t enb, const s1ap::InitialContextSetupRequest& m);
  void on_message(std::size_t enb, const s1ap::UeContextReleaseCommand& m);
  void on_message(std::size_t enb, const s1ap::ErrorIndication& m);
  void on_message(std::size_t enb, const s1ap::Reset& m);

  // The UE connection id behind an eNB's eNB-UE-S1AP-ID, checking the MME-UE-S1AP-ID when the MME sent one.
  UeLink* find_ue(std::size_t enb, std::uint32_t enb_ue_id, std::optional<std::uint32_t> mme_ue_id,
                  std::uint32_t* connection_id);
  void learned_mme_id(std::uint32_t connection_id, UeLink& ue, std::uint32_t mme_ue_id);
  void release_request(std::uint32_t connection_id, UeLink& ue);
  void forget(std::uint32_t connection_id);
  void deliver(nas::Frame frame);
  bool any_up() const;
  std::optional<std::size_t> pick_enb();

  S1apUeConfig config_;
  std::vector<Enb> enbs_;
  std::unordered_map<std::uint32_t, UeLink> ues_;  // by UE connection id
  std::size_t round_robin_ = 0;
  std::uint32_t next_teid_ = 1;
  bool was_up_ = false;

  FrameHandler on_frame_;
  StateHandler on_state_;
  int epoll_fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  LoopTasks tasks_;
  S1apEnbCounters counters_;
};

}  // namespace simbind::ue
