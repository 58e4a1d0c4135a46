#include "common/crypto/nas_security.h"

#include <algorithm>

namespace simbind::crypto {
namespace {

// COUNT (32) | BEARER (5) | DIRECTION (1) | 0^26: the first 64 bits of both T1 (EEA2) and M (EIA2).
Octets<8> count_bearer_direction(const NasSecurityInput& in) {
  Octets<8> out{};
  const auto count = to_big_endian<4>(in.count);
  std::copy(count.begin(), count.end(), out.begin());
  out[4] = static_cast<std::uint8_t>((in.bearer & 0x1f) << 3 | (static_cast<std::uint8_t>(in.direction) & 1) << 2);
  return out;
}

Result<std::size_t> check_inputs(const NasSecurityInput& in, ByteView data, std::size_t length_bits) {
  if (in.bearer > 31) return fail(ErrorCode::invalid_argument, "BEARER must be 0..31");
  if (static_cast<std::uint8_t>(in.direction) > 1) return fail(ErrorCode::invalid_argument, "DIRECTION must be 0 or 1");
  const std::size_t octets = (length_bits + 7) / 8;
  if (data.size() != octets) {
    return fail(ErrorCode::invalid_argument, "data must be ceil(LENGTH/8) = " + std::to_string(octets) +
                                                 " octets, got " + std::to_string(data.size()));
  }
  return octets;
}

}  // namespace

Bytes eea2_bytes(const Key128& key, const NasSecurityInput& in, ByteView data) {
  Block t1{};
  const auto head = count_bearer_direction(in);
  std::copy(head.begin(), head.end(), t1.begin());
  return aes128_ctr(key, t1, data);
}

Result<Bytes> eea2(const Key128& key, const NasSecurityInput& in, ByteView data, std::size_t length_bits) {
  auto octets = check_inputs(in, data, length_bits);
  if (!octets) return std::unexpected(octets.error());
  Bytes out = eea2_bytes(key, in, data);
  if (const auto rem = length_bits % 8; rem != 0) out.back() &= static_cast<std::uint8_t>(0xff << (8 - rem));
  return out;
}

Octets<4> eia2_bytes(const Key128& key, const NasSecurityInput& in, ByteView message) {
  const Bytes m = concat(count_bearer_direction(in), message);
  const Block cmac = aes128_cmac(key, m);
  return {cmac[0], cmac[1], cmac[2], cmac[3]};
}

Result<Octets<4>> eia2(const Key128& key, const NasSecurityInput& in, ByteView message, std::size_t length_bits) {
  auto octets = check_inputs(in, message, length_bits);
  if (!octets) return std::unexpected(octets.error());
  if (length_bits % 8 == 0) return eia2_bytes(key, in, message);
  const Bytes m = concat(count_bearer_direction(in), message);
  const Block cmac = aes128_cmac_bits(key, m, length_bits + 64);
  return Octets<4>{cmac[0], cmac[1], cmac[2], cmac[3]};
}

}  // namespace simbind::crypto
