// Access to the 3GPP test vectors (tests/data) for the unit tests. A missing or unreadable file fails the test that asked for
// it (never a silent skip).
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "common/util/hex.h"

namespace simbind::test {

// The parsed JSON of `<vectors dir>/<file>`; the dir is SIMBIND_VECTORS_DIR from the environment if set,
// else the one CMake was configured with.
const nlohmann::json& vector_file(const std::string& file);
inline const nlohmann::json& gpp_vectors() { return vector_file("3gpp-test-vectors.json"); }
inline const nlohmann::json& ecies_vectors() { return vector_file("ecies-test-vectors.json"); }

// Hex field of a vector entry as bytes / fixed-size octets (ADD_FAILURE and zeroes when malformed).
Bytes hex_field(const nlohmann::json& entry, const std::string& key);
template <std::size_t N>
Octets<N> octets_field(const nlohmann::json& entry, const std::string& key) {
  const Bytes b = hex_field(entry, key);
  Octets<N> out{};
  if (b.size() != N) {
    ADD_FAILURE() << "vector field '" << key << "' has " << b.size() << " octets, expected " << N;
    return out;
  }
  std::copy(b.begin(), b.end(), out.begin());
  return out;
}

// A readable label for a vector entry: its "id" or "set" with the spec clause.
std::string label(const nlohmann::json& entry);

}  // namespace simbind::test
