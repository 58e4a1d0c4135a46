// The optional `metrics:` section of every daemon's configuration:
//   metrics:
//     listen: 0.0.0.0:9100   # GET /metrics (Prometheus text format) and GET /healthz
// Absent (or no listen): no HTTP server, so tests that start many daemons do not need a port each.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "common/config/config_reader.h"

namespace simbind::metrics {

struct MetricsConfig {
  std::string listen;  // HOST:PORT as written; empty = off
  std::string host;
  std::uint16_t port = 0;
  bool enabled() const { return !listen.empty(); }
};

// Reads `metrics:` from the document root; problems are recorded in the reader (file and key named).
MetricsConfig read_metrics_config(const config::ConfigReader::Section& root);
// The section as --print-config shows it.
void print_metrics_config(std::ostream& out, const MetricsConfig& config);

}  // namespace simbind::metrics
