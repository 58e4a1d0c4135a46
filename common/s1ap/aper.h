// ALIGNED PER (ITU-T X.691), the subset S1AP needs: constrained whole numbers (every range case of 11.5.7, the
// "indefinite length" case of 12.2.6 included), normally small numbers, length determinants (unconstrained up to
// 16383; fragmentation is refused), fixed and variable BIT and OCTET STRINGs, open types. Knows nothing of S1AP.
//
// AperReader never reads past its buffer: a read beyond the end, or a value outside its constraint, marks the
// reader failed (sticky), returns zeros from then on, and the caller checks ok() once at the end.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/util/bytes.h"

namespace simbind::s1ap {

class AperWriter {
 public:
  void bit(bool b) { bits(b ? 1 : 0, 1); }
  void bits(std::uint64_t value, unsigned count);  // MSB first
  void align();                                    // to the next octet boundary with zero bits
  void octets(ByteView data);                      // aligned first
  // A whole number in lb..ub (X.691 11.5.7 and, above 64K, the length-prefixed case of 12.2.6).
  void constrained(std::uint64_t value, std::uint64_t lb, std::uint64_t ub);
  void normally_small(std::uint64_t value);  // X.691 11.6 (extension indexes); values below 64 only
  // A length determinant: constrained (ub < 64K) or unconstrained (aligned, 1 or 2 octets). Lengths of 16384 and more
  // need fragmentation, which S1AP messages never do: such a length is refused (see problem()).
  void length(std::size_t n, std::size_t lb = 0, std::size_t ub = 0 /* 0 = no upper bound */);
  void octet_string(ByteView data);  // unconstrained size: length + aligned octets
  void open_type(const Bytes& encoding);  // an encoding of its own, wrapped as an open type (empty -> one zero octet)
  // The encoding so far, padded to whole octets.
  Bytes finish() const;
  std::size_t bit_count() const { return bits_; }
  // The first value that did not fit (a number outside lb..ub, a length of 16384 or more): the encoding is then
  // not to be sent, never sent with the value cut to its field. A writer that takes a nested encoding takes its
  // problem too (adopt_problem).
  const std::optional<std::string>& problem() const { return problem_; }
  void adopt_problem(const AperWriter& inner) {
    if (!problem_) problem_ = inner.problem_;
  }

 private:
  void refuse(std::string why) {
    if (!problem_) problem_ = std::move(why);
  }
  Bytes out_;
  std::size_t bits_ = 0;
  std::optional<std::string> problem_;
};

class AperReader {
 public:
  explicit AperReader(ByteView data) : data_(data) {}
  bool ok() const { return ok_; }
  const std::string& problem() const { return problem_; }
  void fail(const std::string& why);

  bool bit() { return bits(1) != 0; }
  std::uint64_t bits(unsigned count);
  void align();
  Bytes octets(std::size_t n);  // aligned first
  std::uint64_t constrained(std::uint64_t lb, std::uint64_t ub);
  std::uint64_t normally_small();
  std::size_t length(std::size_t lb = 0, std::size_t ub = 0);
  Bytes octet_string();
  ByteView open_type();  // the open type's octets (a view into the buffer)
  void skip_open_type() { (void)open_type(); }
  std::size_t bits_left() const { return data_.size() * 8 - pos_; }

 private:
  ByteView data_;
  std::size_t pos_ = 0;  // in bits
  bool ok_ = true;
  std::string problem_;
};

// Bits needed for a bit-field holding 0..max.
unsigned bits_for(std::uint64_t max);

}  // namespace simbind::s1ap
