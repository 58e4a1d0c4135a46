// `simbind s6a ...`: act as an MME towards an HSS for one request and show the answer (interop checks, demos).
#pragma once

#include <CLI/CLI.hpp>

namespace simbind::cli {

void add_s6a_commands(CLI::App& parent);

}  // namespace simbind::cli
