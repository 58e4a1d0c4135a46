// `simbind auc ...`: an AuC calculator for lab engineers (Milenage, AUTS/resync, NAS keys, EEA2/EIA2,
// RAND pre-processing, ECIES), on the same common/crypto code that the daemons run.
#pragma once

#include <CLI/CLI.hpp>

namespace simbind::cli {

void add_auc_commands(CLI::App& parent);

}  // namespace simbind::cli
