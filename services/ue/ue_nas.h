// The NAS of one emulated UE (TS 24.301, UE side): EMM attach with authentication, security mode control and
// identity, UE- and network-initiated detach, and the ESM of a default bearer. Pure procedure logic: PDUs come
// in through on_pdu(), everything else (sending, timers, events, persistence) goes through UeNasPort, so tests
// script an MME with common/nas and check what the UE sends. One UeNas is only ever used from one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "common/crypto/kdf.h"
#include "common/nas/binding_container.h"
#include "common/nas/emm_messages.h"
#include "common/nas/esm_messages.h"
#include "common/nas/security_envelope.h"
#include "services/ue/mobile_equipment.h"

namespace simbind::ue {

enum class UeTimer { t3410, t3411, t3421, t3482 };
const char* to_string(UeTimer t);

enum class EventLevel { debug, info, warn };

// What the UE's NAS needs from its surroundings (the daemon's event loop, or a test's recording fake).
class UeNasPort {
 public:
  virtual ~UeNasPort() = default;
  virtual bool connected() const = 0;          // the TCP connection to the MME is up
  virtual void new_connection() = 0;           // a fresh UE connection id for the next attach attempt
  virtual void drop_connection(bool tell_mme) = 0;  // forget the id; tell_mme: send a UE context release
  virtual void send(Bytes pdu) = 0;            // a NAS PDU on the current UE connection id
  virtual void start_timer(UeTimer t, std::chrono::milliseconds after) = 0;  // restarts a running one
  virtual void stop_timer(UeTimer t) = 0;
  virtual void event(EventLevel level, const std::string& kind, const std::string& text) = 0;
  virtual void usim_changed() = 0;  // SQN array moved: persist the UICC
  virtual void me_changed() = 0;    // KME store changed: persist the ME
};

struct UeNasConfig {
  Plmn serving_plmn = *Plmn::create("001", "01");  // the MME's PLMN: an input of KASME (TS 33.401 A.2)
  std::chrono::milliseconds t3410{15000};
  std::chrono::milliseconds t3411{10000};
  std::chrono::milliseconds t3421{15000};
  std::chrono::milliseconds t3482{8000};
  unsigned max_attach_attempts = 5;
  bool reattach_on_request = true;
  std::uint8_t binding_container_type = nas::kDefaultBindingContainerType;  // must match simbind-mme's
};

// How one attach call ended (across its attempts).
struct AttachOutcome {
  bool success = false;
  bool registered_without_pdn = false;
  std::uint8_t emm_cause = 0;
  std::uint8_t esm_cause = 0;
  std::string ip;
  std::string ipv6_iid;
  std::string pdn_type;
  std::string apn;
  std::uint64_t latency_us = 0;
  bool pre_processed = false;
  std::optional<crypto::Rand> rand_on_air;
  std::optional<crypto::Rand> rand_used;
  std::optional<KmeId> kme_id;
  unsigned resyncs = 0;
  unsigned attempts = 0;
  std::string failure;  // short key for statistics: "EMM #3 Illegal UE", "T3410 expired", ...
  std::string message;  // one readable sentence
};
struct BearerOutcome {
  bool success = false;
  std::uint8_t esm_cause = 0;
  std::uint8_t ebi = 0;
  std::string ip;
  std::string apn;
  std::string message;
  std::string ipv6_iid;
  std::string pdn_type;
};
struct DetachOutcome {
  bool success = false;
  bool local = false;  // no DETACH ACCEPT: detached locally (T3421 exhausted, or nothing to tell the MME)
  std::string message;
};

enum class EmmState { deregistered, attaching, waiting_retry, registered, detaching };
const char* to_string(EmmState s);

// A PDN connection as granted (TS 24.301 9.9.4.9): the PDN type, the IPv4 address and/or the IPv6 interface
// identifier, and the ESM cause that came with the grant (#50, #51, #52) when the type is not the one asked for.
struct Bearer {
  std::uint8_t ebi = 0;
  std::string apn;
  std::string ip;        // IPv4, dotted; empty when none was granted
  std::string ipv6_iid;  // "0:0:0:3"; empty when none was granted
  std::string pdn_type;  // ipv4, ipv6, ipv4v6
  std::uint8_t esm_cause = 0;
};
// The bearer an ACTIVATE DEFAULT EPS BEARER CONTEXT REQUEST grants, and how a log line says it.
Bearer granted_bearer(const nas::ActivateDefaultBearerRequest& m);
std::string describe(const Bearer& b);  // "APN internet, IPv4 10.45.0.2, IPv6 IID 0:0:0:1 (#52 ...)"

struct UeCounters {
  std::uint64_t attach_attempts = 0, attach_successes = 0, attach_failures = 0;
  std::uint64_t auth_challenges = 0, auth_failures = 0, resyncs = 0;
  std::uint64_t detaches = 0, network_detaches = 0, bearer_requests = 0;
  std::uint64_t nas_discarded = 0;  // PDUs dropped: MAC failure, replay, unprotected where protection is due
  std::uint64_t status_sent = 0;
};

class UeNas {
 public:
  UeNas(MobileEquipment& me, Usim* usim, const UeNasConfig& config, UeNasPort& port);

