// Failures as values: every fallible call in common/ returns Result<T>; exceptions stay at the edges.
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace simbind {

enum class ErrorCode {
  invalid_argument,     // caller passed malformed input (wrong length, bad hex, out of range)
  crypto_failure,       // the crypto library failed (message carries OpenSSL's reason)
  verification_failed,  // a MAC, tag or response did not verify
  not_found,
  io_error,
  timeout,              // no answer in time (a Diameter request's expiry)
  config_error,
};

struct Error {
  ErrorCode code;
  std::string message;
};

template <typename T>
using Result = std::expected<T, Error>;

// Shorthand for returning an error: `return fail(ErrorCode::invalid_argument, "RAND must be 16 octets");`
inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message)});
}

const char* to_string(ErrorCode code);

}  // namespace simbind
