// The outcome of a Diameter request/answer exchange (exchange() in exchange.h), in a header without freeDiameter, so
// that interfaces such as the MME's HssLink can name it.
#pragma once

#include <expected>
#include <string>

namespace simbind::diameter {

// Why a request got no usable answer: `timeout` (nothing came back in time), `unreachable` (not sent, or our own
// stack could not route it), `malformed` (the answer came from another node than the one asked, or did not decode).
struct ExchangeFailure {
  enum class Kind { timeout, unreachable, malformed };
  Kind kind;
  std::string message;  // starts with the answer's name ("AIA: ...")
};
template <typename Answer>
using ExchangeResult = std::expected<Answer, ExchangeFailure>;

}  // namespace simbind::diameter
