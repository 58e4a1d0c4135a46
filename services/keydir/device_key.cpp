#include "services/keydir/device_key.h"

#include "common/crypto/primitives.h"
#include "common/util/hex.h"

namespace simbind::keydir {

std::string key_fingerprint(ByteView public_key) { return to_hex(crypto::sha256(public_key)); }

Result<DeviceKey> make_device_key(std::string_view imei_text, std::uint32_t scheme_value, ByteView public_key,
                                  std::int64_t registered_unix_ms) {
  auto imei = Imei::create(imei_text);
  if (!imei) return fail(ErrorCode::invalid_argument, "imei: " + imei.error().message);

  using crypto::KeyWrapScheme;
  if (scheme_value < static_cast<std::uint32_t>(KeyWrapScheme::ecies_profile_a) ||
      scheme_value > static_cast<std::uint32_t>(KeyWrapScheme::rsa_oaep_sha256)) {
    return fail(ErrorCode::invalid_argument,
                "scheme: must be ECIES_PROFILE_A, ECIES_PROFILE_B or RSA_OAEP_SHA256, got " +
                    std::to_string(scheme_value));
  }
  const auto scheme = static_cast<KeyWrapScheme>(scheme_value);

  if (public_key.empty()) return fail(ErrorCode::invalid_argument, "public_key: is empty");
  // The key must be usable by whoever looks it up: wrap a test value with it, as simbind-prov will wrap a KME.
  const Octets<16> probe{};
  if (auto wrapped = crypto::wrap_for_device(scheme, public_key, probe); !wrapped) {
    return fail(ErrorCode::invalid_argument, std::string("public_key: not a valid ") + crypto::to_string(scheme) +
                                                 " public key (" + std::to_string(public_key.size()) +
                                                 " octets): " + wrapped.error().message);
  }
  return DeviceKey{*imei, scheme, Bytes(public_key.begin(), public_key.end()), key_fingerprint(public_key),
                   registered_unix_ms};
}

}  // namespace simbind::keydir
