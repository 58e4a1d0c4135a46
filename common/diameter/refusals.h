// Messages the stack refused or dropped, by reason, for simbind_<daemon>_diameter_refused_total (peer_metrics.h):
// a peer sending malformed or hostile messages shows up as a counter, and the log keeps to a few lines a second.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace simbind::diameter {

enum class Refusal : std::size_t {
  parsing_error,   // a received message broke its rules or could not be parsed (answered 5xxx, or dropped)
  routing_error,   // a request freeDiameter could not route (an unknown realm, application 0, ...)
  dropped,         // a message freeDiameter dropped (its peer gone, an answer to nothing, ...)
  spoofed_origin,  // a request whose Origin-Host names another node than the peer it came from (exchange.cpp)
};
inline constexpr std::array<std::string_view, 4> kRefusalNames = {"parsing_error", "routing_error", "dropped",
                                                                  "spoofed_origin"};

std::array<std::atomic<std::uint64_t>, 4>& refusal_counts();

// Counts one refusal, and says whether it may have its log line: at most 20 lines in any second across the
// process, so that a flood of bad messages cannot flood the log. When it may, the text to end that line with:
// empty, or how many refusal lines were held back since the last one written.
std::optional<std::string> note_refusal(Refusal r);

}  // namespace simbind::diameter
