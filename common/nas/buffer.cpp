#include "common/nas/buffer.h"

namespace simbind::nas {

std::unexpected<Error> Reader::short_by(std::size_t n, const char* what) const {
  return fail(ErrorCode::invalid_argument, std::string(what) + ": needs " + std::to_string(n) + " octet(s), " +
                                               std::to_string(remaining()) + " left");
}

Result<std::uint8_t> Reader::u8(const char* what) {
  if (remaining() < 1) return short_by(1, what);
  return data_[pos_++];
}

Result<std::uint16_t> Reader::u16(const char* what) {
  if (remaining() < 2) return short_by(2, what);
  const auto v = static_cast<std::uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
  pos_ += 2;
  return v;
}

Result<ByteView> Reader::bytes(std::size_t n, const char* what) {
  if (remaining() < n) return short_by(n, what);
  const ByteView v = data_.subspan(pos_, n);
  pos_ += n;
  return v;
}

Result<ByteView> Reader::lv(const char* what, std::size_t min, std::size_t max) {
  auto len = u8(what);
  if (!len) return std::unexpected(len.error());
  if (*len < min || *len > max) {
    return fail(ErrorCode::invalid_argument, std::string(what) + ": length " + std::to_string(*len) + " outside " +
                                                 std::to_string(min) + ".." + std::to_string(max));
  }
  return bytes(*len, what);
}

Result<ByteView> Reader::lv_e(const char* what, std::size_t min, std::size_t max) {
  auto len = u16(what);
  if (!len) return std::unexpected(len.error());
  if (*len < min || *len > max) {
    return fail(ErrorCode::invalid_argument, std::string(what) + ": length " + std::to_string(*len) + " outside " +
                                                 std::to_string(min) + ".." + std::to_string(max));
  }
  return bytes(*len, what);
}

Writer& Writer::length_field(std::size_t size, std::size_t max, const char* what) {
  if (size > max && !error_) {
    error_ = Error{ErrorCode::invalid_argument, std::string(what) + ": " + std::to_string(size) +
                                                    " octets do not fit a length field that counts to " +
                                                    std::to_string(max)};
  }
  return max == 255 ? u8(static_cast<std::uint8_t>(size)) : u16(static_cast<std::uint16_t>(size));
}

Writer& Writer::lv(ByteView v, const char* what) { return length_field(v.size(), 255, what).bytes(v); }
Writer& Writer::lv_e(ByteView v, const char* what) { return length_field(v.size(), 65535, what).bytes(v); }

Result<Bytes> Writer::take() {
  if (error_) return std::unexpected(std::move(*error_));
  return std::move(out_);
}

}  // namespace simbind::nas
