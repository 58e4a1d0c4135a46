#include "tests/integration/support/mme_harness.h"

#include <cstdlib>

#include "tests/integration/support/metrics_scrape.h"

namespace simbind::test {

bool MmeHarnessConfig::s1ap_under_test() {
  const char* access = std::getenv("SIMBIND_TEST_ACCESS");
  return access && std::string(access) == "s1ap";
}

// Short heartbeats: a killed peer is noticed within about two seconds.
const char* const kTestSctpYaml = "  sctp:\n    backend: usrsctp\n    heartbeat_ms: 500\n    max_retransmissions: 3\n";

MmeHarness::MmeHarness(const HssHarness& hss, MmeHarnessConfig config)
    : config_(std::move(config)), nas_port_(free_port()), diameter_port_(free_port()) {
  std::string s1ap_yaml;
  if (config_.s1ap) {
    s1ap_port_ = free_port();  // a free TCP port number; SCTP ports are their own space, free on a test host
    s1ap_yaml = "s1ap:\n  listen: 127.0.0.1\n  port: " + std::to_string(s1ap_port_) + "\n" + kTestSctpYaml;
  }
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
                           "  port: " + std::to_string(nas_port_) + "\n" + s1ap_yaml +
                           config_.timers_yaml + metrics_yaml(config_.metrics_port) + config_.extra_yaml;
  config_path_ = dir_.write("mme.yaml", yaml);
  process_ = std::make_unique<DaemonProcess>("simbind-mme", daemon_path("services/mme/simbind-mme"),
                                             std::vector<std::string>{"--config", config_path_}, dir_.file("mme.log"));
}

bool MmeHarness::start() {
  const std::size_t before = process_->log().size();  // a restart appends to the same log
  if (!process_->start()) return false;
  return process_->wait_for_log("simbind-mme ready", std::chrono::seconds(30)) &&
         process_->log().find("error simbind-mme: freeDiameter:", before) == std::string::npos &&
         (!config_.s1ap || process_->log().find("S1AP on 127.0.0.1:" + std::to_string(s1ap_port_)) != std::string::npos) &&
         process_->log().find("S6a connection to hss.test.simbind.lab open") != std::string::npos;
}

}  // namespace simbind::test
