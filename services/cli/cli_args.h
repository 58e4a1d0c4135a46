// Turning command-line text into typed values. A bad value throws UsageError naming the option; main() turns
// it into exit status 2 (the CLI is an edge, where exceptions are allowed).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "common/util/hex.h"

namespace simbind::cli {

class UsageError : public std::runtime_error {
 public:
  UsageError(std::string_view option, std::string_view problem)
      : std::runtime_error(std::string(option) + ": " + std::string(problem)) {}
  // A message that names its own source, e.g. every problem found in an import file, one per line.
  explicit UsageError(const std::string& message) : std::runtime_error(message) {}
};

// Failure of the operation itself (a tag that does not verify, say): exit status 1.
class OperationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <std::size_t N>
Octets<N> hex_option(std::string_view option, std::string_view text) {
  auto v = octets_from_hex<N>(text);
  if (!v) throw UsageError(option, v.error().message);
  return *v;
}

Bytes hex_bytes_option(std::string_view option, std::string_view text);

}  // namespace simbind::cli
