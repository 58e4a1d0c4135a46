#include "common/diameter/refusals.h"

#include <chrono>
#include <mutex>

namespace simbind::diameter {

std::array<std::atomic<std::uint64_t>, 4>& refusal_counts() {
  static std::array<std::atomic<std::uint64_t>, 4> counts{};
  return counts;
}

std::optional<std::string> note_refusal(Refusal r) {
  refusal_counts()[static_cast<std::size_t>(r)].fetch_add(1);
  static std::mutex mutex;
  static std::chrono::steady_clock::time_point window;
  static int lines_in_window = 0;
  static long long suppressed = 0;
  std::lock_guard lock(mutex);
  const auto now = std::chrono::steady_clock::now();
  if (now - window >= std::chrono::seconds(1)) {
    window = now;
    lines_in_window = 0;
  }
  if (++lines_in_window > 20) {
    ++suppressed;
    return std::nullopt;
  }
  const long long held_back = suppressed;
  suppressed = 0;
  if (held_back == 0) return std::string();
  return " (" + std::to_string(held_back) + " refusal lines suppressed before this one)";
}

}  // namespace simbind::diameter
