// The runner's shutdown when a part gives up (the Diameter stack stopping by itself): Runtime::serve wakes on
// request_termination, says why and with which exit status in its last line, takes /healthz back and withdraws
// the endpoint before returning, and exit_code() is the status asked for. The process's exit status is
// process-wide (request_termination), so this binary holds this one case of it.
#include "common/daemon/daemon_runner.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "common/util/signals.h"
#include "tests/unit/support/http_get.h"

namespace simbind::daemon {
namespace {

std::uint16_t free_port() {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

TEST(DaemonRunner, when_a_part_asks_for_termination_then_serve_says_why_withdraws_healthz_and_exits_69) {
  start_logging("simbind-runner-test", "info");  // also blocks SIGTERM, which request_termination sends
  Runtime runtime("simbind-runner-test", "runner.yaml", "runner");
  const std::uint16_t port = free_port();
  metrics::MetricsConfig metrics;
  metrics.listen = "127.0.0.1:" + std::to_string(port);
  metrics.host = "127.0.0.1";
  metrics.port = port;
  ASSERT_TRUE(runtime.start_metrics(metrics));
  EXPECT_EQ(test::http_get("127.0.0.1", port, "/healthz").status, 503) << "starting";

  int healthz_while_serving = 0;
  std::thread part([&] {
    for (int i = 0; i < 100 && healthz_while_serving != 200; ++i) {
      healthz_while_serving = test::http_get("127.0.0.1", port, "/healthz").status;
      if (healthz_while_serving != 200) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    runtime.health().set_not_ready("Diameter stack stopped: the test said so");
    request_termination(kExitServiceLost);
  });
  testing::internal::CaptureStderr();
  runtime.serve();
  part.join();
  spdlog::default_logger()->flush();
  const std::string log = testing::internal::GetCapturedStderr();

  EXPECT_EQ(healthz_while_serving, 200);
  EXPECT_EQ(runtime.exit_code(), kExitServiceLost);
  EXPECT_NE(log.find("simbind-runner-test ready"), std::string::npos) << log;
  EXPECT_NE(log.find("shutting down: Diameter stack stopped: the test said so; exit status 69 for the supervisor "
                     "to restart simbind-runner-test"),
            std::string::npos)
      << log;
  EXPECT_EQ(test::http_get("127.0.0.1", port, "/healthz").status, 0) << "withdrawn when serve returns";
}

TEST(DaemonRunner, when_the_configuration_is_refused_then_stderr_names_the_daemon_and_the_status_is_2) {
  testing::internal::CaptureStderr();
  const int status = report_configuration_error("simbind-runner-test", "runner.yaml: log_level: unknown level");
  EXPECT_EQ(status, 2);
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            "simbind-runner-test: configuration error:\nrunner.yaml: log_level: unknown level\n");
}

}  // namespace
}  // namespace simbind::daemon
