#include "common/log/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <memory>

namespace simbind::log {
namespace {

// The message of a log line, with every octet outside printable ASCII written as \xNN (\n, \r, \t by name). Log
// lines carry what peers sent (identities, Session-Ids, APNs, freeDiameter's own text about received data): a
// control character must not forge a line or a terminal escape, and a NUL must not cut one.
class EscapedMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    static constexpr char kHex[] = "0123456789abcdef";
    for (const char ch : msg.payload) {
      const auto octet = static_cast<unsigned char>(ch);
      if (octet >= 0x20 && octet < 0x7f) {
        dest.push_back(ch);
        continue;
      }
      const char* named = octet == '\n' ? "\\n" : octet == '\r' ? "\\r" : octet == '\t' ? "\\t" : nullptr;
      if (named) {
        dest.append(named, named + 2);
      } else {
        const char escaped[4] = {'\\', 'x', kHex[octet >> 4], kHex[octet & 0xf]};
        dest.append(escaped, escaped + 4);
      }
    }
  }
  std::unique_ptr<spdlog::custom_flag_formatter> clone() const override { return std::make_unique<EscapedMessage>(); }
};

}  // namespace

Result<spdlog::level::level_enum> parse_level(const std::string& name) {
  for (auto level : {spdlog::level::trace, spdlog::level::debug, spdlog::level::info, spdlog::level::warn,
                     spdlog::level::err, spdlog::level::off}) {
    if (name == spdlog::level::to_string_view(level).data()) return level;
  }
  if (name == "warning") return spdlog::level::warn;
  if (name == "error") return spdlog::level::err;
  return fail(ErrorCode::config_error, "unknown log level '" + name + "' (trace, debug, info, warn, error, off)");
}

std::unique_ptr<spdlog::formatter> line_formatter() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<EscapedMessage>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %n: %*");
  return formatter;
}

void init(const std::string& daemon, spdlog::level::level_enum level) {
  auto logger = spdlog::stderr_color_mt(daemon);
  logger->set_formatter(line_formatter());
  logger->set_level(level);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace simbind::log
