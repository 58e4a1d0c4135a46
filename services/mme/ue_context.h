// What the MME knows about one UE during and after its attach (TS 23.401 5.7.2, reduced to what simbind needs).
// Owned by the event-loop thread; Diameter answers find it again through (key, generation).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/diameter/s6a_messages.h"
#include "common/nas/esm_messages.h"
#include "common/nas/security_envelope.h"
#include "services/mme/hss_link.h"
#include "services/mme/ip_pool.h"
#include "services/mme/nas_link.h"

namespace simbind::mme {

// A UE is named by its TCP connection and the UE connection id its frames carry (as S1AP names a UE by the
// eNB and its eNB-UE-S1AP-ID).
struct UeKey {
  ConnectionId connection;
  nas::UeConnectionId ue;
  bool operator==(const UeKey&) const = default;
};
struct UeKeyHash {
  std::size_t operator()(const UeKey& k) const {
    return std::hash<std::uint64_t>()((static_cast<std::uint64_t>(k.connection) << 32) ^ nas::to_uint(k.ue));
  }
};

enum class EmmState {
  identifying,          // IDENTITY REQUEST sent (T3470)
  waiting_aia,          // AIR sent
  authenticating,       // AUTHENTICATION REQUEST sent (T3460)
  securing,             // SECURITY MODE COMMAND sent (T3460)
  waiting_ula,          // ULR sent
  accepting,            // ATTACH ACCEPT sent (T3450)
  registered,           // ATTACH COMPLETE received
  detaching,            // network DETACH REQUEST sent (T3422)
};
const char* to_string(EmmState s);

// The addresses of one PDN connection: IPv4 and/or IPv6 as granted (pdn_grant.h), from the pools or static
// from the subscription (Served-Party-IP-Address).
struct PdnAddresses {
  std::uint8_t pdn_type = 0;  // NAS PDN type granted
  std::optional<std::uint32_t> ipv4;
  bool ipv4_static = false;
  std::optional<Ipv6Pool::Lease> ipv6;
  std::string text() const;  // "10.45.0.2", "IPv6 IID 0:0:0:3 (prefix 2001:db8:45:2::/64)", or both
};

struct Bearer {
  std::uint8_t ebi = 0;
  std::string apn;
  PdnAddresses addresses;
  bool active = false;  // the UE accepted the context
};

struct UeContext {
  UeKey key;
  std::uint64_t generation = 0;  // changes whenever a new procedure replaces the old: late answers are ignored
  EmmState state = EmmState::identifying;
  std::chrono::steady_clock::time_point attach_started;

  std::string imsi;
  std::string imeisv;  // 16 digits, from SECURITY MODE COMPLETE
  nas::AttachRequest attach_request;
  nas::PdnConnectivityRequest pdn_request;

  // Authentication (TS 24.301 5.4.2) with the AV in use.
  diameter::EutranVectorData av;
  std::uint8_t ksi = 0;
  unsigned resyncs = 0;
  bool binding_retry_done = false;  // one more AV after a MAC failure on a pre-processed one (DESIGN 3.2)

  std::optional<nas::SecurityEnvelope> security;
  diameter::BindingRestriction restriction = diameter::BindingRestriction::none;
  std::optional<diameter::SubscriptionData> subscription;

  // The message under its retransmission timer: plain bytes (re-protected on every transmission).
  struct Pending {
    Bytes message;
    nas::SecurityHeaderType header = nas::SecurityHeaderType::plain;
    NasLink::TimerId timer = 0;
    unsigned transmissions = 0;
    std::chrono::milliseconds interval{0};
    const char* name = "";
  };
  std::optional<Pending> pending;

  // DESIGN 3.3 steps 10-13: an IDR's binding container relayed to the UE, its IDA waiting for the UE's answer.
  struct BindingRelay {
    IdaReply reply;
    NasLink::TimerId timer = 0;
  };
  std::optional<BindingRelay> binding_relay;
  bool kme_delivered = false;  // the UE answered a binding container with Rsp during this attach

  std::vector<Bearer> bearers;
  // The access-side setup that goes with the first transmission of the ATTACH ACCEPT (S1AP: INITIAL CONTEXT
  // SETUP); retransmissions go as plain NAS.
  std::optional<ContextSetup> context_setup;
  std::optional<std::uint8_t> pending_bearer_pti;  // standalone PDN connectivity in progress (T3485)
  std::uint32_t m_tmsi = 0;
};

}  // namespace simbind::mme
