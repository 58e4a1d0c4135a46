#include "common/s1ap/aper.h"

namespace simbind::s1ap {

unsigned bits_for(std::uint64_t max) {
  unsigned n = 0;
  while (n < 64 && (max >> n) != 0) ++n;
  return n;
}

namespace {
unsigned octets_for(std::uint64_t value) {
  unsigned n = 1;
  while (n < 8 && (value >> (8 * n)) != 0) ++n;
  return n;
}
}  // namespace

// ---- writer -----------------------------------------------------------------------------------------------------

void AperWriter::bits(std::uint64_t value, unsigned count) {
  for (unsigned i = count; i-- > 0;) {
    if (bits_ % 8 == 0) out_.push_back(0);
    if ((value >> i) & 1) out_.back() |= static_cast<std::uint8_t>(0x80 >> (bits_ % 8));
    ++bits_;
  }
}

void AperWriter::align() {
  if (bits_ % 8 != 0) bits_ += 8 - bits_ % 8;
}

void AperWriter::octets(ByteView data) {
  align();
  out_.insert(out_.end(), data.begin(), data.end());
  bits_ += data.size() * 8;
}

void AperWriter::constrained(std::uint64_t value, std::uint64_t lb, std::uint64_t ub) {
  if (value < lb || value > ub) {
    refuse(std::to_string(value) + " is outside " + std::to_string(lb) + ".." + std::to_string(ub));
    value = lb;  // keeps the bit layout; the encoding is refused anyway
  }
  const std::uint64_t range_minus_1 = ub - lb;
  const std::uint64_t x = value - lb;
  if (range_minus_1 == 0) return;
  if (range_minus_1 < 255) return bits(x, bits_for(range_minus_1));  // range <= 255: a bit-field
  if (range_minus_1 == 255) {                                        // range 256: one aligned octet
    align();
    return bits(x, 8);
  }
  if (range_minus_1 < 65536) {  // range <= 64K: two aligned octets
    align();
    return bits(x, 16);
  }
  // Larger ranges: the octet count as a constrained number, then the minimal octets, aligned (X.691 12.2.6).
  const unsigned n = octets_for(x);
  constrained(n, 1, octets_for(range_minus_1));
  align();
  bits(x, 8 * n);
}

void AperWriter::normally_small(std::uint64_t value) {
  if (value >= 64) refuse("normally small number " + std::to_string(value) + " is 64 or more");
  bit(false);
  bits(value, 6);
}

void AperWriter::length(std::size_t n, std::size_t lb, std::size_t ub) {
  if (ub != 0 && ub < 65536) {
    if (lb == ub) return;  // fixed size: no length
    return constrained(n, lb, ub);
  }
  align();
  if (n < 128) return bits(n, 8);
  if (n >= 16384) refuse("a length of " + std::to_string(n) + " needs fragmentation (X.691 11.9.3.8)");
  bits(0x8000 | (n & 0x3fff), 16);
}

void AperWriter::octet_string(ByteView data) {
  length(data.size());
  octets(data);
}

void AperWriter::open_type(const Bytes& encoding) {
  if (encoding.empty()) {
    length(1);
    return octets(Bytes{0});
  }
  length(encoding.size());
  octets(encoding);
}

Bytes AperWriter::finish() const { return out_; }

// ---- reader -----------------------------------------------------------------------------------------------------

void AperReader::fail(const std::string& why) {
  if (ok_) problem_ = why;
  ok_ = false;
}

std::uint64_t AperReader::bits(unsigned count) {
  if (!ok_) return 0;
  if (count > bits_left()) {
    fail("truncated: " + std::to_string(count) + " more bits needed at bit " + std::to_string(pos_));
    return 0;
  }
  std::uint64_t v = 0;
  for (unsigned i = 0; i < count; ++i, ++pos_) v = (v << 1) | ((data_[pos_ / 8] >> (7 - pos_ % 8)) & 1);
  return v;
}

void AperReader::align() {
  if (pos_ % 8 != 0) pos_ += 8 - pos_ % 8;
  if (pos_ > data_.size() * 8) {
    pos_ = data_.size() * 8;
    fail("truncated at an alignment");
  }
}

Bytes AperReader::octets(std::size_t n) {
  align();
  if (!ok_) return {};
  if (n * 8 > bits_left()) {
    fail("truncated: " + std::to_string(n) + " octets announced, " + std::to_string(bits_left() / 8) + " left");
    return {};
  }
  Bytes out(data_.begin() + static_cast<std::ptrdiff_t>(pos_ / 8),
            data_.begin() + static_cast<std::ptrdiff_t>(pos_ / 8 + n));
  pos_ += n * 8;
  return out;
}

std::uint64_t AperReader::constrained(std::uint64_t lb, std::uint64_t ub) {
  const std::uint64_t range_minus_1 = ub - lb;
  std::uint64_t x = 0;
  if (range_minus_1 == 0) return lb;
  if (range_minus_1 < 255) {
    x = bits(bits_for(range_minus_1));
  } else if (range_minus_1 == 255) {
    align();
    x = bits(8);
  } else if (range_minus_1 < 65536) {
    align();
    x = bits(16);
  } else {
    const auto n = static_cast<unsigned>(constrained(1, [&] {
      unsigned k = 1;
      while (k < 8 && (range_minus_1 >> (8 * k)) != 0) ++k;
      return k;
    }()));
    align();
    x = bits(8 * n);
  }
  if (ok_ && x > range_minus_1) {
    fail("value " + std::to_string(lb + x) + " outside " + std::to_string(lb) + ".." + std::to_string(ub));
    return lb;
  }
  return lb + x;
}

std::uint64_t AperReader::normally_small() {
  if (bit()) {
    fail("normally small number of 64 or more: not used by S1AP");
    return 0;
  }
  return bits(6);
}

std::size_t AperReader::length(std::size_t lb, std::size_t ub) {
  if (ub != 0 && ub < 65536) {
    if (lb == ub) return lb;
    return static_cast<std::size_t>(constrained(lb, ub));
  }
  align();
  const std::uint64_t first = bits(8);
  if ((first & 0x80) == 0) return static_cast<std::size_t>(first);
  if ((first & 0xc0) == 0x80) return static_cast<std::size_t>(((first & 0x3f) << 8) | bits(8));
  fail("fragmented length (16384 octets or more)");
  return 0;
}

Bytes AperReader::octet_string() {
  const std::size_t n = length();
  return octets(n);
}

ByteView AperReader::open_type() {
  const std::size_t n = length();
  align();
  if (!ok_) return {};
  if (n * 8 > bits_left()) {
    fail("truncated open type: " + std::to_string(n) + " octets announced, " + std::to_string(bits_left() / 8) + " left");
    return {};
  }
  ByteView v = data_.subspan(pos_ / 8, n);
  pos_ += n * 8;
  return v;
}

}  // namespace simbind::s1ap
