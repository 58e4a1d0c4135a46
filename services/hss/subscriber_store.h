// Where the HSS keeps subscribers. An interface, so that a PostgreSQL store can sit beside the SQLite one
// (DESIGN 8). Every mutating call is one transaction: it happens completely or not at all.
#pragma once

#include <span>
#include <vector>

#include "common/crypto/sqn.h"
#include "common/util/error.h"
#include "services/hss/subscriber.h"

namespace simbind::hss {

class SubscriberStore {
 public:
  virtual ~SubscriberStore() = default;

  virtual Result<void> create(const Subscriber& s) = 0;  // fails if the IMSI exists
  // Creates those whose IMSI is new, all in one transaction; for each, whether it was created (false: the IMSI
  // exists and was left as it is). The IMSIs must differ from one another.
  virtual Result<std::vector<bool>> create_many(std::span<const Subscriber> subscribers) = 0;
  virtual Result<Subscriber> get(const Imsi& imsi) = 0;  // ErrorCode::not_found if unknown
  // Replaces keys, AMF and profile (binding, location and SQN are changed by their own calls).
  virtual Result<void> update(const Subscriber& s) = 0;
  virtual Result<void> remove(const Imsi& imsi) = 0;
  virtual Result<std::vector<Subscriber>> list(std::size_t offset, std::size_t limit) = 0;
  virtual Result<std::size_t> count() = 0;

  // `count` fresh SQNs for the subscriber. When the durable reservation must grow, it is written (and
  // synced) before the SQNs are returned, so no SQN is ever handed out twice, even across kill -9.
  virtual Result<std::vector<crypto::Sqn>> allocate_sqns(const Imsi& imsi, std::size_t count) = 0;
  // After a verified AUTS: continue above SQN_MS (TS 33.102 6.3.5).
  virtual Result<void> resync_sqn(const Imsi& imsi, const crypto::Sqn& sqn_ms) = 0;

  virtual Result<void> set_binding_policy(const Imsi& imsi, BindingPolicy policy, const AuditEvent& audit) = 0;
  // Stores KME, KME-Id and (if given) the bound IMEI, sets the state to established, clears the authorized
  // IMEI and the failure count, and writes the audit event: all in one transaction.
  virtual Result<void> establish_binding(const Imsi& imsi, const crypto::Kme& kme, KmeId kme_id,
                                         const std::string& bound_imei, const AuditEvent& audit) = 0;
  virtual Result<void> authorize_device(const Imsi& imsi, const std::string& imei, const AuditEvent& audit) = 0;
  // Counts a Binding-Failure-Report and writes its audit event; returns the new count.
  virtual Result<std::uint32_t> record_failure_report(const Imsi& imsi, const AuditEvent& audit) = 0;

  virtual Result<void> update_location(const Imsi& imsi, const LocationRecord& location) = 0;

  virtual Result<void> append_audit(const AuditEvent& event) = 0;
  // `imsi` empty for all subscribers. after_id 0: the newest, newest first; otherwise those with a larger id,
  // oldest first.
  virtual Result<std::vector<AuditEvent>> audit_events(const std::string& imsi, std::size_t limit,
                                                       std::int64_t after_id = 0) = 0;
};

}  // namespace simbind::hss
