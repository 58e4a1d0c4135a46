// 128-EEA2 (AES-CTR) and 128-EIA2 (AES-CMAC) of TS 33.401 Annex B, on bit lengths.
#pragma once

#include "common/crypto/primitives.h"
#include "common/util/error.h"

namespace simbind::crypto {

enum class Direction : std::uint8_t { uplink = 0, downlink = 1 };

// COUNT, BEARER and DIRECTION: the inputs that make each keystream and MAC unique.
struct NasSecurityInput {
  std::uint32_t count;
  std::uint8_t bearer;  // 5 bits
  Direction direction;
};

// 128-EEA2 (TS 33.401 B.1.3): AES-128-CTR from T1 = COUNT | BEARER | DIRECTION | 0^26 | 0^64. The output holds
// ceil(length_bits / 8) octets with the unused trailing bits of the last octet set to zero. Encryption and
// decryption are the same operation.
Result<Bytes> eea2(const Key128& key, const NasSecurityInput& in, ByteView data, std::size_t length_bits);

// 128-EIA2 (TS 33.401 B.2.3): MAC-I = the first 32 bits of AES-CMAC over
// COUNT | BEARER | DIRECTION | 0^26 | MESSAGE (LENGTH + 64 bits).
Result<Octets<4>> eia2(const Key128& key, const NasSecurityInput& in, ByteView message, std::size_t length_bits);

// Byte-aligned forms for NAS PDUs (the only kind NAS produces): no length checks to fail.
Bytes eea2_bytes(const Key128& key, const NasSecurityInput& in, ByteView data);
Octets<4> eia2_bytes(const Key128& key, const NasSecurityInput& in, ByteView message);

}  // namespace simbind::crypto
