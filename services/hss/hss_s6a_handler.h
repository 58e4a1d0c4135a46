// The HSS's S6a procedure logic on plain structs (TS 29.272 5.2.1.1 ULR, 5.2.3.1 AIR, 5.2.1.3 PUR), with the
// binding decisions of DESIGN 3. No Diameter here: hss_s6a_path.cpp decodes, calls these, encodes.
#pragma once

#include <optional>
#include <string>

#include "common/diameter/s6a_messages.h"
#include "services/hss/hss_config.h"
#include "services/hss/hss_counters.h"
#include "services/hss/subscriber_store.h"

namespace simbind::hss {

struct PeerIdentity {
  std::string host;
  std::string realm;
};

// DESIGN 3.3/3.5: the ULA waits while the HSS establishes a KME with this device over the air.
struct ProvisioningJob {
  Subscriber subscriber;
  diameter::TerminalInformation terminal;  // IMEI with its check digit
  std::string why;                         // "first binding", "authorized device change", "lost KME"
};

struct UlrOutcome {
  diameter::UpdateLocationAnswer answer;
  std::optional<PeerIdentity> cancel_old_mme;  // send CLR there: the UE moved to another MME
  std::optional<ProvisioningJob> provision;    // answer only once this has run (BindingProvisioner)
};

class S6aHandler {
 public:
  S6aHandler(SubscriberStore& store, const HssConfig& config, HssCounters& counters)
      : store_(store), config_(config), counters_(counters) {}

  diameter::AuthInfoAnswer on_air(const diameter::AuthInfoRequest& request, const PeerIdentity& mme);
  UlrOutcome on_ulr(const diameter::UpdateLocationRequest& request, const PeerIdentity& mme);
  diameter::PurgeUeAnswer on_pur(const diameter::PurgeUeRequest& request, const PeerIdentity& mme);
  HssCounters& counters() { return counters_; }

 private:
  // TS 33.102 6.3.5: verify AUTS and reset SQN. For a pre-processed AV the RAND in Re-Synchronization-Info is
  // RAND* (what the UE saw): both readings are tried, and whichever verifies is used.
  bool resynchronise(const Subscriber& s, ByteView resync_info);
  // The subscriber named by a User-Name; an error when it is no IMSI or unknown.
  Result<Subscriber> find_subscriber(const std::string& user_name);
  void audit(const Subscriber& s, const char* event, const char* decision, const std::string& reason,
             const std::string& imei = "");

  SubscriberStore& store_;
  const HssConfig& config_;
  HssCounters& counters_;
};

}  // namespace simbind::hss
