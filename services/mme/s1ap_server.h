// simbind-mme's S1-MME interface (TS 36.413 over SCTP, DESIGN 6.1): standard eNBs connect here, beside the NAS/TCP
// server. It turns S1AP into the frames the EMM engine already speaks, so one engine serves both transports:
//
//   INITIAL UE MESSAGE / UPLINK NAS TRANSPORT  -> frame (NAS PDU) for UE key (association, MME-UE-S1AP-ID)
//   frame (NAS PDU) from the engine            -> DOWNLINK NAS TRANSPORT, or INITIAL CONTEXT SETUP REQUEST for the
//                                                 ATTACH ACCEPT with a bearer (K_eNB, security capabilities, E-RABs
//                                                 with the S-GW F-TEID from configuration)
//   frame (release) from the engine            -> UE CONTEXT RELEASE COMMAND
//   UE CONTEXT RELEASE REQUEST, association loss, RESET -> the engine releases the UE(s)
//
// simbind-mme keeps no ECM-IDLE state: an S1 release ends the UE's EMM context, as a release does over NAS/TCP;
// the UE attaches again. All state lives on the NAS server's loop thread: SCTP callbacks are posted there.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/s1ap/messages.h"
#include "common/sctp/sctp.h"
#include "common/util/identifiers.h"
#include "services/mme/nas_link.h"

namespace simbind::mme {

struct S1apServerConfig {
  bool enabled = false;
  std::string listen = "127.0.0.1";
  std::uint16_t port = sctp::kS1apPort;
  sctp::TransportConfig sctp;
  std::string mme_name = "simbind-mme";
  std::uint8_t relative_capacity = 255;
  std::string sgw_s1u_address = "127.0.0.1";  // the S-GW F-TEID of every E-RAB (no user plane here)
  std::uint8_t setup_failure_time_to_wait = 2;  // TimeToWait index in S1 SETUP FAILURE: v5s
};

// What the MME serves (from the network: section).
struct ServedNetwork {
  Plmn plmn;
  std::uint16_t tac = 1;
  std::uint16_t mme_group_id = 1;
  std::uint8_t mme_code = 1;
};

struct S1apServerCounters {
  std::atomic<std::uint64_t> associations{0};
  std::atomic<std::uint64_t> associations_lost{0};
  std::atomic<std::uint64_t> setups_accepted{0};
  std::atomic<std::uint64_t> setups_refused{0};
  std::atomic<std::uint64_t> pdus_in{0};
  std::atomic<std::uint64_t> pdus_out{0};
  std::atomic<std::uint64_t> pdus_refused{0};  // answered with ERROR INDICATION (or a failure message)
  std::atomic<std::uint64_t> nas_non_delivered{0};
  std::atomic<std::uint64_t> context_setups_failed{0};
};

// S1AP associations are named to the engine by ConnectionIds above this bit; NAS/TCP connections are below.
inline constexpr std::uint64_t kS1apConnectionBit = 1ull << 62;
inline bool is_s1ap(ConnectionId c) { return (static_cast<std::uint64_t>(c) & kS1apConnectionBit) != 0; }

class S1apServer {
 public:
  using FrameHandler = std::function<void(ConnectionId, nas::Frame)>;
  using CloseHandler = std::function<void(ConnectionId)>;

  // Listens at once; `loop` is the NAS server whose thread runs the engine (post only is used).
  static Result<std::unique_ptr<S1apServer>> start(const S1apServerConfig& config, const ServedNetwork& network,
                                                   NasLink& loop, FrameHandler on_frame, CloseHandler on_close);
  // Closes the associations; no SCTP callback runs after it returns (tasks already posted to the loop may: stop
  // the loop before destroying this).
  void stop();
  ~S1apServer();

  // Any thread (posted to the loop, so they keep their order with everything else the engine sends).
  void send(ConnectionId connection, nas::Frame frame);
  void send_context_setup(ConnectionId connection, nas::Frame frame, const ContextSetup& setup);

