// The HTTP endpoint of a daemon (cpp-httplib, on its own threads): GET /metrics renders the registry in the
// Prometheus text format 0.0.4, GET /healthz answers 200 "ok" when the readiness check says ready and 503 with
// the reason otherwise, anything else 404. The destructor stops the server and joins its threads (RAII).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/metrics/health.h"
#include "common/metrics/metrics_config.h"
#include "common/metrics/registry.h"
#include "common/util/error.h"

namespace simbind::metrics {

class MetricsServer {
 public:
  // Binds host:port (port 0: an ephemeral port, see port()) and starts serving. A bind failure is an io_error
  // naming the address. `registry` and whatever `ready` reads must outlive the server.
  static Result<std::unique_ptr<MetricsServer>> start(const std::string& host, std::uint16_t port,
                                                      const Registry& registry, ReadinessCheck ready);
  // The server of a `metrics:` section, or null when it has no listen address.
  static Result<std::unique_ptr<MetricsServer>> start_if_configured(const MetricsConfig& config,
                                                                    const Registry& registry, ReadinessCheck ready);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  std::uint16_t port() const { return port_; }

 private:
  struct Impl;
  explicit MetricsServer(std::unique_ptr<Impl> impl, std::uint16_t port);
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_;
};

}  // namespace simbind::metrics
