// `simbind ue ...`: drives simbind-ue over its gRPC control API (proto/ue_control.proto): create UEs from a
// profiles file, list and status, move a UICC, load a KME into an ME, attach, detach, request a bearer, follow
// the event stream, and run a load (attaches per second, latency percentiles, failures by cause).
#pragma once

#include <CLI/CLI.hpp>

namespace simbind::cli {

void add_ue_commands(CLI::App& parent);

}  // namespace simbind::cli