  // Control (results arrive through the callbacks, exactly once each).
  using AttachDone = std::function<void(const AttachOutcome&)>;
  using BearerDone = std::function<void(const BearerOutcome&)>;
  using DetachDone = std::function<void(const DetachOutcome&)>;
  // Fails at once (callback before return) when no UICC is inserted or another procedure is running. A UE
  // that is registered first forgets its registration locally (the MME sees a new attach for the IMSI).
  void attach(std::optional<std::string> apn, AttachDone done);
  void detach(DetachDone done);
  void request_bearer(std::string apn, BearerDone done);

  // Input.
  void on_pdu(ByteView pdu);
  void on_timer(UeTimer t);
  void on_context_release();  // the MME released the UE context (frame kind 1)
  void on_connection_lost();  // the TCP connection dropped
  void on_connected();        // the TCP connection is (back) up

  // A UICC moves only while the UE is deregistered and idle.
  bool idle() const { return state_ == EmmState::deregistered && !detach_done_ && !attach_run_; }
  void set_usim(Usim* usim) { usim_ = usim; }
  // Ends every pending procedure with `why` (daemon shutdown).
  void abort_all(const std::string& why);

  EmmState state() const { return state_; }
  bool security_active() const { return envelope_.has_value(); }
  bool registered_without_pdn() const { return state_ == EmmState::registered && bearers_.empty(); }
  const std::map<std::uint8_t, Bearer>& bearers() const { return bearers_; }
  std::uint8_t last_emm_cause() const { return last_emm_cause_; }
  std::uint8_t last_esm_cause() const { return last_esm_cause_; }
  const UeCounters& counters() const { return counters_; }
  const std::optional<nas::MobileIdentity>& guti() const { return guti_; }

  // The UE network capability this UE sends: what it implements (EEA0, 128-EEA2; 128-EIA2). SMC must replay it.
  static const Bytes& ue_network_capability();

 private:
  struct AttachRun {  // one attach call, across its attempts (TS 24.301 5.5.1.2.6 attempt counter)
    std::optional<std::string> apn;
    std::chrono::steady_clock::time_point started;
    AttachOutcome outcome;
    AttachDone done;
    bool request_sent = false;  // false while waiting for the TCP connection
    std::string last_problem;   // what went wrong last in this attempt, for the T3410 message
  };
  struct NativeContext {  // from the last successful authentication, not yet taken into use
    std::uint8_t ksi = nas::kNoKeyAvailable;
    crypto::Kasme kasme{};
  };
  struct PendingBearer {
    std::uint8_t pti = 0;
    std::string apn;
    BearerDone done;
    unsigned sends = 0;  // PDN CONNECTIVITY REQUESTs sent (TS 24.301 6.5.1.6: the first plus 4 on T3482)
  };

