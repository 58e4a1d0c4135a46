#include "tests/integration/support/metrics_scrape.h"

#include <gtest/gtest.h>

namespace simbind::test {

std::string metrics_yaml(int port) {
  return port ? "metrics:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n" : "";
}

std::string scrape_metrics(int port) {
  const auto r = http_get("127.0.0.1", static_cast<std::uint16_t>(port), "/metrics");
  EXPECT_EQ(r.status, 200) << "GET /metrics on port " << port << ": " << r.error;
  EXPECT_EQ(r.content_type.rfind("text/plain; version=0.0.4", 0), 0u) << r.content_type;
  return r.status == 200 ? r.body : "";
}

int healthz_status(int port) { return http_get("127.0.0.1", static_cast<std::uint16_t>(port), "/healthz").status; }

}  // namespace simbind::test
