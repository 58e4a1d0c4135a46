#include "common/nas/security_envelope.h"

#include "common/util/secure.h"

namespace simbind::nas {
namespace {

constexpr std::size_t kProtectedHeader = 6;  // octet 1, MAC (4), SQN (1)
constexpr std::uint32_t kCountMask = 0x00ffffff;  // NAS COUNT: 16-bit overflow || 8-bit SQN

bool ciphered(SecurityHeaderType t) {
  return t == SecurityHeaderType::integrity_ciphered || t == SecurityHeaderType::integrity_ciphered_new_context;
}

}  // namespace

const char* to_string(UnprotectFailure f) {
  switch (f) {
    case UnprotectFailure::malformed: return "malformed security-protected NAS PDU";
    case UnprotectFailure::unsupported_header: return "unsupported security header type";
    case UnprotectFailure::mac_failure: return "NAS MAC does not verify";
    case UnprotectFailure::replay: return "replayed NAS COUNT";
  }
  return "?";
}

Result<SecurityHeaderType> security_header_type(ByteView pdu) {
  if (pdu.empty()) return fail(ErrorCode::invalid_argument, "empty NAS PDU");
  const std::uint8_t t = pdu[0] >> 4;
  if (t > 4) return fail(ErrorCode::invalid_argument, "security header type " + std::to_string(t) + " not handled");
  return static_cast<SecurityHeaderType>(t);
}

SecurityEnvelope::SecurityEnvelope(NasKeysInUse keys, crypto::Direction ours) : keys_(keys), ours_(ours) {}

crypto::Direction SecurityEnvelope::peer() const {
  return ours_ == crypto::Direction::uplink ? crypto::Direction::downlink : crypto::Direction::uplink;
}

Bytes SecurityEnvelope::protect(ByteView plain_message, SecurityHeaderType type) {
  const std::uint32_t count = tx_count_ & kCountMask;
  tx_count_ = (tx_count_ + 1) & kCountMask;
  const crypto::NasSecurityInput in{count, 0, ours_};

  const Bytes body = ciphered(type) && keys_.algorithms.ciphering == 2
                         ? crypto::eea2_bytes(keys_.k_nas_enc, in, plain_message)
                         : Bytes(plain_message.begin(), plain_message.end());
  const std::uint8_t first = static_cast<std::uint8_t>(static_cast<std::uint8_t>(type) << 4 | kProtocolDiscriminatorEmm);
  // MAC (octets 2-5) stays zero for EIA0 and is filled in below for EIA2.
  Bytes out = concat(Octets<6>{first, 0, 0, 0, 0, static_cast<std::uint8_t>(count)}, body);
  if (keys_.algorithms.integrity == 2) {
    const auto mac = crypto::eia2_bytes(keys_.k_nas_int, in, ByteView(out).subspan(5));  // SQN || message
    std::copy(mac.begin(), mac.end(), out.begin() + 1);
  }
  return out;
}

std::expected<SecurityEnvelope::Unprotected, UnprotectFailure> SecurityEnvelope::unprotect(ByteView pdu) {
  if (pdu.size() < kProtectedHeader + 1 || (pdu[0] & 0x0f) != kProtocolDiscriminatorEmm) {
    return std::unexpected(UnprotectFailure::malformed);
  }
  const std::uint8_t t = pdu[0] >> 4;
  if (t < 1 || t > 4) return std::unexpected(UnprotectFailure::unsupported_header);
  const auto type = static_cast<SecurityHeaderType>(t);

  // TS 24.301 4.4.3.1: the receiver keeps the overflow; an SQN below the last one means it wrapped.
  const std::uint8_t sqn = pdu[5];
  std::uint32_t overflow = rx_last_ < 0 ? 0 : static_cast<std::uint32_t>(rx_last_) >> 8;
  if (rx_last_ >= 0 && sqn < (static_cast<std::uint32_t>(rx_last_) & 0xff)) ++overflow;
  const std::uint32_t count = ((overflow << 8) | sqn) & kCountMask;
  const crypto::NasSecurityInput in{count, 0, peer()};

  if (keys_.algorithms.integrity == 2) {
    const auto mac = crypto::eia2_bytes(keys_.k_nas_int, in, pdu.subspan(5));
    if (!constant_time_equal(mac, pdu.subspan(1, 4))) {
      ++mac_failures_;
      return std::unexpected(UnprotectFailure::mac_failure);
    }
  }
  if (rx_last_ >= 0 && static_cast<std::int64_t>(count) <= rx_last_) {
    ++replays_;
    return std::unexpected(UnprotectFailure::replay);
  }
  rx_last_ = count;

  const ByteView body = pdu.subspan(kProtectedHeader);
  Bytes message = ciphered(type) && keys_.algorithms.ciphering == 2 ? crypto::eea2_bytes(keys_.k_nas_enc, in, body)
                                                                     : Bytes(body.begin(), body.end());
  return Unprotected{std::move(message), type, count};
}

}  // namespace simbind::nas
