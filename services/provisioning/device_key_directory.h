// Where prov finds a device's public key by IMEI (DESIGN 3.3 step 8): an interface, so that the KME-Establishment
// procedure can be tested without a key directory, and its gRPC implementation (simbind-keydir over mTLS).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/crypto/key_wrap.h"
#include "common/util/bytes.h"
#include "common/util/error.h"

namespace simbind::prov {

struct DeviceKey {
  crypto::KeyWrapScheme scheme;
  Bytes public_key;
  std::string fingerprint;
};

class DeviceKeyDirectory {
 public:
  virtual ~DeviceKeyDirectory() = default;
  // Looks the device up without blocking the caller. `done` runs exactly once, on another thread, with the key,
  // or with an Error: not_found when the directory does not know the IMEI, io_error when the directory could
  // not be asked (unreachable, timeout, refused) or answered nonsense.
  using Done = std::function<void(Result<DeviceKey>)>;
  virtual void lookup(const std::string& imei, Done done) = 0;
};

}  // namespace simbind::prov
