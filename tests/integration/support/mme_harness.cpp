#include "tests/integration/support/mme_harness.h"

#include "tests/integration/support/metrics_scrape.h"

namespace simbind::test {

MmeHarness::MmeHarness(const HssHarness& hss, MmeHarnessConfig config)
    : config_(std::move(config)), nas_port_(free_port()), diameter_port_(free_port()) {
  const std::string yaml = "log_level: " + config_.log_level + "\n"
                           "diameter:\n"
                           "  identity: " + config_.identity + "\n"
                           "  realm: simbind.lab\n"
                           "  port: " + std::to_string(diameter_port_) + "\n"
                           "  tc_timer: 1\n"
                           "  peers:\n"
                           "    - identity: hss.test.simbind.lab\n"
                           "      address: 127.0.0.1\n"
                           "      port: " + std::to_string(hss.diameter_port()) + "\n"
                           "hss:\n"
                           "  timeout_ms: " + std::to_string(config_.hss_timeout_ms) + "\n"
                           "  ulr_timeout_ms: 15000\n"
                           "nas:\n"
                           "  port: " + std::to_string(nas_port_) + "\n" +
                           config_.timers_yaml + metrics_yaml(config_.metrics_port) + config_.extra_yaml;
  config_path_ = dir_.write("mme.yaml", yaml);
  process_ = std::make_unique<DaemonProcess>("simbind-mme", daemon_path("services/mme/simbind-mme"),
                                             std::vector<std::string>{"--config", config_path_}, dir_.file("mme.log"));
}

bool MmeHarness::start() {
  if (!process_->start()) return false;
  return process_->wait_for_log("simbind-mme ready", std::chrono::seconds(30)) &&
         process_->log().find("S6a connection to hss.test.simbind.lab open") != std::string::npos;
}

}  // namespace simbind::test
