// `simbind hss ...`: subscriber administration over simbind-hss's gRPC admin API (proto/hss_admin.proto):
// create/get/update/delete/list, bulk import from CSV or YAML, binding policy and status, device change,
// KME loading, audit events.
#pragma once

#include <CLI/CLI.hpp>

#include "services/cli/tls_options.h"

namespace simbind::cli {

// `tls` (the global --tls-* options) must outlive the parse.
void add_hss_commands(CLI::App& parent, const ApiTlsOptions& tls);

}  // namespace simbind::cli
