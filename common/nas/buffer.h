// Bounds-checked reading and writing of NAS octets (TS 24.007 11.2: V, LV, LV-E, TV, TLV, TLV-E). Every read
// that would pass the end fails, so a truncated or lying message yields an error, never an out-of-bounds read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/util/bytes.h"
#include "common/util/error.h"

namespace simbind::nas {

class Reader {
 public:
  explicit Reader(ByteView data) : data_(data) {}

  std::size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return remaining() == 0; }
  std::optional<std::uint8_t> peek() const {
    return empty() ? std::nullopt : std::optional<std::uint8_t>(data_[pos_]);
  }

  Result<std::uint8_t> u8(const char* what);
  Result<std::uint16_t> u16(const char* what);
  Result<ByteView> bytes(std::size_t n, const char* what);
  Result<ByteView> lv(const char* what, std::size_t min = 0, std::size_t max = 255);     // 1-octet length
  Result<ByteView> lv_e(const char* what, std::size_t min = 0, std::size_t max = 65535); // 2-octet length

 private:
  std::unexpected<Error> short_by(std::size_t n, const char* what) const;
  ByteView data_;
  std::size_t pos_ = 0;
};

// Writes a message; a value too long for its length field (LV: 255 octets, LV-E: 65535) is not wrapped: the
// writer remembers the first such error and take() returns it, so a message that cannot be encoded is never sent.
class Writer {
 public:
  Writer& u8(std::uint8_t v) { out_.push_back(v); return *this; }
  Writer& u16(std::uint16_t v) { return u8(static_cast<std::uint8_t>(v >> 8)).u8(static_cast<std::uint8_t>(v)); }
  Writer& bytes(ByteView v) { out_.insert(out_.end(), v.begin(), v.end()); return *this; }
  Writer& lv(ByteView v, const char* what);
  Writer& lv_e(ByteView v, const char* what);
  Writer& tlv(std::uint8_t iei, ByteView v, const char* what) { return u8(iei).lv(v, what); }
  Writer& tlv_e(std::uint8_t iei, ByteView v, const char* what) { return u8(iei).lv_e(v, what); }
  // The message, or the first value that did not fit.
  Result<Bytes> take();

 private:
  Writer& length_field(std::size_t size, std::size_t max, const char* what);
  Bytes out_;
  std::optional<Error> error_;
};

}  // namespace simbind::nas
