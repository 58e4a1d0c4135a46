// DESIGN 3.3 steps 8-14 for one ULR that the HSS keeps pending: a KME from simbind-prov (wrapped for the device
// and for the HSS), a fresh NHSS, the IDR with Binding-Provisioning-Info to the MME, the UE's Rsp in the IDA,
// checked in constant time; only then KME and the bound IMEI are stored, in one transaction with its audit row.
// Every failure (no answer in time, unknown device, unwrap failure, wrong Rsp) stores nothing and is audited
// with its reason. Runs on freeDiameter threads; each run carries its own state.
#pragma once

#include <functional>
#include <string>

#include "common/crypto/secret_box.h"
#include "services/hss/binding_links.h"
#include "services/hss/hss_config.h"
#include "services/hss/hss_counters.h"
#include "services/hss/subscriber_store.h"

namespace simbind::hss {

struct ProvisioningOutcome {
  diameter::ResultCode result;  // 2001: KME established; otherwise the ULA's error
  std::string reason;           // for the log
};

class BindingProvisioner {
 public:
  using Done = std::function<void(ProvisioningOutcome)>;
  using Kek = Bytes;  // 16 or 32 octets (RFC 5649)

  BindingProvisioner(SubscriberStore& store, const HssConfig& config, ProvLink& prov, MmeLink& mme, Kek kek,
                     HssCounters& counters)
      : store_(store), config_(config), prov_(prov), mme_(mme), kek_(std::move(kek)), counters_(counters) {}
  ~BindingProvisioner();

  // `why` says which case this is (first binding, authorized device change, lost KME) for the audit log.
  void run(const Subscriber& s, const diameter::TerminalInformation& terminal, const PeerIdentity& mme,
           const std::string& why, Done done);

 private:
  struct Run;
  void on_kme(std::shared_ptr<Run> run, Result<diameter::KmeEstablishmentAnswer> kea);
  void on_ida(std::shared_ptr<Run> run, Result<diameter::InsertSubscriberDataAnswer> ida);
  // `label` is the reason on the metrics endpoint (a fixed word), `reason` the one in the audit row and log.
  void finish(const std::shared_ptr<Run>& run, diameter::ResultCode result, const char* decision, const char* label,
              const std::string& reason);

  SubscriberStore& store_;
  const HssConfig& config_;
  ProvLink& prov_;
  MmeLink& mme_;
  Kek kek_;
  HssCounters& counters_;
};

}  // namespace simbind::hss
