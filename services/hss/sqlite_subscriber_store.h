// SubscriberStore on SQLite (WAL, synchronous=FULL). K, OPc and KME are sealed with AES-256-GCM under the
// master key, bound to the IMSI. Decrypted records are cached in memory, each with its own lock, so a durable
// write (an fsync of about half a millisecond here) for one subscriber never stalls the others' AIRs; one mutex
// serialises the SQLite connection. Lock order: entry, then connection; the cache map lock is never held
// while waiting for either.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/crypto/secret_box.h"
#include "common/crypto/sqn.h"
#include "common/store/sqlite.h"
#include "services/hss/subscriber_store.h"

namespace simbind::hss {

class SqliteSubscriberStore final : public SubscriberStore {
 public:
  // Opens or creates the database. A database made under another master key is refused with a message that
  // says so (the key fingerprint is kept in the database).
  static Result<std::unique_ptr<SqliteSubscriberStore>> open(const std::string& path, const crypto::MasterKey& key,
                                                             const crypto::HeSqnPolicy& sqn_policy);

  Result<void> create(const Subscriber& s) override;
  Result<Subscriber> get(const Imsi& imsi) override;
  Result<void> update(const Subscriber& s) override;
  Result<void> remove(const Imsi& imsi) override;
  Result<std::vector<Subscriber>> list(std::size_t offset, std::size_t limit) override;
  Result<std::size_t> count() override;

  Result<std::vector<crypto::Sqn>> allocate_sqns(const Imsi& imsi, std::size_t count) override;
  Result<void> resync_sqn(const Imsi& imsi, const crypto::Sqn& sqn_ms) override;

  Result<void> set_binding_policy(const Imsi& imsi, BindingPolicy policy, const AuditEvent& audit) override;
  Result<void> establish_binding(const Imsi& imsi, const crypto::Kme& kme, KmeId kme_id, const std::string& bound_imei,
                                 const AuditEvent& audit) override;
  Result<void> authorize_device(const Imsi& imsi, const std::string& imei, const AuditEvent& audit) override;
  Result<std::uint32_t> record_failure_report(const Imsi& imsi, const AuditEvent& audit) override;
  Result<void> update_location(const Imsi& imsi, const LocationRecord& location) override;
  Result<void> append_audit(const AuditEvent& event) override;
  Result<std::vector<AuditEvent>> audit_events(const std::string& imsi, std::size_t limit) override;

 private:
  struct Entry {
    Entry(Subscriber s, crypto::HeSqnState q) : subscriber(std::move(s)), sqn(q) {}
    std::mutex mutex;
    Subscriber subscriber;
    crypto::HeSqnState sqn;
  };

  SqliteSubscriberStore(store::Database db, const crypto::MasterKey& key, const crypto::HeSqnPolicy& policy)
      : db_(std::move(db)), key_(key), sqn_(policy) {}

  Result<void> migrate();
  Result<bool> has_column(const char* table, const char* column);
  // The subscriber's APN configurations in profile order; writing replaces them all (need db_mutex_ held, and a
  // transaction around the write).
  Result<std::vector<subscription::ApnConfig>> load_apns(const Imsi& imsi);
  Result<void> write_apns(const Subscriber& s);
  Result<void> check_master_key();
  // The cached entry, loaded from the database on first use (takes the map and connection locks itself).
  Result<std::shared_ptr<Entry>> entry(const Imsi& imsi);
  // Need db_mutex_ held.
  Result<void> insert_audit(const AuditEvent& event);
  Result<Subscriber> row_to_subscriber(const store::Statement& row);
  void bind_keys_and_profile(store::Statement& q, int first, const Subscriber& s) const;
  template <typename Bind, typename Apply>
  Result<void> audited_update(const Imsi& imsi, const char* sql, Bind&& bind, const AuditEvent& audit, Apply&& apply);

  std::mutex cache_mutex_;
  std::mutex db_mutex_;
  store::Database db_;
  crypto::MasterKey key_;
  crypto::HeSqnGenerator sqn_;
  std::unordered_map<std::string, std::shared_ptr<Entry>> cache_;
};

}  // namespace simbind::hss
