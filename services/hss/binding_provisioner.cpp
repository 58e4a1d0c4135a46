#include "services/hss/binding_provisioner.h"

#include "common/crypto/binding.h"
#include "common/crypto/key_wrap.h"
#include "common/diameter/avp_codes.h"
#include "common/log/log.h"
#include "common/util/secure.h"

namespace simbind::hss {
namespace {

using diameter::ResultCode;

// The ULA errors of a failed provisioning, as the MME maps them (services/mme/s6a_cause_mapping.h): a device
// that is not what it claims is an illegal ME (#6); a failure of the network side is a network failure (#17).
ResultCode illegal_device() { return ResultCode::exp(diameter::experimental::unknown_eps_subscription); }
ResultCode network_failure() { return ResultCode::base(diameter::result::unable_to_comply); }

}  // namespace

struct BindingProvisioner::Run {
  Subscriber subscriber;
  diameter::TerminalInformation terminal;
  PeerIdentity mme;
  std::string why;
  Done done;
  crypto::Kme kme{};
  KmeId kme_id{};
  crypto::HssNonce nhss{};
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  explicit Run(Subscriber s) : subscriber(std::move(s)) {}
  ~Run() { secure_wipe(kme); }
};

BindingProvisioner::~BindingProvisioner() { secure_wipe(kek_); }

void BindingProvisioner::run(const Subscriber& s, const diameter::TerminalInformation& terminal,
                             const PeerIdentity& mme, const std::string& why, Done done) {
  auto r = std::make_shared<Run>(s);
  r->terminal = terminal;
  r->mme = mme;
  r->why = why;
  r->done = std::move(done);
  log::info("ULR {}: {}: KME-Establishment to {} for IMEI {}", s.imsi.str(), why,
            config_.provisioning.prov_identity, terminal.imei);
  prov_.establish_kme(diameter::KmeEstablishmentRequest{s.imsi.str(), terminal},
                      [this, r](Result<diameter::KmeEstablishmentAnswer> kea) { on_kme(r, std::move(kea)); });
}

void BindingProvisioner::on_kme(std::shared_ptr<Run> r, Result<diameter::KmeEstablishmentAnswer> kea) {
  if (!kea) return finish(r, network_failure(), "failed", "prov-unreachable", "no KME from simbind-prov: " + kea.error().message);
  if (!kea->result.success()) {
    if (!kea->result.experimental && kea->result.code == diameter::bp_result::device_unknown) {
      return finish(r, illegal_device(), "rejected", "keydir-unknown",
                    "IMEI " + r->terminal.imei + " is unknown to the key directory: no device key to wrap KME for");
    }
    return finish(r, network_failure(), "failed", "prov-error",
                  "simbind-prov answered KME-Establishment with " + std::to_string(kea->result.code));
  }
  auto kme = crypto::aes_key_unwrap_pad(kek_, kea->hss_wrapped_kme);
  if (!kme || kme->size() != r->kme.size()) {
    if (kme) secure_wipe(*kme);
    return finish(r, network_failure(), "failed", "kek-mismatch",
                  "HSS-Wrapped-KME does not unwrap under binding.kek_file (another key-encryption key at prov?)");
  }
  std::copy(kme->begin(), kme->end(), r->kme.begin());
  secure_wipe(*kme);
  r->kme_id = static_cast<KmeId>(kea->kme_id);
  r->nhss = crypto::random_octets<16>();

  diameter::InsertSubscriberDataRequest idr;
  idr.user_name = r->subscriber.imsi.str();
  idr.binding = diameter::BindingProvisioningInfo{kea->wrapped_kme, r->nhss, kea->kme_id, kea->key_wrap_scheme};
  log::info("ULR {}: IDR with Binding-Provisioning-Info (KME-Id {}, scheme {}) to {}", idr.user_name, kea->kme_id,
            kea->key_wrap_scheme, r->mme.host);
  mme_.insert_subscriber_data(r->mme, idr,
                              [this, r](Result<diameter::InsertSubscriberDataAnswer> ida) { on_ida(r, std::move(ida)); });
}

void BindingProvisioner::on_ida(std::shared_ptr<Run> r, Result<diameter::InsertSubscriberDataAnswer> ida) {
  if (!ida) return finish(r, network_failure(), "failed", "no-ida", "no IDA from " + r->mme.host + ": " + ida.error().message);
  if (ida->binding_failure_report == diameter::BindingFailureReport::unwrap_failed) {
    return finish(r, illegal_device(), "rejected", "unwrap-failed",
                  "the device could not unwrap KME: it does not hold the private key of IMEI " + r->terminal.imei);
  }
  if (!ida->result.success() || !ida->binding_response) {
    return finish(r, network_failure(), "failed", "no-binding-response",
                  "IDA from " + r->mme.host + " without Binding-Response (result " + std::to_string(ida->result.code) + ")");
  }
  // DESIGN 3.3 step 14: only a device that unwrapped KME can compute Rsp = HMAC-SHA-256(KME, NHSS).
  if (!crypto::verify_rsp(r->kme, r->nhss, *ida->binding_response)) {
    return finish(r, illegal_device(), "rejected", "rsp-mismatch", "Rsp does not verify: the device did not prove receipt of KME");
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                              r->started);
  AuditEvent e{0, 0, r->subscriber.imsi.str(), "kme-established", "established",
               r->why + ": KME-Id " + std::to_string(to_uint(r->kme_id)) + " over the air, Rsp verified, " +
                   std::to_string(elapsed.count()) + " ms",
               r->terminal.imei};
  if (auto stored = store_.establish_binding(r->subscriber.imsi, r->kme, r->kme_id, r->terminal.imei, e); !stored) {
    return finish(r, network_failure(), "failed", "store-error", "KME not stored: " + stored.error().message);
  }
  log::info("ULR {}: KME-Id {} established over the air, bound to IMEI {} ({} ms)", r->subscriber.imsi.str(),
            to_uint(r->kme_id), r->terminal.imei, elapsed.count());
  counters_.binding("established", "over-the-air");
  r->done(ProvisioningOutcome{ResultCode::ok(), "KME established"});
}

void BindingProvisioner::finish(const std::shared_ptr<Run>& r, ResultCode result, const char* decision,
                                const char* label, const std::string& reason) {
  counters_.binding(decision, label);
  AuditEvent e{0, 0, r->subscriber.imsi.str(), "kme-establishment", decision, r->why + ": " + reason, r->terminal.imei};
  if (auto a = store_.append_audit(e); !a) log::error("audit write failed: {}", a.error().message);
  log::warn("ULR {}: over-the-air KME establishment {}: {}", r->subscriber.imsi.str(), decision, reason);
  r->done(ProvisioningOutcome{result, reason});
}

}  // namespace simbind::hss
