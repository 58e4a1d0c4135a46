// What simbind-console reads from elsewhere, made hostile: simbind-ue's event texts and simbind-hss's audit rows (the
// ladder's reading), a daemon's /metrics text (the counters), and the console's configuration. Each is read or
// refused, never a crash. The first byte picks which; the rest is the text (event and audit fields split at '\n').
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "services/console/console_config.h"
#include "services/console/counters.h"
#include "services/console/ladder.h"

using namespace simbind;

namespace {

std::vector<std::string> fields(const std::string& text, std::size_t n) {
  std::vector<std::string> out(n);
  std::size_t at = 0;
  for (std::size_t i = 0; i < n && at <= text.size(); ++i) {
    const auto end = i + 1 == n ? std::string::npos : text.find('\n', at);
    out[i] = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      const auto f = fields(text, 4);
      (void)console::steps_of(console::UeEventRecord{1, f[0], f[1], f[2], f[3]});
      break;
    }
    case 1: {
      const auto f = fields(text, 5);
      (void)console::steps_of(console::AuditRecord{1, 1, f[0], f[1], f[2], f[3], f[4]});
      break;
    }
    case 2:
      for (const char* d : {"hss", "mme", "prov", "keydir"}) (void)console::pick_counters(d, text);
      break;
    default:
      (void)console::parse_console_config(text, "console.yaml");
  }
  return 0;
}
