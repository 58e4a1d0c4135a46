// The NAS security envelope of TS 24.301 9.1 and 4.4: security header types 0-4, NAS COUNT (overflow and
// sequence number), 128-EIA2 MAC over sequence number || message, 128-EEA2 ciphering of the message, BEARER 0,
// the direction of the sender. One SecurityEnvelope per UE and side.
//
//   octet 1      security header type (4 bits) | protocol discriminator (4 bits, 0x7 EMM)
//   octets 2-5   MAC
//   octet 6      sequence number (the low 8 bits of NAS COUNT)
//   octets 7-    the NAS message, ciphered for header types 2 and 4
#pragma once

#include <cstdint>

#include "common/crypto/nas_security.h"
#include "common/util/error.h"

namespace simbind::nas {

inline constexpr std::uint8_t kProtocolDiscriminatorEmm = 0x07;
inline constexpr std::uint8_t kProtocolDiscriminatorEsm = 0x02;

enum class SecurityHeaderType : std::uint8_t {
  plain = 0,
  integrity = 1,
  integrity_ciphered = 2,
  integrity_new_context = 3,            // SECURITY MODE COMMAND
  integrity_ciphered_new_context = 4,   // SECURITY MODE COMPLETE
};

// The security header type of a PDU (octet 1, high nibble), or an error for an empty PDU.
Result<SecurityHeaderType> security_header_type(ByteView pdu);

// EIA0/EEA0 (null algorithms, TS 33.401 5.1.3.2/5.1.4.2) are accepted only where configured; 2 = 128-EIA2/EEA2.
struct NasAlgorithms {
  std::uint8_t integrity = 2;
  std::uint8_t ciphering = 2;
};

struct NasKeysInUse {
  crypto::Key128 k_nas_int{};
  crypto::Key128 k_nas_enc{};
  NasAlgorithms algorithms;
};

enum class UnprotectFailure { malformed, unsupported_header, mac_failure, replay };

class SecurityEnvelope {
 public:
  // `ours`: the direction of what this side sends (the UE sends uplink, the MME downlink).
  SecurityEnvelope(NasKeysInUse keys, crypto::Direction ours);

  // Wraps a plain NAS message with the next uplink/downlink NAS COUNT (which then advances).
  Bytes protect(ByteView plain_message, SecurityHeaderType type);

  // Checks and unwraps a protected PDU from the peer: the NAS COUNT is estimated from the sequence number
  // (TS 24.301 4.4.3.1), the MAC compared in constant time, replays (a COUNT not above the last accepted one)
  // refused. Nothing changes on failure.
  struct Unprotected {
    Bytes message;
    SecurityHeaderType type;
    std::uint32_t count;
  };
  std::expected<Unprotected, UnprotectFailure> unprotect(ByteView pdu);

  std::uint32_t next_tx_count() const { return tx_count_; }
  // NAS COUNT of the last message accepted from the peer (-1: none yet): the MME's input to K_eNB.
  std::int64_t last_rx_count() const { return rx_last_; }
  std::uint64_t mac_failures() const { return mac_failures_; }
  std::uint64_t replays() const { return replays_; }

 private:
  crypto::Direction peer() const;

  NasKeysInUse keys_;
  crypto::Direction ours_;
  std::uint32_t tx_count_ = 0;     // NAS COUNT of the next message we send (24 bits used)
  std::int64_t rx_last_ = -1;      // NAS COUNT of the last message accepted from the peer
  std::uint64_t mac_failures_ = 0;
  std::uint64_t replays_ = 0;
};

const char* to_string(UnprotectFailure f);

}  // namespace simbind::nas
