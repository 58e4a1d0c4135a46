// Byte containers and views used across simbind: owned buffers, read-only spans and fixed-size octet strings.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace simbind {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;
using MutableByteView = std::span<std::uint8_t>;

template <std::size_t N>
using Octets = std::array<std::uint8_t, N>;

// XOR of two equal-length octet strings.
template <std::size_t N>
constexpr Octets<N> xor_octets(const Octets<N>& a, const Octets<N>& b) {
  Octets<N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = static_cast<std::uint8_t>(a[i] ^ b[i]);
  return out;
}

// Concatenates any number of byte ranges into one owned buffer.
template <typename... Ranges>
Bytes concat(const Ranges&... parts) {
  Bytes out;
  out.reserve((std::size(parts) + ... + 0));
  (out.insert(out.end(), std::begin(parts), std::end(parts)), ...);
  return out;
}

// Big-endian integer <-> octets, for SQN (48 bits), COUNT (32 bits) and friends.
template <std::size_t N>
constexpr Octets<N> to_big_endian(std::uint64_t value) {
  static_assert(N <= 8);
  Octets<N> out{};
  for (std::size_t i = 0; i < N; ++i) out[N - 1 - i] = static_cast<std::uint8_t>(value >> (8 * i));
  return out;
}

constexpr std::uint64_t from_big_endian(ByteView bytes) {
  std::uint64_t v = 0;
  for (auto b : bytes) v = (v << 8) | b;
  return v;
}

}  // namespace simbind
