// Where the directory keeps IMEI -> public key. An interface, so that the service is tested without SQLite and
// another store can sit beside the SQLite one. A key once registered is never replaced silently.
#pragma once

#include <span>
#include <vector>

#include "common/util/error.h"
#include "services/keydir/device_key.h"

namespace simbind::keydir {

enum class RegisterOutcome {
  created,             // a new entry
  already_registered,  // the same scheme and key were registered before: nothing changed (idempotent)
  conflict,            // another key (or scheme) is registered for this IMEI: nothing changed
};

struct RegisterResult {
  RegisterOutcome outcome;
  DeviceKey stored;  // the entry as it is in the store after the call
};

class DeviceKeyStore {
 public:
  virtual ~DeviceKeyStore() = default;

  // One transaction: looks the IMEI up and inserts the entry only when there is none.
  virtual Result<RegisterResult> register_device(const DeviceKey& key) = 0;
  // One transaction for them all, each decided as register_device() would (a later entry sees the earlier ones).
  // When any is a conflict, nothing is stored: the results say which.
  virtual Result<std::vector<RegisterResult>> register_devices(std::span<const DeviceKey> keys) = 0;
  // ErrorCode::not_found for an unknown IMEI.
  virtual Result<DeviceKey> get(const Imei& imei) = 0;
};

}  // namespace simbind::keydir
