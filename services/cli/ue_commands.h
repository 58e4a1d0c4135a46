// `simbind ue ...`: drives simbind-ue over its gRPC control API (proto/ue_control.proto): create UEs from a
// profiles file, list and status, move a UICC, load a KME into an ME, attach, detach, request a bearer, follow
// the event stream, and run a load (attaches per second, latency percentiles, failures by cause).
#pragma once

#include <CLI/CLI.hpp>

#include "services/cli/tls_options.h"

namespace simbind::cli {

// `tls` (the global --tls-* options) must outlive the parse.
void add_ue_commands(CLI::App& parent, const ApiTlsOptions& tls);

}  // namespace simbind::cli
