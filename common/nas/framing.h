// NAS over TCP between simbind-ue and simbind-mme (DESIGN 6). One TCP connection carries many UEs, as an S1AP
// association does; each frame names the UE it belongs to:
//
//   +--------------------+----------------------+-----------+------------------------+
//   | length (2 octets)  | UE connection id (4) | kind (1)  | payload (length - 5)   |
//   +--------------------+----------------------+-----------+------------------------+
//   all integers big-endian; length counts everything after itself (id + kind + payload), so 5..65535.
//
// kind 0 = NAS PDU (TS 24.301 encoding, plain or security protected), 1 = UE context release (no payload: the
// sender forgets the UE). Other kinds are reserved: a receiver drops such a frame and counts it.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/util/bytes.h"
#include "common/util/error.h"

namespace simbind::nas {

enum class UeConnectionId : std::uint32_t {};
constexpr std::uint32_t to_uint(UeConnectionId id) { return static_cast<std::uint32_t>(id); }

enum class FrameKind : std::uint8_t { nas_pdu = 0, ue_context_release = 1 };

inline constexpr std::size_t kFrameHeader = 7;   // length (2) + id (4) + kind (1)
inline constexpr std::size_t kMaxFramePayload = 65535 - 5;

struct Frame {
  UeConnectionId ue;
  FrameKind kind;
  Bytes payload;
};

// Fails only when the payload is too large for one frame.
Result<Bytes> encode_frame(const Frame& frame);

// Splits a TCP byte stream into frames. Feed it what recv() returned; take frames while next() has one.
class FrameReader {
 public:
  void feed(ByteView bytes);

  // The next complete frame; nullopt when more bytes are needed. A frame of an unknown kind is skipped and
  // counted. A length below 5 cannot be resynchronised from: the reader marks the stream broken, and the
  // connection must be closed.
  std::optional<Frame> next();

  bool broken() const { return broken_; }
  std::uint64_t dropped_frames() const { return dropped_; }
  std::size_t buffered() const { return buffer_.size() - offset_; }

 private:
  Bytes buffer_;
  std::size_t offset_ = 0;
  bool broken_ = false;
  std::uint64_t dropped_ = 0;
};

}  // namespace simbind::nas
