// DeviceKeyStore on SQLite (WAL, synchronous=FULL): table devices(imei PK, scheme, public_key, fingerprint,
// registered_unix_ms). One mutex serialises the connection (gRPC calls arrive on several threads).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/store/sqlite.h"
#include "services/keydir/device_key_store.h"

namespace simbind::keydir {

class SqliteDeviceKeyStore final : public DeviceKeyStore {
 public:
  // Opens or creates the database and its schema; errors name the path.
  static Result<std::unique_ptr<SqliteDeviceKeyStore>> open(const std::string& path);

  Result<RegisterResult> register_device(const DeviceKey& key) override;
  Result<std::vector<RegisterResult>> register_devices(std::span<const DeviceKey> keys) override;
  Result<DeviceKey> get(const Imei& imei) override;

 private:
  explicit SqliteDeviceKeyStore(store::Database db) : db_(std::move(db)) {}
  // Needs mutex_ held. The entry, or nothing.
  Result<std::optional<DeviceKey>> find(const Imei& imei);
  // Inside a transaction, with mutex_ held.
  Result<RegisterResult> register_in_transaction(const DeviceKey& key);

  std::mutex mutex_;
  store::Database db_;
};

}  // namespace simbind::keydir
