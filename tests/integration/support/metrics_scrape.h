// The metrics endpoint of a daemon under test: its `metrics:` section, and GET /metrics and /healthz over HTTP.
#pragma once

#include <string>

#include "tests/unit/support/http_get.h"

namespace simbind::test {

// "metrics:\n  listen: 127.0.0.1:PORT\n", or "" for port 0 (no endpoint).
std::string metrics_yaml(int port);

// The body of GET /metrics (a test failure and "" unless it answers 200 in the Prometheus text format).
std::string scrape_metrics(int port);
// The status of GET /healthz (0: no answer).
int healthz_status(int port);

}  // namespace simbind::test
