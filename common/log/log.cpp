#include "common/log/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace simbind::log {

Result<spdlog::level::level_enum> parse_level(const std::string& name) {
  for (auto level : {spdlog::level::trace, spdlog::level::debug, spdlog::level::info, spdlog::level::warn,
                     spdlog::level::err, spdlog::level::off}) {
    if (name == spdlog::level::to_string_view(level).data()) return level;
  }
  if (name == "warning") return spdlog::level::warn;
  if (name == "error") return spdlog::level::err;
  return fail(ErrorCode::config_error, "unknown log level '" + name + "' (trace, debug, info, warn, error, off)");
}

void init(const std::string& daemon, spdlog::level::level_enum level) {
  auto logger = spdlog::stderr_color_mt(daemon);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %n: %v");
  logger->set_level(level);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace simbind::log
