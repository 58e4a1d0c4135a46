#include "common/nas/framing.h"

namespace simbind::nas {

Result<Bytes> encode_frame(const Frame& frame) {
  if (frame.payload.size() > kMaxFramePayload) {
    return fail(ErrorCode::invalid_argument, "NAS frame payload of " + std::to_string(frame.payload.size()) +
                                                 " octets exceeds " + std::to_string(kMaxFramePayload));
  }
  const std::size_t length = frame.payload.size() + 5;
  Bytes out;
  out.reserve(2 + length);
  out.push_back(static_cast<std::uint8_t>(length >> 8));
  out.push_back(static_cast<std::uint8_t>(length));
  const auto id = to_big_endian<4>(to_uint(frame.ue));
  out.insert(out.end(), id.begin(), id.end());
  out.push_back(static_cast<std::uint8_t>(frame.kind));
  out.insert(out.end(), frame.payload.begin(), frame.payload.end());
  return out;
}

void FrameReader::feed(ByteView bytes) {
  if (broken_) return;
  // Compact now and then, so a long-lived connection does not grow its buffer forever.
  if (offset_ > 0 && offset_ >= buffer_.size() / 2) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(offset_));
    offset_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

std::optional<Frame> FrameReader::next() {
  while (!broken_) {
    const std::size_t available = buffer_.size() - offset_;
    if (available < 2) return std::nullopt;
    const std::size_t length = static_cast<std::size_t>(buffer_[offset_] << 8 | buffer_[offset_ + 1]);
    if (length < 5) {
      broken_ = true;
      return std::nullopt;
    }
    if (available < 2 + length) return std::nullopt;
    const std::uint8_t* p = buffer_.data() + offset_ + 2;
    const auto ue = UeConnectionId{static_cast<std::uint32_t>(from_big_endian(ByteView(p, 4)))};
    const std::uint8_t kind = p[4];
    Bytes payload(p + 5, p + length);
    offset_ += 2 + length;
    if (kind > static_cast<std::uint8_t>(FrameKind::ue_context_release)) {
      ++dropped_;
      continue;
    }
    return Frame{ue, static_cast<FrameKind>(kind), std::move(payload)};
  }
  return std::nullopt;
}

}  // namespace simbind::nas