  // ue_nas.cpp: PDU dispatch, protection, status.
  void dispatch(ByteView message, bool was_protected);
  void on_emm(const nas::EmmMessage& m, bool was_protected);
  void on_esm(const nas::EsmMessage& m);
  // Sends an encoder's result, protected with `header` iff a security context is active; false (an event says
  // why) when the message could not be encoded.
  bool send_encoded(const Result<Bytes>& plain, nas::SecurityHeaderType header);
  void send_emm(const nas::EmmMessage& m);  // protected (type 2) iff a security context is active
  void send_attach_complete(const nas::EsmMessage& esm);  // ATTACH COMPLETE with `esm` in its container
  void send_plain_emm(const nas::EmmMessage& m);
  void send_esm(const nas::EsmMessage& m);
  void send_emm_status(std::uint8_t cause);
  void discard(const std::string& why);
  void log(EventLevel level, const std::string& kind, const std::string& text);
  std::string who() const;
  void forget_registration(bool tell_mme);  // security context, bearers, connection id

  // ue_nas_attach.cpp: TS 24.301 5.5.1 attach, 5.4.2 authentication, 5.4.3 security mode, 5.4.4 identity.
  void start_attempt();
  void send_attach_request();
  void abort_attempt(const std::string& failure, const std::string& message, bool tell_mme);
  void finish_attach(AttachOutcome outcome);
  void on_authentication_request(const nas::AuthenticationRequest& m);
  void on_authentication_reject();
  void on_security_mode_command(ByteView pdu);
  void repeat_security_mode_complete(ByteView pdu, const nas::SecurityModeCommand& smc);
  void send_security_mode_complete(const nas::SecurityModeCommand& smc);
  void reject_security_mode(std::uint8_t cause, const std::string& why);
  void on_identity_request(const nas::IdentityRequest& m, bool was_protected);
  void on_attach_accept(const nas::AttachAccept& m);
  void on_attach_reject(const nas::AttachReject& m);

  // ue_nas_session.cpp: TS 24.301 5.5.2 detach, 6.5.1 PDN connectivity, the binding container.
  void send_detach_request();
  void finish_detach(DetachOutcome outcome);
  void on_detach_accept();
  void on_network_detach(const nas::DetachRequestNetwork& m);
  void on_generic_transport(const nas::GenericNasTransport& m);
  void on_default_bearer_request(const nas::ActivateDefaultBearerRequest& m);
  void on_pdn_connectivity_reject(const nas::PdnConnectivityReject& m);
  void fail_bearer(const std::string& message, std::uint8_t esm_cause);
  void send_pdn_connectivity_request();
  std::uint8_t next_pti();

  MobileEquipment& me_;
  Usim* usim_;
  const UeNasConfig& config_;
  UeNasPort& port_;

  EmmState state_ = EmmState::deregistered;
  std::optional<AttachRun> attach_run_;
  std::optional<NativeContext> native_;
  std::optional<nas::SecurityEnvelope> envelope_;
  std::uint8_t ksi_ = nas::kNoKeyAvailable;  // of the context in use
  nas::NasAlgorithms algorithms_;            // of the context in use
  std::map<std::uint8_t, Bearer> bearers_;
  std::optional<nas::MobileIdentity> guti_;
  std::optional<PendingBearer> pending_bearer_;
  std::uint8_t last_pti_ = 1;  // PTI 1 is the attach's PDN CONNECTIVITY REQUEST
  DetachDone detach_done_;
  unsigned detach_sends_ = 0;
  std::uint8_t last_emm_cause_ = 0;
  std::uint8_t last_esm_cause_ = 0;
  UeCounters counters_;
};

}  // namespace simbind::ue
