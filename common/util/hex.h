// Hex text <-> bytes. Lowercase on output, either case on input, no separators.
#pragma once

#include <string>
#include <string_view>

#include "common/util/bytes.h"
#include "common/util/error.h"

namespace simbind {

std::string to_hex(ByteView bytes);

Result<Bytes> from_hex(std::string_view text);

// Parses exactly N octets; the error says how many hex digits were expected and seen.
template <std::size_t N>
Result<Octets<N>> octets_from_hex(std::string_view text) {
  auto bytes = from_hex(text);
  if (!bytes) return std::unexpected(bytes.error());
  if (bytes->size() != N) {
    return fail(ErrorCode::invalid_argument, "expected " + std::to_string(2 * N) + " hex digits, got " +
                                                 std::to_string(text.size()));
  }
  Octets<N> out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

}  // namespace simbind
