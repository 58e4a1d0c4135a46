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

}  // namespace simbind::nas
