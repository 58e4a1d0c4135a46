// `simbind prov ...`: the back office of simbind-prov over its admin API (proto/prov_admin.proto): `import` a
// factory KME export, `activate` (IMSI, IMEI) so that prov pushes the factory KME to the HSS (DESIGN 3.4).
#pragma once

#include <CLI/CLI.hpp>

#include "services/cli/tls_options.h"

namespace simbind::cli {

// `tls` (the global --tls-* options) must outlive the parse.
void add_prov_commands(CLI::App& parent, const ApiTlsOptions& tls);

}  // namespace simbind::cli
