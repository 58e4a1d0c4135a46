// `simbind hss ...`: subscriber administration over simbind-hss's gRPC admin API (proto/hss_admin.proto):
// create/get/update/delete/list, bulk import from CSV or YAML, binding policy and status, device change,
// KME loading, audit events.
#pragma once

#include <CLI/CLI.hpp>

namespace simbind::cli {

void add_hss_commands(CLI::App& parent);

}  // namespace simbind::cli
