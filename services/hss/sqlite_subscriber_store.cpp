#include "services/hss/sqlite_subscriber_store.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "common/log/log.h"
#include "common/util/hex.h"
#include "common/util/secure.h"

namespace simbind::hss {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS subscribers (
  imsi TEXT PRIMARY KEY,
  k_sealed BLOB NOT NULL,
  opc_sealed BLOB NOT NULL,
  amf INTEGER NOT NULL,
  msisdn TEXT NOT NULL DEFAULT '',
  apn TEXT NOT NULL,
  ambr_ul INTEGER NOT NULL,
  ambr_dl INTEGER NOT NULL,
  qci INTEGER NOT NULL,
  arp_priority INTEGER NOT NULL,
  pdn_type INTEGER NOT NULL,
  network_access_mode INTEGER NOT NULL,
  access_restriction INTEGER NOT NULL,
  sqn_reserved INTEGER NOT NULL DEFAULT 0,
  sqn_next_ind INTEGER NOT NULL DEFAULT 0,
  binding_policy INTEGER NOT NULL DEFAULT 0,
  binding_state INTEGER NOT NULL DEFAULT 0,
  kme_sealed BLOB,
  kme_id INTEGER,
  bound_imei TEXT NOT NULL DEFAULT '',
  authorized_imei TEXT NOT NULL DEFAULT '',
  failure_reports INTEGER NOT NULL DEFAULT 0,
  mme_host TEXT NOT NULL DEFAULT '',
  mme_realm TEXT NOT NULL DEFAULT '',
  last_imei TEXT NOT NULL DEFAULT '',
  purged INTEGER NOT NULL DEFAULT 0,
  subscriber_status INTEGER NOT NULL DEFAULT 0,
  default_context_id INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS apn_configs (
  imsi TEXT NOT NULL,
  context_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  apn TEXT NOT NULL,
  pdn_type INTEGER NOT NULL,
  qci INTEGER NOT NULL,
  arp_priority INTEGER NOT NULL,
  pre_emption_capability INTEGER NOT NULL,
  pre_emption_vulnerability INTEGER NOT NULL,
  ambr_ul INTEGER NOT NULL,
  ambr_dl INTEGER NOT NULL,
  static_ipv4 TEXT NOT NULL DEFAULT '',
  static_ipv6_prefix TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (imsi, context_id)
);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms INTEGER NOT NULL,
  imsi TEXT NOT NULL,
  event TEXT NOT NULL,
  decision TEXT NOT NULL,
  reason TEXT NOT NULL,
  imei TEXT NOT NULL DEFAULT '',
  time_us INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS audit_by_imsi ON audit (imsi, id);
CREATE TRIGGER IF NOT EXISTS audit_append_only_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_append_only_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

// Schema versions: 1 had one APN per subscriber in the subscribers row (apn, qci, arp_priority, pdn_type); 2 keeps
// the APN configurations in apn_configs and the subscriber-level status and default context id in the row. The
// row's apn, qci, arp_priority and pdn_type columns stay, and mirror the default APN configuration.
constexpr int kSchemaVersion = 2;

constexpr const char* kColumns =
    "imsi, k_sealed, opc_sealed, amf, msisdn, apn, ambr_ul, ambr_dl, qci, arp_priority, pdn_type, "
    "network_access_mode, access_restriction, sqn_reserved, sqn_next_ind, binding_policy, binding_state, kme_sealed, "
    "kme_id, bound_imei, authorized_imei, failure_reports, mme_host, mme_realm, last_imei, purged, subscriber_status, "
    "default_context_id";

constexpr const char* kApnColumns =
    "context_id, apn, pdn_type, qci, arp_priority, pre_emption_capability, pre_emption_vulnerability, ambr_ul, "
    "ambr_dl, static_ipv4, static_ipv6_prefix";

// Additional data for sealing: a sealed K copied into another subscriber's row does not open.
Bytes aad(const Imsi& imsi, std::string_view field) {
  const std::string s = "simbind-hss:" + imsi.str() + ":" + std::string(field);
  return Bytes(s.begin(), s.end());
}

std::int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::unexpected<Error> unknown(const Imsi& imsi) {
  return fail(ErrorCode::not_found, "no subscriber with IMSI " + imsi.str());
}

template <std::size_t N>
Result<Octets<N>> open_fixed(const crypto::MasterKey& key, ByteView sealed, const Bytes& ad, const char* what) {
  auto plain = crypto::open_sealed(key, sealed, ad);
  if (!plain) return fail(ErrorCode::verification_failed, std::string(what) + ": " + plain.error().message);
  if (plain->size() != N) return fail(ErrorCode::io_error, std::string(what) + " has a wrong length in the store");
  Octets<N> out{};
  std::copy(plain->begin(), plain->end(), out.begin());
  secure_wipe(*plain);
  return out;
}

}  // namespace

Result<std::unique_ptr<SqliteSubscriberStore>> SqliteSubscriberStore::open(const std::string& path,
                                                                           const crypto::MasterKey& key,
                                                                           const crypto::HeSqnPolicy& sqn_policy,
                                                                           std::size_t preload) {
  auto policy = crypto::validate(sqn_policy);
  if (!policy) return std::unexpected(policy.error());
  auto db = store::Database::open(path);
  if (!db) return std::unexpected(db.error());
  std::unique_ptr<SqliteSubscriberStore> s(new SqliteSubscriberStore(std::move(*db), key, *policy, preload));
  if (auto r = s->migrate(); !r) return std::unexpected(Error{r.error().code, path + ": " + r.error().message});
  if (auto r = s->check_master_key(); !r) return std::unexpected(Error{r.error().code, path + ": " + r.error().message});
  auto writer = store::GroupCommitter::open(path);
  if (!writer) return std::unexpected(writer.error());
  s->writer_ = std::move(*writer);
  if (preload > 0) {
    s->preloader_ = std::thread([store = s.get()] { store->preload_existing(); });
  } else {
    s->preload_finished_ = true;
  }
  return s;
}

SqliteSubscriberStore::~SqliteSubscriberStore() {
  stopping_ = true;
  if (preloader_.joinable()) preloader_.join();
}

std::size_t SqliteSubscriberStore::cache_size() {
  std::lock_guard lock(cache_mutex_);
  return cache_.size();
}

void SqliteSubscriberStore::preload_one(const Imsi& imsi) {
  if (cache_size() >= preload_limit_) return;
  auto e = entry(imsi);
  if (!e) return;  // removed meanwhile: nothing to preload
  crypto::HeSqnState state;
  {
    std::lock_guard lock((*e)->mutex);
    state = (*e)->sqn;
    state.reserved_seq = std::max(state.reserved_seq, (*e)->reserved_ahead.load());
  }
  reserve_ahead(imsi, *e, state);
  ++preloaded_;
}

// A chunk of IMSIs at a time (the connection is free between chunks for AIRs that miss the cache), and after
// each chunk a wait for its reservations: the committer's queue stays short, and each chunk's writes share one
// transaction.
void SqliteSubscriberStore::preload_existing() {
  constexpr std::int64_t kChunk = 1000;
  const auto started = std::chrono::steady_clock::now();
  std::int64_t after = 0;
  while (!stopping_ && cache_size() < preload_limit_) {
    std::vector<Imsi> chunk;
    {
      std::lock_guard db(db_mutex_);
      auto q = db_.cached("SELECT rowid, imsi FROM subscribers WHERE rowid > ? ORDER BY rowid LIMIT ?");
      if (!q) break;
      q->bind(1, after).bind(2, kChunk);
      while (true) {
        auto row = q->step();
        if (!row || !*row) break;
        after = q->int64(0);
        if (auto imsi = Imsi::create(q->text(1))) chunk.push_back(*imsi);
      }
    }
    if (chunk.empty()) break;
    for (const Imsi& imsi : chunk) {
      if (stopping_) break;
      preload_one(imsi);
    }
    (void)writer_->commit([](store::Database&) -> Result<void> { return {}; });
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  log::info("store: {} subscriber(s) preloaded with their next SQN block reserved in {:.1f} s (store.preload: {})",
            preloaded_.load(), seconds, preload_limit_);
  preload_finished_ = true;
}

Result<bool> SqliteSubscriberStore::has_column(const char* table, const char* column) {
  auto q = db_.cached(std::string("SELECT 1 FROM pragma_table_info('") + table + "') WHERE name = ?");
  if (!q) return std::unexpected(q.error());
  q->bind(1, std::string_view(column));
  return q->step();
}

// One transaction: the current schema, then whatever an older database lacks. Version 1 to 2: the subscriber's
// single APN becomes its default APN configuration (context id 1), with its PDN type, QCI and ARP priority and
// the pre-emption values simbind-hss always sent for it (capability disabled, vulnerability enabled).
Result<void> SqliteSubscriberStore::migrate() {
  auto tx = store::Transaction::begin(db_);
  if (!tx) return std::unexpected(tx.error());
  if (auto r = db_.exec(kSchema); !r) return r;
  auto q = db_.cached("SELECT value FROM meta WHERE key = 'schema_version'");
  if (!q) return std::unexpected(q.error());
  auto row = q->step();
  if (!row) return std::unexpected(row.error());
  const int version = *row ? std::stoi(q->text(0)) : 1;
  if (version > kSchemaVersion) {
    return fail(ErrorCode::config_error, "the database has schema version " + std::to_string(version) +
                                             ", newer than this simbind-hss (" + std::to_string(kSchemaVersion) + ")");
  }
  if (version < 2) {
    for (const char* column : {"subscriber_status", "default_context_id"}) {
      auto has = has_column("subscribers", column);
      if (!has) return std::unexpected(has.error());
      if (*has) continue;
      const std::string def = std::string(column) == "default_context_id" ? "1" : "0";
      if (auto r = db_.exec(std::string("ALTER TABLE subscribers ADD COLUMN ") + column + " INTEGER NOT NULL DEFAULT " + def);
          !r) {
        return r;
      }
    }
    if (auto r = db_.exec(
            "INSERT OR IGNORE INTO apn_configs (imsi, context_id, position, apn, pdn_type, qci, arp_priority, "
            "pre_emption_capability, pre_emption_vulnerability, ambr_ul, ambr_dl) "
            "SELECT imsi, 1, 0, apn, pdn_type, qci, arp_priority, 1, 0, 0, 0 FROM subscribers");
        !r) {
      return r;
    }
    if (auto r = db_.exec("UPDATE subscribers SET default_context_id = 1"); !r) return r;
  }
  // Any version: audit.time_us (microseconds, so that a reader can order the audit among other sources' events of
  // the same millisecond). Not a schema version of its own: an older simbind-hss still writes rows (time_us 0,
  // read back as time_ms * 1000) and reads the table.
  auto has_us = has_column("audit", "time_us");
  if (!has_us) return std::unexpected(has_us.error());
  if (!*has_us) {
    if (auto r = db_.exec("ALTER TABLE audit ADD COLUMN time_us INTEGER NOT NULL DEFAULT 0"); !r) return r;
  }
  if (version != kSchemaVersion) {
    auto set = db_.cached("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)");
    if (!set) return std::unexpected(set.error());
    if (auto r = set->bind(1, std::to_string(kSchemaVersion)).run(); !r) return r;
  }
  return tx->commit();
}

Result<void> SqliteSubscriberStore::check_master_key() {
  const std::string fingerprint = to_hex(crypto::master_key_fingerprint(key_));
  auto q = db_.cached("SELECT value FROM meta WHERE key = 'master_key_fingerprint'");
  if (!q) return std::unexpected(q.error());
  auto row = q->step();
  if (!row) return std::unexpected(row.error());
  if (*row) {
    if (q->text(0) != fingerprint) {
      return fail(ErrorCode::config_error,
                  "the database was created with another master key (fingerprint " + q->text(0) + ", this key " +
                      fingerprint + "); refusing to start");
    }
    return {};
  }
  auto ins = db_.cached("INSERT INTO meta (key, value) VALUES ('master_key_fingerprint', ?)");
  if (!ins) return std::unexpected(ins.error());
  return ins->bind(1, fingerprint).run();
}

Result<std::vector<subscription::ApnConfig>> SqliteSubscriberStore::load_apns(const Imsi& imsi) {
  auto q = db_.cached(std::string("SELECT ") + kApnColumns + " FROM apn_configs WHERE imsi = ? ORDER BY position");
  if (!q) return std::unexpected(q.error());
  q->bind(1, imsi.str());
  std::vector<subscription::ApnConfig> out;
  while (true) {
    auto row = q->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    subscription::ApnConfig a;
    a.context_id = static_cast<std::uint32_t>(q->int64(0));
    a.apn = q->text(1);
    a.pdn_type = static_cast<subscription::PdnType>(q->int64(2));
    a.qci = static_cast<std::int32_t>(q->int64(3));
    a.arp.priority_level = static_cast<std::uint32_t>(q->int64(4));
    a.arp.capability = static_cast<subscription::PreEmption>(q->int64(5));
    a.arp.vulnerability = static_cast<subscription::PreEmption>(q->int64(6));
    a.ambr_ul = static_cast<std::uint32_t>(q->int64(7));
    a.ambr_dl = static_cast<std::uint32_t>(q->int64(8));
    if (const std::string v4 = q->text(9); !v4.empty()) {
      auto parsed = subscription::parse_ipv4(v4);
      if (!parsed) return fail(ErrorCode::io_error, "IMSI " + imsi.str() + ": stored " + parsed.error().message);
      a.static_ipv4 = *parsed;
    }
    if (const std::string v6 = q->text(10); !v6.empty()) {
      auto parsed = subscription::parse_ipv6_prefix(v6);
      if (!parsed) return fail(ErrorCode::io_error, "IMSI " + imsi.str() + ": stored " + parsed.error().message);
      a.static_ipv6_prefix = *parsed;
    }
    out.push_back(std::move(a));
  }
  return out;
}

Result<void> SqliteSubscriberStore::write_apns(const Subscriber& s) {
  auto del = db_.cached("DELETE FROM apn_configs WHERE imsi = ?");
  if (!del) return std::unexpected(del.error());
  if (auto r = del->bind(1, s.imsi.str()).run(); !r) return r;
  auto q = db_.cached(std::string("INSERT INTO apn_configs (imsi, position, ") + kApnColumns +
                       ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!q) return std::unexpected(q.error());
  for (std::size_t i = 0; i < s.profile.apns.size(); ++i) {
    const subscription::ApnConfig& a = s.profile.apns[i];
    q->reset();
    q->bind(1, s.imsi.str())
        .bind(2, static_cast<std::int64_t>(i))
        .bind(3, std::int64_t{a.context_id})
        .bind(4, a.apn)
        .bind(5, static_cast<std::int64_t>(a.pdn_type))
        .bind(6, std::int64_t{a.qci})
        .bind(7, std::int64_t{a.arp.priority_level})
        .bind(8, static_cast<std::int64_t>(a.arp.capability))
        .bind(9, static_cast<std::int64_t>(a.arp.vulnerability))
        .bind(10, std::int64_t{a.ambr_ul})
        .bind(11, std::int64_t{a.ambr_dl})
        .bind(12, a.static_ipv4 ? subscription::ipv4_text(*a.static_ipv4) : std::string())
        .bind(13, a.static_ipv6_prefix ? subscription::ipv6_prefix_text(*a.static_ipv6_prefix) : std::string());
    if (auto r = q->run(); !r) return r;
  }
  return {};
}

Result<Subscriber> SqliteSubscriberStore::row_to_subscriber(const store::Statement& row) {
  auto imsi = Imsi::create(row.text(0));
  if (!imsi) return std::unexpected(imsi.error());
  Subscriber s{*imsi};
  auto k = open_fixed<16>(key_, row.blob(1), aad(*imsi, "k"), "K");
  if (!k) return std::unexpected(k.error());
  auto opc = open_fixed<16>(key_, row.blob(2), aad(*imsi, "opc"), "OPc");
  if (!opc) return std::unexpected(opc.error());
  s.k = *k;
  s.opc = *opc;
  s.amf = static_cast<std::uint16_t>(row.int64(3));
  s.profile.msisdn = row.text(4);
  s.profile.ue_ambr_ul = static_cast<std::uint32_t>(row.int64(6));
  s.profile.ue_ambr_dl = static_cast<std::uint32_t>(row.int64(7));
  s.profile.network_access_mode = static_cast<subscription::NetworkAccessMode>(row.int64(11));
  s.profile.access_restriction = static_cast<std::uint32_t>(row.int64(12));
  s.profile.status = static_cast<subscription::SubscriberStatus>(row.int64(26));
  s.profile.default_context_id = static_cast<std::uint32_t>(row.int64(27));
  auto apns = load_apns(*imsi);
  if (!apns) return std::unexpected(apns.error());
  s.profile.apns = std::move(*apns);
  if (s.profile.apns.empty()) {
    // A row with no APN configuration was written by a schema-1 simbind-hss after the migration (a downgrade
    // and back): its mirrored single APN is the default configuration, as the migration would have made it.
    subscription::ApnConfig a;
    a.context_id = s.profile.default_context_id;
    a.apn = row.text(5);
    a.qci = static_cast<std::int32_t>(row.int64(8));
    a.arp.priority_level = static_cast<std::uint32_t>(row.int64(9));
    a.pdn_type = static_cast<subscription::PdnType>(row.int64(10));
    s.profile.apns.push_back(std::move(a));
  }
  s.sqn_reserved = static_cast<std::uint64_t>(row.int64(13));
  s.binding.policy = static_cast<BindingPolicy>(row.int64(15));
  s.binding.state = static_cast<BindingState>(row.int64(16));
  if (!row.is_null(17)) {
    auto kme = open_fixed<16>(key_, row.blob(17), aad(*imsi, "kme"), "KME");
    if (!kme) return std::unexpected(kme.error());
    s.binding.kme = *kme;
  }
  if (!row.is_null(18)) s.binding.kme_id = KmeId{static_cast<std::uint32_t>(row.int64(18))};
  s.binding.bound_imei = row.text(19);
  s.binding.authorized_imei = row.text(20);
  s.binding.failure_reports = static_cast<std::uint32_t>(row.int64(21));
  s.location.mme_host = row.text(22);
  s.location.mme_realm = row.text(23);
  s.location.last_imei = row.text(24);
  s.location.purged = row.int64(25) != 0;
  return s;
}

Result<std::shared_ptr<SqliteSubscriberStore::Entry>> SqliteSubscriberStore::entry(const Imsi& imsi) {
  {
    std::lock_guard lock(cache_mutex_);
    if (auto it = cache_.find(imsi.str()); it != cache_.end()) return it->second;
  }
  std::lock_guard db(db_mutex_);
  auto q = db_.cached(std::string("SELECT ") + kColumns + " FROM subscribers WHERE imsi = ?");
  if (!q) return std::unexpected(q.error());
  q->bind(1, imsi.str());
  auto row = q->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return unknown(imsi);
  auto s = row_to_subscriber(*q);
  if (!s) return std::unexpected(s.error());
  auto loaded = std::make_shared<Entry>(std::move(*s),
                                        crypto::HeSqnGenerator::restore(static_cast<std::uint64_t>(q->int64(13)),
                                                                        static_cast<std::uint32_t>(q->int64(14))));
  // Cached before the connection is released: remove() deletes and evicts under the same lock, so a row read just
  // before its deletion cannot enter the cache after the eviction.
  std::lock_guard lock(cache_mutex_);
  return cache_.try_emplace(imsi.str(), std::move(loaded)).first->second;  // another thread may have won
}

Result<void> SqliteSubscriberStore::insert_audit(store::Database& db, const AuditEvent& e) {
  auto q = db.cached(
      "INSERT INTO audit (time_ms, imsi, event, decision, reason, imei, time_us) VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!q) return std::unexpected(q.error());
  const std::int64_t us = e.time_us ? e.time_us : now_us();
  return q->bind(1, us / 1000)
      .bind(2, e.imsi)
      .bind(3, e.event)
      .bind(4, e.decision)
      .bind(5, e.reason)
      .bind(6, e.imei)
      .bind(7, us)
      .run();
}

// Keys (sealed) and profile: the 14 columns k_sealed .. access_restriction, subscriber_status, default_context_id,
// bound from index `first` on, in the order both INSERT and UPDATE list them. The row's APN columns mirror the
// default APN configuration (a schema-1 reader still finds one APN there).
void SqliteSubscriberStore::bind_keys_and_profile(store::Statement& q, int first, const Subscriber& s) const {
  static const subscription::ApnConfig kNone{};
  const subscription::ApnConfig& def = s.profile.default_apn() ? *s.profile.default_apn() : kNone;
  q.bind(first, crypto::seal(key_, s.k, aad(s.imsi, "k")))
      .bind(first + 1, crypto::seal(key_, s.opc, aad(s.imsi, "opc")))
      .bind(first + 2, std::int64_t{s.amf})
      .bind(first + 3, s.profile.msisdn)
      .bind(first + 4, def.apn)
      .bind(first + 5, std::int64_t{s.profile.ue_ambr_ul})
      .bind(first + 6, std::int64_t{s.profile.ue_ambr_dl})
      .bind(first + 7, std::int64_t{def.qci})
      .bind(first + 8, std::int64_t{def.arp.priority_level})
      .bind(first + 9, static_cast<std::int64_t>(def.pdn_type))
      .bind(first + 10, static_cast<std::int64_t>(s.profile.network_access_mode))
      .bind(first + 11, std::int64_t{s.profile.access_restriction})
      .bind(first + 12, static_cast<std::int64_t>(s.profile.status))
      .bind(first + 13, std::int64_t{s.profile.default_context_id});
}

// The subscriber's rows, in the caller's transaction. False when the IMSI exists (nothing written).
Result<bool> SqliteSubscriberStore::insert_subscriber(const Subscriber& s) {
  auto q = db_.cached(
      "INSERT INTO subscribers (imsi, k_sealed, opc_sealed, amf, msisdn, apn, ambr_ul, ambr_dl, qci, arp_priority, "
      "pdn_type, network_access_mode, access_restriction, subscriber_status, default_context_id, binding_policy) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (imsi) DO NOTHING");
  if (!q) return std::unexpected(q.error());
  q->bind(1, s.imsi.str());
  bind_keys_and_profile(*q, 2, s);
  q->bind(16, static_cast<std::int64_t>(s.binding.policy));
  if (auto r = q->run(); !r) return std::unexpected(r.error());
  if (db_.changes() == 0) return false;
  if (auto r = write_apns(s); !r) return std::unexpected(r.error());
  return true;
}

Result<void> SqliteSubscriberStore::create(const Subscriber& s) {
  auto created = create_many(std::span(&s, 1));
  if (!created) return std::unexpected(created.error());
  if (!created->front()) return fail(ErrorCode::invalid_argument, "a subscriber with IMSI " + s.imsi.str() + " exists");
  return {};
}

Result<std::vector<bool>> SqliteSubscriberStore::create_many(std::span<const Subscriber> subscribers) {
  std::vector<bool> created;
  created.reserve(subscribers.size());
  {
    std::lock_guard db(db_mutex_);
    auto tx = store::Transaction::begin(db_);
    if (!tx) return std::unexpected(tx.error());
    for (const Subscriber& s : subscribers) {
      auto fresh = insert_subscriber(s);
      if (!fresh) return std::unexpected(fresh.error());  // the transaction rolls back: none of them is stored
      created.push_back(*fresh);
    }
    if (auto r = tx->commit(); !r) return std::unexpected(r.error());
  }
  if (preload_limit_ > 0) {
    for (std::size_t i = 0; i < subscribers.size(); ++i) {
      if (created[i]) preload_one(subscribers[i].imsi);
    }
  }
  return created;
}

Result<Subscriber> SqliteSubscriberStore::get(const Imsi& imsi) {
  auto e = entry(imsi);
  if (!e) return std::unexpected(e.error());
  std::lock_guard lock((*e)->mutex);
  Subscriber s = (*e)->subscriber;
  // What durable storage allows, as list() reads it: a block reserved ahead counts once it has committed.
  s.sqn_reserved = std::max((*e)->sqn.reserved_seq, (*e)->reserved_ahead.load());
  return s;
}

Result<void> SqliteSubscriberStore::update(const Subscriber& s) {
  auto e = entry(s.imsi);
  if (!e) return std::unexpected(e.error());
  std::lock_guard lock((*e)->mutex);
  std::lock_guard db(db_mutex_);
  auto tx = store::Transaction::begin(db_);
  if (!tx) return std::unexpected(tx.error());
  auto q = db_.cached(
      "UPDATE subscribers SET k_sealed = ?, opc_sealed = ?, amf = ?, msisdn = ?, apn = ?, ambr_ul = ?, ambr_dl = ?, "
      "qci = ?, arp_priority = ?, pdn_type = ?, network_access_mode = ?, access_restriction = ?, "
      "subscriber_status = ?, default_context_id = ? WHERE imsi = ?");
  if (!q) return std::unexpected(q.error());
  bind_keys_and_profile(*q, 1, s);
  q->bind(15, s.imsi.str());
  if (auto r = q->run(); !r) return r;
  if (auto r = write_apns(s); !r) return r;
  if (auto r = tx->commit(); !r) return r;
  Subscriber& cached = (*e)->subscriber;
  cached.k = s.k;
  cached.opc = s.opc;
  cached.amf = s.amf;
  cached.profile = s.profile;
  return {};
}

Result<void> SqliteSubscriberStore::remove(const Imsi& imsi) {
  {
    std::lock_guard db(db_mutex_);
    auto tx = store::Transaction::begin(db_);
    if (!tx) return std::unexpected(tx.error());
    auto q = db_.cached("DELETE FROM subscribers WHERE imsi = ?");
    if (!q) return std::unexpected(q.error());
    if (auto r = q->bind(1, imsi.str()).run(); !r) return r;
    if (db_.changes() == 0) return unknown(imsi);
    auto apns = db_.cached("DELETE FROM apn_configs WHERE imsi = ?");
    if (!apns) return std::unexpected(apns.error());
    if (auto r = apns->bind(1, imsi.str()).run(); !r) return r;
    if (auto r = tx->commit(); !r) return r;
    std::lock_guard lock(cache_mutex_);
    cache_.erase(imsi.str());
  }
  return {};
}

Result<std::vector<Subscriber>> SqliteSubscriberStore::list(std::size_t offset, std::size_t limit) {
  std::lock_guard db(db_mutex_);
  auto q = db_.cached(std::string("SELECT ") + kColumns + " FROM subscribers ORDER BY imsi LIMIT ? OFFSET ?");
  if (!q) return std::unexpected(q.error());
  q->bind(1, static_cast<std::int64_t>(limit)).bind(2, static_cast<std::int64_t>(offset));
  std::vector<Subscriber> out;
  while (true) {
    auto row = q->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    auto s = row_to_subscriber(*q);
    if (!s) return std::unexpected(s.error());
    out.push_back(std::move(*s));
  }
  return out;
}

Result<std::size_t> SqliteSubscriberStore::count() {
  std::lock_guard db(db_mutex_);
  auto q = db_.cached("SELECT COUNT(*) FROM subscribers");
  if (!q) return std::unexpected(q.error());
  auto row = q->step();
  if (!row) return std::unexpected(row.error());
  return static_cast<std::size_t>(q->int64(0));
}

namespace {

// Raises the durable reservation, never lowers it: a reservation written ahead in the background and one written
// for an AIR may commit in either order.
Result<void> write_reservation(store::Database& db, const std::string& imsi, std::uint64_t reserved_seq,
                               std::optional<std::uint32_t> next_ind) {
  auto q = db.cached(next_ind ? "UPDATE subscribers SET sqn_reserved = MAX(sqn_reserved, ?), sqn_next_ind = ? "
                                 "WHERE imsi = ?"
                               : "UPDATE subscribers SET sqn_reserved = MAX(sqn_reserved, ?) WHERE imsi = ?");
  if (!q) return std::unexpected(q.error());
  q->bind(1, static_cast<std::int64_t>(reserved_seq));
  if (next_ind) q->bind(2, std::int64_t{*next_ind});
  return q->bind(next_ind ? 3 : 2, imsi).run();
}

}  // namespace

Result<std::vector<crypto::Sqn>> SqliteSubscriberStore::allocate_sqns(const Imsi& imsi, std::size_t count) {
  auto e = entry(imsi);
  if (!e) return std::unexpected(e.error());
  Entry& entry = **e;
  std::lock_guard lock(entry.mutex);
  crypto::HeSqnState state = entry.sqn;  // committed to the cache only once durable
  state.reserved_seq = std::max(state.reserved_seq, entry.reserved_ahead.load());
  auto batch = sqn_.next(state, count, crypto::HeSqnGenerator::clock_seq_now());
  if (!batch) return std::unexpected(batch.error());
  if (batch->reservation_grew) {
    ++stats_.reservations_waited;
    if (auto r = writer_->commit([&](store::Database& db) {
          return write_reservation(db, imsi.str(), state.reserved_seq, state.next_ind);
        });
        !r) {
      return std::unexpected(r.error());
    }
  }
  entry.sqn = state;
  reserve_ahead(imsi, *e, state);
  return std::move(batch->sqns);
}

// Writes the next block before this one runs out, without making the AIR wait. Only the atomics of the entry are
// touched on the committer's thread: the entry's lock may be held by an AIR waiting for that thread.
void SqliteSubscriberStore::reserve_ahead(const Imsi& imsi, const std::shared_ptr<Entry>& entry,
                                          const crypto::HeSqnState& state) {
  const auto target = sqn_.reserve_ahead(state);
  if (!target || entry->reserving.exchange(true)) return;
  ++stats_.reservations_ahead;
  writer_->submit(
      [imsi = imsi.str(), seq = *target](store::Database& db) { return write_reservation(db, imsi, seq, std::nullopt); },
      [entry, seq = *target](const Result<void>& r) {
        if (r) {
          std::uint64_t current = entry->reserved_ahead.load();
          while (current < seq && !entry->reserved_ahead.compare_exchange_weak(current, seq)) {
          }
        } else {
          log::warn("SQN reservation ahead failed (the next AIR reserves itself): {}", r.error().message);
        }
        entry->reserving = false;
      });
}

Result<void> SqliteSubscriberStore::resync_sqn(const Imsi& imsi, const crypto::Sqn& sqn_ms) {
  auto e = entry(imsi);
  if (!e) return std::unexpected(e.error());
  std::lock_guard lock((*e)->mutex);
  crypto::HeSqnState state = (*e)->sqn;
  sqn_.resync(state, sqn_ms);
  if (state.last_seq > state.reserved_seq) {
    // Persist the jump now: after a restart the generator must continue above SQN_MS.
    state.reserved_seq = state.last_seq;
    if (auto r = writer_->commit([&](store::Database& db) {
          return write_reservation(db, imsi.str(), state.reserved_seq, std::nullopt);
        });
        !r) {
      return r;
    }
  }
  (*e)->sqn = state;
  return {};
}

// One audited change of a subscriber: under the entry lock, the UPDATE whose parameters `bind` fills (returning
// the index left for the IMSI) and the audit row, as one write of the group committer (both or neither). The
// cached record follows (`apply`) only once that write is durable.
template <typename Bind, typename Apply>
Result<void> SqliteSubscriberStore::audited_update(const Imsi& imsi, const char* sql, Bind&& bind,
                                                   const AuditEvent& audit, Apply&& apply) {
  auto e = entry(imsi);
  if (!e) return std::unexpected(e.error());
  std::lock_guard lock((*e)->mutex);
  if (auto r = writer_->commit([&](store::Database& db) -> Result<void> {
        auto q = db.cached(sql);
        if (!q) return std::unexpected(q.error());
        const int imsi_index = bind(*q);
        if (auto w = q->bind(imsi_index, imsi.str()).run(); !w) return w;
        return insert_audit(db, audit);
      });
      !r) {
    return r;
  }
  apply((*e)->subscriber);
  return {};
}

Result<void> SqliteSubscriberStore::set_binding_policy(const Imsi& imsi, BindingPolicy policy, const AuditEvent& audit) {
  return audited_update(
      imsi, "UPDATE subscribers SET binding_policy = ? WHERE imsi = ?",
      [&](store::Statement& q) {
        q.bind(1, static_cast<std::int64_t>(policy));
        return 2;
      },
      audit, [&](Subscriber& s) { s.binding.policy = policy; });
}

Result<void> SqliteSubscriberStore::establish_binding(const Imsi& imsi, const crypto::Kme& kme, KmeId kme_id,
                                                      const std::string& bound_imei, const AuditEvent& audit) {
  return audited_update(
      imsi,
      "UPDATE subscribers SET binding_state = ?, kme_sealed = ?, kme_id = ?, bound_imei = ?, authorized_imei = '', "
      "failure_reports = 0 WHERE imsi = ?",
      [&](store::Statement& q) {
        q.bind(1, static_cast<std::int64_t>(BindingState::established))
            .bind(2, crypto::seal(key_, kme, aad(imsi, "kme")))
            .bind(3, std::int64_t{to_uint(kme_id)})
            .bind(4, bound_imei);
        return 5;
      },
      audit,
      [&](Subscriber& s) {
        BindingRecord& b = s.binding;
        b.state = BindingState::established;
        b.kme = kme;
        b.kme_id = kme_id;
        b.bound_imei = bound_imei;
        b.authorized_imei.clear();
        b.failure_reports = 0;
      });
}

Result<void> SqliteSubscriberStore::authorize_device(const Imsi& imsi, const std::string& imei, const AuditEvent& audit) {
  return audited_update(
      imsi, "UPDATE subscribers SET authorized_imei = ? WHERE imsi = ?",
      [&](store::Statement& q) {
        q.bind(1, imei);
        return 2;
      },
      audit, [&](Subscriber& s) { s.binding.authorized_imei = imei; });
}

Result<std::uint32_t> SqliteSubscriberStore::record_failure_report(const Imsi& imsi, const AuditEvent& audit) {
  std::uint32_t count = 0;
  auto r = audited_update(
      imsi, "UPDATE subscribers SET failure_reports = failure_reports + 1 WHERE imsi = ?",
      [](store::Statement&) { return 1; }, audit, [&](Subscriber& s) { count = ++s.binding.failure_reports; });
  if (!r) return std::unexpected(r.error());
  return count;
}

Result<void> SqliteSubscriberStore::update_location(const Imsi& imsi, const LocationRecord& location) {
  auto e = entry(imsi);
  if (!e) return std::unexpected(e.error());
  std::lock_guard lock((*e)->mutex);
  if (auto r = writer_->commit([&](store::Database& db) -> Result<void> {
        auto q = db.cached(
            "UPDATE subscribers SET mme_host = ?, mme_realm = ?, last_imei = ?, purged = ? WHERE imsi = ?");
        if (!q) return std::unexpected(q.error());
        return q->bind(1, location.mme_host)
            .bind(2, location.mme_realm)
            .bind(3, location.last_imei)
            .bind(4, std::int64_t{location.purged ? 1 : 0})
            .bind(5, imsi.str())
            .run();
      });
      !r) {
    return r;
  }
  (*e)->subscriber.location = location;
  return {};
}

SqliteSubscriberStore::WriteStats SqliteSubscriberStore::write_stats() const {
  const auto groups = writer_->stats();
  return {groups.groups, groups.writes, stats_.reservations_waited.load(), stats_.reservations_ahead.load()};
}

Result<void> SqliteSubscriberStore::append_audit(const AuditEvent& event) {
  return writer_->commit([&](store::Database& db) { return insert_audit(db, event); });
}

Result<std::vector<AuditEvent>> SqliteSubscriberStore::audit_events(const std::string& imsi, std::size_t limit,
                                                                   std::int64_t after_id) {
  // Ids start at 1, so "id > 0" (or any smaller bound) is every row. Rows written by an older simbind-hss have no
  // time_us.
  const std::string sql = std::string("SELECT id, CASE WHEN time_us > 0 THEN time_us ELSE time_ms * 1000 END, imsi, "
                                      "event, decision, reason, imei FROM audit WHERE ") +
                          (imsi.empty() ? "" : "imsi = ? AND ") + "id > ? ORDER BY id " +
                          (after_id > 0 ? "ASC" : "DESC") + " LIMIT ?";
  std::lock_guard db(db_mutex_);
  auto q = db_.cached(sql);
  if (!q) return std::unexpected(q.error());
  const int first = imsi.empty() ? 1 : 2;
  if (!imsi.empty()) q->bind(1, imsi);
  q->bind(first, after_id).bind(first + 1, static_cast<std::int64_t>(limit));
  std::vector<AuditEvent> out;
  while (true) {
    auto row = q->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    out.push_back(AuditEvent{q->int64(0), q->int64(1), q->text(2), q->text(3), q->text(4), q->text(5), q->text(6)});
  }
  return out;
}

}  // namespace simbind::hss