  std::uint16_t port() const;
  sctp::Backend backend() const;
  const S1apServerCounters& counters() const { return counters_; }

 private:
  struct Enb {
    sctp::AssociationId association{};
    std::string peer;
    std::uint16_t out_streams = 1;
    bool set_up = false;
    std::optional<s1ap::GlobalEnbId> global_id;
    std::string name;
    std::unordered_map<std::uint32_t, std::uint32_t> ues;  // eNB-UE-S1AP-ID -> MME-UE-S1AP-ID
  };
  struct UeLink {
    std::uint64_t association = 0;
    std::uint32_t enb_ue_id = 0;
    bool context_set_up = false;  // INITIAL CONTEXT SETUP sent: later NAS goes in DOWNLINK NAS TRANSPORT
    bool releasing = false;       // UE CONTEXT RELEASE COMMAND sent: waiting for COMPLETE
  };

  S1apServer(const S1apServerConfig& config, const ServedNetwork& network, NasLink& loop)
      : config_(config), network_(network), loop_(loop) {}

  // Loop thread.
  void on_up(const sctp::AssociationInfo& info);
  void on_down(std::uint64_t association, const std::string& reason);
  void on_pdu(std::uint64_t association, Bytes pdu);
  void on_message(Enb& enb, const s1ap::S1SetupRequest& m);
  void on_message(Enb& enb, const s1ap::InitialUeMessage& m);
  void on_message(Enb& enb, const s1ap::UplinkNasTransport& m);
  void on_message(Enb& enb, const s1ap::NasNonDeliveryIndication& m);
  void on_message(Enb& enb, const s1ap::InitialContextSetupResponse& m);
  void on_message(Enb& enb, const s1ap::InitialContextSetupFailure& m);
  void on_message(Enb& enb, const s1ap::UeContextReleaseRequest& m);
  void on_message(Enb& enb, const s1ap::UeContextReleaseComplete& m);
  void on_message(Enb& enb, const s1ap::UeCapabilityInfoIndication& m);
  void on_message(Enb& enb, const s1ap::ErrorIndication& m);
  void on_message(Enb& enb, const s1ap::Reset& m);
  void do_send(ConnectionId connection, nas::Frame frame, const ContextSetup* setup);
  void refuse(Enb& enb, const std::string& why, const s1ap::ErrorIndication& indication);
  void send_pdu(Enb& enb, const s1ap::Message& m, std::uint16_t stream);
  std::uint16_t stream_for(const Enb& enb, std::uint32_t enb_ue_id) const;
  // The UE an eNB names by both ids; nullptr (and an ERROR INDICATION) when the pair is unknown.
  UeLink* ue_for(Enb& enb, std::uint32_t mme_ue_id, std::uint32_t enb_ue_id, const s1ap::Message& m);
  void release_command(Enb& enb, std::uint32_t mme_ue_id, const s1ap::Cause& cause);
  void engine_release(std::uint64_t association, std::uint32_t mme_ue_id);  // the engine forgets the UE
  void forget(std::uint32_t mme_ue_id);
  std::uint32_t allocate_mme_ue_id();
  static ConnectionId connection_of(std::uint64_t association) { return ConnectionId{kS1apConnectionBit | association}; }

  S1apServerConfig config_;
  ServedNetwork network_;
  NasLink& loop_;
  FrameHandler on_frame_;
  CloseHandler on_close_;
  std::unique_ptr<sctp::Endpoint> endpoint_;
  std::unordered_map<std::uint64_t, Enb> enbs_;          // by association
  std::unordered_map<std::uint32_t, UeLink> ues_;        // by MME-UE-S1AP-ID
  std::uint32_t next_mme_ue_id_ = 1;
  std::uint32_t next_teid_ = 1;
  Bytes sgw_address_;
  S1apServerCounters counters_;
};

}  // namespace simbind::mme
