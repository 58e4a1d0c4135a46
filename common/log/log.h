// One logger per daemon (spdlog), one line per event worth knowing. Never pass K, OPc, KME, RES or private keys
// to it: log identifiers (IMSI, IMEI, KME-Id, peer names) and outcomes only.
#pragma once

#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "common/util/error.h"

namespace simbind::log {

// "trace", "debug", "info", "warn", "error", "off".
Result<spdlog::level::level_enum> parse_level(const std::string& name);

// The daemons' line format: time, level, name, and the message with every octet outside printable ASCII escaped.
std::unique_ptr<spdlog::formatter> line_formatter();

// Makes the default logger "<daemon>" on stderr with the given level; the pattern carries time, level and name.
void init(const std::string& daemon, spdlog::level::level_enum level);

using spdlog::debug;
using spdlog::error;
using spdlog::info;
using spdlog::trace;
using spdlog::warn;

}  // namespace simbind::log
