#include "services/keydir/sqlite_device_key_store.h"

namespace simbind::keydir {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS devices (
  imei TEXT PRIMARY KEY,
  scheme INTEGER NOT NULL,
  public_key BLOB NOT NULL,
  fingerprint TEXT NOT NULL,
  registered_unix_ms INTEGER NOT NULL
);
)sql";

bool same_key(const DeviceKey& a, const DeviceKey& b) {
  return a.scheme == b.scheme && a.public_key == b.public_key;
}

}  // namespace

Result<std::unique_ptr<SqliteDeviceKeyStore>> SqliteDeviceKeyStore::open(const std::string& path) {
  auto db = store::Database::open(path);
  if (!db) return std::unexpected(Error{db.error().code, path + ": " + db.error().message});
  std::unique_ptr<SqliteDeviceKeyStore> s(new SqliteDeviceKeyStore(std::move(*db)));
  if (auto r = s->db_.exec(kSchema); !r) return std::unexpected(Error{r.error().code, path + ": " + r.error().message});
  return s;
}

Result<std::optional<DeviceKey>> SqliteDeviceKeyStore::find(const Imei& imei) {
  auto q = db_.cached(
      "SELECT scheme, public_key, fingerprint, registered_unix_ms FROM devices WHERE imei = ?");
  if (!q) return std::unexpected(q.error());
  q->bind(1, imei.str());
  auto row = q->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<DeviceKey>{};
  const std::int64_t scheme = q->int64(0);
  if (scheme < 1 || scheme > 3) {
    return fail(ErrorCode::io_error, "devices: IMEI " + imei.str() + " has an unknown scheme " +
                                         std::to_string(scheme) + " in the store");
  }
  return std::optional<DeviceKey>{DeviceKey{imei, static_cast<crypto::KeyWrapScheme>(scheme), q->blob(1), q->text(2),
                                            q->int64(3)}};
}

Result<RegisterResult> SqliteDeviceKeyStore::register_in_transaction(const DeviceKey& key) {
  auto existing = find(key.imei);
  if (!existing) return std::unexpected(existing.error());
  if (*existing) {
    const auto outcome = same_key(**existing, key) ? RegisterOutcome::already_registered : RegisterOutcome::conflict;
    return RegisterResult{outcome, std::move(**existing)};
  }
  auto insert = db_.cached(
      "INSERT INTO devices (imei, scheme, public_key, fingerprint, registered_unix_ms) VALUES (?, ?, ?, ?, ?)");
  if (!insert) return std::unexpected(insert.error());
  insert->bind(1, key.imei.str())
      .bind(2, static_cast<std::int64_t>(key.scheme))
      .bind(3, ByteView(key.public_key))
      .bind(4, key.fingerprint)
      .bind(5, key.registered_unix_ms);
  if (auto r = insert->run(); !r) return std::unexpected(r.error());
  return RegisterResult{RegisterOutcome::created, key};
}

Result<RegisterResult> SqliteDeviceKeyStore::register_device(const DeviceKey& key) {
  std::lock_guard lock(mutex_);
  auto tx = store::Transaction::begin(db_);
  if (!tx) return std::unexpected(tx.error());
  auto result = register_in_transaction(key);
  if (!result || result->outcome != RegisterOutcome::created) return result;
  if (auto r = tx->commit(); !r) return std::unexpected(r.error());
  return result;
}

Result<std::vector<RegisterResult>> SqliteDeviceKeyStore::register_devices(std::span<const DeviceKey> keys) {
  std::lock_guard lock(mutex_);
  auto tx = store::Transaction::begin(db_);
  if (!tx) return std::unexpected(tx.error());
  std::vector<RegisterResult> results;
  results.reserve(keys.size());
  bool conflict = false;
  for (const DeviceKey& key : keys) {
    auto r = register_in_transaction(key);
    if (!r) return std::unexpected(r.error());
    conflict = conflict || r->outcome == RegisterOutcome::conflict;
    results.push_back(std::move(*r));
  }
  if (conflict) return results;  // rolled back: nothing of the batch is stored
  if (auto r = tx->commit(); !r) return std::unexpected(r.error());
  return results;
}

Result<DeviceKey> SqliteDeviceKeyStore::get(const Imei& imei) {
  std::lock_guard lock(mutex_);
  auto found = find(imei);
  if (!found) return std::unexpected(found.error());
  if (!*found) return fail(ErrorCode::not_found, "no key for IMEI " + imei.str());
  return std::move(**found);
}

}  // namespace simbind::keydir
