// The MME's EMM/ESM procedures for many UEs (TS 24.301): attach with identification, authentication (with the
// binding cases of DESIGN 3.2 and the resynchronisation of 3.6), security mode control, location update,
// default bearer or the PROVISIONING_ONLY refusal, attach complete, detach, standalone PDN connectivity.
//
// Everything runs on the NasLink's loop thread: frames arrive there, Diameter answers are posted there, timers
// fire there. The procedures never block; a UE's state is touched by no other thread.
//
// Files: emm_engine.cpp (frames in, NAS security checks, sending, retransmission, contexts),
// emm_attach.cpp (attach up to ATTACH COMPLETE), emm_session.cpp (bearers, detach, release).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <variant>

#include "common/diameter/avp_codes.h"
#include "common/nas/emm_messages.h"
#include "services/mme/hss_link.h"
#include "services/mme/ip_pool.h"
#include "services/mme/mme_config.h"
#include "services/mme/mme_counters.h"
#include "services/mme/nas_link.h"
#include "services/mme/ue_context.h"

namespace simbind::mme {

class EmmEngine {
 public:
  EmmEngine(const MmeConfig& config, HssLink& hss);
  // The transport comes after construction: NasServer::start needs the engine's handlers first.
  void attach_transport(NasLink& link) { link_ = &link; }

  // Loop thread.
  void on_frame(ConnectionId connection, nas::Frame frame);
  void on_connection_closed(ConnectionId connection);
  // Any thread: the HSS cancelled this IMSI here (CLR): the context goes without signalling (TS 23.401 5.3.2.1).
  void cancel_location(const std::string& imsi);
  // Any thread: an IDR (DESIGN 3.3 step 9). Its Binding-Provisioning-Info goes to the UE in a ciphered DOWNLINK
  // GENERIC NAS TRANSPORT; the UE's UPLINK GENERIC NAS TRANSPORT (Rsp) answers the IDR (step 13).
  void insert_subscriber_data(diameter::InsertSubscriberDataRequest request, IdaReply reply);

  const MmeCounters& counters() const { return counters_; }
  std::size_t ue_count() const { return ues_.size(); }  // loop thread


 private:
  // ---- emm_engine.cpp: contexts, security, sending --------------------------------------------------------
  UeContext* find(const UeKey& key);
  UeContext& fresh_context(const UeKey& key);  // a new procedure: new generation, old timers cancelled
  void release(UeContext& ue, bool tell_ue, const std::string& why);
  void on_nas_pdu(const UeKey& key, ByteView pdu);
  void dispatch_emm(UeContext* ue, const UeKey& key, const nas::EmmMessage& m, bool integrity_ok);
  void dispatch_esm(UeContext& ue, ByteView message);
  void send_nas(UeContext& ue, const Bytes& plain, nas::SecurityHeaderType header);
  void send_plain(const UeKey& key, const Bytes& plain);
  // The same with an encoder's result. A message that could not be encoded (a value too long for its IE) is not
  // sent: the log says why, and the UE context is released once the current handler is done.
  void send_nas(UeContext& ue, const Result<Bytes>& plain, nas::SecurityHeaderType header);
  void send_plain(const UeKey& key, const Result<Bytes>& plain);
  bool encoded(UeContext& ue, const Result<Bytes>& plain);  // false: not encodable, release posted
  // Sends and keeps the message under `interval` until answered or `max_transmissions` is reached.
  void send_guarded(UeContext& ue, Result<Bytes> plain, nas::SecurityHeaderType header,
                    std::chrono::milliseconds interval, const char* name);
  void stop_guard(UeContext& ue);
  void on_guard_expiry(const UeKey& key, std::uint64_t generation);
  void send_emm_status(UeContext* ue, const UeKey& key, std::uint8_t cause);
  // Any thread: runs `work` on the loop if the UE still runs the same procedure generation (late answers of an
  // abandoned attach find nothing to act on).
  void post_for(const UeKey& key, std::uint64_t generation, std::function<void(UeContext&)> work);
  // One context per IMSI: an older one is released. Called once the UE is authenticated (SECURITY MODE COMPLETE).
  void bind_imsi(UeContext& ue, std::string imsi);

