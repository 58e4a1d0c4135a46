// One entry of the key directory: an IMEI and its device's public key, in the encodings of
// common/crypto/key_wrap.h, with the key's fingerprint and the time it was registered.
#pragma once

#include <cstdint>
#include <string>

#include "common/crypto/key_wrap.h"
#include "common/util/error.h"
#include "common/util/identifiers.h"

namespace simbind::keydir {

struct DeviceKey {
  Imei imei;
  crypto::KeyWrapScheme scheme;
  Bytes public_key;
  std::string fingerprint;  // lowercase hex SHA-256 of public_key
  std::int64_t registered_unix_ms = 0;
};

// Lowercase hex SHA-256 of the public key octets.
std::string key_fingerprint(ByteView public_key);

// A checked entry from untrusted input: `imei` 14 digits or 15 with a valid Luhn digit (stored as 15),
// `scheme` one of the Key-Wrap-Scheme values, `public_key` usable for that scheme (a test value is wrapped
// with it). Errors are invalid_argument and name the field: "imei: ...", "scheme: ...", "public_key: ...".
Result<DeviceKey> make_device_key(std::string_view imei, std::uint32_t scheme, ByteView public_key,
                                  std::int64_t registered_unix_ms);

}  // namespace simbind::keydir
