// SubscriberStore on SQLite (WAL, synchronous=FULL). K, OPc and KME are sealed with AES-256-GCM under the
// master key, bound to the IMSI. Decrypted records are cached in memory, each with its own lock.
//
// The writes of the S6a path (SQN reservations, locations, audit rows, binding changes) go through a group
// committer on a second connection: writes that arrive together share one transaction and one fsync (about half
// a millisecond here), so a storm of first attaches costs a few fsyncs per batch, not one per subscriber, and
// reads on the main connection never wait for a sync. SQN blocks are also reserved ahead in the background, so
// a warm subscriber's AIR does not wait for the disk at all. Admin writes (create, update, remove) use the main
// connection under one mutex. Lock order: entry, then connection, then cache map (never held while waiting
// for the others); nothing on the committer's thread takes an entry lock.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "common/crypto/secret_box.h"
#include "common/crypto/sqn.h"
#include "common/store/group_commit.h"
#include "common/store/sqlite.h"
#include "services/hss/subscriber_store.h"

namespace simbind::hss {

class SqliteSubscriberStore final : public SubscriberStore {
 public:
  // Opens or creates the database. A database made under another master key is refused with a message that
  // says so (the key fingerprint is kept in the database).
  //
  // `preload`: up to this many subscribers are kept in memory ahead of their first AIR, each with its next SQN
  // block already durable, so that a storm of first attaches neither reads the database nor waits for a sync:
  // those in the database at open (read by a background thread, a chunk at a time) and those created later.
  // 0 loads each subscriber at its first use instead.
  static Result<std::unique_ptr<SqliteSubscriberStore>> open(const std::string& path, const crypto::MasterKey& key,
                                                             const crypto::HeSqnPolicy& sqn_policy,
                                                             std::size_t preload = 0);
  ~SqliteSubscriberStore() override;

  Result<void> create(const Subscriber& s) override;
  Result<std::vector<bool>> create_many(std::span<const Subscriber> subscribers) override;
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
  Result<std::vector<AuditEvent>> audit_events(const std::string& imsi, std::size_t limit,
                                               std::int64_t after_id = 0) override;

  // How the durable writes went, for the metrics endpoint.
  struct WriteStats {
    std::uint64_t commit_groups = 0;        // transactions (one fsync each) of the group committer
    std::uint64_t committed_writes = 0;     // writes they carried
    std::uint64_t reservations_waited = 0;  // SQN reservations an AIR had to wait for
    std::uint64_t reservations_ahead = 0;   // SQN reservations written in the background
  };
  WriteStats write_stats() const;

  // Subscribers loaded ahead of their first use so far, and whether the background preload has finished.
  std::size_t preloaded() const { return preloaded_.load(); }
  bool preload_finished() const { return preload_finished_.load(); }

 private:
  struct Entry {
    Entry(Subscriber s, crypto::HeSqnState q) : subscriber(std::move(s)), sqn(q) {}
    std::mutex mutex;
    Subscriber subscriber;
    crypto::HeSqnState sqn;
    // Set on the committer's thread once a reservation ahead is durable; folded into `sqn` by the next AIR.
    std::atomic<std::uint64_t> reserved_ahead{0};
    std::atomic<bool> reserving{false};  // a reservation ahead is queued
  };

  SqliteSubscriberStore(store::Database db, const crypto::MasterKey& key, const crypto::HeSqnPolicy& policy,
                        std::size_t preload)
      : db_(std::move(db)), key_(key), sqn_(policy), preload_limit_(preload) {}

  Result<void> migrate();
  Result<bool> has_column(const char* table, const char* column);
  // The subscriber's APN configurations in profile order; writing replaces them all (need db_mutex_ held, and a
  // transaction around the write).
  Result<std::vector<subscription::ApnConfig>> load_apns(const Imsi& imsi);
  Result<void> write_apns(const Subscriber& s);
  Result<bool> insert_subscriber(const Subscriber& s);
  Result<void> check_master_key();
  // The cached entry, loaded from the database on first use (takes the map and connection locks itself).
  Result<std::shared_ptr<Entry>> entry(const Imsi& imsi);
  // Queues the durable write of the next SQN block when `state` (the entry's, read under its lock) runs low.
  void reserve_ahead(const Imsi& imsi, const std::shared_ptr<Entry>& entry, const crypto::HeSqnState& state);
  // Loads `imsi` into the cache and reserves its next block, while the cache is below the preload limit.
  void preload_one(const Imsi& imsi);
  // The background thread's work: every subscriber in rowid order, a chunk at a time.
  void preload_existing();
  std::size_t cache_size();
  static Result<void> insert_audit(store::Database& db, const AuditEvent& event);
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
  std::unique_ptr<store::GroupCommitter> writer_;
  struct {
    std::atomic<std::uint64_t> reservations_waited{0};
    std::atomic<std::uint64_t> reservations_ahead{0};
  } stats_;
  const std::size_t preload_limit_;
  std::atomic<std::size_t> preloaded_{0};
  std::atomic<bool> preload_finished_{false};
  std::atomic<bool> stopping_{false};
  std::thread preloader_;  // last: joined in the destructor before anything it uses goes
};

}  // namespace simbind::hss