  // ---- emm_attach.cpp --------------------------------------------------------------------------------------
  void on_attach_request(const UeKey& key, const nas::AttachRequest& m);
  void on_identity_response(UeContext& ue, const nas::IdentityResponse& m);
  // AIR; a Binding-Failure-Report waiting for this IMSI goes with it.
  void request_vectors(UeContext& ue, std::optional<Bytes> resync_info);
  void on_aia(UeContext& ue, S6aResult<diameter::AuthInfoAnswer> aia);
  void on_authentication_response(UeContext& ue, const nas::AuthenticationResponse& m);
  void on_authentication_failure(UeContext& ue, const nas::AuthenticationFailure& m);
  void start_security_mode(UeContext& ue);
  void on_security_mode_complete(UeContext& ue, const nas::SecurityModeComplete& m);
  void update_location(UeContext& ue);
  void on_ula(UeContext& ue, S6aResult<diameter::UpdateLocationAnswer> ula);
  void on_attach_complete(UeContext& ue, const nas::AttachComplete& m);
  // K_eNB, security capabilities, UE-AMBR and the E-RAB of the default bearer `ebi` (INITIAL CONTEXT SETUP).
  ContextSetup context_setup_for(const UeContext& ue, std::uint8_t ebi) const;
  void reject_attach(UeContext& ue, std::uint8_t emm_cause, const std::string& why,
                     std::optional<Bytes> esm_container = std::nullopt);
  void reject_authentication(UeContext& ue, const std::string& why);

  // ---- emm_session.cpp -------------------------------------------------------------------------------------
  // The ESM answer to the attach's PDN CONNECTIVITY REQUEST: a default bearer, or a refusal (returned as the
  // ESM cause) when the access is PROVISIONING_ONLY, the APN is not subscribed or the pool is empty.
  std::variant<nas::ActivateDefaultBearerRequest, std::uint8_t> default_bearer_for(UeContext& ue,
                                                                                   const nas::PdnConnectivityRequest& r);
  void on_pdn_connectivity_request(UeContext& ue, const nas::PdnConnectivityRequest& m);
  void on_bearer_accept(UeContext& ue, const nas::ActivateDefaultBearerAccept& m);
  void on_detach_request(UeContext& ue, const nas::DetachRequestUe& m);
  void on_uplink_generic_transport(UeContext& ue, const nas::GenericNasTransport& m);
  void relay_binding(UeContext& ue, const diameter::InsertSubscriberDataRequest& request, IdaReply reply);
  void end_binding_relay(UeContext& ue, const diameter::InsertSubscriberDataAnswer& ida);
  // DESIGN 3.3 step 15: after a KME went to the UE, a DETACH REQUEST "re-attach required" (T3422).
  void detach_for_reattach(UeContext& ue);
  void release_bearers(UeContext& ue);
  // Addresses for a granted PDN type: static ones from the APN configuration, the rest from the pools; nullopt
  // (nothing held) when a pool is exhausted or a static IPv4 address is in use by another connection.
  std::optional<PdnAddresses> assign_addresses(std::uint8_t pdn_type, const diameter::ApnConfiguration& apn);
  void release_addresses(const PdnAddresses& a);

  const MmeConfig& config_;
  HssLink& hss_;
  NasLink* link_ = nullptr;
  Ipv4Pool pool_;
  Ipv6Pool pool6_;
  MmeCounters counters_;
  std::unordered_map<UeKey, std::unique_ptr<UeContext>, UeKeyHash> ues_;
  std::unordered_map<std::string, UeKey> by_imsi_;
  std::unordered_map<std::string, diameter::BindingFailureReport> pending_reports_;  // for the next AIR
  std::uint64_t next_generation_ = 1;
  std::uint32_t next_m_tmsi_ = 1;
  std::uint8_t next_ksi_ = 0;
};

}  // namespace simbind::mme
