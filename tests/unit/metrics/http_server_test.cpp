// The metrics endpoint over real sockets on loopback, on an ephemeral port.
#include "common/metrics/http_server.h"

#include <gtest/gtest.h>

#include "tests/unit/support/http_get.h"

namespace simbind::metrics {
namespace {

TEST(MetricsServer, ServesMetricsHealthAndNotFound) {
  Registry registry("keydir");
  auto& lookups = registry.counter("lookups", "Lookups by gRPC status.", {"status"});
  lookups.inc({"OK"}, 3);
  Health health;
  auto server = MetricsServer::start("127.0.0.1", 0, registry, health.checker());
  ASSERT_TRUE(server.has_value()) << server.error().message;
  const std::uint16_t port = (*server)->port();
  ASSERT_NE(port, 0);

  auto metrics = test::http_get("127.0.0.1", port, "/metrics");
  EXPECT_EQ(metrics.status, 200) << metrics.error;
  EXPECT_EQ(metrics.content_type.rfind("text/plain; version=0.0.4", 0), 0u) << metrics.content_type;
  EXPECT_EQ(metrics.body, registry.render());
  EXPECT_EQ(test::sample_value(metrics.body, "simbind_keydir_lookups_total{status=\"OK\"}"), 3);

  lookups.inc({"OK"});  // every scrape renders afresh
  EXPECT_EQ(test::sample_value(test::http_get("127.0.0.1", port, "/metrics").body,
                               "simbind_keydir_lookups_total{status=\"OK\"}"),
            4);

  auto starting = test::http_get("127.0.0.1", port, "/healthz");
  EXPECT_EQ(starting.status, 503);
  EXPECT_EQ(starting.body, "starting\n");
  health.set_ready();
  auto ready = test::http_get("127.0.0.1", port, "/healthz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, "ok\n");
  health.set_not_ready("shutting down");
  EXPECT_EQ(test::http_get("127.0.0.1", port, "/healthz").status, 503);

  EXPECT_EQ(test::http_get("127.0.0.1", port, "/").status, 404);
  EXPECT_EQ(test::http_get("127.0.0.1", port, "/metricsx").status, 404);

  server->reset();  // stops and joins: the port is closed
  EXPECT_EQ(test::http_get("127.0.0.1", port, "/metrics").status, 0);
}

TEST(MetricsServer, BindFailureNamesTheAddress) {
  Registry registry("hss");
  auto first = MetricsServer::start("127.0.0.1", 0, registry, nullptr);
  ASSERT_TRUE(first.has_value());
  const std::uint16_t port = (*first)->port();
  auto second = MetricsServer::start("127.0.0.1", port, registry, nullptr);
  ASSERT_FALSE(second.has_value());
  EXPECT_NE(second.error().message.find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << second.error().message;

  MetricsConfig config;
  config.listen = "127.0.0.1:" + std::to_string(port);
  config.host = "127.0.0.1";
  config.port = port;
  auto configured = MetricsServer::start_if_configured(config, registry, nullptr);
  ASSERT_FALSE(configured.has_value());
  EXPECT_EQ(configured.error().message.rfind("metrics.listen: cannot listen on 127.0.0.1:", 0), 0u)
      << configured.error().message;
  auto off = MetricsServer::start_if_configured(MetricsConfig{}, registry, nullptr);
  ASSERT_TRUE(off.has_value());
  EXPECT_EQ(*off, nullptr);
}

TEST(MetricsServer, StartsAndStopsAtOnceRepeatedly) {
  Registry registry("ue");
  for (int i = 0; i < 20; ++i) {
    auto server = MetricsServer::start("127.0.0.1", 0, registry, nullptr);
    ASSERT_TRUE(server.has_value());
  }
}

}  // namespace
}  // namespace simbind::metrics
